/* SPDX-License-Identifier: MIT */
/*
 * libxml2 plumbing shared by the GPX and TCX readers: one SAX2 push parser
 * per document, fed from an hm_stream in 256 KiB chunks.
 *
 * Safety. XML_PARSE_NONET, no NOENT/DTDLOAD/HUGE, no externalSubset or
 * getEntity callback, and every DTD declaration callback (and a DOCTYPE
 * followed by an internal subset) stops the parser, so no entity is ever
 * declared: no XXE, no entity expansion bomb. The push parser of libxml2
 * 2.9 has no nesting limit of its own, so depth is limited here.
 *
 * Silence. Errors reach us through the handler's `serror`, which libxml2
 * prefers for every error it raises with a parser context; nothing global
 * (xmlSetStructuredErrorFunc and friends) is touched, because readers run
 * on several threads and the host application owns those settings. The one
 * path that bypasses `serror` is libxml2's own character-set conversion,
 * which reports failures to the global generic handler (stderr). So libxml2
 * never converts: the input is decoded here (UTF-8 passes through without a
 * copy; a BOM, UTF-16 or a declared legacy encoding goes through iconv),
 * the parser is pinned to UTF-8 and told to ignore the encoding declaration.
 *
 * Garmin Connect writes white space before the XML declaration, which
 * libxml2 rejects; leading white space is dropped before libxml2 sees it and
 * the dropped lines are added back to every line number reported.
 *
 * Speed. The callbacks here are trampolines: depth bookkeeping, and text is
 * copied only while the reader captures a leaf it wants.
 */
#include <errno.h>
#include <iconv.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "core/text_int.h"
#include "core/time_int.h"
#include "io/xml_scan_int.h"
#include "io/xml_util_int.h"

/* Bytes handed to xmlParseChunk at a time; also the decoding buffer size. */
#define CHUNK_SIZE (256 * 1024)
/* Bytes of the head in which the XML declaration is looked for. */
#define DECL_MAX 1024

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init_once(void)
{
    xmlInitParser();
}

void hm_xml__init(void)
{
    pthread_once(&xml_once, xml_init_once);
}

void hm_xml__setup(hm_xml *x, hm_ctx *ctx, hm_xml_start_fn start, hm_xml_end_fn end,
                   void *payload, int scan)
{
    memset(x, 0, sizeof(*x));
    x->use_scan = scan;
    x->ctx = ctx;
    x->start = start;
    x->end = end;
    x->payload = payload;
    x->rc = HM_OK;
    x->path = "";
}

/* ---- positions and diagnostics ---------------------------------------- */

long hm_xml__line(const hm_xml *x)
{
    const xmlParserCtxt *c = x->ctxt;

    if (x->scan)
        return hm_xml__scan_line(x->scan) + x->line_offset;
    if (!c || !c->input)
        return x->line_offset + 1;
    return (long)c->input->line + x->line_offset;
}

/* Line of the end of the data libxml2 holds: where a premature end is. */
static long end_line(const hm_xml *x)
{
    const xmlParserCtxt *c = x->ctxt;
    const xmlChar *p;
    long line;

    if (!c || !c->input)
        return x->line_offset + 1;
    line = c->input->line;
    if (c->input->cur && c->input->end)
        for (p = c->input->cur; p < c->input->end; p++)
            line += *p == '\n';
    return line + x->line_offset;
}

/* Copy a libxml2 message as one line: new lines become spaces, the tail is trimmed. */
static void copy_message(char *dst, size_t cap, const char *msg)
{
    size_t i, n = 0;

    if (!msg)
        msg = "unknown error";
    for (i = 0; msg[i] && n + 1 < cap; i++)
        dst[n++] = (msg[i] == '\n' || msg[i] == '\r' || msg[i] == '\t') ? ' ' : msg[i];
    while (n && dst[n - 1] == ' ')
        n--;
    dst[n] = '\0';
}

