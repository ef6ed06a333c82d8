/* SPDX-License-Identifier: MIT */
/*
 * Tests of src/io/gpx.c and, through it, of the XML plumbing it shares with
 * the TCX reader (src/io/xml_util.c): encodings, leading white space,
 * truncation, namespace errors, DTD/entity rejection, nesting, chunking.
 * Inline documents go through hm_gpx_parse_buffer() with exact expected
 * values; the corpus tests compare with MANIFEST.md.
 *
 * The corpus helpers at the end (hm_test_xml_*) are shared with test_tcx.c.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "io/stream_int.h"
#include "test_util.h"

#define TRACKS HM_SHARED_TESTDATA "/tracks"

#define GPX_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define GPX_OPEN \
    "<gpx version=\"1.1\" creator=\"unit test\" xmlns=\"http://www.topografix.com/GPX/1/1\">\n"

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
    return hm_test_parse_ok(test_ctx(), hm_gpx_parse_buffer, "t.gpx", doc, len);
}

#define PARSE_OK(doc) parse_ok((doc), sizeof(doc) - 1)

/* Parse a document that must fail; returns the context's error. */
static const hm_error *parse_fail(const char *doc, size_t len, int code)
{
    return hm_test_parse_fail(test_ctx(), hm_gpx_parse_buffer, "t.gpx", doc, len, code);
}

#define PARSE_FAIL(doc, code) parse_fail((doc), sizeof(doc) - 1, (code))

/* 1 when a warning of f contains `needle` (and, unless line is 0, is at that line). */
static int has_warning(const hm_file *f, const char *needle, long line)
{
    return hm_test_has_warning(f, needle, line);
}

static const hm_point *points(const hm_file *f, size_t want)
{
    const hm_activity *a;

    CU_ASSERT_EQUAL_FATAL(hm_file_get_activity_count(f), 1);
    a = hm_file_get_activity(f, 0);
    CU_ASSERT_EQUAL_FATAL(hm_activity_get_point_count(a), want);
    return hm_activity_get_points(a);
}

/* ---- values ------------------------------------------------------------- */

static void test_gpx__coordinates_and_times(void)
{
    static const char doc[] = GPX_HEAD GPX_OPEN
        "<trk><trkseg>\n"
        "<trkpt lat=\"46.0569\" lon=\"-14.5058\"><ele>295.5</ele>"
        "<time>2020-02-02T03:02:03+01:15</time></trkpt>\n"
        "<trkpt lat=\"-8.0476\" lon=\"-34.877\"><time>2021-06-30T23:59:59-05:00</time></trkpt>\n"
        "<trkpt lat=\"48.8789629\" lon=\"9.1886863\">"
        "<time>2019-04-18T14:12:21.009Z</time></trkpt>\n"
        "<trkpt lat=\"37.5405270\" lon=\"-77.4332070\"><time> 2016-04-22T16:44:13 </time></trkpt>\n"
        "<trkpt lat=\"90\" lon=\"180\"/>\n"
        "<trkpt lon=\"-180\" lat=\"-90\"><ele>-12</ele></trkpt>\n"
        "</trkseg></trk></gpx>\n";
    hm_file *f = PARSE_OK(doc);
    const hm_point *p;

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(hm_file_get_format(f), HM_FORMAT_GPX);
    CU_ASSERT_STRING_EQUAL(hm_file_get_path(f), "t.gpx");
    CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 0);
    p = points(f, 6);
    HM_ASSERT_NEAR(p[0].lat, 46.0569, 1e-12);
    HM_ASSERT_NEAR(p[0].lon, -14.5058, 1e-12);
    HM_ASSERT_NEAR(p[0].ele, 295.5, 1e-6);
    HM_ASSERT_NEAR(p[0].time, 1580608023.0, 1e-6);
    HM_ASSERT_NEAR(p[1].lat, -8.0476, 1e-12);
    HM_ASSERT_NEAR(p[1].time, 1625115599.0, 1e-6);
    HM_ASSERT_NAN(p[1].ele);
    HM_ASSERT_NEAR(p[2].time, 1555596741.009, 1e-6);
    HM_ASSERT_NEAR(p[3].time, 1461343453.0, 1e-6); /* no zone: UTC */
    HM_ASSERT_NEAR(p[4].lat, 90.0, 0);
    HM_ASSERT_NEAR(p[4].lon, 180.0, 0);
    HM_ASSERT_NAN(p[4].time);
    HM_ASSERT_NEAR(p[5].lat, -90.0, 0);
    HM_ASSERT_NEAR(p[5].lon, -180.0, 0);
    HM_ASSERT_NEAR(p[5].ele, -12.0, 0);
    /* nothing else is invented */
    HM_ASSERT_NAN(p[0].hr);
    HM_ASSERT_NAN(p[0].cadence);
    HM_ASSERT_NAN(p[0].power);
    HM_ASSERT_NAN(p[0].speed);
    HM_ASSERT_NAN(p[0].temperature);
    HM_ASSERT_NAN(p[0].distance);
    HM_ASSERT_NEAR(hm_activity_get_start_time(hm_file_get_activity(f, 0)), 1580608023.0, 1e-6);
    hm_file_free(f);
    teardown();
}

static void test_gpx__heart_rate_encodings(void)
{
    static const char doc[] = GPX_HEAD
        "<gpx version=\"1.1\" creator=\"t\" xmlns=\"http://www.topografix.com/GPX/1/1\"\n"
        " xmlns:gpxtpx=\"http://www.garmin.com/xmlschemas/TrackPointExtension/v1\"\n"
        " xmlns:tp2=\"http://www.garmin.com/xmlschemas/TrackPointExtension/v2\"\n"
        " xmlns:gpxdata=\"http://www.cluetrust.com/XML/GPXDATA/1/0\">\n"
        "<trk><trkseg>\n"
        "<trkpt lat=\"1\" lon=\"1\"><extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>101"
        "</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions></trkpt>\n"
        "<trkpt lat=\"1\" lon=\"1\"><extensions><tp2:TrackPointExtension><tp2:hr>102</tp2:hr>"
        "</tp2:TrackPointExtension></extensions></trkpt>\n"
        "<trkpt lat=\"1\" lon=\"1\"><extensions><gpxdata:hr>103</gpxdata:hr></extensions></trkpt>\n"
        "<trkpt lat=\"1\" lon=\"1\"><extensions><bpm>104</bpm><mbar>1002.5</mbar></extensions>"
        "</trkpt>\n"
        "<trkpt lat=\"1\" lon=\"1\"><extensions>\n  <heartrate>105</heartrate>\n"
        "  <gpxtpx:TrackPointExtension><gpxtpx:hr>99</gpxtpx:hr></gpxtpx:TrackPointExtension>\n"
        "</extensions></trkpt>\n"
        "<trkpt lat=\"1\" lon=\"1\"><hr>77</hr><extensions><gpxtpx:TrackPointExtension>"
        "<gpxtpx:hr>&#49;06</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions></trkpt>\n"
        "</trkseg></trk></gpx>\n";
    hm_file *f = PARSE_OK(doc);
    const hm_point *p;

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    p = points(f, 6);
    HM_ASSERT_NEAR(p[0].hr, 101, 0); /* gpxtpx v1 */
    HM_ASSERT_NEAR(p[1].hr, 102, 0); /* gpxtpx v2 */
    HM_ASSERT_NEAR(p[2].hr, 103, 0); /* cluetrust gpxdata:hr */
    HM_ASSERT_NEAR(p[3].hr, 104, 0); /* Holux bare <bpm> */
    HM_ASSERT_NEAR(p[4].hr, 105, 0); /* Amazfit: bare <heartrate> first, then gpxtpx */
    HM_ASSERT_NEAR(p[5].hr, 106, 0); /* <hr> outside <extensions> is not an extension */
    hm_file_free(f);
    teardown();
}

