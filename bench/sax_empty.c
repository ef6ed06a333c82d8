/* SPDX-License-Identifier: MIT */
/*
 * sax_empty: the floor under our GPX/TCX reading. Parses every .gpx / .tcx
 * file (optionally .gz) below a folder with libxml2's SAX2 push parser and
 * callbacks that do nothing, on N threads sharing the files through an
 * atomic counter, and prints the wall time. bench/ingest.sh sets a cold
 * store build (`heatmap index`) next to it, in the same run.
 *
 * Fair to libxml2 and to us: the parser is set up as src/io/xml_util.c sets
 * it up (xmlCreatePushParserCtxt without initial bytes, XML_PARSE_NONET |
 * XML_PARSE_NOCDATA | XML_PARSE_IGNORE_ENC, pinned to UTF-8, a structured
 * error handler, no DTD callbacks needed on trusted input) and fed in
 * 256 KiB chunks (xml_util.c's CHUNK_SIZE, src/io/stream.c's RAW_BUF_SIZE).
 * Plain files are read with read(2), .gz files with zlib's gzread (it reads
 * concatenated members, as src/io/stream.c does). FIT files are binary, not
 * XML: they are counted and left out (run it on GPX/TCX-only folders to
 * compare like with like). Files are taken in sorted path order.
 *
 * --pull parses with libxml2's pull parser instead (xmlCreateIOParserCtxt +
 * xmlParseDocument, same options and callbacks, reading through a callback):
 * not what our readers do, but what switching to it would give (measured with
 * libxml2 2.9.14: the push parser's extra is xmlBufUse and the copies of every
 * chunk into, and out of, its input buffer).
 *
 * Output: one human line, then a RESULT line of key=value pairs:
 *   RESULT files=N bytes=B xml_bytes=X seconds=S cpu_seconds=C threads=T
 *          errors=E fit_excluded=F
 * where bytes are on disk, xml_bytes after gunzip, cpu_seconds is the
 * process's user+system time (cpu_seconds / seconds = cores busy).
 *
 * Build (bench/ingest.sh does it):
 *   cc -O2 bench/sax_empty.c $(pkg-config --cflags --libs libxml-2.0 zlib) -lpthread -o sax_empty
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h> /* xmlSwitchEncoding */
#include <zlib.h>

#define CHUNK_SIZE (256 * 1024)
#define MAX_THREADS 64

/* ---- the file list -------------------------------------------------------- */

typedef struct file_ent {
    char *path;
    int gz;
    uint64_t size;
} file_ent;

static file_ent *files;
static size_t nfiles, capfiles;
static size_t fit_excluded;
static uint64_t total_bytes;

/* 1 when name ends with suffix (ASCII case-insensitive). */
static int ends_with(const char *name, const char *suffix)
{
    size_t n = strlen(name), m = strlen(suffix);

    return n >= m && strcasecmp(name + n - m, suffix) == 0;
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    const char *base = path + ftw->base;
    int gz = 0;

    (void)st;
    if (type != FTW_F || base[0] == '.')
        return 0;
    if (ends_with(base, ".fit") || ends_with(base, ".fit.gz")) {
        fit_excluded++;
        return 0;
    }
    if (ends_with(base, ".gpx.gz") || ends_with(base, ".tcx.gz"))
        gz = 1;
    else if (!ends_with(base, ".gpx") && !ends_with(base, ".tcx"))
        return 0;
    if (nfiles == capfiles) {
        capfiles = capfiles ? 2 * capfiles : 1024;
        files = realloc(files, capfiles * sizeof(*files));
        if (!files) {
            perror("sax_empty");
            exit(1);
        }
    }
    files[nfiles].path = strdup(path);
    files[nfiles].gz = gz;
    files[nfiles].size = (uint64_t)st->st_size;
    if (!files[nfiles].path) {
        perror("sax_empty");
        exit(1);
    }
    total_bytes += (uint64_t)st->st_size;
    nfiles++;
    return 0;
}

static int cmp_path(const void *a, const void *b)
{
    return strcmp(((const file_ent *)a)->path, ((const file_ent *)b)->path);
}

/* ---- empty SAX2 callbacks -------------------------------------------------- */

