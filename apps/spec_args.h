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

#define HM_APP_MAX_PAIRS 64

/* One KEY=VALUE for the spec and the flag it came from, for messages. */
typedef struct hm_app_pair {
    char key[64];     /* spec key, upper case */
    const char *value; /* borrowed from argv */
    const char *flag;  /* "--palette", "--option", ... */
} hm_app_pair;

typedef struct hm_app_spec_args {
    hm_app_pair pairs[HM_APP_MAX_PAIRS]; /* in command-line order */
    size_t count;                        /* used entries */
} hm_app_spec_args;

/* Help text of the shared options, for the commands' usage(). */
extern const char hm_app_spec_args_help[];

/*
 * Consume argv[*i] (and its value, "--flag VALUE" or "--flag=VALUE") when it
 * is a shared option; *i is left on the last argument used.
 * Returns 1 when consumed, 0 when not a shared option, -1 on a usage error
 * (already printed as "heatmap: VERB: ...").
 */
int hm_app_spec_args_parse(hm_app_spec_args *args, const char *verb, int argc, char **argv,
                           int *i);

/* What hm_app_args_common() did with argv[*i]. */
enum {
    HM_APP_ARG_BAD = -1,  /* usage error, message printed */
    HM_APP_ARG_OTHER = 0, /* not handled: the command's own option or operand */
    HM_APP_ARG_USED = 1,  /* a shared option, consumed */
    HM_APP_ARG_HELP = 2   /* --help or -h */
};

/*
 * The start of every command's option loop: a shared option
 * (hm_app_spec_args_parse()), then --help/-h, then a check that argv[*i], when
 * it is one of the command's own flags in `valued` (NULL-terminated), has a
 * value after it ("heatmap: VERB: FLAG needs a value" otherwise).
 * Returns one of HM_APP_ARG_*.
 */
int hm_app_args_common(hm_app_spec_args *args, const char *verb, int argc, char **argv, int *i,
                       const char *const *valued);

/* Append KEY=VALUE as if typed last. Returns -1 (printed) when the list is full. */
int hm_app_spec_args_add(hm_app_spec_args *args, const char *verb, const char *key,
                         const char *value, const char *flag);

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

/* Parse a whole decimal number in [lo, hi] as options are read (hm_text_parse_int: white
 * space around it allowed); 0 on success, -1 for NULL or anything else. */
int hm_app_parse_int(const char *s, long lo, long hi, long *out);

/* Seconds from a monotonic clock. */
double hm_app_now(void);

/* Number of online cores, at least 1. */
int hm_app_cores(void);

#endif /* HM_APPS_SPEC_ARGS_H */
