/* SPDX-License-Identifier: MIT */
/*
 * Tests of src/track/sport.c: every source's spelling classified against a
 * table of expected canonical classes (FIT sport and sub_sport names as
 * src/io/fit_profile.c emits them, TCX Sport, GPX <type> from Garmin
 * Connect, Strava and other apps, Strava's CSV types in English and German),
 * SPORT= matching, and the canonical lists. Every expected class is itself
 * checked to be canonical, so the tables also guard sport.c's tables.
 */
#include <stdio.h>
#include <string.h>

#include "track/sport_int.h"
#include "test_util.h"

typedef struct class_case {
    const char *word;      /* the source's sport word */
    const char *sub_word;  /* the source's sub-sport word, or NULL */
    const char *sport;     /* expected canonical sport */
    const char *sub_sport; /* expected canonical sub-sport */
    int is_virtual;        /* expected virtual flag */
} class_case;

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* 1 when sport is a canonical sport and sub (if any) one of its canonical sub-sports. */
static int is_canonical(const char *sport, const char *sub)
{
    size_t i;
    const char *name;
    int found = 0;

    for (i = 0; (name = hm_sport__name(i)) != NULL; i++)
        found |= strcmp(name, sport) == 0;
    if (!found)
        return 0;
    if (!sub[0])
        return 1;
    for (i = 0; (name = hm_sport__sub_name(sport, i)) != NULL; i++)
        if (strcmp(name, sub) == 0)
            return 1;
    return 0;
}

static void check_cases(const class_case *c, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        hm_sport_class out;
        int rc = hm_sport__classify(&out, c[i].word, c[i].sub_word);
        int ok = rc == 1 && strcmp(out.sport, c[i].sport) == 0 &&
                 strcmp(out.sub_sport, c[i].sub_sport) == 0 && out.is_virtual == c[i].is_virtual;

        if (!ok)
            fprintf(stderr, "\n  %s / %s: got %d %s/%s/%d, expected %s/%s/%d", c[i].word,
                    c[i].sub_word ? c[i].sub_word : "-", rc, out.sport, out.sub_sport,
                    out.is_virtual, c[i].sport, c[i].sub_sport, c[i].is_virtual);
        CU_ASSERT(ok);
        /* The expectation itself is canonical, and "virtual" goes with the flag. */
        CU_ASSERT(is_canonical(c[i].sport, c[i].sub_sport));
        if (strcmp(c[i].sub_sport, "virtual") == 0)
            CU_ASSERT(c[i].is_virtual);
    }
}

