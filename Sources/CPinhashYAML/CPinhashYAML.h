// libyaml (pkg-config yaml-0.1): the pin-set file's parser events and emitter.
#include <yaml.h>
