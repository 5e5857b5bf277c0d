#ifndef C_THETA_CBLAS_H
#define C_THETA_CBLAS_H
#include <cblas.h>
#endif
