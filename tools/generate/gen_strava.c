/* SPDX-License-Identifier: MIT */
/*
 * activities.csv as Strava writes it in English: the same header (a subset
 * of its ~90 columns, with its repeated "Elapsed Time", "Distance", "Max
 * Heart Rate" and "Commute"), dates as "Jan 2, 2023, 7:12:00 AM" (UTC),
 * the first Distance in km and the second in m, RFC 4180 quoting wherever
 * a cell holds a comma or a quote. Ids grow with time, as Strava's do.
 * The names in the table are the user's: mostly the file's own title, a
 * few renamed (some with commas and quotes), commutes called so, which is
 * what the engine's join must prefer to the file's name.
 */
#include <stdio.h>
#include <string.h>

#include "core/time_int.h"
#include "gen_strava.h"

#define STRAVA_STREAM  0x5354524156ULL /* "STRAV": the table's random stream */
#define ID_BASE        8350000000LL    /* about Strava's ids at the start of 2023 */
#define IDS_PER_SECOND 75              /* about how fast they grew */

static const char header[] =
    "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,"
    "Distance,Max Heart Rate,Relative Effort,Commute,Activity Private Note,Activity Gear,"
    "Filename,Athlete Weight,Bike Weight,Elapsed Time,Moving Time,Distance,Max Speed,"
    "Average Speed,Elevation Gain,Elevation Loss,Elevation Low,Elevation High,Max Cadence,"
    "Average Cadence,Max Heart Rate,Average Heart Rate,Calories,Commute\n";

/* What Strava computes from a track, and the row's other cells. */
typedef struct row {
    uint64_t id;             /* Activity ID */
    int64_t start;           /* s since epoch, UTC */
    const char *name;        /* Activity Name */
    const char *type;        /* Activity Type */
    const char *description; /* Activity Description */
    const char *gear;        /* Activity Gear, "" for none */
    double bike_kg;          /* Bike Weight, kg; 0 when not a bike */
    int commute;             /* 1 for a commute */
    const char *file;        /* Filename, "" for a manual activity */
    int have_track;          /* 1 when the figures below come from a track */
    int64_t elapsed;         /* s */
    int64_t moving;          /* s, time moving at 0.5 m/s or more */
    double distance;         /* m */
    double max_speed;        /* m/s */
    double ele_gain;         /* m, with 1 m hysteresis */
    double ele_loss;         /* m */
    double ele_low;          /* m */
    double ele_high;         /* m */
    int max_cadence;         /* rpm or steps/min */
    double avg_cadence;      /* over the samples with a cadence */
    int max_hr;              /* bpm */
    double avg_hr;           /* bpm, over all samples */
    double effort;           /* Relative Effort: a stand-in for Strava's, from time and hr */
    double kcal_per_km;      /* kcal/km */
} row;

void hm_gen_strava_init(hm_gen_strava *s, hm_ctx *ctx, uint64_t seed, size_t activities)
{
    hm_strbuf csv = HM_STRBUF_INIT(ctx);

    memset(s, 0, sizeof(*s));
    s->csv = csv;
    hm_gen_rng_init(&s->rng, seed, STRAVA_STREAM);
    if (activities >= 1)
        s->manual_at[s->nmanual++] = activities / 3;
    if (activities >= 20)
        s->manual_at[s->nmanual++] = 2 * activities / 3;
    hm_strbuf_puts(&s->csv, header);
}

void hm_gen_strava_free(hm_gen_strava *s) { hm_strbuf_free(&s->csv); }

/* One cell and its separator: quoted (quotes doubled) when it holds , " or a line break. */
static void put_cell(hm_strbuf *b, const char *text, int last)
{
    const char *p;

    if (strpbrk(text, ",\"\r\n")) {
        hm_strbuf_puts(b, "\"");
        for (p = text; *p; p++) {
            if (*p == '"')
                hm_strbuf_puts(b, "\""); /* a quote is written twice */
            hm_strbuf_put(b, p, 1);
        }
        hm_strbuf_puts(b, "\"");
    } else {
        hm_strbuf_puts(b, text);
    }
    hm_strbuf_puts(b, last ? "\n" : ",");
}

static void put_fixed_cell(hm_strbuf *b, double v, int decimals)
{
    hm_gen_put_fixed(b, v, decimals);
    hm_strbuf_puts(b, ",");
}

/* "Jan 2, 2023, 7:12:00 AM": Strava's English date, in UTC. */
static void put_date_cell(hm_strbuf *b, int64_t t)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    hm_time_civil c;
    char text[48];

    hm_time__civil_from_seconds(&c, t);
    snprintf(text, sizeof(text), "%s %u, %d, %u:%02u:%02u %s", months[c.month - 1], c.day,
             (int)c.year, c.hour % 12 == 0 ? 12 : c.hour % 12, c.minute, c.second,
             c.hour < 12 ? "AM" : "PM");
    put_cell(b, text, 0);
}

