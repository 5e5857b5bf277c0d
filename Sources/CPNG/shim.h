#ifndef C_THETA_PNG_H
#define C_THETA_PNG_H
#include <png.h>
#endif
