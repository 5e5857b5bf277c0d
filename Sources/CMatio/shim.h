#ifndef C_THETA_MATIO_H
#define C_THETA_MATIO_H
#include <matio.h>

/* glibc declares memfd_create only under _GNU_SOURCE, which would change the
   system headers this module shares with the others; declare it here instead. */
extern int memfd_create(const char *name, unsigned int flags);

/// An anonymous in-memory file (`memfd_create` with `MFD_CLOEXEC` = 1); -1 on failure.
/// matio reads the verified, inflated image of a compressed MAT file from it.
static inline int CMatio_memfd(const char *name) { return memfd_create(name, 1U); }

/* glibc's _Fork (2.34+, declared only under _GNU_SOURCE): fork without running the
   pthread_atfork handlers. Debian's OpenBLAS registers one that shuts its thread pool
   down and can hang when another thread is using BLAS; the v7.3 reader's child never
   calls BLAS, so it does not need that handler. */
extern int _Fork(void);

/// `_Fork()`: a new process, without the atfork handlers.
static inline int CMatio_fork(void) { return _Fork(); }
#endif