static void test_gpx__cadence_power_speed_temperature_distance(void)
{
    static const char doc[] = GPX_HEAD
        "<gpx version=\"1.1\" creator=\"t\" xmlns=\"http://www.topografix.com/GPX/1/1\"\n"
        " xmlns:gpxtpx=\"http://www.garmin.com/xmlschemas/TrackPointExtension/v2\"\n"
        " xmlns:gpxpx=\"http://www.garmin.com/xmlschemas/PowerExtensionv1.xsd\"\n"
        " xmlns:gpxdata=\"http://www.cluetrust.com/XML/GPXDATA/1/0\">\n"
        "<trk><trkseg>\n"
        /* Urban Biker: TrackPointExtension v2 plus PowerInWatts */
        "<trkpt lat=\"48.87\" lon=\"9.18\"><time>2019-04-18T14:12:21.009Z</time><extensions>"
        "<gpxtpx:TrackPointExtension><gpxtpx:atemp>26.9</gpxtpx:atemp><gpxtpx:hr>125</gpxtpx:hr>"
        "<gpxtpx:cad>7</gpxtpx:cad><gpxtpx:speed>4.25</gpxtpx:speed></gpxtpx:TrackPointExtension>"
        "<gpxpx:PowerExtension><gpxpx:PowerInWatts>180</gpxpx:PowerInWatts></gpxpx:PowerExtension>"
        "</extensions></trkpt>\n"
        /* Strava: bare <power>; cluetrust temp + distance; <cadence> */
        "<trkpt lat=\"1\" lon=\"2\"><extensions><power>62</power><gpxdata:temp>20.7</gpxdata:temp>"
        "<gpxdata:distance>12.5</gpxdata:distance><gpxdata:cadence>88</gpxdata:cadence>"
        "</extensions></trkpt>\n"
        /* <watts>, <temperature>; GPX 1.0 <speed> beats the extension's (first wins) */
        "<trkpt lat=\"1\" lon=\"2\"><speed>3.5</speed><extensions><watts>250</watts>"
        "<temperature>-3.5</temperature><speed>9</speed><distance>1</distance>"
        "<distance>2</distance></extensions></trkpt>\n"
        /* empty and broken values are missing, not zero */
        "<trkpt lat=\"1\" lon=\"2\"><ele></ele><extensions><cad> </cad><power>n/a</power>"
        "</extensions></trkpt>\n"
        "</trkseg></trk></gpx>\n";
    hm_file *f = PARSE_OK(doc);
    const hm_point *p;

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    p = points(f, 4);
    HM_ASSERT_NEAR(p[0].temperature, 26.9, 1e-5);
    HM_ASSERT_NEAR(p[0].hr, 125, 0);
    HM_ASSERT_NEAR(p[0].cadence, 7, 0);
    HM_ASSERT_NEAR(p[0].speed, 4.25, 0);
    HM_ASSERT_NEAR(p[0].power, 180, 0);
    HM_ASSERT_NAN(p[0].distance);
    HM_ASSERT_NEAR(p[1].power, 62, 0);
    HM_ASSERT_NEAR(p[1].temperature, 20.7, 1e-5);
    HM_ASSERT_NEAR(p[1].distance, 12.5, 0);
    HM_ASSERT_NEAR(p[1].cadence, 88, 0);
    HM_ASSERT_NEAR(p[2].power, 250, 0);
    HM_ASSERT_NEAR(p[2].temperature, -3.5, 0);
    HM_ASSERT_NEAR(p[2].speed, 3.5, 0);
    HM_ASSERT_NEAR(p[2].distance, 1, 0);
    HM_ASSERT_NAN(p[3].ele);
    HM_ASSERT_NAN(p[3].cadence);
    HM_ASSERT_NAN(p[3].power);
    CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 1);
    CU_ASSERT(has_warning(f, "1 value not a number, left empty", 0));
    hm_file_free(f);
    teardown();
}

static void test_gpx__gpx10_speed_and_course(void)
{
    static const char doc[] = "<?xml version=\"1.0\"?>\n"
        "<gpx version=\"1.0\" creator=\"GPSBabel\" xmlns=\"http://www.topografix.com/GPX/1/0\">\n"
        "<trk><trkseg><trkpt lat=\"45.491562\" lon=\"-77.696373\"><ele>296.000000</ele>"
        "<time>2020-02-14T18:04:30Z</time><course>12.5</course><speed>0.888889</speed>"
        "</trkpt></trkseg></trk></gpx>";
    hm_file *f = PARSE_OK(doc);
    const hm_point *p;

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    p = points(f, 1);
    HM_ASSERT_NEAR(p[0].speed, 0.888889, 1e-6);
    HM_ASSERT_NEAR(p[0].ele, 296, 0);
    CU_ASSERT_STRING_EQUAL(hm_activity_get_device(hm_file_get_activity(f, 0)), "GPSBabel");
    hm_file_free(f);
    teardown();
}

static void test_gpx__sport_device_and_text_forms(void)
{
    static const char doc[] = GPX_HEAD
        "<gpx version=\"1.1\" creator=\"  Garmin &amp; Co \"\n"
        " xmlns=\"http://www.topografix.com/GPX/1/1\">\n"
        "<metadata><name>x</name><time>2001-01-01T00:00:00Z</time></metadata>\n"
        "<trk><name>Morning</name><type><![CDATA[Mountain Biking]]></type><trkseg>"
        "<trkpt lat=\"1\" lon=\"2\"><type>not a sport</type><name>p</name></trkpt>"
        "</trkseg></trk>\n"
        "<trk><type>Running</type><trkseg><trkpt lat=\"1\" lon=\"2\"/></trkseg></trk>\n"
        "</gpx>";
    hm_file *f = PARSE_OK(doc);
    const hm_activity *a;

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL_FATAL(hm_file_get_activity_count(f), 1);
    a = hm_file_get_activity(f, 0);
    CU_ASSERT_STRING_EQUAL(hm_activity_get_sport(a), "mountain biking");
    CU_ASSERT_STRING_EQUAL(hm_activity_get_device(a), "Garmin & Co");
    /* the track's name, not the file's or a point's */
    CU_ASSERT_STRING_EQUAL(hm_activity_get_name(a), "Morning");
    CU_ASSERT_EQUAL(hm_activity_get_point_count(a), 2);
    /* no point has a time: <metadata><time> is the best start there is */
    HM_ASSERT_NEAR(hm_activity_get_start_time(a), 978307200.0, 0);
    hm_file_free(f);
    teardown();
}

static void test_gpx__metadata_time_when_points_have_none(void)
{
    static const char doc[] = GPX_HEAD GPX_OPEN
        "<metadata><name>x</name><time>2021-01-07T21:51:59Z</time></metadata>\n"
        "<wpt lat=\"1\" lon=\"1\"><time>2000-01-01T00:00:00Z</time></wpt>\n"
        "<trk><trkseg><trkpt lat=\"1\" lon=\"1\"/><trkpt lat=\"1\" lon=\"2\"><time></time></trkpt>"
        "</trkseg></trk></gpx>";
    hm_file *f = PARSE_OK(doc);
    const hm_point *p;

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    p = points(f, 2);
    HM_ASSERT_NAN(p[0].time); /* the file's time is the activity's, not the points' */
    HM_ASSERT_NAN(p[1].time);
    HM_ASSERT_NEAR(hm_activity_get_start_time(hm_file_get_activity(f, 0)), 1610056319.0, 0);
    /* a track without a name of its own takes the file's */
    CU_ASSERT_STRING_EQUAL(hm_activity_get_name(hm_file_get_activity(f, 0)), "x");
    CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 0);
    hm_file_free(f);
    teardown();
}

static void test_gpx__metadata_time_ignored_when_points_have_times(void)
{
    /* The export time comes first in the file, a timed point only after an untimed one:
     * the decision waits for the end of the file. */
    static const char doc[] = GPX_HEAD GPX_OPEN
        "<metadata><time>2021-01-07T21:51:59Z</time></metadata>\n"
        "<trk><trkseg><trkpt lat=\"1\" lon=\"1\"/></trkseg>\n"
        "<trkseg><trkpt lat=\"1\" lon=\"2\"><time>2020-01-01T00:00:10Z</time></trkpt>"
        "</trkseg></trk></gpx>";
    static const char routes[] = GPX_HEAD GPX_OPEN
        "<metadata><time>2021-01-07T21:51:59Z</time></metadata>\n"
        "<rte><rtept lat=\"1\" lon=\"1\"><time>2020-01-01T00:00:10Z</time></rtept></rte></gpx>";
    hm_file *f = PARSE_OK(doc);

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    points(f, 2);
    HM_ASSERT_NEAR(hm_activity_get_start_time(hm_file_get_activity(f, 0)), 1577836810.0, 0);
    hm_file_free(f);

    f = PARSE_OK(routes);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    points(f, 1);
    HM_ASSERT_NEAR(hm_activity_get_start_time(hm_file_get_activity(f, 0)), 1577836810.0, 0);
    hm_file_free(f);
    teardown();
}

