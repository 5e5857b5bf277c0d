#ifndef C_THETA_MATIO_H
#define C_THETA_MATIO_H
#include <matio.h>

/* glibc declares memfd_create only under _GNU_SOURCE, which would change the
   system headers this module shares with the others; declare it here instead. */
extern int memfd_create(const char *name, unsigned int flags);

/// An anonymous in-memory file (`memfd_create` with `MFD_CLOEXEC` = 1); -1 on failure.
/// matio reads the verified, inflated image of a compressed MAT file from it.
static inline int CMatio_memfd(const char *name) { return memfd_create(name, 1U); }
#endif
