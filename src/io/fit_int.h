/* SPDX-License-Identifier: MIT */
/*
 * Private to the FIT reader: the few FIT profile enumerations it turns into
 * names (sport, sub_sport, manufacturer). They live apart from the decoder in
 * fit_profile.c because they are long, change with every FIT SDK release and
 * carry no logic. Names are the FIT profile's own (lower case, underscores).
 */
#ifndef HM_IO_FIT_INT_H
#define HM_IO_FIT_INT_H

/* FIT profile name of a sport enum value, or NULL when the value is unknown. Static storage. */
const char *hm_fit__sport_name(unsigned value);

/* FIT profile name of a sub_sport enum value, or NULL when unknown. Static storage. */
const char *hm_fit__sub_sport_name(unsigned value);

/* FIT profile name of a manufacturer id, or NULL when unknown. Static storage. */
const char *hm_fit__manufacturer_name(unsigned value);

#endif /* HM_IO_FIT_INT_H */
