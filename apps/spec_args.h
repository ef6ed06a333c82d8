/* SPDX-License-Identifier: MIT */
/*
 * Command-line options shared by `render`, `tiles` and `descriptor`: each
 * maps onto one spec key (--band is RENDER, --from is DATE_FROM, ...), and
 * --option KEY=VALUE passes any other key through. The pairs are kept in
 * command-line order and applied after the source (a "HEATMAP:" string or a
 * descriptor), so what the user types last wins. Values are validated by the
 * engine (hm_spec_set), never here, so there is one set of messages.
 */
#ifndef HM_APPS_SPEC_ARGS_H
#define HM_APPS_SPEC_ARGS_H

#include <heatmap.h>

#include "opt.h"

#define HM_APP_MAX_PAIRS 64

/* One KEY=VALUE for the spec. */
typedef struct hm_app_pair {
    char key[64];      /* spec key, upper case */
    const char *value; /* borrowed from argv or from an option table */
} hm_app_pair;

typedef struct hm_app_spec_args {
    hm_app_pair pairs[HM_APP_MAX_PAIRS]; /* in command-line order */
    size_t count;                        /* used entries */
} hm_app_spec_args;

/*
 * The shared options as an option table (opt.h), for a command's table to
 * include: --band, --palette, ... --bounds and --option KEY=VALUE, each
 * appending its spec key to the command's hm_app_spec_args.
 */
extern const hm_app_opt hm_app_spec_opts[];

/* Append KEY=VALUE as if typed last. Returns -1 (printed) when the list is full. */
int hm_app_spec_args_add(hm_app_spec_args *args, const char *verb, const char *key,
                         const char *value);

/*
 * Build a spec: the source (folder, descriptor file or "HEATMAP:" string),
 * then every pair in order, then RENDER=default_band when the result has no
 * RENDER (default_band NULL: leave it unstyled).
 * Returns HM_EXIT_OK, HM_EXIT_USAGE (a bad option value, message printed)
 * or HM_EXIT_ERROR (unreadable descriptor, out of memory; printed).
 */
int hm_app_spec_build(hm_spec **out, hm_ctx *ctx, const char *verb, const char *source,
                      const hm_app_spec_args *args, const char *default_band);

/* Warnings of the engine to stderr ("heatmap: warning: ..."); debug messages too when the
 * environment has HEATMAP_DEBUG. */
void hm_app_log_to_stderr(hm_ctx *ctx);

/* Print the context's last error as "heatmap: VERB: path:line: msg". */
void hm_app_engine_error(hm_ctx *ctx, const char *verb);

/* Seconds from a monotonic clock. */
double hm_app_now(void);

/* Number of online cores, at least 1. */
int hm_app_cores(void);

#endif /* HM_APPS_SPEC_ARGS_H */
