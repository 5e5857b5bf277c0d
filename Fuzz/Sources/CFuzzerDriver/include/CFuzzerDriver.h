// libFuzzer's driver entry point (compiler-rt, LLVM 11 and later), for the fuzz targets'
// `main`: SwiftPM links an executable's `main` to its Swift entry point, which replaces
// libFuzzer's own `main`, so each target's `@main` calls this instead.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv,
                        int (*callback)(const uint8_t *data, size_t size));
