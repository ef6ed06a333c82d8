/* SPDX-License-Identifier: MIT */
/*
 * Tests of src/core/time.c: the calendar, ISO 8601 parsing and the one
 * formatter, against hand-computed values.
 */
#include <string.h>

#include "core/time_int.h"
#include "test_util.h"

static double iso(const char *s)
{
    double t = -1.0;
    CU_ASSERT_EQUAL_FATAL(hm_time__parse_iso8601(&t, s, strlen(s)), HM_OK);
    return t;
}

static void test_time__iso8601_zones(void)
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
    HM_ASSERT_NEAR(iso("1989-12-31T00:00:00Z"), 631065600.0, 0);
    /* the one white space: all six ASCII characters around it */
    HM_ASSERT_NEAR(iso("\f\v\t1970-01-01T00:00:02Z\r\n "), 2.0, 0);
}

static void test_time__iso8601_rejects(void)
{
    const char *bad[] = {"",
                         "2017-07-08",
                         "2017-13-08T00:00:00Z",
                         "2017-02-30T00:00:00Z",
                         "2017-07-08T25:00:00Z",
                         "2017-07-08T10:00:00Zjunk",
                         "2017-07-08T10:00:00+1",
                         "17-07-08T10:00:00Z",
                         "2017-07-08T10:00:00.",
                         "\xc2\xa0" /* a no-break space is text */
                         "2017-07-08T10:00:00Z"};
    size_t i;
    double t;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CU_ASSERT_EQUAL(hm_time__parse_iso8601(&t, bad[i], strlen(bad[i])), HM_EINVAL);
}

static void test_time__iso8601_format(void)
{
    char buf[32];

    CU_ASSERT_EQUAL(
        hm_time_format_iso8601(buf, sizeof(buf), 17355 * 86400.0 + 15 * 3600 + 48 * 60 + 35), 20);
    CU_ASSERT_STRING_EQUAL(buf, "2017-07-08T15:48:35Z");
    hm_time_format_iso8601(buf, sizeof(buf), -1.0);
    CU_ASSERT_STRING_EQUAL(buf, "1969-12-31T23:59:59Z");
    CU_ASSERT_EQUAL(hm_time_format_iso8601(buf, sizeof(buf), NAN), 0);
    CU_ASSERT_STRING_EQUAL(buf, "");
}

static void test_time__format_floors_to_the_second(void)
{
    char buf[HM_TIME_ISO8601_SIZE];

    /* 23:59:59.7 is still that day: never rounded up into the next one */
    hm_time_format_iso8601(buf, sizeof(buf), 86400.0 - 0.3);
    CU_ASSERT_STRING_EQUAL(buf, "1970-01-01T23:59:59Z");
    hm_time_format_iso8601(buf, sizeof(buf), -0.5);
    CU_ASSERT_STRING_EQUAL(buf, "1969-12-31T23:59:59Z");
    hm_time_format_iso8601(buf, sizeof(buf), 1.999);
    CU_ASSERT_STRING_EQUAL(buf, "1970-01-01T00:00:01Z");
}

static void test_time__format_range(void)
{
    char buf[HM_TIME_ISO8601_SIZE], small[11];

    CU_ASSERT_EQUAL(hm_time_format_iso8601(buf, sizeof(buf), -62167219200.0), 20);
    CU_ASSERT_STRING_EQUAL(buf, "0000-01-01T00:00:00Z");
    CU_ASSERT_EQUAL(hm_time_format_iso8601(buf, sizeof(buf), 253402300799.0), 20);
    CU_ASSERT_STRING_EQUAL(buf, "9999-12-31T23:59:59Z");
    /* beyond four digits of year, infinities: not a time */
    CU_ASSERT_EQUAL(hm_time_format_iso8601(buf, sizeof(buf), -62167219200.5), 0);
    CU_ASSERT_STRING_EQUAL(buf, "");
    CU_ASSERT_EQUAL(hm_time_format_iso8601(buf, sizeof(buf), 253402300800.0), 0);
    CU_ASSERT_EQUAL(hm_time_format_iso8601(buf, sizeof(buf), INFINITY), 0);
    CU_ASSERT_EQUAL(hm_time_format_iso8601(buf, sizeof(buf), -INFINITY), 0);
    /* cut to the size given, as snprintf, with the full length returned */
    CU_ASSERT_EQUAL(hm_time_format_iso8601(small, sizeof(small), 0.0), 20);
    CU_ASSERT_STRING_EQUAL(small, "1970-01-01");
    CU_ASSERT_EQUAL(hm_time_format_iso8601(NULL, 0, 0.0), 20);
}

