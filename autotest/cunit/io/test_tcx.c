/* SPDX-License-Identifier: MIT */
/*
 * Tests of src/io/tcx.c: inline documents through hm_tcx_parse_buffer() with
 * exact expected values, then the corpus against MANIFEST.md. The XML
 * plumbing shared with GPX (encodings, DTDs, nesting) is tested in
 * test_gpx.c; here only its TCX-facing behaviour.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#define TRACKS HM_SHARED_TESTDATA "/tracks"

#define TCX_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define TCX_OPEN                                                                              \
    "<TrainingCenterDatabase xmlns=\"http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2\"" \
    " xmlns:ns3=\"http://www.garmin.com/xmlschemas/ActivityExtension/v2\"\n"                  \
    " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"
#define TCX_CLOSE "</TrainingCenterDatabase>\n"

/* A trackpoint with a position at (lat, lon) and time "2020-01-01T00:00:<ss>Z". */
#define TP(ss, lat, lon)                                                                      \
    "<Trackpoint><Time>2020-01-01T00:00:" ss "Z</Time><Position><LatitudeDegrees>" lat       \
    "</LatitudeDegrees><LongitudeDegrees>" lon "</LongitudeDegrees></Position></Trackpoint>\n"

/* The context of the running test: made on first use, freed by teardown(). */
static hm_ctx *ctx;

static hm_ctx *test_ctx(void)
{
    if (!ctx)
        CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&ctx, NULL), HM_OK);
    return ctx;
}

static void teardown(void)
{
    hm_ctx_free(ctx);
    ctx = NULL;
}

/* Parse a document that must read with HM_OK. */
static hm_file *parse_ok(const char *doc, size_t len)
{
    return hm_test_parse_ok(test_ctx(), hm_tcx_parse_buffer, "t.tcx", doc, len);
}

#define PARSE_OK(doc) parse_ok((doc), sizeof(doc) - 1)

/* Parse a document that must fail; returns the context's error. */
static const hm_error *parse_fail(const char *doc, size_t len, int code)
{
    return hm_test_parse_fail(test_ctx(), hm_tcx_parse_buffer, "t.tcx", doc, len, code);
}

#define PARSE_FAIL(doc, code) parse_fail((doc), sizeof(doc) - 1, (code))

static int has_warning(const hm_file *f, const char *needle, long line)
{
    return hm_test_has_warning(f, needle, line);
}

static const hm_point *points(const hm_activity *a, size_t want)
{
    CU_ASSERT_EQUAL_FATAL(hm_activity_get_point_count(a), want);
    return hm_activity_get_points(a);
}

