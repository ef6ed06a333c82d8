/* SPDX-License-Identifier: MIT */
/*
 * The sport vocabulary: four static tables and the lookups over them.
 * `sports` is the canonical list (FIT's names where FIT has one); `subs` the
 * canonical sub-sports that matter for filtering; `words` maps every
 * source's spelling of a sport to a canonical class, one line per alias;
 * `sub_words` maps FIT sub_sport names, which only mean something next to
 * their sport. Invariants: every sport a row yields is in `sports`, every
 * sub-sport is in `subs` for that sport, a row yields sub-sport "virtual"
 * exactly when it is virtual, and no two rows share a normalised key (a
 * later one would be dead). The tests check the first two for every
 * spelling they list.
 * A canonical name is its own alias, so `words` lists only other
 * spellings. Keys are compared normalised (ASCII lower case, separators
 * dropped) on the fly, with no buffer and no locale, so a key is written
 * here the way its source writes it and the tables need no sorting; a
 * linear scan over a few hundred rows is cheap next to reading a track.
 */
#include <assert.h>
#include <string.h>

#include "core/text_int.h"
#include "track/sport_int.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Canonical sports, in documentation order; "other" stays last. */
static const char *const sports[] = {
    "running",
    "cycling",
    "walking",
    "hiking",
    "swimming",
    "cross_country_skiing",
    "alpine_skiing",
    "backcountry_skiing",
    "snowboarding",
    "snowshoeing",
    "ice_skating",
    "inline_skating",
    "skateboarding",
    "rowing",
    "kayaking",
    "canoeing",
    "paddling", /* a paddle sport the source does not narrow down (FIT "paddling") */
    "stand_up_paddleboarding",
    "surfing",
    "windsurfing",
    "kitesurfing",
    "sailing",
    "rock_climbing",
    "mountaineering",
    "wheelchair",
    "handcycling",
    "golf",
    "horseback_riding",
    HM_SPORT_OTHER,
};

typedef struct sub_row {
    const char *sport; /* canonical sport */
    const char *sub;   /* one of its canonical sub-sports */
} sub_row;

/* Canonical sub-sports, grouped by sport. Skiing kinds are sports of their own, not sub-sports;
 * e-bikes are cycling. For "other" the sub-sport names the activity, so SPORT=yoga still works. */
static const sub_row subs[] = {
    {"running", "street"},
    {"running", "trail"},
    {"running", "track"},
    {"running", "treadmill"},
    {"running", "indoor"},
    {"running", "virtual"},
    {"cycling", "road"},
    {"cycling", "mountain"},
    {"cycling", "gravel"},
    {"cycling", "cyclocross"},
    {"cycling", "track"},
    {"cycling", "bmx"},
    {"cycling", "recumbent"}, /* velomobiles too */
    {"cycling", "commuting"},
    {"cycling", "e_bike"},
    {"cycling", "e_mountain"},
    {"cycling", "indoor"},
    {"cycling", "virtual"},
    {"walking", "casual"},
    {"walking", "speed"},
    {"walking", "indoor"},
    {"swimming", "lap"},
    {"swimming", "open_water"},
    {"cross_country_skiing", "skate"},
    {"cross_country_skiing", "roller"},
    {"rowing", "indoor"},
    {"rowing", "virtual"},
    {"rock_climbing", "indoor"},
    {"rock_climbing", "bouldering"},
    {"wheelchair", "indoor"},
    {"handcycling", "indoor"},
    {"other", "workout"},
    {"other", "weight_training"},
    {"other", "yoga"},
    {"other", "pilates"},
    {"other", "crossfit"},
    {"other", "hiit"},
    {"other", "elliptical"},
    {"other", "stair_stepper"},
    {"other", "multisport"},
    {"other", "team_sport"},
    {"other", "racket_sport"},
    {"other", "motorsport"},
    {"other", "flying"},
};

typedef struct word_row {
    const char *alias;     /* a source's spelling, as it writes it */
    const char *sport;     /* canonical sport */
    const char *sub_sport; /* canonical sub-sport or "" */
    int is_virtual;        /* 1: a virtual-world activity */
} word_row;

