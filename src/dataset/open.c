/* SPDX-License-Identifier: MIT */
/*
 * Opening a source: listing -> store (shared, found, or brought up to date)
 * -> hm_source; and a raster on it (hm_raster_open).
 *
 * 1. List the source: names, sizes, modification times; a stat each.
 * 2. In-process sharing: a store another handle of this process opened for
 *    the same store file (or, in memory, source and data options) is used
 *    when the listing is the one it was made from.
 * 3. The store file: mapped and checked (store/load.c). It is current when
 *    it was built from this source with these data options and every listed
 *    file has the size and mtime recorded for it, none was "racy" (modified
 *    so shortly before the listing that a later change within the same
 *    timestamp tick could hide: those are read again next time) and none
 *    was removed. A current store is used as it is: nothing is read.
 * 4. Otherwise, under a lock (so processes that open a new folder at once
 *    build it once): read the new and changed files on all cores, each
 *    reduced to a store part as soon as it is read; write a new store of the
 *    parts and the unchanged files of the old one; rename it into place. A
 *    store that cannot be written leaves a warning and the source in memory.
 *
 * The keys come from the option table (hm_spec__key): the store is named by
 * the source and the DATA options; rasters name their derived values by the
 * GRID and FILTER options.
 */
#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/hash_int.h"
#include "core/pool_int.h"
#include "core/strbuf_int.h"
#include "core/text_int.h"
#include "dataset/cache_int.h"
#include "dataset/open_int.h"
#include "io/source_int.h"
#include "io/vsi_int.h"
#include "raster/raster_int.h"
#include "dataset/where_int.h"
#include "store/activity_int.h"
#include "track/sport_int.h"

/* A file modified less than this before the listing may still change unseen within its
 * timestamp's tick: read it again at the next open. Whole-second mtimes get two seconds. */
#define RACY_NS 50000000LL
#define RACY_COARSE_NS 2000000000LL

/* A store shared within the process. */
typedef struct shared {
    hm_cache_entry entry; /* first member: the cache's bookkeeping */
    hm_ctx *ctx;          /* owned: allocator of this struct and the entry's strings */
    hm_store *store;      /* one reference */
} shared;

struct hm_source {
    hm_ctx *ctx;             /* owned: allocator of what follows */
    shared *shared;          /* one reference */
    hm_store *store;         /* shared->store */
    char *paths;             /* every file's full path, NUL-terminated, one after another */
    const char **path_of;    /* per file, into paths */
    char *store_path;        /* the store file, or NULL */
    hm_source_update update; /* what the open did */
};

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- sharing ---------------------------------------------------------------- */

static void shared_destroy(hm_cache_entry *e)
{
    shared *s = (shared *)e;
    hm_ctx *ctx = s->ctx;

    hm_store__release(s->store);
    hm_ctx__free(ctx, s->entry.key);
    hm_ctx__free(ctx, s->entry.signature);
    hm_ctx__free(ctx, s);
    hm_ctx_free(ctx);
}

/* A cache entry for store (its reference is the entry's now, also on failure). */
static int shared_new(shared **out, hm_ctx *ctx, hm_store *store, const char *key,
                      const char *sig)
{
    hm_ctx *c;
    shared *s;

    *out = NULL;
    if (hm_ctx__new_child(&c, ctx) != HM_OK) {
        hm_store__release(store);
        return HM_RAISE_NOMEM(ctx);
    }
    s = hm_ctx__calloc(c, 1, sizeof(*s));
    if (!s) {
        hm_ctx_free(c);
        hm_store__release(store);
        return HM_RAISE_NOMEM(ctx);
    }
    s->ctx = c;
    s->store = store;
    s->entry.refs = 1;
    s->entry.destroy = shared_destroy;
    s->entry.key = hm_ctx__strdup(c, key);
    s->entry.signature = hm_ctx__strdup(c, sig);
    if (!s->entry.key || !s->entry.signature) {
        shared_destroy(&s->entry);
        return HM_RAISE_NOMEM(ctx);
    }
    *out = s;
    return HM_OK;
}

size_t hm_source__cached_count(void)
{
    return hm_cache__get_count();
}

/* ---- the listing against a store --------------------------------------------- */

static int is_racy(const hm_listing_entry *e, int64_t scan_time_ns)
{
    int64_t window = e->mtime_ns % 1000000000 == 0 ? RACY_COARSE_NS : RACY_NS;

    return e->mtime_ns < 0 || e->mtime_ns > scan_time_ns - window;
}

/* The listing as a short text: what the files look like now. */
static int listing_signature(char **out, hm_ctx *ctx, const hm_listing *l)
{
    hm_hasher h;
    char buf[40];
    size_t i;

    hm_hasher_init(&h, (uint64_t)l->is_file);
    for (i = 0; i < l->n; i++) {
        const hm_listing_entry *e = &l->entries[i];
        int64_t v[3] = {(int64_t)e->size, e->mtime_ns, e->status};
        hm_hasher_add(&h, e->rel, strlen(e->rel) + 1);
        hm_hasher_add(&h, v, sizeof(v));
    }
    if (l->table) {
        int64_t v[2] = {(int64_t)l->table_size, l->table_mtime_ns};
        hm_hasher_add(&h, l->table, strlen(l->table) + 1);
        hm_hasher_add(&h, v, sizeof(v));
    }
    snprintf(buf, sizeof(buf), "%zu:%016llx", l->n, (unsigned long long)hm_hasher_final(&h));
    *out = hm_ctx__strdup(ctx, buf);
    return *out ? HM_OK : HM_RAISE_NOMEM(ctx);
}

