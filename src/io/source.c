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
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/pool_int.h"
#include "core/text_int.h"
#include "heatmap/io.h"
#include "io/source_int.h"
#include "io/stream_int.h"
#include "io/vsi_int.h"
#include "io/xml_util_int.h"
#include "track/builder_int.h"

#define SNIFF_BYTES 4096


struct hm_collection {
    hm_ctx *ctx;                   /* allocator owner; borrowed */
    hm_file **files;               /* sorted by path; never NULL entries once read */
    size_t nfiles;                 /* entries in files */
    hm_ctx *workers[HM_POOL_MAX_THREADS]; /* owned: the files borrow their allocator */
    size_t nworkers;               /* used entries of workers */
};

/* ---- format detection --------------------------------------------------- */

static int ends_with_ci(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && hm_text__equal_ci(s + len - n, n, suffix);
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

/* ---- listing ------------------------------------------------------------- */

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const hm_listing_entry *)a)->rel, ((const hm_listing_entry *)b)->rel);
}

void hm_listing__free(hm_listing *l)
{
    size_t i;

    if (!l->ctx)
        return;
    for (i = 0; i < l->n; i++)
        hm_ctx__free(l->ctx, l->entries[i].rel);
    hm_ctx__free(l->ctx, l->entries);
    hm_ctx__free(l->ctx, l->root);
    hm_ctx__free(l->ctx, l->table);
    memset(l, 0, sizeof(*l));
}

void hm_listing__entry_error(const hm_listing_entry *e, const char *path, hm_error *out)
{
    size_t n = strlen(e->rel);

    out->code = e->status;
    out->message = e->status == HM_EUNSUPPORTED ? "not a regular file (a FIFO, device or socket): not read"
                   : n && e->rel[n - 1] == '/' ? "cannot list folder (permission denied): its files are not read"
                                               : "cannot read file information";
    out->path = path;
    out->line = 0;
    out->offset = -1;
    out->where = "";
}

char *hm_listing__path(const hm_listing *l, size_t i, hm_ctx *ctx)
{
    const char *rel = l->entries[i].rel;
    size_t plen = strlen(l->root), rlen = strlen(rel);
    char *full;

    if (l->is_file)
        return hm_ctx__strdup(ctx, l->root);
    full = hm_ctx__malloc(ctx, plen + rlen + 2);
    if (!full)
        return NULL;
    memcpy(full, l->root, plen);
    full[plen] = '/';
    memcpy(full + plen + 1, rel, rlen + 1);
    return full;
}

static void stat_entry(hm_ctx *ctx, const char *full, hm_listing_entry *e)
{
    hm_io_stat st;

    e->mtime_ns = -1;
    if (hm_io__stat_ex(ctx, full, &st) != 0) {
        e->status = HM_EIO;
        return;
    }
    e->size = st.size;
    e->mtime_ns = st.mtime_ns;
    e->status = st.regular ? HM_OK : HM_EUNSUPPORTED;
}

static int64_t wall_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A Strava export: its table named, and only the tracks under activities/ kept. */
static int find_table(hm_listing *l)
{
    size_t plen = strlen(l->root), tlen = strlen(HM_LISTING_EXPORT_TRACKS), i, kept = 0;
    hm_io_stat st;
    char *table = hm_ctx__malloc(l->ctx, plen + sizeof(HM_LISTING_TABLE) + 1);

    if (!table)
        return HM_RAISE_NOMEM(l->ctx);
    memcpy(table, l->root, plen);
    table[plen] = '/';
    memcpy(table + plen + 1, HM_LISTING_TABLE, sizeof(HM_LISTING_TABLE));
    if (hm_io__stat_ex(l->ctx, table, &st) != 0 || st.is_dir) {
        hm_ctx__free(l->ctx, table);
        return HM_OK;
    }
    l->table = table;
    l->table_size = st.size;
    l->table_mtime_ns = st.mtime_ns;
    for (i = 0; i < l->n; i++)
        kept += strncmp(l->entries[i].rel, HM_LISTING_EXPORT_TRACKS, tlen) == 0;
    if (kept == 0)
        return HM_OK; /* a table beside the tracks themselves */
    for (i = 0, kept = 0; i < l->n; i++) {
        if (strncmp(l->entries[i].rel, HM_LISTING_EXPORT_TRACKS, tlen) == 0)
            l->entries[kept++] = l->entries[i];
        else
            hm_ctx__free(l->ctx, l->entries[i].rel);
    }
    l->n = kept;
    return HM_OK;
}

