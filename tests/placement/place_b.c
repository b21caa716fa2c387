/* Placement firmware, second half: four more containers. */
#include <stdint.h>

#include "place.h"

PRAM_CELL_DEFINE(oscar);
PRAM_BUF_DEFINE(bravo, 96, 1);
PRAM_CELL_DEFINE(delta);
PRAM_CELL_DEFINE(golf);

int place_b_fill(uint32_t seed)
{
    place40_t v;
    uint32_t i;
    int bad = 0;
    for (i = 0; i < 10u; i++)
        v.w[i] = seed + i;
    bad += oscar_set(&v) != PRAM_OK;
    bad += golf_set(&v) != PRAM_OK;
    bad += delta_set(&seed) != PRAM_OK;
    bad += pram_buf_open(&bravo) < 0;
    bad += pram_buf_append(&bravo, &seed, sizeof seed) != PRAM_OK;
    return bad;
}
