/* SPDX-License-Identifier: MIT */
/*
 * Activities as the readers deliver them: one hm_file per input file, holding
 * zero or more hm_activity, each a list of segments of hm_point. Missing
 * values are NaN, never a fake 0. These objects are immutable once returned,
 * so they may be read from several threads at once.
 */
#ifndef HEATMAP_ACTIVITY_H
#define HEATMAP_ACTIVITY_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Input file format, decided by content. */
typedef enum hm_format {
    HM_FORMAT_UNKNOWN = 0,
    HM_FORMAT_GPX = 1,
    HM_FORMAT_TCX = 2,
    HM_FORMAT_FIT = 3
} hm_format;

/** "gpx", "tcx", "fit" or "unknown". Static storage. */
const char *hm_format_get_name(hm_format format);

/** One recorded point. Each optional value is NaN when the file does not have it. */
typedef struct hm_point {
    double time;       /**< s since 1970-01-01T00:00:00Z (UTC); NaN when missing */
    double lat;        /**< degrees north, WGS84; NaN when the point has no position */
    double lon;        /**< degrees east, WGS84; NaN when the point has no position */
    float ele;         /**< m above sea level */
    float hr;          /**< heart rate, bpm */
    float cadence;     /**< rpm (cycling) or steps/min per foot (running), as recorded */
    float power;       /**< W */
    float speed;       /**< m/s, as recorded by the device (not derived) */
    float temperature; /**< degrees Celsius */
    float distance;    /**< m, cumulative distance as recorded by the device */
} hm_point;

/** Summary figures of an activity, derived from its points. */
typedef struct hm_activity_summary {
    size_t points;          /**< number of points */
    size_t points_with_pos; /**< points with lat and lon */
    int has_time;           /**< 1 if any point has a time */
    int has_hr;             /**< 1 if any point has heart rate */
    int has_cadence;        /**< 1 if any point has cadence */
    int has_power;          /**< 1 if any point has power */
    double distance;        /**< m, great-circle sum within segments over points with position */
    double duration;        /**< s, last time minus first time; NaN without times */
    double time_min;        /**< s since epoch, earliest point time; NaN without times */
    double time_max;        /**< s since epoch, latest point time; NaN without times */
    double moving_time;     /**< s of the steps between timed, positioned points within a
                                 segment that are at most 60 s long at 0.5 to 60 m/s */
    double elevation_gain;  /**< m, sum of the rises between consecutive points with an
                                 elevation within a segment; NaN when no point has one */
    double avg_hr;          /**< bpm, mean over the points with a heart rate; NaN when none */
} hm_activity_summary;

typedef struct hm_activity hm_activity;
typedef struct hm_file hm_file;

/** Format the activity was read from. */
hm_format hm_activity_get_format(const hm_activity *activity);
/** Sport in lower case ("running", "cycling", "biking", ...), "" when unknown. Borrowed. */
const char *hm_activity_get_sport(const hm_activity *activity);
/** Sub-sport in lower case ("virtual_activity", "road", ...), "" when unknown. Borrowed. */
const char *hm_activity_get_sub_sport(const hm_activity *activity);
/** 1 for a virtual ride/run (Zwift-style): its positions are not places on Earth. */
int hm_activity_get_virtual(const hm_activity *activity);
/** Start time, s since epoch (UTC): the file's own start if it has one, else the first point time; NaN when unknown. */
double hm_activity_get_start_time(const hm_activity *activity);
/** Device or creator application, "" when unknown. Borrowed. */
const char *hm_activity_get_device(const hm_activity *activity);
/** The activity's name as the file gives it (GPX trk name), "" when it has none. Borrowed. */
const char *hm_activity_get_name(const hm_activity *activity);
/** Number of points in all segments. */
size_t hm_activity_get_point_count(const hm_activity *activity);
/** All points, segment after segment. Borrowed; NULL when there are none. */
const hm_point *hm_activity_get_points(const hm_activity *activity);
/** Number of segments (GPX trkseg, TCX Track, FIT timer start/stop). */
size_t hm_activity_get_segment_count(const hm_activity *activity);
/** Index in hm_activity_get_points() of the first point of segment i (i < segment count). */
size_t hm_activity_get_segment_start(const hm_activity *activity, size_t i);
/** Compute the summary of an activity. */
void hm_activity_get_summary(const hm_activity *activity, hm_activity_summary *out);

/** Path the file was read from (as given). Borrowed. */
const char *hm_file_get_path(const hm_file *file);
/** Format detected from the content (or the extension when the content says nothing). */
hm_format hm_file_get_format(const hm_file *file);
/** Number of activities read from the file (0 for an empty or skipped file). */
size_t hm_file_get_activity_count(const hm_file *file);
/** Activity i (i < count). Borrowed; lives as long as the file. */
const hm_activity *hm_file_get_activity(const hm_file *file, size_t i);
/** Why the file was skipped, or NULL when it was read. Borrowed. */
const hm_error *hm_file_get_error(const hm_file *file);
/** Number of warnings (problems after which reading went on, or stopped keeping what came before). */
size_t hm_file_get_warning_count(const hm_file *file);
/** Warning i (i < count). Borrowed. */
const hm_error *hm_file_get_warning(const hm_file *file, size_t i);
/** Free a file and its activities. NULL does nothing. */
void hm_file_free(hm_file *file);

#ifdef __cplusplus
}
#endif

#endif /* HEATMAP_ACTIVITY_H */
