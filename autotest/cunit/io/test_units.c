/* SPDX-License-Identifier: MIT */
/* Tests of src/io/units.c: times, numbers and FIT units, against hand-computed values. */
#include <locale.h>
#include <string.h>

#include "io/units_int.h"
#include "test_util.h"

static double iso(const char *s)
{
    double t = -1.0;
    CU_ASSERT_EQUAL_FATAL(hm_units__parse_iso8601(s, strlen(s), &t), 0);
    return t;
}

static void test_units__iso8601_zones(void)
{
    /* 2017-07-08T15:48:35Z: 17355 days since 1970 (hand: 47 years incl. 12 leap days
     * = 17167, + 188 days to 8 July) */
    HM_ASSERT_NEAR(iso("2017-07-08T15:48:35Z"), 17355 * 86400.0 + 15 * 3600 + 48 * 60 + 35, 0);
    HM_ASSERT_NEAR(iso("1970-01-01T00:00:00Z"), 0.0, 0);
    HM_ASSERT_NEAR(iso("1970-01-01T01:15:00+01:15"), 0.0, 0);
    HM_ASSERT_NEAR(iso("1969-12-31T19:00:00-05:00"), 0.0, 0);
    HM_ASSERT_NEAR(iso("1970-01-01T05:30:00+0530"), 0.0, 0);
    HM_ASSERT_NEAR(iso("1970-01-01T02:00:00+02"), 0.0, 0);
    HM_ASSERT_NEAR(iso("1970-01-01T00:00:00"), 0.0, 0); /* no zone: UTC */
    HM_ASSERT_NEAR(iso("  1970-01-01 00:00:01.250Z \n"), 1.25, 1e-9);
    HM_ASSERT_NEAR(iso("1970-01-01T00:00:00.123456Z"), 0.123456, 1e-9);
    HM_ASSERT_NEAR(iso("2000-02-29T00:00:00Z"), 11016 * 86400.0, 0);
    HM_ASSERT_NEAR(iso("1989-12-31T00:00:00Z"), HM_FIT_EPOCH_OFFSET, 0);
}

static void test_units__iso8601_rejects(void)
{
    const char *bad[] = {"",
                         "2017-07-08",
                         "2017-13-08T00:00:00Z",
                         "2017-02-30T00:00:00Z",
                         "2017-07-08T25:00:00Z",
                         "2017-07-08T10:00:00Zjunk",
                         "2017-07-08T10:00:00+1",
                         "17-07-08T10:00:00Z",
                         "2017-07-08T10:00:00."};
    size_t i;
    double t;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CU_ASSERT_EQUAL(hm_units__parse_iso8601(bad[i], strlen(bad[i]), &t), -1);
}

static void test_units__iso8601_format(void)
{
    char buf[32];

    hm_units__format_iso8601(17355 * 86400.0 + 15 * 3600 + 48 * 60 + 35, buf, sizeof(buf));
    CU_ASSERT_STRING_EQUAL(buf, "2017-07-08T15:48:35Z");
    hm_units__format_iso8601(-1.0, buf, sizeof(buf));
    CU_ASSERT_STRING_EQUAL(buf, "1969-12-31T23:59:59Z");
    hm_units__format_iso8601(NAN, buf, sizeof(buf));
    CU_ASSERT_STRING_EQUAL(buf, "");
}

static double num(const char *s)
{
    double v = -12345.0;
    CU_ASSERT_EQUAL_FATAL(hm_units__parse_double(s, strlen(s), &v), 0);
    return v;
}

static void test_units__parse_double(void)
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
}

static void test_units__parse_double_rejects(void)
{
    const char *bad[] = {"", " ", "abc", "1.2.3", "1,5", "--1", "1e", "e5", "1 2", "."};
    size_t i;
    double v;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CU_ASSERT_EQUAL(hm_units__parse_double(bad[i], strlen(bad[i]), &v), -1);
}

static void test_units__parse_double_ignores_locale(void)
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

static void test_units__fit_units(void)
{
    CU_ASSERT_EQUAL(hm_units__semicircles_to_deg(1 << 30), 90.0);
    CU_ASSERT_EQUAL(hm_units__semicircles_to_deg(-(1 << 29)), -45.0);
    CU_ASSERT_EQUAL(hm_units__semicircles_to_deg(INT32_MIN), -180.0);
    CU_ASSERT_EQUAL(hm_units__fit_time_to_unix(0), 631065600.0);
    CU_ASSERT_EQUAL(hm_units__days_from_civil(1989, 12, 31) * 86400, 631065600);
}

static void test_units__civil_from_days(void)
{
    static const struct {
        int64_t days;
        int64_t y;
        unsigned m, d;
    } cases[] = {{0, 1970, 1, 1},       {-1, 1969, 12, 31},    {19358, 2023, 1, 1},
                 {19782, 2024, 2, 29},  {-719468, 0, 3, 1},    {-7305, 1950, 1, 1},
                 {2932896, 9999, 12, 31}};
    int64_t days, y;
    unsigned m, d;
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        hm_units__civil_from_days(cases[i].days, &y, &m, &d);
        CU_ASSERT_EQUAL(y, cases[i].y);
        CU_ASSERT_EQUAL(m, cases[i].m);
        CU_ASSERT_EQUAL(d, cases[i].d);
    }
    /* The inverse of days_from_civil, day by day over four centuries and more. */
    for (days = -150000; days <= 150000; days++) {
        hm_units__civil_from_days(days, &y, &m, &d);
        if (hm_units__days_from_civil(y, m, d) != days) {
            CU_FAIL("civil_from_days is not the inverse of days_from_civil");
            break;
        }
    }
}

void hm_test_units_suite(void)
{
    static CU_TestInfo tests[] = {
        {"iso8601_zones", test_units__iso8601_zones},
        {"iso8601_rejects", test_units__iso8601_rejects},
        {"iso8601_format", test_units__iso8601_format},
        {"parse_double", test_units__parse_double},
        {"parse_double_rejects", test_units__parse_double_rejects},
        {"parse_double_ignores_locale", test_units__parse_double_ignores_locale},
        {"fit_units", test_units__fit_units},
        {"civil_from_days", test_units__civil_from_days},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("units", tests);
}
