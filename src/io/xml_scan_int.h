/* SPDX-License-Identifier: MIT */
/*
 * The XML scanner of xml_scan.c: the fast path under hm_xml__parse().
 */
#ifndef HM_IO_XML_SCAN_INT_H
#define HM_IO_XML_SCAN_INT_H

#include <stddef.h>

#include "io/xml_util_int.h"

typedef struct hm_xml_scan hm_xml_scan;

/* A scanner at the start of a document (UTF-8, leading white space and BOM dropped). */
int hm_xml__scan_new(hm_xml_scan **out, hm_ctx *ctx);
void hm_xml__scan_free(hm_ctx *ctx, hm_xml_scan *s);

/*
 * Read the constructs that are whole in p[0..n), calling x's callbacks;
 * returns the bytes read. The rest (a construct cut by the end of the
 * buffer) is to be passed again, followed by more. eof: p ends the
 * document. Stops early when a callback failed (x->rc) or when the scanner
 * gave up: then the document must be read again by libxml2.
 */
size_t hm_xml__scan(hm_xml_scan *s, hm_xml *x, const unsigned char *p, size_t n, int eof);

/* 1 once the scanner gave up on the document. */
int hm_xml__scan_gave_up(const hm_xml_scan *s);

/* Line of the scanner's position (1-based, in the bytes it was given). */
long hm_xml__scan_line(const hm_xml_scan *s);

#endif /* HM_IO_XML_SCAN_INT_H */
