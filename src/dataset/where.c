/* SPDX-License-Identifier: MIT */
/*
 * WHERE=: activities selected by an SQL expression, evaluated by SQLite
 * (not a parser of our own) over one table, "activities", made in memory
 * from the store's catalog: the activity fields (hm_where_fields, documented
 * in README.md) and the columns of the joined activities table.
 *
 * The expression may come from a web request (a MapServer layer, a WMS
 * parameter), so it can do nothing but read that table: it is compiled as
 * the condition of one SELECT on a connection that allows exactly that (an
 * authorizer permitting SELECT, reads of "activities" and functions, and
 * nothing else: no other table or schema, no ATTACH, no PRAGMA, no writes;
 * defensive mode, no triggers or views, no extensions), with small limits
 * on its length and depth, and a budget of virtual machine steps, so a
 * runaway expression stops with an error instead of hanging a server. Any
 * error is an open error that quotes SQLite's message.
 *
 * The selection is a bitmap over the store's activities, kept in the
 * store's memo by expression: rasters of one store with one WHERE share it.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "core/strbuf_int.h"
#include "core/text_int.h"
#include "core/time_int.h"
#include "dataset/where_int.h"
#include "store/activity_int.h"

/* Bounds on what an expression may make SQLite do. */
#define MAX_SQL_LENGTH 65536      /* bytes of the statement */
#define MAX_VALUE_LENGTH 1000000  /* bytes of any string or blob it makes */
#define MAX_EXPR_DEPTH 200
#define MAX_STEPS_PER_ACTIVITY 100000 /* virtual machine instructions, per activity */
#define PROGRESS_PERIOD 1000      /* instructions between budget checks */
/* Characters of the expression quoted back in a message. */
#define QUOTE_MAX 200

typedef enum field_id {
    F_ID, F_FILE, F_FORMAT, F_SPORT, F_SUB_SPORT, F_SOURCE_SPORT, F_VIRTUAL, F_START, F_YEAR,
    F_NAME, F_GEAR, F_COMMUTE, F_DISTANCE_KM, F_DURATION_S, F_MOVING_S, F_ELEVATION_GAIN_M,
    F_AVG_HR, F_DEVICE, F_COUNT
} field_id;

/* The fields, in table order, with their SQL types (README.md documents each). */
static const struct {
    const char *name;
    const char *type;
} fields[F_COUNT] = {
    {"id", "NUMERIC"},   {"file", "TEXT"},      {"format", "TEXT"},     {"sport", "TEXT"},
    {"sub_sport", "TEXT"}, {"source_sport", "TEXT"}, {"virtual", "INTEGER"}, {"start", "TEXT"},
    {"year", "INTEGER"}, {"name", "TEXT"},      {"gear", "TEXT"},       {"commute", "INTEGER"},
    {"distance_km", "REAL"}, {"duration_s", "REAL"}, {"moving_s", "REAL"},
    {"elevation_gain_m", "REAL"}, {"avg_hr", "REAL"}, {"device", "TEXT"},
};

/* ---- the table ---------------------------------------------------------------- */

static const char *const format_names[] = {"unknown", "gpx", "tcx", "fit"};

/* The last path component of a file's path (the source's own name for a single file). */
static const char *file_base(const hm_store *s, const char *rel)
{
    const char *p = rel[0] ? rel : hm_store__str(s, s->meta->source), *slash = strrchr(p, '/');

    return slash ? slash + 1 : p;
}

static void bind_text_or_null(sqlite3_stmt *st, int col, const char *text)
{
    if (text && text[0])
        sqlite3_bind_text(st, col, text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, col);
}

static void bind_real_or_null(sqlite3_stmt *st, int col, double v)
{
    if (isfinite(v))
        sqlite3_bind_double(st, col, v);
    else
        sqlite3_bind_null(st, col);
}

/* Bind activity i's fields and table row to the insert statement (texts live in the store
 * or in start, HM_TIME_ISO8601_SIZE bytes, which must outlive the step). */
