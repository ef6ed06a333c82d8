/* SPDX-License-Identifier: MIT */
/*
 * The engine's one sport vocabulary: a fixed list of canonical sports
 * (lower-case FIT-style names), their canonical sub-sports, and every
 * source's spelling mapped onto them: FIT sport and sub_sport names, TCX
 * Sport, GPX <type> as Garmin Connect, Strava (numeric codes) and other apps
 * write it, and Strava's activities.csv types in English and German. The
 * tables in sport.c are the single source of truth; everything here is pure
 * lookup over static, immutable data, so every function is thread-safe and
 * every string it returns is static (never freed, valid for the process).
 */
#ifndef HM_TRACK_SPORT_INT_H
#define HM_TRACK_SPORT_INT_H

#include <stddef.h>

/* The canonical sport of a known activity that has no spatial sport of its own (Workout, Yoga,
 * a FIT "generic" file, TCX "Other"); its sub_sport says what it was when that is known. */
#define HM_SPORT_OTHER "other"

/* An activity's sport in canonical terms. Strings are static, never NULL. */
typedef struct hm_sport_class {
    const char *sport;     /* canonical sport, HM_SPORT_OTHER, or "" when the word is unknown */
    const char *sub_sport; /* canonical sub-sport of that sport, or "" */
    int is_virtual;        /* 1 for virtual-world activities (Zwift-style rides and runs) */
} hm_sport_class;

/*
 * Classify a source's sport words. Matching ignores ASCII case and the separators ' ', '-', '_'
 * (and tabs, CR, LF), so "E-Bike Ride", "EBikeRide" and "e_bike_ride" are one word.
 * @param out receives the class; on 0 it is {"", "", 0}.
 * @param word the sport as the source spells it (FIT sport name, TCX Sport, GPX <type>, Strava
 *        activity type); NULL or "" is unknown.
 * @param sub_word the source's sub-sport (FIT sub_sport name) or NULL/"": it refines the sport
 *        ("cycling" + "gravel_cycling" is cycling/gravel, "alpine_skiing" + "backcountry" is
 *        backcountry_skiing, "virtual_activity" makes any sport virtual); an unknown sub_word
 *        changes nothing.
 * @return 1 when word was recognised, 0 otherwise.
 */
int hm_sport__classify(hm_sport_class *out, const char *word, const char *sub_word);

/*
 * 1 when a user's SPORT= item selects an activity of canonical sport/sub_sport. The query is
 * resolved like a source word: a plain sport or alias ("cycling", "ride", "Radfahrt") selects
 * every sub-sport of its sport; a sub-sport-specific alias ("Gravel Ride", "mountain_biking",
 * "trail_run") selects only that sub-sport; "sport:sub" ("cycling:gravel") names both in
 * canonical (or FIT sub_sport) terms. A query the table does not know matches an activity whose
 * sport equals it after normalisation, nothing else. Case and separators are ignored.
 * @param sport, sub_sport the activity's canonical class (NULL is taken as "").
 */
int hm_sport__matches(const char *query, const char *sport, const char *sub_sport);

/* hm_sport__matches() in two steps, for one query and many activities: the query resolved
 * once (hm_sport__query; it borrows the text), then matched (hm_sport__query_matches). */
typedef struct hm_sport_query {
    const char *text;   /* the item, or NULL when it has no text (selects nothing) */
    hm_sport_class q;   /* what it names, when known */
    int known;          /* 1: the vocabulary knows it */
    int qualified;      /* 1: "sport:sub" */
} hm_sport_query;

void hm_sport__query(hm_sport_query *out, const char *query);
int hm_sport__query_matches(const hm_sport_query *query, const char *sport,
                            const char *sub_sport);

/* Number of canonical sports, HM_SPORT_OTHER (the last) included. */
size_t hm_sport__count(void);

/* The i-th canonical sport (static), in documentation order; NULL when i >= hm_sport__count(). */
const char *hm_sport__name(size_t i);

/* The i-th canonical sub-sport (static) of canonical sport `sport`; NULL past the last one or
 * when sport has none or is unknown. */
const char *hm_sport__sub_name(const char *sport, size_t i);

#endif /* HM_TRACK_SPORT_INT_H */
