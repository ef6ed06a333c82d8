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

static int pyramid_path(char *out, size_t size, const hm_store *store)
{
    return store->path && snprintf(out, size, "%s.pyramid", store->path) < (int)size ? 0 : -1;
}

static size_t selection_words(uint32_t nacts)
{
    return (size_t)nacts / 64 + 1;
}

/* Where the parts of a pyramid of n activities, t tiles and p pixels lie. */
static void layout(uint32_t nacts, uint64_t t, uint64_t p, size_t *sel, size_t *dir,
                   size_t *pix, size_t *end)
{
    *sel = sizeof(hm_pyramid_header);
    *dir = *sel + selection_words(nacts) * sizeof(uint64_t);
    *pix = *dir + (size_t)t * sizeof(hm_pyramid_tile);
    *end = *pix + (size_t)p * sizeof(hm_pyramid_pixel);
}

/* NULL when the mapped bytes are a pyramid of this store; else why not. */
static const char *check(const hm_store *store, const unsigned char *map, size_t size,
                         hm_pyramid *p)
{
    const hm_pyramid_header *h = (const hm_pyramid_header *)map;
    size_t sel, dir, pix, end, i;
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
    if (h->zmax < 0 || h->zmax > HM_PYRAMID_MAX_ZOOM ||
        h->ntiles > (uint64_t)(SIZE_MAX / 4) / sizeof(hm_pyramid_tile) ||
        h->npixels > (uint64_t)(SIZE_MAX / 4) / sizeof(hm_pyramid_pixel))
        return "bad counts";
    layout(h->nacts, h->ntiles, h->npixels, &sel, &dir, &pix, &end);
    if (h->file_size != size || end != size)
        return "truncated or extended";
    if (h->body_hash != hm_hash64(map + sel, pix - sel, 0))
        return "damaged directory";
    p->header = h;
    p->selection = (const uint64_t *)(map + sel);
    p->tiles = (const hm_pyramid_tile *)(map + dir);
    p->pixels = (const hm_pyramid_pixel *)(map + pix);
    for (i = 0; i < h->ntiles; i++) {
        const hm_pyramid_tile *t = &p->tiles[i], *u = i ? t - 1 : NULL;
        if ((int64_t)t->z > h->zmax || t->tx >= (1u << t->z) || t->ty >= (1u << t->z) ||
            t->npix < 1 || t->npix > 65536 || t->first != next)
            return "bad directory entry";
        if (u && !(u->z < t->z || (u->z == t->z && (u->ty < t->ty ||
                                                    (u->ty == t->ty && u->tx < t->tx)))))
            return "directory out of order";
        next += t->npix;
    }
    if (next != h->npixels)
        return "pixel count mismatch";
    for (i = 0; i <= (size_t)h->zmax; i++)
        if (h->index_level[i] < 0 || h->index_level[i] >= store->index.nlevels)
            return "bad index level";
    return NULL;
}

void hm_store__pyramid_attach(hm_store *store)
{
    char path[PATH_MAX];
    const char *why;
    struct stat st;
    hm_pyramid p;
    void *map;
    int fd;

    if (store->pyramid || pyramid_path(path, sizeof(path), store) != 0)
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
        !(store->pyramid = hm_ctx__malloc(store->ctx, sizeof(p)))) {
        if (why)
            hm_ctx__log(store->ctx, HM_LOG_DEBUG, "%s: not used (%s)", path, why);
        munmap(map, (size_t)st.st_size);
        return;
    }
    p.map = map;
    p.size = (size_t)st.st_size;
    *store->pyramid = p;
}

void hm_store__pyramid_detach(hm_store *store)
{
    if (!store->pyramid)
        return;
    munmap(store->pyramid->map, store->pyramid->size);
    hm_ctx__free(store->ctx, store->pyramid);
    store->pyramid = NULL;
}

static int write_all(int fd, const void *data, size_t n)
{
    const unsigned char *b = data;

    while (n) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

int hm_store__pyramid_write(hm_store *store, hm_ctx *ctx, const hm_pyramid_data *d)
{
    char path[PATH_MAX], tmp[PATH_MAX];
    hm_pyramid_header h;
    hm_pyramid_tile *tiles;
    hm_hasher body;
    size_t sel, dir, pix, end, i, words = selection_words(store->meta->nacts);
    int fd, failed;

    if (pyramid_path(path, sizeof(path), store) != 0 ||
        snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >= (int)sizeof(tmp))
        return HM_RAISE(ctx, HM_EIO, store->path, 0, -1, "pyramid path too long");
    tiles = hm_ctx__reallocarray(ctx, NULL, d->ntiles ? d->ntiles : 1, sizeof(*tiles));
    if (!tiles)
        return HM_RAISE_NOMEM(ctx);
    for (i = 0; i < d->ntiles; i++) {
        tiles[i] = d->tiles[i];
        tiles[i].hash = hm_hash64(d->pixels + tiles[i].first,
                                  tiles[i].npix * sizeof(hm_pyramid_pixel), 0);
    }
    memset(&h, 0, sizeof(h));
    memcpy(h.magic, HM_PYRAMID_MAGIC, sizeof(h.magic));
    h.version = HM_PYRAMID_VERSION;
    h.endian = HM_STORE_ENDIAN;
    memcpy(h.generation, store->header->generation, sizeof(h.generation));
    h.nacts = store->meta->nacts;
    h.zmax = d->zmax;
    memcpy(h.index_level, d->index_level, sizeof(h.index_level));
    h.ntiles = d->ntiles;
    h.npixels = d->npixels;
    layout(h.nacts, h.ntiles, h.npixels, &sel, &dir, &pix, &end);
    h.file_size = end;
    hm_hasher_init(&body, 0);
    hm_hasher_add(&body, d->selection, words * sizeof(uint64_t));
    hm_hasher_add(&body, tiles, d->ntiles * sizeof(*tiles));
    h.body_hash = hm_hasher_final(&body);
    h.header_hash = hm_hash64(&h, offsetof(hm_pyramid_header, header_hash), 0);

    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        hm_ctx__free(ctx, tiles);
        return HM_RAISE(ctx, HM_EIO, path, 0, -1, "cannot create the pyramid: %s",
                        strerror(errno));
    }
    fchmod(fd, 0644); /* readable by others, as the store is */
    failed = write_all(fd, &h, sizeof(h)) != 0 ||
             write_all(fd, d->selection, words * sizeof(uint64_t)) != 0 ||
             write_all(fd, tiles, d->ntiles * sizeof(*tiles)) != 0 ||
             write_all(fd, d->pixels, d->npixels * sizeof(*d->pixels)) != 0 || fsync(fd) != 0;
    hm_ctx__free(ctx, tiles);
    if (close(fd) != 0)
        failed = 1;
    if (failed || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return HM_RAISE(ctx, HM_EIO, path, 0, -1, "cannot write the pyramid: %s", strerror(e));
    }
    hm_store__pyramid_detach(store);
    hm_store__pyramid_attach(store);
    return HM_OK;
}

int hm_store__pyramid_tile(const hm_pyramid *p, int z, int64_t tx, int64_t ty,
                           const hm_pyramid_pixel **pixels, size_t *npix)
{
    size_t lo = 0, hi = p->header->ntiles;
    uint64_t key;

    *pixels = NULL;
    *npix = 0;
    if (z < 0 || z > p->header->zmax || tx < 0 || ty < 0 || tx >= ((int64_t)1 << z) ||
        ty >= ((int64_t)1 << z))
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
