/* SPDX-License-Identifier: MIT */
/*
 * An activity as data: what its file says joined with its row of the
 * activities table (a Strava export's activities.csv), and what is derived
 * from both when a store is written: the canonical sport (src/track/sport.c,
 * from the table's activity type when there is one: it is the user's own
 * choice, else from the file's sport and sub-sport), the name (the table's,
 * else the file's), and the virtual and commute flags.
 *
 * Tables are joined by file name: a row's Filename ("activities/123.gpx.gz")
 * and a listed file are the same activity when their last path components
 * are equal, so the folder, the zip and the activities/ folder alone all
 * join. Column names are recognised in English and German, as Strava
 * writes them in either language.
 */
#include <stdlib.h>
#include <string.h>

#include "core/text_int.h"
#include "store/activity_int.h"
#include "store/store_int.h"
#include "track/sport_int.h"

/* Column names of a Strava activities table, by language (compared case-insensitively). */
static const char *const filename_names[] = {"Filename", "Dateiname", NULL};
static const char *const name_names[] = {"Activity Name", "Name der Aktivität", "Aktivitätsname",
                                         "Name", NULL};
static const char *const type_names[] = {"Activity Type", "Aktivitätsart", "Aktivitätstyp",
                                         "Sportart", NULL};
static const char *const gear_names[] = {"Activity Gear", "Aktivitätsausrüstung",
                                         "Ausrüstung für Aktivität", "Ausrüstung", "Gear", NULL};
static const char *const commute_names[] = {"Commute", "Pendeln", "Pendelfahrt", "Arbeitsweg",
                                            NULL};

/* Column names of a table, however it is held. */
typedef const char *(*column_fn)(const void *table, size_t c);

/* The first column whose header is one of names, or -1. */
static long find_column(column_fn column, const void *t, size_t ncols, const char *const *names)
{
    size_t c;

    for (; *names; names++)
        for (c = 0; c < ncols; c++)
            if (hm_text__equal_ci(column(t, c), strlen(column(t, c)), *names))
                return (long)c;
    return -1;
}

static void find_keys(column_fn column, const void *t, size_t ncols, hm_csv_keys *out)
{
    out->filename = find_column(column, t, ncols, filename_names);
    out->name = find_column(column, t, ncols, name_names);
    out->type = find_column(column, t, ncols, type_names);
    out->gear = find_column(column, t, ncols, gear_names);
    out->commute = find_column(column, t, ncols, commute_names);
}

static const char *csv_column(const void *t, size_t c)
{
    return ((const hm_csv *)t)->header[c];
}

static const char *store_column(const void *s, size_t c)
{
    return hm_store__str(s, ((const hm_store *)s)->csv_header[c]);
}

void hm_store__csv_keys(const hm_csv *t, hm_csv_keys *out)
{
    find_keys(csv_column, t, t->ncols, out);
}

void hm_store__table_keys(const hm_store *s, hm_csv_keys *out)
{
    find_keys(store_column, s, s->meta->csv_cols, out);
}

/* The last path component. */
static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? slash + 1 : path;
}

static int cmp_entry(const void *a, const void *b)
{
    const hm_csv_entry *x = a, *y = b;
    int c = strcmp(x->base, y->base);

    return c ? c : (x->row > y->row) - (x->row < y->row);
}

int hm_store__csv_join(hm_csv_join *out, hm_ctx *ctx, const hm_csv *t)
{
    size_t r;

    memset(out, 0, sizeof(*out));
    out->ctx = ctx;
    out->table = t;
    hm_store__csv_keys(t, &out->keys);
    if (out->keys.filename < 0 || t->nrows == 0)
        return HM_OK;
    out->entries = hm_ctx__calloc(ctx, t->nrows, sizeof(*out->entries));
    if (!out->entries)
        return HM_RAISE_NOMEM(ctx);
    for (r = 0; r < t->nrows; r++) {
        const char *f = hm_csv__cell(t, r, (size_t)out->keys.filename);
        if (!f[0])
            continue; /* a manual activity: no file */
        out->entries[out->n].base = base_name(f);
        out->entries[out->n++].row = (uint32_t)r;
    }
    qsort(out->entries, out->n, sizeof(*out->entries), cmp_entry);
    return HM_OK;
}

void hm_store__csv_join_free(hm_csv_join *j)
{
    if (j->ctx)
        hm_ctx__free(j->ctx, j->entries);
    memset(j, 0, sizeof(*j));
}

uint32_t hm_store__csv_row(const hm_csv_join *j, const char *rel_path)
{
    const char *base = base_name(rel_path);
    size_t lo = 0, hi = j->n;

    while (lo < hi) { /* the first entry of this base name: its first row */
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(j->entries[mid].base, base) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < j->n && strcmp(j->entries[lo].base, base) == 0 ? j->entries[lo].row : HM_NO_ROW;
}

/* "true", "1", "yes" and the German "wahr", "ja": a commute. */
static int truthy(const char *s)
{
    static const char *const yes[] = {"true", "1", "yes", "y", "wahr", "ja", NULL};
    const char *const *p;

    for (p = yes; *p; p++)
        if (hm_text__equal_ci(s, strlen(s), *p))
            return 1;
    return 0;
}

void hm_store__act_fields(hm_act_fields *out, const hm_csv_join *join, uint32_t row,
                          const char *file_sport, const char *file_sub_sport,
                          const char *file_name, int file_virtual)
{
    const hm_csv *t = join ? join->table : NULL;
    const char *type = NULL, *name = NULL, *commute = NULL;
    hm_sport_class c;

    if (t && row != HM_NO_ROW) {
        if (join->keys.type >= 0)
            type = hm_csv__cell(t, row, (size_t)join->keys.type);
        if (join->keys.name >= 0)
            name = hm_csv__cell(t, row, (size_t)join->keys.name);
        if (join->keys.commute >= 0)
            commute = hm_csv__cell(t, row, (size_t)join->keys.commute);
    }
    if (type && type[0] && hm_sport__classify(&c, type, "")) {
        out->source_sport = type;
    } else {
        hm_sport__classify(&c, file_sport, file_sub_sport);
        out->source_sport = type && type[0] ? type : file_sport;
    }
    out->sport = c.sport;
    out->sub_sport = c.sub_sport;
    out->name = name && name[0] ? name : file_name;
    out->is_virtual = file_virtual || c.is_virtual;
    out->commute = commute && truthy(commute);
}