/* Every other spelling of a sport. Where two sources share a spelling (TCX "Running", Strava's
 * "Swim" and a German "Golf"), the first group lists it; duplicates would be dead rows. */
static const word_row words[] = {
    /* FIT sport names (src/io/fit_profile.c) that are not canonical names. */
    {"generic", "other", "", 0},
    {"transition", "other", "multisport", 0},
    {"fitness_equipment", "other", "workout", 0},
    {"basketball", "other", "team_sport", 0},
    {"soccer", "other", "team_sport", 0},
    {"tennis", "other", "racket_sport", 0},
    {"american_football", "other", "team_sport", 0},
    {"training", "other", "workout", 0}, /* also Strava's German "Training" (Workout) */
    {"multisport", "other", "multisport", 0},
    {"flying", "other", "flying", 0},
    {"e_biking", "cycling", "e_bike", 0},
    {"motorcycling", "other", "motorsport", 0},
    {"boating", "other", "", 0},
    {"driving", "other", "motorsport", 0},
    {"hang_gliding", "other", "flying", 0},
    {"hunting", "other", "", 0},
    {"fishing", "other", "", 0},
    {"sky_diving", "other", "flying", 0},
    {"snowmobiling", "other", "motorsport", 0},
    {"wakeboarding", "other", "", 0},
    {"water_skiing", "other", "", 0},
    {"rafting", "paddling", "", 0},
    {"tactical", "other", "", 0},
    {"jumpmaster", "other", "", 0},
    {"boxing", "other", "", 0},
    {"floor_climbing", "other", "stair_stepper", 0},
    {"baseball", "other", "team_sport", 0},
    {"diving", "other", "", 0},
    {"shooting", "other", "", 0},
    {"winter_sport", "other", "", 0},
    {"grinding", "other", "", 0},
    {"hiit", "other", "hiit", 0},
    {"video_gaming", "other", "", 0},
    {"racket", "other", "racket_sport", 0},
    {"wheelchair_push_walk", "wheelchair", "", 0},
    {"wheelchair_push_run", "wheelchair", "", 0},
    {"meditation", "other", "", 0},
    {"para_sport", "other", "", 0},
    {"disc_golf", "other", "", 0},
    {"team_sport", "other", "team_sport", 0},
    {"cricket", "other", "team_sport", 0},
    {"rugby", "other", "team_sport", 0},
    {"hockey", "other", "team_sport", 0},
    {"lacrosse", "other", "team_sport", 0},
    {"volleyball", "other", "team_sport", 0},
    {"water_tubing", "other", "", 0},
    {"wakesurfing", "other", "", 0},
    {"water_sport", "other", "", 0},
    {"archery", "other", "", 0},
    {"mixed_martial_arts", "other", "", 0},
    {"motor_sports", "other", "motorsport", 0},
    {"snorkeling", "other", "", 0},
    {"dance", "other", "", 0},
    {"jump_rope", "other", "", 0},
    {"pool_apnea", "other", "", 0},
    {"mobility", "other", "", 0},
    {"geocaching", "other", "", 0},

    /* TCX Sport: Running, Biking, Other (Running and Other are canonical). */
    {"biking", "cycling", "", 0},

    /* GPX <type> as Garmin Connect writes it (its activity type keys; "hand_cycling" and
     * "multi_sport" normalise to rows above). */
    {"road_biking", "cycling", "road", 0},
    {"mountain_biking", "cycling", "mountain", 0},
    {"downhill_biking", "cycling", "mountain", 0},
    {"gravel_cycling", "cycling", "gravel", 0},
    {"cyclocross", "cycling", "cyclocross", 0},
    {"track_cycling", "cycling", "track", 0},
    {"bmx", "cycling", "bmx", 0},
    {"recumbent_cycling", "cycling", "recumbent", 0},
    {"e_bike_fitness", "cycling", "e_bike", 0},
    {"e_bike_mountain", "cycling", "e_mountain", 0},
    {"indoor_cycling", "cycling", "indoor", 0},
    {"virtual_ride", "cycling", "virtual", 1},
    {"indoor_hand_cycling", "handcycling", "indoor", 0},
    {"street_running", "running", "street", 0},
    {"trail_running", "running", "trail", 0},
    {"track_running", "running", "track", 0},
    {"treadmill_running", "running", "treadmill", 0},
    {"indoor_running", "running", "indoor", 0},
    {"virtual_run", "running", "virtual", 1},
    {"ultra_run", "running", "", 0},
    {"obstacle_run", "running", "", 0},
    {"casual_walking", "walking", "casual", 0},
    {"speed_walking", "walking", "speed", 0},
    {"indoor_walking", "walking", "indoor", 0},
    {"lap_swimming", "swimming", "lap", 0},
    {"open_water_swimming", "swimming", "open_water", 0},
    {"resort_skiing_snowboarding", "alpine_skiing", "", 0},
    {"resort_skiing", "alpine_skiing", "", 0},
    {"resort_snowboarding", "snowboarding", "", 0},
    {"backcountry_skiing_snowboarding_ws", "backcountry_skiing", "", 0},
    {"backcountry_snowboarding", "backcountry_skiing", "", 0},
    {"cross_country_skiing_ws", "cross_country_skiing", "", 0},
    {"skate_skiing_ws", "cross_country_skiing", "skate", 0},
    {"snow_shoe_ws", "snowshoeing", "", 0},
    {"skating_ws", "ice_skating", "", 0},
    {"indoor_rowing", "rowing", "indoor", 0},
    {"whitewater_rafting_kayaking", "paddling", "", 0},
    {"wind_kite_surfing", "kitesurfing", "", 0}, /* Garmin's one type for both boards */
    {"bouldering", "rock_climbing", "bouldering", 0},
    {"indoor_climbing", "rock_climbing", "indoor", 0},
    {"strength_training", "other", "weight_training", 0},
    {"pilates", "other", "pilates", 0},
    {"stair_climbing", "other", "stair_stepper", 0},
    {"uncategorized", "other", "", 0},

    /* GPX <type> as Strava writes it: its numeric activity type codes. */
    {"1", "cycling", "", 0},                    /* Ride */
    {"2", "alpine_skiing", "", 0},              /* AlpineSki */
    {"3", "backcountry_skiing", "", 0},         /* BackcountrySki */
    {"4", "hiking", "", 0},                     /* Hike */
    {"5", "ice_skating", "", 0},                /* IceSkate */
    {"6", "inline_skating", "", 0},             /* InlineSkate */
    {"7", "cross_country_skiing", "", 0},       /* NordicSki */
    {"8", "cross_country_skiing", "roller", 0}, /* RollerSki */
    {"9", "running", "", 0},                    /* Run */
    {"10", "walking", "", 0},                   /* Walk */
    {"11", "other", "workout", 0},              /* Workout */
    {"12", "snowboarding", "", 0},              /* Snowboard */
    {"13", "snowshoeing", "", 0},               /* Snowshoe */
    {"14", "kitesurfing", "", 0},               /* Kitesurf */
    {"15", "windsurfing", "", 0},               /* Windsurf */
    {"16", "swimming", "", 0},                  /* Swim */
    {"17", "cycling", "virtual", 1},            /* VirtualRide */
    {"18", "cycling", "e_bike", 0},             /* EBikeRide */
    {"19", "cycling", "recumbent", 0},          /* Velomobile */
    {"20", "canoeing", "", 0},                  /* Canoeing */
    {"21", "kayaking", "", 0},                  /* Kayaking */
    {"22", "rowing", "", 0},                    /* Rowing */
    {"23", "stand_up_paddleboarding", "", 0},   /* StandUpPaddling */
    {"24", "surfing", "", 0},                   /* Surfing */
    {"25", "other", "crossfit", 0},             /* Crossfit */
    {"26", "other", "elliptical", 0},           /* Elliptical */
    {"27", "rock_climbing", "", 0},             /* RockClimbing */
    {"28", "other", "stair_stepper", 0},        /* StairStepper */
    {"29", "other", "weight_training", 0},      /* WeightTraining */
    {"30", "other", "yoga", 0},                 /* Yoga */
    {"31", "handcycling", "", 0},               /* Handcycle */
    {"32", "wheelchair", "", 0},                /* Wheelchair */
    {"33", "running", "virtual", 1},            /* VirtualRun */

    /* GPX <type> as other apps write it (and words people type in SPORT=). */
    {"bike", "cycling", "", 0},
    {"cycle", "cycling", "", 0},
    {"bicycle", "cycling", "", 0},
    {"road_cycling", "cycling", "road", 0},
    {"mtb", "cycling", "mountain", 0},
    {"mountainbike", "cycling", "mountain", 0},
    {"ebike", "cycling", "e_bike", 0},
    {"jog", "running", "", 0},
    {"jogging", "running", "", 0},
    {"skiing", "alpine_skiing", "", 0},
    {"downhill_skiing", "alpine_skiing", "", 0},
    {"nordic_walking", "walking", "", 0},
    {"kayak", "kayaking", "", 0},
    {"sup", "stand_up_paddleboarding", "", 0},
    {"paddleboarding", "stand_up_paddleboarding", "", 0},

    /* Strava activity types in English: activities.csv "Activity Type" and, where it is spelt
     * differently, the API's sport_type. Normalised, "E-Bike Ride" is also the API's EBikeRide,
     * and "Virtual Ride"/"Virtual Run" are Garmin's virtual_ride/virtual_run above. */
    {"ride", "cycling", "", 0},
    {"mountain_bike_ride", "cycling", "mountain", 0},
    {"gravel_ride", "cycling", "gravel", 0},
    {"e_bike_ride", "cycling", "e_bike", 0},
    {"e_mountain_bike_ride", "cycling", "e_mountain", 0},
    {"velomobile", "cycling", "recumbent", 0},
    {"run", "running", "", 0},
    {"trail_run", "running", "trail", 0},
    {"walk", "walking", "", 0},
    {"hike", "hiking", "", 0},
    {"swim", "swimming", "", 0},
    {"alpine_ski", "alpine_skiing", "", 0},
    {"backcountry_ski", "backcountry_skiing", "", 0},
    {"nordic_ski", "cross_country_skiing", "", 0},
    {"roller_ski", "cross_country_skiing", "roller", 0},
    {"snowboard", "snowboarding", "", 0},
    {"snowshoe", "snowshoeing", "", 0},
    {"ice_skate", "ice_skating", "", 0},
    {"inline_skate", "inline_skating", "", 0},
    {"skateboard", "skateboarding", "", 0},
    {"canoe", "canoeing", "", 0},
    {"virtual_row", "rowing", "virtual", 1},
    {"stand_up_paddling", "stand_up_paddleboarding", "", 0},
    {"kitesurf", "kitesurfing", "", 0},
    {"windsurf", "windsurfing", "", 0},
    {"sail", "sailing", "", 0},
    {"rock_climb", "rock_climbing", "", 0},
    {"handcycle", "handcycling", "", 0},
    {"workout", "other", "workout", 0},
    {"weight_training", "other", "weight_training", 0},
    {"yoga", "other", "yoga", 0},
    {"crossfit", "other", "crossfit", 0},
    {"elliptical", "other", "elliptical", 0},
    {"stair_stepper", "other", "stair_stepper", 0},
    {"high_intensity_interval_training", "other", "hiit", 0},
    {"badminton", "other", "racket_sport", 0},
    {"pickleball", "other", "racket_sport", 0},
    {"racquetball", "other", "racket_sport", 0},
    {"squash", "other", "racket_sport", 0},
    {"table_tennis", "other", "racket_sport", 0},

    /* Strava activity types in German (activities.csv "Aktivitätsart"), with the variants seen
     * in exports and tools. Same-spelt types (Golf, Yoga, Crossfit, Snowboard, Tennis, HIIT,
     * Pilates, Stand-up-Paddling, Training, Trailrun, Inlineskating) are matched by the rows
     * above. */
    {"Lauf", "running", "", 0},
    {"Laufen", "running", "", 0},
    {"Joggen", "running", "", 0},
    {"Traillauf", "running", "trail", 0},
    {"Virtueller Lauf", "running", "virtual", 1},
    {"Radfahrt", "cycling", "", 0},
    {"Radfahren", "cycling", "", 0},
    {"Fahrradfahrt", "cycling", "", 0},
    {"Mountainbike-Fahrt", "cycling", "mountain", 0},
    {"Mountainbiken", "cycling", "mountain", 0},
    {"Gravel-Fahrt", "cycling", "gravel", 0},
    {"Gravelbike-Fahrt", "cycling", "gravel", 0},
    {"Gravel-Radfahrt", "cycling", "gravel", 0},
    {"E-Bike-Fahrt", "cycling", "e_bike", 0},
    {"E-Bike-Radfahrt", "cycling", "e_bike", 0},
    {"E-Mountainbike-Fahrt", "cycling", "e_mountain", 0},
    {"Virtuelle Radfahrt", "cycling", "virtual", 1},
    {"Virtuelle Fahrt", "cycling", "virtual", 1},
    {"Velomobil", "cycling", "recumbent", 0},
    {"Velomobilfahrt", "cycling", "recumbent", 0},
    {"Wanderung", "hiking", "", 0},
    {"Wandern", "hiking", "", 0},
    {"Spaziergang", "walking", "", 0},
    {"Spazieren", "walking", "", 0},
    {"Gehen", "walking", "", 0},
    {"Schwimmen", "swimming", "", 0},
    {"Alpinski", "alpine_skiing", "", 0},
    {"Ski Alpin", "alpine_skiing", "", 0},
    {"Skifahren", "alpine_skiing", "", 0},
    {"Skitour", "backcountry_skiing", "", 0},
    {"Skitouren", "backcountry_skiing", "", 0},
    {"Skitourengehen", "backcountry_skiing", "", 0},
    {"Langlauf", "cross_country_skiing", "", 0},
    {"Skilanglauf", "cross_country_skiing", "", 0},
    {"Rollski", "cross_country_skiing", "roller", 0},
    {"Skiroller", "cross_country_skiing", "roller", 0},
    {"Snowboarden", "snowboarding", "", 0},
    {"Schneeschuhwandern", "snowshoeing", "", 0},
    {"Schneeschuhwanderung", "snowshoeing", "", 0},
    {"Schneeschuhlaufen", "snowshoeing", "", 0},
    {"Eislaufen", "ice_skating", "", 0},
    {"Schlittschuhlaufen", "ice_skating", "", 0},
    {"Inlineskaten", "inline_skating", "", 0},
    {"Skateboarden", "skateboarding", "", 0},
    {"Kajakfahren", "kayaking", "", 0},
    {"Kajakfahrt", "kayaking", "", 0},
    {"Kajak", "kayaking", "", 0},
    {"Kanufahren", "canoeing", "", 0},
    {"Kanufahrt", "canoeing", "", 0},
    {"Kanu", "canoeing", "", 0},
    {"Rudern", "rowing", "", 0},
    {"Virtuelles Rudern", "rowing", "virtual", 1},
    {"Surfen", "surfing", "", 0},
    {"Kitesurfen", "kitesurfing", "", 0},
    {"Windsurfen", "windsurfing", "", 0},
    {"Segeln", "sailing", "", 0},
    {"Klettern", "rock_climbing", "", 0},
    {"Felsklettern", "rock_climbing", "", 0},
    {"Bergsteigen", "mountaineering", "", 0},
    {"Rollstuhl", "wheelchair", "", 0},
    {"Rollstuhlfahren", "wheelchair", "", 0},
    {"Rollstuhlfahrt", "wheelchair", "", 0},
    {"Handbike", "handcycling", "", 0},
    {"Handbike-Fahrt", "handcycling", "", 0},
    {"Handbiken", "handcycling", "", 0},
    {"Reiten", "horseback_riding", "", 0},
    {"Krafttraining", "other", "weight_training", 0},
    {"Gewichtstraining", "other", "weight_training", 0},
    {"Crosstrainer", "other", "elliptical", 0},
    {"Ellipsentrainer", "other", "elliptical", 0},
    {"Stepper", "other", "stair_stepper", 0},
    {"Treppensteiger", "other", "stair_stepper", 0},
    {"Fußball", "other", "team_sport", 0},
    {"Tischtennis", "other", "racket_sport", 0},
};

