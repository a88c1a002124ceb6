#ifndef CLIBCURL_H
#define CLIBCURL_H

// One GET through the system's libcurl, loaded when first needed (dlopen of libcurl.so.4, the
// library FoundationNetworking itself runs on), so building needs no curl headers. Used for model
// downloads: libcurl reads the socket into one large buffer and hands each read over whole, where
// URLSession on Linux hands over 16 KiB at a time through its queues.
//
// Redirects are not followed here: the caller decides each hop (which headers travel to another
// host). The callbacks run on the calling thread, inside `clibcurl_get`.

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    /// One header line as received, status line and the empty line that ends the headers
    /// included (with its CRLF). Nonzero stops the transfer.
    int (*header)(void *context, const char *line, size_t length);
    /// One piece of the body. Nonzero stops the transfer.
    int (*body)(void *context, const char *bytes, size_t length);
    /// Called often while the transfer runs, also when nothing arrives (about once a second
    /// then). Nonzero stops the transfer.
    int (*tick)(void *context);
    void *context;
} clibcurl_callbacks;

/// 1 when libcurl could be loaded and initialised (once per process), 0 otherwise.
int clibcurl_available(void);

/// A transfer handle, or NULL. Reusable for several requests in a row on one thread.
void *clibcurl_handle_new(void);
void clibcurl_handle_free(void *handle);

/// GET `url` with the given header lines ("Name: value"); reads into a buffer of `buffer_size`
/// bytes. Returns libcurl's result code (0 for a transfer that ended normally, whatever its HTTP
/// status); `error` (at least 256 bytes) gets libcurl's description of a failure.
int clibcurl_get(void *handle, const char *url, const char *const *header_lines, size_t header_count, long buffer_size,
                 long connect_timeout_seconds, const clibcurl_callbacks *callbacks, char *error);

/// libcurl's result codes this package tells apart.
enum {
    CLIBCURL_OK = 0,
    CLIBCURL_UNSUPPORTED_PROTOCOL = 1,
    CLIBCURL_COULDNT_RESOLVE_PROXY = 5,
    CLIBCURL_COULDNT_RESOLVE_HOST = 6,
    CLIBCURL_COULDNT_CONNECT = 7,
    CLIBCURL_HTTP2 = 16,
    CLIBCURL_PARTIAL_FILE = 18,
    CLIBCURL_WRITE_ERROR = 23,
    CLIBCURL_OPERATION_TIMEDOUT = 28,
    CLIBCURL_SSL_CONNECT_ERROR = 35,
    CLIBCURL_ABORTED_BY_CALLBACK = 42,
    CLIBCURL_GOT_NOTHING = 52,
    CLIBCURL_SEND_ERROR = 55,
    CLIBCURL_RECV_ERROR = 56,
    CLIBCURL_PEER_FAILED_VERIFICATION = 60,
    CLIBCURL_HTTP2_STREAM = 92,
    /// Not libcurl's: the library is missing or an option was refused.
    CLIBCURL_NOT_LOADED = -1,
};

#ifdef __cplusplus
}
#endif

#endif
