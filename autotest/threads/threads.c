/* SPDX-License-Identifier: MIT */
/*
 * The driver from many threads, as QGIS and gdalwarp use it, for the
 * ThreadSanitizer build (scripts/test.sh) and as a plain ctest:
 *   1. several handles on one folder, opened and read at once from as many
 *      threads (every block of the full resolution, an overview and a styled
 *      view with glow), each thread's checksums equal to the others';
 *   2. one handle read from successive threads, each joined before the next
 *      starts (GDAL's contract for one dataset), equal to a one-thread read.
 * The tracks are written here (random walks in one town), and the track store
 * goes to a temporary folder. Exit status 0 when every check passes.
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cpl_conv.h>
#include <cpl_vsi.h>
#include <gdal.h>

#define NTRACKS 24
#define NTHREADS 6

static char folder[256];
static const char *const views[] = {":BANDS=count,pace", ":RENDER=count:GLOW=2"};
#define NVIEWS (sizeof(views) / sizeof(views[0]))
static pthread_barrier_t barrier;

static void write_tracks(void)
{
    unsigned seed = 12345;
    int t, i;

    for (t = 0; t < NTRACKS; t++) {
        char path[320];
        double lat = 46.05, lon = 14.50;
        FILE *fp;
        snprintf(path, sizeof(path), "%s/t%02d.gpx", folder, t);
        fp = fopen(path, "w");
        if (!fp)
            exit(2);
        fprintf(fp, "<?xml version=\"1.0\"?>\n<gpx version=\"1.1\" creator=\"threads\" "
                    "xmlns=\"http://www.topografix.com/GPX/1/1\"><trk><trkseg>\n");
        for (i = 0; i < 400; i++) {
            seed = seed * 1103515245u + 12345u;
            lat += ((double)(seed >> 16 & 0x7fff) / 32767.0 - 0.5) * 0.0004;
            seed = seed * 1103515245u + 12345u;
            lon += ((double)(seed >> 16 & 0x7fff) / 32767.0 - 0.5) * 0.0006;
            fprintf(fp, "<trkpt lat=\"%.7f\" lon=\"%.7f\"><time>2021-06-%02dT08:%02d:%02dZ</time>"
                        "</trkpt>\n", lat, lon, 1 + t % 28, i / 60, i % 60);
        }
        fprintf(fp, "</trkseg></trk></gpx>\n");
        fclose(fp);
    }
}

/* A checksum of every block of every band of a dataset's level (0: full resolution). */
static uint64_t read_level(GDALDatasetH ds, int level, int y0, int ystep)
{
    uint64_t sum = 1469598103934665603ull;
    int b, nbands = GDALGetRasterCount(ds);

    for (b = 1; b <= nbands; b++) {
        GDALRasterBandH band = GDALGetRasterBand(ds, b);
        int w, h, bw, bh, x, y;
        double *buf;
        if (level > 0) {
            if (GDALGetOverviewCount(band) < level)
                continue;
            band = GDALGetOverview(band, level - 1);
        }
        w = GDALGetRasterBandXSize(band);
        h = GDALGetRasterBandYSize(band);
        GDALGetBlockSize(band, &bw, &bh);
        buf = malloc(sizeof(double) * (size_t)bw * (size_t)bh);
        for (y = y0 * bh; y < h; y += ystep * bh) {
            for (x = 0; x < w; x += bw) {
                int cw = x + bw > w ? w - x : bw, ch = y + bh > h ? h - y : bh, i;
                if (GDALRasterIO(band, GF_Read, x, y, cw, ch, buf, cw, ch, GDT_Float64, 0, 0) !=
                    CE_None)
                    return 0;
                for (i = 0; i < cw * ch; i++) {
                    double v = isnan(buf[i]) ? -1.0 : buf[i];
                    uint64_t u;
                    memcpy(&u, &v, sizeof(u));
                    sum = (sum ^ u) * 1099511628211ull;
                }
            }
        }
        free(buf);
    }
    return sum;
}

