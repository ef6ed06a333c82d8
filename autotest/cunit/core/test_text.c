/* SPDX-License-Identifier: MIT */
/* hm_utf8_length against RFC 3629's table of well-formed sequences (section 4). */
#include <string.h>

#include <heatmap.h>

#include "test_util.h"

static size_t len_of(const char *s)
{
    return hm_utf8_length(s, strlen(s) ? strlen(s) : 1);
}

static void test_text__utf8_well_formed(void)
{
    CU_ASSERT_EQUAL(len_of("a"), 1);
    CU_ASSERT_EQUAL(len_of("\x7f"), 1);
    CU_ASSERT_EQUAL(len_of("\xc2\x80"), 2);         /* U+0080 */
    CU_ASSERT_EQUAL(len_of("\xdf\xbf"), 2);         /* U+07FF */
    CU_ASSERT_EQUAL(len_of("\xe0\xa0\x80"), 3);     /* U+0800 */
    CU_ASSERT_EQUAL(len_of("\xed\x9f\xbf"), 3);     /* U+D7FF */
    CU_ASSERT_EQUAL(len_of("\xee\x80\x80"), 3);     /* U+E000 */
    CU_ASSERT_EQUAL(len_of("\xef\xbf\xbf"), 3);     /* U+FFFF */
    CU_ASSERT_EQUAL(len_of("\xf0\x90\x80\x80"), 4); /* U+10000 */
    CU_ASSERT_EQUAL(len_of("\xf4\x8f\xbf\xbf"), 4); /* U+10FFFF */
    CU_ASSERT_EQUAL(len_of("\xc3\xa9tude"), 2);     /* only the sequence at the start */
}

static void test_text__utf8_ill_formed(void)
{
    CU_ASSERT_EQUAL(len_of("\x80"), 0);             /* stray continuation */
    CU_ASSERT_EQUAL(len_of("\xc0\xaf"), 0);         /* overlong '/' */
    CU_ASSERT_EQUAL(len_of("\xc1\xbf"), 0);         /* overlong */
    CU_ASSERT_EQUAL(len_of("\xe0\x80\xaf"), 0);     /* overlong, 3 bytes */
    CU_ASSERT_EQUAL(len_of("\xed\xa0\x80"), 0);     /* surrogate U+D800 */
    CU_ASSERT_EQUAL(len_of("\xf0\x80\x80\xaf"), 0); /* overlong, 4 bytes */
    CU_ASSERT_EQUAL(len_of("\xf4\x90\x80\x80"), 0); /* U+110000 */
    CU_ASSERT_EQUAL(len_of("\xf5\x80\x80\x80"), 0);
    CU_ASSERT_EQUAL(len_of("\xff"), 0);
    CU_ASSERT_EQUAL(len_of("\xe2\x82"), 0);         /* cut short by the NUL */
    CU_ASSERT_EQUAL(len_of("\xc3" "a"), 0);         /* not a continuation */
    /* Cut short by the bytes available, whatever follows them. */
    CU_ASSERT_EQUAL(hm_utf8_length("\xe2\x82\xac", 2), 0);
    CU_ASSERT_EQUAL(hm_utf8_length("\xe2\x82\xac", 3), 3);
    CU_ASSERT_EQUAL(hm_utf8_length("a", 0), 0);
}

void hm_test_text_suite(void)
{
    static CU_TestInfo tests[] = {
        {"test_text__utf8_well_formed", test_text__utf8_well_formed},
        {"test_text__utf8_ill_formed", test_text__utf8_ill_formed},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("text", tests);
}
