/* SPDX-License-Identifier: MIT */
/*
 * 1 Hz motion along a route: speed that follows the gradient and drifts
 * slowly, heart rate that lags effort, cadence, elevation from the terrain
 * with barometric noise, stops at traffic lights, recording pauses (time
 * jumps, sometimes a position jump) and GPS noise as a correlated random
 * walk of about a metre. Each activity draws from its own random stream
 * (seed, index), so an activity does not change when others are added.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gen_sim.h"

const char *hm_gen_sport_name(hm_gen_sport sport)
{
    static const char *const names[] = {"run", "ride", "walk", "hike"};

    return names[sport];
}

/* ---- motion ------------------------------------------------------------- */

typedef struct sport_model {
    double dist_lo, dist_hi;   /* m, planned distance */
    double v_lo, v_hi;         /* m/s, easy speed on the flat */
    double hr_lo, hr_hi;       /* bpm, steady heart rate at easy speed on the flat */
    double grade_speed;        /* speed lost per unit of grade (fraction) */
    double fast_max;           /* fastest downhill, as a multiple of the easy speed */
    double grade_hr;           /* bpm per unit of grade */
    double accel;              /* fraction of the speed gap closed per second */
    double p_light;            /* chance of stopping at a traffic light */
    double kinds[4];           /* chance of wander, out-and-back, laps, one-way */
} sport_model;

static const sport_model models[] = {
    /* run */ {4000, 16000, 2.5, 4.0, 140, 160, 6.0, 1.2, 260, 0.30, 0.12,
               {0.50, 0.25, 0.20, 0.05}},
    /* ride */ {15000, 60000, 5.0, 9.5, 126, 146, 10.0, 1.7, 320, 0.15, 0.20,
                {0.60, 0.20, 0.10, 0.10}},
    /* walk */ {2000, 7000, 1.2, 1.6, 95, 112, 4.0, 1.15, 200, 0.40, 0.10,
                {0.50, 0.20, 0.10, 0.20}},
    /* hike */ {6000, 16000, 0.9, 1.4, 110, 128, 5.0, 1.15, 240, 0.40, 0.00,
                {0.55, 0.40, 0.00, 0.05}},
};

