#include "clibcurl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

// The few libcurl entry points used, declared here from its documented, stable ABI: option
// numbers are a type base (long 0, object pointer 10000, function pointer 20000) plus an index.
enum {
    OPTION_WRITEDATA = 10001,
    OPTION_URL = 10002,
    OPTION_ERRORBUFFER = 10010,
    OPTION_HTTPHEADER = 10023,
    OPTION_HEADERDATA = 10029,
    OPTION_NOPROGRESS = 43,
    OPTION_FOLLOWLOCATION = 52,
    OPTION_XFERINFODATA = 10057,
    OPTION_CONNECTTIMEOUT = 78,
    OPTION_BUFFERSIZE = 98,
    OPTION_NOSIGNAL = 99,
    OPTION_WRITEFUNCTION = 20011,
    OPTION_HEADERFUNCTION = 20079,
    OPTION_XFERINFOFUNCTION = 20219,
    GLOBAL_ALL = 3,
};

typedef struct curl_list {
    char *data;
    struct curl_list *next;
} curl_list;

typedef int (*global_init_fn)(long flags);
typedef void *(*easy_init_fn)(void);
typedef void (*easy_cleanup_fn)(void *handle);
typedef void (*easy_reset_fn)(void *handle);
typedef int (*easy_setopt_fn)(void *handle, int option, ...);
typedef int (*easy_perform_fn)(void *handle);
typedef const char *(*easy_strerror_fn)(int code);
typedef curl_list *(*slist_append_fn)(curl_list *list, const char *line);
typedef void (*slist_free_all_fn)(curl_list *list);

static struct {
    int loaded;
    easy_init_fn easy_init;
    easy_cleanup_fn easy_cleanup;
    easy_reset_fn easy_reset;
    easy_setopt_fn easy_setopt;
    easy_perform_fn easy_perform;
    easy_strerror_fn easy_strerror;
    slist_append_fn slist_append;
    slist_free_all_fn slist_free_all;
} curl;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void) {
    void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!library) library = dlopen("libcurl.so", RTLD_NOW | RTLD_LOCAL);
    if (!library) return;
    global_init_fn global_init = (global_init_fn)dlsym(library, "curl_global_init");
    curl.easy_init = (easy_init_fn)dlsym(library, "curl_easy_init");
    curl.easy_cleanup = (easy_cleanup_fn)dlsym(library, "curl_easy_cleanup");
    curl.easy_reset = (easy_reset_fn)dlsym(library, "curl_easy_reset");
    curl.easy_setopt = (easy_setopt_fn)dlsym(library, "curl_easy_setopt");
    curl.easy_perform = (easy_perform_fn)dlsym(library, "curl_easy_perform");
    curl.easy_strerror = (easy_strerror_fn)dlsym(library, "curl_easy_strerror");
    curl.slist_append = (slist_append_fn)dlsym(library, "curl_slist_append");
    curl.slist_free_all = (slist_free_all_fn)dlsym(library, "curl_slist_free_all");
    if (!global_init || !curl.easy_init || !curl.easy_cleanup || !curl.easy_reset || !curl.easy_setopt ||
        !curl.easy_perform || !curl.easy_strerror || !curl.slist_append || !curl.slist_free_all) {
        return;
    }
    // Initialising twice (FoundationNetworking does it too) only counts up.
    if (global_init(GLOBAL_ALL) != 0) return;
    curl.loaded = 1;
}

int clibcurl_available(void) {
    pthread_once(&load_once, load);
    return curl.loaded;
}

void *clibcurl_handle_new(void) {
    if (!clibcurl_available()) return NULL;
    return curl.easy_init();
}

void clibcurl_handle_free(void *handle) {
    if (handle && curl.loaded) curl.easy_cleanup(handle);
}

static size_t on_header(char *line, size_t size, size_t count, void *context) {
    const clibcurl_callbacks *callbacks = context;
    size_t length = size * count;
    return callbacks->header(callbacks->context, line, length) == 0 ? length : 0;
}

static size_t on_body(char *bytes, size_t size, size_t count, void *context) {
    const clibcurl_callbacks *callbacks = context;
    size_t length = size * count;
    // A count other than `length` makes libcurl stop with a write error.
    return callbacks->body(callbacks->context, bytes, length) == 0 ? length : 0;
}

static int on_tick(void *context, int64_t download_total, int64_t downloaded, int64_t upload_total, int64_t uploaded) {
    (void)download_total;
    (void)downloaded;
    (void)upload_total;
    (void)uploaded;
    const clibcurl_callbacks *callbacks = context;
    return callbacks->tick(callbacks->context);
}

int clibcurl_get(void *handle, const char *url, const char *const *header_lines, size_t header_count, long buffer_size,
                 long connect_timeout_seconds, const clibcurl_callbacks *callbacks, char *error) {
    error[0] = 0;
    if (!handle || !curl.loaded) {
        snprintf(error, 256, "libcurl is not available");
        return CLIBCURL_NOT_LOADED;
    }
    curl.easy_reset(handle);
    curl_list *headers = NULL;
    for (size_t i = 0; i < header_count; i++) {
        curl_list *longer = curl.slist_append(headers, header_lines[i]);
        if (!longer) {
            curl.slist_free_all(headers);
            snprintf(error, 256, "out of memory for the request's headers");
            return CLIBCURL_NOT_LOADED;
        }
        headers = longer;
    }
    int refused = 0;
    refused |= curl.easy_setopt(handle, OPTION_URL, url);
    refused |= curl.easy_setopt(handle, OPTION_HTTPHEADER, headers);
    refused |= curl.easy_setopt(handle, OPTION_FOLLOWLOCATION, 0L);
    refused |= curl.easy_setopt(handle, OPTION_NOSIGNAL, 1L);
    refused |= curl.easy_setopt(handle, OPTION_ERRORBUFFER, error);
    refused |= curl.easy_setopt(handle, OPTION_BUFFERSIZE, buffer_size);
    refused |= curl.easy_setopt(handle, OPTION_CONNECTTIMEOUT, connect_timeout_seconds);
    refused |= curl.easy_setopt(handle, OPTION_HEADERFUNCTION, on_header);
    refused |= curl.easy_setopt(handle, OPTION_HEADERDATA, (void *)callbacks);
    refused |= curl.easy_setopt(handle, OPTION_WRITEFUNCTION, on_body);
    refused |= curl.easy_setopt(handle, OPTION_WRITEDATA, (void *)callbacks);
    refused |= curl.easy_setopt(handle, OPTION_NOPROGRESS, 0L);
    refused |= curl.easy_setopt(handle, OPTION_XFERINFOFUNCTION, on_tick);
    refused |= curl.easy_setopt(handle, OPTION_XFERINFODATA, (void *)callbacks);
    int result;
    if (refused) {
        snprintf(error, 256, "libcurl refused an option");
        result = CLIBCURL_NOT_LOADED;
    } else {
        result = curl.easy_perform(handle);
        if (result != 0 && error[0] == 0) snprintf(error, 256, "%s", curl.easy_strerror(result));
    }
    // The list and the error buffer belong to this call: nothing may point at them afterwards.
    curl.easy_setopt(handle, OPTION_HTTPHEADER, (void *)NULL);
    curl.easy_setopt(handle, OPTION_ERRORBUFFER, (void *)NULL);
    curl.slist_free_all(headers);
    return result;
}
