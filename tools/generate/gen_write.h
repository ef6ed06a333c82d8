/* SPDX-License-Identifier: MIT */
/*
 * The writers of `heatmap-generate`: GPX 1.1 (Garmin TrackPointExtension
 * v1), TCX (TrainingCenterDatabase v2 with ActivityExtension speed) and FIT
 * (binary, little-endian, header and file CRC), each into a memory buffer.
 * Numbers are formatted from integers, never with printf("%f"), so that the
 * locale cannot change a byte. The statistics function reports what a
 * correct reader must find in the written file, after the format's rounding.
 */
#ifndef HM_TOOLS_GEN_WRITE_H
#define HM_TOOLS_GEN_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "core/strbuf_int.h"
#include "gen_sim.h"

typedef enum hm_gen_format {
    HM_GEN_GPX = 0,
    HM_GEN_TCX = 1,
    HM_GEN_FIT = 2
} hm_gen_format;

/* "gpx", "tcx", "fit": also the file extension. */
const char *hm_gen_format_name(hm_gen_format format);

/* Number and time formatting for the writers, appended to an hm_strbuf (the engine's one
   buffer: sticky failure, check hm_strbuf_failed() at the end). */
void hm_gen_put_int(hm_strbuf *b, int64_t v);
/* v rounded half away from zero to `decimals` (0-9) decimal places, "-" only when non-zero. */
void hm_gen_put_fixed(hm_strbuf *b, double v, int decimals);
/* YYYY-MM-DDThh:mm:ssZ (the engine's ISO 8601 formatter), or with ".000" before the Z when
   `millis`. */
void hm_gen_put_time(hm_strbuf *b, int64_t t, int millis);

/* What the file says about the activity, beyond its samples. */
typedef struct hm_gen_meta {
    hm_gen_sport sport; /* kind of activity */
    int virtual_ride;   /* 1: FIT session sub_sport virtual_activity (58) */
    const char *name;   /* title, e.g. "Morning Run" (GPX trk name) */
    unsigned variant;   /* bit 0: FIT enhanced_altitude/enhanced_speed instead of
                           altitude/speed; bit 1: TCX one Lap per segment instead
                           of one Lap holding one Track per segment */
} hm_gen_meta;

/* Write an activity in a format, appending to `out` (check hm_strbuf_failed(out)). */
void hm_gen_write(hm_strbuf *out, hm_gen_format format, const hm_gen_activity *a,
                  const hm_gen_meta *meta);

/* The truth a reader must reproduce from a written file. */
typedef struct hm_gen_stats {
    size_t points;           /* points in the file (GPX drops those without position) */
    size_t points_with_pos;  /* points with latitude and longitude */
    int segments;            /* GPX trkseg, TCX Track, FIT timer start..stop */
    double distance_m;       /* m, great-circle sum within segments over the written positions */
    double device_distance;  /* m, the last recorded cumulative distance */
    int64_t elapsed;         /* s, last time minus first time */
} hm_gen_stats;

void hm_gen_stats_compute(hm_gen_stats *out, hm_gen_format format, const hm_gen_activity *a);

#endif /* HM_TOOLS_GEN_WRITE_H */
