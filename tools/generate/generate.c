/* SPDX-License-Identifier: MIT */
/*
 * `heatmap-generate OUTDIR`: a development tool (built with the tests, never
 * installed) that writes a folder of realistic, deterministic sample
 * activities (GPX, TCX, FIT, optionally gzipped, optionally laid out as a
 * Strava export) plus MANIFEST.csv, the generator's own account of every
 * file that tests compare readers against. The same options give
 * byte-identical files on every machine: dates come from the seed, never
 * from the clock, and every activity draws from its own random stream, so
 * changing --formats, --gzip or --strava changes the files' encoding and
 * layout but not the tracks. This file owns the options and the plan (who
 * does what, when, where); gen_sim.c moves, gen_write.c writes,
 * gen_strava.c writes a Strava export's table.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <zlib.h>

#include "core/hash_int.h"
#include "core/text_int.h"
#include "core/time_int.h"
#include "gen_sim.h"
#include "gen_strava.h"
#include "gen_write.h"

/* Messages start with the program's name; exit status 0 ok, 1 error, 2 usage error. */
#define PROG "heatmap-generate"
enum { EXIT_OK = 0, EXIT_ERROR = 1, EXIT_USAGE = 2 };

#define MAX_ACTIVITIES 100000
#define SPAN_DAYS 730 /* two years of activities */

typedef struct region {
    const char *name; /* MANIFEST.csv region column */
    double lat, lon;  /* degrees, town centre */
    double ele;       /* m above sea level at the centre */
} region;

/* Far-apart towns on every continent for --regions; the first is --center. */
static const region regions[] = {
    {"center", 46.0500, 14.5000, 300},       {"boulder", 40.0150, -105.2705, 1630},
    {"cape-town", -33.9249, 18.4241, 40},    {"tokyo", 35.6812, 139.7671, 20},
    {"sydney", -33.8688, 151.2093, 30},      {"rio", -22.9068, -43.1729, 15},
    {"reykjavik", 64.1466, -21.9426, 30},    {"vancouver", 49.2827, -123.1207, 40},
    {"singapore", 1.3521, 103.8198, 20},     {"wellington", -41.2865, 174.7762, 20},
};
#define NREGIONS ((int)(sizeof(regions) / sizeof(regions[0])))
/* Zwift's Watopia sits in the Pacific: where virtual rides put their points. */
static const region virtual_region = {"virtual", -11.6400, 166.9500, 10};

typedef struct options {
    const char *outdir;      /* folder to write into (created if missing) */
    uint64_t seed;           /* --seed */
    size_t activities;       /* --activities */
    hm_gen_format formats[3]; /* --formats, assigned round-robin */
    int nformats;            /* entries in formats */
    int gzip;                /* --gzip: write NAME.EXT.gz */
    double lat, lon;         /* --center, degrees */
    int regions;             /* --regions */
    int strava;              /* --strava: activities.csv and activities/<id>.<fmt>.gz */
} options;

typedef struct plan_entry {
    hm_gen_plan plan;      /* what to simulate */
    hm_gen_format format;  /* how to write it */
    int region;            /* index into regions[], or -1 for the virtual course */
    int local_hour;        /* hour of day at the place, for the title */
    unsigned variant;      /* writer variant bits (hm_gen_meta.variant) */
} plan_entry;

static void usage(FILE *out)
{
    fputs("usage: " PROG " OUTDIR [options]\n"
          "\n"
          "Write deterministic sample activities (GPX 1.1, TCX, FIT) and OUTDIR/MANIFEST.csv.\n"
          "\n"
          "options:\n"
          "  --seed N          random seed (default 1); same options, same bytes\n"
          "  --activities N    number of activity files (default 60)\n"
          "  --formats LIST    comma-separated gpx,tcx,fit (default all), round-robin\n"
          "  --gzip            write every file gzip-compressed (NAME.gpx.gz, ...)\n"
          "  --center LAT,LON  town the activities start from (default 46.0500,14.5000)\n"
          "  --regions N       spread activities over N far-apart towns, 1-10 (default 1)\n"
          "  --strava          lay OUTDIR out as a Strava bulk export: activities.csv (with\n"
          "                    manual activities, commutes, gear) and activities/<id>.<format>.gz\n"
          "                    (implies --gzip; the same tracks as without it)\n"
          "  --help            show this help\n"
          "\n"
          "MANIFEST.csv columns: file, format, sport (run|ride|walk|hike), virtual (0|1),\n"
          "start_time (UTC), points_with_pos, segments, distance_m (great-circle sum within\n"
          "segments of the written positions), points, elapsed_s, device_distance_m, region.\n",
          out);
}

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, PROG ": %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    fputs("usage: " PROG " OUTDIR [options]  (see --help)\n", stderr);
    return EXIT_USAGE;
}