/* What to do with each listed file. */
typedef struct plan {
    hm_store_input *inputs; /* per listed file */
    size_t *to_read;        /* listed files to read (or record as unreadable) */
    size_t nread;           /* entries of to_read */
    size_t added, changed, removed;
    int table_changed;      /* 1: the activities table is not the one the old store joined */
    int current;            /* 1: the old store is exactly the listing */
} plan;

static void plan_free(plan *p, hm_ctx *ctx)
{
    hm_ctx__free(ctx, p->inputs);
    hm_ctx__free(ctx, p->to_read);
    memset(p, 0, sizeof(*p));
}

/* The name a store records for the listing's table: the folder's own is "activities.csv"
 * wherever the folder is opened from; one ACTIVITIES_CSV names is its path as given. */
static const char *table_name(const hm_listing *l)
{
    return l->table_named ? l->table : HM_LISTING_TABLE;
}

/* 1 when a store joined the listing's activities table as it is now (or neither has one). */
static int table_matches(const hm_store *s, const hm_listing *l)
{
    const hm_store_meta *m = s->meta;

    if (!l->table)
        return hm_store__str(s, m->csv_path)[0] == '\0';
    return strcmp(hm_store__str(s, m->csv_path), table_name(l)) == 0 &&
           m->csv_size == l->table_size && m->csv_mtime_ns == l->table_mtime_ns &&
           l->table_mtime_ns >= 0;
}

static int make_plan(plan *p, hm_ctx *ctx, const hm_listing *l, const hm_store *old)
{
    size_t i, matched = 0;
    int racy_old = 0;

    memset(p, 0, sizeof(*p));
    p->inputs = hm_ctx__calloc(ctx, l->n ? l->n : 1, sizeof(*p->inputs));
    p->to_read = hm_ctx__calloc(ctx, l->n ? l->n : 1, sizeof(*p->to_read));
    if (!p->inputs || !p->to_read) {
        plan_free(p, ctx);
        return HM_RAISE_NOMEM(ctx);
    }
    for (i = 0; i < l->n; i++) {
        const hm_listing_entry *e = &l->entries[i];
        hm_store_input *in = &p->inputs[i];
        long f = old ? hm_store__find_file(old, e->rel) : -1;

        in->entry = e;
        in->racy = is_racy(e, l->scan_time_ns);
        if (f >= 0) {
            const hm_store_file *of = &old->files[f];
            matched++;
            if (of->size == e->size && of->mtime_ns == e->mtime_ns && e->mtime_ns >= 0 &&
                !(of->flags & HM_STORE_FILE_RACY)) {
                in->old = old;
                in->old_file = (size_t)f;
                in->racy = 0; /* unchanged since it was read, long enough ago */
                continue;
            }
            racy_old |= (of->flags & HM_STORE_FILE_RACY) != 0;
            p->changed++;
        } else {
            p->added++;
        }
        p->to_read[p->nread++] = i;
    }
    p->removed = old ? old->meta->nfiles - matched : 0;
    p->table_changed = old && !table_matches(old, l);
    p->current = old && p->nread == 0 && p->removed == 0 && !racy_old && !p->table_changed &&
                 old->meta->root == (uint32_t)(l->is_file ? HM_STORE_ROOT_FILE
                                                          : HM_STORE_ROOT_FOLDER);
    return HM_OK;
}

/* ---- reading ------------------------------------------------------------------ */

/* How the spec's DATA options clean tracks. */
static void store_clean(hm_store_clean *clean, const hm_spec *spec)
{
    memset(clean, 0, sizeof(*clean));
    clean->max_gap = spec->max_gap;
    clean->privacy.zones = spec->zones;
    clean->privacy.nzones = spec->nzones;
    clean->privacy.trim_ends = spec->trim_ends;
}

typedef struct reading {
    hm_store_part *parts;       /* by listed file */
    const size_t *which;        /* paths[k] is listed file which[k] */
    const hm_store_clean *clean;
    hm_store_spill *spill;      /* where parts' geometry waits, or NULL: in memory */
    pthread_mutex_t lock;       /* guards done and the progress call */
    size_t done, total;
    hm_progress_fn progress;    /* the opener's */
    void *progress_payload;
} reading;

static int read_one(size_t k, const char *path, hm_file *file, const hm_error *error,
                    hm_ctx *ctx, void *payload)
{
    reading *r = payload;
    hm_store_part *part = &r->parts[r->which[k]];
    int rc;

    if (file) {
        rc = hm_store__part_from_file(part, ctx, file, r->clean);
        hm_file_free(file);
        if (rc == HM_OK && r->spill)
            hm_store__spill_part(r->spill, part);
        if (rc == HM_EINVAL) {
            /* Beyond what a store holds: the file is skipped with why. */
            const hm_error *e = hm_ctx_last_error(ctx);
            hm_error fallback = {rc, hm_strerror(rc), path, 0, -1, ""};
            rc = hm_store__part_failed(part, ctx, (int)hm_format_from_name(path),
                                       e ? e : &fallback);
        }
    } else {
        rc = hm_store__part_failed(part, ctx, (int)hm_format_from_name(path), error);
    }
    if (rc != HM_OK)
        return rc;
    if (r->progress) {
        pthread_mutex_lock(&r->lock);
        r->done++;
        r->progress(r->done, r->total, r->progress_payload);
        pthread_mutex_unlock(&r->lock);
    }
    return HM_OK;
}

/*
 * Read the planned files into parts (by listed file). Files that cannot be
 * read safely (not regular, no stat) become parts with their reason, unread.
 * @param workers receives the contexts the parts were allocated with; free
 *        them after the parts.
 */
