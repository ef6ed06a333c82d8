/* SPDX-License-Identifier: MIT */
/*
 * FIT's units, in one place for the FIT reader and the sample generator:
 * semicircles and the FIT epoch. Text (numbers, ISO 8601 times) and the
 * calendar are below every layer, in src/core/text_int.h and time_int.h.
 */
#ifndef HM_IO_UNITS_INT_H
#define HM_IO_UNITS_INT_H

#include <stdint.h>

/* Seconds between 1970-01-01T00:00:00Z and the FIT epoch 1989-12-31T00:00:00Z. */
#define HM_FIT_EPOCH_OFFSET 631065600.0

/* FIT semicircles (2^31 per 180 degrees) to degrees. */
double hm_units__semicircles_to_deg(int32_t semicircles);

/* FIT date_time (s since 1989-12-31T00:00:00Z) to s since 1970-01-01T00:00:00Z. */
double hm_units__fit_time_to_unix(uint32_t fit_time);

#endif /* HM_IO_UNITS_INT_H */
