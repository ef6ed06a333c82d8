/* SPDX-License-Identifier: MIT */
/*
 * Activities as data (src/store/activity.c): the activities table joined to
 * the files, and the fields derived from both when a store is written.
 */
#ifndef HM_STORE_ACTIVITY_INT_H
#define HM_STORE_ACTIVITY_INT_H

#include "io/csv_int.h"
#include "store/format_int.h"

/* The columns the engine reads from an activities table; -1 when the table has none. */
typedef struct hm_csv_keys {
    long filename; /* the activity's file, relative to the export ("activities/1.gpx.gz") */
    long name;     /* the activity's name */
    long type;     /* the activity type ("Ride", "Radfahrt", ...) */
    long gear;     /* the bike or shoes */
    long commute;  /* "true" for a commute */
} hm_csv_keys;

/* Find the key columns of a table by their English or German names: of a table read, or of
 * the one a store holds (done once, at load: hm_store.table_keys). */
void hm_store__csv_keys(const hm_csv *table, hm_csv_keys *out);
struct hm_store;
void hm_store__table_keys(const struct hm_store *store, hm_csv_keys *out);

typedef struct hm_csv_entry {
    const char *base; /* last component of the row's Filename; borrowed from the table */
    uint32_t row;     /* the row */
} hm_csv_entry;

/* Rows of a table by the base name of their file. */
typedef struct hm_csv_join {
    hm_ctx *ctx;                /* allocator */
    const hm_csv *table;        /* borrowed */
    hm_csv_keys keys;           /* its key columns */
    hm_csv_entry *entries;      /* rows with a file, sorted by base name then row */
    size_t n;                   /* entries */
} hm_csv_join;

/* @param out filled in; release with hm_store__csv_join_free(). @return HM_OK or HM_ENOMEM. */
int hm_store__csv_join(hm_csv_join *out, hm_ctx *ctx, const hm_csv *table);
void hm_store__csv_join_free(hm_csv_join *join);

/* The first row naming a file with rel_path's base name, or HM_NO_ROW. */
uint32_t hm_store__csv_row(const hm_csv_join *join, const char *rel_path);

/* What is derived for an activity; strings borrowed (static, the table's, the caller's). */
typedef struct hm_act_fields {
    const char *sport;        /* canonical, "" unknown */
    const char *sub_sport;    /* canonical, "" none */
    const char *source_sport; /* the word it came from */
    const char *name;         /* the table's name, else the file's */
    int is_virtual;           /* the file or the type says virtual */
    int commute;              /* the table says commute */
} hm_act_fields;

/*
 * Derive an activity's fields from its file's and its table row (row
 * HM_NO_ROW, or join NULL: the file's alone).
 */
void hm_store__act_fields(hm_act_fields *out, const hm_csv_join *join, uint32_t row,
                          const char *file_sport, const char *file_sub_sport,
                          const char *file_name, int file_virtual);

#endif /* HM_STORE_ACTIVITY_INT_H */
