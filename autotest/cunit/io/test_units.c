/* SPDX-License-Identifier: MIT */
/* Tests of src/io/units.c: FIT units, against hand-computed values. */
#include "core/time_int.h"
#include "io/units_int.h"
#include "test_util.h"

static void test_units__fit_units(void)
{
    CU_ASSERT_EQUAL(hm_units__semicircles_to_deg(1 << 30), 90.0);
    CU_ASSERT_EQUAL(hm_units__semicircles_to_deg(-(1 << 29)), -45.0);
    CU_ASSERT_EQUAL(hm_units__semicircles_to_deg(INT32_MIN), -180.0);
    CU_ASSERT_EQUAL(hm_units__fit_time_to_unix(0), 631065600.0);
    CU_ASSERT_EQUAL(hm_time__days_from_civil(1989, 12, 31) * 86400, 631065600);
}

void hm_test_units_suite(void)
{
    static CU_TestInfo tests[] = {
        {"fit_units", test_units__fit_units},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("units", tests);
}
