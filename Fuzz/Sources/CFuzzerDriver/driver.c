// The declaration lives in include/CFuzzerDriver.h; the definition is in libFuzzer.
#include "CFuzzerDriver.h"