static void test_gpx__gpx10_top_level_time(void)
{
    static const char doc[] = "<?xml version=\"1.0\"?>\n"
        "<gpx version=\"1.0\" creator=\"GPSBabel\" xmlns=\"http://www.topografix.com/GPX/1/0\">\n"
        "<time>2020-02-14T18:04:30Z</time>\n"
        "<wpt lat=\"1\" lon=\"1\"><time>2000-01-01T00:00:00Z</time></wpt>\n"
        "<trk><time>2001-01-01T00:00:00Z</time>" /* not GPX: not the file's time */
        "<trkseg><trkpt lat=\"45.5\" lon=\"-77.7\"/></trkseg></trk></gpx>";
    static const char timed[] = "<?xml version=\"1.0\"?>\n"
        "<gpx version=\"1.0\" creator=\"GPSBabel\" xmlns=\"http://www.topografix.com/GPX/1/0\">\n"
        "<time>2020-02-14T18:04:30Z</time>\n"
        "<trk><trkseg><trkpt lat=\"45.5\" lon=\"-77.7\"><time>2020-02-14T17:00:00Z</time>"
        "</trkpt></trkseg></trk></gpx>";
    hm_file *f = PARSE_OK(doc);

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    HM_ASSERT_NAN(points(f, 1)[0].time);
    HM_ASSERT_NEAR(hm_activity_get_start_time(hm_file_get_activity(f, 0)), 1581703470.0, 0);
    CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 0);
    hm_file_free(f);

    f = PARSE_OK(timed);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    points(f, 1);
    HM_ASSERT_NEAR(hm_activity_get_start_time(hm_file_get_activity(f, 0)), 1581699600.0, 0);
    hm_file_free(f);
    teardown();
}

/* ---- structure ---------------------------------------------------------- */

static void test_gpx__segments(void)
{
    static const char doc[] = GPX_HEAD GPX_OPEN
        "<trk><trkseg><trkpt lat=\"1\" lon=\"1\"/><trkpt lat=\"1\" lon=\"2\"/></trkseg>"
        "<trkseg></trkseg>"
        "<trkseg><trkpt lat=\"2\" lon=\"1\"/></trkseg></trk>\n"
        "<trk><trkseg><trkpt lat=\"3\" lon=\"1\"/><trkpt lat=\"3\" lon=\"2\"/>"
        "<trkpt lat=\"3\" lon=\"3\"/></trkseg></trk>\n"
        "<trk><trkpt lat=\"4\" lon=\"1\"/></trk>\n" /* no trkseg: still its own segment */
        "</gpx>";
    hm_file *f = PARSE_OK(doc);
    const hm_activity *a;
    const hm_point *p;

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    p = points(f, 7);
    a = hm_file_get_activity(f, 0);
    CU_ASSERT_EQUAL_FATAL(hm_activity_get_segment_count(a), 4);
    CU_ASSERT_EQUAL(hm_activity_get_segment_start(a, 0), 0);
    CU_ASSERT_EQUAL(hm_activity_get_segment_start(a, 1), 2);
    CU_ASSERT_EQUAL(hm_activity_get_segment_start(a, 2), 3);
    CU_ASSERT_EQUAL(hm_activity_get_segment_start(a, 3), 6);
    HM_ASSERT_NEAR(p[2].lat, 2, 0);
    HM_ASSERT_NEAR(p[6].lat, 4, 0);
    hm_file_free(f);
    teardown();
}

static void test_gpx__routes_only_without_track_points(void)
{
    static const char routes[] = GPX_HEAD GPX_OPEN
        "<wpt lat=\"9\" lon=\"9\"><ele>1</ele><time>2020-01-01T00:00:00Z</time></wpt>\n"
        "<rte><name>a</name><rtept lat=\"1\" lon=\"1\"><ele>5</ele></rtept>"
        "<rtept lat=\"1\" lon=\"2\"/></rte>\n"
        "<rte><rtept lat=\"2\" lon=\"1\"><time>2020-01-01T00:00:00Z</time></rtept></rte>\n"
        "<trk><type>hiking</type><trkseg></trkseg></trk>\n" /* a trk without points */
        "</gpx>";
    static const char both[] = GPX_HEAD GPX_OPEN
        "<rte><rtept lat=\"1\" lon=\"1\"/><rtept lat=\"1\" lon=\"2\"/></rte>\n"
        "<trk><trkseg><trkpt lat=\"5\" lon=\"5\"/></trkseg></trk></gpx>";
    hm_file *f = PARSE_OK(routes);
    const hm_activity *a;
    const hm_point *p;

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    p = points(f, 3);
    a = hm_file_get_activity(f, 0);
    CU_ASSERT_EQUAL(hm_activity_get_segment_count(a), 2);
    CU_ASSERT_EQUAL(hm_activity_get_segment_start(a, 1), 2);
    HM_ASSERT_NEAR(p[0].ele, 5, 0);
    HM_ASSERT_NEAR(p[2].time, 1577836800.0, 0);
    CU_ASSERT_STRING_EQUAL(hm_activity_get_device(a), "unit test");
    CU_ASSERT_STRING_EQUAL(hm_activity_get_sport(a), "hiking");
    hm_file_free(f);

    f = PARSE_OK(both);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    p = points(f, 1);
    HM_ASSERT_NEAR(p[0].lat, 5, 0);
    hm_file_free(f);
    teardown();
}

static void test_gpx__waypoints_and_empty_files(void)
{
    static const char wpt_only[] = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
        "<gpx version=\"1.0\"><wpt lat=\"1\" lon=\"2\"><time>2020-01-01T00:00:00.25Z</time>"
        "</wpt></gpx>";
    static const char metadata_only[] = GPX_HEAD GPX_OPEN
        "<metadata><time>2021-01-01T00:00:00Z</time></metadata></gpx>";
    static const char self_closing[] = "<gpx/>";
    const char *docs[] = {wpt_only, metadata_only, self_closing};
    size_t i;

    for (i = 0; i < 3; i++) {
        hm_file *f = parse_ok(docs[i], strlen(docs[i]));
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        CU_ASSERT_EQUAL(hm_file_get_activity_count(f), 0);
        CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 0);
        hm_file_free(f);
    }
    teardown();
}

static void test_gpx__empty_input_is_an_error(void)
{
    const hm_error *e = parse_fail("", 0, HM_EPARSE);

    CU_ASSERT_EQUAL(e->line, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(e->message, "XML not well-formed (Document is empty"));
    e = PARSE_FAIL("  \n \n", HM_EPARSE);
    CU_ASSERT_EQUAL(e->line, 3);
    e = PARSE_FAIL("not xml at all", HM_EPARSE);
    CU_ASSERT_PTR_NOT_NULL(strstr(e->message, "XML not well-formed"));
    teardown();
}

static void test_gpx__invalid_coordinates_dropped(void)
{
    static const char doc[] = GPX_HEAD GPX_OPEN "<trk><trkseg>\n"
        "<trkpt lat=\"1\" lon=\"1\"/>\n"
        "<trkpt lat=\"100\" lon=\"0\"/>\n"      /* OpenTracks' pause marker: not dropped */
        "<trkpt lat=\"1\"/>\n"                  /* line 6 */
        "<trkpt lat=\"abc\" lon=\"1\"/>\n"
        "<trkpt lat=\"1\" lon=\"180.5\"/>\n"
        "<trkpt lat=\"1e999\" lon=\"1\"/>\n"
        "<trkpt lat=\"100.5\" lon=\"0\"/>\n"    /* out of range, not a marker */
        "<trkpt lat=\"-100\" lon=\"0\"/>\n"
        "<trkpt lat=\"2\" lon=\"2\"><extensions><hr>50</hr></extensions></trkpt>\n"
        "</trkseg></trk></gpx>";
    hm_file *f = PARSE_OK(doc);
    const hm_point *p;

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    p = points(f, 2);
    HM_ASSERT_NEAR(p[1].hr, 50, 0);
    CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 1);
    CU_ASSERT(has_warning(f, "6 points without a valid lat/lon dropped", 6));
    hm_file_free(f);
    teardown();
}

static void test_gpx__pause_markers_split_segments(void)
{
    /* OpenTracks: lat=100 pauses, lat=200 resumes, each with a time and sometimes more. */
    static const char doc[] = GPX_HEAD GPX_OPEN "<trk><trkseg>\n"
        "<trkpt lat=\"200\" lon=\"0\"/>\n" /* before any point: no empty segment */
        "<trkpt lat=\"1\" lon=\"1\"><time>2021-01-07T21:51:59Z</time></trkpt>\n"
        "<trkpt lat=\"1\" lon=\"2\"><time>2021-01-07T21:52:00Z</time></trkpt>\n"
        "<trkpt lat=\"100\" lon=\"0\"><ele>10</ele><time>2021-01-07T21:52:02Z</time>"
        "<extensions><hr>90</hr></extensions></trkpt>\n"
        "<trkpt lat=\"200.0\" lon=\"0\"><time>2021-01-07T21:52:03Z</time></trkpt>\n"
        "<trkpt lat=\"1\" lon=\"3\"><time>2021-01-07T21:52:04Z</time></trkpt>\n"
        "<trkpt lat=\"100\" lon=\"0\"/>\n"
        "<trkpt lat=\"1\" lon=\"4\"/>\n"
        "<trkpt lat=\"100\" lon=\"0\"/><trkpt lat=\"200\" lon=\"0\"/>\n" /* at the end */
        "</trkseg><trkseg>\n"
        "<trkpt lat=\"1\" lon=\"5\"/>\n"
        "</trkseg></trk></gpx>";
    hm_file *f = PARSE_OK(doc);
    const hm_activity *a;
    const hm_point *p;

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    p = points(f, 5);
    a = hm_file_get_activity(f, 0);
    CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 0);
    CU_ASSERT_EQUAL_FATAL(hm_activity_get_segment_count(a), 4);
    CU_ASSERT_EQUAL(hm_activity_get_segment_start(a, 0), 0);
    CU_ASSERT_EQUAL(hm_activity_get_segment_start(a, 1), 2);
    CU_ASSERT_EQUAL(hm_activity_get_segment_start(a, 2), 3);
    CU_ASSERT_EQUAL(hm_activity_get_segment_start(a, 3), 4);
    /* nothing of a marker leaks into the points around it */
    HM_ASSERT_NEAR(p[1].time, 1610056320.0, 0);
    HM_ASSERT_NAN(p[1].hr);
    HM_ASSERT_NAN(p[2].ele);
    HM_ASSERT_NEAR(p[2].time, 1610056324.0, 0);
    HM_ASSERT_NAN(p[3].time);
    HM_ASSERT_NEAR(p[4].lon, 5, 0);
    hm_file_free(f);
    teardown();
}

