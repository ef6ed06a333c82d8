/* SPDX-License-Identifier: MIT */
/*
 * Descriptor files: a small XML document that names a folder of activities
 * and the options to read it with, so that tools which only accept existing
 * file names (gdal2tiles, file dialogs) can open a heatmap:
 *
 *     <HeatmapDataset>
 *       <Source>gpx/</Source>
 *       <Option name="ZOOM">14</Option>
 *       <Option name="SPORT">running</Option>
 *     </HeatmapDataset>
 *
 * <Source> appears exactly once; a relative source resolves against the
 * folder of the descriptor itself. <Option> elements are applied in
 * document order through hm_spec_set(), so they are validated exactly like
 * open options; texts are trimmed. Anything else (another element, text
 * between elements, an attribute other than Option's name) is an error, so
 * a typo such as <Options> cannot be silently ignored.
 *
 * The same file writes descriptors (hm_spec_write_descriptor: the source
 * and the text of every option set to something other than its default,
 * escaped, so that reading it back gives the same spec) and tells what a
 * user typed apart (hm_spec_parse_source: a connection string, a
 * descriptor recognised by its content, or a plain path).
 *
 * Safety: the document is small (at most 1 MiB is read), must be UTF-8
 * without NUL bytes (checked here, so libxml2 never converts encodings and
 * never reports through its global handlers), is parsed with XML_PARSE_NONET
 * and without NOENT/DTDLOAD, and any DOCTYPE stops the parser: no entity is
 * ever declared. Errors reach us through the parser context's own `serror`;
 * nothing global in libxml2 is touched, so descriptors may be parsed on
 * several threads at once.
 */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include "core/strbuf_int.h"
#include "core/text_int.h"
#include "io/stream_int.h"
#include "io/vsi_int.h"
#include "io/xml_util_int.h"
#include "dataset/spec_int.h"

/* Largest descriptor read, bytes: it only holds a path and a few options. */
#define HM_DESCRIPTOR_MAX ((uint64_t)1 << 20)
#define HM_DESCRIPTOR_ROOT "HeatmapDataset"

/* First problem libxml2 (or our DOCTYPE guard) reported while parsing. */
typedef struct desc_diag {
    int failed;     /* 1 once a problem is recorded */
    long line;      /* its line */
    char msg[200];  /* its text, one line */
} desc_diag;

static void diag_set(desc_diag *d, long line, const char *msg)
{
    size_t n;

    if (d->failed)
        return;
    d->failed = 1;
    d->line = line;
    snprintf(d->msg, sizeof(d->msg), "%s", msg ? msg : "unknown error");
    n = strlen(d->msg);
    while (n && (d->msg[n - 1] == '\n' || d->msg[n - 1] == ' '))
        d->msg[--n] = '\0';
}

/* libxml2 passes ctxt->userData, which is the parser context itself. */
static void desc_serror(void *ud, xmlErrorPtr e)
{
    xmlParserCtxtPtr ctxt = ud;

    if (!e || e->level < XML_ERR_ERROR || !ctxt || !ctxt->_private)
        return;
    diag_set(ctxt->_private, e->line, e->message);
}

static void desc_doctype(void *ud, const xmlChar *name, const xmlChar *ext_id,
                         const xmlChar *sys_id)
{
    xmlParserCtxtPtr ctxt = ud;

    (void)name, (void)ext_id, (void)sys_id;
    diag_set(ctxt->_private, ctxt->input ? ctxt->input->line : 0, "DOCTYPE is not allowed");
    xmlStopParser(ctxt);
}

/* 0 when buf is UTF-8 without NUL bytes; else -1 and the line of the first bad byte. */
static int check_utf8(const unsigned char *p, size_t len, long *line)
{
    size_t i = 0, n;

    *line = 1;
    for (; i < len; i += n) {
        if (p[i] == '\n')
            (*line)++;
        if (p[i] == 0 || (n = hm_utf8_length((const char *)p + i, len - i)) == 0)
            return -1;
    }
    return 0;
}

/* ---- the document -------------------------------------------------------- */

static int is_blank(const xmlChar *s)
{
    for (; s && *s; s++)
        if (!hm_xml__is_space(*s))
            return 0;
    return 1;
}

