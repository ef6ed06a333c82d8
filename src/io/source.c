/* SPDX-License-Identifier: MIT */
/*
 * Sources: from a path to parsed files. Lists a folder recursively through
 * the I/O table, keeps the names that look like activity files, sorts them
 * (so every run sees the same order), and reads them on a small pool of
 * threads, one context per worker. The format of each file is decided by
 * its content; the name only breaks a tie when the content says nothing
 * (an empty or garbled file still gets a parser that can explain why).
 *
 * A file that fails is kept as an entry with its error: one corrupt file
 * never fails the collection.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "heatmap/io.h"
#include "io/stream_int.h"
#include "io/vsi_int.h"
#include "io/xml_util_int.h"
#include "track/builder_int.h"

#define SNIFF_BYTES 4096

#define MAX_THREADS 64

struct hm_collection {
    hm_ctx *ctx;                   /* allocator owner; borrowed */
    hm_file **files;               /* sorted by path; never NULL entries once read */
    size_t nfiles;                 /* entries in files */
    hm_ctx *workers[MAX_THREADS];  /* owned: the files borrow their allocator */
    size_t nworkers;               /* used entries of workers */
};

/* ---- format detection --------------------------------------------------- */

static int ends_with_ci(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && strncasecmp(s + len - n, suffix, n) == 0;
}

hm_format hm_format_from_name(const char *path)
{
    size_t len = strlen(path);

    if (ends_with_ci(path, len, ".gz"))
        len -= 3;
    if (ends_with_ci(path, len, ".gpx"))
        return HM_FORMAT_GPX;
    if (ends_with_ci(path, len, ".tcx"))
        return HM_FORMAT_TCX;
    if (ends_with_ci(path, len, ".fit"))
        return HM_FORMAT_FIT;
    return HM_FORMAT_UNKNOWN;
}

/* Local name of the first element start tag in an XML head, or NULL. */
static const char *xml_root_name(const unsigned char *p, const unsigned char *end, size_t *len)
{
    while (p < end) {
        const unsigned char *name, *colon = NULL;

        p = memchr(p, '<', (size_t)(end - p));
        if (!p || p + 1 >= end)
            return NULL;
        p++;
        if (*p == '?' || *p == '!') /* declaration, comment, DOCTYPE */
            continue;
        name = p;
        while (p < end && *p != '>' && *p != '/' && *p != ' ' && *p != '\t' && *p != '\r' &&
               *p != '\n') {
            if (*p == ':')
                colon = p;
            p++;
        }
        if (p >= end)
            return NULL;
        if (colon)
            name = colon + 1;
        *len = (size_t)(p - name);
        return (const char *)name;
    }
    return NULL;
}

hm_format hm_format_sniff(const void *head, size_t len)
{
    const unsigned char *p = head, *end = p + len;
    const char *root;
    size_t rlen;

    if (len >= 12 && (p[0] == 12 || p[0] == 14) && memcmp(p + 8, ".FIT", 4) == 0)
        return HM_FORMAT_FIT;
    if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        p += 3;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    if (p >= end || *p != '<')
        return HM_FORMAT_UNKNOWN;
    root = xml_root_name(p, end, &rlen);
    if (!root)
        return HM_FORMAT_UNKNOWN;
    if (rlen == 3 && memcmp(root, "gpx", 3) == 0)
        return HM_FORMAT_GPX;
    if (rlen == 22 && memcmp(root, "TrainingCenterDatabase", 22) == 0)
        return HM_FORMAT_TCX;
    return HM_FORMAT_UNKNOWN;
}

/* ---- one file ----------------------------------------------------------- */