static void test_gpx__bad_times_left_empty(void)
{
    static const char doc[] = GPX_HEAD GPX_OPEN "<trk><trkseg>\n"
        "<trkpt lat=\"1\" lon=\"1\"><time>2020-01-01T00:00:00Z</time></trkpt>\n"
        "<trkpt lat=\"1\" lon=\"1\"><time>yesterday</time></trkpt>\n" /* line 5 */
        "<trkpt lat=\"1\" lon=\"1\"><time>2020-13-01T00:00:00Z</time></trkpt>\n"
        "<trkpt lat=\"1\" lon=\"1\"><time></time></trkpt>\n"
        "</trkseg></trk></gpx>";
    hm_file *f = PARSE_OK(doc);
    const hm_point *p;

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    p = points(f, 4);
    HM_ASSERT_NEAR(p[0].time, 1577836800.0, 0);
    HM_ASSERT_NAN(p[1].time);
    HM_ASSERT_NAN(p[2].time);
    HM_ASSERT_NAN(p[3].time);
    CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 1);
    CU_ASSERT(has_warning(f, "2 times not ISO 8601, left empty", 5));
    hm_file_free(f);
    teardown();
}

static void test_gpx__namespaces_ignored_and_prefixed_root(void)
{
    static const char doc[] = "<?xml version=\"1.0\"?>\n"
        "<g:gpx xmlns:g=\"http://example.com/wrong\"><g:trk><g:trkseg>"
        "<g:trkpt lat=\"1\" lon=\"2\"><g:ele>3</g:ele></g:trkpt></g:trkseg></g:trk></g:gpx>";
    hm_file *f = PARSE_OK(doc);
    const hm_point *p;

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    p = points(f, 1);
    HM_ASSERT_NEAR(p[0].ele, 3, 0);
    CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 0);
    hm_file_free(f);
    teardown();
}

static void test_gpx__unexpected_root_warns(void)
{
    static const char doc[] = "<?xml version=\"1.0\"?>\n\n<track><trk><trkseg>"
        "<trkpt lat=\"1\" lon=\"2\"/></trkseg></trk></track>";
    hm_file *f = PARSE_OK(doc);

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    points(f, 1);
    CU_ASSERT(has_warning(f, "root element is <track>, not <gpx>", 3));
    hm_file_free(f);
    teardown();
}

/* ---- XML plumbing (shared with TCX) ------------------------------------- */

static void test_gpx__namespace_error_keeps_data(void)
{
    /* An undeclared prefix (sports-lib 6037744996.gpx) is an error libxml2 recovers from. */
    static const char doc[] = GPX_HEAD GPX_OPEN "<trk><trkseg>\n"
        "<trkpt lat=\"1\" lon=\"1\"><extensions><gpxdata:cadence>80</gpxdata:cadence>"
        "</extensions></trkpt>\n"
        "<trkpt lat=\"1\" lon=\"2\"><extensions><gpxdata:cadence>81</gpxdata:cadence>"
        "<gpxx:Temperature>5</gpxx:Temperature></extensions></trkpt>\n"
        "</trkseg></trk></gpx>";
    hm_file *f = PARSE_OK(doc);
    const hm_point *p;

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    p = points(f, 2);
    HM_ASSERT_NEAR(p[0].cadence, 80, 0);
    HM_ASSERT_NEAR(p[1].cadence, 81, 0);
    CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 1);
    CU_ASSERT(has_warning(f, "3 namespace errors ignored, data kept (first: Namespace "
                             "prefix gpxdata on cadence is not defined)", 4));
    CU_ASSERT_EQUAL(hm_file_get_warning(f, 0)->code, HM_EPARSE);
    CU_ASSERT_STRING_EQUAL(hm_file_get_warning(f, 0)->path, "t.gpx");
    hm_file_free(f);
    teardown();
}

static void test_gpx__truncated_after_points_keeps_them(void)
{
    static const char doc[] = GPX_HEAD GPX_OPEN "<trk><trkseg>\n"
        "<trkpt lat=\"1\" lon=\"1\"/>\n"
        "<trkpt lat=\"1\" lon=\"2\"><ele>3</ele></trkpt>\n"
        "<trkpt lat=\"1\" lon=\"3\"><ele>4</ele>\n";
    static const char mismatch[] = GPX_HEAD GPX_OPEN "<trk><trkseg>\n"
        "<trkpt lat=\"1\" lon=\"1\"/>\n"
        "<trkpt lat=\"1\" lon=\"2\"></trkseg>\n"
        "<trkpt lat=\"1\" lon=\"3\"/>\n</trk></gpx>";
    hm_file *f = PARSE_OK(doc);

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    points(f, 2); /* the open third point is not kept */
    CU_ASSERT_EQUAL_FATAL(hm_file_get_warning_count(f), 1);
    CU_ASSERT_STRING_EQUAL(hm_file_get_warning(f, 0)->message,
                           "XML not well-formed (Premature end of data in tag trkpt); "
                           "kept 2 points");
    CU_ASSERT_EQUAL(hm_file_get_warning(f, 0)->line, 7);
    CU_ASSERT_EQUAL(hm_file_get_warning(f, 0)->code, HM_EPARSE);
    hm_file_free(f);

    f = PARSE_OK(mismatch);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    points(f, 1);
    CU_ASSERT(has_warning(f, "XML not well-formed (Opening and ending tag mismatch: "
                             "trkpt line 5 and trkseg); kept 1 point", 5));
    hm_file_free(f);
    teardown();
}

static void test_gpx__truncated_before_points_fails(void)
{
    /* like hotpot's corrupted.gpx: cut inside the first trkpt, at the end of a line */
    static const char doc[] = GPX_HEAD GPX_OPEN "  <metadata>\n    <name>x</name>\n"
        "  </metadata>\n  <trk>\n    <name>y</name>\n    <trkseg>\n"
        "        <trkpt lat=\"52.489478\" lon=\"13.377609\">\n";
    const hm_error *e = PARSE_FAIL(doc, HM_EPARSE);

    CU_ASSERT_EQUAL(e->line, 10);
    CU_ASSERT_STRING_EQUAL(e->message,
                           "XML not well-formed (Premature end of data in tag trkpt)");
    teardown();
}

static void test_gpx__bom_and_leading_whitespace(void)
{
    static const char bom[] = "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                              "<gpx><trk><trkseg><trkpt lat=\"1\" lon=\"2\"/></trkseg></trk></gpx>";
    static const char ws[] = "\n  \n   <?xml version=\"1.0\"?>\n<gpx><trk><trkseg>\n"
                             "<trkpt lat=\"1\" lon=\"2\"/>\n<trkpt lat=\"x\" lon=\"2\"/>\n"
                             "</trkseg></trk></gpx>";
    static const char bom_ws[] = "\xEF\xBB\xBF \r\n<?xml version=\"1.0\"?><gpx><trk><trkseg>"
                                 "<trkpt lat=\"1\" lon=\"2\"/></trkseg></trk></gpx>";
    static const char ws_no_decl[] = "\n\n<gpx><trk><trkseg>"
                                     "<trkpt lat=\"1\" lon=\"2\">\n";
    hm_file *f = PARSE_OK(bom);
    const hm_error *e;

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    points(f, 1);
    CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 0);
    hm_file_free(f);

    /* Garmin Connect: white space before the declaration is skipped with a warning, and
     * later line numbers still count the skipped lines. */
    f = PARSE_OK(ws);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    points(f, 1);
    CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 2);
    CU_ASSERT(has_warning(f, "white space before the XML declaration skipped", 3));
    CU_ASSERT(has_warning(f, "1 point without a valid lat/lon dropped", 6));
    hm_file_free(f);

    f = PARSE_OK(bom_ws);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    points(f, 1);
    CU_ASSERT(has_warning(f, "white space before the XML declaration skipped", 2));
    hm_file_free(f);

    e = PARSE_FAIL(ws_no_decl, HM_EPARSE);
    CU_ASSERT_STRING_EQUAL(e->message,
                           "XML not well-formed (Premature end of data in tag trkpt)");
    teardown();
}

