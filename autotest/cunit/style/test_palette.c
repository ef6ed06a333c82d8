/* SPDX-License-Identifier: MIT */
/*
 * Tests of src/style/palette.c: named palettes, gradients (stops, colour
 * forms, interpolation, clamping) and every kind of bad gradient with its
 * exact message.
 */
#include <string.h>

#include "style/palette_int.h"
#include "test_util.h"

static int same(const hm_rgba *a, const hm_rgba *b)
{
    return a->r == b->r && a->g == b->g && a->b == b->b && a->a == b->a;
}

static int rgba_is(const hm_rgba *c, int r, int g, int b, int a)
{
    return c->r == r && c->g == g && c->b == b && c->a == a;
}

static void test_palette__greys_is_a_linear_ramp(void)
{
    hm_rgba p[256];
    char why[256];
    int i;

    CU_ASSERT_EQUAL_FATAL(hm_palette__parse(p, "greys", why, sizeof(why)), 0);
    /* entry i is position (i - 1) / 254: 255 (i - 1) / 254, rounded */
    CU_ASSERT(rgba_is(&p[0], 0, 0, 0, 255));
    CU_ASSERT(rgba_is(&p[1], 0, 0, 0, 255));
    CU_ASSERT(rgba_is(&p[128], 128, 128, 128, 255)); /* 255 * 127 / 254 = 127.5 */
    CU_ASSERT(rgba_is(&p[255], 255, 255, 255, 255));
    for (i = 1; i < 256; i++) {
        int v = (int)(255.0 * (i - 1) / 254.0 + 0.5);
        CU_ASSERT(rgba_is(&p[i], v, v, v, 255));
    }
}

static void test_palette__named(void)
{
    static const char *const names[] = {"hot", "blue", "red", "viridis", "greys"};
    hm_rgba p[256], q[256];
    char why[256];
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        const char *g = hm_palette__named(names[i]);

        CU_ASSERT_PTR_NOT_NULL_FATAL(g);
        CU_ASSERT_EQUAL(hm_palette__parse(p, names[i], why, sizeof(why)), 0);
        /* a name is its gradient */
        CU_ASSERT_EQUAL(hm_palette__parse(q, g, why, sizeof(why)), 0);
        CU_ASSERT(memcmp(p, q, sizeof(p)) == 0);
    }
    /* names are case-insensitive and may be padded */
    CU_ASSERT_EQUAL(hm_palette__parse(q, " HoT ", why, sizeof(why)), 0);
    CU_ASSERT_EQUAL(hm_palette__parse(p, "hot", why, sizeof(why)), 0);
    CU_ASSERT(memcmp(p, q, sizeof(p)) == 0);
    /* hot: translucent dark red at the low end, opaque white at the top, alpha rising */
    CU_ASSERT(rgba_is(&p[1], 0x5a, 0, 0, 0x60));
    CU_ASSERT(rgba_is(&p[255], 255, 255, 255, 255));
    for (i = 2; i < 256; i++)
        CU_ASSERT(p[i].a >= p[i - 1].a);
    /* viridis is opaque, from purple to yellow */
    CU_ASSERT_EQUAL(hm_palette__parse(p, "viridis", why, sizeof(why)), 0);
    CU_ASSERT(rgba_is(&p[1], 0x44, 0x01, 0x54, 255));
    CU_ASSERT(rgba_is(&p[255], 0xfd, 0xe7, 0x25, 255));
    CU_ASSERT(rgba_is(&p[128], 0x21, 0x91, 0x8c, 255)); /* 0.5 exactly */
    CU_ASSERT_PTR_NULL(hm_palette__named("magma"));
    CU_ASSERT_PTR_NULL(hm_palette__named("ho"));
    CU_ASSERT_PTR_NULL(hm_palette__named("hott"));
}