int hm_file_read(hm_file **out, hm_ctx *ctx, const char *path, const hm_read_options *options)
{
    unsigned char head[SNIFF_BYTES];
    hm_stream *in;
    hm_format format;
    size_t got;
    int rc;

    *out = NULL;
    rc = hm_stream__new_file(&in, ctx, path, options ? options->max_file_bytes : 0);
    if (rc != HM_OK)
        return rc;
    rc = hm_stream__peek(in, head, sizeof(head), &got);
    if (rc != HM_OK)
        goto done;
    if (got == 0) {
        rc = HM_RAISE(ctx, HM_EPARSE, path, 0, 0, "empty file");
        goto done;
    }
    format = hm_format_sniff(head, got);
    if (format == HM_FORMAT_UNKNOWN)
        format = hm_format_from_name(path);
    switch (format) {
    case HM_FORMAT_GPX: rc = hm_gpx__parse_stream(out, ctx, in); break;
    case HM_FORMAT_TCX: rc = hm_tcx__parse_stream(out, ctx, in); break;
    case HM_FORMAT_FIT: rc = hm_fit__parse_stream(out, ctx, in); break;
    default:
        rc = HM_RAISE(ctx, HM_EUNSUPPORTED, path, 0, 0, "not a GPX, TCX or FIT file");
        goto done;
    }
    if (rc == HM_OK && hm_stream__warning(in)[0])
        rc = hm_file__add_warning(*out, HM_EPARSE, 0, (int64_t)hm_stream__tell(in),
                                  hm_stream__warning(in));
    if (rc != HM_OK) {
        hm_file_free(*out);
        *out = NULL;
    }
done:
    hm_stream__free(in);
    return rc;
}

/* ---- collections -------------------------------------------------------- */

typedef struct worker_shared {
    hm_collection *coll;            /* files[i] are filled in by workers */
    char **paths;                   /* full path of each entry */
    const hm_read_options *options; /* may be NULL */
    hm_ctx *parent;                 /* to make child contexts */
    pthread_mutex_t lock;           /* guards next and fatal */
    size_t next;                    /* next index to read */
    int fatal;                      /* first unrecoverable code (ENOMEM), or HM_OK */
} worker_shared;

typedef struct worker {
    worker_shared *shared; /* common state */
    hm_ctx *ctx;           /* this worker's context, owned by the collection */
} worker;