typedef struct sub_word_row {
    const char *of;        /* the class it refines: "sport:sub_sport", "sport" (no sub-sport yet),
                              or "" (any) */
    const char *word;      /* the FIT sub_sport name */
    const char *sport;     /* resulting canonical sport; NULL keeps the sport */
    const char *sub_sport; /* resulting canonical sub-sport or ""; NULL keeps the sub-sport */
    int is_virtual;        /* 1: makes the activity virtual */
} sub_word_row;

/* FIT sub_sport names (src/io/fit_profile.c), by the sport they refine. A sub-sport that the
 * sport word already fixed (FIT e_biking is cycling/e_bike) is refined only by rows naming it. */
static const sub_word_row sub_words[] = {
    {"running", "street", "running", "street", 0},
    {"running", "trail", "running", "trail", 0},
    {"running", "track", "running", "track", 0},
    {"running", "treadmill", "running", "treadmill", 0},
    {"running", "indoor_running", "running", "indoor", 0},
    {"running", "virtual_activity", "running", "virtual", 1},
    {"cycling", "road", "cycling", "road", 0},
    {"cycling", "mountain", "cycling", "mountain", 0},
    {"cycling", "downhill", "cycling", "mountain", 0},
    {"cycling", "enduro", "cycling", "mountain", 0},
    {"cycling", "gravel_cycling", "cycling", "gravel", 0},
    {"cycling", "mixed_surface", "cycling", "gravel", 0},
    {"cycling", "cyclocross", "cycling", "cyclocross", 0},
    {"cycling", "track_cycling", "cycling", "track", 0},
    {"cycling", "track", "cycling", "track", 0},
    {"cycling", "bmx", "cycling", "bmx", 0},
    {"cycling", "recumbent", "cycling", "recumbent", 0},
    {"cycling", "commuting", "cycling", "commuting", 0},
    {"cycling", "e_bike_fitness", "cycling", "e_bike", 0},
    {"cycling", "e_bike_mountain", "cycling", "e_mountain", 0},
    {"cycling", "e_bike_enduro", "cycling", "e_mountain", 0},
    {"cycling", "indoor_cycling", "cycling", "indoor", 0},
    {"cycling", "spin", "cycling", "indoor", 0},
    {"cycling", "virtual_activity", "cycling", "virtual", 1},
    {"cycling", "hand_cycling", "handcycling", "", 0},
    {"cycling", "indoor_hand_cycling", "handcycling", "indoor", 0},
    {"cycling:e_bike", "mountain", "cycling", "e_mountain", 0},
    {"cycling:e_bike", "downhill", "cycling", "e_mountain", 0},
    {"cycling:e_bike", "enduro", "cycling", "e_mountain", 0},
    {"cycling:e_bike", "e_bike_mountain", "cycling", "e_mountain", 0},
    {"cycling:e_bike", "e_bike_enduro", "cycling", "e_mountain", 0},
    {"walking", "casual_walking", "walking", "casual", 0},
    {"walking", "speed_walking", "walking", "speed", 0},
    {"walking", "indoor_walking", "walking", "indoor", 0},
    {"swimming", "lap_swimming", "swimming", "lap", 0},
    {"swimming", "open_water", "swimming", "open_water", 0},
    {"cross_country_skiing", "skate_skiing", "cross_country_skiing", "skate", 0},
    {"alpine_skiing", "backcountry", "backcountry_skiing", "", 0},
    {"snowboarding", "backcountry", "backcountry_skiing", "", 0},
    {"rowing", "indoor_rowing", "rowing", "indoor", 0},
    {"rowing", "virtual_activity", "rowing", "virtual", 1},
    {"rock_climbing", "indoor_climbing", "rock_climbing", "indoor", 0},
    {"rock_climbing", "bouldering", "rock_climbing", "bouldering", 0},
    {"wheelchair", "indoor_wheelchair_walk", "wheelchair", "indoor", 0},
    {"wheelchair", "indoor_wheelchair_run", "wheelchair", "indoor", 0},
    {"handcycling", "indoor_hand_cycling", "handcycling", "indoor", 0},
    /* FIT fitness_equipment and training are other/workout; their sub_sport says what. */
    {"other:workout", "treadmill", "running", "treadmill", 0},
    {"other:workout", "indoor_running", "running", "indoor", 0},
    {"other:workout", "indoor_cycling", "cycling", "indoor", 0},
    {"other:workout", "indoor_walking", "walking", "indoor", 0},
    {"other:workout", "indoor_rowing", "rowing", "indoor", 0},
    {"other:workout", "elliptical", "other", "elliptical", 0},
    {"other:workout", "stair_climbing", "other", "stair_stepper", 0},
    {"other:workout", "strength_training", "other", "weight_training", 0},
    {"other:workout", "yoga", "other", "yoga", 0},
    {"other:workout", "pilates", "other", "pilates", 0},
    {"other:workout", "hiit", "other", "hiit", 0},
    /* Any other sport: virtual, but its sub-sport stays. */
    {"", "virtual_activity", NULL, NULL, 1},
};

