/* SPDX-License-Identifier: MIT */
/*
 * The street network and the routes on it. A town is a 41 x 41 grid of
 * junctions 200 m apart, jittered, warped and rotated, with a few missing
 * blocks, bent streets and three diagonal avenues that routes prefer; the
 * terrain is a few long waves and one hill. Routes are shortest paths
 * between random waypoints under per-activity random street costs, so
 * activities share the main streets without being identical, as real ones
 * do. Coordinates are metres east/north of the centre until the very end.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gen_net.h"
#include "track/geo_int.h" /* HM_EARTH_RADIUS_M: the engine's radius */

/* ---- street network ----------------------------------------------------- */

#define GRID_N 41          /* nodes per side */
#define GRID_STEP 200.0    /* m between streets */
#define GRID_LIMIT 3900.0  /* m from the centre that waypoints stay within */
#define TERRAIN_WAVES 4

typedef struct gen_node {
    double x, y;   /* m east and north of the centre */
    int light;     /* 1 for a junction with traffic lights */
    int reachable; /* 1 if connected to the centre */
} gen_node;

typedef struct gen_edge {
    int a, b;      /* node indices */
    double len;    /* m along the street */
    double pref;   /* weight factor: < 1 for avenues that routes prefer */
    int curved;    /* 1 if the street bends through (mx, my) */
    double mx, my; /* m, bend point of a curved street */
} gen_edge;

struct hm_gen_network {
    double lat0, lon0;   /* degrees, centre */
    double base_ele;     /* m above sea level at the centre */
    double deg_per_m;    /* degrees of latitude per m northwards */
    double deg_per_m_x;  /* degrees of longitude per m eastwards at the centre */
    gen_node *nodes;     /* GRID_N * GRID_N, row-major from the south-west */
    size_t nnodes;       /* number of nodes */
    gen_edge *edges;     /* streets */
    size_t nedges;       /* number of streets */
    int *adj_start;      /* nnodes + 1 offsets into adj */
    int *adj;            /* edge indices incident to each node */
    int homes[3];        /* nodes near the centre where athletes live */
    double wave_a[TERRAIN_WAVES];  /* m, amplitude */
    double wave_fx[TERRAIN_WAVES]; /* rad/m, eastward frequency */
    double wave_fy[TERRAIN_WAVES]; /* rad/m, northward frequency */
    double wave_ph[TERRAIN_WAVES]; /* rad, phase */
    double hill_x, hill_y;         /* m, centre of the one big hill */
    double hill_h, hill_s2;        /* m height, m^2 squared radius */
};

double hm_gen_network_elevation(const hm_gen_network *net, double x, double y)
{
    double z = net->base_ele, dx = x - net->hill_x, dy = y - net->hill_y;
    int k;

    for (k = 0; k < TERRAIN_WAVES; k++)
        z += net->wave_a[k] * hm_gen_sin(net->wave_fx[k] * x + net->wave_fy[k] * y +
                                         net->wave_ph[k]);
    return z + net->hill_h / (1.0 + (dx * dx + dy * dy) / net->hill_s2);
}

static int add_edge(hm_gen_network *net, size_t *cap, int a, int b, double pref)
{
    gen_edge *e;

    if (net->nedges == *cap) {
        size_t ncap = *cap ? *cap * 2 : 1024;
        gen_edge *p = realloc(net->edges, ncap * sizeof(*p));
        if (!p)
            return -1;
        net->edges = p;
        *cap = ncap;
    }
    e = &net->edges[net->nedges++];
    memset(e, 0, sizeof(*e));
    e->a = a;
    e->b = b;
    e->pref = pref;
    return 0;
}

static double edge_length(const hm_gen_network *net, const gen_edge *e)
{
    const gen_node *a = &net->nodes[e->a], *b = &net->nodes[e->b];
    double dx, dy, ex, ey;

    if (!e->curved) {
        dx = b->x - a->x;
        dy = b->y - a->y;
        return sqrt(dx * dx + dy * dy);
    }
    dx = e->mx - a->x;
    dy = e->my - a->y;
    ex = b->x - e->mx;
    ey = b->y - e->my;
    return sqrt(dx * dx + dy * dy) + sqrt(ex * ex + ey * ey);
}