static int parse_formats(const char *s, options *o)
{
    hm_text_list it;
    const char *item;
    size_t n;

    o->nformats = 0;
    hm_text__list_init(&it, s, strlen(s), ',');
    while (hm_text__list_next(&it, &item, &n)) {
        hm_gen_format f;
        if (n == 3 && memcmp(item, "gpx", 3) == 0)
            f = HM_GEN_GPX;
        else if (n == 3 && memcmp(item, "tcx", 3) == 0)
            f = HM_GEN_TCX;
        else if (n == 3 && memcmp(item, "fit", 3) == 0)
            f = HM_GEN_FIT;
        else
            return -1;
        if (o->nformats == 3)
            return -1;
        o->formats[o->nformats++] = f;
    }
    return 0;
}

/* "LAT,LON" in degrees, read as the engine reads numbers (whatever the locale). */
static int parse_center(const char *s, double *lat, double *lon)
{
    const char *comma = s ? strchr(s, ',') : NULL;

    if (!comma || hm_text__parse_double(lat, s, (size_t)(comma - s)) != HM_OK ||
        hm_text__parse_double(lon, comma + 1, strlen(comma + 1)) != HM_OK)
        return -1;
    return *lat >= -80.0 && *lat <= 80.0 && *lon >= -180.0 && *lon <= 180.0 ? 0 : -1;
}

/* Returns -1 on success, else the exit code. */
static int parse_args(int argc, char **argv, options *o)
{
    int i;

    memset(o, 0, sizeof(*o));
    o->seed = 1;
    o->activities = 60;
    o->formats[0] = HM_GEN_GPX;
    o->formats[1] = HM_GEN_TCX;
    o->formats[2] = HM_GEN_FIT;
    o->nformats = 3;
    o->lat = regions[0].lat;
    o->lon = regions[0].lon;
    o->regions = 1;
    for (i = 1; i < argc; i++) {
        const char *arg = argv[i], *val = NULL, *eq;
        char name[32];
        uint64_t u;

        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            usage(stdout);
            return EXIT_OK;
        }
        if (strncmp(arg, "--", 2) != 0 || strcmp(arg, "--") == 0) {
            if (strcmp(arg, "--") == 0 && i + 1 < argc)
                arg = argv[++i];
            if (o->outdir)
                return usage_error("more than one OUTDIR", arg);
            o->outdir = arg;
            continue;
        }
        eq = strchr(arg, '=');
        if (eq) {
            if ((size_t)(eq - arg) >= sizeof(name))
                return usage_error("unknown option", arg);
            memcpy(name, arg, (size_t)(eq - arg));
            name[eq - arg] = '\0';
            val = eq + 1;
        } else {
            if (strlen(arg) >= sizeof(name))
                return usage_error("unknown option", arg);
            strcpy(name, arg);
        }
        if (strcmp(name, "--gzip") == 0 || strcmp(name, "--strava") == 0) {
            char msg[48];
            snprintf(msg, sizeof(msg), "%s takes no value", name);
            if (val)
                return usage_error(msg, arg);
            o->strava |= strcmp(name, "--strava") == 0;
            o->gzip = 1; /* a Strava export's files are gzipped too */
            continue;
        }
        if (strcmp(name, "--seed") != 0 && strcmp(name, "--activities") != 0 &&
            strcmp(name, "--formats") != 0 && strcmp(name, "--center") != 0 &&
            strcmp(name, "--regions") != 0)
            return usage_error("unknown option", arg);
        if (!val) {
            if (i + 1 >= argc)
                return usage_error("missing value for", name);
            val = argv[++i];
        }
        if (strcmp(name, "--seed") == 0) {
            if (hm_text__parse_uint64(&o->seed, val, strlen(val), UINT64_MAX))
                return usage_error("--seed wants a non-negative integer", val);
        } else if (strcmp(name, "--activities") == 0) {
            if (hm_text__parse_uint64(&u, val, strlen(val), MAX_ACTIVITIES))
                return usage_error("--activities wants an integer from 0 to 100000", val);
            o->activities = (size_t)u;
        } else if (strcmp(name, "--formats") == 0) {
            if (parse_formats(val, o))
                return usage_error("--formats wants a list of gpx, tcx, fit", val);
        } else if (strcmp(name, "--center") == 0) {
            if (parse_center(val, &o->lat, &o->lon))
                return usage_error("--center wants LAT,LON (|LAT| <= 80)", val);
        } else {
            if (hm_text__parse_uint64(&u, val, strlen(val), NREGIONS) || u == 0)
                return usage_error("--regions wants an integer from 1 to 10", val);
            o->regions = (int)u;
        }
    }
    if (!o->outdir)
        return usage_error("missing OUTDIR", NULL);
    return -1;
}

