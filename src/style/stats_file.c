/* SPDX-License-Identifier: MIT */
/*
 * Style statistics kept between processes: beside a store file, its
 * ".stats" file holds the level histograms processes have computed, so a
 * MapServer process (a new one per request) finds the scale of a styled
 * layer instead of rendering up to 1024 blocks to make it.
 *
 * The file is a log of self-contained entries, each appended with one
 * write() to a file opened O_APPEND (concurrent writers do not interleave)
 * and each carrying its own checksum, the generation of the store it was
 * computed from and its key (grid, filter, level, band). Readers take the
 * first entry whose generation and key match, stepping over damaged bytes
 * (a write cut short) to the next entry whose checksum holds. A store rewritten gets a new generation, so old entries are never
 * used; the store writer removes the file then. Nothing here can fail an
 * open or a render: a file that cannot be read or written means computing.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/hash_int.h"
#include "style/stats_int.h"

#define ENTRY_MAGIC "HMSS"
#define MAX_FILE (64u << 20) /* a stats file this large is not read (it is only a cache) */

typedef struct entry_head {
    char magic[4];          /* ENTRY_MAGIC */
    uint32_t size;          /* bytes of the whole entry */
    uint64_t hash;          /* hm_hash64 of the entry after this field */
    uint8_t generation[16]; /* the store's */
    uint32_t keylen;        /* bytes of the key (after the head, padded to 8) */
    uint32_t n;             /* histogram entries (value, cum pairs after the key) */
    double total;           /* hm_hist fields */
    double min;
    double max;
} entry_head;

static size_t pad8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

static int stats_path(char *out, size_t size, const hm_store *store)
{
    return store->path && snprintf(out, size, "%s.stats", store->path) < (int)size ? 0 : -1;
}

int hm_stats__load(hm_hist *out, hm_ctx *ctx, const hm_store *store, const char *key)
{
    char path[PATH_MAX];
    unsigned char *buf = NULL;
    size_t klen = strlen(key), pos = 0, got = 0;
    struct stat st;
    int fd, found = 0;

    memset(out, 0, sizeof(*out));
    if (stats_path(path, sizeof(path), store) != 0)
        return 0;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    if (fstat(fd, &st) != 0 || st.st_size <= 0 || (uint64_t)st.st_size > MAX_FILE ||
        !(buf = hm_ctx__malloc(ctx, (size_t)st.st_size))) {
        close(fd);
        return 0;
    }
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    while (pos + sizeof(entry_head) <= got && !found) {
        entry_head h;
        const unsigned char *body;
        size_t need, i;

        memcpy(&h, buf + pos, sizeof(h));
        need = sizeof(h) + pad8(h.keylen) + (size_t)h.n * 2 * sizeof(double);
        if (memcmp(h.magic, ENTRY_MAGIC, 4) != 0 || h.size < sizeof(h) || h.size > got - pos ||
            h.size % 8 != 0 || need != h.size ||
            hm_hash64(buf + pos + 16, h.size - 16, 0) != h.hash) {
            /* Damaged (a write cut short): look for the next entry. */
            pos += 8;
            continue;
        }
        body = buf + pos + sizeof(h);
        if (memcmp(h.generation, store->header->generation, 16) == 0 && h.keylen == klen &&
            memcmp(body, key, klen) == 0 && h.n <= HM_HIST_MAX) {
            const unsigned char *pairs = body + pad8(h.keylen);
            out->value = hm_ctx__reallocarray(ctx, NULL, h.n ? h.n : 1, sizeof(double));
            out->cum = hm_ctx__reallocarray(ctx, NULL, h.n ? h.n : 1, sizeof(double));
            if (!out->value || !out->cum) {
                hm_hist__free(out, ctx);
                hm_ctx__free(ctx, buf);
                return HM_RAISE_NOMEM(ctx);
            }
            for (i = 0; i < h.n; i++) {
                memcpy(&out->value[i], pairs + 16 * i, sizeof(double));
                memcpy(&out->cum[i], pairs + 16 * i + 8, sizeof(double));
            }
            out->n = h.n;
            out->total = h.total;
            out->min = h.min;
            out->max = h.max;
            found = 1;
        }
        pos += h.size;
    }
    hm_ctx__free(ctx, buf);
    return found;
}

void hm_stats__save(hm_ctx *ctx, const hm_store *store, const char *key, const hm_hist *hist)
{
    char path[PATH_MAX];
    size_t klen = strlen(key), size, i;
    unsigned char *buf;
    entry_head h;
    ssize_t w;
    int fd;

    if (stats_path(path, sizeof(path), store) != 0 || klen > 65536)
        return;
    size = sizeof(h) + pad8(klen) + hist->n * 2 * sizeof(double);
    buf = hm_ctx__calloc(ctx, 1, size);
    if (!buf)
        return;
    memset(&h, 0, sizeof(h));
    memcpy(h.magic, ENTRY_MAGIC, 4);
    h.size = (uint32_t)size;
    memcpy(h.generation, store->header->generation, 16);
    h.keylen = (uint32_t)klen;
    h.n = (uint32_t)hist->n;
    h.total = hist->total;
    h.min = hist->min;
    h.max = hist->max;
    memcpy(buf + sizeof(h), key, klen);
    for (i = 0; i < hist->n; i++) {
        memcpy(buf + sizeof(h) + pad8(klen) + 16 * i, &hist->value[i], sizeof(double));
        memcpy(buf + sizeof(h) + pad8(klen) + 16 * i + 8, &hist->cum[i], sizeof(double));
    }
    memcpy(buf, &h, sizeof(h));
    h.hash = hm_hash64(buf + 16, size - 16, 0);
    memcpy(buf, &h, sizeof(h));
    fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        hm_ctx__log(ctx, HM_LOG_DEBUG, "%s: not kept (%s)", path, strerror(errno));
        hm_ctx__free(ctx, buf);
        return;
    }
    w = write(fd, buf, size); /* one write: appends of other processes do not interleave */
    if (w != (ssize_t)size)
        hm_ctx__log(ctx, HM_LOG_DEBUG, "%s: entry not written", path);
    close(fd);
    hm_ctx__free(ctx, buf);
}
