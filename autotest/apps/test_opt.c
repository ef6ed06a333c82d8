/* SPDX-License-Identifier: MIT */
/*
 * The option tables of apps/opt.c: parsing, the error messages and the
 * generated help, against a test table that has one entry of every type.
 * Expected texts are written out by hand; stdout and stderr are captured
 * around each call, since what the user reads is the contract.
 */
#include <CUnit/CUnit.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "opt.h"
#include "spec_args.h"

typedef struct test_opts {
    const char *src;       /* SRC */
    const char *out;       /* -o */
    int verbose;           /* -v */
    int level;             /* --level */
    int color;             /* --color: index in colors */
    int parity;            /* --parity: 1 odd, 2 even */
    hm_app_spec_args spec; /* --zoom, --palette, --virtual, --option, --secret */
} test_opts;

static const char *const colors[] = {"RED", "GREEN", "BLUE", NULL};

static int parse_parity(void *opts, const char *value)
{
    test_opts *o = opts;

    if (strcmp(value, "odd") == 0)
        o->parity = 1;
    else if (strcmp(value, "even") == 0)
        o->parity = 2;
    else
        return -1;
    return 0;
}

/* clang-format off */
static const hm_app_opt shared[] = {
    {.type = HM_APP_OPT_HEADING, .name = "shared:"},
    {.type = HM_APP_OPT_VALUE, .name = "palette", .value_name = "P", .key = "PALETTE",
     .help = "a palette"},
    {.type = HM_APP_OPT_SWITCH, .name = "virtual", .key = "INCLUDE_VIRTUAL", .fixed = "YES",
     .help = "virtual too"},
    {.type = HM_APP_OPT_KEYVAL, .name = "option", .value_name = "KEY=VALUE", .help = "any key"},
    {.type = HM_APP_OPT_END},
};
/* clang-format on */

/* clang-format off */
static const hm_app_opt hidden[] = {
    {.type = HM_APP_OPT_VALUE, .name = "secret", .value_name = "S", .key = "SECRET",
     .help = "not listed"},
    {.type = HM_APP_OPT_END},
};
/* clang-format on */

/* clang-format off */
static const hm_app_opt table[] = {
    {.type = HM_APP_OPT_OPERAND, .name = "SRC", .offset = offsetof(test_opts, src)},
    {.type = HM_APP_OPT_VALUE, .name = "output", .alias = 'o', .value_name = "FILE",
     .offset = offsetof(test_opts, out), .flags = HM_APP_OPT_REQUIRED, .help = "where to write"},
    {.type = HM_APP_OPT_SWITCH, .name = "verbose", .alias = 'v',
     .offset = offsetof(test_opts, verbose), .help = "say more"},
    {.type = HM_APP_OPT_INT, .name = "level", .value_name = "N", .min = 1, .max = 9,
     .offset = offsetof(test_opts, level),
     .help = "how hard to try, from one (gentle) to nine (as hard as it gets); anything else "
             "is refused"},
    {.type = HM_APP_OPT_INT, .name = "zoom", .value_name = "Z", .min = 0, .max = 22,
     .key = "ZOOM", .expect = "an integer from 0 to 22", .help = "zoom"},
    {.type = HM_APP_OPT_CHOICE, .name = "color", .choices = colors,
     .offset = offsetof(test_opts, color), .help = "colour of the thing"},
    {.type = HM_APP_OPT_FUNC, .name = "parity", .value_name = "odd|even", .parse = parse_parity,
     .expect = "odd or even", .help = "which numbers"},
    {.type = HM_APP_OPT_INCLUDE, .include = shared},
    {.type = HM_APP_OPT_INCLUDE, .include = hidden, .flags = HM_APP_OPT_HIDDEN},
    {.type = HM_APP_OPT_END},
};
/* clang-format on */

static const hm_app_command command = {"test", table, "About.\n", "Notes.\n"};

static const char usage_line[] = "usage: heatmap test SRC -o FILE [options]  (see --help)\n";

/* What one parse printed. */
static char out_text[4096], err_text[4096];

static void slurp(FILE *f, char *buf, size_t size)
{
    size_t n;

    rewind(f);
    n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    fclose(f);
}

