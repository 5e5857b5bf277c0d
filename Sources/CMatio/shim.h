#ifndef C_THETA_MATIO_H
#define C_THETA_MATIO_H
#include <matio.h>
#endif
