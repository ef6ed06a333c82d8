/* SPDX-License-Identifier: MIT */
/*
 * CUnit entry point: only a list of suites. Each test file registers its
 * own suite (hm_test_<mod>_suite), mirroring src/ file for file.
 */
#include <CUnit/Basic.h>
#include <stdio.h>

#include "test_util.h"

int main(int argc, char **argv)
{
    unsigned failed;

    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    hm_test_units_suite();
    hm_test_activity_suite();
    hm_test_source_suite();
    hm_test_stream_suite();
    /* the reader suites */
    hm_test_gpx_suite();
    hm_test_tcx_suite();
    hm_test_fit_suite();
    hm_test_fit_crc_suite();
    hm_test_corpus_suite();
    hm_test_spec_suite();
    hm_test_descriptor_suite();
    hm_test_clean_suite();
    hm_test_sport_suite();
    hm_test_project_suite();
    hm_test_rtree_suite();
    hm_test_lod_suite();
    hm_test_index_suite();
    hm_test_grid_suite();
    hm_test_render_suite();
    hm_test_raster_suite();
    hm_test_query_suite();
    hm_test_memo_suite();
    hm_test_pool_suite();
    hm_test_text_suite();
    hm_test_time_suite();
    hm_test_strbuf_suite();
    hm_test_palette_suite();
    hm_test_normalize_suite();
    hm_test_glow_suite();
    hm_test_stats_suite();
    hm_test_style_suite();
    hm_test_png_suite();
    hm_test_spill_suite();
    hm_test_pyramid_suite();
    hm_test_xml_scan_suite();

    CU_basic_set_mode(CU_BRM_VERBOSE);
    if (argc > 1)
        CU_basic_run_suite(CU_get_suite(argv[1]));
    else
        CU_basic_run_tests();
    failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