int hm_listing__build(hm_listing *out, hm_ctx *ctx, const char *path)
{
    const hm_io_api *io = hm_io__api(ctx);
    hm_io_stat st;
    char **names;
    size_t cap = 0, i, plen = strlen(path);
    int rc = HM_OK;

    memset(out, 0, sizeof(*out));
    out->ctx = ctx;
    out->scan_time_ns = wall_ns();
    while (plen > 1 && path[plen - 1] == '/')
        plen--;
    if (!(out->root = hm_ctx__strndup(ctx, path, plen)))
        return HM_RAISE_NOMEM(ctx);
    if (hm_io__stat_ex(ctx, path, &st) != 0)
        return HM_RAISE(ctx, HM_ENOTFOUND, path, 0, -1, "no such file or folder");
    if (!st.is_dir) {
        out->is_file = 1;
        out->entries = hm_ctx__calloc(ctx, 1, sizeof(*out->entries));
        if (!out->entries || !(out->entries[0].rel = hm_ctx__strdup(ctx, "")))
            return HM_RAISE_NOMEM(ctx);
        out->n = 1;
        out->entries[0].size = st.size;
        out->entries[0].mtime_ns = st.mtime_ns;
        out->entries[0].status = st.regular ? HM_OK : HM_EUNSUPPORTED;
        return HM_OK;
    }
    errno = 0;
    names = io->list(path, io->payload);
    if (!names)
        return HM_RAISE(ctx, HM_EIO, path, 0, -1, "cannot list folder%s",
                        errno == EACCES || errno == EPERM ? ": permission denied" : "");
    for (i = 0; names[i] && rc == HM_OK; i++) {
        size_t nlen = strlen(names[i]);
        int unlistable = nlen && names[i][nlen - 1] == '/';
        hm_listing_entry *e;
        char *full;

        if (!unlistable && hm_format_from_name(names[i]) == HM_FORMAT_UNKNOWN)
            continue;
        if ((rc = hm_ctx__grow(ctx, (void **)&out->entries, &cap, out->n + 1,
                               sizeof(*out->entries))) != HM_OK)
            break;
        e = &out->entries[out->n];
        memset(e, 0, sizeof(*e));
        if (!(e->rel = hm_ctx__strdup(ctx, names[i]))) {
            rc = HM_RAISE_NOMEM(ctx);
            break;
        }
        out->n++;
        if (unlistable) { /* size and mtime 0: the same next time, until it can be listed */
            e->status = HM_EIO;
            continue;
        }
        if (!(full = hm_listing__path(out, out->n - 1, ctx))) {
            rc = HM_RAISE_NOMEM(ctx);
            break;
        }
        stat_entry(ctx, full, e);
        hm_ctx__free(ctx, full);
    }
    io->free_list(names, io->payload);
    if (rc == HM_OK)
        rc = find_table(out);
    if (rc == HM_OK && out->n > 1)
        qsort(out->entries, out->n, sizeof(*out->entries), cmp_entry);
    return rc;
}

/* ---- reading ------------------------------------------------------------- */

typedef struct reading {
    char *const *paths;             /* the files to read */
    hm_ctx *const *workers;         /* each worker's context */
    const hm_read_options *options; /* may be NULL */
    hm_read_each_fn fn;             /* where each file goes */
    void *payload;                  /* passed to fn */
} reading;

/* Pool job: read file k on worker w and hand it on. */
static int read_job(size_t k, size_t w, void *payload)
{
    const reading *r = payload;
    hm_ctx *ctx = r->workers[w];
    hm_file *f = NULL;
    const hm_error *e;
    int rc;

    hm_ctx_clear_error(ctx);
    rc = hm_file_read(&f, ctx, r->paths[k], r->options);
    if (rc == HM_OK)
        return r->fn(k, r->paths[k], f, NULL, ctx, r->payload);
    if (rc == HM_ENOMEM)
        return rc; /* not the file's fault: the whole read fails */
    e = hm_ctx_last_error(ctx);
    if (!e) {
        hm_error fallback = {rc, hm_strerror(rc), r->paths[k], 0, -1, ""};
        return r->fn(k, r->paths[k], NULL, &fallback, ctx, r->payload);
    }
    return r->fn(k, r->paths[k], NULL, e, ctx, r->payload);
}