static void test_tcx__trackpoint_values(void)
{
    static const char doc[] = TCX_HEAD TCX_OPEN
        "<Activities><Activity Sport=\"Biking\">\n"
        "<Id>2013-10-12T18:17:26.000Z</Id>\n"
        "<Lap StartTime=\"2013-10-12T18:17:26.000Z\"><DistanceMeters>180219.88</DistanceMeters>"
        "<AverageHeartRateBpm><Value>150</Value></AverageHeartRateBpm><Cadence>92</Cadence>\n"
        "<Track><Trackpoint>\n"
        "<Time>2013-10-12T18:17:27.250+02:00</Time>\n"
        "<Position><LatitudeDegrees>19.640107546001673</LatitudeDegrees>"
        "<LongitudeDegrees>-155.99701898172498</LongitudeDegrees></Position>\n"
        "<AltitudeMeters>16.5</AltitudeMeters><DistanceMeters>2.25</DistanceMeters>\n"
        "<HeartRateBpm xsi:type=\"HeartRateInBeatsPerMinute_t\"><Value>141</Value></HeartRateBpm>"
        "<Cadence>31</Cadence><SensorState>Present</SensorState>\n"
        "<Extensions><ns3:TPX><ns3:Speed>2.0625</ns3:Speed><ns3:Watts>101</ns3:Watts>"
        "</ns3:TPX></Extensions>\n"
        "</Trackpoint></Track>\n"
        "<Extensions><ns3:LX><ns3:AvgSpeed>9.5</ns3:AvgSpeed><ns3:AvgWatts>200</ns3:AvgWatts>"
        "</ns3:LX></Extensions></Lap>\n"
        "<Creator xsi:type=\"Device_t\"><Name>Garmin Edge 500</Name><UnitId>1</UnitId>"
        "<Version><VersionMajor>3</VersionMajor></Version></Creator>\n"
        "</Activity></Activities>\n"
        "<Author xsi:type=\"Application_t\"><Name>Garmin Connect API</Name></Author>\n" TCX_CLOSE;
    hm_file *f = PARSE_OK(doc);
    const hm_activity *a;
    const hm_point *p;

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(hm_file_get_format(f), HM_FORMAT_TCX);
    CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 0);
    CU_ASSERT_EQUAL_FATAL(hm_file_get_activity_count(f), 1);
    a = hm_file_get_activity(f, 0);
    CU_ASSERT_EQUAL(hm_activity_get_format(a), HM_FORMAT_TCX);
    CU_ASSERT_STRING_EQUAL(hm_activity_get_sport(a), "biking");
    CU_ASSERT_STRING_EQUAL(hm_activity_get_device(a), "Garmin Edge 500");
    HM_ASSERT_NEAR(hm_activity_get_start_time(a), 1381601846.0, 0);
    CU_ASSERT_EQUAL(hm_activity_get_segment_count(a), 1);
    p = points(a, 1);
    HM_ASSERT_NEAR(p[0].time, 1381601847.25 - 7200.0, 1e-6);
    HM_ASSERT_NEAR(p[0].lat, 19.640107546001673, 1e-15);
    HM_ASSERT_NEAR(p[0].lon, -155.99701898172498, 1e-13);
    HM_ASSERT_NEAR(p[0].ele, 16.5, 0);
    HM_ASSERT_NEAR(p[0].distance, 2.25, 0);
    HM_ASSERT_NEAR(p[0].hr, 141, 0);
    HM_ASSERT_NEAR(p[0].cadence, 31, 0);
    HM_ASSERT_NEAR(p[0].speed, 2.0625, 0);
    HM_ASSERT_NEAR(p[0].power, 101, 0);
    HM_ASSERT_NAN(p[0].temperature);
    hm_file_free(f);
    teardown();
}

static void test_tcx__multiple_activities(void)
{
    static const char doc[] = TCX_HEAD TCX_OPEN "<Activities>\n"
        "<Activity Sport=\"Running\"><Id>2020-01-01T00:00:00Z</Id><Lap><Track>"
        TP("00", "46", "14") TP("01", "46.5", "14")
        "</Track></Lap><Creator><Name>FR 305</Name></Creator></Activity>\n"
        "<Activity Sport=\"Other\"><Id>2020-01-02T00:00:00Z</Id><Lap><Track>"
        TP("02", "-33.5", "151") "</Track></Lap></Activity>\n"
        "<Activity Sport=\"Biking\"><Id>2020-01-03T00:00:00Z</Id><Lap></Lap></Activity>\n"
        "<MultiSportSession><Id>2020-01-04T00:00:00Z</Id>"
        "<FirstSport><Activity Sport=\"Running\"><Id>2020-01-04T00:00:00Z</Id><Lap><Track>"
        TP("03", "1", "1") "</Track></Lap></Activity></FirstSport>"
        "<NextSport><Transition/><Activity Sport=\"Biking\"><Id>2020-01-04T01:00:00Z</Id><Lap>"
        "<Track>" TP("04", "2", "2") "</Track></Lap></Activity></NextSport>"
        "</MultiSportSession>\n"
        "</Activities>\n" TCX_CLOSE;
    static const char *const sports[] = {"running", "other", "biking", "running", "biking"};
    static const size_t counts[] = {2, 1, 0, 1, 1};
    static const double starts[] = {1577836800, 1577923200, 1578009600, 1578096000,
                                    1578099600};
    hm_file *f = PARSE_OK(doc);
    size_t i;

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL_FATAL(hm_file_get_activity_count(f), 5);
    for (i = 0; i < 5; i++) {
        const hm_activity *a = hm_file_get_activity(f, i);
        CU_ASSERT_STRING_EQUAL(hm_activity_get_sport(a), sports[i]);
        CU_ASSERT_EQUAL(hm_activity_get_point_count(a), counts[i]);
        HM_ASSERT_NEAR(hm_activity_get_start_time(a), starts[i], 0);
    }
    CU_ASSERT_STRING_EQUAL(hm_activity_get_device(hm_file_get_activity(f, 0)), "FR 305");
    CU_ASSERT_STRING_EQUAL(hm_activity_get_device(hm_file_get_activity(f, 1)), "");
    HM_ASSERT_NEAR(hm_activity_get_points(hm_file_get_activity(f, 1))[0].lat, -33.5, 0);
    hm_file_free(f);
    teardown();
}

