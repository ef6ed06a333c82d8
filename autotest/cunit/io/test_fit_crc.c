/* SPDX-License-Identifier: MIT */
/*
 * Tests of src/io/fit_crc.c: the CRC-16/ARC check value, any split of the
 * input giving the same CRC (the reader feeds it window by window), and the
 * FIT property that data followed by its own CRC checks to 0.
 */
#include <string.h>

#include "io/fit_crc_int.h"
#include "test_util.h"

static void test_fit_crc__check_value(void)
{
    hm_fit_crc_table tab;

    hm_fit__crc_init(&tab);
    /* The catalogued check value of CRC-16/ARC over "123456789". */
    CU_ASSERT_EQUAL(hm_fit__crc_update(&tab, 0, (const unsigned char *)"123456789", 9), 0xBB3D);
    CU_ASSERT_EQUAL(hm_fit__crc_update(&tab, 0, NULL, 0), 0);
    CU_ASSERT_EQUAL(hm_fit__crc_update(&tab, 0x1234, NULL, 0), 0x1234);
}

static void test_fit_crc__any_split(void)
{
    unsigned char data[67], with_crc[69];
    hm_fit_crc_table tab;
    uint16_t whole, crc;
    size_t i, cut;

    hm_fit__crc_init(&tab);
    for (i = 0; i < sizeof(data); i++)
        data[i] = (unsigned char)(i * 37 + 11);
    whole = hm_fit__crc_update(&tab, 0, data, sizeof(data));
    for (cut = 0; cut <= sizeof(data); cut++) {
        crc = hm_fit__crc_update(&tab, 0, data, cut);
        CU_ASSERT_EQUAL(hm_fit__crc_update(&tab, crc, data + cut, sizeof(data) - cut), whole);
    }
    memcpy(with_crc, data, sizeof(data));
    with_crc[sizeof(data)] = (unsigned char)whole;
    with_crc[sizeof(data) + 1] = (unsigned char)(whole >> 8);
    CU_ASSERT_EQUAL(hm_fit__crc_update(&tab, 0, with_crc, sizeof(with_crc)), 0);
}

void hm_test_fit_crc_suite(void)
{
    static CU_TestInfo tests[] = {
        {"check_value", test_fit_crc__check_value},
        {"any_split", test_fit_crc__any_split},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("fit_crc", tests);
}