static int build_adjacency(hm_gen_network *net)
{
    size_t i;
    int *fill;

    net->adj_start = calloc(net->nnodes + 1, sizeof(int));
    net->adj = malloc(2 * net->nedges * sizeof(int));
    fill = calloc(net->nnodes, sizeof(int));
    if (!net->adj_start || !net->adj || !fill) {
        free(fill);
        return -1;
    }
    for (i = 0; i < net->nedges; i++) {
        net->adj_start[net->edges[i].a + 1]++;
        net->adj_start[net->edges[i].b + 1]++;
    }
    for (i = 0; i < net->nnodes; i++)
        net->adj_start[i + 1] += net->adj_start[i];
    for (i = 0; i < net->nedges; i++) {
        int a = net->edges[i].a, b = net->edges[i].b;
        net->adj[net->adj_start[a] + fill[a]++] = (int)i;
        net->adj[net->adj_start[b] + fill[b]++] = (int)i;
    }
    free(fill);
    return 0;
}

static int mark_reachable(hm_gen_network *net, int start)
{
    int *queue = malloc(net->nnodes * sizeof(int));
    size_t head = 0, tail = 0;

    if (!queue)
        return -1;
    net->nodes[start].reachable = 1;
    queue[tail++] = start;
    while (head < tail) {
        int v = queue[head++], k;
        for (k = net->adj_start[v]; k < net->adj_start[v + 1]; k++) {
            const gen_edge *e = &net->edges[net->adj[k]];
            int w = e->a == v ? e->b : e->a;
            if (!net->nodes[w].reachable) {
                net->nodes[w].reachable = 1;
                queue[tail++] = w;
            }
        }
    }
    free(queue);
    return 0;
}

/* The reachable node nearest to (x, y), other than `not` (-1 for none). */
static int nearest_node(const hm_gen_network *net, double x, double y, int not)
{
    double best = 1e300;
    int found = -1;
    size_t i;

    for (i = 0; i < net->nnodes; i++) {
        double dx = net->nodes[i].x - x, dy = net->nodes[i].y - y;
        double d2 = dx * dx + dy * dy;
        if (net->nodes[i].reachable && (int)i != not && d2 < best) {
            best = d2;
            found = (int)i;
        }
    }
    return found;
}

