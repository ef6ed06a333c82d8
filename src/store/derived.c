/* SPDX-License-Identifier: MIT */
/*
 * Values derived from a store and kept between processes: beside a store
 * file, its ".stats" file holds what processes have computed from it (the
 * style's level histograms, through hm_raster__derive()), so a MapServer
 * process (a new one per request) finds the scale of a styled layer
 * instead of rendering up to 1024 blocks to make it. The values are opaque
 * bytes here; their owner encodes and decodes them.
 *
 * The file is a log of self-contained entries, each appended with one
 * write() to a file opened O_APPEND (concurrent writers do not interleave)
 * and each carrying its own checksum, the generation of the store it was
 * computed from and its key. Readers take the first entry whose generation
 * and key match, stepping over damaged bytes (a write cut short) to the
 * next entry whose checksum holds. A store rewritten gets a new
 * generation, so old entries are never used; the store writer removes the
 * file then. Nothing here can fail an open or a render: a file that cannot
 * be read or written means computing again.
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
#include "store/store_int.h"

#define ENTRY_MAGIC "HMDV"
#define MAX_FILE (64u << 20) /* a file this large is not read (it is only a cache) */
#define MAX_KEY 65536        /* bytes of a key, at most */

typedef struct entry_head {
    char magic[4];          /* ENTRY_MAGIC */
    uint32_t size;          /* bytes of the whole entry */
    uint64_t hash;          /* hm_hash64 of the entry after this field */
    uint8_t generation[16]; /* the store's */
    uint32_t keylen;        /* bytes of the key (after the head, padded to 8) */
    uint32_t datalen;       /* bytes of the value (after the key, padded to 8) */
} entry_head;

static size_t pad8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

static int derived_path(char *out, size_t size, const hm_store *store)
{
    return store->path && snprintf(out, size, "%s.stats", store->path) < (int)size ? 0 : -1;
}

int hm_store__derived_load(void **data, size_t *len, hm_ctx *ctx, const hm_store *store,
                           const char *key)
{
    char path[PATH_MAX];
    unsigned char *buf = NULL;
    size_t klen = strlen(key), pos = 0, got = 0;
    struct stat st;
    int fd, found = 0;

    *data = NULL;
    *len = 0;
    if (derived_path(path, sizeof(path), store) != 0)
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
        size_t need;

        memcpy(&h, buf + pos, sizeof(h));
        need = sizeof(h) + pad8(h.keylen % (MAX_KEY + 1)) + pad8(h.datalen % (MAX_FILE + 1));
        if (memcmp(h.magic, ENTRY_MAGIC, 4) != 0 || h.keylen > MAX_KEY ||
            h.datalen > MAX_FILE || h.size < sizeof(h) || h.size > got - pos ||
            h.size % 8 != 0 || need != h.size ||
            hm_hash64(buf + pos + 16, h.size - 16, 0) != h.hash) {
            /* Damaged (a write cut short): look for the next entry. */
            pos += 8;
            continue;
        }
        body = buf + pos + sizeof(h);
        if (memcmp(h.generation, store->header->generation, 16) == 0 && h.keylen == klen &&
            memcmp(body, key, klen) == 0) {
            /* At least one byte, so that an empty value is not NULL. */
            if (!(*data = hm_ctx__malloc(ctx, h.datalen ? h.datalen : 1))) {
                hm_ctx__free(ctx, buf);
                return HM_RAISE_NOMEM(ctx);
            }
            memcpy(*data, body + pad8(h.keylen), h.datalen);
            *len = h.datalen;
            found = 1;
        }
        pos += h.size;
    }
    hm_ctx__free(ctx, buf);
    return found;
}

void hm_store__derived_save(hm_ctx *ctx, const hm_store *store, const char *key, const void *data,
                            size_t len)
{
    char path[PATH_MAX];
    size_t klen = strlen(key), size;
    unsigned char *buf;
    entry_head h;
    ssize_t w;
    int fd;

    if (derived_path(path, sizeof(path), store) != 0 || klen > MAX_KEY || len > MAX_FILE)
        return;
    size = sizeof(h) + pad8(klen) + pad8(len);
    buf = hm_ctx__calloc(ctx, 1, size);
    if (!buf)
        return;
    memset(&h, 0, sizeof(h));
    memcpy(h.magic, ENTRY_MAGIC, 4);
    h.size = (uint32_t)size;
    memcpy(h.generation, store->header->generation, 16);
    h.keylen = (uint32_t)klen;
    h.datalen = (uint32_t)len;
    memcpy(buf + sizeof(h), key, klen);
    memcpy(buf + sizeof(h) + pad8(klen), data, len);
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
