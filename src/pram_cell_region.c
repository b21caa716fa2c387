/* pram — the cell core for cells in regions: every access through the
 * region (its port for register files), every call locating the storage in
 * the region.  Reached only through a region's port (pram__cell_ops_t), so a
 * program without regions links none of this. */
#include "pram_cell_internal.h"

#if PRAM_ENABLE_REGIONS
#  define CORE_R(c) ((c)->region)
#  define CORE_WHERE(c, pos) pram__locate_in((c)->region, (c)->offset, pram__cell_storage(c), pos)
#  define CORE_FIND(c, pos, layout, shape) find_in((c)->region, pos, layout, shape)
#  define CORE_OPEN(c, pos, layout, shape) t_open((c)->region, pos, layout, shape)
#  define CORE_SEAL(c, pos, layout, shape, ticket) t_seal((c)->region, pos, layout, shape, ticket)
#  define CORE_INVALIDATE(c, pos, shape) t_invalidate((c)->region, pos, shape)
static int find_in(const pram_region_t *r, uintptr_t pos, uint32_t layout, uint32_t shape);
#  include "pram_cell_core.h"

static int find_in(const pram_region_t *r, uintptr_t pos, uint32_t layout, uint32_t shape)
{
    uint32_t seq;
    return t_find(r, pos, layout, shape, &seq);
}

static int r_status(const pram_cell_t *c)
{
    return core_status(c);
}

static int r_get(const pram_cell_t *c, void *out)
{
    return core_get(c, out);
}

static int r_set(const pram_cell_t *c, const void *value)
{
    return core_set(c, value);
}

static int r_invalidate(const pram_cell_t *c)
{
    return core_invalidate(c);
}

static int r_edit_begin(const pram_cell_t *c, pram_edit_t *e, unsigned flags)
{
    return core_edit_begin(c, e, flags);
}

static int r_edit_commit(const pram_cell_t *c, pram_edit_t *e)
{
    return core_edit_commit(c, e);
}

const pram__cell_ops_t pram__region_cell_ops = {
    r_status, r_get, r_set, r_invalidate, r_edit_begin, r_edit_commit,
};
#else
typedef int pram__no_regions_t; /* ISO C wants a declaration in every file */
#endif
