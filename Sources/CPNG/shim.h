#ifndef PARLEY_CPNG_SHIM_H
#define PARLEY_CPNG_SHIM_H

/* libpng's simplified API (png_image) reports errors through a return value and a message field
   instead of longjmp, which Swift cannot take part in; it is the only part of libpng used. */
#include <png.h>

/* PNG_IMAGE_SIZE and friends are function-like macros, which Swift does not import. */
static inline png_uint_32 parley_png_format_rgb(void) { return PNG_FORMAT_RGB; }
static inline int parley_png_failed(const png_image *image) { return PNG_IMAGE_FAILED(*image); }
static inline png_uint_32 parley_png_version(void) { return PNG_IMAGE_VERSION; }

#endif