static void put_row(hm_strbuf *b, const row *r)
{
    char id[24];

    snprintf(id, sizeof(id), "%llu", (unsigned long long)r->id);
    put_cell(b, id, 0);
    put_date_cell(b, r->start);
    put_cell(b, r->name, 0);
    put_cell(b, r->type, 0);
    put_cell(b, r->description, 0);
    hm_gen_put_int(b, r->elapsed);
    hm_strbuf_puts(b, ",");
    put_fixed_cell(b, r->distance / 1000.0, 2);
    if (r->have_track) {
        put_fixed_cell(b, r->max_hr, 1);
        put_fixed_cell(b, r->effort, 1);
    } else {
        hm_strbuf_puts(b, ",,");
    }
    put_cell(b, r->commute ? "true" : "false", 0);
    put_cell(b, "", 0); /* Activity Private Note */
    put_cell(b, r->gear, 0);
    put_cell(b, r->file, 0);
    put_fixed_cell(b, 72.0, 1); /* Athlete Weight */
    if (r->bike_kg > 0)
        put_fixed_cell(b, r->bike_kg, 1);
    else
        hm_strbuf_puts(b, ",");
    put_fixed_cell(b, (double)r->elapsed, 1);
    put_fixed_cell(b, (double)r->moving, 1);
    put_fixed_cell(b, r->distance, 6);
    if (r->have_track) {
        put_fixed_cell(b, r->max_speed, 3);
        put_fixed_cell(b, r->moving > 0 ? r->distance / (double)r->moving : 0.0, 3);
        put_fixed_cell(b, r->ele_gain, 1);
        put_fixed_cell(b, r->ele_loss, 1);
        put_fixed_cell(b, r->ele_low, 1);
        put_fixed_cell(b, r->ele_high, 1);
        put_fixed_cell(b, r->max_cadence, 1);
        put_fixed_cell(b, r->avg_cadence, 1);
        put_fixed_cell(b, r->max_hr, 1);
        put_fixed_cell(b, r->avg_hr, 1);
    } else { /* a manual activity has a distance and a time, nothing else */
        hm_strbuf_puts(b, ",");
        put_fixed_cell(b, r->moving > 0 ? r->distance / (double)r->moving : 0.0, 3);
        hm_strbuf_puts(b, ",,,,,,,,");
    }
    put_fixed_cell(b, r->distance / 1000.0 * r->kcal_per_km, 1);
    put_cell(b, r->commute ? "1.0" : "0.0", 1);
}

/* The figures of a track. */
static void measure(row *r, const hm_gen_activity *a)
{
    double ref = a->samples[0].ele, hr_sum = 0.0, cad_sum = 0.0;
    size_t i, ncad = 0;

    r->have_track = 1;
    r->elapsed = a->samples[a->count - 1].time - a->samples[0].time;
    r->distance = a->samples[a->count - 1].dist;
    r->ele_low = r->ele_high = ref;
    for (i = 0; i < a->count; i++) {
        const hm_gen_sample *s = &a->samples[i];
        if (i > 0 && s->segment == a->samples[i - 1].segment && s->speed >= 0.5)
            r->moving += s->time - a->samples[i - 1].time;
        if (s->speed > r->max_speed)
            r->max_speed = s->speed;
        if (s->ele - ref >= 1.0 || ref - s->ele >= 1.0) {
            if (s->ele > ref)
                r->ele_gain += s->ele - ref;
            else
                r->ele_loss += ref - s->ele;
            ref = s->ele;
        }
        if (s->ele < r->ele_low)
            r->ele_low = s->ele;
        if (s->ele > r->ele_high)
            r->ele_high = s->ele;
        if (s->hr > r->max_hr)
            r->max_hr = s->hr;
        hr_sum += s->hr;
        if (s->cadence > 0) {
            if (s->cadence > r->max_cadence)
                r->max_cadence = s->cadence;
            cad_sum += s->cadence;
            ncad++;
        }
    }
    r->avg_hr = hr_sum / (double)a->count;
    /* Minutes weighted by how far the heart rate was above 100 bpm. */
    r->effort = (double)r->elapsed / 60.0 * (r->avg_hr > 100.0 ? r->avg_hr - 100.0 : 0.0) / 40.0;
    r->avg_cadence = ncad ? cad_sum / (double)ncad : 0.0;
}

/* Ids grow with the start time and with every row. */
static uint64_t next_id(hm_gen_strava *s, int64_t start)
{
    int64_t day0 = hm_time__days_from_civil(2023, 1, 2) * 86400;
    uint64_t id = (uint64_t)(ID_BASE + (start - day0) * IDS_PER_SECOND) +
                  hm_gen_rng_below(&s->rng, IDS_PER_SECOND);

    if (id <= s->last_id)
        id = s->last_id + 1;
    s->last_id = id;
    return id;
}