int hm_gen_network_new(hm_gen_network **out, double lat, double lon, double base_ele,
                       uint64_t seed, uint64_t stream)
{
    hm_gen_network *net;
    hm_gen_rng rng;
    size_t cap = 0, i;
    double rot, warp1, warp2, cr, sr;
    int half = GRID_N / 2, ix, iy, k;

    *out = NULL;
    net = calloc(1, sizeof(*net));
    if (!net)
        return -1;
    hm_gen_rng_init(&rng, seed, 0x4E4554ULL + stream);
    net->lat0 = lat;
    net->lon0 = lon;
    net->base_ele = base_ele;
    net->deg_per_m = 180.0 / (HM_GEN_PI * HM_EARTH_RADIUS_M);
    net->deg_per_m_x = net->deg_per_m / hm_gen_cos(lat * (HM_GEN_PI / 180.0));
    net->nnodes = (size_t)GRID_N * GRID_N;
    net->nodes = calloc(net->nnodes, sizeof(gen_node));
    if (!net->nodes)
        goto oom;

    /* Nodes: a grid, jittered, warped by two long waves and rotated. */
    rot = hm_gen_rng_range(&rng, -0.45, 0.45);
    cr = hm_gen_cos(rot);
    sr = hm_gen_sin(rot);
    warp1 = hm_gen_rng_range(&rng, 0, 2 * HM_GEN_PI);
    warp2 = hm_gen_rng_range(&rng, 0, 2 * HM_GEN_PI);
    for (iy = 0; iy < GRID_N; iy++) {
        for (ix = 0; ix < GRID_N; ix++) {
            gen_node *n = &net->nodes[iy * GRID_N + ix];
            double x = (ix - half) * GRID_STEP + hm_gen_rng_range(&rng, -45, 45);
            double y = (iy - half) * GRID_STEP + hm_gen_rng_range(&rng, -45, 45);
            double wx = x + 70.0 * hm_gen_sin(y / 900.0 + warp1);
            double wy = y + 70.0 * hm_gen_sin(x / 1100.0 + warp2);
            n->x = (ix == half && iy == half) ? 0.0 : cr * wx - sr * wy;
            n->y = (ix == half && iy == half) ? 0.0 : sr * wx + cr * wy;
        }
    }

    /* Streets: grid neighbours (some blocks missing), main streets always present. */
    for (iy = 0; iy < GRID_N; iy++) {
        for (ix = 0; ix < GRID_N; ix++) {
            int v = iy * GRID_N + ix;
            int main_row = iy == half || iy % 10 == 0, main_col = ix == half || ix % 10 == 0;
            if (ix + 1 < GRID_N && (main_row || hm_gen_rng_uniform(&rng) < 0.92))
                if (add_edge(net, &cap, v, v + 1, main_row ? 0.85 : 1.0))
                    goto oom;
            if (iy + 1 < GRID_N && (main_col || hm_gen_rng_uniform(&rng) < 0.92))
                if (add_edge(net, &cap, v, v + GRID_N, main_col ? 0.85 : 1.0))
                    goto oom;
        }
    }
    /* Diagonal avenues: routes prefer them, so they become the hot lines. */
    for (k = 0; k < 3; k++) {
        int dy = hm_gen_rng_uniform(&rng) < 0.5 ? 1 : -1;
        ix = 0;
        iy = (int)hm_gen_rng_below(&rng, GRID_N);
        if (hm_gen_rng_uniform(&rng) < 0.5) {
            ix = (int)hm_gen_rng_below(&rng, GRID_N / 2);
            iy = dy > 0 ? 0 : GRID_N - 1;
        }
        while (ix + 1 < GRID_N && iy + dy >= 0 && iy + dy < GRID_N) {
            if (add_edge(net, &cap, iy * GRID_N + ix, (iy + dy) * GRID_N + ix + 1, 0.7))
                goto oom;
            ix++;
            iy += dy;
        }
    }
    /* Bends: a quarter of the ordinary streets curve through an offset midpoint. */
    for (i = 0; i < net->nedges; i++) {
        gen_edge *e = &net->edges[i];
        const gen_node *a = &net->nodes[e->a], *b = &net->nodes[e->b];
        if (e->pref == 1.0 && hm_gen_rng_uniform(&rng) < 0.25) {
            double dx = b->x - a->x, dy = b->y - a->y, len = sqrt(dx * dx + dy * dy);
            double off = hm_gen_rng_range(&rng, 8, 30) * (hm_gen_rng_uniform(&rng) < 0.5 ? -1 : 1);
            e->curved = 1;
            e->mx = (a->x + b->x) * 0.5 - dy / len * off;
            e->my = (a->y + b->y) * 0.5 + dx / len * off;
        }
        e->len = edge_length(net, e);
    }
    if (build_adjacency(net) || mark_reachable(net, half * GRID_N + half))
        goto oom;
    for (i = 0; i < net->nnodes; i++) {
        gen_node *n = &net->nodes[i];
        int degree = net->adj_start[i + 1] - net->adj_start[i];
        n->light = degree >= 4 && n->x * n->x + n->y * n->y < 2500.0 * 2500.0 &&
                   hm_gen_rng_uniform(&rng) < 0.3;
    }
    for (k = 0; k < 3; k++) {
        double a = hm_gen_rng_range(&rng, 0, 2 * HM_GEN_PI), r = hm_gen_rng_range(&rng, 150, 700);
        net->homes[k] = nearest_node(net, r * hm_gen_cos(a), r * hm_gen_sin(a), -1);
    }

    /* Terrain: a few long waves and one hill. */
    for (k = 0; k < TERRAIN_WAVES; k++) {
        double lambda = hm_gen_rng_range(&rng, 1500, 7000);
        double dir = hm_gen_rng_range(&rng, 0, HM_GEN_PI);
        net->wave_a[k] = hm_gen_rng_range(&rng, 3, 22);
        net->wave_fx[k] = 2 * HM_GEN_PI / lambda * hm_gen_cos(dir);
        net->wave_fy[k] = 2 * HM_GEN_PI / lambda * hm_gen_sin(dir);
        net->wave_ph[k] = hm_gen_rng_range(&rng, 0, 2 * HM_GEN_PI);
    }
    net->hill_x = hm_gen_rng_range(&rng, -3000, 3000);
    net->hill_y = hm_gen_rng_range(&rng, -3000, 3000);
    net->hill_h = hm_gen_rng_range(&rng, 30, 130);
    net->hill_s2 = hm_gen_rng_range(&rng, 600, 1500);
    net->hill_s2 *= net->hill_s2;
    *out = net;
    return 0;
oom:
    hm_gen_network_free(net);
    return -1;
}