static void on_start(void *ud, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
                     int nns, const xmlChar **ns, int nattrs, int ndefaulted,
                     const xmlChar **attrs)
{
    (void)ud, (void)local, (void)prefix, (void)uri, (void)nns, (void)ns, (void)nattrs;
    (void)ndefaulted, (void)attrs;
}

static void on_end(void *ud, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
    (void)ud, (void)local, (void)prefix, (void)uri;
}

static void on_text(void *ud, const xmlChar *ch, int len)
{
    (void)ud, (void)ch, (void)len;
}

static void on_error(void *ud, xmlErrorPtr e)
{
    (void)ud, (void)e;
}

/* ---- workers --------------------------------------------------------------- */

static ssize_t read_full(int fd, gzFile gz, unsigned char *buf, size_t cap);

static size_t next_file; /* shared, taken with __atomic_fetch_add */
static int pull_mode;    /* --pull: libxml2's pull parser over a read callback instead */

typedef struct pull_src {
    int fd;
    gzFile gz;
    uint64_t *xml_bytes;
    int failed;
} pull_src;

static int pull_read(void *ud, char *buf, int len)
{
    pull_src *p = ud;
    ssize_t n = read_full(p->fd, p->gz, (unsigned char *)buf, (size_t)len);

    if (n < 0) {
        p->failed = 1;
        return -1;
    }
    *p->xml_bytes += (uint64_t)n;
    return (int)n;
}

static int pull_close(void *ud)
{
    (void)ud;
    return 0;
}

typedef struct worker {
    pthread_t tid;
    uint64_t xml_bytes; /* bytes handed to libxml2 */
    size_t errors;      /* files that failed to open, read or parse */
} worker;

