/* SPDX-License-Identifier: MIT */
/*
 * The spill file of a cold build or an update (store_int.h). Each part
 * reserves its bytes under the lock and writes them outside it (pwrite at
 * its own offset), so reading threads never wait for each other's writes.
 * The file is unlinked as soon as it is made: a process killed mid-build
 * leaves nothing behind. Level k of a part is laid out as its pieces, their
 * boxes, its points and its attributes, as the writer reads them back.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store_int.h"

struct hm_store_spill {
    hm_ctx *ctx;          /* allocator (borrowed) */
    int fd;               /* the unlinked file */
    pthread_mutex_t lock; /* guards size and failed */
    uint64_t size;        /* bytes reserved so far */
    int failed;           /* 1 after a failed write: later parts stay in memory */
};

int hm_store__spill_new(hm_store_spill **out, hm_ctx *ctx, const char *store_path)
{
    char tmp[PATH_MAX];
    hm_store_spill *s;
    int fd;

    *out = NULL;
    if (snprintf(tmp, sizeof(tmp), "%s.spill.XXXXXX", store_path) >= (int)sizeof(tmp))
        return HM_OK;
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        hm_ctx__log(ctx, HM_LOG_DEBUG, "%s: no spill file (%s): tracks wait in memory", tmp,
                    strerror(errno));
        return HM_OK;
    }
    unlink(tmp);
    if (!(s = hm_ctx__calloc(ctx, 1, sizeof(*s)))) {
        close(fd);
        return HM_RAISE_NOMEM(ctx);
    }
    s->ctx = ctx;
    s->fd = fd;
    pthread_mutex_init(&s->lock, NULL);
    *out = s;
    return HM_OK;
}

void hm_store__spill_free(hm_store_spill *s)
{
    if (!s)
        return;
    close(s->fd);
    pthread_mutex_destroy(&s->lock);
    hm_ctx__free(s->ctx, s);
}

uint64_t hm_store__spill_get_size(const hm_store_spill *s)
{
    return s->size;
}

/* pwrite all of buf at off; 0 or -1. */
static int write_at(int fd, const void *buf, size_t n, uint64_t off)
{
    const unsigned char *p = buf;

    while (n) {
        ssize_t w = pwrite(fd, p, n, (off_t)off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
        off += (uint64_t)w;
    }
    return 0;
}

/* Where level k of a chunk goes in the spill file. */
static void level_layout(hm_spill_level *out, const hm_index_chunk *c, int k)
{
    hm_store__spill_level(out, c->levels[k].npieces, c->levels[k].npoints,
                          hm_index__attr_size(hm_index__level_packed(&c->layout, k)));
}

void hm_store__spill_part(hm_store_spill *s, hm_store_part *part)
{
    hm_index_chunk *c = &part->chunk;
    uint64_t total = 0, at[HM_INDEX_MAX_LEVELS], base;
    hm_spill_level lay[HM_INDEX_MAX_LEVELS];
    int k, failed;

    if (!c->ctx)
        return; /* a file that was not read: nothing to move */
    for (k = 0; k < c->layout.nlevels; k++) {
        level_layout(&lay[k], c, k);
        total += lay[k].end;
    }
    pthread_mutex_lock(&s->lock);
    failed = s->failed;
    base = s->size;
    if (!failed)
        s->size += total;
    pthread_mutex_unlock(&s->lock);
    if (failed)
        return;
    for (k = 0; k < c->layout.nlevels; k++) {
        const hm_chunk_level *cl = &c->levels[k];
        const hm_spill_level *l = &lay[k];

        at[k] = base;
        if (write_at(s->fd, cl->pieces, (size_t)l->boxes, base) != 0 ||
            write_at(s->fd, cl->boxes, (size_t)(l->points - l->boxes), base + l->boxes) != 0 ||
            write_at(s->fd, cl->points, (size_t)(l->attrs - l->points), base + l->points) != 0 ||
            write_at(s->fd, cl->attrs, (size_t)(l->end - l->attrs), base + l->attrs) != 0) {
            /* Disk full, say: this part and the next stay in memory. */
            hm_ctx__log(c->ctx, HM_LOG_DEBUG, "the spill file cannot be written (disk full?): "
                        "tracks wait in memory");
            pthread_mutex_lock(&s->lock);
            s->failed = 1;
            pthread_mutex_unlock(&s->lock);
            return;
        }
        base += l->end;
    }
    for (k = 0; k < c->layout.nlevels; k++) {
        hm_chunk_level *cl = &c->levels[k];
        hm_ctx__free(c->ctx, cl->pieces);
        hm_ctx__free(c->ctx, cl->boxes);
        hm_ctx__free(c->ctx, cl->points);
        hm_ctx__free(c->ctx, cl->attrs);
        cl->pieces = NULL;
        cl->boxes = NULL;
        cl->points = NULL;
        cl->attrs = NULL;
        part->spill_at[k] = at[k];
    }
    part->spill_fd = s->fd;
    part->spilled = 1;
}