static int read_planned(hm_store_part *parts, hm_ctx **workers, size_t *nworkers, hm_ctx *ctx,
                        const hm_listing *l, const plan *p, const hm_spec *spec,
                        hm_store_spill *spill, size_t *nparsed)
{
    hm_read_options ro = HM_READ_OPTIONS_INIT;
    hm_store_clean clean;
    reading r;
    char **paths = NULL;
    size_t *which = NULL, n = 0, i, nthreads;
    int rc = HM_OK;

    *nworkers = 0;
    *nparsed = 0;
    ro.threads = spec->threads;
    store_clean(&clean, spec);
    nthreads = hm_pool__threads(ro.threads, p->nread);
    for (i = 0; i < nthreads; i++) {
        if (hm_ctx__new_child(&workers[i], ctx) != HM_OK)
            return HM_RAISE_NOMEM(ctx);
        (*nworkers)++;
    }
    paths = hm_ctx__calloc(ctx, p->nread ? p->nread : 1, sizeof(*paths));
    which = hm_ctx__calloc(ctx, p->nread ? p->nread : 1, sizeof(*which));
    if (!paths || !which)
        rc = HM_RAISE_NOMEM(ctx);
    for (i = 0; i < p->nread && rc == HM_OK; i++) {
        size_t f = p->to_read[i];
        const hm_listing_entry *e = &l->entries[f];
        char *full = hm_listing__path(l, f, ctx);

        if (!full) {
            rc = HM_RAISE_NOMEM(ctx);
            break;
        }
        if (e->status != HM_OK) {
            hm_error err;
            hm_listing__entry_error(e, full, &err);
            rc = hm_store__part_failed(&parts[f], workers[0], (int)hm_format_from_name(full),
                                       &err);
            hm_ctx__free(ctx, full);
            continue;
        }
        which[n] = f;
        paths[n++] = full;
    }
    if (rc == HM_OK && n) {
        memset(&r, 0, sizeof(r));
        r.parts = parts;
        r.which = which;
        r.clean = &clean;
        r.spill = spill;
        r.total = n;
        r.progress = ctx->progress_fn;
        r.progress_payload = ctx->progress_payload;
        pthread_mutex_init(&r.lock, NULL);
        rc = hm_source__read_each(ctx, workers, *nworkers, paths, n, &ro, read_one, &r);
        pthread_mutex_destroy(&r.lock);
        *nparsed = n;
    }
    for (i = 0; i < n; i++)
        hm_ctx__free(ctx, paths[i]);
    hm_ctx__free(ctx, paths);
    hm_ctx__free(ctx, which);
    return rc;
}

/* ---- the store ---------------------------------------------------------------- */

/* 1 when a loaded store was built for this source and these data options. */
static int store_matches(const hm_store *s, const char *canonical, const char *data_key)
{
    return strcmp(hm_store__str(s, s->meta->source), canonical) == 0 &&
           strcmp(hm_store__str(s, s->meta->options), data_key) == 0;
}

/* The store at path when it is usable for the source (NULL otherwise, with a warning when
 * it exists but is not). */
static hm_store *load_existing(hm_ctx *ctx, const char *path, const char *canonical,
                               const char *data_key, int *rc)
{
    hm_store *s = NULL;
    char why[256];

    *rc = hm_store__open_file(&s, ctx, path, why, sizeof(why));
    if (*rc == HM_ENOMEM)
        return NULL;
    if (*rc != HM_OK) {
        if (*rc != HM_ENOTFOUND)
            hm_ctx__log(ctx, HM_LOG_WARNING, "store %s is not usable (%s): rebuilding it", path,
                        why);
        *rc = HM_OK;
        return NULL;
    }
    if (!store_matches(s, canonical, data_key)) {
        hm_ctx__log(ctx, HM_LOG_WARNING,
                    "store %s was built for %s with other options: rebuilding it", path,
                    hm_store__str(s, s->meta->source));
        hm_store__release(s);
        return NULL;
    }
    return s;
}

/*
 * The store file at path: *current when it mirrors the listing (nothing to do), else *old
 * when it is usable to update from (or neither).
 */
static int look(hm_store **current, hm_store **old, hm_ctx *ctx, const char *path,
                const char *canonical, const char *data_key, const hm_listing *l)
{
    plan p;
    int rc;

    *current = NULL;
    *old = load_existing(ctx, path, canonical, data_key, &rc);
    if (rc != HM_OK || !*old)
        return rc;
    if ((rc = make_plan(&p, ctx, l, *old)) != HM_OK)
        return rc;
    if (p.current) {
        *current = *old;
        *old = NULL;
    }
    plan_free(&p, ctx);
    return HM_OK;
}

/*
 * The activities table, or none (table->ctx NULL) with a warning naming the file and why
 * when it cannot be read or has no Filename column: the tracks are drawn all the same.
 */
static int read_table(hm_csv *table, hm_ctx *ctx, const char *path)
{
    hm_csv_keys keys;
    int rc = hm_csv__read(table, ctx, path);

    if (rc == HM_ENOMEM)
        return rc;
    if (rc != HM_OK) {
        const hm_error *e = hm_ctx_last_error(ctx);
        hm_ctx__log(ctx, HM_LOG_WARNING, "%s: %s; activities are not joined to it", path,
                    e ? e->message : hm_strerror(rc));
        hm_ctx_clear_error(ctx);
        hm_csv__free(table);
        return HM_OK;
    }
    hm_store__csv_keys(table, &keys);
    if (keys.filename < 0) {
        hm_ctx__log(ctx, HM_LOG_WARNING,
                    "%s: no Filename (Dateiname) column; activities are not joined to it", path);
        hm_csv__free(table);
    }
    return HM_OK;
}

