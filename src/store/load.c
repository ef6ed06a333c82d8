/* SPDX-License-Identifier: MIT */
/*
 * Loading a store image: check it, then point into it. Nothing is copied
 * or parsed; the only allocation that grows with the store is the array of
 * activity start days (8 bytes an activity).
 *
 * What is checked, in order, each failure with its reason: the header
 * (magic, byte order, version, its checksum, the file size it promises:
 * a truncated or extended file fails here), the section table (checksum,
 * every section inside the file), the checksum of every catalog section,
 * and the catalog's consistency (counts, ranges, string offsets, files
 * sorted). An untrusted image (one that is not known to be what its writer
 * wrote) also has every geometry section's checksum verified and every
 * piece and tree index range-checked, so that no image, however damaged or
 * crafted, makes a render read outside it.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "core/hash_int.h"
#include "store/store_int.h"

/* Largest piece origin a store may hold, units (the world is 2^40 wide). */
#define MAX_ORIGIN ((int64_t)1 << 44)

typedef struct loader {
    const unsigned char *image;
    size_t size;
    const hm_store_section *table;
    uint32_t nsections;
    int trusted;
    char *why;
    size_t why_size;
} loader;

static int fail(loader *l, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static int fail(loader *l, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(l->why, l->why_size, fmt, ap);
    va_end(ap);
    return HM_EPARSE;
}

/* The section with this id and an exact size (or any size when size is -1). */
static const void *section(loader *l, uint32_t id, int64_t size, uint64_t *got_size, int *rc)
{
    uint32_t i;

    for (i = 0; i < l->nsections; i++) {
        const hm_store_section *s = &l->table[i];
        if (s->id != id)
            continue;
        if (size >= 0 && s->size != (uint64_t)size) {
            *rc = fail(l, "section %u has %llu bytes, %lld expected", id,
                       (unsigned long long)s->size, (long long)size);
            return NULL;
        }
        if (got_size)
            *got_size = s->size;
        return l->image + s->offset;
    }
    *rc = fail(l, "section %u is missing", id);
    return NULL;
}

static int check_header(loader *l, const hm_store_header **out)
{
    const hm_store_header *h = (const hm_store_header *)l->image;
    uint32_t i;

    if (l->size < sizeof(*h))
        return fail(l, "truncated (%zu bytes)", l->size);
    if (memcmp(h->magic, HM_STORE_MAGIC, sizeof(h->magic)) != 0)
        return fail(l, "not a store file");
    if (h->endian != HM_STORE_ENDIAN)
        return fail(l, "written on a machine of the other byte order");
    if (h->version != HM_STORE_VERSION)
        return fail(l, "format version %u (this build reads version %u)", h->version,
                    HM_STORE_VERSION);
    if (h->header_size != sizeof(*h) ||
        h->header_hash != hm_hash64(h, offsetof(hm_store_header, header_hash), 0))
        return fail(l, "header checksum mismatch");
    if (h->file_size != l->size)
        return fail(l, h->file_size > l->size ? "truncated (%zu of %llu bytes)"
                                              : "%zu bytes, %llu written",
                    l->size, (unsigned long long)h->file_size);
    if (h->nsections > HM_STORE_MAX_SECTIONS || h->table_offset % 8 != 0 ||
        h->table_offset > l->size ||
        (l->size - h->table_offset) / sizeof(hm_store_section) < h->nsections)
        return fail(l, "section table out of bounds");
    l->table = (const hm_store_section *)(l->image + h->table_offset);
    l->nsections = h->nsections;
    if (hm_hash64(l->table, h->nsections * sizeof(hm_store_section), 0) != h->table_hash)
        return fail(l, "section table checksum mismatch");
    for (i = 0; i < l->nsections; i++) {
        const hm_store_section *s = &l->table[i];
        if (s->offset % HM_STORE_ALIGN != 0 || s->offset < sizeof(*h) ||
            s->offset > h->table_offset || s->size > h->table_offset - s->offset)
            return fail(l, "section %u out of bounds", s->id);
        if ((!l->trusted || (s->flags & HM_SEC_SMALL)) &&
            hm_hash64(l->image + s->offset, (size_t)s->size, 0) != s->hash)
            return fail(l, "checksum mismatch in section %u", s->id);
    }
    *out = h;
    return HM_OK;
}

static int str_ok(const hm_store *st, uint32_t off)
{
    return off < st->strings_size;
}

static int check_catalog(loader *l, hm_store *st)
{
    const hm_store_meta *m = st->meta;
    uint32_t i, w = 0, a = 0;
    size_t j;
    int rc = HM_OK;

    if (!str_ok(st, m->source) || !str_ok(st, m->options) || !str_ok(st, m->csv_path) ||
        m->unit_bits != HM_WEB_UNIT_BITS || m->node_size < 2 ||
        m->node_size > HM_RTREE_MAX_NODE_SIZE)
        return fail(l, "bad store description");
    for (i = 0; i < m->csv_cols; i++)
        if (!str_ok(st, st->csv_header[i]))
            return fail(l, "bad activities table");
    for (j = 0; j < (size_t)m->csv_rows * m->csv_cols; j++)
        if (!str_ok(st, st->csv_cells[j]))
            return fail(l, "bad activities table");
    for (i = 0; i < m->nfiles; i++) {
        const hm_store_file *f = &st->files[i];
        if (!str_ok(st, f->path) || !str_ok(st, f->error_message) || f->format > 3 ||
            f->warning_first != w || f->warning_count > m->nwarnings - w ||
            f->act_first != a || f->act_count > m->nacts - a)
            return fail(l, "bad record of file %u", i);
        if (i > 0 && strcmp(hm_store__str(st, st->files[i - 1].path), hm_store__str(st, f->path)) >= 0)
            return fail(l, "files out of order at %u", i);
        w += f->warning_count;
        a += f->act_count;
    }
    if (w != m->nwarnings || a != m->nacts)
        return fail(l, "catalog counts do not add up");
    for (i = 0; i < m->nwarnings; i++)
        if (!str_ok(st, st->warnings[i].message))
            return fail(l, "bad warning %u", i);
    for (i = 0; i < m->nacts; i++) {
        const hm_store_act *act = &st->acts[i];
        if (act->file >= m->nfiles || i < st->files[act->file].act_first ||
            i - st->files[act->file].act_first >= st->files[act->file].act_count ||
            !str_ok(st, act->sport) || !str_ok(st, act->sub_sport) ||
            !str_ok(st, act->source_sport) || !str_ok(st, act->file_sport) ||
            !str_ok(st, act->file_sub_sport) || !str_ok(st, act->file_name) ||
            !str_ok(st, act->name) || !str_ok(st, act->device) ||
            (act->csv_row != HM_NO_ROW && act->csv_row >= m->csv_rows))
            return fail(l, "bad record of activity %u", i);
        if ((act->flags & HM_ACT_KEPT) &&
            !(act->bbox[0] >= 0 && act->bbox[0] <= act->bbox[2] &&
              act->bbox[2] <= ((int64_t)1 << HM_WEB_UNIT_BITS) && act->bbox[1] >= 0 &&
              act->bbox[1] <= act->bbox[3] && act->bbox[3] <= ((int64_t)1 << HM_WEB_UNIT_BITS)))
            return fail(l, "bad extent of activity %u", i);
    }
    return rc;
}

static int check_level(loader *l, const hm_store *st, const hm_level *lv, int k)
{
    size_t i;
    uint32_t prev = 0;

    for (i = 0; i < lv->npieces; i++) {
        const hm_piece *pc = &lv->pieces[i];
        /* Origins within the world (2^40 units) and far beyond: no arithmetic on them can
         * overflow, however the offsets are. */
        if (pc->act >= st->meta->nacts || pc->act < prev || pc->nseg < 1 ||
            pc->nseg > HM_PIECE_MAX_SEGMENTS || (uint64_t)pc->first + pc->nseg >= lv->npoints ||
            pc->ox < -MAX_ORIGIN || pc->ox > MAX_ORIGIN || pc->oy < -MAX_ORIGIN ||
            pc->oy > MAX_ORIGIN)
            return fail(l, "bad piece %zu of level %d", i, k);
        prev = pc->act;
    }
    if (hm_rtree__check(&lv->tree) != 0)
        return fail(l, "bad spatial index of level %d", k);
    return HM_OK;
}

static int view_levels(loader *l, hm_store *st, const hm_store_level *levels)
{
    hm_index_layout layout;
    int k, rc = HM_OK;

    hm_store__web_layout(&layout);
    if (st->meta->nlevels != (uint32_t)layout.nlevels)
        return fail(l, "%u levels, %d expected", st->meta->nlevels, layout.nlevels);
    st->index.ctx = NULL;
    st->index.nlevels = layout.nlevels;
    for (k = 0; k < layout.nlevels; k++) {
        const hm_store_level *sl = &levels[k];
        hm_level *lv = &st->index.levels[k];
        uint32_t base = HM_SEC_LEVEL0 + 8 * (uint32_t)k;
        size_t nboxes;
        int packed = hm_index__level_packed(&layout, k);

        if (sl->exp != layout.exp[k] || sl->packed != (uint32_t)packed ||
            sl->npoints > UINT32_MAX || sl->npieces >= ((uint64_t)1 << 31))
            return fail(l, "bad description of level %d", k);
        lv->exp = sl->exp;
        lv->packed = packed;
        lv->npieces = (size_t)sl->npieces;
        lv->npoints = (size_t)sl->npoints;
        nboxes = hm_rtree__box_count(lv->npieces, st->meta->node_size);
        if (!(lv->pieces = section(l, base + HM_SEC_L_PIECES,
                                   (int64_t)(lv->npieces * sizeof(hm_piece)), NULL, &rc)) ||
            !(lv->points = section(l, base + HM_SEC_L_POINTS,
                                   (int64_t)(lv->npoints * 2 * sizeof(int32_t)), NULL, &rc)) ||
            !(lv->attrs = section(l, base + HM_SEC_L_ATTRS,
                                  (int64_t)(lv->npoints * hm_index__attr_size(packed)), NULL,
                                  &rc)))
            return rc;
        {
            const double *boxes = section(l, base + HM_SEC_L_TREE_BOXES,
                                          (int64_t)(nboxes * 4 * sizeof(double)), NULL, &rc);
            const uint32_t *ind = boxes ? section(l, base + HM_SEC_L_TREE_INDICES,
                                                  (int64_t)(nboxes * sizeof(uint32_t)), NULL, &rc)
                                        : NULL;
            if (!ind)
                return rc;
            if (hm_rtree__view(&lv->tree, boxes, ind, lv->npieces, st->meta->node_size) != 0)
                return fail(l, "bad spatial index of level %d", k);
        }
        if (!l->trusted && (rc = check_level(l, st, lv, k)) != HM_OK)
            return rc;
    }
    return HM_OK;
}

static void store_free(hm_store *st)
{
    hm_ctx *ctx = st->ctx;

    hm_memo__destroy(&st->memo, ctx);
    hm_store__pyramid_detach(st);
    if (st->image) {
        if (st->mapped)
            munmap(st->image, st->size);
        else
            hm_ctx__free(ctx, st->image);
    }
    hm_ctx__free(ctx, st->act_days);
    hm_ctx__free(ctx, st->path);
    pthread_mutex_destroy(&st->lock);
    hm_ctx__free(ctx, st);
    hm_ctx_free(ctx);
}

int hm_store__load(hm_store **out, hm_ctx *ctx, unsigned char *image, size_t size, int mapped,
                   int trusted, char *why, size_t why_size)
{
    const hm_store_header *h = NULL;
    const hm_store_level *levels;
    uint64_t ssize = 0;
    hm_ctx *sctx = NULL;
    hm_store *st = NULL;
    loader l;
    size_t i;
    int rc;

    *out = NULL;
    why[0] = '\0';
    memset(&l, 0, sizeof(l));
    l.image = image;
    l.size = size;
    l.trusted = trusted;
    l.why = why;
    l.why_size = why_size;
    if (hm_ctx__new_child(&sctx, ctx) != HM_OK ||
        !(st = hm_ctx__calloc(sctx, 1, sizeof(*st)))) {
        hm_ctx_free(sctx);
        if (mapped)
            munmap(image, size);
        else
            hm_ctx__free(ctx, image);
        return HM_RAISE_NOMEM(ctx);
    }
    st->ctx = sctx;
    st->refs = 1;
    st->image = image;
    st->size = size;
    st->mapped = mapped;
    pthread_mutex_init(&st->lock, NULL);
    hm_memo__init(&st->memo);
    if ((rc = check_header(&l, &h)) != HM_OK)
        goto fail;
    st->header = h;
    if (!(st->meta = section(&l, HM_SEC_META, (int64_t)sizeof(hm_store_meta), NULL, &rc)))
        goto fail;
    if (!(st->strings = section(&l, HM_SEC_STRINGS, -1, &ssize, &rc)))
        goto fail;
    st->strings_size = (size_t)ssize;
    if (ssize == 0 || st->strings[ssize - 1] != '\0') {
        rc = fail(&l, "bad string section");
        goto fail;
    }
    /* Table sizes that cannot wrap: both counts below 2^32, their product within the file. */
    if ((uint64_t)st->meta->csv_rows * st->meta->csv_cols > size / sizeof(uint32_t)) {
        rc = fail(&l, "bad activities table");
        goto fail;
    }
    if (!(st->files = section(&l, HM_SEC_FILES,
                              (int64_t)((uint64_t)st->meta->nfiles * sizeof(hm_store_file)), NULL,
                              &rc)) ||
        !(st->warnings = section(&l, HM_SEC_WARNINGS,
                                 (int64_t)((uint64_t)st->meta->nwarnings *
                                           sizeof(hm_store_warning)),
                                 NULL, &rc)) ||
        !(st->acts = section(&l, HM_SEC_ACTS,
                             (int64_t)((uint64_t)st->meta->nacts * sizeof(hm_store_act)), NULL,
                             &rc)) ||
        !(st->csv_header = section(&l, HM_SEC_CSV_HEADER,
                                   (int64_t)((uint64_t)st->meta->csv_cols * sizeof(uint32_t)),
                                   NULL, &rc)) ||
        !(st->csv_cells = section(&l, HM_SEC_CSV_CELLS,
                                  (int64_t)((uint64_t)st->meta->csv_rows * st->meta->csv_cols *
                                            sizeof(uint32_t)),
                                  NULL, &rc)) ||
        !(levels = section(&l, HM_SEC_LEVELS,
                           (int64_t)((uint64_t)st->meta->nlevels * sizeof(hm_store_level)), NULL,
                           &rc)))
        goto fail;
    if ((rc = check_catalog(&l, st)) != HM_OK || (rc = view_levels(&l, st, levels)) != HM_OK)
        goto fail;
    st->act_days = hm_ctx__reallocarray(sctx, NULL, st->meta->nacts ? st->meta->nacts : 1,
                                        sizeof(double));
    if (!st->act_days) {
        store_free(st);
        return HM_RAISE_NOMEM(ctx);
    }
    for (i = 0; i < st->meta->nacts; i++)
        st->act_days[i] = st->acts[i].start_time / 86400.0;
    hm_store__table_keys(st, &st->table_keys);
    *out = st;
    return HM_OK;

fail:
    store_free(st);
    return rc;
}

void hm_store__acquire(hm_store *st)
{
    pthread_mutex_lock(&st->lock);
    st->refs++;
    pthread_mutex_unlock(&st->lock);
}

void hm_store__release(hm_store *st)
{
    int last;

    if (!st)
        return;
    pthread_mutex_lock(&st->lock);
    last = --st->refs == 0;
    pthread_mutex_unlock(&st->lock);
    if (last)
        store_free(st);
}

long hm_store__find_file(const hm_store *st, const char *rel)
{
    size_t lo = 0, hi = st->meta->nfiles;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(hm_store__str(st, st->files[mid].path), rel);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}
