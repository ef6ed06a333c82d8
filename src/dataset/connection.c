/* SPDX-License-Identifier: MIT */
/*
 * The "HEATMAP:" connection string. Its one syntax is
 *
 *     HEATMAP:<path>[:KEY=VALUE[:KEY=VALUE...]]
 *
 * The path ends at the first ':' followed by an option key and '='
 * ([A-Za-z_][A-Za-z0-9_]*=), and each value ends the same way, so values
 * may hold ',' and ':' (SPORT=running,cycling:SRS=EPSG:32633, and a
 * PALETTE gradient such as 0:000000;1:ffffff). The path or a value may be
 * enclosed in double quotes when it contains such a sequence; quoted text
 * has no escapes and cannot contain '"'. Windows drive letters ("C:\data")
 * and URLs ("/vsicurl/https://...") need no quotes because what follows
 * their ':' is not KEY=. Options go through the option table
 * (hm_spec__set_option), exactly as open options do.
 */
#include <assert.h>
#include <string.h>

#include "core/text_int.h"
#include "dataset/spec_int.h"

static int is_key_start(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int is_key_char(char c)
{
    return is_key_start(c) || (c >= '0' && c <= '9');
}

/* Length of the key when s starts with KEY=, else 0. */
static size_t key_length(const char *s)
{
    size_t n = 0;

    if (!is_key_start(s[0]))
        return 0;
    while (is_key_char(s[n]))
        n++;
    return s[n] == '=' ? n : 0;
}

/* Where an unquoted field that starts at s ends: the '\0' or the ':' before KEY=. */
static const char *field_end(const char *s)
{
    for (; *s; s++)
        if (*s == ':' && key_length(s + 1))
            return s;
    return s;
}

/*
 * Read one field (the path or a value) at *p: quoted or not. On success
 * start and len describe its text and p points at what follows ('\0' or ':').
 */
static int read_field(hm_spec *spec, const char *name, const char **p, const char **start,
                      size_t *len)
{
    const char *s = *p;

    if (*s == '"') {
        const char *close = strchr(s + 1, '"');

        if (!close)
            return HM_RAISE(spec->ctx, HM_EINVAL, NULL, 0, -1, "unterminated quote in '%s'", name);
        if (close[1] != '\0' && !(close[1] == ':' && key_length(close + 2)))
            return HM_RAISE(spec->ctx, HM_EINVAL, NULL, 0, -1,
                            "'%s': expected ':KEY=VALUE' or the end after a closing quote", name);
        *start = s + 1;
        *len = (size_t)(close - (s + 1));
        *p = close + 1;
        return HM_OK;
    }
    *start = s;
    *p = field_end(s);
    *len = (size_t)(*p - s);
    return HM_OK;
}

int hm_spec_parse_connection(hm_spec *spec, const char *name)
{
    const char *p, *start;
    char *path, *value;
    size_t len, key_len;
    int rc;

    assert(spec && name);
    if (!hm_text__starts_with_ci(name, HM_CONNECTION_PREFIX))
        return HM_RAISE(spec->ctx, HM_EINVAL, NULL, 0, -1,
                        "'%s' does not start with " HM_CONNECTION_PREFIX, name);
    p = name + strlen(HM_CONNECTION_PREFIX);
    if ((rc = read_field(spec, name, &p, &start, &len)) != HM_OK)
        return rc;
    if (len == 0)
        return HM_RAISE(spec->ctx, HM_EINVAL, NULL, 0, -1,
                        "no path in '%s' (expected " HM_CONNECTION_PREFIX
                        "<path>[:KEY=VALUE...])",
                        name);
    path = hm_ctx__strndup(spec->ctx, start, len);
    if (!path)
        return HM_RAISE_NOMEM(spec->ctx);
    /* Options first: the path only changes when the whole string was valid. */
    while (*p == ':') {
        const char *key = p + 1;

        key_len = key_length(key);
        assert(key_len); /* read_field() and field_end() stop only before KEY= */
        p = key + key_len + 1;
        if ((rc = read_field(spec, name, &p, &start, &len)) != HM_OK)
            break;
        value = hm_ctx__strndup(spec->ctx, start, len);
        if (!value) {
            rc = HM_RAISE_NOMEM(spec->ctx);
            break;
        }
        rc = hm_spec__set_option(spec, key, key_len, value);
        hm_ctx__free(spec->ctx, value);
        if (rc != HM_OK)
            break;
    }
    if (rc == HM_OK) {
        hm_ctx__free(spec->ctx, spec->path);
        spec->path = path;
    } else {
        hm_ctx__free(spec->ctx, path);
    }
    return rc;
}
