#ifndef C_THETA_ZLIB_H
#define C_THETA_ZLIB_H
#include <zlib.h>
/// `inflateInit` is a macro; Swift cannot call it.
static inline int CZlib_inflateInit(z_streamp strm) { return inflateInit(strm); }
#endif
