/* Cells declared with the C macros, defined in c_cells.c (compiled as C),
 * used from tests/cpp/test_cpp.cpp: the C++ Cell must lay out the same bytes
 * and read what C wrote (and the other way round).  c_cells_* are C
 * functions, so the reads and writes they make are C code. */
#ifndef C_CELLS_H
#define C_CELLS_H

#include <stdint.h>

#include "pram/pram.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A 4-aligned and an 8-aligned type (value at 12 and at 16). */
typedef struct cc_u32 {
    uint32_t v;
} cc_u32_t;
typedef struct cc_al8 {
    uint8_t tag;
    uint64_t u;
    uint16_t w;
} cc_al8_t;

#ifdef __cplusplus
}
#endif

/* Outside any extern "C" block: the macros give the storage and the
 * descriptor C linkage themselves. */
PRAM_CELL_DECLARE(c_u32, cc_u32_t, 3, PRAM_SINGLE);
PRAM_CELL_DECLARE(c_u32ab, cc_u32_t, 3, PRAM_AB);
PRAM_CELL_DECLARE(c_al8, cc_al8_t, 0x8005, PRAM_SINGLE);
PRAM_CELL_DECLARE(c_al8ab, cc_al8_t, 0x8005, PRAM_AB);

#ifdef __cplusplus
extern "C" {
#endif

/* The typed calls, compiled as C. */
int c_u32_get_c(cc_u32_t *out);
int c_u32_set_c(const cc_u32_t *v);
int c_u32ab_get_c(cc_u32_t *out);
int c_u32ab_set_c(const cc_u32_t *v);
int c_al8_get_c(cc_al8_t *out);
int c_al8_set_c(const cc_al8_t *v);
int c_al8ab_get_c(cc_al8_t *out);
int c_al8ab_set_c(const cc_al8_t *v);
/* An edit scope in C: sets v.v = x (KEEP) and commits; its rc. */
int c_u32ab_edit_c(uint32_t x);

#ifdef __cplusplus
}
#endif

#endif