static void test_time__parse_date(void)
{
    static const struct {
        const char *text;
        int rc;
        int64_t days;
    } cases[] = {{"1970-01-01", HM_OK, 0},           {" 2020-01-01\f", HM_OK, 18262},
                 {"2000-02-29", HM_OK, 11016},       {"1969-12-31", HM_OK, -1},
                 {"2017-02-29", HM_EINVAL, 0},       {"1900-02-29", HM_EINVAL, 0},
                 {"2020-13-01", HM_EINVAL, 0},       {"2020-00-01", HM_EINVAL, 0},
                 {"2020-01-00", HM_EINVAL, 0},       {"2020-1-01", HM_EINVAL, 0},
                 {"2020-01-01T00:00", HM_EINVAL, 0}, {"", HM_EINVAL, 0},
                 {"2020/01/01", HM_EINVAL, 0}};
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t days = 12345;
        int rc = hm_time__parse_date(&days, cases[i].text, strlen(cases[i].text));

        CU_ASSERT_EQUAL(rc, cases[i].rc);
        CU_ASSERT_EQUAL(days, rc == HM_OK ? cases[i].days : 12345);
    }
}

static void test_time__civil_from_days(void)
{
    static const struct {
        int64_t days;
        int64_t y;
        unsigned m, d;
    } cases[] = {{0, 1970, 1, 1},        {-1, 1969, 12, 31}, {19358, 2023, 1, 1},
                 {19782, 2024, 2, 29},   {-719468, 0, 3, 1}, {-7305, 1950, 1, 1},
                 {2932896, 9999, 12, 31}};
    hm_time_civil c;
    int64_t days;
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        hm_time__civil_from_days(&c, cases[i].days);
        CU_ASSERT_EQUAL(c.year, cases[i].y);
        CU_ASSERT_EQUAL(c.month, cases[i].m);
        CU_ASSERT_EQUAL(c.day, cases[i].d);
    }
    /* The inverse of days_from_civil, day by day over four centuries and more. */
    for (days = -150000; days <= 150000; days++) {
        hm_time__civil_from_days(&c, days);
        if (hm_time__days_from_civil(c.year, c.month, c.day) != days) {
            CU_FAIL("civil_from_days is not the inverse of days_from_civil");
            break;
        }
    }
    /* A day past the end of its month counts on into the next. */
    CU_ASSERT_EQUAL(hm_time__days_from_civil(2023, 2, 31), hm_time__days_from_civil(2023, 3, 3));
}

static void test_time__civil_from_seconds(void)
{
    hm_time_civil c;

    hm_time__civil_from_seconds(&c, 17355 * 86400 + 15 * 3600 + 48 * 60 + 35);
    CU_ASSERT(c.year == 2017 && c.month == 7 && c.day == 8);
    CU_ASSERT(c.hour == 15 && c.minute == 48 && c.second == 35);
    hm_time__civil_from_seconds(&c, -1); /* before 1970: floored to the day before */
    CU_ASSERT(c.year == 1969 && c.month == 12 && c.day == 31);
    CU_ASSERT(c.hour == 23 && c.minute == 59 && c.second == 59);
    hm_time__civil_from_seconds(&c, -86400);
    CU_ASSERT(c.year == 1969 && c.month == 12 && c.day == 31 && c.hour == 0);
}

void hm_test_time_suite(void)
{
    static CU_TestInfo tests[] = {
        {"test_time__iso8601_zones", test_time__iso8601_zones},
        {"test_time__iso8601_rejects", test_time__iso8601_rejects},
        {"test_time__iso8601_format", test_time__iso8601_format},
        {"test_time__format_floors_to_the_second", test_time__format_floors_to_the_second},
        {"test_time__format_range", test_time__format_range},
        {"test_time__parse_date", test_time__parse_date},
        {"test_time__civil_from_days", test_time__civil_from_days},
        {"test_time__civil_from_seconds", test_time__civil_from_seconds},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("time", tests);
}
