/* SPDX-License-Identifier: MIT */
/*
 * Reading a CSV table (a Strava export's activities.csv) through GDAL's own
 * CSV reader (cpl_csv.h: quoted fields with commas, quotes and line breaks,
 * a UTF-8 byte-order mark), not a parser of our own. The whole table is
 * copied into the context's memory: header cells and rows of cells, every
 * row padded or cut to the header's width so callers index it without
 * checks. Only this file and vsi.c touch GDAL here.
 */
#include <stdbool.h>
#include <string.h>

#include <cpl_csv.h>
#include <cpl_string.h>
#include <cpl_vsi.h>

#include "io/csv_int.h"

/* Rows beyond this are not read (a Strava export of 20 years has some thousands). */
#define MAX_ROWS 1000000
/* Longest line GDAL may assemble (quoted fields spanning lines included), bytes. */
#define MAX_LINE (1u << 20)

void hm_csv__free(hm_csv *t)
{
    size_t i;

    if (!t->ctx)
        return;
    for (i = 0; i < t->ncols; i++)
        hm_ctx__free(t->ctx, t->header[i]);
    for (i = 0; t->cells && i < t->nrows * t->ncols; i++)
        hm_ctx__free(t->ctx, t->cells[i]);
    hm_ctx__free(t->ctx, t->header);
    hm_ctx__free(t->ctx, t->cells);
    memset(t, 0, sizeof(*t));
}

const char *hm_csv__cell(const hm_csv *t, size_t row, size_t col)
{
    return t->cells[row * t->ncols + col];
}

int hm_csv__read(hm_csv *out, hm_ctx *ctx, const char *path)
{
    VSILFILE *fp;
    char **fields;
    size_t cap = 0, i;
    int rc = HM_OK;

    memset(out, 0, sizeof(*out));
    out->ctx = ctx;
    fp = VSIFOpenL(path, "rb");
    if (!fp)
        return HM_RAISE(ctx, HM_EIO, path, 0, -1, "cannot open file");
    fields = CSVReadParseLine3L(fp, MAX_LINE, ",", true, false, false, true);
    if (!fields || !fields[0]) {
        CSLDestroy(fields);
        VSIFCloseL(fp);
        return HM_RAISE(ctx, HM_EPARSE, path, 1, -1, "no header line");
    }
    out->ncols = (size_t)CSLCount(fields);
    out->header = hm_ctx__calloc(ctx, out->ncols, sizeof(*out->header));
    for (i = 0; out->header && i < out->ncols; i++)
        if (!(out->header[i] = hm_ctx__strdup(ctx, fields[i])))
            break;
    CSLDestroy(fields);
    if (!out->header || i < out->ncols) {
        VSIFCloseL(fp);
        hm_csv__free(out);
        return HM_RAISE_NOMEM(ctx);
    }
    while (rc == HM_OK && out->nrows < MAX_ROWS &&
           (fields = CSVReadParseLine3L(fp, MAX_LINE, ",", true, false, false, false)) != NULL) {
        size_t n = (size_t)CSLCount(fields);
        if (n == 0 || (n == 1 && fields[0][0] == '\0')) { /* a blank line */
            CSLDestroy(fields);
            continue;
        }
        if ((rc = hm_ctx__grow(ctx, (void **)&out->cells, &cap, (out->nrows + 1) * out->ncols,
                               sizeof(*out->cells))) == HM_OK) {
            char **row = out->cells + out->nrows * out->ncols;
            memset(row, 0, out->ncols * sizeof(*row));
            out->nrows++;
            for (i = 0; i < out->ncols; i++)
                if (!(row[i] = hm_ctx__strdup(ctx, i < n ? fields[i] : ""))) {
                    rc = HM_RAISE_NOMEM(ctx);
                    break;
                }
        }
        CSLDestroy(fields);
    }
    VSIFCloseL(fp);
    if (rc != HM_OK)
        hm_csv__free(out);
    return rc;
}