static void bind_activity(sqlite3_stmt *st, const hm_store *s, const hm_csv_keys *keys,
                          uint32_t i, char *start)
{
    const hm_store_act *a = &s->acts[i];
    const char *rel = hm_store__str(s, s->files[a->file].path), *base = file_base(s, rel);
    const char *dot = strchr(base, '.');
    uint32_t ncols = s->meta->csv_cols, c;
    const uint32_t *row = a->csv_row != HM_NO_ROW ? s->csv_cells + (size_t)a->csv_row * ncols
                                                   : NULL;

    sqlite3_bind_text(st, 1 + F_ID, base, dot ? (int)(dot - base) : -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 1 + F_FILE, rel[0] ? rel : base, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 1 + F_FORMAT, format_names[a->format <= 3 ? a->format : 0], -1,
                      SQLITE_STATIC);
    bind_text_or_null(st, 1 + F_SPORT, hm_store__str(s, a->sport));
    bind_text_or_null(st, 1 + F_SUB_SPORT, hm_store__str(s, a->sub_sport));
    bind_text_or_null(st, 1 + F_SOURCE_SPORT, hm_store__str(s, a->source_sport));
    sqlite3_bind_int(st, 1 + F_VIRTUAL, (a->flags & HM_ACT_VIRTUAL) != 0);
    if (hm_time_format_iso8601(start, HM_TIME_ISO8601_SIZE, a->start_time) > 0) {
        hm_time_civil civil;
        hm_time__civil_from_seconds(&civil, (int64_t)floor(a->start_time));
        sqlite3_bind_text(st, 1 + F_START, start, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 1 + F_YEAR, (int)civil.year);
    } else {
        sqlite3_bind_null(st, 1 + F_START);
        sqlite3_bind_null(st, 1 + F_YEAR);
    }
    bind_text_or_null(st, 1 + F_NAME, hm_store__str(s, a->name));
    bind_text_or_null(st, 1 + F_GEAR, row && keys->gear >= 0
                                          ? hm_store__str(s, row[keys->gear]) : NULL);
    sqlite3_bind_int(st, 1 + F_COMMUTE, (a->flags & HM_ACT_COMMUTE) != 0);
    bind_real_or_null(st, 1 + F_DISTANCE_KM, a->distance / 1000.0);
    bind_real_or_null(st, 1 + F_DURATION_S, a->duration);
    bind_real_or_null(st, 1 + F_MOVING_S, (a->flags & HM_ACT_HAS_TIME) ? a->moving_time : NAN);
    bind_real_or_null(st, 1 + F_ELEVATION_GAIN_M, a->elevation_gain);
    bind_real_or_null(st, 1 + F_AVG_HR, a->avg_hr);
    bind_text_or_null(st, 1 + F_DEVICE, hm_store__str(s, a->device));
    for (c = 0; c < ncols; c++)
        bind_text_or_null(st, 1 + F_COUNT + (int)c, row ? hm_store__str(s, row[c]) : NULL);
}

#define NAME_MAX_LEN 256

/* Column c's name, not yet taken by a field or an earlier column (SQL names ignore ASCII
 * case): its header, else header_2, header_3...; "column_<c+1>" for an empty header. */
static void unique_name(const hm_store *s, uint32_t c, char (*names)[NAME_MAX_LEN])
{
    const char *want = hm_store__str(s, s->csv_header[c]);
    int k;

    for (k = 1;; k++) {
        size_t i;
        int taken = 0;
        if (want[0])
            snprintf(names[c], NAME_MAX_LEN, k == 1 ? "%.200s" : "%.200s_%d", want, k);
        else
            snprintf(names[c], NAME_MAX_LEN, k == 1 ? "column_%u" : "column_%u_%d", c + 1, k);
        for (i = 0; i < F_COUNT && !taken; i++)
            taken = hm_text__equal_ci(names[c], strlen(names[c]), fields[i].name);
        for (i = 0; i < c && !taken; i++)
            taken = hm_text__equal_ci(names[c], strlen(names[c]), names[i]);
        if (!taken)
            return;
    }
}