static void test_sport__fit_words(void)
{
    /* The sport and sub_sport names src/io/fit_profile.c emits for these sports. */
    static const class_case cases[] = {
        {"running", NULL, "running", "", 0},
        {"running", "generic", "running", "", 0},
        {"running", "treadmill", "running", "treadmill", 0},
        {"running", "street", "running", "street", 0},
        {"running", "trail", "running", "trail", 0},
        {"running", "track", "running", "track", 0},
        {"running", "indoor_running", "running", "indoor", 0},
        {"running", "virtual_activity", "running", "virtual", 1},
        {"running", "ultra", "running", "", 0},
        {"running", "obstacle", "running", "", 0},
        {"running", "all", "running", "", 0},
        {"cycling", NULL, "cycling", "", 0},
        {"cycling", "generic", "cycling", "", 0},
        {"cycling", "spin", "cycling", "indoor", 0},
        {"cycling", "indoor_cycling", "cycling", "indoor", 0},
        {"cycling", "road", "cycling", "road", 0},
        {"cycling", "mountain", "cycling", "mountain", 0},
        {"cycling", "downhill", "cycling", "mountain", 0},
        {"cycling", "enduro", "cycling", "mountain", 0},
        {"cycling", "recumbent", "cycling", "recumbent", 0},
        {"cycling", "cyclocross", "cycling", "cyclocross", 0},
        {"cycling", "hand_cycling", "handcycling", "", 0},
        {"cycling", "indoor_hand_cycling", "handcycling", "indoor", 0},
        {"cycling", "track_cycling", "cycling", "track", 0},
        {"cycling", "e_bike_fitness", "cycling", "e_bike", 0},
        {"cycling", "bmx", "cycling", "bmx", 0},
        {"cycling", "gravel_cycling", "cycling", "gravel", 0},
        {"cycling", "mixed_surface", "cycling", "gravel", 0},
        {"cycling", "e_bike_mountain", "cycling", "e_mountain", 0},
        {"cycling", "e_bike_enduro", "cycling", "e_mountain", 0},
        {"cycling", "commuting", "cycling", "commuting", 0},
        {"cycling", "virtual_activity", "cycling", "virtual", 1},
        {"e_biking", NULL, "cycling", "e_bike", 0},
        {"e_biking", "generic", "cycling", "e_bike", 0},
        {"e_biking", "e_bike_fitness", "cycling", "e_bike", 0},
        {"e_biking", "road", "cycling", "e_bike", 0},
        {"e_biking", "mountain", "cycling", "e_mountain", 0},
        {"e_biking", "e_bike_mountain", "cycling", "e_mountain", 0},
        {"walking", NULL, "walking", "", 0},
        {"walking", "casual_walking", "walking", "casual", 0},
        {"walking", "speed_walking", "walking", "speed", 0},
        {"walking", "indoor_walking", "walking", "indoor", 0},
        {"walking", "virtual_activity", "walking", "", 1},
        {"hiking", NULL, "hiking", "", 0},
        {"hiking", "generic", "hiking", "", 0},
        {"hiking", "rucking", "hiking", "", 0},
        {"swimming", NULL, "swimming", "", 0},
        {"swimming", "lap_swimming", "swimming", "lap", 0},
        {"swimming", "open_water", "swimming", "open_water", 0},
        {"cross_country_skiing", NULL, "cross_country_skiing", "", 0},
        {"cross_country_skiing", "skate_skiing", "cross_country_skiing", "skate", 0},
        {"cross_country_skiing", "indoor_skiing", "cross_country_skiing", "", 0},
        {"alpine_skiing", NULL, "alpine_skiing", "", 0},
        {"alpine_skiing", "resort", "alpine_skiing", "", 0},
        {"alpine_skiing", "backcountry", "backcountry_skiing", "", 0},
        {"snowboarding", "backcountry", "backcountry_skiing", "", 0},
        {"snowboarding", "resort", "snowboarding", "", 0},
        {"snowshoeing", NULL, "snowshoeing", "", 0},
        {"rowing", "indoor_rowing", "rowing", "indoor", 0},
        {"fitness_equipment", "indoor_rowing", "rowing", "indoor", 0},
        {"fitness_equipment", "treadmill", "running", "treadmill", 0},
        {"fitness_equipment", "elliptical", "other", "elliptical", 0},
        {"training", "strength_training", "other", "weight_training", 0},
        {"training", "yoga", "other", "yoga", 0},
        {"generic", NULL, "other", "", 0},
        {"multisport", NULL, "other", "multisport", 0},
        {"paddling", "whitewater", "paddling", "", 0},
        {"stand_up_paddleboarding", NULL, "stand_up_paddleboarding", "", 0},
        {"wheelchair_push_run", NULL, "wheelchair", "", 0},
        {"driving", NULL, "other", "motorsport", 0},
        {"sport_99", NULL, "", "", 0}, /* an unknown FIT value, as the reader names it */
    };
    size_t i;

    for (i = 0; i < COUNT(cases); i++) {
        hm_sport_class out;

        if (cases[i].sport[0]) {
            check_cases(&cases[i], 1);
        } else {
            CU_ASSERT(hm_sport__classify(&out, cases[i].word, cases[i].sub_word) == 0);
            CU_ASSERT_STRING_EQUAL(out.sport, "");
        }
    }
}

static void test_sport__tcx_words(void)
{
    static const class_case cases[] = {
        {"Biking", NULL, "cycling", "", 0},
        {"Running", NULL, "running", "", 0},
        {"Other", NULL, "other", "", 0},
        {"biking", NULL, "cycling", "", 0}, /* as the builder lower-cases it */
    };

    check_cases(cases, COUNT(cases));
}