/* A separator that matching ignores. */
static int is_sep(char c)
{
    return hm_text__is_space(c) || c == '-' || c == '_';
}

/* 1 when a[0..alen) and b (NUL-terminated) are equal after normalisation. */
static int norm_eq_n(const char *a, size_t alen, const char *b)
{
    size_t i = 0;

    for (;;) {
        while (i < alen && is_sep(a[i]))
            i++;
        while (*b && is_sep(*b))
            b++;
        if (i == alen || !*b)
            return i == alen && !*b;
        /* ASCII case only: other bytes (UTF-8 "ß") compare as they are */
        if (hm_text__lower(a[i]) != hm_text__lower(*b))
            return 0;
        i++;
        b++;
    }
}

static int norm_eq(const char *a, const char *b) { return norm_eq_n(a, strlen(a), b); }

/* 1 when the text has something besides separators. */
static int has_text(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        if (!is_sep(s[i]))
            return 1;
    return 0;
}

static void set(hm_sport_class *out, const char *sport, const char *sub_sport, int is_virtual)
{
    out->sport = sport;
    out->sub_sport = sub_sport;
    out->is_virtual = is_virtual;
}

/* Resolve a sport word: a canonical name, then an alias. 1 when found. */
static int lookup_word(hm_sport_class *out, const char *word, size_t len)
{
    size_t i;

    if (!has_text(word, len))
        return 0;
    for (i = 0; i < COUNT(sports); i++)
        if (norm_eq_n(word, len, sports[i])) {
            set(out, sports[i], "", 0);
            return 1;
        }
    for (i = 0; i < COUNT(words); i++)
        if (norm_eq_n(word, len, words[i].alias)) {
            set(out, words[i].sport, words[i].sub_sport, words[i].is_virtual);
            return 1;
        }
    return 0;
}

