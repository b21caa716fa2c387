/* pram — typed persistent cells: the slot functions for cells in ordinary
 * memory (what the typed calls of every .noinit cell compile into calls of),
 * the operations by descriptor (cells in regions, edits), and the generic API
 * that checks a descriptor built at run time before doing the same.  Cells in
 * regions are handed to src/pram_cell_region.c through their region's port. */
#include "pram_cell_internal.h"

#define CORE_R(c) ((void)(c), (const pram_region_t *)NULL)
/* A typed descriptor's address is proven when compiled (PRAM_CELL_DEFINE*),
 * a run-time one's by check() below. */
#define CORE_WHERE(c, pos) (*(pos) = (uintptr_t)(c)->addr, PRAM_OK)
#define CORE_FIND(c, pos, layout, shape) pram__ram_find(pos, layout, shape)
#define CORE_OPEN(c, pos, layout, shape) pram__ram_open(pos, layout, shape)
#define CORE_SEAL(c, pos, layout, shape, ticket) pram__ram_seal(pos, layout, shape, ticket)
#define CORE_INVALIDATE(c, pos, shape) pram__ram_invalidate(pos, shape)
#include "pram_cell_core.h"

#if PRAM_ENABLE_REGIONS
#  define IN_REGION(c) ((c)->region != NULL)
#  define REGION_CELLS(c) ((c)->region->port->cells)
#else
#  define IN_REGION(c) ((void)(c), 0) /* refused by check(); DEFINE_IN does not compile */
#  define REGION_CELLS(c) ((const pram__cell_ops_t *)NULL)
#endif

/* ---- Slots in ordinary memory, by geometry ---------------------------------- */

int pram__ram_find(uintptr_t pos, uint32_t layout, uint32_t shape)
{
    uint32_t seq;
    return t_find(NULL, pos, layout, shape, &seq);
}

uint32_t pram__ram_open(uintptr_t pos, uint32_t layout, uint32_t shape)
{
    return t_open(NULL, pos, layout, shape);
}

void pram__ram_seal(uintptr_t pos, uint32_t layout, uint32_t shape, uint32_t ticket)
{
    t_seal(NULL, pos, layout, shape, ticket);
}

void pram__ram_invalidate(uintptr_t pos, uint32_t shape)
{
    t_invalidate(NULL, pos, shape);
}

/* ---- By descriptor, checks proven at compile time ----------------------------- */

uint32_t pram_cell_storage_size(const pram_cell_t *c)
{
    return c ? pram__cell_storage(c) : 0u;
}

void pram__header_cell(pram_cell_t *c, void *addr, const pram_region_t *region, uint32_t offset,
                       uint8_t kind, uint16_t value_size, uint16_t schema, uint8_t mode)
{
    c->addr = addr;
    c->region = region;
    c->offset = offset;
    c->size = value_size;
    c->schema = schema;
    c->value_offset = (uint16_t)HEADER_SIZE;
    c->slot_size = (uint16_t)(HEADER_SIZE + value_size);
    c->mode = mode;
    c->kind = kind;
}

int pram__cell_status(const pram_cell_t *c)
{
    if (IN_REGION(c))
        return REGION_CELLS(c)->status(c);
    return core_status(c);
}

int pram__cell_get(const pram_cell_t *c, void *out)
{
    if (IN_REGION(c))
        return REGION_CELLS(c)->get(c, out);
    return core_get(c, out);
}

int pram__cell_set(const pram_cell_t *c, const void *value)
{
    if (IN_REGION(c))
        return REGION_CELLS(c)->set(c, value);
    return core_set(c, value);
}

int pram__cell_invalidate(const pram_cell_t *c)
{
    if (IN_REGION(c))
        return REGION_CELLS(c)->invalidate(c);
    return core_invalidate(c);
}

int pram__cell_edit_begin(const pram_cell_t *c, pram_edit_t *e, unsigned flags)
{
    if (!e)
        return PRAM_ERR_NULL;
    if (IN_REGION(c))
        return REGION_CELLS(c)->edit_begin(c, e, flags);
    return core_edit_begin(c, e, flags);
}

/* The edit is caller-owned RAM: it must be open and opened on this cell
 * (the core then checks its slot and value pointer). */