static double clamp(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static int push_sample(hm_gen_activity *a, const hm_gen_sample *s)
{
    if (a->count == a->capacity) {
        size_t ncap = a->capacity ? a->capacity * 2 : 4096;
        hm_gen_sample *p = realloc(a->samples, ncap * sizeof(*p));
        if (!p)
            return -1;
        a->samples = p;
        a->capacity = ncap;
    }
    a->samples[a->count++] = *s;
    return 0;
}

void hm_gen_activity_free(hm_gen_activity *a)
{
    free(a->samples);
    memset(a, 0, sizeof(*a));
}

#define MAX_EVENTS 64

typedef struct motion {
    double stop_s[MAX_EVENTS];   /* m, where a recorded stop begins */
    int stop_len[MAX_EVENTS];    /* s, how long it lasts */
    int nstops;                  /* number of planned stops */
    double pause_s[2];           /* m, where recording pauses */
    int npauses;                 /* number of planned recording pauses */
} motion;

/* Traffic lights along the route, one long stop, and recording pauses. */
static void plan_events(motion *m, const hm_gen_route *r, const hm_gen_network *net,
                        const sport_model *sm, const hm_gen_plan *plan, hm_gen_rng *rng)
{
    double len = hm_gen_route_length(r), u;
    size_t i;

    memset(m, 0, sizeof(*m));
    if (plan->virtual_ride)
        return;
    for (i = 1; i + 1 < r->n && m->nstops < MAX_EVENTS - 1; i++)
        if (hm_gen_network_has_light(net, r->node[i]) && hm_gen_rng_uniform(rng) < sm->p_light) {
            m->stop_s[m->nstops] = r->s[i];
            m->stop_len[m->nstops++] = 5 + (int)hm_gen_rng_below(rng, 40);
        }
    if (hm_gen_rng_uniform(rng) < 0.3) {
        /* A chat or a photo: standing still, still recording. Keep stop_s sorted. */
        double s = len * hm_gen_rng_range(rng, 0.2, 0.8);
        int k = m->nstops;
        while (k > 0 && m->stop_s[k - 1] > s) {
            m->stop_s[k] = m->stop_s[k - 1];
            m->stop_len[k] = m->stop_len[k - 1];
            k--;
        }
        m->stop_s[k] = s;
        m->stop_len[k] = 60 + (int)hm_gen_rng_below(rng, 180);
        m->nstops++;
    }
    u = hm_gen_rng_uniform(rng);
    m->npauses = u < 0.15 ? 2 : u < 0.45 ? 1 : 0;
    if (m->npauses == 1) {
        m->pause_s[0] = len * hm_gen_rng_range(rng, 0.25, 0.75);
    } else if (m->npauses == 2) {
        m->pause_s[0] = len * hm_gen_rng_range(rng, 0.15, 0.4);
        m->pause_s[1] = len * hm_gen_rng_range(rng, 0.55, 0.85);
    }
}

/* Turn GPS off for 8-40 s somewhere well inside one segment (a tunnel, a bridge). */
static void add_dropout(hm_gen_activity *a, hm_gen_rng *rng)
{
    int attempt;

    for (attempt = 0; attempt < 8 && a->count > 600; attempt++) {
        size_t len = 8 + (size_t)hm_gen_rng_below(rng, 33);
        size_t first = a->count / 5 + (size_t)hm_gen_rng_below(rng, a->count * 3 / 5);
        size_t i;
        if (a->samples[first - 60].segment != a->samples[first + len + 60].segment)
            continue;
        for (i = first; i < first + len; i++)
            a->samples[i].has_pos = 0;
        return;
    }
}

static int simulate_route(hm_gen_activity *out, const hm_gen_route *r, const hm_gen_network *net,
                          const hm_gen_plan *plan, const sport_model *sm, hm_gen_rng *rng)
{
    motion m;
    hm_gen_sample smp;
    double len = hm_gen_route_length(r), s = 0.0, v = 0.0, dist = 0.0, ou = 0.0;
    double v_base = hm_gen_rng_range(rng, sm->v_lo, sm->v_hi);
    double hr_easy = hm_gen_rng_range(rng, sm->hr_lo, sm->hr_hi);
    double hr = hm_gen_rng_range(rng, 82, 98), nx = 0.0, ny = 0.0, baro = 0.0;
    double noise = plan->virtual_ride ? 0.0 : 1.0;
    double cad_base = plan->sport == HM_GEN_RUN ? hm_gen_rng_range(rng, 78, 88)
                      : plan->sport == HM_GEN_RIDE ? hm_gen_rng_range(rng, 75, 92)
                                                   : hm_gen_rng_range(rng, 50, 58);
    int64_t t = plan->start_time, elapsed = 0;
    size_t cursor = 0, look = 0;
    int standing = 0, next_stop = 0, next_pause = 0, segment = 0;

    if (plan->virtual_ride)
        v_base = hm_gen_rng_range(rng, 8.0, 10.5);
    plan_events(&m, r, net, sm, plan, rng);
    for (;;) {
        double x, y, x2, y2, grade, target, g;
        hm_gen_route_at(r, s, &cursor, &x, &y);
        look = cursor;
        hm_gen_route_at(r, s + 8.0 < len ? s + 8.0 : len, &look, &x2, &y2);
        grade = s + 8.0 < len ? (hm_gen_network_elevation(net, x2, y2) -
                                 hm_gen_network_elevation(net, x, y)) / 8.0
                              : 0.0;
        g = clamp(grade, -0.25, 0.25);

        smp.time = t;
        hm_gen_network_to_degrees(net, x + nx, y + ny, &smp.lat, &smp.lon);
        smp.ele = hm_gen_network_elevation(net, x, y) + baro;
        smp.dist = dist;
        smp.speed = v > 0.05 ? clamp(v + 0.04 * noise * hm_gen_rng_normal(rng), 0.0, 40.0) : 0.0;
        smp.hr = (int)floor(clamp(hr, 55, 198) + 0.5);
        if (v < 0.5 || (plan->sport == HM_GEN_RIDE && grade < -0.035))
            smp.cadence = 0; /* standing, or coasting downhill */
        else if (plan->sport == HM_GEN_RUN)
            smp.cadence = (int)floor(clamp(cad_base + 5.0 * (v - v_base) +
                                           1.2 * hm_gen_rng_normal(rng), 60, 105) + 0.5);
        else
            smp.cadence = (int)floor(clamp(cad_base + 12.0 * (v / v_base - 1.0) +
                                           2.5 * hm_gen_rng_normal(rng), 40, 120) + 0.5);
        smp.has_pos = 1;
        smp.segment = segment;
        if (push_sample(out, &smp))
            return -1;
        if (s >= len)
            break;

        if (standing > 0) {
            standing--;
            v = 0.0;
        } else if (next_pause < m.npauses && s >= m.pause_s[next_pause]) {
            /* Recording stops: time jumps, and half the time the athlete moves on unrecorded. */
            int64_t gap = 60 + (int64_t)hm_gen_rng_below(rng, 1140);
            if (hm_gen_rng_uniform(rng) < 0.5) {
                double moved = s + hm_gen_rng_range(rng, 50, 500);
                s = moved < len * 0.95 ? moved : s;
            }
            next_pause++;
            while (next_stop < m.nstops && m.stop_s[next_stop] <= s)
                next_stop++;
            t += gap;
            elapsed += gap;
            hr = clamp(hr - (double)gap / 8.0, 85, hr);
            v = 0.0;
            segment++;
            continue;
        } else if (next_stop < m.nstops && s >= m.stop_s[next_stop]) {
            standing = m.stop_len[next_stop++] - 1;
            v = 0.0;
        } else {
            ou += -0.02 * ou + 0.025 * hm_gen_rng_normal(rng);
            target = v_base * (1.0 + ou) * clamp(1.0 - sm->grade_speed * g, 0.3, sm->fast_max);
            v += (target - v) * sm->accel + 0.05 * noise * hm_gen_rng_normal(rng);
            v = clamp(v, 0.1, 25.0);
            s += v;
            dist += v;
        }
        t++;
        elapsed++;
        {
            double effort = v > 0.0 ? v / v_base : 0.0;
            double drift = 3.0 * (double)elapsed / 1800.0; /* cardiac drift, bpm */
            double target_hr = v > 0.0 ? hr_easy + 35.0 * (effort - 1.0) +
                                             sm->grade_hr * g * effort + drift
                                       : hr_easy - 45.0;
            hr += (target_hr - hr) * 0.04 + 0.5 * hm_gen_rng_normal(rng);
        }
        nx = 0.95 * nx + 0.4 * noise * hm_gen_rng_normal(rng);
        ny = 0.95 * ny + 0.4 * noise * hm_gen_rng_normal(rng);
        baro = 0.98 * baro + 0.05 * noise * hm_gen_rng_normal(rng);
    }
    out->segments = segment + 1;
    return 0;
}

int hm_gen_simulate(hm_gen_activity *out, const hm_gen_network *net, const hm_gen_plan *plan)
{
    const sport_model *sm = &models[plan->sport];
    hm_gen_route_kind kind;
    hm_gen_route r;
    hm_gen_rng rng;
    double target, u;
    int start, rc;

    memset(out, 0, sizeof(*out));
    hm_gen_rng_init(&rng, plan->seed, 0x414354ULL + plan->index);
    u = hm_gen_rng_uniform(&rng);
    target = sm->dist_lo + (sm->dist_hi - sm->dist_lo) * u * u; /* shorter ones are commoner */
    u = hm_gen_rng_uniform(&rng);
    for (kind = HM_GEN_ROUTE_WANDER; kind < HM_GEN_ROUTE_ONE_WAY && u >= sm->kinds[kind]; kind++)
        u -= sm->kinds[kind];
    start = hm_gen_network_home(net, (int)hm_gen_rng_below(&rng, 3));
    if (plan->virtual_ride) {
        target = hm_gen_rng_range(&rng, 20000, 45000);
        kind = hm_gen_rng_uniform(&rng) < 0.6 ? HM_GEN_ROUTE_LAPS : HM_GEN_ROUTE_WANDER;
    } else if (plan->sport == HM_GEN_HIKE ||
               (plan->sport == HM_GEN_RIDE && hm_gen_rng_uniform(&rng) < 0.2)) {
        /* From a trailhead or a friend's place rather than from home. */
        double a = hm_gen_rng_range(&rng, 0, 2 * HM_GEN_PI);
        start = hm_gen_network_node_toward(net, hm_gen_network_home(net, 0),
                                           hm_gen_rng_range(&rng, 2000, 3500), a);
    }
    if (hm_gen_route_build(&r, net, &rng, kind, start, target))
        return -1;
    rc = simulate_route(out, &r, net, plan, sm, &rng);
    hm_gen_route_free(&r);
    if (rc == 0 && plan->allow_dropouts && !plan->virtual_ride && hm_gen_rng_uniform(&rng) < 0.3)
        add_dropout(out, &rng);
    return rc;
}