static void test_gpx__declared_encodings(void)
{
    /* "Caf\xe9" in ISO-8859-1, the euro sign 0x80 in windows-1252 */
    static const char latin1[] = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
                                 "<gpx creator=\"Caf\xe9\"><trk><type>V\xe9lo</type><trkseg>"
                                 "<trkpt lat=\"1\" lon=\"2\"/></trkseg></trk></gpx>";
    static const char cp1252[] = "<?xml version='1.0' encoding = 'windows-1252' ?>"
                                 "<gpx creator=\"\x80 \xe9\"><trk><trkseg>"
                                 "<trkpt lat=\"1\" lon=\"2\"/></trkseg></trk></gpx>";
    /* A wide encoding named on 8-bit content is a wrong label (libxml2 agrees). */
    static const char mislabeled[] = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>"
                                     "<gpx creator=\"x\"><trk><trkseg>"
                                     "<trkpt lat=\"1\" lon=\"2\"/></trkseg></trk></gpx>";
    static const char bom_wins[] = "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
                                   "<gpx creator=\"\xc3\xa9\"><trk/></gpx>";
    static const char unknown[] = "<?xml version=\"1.0\" encoding=\"klingon\"?><gpx/>";
    /* not an EncName (and no iconv "//" suffix may get through) */
    static const char bad_name[] = "<?xml version=\"1.0\" encoding=\"UTF-8//IGNORE\"?><gpx/>";
    static const char long_name[] = "<?xml version=\"1.0\" encoding=\"aaaaaaaaaaaaaaaaaaaaaaaaa"
                                    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"?><gpx/>";
    hm_file *f = PARSE_OK(latin1);
    const hm_error *e;

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    points(f, 1);
    CU_ASSERT_STRING_EQUAL(hm_activity_get_device(hm_file_get_activity(f, 0)), "Caf\xc3\xa9");
    CU_ASSERT_STRING_EQUAL(hm_activity_get_sport(hm_file_get_activity(f, 0)), "v\xc3\xa9lo");
    hm_file_free(f);

    f = PARSE_OK(cp1252);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    points(f, 1);
    CU_ASSERT_STRING_EQUAL(hm_activity_get_device(hm_file_get_activity(f, 0)),
                           "\xe2\x82\xac \xc3\xa9");
    hm_file_free(f);

    f = PARSE_OK(bom_wins);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL_FATAL(hm_file_get_activity_count(f), 1); /* a trk without points */
    CU_ASSERT_STRING_EQUAL(hm_activity_get_device(hm_file_get_activity(f, 0)), "\xc3\xa9");
    hm_file_free(f);

    f = PARSE_OK(mislabeled);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    points(f, 1);
    hm_file_free(f);

    e = PARSE_FAIL(unknown, HM_EPARSE);
    CU_ASSERT_STRING_EQUAL(e->message, "unsupported encoding \"klingon\"");
    CU_ASSERT_EQUAL(e->line, 1);
    e = PARSE_FAIL(bad_name, HM_EPARSE);
    CU_ASSERT_PTR_NOT_NULL(strstr(e->message, "XML not well-formed ("));
    f = PARSE_OK(long_name); /* libxml2 ignores declarations: read as UTF-8 */
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(hm_file_get_activity_count(f), 0);
    hm_file_free(f);
    teardown();
}