int hm_source__read_each(hm_ctx *ctx, hm_ctx *const *workers, size_t nworkers,
                         char *const *paths, size_t n, const hm_read_options *options,
                         hm_read_each_fn fn, void *payload)
{
    reading r;
    size_t failed;
    int rc;

    hm_xml__init();
    r.paths = paths;
    r.workers = workers;
    r.options = options;
    r.fn = fn;
    r.payload = payload;
    rc = hm_pool__run(nworkers, n, read_job, &r, &failed);
    if (rc != HM_OK)
        hm_ctx__copy_error(ctx, workers[failed]);
    return rc;
}

/* ---- collections -------------------------------------------------------- */

static int keep_file(size_t k, const char *path, hm_file *file, const hm_error *error,
                     hm_ctx *ctx, void *payload)
{
    hm_collection *coll = payload;

    if (!file) {
        int rc = hm_file__new_failed(&file, ctx, path, hm_format_from_name(path), error);
        if (rc != HM_OK)
            return rc;
    }
    coll->files[k] = file;
    return HM_OK;
}

int hm_collection_read(hm_collection **out, hm_ctx *ctx, const char *path,
                       const hm_read_options *options)
{
    hm_collection *coll;
    hm_listing l;
    char **paths = NULL;
    size_t i, k, nread = 0, nthreads;
    size_t *slot = NULL;
    int rc;

    *out = NULL;
    if ((rc = hm_listing__build(&l, ctx, path)) != HM_OK) {
        hm_listing__free(&l);
        return rc;
    }
    coll = hm_ctx__calloc(ctx, 1, sizeof(*coll));
    if (!coll || !(coll->files = hm_ctx__calloc(ctx, l.n ? l.n : 1, sizeof(hm_file *))) ||
        !(paths = hm_ctx__calloc(ctx, l.n ? l.n : 1, sizeof(*paths))) ||
        !(slot = hm_ctx__calloc(ctx, l.n ? l.n : 1, sizeof(*slot)))) {
        if (coll)
            hm_ctx__free(ctx, coll->files);
        hm_ctx__free(ctx, coll);
        hm_ctx__free(ctx, paths);
        hm_listing__free(&l);
        return HM_RAISE_NOMEM(ctx);
    }
    coll->ctx = ctx;
    coll->nfiles = l.n;
    nthreads = hm_pool__threads(options ? options->threads : 0, l.n);
    for (i = 0; i < nthreads && rc == HM_OK; i++) {
        if (hm_ctx__new_child(&coll->workers[i], ctx) != HM_OK)
            rc = HM_RAISE_NOMEM(ctx);
        else
            coll->nworkers++;
    }
    /* Files that cannot be opened safely are entries with their reason, never read. */
    for (i = 0; i < l.n && rc == HM_OK; i++) {
        char *full = hm_listing__path(&l, i, ctx);
        const hm_listing_entry *e = &l.entries[i];
        if (!full) {
            rc = HM_RAISE_NOMEM(ctx);
            break;
        }
        if (e->status != HM_OK) {
            hm_error err;
            hm_listing__entry_error(e, full, &err);
            rc = hm_file__new_failed(&coll->files[i], coll->workers[0], full,
                                     hm_format_from_name(full), &err);
            hm_ctx__free(ctx, full);
            continue;
        }
        slot[nread] = i;
        paths[nread++] = full;
    }
    if (rc == HM_OK) {
        /* keep_file stores by position in `paths`: map it back through a scratch order. */
        hm_file **got = hm_ctx__calloc(ctx, nread ? nread : 1, sizeof(*got));
        if (!got) {
            rc = HM_RAISE_NOMEM(ctx);
        } else {
            hm_file **all = coll->files;
            coll->files = got;
            rc = hm_source__read_each(ctx, coll->workers, coll->nworkers, paths, nread, options,
                                      keep_file, coll);
            coll->files = all;
            for (k = 0; k < nread; k++)
                all[slot[k]] = got[k];
            hm_ctx__free(ctx, got);
        }
    }
    for (k = 0; k < nread; k++)
        hm_ctx__free(ctx, paths[k]);
    hm_ctx__free(ctx, paths);
    hm_ctx__free(ctx, slot);
    hm_listing__free(&l);
    if (rc != HM_OK) {
        hm_collection_free(coll);
        if (rc == HM_ENOMEM)
            HM_RAISE(ctx, rc, path, 0, -1, "reading the folder failed: %s", hm_strerror(rc));
        return rc;
    }
    *out = coll;
    return HM_OK;
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
