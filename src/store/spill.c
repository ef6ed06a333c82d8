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

uint64_t hm_store__spill_size(const hm_store_spill *s)
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

/* Bytes of level k of a chunk in the spill file. */
static uint64_t level_bytes(const hm_index_chunk *c, int k)
{
    const hm_chunk_level *cl = &c->levels[k];
    size_t asize = hm_index__attr_size(k == 0 && c->layout.exp[0] == 0);

    return (uint64_t)cl->npieces * (sizeof(hm_piece) + 4 * sizeof(double)) +
           (uint64_t)cl->npoints * (2 * sizeof(int32_t) + asize);
}

void hm_store__spill_part(hm_store_spill *s, hm_store_part *part)
{
    hm_index_chunk *c = &part->chunk;
    uint64_t total = 0, at[HM_INDEX_MAX_LEVELS], base;
    int k, failed;

    if (!c->ctx)
        return; /* a file that was not read: nothing to move */
    for (k = 0; k < c->layout.nlevels; k++)
        total += level_bytes(c, k);
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
        size_t asize = hm_index__attr_size(k == 0 && c->layout.exp[0] == 0);
        const uint64_t boxes = base + cl->npieces * sizeof(hm_piece);
        const uint64_t points = boxes + cl->npieces * 4 * sizeof(double);
        const uint64_t attrs = points + cl->npoints * 2 * sizeof(int32_t);

        at[k] = base;
        if (write_at(s->fd, cl->pieces, cl->npieces * sizeof(hm_piece), base) != 0 ||
            write_at(s->fd, cl->boxes, cl->npieces * 4 * sizeof(double), boxes) != 0 ||
            write_at(s->fd, cl->points, cl->npoints * 2 * sizeof(int32_t), points) != 0 ||
            write_at(s->fd, cl->attrs, cl->npoints * asize, attrs) != 0) {
            /* Disk full, say: this part and the next stay in memory. */
            hm_ctx__log(c->ctx, HM_LOG_DEBUG, "spill file: %s; tracks wait in memory",
                        strerror(errno));
            pthread_mutex_lock(&s->lock);
            s->failed = 1;
            pthread_mutex_unlock(&s->lock);
            return;
        }
        base += level_bytes(c, k);
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