static void test_gpx__utf16(void)
{
    static const char text[] = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n"
                               "<gpx creator=\"\xc3\xa9\"><trk><trkseg>"
                               "<trkpt lat=\"1.5\" lon=\"2\">"
                               "<time>2020-01-01T00:00:00Z</time></trkpt></trkseg></trk></gpx>\n";
    size_t n = strlen(text), i, j;
    unsigned char le[512], be[512];
    hm_file *f;

    /* Encode the (ASCII + one two-byte UTF-8 character) text as UTF-16 with a BOM. */
    le[0] = 0xFF, le[1] = 0xFE, be[0] = 0xFE, be[1] = 0xFF;
    for (i = 0, j = 2; i < n; i++, j += 2) {
        unsigned cp = (unsigned char)text[i];
        if (cp == 0xc3) {
            cp = 0xc0 | ((unsigned char)text[++i] & 0x3f);
        }
        le[j] = (unsigned char)cp, le[j + 1] = (unsigned char)(cp >> 8);
        be[j] = (unsigned char)(cp >> 8), be[j + 1] = (unsigned char)cp;
    }
    f = parse_ok((const char *)le, j);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    HM_ASSERT_NEAR(points(f, 1)[0].time, 1577836800.0, 0);
    CU_ASSERT_STRING_EQUAL(hm_activity_get_device(hm_file_get_activity(f, 0)), "\xc3\xa9");
    hm_file_free(f);
    f = parse_ok((const char *)be, j);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    HM_ASSERT_NEAR(points(f, 1)[0].lat, 1.5, 0);
    hm_file_free(f);
    /* without a BOM, recognised by "<\0?\0" */
    f = parse_ok((const char *)le + 2, j - 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    points(f, 1);
    hm_file_free(f);
    teardown();
}

static void test_gpx__bad_bytes_are_errors_not_noise(void)
{
    /* Invalid UTF-8 and invalid UTF-16 end the document like any well-formedness error;
     * libxml2 must not print anything (its own converter would, to stderr). */
    static const char utf8[] = "<?xml version=\"1.0\"?>\n<gpx><trk><trkseg>"
                               "<trkpt lat=\"1\" lon=\"2\"/>\n<trkpt lat=\"1\" lon=\"3\">"
                               "<name>\xff\xfe</name></trkpt></trkseg></trk></gpx>";
    static const unsigned char utf16[] = {0xFF, 0xFE, '<', 0, 'g', 0, 'p', 0, 'x', 0, '>', 0,
                                          0x00, 0xDC, '<', 0, '/', 0, 'g', 0, 'p', 0, 'x', 0,
                                          '>', 0};
    static const char cp1252[] = "<?xml version=\"1.0\" encoding=\"windows-1252\"?>\n"
                                 "<gpx><trk><trkseg><trkpt lat=\"1\" lon=\"2\"/>\n"
                                 "<name>\x81</name></trkseg></trk></gpx>";
    hm_file *f = PARSE_OK(utf8);
    const hm_error *e;

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    points(f, 1);
    CU_ASSERT(has_warning(f, "XML not well-formed (Input is not proper UTF-8, indicate "
                             "encoding ! Bytes: 0xFF 0xFE 0x3C 0x2F); kept 1 point", 3));
    hm_file_free(f);

    e = parse_fail((const char *)utf16, sizeof(utf16), HM_EPARSE);
    CU_ASSERT_STRING_EQUAL(e->message, "input is not valid UTF-16LE");

    f = PARSE_OK(cp1252);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    points(f, 1);
    CU_ASSERT(has_warning(f, "input is not valid windows-1252; kept 1 point", 0));
    hm_file_free(f);
    teardown();
}

static void test_gpx__entity_bomb_rejected(void)
{
    static const char doc[] = "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE gpx [\n"
        " <!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n"
        " <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
        " <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
        " <!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
        "]>\n<gpx creator=\"&d;\"><trk><type>&d;</type></trk></gpx>";
    const hm_error *e = PARSE_FAIL(doc, HM_EPARSE);

    CU_ASSERT_STRING_EQUAL(e->message, "DTD and entity declarations are not allowed");
    CU_ASSERT_EQUAL(e->line, 2);
    teardown();
}

static void test_gpx__external_entities_rejected(void)
{
    static const char xxe[] = "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE gpx [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
        "<gpx creator=\"&x;\"><trk><trkseg><trkpt lat=\"1\" lon=\"2\"/></trkseg></trk></gpx>";
    static const char param[] = "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE gpx [<!ENTITY % p SYSTEM \"http://127.0.0.1:9/x.dtd\"> %p;]><gpx/>";
    static const char comment_subset[] = "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE gpx [ <!-- nothing --> ]><gpx/>";
    /* A DOCTYPE without an internal subset declares nothing and loads nothing. */
    static const char plain_doctype[] = "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE gpx SYSTEM \"http://127.0.0.1:9/gpx.dtd\">\n"
        "<gpx><trk><trkseg><trkpt lat=\"1\" lon=\"2\"/></trkseg></trk></gpx>";
    const hm_error *e = PARSE_FAIL(xxe, HM_EPARSE);
    hm_file *f;

    CU_ASSERT_STRING_EQUAL(e->message, "DTD and entity declarations are not allowed");
    e = PARSE_FAIL(param, HM_EPARSE);
    CU_ASSERT_STRING_EQUAL(e->message, "DTD and entity declarations are not allowed");
    e = PARSE_FAIL(comment_subset, HM_EPARSE);
    CU_ASSERT_STRING_EQUAL(e->message, "DTD and entity declarations are not allowed");
    f = PARSE_OK(plain_doctype);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    points(f, 1);
    hm_file_free(f);
    teardown();
}

/* prefix, then depth nested <a> elements, then suffix (malloc'd). */
static char *nested(const char *prefix, size_t depth, const char *suffix, size_t *len)
{
    size_t np = strlen(prefix), ns = strlen(suffix), i;
    char *doc = malloc(np + depth * 7 + ns + 1), *q = doc;

    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    memcpy(q, prefix, np), q += np;
    for (i = 0; i < depth; i++)
        memcpy(q, "<a>", 3), q += 3;
    for (i = 0; i < depth; i++)
        memcpy(q, "</a>", 4), q += 4;
    memcpy(q, suffix, ns), q += ns;
    *len = (size_t)(q - doc);
    return doc;
}

static void test_gpx__deep_nesting_stops_cleanly(void)
{
    size_t len;
    char *doc;
    hm_file *f;
    const hm_error *e;

    doc = nested("<gpx>\n<trk><trkseg><trkpt lat=\"1\" lon=\"2\"/></trkseg></trk>\n", 100000,
                 "</gpx>", &len);
    f = parse_ok(doc, len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    points(f, 1);
    CU_ASSERT(has_warning(f, "elements nested deeper than 256 levels; kept 1 point", 3));
    hm_file_free(f);
    free(doc);

    /* without points before it, the same is an error */
    doc = nested("<gpx>", 100000, "</gpx>", &len);
    e = parse_fail(doc, len, HM_EPARSE);
    CU_ASSERT_STRING_EQUAL(e->message, "elements nested deeper than 256 levels");
    free(doc);

    /* 255 levels below the root are fine */
    doc = nested("<gpx>", 255, "<trk><trkpt lat=\"1\" lon=\"1\"/></trk></gpx>", &len);
    f = parse_ok(doc, len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    points(f, 1);
    hm_file_free(f);
    free(doc);
    teardown();
}

/* Values straddling the 256 KiB chunk boundary, a few MB of points. */
static void test_gpx__large_document_across_chunks(void)
{
    size_t npts = 20000, i, n = 0;
    char *doc = malloc(npts * 200 + 256);
    const hm_point *p;
    hm_file *f;
    size_t bad = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    n += (size_t)sprintf(doc + n, GPX_HEAD GPX_OPEN "<trk><trkseg>\n");
    for (i = 0; i < npts; i++)
        n += (size_t)sprintf(doc + n,
                             "<trkpt lat=\"%zu.%06zu\" lon=\"-%zu.5\"><ele>%zu.25</ele>"
                             "<time>2020-01-01T%02zu:%02zu:%02zuZ</time><extensions><hr>%zu</hr>"
                             "</extensions></trkpt>\n",
                             i % 89, i, i % 179, i, i / 3600, i / 60 % 60, i % 60, 60 + i % 140);
    n += (size_t)sprintf(doc + n, "</trkseg></trk></gpx>\n");
    f = parse_ok(doc, n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    p = points(f, npts);
    for (i = 0; i < npts; i++) {
        if (fabs(p[i].lat - ((double)(i % 89) + (double)i * 1e-6)) > 1e-9 ||
            p[i].lon != -(double)(i % 179) - 0.5 || p[i].ele != (float)((double)i + 0.25) ||
            p[i].time != 1577836800.0 + (double)i || p[i].hr != (float)(60 + i % 140))
            bad++;
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 0);
    hm_file_free(f);
    free(doc);
    teardown();
}

/* gzip src, keep the first `keep` compressed bytes in a fresh temporary file; returns its path. */
static const char *truncated_gz_file(const char *src, size_t len, double keep)
{
    static char path[64];
    z_stream zs;
    size_t cap = compressBound((uLong)len) + 64;
    unsigned char *out = malloc(cap);
    FILE *fp;
    int fd;

    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    memset(&zs, 0, sizeof(zs));
    CU_ASSERT_FATAL(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) ==
                    Z_OK);
    zs.next_in = (Bytef *)src;
    zs.avail_in = (uInt)len;
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    CU_ASSERT_FATAL(deflate(&zs, Z_FINISH) == Z_STREAM_END);
    snprintf(path, sizeof(path), "/tmp/hm_gpx_XXXXXX");
    fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    fp = fdopen(fd, "wb");
    CU_ASSERT_FATAL(fp != NULL);
    fwrite(out, 1, (size_t)((double)(cap - zs.avail_out) * keep), fp);
    fclose(fp);
    deflateEnd(&zs);
    free(out);
    return path;
}

/* A broken stream (truncated gzip) ends the document like truncated XML does. */
static void test_gpx__stream_error_keeps_points(void)
{
    size_t npts = 20000, i, n = 0;
    char *doc = malloc(npts * 120 + 256);
    const char *path;
    hm_stream *in;
    hm_file *f = NULL;
    const hm_error *e;
    size_t kept;

    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    n += (size_t)sprintf(doc + n, GPX_HEAD GPX_OPEN "<trk><trkseg>\n");
    for (i = 0; i < npts; i++)
        n += (size_t)sprintf(doc + n, "<trkpt lat=\"1.%zu\" lon=\"2\"><ele>%zu</ele></trkpt>\n",
                             i, i);
    n += (size_t)sprintf(doc + n, "</trkseg></trk></gpx>\n");

    path = truncated_gz_file(doc, n, 0.5);
    CU_ASSERT_EQUAL_FATAL(hm_stream__new_file(&in, test_ctx(), path, 0), HM_OK);
    CU_ASSERT_EQUAL(hm_gpx__parse_stream(&f, ctx, in), HM_OK);
    hm_stream__free(in);
    remove(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_PTR_NULL(hm_ctx_last_error(ctx)); /* handled: it is a warning now */
    kept = hm_activity_get_point_count(hm_file_get_activity(f, 0));
    CU_ASSERT(kept > 1000 && kept < npts);
    CU_ASSERT_EQUAL_FATAL(hm_file_get_warning_count(f), 1);
    e = hm_file_get_warning(f, 0);
    CU_ASSERT_EQUAL(e->code, HM_EPARSE);
    /* points from line 4 on; the break is on the line after the last kept point */
    CU_ASSERT(e->line == (long)kept + 4 || e->line == (long)kept + 3);
    CU_ASSERT_PTR_NOT_NULL(strstr(e->message, "gzip data truncated after "));
    hm_file_free(f);

    /* nothing read before the break: the stream's own error is passed up unchanged */
    path = truncated_gz_file(doc, 200, 0.5);
    hm_ctx_clear_error(ctx);
    CU_ASSERT_EQUAL_FATAL(hm_stream__new_file(&in, ctx, path, 0), HM_OK);
    f = (hm_file *)1;
    CU_ASSERT_EQUAL(hm_gpx__parse_stream(&f, ctx, in), HM_EPARSE);
    CU_ASSERT_PTR_NULL(f);
    hm_stream__free(in);
    e = hm_ctx_last_error(ctx);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_STRING_EQUAL(e->path, path);
    CU_ASSERT_PTR_NOT_NULL(strstr(e->message, "gzip data truncated after "));
    CU_ASSERT(e->offset >= 0);
    remove(path);
    free(doc);
    teardown();
}

/* ---- allocation failures ----------------------------------------------- */

static void test_gpx__allocation_failure_sweep(void)
{
    static const char doc[] = GPX_HEAD GPX_OPEN
        "<rte><rtept lat=\"1\" lon=\"1\"/></rte>\n"
        "<trk><type>run</type><trkseg><trkpt lat=\"1\" lon=\"1\"/><trkpt lat=\"1\" lon=\"2\"/>"
        "<trkpt lat=\"1\" lon=\"3\"><time>bad</time></trkpt></trkseg>"
        "<trkseg><trkpt lat=\"1\" lon=\"4\"/><trkpt lat=\"x\" lon=\"4\"/></trkseg></trk>\n"
        "<trk><trkseg><trkpt lat=\"1\" lon=\"4\">";
    hm_test_alloc fa = {-1, 0, 0, 1}; /* sticky: no success after a failure */
    hm_allocator alloc = hm_test_alloc_make(&fa);
    hm_ctx *c;
    hm_file *f;
    long n, total;

    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&c, &alloc), HM_OK);
    fa.count = 0;
    CU_ASSERT_EQUAL_FATAL(hm_gpx_parse_buffer(&f, c, "a.gpx", doc, sizeof(doc) - 1), HM_OK);
    CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 3);
    total = fa.count;
    hm_file_free(f);
    for (n = 0; n < total; n++) {
        int rc;
        fa.fail_at = n;
        fa.count = 0;
        rc = hm_gpx_parse_buffer(&f, c, "a.gpx", doc, sizeof(doc) - 1);
        /* Only the builder's closing shrink-to-fit may fail harmlessly: it is the last. */
        if (rc == HM_OK && n == total - 1) {
            CU_ASSERT_EQUAL(hm_activity_get_point_count(hm_file_get_activity(f, 0)), 4);
            hm_file_free(f);
            continue;
        }
        CU_ASSERT_EQUAL(rc, HM_ENOMEM);
        CU_ASSERT_PTR_NULL(f);
        CU_ASSERT_EQUAL(hm_ctx_last_error(c)->code, HM_ENOMEM);
    }
    fa.fail_at = -1;
    hm_ctx_free(c);
    CU_ASSERT_EQUAL(fa.live, 0);
}

/* ---- the corpus ----------------------------------------------------------- */

/* Read a file, inflating it when it is gzip (zlib reads plain files as they are). */
unsigned char *hm_test_xml_read_any(const char *path, size_t *len)
{
    gzFile g = gzopen(path, "rb");
    size_t cap = 1 << 20, n = 0;
    unsigned char *buf;
    int k;

    *len = 0;
    if (!g)
        return NULL;
    buf = malloc(cap);
    while (buf && (k = gzread(g, buf + n, (unsigned)(cap - n))) > 0) {
        n += (size_t)k;
        if (n == cap) {
            unsigned char *b = realloc(buf, cap *= 2);
            if (!b) {
                free(buf);
                buf = NULL;
            }
            buf = b;
        }
    }
    gzclose(g);
    *len = n;
    return buf;
}

size_t hm_test_xml_positioned(const hm_file *f)
{
    size_t i, n = 0;

    for (i = 0; i < hm_file_get_activity_count(f); i++) {
        hm_activity_summary s;
        hm_activity_get_summary(hm_file_get_activity(f, i), &s);
        n += s.points_with_pos;
    }
    return n;
}

/* Points dropped by the GPX reader, from its "N points without a valid lat/lon" warning. */
size_t hm_test_xml_dropped(const hm_file *f)
{
    size_t i, n = 0;

    for (i = 0; i < hm_file_get_warning_count(f); i++) {
        const char *m = hm_file_get_warning(f, i)->message;
        if (strstr(m, "without a valid lat/lon dropped"))
            n += strtoul(m, NULL, 10);
    }
    return n;
}

/* 1 when the bytes at p (before end) start with the text s. */
static int starts_with(const char *p, const char *end, const char *s)
{
    size_t n = strlen(s);

    return (size_t)(end - p) >= n && memcmp(p, s, n) == 0;
}

/* What the GPX reader should make of a document, from its bytes alone (a plain scan, not XML). */
typedef struct scan_counts {
    size_t trksegs;  /* <trkseg> elements */
    size_t markers;  /* OpenTracks pause/resume markers: trkpt with lat "100" or "200" */
    size_t segments; /* runs of other trkpt, broken by trkseg boundaries and by markers */
} scan_counts;

/* Good enough for the corpus: unprefixed trkseg/trkpt and a double-quoted lat. */
static scan_counts scan_gpx(const unsigned char *buf, size_t len)
{
    const char *p = (const char *)buf, *end = p + len;
    scan_counts n = {0, 0, 0};
    size_t run = 0;

    for (; p < end && (p = memchr(p, '<', (size_t)(end - p))) != NULL; p++) {
        const char *gt, *q;
        int marker = 0;

        if (starts_with(p, end, "<trkseg") || starts_with(p, end, "</trkseg")) {
            n.trksegs += p[1] == 't';
            n.segments += run > 0;
            run = 0;
            continue;
        }
        if (!starts_with(p, end, "<trkpt") || !(gt = memchr(p, '>', (size_t)(end - p))))
            continue;
        for (q = p + 6; q < gt; q++)
            if ((*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r') &&
                starts_with(q + 1, gt, "lat=\""))
                marker = starts_with(q + 6, gt, "100\"") || starts_with(q + 6, gt, "200\"");
        if (marker) {
            n.markers++;
            n.segments += run > 0;
            run = 0;
        } else {
            run++;
        }
    }
    n.segments += run > 0;
    return n;
}

/* The Points column of MANIFEST.md for "gpx/x.gpx"; -1 when the row is missing. */
long hm_test_xml_manifest_points(const char *rel)
{
    static char *manifest;
    static size_t len;
    char key[300];
    const char *row;
    int col;

    if (!manifest)
        manifest = (char *)hm_test_xml_read_any(TRACKS "/MANIFEST.md", &len);
    if (!manifest)
        return -1;
    manifest[len - 1] = '\0';
    snprintf(key, sizeof(key), "\n| `%s` |", rel);
    row = strstr(manifest, key);
    if (!row)
        return -1;
    /* | Path | Source repo | Path in repo | Commit | Licence | Format | Creator | Points | */
    row++;
    for (col = 0; col < 8 && *row && *row != '\n'; row++)
        if (*row == '|' && row[-1] != '\\')
            col++;
    if (col != 8)
        return -1;
    return strtol(row, NULL, 10);
}

/* Every file of gpx/ or tcx/ reads with HM_OK and its positioned points match the manifest. */
void hm_test_xml_check_folder(const char *sub, hm_test_parse_fn parse)
{
    char dir[512];
    struct dirent *de;
    DIR *d;
    hm_ctx *c;
    size_t nfiles = 0;

    if (!hm_test_have_shared())
        return;
    snprintf(dir, sizeof(dir), TRACKS "/%s", sub);
    d = opendir(dir);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&c, NULL), HM_OK);
    while ((de = readdir(d)) != NULL) {
        char rel[300], path[800];
        unsigned char *buf;
        size_t len, got;
        hm_file *f = NULL;
        long want;
        int rc;

        if (de->d_name[0] == '.')
            continue;
        nfiles++;
        snprintf(rel, sizeof(rel), "%s/%s", sub, de->d_name);
        snprintf(path, sizeof(path), TRACKS "/%s", rel);
        buf = hm_test_xml_read_any(path, &len);
        CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
        rc = parse(&f, c, path, buf, len);
        if (rc != HM_OK)
            fprintf(stderr, "\n  %s: %s\n", rel, hm_ctx_last_error(c)->message);
        CU_ASSERT_EQUAL(rc, HM_OK);
        want = hm_test_xml_manifest_points(rel);
        CU_ASSERT(want >= 0);
        if (rc == HM_OK) {
            /* MANIFEST counts every point with lat/lon attributes; the GPX reader drops
             * those out of range and says so, and reads OpenTracks' lat=100/200 pause
             * markers as segment breaks, not points, without a word. */
            got = hm_test_xml_positioned(f) + hm_test_xml_dropped(f) +
                  scan_gpx(buf, len).markers;
            if ((long)got != want)
                fprintf(stderr, "\n  %s: %zu positioned points, MANIFEST says %ld\n", rel, got,
                        want);
            CU_ASSERT_EQUAL(got, (size_t)want);
            if (hm_file_get_warning_count(f) != (hm_test_xml_dropped(f) ? 1u : 0u))
                fprintf(stderr, "\n  %s: unexpected warning: %s\n", rel,
                        hm_file_get_warning(f, 0)->message);
            CU_ASSERT_EQUAL(hm_file_get_warning_count(f), hm_test_xml_dropped(f) ? 1 : 0);
        }
        hm_file_free(f);
        free(buf);
    }
    closedir(d);
    CU_ASSERT(nfiles >= 21);
    hm_ctx_free(c);
}

