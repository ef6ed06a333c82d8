/* SPDX-License-Identifier: MIT */
/*
 * The pyramid file beside a store (format in format_int.h): written once
 * per store content by the process that built it, mapped by every process
 * that opens the store. It is a cache: a file that is missing, foreign,
 * drawn from another generation of the store or damaged is not used (blocks
 * are then rendered from the index), so nothing here fails an open. The
 * header, the selection and the directory are checked when the file is
 * attached; a tile's pixel bytes are checked against the directory's hash
 * each time the tile is used (about 40 us for a full tile), so a byte
 * flipped later is never drawn.
 *
 * Replacement is the store's: a temporary file in the same folder, renamed
 * over the old name, so a process that mapped the old file keeps reading it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/hash_int.h"
#include "store/store_int.h"
#include "track/sport_int.h"

/* The file of view `name` ("" the default) of the store at store_path. */
static int pyramid_path(char *out, size_t size, const char *store_path, const char *name)
{
    return store_path &&
                   snprintf(out, size, "%s.pyramid%s%s", store_path, name[0] ? "." : "", name) <
                       (int)size
               ? 0
               : -1;
}

/* The name of view k: the default view, then one per canonical sport. */
static const char *view_name(size_t k)
{
    return k == 0 ? "" : hm_sport__name(k - 1);
}

static size_t view_count(void)
{
    size_t n = 1 + hm_sport__count();

    return n < HM_PYRAMID_MAX_VIEWS ? n : HM_PYRAMID_MAX_VIEWS;
}

void hm_store__pyramid_remove(const char *store_path)
{
    char path[PATH_MAX];
    size_t k;

    for (k = 0; k < view_count(); k++)
        if (pyramid_path(path, sizeof(path), store_path, view_name(k)) == 0)
            unlink(path);
}

static size_t selection_words(uint32_t nacts)
{
    return (size_t)nacts / 64 + 1;
}

/* Where the parts of a pyramid of n activities, t tiles and p pixels lie: the header,
 * the selection, the pixels (as tiles are drawn), the directory (8-byte aligned). */
static void layout(uint32_t nacts, uint64_t t, uint64_t p, size_t *sel, size_t *pix, size_t *dir,
                   size_t *end)
{
    *sel = sizeof(hm_pyramid_header);
    *pix = *sel + selection_words(nacts) * sizeof(uint64_t);
    *dir = (*pix + (size_t)p * sizeof(hm_pyramid_pixel) + 7) & ~(size_t)7;
    *end = *dir + (size_t)t * sizeof(hm_pyramid_tile);
}