static void test_sport__gpx_words(void)
{
    static const class_case cases[] = {
        /* Garmin Connect */
        {"cycling", NULL, "cycling", "", 0},
        {"running", NULL, "running", "", 0},
        {"road_biking", NULL, "cycling", "road", 0},
        {"mountain_biking", NULL, "cycling", "mountain", 0},
        {"gravel_cycling", NULL, "cycling", "gravel", 0},
        {"hiking", NULL, "hiking", "", 0},
        {"walking", NULL, "walking", "", 0},
        {"lap_swimming", NULL, "swimming", "lap", 0},
        {"open_water_swimming", NULL, "swimming", "open_water", 0},
        {"trail_running", NULL, "running", "trail", 0},
        {"treadmill_running", NULL, "running", "treadmill", 0},
        {"indoor_cycling", NULL, "cycling", "indoor", 0},
        {"virtual_ride", NULL, "cycling", "virtual", 1},
        {"virtual_run", NULL, "running", "virtual", 1},
        {"e_bike_mountain", NULL, "cycling", "e_mountain", 0},
        {"resort_skiing_snowboarding", NULL, "alpine_skiing", "", 0},
        {"backcountry_skiing", NULL, "backcountry_skiing", "", 0},
        {"cross_country_skiing_ws", NULL, "cross_country_skiing", "", 0},
        {"hand_cycling", NULL, "handcycling", "", 0},
        {"multi_sport", NULL, "other", "multisport", 0},
        {"strength_training", NULL, "other", "weight_training", 0},
        /* Strava's numeric codes (the corpus's Zwift ride has <type>17</type>) */
        {"1", NULL, "cycling", "", 0},
        {"4", NULL, "hiking", "", 0},
        {"9", NULL, "running", "", 0},
        {"10", NULL, "walking", "", 0},
        {"17", NULL, "cycling", "virtual", 1},
        {"33", NULL, "running", "virtual", 1},
        {"8", NULL, "cross_country_skiing", "roller", 0},
        {"11", NULL, "other", "workout", 0},
        {"18", NULL, "cycling", "e_bike", 0},
        {"19", NULL, "cycling", "recumbent", 0},
        /* other apps */
        {"Running", NULL, "running", "", 0},
        {"Cycling", NULL, "cycling", "", 0},
        {"Biking", NULL, "cycling", "", 0},
        {"Ride", NULL, "cycling", "", 0},
        {"Run", NULL, "running", "", 0},
        {"Walk", NULL, "walking", "", 0},
        {"Hike", NULL, "hiking", "", 0},
        {"Skiing", NULL, "alpine_skiing", "", 0},
        {"Bike", NULL, "cycling", "", 0},
        {"MTB", NULL, "cycling", "mountain", 0},
    };

    check_cases(cases, COUNT(cases));
}

