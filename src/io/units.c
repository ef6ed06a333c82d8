/* SPDX-License-Identifier: MIT */
/* FIT's units: see units_int.h. */
#include "io/units_int.h"

double hm_units__semicircles_to_deg(int32_t semicircles)
{
    return semicircles * (180.0 / 2147483648.0);
}

double hm_units__fit_time_to_unix(uint32_t fit_time)
{
    return (double)fit_time + HM_FIT_EPOCH_OFFSET;
}
