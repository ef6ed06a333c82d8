/* SPDX-License-Identifier: MIT */
/*
 * The one option parser and help printer of the `heatmap` commands (see
 * opt.h). Tables are small (a dozen entries, one level of include), so
 * lookups are linear scans in table order, and the first entry with a name
 * wins: a command can declare its own --option before including the shared
 * table. The parser never allocates: strings stay borrowed from argv, and
 * spec pairs go to the caller's fixed hm_app_spec_args. Messages keep the
 * wording the tests and users know ("heatmap: VERB: --zoom 23: expected
 * ..."), and every usage error ends with the same one-line usage, so a
 * mistake costs two lines of stderr, never the whole help.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <heatmap.h>

#include "cmd.h"
#include "opt.h"
#include "spec_args.h"

/* Entries of a command's own table; `seen` of required options is kept per entry. */
#define MAX_ENTRIES 64
/* Column of the help paragraphs, and the width they are wrapped to. */
#define HELP_COLUMN 23
#define HELP_WIDTH  80

/* Every message of the tool goes through here (declared in cmd.h): the parser's, and the
 * commands'. */
void hm_app_error(const char *fmt, ...)
{
    va_list ap;

    fputs("heatmap: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static int is_option(const hm_app_opt *o)
{
    return o->type >= HM_APP_OPT_SWITCH && o->type <= HM_APP_OPT_FUNC;
}

static const hm_app_opt *find_long(const hm_app_opt *t, const char *name, size_t len)
{
    for (; t->type != HM_APP_OPT_END; t++) {
        if (t->type == HM_APP_OPT_INCLUDE) {
            const hm_app_opt *f = find_long(t->include, name, len);
            if (f)
                return f;
        } else if (is_option(t) && strlen(t->name) == len && memcmp(t->name, name, len) == 0) {
            return t;
        }
    }
    return NULL;
}

static const hm_app_opt *find_short(const hm_app_opt *t, char alias)
{
    for (; t->type != HM_APP_OPT_END; t++) {
        if (t->type == HM_APP_OPT_INCLUDE) {
            const hm_app_opt *f = find_short(t->include, alias);
            if (f)
                return f;
        } else if (is_option(t) && t->alias && t->alias == alias) {
            return t;
        }
    }
    return NULL;
}

/* A word of a choice as the command line spells it: the spec spelling in lower case. */
static void lower(char *out, size_t size, const char *s)
{
    size_t k;

    for (k = 0; s[k] && k + 1 < size; k++)
        out[k] = (s[k] >= 'A' && s[k] <= 'Z') ? (char)(s[k] - 'A' + 'a') : s[k];
    out[k] = '\0';
}

/* The choices joined by sep, and by last before the last one: "rgba or palette". */
static void join_choices(char *out, size_t size, const char *const *c, const char *sep,
                         const char *last)
{
    size_t used = 0, k;
    char word[64];

    out[0] = '\0';
    for (k = 0; c[k] && used < size; k++) {
        const char *before = k == 0 ? "" : c[k + 1] ? sep : last;

        lower(word, sizeof(word), c[k]);
        used += (size_t)snprintf(out + used, size - used, "%s%s", before, word);
    }
}

/* "-o" when the option has a short name, else "--name": how the usage line names it. */
static void short_name(char *out, size_t size, const hm_app_opt *o)
{
    if (o->alias)
        snprintf(out, size, "-%c", o->alias);
    else
        snprintf(out, size, "--%s", o->name);
}

static void value_name(char *out, size_t size, const hm_app_opt *o)
{
    if (o->value_name)
        snprintf(out, size, "%s", o->value_name);
    else if (o->type == HM_APP_OPT_CHOICE)
        join_choices(out, size, o->choices, "|", "|");
    else
        snprintf(out, size, "VALUE");
}

static int has_visible_option(const hm_app_opt *t, int top)
{
    for (; t->type != HM_APP_OPT_END; t++) {
        if (t->flags & HM_APP_OPT_HIDDEN)
            continue;
        if (t->type == HM_APP_OPT_INCLUDE && has_visible_option(t->include, 0))
            return 1;
        if (is_option(t) && !(top && (t->flags & HM_APP_OPT_REQUIRED)))
            return 1;
    }
    return 0;
}

static void usage_text(char *out, size_t size, const hm_app_command *cmd)
{
    const hm_app_opt *o;
    size_t used;
    char name[64], value[64];

    used = (size_t)snprintf(out, size, "usage: heatmap %s", cmd->verb);
    for (o = cmd->opts; o->type != HM_APP_OPT_END && used < size; o++)
        if (o->type == HM_APP_OPT_OPERAND)
            used += (size_t)snprintf(out + used, size - used, " %s", o->name);
    for (o = cmd->opts; o->type != HM_APP_OPT_END && used < size; o++) {
        if (!is_option(o) || !(o->flags & HM_APP_OPT_REQUIRED))
            continue;
        short_name(name, sizeof(name), o);
        value_name(value, sizeof(value), o);
        used += (size_t)snprintf(out + used, size - used, " %s %s", name, value);
    }
    if (used < size && has_visible_option(cmd->opts, 1))
        snprintf(out + used, size - used, " [options]");
}

void hm_app_opt_write_usage(FILE *out, const hm_app_command *cmd)
{
    char buf[512];

    usage_text(buf, sizeof(buf), cmd);
    fprintf(out, "%s\n", buf);
}

/* The last line of every usage error. */
static void write_usage_hint(const hm_app_command *cmd)
{
    char buf[512];

    usage_text(buf, sizeof(buf), cmd);
    fprintf(stderr, "%s  (see --help)\n", buf);
}

/* "heatmap: VERB: msg", then the usage line; returns HM_APP_OPT_BAD. */
static int usage_error(const hm_app_command *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static int usage_error(const hm_app_command *cmd, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    hm_app_error("%s: %s", cmd->verb, msg);
    write_usage_hint(cmd);
    return HM_APP_OPT_BAD;
}

static int add_pair(const hm_app_command *cmd, hm_app_spec_args *pairs, const char *key,
                    const char *value)
{
    assert(pairs && "a table with spec keys needs an hm_app_spec_args");
    if (hm_app_spec_args_add(pairs, cmd->verb, key, value) != 0) {
        write_usage_hint(cmd); /* the list is full; the message is printed */
        return HM_APP_OPT_BAD;
    }
    return HM_APP_OPT_OK;
}

/* Check value against o and store it where o says. */
static int apply(const hm_app_command *cmd, const hm_app_opt *o, const char *value, void *opts,
                 hm_app_spec_args *pairs)
{
    char *dest = (char *)opts + o->offset, key[64], list[256];
    const char *eq;
    long v;
    size_t k;

    switch (o->type) {
    case HM_APP_OPT_SWITCH:
        if (o->key)
            return add_pair(cmd, pairs, o->key, o->fixed);
        *(int *)dest = 1;
        return HM_APP_OPT_OK;
    case HM_APP_OPT_VALUE:
    case HM_APP_OPT_OPERAND:
        if (o->key)
            return add_pair(cmd, pairs, o->key, value);
        *(const char **)dest = value;
        return HM_APP_OPT_OK;
    case HM_APP_OPT_INT:
        if (hm_app_parse_int(value, o->min, o->max, &v) != 0) {
            if (o->expect)
                return usage_error(cmd, "--%s %s: expected %s", o->name, value, o->expect);
            return usage_error(cmd, "--%s takes a number from %ld to %ld", o->name, o->min, o->max);
        }
        if (o->key)
            return add_pair(cmd, pairs, o->key, value);
        *(int *)dest = (int)v;
        return HM_APP_OPT_OK;
    case HM_APP_OPT_CHOICE:
        for (k = 0; o->choices[k]; k++) {
            lower(list, sizeof(list), o->choices[k]);
            if (strcmp(value, o->choices[k]) == 0 || strcmp(value, list) == 0)
                break;
        }
        if (!o->choices[k]) {
            join_choices(list, sizeof(list), o->choices, ", ", " or ");
            return usage_error(cmd, "--%s %s: expected %s", o->name, value, list);
        }
        if (o->key)
            return add_pair(cmd, pairs, o->key, o->choices[k]);
        *(int *)dest = (int)k;
        return HM_APP_OPT_OK;
    case HM_APP_OPT_KEYVAL:
        eq = strchr(value, '=');
        if (!eq || eq == value || (size_t)(eq - value) >= sizeof(key))
            return usage_error(cmd, "--%s %s: expected KEY=VALUE", o->name, value);
        memcpy(key, value, (size_t)(eq - value));
        key[eq - value] = '\0';
        return add_pair(cmd, pairs, key, eq + 1);
    case HM_APP_OPT_FUNC:
        if (o->parse(opts, value) != 0)
            return usage_error(cmd, "--%s %s: expected %s", o->name, value, o->expect);
        return HM_APP_OPT_OK;
    default: assert(!"not a parsed entry"); return HM_APP_OPT_BAD;
    }
}

/*
 * Note that entry o was given, when it is one of the command's own n entries (required ones
 * are checked there: an included table, the shared spec flags, has none). Compared by
 * address one entry at a time, since o may point into another table.
 */
static void mark_seen(unsigned char *seen, const hm_app_opt *own, size_t n, const hm_app_opt *o)
{
    size_t k;

    for (k = 0; k < n; k++)
        if (&own[k] == o)
            seen[k] = 1;
}

int hm_app_opt_parse(const hm_app_command *cmd, void *opts, hm_app_spec_args *pairs, int argc,
                     char **argv)
{
    unsigned char seen[MAX_ENTRIES];
    const hm_app_opt *o, *next_operand = cmd->opts, *operand = NULL;
    size_t n = 0, noperands = 0;
    int i, only_operands = 0, rc;

    for (o = cmd->opts; o->type != HM_APP_OPT_END; o++, n++) {
        if (o->type == HM_APP_OPT_OPERAND) {
            operand = o;
            noperands++;
        }
    }
    assert(n <= MAX_ENTRIES);
    memset(seen, 0, sizeof(seen));
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *value = NULL;
        int typed; /* length of the option as typed, without "=VALUE" */

        if (!only_operands && strcmp(a, "--") == 0) {
            only_operands = 1;
            continue;
        }
        if (only_operands || a[0] != '-' || a[1] == '\0') { /* "-" is standard input */
            while (next_operand->type != HM_APP_OPT_END && next_operand->type != HM_APP_OPT_OPERAND)
                next_operand++;
            if (next_operand->type == HM_APP_OPT_END) {
                if (noperands == 1)
                    return usage_error(cmd, "only one %s may be given ('%s')", operand->name, a);
                return usage_error(cmd, "unexpected argument '%s'", a);
            }
            rc = apply(cmd, next_operand, a, opts, pairs);
            if (rc != HM_APP_OPT_OK)
                return rc;
            seen[next_operand - cmd->opts] = 1;
            next_operand++;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            hm_app_opt_write_help(stdout, cmd);
            return HM_APP_OPT_HELP;
        }
        if (a[1] == '-') {
            const char *eq = strchr(a + 2, '=');

            typed = eq ? (int)(eq - a) : (int)strlen(a);
            value = eq ? eq + 1 : NULL;
            o = find_long(cmd->opts, a + 2, (size_t)typed - 2);
        } else {
            typed = 2;
            o = a[2] == '\0' ? find_short(cmd->opts, a[1]) : NULL;
        }
        if (!o)
            return usage_error(cmd, "unknown option '%s'", a);
        if (o->type == HM_APP_OPT_SWITCH) {
            if (value)
                return usage_error(cmd, "%.*s takes no value", typed, a);
        } else if (!value) {
            if (i + 1 >= argc)
                return usage_error(cmd, "%.*s needs a value", typed, a);
            value = argv[++i];
        }
        rc = apply(cmd, o, value, opts, pairs);
        if (rc != HM_APP_OPT_OK)
            return rc;
        mark_seen(seen, cmd->opts, n, o);
    }
    /* Operands first, then options, each in table order: the order of the usage line. */
    for (o = cmd->opts; o->type != HM_APP_OPT_END; o++)
        if (o->type == HM_APP_OPT_OPERAND && !seen[o - cmd->opts])
            return usage_error(cmd, "%s is missing", o->name);
    for (o = cmd->opts; o->type != HM_APP_OPT_END; o++) {
        char name[64], val[64];

        if (!is_option(o) || !(o->flags & HM_APP_OPT_REQUIRED) || seen[o - cmd->opts])
            continue;
        short_name(name, sizeof(name), o);
        value_name(val, sizeof(val), o);
        return usage_error(cmd, "%s %s is missing", name, val);
    }
    return HM_APP_OPT_OK;
}

/* text wrapped to HELP_WIDTH, its first line continuing at column col. */
static void write_wrapped(FILE *out, const char *text, int col)
{
    const char *p = text;
    int at = col;

    while (*p) {
        size_t word = strcspn(p, " ");

        if (at > HELP_COLUMN && at + 1 + (int)word > HELP_WIDTH) {
            fprintf(out, "\n%*s", HELP_COLUMN, "");
            at = HELP_COLUMN;
        } else if (at > HELP_COLUMN) {
            fputc(' ', out);
            at++;
        }
        fwrite(p, 1, word, out);
        at += (int)word;
        p += word;
        while (*p == ' ')
            p++;
    }
    fputc('\n', out);
}

static void write_entry(FILE *out, const hm_app_opt *o)
{
    char names[128], val[64], help[1024];
    int len;

    if (o->type == HM_APP_OPT_OPERAND) {
        snprintf(names, sizeof(names), "%s", o->name);
    } else {
        len = o->alias ? snprintf(names, sizeof(names), "-%c, --%s", o->alias, o->name)
                       : snprintf(names, sizeof(names), "--%s", o->name);
        if (o->type != HM_APP_OPT_SWITCH && len >= 0 && (size_t)len < sizeof(names)) {
            value_name(val, sizeof(val), o);
            snprintf(names + len, sizeof(names) - (size_t)len, " %s", val);
        }
    }
    /* The spec key an option sets is part of its documentation: it is what a
     * HEATMAP: string, a descriptor or an open option would say. */
    if (o->key && o->type == HM_APP_OPT_SWITCH)
        snprintf(help, sizeof(help), "%s (%s=%s)", o->help, o->key, o->fixed);
    else if (o->key)
        snprintf(help, sizeof(help), "%s (%s)", o->help, o->key);
    else
        snprintf(help, sizeof(help), "%s", o->help);
    len = fprintf(out, "  %s", names);
    if (len + 2 > HELP_COLUMN) {
        fputc('\n', out);
        len = 0;
    }
    fprintf(out, "%*s", HELP_COLUMN - len, "");
    write_wrapped(out, help, HELP_COLUMN);
}

static void write_table(FILE *out, const hm_app_opt *t, int *first)
{
    for (; t->type != HM_APP_OPT_END; t++) {
        if (t->flags & HM_APP_OPT_HIDDEN)
            continue;
        if (t->type == HM_APP_OPT_INCLUDE) {
            write_table(out, t->include, first);
            continue;
        }
        if (t->type == HM_APP_OPT_HEADING) {
            fprintf(out, "%s%s\n", *first ? "" : "\n", t->name);
        } else if (is_option(t) || t->help) {
            assert(t->help && "every option is documented");
            write_entry(out, t);
        } else {
            continue; /* an operand the prose describes */
        }
        *first = 0;
    }
}

void hm_app_opt_write_help(FILE *out, const hm_app_command *cmd)
{
    int first = 1;

    hm_app_opt_write_usage(out, cmd);
    if (cmd->about)
        fprintf(out, "\n%s", cmd->about);
    fputc('\n', out);
    write_table(out, cmd->opts, &first);
    if (cmd->notes)
        fprintf(out, "\n%s", cmd->notes);
}

int hm_app_parse_int(const char *s, long lo, long hi, long *out)
{
    int64_t v;

    if (!s || hm_text_parse_int(&v, s, strlen(s), lo, hi) != HM_OK)
        return -1;
    *out = (long)v;
    return 0;
}