static void test_tcx__course(void)
{
    static const char doc[] = TCX_HEAD TCX_OPEN
        "<Folders><Courses><CourseFolder Name=\"x\"><CourseNameRef><Id>ThursRide</Id>"
        "</CourseNameRef></CourseFolder></Courses></Folders>\n"
        "<Courses><Course><Name>ThursRide</Name>"
        "<Lap><TotalTimeSeconds>60</TotalTimeSeconds></Lap>\n"
        "<Track>" TP("00", "34.17", "-118.75") TP("02", "34.18", "-118.76") "</Track>\n"
        "<Track>" TP("04", "34.19", "-118.77") "</Track>\n"
        "<CoursePoint><Name>Turn</Name><Time>2020-01-01T00:00:03Z</Time><Position>"
        "<LatitudeDegrees>1</LatitudeDegrees><LongitudeDegrees>1</LongitudeDegrees></Position>"
        "<PointType>Left</PointType></CoursePoint>\n"
        "</Course></Courses>\n" TCX_CLOSE;
    hm_file *f = PARSE_OK(doc);
    const hm_activity *a;
    const hm_point *p;

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL_FATAL(hm_file_get_activity_count(f), 1);
    a = hm_file_get_activity(f, 0);
    CU_ASSERT_STRING_EQUAL(hm_activity_get_sport(a), "");
    CU_ASSERT_STRING_EQUAL(hm_activity_get_device(a), "");
    CU_ASSERT_EQUAL(hm_activity_get_segment_count(a), 2);
    p = points(a, 3);
    HM_ASSERT_NEAR(p[2].lat, 34.19, 0);
    HM_ASSERT_NEAR(hm_activity_get_start_time(a), 1577836800, 0);
    hm_file_free(f);
    teardown();
}

static void test_tcx__tracks_are_segments(void)
{
    static const char doc[] = TCX_HEAD TCX_OPEN "<Activities><Activity Sport=\"Running\">"
        "<Id>2020-01-01T00:00:00Z</Id>\n"
        "<Lap><Track>" TP("00", "1", "1") TP("01", "1", "2") "</Track>\n"
        "<Track>" TP("02", "2", "1") "</Track></Lap>\n"
        "<Lap><Track></Track><Track>" TP("03", "3", "1") TP("04", "3", "2") "</Track></Lap>\n"
        "<Lap><Track>" TP("05", "3", "3") "</Track></Lap>\n"
        "</Activity></Activities>" TCX_CLOSE;
    hm_file *f = PARSE_OK(doc);
    const hm_activity *a;

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    a = hm_file_get_activity(f, 0);
    points(a, 6);
    CU_ASSERT_EQUAL_FATAL(hm_activity_get_segment_count(a), 4);
    CU_ASSERT_EQUAL(hm_activity_get_segment_start(a, 1), 2);
    CU_ASSERT_EQUAL(hm_activity_get_segment_start(a, 2), 3);
    CU_ASSERT_EQUAL(hm_activity_get_segment_start(a, 3), 5);
    hm_file_free(f);
    teardown();
}

