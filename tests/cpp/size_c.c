/* make test-cpp's size comparison, the C side: the typed calls of a
 * uint32_t cell, single-slot and A/B, each in a function of its own
 * (tests/cpp/size_cpp.cpp is the same with pram::Cell). */
#include "pram/pram.h"

PRAM_CELL_DECLARE(sz_single, uint32_t, 1, PRAM_SINGLE);
PRAM_CELL_DEFINE(sz_single);
PRAM_CELL_DECLARE(sz_ab, uint32_t, 1, PRAM_AB);
PRAM_CELL_DEFINE(sz_ab);

int size_set_single(uint32_t v);
int size_get_single(uint32_t *out);
int size_set_ab(uint32_t v);
int size_get_ab(uint32_t *out);
int size_invalidate_ab(void);
int size_edit_ab(void);

int size_set_single(uint32_t v) { return sz_single_set(&v); }
int size_get_single(uint32_t *out) { return sz_single_get(out); }
int size_set_ab(uint32_t v) { return sz_ab_set(&v); }
int size_get_ab(uint32_t *out) { return sz_ab_get(out); }
int size_invalidate_ab(void) { return sz_ab_invalidate(); }
int size_edit_ab(void)
{
    int rc;
    PRAM_EDIT(sz_ab, e, rc)
    {
        *e.value += 1u;
    }
    return rc;
}
