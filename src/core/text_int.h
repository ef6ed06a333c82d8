/* SPDX-License-Identifier: MIT */
/*
 * Text, for every layer: what white space is, trimming, ASCII case, number
 * parsing and list splitting, each defined once (libgit2's src/util idea).
 * Everything here works on length-delimited bytes, never allocates and never
 * looks at the locale: an option, a track file and a descriptor read the
 * same under LC_ALL=de_DE or tr_TR as under C. The public part (UTF-8,
 * integers) is in include/heatmap/util.h.
 *
 * White space is the six ASCII characters C's isspace() accepts in the "C"
 * locale: space, tab, LF, VT, FF, CR. Nothing else, so a no-break space
 * (U+00A0, or any other Unicode space) is text: `ZOOM=<NBSP>14` is rejected
 * exactly like `ZOOM=x14`, by every option. XML's own grammar (its S
 * production, no VT or FF) is the XML code's business (hm_xml__is_space).
 */
#ifndef HM_CORE_TEXT_INT_H
#define HM_CORE_TEXT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "heatmap/util.h"

/* 1 for the white space defined above, else 0. */
int hm_text__is_space(char c);

/* s[0..*len) without white space at either end: returns the new start, updates *len. */
const char *hm_text__trim(const char *s, size_t *len);

/* c in ASCII lower case; any other byte (UTF-8 included) as it is. */
char hm_text__lower(char c);

/* 1 when a[0..alen) equals the NUL-terminated b, ignoring ASCII case. */
int hm_text__equal_ci(const char *a, size_t alen, const char *b);

/* 1 when the NUL-terminated s starts with prefix, ignoring ASCII case. */
int hm_text__starts_with_ci(const char *s, const char *prefix);

/*
 * A decimal number ([+-]digits[.digits][(e|E)[+-]digits], white space around it
 * allowed) from s[0..len), read independently of the locale and correctly rounded.
 * @return HM_OK, or HM_EINVAL when the text is not such a number.
 */
int hm_text__parse_double(double *out, const char *s, size_t len);

/* As hm_text_parse_int(), over the whole range of uint64_t: no sign, at most max. */
int hm_text__parse_uint64(uint64_t *out, const char *s, size_t len, uint64_t max);

/*
 * The items of a list separated by one character ("a, b,c" with ','), each
 * trimmed; an empty text is one empty item, "a," is "a" and "":
 *
 *     hm_text_list it;
 *     hm_text__list_init(&it, s, len, ',');
 *     while (hm_text__list_next(&it, &item, &item_len)) ...
 */
typedef struct hm_text_list {
    const char *next; /* start of the next item; NULL after the last */
    const char *end;  /* end of the list text */
    char sep;         /* the separator */
} hm_text_list;

void hm_text__list_init(hm_text_list *it, const char *s, size_t len, char sep);

/* 1 and the next item in *item, *item_len (not NUL-terminated), or 0 after the last. */
int hm_text__list_next(hm_text_list *it, const char **item, size_t *item_len);

#endif /* HM_CORE_TEXT_INT_H */
