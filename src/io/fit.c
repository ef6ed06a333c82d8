/* SPDX-License-Identifier: MIT */
/*
 * The FIT reader's container side: a one-pass decoder of FIT files
 * (Garmin's binary activity format), possibly several chained in one input,
 * into one activity. It frames messages, keeps the local definitions and
 * checks CRCs; what the messages mean is fit_activity.c's business.
 *
 * Memory is one fixed window (WIN_SIZE bytes) refilled from the stream and
 * compacted as it drains; nothing is ever allocated from a size the file
 * claims, so a header announcing 2 GB costs nothing until bytes arrive, and
 * garbage fails at its first bytes. The largest FIT message (255 fields of
 * 255 bytes plus as many developer fields, about 127 KiB) fits in the
 * window, so a message is always decoded from contiguous memory. The file
 * CRC is computed over the window as bytes are consumed.
 *
 * Speed comes from doing the work per definition, not per message: when a
 * definition arrives, the offsets and types of the few fields the profile
 * side reads are stored in an hm_fit_def, so a record costs a few loads.
 * Everything else in a message, developer fields included, is skipped by
 * size.
 *
 * Bad input: an input whose first header is unusable, or that breaks
 * before one message decodes, fails with HM_EPARSE and the byte offset. An
 * input that breaks later keeps what came before and carries a warning
 * saying where, why, and how many points were kept. A CRC mismatch alone
 * only warns; so does a header whose data size was never written (0), and
 * then messages are read up to the end of the input.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "heatmap/io.h"
#include "io/fit_crc_int.h"
#include "io/fit_int.h"
#include "io/stream_int.h"

/* Window size: at least the largest message (1 + 2 * 255 * 255 bytes) plus slack. */
#define WIN_SIZE (256 * 1024)

#define NLOCAL 16 /* local message types 0-15 */

/* FIT base type number (low 5 bits of the base type byte, 0-16) -> value type and size. */
static const unsigned char base_kind[17] = {
    HM_FIT_U8 /* enum */, HM_FIT_S8,  HM_FIT_U8,   HM_FIT_S16,  HM_FIT_U16,
    HM_FIT_S32,           HM_FIT_U32, HM_FIT_NONE /* string */, HM_FIT_F32,
    HM_FIT_F64,           HM_FIT_U8Z, HM_FIT_U16Z, HM_FIT_U32Z, HM_FIT_U8 /* byte */,
    HM_FIT_S64,           HM_FIT_U64, HM_FIT_U64Z};
static const unsigned char base_size[17] = {1, 1, 1, 2, 2, 4, 4, 1, 4, 8, 1, 2, 4, 1, 8, 8, 8};

typedef struct fit_reader {
    hm_ctx *ctx;            /* borrowed */
    hm_stream *in;          /* borrowed */
    hm_builder *b;          /* owned until finish */
    const char *path;       /* for messages; owned by the stream */
    hm_fit_crc_table crc_tab; /* CRC tables (src/io/fit_crc.c), filled at start */
    /* window */
    unsigned char *win;     /* WIN_SIZE bytes */
    size_t pos;             /* next byte to decode */
    size_t len;             /* valid bytes in win */
    size_t crc_pos;         /* bytes of win before this are in crc (or belong to no part) */
    uint64_t base;          /* offset in the input of win[0] */
    int eof;                /* stream exhausted */
    uint16_t crc;           /* CRC of the current file part up to crc_pos */
    /* decoding */
    hm_fit_def defs[NLOCAL]; /* local definitions of the current file part */
    hm_fit_activity act;    /* what the messages make */
    uint64_t nmsgs;         /* messages decoded, all parts */
    int stop;               /* 1 when decoding ended (early or not) */
    int broken;             /* 1 when it ended early; brk_* say why */
    int64_t brk_off;        /* byte offset of the break */
    char brk_msg[256];      /* reason of the break (the offset is in brk_off) */
} fit_reader;

