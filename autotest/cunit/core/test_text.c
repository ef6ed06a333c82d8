/* SPDX-License-Identifier: MIT */
/*
 * Tests of src/core/text.c: the one white space, trimming, ASCII case, lists,
 * numbers (exact values, rejects, any locale), and hm_utf8_length against RFC
 * 3629's table of well-formed sequences (section 4).
 */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <heatmap.h>

#include "core/text_int.h"
#include "test_util.h"

/* U+00A0 NO-BREAK SPACE in UTF-8: not white space. */
#define NBSP "\xc2\xa0"

static void test_text__white_space(void)
{
    static const char space[] = " \t\n\v\f\r";
    int c;

    /* exactly the six of C's isspace() in the "C" locale, and nothing else */
    for (c = 1; c < 256; c++)
        CU_ASSERT_EQUAL(hm_text__is_space((char)c), strchr(space, c) != NULL);
    CU_ASSERT_EQUAL(hm_text__is_space('\0'), 0);
}

static void test_text__trim(void)
{
    static const struct {
        const char *in;
        const char *out;
    } cases[] = {
        {"  a b  ", "a b"},     {"\f\v14\t\r\n", "14"}, {"", ""}, {" \t\n\v\f\r", ""}, {"x", "x"},
        {NBSP "14", NBSP "14"}, /* a no-break space is text */
        {"14" NBSP, "14" NBSP}};
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t len = strlen(cases[i].in);
        const char *s = hm_text__trim(cases[i].in, &len);

        CU_ASSERT_EQUAL(len, strlen(cases[i].out));
        CU_ASSERT_NSTRING_EQUAL(s, cases[i].out, len);
    }
}

static void test_text__case(void)
{
    CU_ASSERT_EQUAL(hm_text__lower('A'), 'a');
    CU_ASSERT_EQUAL(hm_text__lower('z'), 'z');
    CU_ASSERT_EQUAL(hm_text__lower('@'), '@');
    CU_ASSERT_EQUAL(hm_text__lower('['), '[');
    CU_ASSERT_EQUAL(hm_text__lower((char)0xc4), (char)0xc4); /* bytes of UTF-8 as they are */
    /* length-delimited against NUL-terminated */
    CU_ASSERT_TRUE(hm_text__equal_ci("YESno", 3, "yes"));
    CU_ASSERT_TRUE(hm_text__equal_ci("", 0, ""));
    CU_ASSERT_FALSE(hm_text__equal_ci("YE", 2, "yes"));
    CU_ASSERT_FALSE(hm_text__equal_ci("YESS", 4, "yes"));
    CU_ASSERT_FALSE(hm_text__equal_ci("YES", 3, ""));
    CU_ASSERT_FALSE(hm_text__equal_ci("\xc3\x84", 2, "\xc3\xa4")); /* no Unicode folding */
    CU_ASSERT_TRUE(hm_text__starts_with_ci("heatmap:x", HM_CONNECTION_PREFIX));
    CU_ASSERT_TRUE(hm_text__starts_with_ci("HeatMap:", HM_CONNECTION_PREFIX));
    CU_ASSERT_FALSE(hm_text__starts_with_ci("HEATMAP", HM_CONNECTION_PREFIX));
    CU_ASSERT_FALSE(hm_text__starts_with_ci("", "a"));
    CU_ASSERT_TRUE(hm_text__starts_with_ci("", ""));
}

static void test_text__lists(void)
{
    static const struct {
        const char *text;
        char sep;
        const char *items; /* the items joined by '|' */
    } cases[] = {{"a,b,c", ',', "a|b|c"},
                 {" a , b ,c ", ',', "a|b|c"},
                 {"", ',', ""},
                 {"a,", ',', "a|"},
                 {",", ',', "|"},
                 {"a;b,c", ';', "a|b,c"},
                 {"\fx\v;\ty", ';', "x|y"},
                 {"one", ',', "one"}};
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        hm_text_list it;
        const char *item;
        char joined[64] = "";
        size_t len, n = 0;
        int first = 1;

        hm_text__list_init(&it, cases[i].text, strlen(cases[i].text), cases[i].sep);
        while (hm_text__list_next(&it, &item, &len)) {
            n += (size_t)snprintf(joined + n, sizeof(joined) - n, "%s%.*s", first ? "" : "|",
                                  (int)len, item);
            first = 0;
        }
        CU_ASSERT_STRING_EQUAL(joined, cases[i].items);
        CU_ASSERT_FALSE(hm_text__list_next(&it, &item, &len)); /* stays finished */
    }
    {
        /* a length-delimited list stops at its length */
        hm_text_list it;
        const char *item;
        size_t len;

        hm_text__list_init(&it, "a,b,c", 3, ',');
        CU_ASSERT_TRUE(hm_text__list_next(&it, &item, &len) && len == 1 && item[0] == 'a');
        CU_ASSERT_TRUE(hm_text__list_next(&it, &item, &len) && len == 1 && item[0] == 'b');
        CU_ASSERT_FALSE(hm_text__list_next(&it, &item, &len));
    }
}