/* Bring the store up to date from `old` (NULL: from nothing); *out is the new store. */
static int update(hm_store **out, hm_ctx *ctx, const hm_spec *spec, const hm_listing *l,
                  const hm_store *old, const char *canonical, const char *data_key,
                  const char *store_path, hm_source_update *u)
{
    hm_ctx *workers[HM_POOL_MAX_THREADS];
    hm_store_part *parts = NULL;
    hm_store_spill *spill = NULL;
    hm_store_info info;
    hm_csv table;
    size_t nworkers = 0, i;
    plan p;
    int rc;

    *out = NULL;
    memset(&table, 0, sizeof(table));
    memset(&info, 0, sizeof(info));
    if ((rc = make_plan(&p, ctx, l, old)) != HM_OK)
        return rc;
    if (l->table && (rc = read_table(&table, ctx, l->table)) != HM_OK) {
        plan_free(&p, ctx);
        return rc;
    }
    if (table.ctx) {
        info.table = &table;
        info.table_path = table_name(l);
        info.table_size = l->table_size;
        info.table_mtime_ns = l->table_mtime_ns;
    }
    u->added = p.added;
    u->changed = p.changed;
    u->removed = p.removed;
    parts = hm_ctx__calloc(ctx, l->n ? l->n : 1, sizeof(*parts));
    if (!parts)
        rc = HM_RAISE_NOMEM(ctx);
    /* With a store file, what is read waits on disk beside it, not in memory. */
    if (rc == HM_OK && store_path && p.nread)
        rc = hm_store__spill_new(&spill, ctx, store_path);
    if (rc == HM_OK)
        rc = read_planned(parts, workers, &nworkers, ctx, l, &p, spec, spill, &u->read);
    if (rc == HM_OK && spill)
        hm_ctx__log(ctx, HM_LOG_DEBUG, "tracks of %zu files read: %.1f MB waited on disk",
                    u->read, (double)hm_store__spill_get_size(spill) / 1e6);
    if (rc == HM_OK) {
        for (i = 0; i < p.nread; i++)
            p.inputs[p.to_read[i]].part = &parts[p.to_read[i]];
        info.source = canonical;
        info.options = data_key;
        info.root = l->is_file ? HM_STORE_ROOT_FILE : HM_STORE_ROOT_FOLDER;
        info.scan_time_ns = l->scan_time_ns;
        u->state = HM_STORE_MEMORY;
        if (store_path) {
            rc = hm_store__write_file(out, ctx, store_path, &info, p.inputs, l->n);
            if (rc == HM_OK) {
                u->state = HM_STORE_WRITTEN;
            } else if (rc == HM_EIO) {
                const hm_error *e = hm_ctx_last_error(ctx);
                hm_ctx__log(ctx, HM_LOG_WARNING, "%s: %s; keeping the tracks of %s in memory",
                            e ? e->path : store_path, e ? e->message : "cannot write", spec->path);
                hm_ctx_clear_error(ctx);
                rc = HM_OK;
            }
        }
        if (rc == HM_OK && !*out)
            rc = hm_store__build_memory(out, ctx, &info, p.inputs, l->n);
    }
    for (i = 0; parts && i < l->n; i++)
        hm_store__part_free(&parts[i]);
    hm_ctx__free(ctx, parts);
    hm_store__spill_free(spill);
    for (i = 0; i < nworkers; i++)
        hm_ctx_free(workers[i]);
    plan_free(&p, ctx);
    hm_csv__free(&table);
    return rc;
}

/*
 * List the source so that no file is racy when the timestamps are fine: a file modified
 * within the last RACY_NS (just written, say) is waited for, then the source is listed
 * again. Whole-second timestamps (virtual file systems) are not waited for: such files
 * are marked racy and read again at the next open.
 */
static int list_settled(hm_listing *l, hm_ctx *ctx, const char *path)
{
    int tries, rc = HM_OK;

    for (tries = 0; tries < 3; tries++) {
        int64_t wait = 0;
        size_t i;
        struct timespec ts;

        if ((rc = hm_listing__build(l, ctx, path)) != HM_OK)
            return rc;
        for (i = 0; i < l->n; i++) {
            int64_t m = l->entries[i].mtime_ns, w = m + RACY_NS - l->scan_time_ns;
            if (m > 0 && m % 1000000000 != 0 && w > wait && w < 1000000000)
                wait = w;
        }
        if (wait <= 0 || tries == 2)
            break;
        hm_listing__free(l);
        ts.tv_sec = 0;
        ts.tv_nsec = (long)wait + 1000000;
        nanosleep(&ts, NULL);
    }
    return rc;
}

/* ACTIVITIES_CSV: the table the user names replaces the folder's own. */
static int named_table(hm_listing *l, hm_ctx *ctx, const char *path)
{
    hm_io_stat st;
    char *copy;

    if (!path)
        return HM_OK;
    if (hm_io__stat_ex(ctx, path, &st) != 0 || st.is_dir)
        return HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1, "ACTIVITIES_CSV=%s: no such file", path);
    if (!(copy = hm_ctx__strdup(ctx, path)))
        return HM_RAISE_NOMEM(ctx);
    hm_ctx__free(ctx, l->table);
    l->table = copy;
    l->table_named = 1;
    l->table_size = st.size;
    l->table_mtime_ns = st.mtime_ns;
    return HM_OK;
}