/* Record the first fatal problem; later ones are consequences. */
static void set_fatal(hm_xml *x, long line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void set_fatal(hm_xml *x, long line, const char *fmt, ...)
{
    va_list ap;

    if (x->fatal)
        return;
    x->fatal = 1;
    x->fatal_line = line;
    va_start(ap, fmt);
    vsnprintf(x->fatal_msg, sizeof(x->fatal_msg), fmt, ap);
    va_end(ap);
}

static void stop_parser(hm_xml *x)
{
    if (x->ctxt)
        xmlStopParser(x->ctxt);
}

/* Only recorded here: the trampolines stop libxml2 once the reader's callback returned,
 * because stopping frees the input the callback's attribute values point into. */
void hm_xml__fail(hm_xml *x, int rc)
{
    if (x->rc == HM_OK)
        x->rc = rc;
}

static int halted(const hm_xml *x)
{
    return x->fatal || x->rc != HM_OK;
}

/* ---- SAX callbacks -------------------------------------------------------- */

void hm_xml__element_start(hm_xml *x, const char *local, size_t len, int nattrs,
                           const unsigned char **attrs)
{
    x->capture = 0;
    x->seen_root = 1;
    if (++x->depth > HM_XML_MAX_DEPTH) {
        set_fatal(x, hm_xml__line(x), "elements nested deeper than %d levels", HM_XML_MAX_DEPTH);
        stop_parser(x);
        return;
    }
    x->start(x, local, len, nattrs, attrs);
    if (x->rc != HM_OK)
        stop_parser(x);
}

void hm_xml__element_end(hm_xml *x)
{
    x->end(x);
    x->capture = 0;
    x->depth--;
    if (x->rc != HM_OK)
        stop_parser(x);
}

void hm_xml__characters(hm_xml *x, const unsigned char *p, size_t n)
{
    size_t room;

    if (!x->capture)
        return;
    room = HM_XML_TEXT_MAX - x->text_len;
    if (n > room) {
        n = room;
        x->text_cut = 1;
    }
    memcpy(x->text + x->text_len, p, n);
    x->text_len += n;
}

static void sax_start(void *ud, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
                      int nns, const xmlChar **ns, int nattrs, int ndefaulted,
                      const xmlChar **attrs)
{
    (void)prefix, (void)uri, (void)nns, (void)ns, (void)ndefaulted;
    hm_xml__element_start(ud, (const char *)local, strlen((const char *)local), nattrs,
                          (const unsigned char **)attrs);
}

static void sax_end(void *ud, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
    (void)local, (void)prefix, (void)uri;
    hm_xml__element_end(ud);
}

static void sax_characters(void *ud, const xmlChar *ch, int len)
{
    hm_xml__characters(ud, ch, (size_t)len);
}

static void reject_dtd(hm_xml *x)
{
    set_fatal(x, hm_xml__line(x), "%s", "DTD and entity declarations are not allowed");
    stop_parser(x);
}

/* Called for every DOCTYPE; an internal subset follows when the next byte is '['. */
static void sax_internal_subset(void *ud, const xmlChar *name, const xmlChar *ext_id,
                                const xmlChar *sys_id)
{
    hm_xml *x = ud;
    const xmlParserInput *in = x->ctxt ? x->ctxt->input : NULL;

    (void)name, (void)ext_id, (void)sys_id;
    if (in && in->cur && in->cur < in->end && *in->cur == '[')
        reject_dtd(x);
}

static void sax_entity_decl(void *ud, const xmlChar *name, int type, const xmlChar *pub,
                            const xmlChar *sys, xmlChar *content)
{
    (void)name, (void)type, (void)pub, (void)sys, (void)content;
    reject_dtd(ud);
}

static void sax_notation_decl(void *ud, const xmlChar *name, const xmlChar *pub,
                              const xmlChar *sys)
{
    (void)name, (void)pub, (void)sys;
    reject_dtd(ud);
}

static void sax_attribute_decl(void *ud, const xmlChar *elem, const xmlChar *name, int type,
                               int def, const xmlChar *value, xmlEnumerationPtr tree)
{
    (void)elem, (void)name, (void)type, (void)def, (void)value;
    /* The callback owns the enumeration (see xmlSAX2AttributeDecl). */
    if (tree)
        xmlFreeEnumeration(tree);
    reject_dtd(ud);
}

static void sax_element_decl(void *ud, const xmlChar *name, int type, xmlElementContentPtr content)
{
    (void)name, (void)type, (void)content;
    reject_dtd(ud);
}

static void sax_unparsed_entity_decl(void *ud, const xmlChar *name, const xmlChar *pub,
                                     const xmlChar *sys, const xmlChar *notation)
{
    (void)name, (void)pub, (void)sys, (void)notation;
    reject_dtd(ud);
}

static void sax_error(void *ud, xmlErrorPtr e)
{
    hm_xml *x = ud;
    char msg[200];
    long line;

    if (!e)
        return;
    line = (long)e->line + x->line_offset;
    if (e->level == XML_ERR_FATAL) {
        if (x->fatal)
            return;
        if (x->terminating && e->code == XML_ERR_DOCUMENT_END && x->ctxt &&
            x->ctxt->nameNr > 0 && x->ctxt->name) {
            /* libxml2's push parser calls a truncated document "Extra content". */
            snprintf(msg, sizeof(msg), "Premature end of data in tag %s",
                     (const char *)x->ctxt->name);
            line = end_line(x);
        } else if (x->terminating && e->code == XML_ERR_DOCUMENT_END && !x->seen_root) {
            snprintf(msg, sizeof(msg), "Document is empty");
            line = end_line(x);
        } else {
            copy_message(msg, sizeof(msg), e->message);
            if (x->terminating)
                line = end_line(x);
        }
        set_fatal(x, line, "XML not well-formed (%s)", msg);
        return;
    }
    if (e->domain == XML_FROM_NAMESPACE) {
        if (x->ns_errors++ == 0) {
            x->ns_line = line;
            copy_message(x->ns_msg, sizeof(x->ns_msg), e->message);
        }
        return;
    }
    if (x->other_errors++ == 0) {
        x->other_line = line;
        copy_message(x->other_msg, sizeof(x->other_msg), e->message);
    }
}

static xmlParserCtxtPtr parser_new(hm_xml *x)
{
    xmlSAXHandler sax;
    xmlParserCtxtPtr c;

    memset(&sax, 0, sizeof(sax));
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = sax_start;
    sax.endElementNs = sax_end;
    sax.characters = sax_characters;
    sax.ignorableWhitespace = sax_characters;
    sax.cdataBlock = sax_characters;
    sax.serror = sax_error;
    sax.internalSubset = sax_internal_subset;
    sax.entityDecl = sax_entity_decl;
    sax.notationDecl = sax_notation_decl;
    sax.attributeDecl = sax_attribute_decl;
    sax.elementDecl = sax_element_decl;
    sax.unparsedEntityDecl = sax_unparsed_entity_decl;
    /* No initial bytes: libxml2 must not guess an encoding from them. */
    c = xmlCreatePushParserCtxt(&sax, x, NULL, 0, NULL);
    if (!c)
        return NULL;
    xmlCtxtUseOptions(c, XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_IGNORE_ENC);
    xmlSwitchEncoding(c, XML_CHAR_ENCODING_UTF8);
    return c;
}

/* ---- input: encoding and feeding ----------------------------------------- */

int hm_xml__is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * The encoding named by an XML declaration at p ("" when none). Only
 * XML EncName characters are accepted, so the name cannot carry iconv
 * suffixes such as //TRANSLIT.
 */
static void declared_encoding(const unsigned char *p, size_t n, char *name, size_t cap)
{
    const unsigned char *end, *q;
    size_t len = 0;
    unsigned char quote;

    name[0] = '\0';
    if (n > DECL_MAX)
        n = DECL_MAX;
    if (n < 6 || memcmp(p, "<?xml", 5) != 0 || !hm_xml__is_space(p[5]))
        return;
    for (end = p + 5; end + 1 < p + n && !(end[0] == '?' && end[1] == '>'); end++)
        ;
    for (q = p + 5; q + 8 <= end; q++) {
        if (memcmp(q, "encoding", 8) != 0 || !hm_xml__is_space(q[-1]))
            continue;
        q += 8;
        while (q < end && hm_xml__is_space(*q))
            q++;
        if (q >= end || *q++ != '=')
            return;
        while (q < end && hm_xml__is_space(*q))
            q++;
        if (q >= end || (*q != '"' && *q != '\''))
            return;
        quote = *q++;
        while (q < end && *q != quote && len + 1 < cap) {
            unsigned char c = *q;
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-'))
                break;
            name[len++] = (char)c;
            q++;
        }
        /* Not a well-formed EncName: no conversion (libxml2 then reports the declaration). */
        if (q >= end || *q != quote)
            len = 0;
        name[len] = '\0';
        return;
    }
}

/* 1 when an encoding declared on ASCII-compatible bytes means no conversion. */
static int is_utf8_compatible(const char *name)
{
    size_t n = strlen(name);

    return !n || hm_text__equal_ci(name, n, "UTF-8") || hm_text__equal_ci(name, n, "UTF8") ||
           hm_text__equal_ci(name, n, "US-ASCII") || hm_text__equal_ci(name, n, "ASCII") ||
           /* a wide encoding declared on 8-bit bytes is a wrong label, as libxml2 says */
           hm_text__starts_with_ci(name, "UTF-16") || hm_text__starts_with_ci(name, "UTF-32") ||
           hm_text__starts_with_ci(name, "UTF16") || hm_text__starts_with_ci(name, "UCS-") ||
           hm_text__starts_with_ci(name, "ISO-10646");
}

typedef struct feeder {
    hm_xml *x;            /* parser being fed */
    iconv_t cd;           /* decoder, or (iconv_t)-1 for UTF-8 input */
    char enc[48];         /* name of the decoded encoding, for messages */
    unsigned char *conv;  /* CHUNK_SIZE bytes of decoded output */
} feeder;

static void parse_chunk(hm_xml *x, const unsigned char *p, size_t n, int terminate)
{
    if (terminate)
        x->terminating = 1;
    xmlParseChunk(x->ctxt, (const char *)p, (int)n, terminate);
    x->terminating = 0;
    if (!x->fatal && x->ctxt->wellFormed == 0)
        set_fatal(x, hm_xml__line(x), "%s", "XML not well-formed");
}

/*
 * Pass n bytes on (decoding them when needed). Bytes of an incomplete
 * multi-byte sequence at the end stay in *p / *n for the next call.
 */
static void feed(feeder *f, const unsigned char **p, size_t *n, int eof)
{
    hm_xml *x = f->x;

    if (f->cd == (iconv_t)-1) {
        if (*n)
            parse_chunk(x, *p, *n, 0);
        *p += *n;
        *n = 0;
        return;
    }
    while (*n && !halted(x)) {
        char *in = (char *)*p, *out = (char *)f->conv;
        size_t in_left = *n, out_left = CHUNK_SIZE;
        size_t r = iconv(f->cd, &in, &in_left, &out, &out_left);
        int err = r == (size_t)-1 ? errno : 0;

        *p = (const unsigned char *)in;
        *n = in_left;
        if (out_left < CHUNK_SIZE)
            parse_chunk(x, f->conv, CHUNK_SIZE - out_left, 0);
        if (halted(x) || err == 0 || err == E2BIG)
            continue;
        if (err == EINVAL && !eof)
            return; /* wait for the rest of the sequence */
        set_fatal(x, end_line(x), "input is not valid %s", f->enc);
        return;
    }
    if (eof && !halted(x)) {
        char *out = (char *)f->conv;
        size_t out_left = CHUNK_SIZE;
        /* Flush the shift state of stateful encodings. */
        if (iconv(f->cd, NULL, NULL, &out, &out_left) != (size_t)-1 && out_left < CHUNK_SIZE)
            parse_chunk(x, f->conv, CHUNK_SIZE - out_left, 0);
    }
}

/*
 * Look at the head of the document: drop a UTF-8 BOM and leading white
 * space (counting the lines), and choose the decoder. Returns HM_OK,
 * HM_ENOMEM, or HM_OK with x->fatal set for an unsupported encoding.
 */
static int start_input(feeder *f, const unsigned char **p, size_t *n)
{
    hm_xml *x = f->x;
    const unsigned char *s = *p;
    size_t len = *n, ws = 0;
    const char *wide = NULL;
    char name[41];

    if (len >= 2 && s[0] == 0xFF && s[1] == 0xFE) {
        wide = "UTF-16LE";
        s += 2, len -= 2;
    } else if (len >= 2 && s[0] == 0xFE && s[1] == 0xFF) {
        wide = "UTF-16BE";
        s += 2, len -= 2;
    } else if (len >= 4 && s[0] == '<' && s[1] == 0 && s[2] == '?' && s[3] == 0) {
        wide = "UTF-16LE";
    } else if (len >= 4 && s[0] == 0 && s[1] == '<' && s[2] == 0 && s[3] == '?') {
        wide = "UTF-16BE";
    } else {
        int bom = len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF;
        if (bom)
            s += 3, len -= 3;
        while (ws < len && hm_xml__is_space(s[ws]))
            x->line_offset += s[ws++] == '\n';
        s += ws, len -= ws;
        if (ws && len >= 5 && memcmp(s, "<?xml", 5) == 0)
            x->ws_line = x->line_offset + 1;
        /* A BOM says UTF-8 whatever the declaration claims. */
        declared_encoding(s, len, name, sizeof(name));
        if (!bom && !is_utf8_compatible(name))
            wide = name;
    }
    *p = s;
    *n = len;
    if (!wide)
        return HM_OK;
    snprintf(f->enc, sizeof(f->enc), "%s", wide);
    f->cd = iconv_open("UTF-8", wide);
    if (f->cd == (iconv_t)-1) {
        set_fatal(x, x->line_offset + 1, "unsupported encoding \"%s\"", f->enc);
        return HM_OK;
    }
    f->conv = hm_ctx__malloc(x->ctx, CHUNK_SIZE);
    return f->conv ? HM_OK : HM_RAISE_NOMEM(x->ctx);
}

/* Read until buf is full or the stream ends. */
static int read_full(hm_stream *in, unsigned char *buf, size_t cap, size_t *got, int *eof)
{
    *got = 0;
    while (*got < cap) {
        size_t n;
        int rc = hm_stream__read(in, buf + *got, cap - *got, &n);
        if (rc != HM_OK)
            return rc;
        if (n == 0) {
            *eof = 1;
            break;
        }
        *got += n;
    }
    return HM_OK;
}

int hm_xml__parse(hm_xml *x, hm_stream *in)
{
    feeder f;
    unsigned char *raw;
    size_t have = 0;
    int eof = 0, started = 0, again = 0, rc = HM_OK;
    char stream_msg[sizeof(x->fatal_msg)];

    hm_xml__init();
    x->path = hm_stream__path(in);
    memset(&f, 0, sizeof(f));
    f.x = x;
    f.cd = (iconv_t)-1;
    raw = hm_ctx__malloc(x->ctx, CHUNK_SIZE);
    if (!raw)
        return HM_RAISE_NOMEM(x->ctx);
    if (x->use_scan)
        rc = hm_xml__scan_new(&x->scan, x->ctx);
    else if (!(x->ctxt = parser_new(x)))
        rc = HM_RAISE_NOMEM(x->ctx);
    if (rc != HM_OK) {
        hm_ctx__free(x->ctx, raw);
        return rc;
    }
    while (!eof && !halted(x)) {
        const unsigned char *p;
        size_t got, n;
        int rd = read_full(in, raw + have, CHUNK_SIZE - have, &got, &eof);

        if (rd != HM_OK && x->scan) {
            /* libxml2 says what came before the break, and where it is. */
            hm_ctx_clear_error(x->ctx);
            again = 1;
            break;
        }
        /* On a read or decompression error, parse what came before it, then stop. */
        if (rd != HM_OK) {
            const hm_error *e = hm_ctx_last_error(x->ctx);
            snprintf(stream_msg, sizeof(stream_msg), "%s", e ? e->message : hm_strerror(rd));
            x->rc_stream = rd;
            eof = 1;
        }
        p = raw;
        n = have + got;
        if (!started) {
            size_t before = n;
            if ((rc = start_input(&f, &p, &n)) != HM_OK)
                break;
            /* Only white space so far: the head is still to come. */
            if (n == 0 && !eof && before > 0 && !x->fatal) {
                have = 0;
                continue;
            }
            started = 1;
            /* Decoded input is libxml2's from the start: the scanner reads UTF-8 only. */
            if (x->scan && f.cd != (iconv_t)-1) {
                hm_xml__scan_free(x->ctx, x->scan);
                x->scan = NULL;
                if (!(x->ctxt = parser_new(x))) {
                    rc = HM_RAISE_NOMEM(x->ctx);
                    break;
                }
            }
        }
        if (halted(x))
            break;
        if (x->scan) {
            size_t used = hm_xml__scan(x->scan, x, p, n, eof);
            p += used;
            n -= used;
            /* Gave up, or a construct longer than the buffer. */
            if (hm_xml__scan_gave_up(x->scan) || n == CHUNK_SIZE) {
                again = 1;
                break;
            }
        } else {
            feed(&f, &p, &n, eof);
        }
        if (n)
            memmove(raw, p, n);
        have = n;
    }
    if (again) {
        rc = HM_XML_AGAIN;
    } else if (rc == HM_OK && x->rc_stream != HM_OK) {
        /* The stream broke: that is where the document ends (unless it broke before). */
        if (x->fatal) {
            x->rc_stream = HM_OK;
            hm_ctx_clear_error(x->ctx);
        }
        set_fatal(x, end_line(x), "%s", stream_msg);
    } else if (rc == HM_OK && !halted(x) && x->ctxt) {
        parse_chunk(x, NULL, 0, 1);
    }
    if (rc == HM_OK)
        rc = x->rc;
    if (x->ctxt)
        xmlFreeParserCtxt(x->ctxt);
    x->ctxt = NULL;
    if (x->scan)
        hm_xml__scan_free(x->ctx, x->scan);
    x->scan = NULL;
    if (f.cd != (iconv_t)-1)
        iconv_close(f.cd);
    hm_ctx__free(x->ctx, f.conv);
    hm_ctx__free(x->ctx, raw);
    return rc;
}

/* ---- which parser ------------------------------------------------------- */

static int scanner_off;
static unsigned long scanner_counts[2]; /* documents the scanner read, and gave up on */

void hm_xml__set_scanner(int on)
{
    __atomic_store_n(&scanner_off, !on, __ATOMIC_RELAXED);
}

void hm_xml__scanner_counts(unsigned long *read, unsigned long *gave_up)
{
    *read = __atomic_load_n(&scanner_counts[0], __ATOMIC_RELAXED);
    *gave_up = __atomic_load_n(&scanner_counts[1], __ATOMIC_RELAXED);
}

int hm_xml__read(hm_file **out, hm_ctx *ctx, hm_stream *in, hm_xml_read_fn read)
{
    int scan = !__atomic_load_n(&scanner_off, __ATOMIC_RELAXED);
    int rc = read(out, ctx, in, scan);

    if (scan)
        __atomic_add_fetch(&scanner_counts[rc == HM_XML_AGAIN], 1, __ATOMIC_RELAXED);
    if (rc != HM_XML_AGAIN)
        return rc;
    if ((rc = hm_stream__rewind(in)) != HM_OK)
        return rc;
    return read(out, ctx, in, 0);
}

/* ---- results ----------------------------------------------------------- */

int hm_xml__report(hm_xml *x, hm_builder *b)
{
    size_t kept = hm_builder__get_point_total(b);
    int rc = HM_OK;

    if (x->ws_line)
        rc = hm_builder__warn(b, HM_EPARSE, x->ws_line, -1,
                              "white space before the XML declaration skipped");
    if (rc == HM_OK && x->ns_errors)
        rc = hm_builder__warn(b, HM_EPARSE, x->ns_line, -1,
                              "%zu namespace error%s ignored, data kept (first: %s)",
                              x->ns_errors, x->ns_errors == 1 ? "" : "s", x->ns_msg);
    if (rc == HM_OK && x->other_errors)
        rc = hm_builder__warn(b, HM_EPARSE, x->other_line, -1,
                              "%zu XML problem%s ignored (first: %s)",
                              x->other_errors, x->other_errors == 1 ? "" : "s", x->other_msg);
    if (rc == HM_OK && x->bad_times)
        rc = hm_builder__warn(b, HM_EPARSE, x->bad_time_line, -1,
                              "%zu time%s not ISO 8601, left empty",
                              x->bad_times, x->bad_times == 1 ? "" : "s");
    if (rc == HM_OK && x->bad_numbers)
        rc = hm_builder__warn(b, HM_EPARSE, x->bad_number_line, -1,
                              "%zu value%s not a number, left empty",
                              x->bad_numbers,
                              x->bad_numbers == 1 ? "" : "s");
    if (rc != HM_OK || !x->fatal)
        return rc;
    if (kept) {
        if (x->rc_stream != HM_OK)
            hm_ctx_clear_error(x->ctx);
        return hm_builder__warn(b, x->rc_stream != HM_OK ? x->rc_stream : HM_EPARSE,
                                x->fatal_line, -1, "%s; kept %zu point%s",
                                x->fatal_msg, kept, kept == 1 ? "" : "s");
    }
    /* A stream error is already raised with its offset: pass it up unchanged. */
    if (x->rc_stream != HM_OK)
        return x->rc_stream;
    return HM_RAISE(x->ctx, HM_EPARSE, x->path, x->fatal_line, -1, "%s",
                    x->fatal_msg);
}

/* ---- leaf values ------------------------------------------------------- */

const char *hm_xml__text(const hm_xml *x, size_t *len)
{
    const char *s = x->text;
    size_t n = x->text_len;

    while (n && hm_xml__is_space((unsigned char)*s))
        s++, n--;
    while (n && hm_xml__is_space((unsigned char)s[n - 1]))
        n--;
    *len = n;
    return n ? s : NULL;
}

int hm_xml__text_double(hm_xml *x, double *out)
{
    size_t len;
    const char *s = hm_xml__text(x, &len);

    if (!s)
        return 0;
    if (!x->text_cut && hm_text__parse_double(out, s, len) == HM_OK)
        return 1;
    if (x->bad_numbers++ == 0)
        x->bad_number_line = hm_xml__line(x);
    return -1;
}

int hm_xml__text_time(hm_xml *x, double *out)
{
    size_t len;
    const char *s = hm_xml__text(x, &len);

    if (!s)
        return 0;
    if (!x->text_cut && hm_time__parse_iso8601(out, s, len) == HM_OK)
        return 1;
    if (x->bad_times++ == 0)
        x->bad_time_line = hm_xml__line(x);
    return -1;
}

void hm_xml__set_first(float *dst, double v)
{
    if (isnan(*dst))
        *dst = (float)v;
}

size_t hm_xml__decode_amp(char *s, size_t len)
{
    size_t i, n = 0;

    for (i = 0; i < len; i++) {
        s[n++] = s[i];
        if (s[i] == '&' && len - i >= 5 && memcmp(s + i, "&#38;", 5) == 0)
            i += 4;
    }
    return n;
}

const char *hm_xml__attr(int nattrs, const unsigned char **attrs, const char *name, size_t *len)
{
    int i;

    for (i = 0; i < nattrs; i++, attrs += 5) {
        if (strcmp((const char *)attrs[0], name) == 0) {
            *len = (size_t)(attrs[4] - attrs[3]);
            return (const char *)attrs[3];
        }
    }
    *len = 0;
    return NULL;
}
