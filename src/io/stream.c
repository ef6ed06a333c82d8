/* SPDX-License-Identifier: MIT */
/*
 * Byte streams for the readers: memory, or a file through the I/O table,
 * inflated with zlib when the content starts with the gzip magic (whatever
 * the name says). GDAL's /vsigzip/ is deliberately not used: it writes
 * .properties sidecar files, and nothing may ever be written next to the
 * user's tracks. Concatenated gzip members are read one after another, as
 * gzip(1) does.
 *
 * Memory is bounded by the fixed buffers here; time is bounded by the
 * decompressed size limit, which turns a gzip bomb into a clear error.
 */
#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <zlib.h>

#include "io/stream_int.h"
#include "io/vsi_int.h"

#define RAW_BUF_SIZE (256 * 1024)
#define PEEK_MAX 4096

struct hm_stream {
    hm_ctx *ctx;               /* borrowed; errors are raised here */
    char *path;                /* for messages */
    /* memory source */
    const unsigned char *mem;  /* NULL for a file source */
    size_t mem_len;            /* bytes at mem */
    size_t mem_pos;            /* next byte of mem */
    /* file source */
    const hm_io_api *io;       /* table the handle came from */
    void *fh;                  /* open handle or NULL */
    unsigned char *raw;        /* RAW_BUF_SIZE bytes read from fh, not yet consumed */
    size_t raw_len;            /* valid bytes in raw */
    size_t raw_pos;            /* next unconsumed byte of raw */
    int raw_eof;               /* fh reached end of file */
    uint64_t raw_total;        /* compressed bytes read so far */
    int gzip;                  /* 1 when inflating */
    int z_init;                /* 1 when zs is initialised */
    int z_member_done;         /* current gzip member ended */
    z_stream zs;               /* inflate state */
    /* both */
    uint64_t delivered;        /* bytes handed to the reader */
    uint64_t limit;            /* maximum bytes to deliver */
    unsigned char peek[PEEK_MAX]; /* bytes read ahead by hm_stream__peek() */
    size_t peek_len;           /* valid bytes in peek */
    size_t peek_pos;           /* next byte of peek to deliver */
    int started;               /* a read happened: peeking is over */
    char warning[256];         /* non-fatal problem noticed, or "" */
};

static int stream_alloc(hm_stream **out, hm_ctx *ctx, const char *path)
{
    hm_stream *s = hm_ctx__calloc(ctx, 1, sizeof(*s));

    *out = NULL;
    if (!s)
        return HM_RAISE_NOMEM(ctx);
    s->ctx = ctx;
    s->path = hm_ctx__strdup(ctx, path ? path : "");
    if (!s->path) {
        hm_ctx__free(ctx, s);
        return HM_RAISE_NOMEM(ctx);
    }
    s->limit = HM_STREAM_DEFAULT_LIMIT;
    *out = s;
    return HM_OK;
}

int hm_stream__new_memory(hm_stream **out, hm_ctx *ctx, const char *path, const void *buf,
                          size_t len)
{
    int rc = stream_alloc(out, ctx, path);

    if (rc != HM_OK)
        return rc;
    (*out)->mem = buf ? (const unsigned char *)buf : (const unsigned char *)"";
    (*out)->mem_len = buf ? len : 0;
    (*out)->limit = UINT64_MAX;
    return HM_OK;
}

int hm_stream__parse_buffer(hm_file **out, hm_ctx *ctx, const char *path, const void *buf,
                            size_t len, hm_stream_parse_fn parse)
{
    hm_stream *in;
    int rc;

    *out = NULL;
    if ((rc = hm_stream__new_memory(&in, ctx, path, buf, len)) != HM_OK)
        return rc;
    rc = parse(out, ctx, in);
    hm_stream__free(in);
    return rc;
}

void hm_stream__free(hm_stream *s)
{
    if (!s)
        return;
    if (s->z_init)
        inflateEnd(&s->zs);
    if (s->fh)
        s->io->close(s->fh, s->io->payload);
    hm_ctx__free(s->ctx, s->raw);
    hm_ctx__free(s->ctx, s->path);
    hm_ctx__free(s->ctx, s);
}