static void test_tcx__trackpoints_without_position_are_kept(void)
{
    static const char doc[] = TCX_HEAD TCX_OPEN "<Activities><Activity Sport=\"Biking\">"
        "<Id>2020-01-01T00:00:00Z</Id><Lap><Track>\n"
        "<Trackpoint><Time>2020-01-01T00:00:00Z</Time><HeartRateBpm><Value>92</Value>"
        "</HeartRateBpm><Cadence>80</Cadence></Trackpoint>\n"
        TP("01", "45.5", "7.25")
        "<Trackpoint><Time>2020-01-01T00:00:02Z</Time>\n<Position><LatitudeDegrees>95"
        "</LatitudeDegrees><LongitudeDegrees>7</LongitudeDegrees></Position></Trackpoint>\n"
        "<Trackpoint><Time>2020-01-01T00:00:03Z</Time><Position><LatitudeDegrees>45"
        "</LatitudeDegrees></Position></Trackpoint>\n"
        "<Trackpoint><Time>2020-01-01T00:00:04Z</Time><Position/></Trackpoint>\n"
        "<Trackpoint/>\n"
        "</Track></Lap></Activity></Activities>" TCX_CLOSE;
    hm_file *f = PARSE_OK(doc);
    const hm_activity *a;
    const hm_point *p;
    hm_activity_summary s;
    size_t i;

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    a = hm_file_get_activity(f, 0);
    p = points(a, 6);
    HM_ASSERT_NAN(p[0].lat);
    HM_ASSERT_NAN(p[0].lon);
    HM_ASSERT_NEAR(p[0].time, 1577836800, 0);
    HM_ASSERT_NEAR(p[0].hr, 92, 0);
    HM_ASSERT_NEAR(p[0].cadence, 80, 0);
    HM_ASSERT_NEAR(p[1].lat, 45.5, 0);
    HM_ASSERT_NEAR(p[1].lon, 7.25, 0);
    for (i = 2; i < 6; i++) {
        HM_ASSERT_NAN(p[i].lat);
        HM_ASSERT_NAN(p[i].lon);
    }
    HM_ASSERT_NEAR(p[4].time, 1577836804, 0);
    HM_ASSERT_NAN(p[5].time);
    hm_activity_get_summary(a, &s);
    CU_ASSERT_EQUAL(s.points_with_pos, 1);
    /* a Position that does not give a place is reported, once per file */
    CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 1);
    CU_ASSERT(has_warning(f, "3 Positions without a valid lat/lon, points kept without "
                             "position", 8));
    hm_file_free(f);
    teardown();
}

static void test_tcx__run_cadence_and_first_values(void)
{
    static const char doc[] = TCX_HEAD TCX_OPEN "<Activities><Activity Sport=\"Running\">"
        "<Id>2017-01-16T19:02:00Z</Id><Lap><Track>\n"
        "<Trackpoint><Time>2017-01-16T19:02:01Z</Time><Extensions><ext:TPX "
        "xmlns:ext=\"http://www.garmin.com/xmlschemas/ActivityExtension/v2\"><ext:RunCadence>50"
        "</ext:RunCadence></ext:TPX></Extensions></Trackpoint>\n"
        "<Trackpoint><Time>2017-01-16T19:02:02Z</Time><Cadence>88</Cadence><Extensions>"
        "<TPX xmlns=\"http://www.garmin.com/xmlschemas/ActivityExtension/v2\"><RunCadence>60"
        "</RunCadence><Speed>3.5</Speed><Speed>9</Speed></TPX></Extensions></Trackpoint>\n"
        "<Trackpoint><Time>2017-01-16T19:02:03Z</Time><Time>2017-01-16T19:09:09Z</Time>"
        "<HeartRateBpm><Value>150</Value></HeartRateBpm><HeartRateBpm><Value>99</Value>"
        "</HeartRateBpm><Value>7</Value></Trackpoint>\n"
        "</Track></Lap></Activity></Activities>" TCX_CLOSE;
    hm_file *f = PARSE_OK(doc);
    const hm_point *p;

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    p = points(hm_file_get_activity(f, 0), 3);
    HM_ASSERT_NEAR(p[0].cadence, 50, 0); /* RunCadence when Cadence is absent */
    HM_ASSERT_NEAR(p[1].cadence, 88, 0); /* Cadence wins */
    HM_ASSERT_NEAR(p[1].speed, 3.5, 0);
    HM_ASSERT_NAN(p[2].cadence);
    HM_ASSERT_NEAR(p[2].time, 1484593323, 0);
    HM_ASSERT_NEAR(p[2].hr, 150, 0);
    hm_file_free(f);
    teardown();
}

static void test_tcx__bad_values_counted(void)
{
    static const char doc[] = TCX_HEAD TCX_OPEN "<Activities><Activity Sport=\"Running\">"
        "<Id>today</Id><Lap><Track>\n"
        "<Trackpoint><Time>2020-01-01 00:00:00</Time><HeartRateBpm><Value>1 4 0</Value>"
        "</HeartRateBpm></Trackpoint>\n"
        "<Trackpoint><Time>01/01/2020</Time><AltitudeMeters>1,5</AltitudeMeters></Trackpoint>\n"
        "</Track></Lap></Activity></Activities>" TCX_CLOSE;
    hm_file *f = PARSE_OK(doc);
    const hm_activity *a;
    const hm_point *p;

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    a = hm_file_get_activity(f, 0);
    p = points(a, 2);
    HM_ASSERT_NEAR(p[0].time, 1577836800, 0); /* a space for the T is ISO 8601 enough */
    HM_ASSERT_NAN(p[0].hr);
    HM_ASSERT_NAN(p[1].time);
    HM_ASSERT_NAN(p[1].ele);
    HM_ASSERT_NEAR(hm_activity_get_start_time(a), 1577836800, 0); /* falls back to the points */
    CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 2);
    CU_ASSERT(has_warning(f, "2 times not ISO 8601, left empty", 4));
    CU_ASSERT(has_warning(f, "2 values not a number, left empty", 5));
    hm_file_free(f);
    teardown();
}