/* Read up to cap bytes (less only at the end); -1 on error. */
static ssize_t read_full(int fd, gzFile gz, unsigned char *buf, size_t cap)
{
    size_t got = 0;

    while (got < cap) {
        ssize_t n;
        if (gz) {
            int r = gzread(gz, buf + got, (unsigned)(cap - got));
            n = r;
        } else {
            n = read(fd, buf + got, cap - got);
            if (n < 0 && errno == EINTR)
                continue;
        }
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

/* Parse one file with empty callbacks; 0 when it parsed well-formed. */
static int parse_file(const file_ent *f, unsigned char *buf, uint64_t *xml_bytes)
{
    xmlSAXHandler sax;
    xmlParserCtxtPtr c;
    int fd, ok = 1;
    gzFile gz = NULL;

    fd = open(f->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (f->gz) {
        gz = gzdopen(fd, "rb");
        if (!gz) {
            close(fd);
            return -1;
        }
        gzbuffer(gz, CHUNK_SIZE);
    }
    memset(&sax, 0, sizeof(sax));
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = on_start;
    sax.endElementNs = on_end;
    sax.characters = on_text;
    sax.ignorableWhitespace = on_text;
    sax.cdataBlock = on_text;
    sax.serror = on_error;
    if (pull_mode) {
        pull_src src = {fd, gz, xml_bytes, 0};
        c = xmlCreateIOParserCtxt(&sax, NULL, pull_read, pull_close, &src, XML_CHAR_ENCODING_UTF8);
        if (!c) {
            gz ? (void)gzclose(gz) : (void)close(fd);
            return -1;
        }
        xmlCtxtUseOptions(c, XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_IGNORE_ENC);
        if (xmlParseDocument(c) != 0 || !c->wellFormed || src.failed)
            ok = 0;
        xmlFreeParserCtxt(c);
        gz ? (void)gzclose(gz) : (void)close(fd);
        return ok ? 0 : -1;
    }
    c = xmlCreatePushParserCtxt(&sax, NULL, NULL, 0, NULL);
    if (!c) {
        gz ? (void)gzclose(gz) : (void)close(fd);
        return -1;
    }
    xmlCtxtUseOptions(c, XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_IGNORE_ENC);
    xmlSwitchEncoding(c, XML_CHAR_ENCODING_UTF8);
    for (;;) {
        ssize_t n = read_full(fd, gz, buf, CHUNK_SIZE);
        if (n < 0) {
            ok = 0;
            break;
        }
        if (n == 0)
            break;
        *xml_bytes += (uint64_t)n;
        if (xmlParseChunk(c, (const char *)buf, (int)n, 0) != 0 || !c->wellFormed) {
            ok = 0;
            break;
        }
    }
    if (ok && (xmlParseChunk(c, NULL, 0, 1) != 0 || !c->wellFormed))
        ok = 0;
    xmlFreeParserCtxt(c);
    gz ? (void)gzclose(gz) : (void)close(fd);
    return ok ? 0 : -1;
}

static void *work(void *arg)
{
    worker *w = arg;
    unsigned char *buf = malloc(CHUNK_SIZE);

    if (!buf) {
        w->errors++;
        return NULL;
    }
    for (;;) {
        size_t i = __atomic_fetch_add(&next_file, 1, __ATOMIC_RELAXED);
        if (i >= nfiles)
            break;
        if (parse_file(&files[i], buf, &w->xml_bytes) != 0) {
            w->errors++;
            if (w->errors <= 5)
                fprintf(stderr, "sax_empty: %s: not read or not well-formed\n", files[i].path);
        }
    }
    free(buf);
    return NULL;
}

/* ---- main ------------------------------------------------------------------ */

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu_s(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

static void usage(FILE *out)
{
    fputs("usage: sax_empty DIR [--threads N] [--pull]\n"
          "  parse every .gpx/.tcx(.gz) below DIR with libxml2 SAX2 and empty callbacks\n"
          "  --threads N  parser threads sharing the files (default 2)\n"
          "  --pull       libxml2's pull parser (xmlCreateIOParserCtxt + xmlParseDocument over a\n"
          "               read callback; libxml2 chooses the request sizes) instead of the push\n"
          "               parser our readers use: what switching parsers would give\n",
          out);
}

int main(int argc, char **argv)
{
    const char *dir = NULL;
    int nthreads = 2, i, started = 0;
    worker ws[MAX_THREADS];
    uint64_t xml_bytes = 0;
    size_t errors = 0;
    double t0, c0, secs, cpu;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            nthreads = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--pull") == 0) {
            pull_mode = 1;
        } else if (strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (argv[i][0] != '-' && !dir) {
            dir = argv[i];
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (!dir || nthreads < 1 || nthreads > MAX_THREADS) {
        usage(stderr);
        return 2;
    }

    xmlInitParser();
    /* The listing is timed too: the store build lists and stats its folder as well. */
    t0 = now_s();
    c0 = cpu_s();
    if (nftw(dir, visit, 32, FTW_PHYS) != 0) {
        fprintf(stderr, "sax_empty: cannot list %s: %s\n", dir, strerror(errno));
        return 1;
    }
    if (!nfiles) {
        fprintf(stderr, "sax_empty: no .gpx/.tcx(.gz) file below %s\n", dir);
        return 1;
    }
    qsort(files, nfiles, sizeof(*files), cmp_path);
    memset(ws, 0, sizeof(ws));
    for (i = 0; i < nthreads; i++)
        if (pthread_create(&ws[i].tid, NULL, work, &ws[i]) == 0)
            started++;
    if (!started) {
        fprintf(stderr, "sax_empty: no thread started\n");
        return 1;
    }
    for (i = 0; i < started; i++) {
        pthread_join(ws[i].tid, NULL);
        xml_bytes += ws[i].xml_bytes;
        errors += ws[i].errors;
    }
    secs = now_s() - t0;
    cpu = cpu_s() - c0;

    printf("sax_empty: %zu files, %.1f MB (%.1f MB of XML), %d threads: %.3f s wall, "
           "%.3f s CPU (%.2f cores), %.0f MB/s%s\n",
           nfiles, (double)total_bytes / 1e6, (double)xml_bytes / 1e6, started, secs, cpu,
           cpu / secs, (double)xml_bytes / 1e6 / secs, errors ? ", WITH ERRORS" : "");
    if (fit_excluded)
        printf("sax_empty: %zu FIT file(s) left out (binary, not XML)\n", fit_excluded);
    printf("RESULT files=%zu bytes=%llu xml_bytes=%llu seconds=%.4f cpu_seconds=%.4f threads=%d "
           "errors=%zu fit_excluded=%zu\n",
           nfiles, (unsigned long long)total_bytes, (unsigned long long)xml_bytes, secs, cpu,
           started, errors, fit_excluded);
    for (i = 0; i < (int)nfiles; i++)
        free(files[i].path);
    free(files);
    return errors ? 1 : 0;
}
