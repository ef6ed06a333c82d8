/* SPDX-License-Identifier: MIT */
/*
 * CUnit entry point of the apps/ tests: the option parser is not part of the
 * engine library, so it is linked into this program of its own rather than
 * into hm_cunit.
 */
#include <CUnit/Basic.h>

void hm_test_opt_suite(void);

int main(void)
{
    unsigned failed;

    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    hm_test_opt_suite();
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