/* libxml2 numbers a text node by the line where it ends: step back to its first non-blank. */
static long text_line(const xmlNode *node)
{
    const xmlChar *s = node->content;
    long line = xmlGetLineNo(node);

    while (s && *s && hm_xml__is_space(*s))
        s++;
    for (; s && *s; s++)
        if (*s == '\n' && line > 1)
            line--;
    return line;
}

static int parse_error(hm_spec *spec, const char *path, const xmlNode *node, const char *fmt,
                       const char *arg)
{
    return HM_RAISE(spec->ctx, HM_EPARSE, path, node ? xmlGetLineNo(node) : 0, -1, fmt, arg);
}

/*
 * The trimmed text of a leaf element, copied with the context's allocator
 * into *out. Child elements are an error; comments are ignored.
 */
static int leaf_text(hm_spec *spec, const char *path, const xmlNode *node, char **out)
{
    const xmlNode *c;
    xmlChar *text;
    const char *s;
    size_t len;

    *out = NULL;
    for (c = node->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return parse_error(spec, path, c, "<%s> may only contain text",
                               (const char *)node->name);
    text = xmlNodeGetContent(node);
    s = text ? (const char *)text : "";
    len = strlen(s);
    s = hm_text__trim(s, &len);
    *out = hm_ctx__strndup(spec->ctx, s, len);
    xmlFree(text);
    return *out ? HM_OK : HM_RAISE_NOMEM(spec->ctx);
}

/* 1 for "/x", "\x", "C:/x", "C:\x": anything else is relative to the descriptor. */
static int is_absolute(const char *p)
{
    if (p[0] == '/' || p[0] == '\\')
        return 1;
    return ((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')) && p[1] == ':' &&
           (p[2] == '/' || p[2] == '\\');
}

static int resolve_source(hm_spec *spec, const char *descriptor_path, const char *source);

/* Bytes of a file's head looked at to recognise a descriptor (after decompression). */
#define HM_DESCRIPTOR_SNIFF 1024

/* 1 when path is a file (not a folder) whose content is a descriptor. */
static int is_descriptor_file(hm_spec *spec, const char *path)
{
    const hm_io_api *io = hm_io__api(spec->ctx);
    unsigned char head[HM_DESCRIPTOR_SNIFF];
    size_t got = 0;
    uint64_t size;
    hm_stream *in;
    int is_dir, sniffed = 0;

    if (path[0] && io->stat(path, &is_dir, &size, io->payload) == 0 && !is_dir) {
        if (hm_stream__new_file(&in, spec->ctx, path, 0) == HM_OK) {
            sniffed = hm_stream__peek(in, head, sizeof(head), &got) == HM_OK &&
                      hm_spec_sniff_descriptor(head, got);
            hm_stream__free(in);
        }
        hm_ctx_clear_error(spec->ctx);
    }
    return sniffed;
}

/*
 * The descriptor's <Source>, relative to the descriptor's folder. It names tracks: a
 * HEATMAP: name (options belong in <Option>) or another descriptor (itself, a loop, a
 * chain) is an error naming the cause, not an empty source.
 */
static int set_source(hm_spec *spec, const char *descriptor_path, const char *source)
{
    int rc = resolve_source(spec, descriptor_path, source);

    if (rc != HM_OK)
        return rc;
    if (hm_text__starts_with_ci(source, HM_CONNECTION_PREFIX))
        return HM_RAISE(spec->ctx, HM_EINVAL, descriptor_path, 0, -1,
                        "<Source> is a " HM_CONNECTION_PREFIX " name; it must be a path (a "
                        "folder, a track file or a GDAL virtual path), with options in <Option> "
                        "elements");
    if (is_descriptor_file(spec, spec->path))
        return HM_RAISE(spec->ctx, HM_EINVAL, descriptor_path, 0, -1,
                        "<Source> %s is a descriptor file%s; it must name tracks (a folder, a "
                        "track file or a GDAL virtual path)",
                        source, strcmp(spec->path, descriptor_path) == 0 ? " (this one)" : "");
    return HM_OK;
}

static int resolve_source(hm_spec *spec, const char *descriptor_path, const char *source)
{
    const char *slash = strrchr(descriptor_path, '/');
    const char *back = strrchr(descriptor_path, '\\');
    size_t dir_len, src_len;
    char *joined;
    int rc;

    if (back && (!slash || back > slash))
        slash = back;
    if (is_absolute(source) || !slash)
        return hm_spec_set_path(spec, source);
    dir_len = (size_t)(slash - descriptor_path) + 1;
    src_len = strlen(source);
    if (src_len > SIZE_MAX - dir_len - 1)
        return HM_RAISE_NOMEM(spec->ctx);
    joined = hm_ctx__malloc(spec->ctx, dir_len + src_len + 1);
    if (!joined)
        return HM_RAISE_NOMEM(spec->ctx);
    memcpy(joined, descriptor_path, dir_len);
    memcpy(joined + dir_len, source, src_len + 1);
    rc = hm_spec_set_path(spec, joined);
    hm_ctx__free(spec->ctx, joined);
    return rc;
}

/* An <Option name="KEY">VALUE</Option>: applied now, errors located in the descriptor. */
static int apply_option(hm_spec *spec, const char *path, const xmlNode *node)
{
    const xmlAttr *a;
    xmlChar *name = NULL;
    char *value = NULL;
    int rc;

    for (a = node->properties; a; a = a->next)
        if (!xmlStrEqual(a->name, BAD_CAST "name"))
            return parse_error(spec, path, node, "<Option> has an unknown attribute '%s'",
                               (const char *)a->name);
    name = xmlGetProp(node, BAD_CAST "name");
    if (!name || !name[0]) {
        xmlFree(name);
        return parse_error(spec, path, node, "%s", "<Option> needs a name attribute");
    }
    rc = leaf_text(spec, path, node, &value);
    if (rc == HM_OK) {
        rc = hm_spec_set(spec, (const char *)name, value);
        if (rc == HM_EINVAL) {
            /* Same message, now pointing into the descriptor. */
            char msg[sizeof(spec->ctx->err_message)];

            memcpy(msg, spec->ctx->err_message, sizeof(msg));
            HM_RAISE(spec->ctx, rc, path, xmlGetLineNo(node), -1, "%s", msg);
        }
    }
    hm_ctx__free(spec->ctx, value);
    xmlFree(name);
    return rc;
}

static int apply_document(hm_spec *spec, const char *path, const xmlDoc *doc)
{
    const xmlNode *root = xmlDocGetRootElement(doc);
    const xmlNode *c, *source_node = NULL;
    char *source = NULL;
    int rc = HM_OK;

    if (!root)
        return parse_error(spec, path, NULL, "%s", "no root element");
    if (!xmlStrEqual(root->name, BAD_CAST HM_DESCRIPTOR_ROOT))
        return parse_error(spec, path, root, "root element is <%s>, expected <HeatmapDataset>",
                           (const char *)root->name);
    if (root->properties)
        return parse_error(spec, path, root, "<HeatmapDataset> has an unknown attribute '%s'",
                           (const char *)root->properties->name);
    for (c = root->children; c && rc == HM_OK; c = c->next) {
        switch (c->type) {
        case XML_ELEMENT_NODE:
            if (xmlStrEqual(c->name, BAD_CAST "Option")) {
                rc = apply_option(spec, path, c);
            } else if (xmlStrEqual(c->name, BAD_CAST "Source")) {
                if (source_node)
                    rc = parse_error(spec, path, c, "%s", "more than one <Source>");
                else if (c->properties)
                    rc = parse_error(spec, path, c, "<Source> has an unknown attribute '%s'",
                                     (const char *)c->properties->name);
                else if ((rc = leaf_text(spec, path, c, &source)) == HM_OK && !source[0])
                    rc = parse_error(spec, path, c, "%s", "<Source> is empty");
                source_node = c;
            } else {
                rc = parse_error(spec, path, c,
                                 "unknown element <%s> (expected <Source> or <Option>)",
                                 (const char *)c->name);
            }
            break;
        case XML_TEXT_NODE:
        case XML_CDATA_SECTION_NODE:
            if (!is_blank(c->content))
                rc = HM_RAISE(spec->ctx, HM_EPARSE, path, text_line(c), -1, "%s",
                              "text outside <Source> and <Option> elements");
            break;
        default: /* comments, processing instructions */
            break;
        }
    }
    if (rc == HM_OK && !source_node)
        rc = parse_error(spec, path, root, "%s", "missing <Source> element");
    if (rc == HM_OK)
        rc = set_source(spec, path, source);
    hm_ctx__free(spec->ctx, source);
    return rc;
}

int hm_spec_parse_descriptor(hm_spec *spec, const char *descriptor_path, const void *buf,
                             size_t len)
{
    const char *path = descriptor_path ? descriptor_path : "";
    xmlParserCtxtPtr ctxt;
    desc_diag diag;
    xmlDocPtr doc;
    long line;
    int rc;

    assert(spec && (buf || !len));
    if (len == 0)
        return HM_RAISE(spec->ctx, HM_EPARSE, path, 0, -1, "empty descriptor");
    if ((uint64_t)len > HM_DESCRIPTOR_MAX)
        return HM_RAISE(spec->ctx, HM_EPARSE, path, 0, -1, "descriptor larger than 1 MiB");
    if (check_utf8(buf, len, &line) != 0)
        return HM_RAISE(spec->ctx, HM_EPARSE, path, line, -1,
                        "descriptor is not UTF-8 text");
    hm_xml__init();
    memset(&diag, 0, sizeof(diag));
    ctxt = xmlCreateMemoryParserCtxt(buf, (int)len);
    if (!ctxt)
        return HM_RAISE_NOMEM(spec->ctx);
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_IGNORE_ENC);
    ctxt->_private = &diag;
    ctxt->sax->serror = desc_serror;
    ctxt->sax->internalSubset = desc_doctype;
    ctxt->sax->externalSubset = NULL;
    ctxt->sax->resolveEntity = NULL;
    xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8);
    xmlParseDocument(ctxt);
    doc = ctxt->myDoc;
    ctxt->myDoc = NULL;
    if (!diag.failed && !ctxt->wellFormed)
        diag_set(&diag, ctxt->input ? ctxt->input->line : 0, "XML not well-formed");
    xmlFreeParserCtxt(ctxt);
    if (diag.failed)
        rc = HM_RAISE(spec->ctx, HM_EPARSE, path, diag.line, -1, "%s", diag.msg);
    else
        rc = apply_document(spec, path, doc);
    xmlFreeDoc(doc);
    return rc;
}

int hm_spec_read_descriptor(hm_spec *spec, const char *descriptor_path)
{
    hm_strbuf buf = HM_STRBUF_INIT(spec->ctx);
    size_t got;
    hm_stream *in;
    int rc;

    assert(spec && descriptor_path);
    rc = hm_stream__new_file(&in, spec->ctx, descriptor_path, HM_DESCRIPTOR_MAX);
    if (rc != HM_OK)
        return rc;
    for (;;) {
        char *room = hm_strbuf_reserve(&buf, 4096);

        if (!room) {
            rc = HM_ENOMEM; /* raised */
            break;
        }
        if ((rc = hm_stream__read(in, room, 4096, &got)) != HM_OK || got == 0)
            break;
        hm_strbuf_added(&buf, got);
    }
    hm_stream__free(in);
    if (rc == HM_OK)
        rc = hm_spec_parse_descriptor(spec, descriptor_path, buf.s, buf.n);
    hm_strbuf_free(&buf);
    return rc;
}

/* ---- sniffing ------------------------------------------------------------- */

static size_t skip_blank(const unsigned char *p, size_t i, size_t len)
{
    while (i < len && hm_xml__is_space(p[i]))
        i++;
    return i;
}

/* Index just after the first occurrence of `end` at or after i, or len. */
static size_t skip_past(const unsigned char *p, size_t i, size_t len, const char *end)
{
    size_t n = strlen(end);

    for (; i + n <= len; i++)
        if (memcmp(p + i, end, n) == 0)
            return i + n;
    return len;
}

int hm_spec_sniff_descriptor(const void *head, size_t len)
{
    static const char root[] = "<" HM_DESCRIPTOR_ROOT;
    const size_t root_len = sizeof(root) - 1;
    const unsigned char *p = head;
    size_t i = 0;

    if (!head)
        return 0;
    if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        i = 3;
    /* Prolog: declaration, comments, processing instructions and a DOCTYPE (which the
     * parser then rejects with a clear message). */
    for (;;) {
        i = skip_blank(p, i, len);
        if (i + 4 <= len && memcmp(p + i, "<!--", 4) == 0) {
            i = skip_past(p, i + 4, len, "-->");
        } else if (i + 2 <= len && memcmp(p + i, "<?", 2) == 0) {
            i = skip_past(p, i + 2, len, "?>");
        } else if (i + 9 <= len && memcmp(p + i, "<!DOCTYPE", 9) == 0) {
            size_t j = i + 9;

            while (j < len && p[j] != '>' && p[j] != '[')
                j++;
            if (j < len && p[j] == '[')
                j = skip_past(p, j, len, "]");
            i = skip_past(p, j, len, ">");
        } else {
            break;
        }
    }
    if (i + root_len > len || memcmp(p + i, root, root_len) != 0)
        return 0;
    i += root_len;
    return i < len && (p[i] == '>' || p[i] == '/' || hm_xml__is_space(p[i]));
}

/* ---- what a user typed ----------------------------------------------------- */

int hm_spec_parse_source(hm_spec *spec, const char *text)
{
    assert(spec && text);
    if (hm_text__starts_with_ci(text, HM_CONNECTION_PREFIX))
        return hm_spec_parse_connection(spec, text);
    /* A file whose content is a descriptor is one; anything else (a folder, an activity
     * file, a path that does not exist yet) is the source itself, and opening the
     * raster reports what is wrong with it. */
    if (is_descriptor_file(spec, text))
        return hm_spec_read_descriptor(spec, text);
    return hm_spec_set_path(spec, text);
}

/* ---- writing ------------------------------------------------------------- */

/* Text as XML character data (element content, so quotes stay): markup escaped, and
 * CR kept as a reference (a parser turns a raw CR into LF). */
static void put_escaped(hm_strbuf *b, const char *s, size_t len)
{
    const char *end = s + len;

    for (; s < end; s++) {
        switch (*s) {
        case '&': hm_strbuf_puts(b, "&amp;"); break;
        case '<': hm_strbuf_puts(b, "&lt;"); break;
        case '>': hm_strbuf_puts(b, "&gt;"); break;
        case '\r': hm_strbuf_puts(b, "&#13;"); break;
        default: hm_strbuf_put(b, s, 1); break;
        }
    }
}

/*
 * NULL when text can be written so that it reads back the same: UTF-8,
 * no character XML 1.0 cannot hold (controls other than tab, LF, CR), no
 * white space at either end (the reader trims); else what is wrong.
 */
static const char *unwritable(const char *text, size_t len)
{
    size_t i;
    long line;

    if (check_utf8((const unsigned char *)text, len, &line) != 0)
        return "is not UTF-8 text";
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            return "holds a control character";
    }
    if (len && (hm_text__is_space(text[0]) || hm_text__is_space(text[len - 1])))
        return "starts or ends with white space";
    return NULL;
}

