/* SPDX-License-Identifier: MIT */
/*
 * A CSV table read into memory (src/io/csv.c): a header row and rows of
 * cells, all of the header's width.
 */
#ifndef HM_IO_CSV_INT_H
#define HM_IO_CSV_INT_H

#include "core/ctx_int.h"

typedef struct hm_csv {
    hm_ctx *ctx;   /* allocator */
    size_t ncols;  /* cells per row: the header's */
    size_t nrows;  /* rows after the header */
    char **header; /* ncols names, as written */
    char **cells;  /* nrows * ncols texts ("" for a missing cell) */
} hm_csv;

/*
 * Read a CSV file (comma-separated, RFC 4180 quoting, optional UTF-8 BOM)
 * through GDAL's VSI and CSV reader.
 * @param out filled in; release with hm_csv__free() (also on failure).
 * @return HM_OK, HM_EIO (cannot open), HM_EPARSE (no header), HM_ENOMEM.
 */
int hm_csv__read(hm_csv *out, hm_ctx *ctx, const char *path);
void hm_csv__free(hm_csv *table);

/* Cell (row, col), row < nrows, col < ncols. */
const char *hm_csv__cell(const hm_csv *table, size_t row, size_t col);

#endif /* HM_IO_CSV_INT_H */