/* 1 when a sub_words row's `of` names class c at the given level: 2 "sport:sub", 1 "sport"
 * (only while c has no sub-sport), 0 any. */
static int of_matches(const char *of, const hm_sport_class *c, int level)
{
    size_t n = strlen(c->sport);

    switch (level) {
    case 2:
        return c->sub_sport[0] && strncmp(of, c->sport, n) == 0 && of[n] == ':' &&
               strcmp(of + n + 1, c->sub_sport) == 0;
    case 1: return !c->sub_sport[0] && strcmp(of, c->sport) == 0;
    default: return of[0] == '\0';
    }
}

/* The sub_words row that refines class c with word[0..len), most specific first; NULL if none. */
static const sub_word_row *lookup_sub_word(const hm_sport_class *c, const char *word, size_t len)
{
    int level;
    size_t i;

    if (!has_text(word, len))
        return NULL;
    for (level = 2; level >= 0; level--)
        for (i = 0; i < COUNT(sub_words); i++)
            if (of_matches(sub_words[i].of, c, level) && norm_eq_n(word, len, sub_words[i].word))
                return &sub_words[i];
    return NULL;
}

static void refine(hm_sport_class *c, const sub_word_row *r)
{
    if (r->sport)
        c->sport = r->sport;
    if (r->sub_sport)
        c->sub_sport = r->sub_sport;
    c->is_virtual |= r->is_virtual;
}

