#ifndef C_THETA_PNG_H
#define C_THETA_PNG_H
#include <png.h>

/* Only libpng's simplified API (png_image_*) is used: it reports errors in
 * png_image.message and a return value, never by longjmp, so Swift can call it.
 * The function-like macros of png.h do not import into Swift; these do. */

/* PNG_IMAGE_FAILED(image): an error (not only a warning) was recorded. */
static inline int CPNG_imageFailed(const png_image *image) {
  return PNG_IMAGE_FAILED(*image);
}

/* PNG_IMAGE_VERSION, the value png_image.version must hold. */
static inline png_uint_32 CPNG_imageVersion(void) { return PNG_IMAGE_VERSION; }

/* PNG_FORMAT_GRAY and PNG_FORMAT_RGB (8-bit, no alpha). */
static inline png_uint_32 CPNG_formatGray(void) { return PNG_FORMAT_GRAY; }
static inline png_uint_32 CPNG_formatRGB(void) { return PNG_FORMAT_RGB; }

/* PNG_FORMAT_FLAG_COLOR: set in png_image.format for colour files. */
static inline png_uint_32 CPNG_formatFlagColor(void) { return PNG_FORMAT_FLAG_COLOR; }

#endif
