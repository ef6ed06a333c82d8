/* SPDX-License-Identifier: MIT */
/*
 * The GPX and TCX readers' fast path: a scanner for the part of XML that
 * activity files use, calling the readers' callbacks exactly as libxml2's
 * SAX2 parser calls them (xml_util.c): the same elements, local names,
 * attribute values, text and line numbers.
 *
 * Why. libxml2 is general: DTDs, entities, encodings, recovery, a
 * dictionary of names. That generality was most of a cold build's time
 * (half of the CPU time of `heatmap index`), for files that are a few
 * element names repeated millions of times.
 *
 * Exact by construction. The scanner accepts a document only when libxml2
 * would read it without a single error or warning. On anything else it
 * gives up, and the reader reads the document again from its first byte
 * with libxml2 (hm_xml__read), which then reports what is wrong in its own
 * words. Giving up is always correct, only slower. It gives up on:
 *   - any well-formedness error, a truncated document, a second root;
 *   - a DOCTYPE, an entity other than the five predefined ones, a lone CR;
 *   - a name that is not ASCII, an undeclared namespace prefix, a namespace
 *     URI libxml2 would warn about, two attributes with one local name;
 *   - an XML declaration other than version 1.0 (with an optional
 *     encoding and standalone), a processing instruction named xml...;
 *   - a token (tag, text, comment) longer than the reading buffer, more
 *     than SCAN_ATTRS attributes, names or values beyond the fixed space
 *     below, elements nested deeper than HM_XML_MAX_DEPTH;
 *   - a read error.
 * Input that needs decoding (UTF-16, Latin-1) goes to libxml2 from the
 * start (xml_util.c), so the scanner only sees UTF-8, which it validates.
 *
 * Where libxml2 calls back, and with what (libxml2 2.9, SAX2, no entity
 * substitution, XML_PARSE_NOCDATA):
 *   - element start and end at the '>' of the tag (the line reported then
 *     is the line of that '>'); an empty-element tag calls both there;
 *   - text and CDATA content as characters, with CR LF read as LF; entity
 *     and character references decoded;
 *   - attribute values with literal TAB, CR LF, LF as a space each, and
 *     references decoded, except '&' itself, which libxml2 passes as
 *     "&#38;" (the readers decode it: hm_xml__decode_amp); namespace
 *     declarations are not attributes.
 */
#include <pthread.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <libxml/uri.h>

#include "heatmap/util.h"
#include "io/xml_scan_int.h"

/* Bytes for the qualified names of the open elements, each NUL-terminated. */
#define SCAN_NAMES 8192
/* Longest element or attribute name accepted. */
#define SCAN_NAME_MAX 255
/* Attributes of one element. */
#define SCAN_ATTRS 32
/* Bytes for one element's attribute local names and decoded values. */
#define SCAN_BYTES 16384
/* Namespace prefixes declared in scope at once, and their longest name. */
#define SCAN_NS 32
#define SCAN_PREFIX_MAX 63

/* Step results: a construct was read, more bytes are needed, or give up. */
enum { DONE, MORE, GIVE_UP };

typedef struct ns_decl {
    char prefix[SCAN_PREFIX_MAX + 1];
    size_t len;
    int depth;              /* element depth that declared it */
} ns_decl;

/* An attribute as read, before it is checked and passed on. */
typedef struct raw_attr {
    const unsigned char *name;
    size_t len;             /* qualified name length */
    size_t colon;           /* offset of the ':' in name, or 0 */
    const unsigned char *val;
    size_t val_len;
    int plain;              /* 1 when the value is passed as it is */
} raw_attr;

struct hm_xml_scan {
    long line;              /* line of the scanner's position, 1-based */
    int started;            /* 1 once a construct was read */
    int gave_up;            /* 1 once the document must go to libxml2 */
    size_t names_used;      /* bytes used in names */
    /* Open elements (x->depth of them, as hm_xml counts them): their names' offsets in names */
    unsigned short name_at[HM_XML_MAX_DEPTH + 1];
    unsigned short name_len[HM_XML_MAX_DEPTH + 1];
    int nns;                /* declarations in ns */
    ns_decl ns[SCAN_NS];
    raw_attr raw[SCAN_ATTRS];
    const unsigned char *attrs[5 * SCAN_ATTRS]; /* as libxml2 passes them */
    unsigned char bytes[SCAN_BYTES];
    char names[SCAN_NAMES];
};

