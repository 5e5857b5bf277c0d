#ifndef C_THETA_MATIO_H
#define C_THETA_MATIO_H
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sys/mman.h>
#include <matio.h>

/// An anonymous in-memory file (`memfd_create` with `MFD_CLOEXEC`); -1 on failure.
/// matio reads the verified, inflated image of a compressed MAT file from it.
static inline int CMatio_memfd(const char *name) { return memfd_create(name, MFD_CLOEXEC); }
#endif
