/* SPDX-License-Identifier: MIT */
/*
 * A main() for the reader fuzz harnesses without libFuzzer: every file named
 * on the command line, and every file below every folder named, is passed to
 * LLVMFuzzerTestOneInput() once. CMake builds one runner per harness
 * (hm_fuzz_gpx, ...) and ctest runs each over the shared corpus and the
 * fuzzers' saved findings, as a regression test; with clang, the same
 * harnesses are built against libFuzzer and run for a while in CI (see
 * scripts/test.sh). Exit status 77 (ctest: skipped) when nothing was found
 * to run.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HM_FUZZ_MAX_INPUT (64u << 20) /* larger files are not inputs a fuzzer would make */

static size_t run_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    unsigned char *buf;
    long n;

    if (!fp)
        return 0;
    if (fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 || (unsigned long)n > HM_FUZZ_MAX_INPUT ||
        fseek(fp, 0, SEEK_SET) != 0) {
        fclose(fp);
        return 0;
    }
    buf = malloc(n ? (size_t)n : 1);
    if (buf && fread(buf, 1, (size_t)n, fp) == (size_t)n)
        LLVMFuzzerTestOneInput(buf, (size_t)n);
    free(buf);
    fclose(fp);
    return 1;
}

static size_t run_path(const char *path, int depth)
{
    struct stat st;
    struct dirent *e;
    size_t runs = 0;
    DIR *d;

    if (stat(path, &st) != 0)
        return 0;
    if (S_ISREG(st.st_mode))
        return run_file(path);
    if (!S_ISDIR(st.st_mode) || depth > 16 || !(d = opendir(path)))
        return 0;
    while ((e = readdir(d)) != NULL) {
        char sub[4096];
        if (e->d_name[0] == '.')
            continue;
        if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name) < sizeof(sub))
            runs += run_path(sub, depth + 1);
    }
    closedir(d);
    return runs;
}

int main(int argc, char **argv)
{
    size_t runs = 0;
    int i;

    for (i = 1; i < argc; i++)
        runs += run_path(argv[i], 0);
    printf("%zu inputs run\n", runs);
    return runs ? 0 : 77;
}