const char *hm_stream__path(const hm_stream *s) { return s->path; }
hm_ctx *hm_stream__ctx(const hm_stream *s) { return s->ctx; }
uint64_t hm_stream__tell(const hm_stream *s) { return s->delivered; }
const char *hm_stream__warning(const hm_stream *s) { return s->warning; }

/* Refill s->raw from the file. Returns HM_OK (possibly with raw_eof set) or HM_EIO. */
static int raw_fill(hm_stream *s)
{
    size_t got;

    if (s->raw_pos < s->raw_len || s->raw_eof)
        return HM_OK;
    got = s->io->read(s->fh, s->raw, RAW_BUF_SIZE, s->io->payload);
    if (got == (size_t)-1)
        return HM_RAISE(s->ctx, HM_EIO, s->path, 0, (int64_t)s->raw_total,
                        "read error after %llu bytes", (unsigned long long)s->raw_total);
    s->raw_len = got;
    s->raw_pos = 0;
    s->raw_total += got;
    if (got == 0)
        s->raw_eof = 1;
    return HM_OK;
}

static void *z_alloc(void *opaque, unsigned items, unsigned size)
{
    return hm_ctx__calloc((hm_ctx *)opaque, items, size);
}

static void z_free(void *opaque, void *ptr)
{
    hm_ctx__free((hm_ctx *)opaque, ptr);
}

/* Read decompressed bytes from a gzip file. */
static int gz_read(hm_stream *s, unsigned char *buf, size_t cap, size_t *got)
{
    int rc, zr;

    *got = 0;
    while (*got == 0) {
        if (s->z_member_done) {
            /* Another member follows only if more non-empty input follows. */
            if ((rc = raw_fill(s)) != HM_OK)
                return rc;
            if (s->raw_pos >= s->raw_len)
                return HM_OK;
            if (s->raw[s->raw_pos] != 0x1f) {
                /* Padding or junk after the last member: gzip(1) warns and ignores it. */
                snprintf(s->warning, sizeof(s->warning),
                         "trailing garbage after gzip data ignored");
                s->raw_pos = s->raw_len;
                s->raw_eof = 1;
                return HM_OK;
            }
            inflateReset(&s->zs);
            s->z_member_done = 0;
        }
        if ((rc = raw_fill(s)) != HM_OK)
            return rc;
        s->zs.next_in = s->raw + s->raw_pos;
        s->zs.avail_in = (uInt)(s->raw_len - s->raw_pos);
        s->zs.next_out = buf;
        s->zs.avail_out = (uInt)(cap > (1u << 30) ? (1u << 30) : cap);
        zr = inflate(&s->zs, Z_NO_FLUSH);
        s->raw_pos = s->raw_len - s->zs.avail_in;
        *got = (size_t)(s->zs.next_out - buf);
        if (zr == Z_STREAM_END) {
            s->z_member_done = 1;
        } else if (zr == Z_BUF_ERROR && s->raw_eof && *got == 0) {
            return HM_RAISE(s->ctx, HM_EPARSE, s->path, 0, (int64_t)s->delivered,
                            "gzip data truncated after %llu decompressed bytes",
                            (unsigned long long)s->delivered);
        } else if (zr != Z_OK && zr != Z_BUF_ERROR) {
            return HM_RAISE(s->ctx, HM_EPARSE, s->path, 0, (int64_t)s->delivered,
                            "corrupt gzip data (%s) after %llu decompressed bytes",
                            s->zs.msg ? s->zs.msg : "inflate failed",
                            (unsigned long long)s->delivered);
        }
    }
    return HM_OK;
}

/* Read from the underlying source, ignoring the peek buffer. */
static int source_read(hm_stream *s, unsigned char *buf, size_t cap, size_t *got)
{
    int rc;

    *got = 0;
    if (s->mem) {
        size_t n = s->mem_len - s->mem_pos;
        if (n > cap)
            n = cap;
        memcpy(buf, s->mem + s->mem_pos, n);
        s->mem_pos += n;
        *got = n;
        return HM_OK;
    }
    if (s->gzip)
        return gz_read(s, buf, cap, got);
    if ((rc = raw_fill(s)) != HM_OK)
        return rc;
    if (s->raw_pos < s->raw_len) {
        size_t n = s->raw_len - s->raw_pos;
        if (n > cap)
            n = cap;
        memcpy(buf, s->raw + s->raw_pos, n);
        s->raw_pos += n;
        *got = n;
    }
    return HM_OK;
}