static void *worker_main(void *arg)
{
    worker_shared *w = ((worker *)arg)->shared;
    hm_ctx *ctx = ((worker *)arg)->ctx;

    for (;;) {
        size_t i;
        hm_file *f = NULL;
        int rc;

        pthread_mutex_lock(&w->lock);
        i = w->next++;
        if (w->fatal != HM_OK)
            i = w->coll->nfiles;
        pthread_mutex_unlock(&w->lock);
        if (i >= w->coll->nfiles)
            break;
        hm_ctx_clear_error(ctx);
        rc = hm_file_read(&f, ctx, w->paths[i], w->options);
        if (rc != HM_OK) {
            const hm_error *e = hm_ctx_last_error(ctx);
            hm_error fallback = {rc, hm_strerror(rc), w->paths[i], 0, -1, ""};
            rc = hm_file__new_failed(&f, ctx, w->paths[i], hm_format_from_name(w->paths[i]),
                                     e ? e : &fallback);
        }
        if (rc != HM_OK) {
            pthread_mutex_lock(&w->lock);
            w->fatal = rc;
            pthread_mutex_unlock(&w->lock);
            break;
        }
        w->coll->files[i] = f;
    }
    return NULL;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collect the activity-file paths below `path` (or path itself), sorted. */
static int list_paths(hm_ctx *ctx, const char *path, char ***paths_out, size_t *count_out)
{
    const hm_io_api *io = hm_io__api(ctx);
    char **names, **paths = NULL;
    size_t n = 0, cap = 0, i, plen;
    uint64_t size;
    int is_dir, rc = HM_OK;

    *paths_out = NULL;
    *count_out = 0;
    if (io->stat(path, &is_dir, &size, io->payload) != 0)
        return HM_RAISE(ctx, HM_ENOTFOUND, path, 0, -1, "no such file or folder");
    if (!is_dir) {
        paths = hm_ctx__calloc(ctx, 1, sizeof(*paths));
        if (!paths || !(paths[0] = hm_ctx__strdup(ctx, path))) {
            hm_ctx__free(ctx, paths);
            return HM_RAISE_NOMEM(ctx);
        }
        *paths_out = paths;
        *count_out = 1;
        return HM_OK;
    }
    names = io->list(path, io->payload);
    if (!names)
        return HM_RAISE(ctx, HM_EIO, path, 0, -1, "cannot list folder");
    plen = strlen(path);
    while (plen > 1 && path[plen - 1] == '/')
        plen--;
    for (i = 0; names[i]; i++) {
        size_t nlen = strlen(names[i]);
        char *full;

        if (hm_format_from_name(names[i]) == HM_FORMAT_UNKNOWN)
            continue;
        if ((rc = hm_ctx__grow(ctx, (void **)&paths, &cap, n + 1, sizeof(*paths))) != HM_OK)
            break;
        full = hm_ctx__malloc(ctx, plen + nlen + 2);
        if (!full) {
            rc = HM_RAISE_NOMEM(ctx);
            break;
        }
        memcpy(full, path, plen);
        full[plen] = '/';
        memcpy(full + plen + 1, names[i], nlen + 1);
        paths[n++] = full;
    }
    io->free_list(names, io->payload);
    if (rc != HM_OK) {
        while (n)
            hm_ctx__free(ctx, paths[--n]);
        hm_ctx__free(ctx, paths);
        return rc;
    }
    if (n)
        qsort(paths, n, sizeof(*paths), cmp_str);
    *paths_out = paths;
    *count_out = n;
    return HM_OK;
}

int hm_collection_read(hm_collection **out, hm_ctx *ctx, const char *path,
                       const hm_read_options *options)
{
    hm_collection *coll;
    worker_shared w;
    worker workers[MAX_THREADS];
    pthread_t tids[MAX_THREADS];
    size_t nthreads, started = 0, i;
    char **paths;
    size_t npaths;
    int rc;

    *out = NULL;
    rc = list_paths(ctx, path, &paths, &npaths);
    if (rc != HM_OK)
        return rc;
    coll = hm_ctx__calloc(ctx, 1, sizeof(*coll));
    if (!coll || !(coll->files = hm_ctx__calloc(ctx, npaths ? npaths : 1, sizeof(hm_file *)))) {
        hm_ctx__free(ctx, coll);
        rc = HM_RAISE_NOMEM(ctx);
        goto cleanup_paths;
    }
    coll->ctx = ctx;
    coll->nfiles = npaths;

    hm_xml__init();
    memset(&w, 0, sizeof(w));
    w.coll = coll;
    w.paths = paths;
    w.options = options;
    w.parent = ctx;
    w.fatal = HM_OK;
    pthread_mutex_init(&w.lock, NULL);
    nthreads = options && options->threads > 0 ? (size_t)options->threads
                                               : (size_t)sysconf(_SC_NPROCESSORS_ONLN);
    if (nthreads < 1)
        nthreads = 1;
    if (nthreads > MAX_THREADS)
        nthreads = MAX_THREADS;
    if (nthreads > npaths)
        nthreads = npaths;
    for (i = 0; i < nthreads; i++) {
        if (hm_ctx__new_child(&coll->workers[i], ctx) != HM_OK) {
            w.fatal = HM_ENOMEM;
            break;
        }
        coll->nworkers++;
        workers[i].shared = &w;
        workers[i].ctx = coll->workers[i];
    }
    /* The calling thread works too, so one thread means no extra thread. */
    for (i = 1; i < coll->nworkers && w.fatal == HM_OK; i++) {
        if (pthread_create(&tids[started], NULL, worker_main, &workers[i]) != 0)
            break;
        started++;
    }
    if (coll->nworkers && w.fatal == HM_OK)
        worker_main(&workers[0]);
    for (i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    pthread_mutex_destroy(&w.lock);
    rc = w.fatal;
    if (rc != HM_OK) {
        hm_collection_free(coll);
        HM_RAISE(ctx, rc, path, 0, -1, "reading the folder failed: %s", hm_strerror(rc));
        goto cleanup_paths;
    }
    *out = coll;

cleanup_paths:
    for (i = 0; i < npaths; i++)
        hm_ctx__free(ctx, paths[i]);
    hm_ctx__free(ctx, paths);
    return rc;
}

size_t hm_collection_get_file_count(const hm_collection *c) { return c->nfiles; }
const hm_file *hm_collection_get_file(const hm_collection *c, size_t i) { return c->files[i]; }

void hm_collection_free(hm_collection *c)
{
    size_t i;

    if (!c)
        return;
    for (i = 0; i < c->nfiles; i++)
        hm_file_free(c->files[i]);
    for (i = 0; i < c->nworkers; i++)
        hm_ctx_free(c->workers[i]);
    hm_ctx__free(c->ctx, c->files);
    hm_ctx__free(c->ctx, c);
}
