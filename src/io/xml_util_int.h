/* SPDX-License-Identifier: MIT */
/*
 * What GPX and TCX share on top of libxml2: the hardened SAX2 push parser
 * (no network, no entity substitution, no DTD loading, any DOCTYPE internal
 * subset or declaration rejected, a nesting limit), feeding it from an
 * hm_stream in large chunks, the input encoding (BOM, UTF-16, declared
 * legacy encodings: decoded here so that libxml2 only ever sees UTF-8),
 * leading white space before the XML declaration, per-parser error
 * collection with line numbers, leaf text capture and the number/time
 * helpers that count bad values. A reader only classifies elements.
 *
 * Usage: embed an hm_xml in the reader's state, hm_xml__setup() it with the
 * reader's start/end callbacks, hm_xml__parse() the stream, then
 * hm_xml__report() into the builder that is about to be finished. Callbacks
 * run synchronously inside hm_xml__parse(); nothing here is global, so
 * parsers may run on several threads at once.
 */
#ifndef HM_IO_XML_UTIL_INT_H
#define HM_IO_XML_UTIL_INT_H

#include <stddef.h>

#include "io/stream_int.h"
#include "track/builder_int.h"

/* Longest leaf text kept (bytes); longer text is cut and reads as invalid for numbers. */
#define HM_XML_TEXT_MAX 256
/* Deepest element nesting accepted (libxml2's own default limit for the pull parser). */
#define HM_XML_MAX_DEPTH 256

typedef struct hm_xml hm_xml;

/*
 * Element start. `name` is the local name (any prefix and namespace are
 * ignored), NUL-terminated, `len` its length; x->depth is the element's depth
 * (1 for the root). attrs holds nattrs 5-tuples (localname, prefix, URI,
 * value, value end) as libxml2's SAX2 startElementNs passes them; see
 * hm_xml__attr().
 */
typedef void (*hm_xml_start_fn)(hm_xml *x, const char *name, size_t len, int nattrs,
                                const unsigned char **attrs);
/* Element end; x->depth is still the element's depth and x->capture tells whether
 * this element was a captured leaf (see hm_xml__capture()). */
typedef void (*hm_xml_end_fn)(hm_xml *x);

struct _xmlParserCtxt;

struct hm_xml {
    /* set by hm_xml__setup() */
    hm_ctx *ctx;                   /* borrowed; errors are raised here */
    hm_xml_start_fn start;         /* reader's element start */
    hm_xml_end_fn end;             /* reader's element end */
    void *payload;                 /* reader state, for the callbacks */
    /* parse state, read by the callbacks */
    int use_scan;                  /* 1: read with the scanner (xml_scan.c) first */
    struct hm_xml_scan *scan;      /* the scanner while it reads, else NULL */
    struct _xmlParserCtxt *ctxt;   /* libxml2 push parser while it reads, else NULL */
    int depth;                     /* depth of the current element, 1 = root */
    int capture;                   /* reader's code of the leaf being captured, 0 = none */
    size_t text_len;               /* bytes in text */
    int text_cut;                  /* 1 when the leaf text was longer than HM_XML_TEXT_MAX */
    int rc;                        /* first HM_E* code a callback failed with (raised), or HM_OK */
    char text[HM_XML_TEXT_MAX + 1];/* captured leaf text, NUL-terminated */
    /* diagnostics, turned into warnings or an error by hm_xml__report() */
    const char *path;              /* stream path, for raised errors */
    long line_offset;              /* lines dropped before libxml2 saw the input */
    long ws_line;                  /* line of an XML declaration preceded by white space, or 0 */
    int fatal;                     /* 1 when the document stopped being usable */
    int rc_stream;                 /* the stream's error code when reading stopped it, or HM_OK */
    long fatal_line;               /* line of the fatal problem */
    char fatal_msg[256];           /* its description, without the line */
    size_t ns_errors;              /* namespace errors (not fatal in libxml2) */
    long ns_line;                  /* line of the first one */
    char ns_msg[160];              /* text of the first one */
    size_t other_errors;           /* other non-fatal libxml2 errors and warnings */
    long other_line;               /* line of the first one */
    char other_msg[160];           /* text of the first one */
    size_t bad_times;              /* leaf texts that were not ISO 8601 times */
    long bad_time_line;            /* line of the first one */
    size_t bad_numbers;            /* leaf texts that were not numbers */
    long bad_number_line;          /* line of the first one */
    int terminating;               /* 1 while libxml2 is told the input ended */
    int seen_root;                 /* 1 once an element started */
};

/*
 * 1 for white space in XML's grammar (production [3] S: space, tab, CR, LF), for what
 * reads XML bytes before or beside libxml2 (declarations, descriptors' heads, text
 * between elements). Not text white space: values are trimmed with hm_text__trim.
 */
