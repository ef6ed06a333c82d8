/* SPDX-License-Identifier: MIT */
/*
 * The street network of `heatmap-generate` and the routes on it: a town
 * about 8 km across around a centre, its terrain, and polylines along its
 * streets. Positions are metres east (x) and north (y) of the centre; only
 * hm_gen_network_to_degrees() turns them into latitude and longitude.
 */
#ifndef HM_TOOLS_GEN_NET_H
#define HM_TOOLS_GEN_NET_H

#include <stddef.h>
#include <stdint.h>

#include "gen_rand.h"

typedef struct hm_gen_network hm_gen_network;

/*
 * Build a town around (lat, lon): a jittered street grid with diagonal
 * avenues, bent streets, a few missing blocks, traffic lights and terrain.
 * @param out receives the network; free it with hm_gen_network_free().
 * @param base_ele m above sea level at the centre.
 * @param seed, stream select the random stream: same values, same town.
 * @return 0, or -1 when out of memory.
 */
int hm_gen_network_new(hm_gen_network **out, double lat, double lon, double base_ele,
                       uint64_t seed, uint64_t stream);
/* Free a network. NULL does nothing. */
void hm_gen_network_free(hm_gen_network *net);

/* Junction k (0-2) near the centre where an athlete lives. */
int hm_gen_network_home(const hm_gen_network *net, int k);
/* A junction about d m from junction `from` towards angle (rad from east), inside the town. */
int hm_gen_network_node_toward(const hm_gen_network *net, int from, double d, double angle);
/* 1 if the junction (-1 for none) has traffic lights. */
int hm_gen_network_has_light(const hm_gen_network *net, int node);
/* m above sea level at (x, y). */
double hm_gen_network_elevation(const hm_gen_network *net, double x, double y);
/* Degrees of (x, y): local equirectangular around the centre, longitude wrapped to (-180, 180]. */
void hm_gen_network_to_degrees(const hm_gen_network *net, double x, double y, double *lat,
                               double *lon);

typedef enum hm_gen_route_kind {
    HM_GEN_ROUTE_WANDER = 0,   /* through random waypoints and back home */
    HM_GEN_ROUTE_OUT_BACK = 1, /* out, then the same streets back */
    HM_GEN_ROUTE_LAPS = 2,     /* one small loop, repeated */
    HM_GEN_ROUTE_ONE_WAY = 3   /* ends elsewhere (a commute) */
} hm_gen_route_kind;

/* A polyline along the streets. */
typedef struct hm_gen_route {
    double *x, *y; /* m east and north of the centre, per vertex */
    double *s;     /* m, cumulative length at each vertex */
    int *node;     /* junction at the vertex, -1 for the bend of a street */
    size_t n, cap; /* vertices used, allocated */
} hm_gen_route;

/*
 * A route of about `target` m from junction `start`, drawing from rng.
 * @param out filled in; free with hm_gen_route_free().
 * @return 0, or -1 when out of memory (out is then empty).
 */
int hm_gen_route_build(hm_gen_route *out, const hm_gen_network *net, hm_gen_rng *rng,
                       hm_gen_route_kind kind, int start, double target);
void hm_gen_route_free(hm_gen_route *r);
/* m, total length. */
double hm_gen_route_length(const hm_gen_route *r);
/* Position at arc length s (m); *cursor is a vertex index at or before s, advanced in place. */
void hm_gen_route_at(const hm_gen_route *r, double s, size_t *cursor, double *x, double *y);

#endif /* HM_TOOLS_GEN_NET_H */