void hm_gen_network_free(hm_gen_network *net)
{
    if (!net)
        return;
    free(net->nodes);
    free(net->edges);
    free(net->adj_start);
    free(net->adj);
    free(net);
}

int hm_gen_network_home(const hm_gen_network *net, int k)
{
    return net->homes[k];
}

int hm_gen_network_has_light(const hm_gen_network *net, int node)
{
    return node >= 0 && net->nodes[node].light;
}

void hm_gen_network_to_degrees(const hm_gen_network *net, double x, double y, double *lat,
                               double *lon)
{
    *lat = net->lat0 + y * net->deg_per_m;
    *lon = net->lon0 + x * net->deg_per_m_x;
    if (*lon > 180.0)
        *lon -= 360.0;
    else if (*lon <= -180.0)
        *lon += 360.0;
}

/* ---- routes ------------------------------------------------------------- */

typedef struct router {
    const hm_gen_network *net; /* the streets */
    double *weight;            /* per edge, this activity's cost of using it */
    double *dist;              /* per node, Dijkstra scratch */
    int *prev_edge;            /* per node, Dijkstra scratch */
    int *heap;                 /* node heap (lazy deletion) */
    double *heap_key;          /* keys of heap entries */
    size_t heap_cap;           /* allocated heap entries */
} router;

void hm_gen_route_free(hm_gen_route *r)
{
    free(r->x);
    free(r->y);
    free(r->s);
    free(r->node);
    memset(r, 0, sizeof(*r));
}

static int route_push(hm_gen_route *r, double x, double y, int node)
{
    if (r->n == r->cap) {
        size_t ncap = r->cap ? r->cap * 2 : 256;
        double *nx = realloc(r->x, ncap * sizeof(double));
        double *ny = nx ? realloc(r->y, ncap * sizeof(double)) : NULL;
        double *ns = ny ? realloc(r->s, ncap * sizeof(double)) : NULL;
        int *nn = ns ? realloc(r->node, ncap * sizeof(int)) : NULL;
        if (nx)
            r->x = nx;
        if (ny)
            r->y = ny;
        if (ns)
            r->s = ns;
        if (!nn)
            return -1;
        r->node = nn;
        r->cap = ncap;
    }
    r->x[r->n] = x;
    r->y[r->n] = y;
    r->node[r->n] = node;
    if (r->n == 0) {
        r->s[0] = 0.0;
    } else {
        double dx = x - r->x[r->n - 1], dy = y - r->y[r->n - 1];
        r->s[r->n] = r->s[r->n - 1] + sqrt(dx * dx + dy * dy);
    }
    r->n++;
    return 0;
}

double hm_gen_route_length(const hm_gen_route *r)
{
    return r->n ? r->s[r->n - 1] : 0.0;
}

static int heap_push(router *rt, size_t *len, int v, double key)
{
    size_t i;

    if (*len == rt->heap_cap) {
        size_t ncap = rt->heap_cap * 2;
        int *h = realloc(rt->heap, ncap * sizeof(int));
        double *k = h ? realloc(rt->heap_key, ncap * sizeof(double)) : NULL;
        if (h)
            rt->heap = h;
        if (!k)
            return -1;
        rt->heap_key = k;
        rt->heap_cap = ncap;
    }
    i = (*len)++;
    while (i > 0 && rt->heap_key[(i - 1) / 2] > key) {
        rt->heap[i] = rt->heap[(i - 1) / 2];
        rt->heap_key[i] = rt->heap_key[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    rt->heap[i] = v;
    rt->heap_key[i] = key;
    return 0;
}

static int heap_pop(router *rt, size_t *len, double *key)
{
    int top = rt->heap[0], v = rt->heap[*len - 1];
    double k = rt->heap_key[*len - 1];
    size_t i = 0;

    *key = rt->heap_key[0];
    (*len)--;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= *len)
            break;
        if (c + 1 < *len && rt->heap_key[c + 1] < rt->heap_key[c])
            c++;
        if (rt->heap_key[c] >= k)
            break;
        rt->heap[i] = rt->heap[c];
        rt->heap_key[i] = rt->heap_key[c];
        i = c;
    }
    rt->heap[i] = v;
    rt->heap_key[i] = k;
    return top;
}

