// libplist (pkg-config libplist-2.0): XML and binary property lists (Info.plist, TrustKit).
#include <plist/plist.h>