static void test_gpx__corpus_reads_cleanly(void)
{
    hm_test_xml_check_folder("gpx", hm_gpx_parse_buffer);
}

static void test_gpx__corpus_values(void)
{
    static const struct {
        const char *file;    /* under gpx/ */
        size_t index;        /* point index */
        double lat, lon;     /* degrees */
        double time;         /* s since epoch */
        double hr, cad, pwr; /* NaN when absent */
        const char *sport, *device;
    } cases[] = {
        {"gc_UrbanBiker2019-04-18_16-12.gpx", 1, 48.8789629, 9.18868635, 1555596741.009, 125, 7,
         NAN, "", "Urban Biker - with barometer"},
        {"sportslib_amazfit.gpx", 0, 60.272281646728516, 24.973012924194336, 1526291652, 89,
         NAN, NAN, "running", "Huami Amazfit Sports Watch"},
        {"gc_Move_2014_01_17_09_33_11.gpx", 0, 47.229716, 8.968257, 1389947591.15, 92, NAN, NAN,
         "", "Movescount - http://www.movescount.com"},
        {"sportslib_6909869014.gpx", 0, 37.5405270, -77.4332070, 1461343453, 85, 7, 62, "17",
         "StravaGPX"},
        {"sportstracker_bike-tour-holux-funtrek-130-pro-with-heartrate.gpx", 0, 49.99012500,
         36.34850472, 1320311365, 81, NAN, NAN, "", "HOLUX GM-130"},
        {"opentracks_gpx_timezone.gpx", 0, 3, 14, 1610051819.179, NAN, NAN, NAN, "unknown",
         "OpenTracks (Debug)"},
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
        const hm_activity *a;
        const hm_point *p;

        snprintf(path, sizeof(path), TRACKS "/gpx/%s", cases[i].file);
        buf = hm_test_xml_read_any(path, &len);
        CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
        CU_ASSERT_EQUAL_FATAL(hm_gpx_parse_buffer(&f, c, path, buf, len), HM_OK);
        a = hm_file_get_activity(f, 0);
        p = hm_activity_get_points(a) + cases[i].index;
        HM_ASSERT_NEAR(p->lat, cases[i].lat, 1e-12);
        HM_ASSERT_NEAR(p->lon, cases[i].lon, 1e-12);
        HM_ASSERT_NEAR(p->time, cases[i].time, 1e-6);
        CU_ASSERT(isnan(cases[i].hr) ? isnan(p->hr) : p->hr == (float)cases[i].hr);
        CU_ASSERT(isnan(cases[i].cad) ? isnan(p->cadence) : p->cadence == (float)cases[i].cad);
        CU_ASSERT(isnan(cases[i].pwr) ? isnan(p->power) : p->power == (float)cases[i].pwr);
        CU_ASSERT_STRING_EQUAL(hm_activity_get_sport(a), cases[i].sport);
        CU_ASSERT_STRING_EQUAL(hm_activity_get_device(a), cases[i].device);
        hm_file_free(f);
        free(buf);
    }
    hm_ctx_free(c);
}