int hm_sport__classify(hm_sport_class *out, const char *word, const char *sub_word)
{
    const sub_word_row *r;

    assert(out);
    set(out, "", "", 0);
    if (!word || !lookup_word(out, word, strlen(word)))
        return 0;
    if (sub_word && (r = lookup_sub_word(out, sub_word, strlen(sub_word))) != NULL)
        refine(out, r);
    return 1;
}

/* Resolve "sport:sub" with the sub-sport in canonical or FIT sub_sport terms. */
static int lookup_qualified(hm_sport_class *out, const char *query, size_t colon)
{
    const char *sub = query + colon + 1;
    const sub_word_row *r;
    size_t i;

    if (!lookup_word(out, query, colon))
        return 0;
    if (!has_text(sub, strlen(sub)))
        return 1; /* "cycling:" is "cycling" */
    for (i = 0; i < COUNT(subs); i++)
        if (strcmp(subs[i].sport, out->sport) == 0 && norm_eq(sub, subs[i].sub)) {
            out->sub_sport = subs[i].sub;
            return 1;
        }
    out->sub_sport = ""; /* a FIT sub_sport name refines the plain sport */
    if ((r = lookup_sub_word(out, sub, strlen(sub))) != NULL && r->sub_sport && r->sub_sport[0] &&
        (!r->sport || strcmp(r->sport, out->sport) == 0)) {
        out->sub_sport = r->sub_sport;
        return 1;
    }
    return 0;
}