int hm_xml__is_space(unsigned char c);

/* Initialise libxml2 once per process (thread-safe). Never paired with
 * xmlCleanupParser(): a plugin cannot know who else uses libxml2. */
void hm_xml__init(void);

/*
 * Reset x for a new document with the reader's callbacks. scan: read it with
 * the scanner of xml_scan.c (the `scan` argument hm_xml__read() gives the
 * reader), else with libxml2.
 */
void hm_xml__setup(hm_xml *x, hm_ctx *ctx, hm_xml_start_fn start, hm_xml_end_fn end,
                   void *payload, int scan);

/* What hm_xml__parse() returns when the scanner gave up: read it all again with libxml2. */
#define HM_XML_AGAIN 1

/*
 * Parse the whole stream, calling the reader back. Problems in the document,
 * and a stream that fails part-way (I/O, broken gzip, size limit), are only
 * recorded: the document ends there (see hm_xml__report()). Returns HM_OK,
 * HM_ENOMEM, the code a callback passed to hm_xml__fail(), or HM_XML_AGAIN:
 * the reader returns it as it is, with nothing kept.
 */
int hm_xml__parse(hm_xml *x, hm_stream *in);

/* A reader's whole read of one document (its state is made and freed inside). */
typedef int (*hm_xml_read_fn)(hm_file **out, hm_ctx *ctx, hm_stream *in, int scan);

/*
 * How a reader reads: read(..., scan = 1), and when that returns HM_XML_AGAIN
 * (the scanner gave up), the stream rewound and read(..., scan = 0): libxml2
 * reads the document and reports its problems. So a document reads the same
 * whichever parser read it.
 */
int hm_xml__read(hm_file **out, hm_ctx *ctx, hm_stream *in, hm_xml_read_fn read);

/*
 * Tests and benchmarks: 0 makes hm_xml__read() use libxml2 alone, 1 (the
 * default) the scanner first. Process-wide.
 */
void hm_xml__set_scanner(int on);

/* Tests: documents hm_xml__read() gave the scanner that it read, and that it gave up on. */
void hm_xml__scanner_counts(unsigned long *read, unsigned long *gave_up);

/* The parsers' calls into the reader (the SAX2 callbacks, and xml_scan.c). */
void hm_xml__element_start(hm_xml *x, const char *local, size_t len, int nattrs,
                           const unsigned char **attrs);
void hm_xml__element_end(hm_xml *x);
void hm_xml__characters(hm_xml *x, const unsigned char *p, size_t n);

/*
 * Turn what the parse noticed into warnings on b (one per kind, with the
 * count and the first line), or, when the document broke before b got a
 * single point, into an error: HM_EPARSE raised on the context with the path
 * and line ("line 11: XML not well-formed (...)"), or the stream's own error
 * passed up unchanged.
 */
int hm_xml__report(hm_xml *x, hm_builder *b);

/* Line of the current parser position (1-based, in the original input). */
long hm_xml__line(const hm_xml *x);

/* Stop parsing because a callback failed with rc (already raised, e.g. HM_ENOMEM); the
 * parser stops when the callback returns, so it may go on using its arguments. */
void hm_xml__fail(hm_xml *x, int rc);

/* Capture the text of the element just started under the reader's code `field` (> 0). */
static inline void hm_xml__capture(hm_xml *x, int field)
{
    x->capture = field;
    x->text_len = 0;
    x->text_cut = 0;
}

/* The captured text without surrounding white space (not NUL-terminated); NULL when empty. */
const char *hm_xml__text(const hm_xml *x, size_t *len);

/*
 * The captured text as a number: 1 and *out set, 0 when the text is empty
 * (the value is simply missing), -1 when it is not a number (counted for a
 * warning).
 */
int hm_xml__text_double(hm_xml *x, double *out);

/* The captured text as an ISO 8601 time (s since epoch); same returns as hm_xml__text_double(). */
int hm_xml__text_time(hm_xml *x, double *out);

/*
 * Find attribute `name` (local name) among attrs: its value and length, or
 * NULL. Without entity substitution (XML_PARSE_NOENT is off on purpose)
 * libxml2 hands an ampersand in an attribute value over as "&#38;"; values
 * used as text go through hm_xml__decode_amp().
 */
const char *hm_xml__attr(int nattrs, const unsigned char **attrs, const char *name, size_t *len);

/* Store v as *dst (a float point field) unless *dst already holds a value (is not NaN): the
 * first of several elements giving the same quantity wins. */
void hm_xml__set_first(float *dst, double v);

/* Turn every "&#38;" of s into "&", in place; returns the new length. */
size_t hm_xml__decode_amp(char *s, size_t len);

#endif /* HM_IO_XML_UTIL_INT_H */
