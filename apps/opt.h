/* SPDX-License-Identifier: MIT */
/*
 * Command-line options from tables, after libgit2's cli_opt_spec
 * (src/cli/opt.h): each command declares its options once, in an array of
 * hm_app_opt ended by HM_APP_OPT_END, and parsing, validation, the usage
 * line, the error messages and the options part of --help all come from that
 * array, so a flag cannot be accepted without being documented or documented
 * without being accepted.
 *
 * Where a value goes: an entry with a `key` appends KEY=VALUE to the
 * command's hm_app_spec_args in command-line order (the engine validates it
 * when the spec is built); any other entry writes into the command's own
 * options struct at `offset` (an int, or a borrowed argv string); an
 * HM_APP_OPT_FUNC entry hands the value to its callback. Every option may be
 * given more than once: the last one wins, and spec pairs accumulate.
 */
#ifndef HM_APPS_OPT_H
#define HM_APPS_OPT_H

#include <stddef.h>
#include <stdio.h>

struct hm_app_spec_args; /* spec_args.h */

typedef enum hm_app_opt_type {
    HM_APP_OPT_END = 0, /* ends a table */
    HM_APP_OPT_SWITCH,  /* no value: int 1, or KEY=fixed */
    HM_APP_OPT_VALUE,   /* a string, borrowed from argv */
    HM_APP_OPT_INT,     /* a whole number in [min, max]: int, or KEY=text as typed */
    HM_APP_OPT_CHOICE,  /* one of choices: index as int, or KEY=the word's spec spelling */
    HM_APP_OPT_KEYVAL,  /* KEY=VALUE for any spec key */
    HM_APP_OPT_FUNC,    /* a value parse() checks and stores */
    HM_APP_OPT_OPERAND, /* a positional argument, required, in table order */
    HM_APP_OPT_HEADING, /* help only: `name` is a section title */
    HM_APP_OPT_INCLUDE  /* the entries of `include`, as if written here */
} hm_app_opt_type;

/* Flags of an entry. */
#define HM_APP_OPT_REQUIRED 1 /* an option that must be given ("-o OUT.png is missing"); in a
                                 command's own table, not an included one */
#define HM_APP_OPT_HIDDEN   2 /* accepted, but left out of --help and the usage line */

typedef struct hm_app_opt {
    hm_app_opt_type type;
    const char *name;           /* long name without "--"; operand or heading text */
    char alias;                 /* short name ('o' for -o), or '\0' */
    const char *value_name;     /* "FILE"; NULL for a choice: its words joined by '|' */
    const char *help;           /* one paragraph, wrapped by the printer; required for options */
    const char *key;            /* spec key the value goes to, or NULL: see offset */
    size_t offset;              /* without key: offsetof the int (switch, int, choice) or
                                   const char * (value, operand) in the options struct */
    int flags;                  /* HM_APP_OPT_REQUIRED, HM_APP_OPT_HIDDEN */
    long min, max;              /* HM_APP_OPT_INT: inclusive bounds */
    const char *fixed;          /* HM_APP_OPT_SWITCH with key: the value it sets ("YES") */
    const char *const *choices; /* HM_APP_OPT_CHOICE: spec spellings, NULL-terminated */
    const char *expect;         /* a valid value, for "--NAME VALUE: expected EXPECT" */
    int (*parse)(void *opts, const char *value); /* HM_APP_OPT_FUNC: 0 ok, -1 bad */
    const struct hm_app_opt *include;            /* HM_APP_OPT_INCLUDE: another table */
} hm_app_opt;

/* A subcommand: its table and the prose of its --help around the generated part. */
typedef struct hm_app_command {
    const char *verb;       /* "render": messages say "heatmap: render: ..." */
    const hm_app_opt *opts; /* the table */
    const char *about;      /* paragraph(s) between the usage line and the options */
    const char *notes;      /* text after the options (defaults, exit status), or NULL */
} hm_app_command;

/* What hm_app_opt_parse() found. */
enum {
    HM_APP_OPT_OK = 0,   /* parsed: run the command */
    HM_APP_OPT_HELP = 1, /* --help or -h: help written to stdout, exit 0 */
    HM_APP_OPT_BAD = 2   /* usage error: message and usage line on stderr, exit 2 */
};

/*
 * Parse argv[1..argc-1] (argv[0] is the verb) against cmd->opts, writing into
 * the struct opts points at and appending spec pairs to pairs (may be NULL
 * when the table has no keyed entry). Accepts "--name VALUE", "--name=VALUE",
 * "-a VALUE", "--" (everything after it is an operand) and "-" as an operand.
 * Errors are printed as "heatmap: VERB: ..." followed by the usage line.
 * Returns HM_APP_OPT_OK, HM_APP_OPT_HELP or HM_APP_OPT_BAD.
 */
int hm_app_opt_parse(const hm_app_command *cmd, void *opts, struct hm_app_spec_args *pairs,
                     int argc, char **argv);

/* "usage: heatmap VERB OPERANDS REQUIRED-OPTIONS [options]\n". */
void hm_app_opt_write_usage(FILE *out, const hm_app_command *cmd);

/* The whole --help: usage line, about, the options of the table, notes. */
void hm_app_opt_write_help(FILE *out, const hm_app_command *cmd);

/* Parse a whole decimal number in [lo, hi] (hm_text_parse_int: white space around it
 * allowed); 0 on success, -1 for NULL or anything else. */
int hm_app_parse_int(const char *s, long lo, long hi, long *out);

#endif /* HM_APPS_OPT_H */