int hm_stream__peek(hm_stream *s, void *head, size_t cap, size_t *got)
{
    int rc;

    *got = 0;
    if (s->started)
        return HM_RAISE(s->ctx, HM_EINVAL, s->path, 0, -1, "peek after read");
    while (s->peek_len < PEEK_MAX) {
        size_t n;
        rc = source_read(s, s->peek + s->peek_len, PEEK_MAX - s->peek_len, &n);
        if (rc != HM_OK)
            return rc;
        if (n == 0)
            break;
        s->peek_len += n;
    }
    *got = cap < s->peek_len ? cap : s->peek_len;
    memcpy(head, s->peek, *got);
    return HM_OK;
}

int hm_stream__read(hm_stream *s, void *buf, size_t cap, size_t *got)
{
    unsigned char *out = buf;
    int rc;

    *got = 0;
    s->started = 1;
    if (cap == 0)
        return HM_OK;
    if (s->peek_pos < s->peek_len) {
        size_t n = s->peek_len - s->peek_pos;
        if (n > cap)
            n = cap;
        memcpy(out, s->peek + s->peek_pos, n);
        s->peek_pos += n;
        *got = n;
    } else {
        rc = source_read(s, out, cap, got);
        if (rc != HM_OK)
            return rc;
    }
    if (*got && s->delivered + *got > s->limit) {
        *got = 0;
        return HM_RAISE(s->ctx, HM_EUNSUPPORTED, s->path, 0, (int64_t)s->limit,
                        "file is larger than the %llu MiB limit once decompressed",
                        (unsigned long long)(s->limit >> 20));
    }
    s->delivered += *got;
    return HM_OK;
}

/*
 * Open s->path and look at its first bytes: inflated when they are the gzip
 * magic. On failure s holds no handle and the error is raised.
 */
static int file_start(hm_stream *s)
{
    int rc;

    errno = 0;
    s->fh = s->io->open(s->path, s->io->payload);
    if (!s->fh) {
        int err = errno;
        if (err)
            return HM_RAISE(s->ctx, HM_EIO, s->path, 0, -1, "cannot open file: %s",
                            strerror(err));
        return HM_RAISE(s->ctx, HM_EIO, s->path, 0, -1, "cannot open file");
    }
    if (!s->raw && !(s->raw = hm_ctx__malloc(s->ctx, RAW_BUF_SIZE)))
        return HM_RAISE_NOMEM(s->ctx);
    if ((rc = raw_fill(s)) != HM_OK)
        return rc;
    if (s->raw_len >= 2 && s->raw[0] == 0x1f && s->raw[1] == 0x8b) {
        memset(&s->zs, 0, sizeof(s->zs));
        s->zs.zalloc = z_alloc;
        s->zs.zfree = z_free;
        s->zs.opaque = s->ctx;
        if (inflateInit2(&s->zs, 16 + MAX_WBITS) != Z_OK)
            return HM_RAISE_NOMEM(s->ctx);
        s->z_init = 1;
        s->gzip = 1;
    }
    return HM_OK;
}

int hm_stream__new_file(hm_stream **out, hm_ctx *ctx, const char *path, uint64_t limit)
{
    hm_stream *s;
    int rc = stream_alloc(&s, ctx, path);

    *out = NULL;
    if (rc != HM_OK)
        return rc;
    if (limit)
        s->limit = limit;
    s->io = hm_io__api(ctx);
    if ((rc = file_start(s)) != HM_OK) {
        hm_stream__free(s);
        return rc;
    }
    *out = s;
    return HM_OK;
}

int hm_stream__rewind(hm_stream *s)
{
    s->delivered = 0;
    s->peek_len = s->peek_pos = 0;
    s->started = 0;
    s->warning[0] = '\0';
    if (s->mem) {
        s->mem_pos = 0;
        return HM_OK;
    }
    if (s->z_init)
        inflateEnd(&s->zs);
    if (s->fh)
        s->io->close(s->fh, s->io->payload);
    s->fh = NULL;
    s->z_init = s->gzip = s->z_member_done = 0;
    s->raw_len = s->raw_pos = 0;
    s->raw_eof = 0;
    s->raw_total = 0;
    return file_start(s);
}