static void test_gpx__corpus_pause_markers(void)
{
    static const char *files[] = {"opentracks_legacy_gpx_pause_resume.gpx",
                                  "opentracks_legacy_gpx_trackpointextensions_incorrect.gpx",
                                  "opentracks_gpx_timezone.gpx"};
    hm_ctx *c;
    size_t i;

    if (!hm_test_have_shared())
        return;
    CU_ASSERT_EQUAL_FATAL(hm_ctx_new(&c, NULL), HM_OK);
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char path[512];
        size_t len;
        unsigned char *buf;
        hm_file *f = NULL;
        const hm_activity *a;
        scan_counts want;

        snprintf(path, sizeof(path), TRACKS "/gpx/%s", files[i]);
        buf = hm_test_xml_read_any(path, &len);
        CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
        want = scan_gpx(buf, len);
        CU_ASSERT_EQUAL_FATAL(hm_gpx_parse_buffer(&f, c, path, buf, len), HM_OK);
        CU_ASSERT_EQUAL_FATAL(hm_file_get_activity_count(f), 1);
        a = hm_file_get_activity(f, 0);
        if (hm_activity_get_segment_count(a) != want.segments)
            fprintf(stderr, "\n  %s: %zu segments, the scan says %zu\n", files[i],
                    hm_activity_get_segment_count(a), want.segments);
        CU_ASSERT_EQUAL(hm_activity_get_segment_count(a), want.segments);
        /* the pause/resume file pauses between points: more segments than trkseg */
        if (i == 0)
            CU_ASSERT(want.markers > 0 && want.segments > want.trksegs);
        CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 0);
        hm_file_free(f);
        free(buf);
    }
    hm_ctx_free(c);
}

static void test_gpx__corpus_bad_files(void)
{
    static const struct {
        const char *file;    /* under bad/ */
        int rc;              /* expected return */
        long line;           /* line of the error, or of the warning */
        const char *message; /* expected message (error) or warning substring */
        long positioned;     /* points kept */
    } cases[] = {
        {"hotpot_corrupted.gpx", HM_EPARSE, 11,
         "XML not well-formed (Premature end of data in tag trkpt)", 0},
        {"agp_garminBaseCampExport-truncated.gpx", HM_EPARSE, 58,
         "XML not well-formed (Premature end of data in tag wpt)", 0},
        {"agp_garminBaseCampExport-noclosingtag.gpx", HM_OK, 204,
         "XML not well-formed (Premature end of data in tag gpx); kept 10 points", 10},
        {"sportslib_6037744996.gpx", HM_OK, 17,
         "4040 namespace errors ignored, data kept (first: Namespace prefix gpxdata "
         "on cadence is not defined)",
         4040},
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
        int rc;

        snprintf(path, sizeof(path), TRACKS "/bad/%s", cases[i].file);
        buf = hm_test_xml_read_any(path, &len);
        CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
        hm_ctx_clear_error(c);
        rc = hm_gpx_parse_buffer(&f, c, path, buf, len);
        CU_ASSERT_EQUAL(rc, cases[i].rc);
        if (rc != HM_OK) {
            const hm_error *e = hm_ctx_last_error(c);
            CU_ASSERT_PTR_NULL(f);
            CU_ASSERT_PTR_NOT_NULL_FATAL(e);
            CU_ASSERT_STRING_EQUAL(e->message, cases[i].message);
            CU_ASSERT_STRING_EQUAL(e->path, path);
            CU_ASSERT_EQUAL(e->line, cases[i].line);
        } else {
            CU_ASSERT_PTR_NOT_NULL_FATAL(f);
            CU_ASSERT_EQUAL(hm_file_get_warning_count(f), 1);
            CU_ASSERT(has_warning(f, cases[i].message, cases[i].line));
            CU_ASSERT_EQUAL(hm_test_xml_positioned(f), (size_t)cases[i].positioned);
        }
        hm_file_free(f);
        free(buf);
    }
    hm_ctx_free(c);
}

void hm_test_gpx_suite(void)
{
    static CU_TestInfo tests[] = {
        {"coordinates_and_times", test_gpx__coordinates_and_times},
        {"heart_rate_encodings", test_gpx__heart_rate_encodings},
        {"cadence_power_speed_temperature_distance",
         test_gpx__cadence_power_speed_temperature_distance},
        {"gpx10_speed_and_course", test_gpx__gpx10_speed_and_course},
        {"sport_device_and_text_forms", test_gpx__sport_device_and_text_forms},
        {"metadata_time_when_points_have_none", test_gpx__metadata_time_when_points_have_none},
        {"metadata_time_ignored_when_points_have_times",
         test_gpx__metadata_time_ignored_when_points_have_times},
        {"gpx10_top_level_time", test_gpx__gpx10_top_level_time},
        {"segments", test_gpx__segments},
        {"routes_only_without_track_points", test_gpx__routes_only_without_track_points},
        {"waypoints_and_empty_files", test_gpx__waypoints_and_empty_files},
        {"empty_input_is_an_error", test_gpx__empty_input_is_an_error},
        {"invalid_coordinates_dropped", test_gpx__invalid_coordinates_dropped},
        {"pause_markers_split_segments", test_gpx__pause_markers_split_segments},
        {"bad_times_left_empty", test_gpx__bad_times_left_empty},
        {"namespaces_ignored_and_prefixed_root", test_gpx__namespaces_ignored_and_prefixed_root},
        {"unexpected_root_warns", test_gpx__unexpected_root_warns},
        {"namespace_error_keeps_data", test_gpx__namespace_error_keeps_data},
        {"truncated_after_points_keeps_them", test_gpx__truncated_after_points_keeps_them},
        {"truncated_before_points_fails", test_gpx__truncated_before_points_fails},
        {"bom_and_leading_whitespace", test_gpx__bom_and_leading_whitespace},
        {"declared_encodings", test_gpx__declared_encodings},
        {"utf16", test_gpx__utf16},
        {"bad_bytes_are_errors_not_noise", test_gpx__bad_bytes_are_errors_not_noise},
        {"entity_bomb_rejected", test_gpx__entity_bomb_rejected},
        {"external_entities_rejected", test_gpx__external_entities_rejected},
        {"deep_nesting_stops_cleanly", test_gpx__deep_nesting_stops_cleanly},
        {"large_document_across_chunks", test_gpx__large_document_across_chunks},
        {"stream_error_keeps_points", test_gpx__stream_error_keeps_points},
        {"allocation_failure_sweep", test_gpx__allocation_failure_sweep},
        {"corpus_reads_cleanly", test_gpx__corpus_reads_cleanly},
        {"corpus_values", test_gpx__corpus_values},
        {"corpus_pause_markers", test_gpx__corpus_pause_markers},
        {"corpus_bad_files", test_gpx__corpus_bad_files},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("gpx", tests);
}
