/* The C side of tests/cpp/c_cells.h. */
#include "c_cells.h"

PRAM_CELL_DEFINE(c_u32);
PRAM_CELL_DEFINE(c_u32ab);
PRAM_CELL_DEFINE(c_al8);
PRAM_CELL_DEFINE(c_al8ab);

int c_u32_get_c(cc_u32_t *out) { return c_u32_get(out); }
int c_u32_set_c(const cc_u32_t *v) { return c_u32_set(v); }
int c_u32ab_get_c(cc_u32_t *out) { return c_u32ab_get(out); }
int c_u32ab_set_c(const cc_u32_t *v) { return c_u32ab_set(v); }
int c_al8_get_c(cc_al8_t *out) { return c_al8_get(out); }
int c_al8_set_c(const cc_al8_t *v) { return c_al8_set(v); }
int c_al8ab_get_c(cc_al8_t *out) { return c_al8ab_get(out); }
int c_al8ab_set_c(const cc_al8_t *v) { return c_al8ab_set(v); }

int c_u32ab_edit_c(uint32_t x)
{
    int rc;
    PRAM_EDIT(c_u32ab, e, rc)
    {
        e.value->v = x;
    }
    return rc;
}
