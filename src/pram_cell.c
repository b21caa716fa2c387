/* pram — typed persistent cells: the shared instance of the cell core
 * (include/pram/pram_cell_body.h has the core and the commit order) and the
 * generic API on top of it. */
#include "pram_cell_internal.h"
#include "pram/pram_cell_body.h"

uint32_t pram_cell_storage_size(const pram_cell_t *c)
{
    return c ? pram__storage_size(c) : 0u;
}

pram_cell_t pram__header_cell(void *addr, const pram_region_t *region, uint32_t offset,
                              uint16_t value_size, uint16_t schema, uint8_t mode)
{
    pram_cell_t c;
    c.addr = addr;
    c.region = region;
    c.offset = offset;
    c.size = value_size;
    c.schema = schema;
    c.value_offset = (uint16_t)PRAM__HEADER_SIZE;
    c.slot_size = (uint16_t)(PRAM__HEADER_SIZE + value_size);
    c.mode = mode;
    return c;
}

int pram__cell_op(const pram_cell_t *c, uint32_t magic, unsigned op, void *arg)
{
    return pram__cell_body(c, magic, op, arg);
}

int pram_cell_status(const pram_cell_t *c)
{
    return pram__cell_op(c, PRAM_MAGIC_CELL, PRAM__OP_STATUS, NULL);
}

int pram_cell_is_valid(const pram_cell_t *c)
{
    return pram_cell_status(c) == PRAM_OK;
}

int pram_cell_get(const pram_cell_t *c, void *out, size_t size)
{
    if (!c || !out)
        return PRAM_ERR_NULL;
    if (size != c->size)
        return PRAM_ERR_SIZE;
    return pram__cell_op(c, PRAM_MAGIC_CELL, PRAM__OP_GET, out);
}

int pram_cell_set(const pram_cell_t *c, const void *value, size_t size)
{
    if (!c || !value)
        return PRAM_ERR_NULL;
    if (size != c->size)
        return PRAM_ERR_SIZE;
    return pram__cell_op(c, PRAM_MAGIC_CELL, PRAM__OP_SET, (void *)(uintptr_t)value);
}

int pram_cell_invalidate(const pram_cell_t *c)
{
    return pram__cell_op(c, PRAM_MAGIC_CELL, PRAM__OP_INVALIDATE, NULL);
}

int pram_cell_edit_begin(const pram_cell_t *c, pram_edit_t *e, unsigned flags)
{
    if (!e)
        return PRAM_ERR_NULL;
    e->flags = pram__edit_flags(flags);
    return pram__cell_op(c, PRAM_MAGIC_CELL, PRAM__OP_BEGIN, e);
}

int pram_cell_edit_commit(pram_edit_t *e)
{
    return pram__cell_op(e ? e->cell : NULL, PRAM_MAGIC_CELL, PRAM__OP_COMMIT, e);
}

/* Nothing to undo: the target slot was opened (magic 0) by begin and stays
 * so; an A/B cell's previous slot was never touched. */
int pram_cell_edit_abort(pram_edit_t *e)
{
    if (!e)
        return PRAM_ERR_NULL;
    if (e->state != PRAM__EDIT_OPEN)
        return PRAM_ERR_SCOPE;
    e->state = PRAM__EDIT_DONE;
    e->value = NULL;
    e->result = PRAM_EDIT_ABORTED;
    return PRAM_OK;
}

void pram_barrier(void)
{
    PRAM_BARRIER();
}