static void test_sport__strava_csv_english(void)
{
    static const class_case cases[] = {
        {"Run", NULL, "running", "", 0},
        {"Ride", NULL, "cycling", "", 0},
        {"Trail Run", NULL, "running", "trail", 0},
        {"Mountain Bike Ride", NULL, "cycling", "mountain", 0},
        {"Gravel Ride", NULL, "cycling", "gravel", 0},
        {"E-Bike Ride", NULL, "cycling", "e_bike", 0},
        {"E-Mountain Bike Ride", NULL, "cycling", "e_mountain", 0},
        {"Virtual Ride", NULL, "cycling", "virtual", 1},
        {"Virtual Run", NULL, "running", "virtual", 1},
        {"Virtual Row", NULL, "rowing", "virtual", 1},
        {"Hike", NULL, "hiking", "", 0},
        {"Walk", NULL, "walking", "", 0},
        {"Swim", NULL, "swimming", "", 0},
        {"Alpine Ski", NULL, "alpine_skiing", "", 0},
        {"Backcountry Ski", NULL, "backcountry_skiing", "", 0},
        {"Nordic Ski", NULL, "cross_country_skiing", "", 0},
        {"Roller Ski", NULL, "cross_country_skiing", "roller", 0},
        {"Snowboard", NULL, "snowboarding", "", 0},
        {"Snowshoe", NULL, "snowshoeing", "", 0},
        {"Ice Skate", NULL, "ice_skating", "", 0},
        {"Inline Skate", NULL, "inline_skating", "", 0},
        {"Kayaking", NULL, "kayaking", "", 0},
        {"Canoeing", NULL, "canoeing", "", 0},
        {"Canoe", NULL, "canoeing", "", 0},
        {"Rowing", NULL, "rowing", "", 0},
        {"Stand Up Paddling", NULL, "stand_up_paddleboarding", "", 0},
        {"Surfing", NULL, "surfing", "", 0},
        {"Kitesurf", NULL, "kitesurfing", "", 0},
        {"Windsurf", NULL, "windsurfing", "", 0},
        {"Sail", NULL, "sailing", "", 0},
        {"Rock Climb", NULL, "rock_climbing", "", 0},
        {"RockClimbing", NULL, "rock_climbing", "", 0},
        {"Wheelchair", NULL, "wheelchair", "", 0},
        {"Handcycle", NULL, "handcycling", "", 0},
        {"Velomobile", NULL, "cycling", "recumbent", 0},
        {"Golf", NULL, "golf", "", 0},
        {"Skateboard", NULL, "skateboarding", "", 0},
        {"Workout", NULL, "other", "workout", 0},
        {"Weight Training", NULL, "other", "weight_training", 0},
        {"Yoga", NULL, "other", "yoga", 0},
        {"Crossfit", NULL, "other", "crossfit", 0},
        {"Elliptical", NULL, "other", "elliptical", 0},
        {"Stair-Stepper", NULL, "other", "stair_stepper", 0},
        {"HIIT", NULL, "other", "hiit", 0},
        {"High Intensity Interval Training", NULL, "other", "hiit", 0},
        {"Pilates", NULL, "other", "pilates", 0},
        {"Soccer", NULL, "other", "team_sport", 0},
        {"Tennis", NULL, "other", "racket_sport", 0},
        {"Table Tennis", NULL, "other", "racket_sport", 0},
        {"Pickleball", NULL, "other", "racket_sport", 0},
        /* the API's sport_type spellings */
        {"TrailRun", NULL, "running", "trail", 0},
        {"EBikeRide", NULL, "cycling", "e_bike", 0},
        {"EMountainBikeRide", NULL, "cycling", "e_mountain", 0},
        {"VirtualRide", NULL, "cycling", "virtual", 1},
        {"StandUpPaddling", NULL, "stand_up_paddleboarding", "", 0},
        {"StairStepper", NULL, "other", "stair_stepper", 0},
    };

    check_cases(cases, COUNT(cases));
}

static void test_sport__strava_csv_german(void)
{
    static const class_case cases[] = {
        {"Lauf", NULL, "running", "", 0},
        {"Radfahrt", NULL, "cycling", "", 0},
        {"Trailrun", NULL, "running", "trail", 0},
        {"Traillauf", NULL, "running", "trail", 0},
        {"Mountainbike-Fahrt", NULL, "cycling", "mountain", 0},
        {"Gravel-Fahrt", NULL, "cycling", "gravel", 0},
        {"Gravelfahrt", NULL, "cycling", "gravel", 0},
        {"E-Bike-Fahrt", NULL, "cycling", "e_bike", 0},
        {"E-Mountainbike-Fahrt", NULL, "cycling", "e_mountain", 0},
        {"Virtuelle Radfahrt", NULL, "cycling", "virtual", 1},
        {"Virtuelle Fahrt", NULL, "cycling", "virtual", 1},
        {"Virtueller Lauf", NULL, "running", "virtual", 1},
        {"Wanderung", NULL, "hiking", "", 0},
        {"Wandern", NULL, "hiking", "", 0},
        {"Spaziergang", NULL, "walking", "", 0},
        {"Schwimmen", NULL, "swimming", "", 0},
        {"Alpinski", NULL, "alpine_skiing", "", 0},
        {"Ski Alpin", NULL, "alpine_skiing", "", 0},
        {"Skitour", NULL, "backcountry_skiing", "", 0},
        {"Skitouren", NULL, "backcountry_skiing", "", 0},
        {"Langlauf", NULL, "cross_country_skiing", "", 0},
        {"Snowboard", NULL, "snowboarding", "", 0},
        {"Snowboarden", NULL, "snowboarding", "", 0},
        {"Schneeschuhwandern", NULL, "snowshoeing", "", 0},
        {"Schneeschuhwanderung", NULL, "snowshoeing", "", 0},
        {"Eislaufen", NULL, "ice_skating", "", 0},
        {"Inlineskaten", NULL, "inline_skating", "", 0},
        {"Kajakfahren", NULL, "kayaking", "", 0},
        {"Kanufahren", NULL, "canoeing", "", 0},
        {"Kanufahrt", NULL, "canoeing", "", 0},
        {"Rudern", NULL, "rowing", "", 0},
        {"Stand-up-Paddling", NULL, "stand_up_paddleboarding", "", 0},
        {"Surfen", NULL, "surfing", "", 0},
        {"Kitesurfen", NULL, "kitesurfing", "", 0},
        {"Windsurfen", NULL, "windsurfing", "", 0},
        {"Segeln", NULL, "sailing", "", 0},
        {"Klettern", NULL, "rock_climbing", "", 0},
        {"Rollstuhl", NULL, "wheelchair", "", 0},
        {"Handbike", NULL, "handcycling", "", 0},
        {"Velomobil", NULL, "cycling", "recumbent", 0},
        {"Golf", NULL, "golf", "", 0},
        {"Training", NULL, "other", "workout", 0},
        {"Krafttraining", NULL, "other", "weight_training", 0},
        {"Gewichtstraining", NULL, "other", "weight_training", 0},
        {"Yoga", NULL, "other", "yoga", 0},
        {"Crossfit", NULL, "other", "crossfit", 0},
        {"Crosstrainer", NULL, "other", "elliptical", 0},
        {"Ellipsentrainer", NULL, "other", "elliptical", 0},
        {"Stepper", NULL, "other", "stair_stepper", 0},
        {"Fußball", NULL, "other", "team_sport", 0},
    };

    check_cases(cases, COUNT(cases));
}

