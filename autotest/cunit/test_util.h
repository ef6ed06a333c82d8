/* SPDX-License-Identifier: MIT */
/* Shared helpers for the CUnit suites: suite declarations and small checks. */
#ifndef HM_TEST_UTIL_H
#define HM_TEST_UTIL_H

#include <CUnit/CUnit.h>
#include <math.h>

#include <heatmap.h>

void hm_test_units_suite(void);
void hm_test_activity_suite(void);
void hm_test_source_suite(void);
void hm_test_stream_suite(void);
void hm_test_gpx_suite(void);
void hm_test_tcx_suite(void);
void hm_test_fit_suite(void);
void hm_test_fit_crc_suite(void);
void hm_test_corpus_suite(void);
void hm_test_spec_suite(void);
void hm_test_descriptor_suite(void);
void hm_test_clean_suite(void);
void hm_test_sport_suite(void);
void hm_test_project_suite(void);
void hm_test_rtree_suite(void);
void hm_test_lod_suite(void);
void hm_test_index_suite(void);
void hm_test_grid_suite(void);
void hm_test_render_suite(void);
void hm_test_raster_suite(void);
void hm_test_query_suite(void);
void hm_test_memo_suite(void);
void hm_test_pool_suite(void);
void hm_test_text_suite(void);
void hm_test_time_suite(void);
void hm_test_strbuf_suite(void);
void hm_test_palette_suite(void);
void hm_test_normalize_suite(void);
void hm_test_glow_suite(void);
void hm_test_stats_suite(void);
void hm_test_style_suite(void);
void hm_test_png_suite(void);
void hm_test_spill_suite(void);
void hm_test_pyramid_suite(void);
void hm_test_xml_scan_suite(void);

/* Register a suite and its tests; tests is a NULL-name-terminated CU_TestInfo array. */
void hm_test_add_suite(const char *name, CU_TestInfo *tests);

/* A NaN-aware equality check within tol. */
#define HM_ASSERT_NEAR(actual, expected, tol) \
    CU_ASSERT_DOUBLE_EQUAL((actual), (expected), (tol))
#define HM_ASSERT_NAN(x) CU_ASSERT(isnan(x))

/* A `*_parse_buffer` entry point (hm_gpx_parse_buffer, ...). */
typedef int (*hm_test_parse_fn)(hm_file **out, hm_ctx *ctx, const char *path, const void *buf,
                                size_t len);

/* Parse a document that must read with HM_OK; returns the file (free it). */
hm_file *hm_test_parse_ok(hm_ctx *ctx, hm_test_parse_fn parse, const char *path, const char *doc,
                          size_t len);

/* Parse a document that must fail with `code` (no file, error on ctx naming path);
 * returns the context's error. */
const hm_error *hm_test_parse_fail(hm_ctx *ctx, hm_test_parse_fn parse, const char *path,
                                   const char *doc, size_t len, int code);

/* 1 when f has a warning containing needle (at that line; 0 = any line); lists them if not. */
int hm_test_has_warning(const hm_file *f, const char *needle, long line);

/* XML corpus helpers (defined in io/test_gpx.c, used by the GPX and TCX suites). */
unsigned char *hm_test_xml_read_any(const char *path, size_t *len);
size_t hm_test_xml_positioned(const hm_file *f);
long hm_test_xml_manifest_points(const char *rel);
size_t hm_test_xml_dropped(const hm_file *f);
void hm_test_xml_check_folder(const char *sub, hm_test_parse_fn parse);

/* Read a whole file into memory (malloc'd); NULL on failure. */
unsigned char *hm_test_slurp(const char *path, size_t *len);

/* An allocator that fails one chosen allocation, for allocation-failure sweeps: count the
 * allocations of a good run (count), then rerun with fail_at = 0 .. count - 1. */
typedef struct hm_test_alloc {
    long fail_at; /* 0-based number of the allocation (malloc or realloc) that fails; -1 never */
    long count;   /* allocations so far */
    long live;    /* blocks not yet freed */
    int sticky;   /* nonzero: allocation fail_at and every one after it fail */
} hm_test_alloc;

/* An hm_allocator over libc that counts into t and fails allocation t->fail_at; t must outlive
 * every context made with it. */
hm_allocator hm_test_alloc_make(hm_test_alloc *t);

/* 1 when ../shared/testdata exists; otherwise prints a skip note once and returns 0. */
int hm_test_have_shared(void);

#endif /* HM_TEST_UTIL_H */
