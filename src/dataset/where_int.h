/* SPDX-License-Identifier: MIT */
/*
 * WHERE=: the activities of a store an SQL expression selects (where.c).
 */
#ifndef HM_DATASET_WHERE_INT_H
#define HM_DATASET_WHERE_INT_H

#include "store/store_int.h"

/*
 * The activities of store for which expr is true, as a bitmap (bit i of word i / 64),
 * computed once per store and expression (kept in the store's memo).
 * @param out receives the bitmap, owned by the store; lives as long as it.
 * @return HM_OK, HM_EINVAL (a bad expression, or one that does more than read the
 *         activities or takes too long: the message quotes it and SQLite's reason), HM_ENOMEM.
 */
int hm_where__select(const uint64_t **out, hm_store *store, hm_ctx *ctx, const char *expr);

#endif /* HM_DATASET_WHERE_INT_H */