static void test_sport__unknown_words(void)
{
    static const char *const unknown[] = {
        "", "   ", "-_-", "foo", "Intersection", "34", "0", "sport_99", "rideride", "Radfahrt!",
    };
    hm_sport_class out;
    size_t i;

    for (i = 0; i < COUNT(unknown); i++) {
        CU_ASSERT(hm_sport__classify(&out, unknown[i], NULL) == 0);
        CU_ASSERT_STRING_EQUAL(out.sport, "");
        CU_ASSERT_STRING_EQUAL(out.sub_sport, "");
        CU_ASSERT_EQUAL(out.is_virtual, 0);
        /* a known sub_sport does not rescue an unknown sport */
        CU_ASSERT(hm_sport__classify(&out, unknown[i], "virtual_activity") == 0);
        CU_ASSERT_STRING_EQUAL(out.sport, "");
        CU_ASSERT_EQUAL(out.is_virtual, 0);
    }
    CU_ASSERT(hm_sport__classify(&out, NULL, "trail") == 0);
    CU_ASSERT_STRING_EQUAL(out.sport, "");
    /* an unknown sub_sport changes nothing */
    CU_ASSERT(hm_sport__classify(&out, "cycling", "sub_sport_200") == 1);
    CU_ASSERT_STRING_EQUAL(out.sport, "cycling");
    CU_ASSERT_STRING_EQUAL(out.sub_sport, "");
    CU_ASSERT(hm_sport__classify(&out, "Gravel Ride", "") == 1);
    CU_ASSERT_STRING_EQUAL(out.sub_sport, "gravel");
}

static void test_sport__case_and_separators(void)
{
    static const class_case cases[] = {
        {"E-Bike Ride", NULL, "cycling", "e_bike", 0},
        {"ebikeride", NULL, "cycling", "e_bike", 0},
        {"e_bike_ride", NULL, "cycling", "e_bike", 0},
        {"EBIKERIDE", NULL, "cycling", "e_bike", 0},
        {"e - bike ride", NULL, "cycling", "e_bike", 0},
        {" Trail Run ", NULL, "running", "trail", 0},
        {"trail-run", NULL, "running", "trail", 0},
        {"CROSS COUNTRY SKIING", NULL, "cross_country_skiing", "", 0},
        {"Cross-Country-Skiing", NULL, "cross_country_skiing", "", 0},
        {"e-bike-fahrt", NULL, "cycling", "e_bike", 0},
        {"VIRTUELLE RADFAHRT", NULL, "cycling", "virtual", 1},
        {"Cycling", "Gravel_Cycling", "cycling", "gravel", 0},
        {"CYCLING", "virtual activity", "cycling", "virtual", 1},
        {"\tRide\r\n", NULL, "cycling", "", 0},
    };

    check_cases(cases, COUNT(cases));
}