static int listing_has_unknown_mtime(const hm_listing *l)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        if (l->entries[i].mtime_ns < 0)
            return 1;
    return 0;
}

static int keep_pyramid(hm_ctx *ctx, hm_store *store, const hm_store *old,
                        const hm_spec *spec);

/* The store for a listing, as the process shares it: found, loaded, or brought up to date. */
static int find_store(shared **out, hm_ctx *ctx, const hm_spec *spec, const hm_listing *l,
                      const char *canonical, const char *data_key, const char *store_path,
                      hm_source_update *u)
{
    hm_strbuf key = HM_STRBUF_INIT(ctx);
    hm_cache_entry *e;
    hm_store *store = NULL, *old = NULL;
    char *sig = NULL;
    int rc, lock = -1;
    size_t i;

    *out = NULL;
    /* Other files (an I/O table) or another allocator are another store. */
    hm_strbuf_printf(&key, "%s%s\n%s\nio=", store_path ? "store:" : "memory:",
                     store_path ? store_path : canonical, data_key);
    for (i = 0; i < sizeof(ctx->io); i++)
        hm_strbuf_printf(&key, "%02x", ((const unsigned char *)&ctx->io)[i]);
    hm_strbuf_puts(&key, "\nalloc=");
    for (i = 0; i < sizeof(ctx->alloc); i++)
        hm_strbuf_printf(&key, "%02x", ((const unsigned char *)&ctx->alloc)[i]);
    if (hm_strbuf_failed(&key)) {
        hm_strbuf_free(&key);
        return HM_RAISE_NOMEM(ctx);
    }
    if ((rc = listing_signature(&sig, ctx, l)) != HM_OK)
        goto done;
    if ((e = hm_cache__acquire(key.s, sig)) != NULL) {
        *out = (shared *)e;
        u->state = HM_STORE_CURRENT;
        goto done;
    }
    if (store_path) {
        if ((rc = look(&store, &old, ctx, store_path, canonical, data_key, l)) != HM_OK)
            goto done;
        if ((!store || !hm_store__pyramid_find(store, "")) &&
            (lock = hm_store__lock(store_path)) >= 0) {
            /* Another process may have been building it: look again, under the lock. */
            hm_store__release(old);
            hm_store__release(store);
            old = store = NULL;
            if ((rc = look(&store, &old, ctx, store_path, canonical, data_key, l)) != HM_OK)
                goto done;
        }
        if (store)
            u->state = HM_STORE_CURRENT;
    }
    if (!store && (rc = update(&store, ctx, spec, l, old, canonical, data_key, store_path, u)) !=
                      HM_OK)
        goto done;
    /* The lock's holder draws what is missing beside the store it wrote or found. */
    if (lock >= 0 && store->path && !hm_store__pyramid_find(store, "") &&
        (rc = keep_pyramid(ctx, store, old, spec)) != HM_OK)
        goto done;
    /* A store with racy files is not shared: the next open looks at the files again. */
    for (i = 0; i < store->meta->nfiles; i++) {
        if (store->files[i].flags & HM_STORE_FILE_RACY) {
            sig[0] = '\0';
            break;
        }
    }
    {
        shared *sh;
        if ((rc = shared_new(&sh, ctx, store, key.s, sig)) != HM_OK) {
            store = NULL;
            goto done;
        }
        store = NULL;
        e = hm_cache__insert(&sh->entry);
        if (e != &sh->entry)
            shared_destroy(&sh->entry); /* another thread listed the same store first */
        *out = (shared *)e;
    }

done:
    hm_store__unlock(lock);
    hm_store__release(old);
    hm_store__release(store);
    hm_ctx__free(ctx, sig);
    hm_strbuf_free(&key);
    return rc;
}

/* ---- sources ---------------------------------------------------------------- */

void hm_source_free(hm_source *src)
{
    hm_ctx *ctx;

    if (!src)
        return;
    ctx = src->ctx;
    if (src->shared)
        hm_cache__release(&src->shared->entry);
    hm_ctx__free(ctx, src->paths);
    hm_ctx__free(ctx, (void *)src->path_of);
    hm_ctx__free(ctx, src->store_path);
    hm_ctx__free(ctx, src);
    hm_ctx_free(ctx);
}

/* Every file's path as it is read: the root as the user gave it now, '/', its rel. */
static int make_paths(hm_source *src, const char *root)
{
    const hm_store *s = src->store;
    size_t n = s->meta->nfiles, total = 0, i, rlen = strlen(root);
    char *p;

    while (rlen > 1 && root[rlen - 1] == '/')
        rlen--;
    for (i = 0; i < n; i++)
        total += rlen + 1 + strlen(hm_store__str(s, s->files[i].path)) + 1;
    src->paths = hm_ctx__malloc(src->ctx, total ? total : 1);
    src->path_of = hm_ctx__calloc(src->ctx, n ? n : 1, sizeof(*src->path_of));
    if (!src->paths || !src->path_of)
        return HM_RAISE_NOMEM(src->ctx);
    p = src->paths;
    for (i = 0; i < n; i++) {
        const char *rel = hm_store__str(s, s->files[i].path);
        src->path_of[i] = p;
        memcpy(p, root, rlen);
        p += rlen;
        if (rel[0]) {
            *p++ = '/';
            memcpy(p, rel, strlen(rel));
            p += strlen(rel);
        }
        *p++ = '\0';
    }
    return HM_OK;
}