/* ---- the plan ----------------------------------------------------------- */

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y;
}

/* Hours east of UTC of a region (-1: the virtual course): its longitude's time zone. */
static int64_t region_tz(const options *o, int r)
{
    double lon = r < 0 ? virtual_region.lon : r == 0 ? o->lon : regions[r].lon;

    return (int64_t)floor(lon / 15.0 + 0.5);
}

/*
 * Give each activity a distinct time slot over two years (two slots a day,
 * more when there are many activities), a sport, a place and a format.
 */
static int make_plan(plan_entry *plans, const options *o)
{
    size_t n = o->activities, spd = n / 365 + 1 < 2 ? 2 : n / 365 + 1, nslots, i;
    int64_t day0 = hm_time__days_from_civil(2023, 1, 2) * 86400;
    size_t nvirtual = 0;
    uint32_t *slots;
    hm_gen_rng rng;

    nslots = SPAN_DAYS * spd;
    slots = malloc(nslots * sizeof(uint32_t));
    if (!slots)
        return -1;
    hm_gen_rng_init(&rng, o->seed, 0x534C4F54ULL);
    for (i = 0; i < nslots; i++)
        slots[i] = (uint32_t)i;
    for (i = 0; i < n; i++) { /* partial Fisher-Yates: n distinct slots */
        size_t j = i + (size_t)hm_gen_rng_below(&rng, nslots - i);
        uint32_t t = slots[i];
        slots[i] = slots[j];
        slots[j] = t;
    }
    qsort(slots, n, sizeof(uint32_t), cmp_u32);

    for (i = 0; i < n; i++) {
        plan_entry *p = &plans[i];
        hm_gen_rng r;
        double u;
        int64_t window = 840 / (int64_t)spd, minute, tz;

        hm_gen_rng_init(&r, o->seed, 0x504C414EULL + i);
        memset(p, 0, sizeof(*p));
        p->format = o->formats[i % (size_t)o->nformats];
        p->region = (int)(i % (size_t)o->regions);
        u = hm_gen_rng_uniform(&r);
        p->plan.sport = u < 0.45 ? HM_GEN_RUN : u < 0.80 ? HM_GEN_RIDE : u < 0.90 ? HM_GEN_WALK
                                                                                 : HM_GEN_HIKE;
        /* Local time in the slot's window between 06:00 and 20:00. */
        minute = 360 + (int64_t)(slots[i] % spd) * window +
                 (int64_t)hm_gen_rng_below(&r, (uint64_t)(window > 1 ? window - 1 : 1));
        p->local_hour = (int)(minute / 60);
        tz = region_tz(o, p->region);
        p->plan.start_time = day0 + (int64_t)(slots[i] / spd) * 86400 + minute * 60 +
                             (int64_t)hm_gen_rng_below(&r, 60) - tz * 3600;
        p->plan.allow_dropouts = p->format != HM_GEN_GPX;
        p->plan.seed = o->seed;
        p->plan.index = i;
        p->variant = (unsigned)hm_gen_rng_below(&r, 4);
    }
    free(slots);

    /* One or two virtual rides, when there are enough FIT files to spare them. */
    if (n >= 20)
        nvirtual = n >= 60 ? 2 : 1;
    for (i = 0; i < n && nvirtual > 0; i++) {
        size_t j = (size_t)hm_gen_rng_below(&rng, n);
        plan_entry *p = &plans[j];
        if (p->format != HM_GEN_FIT || p->plan.virtual_ride)
            continue;
        p->plan.virtual_ride = 1;
        p->plan.sport = HM_GEN_RIDE;
        p->plan.start_time -= (region_tz(o, -1) - region_tz(o, p->region)) * 3600;
        p->region = -1;
        nvirtual--;
    }
    return 0;
}