typedef struct match_case {
    const char *query;     /* a SPORT= item */
    const char *sport;     /* the activity's canonical sport */
    const char *sub_sport; /* the activity's canonical sub-sport */
    int expected;
} match_case;

static void test_sport__matches(void)
{
    static const match_case cases[] = {
        /* a plain sport matches all its sub-sports */
        {"cycling", "cycling", "", 1},
        {"cycling", "cycling", "road", 1},
        {"cycling", "cycling", "gravel", 1},
        {"cycling", "cycling", "e_bike", 1},
        {"cycling", "cycling", "e_mountain", 1},
        {"cycling", "cycling", "virtual", 1},
        {"cycling", "running", "", 0},
        {"cycling", "handcycling", "", 0},
        {"ride", "cycling", "gravel", 1},
        {"Ride", "cycling", "virtual", 1},
        {"bike", "cycling", "road", 1},
        {"biking", "cycling", "mountain", 1},
        {"Radfahrt", "cycling", "road", 1},
        {"1", "cycling", "", 1},
        /* a sub-sport-specific type matches only that sub-sport */
        {"gravel_ride", "cycling", "gravel", 1},
        {"Gravel Ride", "cycling", "gravel", 1},
        {"GravelRide", "cycling", "gravel", 1},
        {"Gravel-Fahrt", "cycling", "gravel", 1},
        {"gravel_ride", "cycling", "road", 0},
        {"gravel_ride", "cycling", "", 0},
        {"gravel_ride", "cycling", "mountain", 0},
        {"gravel_ride", "running", "trail", 0},
        {"mountain_biking", "cycling", "mountain", 1},
        {"mountain_biking", "cycling", "e_mountain", 0},
        {"E-Bike Ride", "cycling", "e_bike", 1},
        {"E-Bike Ride", "cycling", "", 0},
        {"virtual_ride", "cycling", "virtual", 1},
        {"virtual_ride", "cycling", "road", 0},
        {"17", "cycling", "virtual", 1},
        /* sport:sub-sport */
        {"cycling:gravel", "cycling", "gravel", 1},
        {"cycling:gravel", "cycling", "road", 0},
        {"Cycling : Gravel", "cycling", "gravel", 1},
        {"ride:gravel", "cycling", "gravel", 1},
        {"cycling:gravel_cycling", "cycling", "gravel", 1},
        {"cycling:e-bike", "cycling", "e_bike", 1},
        {"running:virtual_activity", "running", "virtual", 1},
        {"cycling:", "cycling", "road", 1},
        {"cycling:nonsense", "cycling", "road", 0},
        {"cycling:nonsense", "cycling", "", 0},
        {"running:gravel", "running", "", 0},
        {"cycling:hand_cycling", "handcycling", "", 0},
        {"foo:bar", "cycling", "", 0},
        /* running */
        {"run", "running", "", 1},
        {"run", "running", "trail", 1},
        {"run", "running", "virtual", 1},
        {"Lauf", "running", "treadmill", 1},
        {"run", "walking", "", 0},
        {"run", "cycling", "", 0},
        {"trail_run", "running", "trail", 1},
        {"trail running", "running", "trail", 1},
        {"trail_run", "running", "road", 0},
        {"trail_run", "running", "", 0},
        /* others */
        {"hike", "hiking", "", 1},
        {"Wanderung", "hiking", "", 1},
        {"hike", "walking", "", 0},
        {"walk", "walking", "casual", 1},
        {"skiing", "alpine_skiing", "", 1},
        {"skiing", "cross_country_skiing", "", 0},
        {"nordic ski", "cross_country_skiing", "skate", 1},
        {"yoga", "other", "yoga", 1},
        {"yoga", "other", "workout", 0},
        {"other", "other", "yoga", 1},
        {"other", "other", "", 1},
        {"other", "cycling", "", 0},
        /* case and separators */
        {"CYCLING", "cycling", "road", 1},
        {"Cross Country Skiing", "cross_country_skiing", "", 1},
        {"RUN", "running", "trail", 1},
        /* unknown queries: only the plain fallback on the sport's name */
        {"foo", "cycling", "", 0},
        {"foo", "", "", 0},
        {"Sport 99", "sport_99", "", 1},
        {"sport_99", "", "", 0},
        {"", "cycling", "", 0},
        {"  ", "", "", 0},
    };
    size_t i;

    for (i = 0; i < COUNT(cases); i++) {
        int got = hm_sport__matches(cases[i].query, cases[i].sport, cases[i].sub_sport);

        if (got != cases[i].expected)
            fprintf(stderr, "\n  SPORT=%s on %s/%s: got %d", cases[i].query, cases[i].sport,
                    cases[i].sub_sport, got);
        CU_ASSERT_EQUAL(got, cases[i].expected);
    }
    CU_ASSERT(hm_sport__matches("cycling", "cycling", NULL) == 1);
    CU_ASSERT(hm_sport__matches("gravel_ride", "cycling", NULL) == 0);
    CU_ASSERT(hm_sport__matches("cycling", NULL, NULL) == 0);
    CU_ASSERT(hm_sport__matches(NULL, "cycling", "") == 0);
}