/* NULL when the mapped bytes are a pyramid of this store; else why not. */
static const char *check(const hm_store *store, const unsigned char *map, size_t size,
                         hm_pyramid *p)
{
    const hm_pyramid_header *h = (const hm_pyramid_header *)map;
    size_t sel, dir, pix, end, i;
    hm_hasher body;
    uint64_t next = 0;

    if (size < sizeof(*h) || memcmp(h->magic, HM_PYRAMID_MAGIC, sizeof(h->magic)) != 0)
        return "not a pyramid file";
    if (h->version != HM_PYRAMID_VERSION || h->endian != HM_STORE_ENDIAN)
        return "another version or byte order";
    if (h->header_hash != hm_hash64(h, offsetof(hm_pyramid_header, header_hash), 0))
        return "damaged header";
    if (memcmp(h->generation, store->header->generation, sizeof(h->generation)) != 0 ||
        h->nacts != store->meta->nacts)
        return "drawn from another content of the store";
    if (h->zmin < 0 || h->zmax < h->zmin || h->zmax > HM_PYRAMID_MAX_ZOOM ||
        h->ntiles > (uint64_t)(SIZE_MAX / 4) / sizeof(hm_pyramid_tile) ||
        h->npixels > (uint64_t)(SIZE_MAX / 4) / sizeof(hm_pyramid_pixel))
        return "bad counts";
    layout(h->nacts, h->ntiles, h->npixels, &sel, &pix, &dir, &end);
    if (h->file_size != size || end != size)
        return "truncated or extended";
    hm_hasher_init(&body, 0);
    hm_hasher_add(&body, map + sel, pix - sel);
    hm_hasher_add(&body, map + dir, end - dir);
    if (h->body_hash != hm_hasher_final(&body))
        return "damaged selection or directory";
    p->header = h;
    p->selection = (const uint64_t *)(map + sel);
    p->tiles = (const hm_pyramid_tile *)(map + dir);
    p->pixels = (const hm_pyramid_pixel *)(map + pix);
    for (i = 0; i < h->ntiles; i++) {
        const hm_pyramid_tile *t = &p->tiles[i], *u = i ? t - 1 : NULL;
        if ((int64_t)t->z > h->zmax || (int64_t)t->z < h->zmin || t->tx >= (1u << t->z) ||
            t->ty >= (1u << t->z) ||
            t->npix < 1 || t->npix > 65536 || t->first != next)
            return "bad directory entry";
        if (u && !(u->z < t->z || (u->z == t->z && (u->ty < t->ty ||
                                                    (u->ty == t->ty && u->tx < t->tx)))))
            return "directory out of order";
        next += t->npix;
    }
    if (next != h->npixels)
        return "pixel count mismatch";
    for (i = (size_t)h->zmin; i <= (size_t)h->zmax; i++)
        if (h->index_level[i] < 0 || h->index_level[i] >= store->index.nlevels)
            return "bad index level";
    return NULL;
}

/* Attach the view `name` when its file is there and holds for this store. */
static void attach_one(hm_store *store, const char *name)
{
    char path[PATH_MAX];
    const char *why;
    struct stat st;
    hm_pyramid p, *kept;
    void *map;
    int fd;

    if (store->npyramids >= HM_PYRAMID_MAX_VIEWS ||
        pyramid_path(path, sizeof(path), store->path, name) != 0)
        return;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
        (uint64_t)st.st_size > SIZE_MAX) {
        close(fd);
        return;
    }
    map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return;
    memset(&p, 0, sizeof(p));
    if ((why = check(store, map, (size_t)st.st_size, &p)) != NULL ||
        !(kept = hm_ctx__malloc(store->ctx, sizeof(p)))) {
        if (why)
            hm_ctx__log(store->ctx, HM_LOG_DEBUG, "%s: not used (%s)", path, why);
        munmap(map, (size_t)st.st_size);
        return;
    }
    p.map = map;
    p.size = (size_t)st.st_size;
    snprintf(p.name, sizeof(p.name), "%s", name);
    *kept = p;
    store->pyramids[store->npyramids++] = kept;
}

static void detach_one(hm_store *store, size_t i)
{
    munmap(store->pyramids[i]->map, store->pyramids[i]->size);
    hm_ctx__free(store->ctx, store->pyramids[i]);
    store->pyramids[i] = store->pyramids[--store->npyramids];
}

void hm_store__pyramid_attach(hm_store *store)
{
    size_t k;

    for (k = 0; k < view_count(); k++)
        if (!hm_store__pyramid_find(store, view_name(k)))
            attach_one(store, view_name(k));
}

void hm_store__pyramid_detach(hm_store *store)
{
    while (store->npyramids)
        detach_one(store, store->npyramids - 1);
}

const hm_pyramid *hm_store__pyramid_find(const hm_store *store, const char *name)
{
    size_t i;

    for (i = 0; i < store->npyramids; i++)
        if (strcmp(store->pyramids[i]->name, name) == 0)
            return store->pyramids[i];
    return NULL;
}

uint64_t hm_store__pyramid_bytes(const hm_store *store)
{
    uint64_t n = 0;
    size_t i;

    for (i = 0; i < store->npyramids; i++)
        n += store->pyramids[i]->size;
    return n;
}