void hm_sport__query(hm_sport_query *out, const char *query)
{
    const char *colon;

    memset(out, 0, sizeof(*out));
    set(&out->q, "", "", 0);
    if (!query || !has_text(query, strlen(query)))
        return; /* selects nothing */
    out->text = query;
    colon = strchr(query, ':');
    out->qualified = colon != NULL;
    out->known = colon ? lookup_qualified(&out->q, query, (size_t)(colon - query))
                       : lookup_word(&out->q, query, strlen(query));
}

int hm_sport__query_matches(const hm_sport_query *q, const char *sport, const char *sub_sport)
{
    if (!q->text)
        return 0;
    if (!sport)
        sport = "";
    if (!sub_sport)
        sub_sport = "";
    if (q->known)
        return norm_eq(q->q.sport, sport) &&
               (!q->q.sub_sport[0] || norm_eq(q->q.sub_sport, sub_sport));
    return !q->qualified && sport[0] && norm_eq(q->text, sport);
}

int hm_sport__matches(const char *query, const char *sport, const char *sub_sport)
{
    hm_sport_query q;

    hm_sport__query(&q, query);
    return hm_sport__query_matches(&q, sport, sub_sport);
}

size_t hm_sport__count(void) { return COUNT(sports); }

const char *hm_sport__name(size_t i) { return i < COUNT(sports) ? sports[i] : NULL; }

const char *hm_sport__sub_name(const char *sport, size_t i)
{
    size_t k;

    if (!sport)
        return NULL;
    for (k = 0; k < COUNT(subs); k++)
        if (strcmp(subs[k].sport, sport) == 0 && i-- == 0)
            return subs[k].sub;
    return NULL;
}