static void test_tcx__other_root_still_reads_activities(void)
{
    /* runpandas' malformed.tcx: no TrainingCenterDatabase, an undeclared xsi: prefix */
    static const char doc[] = "<?xml version='1.0' encoding='UTF-8'?>\n"
        "  <Activities>\n    <Activity Sport=\"Running\"><Id>2012-12-26T21:29:53Z</Id>\n"
        "<Lap><Track>" TP("00", "35.95", "-79.09") "</Track></Lap>\n"
        "<Creator xsi:type=\"Device_t\"><Name>Forerunner 410</Name></Creator>\n"
        "</Activity>\n  </Activities>\n";
    hm_file *f = PARSE_OK(doc);
    const hm_activity *a;

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL_FATAL(hm_file_get_activity_count(f), 1);
    a = hm_file_get_activity(f, 0);
    points(a, 1);
    CU_ASSERT_STRING_EQUAL(hm_activity_get_device(a), "Forerunner 410");
    CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 2);
    CU_ASSERT(has_warning(f, "root element is <Activities>, not <TrainingCenterDatabase>",
                          2));
    CU_ASSERT(has_warning(f, "1 namespace error ignored, data kept (first: Namespace "
                             "prefix xsi for type on Creator is not defined)", 6));
    hm_file_free(f);
    teardown();
}

static void test_tcx__leading_whitespace(void)
{
    /* sports-lib 6281425038.tcx: Garmin Connect put blanks before the declaration */
    static const char doc[] = "          <?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        "<TrainingCenterDatabase><Activities><Activity Sport=\"Running\"><Lap><Track>\n"
        TP("00", "1", "1") "<Trackpoint><Time>x</Time></Trackpoint>\n"
        "</Track></Lap></Activity></Activities>" TCX_CLOSE;
    hm_file *f = PARSE_OK(doc);

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    points(hm_file_get_activity(f, 0), 2);
    CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 2);
    CU_ASSERT(has_warning(f, "white space before the XML declaration skipped", 1));
    CU_ASSERT(has_warning(f, "1 time not ISO 8601, left empty", 3));
    hm_file_free(f);
    teardown();
}

static void test_tcx__truncated(void)
{
    static const char with_points[] = TCX_HEAD TCX_OPEN "<Activities>\n"
        "<Activity Sport=\"Running\"><Lap><Track>\n" TP("00", "1", "1") TP("01", "1", "2")
        "</Track></Lap></Activity>\n"
        "<Activity Sport=\"Biking\"><Lap><Track>\n" TP("02", "1", "3")
        "<Trackpoint><Time>2020-01-01T00:00:03Z</Time><Position>\n";
    static const char without_points[] = TCX_HEAD TCX_OPEN "<Activities>\n"
        "<Activity Sport=\"Running\"><Lap><Track>\n<Trackpoint><Time>2020-01-01T00:00:03Z";
    static const char mid_tag[] = TCX_HEAD TCX_OPEN "<Activities>\n"
        "<Activity Sport=\"Running\"><Lap><Track>\n<Trackpoint><Time>2020-01-01T00:00:03Z</Ti";
    hm_file *f = PARSE_OK(with_points);
    const hm_error *e;

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL_FATAL(hm_file_get_activity_count(f), 2);
    points(hm_file_get_activity(f, 0), 2);
    points(hm_file_get_activity(f, 1), 1);
    CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 1);
    CU_ASSERT(has_warning(f, "XML not well-formed (Premature end of data in tag "
                             "Position); kept 3 points", 12));
    hm_file_free(f);

    e = PARSE_FAIL(without_points, HM_EPARSE);
    CU_ASSERT_EQUAL(e->line, 6);
    CU_ASSERT_STRING_EQUAL(e->message,
                           "XML not well-formed (Premature end of data in tag Time)");
    e = PARSE_FAIL(mid_tag, HM_EPARSE);
    CU_ASSERT_EQUAL(e->line, 6);
    CU_ASSERT_STRING_EQUAL(e->message, "XML not well-formed (expected '>')");
    teardown();
}