/* The shoes of the day: a new pair in 2024. */
static const char *shoes(int64_t start)
{
    return start < hm_time__days_from_civil(2024, 1, 1) * 86400 ? "Pegasus 39" : "Pegasus 40";
}

/* Manual activity k (0 or 1), dated between the previous row and `before`: 17:30 UTC if it can. */
static void add_manual(hm_gen_strava *s, int k, int64_t before)
{
    int64_t mid = s->prev_start ? s->prev_start + (before - s->prev_start) / 2 : before - 86400;
    int64_t evening = (mid >= 0 ? mid : mid - 86399) / 86400 * 86400 + 17 * 3600 + 30 * 60;
    row r;

    memset(&r, 0, sizeof(r));
    r.start = evening > s->prev_start && evening < before ? evening : mid;
    r.id = next_id(s, r.start);
    r.file = "";
    r.gear = "";
    if (k == 0) {
        r.name = "Gym, upper body";
        r.type = "Weight Training";
        r.description = "Bench, rows, pull-ups";
        r.elapsed = r.moving = 3600;
        r.kcal_per_km = 0.0;
    } else {
        r.name = "Treadmill intervals";
        r.type = "Run";
        r.description = "";
        r.gear = shoes(r.start);
        r.elapsed = r.moving = 2400 + (int64_t)hm_gen_rng_below(&s->rng, 900);
        r.distance = 1000.0 * (double)(6 + hm_gen_rng_below(&s->rng, 4));
        r.kcal_per_km = 70.0;
    }
    put_row(&s->csv, &r);
    s->prev_start = r.start;
}

/* A name the user gave instead of the automatic one, for about one activity in six. */
static const char *renamed(hm_gen_strava *s, hm_gen_sport sport, const char *title)
{
    static const char *const names[4][4] = {
        {"Easy run, legs heavy", "Intervals: 6 x 800 m", "Long run", "Parkrun"},
        {"Coffee ride", "Hills, hills, hills", "\"Recovery\" spin", "Ride to the lake"},
        {"Walk with the dog", "Evening stroll, light rain", "Walk to the market", "Old town"},
        {"Up the hill, down again", "Hut to hut", "Ridge walk", "Sunrise hike"}};
    uint64_t u = hm_gen_rng_below(&s->rng, 24);

    return u < 4 ? names[sport][u] : title;
}

void hm_gen_strava_add(hm_gen_strava *s, char *file_out, size_t size,
                       const hm_gen_strava_activity *act, const hm_gen_activity *a)
{
    static const char *const types[] = {"Run", "Ride", "Walk", "Hike"};
    static const double kcal_per_km[] = {70, 25, 55, 70};
    int64_t local = act->start_time + act->utc_offset;
    int64_t local_day = (local >= 0 ? local : local - 86399) / 86400;
    int hour = (int)((local - local_day * 86400) / 3600), weekday = (int)((local_day + 3) % 7);
    double u;
    row r;

    while (s->manual_done < s->nmanual && s->manual_at[s->manual_done] == s->added) {
        add_manual(s, s->manual_done, act->start_time);
        s->manual_done++;
    }
    memset(&r, 0, sizeof(r));
    if (a->count > 0)
        measure(&r, a);
    r.start = act->start_time;
    r.id = next_id(s, r.start);
    r.type = act->virtual_ride ? "Virtual Ride" : types[act->sport];
    r.description = "";
    r.kcal_per_km = kcal_per_km[act->sport];
    r.gear = "";
    u = hm_gen_rng_uniform(&s->rng);
    if (act->virtual_ride) {
        r.name = act->title;
        r.gear = "Road bike";
        r.bike_kg = 8.2;
    } else if (act->sport == HM_GEN_RIDE && weekday < 5 && (hour < 10 || hour >= 15) && u < 0.75) {
        r.commute = 1;
        r.name = hour < 12 ? "Ride to work" : "Ride home";
        r.gear = "City bike";
        r.bike_kg = 14.5;
    } else {
        r.name = renamed(s, act->sport, act->title);
        if (act->sport == HM_GEN_RIDE) {
            int gravel = u > 0.7;
            r.gear = gravel ? "Gravel bike, Grail" : "Road bike";
            r.bike_kg = gravel ? 9.6 : 8.2;
        } else if (act->sport == HM_GEN_RUN) {
            r.gear = shoes(r.start);
        } else if (act->sport == HM_GEN_HIKE) {
            r.gear = "Speedgoat 5";
        }
    }
    snprintf(file_out, size, "activities/%llu.%s.gz", (unsigned long long)r.id, act->format);
    r.file = file_out;
    put_row(&s->csv, &r);
    s->prev_start = r.start;
    s->added++;
}

void hm_gen_strava_finish(hm_gen_strava *s)
{
    while (s->manual_done < s->nmanual) {
        add_manual(s, s->manual_done, s->prev_start + 2 * 86400);
        s->manual_done++;
    }
}