/* An identifier, double-quoted. */
static void put_ident(hm_strbuf *b, const char *name)
{
    hm_strbuf_put(b, "\"", 1);
    for (; *name; name++)
        hm_strbuf_put(b, *name == '"' ? "\"\"" : name, 1 + (*name == '"'));
    hm_strbuf_put(b, "\"", 1);
}

/* CREATE TABLE and INSERT for the store's fields and table columns. */
static int table_sql(hm_strbuf *create, hm_strbuf *insert, const hm_store *s, hm_ctx *ctx)
{
    char (*names)[NAME_MAX_LEN];
    uint32_t c;
    size_t i;

    names = hm_ctx__reallocarray(ctx, NULL, s->meta->csv_cols ? s->meta->csv_cols : 1,
                                 sizeof(*names));
    if (!names)
        return HM_RAISE_NOMEM(ctx);

    hm_strbuf_puts(create, "CREATE TABLE activities (");
    hm_strbuf_puts(insert, "INSERT INTO activities VALUES (");
    for (i = 0; i < F_COUNT; i++) {
        hm_strbuf_printf(create, "%s%s %s", i ? ", " : "", fields[i].name, fields[i].type);
        hm_strbuf_puts(insert, i ? ", ?" : "?");
    }
    for (c = 0; c < s->meta->csv_cols; c++) {
        unique_name(s, c, names);
        hm_strbuf_puts(create, ", ");
        put_ident(create, names[c]);
        hm_strbuf_puts(create, " NUMERIC"); /* numbers compare as numbers, text stays text */
        hm_strbuf_puts(insert, ", ?");
    }
    hm_strbuf_puts(create, ")");
    hm_strbuf_puts(insert, ")");
    hm_ctx__free(ctx, names);
    return HM_OK;
}

/* ---- the guard ------------------------------------------------------------------- */

static int authorize(void *payload, int action, const char *a, const char *b, const char *db,
                     const char *trigger)
{
    int *building = payload;

    (void)b;
    (void)trigger;
    if (*building)
        return SQLITE_OK; /* our own CREATE and INSERTs */
    switch (action) {
    case SQLITE_SELECT:
    case SQLITE_FUNCTION:
        return SQLITE_OK;
    case SQLITE_READ:
        return a && strcmp(a, "activities") == 0 && (!db || strcmp(db, "main") == 0)
                   ? SQLITE_OK
                   : SQLITE_DENY;
    default:
        return SQLITE_DENY;
    }
}

typedef struct budget {
    long long left; /* progress calls left */
} budget;

static int progress(void *payload)
{
    budget *b = payload;

    return --b->left < 0; /* non-zero interrupts */
}

/* ---- the selection ---------------------------------------------------------------- */

typedef struct where_job {
    const hm_store *store;
    const char *expr;
} where_job;

static int sql_error(hm_ctx *ctx, const char *expr, sqlite3 *db, const char *fallback)
{
    size_t n = strlen(expr);
    int cut = n > QUOTE_MAX;

    return HM_RAISE(ctx, HM_EINVAL, NULL, 0, -1, "WHERE=%.*s%s: %s", (int)(cut ? QUOTE_MAX : n),
                    expr, cut ? "..." : "", db ? sqlite3_errmsg(db) : fallback);
}

