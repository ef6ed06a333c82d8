/* SPDX-License-Identifier: MIT */
/*
 * File-level tests over the real corpus in ../shared/testdata/tracks (skipped
 * with a note when it is absent): whole folders through hm_collection_read,
 * and the FIT and GPX copies of one activity agreeing point by point.
 */
#include <math.h>
#include <string.h>

#include "test_util.h"

#define TRACKS HM_SHARED_TESTDATA "/tracks"

static hm_collection *read_folder(hm_ctx *ctx, const char *path)
{
    hm_collection *c = NULL;
    CU_ASSERT_EQUAL(hm_collection_read(&c, ctx, path, NULL), HM_OK);
    return c;
}

static void test_corpus__good_folders_read_cleanly(void)
{
    const char *dirs[] = {TRACKS "/gpx", TRACKS "/tcx", TRACKS "/fit"};
    hm_ctx *ctx;
    size_t d, i;

    if (!hm_test_have_shared())
        return;
    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    for (d = 0; d < 3; d++) {
        hm_collection *c = read_folder(ctx, dirs[d]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(c);
        CU_ASSERT(hm_collection_get_file_count(c) >= 21);
        for (i = 0; i < hm_collection_get_file_count(c); i++) {
            const hm_error *e = hm_file_get_error(hm_collection_get_file(c, i));
            if (e)
                fprintf(stderr, "\n  unexpected error: %s:%ld: %s\n", e->path, e->line,
                        e->message);
            CU_ASSERT_PTR_NULL(e);
        }
        hm_collection_free(c);
    }
    hm_ctx_free(ctx);
}

static void test_corpus__bad_folder_reports_every_file(void)
{
    hm_ctx *ctx;
    hm_collection *c;
    size_t i;

    if (!hm_test_have_shared())
        return;
    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    c = read_folder(ctx, TRACKS "/bad");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(hm_collection_get_file_count(c), 16);
    for (i = 0; i < hm_collection_get_file_count(c); i++) {
        const hm_file *f = hm_collection_get_file(c, i);
        const hm_error *e = hm_file_get_error(f);
        /* Every broken file is either skipped with a reason or read with a warning. */
        CU_ASSERT(e != NULL || hm_file_get_warning_count(f) > 0);
        if (e) {
            CU_ASSERT_STRING_EQUAL(e->path, hm_file_get_path(f));
            CU_ASSERT(strlen(e->message) > 0);
        }
    }
    hm_collection_free(c);
    hm_ctx_free(ctx);
}

/* Points with a position, in order. */
static size_t positioned(const hm_activity *a, const hm_point **out, size_t cap)
{
    const hm_point *p = hm_activity_get_points(a);
    size_t i, n = 0;

    for (i = 0; i < hm_activity_get_point_count(a); i++)
        if (!isnan(p[i].lat) && !isnan(p[i].lon) && n < cap)
            out[n++] = &p[i];
    return n;
}

static void test_corpus__fit_and_gpx_copies_agree(void)
{
    static const hm_point *fp[1024], *gp[1024];
    hm_ctx *ctx;
    hm_file *fit, *gpx;
    size_t nf, ng, i, far = 0, late = 0;

    if (!hm_test_have_shared())
        return;
    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_file_read(&fit, ctx, TRACKS "/fit/sportslib_2067489619.fit", NULL),
                          HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_file_read(&gpx, ctx, TRACKS "/gpx/sportslib_2067489619.gpx", NULL),
                          HM_OK);
    CU_ASSERT_EQUAL_FATAL(hm_file_get_activity_count(fit), 1);
    CU_ASSERT_EQUAL_FATAL(hm_file_get_activity_count(gpx), 1);
    nf = positioned(hm_file_get_activity(fit, 0), fp, 1024);
    ng = positioned(hm_file_get_activity(gpx, 0), gp, 1024);
    CU_ASSERT_EQUAL(nf, 502);
    CU_ASSERT_EQUAL_FATAL(nf, ng);
    for (i = 0; i < nf; i++) {
        if (fabs(fp[i]->lat - gp[i]->lat) > 1e-6 || fabs(fp[i]->lon - gp[i]->lon) > 1e-6)
            far++;
        if (!(fabs(fp[i]->time - gp[i]->time) <= 1.0))
            late++;
    }
    CU_ASSERT_EQUAL(far, 0);
    CU_ASSERT_EQUAL(late, 0);
    CU_ASSERT_STRING_EQUAL(hm_activity_get_sport(hm_file_get_activity(fit, 0)), "running");
    hm_file_free(fit);
    hm_file_free(gpx);
    hm_ctx_free(ctx);
}

void hm_test_corpus_suite(void)
{
    static CU_TestInfo tests[] = {
        {"good_folders_read_cleanly", test_corpus__good_folders_read_cleanly},
        {"bad_folder_reports_every_file", test_corpus__bad_folder_reports_every_file},
        {"fit_and_gpx_copies_agree", test_corpus__fit_and_gpx_copies_agree},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("corpus", tests);
}