int hm_spec_write_descriptor(char **out, hm_ctx *ctx, const hm_spec *spec)
{
    hm_strbuf b = HM_STRBUF_INIT(ctx);
    const char *why;
    size_t i, n = hm_spec_get_option_count();

    assert(out && spec);
    *out = NULL;
    if (!spec->path)
        return HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1, "no source path to write");
    if ((why = unwritable(spec->path, strlen(spec->path))) != NULL)
        return HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1,
                        "the source path %s: it cannot be written to a descriptor", why);
    hm_strbuf_puts(&b, "<" HM_DESCRIPTOR_ROOT ">\n  <Source>");
    put_escaped(&b, spec->path, strlen(spec->path));
    hm_strbuf_puts(&b, "</Source>\n");
    for (i = 0; i < n; i++) {
        const hm_option_info *o = hm_spec_get_option(i);
        const char *v = hm_spec__get_text(spec, i);
        size_t len;

        if (!v)
            continue;
        /* Setters trim values, so the trimmed text means the same. */
        len = strlen(v);
        v = hm_text__trim(v, &len);
        if (o->default_value && hm_text__equal_ci(v, len, o->default_value))
            continue;
        if ((why = unwritable(v, len)) != NULL) {
            hm_strbuf_free(&b);
            return HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1,
                            "the value of %s %s: it cannot be written to a descriptor", o->name,
                            why);
        }
        hm_strbuf_puts(&b, "  <Option name=\"");
        hm_strbuf_puts(&b, o->name);
        hm_strbuf_puts(&b, "\">");
        put_escaped(&b, v, len);
        hm_strbuf_puts(&b, "</Option>\n");
    }
    hm_strbuf_puts(&b, "</" HM_DESCRIPTOR_ROOT ">\n");
    return hm_strbuf_detach(&b, out);
}