/* Parse the NULL-terminated arguments after the verb into *o, capturing stdout and stderr. */
static int parse(test_opts *o, ...)
{
    char *argv[32];
    int argc = 0, rc, saved_out, saved_err;
    FILE *out = tmpfile(), *err = tmpfile();
    va_list ap;

    CU_ASSERT_FATAL(out && err);
    argv[argc++] = "test";
    va_start(ap, o);
    while ((argv[argc] = va_arg(ap, char *)) != NULL)
        argc++;
    va_end(ap);
    memset(o, 0, sizeof(*o));
    fflush(stdout);
    fflush(stderr);
    saved_out = dup(1);
    saved_err = dup(2);
    dup2(fileno(out), 1);
    dup2(fileno(err), 2);
    rc = hm_app_opt_parse(&command, o, &o->spec, argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(saved_out, 1);
    dup2(saved_err, 2);
    close(saved_out);
    close(saved_err);
    slurp(out, out_text, sizeof(out_text));
    slurp(err, err_text, sizeof(err_text));
    return rc;
}

/* A usage error: rc, the message and the usage line, nothing on stdout. */
static void check_bad(int rc, const char *message)
{
    char want[1024];

    snprintf(want, sizeof(want), "heatmap: test: %s\n%s", message, usage_line);
    CU_ASSERT_EQUAL(rc, HM_APP_OPT_BAD);
    CU_ASSERT_STRING_EQUAL(err_text, want);
    CU_ASSERT_STRING_EQUAL(out_text, "");
}

static void test_opt__value_forms(void)
{
    test_opts o;

    CU_ASSERT_EQUAL(parse(&o, "src", "--output", "a.png", NULL), HM_APP_OPT_OK);
    CU_ASSERT_STRING_EQUAL(o.src, "src");
    CU_ASSERT_STRING_EQUAL(o.out, "a.png");
    CU_ASSERT_EQUAL(parse(&o, "--output=b.png", "src", NULL), HM_APP_OPT_OK);
    CU_ASSERT_STRING_EQUAL(o.out, "b.png");
    CU_ASSERT_EQUAL(parse(&o, "src", "-o", "c.png", "-v", NULL), HM_APP_OPT_OK);
    CU_ASSERT_STRING_EQUAL(o.out, "c.png");
    CU_ASSERT_EQUAL(o.verbose, 1);
    /* "=" splits at the first one only; a value may start with '-'. */
    CU_ASSERT_EQUAL(parse(&o, "src", "--output=x=y", NULL), HM_APP_OPT_OK);
    CU_ASSERT_STRING_EQUAL(o.out, "x=y");
    CU_ASSERT_EQUAL(parse(&o, "src", "-o", "-", NULL), HM_APP_OPT_OK);
    CU_ASSERT_STRING_EQUAL(o.out, "-");
    /* The last one wins. */
    CU_ASSERT_EQUAL(parse(&o, "src", "-o", "1", "--output", "2", "--level", "3", "--level=4", NULL),
                    HM_APP_OPT_OK);
    CU_ASSERT_STRING_EQUAL(o.out, "2");
    CU_ASSERT_EQUAL(o.level, 4);
    CU_ASSERT_STRING_EQUAL(err_text, "");
}

static void test_opt__missing_value(void)
{
    test_opts o;

    check_bad(parse(&o, "src", "-o", NULL), "-o needs a value");
    check_bad(parse(&o, "src", "-o", "f", "--level", NULL), "--level needs a value");
    check_bad(parse(&o, "src", "-o", "f", "--palette", NULL), "--palette needs a value");
    check_bad(parse(&o, "src", "-o", "f", "--verbose=yes", NULL), "--verbose takes no value");
    check_bad(parse(&o, "src", "-o", "f", "--virtual=NO", NULL), "--virtual takes no value");
}

static void test_opt__integer_bounds(void)
{
    test_opts o;

    CU_ASSERT_EQUAL(parse(&o, "src", "-o", "f", "--level", "1", NULL), HM_APP_OPT_OK);
    CU_ASSERT_EQUAL(o.level, 1);
    CU_ASSERT_EQUAL(parse(&o, "src", "-o", "f", "--level", "9", NULL), HM_APP_OPT_OK);
    CU_ASSERT_EQUAL(o.level, 9);
    check_bad(parse(&o, "src", "-o", "f", "--level", "0", NULL),
              "--level takes a number from 1 to 9");
    check_bad(parse(&o, "src", "-o", "f", "--level", "10", NULL),
              "--level takes a number from 1 to 9");
    check_bad(parse(&o, "src", "-o", "f", "--level=", NULL), "--level takes a number from 1 to 9");
    check_bad(parse(&o, "src", "-o", "f", "--level", "3x", NULL),
              "--level takes a number from 1 to 9");
    /* With an expect text, the value is quoted back. */
    check_bad(parse(&o, "src", "-o", "f", "--zoom", "23", NULL),
              "--zoom 23: expected an integer from 0 to 22");
    check_bad(parse(&o, "src", "-o", "f", "--zoom=-1", NULL),
              "--zoom -1: expected an integer from 0 to 22");
}

static void test_opt__unknown_option(void)
{
    test_opts o;

    check_bad(parse(&o, "src", "--nope", NULL), "unknown option '--nope'");
    check_bad(parse(&o, "src", "--nope=3", NULL), "unknown option '--nope=3'");
    check_bad(parse(&o, "src", "-x", NULL), "unknown option '-x'");
    check_bad(parse(&o, "src", "-ov", NULL), "unknown option '-ov'");
    /* Names are whole: no prefix matching, no case folding. */
    check_bad(parse(&o, "src", "--out", "f", NULL), "unknown option '--out'");
    check_bad(parse(&o, "src", "--Output", "f", NULL), "unknown option '--Output'");
    check_bad(parse(&o, "src", "---output", "f", NULL), "unknown option '---output'");
}

static void test_opt__operands(void)
{
    test_opts o;

    check_bad(parse(&o, NULL), "SRC is missing");
    check_bad(parse(&o, "-o", "f", NULL), "SRC is missing");
    check_bad(parse(&o, "src", NULL), "-o FILE is missing");
    check_bad(parse(&o, "a", "b", "-o", "f", NULL), "only one SRC may be given ('b')");
    /* "-" alone is an operand (standard input), not an option. */
    CU_ASSERT_EQUAL(parse(&o, "-", "-o", "f", NULL), HM_APP_OPT_OK);
    CU_ASSERT_STRING_EQUAL(o.src, "-");
}

static void test_opt__double_dash_ends_options(void)
{
    test_opts o;

    CU_ASSERT_EQUAL(parse(&o, "-o", "f", "--", "-v", NULL), HM_APP_OPT_OK);
    CU_ASSERT_STRING_EQUAL(o.src, "-v");
    CU_ASSERT_EQUAL(o.verbose, 0);
    CU_ASSERT_EQUAL(parse(&o, "-o", "f", "--", "--help", NULL), HM_APP_OPT_OK);
    CU_ASSERT_STRING_EQUAL(o.src, "--help");
    CU_ASSERT_STRING_EQUAL(out_text, "");
    /* Only the first "--" is special. */
    check_bad(parse(&o, "-o", "f", "--", "--", "--", NULL), "only one SRC may be given ('--')");
    /* As a value, "--" is just a value. */
    CU_ASSERT_EQUAL(parse(&o, "src", "-o", "--", NULL), HM_APP_OPT_OK);
    CU_ASSERT_STRING_EQUAL(o.out, "--");
    check_bad(parse(&o, "-o", "f", "--", NULL), "SRC is missing");
}

static void test_opt__choice_and_callback(void)
{
    test_opts o;

    CU_ASSERT_EQUAL(parse(&o, "s", "-o", "f", "--color", "green", NULL), HM_APP_OPT_OK);
    CU_ASSERT_EQUAL(o.color, 1);
    CU_ASSERT_EQUAL(parse(&o, "s", "-o", "f", "--color=BLUE", NULL), HM_APP_OPT_OK);
    CU_ASSERT_EQUAL(o.color, 2);
    check_bad(parse(&o, "s", "-o", "f", "--color", "Green", NULL),
              "--color Green: expected red, green or blue");
    CU_ASSERT_EQUAL(parse(&o, "s", "-o", "f", "--parity", "even", NULL), HM_APP_OPT_OK);
    CU_ASSERT_EQUAL(o.parity, 2);
    check_bad(parse(&o, "s", "-o", "f", "--parity", "3", NULL), "--parity 3: expected odd or even");
}

static void test_opt__spec_pairs_in_order(void)
{
    static const char *const want[][2] = {
        {"PALETTE", "hot"},         {"ZOOM", "3"},   {"MAX_GAP", "5=6"},
        {"INCLUDE_VIRTUAL", "YES"}, {"SECRET", "s"}, {"PALETTE", "blue"},
    };
    test_opts o;
    size_t k;

    CU_ASSERT_EQUAL(parse(&o, "--palette", "hot", "src", "--zoom", "3", "--option", "max_gap=5=6",
                          "--virtual", "-o", "f", "--secret=s", "--palette=blue", NULL),
                    HM_APP_OPT_OK);
    CU_ASSERT_EQUAL_FATAL(o.spec.count, sizeof(want) / sizeof(want[0]));
    for (k = 0; k < o.spec.count; k++) {
        CU_ASSERT_STRING_EQUAL(o.spec.pairs[k].key, want[k][0]);
        CU_ASSERT_STRING_EQUAL(o.spec.pairs[k].value, want[k][1]);
    }
    check_bad(parse(&o, "src", "--option", "ZOOM", NULL), "--option ZOOM: expected KEY=VALUE");
    check_bad(parse(&o, "src", "--option", "=3", NULL), "--option =3: expected KEY=VALUE");
}

static const char help_text[] =
    "usage: heatmap test SRC -o FILE [options]\n"
    "\n"
    "About.\n"
    "\n"
    "  -o, --output FILE    where to write\n"
    "  -v, --verbose        say more\n"
    "  --level N            how hard to try, from one (gentle) to nine (as hard as it\n"
    "                       gets); anything else is refused\n"
    "  --zoom Z             zoom (ZOOM)\n"
    "  --color red|green|blue\n"
    "                       colour of the thing\n"
    "  --parity odd|even    which numbers\n"
    "\n"
    "shared:\n"
    "  --palette P          a palette (PALETTE)\n"
    "  --virtual            virtual too (INCLUDE_VIRTUAL=YES)\n"
    "  --option KEY=VALUE   any key\n"
    "\n"
    "Notes.\n";

static void test_opt__help_lists_every_entry(void)
{
    test_opts o;

    CU_ASSERT_EQUAL(parse(&o, "src", "--help", "--nope", NULL), HM_APP_OPT_HELP);
    CU_ASSERT_STRING_EQUAL(out_text, help_text);
    CU_ASSERT_STRING_EQUAL(err_text, "");
    CU_ASSERT_EQUAL(parse(&o, "-h", NULL), HM_APP_OPT_HELP);
    CU_ASSERT_STRING_EQUAL(out_text, help_text);
    /* Errors before --help win: arguments are read in order. */
    check_bad(parse(&o, "--nope", "--help", NULL), "unknown option '--nope'");
}

void hm_test_opt_suite(void)
{
    static CU_TestInfo tests[] = {
        {"value_forms", test_opt__value_forms},
        {"missing_value", test_opt__missing_value},
        {"integer_bounds", test_opt__integer_bounds},
        {"unknown_option", test_opt__unknown_option},
        {"operands", test_opt__operands},
        {"double_dash_ends_options", test_opt__double_dash_ends_options},
        {"choice_and_callback", test_opt__choice_and_callback},
        {"spec_pairs_in_order", test_opt__spec_pairs_in_order},
        {"help_lists_every_entry", test_opt__help_lists_every_entry},
        CU_TEST_INFO_NULL,
    };
    CU_SuiteInfo suites[] = {{"opt", NULL, NULL, NULL, NULL, tests}, CU_SUITE_INFO_NULL};

    CU_register_suites(suites);
}