int hm_source_open(hm_source **out, hm_ctx *ctx, const hm_spec *spec)
{
    hm_strbuf dk = HM_STRBUF_INIT(ctx);
    char *canonical = NULL, *data_key = NULL, *store_path = NULL;
    double t0 = now_s();
    hm_source *src = NULL;
    hm_ctx *sctx = NULL;
    hm_listing l;
    shared *sh = NULL;
    size_t i;
    int rc;

    *out = NULL;
    memset(&l, 0, sizeof(l));
    if (!spec->path)
        return HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1, "no source path");
    if ((rc = list_settled(&l, ctx, spec->path)) != HM_OK ||
        (rc = named_table(&l, ctx, spec->activities_csv)) != HM_OK)
        goto done;
    hm_spec__key(spec, HM_OPTION_KINDS(HM_OPTION_KIND_DATA), &dk);
    if ((rc = hm_strbuf_detach(&dk, &data_key)) != HM_OK ||
        (rc = hm_location__canonical(&canonical, ctx, spec->path)) != HM_OK)
        goto done;
    /* A file whose modification time cannot be known cannot be checked later: no file. */
    if (!listing_has_unknown_mtime(&l) &&
        (rc = hm_location__store_path(&store_path, ctx, canonical, data_key, spec->store_mode,
                                      spec->store)) != HM_OK)
        goto done;
    if (hm_ctx__new_child(&sctx, ctx) != HM_OK || !(src = hm_ctx__calloc(sctx, 1, sizeof(*src)))) {
        hm_ctx_free(sctx);
        sctx = NULL;
        rc = HM_RAISE_NOMEM(ctx);
        goto done;
    }
    src->ctx = sctx;
    src->update.files = l.n;
    if ((rc = find_store(&sh, ctx, spec, &l, canonical, data_key, store_path, &src->update)) !=
        HM_OK)
        goto done;
    src->shared = sh;
    src->store = sh->store;
    src->store_path = store_path;
    store_path = NULL;
    if ((rc = make_paths(src, spec->path)) != HM_OK)
        goto done;
    src->update.store = src->store_path;
    src->update.store_bytes = src->store->size;
    src->update.pyramid_bytes = hm_store__pyramid_bytes(src->store);
    src->update.activities = src->store->meta->nacts;
    src->update.points = (size_t)src->store->meta->points;
    for (i = 0; i < src->store->meta->nfiles; i++)
        src->update.skipped += src->store->files[i].error_code != HM_OK;
    src->update.seconds = now_s() - t0;
    hm_ctx__log(ctx, HM_LOG_DEBUG,
                "%s: store %s: %s; %zu files, %zu read, %zu added, %zu changed, %zu removed, "
                "%.3f s",
                spec->path, src->store_path ? src->store_path : "(memory)",
                src->update.state == HM_STORE_CURRENT   ? "current"
                : src->update.state == HM_STORE_WRITTEN ? "written"
                                                        : "in memory",
                src->update.files, src->update.read, src->update.added, src->update.changed,
                src->update.removed, src->update.seconds);
    *out = src;
    src = NULL;

done:
    hm_source_free(src);
    hm_listing__free(&l);
    hm_ctx__free(ctx, canonical);
    hm_ctx__free(ctx, data_key);
    hm_ctx__free(ctx, store_path);
    return rc;
}

hm_store *hm_source__get_store(const hm_source *src)
{
    return src->store;
}

size_t hm_source_get_file_count(const hm_source *src)
{
    return src->store->meta->nfiles;
}

void hm_source_get_file(const hm_source *src, size_t i, hm_source_file *out)
{
    const hm_store *s = src->store;
    const hm_store_file *f = &s->files[i];

    out->path = src->path_of[i];
    out->format = (hm_format)f->format;
    out->error.code = f->error_code;
    out->error.message = hm_store__str(s, f->error_message);
    out->error.path = src->path_of[i];
    out->error.line = (long)f->error_line;
    out->error.offset = f->error_offset;
    out->error.where = "";
    out->warning_count = f->warning_count;
    out->activity_first = f->act_first;
    out->activity_count = f->act_count;
    out->size = f->size;
}

void hm_source_get_warning(const hm_source *src, size_t i, size_t k, hm_error *out)
{
    const hm_store *s = src->store;
    const hm_store_warning *w = &s->warnings[s->files[i].warning_first + k];

    out->code = w->code;
    out->message = hm_store__str(s, w->message);
    out->path = src->path_of[i];
    out->line = (long)w->line;
    out->offset = w->offset;
    out->where = "";
}

size_t hm_source_get_activity_count(const hm_source *src)
{
    return src->store->meta->nacts;
}

void hm_source_get_activity(const hm_source *src, size_t i, hm_source_activity *out)
{
    const hm_store *s = src->store;
    const hm_store_act *a = &s->acts[i];

    out->file = a->file;
    out->format = (hm_format)a->format;
    out->sport = hm_store__str(s, a->sport);
    out->sub_sport = hm_store__str(s, a->sub_sport);
    out->source_sport = hm_store__str(s, a->source_sport);
    out->name = hm_store__str(s, a->name);
    out->gear = "";
    out->commute = (a->flags & HM_ACT_COMMUTE) != 0;
    out->table_row = a->csv_row == HM_NO_ROW ? -1 : (long)a->csv_row;
    if (a->csv_row != HM_NO_ROW && s->table_keys.gear >= 0)
        out->gear = hm_store__str(
            s, s->csv_cells[(size_t)a->csv_row * s->meta->csv_cols + (size_t)s->table_keys.gear]);
    out->device = hm_store__str(s, a->device);
    out->is_virtual = (a->flags & HM_ACT_VIRTUAL) != 0;
    out->start_time = a->start_time;
    out->start_lat = a->start_lat;
    out->start_lon = a->start_lon;
    out->moving_time = a->moving_time;
    out->elevation_gain = a->elevation_gain;
    out->avg_hr = a->avg_hr;
    out->points = (size_t)a->points;
    out->points_with_pos = (size_t)a->points_with_pos;
    out->has_time = (a->flags & HM_ACT_HAS_TIME) != 0;
    out->has_hr = (a->flags & HM_ACT_HAS_HR) != 0;
    out->has_cadence = (a->flags & HM_ACT_HAS_CADENCE) != 0;
    out->has_power = (a->flags & HM_ACT_HAS_POWER) != 0;
    out->distance = a->distance;
    out->duration = a->duration;
    out->drawn_points = (size_t)a->kept_points;
    out->drawn_time_min = a->kept_time_min;
    out->drawn_time_max = a->kept_time_max;
}

