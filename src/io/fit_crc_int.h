/* SPDX-License-Identifier: MIT */
/*
 * The FIT CRC (CRC-16/ARC: reflected polynomial 0xA001, initial value 0),
 * shared by the FIT reader (header and file CRCs) and by the sample
 * generator's FIT writer (tools/generate), so the checksum exists once.
 * The tables belong to the caller, so there is no global state to
 * initialise: building them costs a few microseconds.
 */
#ifndef HM_IO_FIT_CRC_INT_H
#define HM_IO_FIT_CRC_INT_H

#include <stddef.h>
#include <stdint.h>

/* Slicing-by-8 tables: t[k][b] is the CRC of byte b followed by k zero bytes. */
typedef struct hm_fit_crc_table {
    uint16_t t[8][256]; /* CRC values */
} hm_fit_crc_table;

/* Fill the tables. */
void hm_fit__crc_init(hm_fit_crc_table *out);

/*
 * The CRC of n more bytes at p, continuing from crc (0 to start).
 * @return the updated CRC.
 */
uint16_t hm_fit__crc_update(const hm_fit_crc_table *tab, uint16_t crc, const unsigned char *p,
                            size_t n);

#endif /* HM_IO_FIT_CRC_INT_H */