static void test_sport__canonical_list(void)
{
    size_t n = hm_sport__count(), i, j, k;
    const char *name, *sub;

    CU_ASSERT(n >= 25 && n <= 40);
    CU_ASSERT_STRING_EQUAL(hm_sport__name(n - 1), HM_SPORT_OTHER);
    CU_ASSERT_PTR_NULL(hm_sport__name(n));
    CU_ASSERT_PTR_NULL(hm_sport__name((size_t)-1));
    for (i = 0; i < n; i++) {
        hm_sport_class out;

        name = hm_sport__name(i);
        CU_ASSERT_PTR_NOT_NULL_FATAL(name);
        /* lower-case FIT style, unique, and its own alias */
        CU_ASSERT(strspn(name, "abcdefghijklmnopqrstuvwxyz_") == strlen(name));
        for (j = 0; j < i; j++)
            CU_ASSERT(strcmp(hm_sport__name(j), name) != 0);
        CU_ASSERT(hm_sport__classify(&out, name, NULL) == 1);
        CU_ASSERT_STRING_EQUAL(out.sport, name);
        CU_ASSERT_STRING_EQUAL(out.sub_sport, "");
        CU_ASSERT(hm_sport__matches(name, name, ""));
        /* each sub-sport is unique and selectable as sport:sub */
        for (k = 0; (sub = hm_sport__sub_name(name, k)) != NULL; k++) {
            char query[96];

            for (j = 0; j < k; j++)
                CU_ASSERT(strcmp(hm_sport__sub_name(name, j), sub) != 0);
            snprintf(query, sizeof(query), "%s:%s", name, sub);
            CU_ASSERT(hm_sport__matches(query, name, sub));
            CU_ASSERT(hm_sport__matches(name, name, sub));
            CU_ASSERT(!hm_sport__matches(query, name, ""));
        }
    }
    /* e-bikes are cycling, not a sport */
    for (i = 0; i < n; i++)
        CU_ASSERT(strcmp(hm_sport__name(i), "e_biking") != 0);
    CU_ASSERT_STRING_EQUAL(hm_sport__sub_name("cycling", 0), "road");
    CU_ASSERT_PTR_NULL(hm_sport__sub_name("hiking", 0));
    CU_ASSERT_PTR_NULL(hm_sport__sub_name("nope", 0));
    CU_ASSERT_PTR_NULL(hm_sport__sub_name(NULL, 0));
    CU_ASSERT_PTR_NULL(hm_sport__sub_name("swimming", 2));
}

void hm_test_sport_suite(void)
{
    static CU_TestInfo tests[] = {
        {"test_sport__fit_words", test_sport__fit_words},
        {"test_sport__tcx_words", test_sport__tcx_words},
        {"test_sport__gpx_words", test_sport__gpx_words},
        {"test_sport__strava_csv_english", test_sport__strava_csv_english},
        {"test_sport__strava_csv_german", test_sport__strava_csv_german},
        {"test_sport__unknown_words", test_sport__unknown_words},
        {"test_sport__case_and_separators", test_sport__case_and_separators},
        {"test_sport__matches", test_sport__matches},
        {"test_sport__canonical_list", test_sport__canonical_list},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("sport", tests);
}