/* ---- bytes ----------------------------------------------------------------- */

enum {
    C_OK,     /* printable ASCII with no meaning to the scanner */
    C_SP,     /* space or tab */
    C_NL,     /* line feed */
    C_CR,     /* carriage return */
    C_AMP,    /* '&' */
    C_LT,     /* '<' */
    C_RSQB,   /* ']' */
    C_HIGH,   /* the first byte of a multi-byte UTF-8 sequence, or not UTF-8 */
    C_CTL     /* a control character XML does not allow */
};

static unsigned char byte_class[256];
static unsigned char name_class[256]; /* 1: starts a name, 2: continues a name only */

static void tables_init(void)
{
    int c;

    for (c = 0; c < 256; c++) {
        byte_class[c] = c < 0x20 ? C_CTL : c >= 0x80 ? C_HIGH : C_OK;
        name_class[c] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ? 1
                        : (c >= '0' && c <= '9') || c == '.' || c == '-'       ? 2
                                                                                : 0;
    }
    byte_class[' '] = byte_class['\t'] = C_SP;
    byte_class['\n'] = C_NL;
    byte_class['\r'] = C_CR;
    byte_class['&'] = C_AMP;
    byte_class['<'] = C_LT;
    byte_class[']'] = C_RSQB;
}

/* A code point XML 1.0 allows (libxml2's IS_CHAR). */
static int is_xml_char(unsigned long c)
{
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
           (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

/* Length of the well-formed UTF-8 sequence of an XML character at p (< end), or 0: the
 * XML characters are the Unicode scalar values but U+FFFE and U+FFFF (and controls). */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
    size_t n = hm_utf8_length((const char *)p, (size_t)(end - p));

    return n == 3 && p[0] == 0xEF && p[1] == 0xBF && p[2] >= 0xBE ? 0 : n;
}

static size_t utf8_put(unsigned char *out, unsigned long c)
{
    if (c < 0x80) {
        out[0] = (unsigned char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (unsigned char)(0xC0 | (c >> 6));
        out[1] = (unsigned char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (unsigned char)(0xE0 | (c >> 12));
        out[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (unsigned char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | (c >> 18));
    out[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
    out[3] = (unsigned char)(0x80 | (c & 0x3F));
    return 4;
}

/*
 * The reference at p ('&' ... ';', entirely before end): its length, and
 * the character it stands for in *c. 0 when it is not a predefined entity
 * or a character reference to an XML character.
 */
static size_t reference(const unsigned char *p, const unsigned char *end, unsigned long *c)
{
    static const struct {
        const char *name;
        size_t len;
        char c;
    } predefined[] = {{"lt;", 3, '<'}, {"gt;", 3, '>'}, {"amp;", 4, '&'},
                      {"apos;", 5, '\''}, {"quot;", 5, '"'}};
    const unsigned char *q = p + 1;
    size_t i, digits = 0;

    if (q < end && *q == '#') {
        int hex = q + 1 < end && q[1] == 'x';
        unsigned long v = 0;
        for (q += hex ? 2 : 1; q < end && *q != ';' && digits < 8; q++, digits++) {
            unsigned d = *q >= '0' && *q <= '9' ? (unsigned)(*q - '0')
                         : hex && *q >= 'a' && *q <= 'f' ? (unsigned)(*q - 'a' + 10)
                         : hex && *q >= 'A' && *q <= 'F' ? (unsigned)(*q - 'A' + 10)
                                                         : 99;
            if (d == 99)
                return 0;
            v = v * (hex ? 16 : 10) + d;
        }
        if (!digits || digits >= 8 || q >= end || *q != ';' || !is_xml_char(v))
            return 0;
        *c = v;
        return (size_t)(q + 1 - p);
    }
    for (i = 0; i < sizeof(predefined) / sizeof(predefined[0]); i++) {
        if ((size_t)(end - q) >= predefined[i].len &&
            memcmp(q, predefined[i].name, predefined[i].len) == 0) {
            *c = (unsigned char)predefined[i].c;
            return 1 + predefined[i].len;
        }
    }
    return 0;
}

/*
 * Check the characters of [p, end) of a text, comment, processing
 * instruction, CDATA section or attribute value (`refs`: '&' starts a
 * reference; else it is a character), count its line feeds into *lines and
 * say in *plain whether it can be passed on without decoding (no reference,
 * no CR). 0 when the text is not what libxml2 reads without an error.
 */
static int check_chars(const unsigned char *p, const unsigned char *end, int refs,
                       long *lines, int *plain)
{
    const unsigned char *q = p;
    unsigned long c;
    size_t n;

    *plain = 1;
    while (q < end) {
        switch (byte_class[*q]) {
        case C_OK:
        case C_SP:
        case C_RSQB:
        case C_LT:
            q++;
            break;
        case C_NL:
            ++*lines;
            q++;
            break;
        case C_CR:
            /* CR LF is LF; a lone CR is left to libxml2 (its line count differs). */
            if (q + 1 >= end || q[1] != '\n')
                return 0;
            *plain = 0;
            q++;
            break;
        case C_AMP:
            if (!refs) {
                q++;
                break;
            }
            if ((n = reference(q, end, &c)) == 0)
                return 0;
            *plain = 0;
            q += n;
            break;
        case C_HIGH:
            if ((n = utf8_len(q, end)) == 0)
                return 0;
            q += n;
            break;
        default:
            return 0;
        }
    }
    return 1;
}

/* Short names compared in line: a call to memcmp costs more than the loop. */
static int same_bytes(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    size_t i;

    for (i = 0; i < n; i++)
        if (x[i] != y[i])
            return 0;
    return 1;
}

/* ---- names ----------------------------------------------------------------- */

/*
 * A qualified name at p: an ASCII NCName, optionally prefix ':' NCName.
 * DONE with its length in *len and the colon's offset (or 0) in *colon;
 * MORE when it reaches end; GIVE_UP when it is not such a name.
 */
static int qname(const unsigned char *p, const unsigned char *end, size_t *len, size_t *colon)
{
    const unsigned char *q = p;

    *colon = 0;
    if (q >= end)
        return MORE;
    if (name_class[*q] != 1)
        return GIVE_UP;
    for (;;) {
        while (q < end && name_class[*q])
            q++;
        if (q >= end)
            return MORE;
        if (*q != ':')
            break;
        if (*colon || q + 1 >= end)
            return *colon ? GIVE_UP : MORE;
        if (name_class[q[1]] != 1)
            return GIVE_UP;
        *colon = (size_t)(q - p);
        q++;
    }
    /* A name must end at an ASCII delimiter; anything else (UTF-8 names) is libxml2's. */
    if (*q >= 0x80 || (size_t)(q - p) > SCAN_NAME_MAX)
        return GIVE_UP;
    *len = (size_t)(q - p);
    return DONE;
}

/* Skip white space from *q, counting line feeds; MORE at end, GIVE_UP on a lone CR. */
static int skip_space(const unsigned char **q, const unsigned char *end, long *lines)
{
    const unsigned char *p = *q;

    while (p < end && hm_xml__is_space(*p)) {
        if (*p == '\n')
            ++*lines;
        else if (*p == '\r' && (p + 1 >= end || p[1] != '\n'))
            return p + 1 >= end ? MORE : GIVE_UP;
        p++;
    }
    *q = p;
    return p < end ? DONE : MORE;
}

/* ---- namespaces -------------------------------------------------------------- */

static int is_xml_prefix(const unsigned char *p, size_t len)
{
    return len == 3 && memcmp(p, "xml", 3) == 0;
}

static int prefix_declared(const hm_xml_scan *s, const unsigned char *p, size_t len)
{
    int i;

    for (i = s->nns - 1; i >= 0; i--)
        if (s->ns[i].len == len && same_bytes(s->ns[i].prefix, p, len))
            return 1;
    return 0;
}

/*
 * A namespace name libxml2 takes without a word: an absolute URI that its
 * own parser accepts, not the reserved names of xml and xmlns.
 */
static int good_namespace(const unsigned char *v, size_t len)
{
    char uri[1024];
    xmlURIPtr u;
    int ok;

    if (len == 0 || len >= sizeof(uri))
        return 0;
    memcpy(uri, v, len);
    uri[len] = '\0';
    if (strcmp(uri, "http://www.w3.org/XML/1998/namespace") == 0 ||
        strcmp(uri, "http://www.w3.org/2000/xmlns/") == 0)
        return 0;
    u = xmlParseURI(uri);
    ok = u && u->scheme;
    xmlFreeURI(u);
    return ok;
}

/* 1 once the root element has ended: what follows is the epilogue (hm_xml counts). */
static int after_root(const hm_xml *x)
{
    return x->seen_root && x->depth == 0;
}

/* ---- the callbacks --------------------------------------------------------------- */

/* Pass text on to the reader while it captures, decoded as libxml2 does. */
static void emit_text(hm_xml *x, const unsigned char *p, const unsigned char *end, int refs,
                      int plain)
{
    unsigned char buf[256];
    size_t n = 0;

    if (!x->capture)
        return;
    if (plain) {
        hm_xml__characters(x, p, (size_t)(end - p));
        return;
    }
    while (p < end) {
        unsigned long c;
        size_t len;

        if (n + 4 > sizeof(buf)) {
            hm_xml__characters(x, buf, n);
            n = 0;
        }
        if (*p == '\r') {
            p++; /* checked: LF follows */
        } else if (refs && *p == '&') {
            len = reference(p, end, &c);
            p += len;
            n += utf8_put(buf + n, c);
        } else {
            buf[n++] = *p++;
        }
    }
    if (n)
        hm_xml__characters(x, buf, n);
}

static void pop_element(hm_xml *x, hm_xml_scan *s)
{
    hm_xml__element_end(x); /* x->depth is now the parent's */
    while (s->nns > 0 && s->ns[s->nns - 1].depth > x->depth)
        s->nns--;
    s->names_used = s->name_at[x->depth];
}

/*
 * An attribute value as libxml2 passes it: TAB, LF, CR LF each a space,
 * references decoded but '&' written "&#38;". Appended at bytes + *used.
 */
static int decode_value(hm_xml_scan *s, const raw_attr *a, size_t *used)
{
    const unsigned char *p = a->val, *end = a->val + a->val_len;
    unsigned char *out = s->bytes + *used;
    unsigned char *limit = s->bytes + SCAN_BYTES;

    while (p < end) {
        unsigned long c;
        size_t len;

        if (limit - out < 5)
            return 0;
        if (*p == '\r') {
            p++; /* checked: LF follows */
        } else if (*p == '\n' || *p == '\t') {
            *out++ = ' ';
            p++;
        } else if (*p == '&') {
            len = reference(p, end, &c);
            p += len;
            if (c == '&') {
                memcpy(out, "&#38;", 5);
                out += 5;
            } else {
                out += utf8_put(out, c);
            }
        } else {
            *out++ = *p++;
        }
    }
    *used = (size_t)(out - s->bytes);
    return 1;
}

/* ---- constructs -------------------------------------------------------------- */

/* The element start at p ('<' and a name start); on DONE *next is past its '>'. */
static int start_tag(hm_xml *x, hm_xml_scan *s, const unsigned char *p,
                     const unsigned char *end, const unsigned char **next)
{
    const unsigned char *q = p + 1, *name = q;
    size_t len, colon, used = 0;
    long lines = 0;
    int nraw = 0, nattrs = 0, empty, rc, i, j, nns_before = s->nns, depth = x->depth + 1;
    int default_ns = 0;

    if ((rc = qname(q, end, &len, &colon)) != DONE)
        return rc;
    q += len;
    for (;;) {
        int spaced = q < end && hm_xml__is_space(*q);
        raw_attr *a;
        long vlines = 0;
        unsigned char quote;

        if ((rc = skip_space(&q, end, &lines)) != DONE)
            return rc;
        if (*q == '>') {
            empty = 0;
            break;
        }
        if (*q == '/') {
            if (q + 1 >= end)
                return MORE;
            if (q[1] != '>')
                return GIVE_UP;
            empty = 1;
            q++;
            break;
        }
        if (!spaced || nraw == SCAN_ATTRS)
            return GIVE_UP;
        a = &s->raw[nraw++];
        a->name = q;
        if ((rc = qname(q, end, &a->len, &a->colon)) != DONE)
            return rc;
        q += a->len;
        if ((rc = skip_space(&q, end, &lines)) != DONE)
            return rc;
        if (*q++ != '=')
            return GIVE_UP;
        if ((rc = skip_space(&q, end, &lines)) != DONE)
            return rc;
        if (*q != '"' && *q != '\'')
            return GIVE_UP;
        quote = *q;
        a->val = q + 1;
        a->plain = 1;
        /* The common case in one pass: a value of printable ASCII. */
        for (q = a->val; q < end && *q != quote && byte_class[*q] == C_OK; q++)
            ;
        if (q >= end)
            return MORE;
        if (*q != quote) {
            q = memchr(q, quote, (size_t)(end - q));
            if (!q)
                return MORE;
            if (memchr(a->val, '<', (size_t)(q - a->val)) ||
                !check_chars(a->val, q, 1, &vlines, &a->plain))
                return GIVE_UP;
            /* TAB and LF become spaces too. */
            if (vlines || memchr(a->val, '\t', (size_t)(q - a->val)))
                a->plain = 0;
            lines += vlines;
        }
        a->val_len = (size_t)(q - a->val);
        q++;
    }
    /* q is at the tag's '>'. The whole tag is here: check it, then pass it on. */
    if (after_root(x) || depth > HM_XML_MAX_DEPTH)
        return GIVE_UP;
    /* Namespace declarations first: they are in scope for the element's own names. */
    for (i = 0; i < nraw; i++) {
        raw_attr *a = &s->raw[i];
        if (a->colon ? a->colon != 5 || memcmp(a->name, "xmlns", 5) != 0
                     : a->len != 5 || memcmp(a->name, "xmlns", 5) != 0)
            continue;
        if (!a->plain || (a->val_len && !good_namespace(a->val, a->val_len)) ||
            (!a->colon && default_ns++))
            goto give_up;
        if (a->colon) {
            const unsigned char *pfx = a->name + 6;
            size_t plen = a->len - 6;
            if (plen > SCAN_PREFIX_MAX || s->nns == SCAN_NS || !a->val_len ||
                (plen == 3 && memcmp(pfx, "xml", 3) == 0) ||
                (plen == 5 && memcmp(pfx, "xmlns", 5) == 0))
                goto give_up;
            for (j = nns_before; j < s->nns; j++)
                if (s->ns[j].len == plen && memcmp(s->ns[j].prefix, pfx, plen) == 0)
                    goto give_up;
            memcpy(s->ns[s->nns].prefix, pfx, plen);
            s->ns[s->nns].len = plen;
            s->ns[s->nns].depth = depth;
            s->nns++;
        }
        a->len = 0; /* not an attribute */
    }
    /* xml:lang and xml:space values are checked by libxml2, with warnings: its call. */
    if (colon && (is_xml_prefix(name, colon) || !prefix_declared(s, name, colon)))
        goto give_up;
    for (i = 0; i < nraw; i++) {
        raw_attr *a = &s->raw[i];
        const unsigned char *local;
        size_t llen;

        if (!a->len)
            continue;
        local = a->colon ? a->name + a->colon + 1 : a->name;
        llen = a->colon ? a->len - a->colon - 1 : a->len;
        if (a->colon &&
            (is_xml_prefix(a->name, a->colon) || !prefix_declared(s, a->name, a->colon)))
            goto give_up;
        /* Two attributes with one local name: maybe a duplicate, libxml2 decides. */
        for (j = 0; j < i; j++) {
            const raw_attr *b = &s->raw[j];
            size_t bl = b->colon ? b->len - b->colon - 1 : b->len;
            if (b->len && bl == llen &&
                same_bytes(b->colon ? b->name + b->colon + 1 : b->name, local, llen))
                goto give_up;
        }
        if (SCAN_BYTES - used < llen + 1)
            goto give_up;
        s->attrs[5 * nattrs] = s->bytes + used;
        memcpy(s->bytes + used, local, llen);
        used += llen;
        s->bytes[used++] = '\0';
        s->attrs[5 * nattrs + 1] = NULL;
        s->attrs[5 * nattrs + 2] = NULL;
        if (a->plain) {
            s->attrs[5 * nattrs + 3] = a->val;
            s->attrs[5 * nattrs + 4] = a->val + a->val_len;
        } else {
            s->attrs[5 * nattrs + 3] = s->bytes + used;
            if (!decode_value(s, a, &used))
                goto give_up;
            s->attrs[5 * nattrs + 4] = s->bytes + used;
        }
        nattrs++;
    }
    if (SCAN_NAMES - s->names_used < len + 1)
        goto give_up;
    s->name_at[x->depth] = (unsigned short)s->names_used;
    s->name_len[x->depth] = (unsigned short)len;
    memcpy(s->names + s->names_used, name, len);
    s->names[s->names_used + len] = '\0';
    s->names_used += len + 1;
    s->line += lines;
    {
        const char *local = s->names + s->name_at[x->depth] + (colon ? colon + 1 : 0);
        hm_xml__element_start(x, local, colon ? len - colon - 1 : len, nattrs, s->attrs);
    }
    if (empty)
        pop_element(x, s);
    *next = q + 1;
    return DONE;
give_up:
    s->nns = nns_before;
    return GIVE_UP;
}

/* The end tag at p ("</"); on DONE *next is past its '>'. */
static int end_tag(hm_xml *x, hm_xml_scan *s, const unsigned char *p, const unsigned char *end,
                   const unsigned char **next)
{
    const unsigned char *q = p + 2;
    size_t len;
    long lines = 0;
    int rc;

    if (x->depth == 0)
        return GIVE_UP;
    /* The open element's name, then something that cannot continue a name. */
    len = s->name_len[x->depth - 1];
    if ((size_t)(end - q) <= len)
        return MORE;
    if (!same_bytes(q, s->names + s->name_at[x->depth - 1], len) || name_class[q[len]] ||
        q[len] == ':' || q[len] >= 0x80)
        return GIVE_UP;
    q += len;
    if ((rc = skip_space(&q, end, &lines)) != DONE)
        return rc;
    if (*q != '>')
        return GIVE_UP;
    s->line += lines;
    pop_element(x, s);
    *next = q + 1;
    return DONE;
}

/* Find "a b" followed by c from p; NULL when not before end. */
static const unsigned char *find3(const unsigned char *p, const unsigned char *end,
                                  unsigned char a, unsigned char b, unsigned char c)
{
    while (p + 2 < end) {
        const unsigned char *q = memchr(p, a, (size_t)(end - p - 2));
        if (!q)
            return NULL;
        if (q[1] == b && q[2] == c)
            return q;
        p = q + 1;
    }
    return NULL;
}

/* "<!--" at p: a comment, which must not hold "--". */
static int comment(hm_xml_scan *s, const unsigned char *p, const unsigned char *end,
                   const unsigned char **next)
{
    const unsigned char *body = p + 4, *q = body;
    long lines = 0;
    int plain;

    for (;;) {
        q = memchr(q, '-', (size_t)(end - q));
        if (!q || q + 2 >= end)
            return MORE;
        if (q[1] == '-')
            break;
        q++;
    }
    if (q[2] != '>' || !check_chars(body, q, 0, &lines, &plain))
        return GIVE_UP;
    s->line += lines;
    *next = q + 3;
    return DONE;
}

/* "<![CDATA[" at p: its content is text. */
static int cdata(hm_xml *x, hm_xml_scan *s, const unsigned char *p, const unsigned char *end,
                 const unsigned char **next)
{
    const unsigned char *body = p + 9, *q = find3(body, end, ']', ']', '>');
    long lines = 0;
    int plain;

    if (!q)
        return MORE;
    if (x->depth == 0 || !check_chars(body, q, 0, &lines, &plain))
        return GIVE_UP;
    s->line += lines;
    emit_text(x, body, q, 0, plain);
    *next = q + 3;
    return DONE;
}

/* Pseudo-attribute `name = "value"` of an XML declaration at *q, after white space. */
static int decl_attr(const unsigned char **q, const unsigned char *end, const char *name,
                     const unsigned char **val, size_t *len)
{
    const unsigned char *p = *q;
    size_t n = strlen(name);
    long lines = 0;
    unsigned char quote;

    if ((size_t)(end - p) < n || memcmp(p, name, n) != 0)
        return 0;
    p += n;
    if (skip_space(&p, end, &lines) != DONE || *p++ != '=' ||
        skip_space(&p, end, &lines) != DONE || (*p != '"' && *p != '\''))
        return 0;
    quote = *p++;
    *val = p;
    while (p < end && *p != quote)
        p++;
    if (p >= end)
        return 0;
    *len = (size_t)(p - *val);
    *q = p + 1;
    return 1;
}

/* The XML declaration's pseudo-attributes, [p, end) between "<?xml" and "?>". */
static int xml_decl(const unsigned char *p, const unsigned char *end)
{
    const unsigned char *v;
    size_t len, i;
    int spaced;

    if (p >= end || !hm_xml__is_space(*p))
        return 0;
    while (p < end && hm_xml__is_space(*p))
        p++;
    if (!decl_attr(&p, end, "version", &v, &len) || len != 3 || memcmp(v, "1.0", 3) != 0)
        return 0;
    spaced = p < end && hm_xml__is_space(*p);
    while (p < end && hm_xml__is_space(*p))
        p++;
    if (spaced && decl_attr(&p, end, "encoding", &v, &len)) {
        /* Any EncName: libxml2 ignores it (XML_PARSE_IGNORE_ENC), xml_util.c decoded. */
        if (len == 0 || name_class[v[0]] != 1 || v[0] == '_')
            return 0;
        for (i = 1; i < len; i++)
            if (!name_class[v[i]])
                return 0;
        spaced = p < end && hm_xml__is_space(*p);
        while (p < end && hm_xml__is_space(*p))
            p++;
    }
    if (spaced && decl_attr(&p, end, "standalone", &v, &len)) {
        if (!((len == 3 && memcmp(v, "yes", 3) == 0) || (len == 2 && memcmp(v, "no", 2) == 0)))
            return 0;
        while (p < end && hm_xml__is_space(*p))
            p++;
    }
    return p == end;
}

/* "<?" at p: the XML declaration (first in the document) or a processing instruction. */
static int pi(hm_xml_scan *s, const unsigned char *p, const unsigned char *end,
              const unsigned char **next)
{
    const unsigned char *q = p + 2, *close;
    size_t len, colon;
    long lines = 0;
    int rc, plain;

    if ((rc = qname(q, end, &len, &colon)) != DONE)
        return rc;
    for (close = q + len; close + 1 < end && !(close[0] == '?' && close[1] == '>'); close++)
        ;
    if (close + 1 >= end)
        return MORE;
    if (!s->started && len == 3 && memcmp(q, "xml", 3) == 0) {
        if (!xml_decl(q + 3, close) || memchr(q, '\n', (size_t)(close - q)) ||
            memchr(q, '\r', (size_t)(close - q)))
            return GIVE_UP;
    } else {
        if (colon || (len >= 3 && (q[0] | 0x20) == 'x' && (q[1] | 0x20) == 'm' &&
                      (q[2] | 0x20) == 'l'))
            return GIVE_UP;
        if (close > q + len && !hm_xml__is_space(q[len]))
            return GIVE_UP;
        if (!check_chars(q + len, close, 0, &lines, &plain))
            return GIVE_UP;
    }
    s->line += lines;
    *next = close + 2;
    return DONE;
}

#if defined(__SSE2__)
/* Bits set in v: line feeds in 16 bytes, rarely more than one (no POPCNT in baseline x86-64). */
static long bits_set(unsigned v)
{
    long n = 0;

    for (; v; v &= v - 1)
        n++;
    return n;
}
#endif

/*
 * From p, the first byte that is not plain text (printable ASCII but '<',
 * '&', ']'; space, TAB, LF), 16 at a time, counting line feeds; stops
 * early, at most 15 bytes before end (the caller goes on byte by byte).
 */
static const unsigned char *plain_text(const unsigned char *p, const unsigned char *end,
                                       long *lines)
{
#if defined(__SSE2__)
    const __m128i lt = _mm_set1_epi8('<'), amp = _mm_set1_epi8('&'), sqb = _mm_set1_epi8(']');
    const __m128i space = _mm_set1_epi8(0x20), tab = _mm_set1_epi8('\t');
    const __m128i lf = _mm_set1_epi8('\n');

    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i nl = _mm_cmpeq_epi8(v, lf);
        /* below 0x20 as signed bytes: controls, and every byte from 0x80 */
        __m128i low = _mm_andnot_si128(_mm_or_si128(nl, _mm_cmpeq_epi8(v, tab)),
                                       _mm_cmplt_epi8(v, space));
        __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, lt), _mm_cmpeq_epi8(v, amp)),
                                    _mm_or_si128(_mm_cmpeq_epi8(v, sqb), low));
        unsigned m = (unsigned)_mm_movemask_epi8(stop);
        unsigned n = (unsigned)_mm_movemask_epi8(nl);

        if (m) {
            unsigned k = (unsigned)__builtin_ctz(m);
            *lines += bits_set(n & ((1u << k) - 1u));
            return p + k;
        }
        *lines += bits_set(n);
        p += 16;
    }
#else
    (void)end, (void)lines;
#endif
    return p;
}

/* Text from p to the next '<' (or end): checked, passed on while the reader captures. */
static int text(hm_xml *x, hm_xml_scan *s, const unsigned char *p, const unsigned char *end,
                int eof, const unsigned char **next)
{
    const unsigned char *lt, *q;
    long lines = 0;
    int plain = 1;

    if (x->depth > 0) {
        /* The common case in one pass: indentation, or a value without references. */
        q = plain_text(p, end, &lines);
        for (; q < end; q++) {
            unsigned char c = byte_class[*q];
            if (c == C_OK || c == C_SP)
                continue;
            if (c == C_NL) {
                lines++;
                continue;
            }
            break;
        }
        if (q == end && !eof)
            return MORE;
        if (q == end || *q == '<') {
            s->line += lines;
            emit_text(x, p, q, 1, 1);
            *next = q;
            return DONE;
        }
        lines = 0;
    }
    lt = memchr(p, '<', (size_t)(end - p));
    if (!lt) {
        if (!eof)
            return MORE;
        lt = end;
    }
    if (x->depth == 0) {
        /* Outside the root element only white space. */
        for (q = p; q < lt; q++) {
            if (!hm_xml__is_space(*q) || (*q == '\r' && (q + 1 >= lt || q[1] != '\n')))
                return GIVE_UP;
            lines += *q == '\n';
        }
        s->line += lines;
        *next = lt;
        return DONE;
    }
    if (!check_chars(p, lt, 1, &lines, &plain) || find3(p, lt, ']', ']', '>'))
        return GIVE_UP;
    s->line += lines;
    emit_text(x, p, lt, 1, plain);
    *next = lt;
    return DONE;
}

/* ---- entry points ------------------------------------------------------------ */

static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

int hm_xml__scan_new(hm_xml_scan **out, hm_ctx *ctx)
{
    pthread_once(&tables_once, tables_init);
    *out = hm_ctx__malloc(ctx, sizeof(**out));
    if (!*out)
        return HM_RAISE_NOMEM(ctx);
    (*out)->line = 1;
    (*out)->started = 0;
    (*out)->gave_up = 0;
    (*out)->names_used = 0;
    (*out)->nns = 0;
    return HM_OK;
}

void hm_xml__scan_free(hm_ctx *ctx, hm_xml_scan *s)
{
    hm_ctx__free(ctx, s);
}

long hm_xml__scan_line(const hm_xml_scan *s)
{
    return s->line;
}

int hm_xml__scan_gave_up(const hm_xml_scan *s)
{
    return s->gave_up;
}

size_t hm_xml__scan(hm_xml_scan *s, hm_xml *x, const unsigned char *p, size_t n, int eof)
{
    const unsigned char *start = p, *end = p + n, *next = p;
    int rc = DONE;

    while (p < end && !s->gave_up && x->rc == HM_OK) {
        if (*p != '<') {
            rc = text(x, s, p, end, eof, &next);
        } else if (p + 1 >= end) {
            rc = MORE;
        } else if (p[1] == '/') {
            rc = end_tag(x, s, p, end, &next);
        } else if (p[1] == '?') {
            rc = pi(s, p, end, &next);
        } else if (p[1] == '!') {
            if ((size_t)(end - p) < 4)
                rc = MORE;
            else if (p[2] == '-' && p[3] == '-')
                rc = comment(s, p, end, &next);
            else if ((size_t)(end - p) < 9)
                rc = MORE;
            else if (memcmp(p + 2, "[CDATA[", 7) == 0)
                rc = cdata(x, s, p, end, &next);
            else
                rc = GIVE_UP; /* DOCTYPE and the rest of the DTD */
        } else {
            rc = start_tag(x, s, p, end, &next);
        }
        if (rc != DONE)
            break;
        s->started = 1;
        p = next;
    }
    /* A construct cut by the end of the document, or a document that is not one. */
    if (rc == GIVE_UP || (eof && x->rc == HM_OK && (rc == MORE || !after_root(x))))
        s->gave_up = 1;
    return (size_t)(p - start);
}
