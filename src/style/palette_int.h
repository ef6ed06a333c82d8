/* SPDX-License-Identifier: MIT */
/*
 * Palettes: the named ones and "position:colour;..." gradients, turned into
 * the 256-entry colour table of a styled raster. Pure functions, no
 * allocation.
 */
#ifndef HM_STYLE_PALETTE_INT_H
#define HM_STYLE_PALETTE_INT_H

#include <stddef.h>

#include "heatmap/style.h"

/* Characters of a bad stop or name quoted back in a message. */
#define HM_PALETTE_QUOTE_MAX 40

/*
 * Parse a palette name (case-insensitive) or gradient into out. Entries
 * 1..255 are the gradient at positions (i - 1) / 254, so that intensity v
 * shown as entry 1 + round(254 v) is the gradient's colour at v; entry 0 is
 * the colour at position 0 (a style then makes it transparent).
 * @param why receives the reason on failure (one line naming the bad part).
 * @return 0, or -1 with why filled in; out is then unchanged.
 */
int hm_palette__parse(hm_rgba out[256], const char *text, char *why, size_t why_size);

/* The gradient text of a named palette (case-insensitive), or NULL. Static. */
const char *hm_palette__named(const char *name);

#endif /* HM_STYLE_PALETTE_INT_H */