static void test_text__parse_int(void)
{
    static const struct {
        const char *text;
        int64_t lo, hi;
        int rc;
        int64_t v;
    } cases[] = {
        {"14", 0, 22, HM_OK, 14},
        {" \f\v\t14\r\n", 0, 22, HM_OK, 14},
        {"+7", 0, 22, HM_OK, 7},
        {"-3", -5, 5, HM_OK, -3},
        {"-0", 0, 0, HM_OK, 0},
        {"0000000000000000000000022", 0, 22, HM_OK, 22},
        {"9223372036854775807", INT64_MIN, INT64_MAX, HM_OK, INT64_MAX},
        {"-9223372036854775808", INT64_MIN, INT64_MAX, HM_OK, INT64_MIN},
        {"9223372036854775808", INT64_MIN, INT64_MAX, HM_EINVAL, 0},
        {"-9223372036854775809", INT64_MIN, INT64_MAX, HM_EINVAL, 0},
        {"99999999999999999999999", 0, 22, HM_EINVAL, 0},
        {"23", 0, 22, HM_EINVAL, 0},
        {"-1", 0, 22, HM_EINVAL, 0},
        {"", 0, 22, HM_EINVAL, 0},
        {" ", 0, 22, HM_EINVAL, 0},
        {"+", 0, 22, HM_EINVAL, 0},
        {"1 4", 0, 22, HM_EINVAL, 0},
        {"14x", 0, 22, HM_EINVAL, 0},
        {"0x10", 0, 22, HM_EINVAL, 0},
        {"1.0", 0, 22, HM_EINVAL, 0},
        {"--1", -5, 5, HM_EINVAL, 0},
        {NBSP "14", 0, 22, HM_EINVAL, 0}, /* a no-break space is not white space */
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t v = 12345;
        int rc =
            hm_text_parse_int(&v, cases[i].text, strlen(cases[i].text), cases[i].lo, cases[i].hi);

        CU_ASSERT_EQUAL(rc, cases[i].rc);
        CU_ASSERT_EQUAL(v, rc == HM_OK ? cases[i].v : 12345);
        if (rc != cases[i].rc)
            fprintf(stderr, "\n  hm_text_parse_int('%s') = %d\n", cases[i].text, rc);
    }
    /* length-delimited: what follows len is not read */
    {
        int64_t v = 0;
        CU_ASSERT_EQUAL(hm_text_parse_int(&v, "12345", 2, 0, 100), HM_OK);
        CU_ASSERT_EQUAL(v, 12);
    }
}

static void test_text__parse_uint64(void)
{
    uint64_t v = 0;

    CU_ASSERT_EQUAL(hm_text__parse_uint64(&v, "18446744073709551615", 20, UINT64_MAX), HM_OK);
    CU_ASSERT_EQUAL(v, UINT64_MAX);
    CU_ASSERT_EQUAL(hm_text__parse_uint64(&v, "18446744073709551616", 20, UINT64_MAX), HM_EINVAL);
    CU_ASSERT_EQUAL(hm_text__parse_uint64(&v, " 10 ", 4, 10), HM_OK);
    CU_ASSERT_EQUAL(v, 10);
    CU_ASSERT_EQUAL(hm_text__parse_uint64(&v, "11", 2, 10), HM_EINVAL);
    CU_ASSERT_EQUAL(hm_text__parse_uint64(&v, "5", 1, 0), HM_EINVAL);
    CU_ASSERT_EQUAL(hm_text__parse_uint64(&v, "0", 1, 0), HM_OK);
    CU_ASSERT_EQUAL(hm_text__parse_uint64(&v, "+1", 2, 10), HM_EINVAL);
    CU_ASSERT_EQUAL(hm_text__parse_uint64(&v, "-1", 2, 10), HM_EINVAL);
}

