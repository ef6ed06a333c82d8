/* SPDX-License-Identifier: MIT */
/* The public header must compile on its own as strict C99. */
#include <heatmap/util.h> /* first: it stands on its own too */
#include <heatmap.h>
int hm_headertest_c(void);
int hm_headertest_c(void) { return HM_OK; }
