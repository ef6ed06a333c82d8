/* SPDX-License-Identifier: MIT */
/*
 * Writing a store image (format_int.h) from its inputs, file after file:
 * each input is either a part (a file just read) or a file of an older
 * store, whose records, activities and index ranges are copied as they are,
 * with only activity ids and point positions moved (offsets within a piece
 * are relative to the piece, so points and attributes copy byte for byte).
 * The catalog is assembled in memory (it is small), the geometry streams to
 * the sink level by level; an R-tree per level is built over the boxes of
 * the pieces (kept boxes of old pieces come from the old tree's leaves).
 *
 * Sinks: an fd or a heap buffer (the STORE=NO case and tests); the image is
 * the same bytes either way. An fd sink fills buffers in turn, each with the
 * bytes of one stretch of the file, and a helper thread writes each full
 * one at its offset (pwrite): the kernel's copy into the page cache, most of
 * the cost of writing, runs beside the reading back, renumbering and
 * hashing. Only the helper writes: a file takes one buffered write at a time
 * (the inode's lock), and a second writer would spin on it. The header goes
 * in last, at offset 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "core/hash_int.h"
#include "store/activity_int.h"
#include "store/store_int.h"

#define SINK_BUFFER (1u << 20)
#define SINK_BUFFERS 8 /* an fd sink's: one filling, the others waiting or being written */

/* A full buffer and where its bytes go. */
typedef struct sink_job {
    unsigned char *buf;
    size_t n;
    uint64_t at;
} sink_job;

struct hm_store_sink {
    hm_ctx *ctx;          /* allocator, errors */
    int fd;               /* file, or -1 for memory */
    const char *path;     /* for messages (borrowed) */
    unsigned char *mem;   /* memory image, or the buffer being filled (fd) */
    size_t used;          /* bytes in mem (fd: of the buffer; memory: the image size) */
    size_t cap;           /* allocated bytes of mem */
    uint64_t mem_at;      /* fd: the file offset of mem[0] */
    uint64_t pos;         /* bytes emitted so far */
    int failed;           /* HM_OK or the first error (raised) */
    hm_hasher hash;       /* of the open section */
    hm_store_section table[HM_STORE_MAX_SECTIONS];
    uint32_t nsections;
    /* fd sinks: the buffers and the helper; the lock guards all below. */
    pthread_mutex_t lock;
    pthread_cond_t cond;       /* a job queued, a buffer freed, or stop */
    sink_job queue[SINK_BUFFERS]; /* full buffers waiting, oldest at qhead */
    size_t qhead, qlen;
    unsigned char *spare[SINK_BUFFERS]; /* free buffers */
    size_t nspare;
    size_t writing;            /* jobs the helper is writing */
    int write_errno;           /* the first failed write's errno, 0 if none */
    int stop;                  /* 1: the helper ends once the queue is empty */
    int has_helper;            /* 0: no helper thread, the filling thread writes */
    pthread_t helper;
};

/* Write a job at its offset; 0 or the errno. Runs on either thread: no ctx. */
static int write_job(int fd, const sink_job *j)
{
    const unsigned char *c = j->buf;
    size_t n = j->n;
    uint64_t at = j->at;

    while (n) {
        ssize_t got = pwrite(fd, c, n, (off_t)at);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return got < 0 ? errno : ENOSPC;
        c += got;
        n -= (size_t)got;
        at += (uint64_t)got;
    }
    return 0;
}

/* Under the lock: take the oldest waiting job, write it unlocked, give its buffer back. */
static void write_oldest(hm_store_sink *s)
{
    sink_job j = s->queue[s->qhead];
    int err;

    s->qhead = (s->qhead + 1) % SINK_BUFFERS;
    s->qlen--;
    s->writing++;
    pthread_mutex_unlock(&s->lock);
    err = write_job(s->fd, &j);
    /* On its way to the disk now: the fsync that ends the write then waits for the last
     * buffers only. */
    if (!err)
        (void)sync_file_range(s->fd, (off_t)j.at, (off_t)j.n, SYNC_FILE_RANGE_WRITE);
    pthread_mutex_lock(&s->lock);
    s->writing--;
    if (err && !s->write_errno)
        s->write_errno = err;
    s->spare[s->nspare++] = j.buf;
    pthread_cond_broadcast(&s->cond);
}