struct hm_pyramid_writer {
    hm_store *store;
    hm_ctx *ctx;
    int fd;
    char name[32];           /* the view's */
    char path[PATH_MAX];     /* "<store>.pyramid[.name]" */
    char tmp[PATH_MAX];      /* where it is written until finished */
    hm_pyramid_header head;  /* filled in as tiles come */
    hm_hasher body;          /* of the selection, then of the directory */
    hm_pyramid_tile *tiles;  /* the directory so far */
    size_t ntiles, cap;
    uint64_t pos;            /* bytes written */
};

static int write_all(hm_pyramid_writer *w, const void *data, size_t n)
{
    const unsigned char *b = data;

    while (n) {
        ssize_t got = write(w->fd, b, n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return HM_RAISE(w->ctx, HM_EIO, w->path, 0, -1, "cannot write the pyramid: %s",
                            got < 0 ? strerror(errno) : "no space");
        b += got;
        n -= (size_t)got;
        w->pos += (uint64_t)got;
    }
    return HM_OK;
}

int hm_store__pyramid_begin(hm_pyramid_writer **out, hm_store *store, hm_ctx *ctx,
                            const char *name, const uint64_t *selection)
{
    hm_pyramid_writer *w;
    size_t words = selection_words(store->meta->nacts);
    int rc;

    *out = NULL;
    if (!(w = hm_ctx__calloc(ctx, 1, sizeof(*w))))
        return HM_RAISE_NOMEM(ctx);
    w->store = store;
    w->ctx = ctx;
    w->fd = -1;
    snprintf(w->name, sizeof(w->name), "%s", name);
    if (pyramid_path(w->path, sizeof(w->path), store->path, name) != 0 ||
        snprintf(w->tmp, sizeof(w->tmp), "%s.tmp.XXXXXX", w->path) >= (int)sizeof(w->tmp)) {
        hm_ctx__free(ctx, w);
        return HM_RAISE(ctx, HM_EIO, store->path, 0, -1, "pyramid path too long");
    }
    if ((w->fd = mkostemp(w->tmp, O_CLOEXEC)) < 0) {
        rc = HM_RAISE(ctx, HM_EIO, w->path, 0, -1, "cannot create the pyramid: %s",
                      strerror(errno));
        hm_ctx__free(ctx, w);
        return rc;
    }
    fchmod(w->fd, 0644); /* readable by others, as the store is */
    memcpy(w->head.magic, HM_PYRAMID_MAGIC, sizeof(w->head.magic));
    w->head.version = HM_PYRAMID_VERSION;
    w->head.endian = HM_STORE_ENDIAN;
    memcpy(w->head.generation, store->header->generation, sizeof(w->head.generation));
    w->head.nacts = store->meta->nacts;
    hm_hasher_init(&w->body, 0);
    hm_hasher_add(&w->body, selection, words * sizeof(uint64_t));
    /* The header is written last, over these zeros. */
    if ((rc = write_all(w, &w->head, sizeof(w->head))) != HM_OK ||
        (rc = write_all(w, selection, words * sizeof(uint64_t))) != HM_OK) {
        hm_store__pyramid_abort(w);
        return rc;
    }
    *out = w;
    return HM_OK;
}

int hm_store__pyramid_add(hm_pyramid_writer *w, int z, int64_t tx, int64_t ty,
                          const hm_pyramid_pixel *pixels, size_t n)
{
    hm_pyramid_tile *t;
    int rc;

    if (n == 0)
        return HM_OK;
    if ((rc = hm_ctx__grow(w->ctx, (void **)&w->tiles, &w->cap, w->ntiles + 1,
                           sizeof(*w->tiles))) != HM_OK)
        return rc;
    t = &w->tiles[w->ntiles];
    memset(t, 0, sizeof(*t));
    t->z = (uint32_t)z;
    t->tx = (uint32_t)tx;
    t->ty = (uint32_t)ty;
    t->npix = (uint32_t)n;
    t->first = w->head.npixels;
    t->hash = hm_hash64(pixels, n * sizeof(*pixels), 0);
    if ((rc = write_all(w, pixels, n * sizeof(*pixels))) != HM_OK)
        return rc;
    w->ntiles++;
    w->head.npixels += n;
    return HM_OK;
}

int hm_store__pyramid_finish(hm_pyramid_writer *w, int zmin, int zmax, const int *index_level)
{
    static const unsigned char zeros[8];
    hm_pyramid_header *h = &w->head;
    size_t sel, pix, dir, end;
    int rc;

    h->zmin = zmin;
    h->zmax = zmax;
    memcpy(h->index_level, index_level, (size_t)(zmax + 1) * sizeof(int));
    h->ntiles = w->ntiles;
    layout(h->nacts, h->ntiles, h->npixels, &sel, &pix, &dir, &end);
    h->file_size = end;
    hm_hasher_add(&w->body, w->tiles, w->ntiles * sizeof(*w->tiles));
    h->body_hash = hm_hasher_final(&w->body);
    h->header_hash = hm_hash64(h, offsetof(hm_pyramid_header, header_hash), 0);
    if ((rc = write_all(w, zeros, dir - (size_t)w->pos)) == HM_OK &&
        (rc = write_all(w, w->tiles, w->ntiles * sizeof(*w->tiles))) == HM_OK) {
        int failed = pwrite(w->fd, h, sizeof(*h), 0) != (ssize_t)sizeof(*h) || fsync(w->fd) != 0;
        failed |= close(w->fd) != 0;
        w->fd = -1;
        if (failed || rename(w->tmp, w->path) != 0)
            rc = HM_RAISE(w->ctx, HM_EIO, w->path, 0, -1, "cannot write the pyramid: %s",
                          strerror(errno));
        else
            w->tmp[0] = '\0'; /* in place: nothing to remove */
    }
    if (rc == HM_OK) {
        size_t i;
        for (i = 0; i < w->store->npyramids; i++)
            if (strcmp(w->store->pyramids[i]->name, w->name) == 0)
                detach_one(w->store, i--);
        attach_one(w->store, w->name);
    }
    hm_store__pyramid_abort(w);
    return rc;
}

void hm_store__pyramid_abort(hm_pyramid_writer *w)
{
    if (!w)
        return;
    if (w->fd >= 0)
        close(w->fd);
    if (w->tmp[0])
        unlink(w->tmp);
    hm_ctx__free(w->ctx, w->tiles);
    hm_ctx__free(w->ctx, w);
}

int hm_store__pyramid_tile(const hm_pyramid *p, int z, int64_t tx, int64_t ty,
                           const hm_pyramid_pixel **pixels, size_t *npix)
{
    size_t lo = 0, hi = p->header->ntiles;
    uint64_t key;

    *pixels = NULL;
    *npix = 0;
    if (z < p->header->zmin || z > p->header->zmax || tx < 0 || ty < 0 ||
        tx >= ((int64_t)1 << z) || ty >= ((int64_t)1 << z))
        return 0;
    key = (uint64_t)z << 58 | (uint64_t)ty << 29 | (uint64_t)tx; /* z <= 22: 29 bits each */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const hm_pyramid_tile *t = &p->tiles[mid];
        uint64_t k = (uint64_t)t->z << 58 | (uint64_t)t->ty << 29 | (uint64_t)t->tx;
        if (k < key) {
            lo = mid + 1;
        } else if (k > key) {
            hi = mid;
        } else {
            const hm_pyramid_pixel *px = p->pixels + t->first;
            if (hm_hash64(px, t->npix * sizeof(*px), 0) != t->hash)
                return -1;
            *pixels = px;
            *npix = t->npix;
            return 1;
        }
    }
    return 0;
}