static int compute_selection(void **value, hm_ctx *ctx, void *payload)
{
    const where_job *job = payload;
    const hm_store *s = job->store;
    hm_strbuf create = HM_STRBUF_INIT(ctx), insert = HM_STRBUF_INIT(ctx),
              query = HM_STRBUF_INIT(ctx);
    uint32_t nacts = s->meta->nacts, i;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    uint64_t *mask = NULL;
    int building = 1, rc = HM_OK, src;
    budget bud;
    const char *tail = NULL;

    *value = NULL;
    if ((rc = table_sql(&create, &insert, s, ctx)) != HM_OK)
        goto done;
    /* No parentheses around it: SQLite's messages then speak of the user's text alone. What
     * could follow the condition (UNION, ORDER BY, LIMIT) only reads this table too. */
    hm_strbuf_printf(&query, "SELECT rowid FROM activities WHERE %s", job->expr);
    if (hm_strbuf_failed(&create) || hm_strbuf_failed(&insert) || hm_strbuf_failed(&query)) {
        rc = HM_RAISE_NOMEM(ctx);
        goto done;
    }
    if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                             SQLITE_OPEN_MEMORY | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        rc = db ? sql_error(ctx, job->expr, db, NULL) : HM_RAISE_NOMEM(ctx);
        goto done;
    }
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    sqlite3_set_authorizer(db, authorize, &building);

    /* The table. */
    if (sqlite3_exec(db, create.s, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, insert.s, -1, &st, NULL) != SQLITE_OK) {
        rc = sql_error(ctx, job->expr, db, NULL);
        goto done;
    }
    for (i = 0; i < nacts; i++) {
        char start[HM_TIME_ISO8601_SIZE];
        bind_activity(st, s, &s->table_keys, i, start); /* the columns the store joined */
        if (sqlite3_step(st) != SQLITE_DONE) {
            rc = sql_error(ctx, job->expr, db, NULL);
            goto done;
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        rc = sql_error(ctx, job->expr, db, NULL);
        goto done;
    }

    /* The expression: one SELECT that may only read the table, within limits. */
    building = 0;
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, MAX_VALUE_LENGTH);
    sqlite3_limit(db, SQLITE_LIMIT_SQL_LENGTH, MAX_SQL_LENGTH);
    sqlite3_limit(db, SQLITE_LIMIT_EXPR_DEPTH, MAX_EXPR_DEPTH);
    sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
    sqlite3_limit(db, SQLITE_LIMIT_VARIABLE_NUMBER, 0);
    bud.left = ((long long)nacts + 1) * MAX_STEPS_PER_ACTIVITY / PROGRESS_PERIOD;
    sqlite3_progress_handler(db, PROGRESS_PERIOD, progress, &bud);
    if (sqlite3_prepare_v2(db, query.s, -1, &st, &tail) != SQLITE_OK) {
        rc = sql_error(ctx, job->expr, db, NULL);
        goto done;
    }
    while (tail && (hm_text__is_space(*tail) || *tail == ';'))
        tail++;
    if (tail && *tail) {
        rc = sql_error(ctx, job->expr, NULL, "one expression expected, not several statements");
        goto done;
    }
    if (!(mask = hm_ctx__calloc(ctx, nacts / 64 + 1, sizeof(uint64_t)))) {
        rc = HM_RAISE_NOMEM(ctx);
        goto done;
    }
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 row = sqlite3_column_int64(st, 0) - 1; /* rowids count from 1 */
        if (row >= 0 && row < (sqlite3_int64)nacts)
            mask[row >> 6] |= (uint64_t)1 << (row & 63);
    }
    if (src != SQLITE_DONE) {
        rc = src == SQLITE_INTERRUPT
                 ? sql_error(ctx, job->expr, NULL, "the expression takes too long to evaluate")
                 : sql_error(ctx, job->expr, db, NULL);
        goto done;
    }
    *value = mask;
    mask = NULL;

done:
    sqlite3_finalize(st);
    sqlite3_close(db);
    hm_ctx__free(ctx, mask);
    hm_strbuf_free(&create);
    hm_strbuf_free(&insert);
    hm_strbuf_free(&query);
    return rc;
}

static void selection_destroy(void *value, hm_ctx *ctx)
{
    hm_ctx__free(ctx, value);
}

int hm_where__select(const uint64_t **out, hm_store *store, hm_ctx *ctx, const char *expr)
{
    hm_strbuf key = HM_STRBUF_INIT(ctx);
    where_job job;
    void *value = NULL;
    int rc;

    *out = NULL;
    hm_strbuf_printf(&key, "where:%s", expr);
    if (hm_strbuf_failed(&key)) {
        hm_strbuf_free(&key);
        return HM_RAISE_NOMEM(ctx);
    }
    job.store = store;
    job.expr = expr;
    rc = hm_memo__get(&value, &store->memo, store->ctx, ctx, key.s, compute_selection,
                      selection_destroy, &job);
    hm_strbuf_free(&key);
    *out = value;
    return rc;
}