int pram__edit_commit_on(const pram_cell_t *c, pram_edit_t *e)
{
    if (!e)
        return PRAM_ERR_NULL;
    if (e->state != PRAM__EDIT_OPEN || e->cell != c || !c)
        return PRAM_ERR_SCOPE;
    if (IN_REGION(c))
        return REGION_CELLS(c)->edit_commit(c, e);
    return core_edit_commit(c, e);
}

/* Nothing to undo: the target slot was opened (magic 0) by begin and stays
 * so; an A/B cell's previous slot was never touched. */
int pram_cell_edit_abort(pram_edit_t *e)
{
    if (!e)
        return PRAM_ERR_NULL;
    if (e->state != PRAM__EDIT_OPEN)
        return PRAM_ERR_SCOPE;
    e->state = PRAM__EDIT_ABORTED;
    e->value = NULL;
    e->result = PRAM_EDIT_ABORTED;
    return PRAM_OK;
}

/* One step of PRAM_EDIT: begin on an idle edit, commit on an open one, the
 * abort's result after PRAM_EDIT_ABORT.  An if-chain, not a switch: a jump
 * table would need a libgcc helper on Thumb-1. */
int pram__edit_step(const pram_cell_t *c, pram_edit_t *e, unsigned flags)
{
    if (e->state == PRAM__EDIT_IDLE)
        return pram__cell_edit_begin(c, e, flags);
    if (e->state == PRAM__EDIT_ABORTED) {
        e->state = PRAM__EDIT_DONE;
        return PRAM_EDIT_ABORTED;
    }
    return pram__edit_commit_on(c, e);
}

/* ---- Generic API: descriptors built at run time, checked on every call ------ */

/* Everything the typed macros prove at compile time.  A region's own fields
 * are checked where it is located (pram__locate_in). */
static int check(const pram_cell_t *c)
{
    if (!c)
        return PRAM_ERR_NULL;
    if (c->size == 0u || c->size > PRAM_CELL_MAX_SIZE || c->kind > PRAM__KIND_REGION ||
        (c->mode != PRAM_SINGLE && !(PRAM_ENABLE_AB && c->mode == PRAM_AB)) ||
        (c->value_offset != HEADER_SIZE && c->value_offset != 16u) || (c->slot_size & 3u) ||
        (uint32_t)c->value_offset + c->size > c->slot_size)
        return PRAM_ERR_DESC;
    if (c->region)
        return !PRAM_ENABLE_REGIONS ? PRAM_ERR_ACCESS : c->region->port ? PRAM_OK : PRAM_ERR_DESC;
    if (!c->addr)
        return PRAM_ERR_DESC;
    return ((uintptr_t)c->addr & 3u) ? PRAM_ERR_ALIGN : PRAM_OK;
}

int pram_cell_status(const pram_cell_t *c)
{
    int rc = check(c);
    return rc ? rc : pram__cell_status(c);
}

int pram_cell_is_valid(const pram_cell_t *c)
{
    return pram_cell_status(c) == PRAM_OK;
}

/* NULL before size before the descriptor. */
static int check_io(const pram_cell_t *c, const void *p, size_t size)
{
    if (!c || !p)
        return PRAM_ERR_NULL;
    if (size != c->size)
        return PRAM_ERR_SIZE;
    return check(c);
}

int pram_cell_get(const pram_cell_t *c, void *out, size_t size)
{
    int rc = check_io(c, out, size);
    return rc ? rc : pram__cell_get(c, out);
}

int pram_cell_set(const pram_cell_t *c, const void *value, size_t size)
{
    int rc = check_io(c, value, size);
    return rc ? rc : pram__cell_set(c, value);
}

int pram_cell_invalidate(const pram_cell_t *c)
{
    int rc = check(c);
    return rc ? rc : pram__cell_invalidate(c);
}

int pram_cell_edit_begin(const pram_cell_t *c, pram_edit_t *e, unsigned flags)
{
    int rc;
    if (!e)
        return PRAM_ERR_NULL;
    rc = check(c);
    if (!rc)
        return pram__cell_edit_begin(c, e, flags);
    e->cell = c;
    e->value = NULL;
    e->state = PRAM__EDIT_DONE;
    e->result = rc;
    return rc;
}

int pram_cell_edit_commit(pram_edit_t *e)
{
    int rc;
    if (!e)
        return PRAM_ERR_NULL;
    rc = e->state == PRAM__EDIT_OPEN ? check(e->cell) : PRAM_OK;
    return rc ? rc : pram__edit_commit_on(e->cell, e);
}

void pram_barrier(void)
{
    PRAM_BARRIER();
}
