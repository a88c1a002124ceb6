#ifndef PARLEY_CJPEG_SHIM_H
#define PARLEY_CJPEG_SHIM_H

/* libjpeg reports a fatal error by calling error_exit, which by default ends the process. The
   replacement below longjmps back into parley_jpeg_decode; setjmp cannot be used from Swift, so
   the whole decode lives here and hands back a malloc'd RGB buffer or a message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <jpeglib.h>

struct parley_jpeg_error {
    struct jpeg_error_mgr manager;
    jmp_buf escape;
    char message[JMSG_LENGTH_MAX];
};

static void parley_jpeg_error_exit(j_common_ptr info) {
    struct parley_jpeg_error *error = (struct parley_jpeg_error *)info->err;
    (*info->err->format_message)(info, error->message);
    longjmp(error->escape, 1);
}

/* Warnings (corrupt but readable data) are not printed on the terminal. */
static void parley_jpeg_output_message(j_common_ptr info) { (void)info; }

/* Decodes a JPEG held in memory into 8-bit RGB. The header's size is checked against the caps
   before any pixel buffer is allocated. Returns 0 and sets *pixels (free with free()), 1 when the
   size is past the caps (width and height are still set), 2 on a decoding error (message set). */
static inline int parley_jpeg_decode(
    const unsigned char *data, unsigned long size, unsigned max_side, unsigned long max_pixels,
    unsigned char **pixels, unsigned *width, unsigned *height, char *message, size_t message_size) {
    struct jpeg_decompress_struct info;
    struct parley_jpeg_error error;
    /* volatile: changed after setjmp and read after longjmp */
    unsigned char *volatile buffer = NULL;
    *pixels = NULL;
    *width = 0;
    *height = 0;
    memset(&error, 0, sizeof error);
    info.err = jpeg_std_error(&error.manager);
    error.manager.error_exit = parley_jpeg_error_exit;
    error.manager.output_message = parley_jpeg_output_message;
    if (setjmp(error.escape)) {
        snprintf(message, message_size, "%s", error.message);
        jpeg_destroy_decompress(&info);
        free(buffer);
        return 2;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, size);
    jpeg_read_header(&info, TRUE);
    *width = info.image_width;
    *height = info.image_height;
    if (info.image_width == 0 || info.image_height == 0 || info.image_width > max_side ||
        info.image_height > max_side ||
        (unsigned long)info.image_width * (unsigned long)info.image_height > max_pixels) {
        jpeg_destroy_decompress(&info);
        return 1;
    }
    info.out_color_space = JCS_RGB;
    jpeg_start_decompress(&info);
    size_t stride = (size_t)info.output_width * 3;
    buffer = malloc(stride * info.output_height);
    if (buffer == NULL) {
        snprintf(message, message_size, "out of memory");
        jpeg_destroy_decompress(&info);
        return 2;
    }
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = buffer + stride * info.output_scanline;
        jpeg_read_scanlines(&info, &row, 1);
    }
    jpeg_finish_decompress(&info);
    *width = info.output_width;
    *height = info.output_height;
    jpeg_destroy_decompress(&info);
    *pixels = buffer;
    return 0;
}

#endif