static void *helper_main(void *arg)
{
    hm_store_sink *s = arg;

    pthread_mutex_lock(&s->lock);
    for (;;) {
        if (s->qlen)
            write_oldest(s);
        else if (s->stop)
            break;
        else
            pthread_cond_wait(&s->cond, &s->lock);
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

static int sink_new(hm_store_sink **out, hm_ctx *ctx, int fd, const char *path)
{
    hm_store_sink *s = hm_ctx__calloc(ctx, 1, sizeof(*s));
    size_t i;

    *out = NULL;
    if (!s)
        return HM_RAISE_NOMEM(ctx);
    s->ctx = ctx;
    s->fd = fd;
    s->path = path;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->cond, NULL);
    *out = s;
    if (fd < 0)
        return HM_OK;
    for (i = 0; i < SINK_BUFFERS; i++) {
        if (!(s->spare[i] = hm_ctx__malloc(ctx, SINK_BUFFER))) {
            hm_store__sink_free(s);
            *out = NULL;
            return HM_RAISE_NOMEM(ctx);
        }
        s->nspare++;
    }
    s->mem = s->spare[--s->nspare];
    s->cap = SINK_BUFFER;
    /* Without the helper, the filling thread writes every buffer itself. */
    s->has_helper = pthread_create(&s->helper, NULL, helper_main, s) == 0;
    return HM_OK;
}

int hm_store__sink_memory(hm_store_sink **out, hm_ctx *ctx)
{
    return sink_new(out, ctx, -1, NULL);
}

int hm_store__sink_fd(hm_store_sink **out, hm_ctx *ctx, int fd, const char *path)
{
    return sink_new(out, ctx, fd, path);
}

void hm_store__sink_take(hm_store_sink *s, unsigned char **image, size_t *size)
{
    *image = s->mem;
    *size = s->used;
    s->mem = NULL;
    s->used = s->cap = 0;
}

void hm_store__sink_free(hm_store_sink *s)
{
    size_t i;

    if (!s)
        return;
    if (s->has_helper) {
        pthread_mutex_lock(&s->lock);
        s->stop = 1;
        pthread_cond_broadcast(&s->cond);
        pthread_mutex_unlock(&s->lock);
        pthread_join(s->helper, NULL);
    }
    for (i = 0; i < s->qlen; i++)
        hm_ctx__free(s->ctx, s->queue[(s->qhead + i) % SINK_BUFFERS].buf);
    for (i = 0; i < s->nspare; i++)
        hm_ctx__free(s->ctx, s->spare[i]);
    hm_ctx__free(s->ctx, s->mem);
    pthread_cond_destroy(&s->cond);
    pthread_mutex_destroy(&s->lock);
    hm_ctx__free(s->ctx, s);
}

static int write_failed(hm_store_sink *s, int err)
{
    return HM_RAISE(s->ctx, HM_EIO, s->path, 0, -1, "cannot write the store: %s",
                    strerror(err));
}

/* fd: queue the buffer being filled and take a free one (written here when there is no
 * helper). */
static int submit(hm_store_sink *s)
{
    int err;

    pthread_mutex_lock(&s->lock);
    s->queue[(s->qhead + s->qlen++) % SINK_BUFFERS] = (sink_job){s->mem, s->used, s->mem_at};
    pthread_cond_broadcast(&s->cond);
    while (!s->nspare) {
        if (!s->has_helper)
            write_oldest(s);
        else
            pthread_cond_wait(&s->cond, &s->lock);
    }
    s->mem = s->spare[--s->nspare];
    err = s->write_errno;
    pthread_mutex_unlock(&s->lock);
    s->mem_at += s->used;
    s->used = 0;
    return err ? write_failed(s, err) : HM_OK;
}

/* fd: every byte emitted so far in the file. */
static int flush(hm_store_sink *s)
{
    int rc = HM_OK, err;

    if (s->fd < 0)
        return HM_OK;
    if (s->used && (rc = submit(s)) != HM_OK)
        return rc;
    pthread_mutex_lock(&s->lock);
    while (s->qlen || s->writing) {
        if (!s->has_helper)
            write_oldest(s);
        else
            pthread_cond_wait(&s->cond, &s->lock);
    }
    err = s->write_errno;
    pthread_mutex_unlock(&s->lock);
    return err ? write_failed(s, err) : HM_OK;
}

/* Append bytes (hashed into the open section). */
static void put(hm_store_sink *s, const void *p, size_t n)
{
    if (s->failed || !n)
        return;
    hm_hasher_add(&s->hash, p, n);
    s->pos += n;
    if (s->fd < 0) {
        if (hm_ctx__grow(s->ctx, (void **)&s->mem, &s->cap, s->used + n, 1) != HM_OK) {
            s->failed = HM_ENOMEM;
            return;
        }
        memcpy(s->mem + s->used, p, n);
        s->used += n;
        return;
    }
    while (n) {
        size_t take = s->cap - s->used < n ? s->cap - s->used : n;
        memcpy(s->mem + s->used, p, take);
        s->used += take;
        p = (const unsigned char *)p + take;
        n -= take;
        if (s->used == s->cap && (s->failed = submit(s)) != HM_OK)
            return;
    }
}

static void pad(hm_store_sink *s)
{
    static const unsigned char zeros[HM_STORE_ALIGN];
    size_t n = (size_t)((HM_STORE_ALIGN - s->pos % HM_STORE_ALIGN) % HM_STORE_ALIGN);

    put(s, zeros, n); /* padding lies between sections: hashed into none that matters */
}

static void section_begin(hm_store_sink *s, uint32_t id, uint32_t flags)
{
    hm_store_section *sec;

    pad(s);
    if (s->failed)
        return;
    if (s->nsections == HM_STORE_MAX_SECTIONS) {
        s->failed = HM_RAISE(s->ctx, HM_EINVAL, NULL, 0, -1, "too many store sections");
        return;
    }
    sec = &s->table[s->nsections];
    sec->id = id;
    sec->flags = flags;
    sec->offset = s->pos;
    hm_hasher_init(&s->hash, 0);
}

static void section_end(hm_store_sink *s)
{
    hm_store_section *sec = &s->table[s->nsections];

    if (s->failed)
        return;
    sec->size = s->pos - sec->offset;
    sec->hash = hm_hasher_final(&s->hash);
    s->nsections++;
}

/* ---- the catalog ---------------------------------------------------------- */

typedef struct catalog {
    hm_ctx *ctx;
    hm_store_meta meta;
    hm_store_file *files;
    uint32_t *csv_offsets; /* header then rows: string offsets */
    hm_store_warning *warnings;
    size_t nwarnings, cap_warnings;
    hm_store_act *acts;
    size_t nacts, cap_acts;
    char *strings;
    size_t nstrings, cap_strings;
    const hm_csv_join *join; /* the activities table, or NULL */
    int rc;
} catalog;

/* Offset of a copy of text in the pool ("" is always at 0). */
static uint32_t intern(catalog *c, const char *text)
{
    size_t n = strlen(text), at = c->nstrings;

    if (c->rc != HM_OK)
        return 0;
    if (n == 0)
        return 0;
    if (at + n + 1 > UINT32_MAX) {
        c->rc = HM_RAISE(c->ctx, HM_EINVAL, NULL, 0, -1, "too much text for a store");
        return 0;
    }
    if ((c->rc = hm_ctx__grow(c->ctx, (void **)&c->strings, &c->cap_strings, at + n + 1, 1)) !=
        HM_OK)
        return 0;
    memcpy(c->strings + at, text, n + 1);
    c->nstrings = at + n + 1;
    return (uint32_t)at;
}

static hm_store_warning *add_warning(catalog *c)
{
    if (c->rc != HM_OK)
        return NULL;
    if ((c->rc = hm_ctx__grow(c->ctx, (void **)&c->warnings, &c->cap_warnings, c->nwarnings + 1,
                              sizeof(*c->warnings))) != HM_OK)
        return NULL;
    memset(&c->warnings[c->nwarnings], 0, sizeof(*c->warnings));
    return &c->warnings[c->nwarnings++];
}

static hm_store_act *add_act(catalog *c)
{
    if (c->rc != HM_OK)
        return NULL;
    if (c->nacts >= UINT32_MAX - 1) {
        c->rc = HM_RAISE(c->ctx, HM_EINVAL, NULL, 0, -1, "too many activities for a store");
        return NULL;
    }
    if ((c->rc = hm_ctx__grow(c->ctx, (void **)&c->acts, &c->cap_acts, c->nacts + 1,
                              sizeof(*c->acts))) != HM_OK)
        return NULL;
    return &c->acts[c->nacts++];
}

/* An activity's strings, its row of the table, and what is derived from both. */
static void set_act(catalog *c, hm_store_act *a, size_t k, const char *rel,
                    const char *file_sport, const char *file_sub_sport, const char *file_name,
                    const char *device)
{
    hm_act_fields d;

    a->file = (uint32_t)k;
    a->csv_row = c->join ? hm_store__csv_row(c->join, rel) : HM_NO_ROW;
    hm_store__act_fields(&d, c->join, a->csv_row, file_sport, file_sub_sport, file_name,
                         (a->flags & HM_ACT_FILE_VIRTUAL) != 0);
    a->flags &= ~(HM_ACT_VIRTUAL | HM_ACT_COMMUTE);
    a->flags |= (d.is_virtual ? HM_ACT_VIRTUAL : 0u) | (d.commute ? HM_ACT_COMMUTE : 0u);
    a->file_sport = intern(c, file_sport);
    a->file_sub_sport = intern(c, file_sub_sport);
    a->file_name = intern(c, file_name);
    a->device = intern(c, device);
    a->sport = intern(c, d.sport);
    a->sub_sport = intern(c, d.sub_sport);
    a->source_sport = intern(c, d.source_sport);
    a->name = intern(c, d.name);
}

static void catalog_file(catalog *c, size_t k, const hm_store_input *in)
{
    hm_store_file *f = &c->files[k];
    size_t i;

    memset(f, 0, sizeof(*f));
    f->path = intern(c, in->entry->rel);
    f->size = in->entry->size;
    f->mtime_ns = in->entry->mtime_ns;
    f->flags = in->racy ? HM_STORE_FILE_RACY : 0u;
    f->warning_first = (uint32_t)c->nwarnings;
    f->act_first = (uint32_t)c->nacts;
    if (in->old) {
        const hm_store *o = in->old;
        const hm_store_file *of = &o->files[in->old_file];
        f->format = of->format;
        f->error_code = of->error_code;
        f->error_message = intern(c, hm_store__str(o, of->error_message));
        f->error_line = of->error_line;
        f->error_offset = of->error_offset;
        for (i = 0; i < of->warning_count; i++) {
            const hm_store_warning *ow = &o->warnings[of->warning_first + i];
            hm_store_warning *w = add_warning(c);
            if (!w)
                return;
            *w = *ow;
            w->message = intern(c, hm_store__str(o, ow->message));
        }
        for (i = 0; i < of->act_count; i++) {
            const hm_store_act *oa = &o->acts[of->act_first + i];
            hm_store_act *a = add_act(c);
            if (!a)
                return;
            *a = *oa;
            set_act(c, a, k, in->entry->rel, hm_store__str(o, oa->file_sport),
                    hm_store__str(o, oa->file_sub_sport), hm_store__str(o, oa->file_name),
                    hm_store__str(o, oa->device));
        }
    } else {
        const hm_store_part *p = in->part;
        f->format = (uint32_t)p->format;
        f->error_code = p->error_code;
        f->error_message = intern(c, p->error_message ? p->error_message : "");
        f->error_line = p->error_line;
        f->error_offset = p->error_offset;
        for (i = 0; i < p->nwarnings; i++) {
            hm_store_warning *w = add_warning(c);
            if (!w)
                return;
            w->code = p->warnings[i].code;
            w->message = intern(c, p->warnings[i].message);
            w->line = p->warnings[i].line;
            w->offset = p->warnings[i].offset;
        }
        for (i = 0; i < p->nacts; i++) {
            hm_store_act *a = add_act(c);
            if (!a)
                return;
            *a = p->acts[i].rec;
            set_act(c, a, k, in->entry->rel, p->acts[i].sport, p->acts[i].sub_sport,
                    p->acts[i].name, p->acts[i].device);
        }
    }
    f->warning_count = (uint32_t)(c->nwarnings - f->warning_first);
    f->act_count = (uint32_t)(c->nacts - f->act_first);
}

static void catalog_free(catalog *c)
{
    hm_ctx__free(c->ctx, c->files);
    hm_ctx__free(c->ctx, c->warnings);
    hm_ctx__free(c->ctx, c->acts);
    hm_ctx__free(c->ctx, c->strings);
    hm_ctx__free(c->ctx, c->csv_offsets);
}

/* The table's header and cells as string offsets (CSV_HEADER, then CSV_CELLS). */
static void catalog_table(catalog *c, const hm_csv *t)
{
    size_t i, n;

    if (!t || c->rc != HM_OK)
        return;
    if (t->ncols > UINT32_MAX || t->nrows >= HM_NO_ROW ||
        (t->nrows + 1) > SIZE_MAX / sizeof(uint32_t) / (t->ncols ? t->ncols : 1)) {
        c->rc = HM_RAISE(c->ctx, HM_EINVAL, NULL, 0, -1, "activities table too large");
        return;
    }
    n = (t->nrows + 1) * t->ncols;
    if (!(c->csv_offsets = hm_ctx__calloc(c->ctx, n ? n : 1, sizeof(uint32_t)))) {
        c->rc = HM_RAISE_NOMEM(c->ctx);
        return;
    }
    for (i = 0; i < t->ncols; i++)
        c->csv_offsets[i] = intern(c, t->header[i]);
    for (i = 0; i < t->nrows * t->ncols; i++)
        c->csv_offsets[t->ncols + i] = intern(c, t->cells[i]);
    c->meta.csv_cols = (uint32_t)t->ncols;
    c->meta.csv_rows = (uint32_t)t->nrows;
}

/* ---- the geometry ----------------------------------------------------------- */

/* The first piece of a level whose activity is act or later (pieces are sorted by activity). */
static size_t first_piece_of(const hm_level *lv, uint32_t act)
{
    size_t lo = 0, hi = lv->npieces;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (lv->pieces[mid].act < act)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Where one input's pieces of a level come from. */
typedef struct level_src {
    const hm_piece *pieces;
    size_t npieces;
    const int32_t *points;
    const void *attrs;
    size_t npoints;
    uint32_t act_from; /* activity id the source numbers from */
    uint32_t act_to;   /* the id it gets in the new store */
    const double *boxes; /* 4 per piece (parts), or NULL: use old_boxes */
    const double *old_boxes; /* the old level's boxes by piece id, offset by the range */
    int fd;              /* >= 0: a spilled part, whose arrays are read from this file */
    uint64_t at;         /* where its level starts there */
    hm_spill_level lay;  /* and where its arrays are from there */
} level_src;

/* What a spilled part's arrays are read into, one array at a time. */
typedef struct scratch {
    unsigned char *buf;
    size_t cap;
} scratch;

/*
 * *out: n bytes of a source, mem when it is in memory, else read from its file at off
 * into the scratch (valid until the next fetch).
 * @return HM_OK, HM_ERROR (the spill file cannot be read), HM_ENOMEM (raised).
 */
static int fetch(const void **out, const level_src *ls, const void *mem, uint64_t off,
                 size_t n, scratch *sc, hm_ctx *ctx)
{
    size_t got = 0;

    *out = mem;
    if (ls->fd < 0 || n == 0)
        return HM_OK;
    if (n > sc->cap) {
        unsigned char *b = hm_ctx__reallocarray(ctx, sc->buf, n, 1);
        if (!b)
            return HM_RAISE_NOMEM(ctx);
        sc->buf = b;
        sc->cap = n;
    }
    while (got < n) {
        ssize_t r = pread(ls->fd, sc->buf + got, n - got, (off_t)(off + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            /* Not HM_EIO: that would read as a store file that cannot be written, and the
             * open would build the same inputs again in memory. */
            return HM_RAISE(ctx, HM_ERROR, NULL, 0, -1,
                            "cannot read back the tracks waiting in the spill file: %s",
                            r < 0 ? strerror(errno) : "file cut short");
        got += (size_t)r;
    }
    *out = sc->buf;
    return HM_OK;
}

/* Piece boxes of an old level by piece id, from its tree's leaves. */
static double *old_level_boxes(const hm_level *lv, hm_ctx *ctx)
{
    double *b = hm_ctx__reallocarray(ctx, NULL, lv->npieces ? lv->npieces : 1, 4 * sizeof(double));
    size_t i;

    if (!b)
        return NULL;
    for (i = 0; i < lv->tree.nitems; i++)
        memcpy(b + 4 * (size_t)lv->tree.indices[i], lv->tree.boxes + 4 * i, 4 * sizeof(double));
    return b;
}

/* An older store whose files are copied, with its boxes of the level being written. */
typedef struct old_store {
    const hm_store *store; /* borrowed */
    double *boxes;         /* owned: 4 per piece of the level, by piece id */
} old_store;

static int write_level(hm_store_sink *s, hm_ctx *ctx, int k, const hm_index_layout *layout,
                       const hm_store_input *inputs, size_t n, const uint32_t *act_base,
                       const old_store *olds, size_t nolds, hm_store_level *info)
{
    int packed = hm_index__level_packed(layout, k);
    size_t asize = hm_index__attr_size(packed), i, j, npieces = 0, npoints = 0, piece_at;
    level_src *src;
    double *boxes = NULL;
    scratch sc = {NULL, 0};
    hm_rtree tree;
    int rc = HM_OK;

    src = hm_ctx__calloc(ctx, n ? n : 1, sizeof(*src));
    if (!src)
        return HM_RAISE_NOMEM(ctx);
    for (i = 0; i < n; i++) {
        const hm_store_input *in = &inputs[i];
        level_src *ls = &src[i];
        ls->act_to = act_base[i];
        ls->fd = -1;
        if (in->old) {
            const hm_level *lv = &in->old->index.levels[k];
            const hm_store_file *of = &in->old->files[in->old_file];
            size_t p0, p1, m;
            p0 = first_piece_of(lv, of->act_first);
            p1 = first_piece_of(lv, of->act_first + of->act_count);
            for (m = 0; m < nolds && olds[m].store != in->old; m++)
                ;
            ls->act_from = of->act_first;
            ls->pieces = lv->pieces + p0;
            ls->npieces = p1 - p0;
            if (ls->npieces) {
                const hm_piece *last = &lv->pieces[p1 - 1];
                ls->points = lv->points + 2 * (size_t)lv->pieces[p0].first;
                ls->attrs = (const unsigned char *)lv->attrs + asize * lv->pieces[p0].first;
                ls->npoints = (size_t)last->first + last->nseg + 1 - lv->pieces[p0].first;
            }
            ls->old_boxes = olds[m].boxes + 4 * p0;
        } else {
            const hm_chunk_level *cl = &in->part->chunk.levels[k];
            ls->act_from = 0;
            if (in->part->chunk.layout.nlevels > k) {
                ls->pieces = cl->pieces;
                ls->npieces = cl->npieces;
                ls->points = cl->points;
                ls->attrs = cl->attrs;
                ls->npoints = cl->npoints;
                ls->boxes = cl->boxes;
                if (in->part->spilled) {
                    ls->fd = in->part->spill_fd;
                    ls->at = in->part->spill_at[k];
                    hm_store__spill_level(&ls->lay, ls->npieces, ls->npoints, asize);
                }
            }
        }
        npieces += ls->npieces;
        npoints += ls->npoints;
    }
    if (npoints > UINT32_MAX || npieces >= ((size_t)1 << 31)) {
        hm_ctx__free(ctx, src);
        return HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1, "too many points for one store");
    }
    info->exp = layout->exp[k];
    info->packed = (uint32_t)packed;
    info->npieces = npieces;
    info->npoints = npoints;
    boxes = hm_ctx__reallocarray(ctx, NULL, npieces ? npieces : 1, 4 * sizeof(double));
    if (!boxes) {
        hm_ctx__free(ctx, src);
        return HM_RAISE_NOMEM(ctx);
    }

    /* Pieces, renumbered: activities and first points move, nothing else. */
    section_begin(s, HM_SEC_LEVEL0 + 8 * (uint32_t)k + HM_SEC_L_PIECES, 0);
    piece_at = 0;
    npoints = 0;
    for (i = 0; i < n && rc == HM_OK; i++) {
        const level_src *ls = &src[i];
        const void *mem;
        const hm_piece *pieces;
        const double *pboxes;
        uint32_t first0;

        /* A spilled part's pieces and their boxes are one read. */
        if ((rc = fetch(&mem, ls, ls->pieces, ls->at, (size_t)ls->lay.points, &sc, ctx)) !=
            HM_OK)
            break;
        pieces = mem;
        pboxes = !ls->npieces ? NULL
                 : ls->fd >= 0 ? (const double *)(pieces + ls->npieces)
                 : ls->boxes   ? ls->boxes
                               : ls->old_boxes;
        first0 = ls->npieces ? pieces[0].first : 0;
        for (j = 0; j < ls->npieces; j++) {
            hm_piece pc = pieces[j];
            pc.act = pc.act - ls->act_from + ls->act_to;
            pc.first = pc.first - first0 + (uint32_t)npoints;
            put(s, &pc, sizeof(pc));
            memcpy(boxes + 4 * piece_at++, pboxes + 4 * j, 4 * sizeof(double));
        }
        npoints += ls->npoints;
    }
    section_end(s);
    section_begin(s, HM_SEC_LEVEL0 + 8 * (uint32_t)k + HM_SEC_L_POINTS, 0);
    for (i = 0; i < n && rc == HM_OK; i++) {
        const level_src *ls = &src[i];
        const void *pts;
        rc = fetch(&pts, ls, ls->points, ls->at + ls->lay.points,
                   2 * sizeof(int32_t) * ls->npoints, &sc, ctx);
        if (rc == HM_OK)
            put(s, pts, 2 * sizeof(int32_t) * ls->npoints);
    }
    section_end(s);
    section_begin(s, HM_SEC_LEVEL0 + 8 * (uint32_t)k + HM_SEC_L_ATTRS, 0);
    for (i = 0; i < n && rc == HM_OK; i++) {
        const level_src *ls = &src[i];
        const void *attrs;
        rc = fetch(&attrs, ls, ls->attrs, ls->at + ls->lay.attrs, asize * ls->npoints, &sc,
                   ctx);
        if (rc == HM_OK)
            put(s, attrs, asize * ls->npoints);
    }
    section_end(s);
    hm_ctx__free(ctx, src);
    hm_ctx__free(ctx, sc.buf);

    if (rc == HM_OK)
        rc = s->failed;
    if (rc != HM_OK) {
        hm_ctx__free(ctx, boxes);
        return rc;
    }
    rc = hm_rtree__build(&tree, ctx, boxes, npieces, HM_RTREE_NODE_SIZE);
    hm_ctx__free(ctx, boxes);
    if (rc != HM_OK)
        return rc;
    section_begin(s, HM_SEC_LEVEL0 + 8 * (uint32_t)k + HM_SEC_L_TREE_BOXES, 0);
    put(s, tree.boxes, 4 * sizeof(double) * tree.nboxes);
    section_end(s);
    section_begin(s, HM_SEC_LEVEL0 + 8 * (uint32_t)k + HM_SEC_L_TREE_INDICES, 0);
    put(s, tree.indices, sizeof(uint32_t) * tree.nboxes);
    section_end(s);
    hm_rtree__free(&tree);
    return s->failed;
}

int hm_store__write(hm_store_sink *s, hm_ctx *ctx, const hm_store_info *info,
                    const hm_store_input *inputs, size_t n, int64_t stamp_mtime_ns)
{
    hm_index_layout layout;
    hm_store_level levels[HM_INDEX_MAX_LEVELS];
    hm_store_header h;
    uint32_t *act_base = NULL;
    old_store *olds = NULL;
    size_t nolds = 0;
    hm_csv_join join;
    catalog c;
    size_t i, m;
    int k, rc;

    memset(&c, 0, sizeof(c));
    memset(&join, 0, sizeof(join));
    memset(&h, 0, sizeof(h));
    memset(levels, 0, sizeof(levels));
    c.ctx = ctx;
    hm_store__web_layout(&layout);
    if (n >= UINT32_MAX)
        return HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1, "too many files for a store");

    /* The catalog, in memory. */
    c.files = hm_ctx__calloc(ctx, n ? n : 1, sizeof(*c.files));
    act_base = hm_ctx__calloc(ctx, n ? n : 1, sizeof(*act_base));
    olds = hm_ctx__calloc(ctx, n ? n : 1, sizeof(*olds));
    if (!c.files || !act_base || !olds) {
        rc = HM_RAISE_NOMEM(ctx);
        goto done;
    }
    /* The older stores copied from (one, in practice). */
    for (i = 0; i < n; i++) {
        if (!inputs[i].old)
            continue;
        for (m = 0; m < nolds && olds[m].store != inputs[i].old; m++)
            ;
        if (m == nolds)
            olds[nolds++].store = inputs[i].old;
    }
    if ((c.rc = hm_ctx__grow(ctx, (void **)&c.strings, &c.cap_strings, 1, 1)) == HM_OK)
        c.strings[c.nstrings++] = '\0'; /* offset 0 is "" */
    if (c.rc == HM_OK && info->table && (c.rc = hm_store__csv_join(&join, ctx, info->table)) ==
                                            HM_OK)
        c.join = &join;
    catalog_table(&c, info->table);
    for (i = 0; i < n && c.rc == HM_OK; i++) {
        act_base[i] = (uint32_t)c.nacts;
        catalog_file(&c, i, &inputs[i]);
    }
    c.meta.nfiles = (uint32_t)n;
    c.meta.nwarnings = (uint32_t)c.nwarnings;
    c.meta.nacts = (uint32_t)c.nacts;
    c.meta.nlevels = (uint32_t)layout.nlevels;
    c.meta.source = intern(&c, info->source);
    c.meta.options = intern(&c, info->options);
    c.meta.root = (uint32_t)info->root;
    c.meta.unit_bits = HM_WEB_UNIT_BITS;
    c.meta.node_size = HM_RTREE_NODE_SIZE;
    c.meta.scan_time_ns = info->scan_time_ns;
    c.meta.csv_path = intern(&c, info->table_path ? info->table_path : "");
    c.meta.csv_size = info->table ? info->table_size : 0;
    c.meta.csv_mtime_ns = info->table ? info->table_mtime_ns : -1;
    for (i = 0; i < c.nacts; i++)
        c.meta.points += c.acts[i].kept_points;
    if ((rc = c.rc) != HM_OK)
        goto done;

    /* Header placeholder; the real one goes in last. */
    put(s, &h, sizeof(h));
    section_begin(s, HM_SEC_META, HM_SEC_SMALL);
    put(s, &c.meta, sizeof(c.meta));
    section_end(s);
    section_begin(s, HM_SEC_FILES, HM_SEC_SMALL);
    put(s, c.files, n * sizeof(*c.files));
    section_end(s);
    section_begin(s, HM_SEC_WARNINGS, HM_SEC_SMALL);
    put(s, c.warnings, c.nwarnings * sizeof(*c.warnings));
    section_end(s);
    section_begin(s, HM_SEC_ACTS, HM_SEC_SMALL);
    put(s, c.acts, c.nacts * sizeof(*c.acts));
    section_end(s);
    section_begin(s, HM_SEC_STRINGS, HM_SEC_SMALL);
    put(s, c.strings, c.nstrings);
    section_end(s);
    section_begin(s, HM_SEC_CSV_HEADER, HM_SEC_SMALL);
    put(s, c.csv_offsets, c.meta.csv_cols * sizeof(uint32_t));
    section_end(s);
    section_begin(s, HM_SEC_CSV_CELLS, HM_SEC_SMALL);
    put(s, c.csv_offsets ? c.csv_offsets + c.meta.csv_cols : NULL,
        (size_t)c.meta.csv_rows * c.meta.csv_cols * sizeof(uint32_t));
    section_end(s);
    if ((rc = s->failed) != HM_OK)
        goto done;

    for (k = 0; k < layout.nlevels && rc == HM_OK; k++) {
        for (m = 0; m < nolds && rc == HM_OK; m++) {
            hm_ctx__free(ctx, olds[m].boxes);
            if (!(olds[m].boxes = old_level_boxes(&olds[m].store->index.levels[k], ctx)))
                rc = HM_RAISE_NOMEM(ctx);
        }
        if (rc == HM_OK)
            rc = write_level(s, ctx, k, &layout, inputs, n, act_base, olds, nolds, &levels[k]);
    }
    if (rc != HM_OK)
        goto done;
    section_begin(s, HM_SEC_LEVELS, HM_SEC_SMALL);
    put(s, levels, (size_t)layout.nlevels * sizeof(levels[0]));
    section_end(s);

    /* The section table, then the header. */
    pad(s);
    h.table_offset = s->pos;
    hm_hasher_init(&s->hash, 0);
    put(s, s->table, s->nsections * sizeof(s->table[0]));
    if ((rc = s->failed) != HM_OK || (rc = flush(s)) != HM_OK)
        goto done;
    memcpy(h.magic, HM_STORE_MAGIC, sizeof(h.magic));
    h.version = HM_STORE_VERSION;
    h.endian = HM_STORE_ENDIAN;
    h.header_size = sizeof(h);
    h.nsections = s->nsections;
    h.file_size = s->pos;
    h.table_hash = hm_hash64(s->table, s->nsections * sizeof(s->table[0]), 0);
    h.stamp_mtime_ns = stamp_mtime_ns;
    if (getrandom(h.generation, sizeof(h.generation), 0) != (ssize_t)sizeof(h.generation)) {
        /* Not secret, only distinct: fall back on the content's own figures. */
        uint64_t g[2] = {hm_hash64(c.acts, c.nacts * sizeof(*c.acts), 1),
                         (uint64_t)info->scan_time_ns ^ (uint64_t)getpid()};
        memcpy(h.generation, g, sizeof(h.generation));
    }
    h.header_hash = hm_hash64(&h, offsetof(hm_store_header, header_hash), 0);
    if (s->fd >= 0) {
        sink_job head = {(unsigned char *)&h, sizeof(h), 0};
        int err = write_job(s->fd, &head);
        rc = err ? write_failed(s, err) : HM_OK;
    } else
        memcpy(s->mem, &h, sizeof(h));

done:
    for (m = 0; m < nolds; m++)
        hm_ctx__free(ctx, olds[m].boxes);
    hm_ctx__free(ctx, olds);
    hm_ctx__free(ctx, act_base);
    hm_store__csv_join_free(&join);
    catalog_free(&c);
    return rc;
}
