// Expat (pkg-config expat): the XML of Android's network security config and of XML property lists.
#include <expat.h>