static void test_tcx__dtd_rejected(void)
{
    static const char doc[] = "<?xml version=\"1.0\"?>\n<!DOCTYPE TrainingCenterDatabase [\n"
        "<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<TrainingCenterDatabase><Activities>"
        "<Activity Sport=\"&x;\"/></Activities></TrainingCenterDatabase>";
    const hm_error *e = PARSE_FAIL(doc, HM_EPARSE);

    CU_ASSERT_STRING_EQUAL(e->message, "DTD and entity declarations are not allowed");
    CU_ASSERT_EQUAL(e->line, 2);
    teardown();
}

static void test_tcx__allocation_failure_sweep(void)
{
    static const char doc[] = TCX_HEAD "<Activities><Activity Sport=\"Running\">"
        "<Id>2020-01-01T00:00:00Z</Id><Lap><Track>" TP("00", "1", "1") TP("01", "1", "2")
        "</Track><Track>" TP("02", "1", "3") "<Trackpoint><Time>x</Time></Trackpoint></Track>"
        "</Lap><Creator><Name>d</Name></Creator></Activity>"
        "<Activity Sport=\"Biking\"><Lap><Track>" TP("03", "1", "1") "<Trackpoint><Position/>"
        "</Trackpoint></Track></Lap></Activity>"
        "<Activity>";
    hm_test_alloc fa = {-1, 0, 0, 1}; /* sticky: no success after a failure */
    hm_allocator alloc = hm_test_alloc_make(&fa);
    hm_ctx *c;
    hm_file *f;
    long n, total;

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&c, &alloc), HM_OK);
    fa.count = 0;
    CU_ASSERT_EQUAL_FATAL(hm_tcx_parse_buffer(&f, c, "a.tcx", doc, sizeof(doc) - 1), HM_OK);
    CU_ASSERT_EQUAL(hm_file_get_activity_count(f), 3);
    CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 4);
    total = fa.count;
    hm_file_free(f);
    for (n = 0; n < total; n++) {
        int rc;
        fa.fail_at = n;
        fa.count = 0;
        rc = hm_tcx_parse_buffer(&f, c, "a.tcx", doc, sizeof(doc) - 1);
        CU_ASSERT_EQUAL(rc, HM_ENOMEM);
        CU_ASSERT_PTR_NULL(f);
        if (rc == HM_OK)
            hm_file_free(f);
        else
            CU_ASSERT_EQUAL(hm_ctx_last_error(c)->code, HM_ENOMEM);
    }
    fa.fail_at = -1;
    hm_ctx_free(c);
    CU_ASSERT_EQUAL(fa.live, 0);
}

static void test_tcx__corpus_reads_cleanly(void)
{
    hm_test_xml_check_folder("tcx", hm_tcx_parse_buffer);
}