/* Append the cheapest path from `from` to `to` (both reachable) to r, which ends at `from`. */
static int route_path(hm_gen_route *r, router *rt, int from, int to)
{
    const hm_gen_network *net = rt->net;
    size_t i, len = 0, npath = 0;
    int v, *path;

    if (from == to)
        return 0;
    for (i = 0; i < net->nnodes; i++) {
        rt->dist[i] = 1e300;
        rt->prev_edge[i] = -1;
    }
    rt->dist[from] = 0.0;
    if (heap_push(rt, &len, from, 0.0))
        return -1;
    while (len) {
        double d;
        int k;
        v = heap_pop(rt, &len, &d);
        if (d > rt->dist[v])
            continue;
        if (v == to)
            break;
        for (k = net->adj_start[v]; k < net->adj_start[v + 1]; k++) {
            int e = net->adj[k];
            int w = net->edges[e].a == v ? net->edges[e].b : net->edges[e].a;
            double nd = d + rt->weight[e];
            if (nd < rt->dist[w]) {
                rt->dist[w] = nd;
                rt->prev_edge[w] = e;
                if (heap_push(rt, &len, w, nd))
                    return -1;
            }
        }
    }
    /* Walk back from `to`, then append forwards. */
    path = malloc(net->nnodes * sizeof(int));
    if (!path)
        return -1;
    for (v = to; v != from; npath++) {
        const gen_edge *e = &net->edges[rt->prev_edge[v]];
        path[npath] = rt->prev_edge[v];
        v = e->a == v ? e->b : e->a;
    }
    v = from;
    while (npath--) {
        const gen_edge *e = &net->edges[path[npath]];
        int w = e->a == v ? e->b : e->a;
        if ((e->curved && route_push(r, e->mx, e->my, -1)) ||
            route_push(r, net->nodes[w].x, net->nodes[w].y, w)) {
            free(path);
            return -1;
        }
        v = w;
    }
    free(path);
    return 0;
}

/* A reachable node roughly `d` m from node `from` in direction `angle` (rad), inside the grid. */
static int node_toward(const hm_gen_network *net, int from, double d, double angle)
{
    double x = net->nodes[from].x + d * hm_gen_cos(angle);
    double y = net->nodes[from].y + d * hm_gen_sin(angle);

    x = x < -GRID_LIMIT ? -GRID_LIMIT : x > GRID_LIMIT ? GRID_LIMIT : x;
    y = y < -GRID_LIMIT ? -GRID_LIMIT : y > GRID_LIMIT ? GRID_LIMIT : y;
    return nearest_node(net, x, y, from);
}

static double node_dist(const hm_gen_network *net, int a, int b)
{
    double dx = net->nodes[a].x - net->nodes[b].x, dy = net->nodes[a].y - net->nodes[b].y;

    return sqrt(dx * dx + dy * dy);
}

/* Append a copy of vertices [first, last] of r in reverse order. */
static int route_append_reverse(hm_gen_route *r, size_t first, size_t last)
{
    size_t i;

    for (i = last + 1; i-- > first;)
        if (route_push(r, r->x[i], r->y[i], r->node[i]))
            return -1;
    return 0;
}

/*
 * Build a route of about `target` m starting at `start`. Wandering chains
 * shortest paths through random waypoints and comes home; out-and-back
 * retraces its own way; laps repeat one small loop; one-way ends elsewhere.
 */