static uint16_t rd16le(const unsigned char *p)
{
    return (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t rd32le(const unsigned char *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* ---- CRC ---------------------------------------------------------------- */

/* Add the bytes consumed since the last flush to the part's CRC. */
static void crc_flush(fit_reader *r)
{
    if (r->pos > r->crc_pos)
        r->crc =
            hm_fit__crc_update(&r->crc_tab, r->crc, r->win + r->crc_pos, r->pos - r->crc_pos);
    r->crc_pos = r->pos;
}

/* ---- window ------------------------------------------------------------- */

static uint64_t here(const fit_reader *r)
{
    return r->base + r->pos;
}

/* Slow path of fill(): compact the window and read until `need` bytes are there or the input ends. */
static int refill(fit_reader *r, size_t need)
{
    crc_flush(r);
    if (r->pos) {
        memmove(r->win, r->win + r->pos, r->len - r->pos);
        r->base += r->pos;
        r->len -= r->pos;
        r->pos = 0;
        r->crc_pos = 0;
    }
    while (r->len < need && !r->eof) {
        size_t got;
        int rc = hm_stream__read(r->in, r->win + r->len, WIN_SIZE - r->len, &got);
        if (rc != HM_OK)
            return rc;
        if (got == 0)
            r->eof = 1;
        r->len += got;
    }
    return HM_OK;
}

/*
 * Make `need` (<= WIN_SIZE) bytes available at win + pos. *avail gets the
 * bytes available, fewer than need only when the input ended.
 */
static int fill(fit_reader *r, size_t need, size_t *avail)
{
    int rc = HM_OK;

    if (r->len - r->pos < need)
        rc = refill(r, need);
    *avail = r->len - r->pos;
    return rc;
}

/* ---- problems ----------------------------------------------------------- */

/* Decoding cannot go on: remember why; decode() ends and the caller decides error or warning. */
static void brk(fit_reader *r, uint64_t offset, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void brk(fit_reader *r, uint64_t offset, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(r->brk_msg, sizeof(r->brk_msg), fmt, ap);
    va_end(ap);
    r->brk_off = (int64_t)offset;
    r->broken = 1;
    r->stop = 1;
}


/* ---- definitions -------------------------------------------------------- */

/*
 * Decode a definition message at win + pos (header byte `hdr`), whose
 * content must end by `end`. Sets r->stop on a problem.
 */
static int read_definition(fit_reader *r, unsigned hdr, uint64_t end)
{
    uint64_t start = here(r);
    const unsigned char *p;
    size_t avail, need = 6, nf, ndev = 0, i, off = 0;
    hm_fit_def *d = &r->defs[hdr & 0x0F];
    int rc, be;

    /* header, reserved, architecture, global number (2), field count */
    if ((rc = fill(r, need, &avail)) != HM_OK)
        return rc;
    if (avail < need)
        goto truncated;
    p = r->win + r->pos;
    if (p[2] > 1) {
        brk(r, start + 2, "definition message with architecture byte %u (must be 0 or 1)",
            (unsigned)p[2]);
        return HM_OK;
    }
    nf = p[5];
    need += 3 * nf;
    if (hdr & 0x20) { /* developer fields follow */
        if ((rc = fill(r, need + 1, &avail)) != HM_OK)
            return rc;
        if (avail < need + 1)
            goto truncated;
        ndev = r->win[r->pos + need];
        need += 1 + 3 * ndev;
    }
    if (start + need > end)
        goto overrun;
    if ((rc = fill(r, need, &avail)) != HM_OK)
        return rc;
    if (avail < need)
        goto truncated;
    p = r->win + r->pos;
    be = p[2];
    memset(d, 0, sizeof(*d));
    d->global = be ? (unsigned)(p[3] << 8 | p[4]) : rd16le(p + 3);
    for (i = 0; i < nf; i++) {
        const unsigned char *fd = p + 6 + 3 * i;
        unsigned num = fd[0], size = fd[1], bt = fd[2] & 0x1F;
        hm_fit_field ref;
        int slot;

        ref.off = (uint16_t)off;
        ref.be = (uint8_t)be;
        ref.kind = HM_FIT_NONE;
        /* A size that is not a whole number of base values ("misaligned") makes the field unusable. */
        if (bt < sizeof(base_kind) && size && size % base_size[bt] == 0)
            ref.kind = base_kind[bt];
        off += size;
        if (num == HM_FIT_FIELD_TIMESTAMP)
            d->ts = ref;
        else if ((slot = hm_fit__slot_of(d->global, num)) >= 0)
            d->f[slot] = ref;
    }
    for (i = 0; i < ndev; i++)
        off += p[6 + 3 * nf + 1 + 3 * i + 1]; /* developer field: number, size, index */
    d->size = off;
    d->defined = 1;
    r->pos += need;
    r->nmsgs++;
    return HM_OK;

truncated:
    brk(r, here(r) + avail, "file ends inside a definition message that starts at byte %llu",
        (unsigned long long)start);
    return HM_OK;
overrun:
    brk(r, start, "definition message of %zu bytes runs past the end of the data at byte %llu",
        need, (unsigned long long)end);
    return HM_OK;
}

/* ---- file parts --------------------------------------------------------- */

/*
 * Decode messages from pos until `end` (UINT64_MAX: until the input ends,
 * for a header whose data size was never written). Sets r->stop when
 * decoding cannot go on.
 */
static int read_messages(fit_reader *r, uint64_t end, uint64_t part_start)
{
    int unbounded = end == UINT64_MAX;

    while (!r->stop && here(r) < end) {
        uint64_t start = here(r);
        size_t avail, need;
        unsigned hdr;
        uint32_t ts = 0;
        int have_ts = 0;
        const hm_fit_def *d;
        int rc;

        if ((rc = fill(r, unbounded ? 3 : 1, &avail)) != HM_OK)
            return rc;
        if (unbounded && r->eof && avail <= 2) {
            /* The end of an unfinalised file: nothing, or the 2-byte CRC. */
            if (avail == 2) {
                uint16_t stored = rd16le(r->win + r->pos);
                crc_flush(r);
                r->pos += 2;
                r->crc_pos = r->pos;
                if (stored != r->crc)
                    return hm_builder__warn(r->b, HM_EPARSE, 0, (int64_t)start,
                                            "last 2 bytes are not a valid file CRC "
                                            "(stored 0x%04x, computed 0x%04x)",
                                            stored, r->crc);
            } else if (avail == 1) {
                brk(r, start + 1, "file ends inside a message that starts at byte %llu",
                    (unsigned long long)start);
            }
            return HM_OK;
        }
        if (avail == 0) {
            brk(r, start, "file ends before the end of the data announced by the header "
                          "at byte %llu (%llu bytes missing)",
                (unsigned long long)part_start, (unsigned long long)(end - start));
            return HM_OK;
        }
        hdr = r->win[r->pos];
        if ((hdr & 0xC0) == 0x40) {
            if ((rc = read_definition(r, hdr, end)) != HM_OK)
                return rc;
            continue;
        }
        if (hdr & 0x80) { /* compressed timestamp header: local type in bits 5-6 */
            d = &r->defs[(hdr >> 5) & 0x03];
            if (r->act.have_ts && d->defined) {
                uint32_t offset = hdr & 0x1F;
                ts = (r->act.last_ts & ~0x1Fu) + offset;
                if (offset < (r->act.last_ts & 0x1F))
                    ts += 0x20; /* the 5-bit offset rolled over */
                r->act.last_ts = ts;
                have_ts = 1;
            }
        } else {
            d = &r->defs[hdr & 0x0F];
        }
        if (!d->defined) {
            brk(r, start, "undefined local message type %u",
                hdr & 0x80 ? (hdr >> 5) & 0x03 : hdr & 0x0F);
            return HM_OK;
        }
        need = 1 + d->size;
        if (start + need > end) {
            brk(r, start, "data message of %zu bytes runs past the end of the data at byte %llu",
                need, (unsigned long long)end);
            return HM_OK;
        }
        if ((rc = fill(r, need, &avail)) != HM_OK)
            return rc;
        if (avail < need) {
            brk(r, start + avail, "file ends inside a data message that starts at byte %llu",
                (unsigned long long)start);
            return HM_OK;
        }
        if ((rc = hm_fit__on_data(&r->act, d, r->win + r->pos + 1, have_ts, ts)) != HM_OK)
            return rc;
        r->pos += need;
        r->nmsgs++;
    }
    return HM_OK;
}

/*
 * Read one FIT file part: header, messages, CRC. `first` is 1 for the
 * part at the start of the input; a later part that is not a FIT header
 * means unexpected trailing bytes. Returns HM_OK (r->stop set when no
 * further part may be read) or a fatal code (raised).
 */
static int read_part(fit_reader *r, int first)
{
    uint64_t start = here(r), end;
    const unsigned char *p;
    size_t avail, hsize;
    uint32_t data_size;
    int rc;

    if ((rc = fill(r, 14, &avail)) != HM_OK)
        return rc;
    if (!first && avail == 0) {
        r->stop = 1; /* clean end after the last part */
        return HM_OK;
    }
    p = r->win + r->pos;
    if (first && avail == 0)
        return HM_RAISE(r->ctx, HM_EPARSE, r->path, 0, 0, "empty file");
    hsize = p[0];
    if (avail < 12 || memcmp(p + 8, ".FIT", 4) != 0) {
        if (first && avail < 12)
            return HM_RAISE(r->ctx, HM_EPARSE, r->path, 0, 0,
                            "not a FIT file (%zu bytes, shorter than a FIT header)",
                            avail);
        if (first)
            return HM_RAISE(r->ctx, HM_EPARSE, r->path, 0, 8,
                            "not a FIT file (no .FIT signature)");
        /* Bytes after the last part that are not another FIT header: ignore them, loudly. */
        r->stop = 1;
        return hm_builder__warn(r->b, HM_EPARSE, 0, (int64_t)start,
                                "bytes after the end of the FIT data are not a FIT "
                                "header; ignored them");
    }
    if (hsize != 12 && hsize != 14) {
        if (first)
            return HM_RAISE(r->ctx, HM_EPARSE, r->path, 0, 0,
                            "FIT header size %zu (expected 12 or 14)", hsize);
        brk(r, start, "chained FIT header with size %zu (expected 12 or 14)", hsize);
        return HM_OK;
    }
    if (avail < hsize) {
        if (first)
            return HM_RAISE(r->ctx, HM_EPARSE, r->path, 0, (int64_t)avail,
                            "file ends inside the FIT header");
        brk(r, start + avail, "file ends inside a chained FIT header");
        return HM_OK;
    }
    if (hsize == 14) {
        uint16_t stored = rd16le(p + 12), computed = hm_fit__crc_update(&r->crc_tab, 0, p, 12);
        if (stored != 0 && stored != computed) {
            if (first)
                return HM_RAISE(r->ctx, HM_EPARSE, r->path, 0, (int64_t)start + 12,
                                "FIT header CRC mismatch (stored 0x%04x, computed "
                                "0x%04x)",
                                stored, computed);
            brk(r, start + 12, "FIT header CRC mismatch (stored 0x%04x, computed 0x%04x)",
                stored, computed);
            return HM_OK;
        }
    }
    data_size = rd32le(p + 4);
    /* A new part: fresh CRC from its first byte, fresh local definitions. */
    r->crc = 0;
    r->crc_pos = r->pos;
    r->pos += hsize;
    memset(r->defs, 0, sizeof(r->defs));
    if (data_size == 0) {
        end = UINT64_MAX;
        rc = hm_builder__warn(r->b, HM_EPARSE, 0, (int64_t)start + 4,
                              "FIT header data size is 0 (file never finalised); "
                              "read messages up to the end of the file");
        if (rc != HM_OK)
            return rc;
    } else {
        end = start + hsize + data_size;
    }
    if ((rc = read_messages(r, end, start)) != HM_OK || r->stop)
        return rc;
    if (end == UINT64_MAX) {
        r->stop = 1;
        if (r->nmsgs == 0 && !r->broken)
            return HM_RAISE(r->ctx, HM_EPARSE, r->path, 0, (int64_t)start + 4,
                            "FIT header data size is 0 and no message follows");
        return HM_OK;
    }
    /* File CRC: two bytes after the data, over header and data. */
    if ((rc = fill(r, 2, &avail)) != HM_OK)
        return rc;
    if (avail < 2) {
        brk(r, end + avail, "file ends inside the file CRC");
        return HM_OK;
    }
    crc_flush(r);
    {
        uint16_t stored = rd16le(r->win + r->pos);
        if (stored != r->crc) {
            rc = hm_builder__warn(r->b, HM_EPARSE, 0, (int64_t)end,
                                  "file CRC mismatch (stored 0x%04x, computed "
                                  "0x%04x); data kept",
                                  stored, r->crc);
            if (rc != HM_OK)
                return rc;
        }
    }
    r->pos += 2;
    r->crc_pos = r->pos;
    return HM_OK;
}

/* All parts, then the verdict on a break: an error if nothing decoded, else a warning. */
static int decode(fit_reader *r)
{
    int rc = HM_OK, first = 1;

    while (rc == HM_OK && !r->stop) {
        rc = read_part(r, first);
        first = 0;
    }
    if (rc == HM_OK)
        rc = hm_fit__activity_flush(&r->act);
    if (rc != HM_OK || !r->broken)
        return rc;
    if (r->nmsgs == 0)
        return HM_RAISE(r->ctx, HM_EPARSE, r->path, 0, r->brk_off, "%s", r->brk_msg);
    return hm_builder__warn(r->b, HM_EPARSE, 0, r->brk_off, "%s; kept %zu points", r->brk_msg,
                            hm_builder__get_point_total(r->b));
}

int hm_fit__parse_stream(hm_file **out, hm_ctx *ctx, hm_stream *in)
{
    fit_reader *r;
    int rc;

    *out = NULL;
    r = hm_ctx__calloc(ctx, 1, sizeof(*r));
    if (!r)
        return HM_RAISE_NOMEM(ctx);
    r->ctx = ctx;
    r->in = in;
    r->path = hm_stream__path(in);
    hm_fit__activity_init(&r->act, ctx, NULL);
    hm_fit__crc_init(&r->crc_tab);
    r->win = hm_ctx__malloc(ctx, WIN_SIZE);
    if (!r->win) {
        rc = HM_RAISE_NOMEM(ctx);
        goto done;
    }
    if ((rc = hm_builder__new(&r->b, ctx, r->path, HM_FORMAT_FIT)) != HM_OK)
        goto done;
    r->act.b = r->b;
    if ((rc = decode(r)) != HM_OK)
        goto done;
    if ((rc = hm_fit__activity_finish(&r->act)) != HM_OK)
        goto done;
    rc = hm_builder__finish(r->b, out);
done:
    hm_builder__free(r->b);
    hm_fit__activity_free(&r->act);
    hm_ctx__free(ctx, r->win);
    hm_ctx__free(ctx, r);
    return rc;
}

int hm_fit_parse_buffer(hm_file **out, hm_ctx *ctx, const char *path, const void *buf, size_t len)
{
    return hm_stream__parse_buffer(out, ctx, path, buf, len, hm_fit__parse_stream);
}