static GDALDatasetH open_view(size_t v)
{
    char name[512];

    snprintf(name, sizeof(name), "HEATMAP:%s%s", folder, views[v]);
    return GDALOpenEx(name, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
}

typedef struct job {
    GDALDatasetH ds; /* a shared handle, or NULL: open one's own */
    size_t view;
    int part, nparts; /* rows of blocks part, part + nparts, ... */
    uint64_t sums[3];
} job;

static void *several_handles(void *p)
{
    job *j = p;
    GDALDatasetH ds;
    int level;

    pthread_barrier_wait(&barrier); /* every thread opens at once */
    ds = open_view(j->view);
    if (!ds)
        return NULL;
    for (level = 0; level < 3; level++)
        j->sums[level] = read_level(ds, level, 0, 1);
    GDALClose(ds);
    return NULL;
}

static void *successive(void *p)
{
    job *j = p;
    int level;

    for (level = 0; level < 3; level++)
        j->sums[level] = read_level(j->ds, level, j->part, j->nparts);
    return NULL;
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    char stores[320];
    job jobs[NTHREADS];
    pthread_t th[NTHREADS];
    int failures = 0, i, level;
    size_t v;

    snprintf(folder, sizeof(folder), "%s/heatmap-threads-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(folder))
        return 2;
    snprintf(stores, sizeof(stores), "%s/stores", folder);
    CPLSetConfigOption("HEATMAP_STORE_DIR", stores);
    CPLSetConfigOption("GDAL_PAM_ENABLED", "NO");
    write_tracks();
    GDALAllRegister();
    if (!GDALGetDriverByName("HEATMAP")) {
        fprintf(stderr, "threads: the HEATMAP driver is not registered (GDAL_DRIVER_PATH?)\n");
        return 2;
    }
    for (v = 0; v < NVIEWS; v++) {
        /* 1. Several handles at once. */
        pthread_barrier_init(&barrier, NULL, NTHREADS);
        memset(jobs, 0, sizeof(jobs));
        for (i = 0; i < NTHREADS; i++) {
            jobs[i].view = v;
            pthread_create(&th[i], NULL, several_handles, &jobs[i]);
        }
        for (i = 0; i < NTHREADS; i++)
            pthread_join(th[i], NULL);
        pthread_barrier_destroy(&barrier);
        for (i = 0; i < NTHREADS; i++)
            for (level = 0; level < 3; level++)
                if (jobs[i].sums[level] == 0 || jobs[i].sums[level] != jobs[0].sums[level]) {
                    fprintf(stderr, "threads: view %s: handle %d level %d differs\n", views[v], i,
                            level);
                    failures++;
                }
        /* 2. One handle from successive threads, against the same rows read in one thread. */
        {
            GDALDatasetH ds = open_view(v), ref = open_view(v);
            if (!ds || !ref) {
                fprintf(stderr, "threads: cannot open %s\n", views[v]);
                return 1;
            }
            for (i = 0; i < NTHREADS; i++) {
                job one;
                memset(&jobs[i], 0, sizeof(jobs[i]));
                jobs[i].ds = ds;
                jobs[i].part = i % 2;
                jobs[i].nparts = 2;
                pthread_create(&th[i], NULL, successive, &jobs[i]);
                pthread_join(th[i], NULL);
                memset(&one, 0, sizeof(one));
                one.ds = ref;
                one.part = i % 2;
                one.nparts = 2;
                successive(&one);
                for (level = 0; level < 3; level++)
                    if (jobs[i].sums[level] != one.sums[level]) {
                        fprintf(stderr, "threads: view %s: successive thread %d level %d differs\n",
                                views[v], i, level);
                        failures++;
                    }
            }
            GDALClose(ds);
            GDALClose(ref);
        }
    }
    GDALDestroyDriverManager();
    {
        char cmd[600];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", folder);
        if (system(cmd) != 0)
            fprintf(stderr, "threads: could not remove %s\n", folder);
    }
    printf("threads: %d failures\n", failures);
    return failures ? 1 : 0;
}