static int build_route(hm_gen_route *r, router *rt, hm_gen_rng *rng, hm_gen_route_kind kind,
                       int start, double target)
{
    const hm_gen_network *net = rt->net;
    double hop = target / 5 < 2500 ? target / 5 : 2500;
    double heading = hm_gen_rng_range(rng, 0, 2 * HM_GEN_PI);
    int cur = start, guard;
    size_t i, n;

    if (hop < 400)
        hop = 400;
    if (route_push(r, net->nodes[start].x, net->nodes[start].y, start))
        return -1;
    switch (kind) {
    case HM_GEN_ROUTE_LAPS: {
        double loop = target / (double)(2 + hm_gen_rng_below(rng, 3));
        int w1 = node_toward(net, start, loop / 4, heading);
        int w2 = node_toward(net, w1, loop / 4, heading + hm_gen_rng_range(rng, 1.4, 2.2));
        if (route_path(r, rt, start, w1) || route_path(r, rt, w1, w2) ||
            route_path(r, rt, w2, start))
            return -1;
        n = r->n;
        for (guard = 1; guard < 12 && hm_gen_route_length(r) + r->s[n - 1] * 0.5 < target; guard++)
            for (i = 1; i < n; i++)
                if (route_push(r, r->x[i], r->y[i], r->node[i]))
                    return -1;
        return 0;
    }
    case HM_GEN_ROUTE_OUT_BACK:
        for (guard = 0; guard < 60 && hm_gen_route_length(r) < target / 2; guard++) {
            int next = node_toward(net, cur, hop, heading + hm_gen_rng_range(rng, -0.7, 0.7));
            if (route_path(r, rt, cur, next))
                return -1;
            cur = next;
        }
        return r->n < 2 ? 0 : route_append_reverse(r, 0, r->n - 2);
    case HM_GEN_ROUTE_ONE_WAY:
        for (guard = 0; guard < 60 && hm_gen_route_length(r) < target; guard++) {
            int next = node_toward(net, cur, hop, heading + hm_gen_rng_range(rng, -1.0, 1.0));
            if (route_path(r, rt, cur, next))
                return -1;
            cur = next;
            heading += hm_gen_rng_range(rng, -0.6, 0.6);
        }
        return 0;
    default:
        for (guard = 0; guard < 60; guard++) {
            int next;
            if (hm_gen_route_length(r) + 1.3 * node_dist(net, cur, start) >= target)
                break;
            next = node_toward(net, cur, hop * hm_gen_rng_range(rng, 0.5, 1.2), heading);
            if (route_path(r, rt, cur, next))
                return -1;
            cur = next;
            heading += hm_gen_rng_range(rng, 0.6, 2.2);
        }
        return route_path(r, rt, cur, start);
    }
}


/* Position at arc length s; *cursor is a vertex index at or before s (advanced in place). */
void hm_gen_route_at(const hm_gen_route *r, double s, size_t *cursor, double *x, double *y)
{
    size_t i = *cursor;
    double f, seg;

    while (i + 2 < r->n && r->s[i + 1] <= s)
        i++;
    *cursor = i;
    if (r->n < 2) {
        *x = r->x[0];
        *y = r->y[0];
        return;
    }
    seg = r->s[i + 1] - r->s[i];
    f = seg > 0 ? (s - r->s[i]) / seg : 0.0;
    f = f < 0.0 ? 0.0 : f > 1.0 ? 1.0 : f;
    *x = r->x[i] + f * (r->x[i + 1] - r->x[i]);
    *y = r->y[i] + f * (r->y[i + 1] - r->y[i]);
}

int hm_gen_route_build(hm_gen_route *out, const hm_gen_network *net, hm_gen_rng *rng,
                       hm_gen_route_kind kind, int start, double target)
{
    router rt;
    size_t i;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    memset(&rt, 0, sizeof(rt));
    rt.net = net;
    rt.weight = malloc(net->nedges * sizeof(double));
    rt.dist = malloc(net->nnodes * sizeof(double));
    rt.prev_edge = malloc(net->nnodes * sizeof(int));
    rt.heap_cap = 1024;
    rt.heap = malloc(rt.heap_cap * sizeof(int));
    rt.heap_key = malloc(rt.heap_cap * sizeof(double));
    if (rt.weight && rt.dist && rt.prev_edge && rt.heap && rt.heap_key) {
        /* Each activity sees its own street costs, so shortest paths differ between activities. */
        for (i = 0; i < net->nedges; i++)
            rt.weight[i] = net->edges[i].len * net->edges[i].pref * hm_gen_rng_range(rng, 0.7, 1.3);
        rc = build_route(out, &rt, rng, kind, start, target);
    }
    free(rt.weight);
    free(rt.dist);
    free(rt.prev_edge);
    free(rt.heap);
    free(rt.heap_key);
    if (rc)
        hm_gen_route_free(out);
    return rc;
}

int hm_gen_network_node_toward(const hm_gen_network *net, int from, double d, double angle)
{
    return node_toward(net, from, d, angle);
}