static void test_palette__gradients(void)
{
    hm_rgba p[256], q[256];
    char why[256];

    /* 0:000000;1:ffffff is greys; RGB, RRGGBB and #-forms agree */
    CU_ASSERT_EQUAL_FATAL(hm_palette__parse(p, "0:000000;1:ffffff", why, sizeof(why)), 0);
    CU_ASSERT_EQUAL_FATAL(hm_palette__parse(q, "greys", why, sizeof(why)), 0);
    CU_ASSERT(memcmp(p, q, sizeof(p)) == 0);
    CU_ASSERT_EQUAL_FATAL(hm_palette__parse(q, " 0 : #000 ; 1:FFF ", why, sizeof(why)), 0);
    CU_ASSERT(memcmp(p, q, sizeof(p)) == 0);
    CU_ASSERT_EQUAL_FATAL(hm_palette__parse(q, "0:000000ff;1:ffffffFF", why, sizeof(why)), 0);
    CU_ASSERT(memcmp(p, q, sizeof(p)) == 0);

    /* three stops: black, red at 0.5, white; entry 128 is position 0.5 */
    CU_ASSERT_EQUAL_FATAL(hm_palette__parse(p, "0:000000;0.5:ff0000;1:ffffff", why, sizeof(why)),
                          0);
    CU_ASSERT(rgba_is(&p[1], 0, 0, 0, 255));
    CU_ASSERT(rgba_is(&p[128], 255, 0, 0, 255));
    CU_ASSERT(rgba_is(&p[255], 255, 255, 255, 255));
    /* entry 65: position 64/254 = 0.252: half way to red, 255 * 0.50394 = 128.5 -> 129 */
    CU_ASSERT(rgba_is(&p[65], 129, 0, 0, 255));
    /* entry 192: position 191/254 = 0.75197: green and blue 255 * 0.50394 = 128.5 -> 129 */
    CU_ASSERT(rgba_is(&p[192], 255, 129, 129, 255));

    /* alpha interpolates like the colours */
    CU_ASSERT_EQUAL_FATAL(hm_palette__parse(p, "0:ff000000;1:ff0000ff", why, sizeof(why)), 0);
    CU_ASSERT(rgba_is(&p[1], 255, 0, 0, 0));
    CU_ASSERT(rgba_is(&p[128], 255, 0, 0, 128));
    CU_ASSERT(rgba_is(&p[255], 255, 0, 0, 255));

    /* before the first stop and after the last, the end colours continue */
    CU_ASSERT_EQUAL_FATAL(hm_palette__parse(p, "0.25:00ff00;0.75:0000ff", why, sizeof(why)), 0);
    CU_ASSERT(rgba_is(&p[0], 0, 255, 0, 255));
    CU_ASSERT(rgba_is(&p[1], 0, 255, 0, 255));
    CU_ASSERT(rgba_is(&p[64], 0, 255, 0, 255));  /* 63/254 = 0.248 < 0.25 */
    CU_ASSERT(rgba_is(&p[128], 0, 128, 128, 255)); /* 0.5: half way */
    CU_ASSERT(rgba_is(&p[255], 0, 0, 255, 255));

    /* a single stop is a constant colour */
    CU_ASSERT_EQUAL_FATAL(hm_palette__parse(p, "0.5:123", why, sizeof(why)), 0);
    CU_ASSERT(rgba_is(&p[1], 0x11, 0x22, 0x33, 255));
    CU_ASSERT(same(&p[1], &p[255]));
}

