/* SPDX-License-Identifier: MIT */
/*
 * GPX, TCX and FIT writers for `heatmap-generate`. Each writes what a
 * typical device or service writes (Strava-style GPX, Garmin-style TCX and
 * FIT), so the readers meet realistic layouts: GPX skips points without a
 * position, TCX keeps them without <Position>, FIT gives them their own
 * record definition. Coordinates are rounded once (1e-7 degree in text,
 * semicircles in FIT) and hm_gen_stats_compute() measures the same rounded
 * values, so MANIFEST.csv is exactly what a reader should find. The FIT
 * CRC, the FIT epoch, the calendar, the ISO 8601 format and the buffer are
 * the engine's (src/io/fit_crc.c, src/io/units.c, src/core/time.c,
 * src/core/strbuf.c); the files still say "heatmap generate" as their
 * creator, the name the generator had when their bytes were fixed.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/time_int.h"
#include "gen_write.h"
#include "io/fit_crc_int.h"
#include "io/units_int.h"

const char *hm_gen_format_name(hm_gen_format format)
{
    static const char *const names[] = {"gpx", "tcx", "fit"};

    return names[format];
}

/* ---- number formatting ------------------------------------------------- */

static void put_uint(hm_strbuf *b, uint64_t v, int min_digits)
{
    char tmp[24];
    int n = 0;

    do {
        tmp[sizeof(tmp) - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v || n < min_digits);
    hm_strbuf_put(b, tmp + sizeof(tmp) - n, (size_t)n);
}

void hm_gen_put_int(hm_strbuf *b, int64_t v)
{
    if (v < 0) {
        hm_strbuf_put(b, "-", 1);
        put_uint(b, (uint64_t)0 - (uint64_t)v, 1);
    } else {
        put_uint(b, (uint64_t)v, 1);
    }
}

void hm_gen_put_fixed(hm_strbuf *b, double v, int decimals)
{
    static const int64_t scale[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
                                    100000000, 1000000000};
    int64_t q = llround(v * (double)scale[decimals]);
    uint64_t mag = q < 0 ? (uint64_t)0 - (uint64_t)q : (uint64_t)q;

    if (q < 0)
        hm_strbuf_put(b, "-", 1);
    put_uint(b, mag / (uint64_t)scale[decimals], 1);
    if (decimals > 0) {
        hm_strbuf_put(b, ".", 1);
        put_uint(b, mag % (uint64_t)scale[decimals], decimals);
    }
}

void hm_gen_put_time(hm_strbuf *b, int64_t t, int millis)
{
    char iso[HM_TIME_ISO8601_SIZE];
    size_t n;

    /* The engine's formatter: the generator writes times as the engine prints them. */
    n = hm_time_format_iso8601(iso, sizeof(iso), (double)t);
    hm_strbuf_put(b, iso, n ? n - 1 : 0); /* without the Z */
    hm_strbuf_puts(b, millis ? ".000Z" : "Z");
}

/* ---- coordinate rounding, shared by the writers and the statistics ------ */

/* Degrees as written in GPX/TCX text: 7 decimals. */
static int64_t text_e7(double deg)
{
    return llround(deg * 1e7);
}

/* Degrees as FIT semicircles (2^31 per 180 degrees). */
static int32_t semicircles(double deg)
{
    int64_t q = llround(deg * (2147483648.0 / 180.0));

    return (int32_t)(q > 2147483647 ? 2147483647 : q);
}

/* ---- GPX ---------------------------------------------------------------- */

static const char *gpx_type(const hm_gen_meta *meta)
{
    static const char *const types[] = {"running", "cycling", "walking", "hiking"};

    return types[meta->sport];
}

static void write_gpx(hm_strbuf *b, const hm_gen_activity *a, const hm_gen_meta *meta)
{
    size_t i;
    int segment = -1;

    hm_strbuf_puts(b,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<gpx creator=\"heatmap generate\" version=\"1.1\""
        " xmlns=\"http://www.topografix.com/GPX/1/1\""
        " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
        " xmlns:gpxtpx=\"http://www.garmin.com/xmlschemas/TrackPointExtension/v1\""
        " xsi:schemaLocation=\"http://www.topografix.com/GPX/1/1"
        " http://www.topografix.com/GPX/1/1/gpx.xsd"
        " http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
        " http://www.garmin.com/xmlschemas/TrackPointExtensionv1.xsd\">\n"
        " <metadata>\n  <time>");
    hm_gen_put_time(b, a->samples[0].time, 0);
    hm_strbuf_puts(b, "</time>\n </metadata>\n <trk>\n  <name>");
    hm_strbuf_puts(b, meta->name);
    hm_strbuf_puts(b, "</name>\n  <type>");
    hm_strbuf_puts(b, gpx_type(meta));
    hm_strbuf_puts(b, "</type>\n");
    for (i = 0; i < a->count; i++) {
        const hm_gen_sample *s = &a->samples[i];
        if (!s->has_pos)
            continue; /* GPX has no point without a position */
        if (s->segment != segment) {
            if (segment >= 0)
                hm_strbuf_puts(b, "  </trkseg>\n");
            hm_strbuf_puts(b, "  <trkseg>\n");
            segment = s->segment;
        }
        hm_strbuf_puts(b, "   <trkpt lat=\"");
        hm_gen_put_fixed(b, s->lat, 7);
        hm_strbuf_puts(b, "\" lon=\"");
        hm_gen_put_fixed(b, s->lon, 7);
        hm_strbuf_puts(b, "\">\n    <ele>");
        hm_gen_put_fixed(b, s->ele, 1);
        hm_strbuf_puts(b, "</ele>\n    <time>");
        hm_gen_put_time(b, s->time, 0);
        hm_strbuf_puts(b, "</time>\n    <extensions>\n     <gpxtpx:TrackPointExtension>\n"
                           "      <gpxtpx:hr>");
        hm_gen_put_int(b, s->hr);
        hm_strbuf_puts(b, "</gpxtpx:hr>\n      <gpxtpx:cad>");
        hm_gen_put_int(b, s->cadence);
        hm_strbuf_puts(b, "</gpxtpx:cad>\n     </gpxtpx:TrackPointExtension>\n"
                           "    </extensions>\n   </trkpt>\n");
    }
    if (segment >= 0)
        hm_strbuf_puts(b, "  </trkseg>\n");
    hm_strbuf_puts(b, " </trk>\n</gpx>\n");
}

/* ---- TCX ---------------------------------------------------------------- */

static void tcx_trackpoint(hm_strbuf *b, const hm_gen_sample *s)
{
    hm_strbuf_puts(b, "     <Trackpoint>\n      <Time>");
    hm_gen_put_time(b, s->time, 1);
    hm_strbuf_puts(b, "</Time>\n");
    if (s->has_pos) {
        hm_strbuf_puts(b, "      <Position>\n       <LatitudeDegrees>");
        hm_gen_put_fixed(b, s->lat, 7);
        hm_strbuf_puts(b, "</LatitudeDegrees>\n       <LongitudeDegrees>");
        hm_gen_put_fixed(b, s->lon, 7);
        hm_strbuf_puts(b, "</LongitudeDegrees>\n      </Position>\n");
    }
    hm_strbuf_puts(b, "      <AltitudeMeters>");
    hm_gen_put_fixed(b, s->ele, 1);
    hm_strbuf_puts(b, "</AltitudeMeters>\n      <DistanceMeters>");
    hm_gen_put_fixed(b, s->dist, 2);
    hm_strbuf_puts(b, "</DistanceMeters>\n      <HeartRateBpm>\n       <Value>");
    hm_gen_put_int(b, s->hr);
    hm_strbuf_puts(b, "</Value>\n      </HeartRateBpm>\n      <Cadence>");
    hm_gen_put_int(b, s->cadence);
    hm_strbuf_puts(b, "</Cadence>\n      <Extensions>\n       <ns3:TPX>\n        <ns3:Speed>");
    hm_gen_put_fixed(b, s->speed, 3);
    hm_strbuf_puts(b, "</ns3:Speed>\n       </ns3:TPX>\n      </Extensions>\n"
                       "     </Trackpoint>\n");
}

/* Samples [first, last) as one Lap, with one Track per recording segment. */
static void tcx_lap(hm_strbuf *b, const hm_gen_activity *a, const hm_gen_meta *meta,
                    size_t first, size_t last)
{
    static const int kcal_per_km[] = {70, 25, 55, 70};
    double max_speed = 0.0, distance = a->samples[last - 1].dist - a->samples[first].dist;
    int64_t timer = 0, hr_sum = 0;
    int hr_max = 0, cad_sum = 0, cad_n = 0;
    size_t i, track_start = first;

    for (i = first; i < last; i++) {
        const hm_gen_sample *s = &a->samples[i];
        if (i > first && s->segment == a->samples[i - 1].segment)
            timer += s->time - a->samples[i - 1].time;
        if (s->speed > max_speed)
            max_speed = s->speed;
        hr_sum += s->hr;
        if (s->hr > hr_max)
            hr_max = s->hr;
        if (s->cadence > 0) {
            cad_sum += s->cadence;
            cad_n++;
        }
    }
    hm_strbuf_puts(b, "   <Lap StartTime=\"");
    hm_gen_put_time(b, a->samples[first].time, 1);
    hm_strbuf_puts(b, "\">\n    <TotalTimeSeconds>");
    hm_gen_put_fixed(b, (double)timer, 1);
    hm_strbuf_puts(b, "</TotalTimeSeconds>\n    <DistanceMeters>");
    hm_gen_put_fixed(b, distance, 2);
    hm_strbuf_puts(b, "</DistanceMeters>\n    <MaximumSpeed>");
    hm_gen_put_fixed(b, max_speed, 3);
    hm_strbuf_puts(b, "</MaximumSpeed>\n    <Calories>");
    hm_gen_put_int(b, (int64_t)(distance / 1000.0 * kcal_per_km[meta->sport]));
    hm_strbuf_puts(b, "</Calories>\n    <AverageHeartRateBpm>\n     <Value>");
    hm_gen_put_int(b, (hr_sum + (int64_t)(last - first) / 2) / (int64_t)(last - first));
    hm_strbuf_puts(b, "</Value>\n    </AverageHeartRateBpm>\n"
                       "    <MaximumHeartRateBpm>\n     <Value>");
    hm_gen_put_int(b, hr_max);
    hm_strbuf_puts(b, "</Value>\n    </MaximumHeartRateBpm>\n    <Intensity>Active</Intensity>\n");
    if (meta->sport == HM_GEN_RIDE && cad_n > 0) {
        hm_strbuf_puts(b, "    <Cadence>");
        hm_gen_put_int(b, (cad_sum + cad_n / 2) / cad_n);
        hm_strbuf_puts(b, "</Cadence>\n");
    }
    hm_strbuf_puts(b, "    <TriggerMethod>Manual</TriggerMethod>\n");
    for (i = first; i <= last; i++) {
        if (i == last || (i > track_start && a->samples[i].segment != a->samples[i - 1].segment)) {
            size_t k;
            hm_strbuf_puts(b, "    <Track>\n");
            for (k = track_start; k < i; k++)
                tcx_trackpoint(b, &a->samples[k]);
            hm_strbuf_puts(b, "    </Track>\n");
            track_start = i;
        }
    }
    hm_strbuf_puts(b, "   </Lap>\n");
}

static void write_tcx(hm_strbuf *b, const hm_gen_activity *a, const hm_gen_meta *meta)
{
    static const char *const sports[] = {"Running", "Biking", "Other", "Other"};
    size_t i, lap_start = 0;

    hm_strbuf_puts(b,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<TrainingCenterDatabase"
        " xmlns=\"http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2\""
        " xmlns:ns3=\"http://www.garmin.com/xmlschemas/ActivityExtension/v2\""
        " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
        " xsi:schemaLocation=\"http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
        " http://www.garmin.com/xmlschemas/TrainingCenterDatabasev2.xsd\">\n"
        " <Activities>\n  <Activity Sport=\"");
    hm_strbuf_puts(b, sports[meta->sport]);
    hm_strbuf_puts(b, "\">\n   <Id>");
    hm_gen_put_time(b, a->samples[0].time, 1);
    hm_strbuf_puts(b, "</Id>\n");
    if (meta->variant & 2) {
        for (i = 1; i <= a->count; i++)
            if (i == a->count || a->samples[i].segment != a->samples[i - 1].segment) {
                tcx_lap(b, a, meta, lap_start, i);
                lap_start = i;
            }
    } else {
        tcx_lap(b, a, meta, 0, a->count);
    }
    hm_strbuf_puts(b,
        "   <Creator xsi:type=\"Device_t\">\n    <Name>heatmap generate</Name>\n"
        "    <UnitId>0</UnitId>\n    <ProductID>0</ProductID>\n    <Version>\n"
        "     <VersionMajor>0</VersionMajor>\n     <VersionMinor>1</VersionMinor>\n"
        "     <BuildMajor>0</BuildMajor>\n     <BuildMinor>0</BuildMinor>\n    </Version>\n"
        "   </Creator>\n  </Activity>\n </Activities>\n</TrainingCenterDatabase>\n");
}

/* ---- FIT ---------------------------------------------------------------- */

/* Global message numbers and the enum values used (FIT profile). */
enum {
    FIT_MESG_FILE_ID = 0,
    FIT_MESG_SESSION = 18,
    FIT_MESG_LAP = 19,
    FIT_MESG_RECORD = 20,
    FIT_MESG_EVENT = 21,
    FIT_MESG_ACTIVITY = 34
};
enum { FIT_EVENT_TIMER = 0, FIT_EVENT_SESSION = 8, FIT_EVENT_LAP = 9, FIT_EVENT_ACTIVITY = 26 };
enum { FIT_EVENT_TYPE_START = 0, FIT_EVENT_TYPE_STOP = 1, FIT_EVENT_TYPE_STOP_ALL = 4 };
enum { FIT_ENUM = 0x00, FIT_UINT8 = 0x02, FIT_UINT16 = 0x84, FIT_SINT32 = 0x85, FIT_UINT32 = 0x86,
       FIT_UINT32Z = 0x8C };
/* Local message types of our definitions. */
enum { L_FILE_ID, L_EVENT, L_RECORD, L_RECORD_NOPOS, L_LAP, L_SESSION, L_ACTIVITY };

#define FIT_MANUFACTURER_DEVELOPMENT 255
#define FIT_SUB_SPORT_VIRTUAL_ACTIVITY 58

typedef struct fit_field {
    unsigned char num;  /* field definition number */
    unsigned char size; /* bytes */
    unsigned char base; /* base type */
} fit_field;

static void put_u8(hm_strbuf *b, unsigned v)
{
    unsigned char c = (unsigned char)v;

    hm_strbuf_put(b, &c, 1);
}

static void put_u16(hm_strbuf *b, unsigned v)
{
    unsigned char c[2] = {(unsigned char)v, (unsigned char)(v >> 8)};

    hm_strbuf_put(b, c, 2);
}

static void put_u32(hm_strbuf *b, uint32_t v)
{
    unsigned char c[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};

    hm_strbuf_put(b, c, 4);
}

static uint32_t fit_time(int64_t t)
{
    return (uint32_t)(t - (int64_t)HM_FIT_EPOCH_OFFSET);
}

static void fit_define(hm_strbuf *b, int local, unsigned global, const fit_field *f, int n)
{
    int i;

    put_u8(b, 0x40 | (unsigned)local); /* definition message, normal header */
    put_u8(b, 0);                      /* reserved */
    put_u8(b, 0);                      /* architecture: little-endian */
    put_u16(b, global);
    put_u8(b, (unsigned)n);
    for (i = 0; i < n; i++) {
        put_u8(b, f[i].num);
        put_u8(b, f[i].size);
        put_u8(b, f[i].base);
    }
}

/* The fields a lap and a session start with: times, start position, durations, distance and
 * message_index (the same definitions in both messages). */
static void put_summary(hm_strbuf *b, const hm_gen_sample *first, const hm_gen_sample *last,
                        const hm_gen_sample *start_pos, uint32_t elapsed_ms, int64_t timer)
{
    put_u32(b, fit_time(last->time));
    put_u32(b, fit_time(first->time));
    put_u32(b, start_pos ? (uint32_t)semicircles(start_pos->lat) : 0x7FFFFFFFu);
    put_u32(b, start_pos ? (uint32_t)semicircles(start_pos->lon) : 0x7FFFFFFFu);
    put_u32(b, elapsed_ms);
    put_u32(b, (uint32_t)(timer * 1000));
    put_u32(b, (uint32_t)llround(last->dist * 100.0));
    put_u16(b, 0); /* message_index */
}

static void fit_event(hm_strbuf *b, int64_t t, unsigned event_type)
{
    put_u8(b, L_EVENT);
    put_u32(b, fit_time(t));
    put_u32(b, 0); /* data: timer_trigger manual */
    put_u8(b, FIT_EVENT_TIMER);
    put_u8(b, event_type);
    put_u8(b, 0); /* event_group */
}

static void fit_record(hm_strbuf *b, const hm_gen_sample *s, int enhanced)
{
    uint32_t alt = (uint32_t)llround((s->ele + 500.0) * 5.0);
    uint32_t speed = (uint32_t)llround(s->speed * 1000.0);

    put_u8(b, s->has_pos ? L_RECORD : L_RECORD_NOPOS);
    put_u32(b, fit_time(s->time));
    if (s->has_pos) {
        put_u32(b, (uint32_t)semicircles(s->lat));
        put_u32(b, (uint32_t)semicircles(s->lon));
    }
    put_u32(b, (uint32_t)llround(s->dist * 100.0));
    if (enhanced) {
        put_u32(b, alt);
        put_u32(b, speed);
    } else {
        put_u16(b, alt > 0xFFFE ? 0xFFFE : alt);
        put_u16(b, speed > 0xFFFE ? 0xFFFE : speed);
    }
    put_u8(b, (unsigned)s->hr);
    put_u8(b, (unsigned)s->cadence);
}

static void write_fit(hm_strbuf *b, const hm_gen_activity *a, const hm_gen_meta *meta)
{
    static const unsigned fit_sport[] = {1, 2, 11, 17}; /* running cycling walking hiking */
    static const fit_field file_id[] = {
        {0, 1, FIT_ENUM}, {1, 2, FIT_UINT16}, {2, 2, FIT_UINT16}, {3, 4, FIT_UINT32Z},
        {4, 4, FIT_UINT32}};
    static const fit_field event[] = {
        {253, 4, FIT_UINT32}, {3, 4, FIT_UINT32}, {0, 1, FIT_ENUM}, {1, 1, FIT_ENUM},
        {4, 1, FIT_UINT8}};
    /* record: timestamp, lat, long, distance, altitude|enhanced, speed|enhanced, hr, cadence */
    fit_field record[8] = {
        {253, 4, FIT_UINT32}, {0, 4, FIT_SINT32}, {1, 4, FIT_SINT32}, {5, 4, FIT_UINT32},
        {2, 2, FIT_UINT16},   {6, 2, FIT_UINT16}, {3, 1, FIT_UINT8},  {4, 1, FIT_UINT8}};
    fit_field nopos[6];
    static const fit_field lap[] = {
        {253, 4, FIT_UINT32}, {2, 4, FIT_UINT32}, {3, 4, FIT_SINT32}, {4, 4, FIT_SINT32},
        {7, 4, FIT_UINT32},   {8, 4, FIT_UINT32}, {9, 4, FIT_UINT32}, {254, 2, FIT_UINT16},
        {0, 1, FIT_ENUM},     {1, 1, FIT_ENUM},   {25, 1, FIT_ENUM}};
    static const fit_field session[] = {
        {253, 4, FIT_UINT32}, {2, 4, FIT_UINT32}, {3, 4, FIT_SINT32}, {4, 4, FIT_SINT32},
        {7, 4, FIT_UINT32},   {8, 4, FIT_UINT32}, {9, 4, FIT_UINT32}, {254, 2, FIT_UINT16},
        {25, 2, FIT_UINT16},  {26, 2, FIT_UINT16}, {0, 1, FIT_ENUM},  {1, 1, FIT_ENUM},
        {5, 1, FIT_ENUM},     {6, 1, FIT_ENUM},   {16, 1, FIT_UINT8}, {17, 1, FIT_UINT8}};
    static const fit_field activity[] = {
        {253, 4, FIT_UINT32}, {0, 4, FIT_UINT32}, {5, 4, FIT_UINT32}, {1, 2, FIT_UINT16},
        {2, 1, FIT_ENUM},     {3, 1, FIT_ENUM},   {4, 1, FIT_ENUM}};
    int enhanced = (meta->variant & 1) != 0;
    const hm_gen_sample *first = &a->samples[0], *last = &a->samples[a->count - 1];
    const hm_gen_sample *start_pos = NULL;
    size_t header_at = b->n, data_at, i;
    int64_t timer = 0, hr_sum = 0;
    int hr_max = 0;
    uint32_t elapsed_ms = (uint32_t)((last->time - first->time) * 1000);
    uint16_t crc;
    unsigned char hdr[12];
    hm_fit_crc_table crc_tab;

    if (enhanced) {
        record[4].num = 78; /* enhanced_altitude */
        record[4].size = 4;
        record[4].base = FIT_UINT32;
        record[5].num = 73; /* enhanced_speed */
        record[5].size = 4;
        record[5].base = FIT_UINT32;
    }
    for (i = 0; i < a->count; i++) {
        if (i > 0 && a->samples[i].segment == a->samples[i - 1].segment)
            timer += a->samples[i].time - a->samples[i - 1].time;
        if (!start_pos && a->samples[i].has_pos)
            start_pos = &a->samples[i];
        hr_sum += a->samples[i].hr;
        if (a->samples[i].hr > hr_max)
            hr_max = a->samples[i].hr;
    }

    /* 14-byte header; data size and CRCs are patched in at the end. */
    hm_strbuf_put(b, "\x0e\x20\x54\x08\0\0\0\0.FIT\0\0", 14); /* protocol 2.0, profile 21.32 */
    data_at = b->n;

    fit_define(b, L_FILE_ID, FIT_MESG_FILE_ID, file_id, 5);
    put_u8(b, L_FILE_ID);
    put_u8(b, 4); /* type: activity */
    put_u16(b, FIT_MANUFACTURER_DEVELOPMENT);
    put_u16(b, 0); /* product */
    put_u32(b, 1 + (uint32_t)(first->time % 1000000)); /* serial_number, never 0 */
    put_u32(b, fit_time(first->time));

    fit_define(b, L_EVENT, FIT_MESG_EVENT, event, 5);
    fit_define(b, L_RECORD, FIT_MESG_RECORD, record, 8);
    /* Points without a fix get a definition without position fields, as devices do. */
    nopos[0] = record[0];
    memcpy(nopos + 1, record + 3, 5 * sizeof(fit_field));
    fit_define(b, L_RECORD_NOPOS, FIT_MESG_RECORD, nopos, 6);
    fit_event(b, first->time, FIT_EVENT_TYPE_START);
    for (i = 0; i < a->count; i++) {
        if (i > 0 && a->samples[i].segment != a->samples[i - 1].segment) {
            fit_event(b, a->samples[i - 1].time, FIT_EVENT_TYPE_STOP_ALL);
            fit_event(b, a->samples[i].time, FIT_EVENT_TYPE_START);
        }
        fit_record(b, &a->samples[i], enhanced);
    }
    fit_event(b, last->time, FIT_EVENT_TYPE_STOP_ALL);

    fit_define(b, L_LAP, FIT_MESG_LAP, lap, 11);
    put_u8(b, L_LAP);
    put_summary(b, first, last, start_pos, elapsed_ms, timer);
    put_u8(b, FIT_EVENT_LAP);
    put_u8(b, FIT_EVENT_TYPE_STOP);
    put_u8(b, fit_sport[meta->sport]);

    fit_define(b, L_SESSION, FIT_MESG_SESSION, session, 16);
    put_u8(b, L_SESSION);
    put_summary(b, first, last, start_pos, elapsed_ms, timer);
    put_u16(b, 0); /* first_lap_index */
    put_u16(b, 1); /* num_laps */
    put_u8(b, FIT_EVENT_SESSION);
    put_u8(b, FIT_EVENT_TYPE_STOP);
    put_u8(b, fit_sport[meta->sport]);
    put_u8(b, meta->virtual_ride ? FIT_SUB_SPORT_VIRTUAL_ACTIVITY : 0);
    put_u8(b, (unsigned)((hr_sum + (int64_t)a->count / 2) / (int64_t)a->count));
    put_u8(b, (unsigned)hr_max);

    fit_define(b, L_ACTIVITY, FIT_MESG_ACTIVITY, activity, 7);
    put_u8(b, L_ACTIVITY);
    put_u32(b, fit_time(last->time));
    put_u32(b, (uint32_t)(timer * 1000));
    put_u32(b, fit_time(last->time)); /* local_timestamp: the generator's clock is UTC */
    put_u16(b, 1);                     /* num_sessions */
    put_u8(b, 0);                      /* type: manual */
    put_u8(b, FIT_EVENT_ACTIVITY);
    put_u8(b, FIT_EVENT_TYPE_STOP);

    if (hm_strbuf_failed(b))
        return;
    {
        unsigned char *bytes = (unsigned char *)b->s;
        uint32_t size = (uint32_t)(b->n - data_at);
        memcpy(hdr, bytes + header_at, 12);
        hdr[4] = (unsigned char)size;
        hdr[5] = (unsigned char)(size >> 8);
        hdr[6] = (unsigned char)(size >> 16);
        hdr[7] = (unsigned char)(size >> 24);
        memcpy(bytes + header_at, hdr, 12);
        hm_fit__crc_init(&crc_tab);
        crc = hm_fit__crc_update(&crc_tab, 0, hdr, 12);
        bytes[header_at + 12] = (unsigned char)crc;
        bytes[header_at + 13] = (unsigned char)(crc >> 8);
        crc = hm_fit__crc_update(&crc_tab, 0, bytes + header_at, b->n - header_at);
        put_u16(b, crc);
    }
}

void hm_gen_write(hm_strbuf *out, hm_gen_format format, const hm_gen_activity *a,
                  const hm_gen_meta *meta)
{
    if (a->count == 0)
        return;
    switch (format) {
    case HM_GEN_GPX: write_gpx(out, a, meta); break;
    case HM_GEN_TCX: write_tcx(out, a, meta); break;
    case HM_GEN_FIT: write_fit(out, a, meta); break;
    }
}

/* ---- the truth for MANIFEST.csv ----------------------------------------- */

void hm_gen_stats_compute(hm_gen_stats *out, hm_gen_format format, const hm_gen_activity *a)
{
    double plat = 0.0, plon = 0.0;
    int psegment = -1;
    size_t i;

    memset(out, 0, sizeof(*out));
    if (a->count == 0)
        return;
    for (i = 0; i < a->count; i++) {
        const hm_gen_sample *s = &a->samples[i];
        double lat, lon;
        if (!s->has_pos) {
            if (format != HM_GEN_GPX)
                out->points++;
            continue;
        }
        out->points++;
        out->points_with_pos++;
        if (format == HM_GEN_FIT) {
            lat = hm_units__semicircles_to_deg(semicircles(s->lat));
            lon = hm_units__semicircles_to_deg(semicircles(s->lon));
        } else {
            lat = (double)text_e7(s->lat) / 1e7;
            lon = (double)text_e7(s->lon) / 1e7;
        }
        if (s->segment == psegment)
            out->distance_m += hm_gen_distance_m(plat, plon, lat, lon);
        plat = lat;
        plon = lon;
        psegment = s->segment;
    }
    out->segments = a->segments;
    out->device_distance = a->samples[a->count - 1].dist;
    out->elapsed = a->samples[a->count - 1].time - a->samples[0].time;
}
