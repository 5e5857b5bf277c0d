#ifndef C_THETA_DEFLATE_H
#define C_THETA_DEFLATE_H
/* libdeflate: whole-buffer zlib decompression (verifies the Adler-32 trailer).
   Used only by MatFile, to verify and inflate miCOMPRESSED elements into place. */
#include <libdeflate.h>
#endif