static void test_palette__errors(void)
{
    static const struct {
        const char *text;
        const char *message;
    } cases[] = {
        {"", "empty palette (expected hot, blue, red, viridis, greys, or a gradient such as "
             "0:000000;1:ffffff)"},
        {"  ", "empty palette (expected hot, blue, red, viridis, greys, or a gradient such as "
               "0:000000;1:ffffff)"},
        {"magma", "unknown palette 'magma' (expected hot, blue, red, viridis, greys, or a "
                  "gradient such as 0:000000;1:ffffff)"},
        {"0:000000;0.5ff0000;1:ffffff", "stop 2 '0.5ff0000': expected position:colour"},
        {"0:000000;;1:ffffff", "stop 2 is empty"},
        {"0:000000;1:ffffff;", "stop 3 is empty"},
        {"x:000000", "stop 1 'x:000000': position 'x' is not a number"},
        {":000000", "stop 1 ':000000': position '' is not a number"},
        {"0:000000;1.5:ff0000", "stop 2 '1.5:ff0000': position 1.5 is not between 0 and 1"},
        {"-0.1:000000", "stop 1 '-0.1:000000': position -0.1 is not between 0 and 1"},
        {"0:000000;0.5:ff0000;0.4:00ff00",
         "stop 3 '0.4:00ff00': position 0.4 is not greater than the previous one (0.5)"},
        {"0:000000;0:ffffff",
         "stop 2 '0:ffffff': position 0 is not greater than the previous one (0)"},
        {"0:gg0000;1:ffffff",
         "stop 1 '0:gg0000': colour 'gg0000' is not hex RGB, RRGGBB or RRGGBBAA"},
        {"0:ff00;1:ffffff", "stop 1 '0:ff00': colour 'ff00' is not hex RGB, RRGGBB or RRGGBBAA"},
        {"0:;1:ffffff", "stop 1 '0:': colour '' is not hex RGB, RRGGBB or RRGGBBAA"},
        {"0:000000;1:fffffff", "stop 2 '1:fffffff': colour 'fffffff' is not hex RGB, RRGGBB or "
                               "RRGGBBAA"},
        {"0:0:0", "stop 1 '0:0:0': colour '0:0' is not hex RGB, RRGGBB or RRGGBBAA"},
    };
    hm_rgba p[256], before[256];
    char why[256];
    size_t i;

    memset(before, 7, sizeof(before));
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memcpy(p, before, sizeof(p));
        CU_ASSERT_EQUAL(hm_palette__parse(p, cases[i].text, why, sizeof(why)), -1);
        if (strcmp(why, cases[i].message) != 0) {
            fprintf(stderr, "\n  '%s': got '%s'\n  expected    '%s'\n", cases[i].text, why,
                    cases[i].message);
            CU_FAIL("unexpected message");
        }
        CU_ASSERT(memcmp(p, before, sizeof(p)) == 0); /* untouched */
    }
}

static void test_palette__long_stop_is_cut(void)
{
    char text[200], why[256];
    hm_rgba p[256];

    memset(text, 'a', sizeof(text));
    memcpy(text, "0:", 2);
    text[sizeof(text) - 1] = '\0';
    CU_ASSERT_EQUAL(hm_palette__parse(p, text, why, sizeof(why)), -1);
    CU_ASSERT(strncmp(why, "stop 1 '0:aaaa", 14) == 0);
    CU_ASSERT(strstr(why, "...'") != NULL);
    CU_ASSERT(strlen(why) < 160);
}

static void test_palette__too_many_stops(void)
{
    char text[2000];
    hm_rgba p[256];
    char why[256];
    size_t n = 0;
    int i;

    for (i = 0; i <= 64; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%.4f:000", i ? ";" : "", i / 64.0);
    CU_ASSERT_EQUAL(hm_palette__parse(p, text, why, sizeof(why)), -1);
    CU_ASSERT_STRING_EQUAL(why, "more than 64 stops");
}

static void test_palette__public(void)
{
    hm_rgba p[256];
    hm_ctx *ctx;
    const hm_error *e;

    CU_ASSERT_FATAL(hm_ctx_new(&ctx, NULL) == HM_OK);
    CU_ASSERT_EQUAL(hm_palette_parse(p, ctx, "viridis"), HM_OK);
    CU_ASSERT_PTR_NULL(hm_ctx_last_error(ctx));
    CU_ASSERT_EQUAL(hm_palette_parse(p, ctx, "0:000000;2:ffffff"), HM_EINVAL);
    e = hm_ctx_last_error(ctx);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_EQUAL(e->code, HM_EINVAL);
    CU_ASSERT_STRING_EQUAL(e->message, "stop 2 '2:ffffff': position 2 is not between 0 and 1");
    hm_ctx_free(ctx);
}

void hm_test_palette_suite(void)
{
    static CU_TestInfo tests[] = {
        {"test_palette__greys_is_a_linear_ramp", test_palette__greys_is_a_linear_ramp},
        {"test_palette__named", test_palette__named},
        {"test_palette__gradients", test_palette__gradients},
        {"test_palette__errors", test_palette__errors},
        {"test_palette__long_stop_is_cut", test_palette__long_stop_is_cut},
        {"test_palette__too_many_stops", test_palette__too_many_stops},
        {"test_palette__public", test_palette__public},
        CU_TEST_INFO_NULL,
    };
    hm_test_add_suite("palette", tests);
}