static double num(const char *s)
{
    double v = -12345.0;
    CU_ASSERT_EQUAL_FATAL(hm_text__parse_double(&v, s, strlen(s)), HM_OK);
    return v;
}

static void test_text__parse_double(void)
{
    /* Exact decimal-to-binary results: compare against the compiler's literals. */
    CU_ASSERT_EQUAL(num("46.0500123"), 46.0500123);
    CU_ASSERT_EQUAL(num("-8.0473560"), -8.0473560);
    CU_ASSERT_EQUAL(num("0.0005"), 0.0005);
    CU_ASSERT_EQUAL(num("+12"), 12.0);
    CU_ASSERT_EQUAL(num(" 1e3 "), 1000.0);
    CU_ASSERT_EQUAL(num("2.5E-2"), 0.025);
    CU_ASSERT_EQUAL(num("000123.4500"), 123.45);
    CU_ASSERT_EQUAL(num(".5"), 0.5);
    CU_ASSERT_EQUAL(num("5."), 5.0);
    /* more than 15 significant digits goes the slow, exact way */
    CU_ASSERT_EQUAL(num("46.05001234567890123"), 46.05001234567890123);
    CU_ASSERT_EQUAL(num("1e-30"), 1e-30);
    /* the one white space, all six characters, on both sides */
    CU_ASSERT_EQUAL(num("\f\v\t100\r\n "), 100.0);
}

static void test_text__parse_double_rejects(void)
{
    const char *bad[] = {"",    " ", "abc",    "1.2.3",  "1,5",  "--1", "1e", "e5",
                         "1 2", ".", NBSP "1", "1" NBSP, "0x10", "inf", "nan"};
    size_t i;
    double v;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CU_ASSERT_EQUAL(hm_text__parse_double(&v, bad[i], strlen(bad[i])), HM_EINVAL);
}

static void test_text__parse_double_ignores_locale(void)
{
    /* A locale with a decimal comma must not change how "48.1" reads. */
    const char *old = setlocale(LC_NUMERIC, NULL);
    char saved[64];

    snprintf(saved, sizeof(saved), "%s", old ? old : "C");
    if (setlocale(LC_NUMERIC, "de_DE.UTF-8") || setlocale(LC_NUMERIC, "fr_FR.UTF-8")) {
        CU_ASSERT_EQUAL(num("48.1"), 48.1);
        CU_ASSERT_EQUAL(num("48.12345678901234567"), 48.12345678901234567);
    }
    setlocale(LC_NUMERIC, saved);
}

static size_t len_of(const char *s) { return hm_utf8_length(s, strlen(s) ? strlen(s) : 1); }

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
    CU_ASSERT_EQUAL(len_of("\xe2\x82"), 0); /* cut short by the NUL */
    CU_ASSERT_EQUAL(len_of("\xc3"
                           "a"),
                    0); /* not a continuation */
    /* Cut short by the bytes available, whatever follows them. */
    CU_ASSERT_EQUAL(hm_utf8_length("\xe2\x82\xac", 2), 0);
    CU_ASSERT_EQUAL(hm_utf8_length("\xe2\x82\xac", 3), 3);
    CU_ASSERT_EQUAL(hm_utf8_length("a", 0), 0);
}

void hm_test_text_suite(void)
{
    static CU_TestInfo tests[] = {
        {"test_text__white_space", test_text__white_space},
        {"test_text__trim", test_text__trim},
        {"test_text__case", test_text__case},
        {"test_text__lists", test_text__lists},
        {"test_text__parse_int", test_text__parse_int},
        {"test_text__parse_uint64", test_text__parse_uint64},
        {"test_text__parse_double", test_text__parse_double},
        {"test_text__parse_double_rejects", test_text__parse_double_rejects},
        {"test_text__parse_double_ignores_locale", test_text__parse_double_ignores_locale},
        {"test_text__utf8_well_formed", test_text__utf8_well_formed},
        {"test_text__utf8_ill_formed", test_text__utf8_ill_formed},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("text", tests);
}
