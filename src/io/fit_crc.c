/* SPDX-License-Identifier: MIT */
/*
 * The FIT CRC. It runs over every byte of every FIT input, so it is
 * computed eight bytes at a time ("slicing by 8") rather than with the FIT
 * SDK's nibble table; both give CRC-16/ARC.
 */
#include "io/fit_crc_int.h"

void hm_fit__crc_init(hm_fit_crc_table *out)
{
    unsigned i, k;

    for (i = 0; i < 256; i++) {
        unsigned c = i;
        for (k = 0; k < 8; k++)
            c = c & 1 ? (c >> 1) ^ 0xA001u : c >> 1;
        out->t[0][i] = (uint16_t)c;
    }
    for (k = 1; k < 8; k++)
        for (i = 0; i < 256; i++)
            out->t[k][i] = (uint16_t)((out->t[k - 1][i] >> 8) ^ out->t[0][out->t[k - 1][i] & 0xFF]);
}

uint16_t hm_fit__crc_update(const hm_fit_crc_table *tab, uint16_t crc, const unsigned char *p,
                            size_t n)
{
    const uint16_t(*t)[256] = tab->t;

    for (; n >= 8; n -= 8, p += 8)
        crc = (uint16_t)(t[7][(p[0] ^ crc) & 0xFF] ^ t[6][p[1] ^ (crc >> 8)] ^ t[5][p[2]] ^
                         t[4][p[3]] ^ t[3][p[4]] ^ t[2][p[5]] ^ t[1][p[6]] ^ t[0][p[7]]);
    while (n--)
        crc = (uint16_t)((crc >> 8) ^ t[0][(crc ^ *p++) & 0xFF]);
    return crc;
}