void hm_source_get_update(const hm_source *src, hm_source_update *out)
{
    *out = src->update;
}

size_t hm_source_get_table_column_count(const hm_source *src)
{
    return src->store->meta->csv_cols;
}

size_t hm_source_get_table_row_count(const hm_source *src)
{
    return src->store->meta->csv_rows;
}

const char *hm_source_get_table_column(const hm_source *src, size_t c)
{
    assert(c < src->store->meta->csv_cols);
    return hm_store__str(src->store, src->store->csv_header[c]);
}

const char *hm_source_get_table_cell(const hm_source *src, size_t row, size_t c)
{
    const hm_store *s = src->store;

    assert(row < s->meta->csv_rows && c < s->meta->csv_cols);
    return hm_store__str(s, s->csv_cells[row * s->meta->csv_cols + c]);
}

int hm_source_find_duplicates(const hm_source *src, hm_ctx *ctx, size_t **pairs, size_t *n)
{
    uint32_t *found;
    size_t i;
    int rc;

    *pairs = NULL;
    if ((rc = hm_store__duplicate_pairs(src->store, NULL, ctx, &found, n)) != HM_OK)
        return rc;
    if (!(*pairs = hm_ctx__calloc(ctx, 2 * *n + 1, sizeof(size_t)))) {
        hm_ctx__free(ctx, found);
        *n = 0;
        return HM_RAISE_NOMEM(ctx);
    }
    for (i = 0; i < 2 * *n; i++)
        (*pairs)[i] = found[i];
    hm_ctx__free(ctx, found);
    return HM_OK;
}

/* ---- rasters ---------------------------------------------------------------- */

/* The web grid: no SRS, or EPSG:3857 without a RESOLUTION of its own. */
static int spec_is_web(const hm_spec *spec)
{
    return !spec->srs || (hm_text__equal_ci(spec->srs, strlen(spec->srs), "EPSG:3857") &&
                          !(spec->resolution > 0.0));
}

static void source_free_owner(void *p)
{
    hm_source_free(p);
}

/* The raster request the spec makes; req->key is allocated with ctx (request_free),
 * req->where belongs to the store. */
static int request_of(hm_raster_request *req, hm_ctx *ctx, hm_store *store,
                      const hm_spec *spec, const char *path)
{
    hm_strbuf key = HM_STRBUF_INIT(ctx);
    int rc;

    memset(req, 0, sizeof(*req));
    /* The grid's part of the derived values' names is the grid as built (the raster adds
     * it), so that an automatic ZOOM shares them with the zoom it chose. */
    hm_spec__key(spec, HM_OPTION_KINDS(HM_OPTION_KIND_FILTER), &key);
    if (hm_strbuf_failed(&key)) {
        hm_strbuf_free(&key);
        return HM_RAISE_NOMEM(ctx);
    }
    req->path = path;
    req->is_web = spec_is_web(spec);
    req->zoom = spec->zoom;
    req->fit[0] = spec->fit[0];
    req->fit[1] = spec->fit[1];
    req->srs = spec->srs;
    req->resolution = spec->resolution;
    req->has_bounds = spec->has_bounds;
    memcpy(req->bounds, spec->bounds, sizeof(req->bounds));
    req->filter.date_from = spec->date_from;
    req->filter.date_to = spec->date_to;
    req->filter.sports = spec->sports;
    req->filter.nsports = spec->nsports;
    req->filter.include_virtual = spec->include_virtual;
    req->filter.max_gap = spec->max_gap;
    req->dedupe = spec->dedupe;
    req->key = key.s;
    if (spec->where && (rc = hm_where__select(&req->where, store, ctx, spec->where)) != HM_OK) {
        hm_strbuf_free(&key);
        req->key = NULL;
        return rc;
    }
    return HM_OK;
}

static void request_free(hm_raster_request *req, hm_ctx *ctx)
{
    hm_ctx__free(ctx, (char *)req->key); /* where is the store's */
}

/*
 * Draw the store's views beside the store file, all in one pass over the index: the
 * default view (the raster an open without filter options makes) and each sport's (the
 * default options with SPORT=<sport>) that has activities and is not the whole default
 * view. Done by the process that holds the store's lock and finds the default view
 * missing, so once per store content; after an update, only the tiles the changed files
 * touch are drawn again (old: the store updated from). Never fails the open but for
 * memory: without a view, blocks are rendered from the index.
 */