static void test_tcx__corpus_values(void)
{
    hm_ctx *c;
    hm_file *f;
    unsigned char *buf;
    size_t len;
    const hm_activity *a;
    const hm_point *p;

    if (!hm_test_have_shared())
        return;
    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&c, NULL), HM_OK);

    buf = hm_test_xml_read_any(TRACKS "/tcx/gpsbabel_kona2013.tcx", &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
    CU_ASSERT_EQUAL_FATAL(hm_tcx_parse_buffer(&f, c, "k.tcx", buf, len), HM_OK);
    a = hm_file_get_activity(f, 0);
    p = hm_activity_get_points(a);
    CU_ASSERT_STRING_EQUAL(hm_activity_get_sport(a), "biking");
    CU_ASSERT_STRING_EQUAL(hm_activity_get_device(a), "Garmin Edge 500");
    HM_ASSERT_NEAR(hm_activity_get_start_time(a), 1381601846, 0);
    HM_ASSERT_NEAR(p[0].lat, 19.640107546001673, 1e-15);
    HM_ASSERT_NEAR(p[0].lon, -155.99701898172498, 1e-13);
    CU_ASSERT_EQUAL(p[0].hr, 141.0f);
    CU_ASSERT_EQUAL(p[0].cadence, 31.0f);
    CU_ASSERT_EQUAL(p[0].power, 101.0f);
    CU_ASSERT_EQUAL(p[0].speed, 2.069999933242798f);
    CU_ASSERT_EQUAL(p[0].distance, 2.069999933242798f);
    hm_file_free(f);
    free(buf);

    buf = hm_test_xml_read_any(TRACKS "/tcx/sportstracker_Forerunner405-Running_CadenceSensor.tcx",
                               &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
    CU_ASSERT_EQUAL_FATAL(hm_tcx_parse_buffer(&f, c, "c.tcx", buf, len), HM_OK);
    a = hm_file_get_activity(f, 0);
    p = hm_activity_get_points(a);
    CU_ASSERT_STRING_EQUAL(hm_activity_get_device(a), "Forerunner 405 Software Version 2.80");
    HM_ASSERT_NAN(p[0].lat);
    CU_ASSERT_EQUAL(p[0].hr, 94.0f);
    CU_ASSERT_EQUAL(p[0].cadence, 50.0f); /* ext:RunCadence */
    CU_ASSERT_EQUAL(hm_activity_get_segment_count(a), 6);
    hm_file_free(f);
    free(buf);

    buf = hm_test_xml_read_any(TRACKS "/tcx/gc_activity_165850259_multi-session.tcx", &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
    CU_ASSERT_EQUAL_FATAL(hm_tcx_parse_buffer(&f, c, "m.tcx", buf, len), HM_OK);
    CU_ASSERT_EQUAL(hm_file_get_activity_count(f), 4);
    hm_file_free(f);
    free(buf);
    hm_ctx_free(c);
}

static void test_tcx__corpus_bad_files(void)
{
    static const struct {
        const char *file;     /* under bad/ */
        size_t warnings;      /* expected warnings */
        const char *warning;  /* one of them */
        long line;            /* its line */
        size_t positioned;    /* points with a position */
    } cases[] = {
        {"sportslib_6281425038.tcx", 1, "white space before the XML declaration skipped",
         1, 1545},
        {"runpandas_malformed.tcx", 2,
         "1 namespace error ignored, data kept (first: Namespace prefix xsi for type "
         "on Creator is not defined)",
         4653, 383},
        {"runpandas_malformed.tcx", 2,
         "root element is <Activities>, not <TrainingCenterDatabase>", 2, 383},
    };
    hm_ctx *c;
    size_t i;

    if (!hm_test_have_shared())
        return;
    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&c, NULL), HM_OK);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char path[512];
        size_t len;
        unsigned char *buf;
        hm_file *f = NULL;

        snprintf(path, sizeof(path), TRACKS "/bad/%s", cases[i].file);
        buf = hm_test_xml_read_any(path, &len);
        CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
        CU_ASSERT_EQUAL_FATAL(hm_tcx_parse_buffer(&f, c, path, buf, len), HM_OK);
        CU_ASSERT_EQUAL(hm_file_get_activity_count(f), 1);
        CU_ASSERT_STRING_EQUAL(hm_activity_get_sport(hm_file_get_activity(f, 0)), "running");
        CU_ASSERT_EQUAL(hm_file_get_warning_count(f), cases[i].warnings);
        CU_ASSERT(has_warning(f, cases[i].warning, cases[i].line));
        CU_ASSERT_EQUAL(hm_test_xml_positioned(f), cases[i].positioned);
        hm_file_free(f);
        free(buf);
    }
    hm_ctx_free(c);
}

void hm_test_tcx_suite(void)
{
    static CU_TestInfo tests[] = {
        {"trackpoint_values", test_tcx__trackpoint_values},
        {"multiple_activities", test_tcx__multiple_activities},
        {"course", test_tcx__course},
        {"tracks_are_segments", test_tcx__tracks_are_segments},
        {"trackpoints_without_position_are_kept", test_tcx__trackpoints_without_position_are_kept},
        {"run_cadence_and_first_values", test_tcx__run_cadence_and_first_values},
        {"bad_values_counted", test_tcx__bad_values_counted},
        {"other_root_still_reads_activities", test_tcx__other_root_still_reads_activities},
        {"leading_whitespace", test_tcx__leading_whitespace},
        {"truncated", test_tcx__truncated},
        {"dtd_rejected", test_tcx__dtd_rejected},
        {"allocation_failure_sweep", test_tcx__allocation_failure_sweep},
        {"corpus_reads_cleanly", test_tcx__corpus_reads_cleanly},
        {"corpus_values", test_tcx__corpus_values},
        {"corpus_bad_files", test_tcx__corpus_bad_files},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("tcx", tests);
}
