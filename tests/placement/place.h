/* The containers of the placement firmware (tests/placement/placement.mk),
 * spread over two translation units and defined in an order that is not
 * their names' order, so that only the linker's sort by name can give every
 * build the same addresses. */
#ifndef PLACE_H
#define PLACE_H

#include <stdint.h>

#include "pram/pram.h"

/* The control build (-DPLACEMENT_UNSORTED): containers in plain .noinit, as
 * PRAM_NOINIT places them, in whatever order the compiler and the link give:
 * the comparison must see its addresses differ. */
#ifdef PLACEMENT_UNSORTED
#  undef PRAM__NOINIT_CONTAINER
#  define PRAM__NOINIT_CONTAINER(name) PRAM_NOINIT
#endif

typedef struct { uint32_t w[3]; } place12_t;            /* 12 bytes             */
typedef struct { uint64_t stamp; uint32_t n; } place_t8; /* aligned to 8: value at 16 */
typedef struct { uint32_t w[10]; } place40_t;           /* 40 bytes             */

/* place_a.c defines these, in this order: */
PRAM_CELL_DECLARE(zulu, uint32_t, 1, PRAM_SINGLE);   /* 16 bytes              */
PRAM_CELL_DECLARE(mike, place_t8, 1, PRAM_AB);       /* 2 x 32, 8-aligned     */
PRAM_CELL_DECLARE(kilo, place12_t, 1, PRAM_SINGLE);  /* 24                    */
PRAM_BUF_DECLARE(alpha);                             /* ring, 200             */
/* place_b.c these: */
PRAM_CELL_DECLARE(oscar, place40_t, 1, PRAM_SINGLE); /* 52: the next one is padded */
PRAM_BUF_DECLARE(bravo);                             /* linear, 96            */
PRAM_CELL_DECLARE(delta, uint32_t, 2, PRAM_AB);      /* 2 x 16                */
PRAM_CELL_DECLARE(golf, place40_t, 1, PRAM_AB);      /* 2 x 52                */

/* place_b.c: writes its containers, returns how many calls failed. */
int place_b_fill(uint32_t seed);

#endif /* PLACE_H */