/* ---- output ------------------------------------------------------------- */

/* mkdir -p. */
static int make_dirs(const char *path)
{
    char *tmp = strdup(path), *p;
    int rc = 0;

    if (!tmp)
        return -1;
    for (p = tmp + 1; ; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
                rc = -1;
            *p = c;
            if (!c || rc)
                break;
        }
    }
    free(tmp);
    if (rc == 0) {
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
            errno = ENOTDIR;
            rc = -1;
        }
    }
    return rc;
}

static int write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    int rc;

    if (!f) {
        fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
        return -1;
    }
    rc = fwrite(data, 1, len, f) == len ? 0 : -1;
    if (fclose(f) != 0)
        rc = -1;
    if (rc)
        fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno ? errno : EIO));
    return rc;
}

/*
 * gzip by hand around raw deflate, so the header is fixed (no name, mtime 0,
 * OS "Unix") instead of depending on the platform zlib was built for.
 */
static int gzip_buffer(hm_strbuf *out, const hm_strbuf *in)
{
    static const unsigned char header[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    z_stream z;
    uLong bound, crc;
    unsigned char trailer[8];
    char *room;
    int i;

    memset(&z, 0, sizeof(z));
    if (deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    bound = deflateBound(&z, (uLong)in->n);
    hm_strbuf_clear(out);
    hm_strbuf_put(out, header, sizeof(header));
    if (!(room = hm_strbuf_reserve(out, bound))) {
        deflateEnd(&z);
        return -1;
    }
    z.next_in = (Bytef *)in->s;
    z.avail_in = (uInt)in->n;
    z.next_out = (Bytef *)room;
    z.avail_out = (uInt)bound;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
        deflateEnd(&z);
        return -1;
    }
    hm_strbuf_added(out, z.total_out);
    deflateEnd(&z);
    crc = crc32(crc32(0L, Z_NULL, 0), (const Bytef *)in->s, (uInt)in->n);
    for (i = 0; i < 4; i++) {
        trailer[i] = (unsigned char)(crc >> (8 * i));
        trailer[4 + i] = (unsigned char)((uint32_t)in->n >> (8 * i));
    }
    hm_strbuf_put(out, trailer, 8);
    return hm_strbuf_failed(out) ? -1 : 0;
}

/* A tiny set of file names, so two activities in the same minute get "-2". */
typedef struct name_set {
    char **names;   /* open addressing, NULL = empty */
    size_t cap;     /* power of two, > 2 * count */
} name_set;

/* 1 if added, 0 if already there, -1 when out of memory. */
static int name_set_add(name_set *set, const char *name)
{
    size_t i = (size_t)hm_hash64(name, strlen(name), 0) & (set->cap - 1);

    while (set->names[i]) {
        if (strcmp(set->names[i], name) == 0)
            return 0;
        i = (i + 1) & (set->cap - 1);
    }
    set->names[i] = strdup(name);
    return set->names[i] ? 1 : -1;
}

static void title(char *buf, size_t size, const plan_entry *p)
{
    static const char *const sports[] = {"Run", "Ride", "Walk", "Hike"};
    int h = p->local_hour;
    const char *when = h < 11 ? "Morning" : h < 14 ? "Lunch" : h < 18 ? "Afternoon" : "Evening";

    if (p->plan.virtual_ride)
        snprintf(buf, size, "Watopia Virtual Ride");
    else
        snprintf(buf, size, "%s %s", when, sports[p->plan.sport]);
}

/*
 * The file's name: YYYY-MM-DD-hhmm-<sport>.<format>[.gz] at its UTC start,
 * "-2", "-3", ... before the extension when another activity took it.
 * Returns 0, or -1 when out of memory.
 */
static int unique_name(name_set *names, char *base, size_t size, const plan_entry *p, int gzip)
{
    hm_time_civil c;
    char again[16];
    int k, added;

    hm_time__civil_from_seconds(&c, p->plan.start_time);
    for (k = 1;; k++) {
        snprintf(again, sizeof(again), k == 1 ? "" : "-%d", k);
        snprintf(base, size, "%04d-%02u-%02u-%02u%02u-%s%s.%s%s", (int)c.year, c.month, c.day,
                 c.hour, c.minute, hm_gen_sport_name(p->plan.sport), again,
                 hm_gen_format_name(p->format), gzip ? ".gz" : "");
        added = name_set_add(names, base);
        if (added)
            return added < 0 ? -1 : 0;
    }
}

/* The activity's row in a Strava export's table; base gets its file's name. */
static void strava_row(hm_gen_strava *strava, char *base, size_t size, const options *o,
                       const plan_entry *p, const char *name, const hm_gen_activity *act)
{
    hm_gen_strava_activity a;

    a.sport = p->plan.sport;
    a.virtual_ride = p->plan.virtual_ride;
    a.start_time = p->plan.start_time;
    a.utc_offset = region_tz(o, p->region) * 3600;
    a.title = name;
    a.format = hm_gen_format_name(p->format);
    hm_gen_strava_add(strava, base, size, &a, act);
}

/* One line of MANIFEST.csv (integers through printf: no locale groups or changes them). */
static void manifest_row(hm_strbuf *m, const char *file, const plan_entry *p,
                         const hm_gen_stats *st)
{
    hm_strbuf_printf(m, "%s,%s,%s,%d,", file, hm_gen_format_name(p->format),
                     hm_gen_sport_name(p->plan.sport), p->plan.virtual_ride ? 1 : 0);
    hm_gen_put_time(m, p->plan.start_time, 0);
    hm_strbuf_printf(m, ",%zu,%d,", st->points_with_pos, st->segments);
    hm_gen_put_fixed(m, st->distance_m, 2);
    hm_strbuf_printf(m, ",%zu,%lld,", st->points, (long long)st->elapsed);
    hm_gen_put_fixed(m, st->device_distance, 2);
    hm_strbuf_printf(m, ",%s\n", p->region < 0 ? virtual_region.name : regions[p->region].name);
}

static int generate(const options *o)
{
    hm_gen_network *nets[NREGIONS + 1] = {NULL};
    plan_entry *plans = NULL;
    hm_ctx *ctx = NULL;
    hm_strbuf file, gz, manifest;
    hm_gen_strava strava;
    name_set names = {NULL, 0};
    size_t i, total_points = 0, pathlen = strlen(o->outdir) + 64;
    uint64_t total_bytes = 0;
    char *path = malloc(pathlen);
    int rc = EXIT_ERROR;

    if (hm_ctx_new(&ctx, NULL) != HM_OK) {
        fputs(PROG ": out of memory\n", stderr);
        free(path);
        return EXIT_ERROR;
    }
    {
        hm_strbuf empty = HM_STRBUF_INIT(ctx);
        file = gz = manifest = empty;
    }
    hm_gen_strava_init(&strava, ctx, o->seed, o->strava ? o->activities : 0);

    names.cap = 64;
    while (names.cap < 2 * o->activities + 2)
        names.cap *= 2;
    names.names = calloc(names.cap, sizeof(char *));
    plans = calloc(o->activities ? o->activities : 1, sizeof(*plans));
    if (!path || !names.names || !plans || make_plan(plans, o))
        goto oom;
    snprintf(path, pathlen, "%s%s", o->outdir, o->strava ? "/activities" : "");
    if (make_dirs(path) != 0) {
        fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
        goto done;
    }
    hm_strbuf_puts(&manifest, "file,format,sport,virtual,start_time,points_with_pos,segments,"
                               "distance_m,points,elapsed_s,device_distance_m,region\n");

    for (i = 0; i < o->activities; i++) {
        const plan_entry *p = &plans[i];
        int ri = p->region < 0 ? NREGIONS : p->region;
        hm_gen_activity act;
        hm_gen_meta meta;
        hm_gen_stats st;
        char base[64], name_buf[48];
        const hm_strbuf *out;

        if (!nets[ri]) {
            const region *rg = p->region < 0 ? &virtual_region : &regions[p->region];
            double lat = p->region == 0 ? o->lat : rg->lat, lon = p->region == 0 ? o->lon : rg->lon;
            if (hm_gen_network_new(&nets[ri], lat, lon, rg->ele, o->seed, (uint64_t)ri))
                goto oom;
        }
        if (hm_gen_simulate(&act, nets[ri], &p->plan)) {
            hm_gen_activity_free(&act);
            goto oom;
        }
        title(name_buf, sizeof(name_buf), p);
        meta.sport = p->plan.sport;
        meta.virtual_ride = p->plan.virtual_ride;
        meta.name = name_buf;
        meta.variant = p->variant;
        hm_strbuf_clear(&file);
        hm_gen_write(&file, p->format, &act, &meta);
        hm_gen_stats_compute(&st, p->format, &act);
        if (o->strava)
            strava_row(&strava, base, sizeof(base), o, p, name_buf, &act);
        hm_gen_activity_free(&act);
        if (hm_strbuf_failed(&file))
            goto oom;
        out = &file;
        if (o->gzip) {
            if (gzip_buffer(&gz, &file))
                goto oom;
            out = &gz;
        }
        if (!o->strava && unique_name(&names, base, sizeof(base), p, o->gzip))
            goto oom;
        snprintf(path, pathlen, "%s/%s", o->outdir, base);
        if (write_file(path, out->s, out->n))
            goto done;
        manifest_row(&manifest, base, p, &st);
        total_points += st.points;
        total_bytes += out->n;
    }
    if (o->strava) {
        hm_gen_strava_finish(&strava);
        if (hm_strbuf_failed(&strava.csv))
            goto oom;
        snprintf(path, pathlen, "%s/activities.csv", o->outdir);
        if (write_file(path, strava.csv.s, strava.csv.n))
            goto done;
    }
    if (hm_strbuf_failed(&manifest))
        goto oom;
    snprintf(path, pathlen, "%s/MANIFEST.csv", o->outdir);
    if (write_file(path, manifest.s, manifest.n))
        goto done;
    printf("wrote %lu activities, %lu points, %llu bytes to %s\n", (unsigned long)o->activities,
           (unsigned long)total_points, (unsigned long long)total_bytes, o->outdir);
    rc = EXIT_OK;
    goto done;
oom:
    fputs(PROG ": out of memory\n", stderr);
done:
    for (i = 0; i <= (size_t)NREGIONS; i++)
        hm_gen_network_free(nets[i]);
    for (i = 0; names.names && i < names.cap; i++)
        free(names.names[i]);
    free(names.names);
    free(plans);
    free(path);
    hm_strbuf_free(&file);
    hm_strbuf_free(&gz);
    hm_strbuf_free(&manifest);
    hm_gen_strava_free(&strava);
    hm_ctx_free(ctx);
    return rc;
}

int main(int argc, char **argv)
{
    options o;
    int rc = parse_args(argc, argv, &o);

    if (rc >= 0)
        return rc;
    return generate(&o);
}