static int keep_pyramid(hm_ctx *ctx, hm_store *store, const hm_store *old,
                        const hm_spec *spec)
{
    size_t nsports = hm_sport__count(), nviews = 0, n = 0, k;
    hm_spec *defs[HM_PYRAMID_MAX_VIEWS];
    hm_raster_request reqs[HM_PYRAMID_MAX_VIEWS];
    const char *names[HM_PYRAMID_MAX_VIEWS];
    double t0 = now_s();
    int rc = HM_OK;

    /* The requests hold the specs' sports: both live until the views are drawn. */
    for (k = 0; k <= nsports && k < HM_PYRAMID_MAX_VIEWS && rc == HM_OK; k++) {
        names[n] = k ? hm_sport__name(k - 1) : "";
        if ((rc = hm_spec_new(&defs[n], ctx)) != HM_OK)
            break;
        if ((!names[n][0] || (rc = hm_spec_set(defs[n], "SPORT", names[n])) == HM_OK) &&
            (rc = request_of(&reqs[n], ctx, store, defs[n], spec->path)) == HM_OK) {
            n++;
            continue;
        }
        hm_spec_free(defs[n]);
    }
    if (rc == HM_OK)
        rc = hm_raster__pyramid_build(store, ctx, reqs, names, n, old, spec->threads, &nviews);
    for (k = 0; k < n; k++) {
        request_free(&reqs[k], ctx);
        hm_spec_free(defs[k]);
    }
    if (rc != HM_OK) {
        if (rc == HM_ENOMEM)
            return rc;
        hm_ctx__log(ctx, HM_LOG_DEBUG, "%s: no pyramid (%s)", store->path, hm_strerror(rc));
        hm_ctx_clear_error(ctx);
        return HM_OK;
    }
    hm_ctx__log(ctx, HM_LOG_DEBUG, "%s: %zu pyramid views drawn in %.3f s", store->path, nviews,
                now_s() - t0);
    return HM_OK;
}

/* A raster of a source's store as the spec says. */
static int raster_of(hm_raster **out, hm_ctx *ctx, hm_store *store, const hm_spec *spec,
                     const char *path)
{
    hm_raster_request req;
    int rc;

    if ((rc = request_of(&req, ctx, store, spec, path)) != HM_OK)
        return rc;
    rc = hm_raster__new(out, ctx, store, &req);
    request_free(&req, ctx);
    return rc;
}

int hm_raster_open(hm_raster **out, hm_ctx *ctx, const hm_spec *spec)
{
    hm_strbuf idle = HM_STRBUF_INIT(ctx);
    hm_source *src;
    int rc;

    *out = NULL;
    hm_spec__idle_style(spec, &idle);
    if (idle.s && idle.s[0])
        hm_ctx__log(ctx, HM_LOG_WARNING, "%s: %s without RENDER: no effect (the bands are "
                    "Float32 values; RENDER=<band> makes a picture)", spec->path ? spec->path : "",
                    idle.s);
    hm_strbuf_free(&idle);
    if ((rc = hm_source_open(&src, ctx, spec)) != HM_OK)
        return rc;
    if ((rc = raster_of(out, ctx, src->store, spec, spec->path)) != HM_OK) {
        hm_source_free(src);
        return rc;
    }
    (*out)->owner = src;
    (*out)->owner_free = source_free_owner;
    return HM_OK;
}

const hm_source *hm_raster_get_source(const hm_raster *raster)
{
    return raster->owner;
}

int hm_raster__new_from_files(hm_raster **out, hm_ctx *ctx, const hm_spec *spec, const char *path,
                              const hm_file *const *files, size_t nfiles)
{
    hm_listing_entry *entries;
    hm_store_input *inputs;
    hm_store_part *parts;
    hm_store_clean clean;
    hm_store_info info;
    hm_store *store = NULL;
    size_t i;
    int rc = HM_OK;

    *out = NULL;
    entries = hm_ctx__calloc(ctx, nfiles ? nfiles : 1, sizeof(*entries));
    inputs = hm_ctx__calloc(ctx, nfiles ? nfiles : 1, sizeof(*inputs));
    parts = hm_ctx__calloc(ctx, nfiles ? nfiles : 1, sizeof(*parts));
    if (!entries || !inputs || !parts)
        rc = HM_RAISE_NOMEM(ctx);
    store_clean(&clean, spec);
    for (i = 0; i < nfiles && rc == HM_OK; i++) {
        char name[32];
        /* The catalog wants sorted, distinct names: a single file keeps its own. */
        snprintf(name, sizeof(name), "%08zu", i);
        if (!(entries[i].rel = hm_ctx__strdup(ctx, nfiles == 1 ? hm_file_get_path(files[i])
                                                               : name))) {
            rc = HM_RAISE_NOMEM(ctx);
            break;
        }
        entries[i].mtime_ns = -1;
        inputs[i].entry = &entries[i];
        inputs[i].part = &parts[i];
        if (hm_file_get_error(files[i]))
            rc = hm_store__part_failed(&parts[i], ctx, (int)hm_file_get_format(files[i]),
                                       hm_file_get_error(files[i]));
        else
            rc = hm_store__part_from_file(&parts[i], ctx, files[i], &clean);
    }
    if (rc == HM_OK) {
        memset(&info, 0, sizeof(info));
        info.source = path;
        info.options = "";
        info.root = HM_STORE_ROOT_FOLDER;
        info.scan_time_ns = 0;
        rc = hm_store__build_memory(&store, ctx, &info, inputs, nfiles);
    }
    if (rc == HM_OK) {
        rc = raster_of(out, ctx, store, spec, path);
        hm_store__release(store);
    }
    for (i = 0; entries && parts && i < nfiles; i++) {
        hm_ctx__free(ctx, entries[i].rel);
        hm_store__part_free(&parts[i]);
    }
    hm_ctx__free(ctx, entries);
    hm_ctx__free(ctx, inputs);
    hm_ctx__free(ctx, parts);
    return rc;
}
