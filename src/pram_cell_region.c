/* pram — the cell core for cells in regions: every access through the
 * region (its port for register files), every call locating the storage in
 * the region.  Reached only through a region's port (pram__cell_ops_t), so a
 * program without regions links none of this. */
#include "pram_cell_internal.h"

#if PRAM_ENABLE_REGIONS
#  define CORE_R(c) ((c)->region)
#  define CORE_WHERE(c, pos) pram__locate_in((c)->region, (c)->offset, pram__cell_storage(c), pos)
#  include "pram_cell_core.h"

const pram__cell_ops_t pram__region_cell_ops = {
    core_status, core_get, core_set, core_invalidate, core_edit_begin, core_edit_commit,
};
#else
typedef int pram__no_regions_t; /* ISO C wants a declaration in every file */
#endif
