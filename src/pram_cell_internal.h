/* pram — internal: what the cell core's two instances, buffers and the
 * region manager share. */
#ifndef PRAM_CELL_INTERNAL_H
#define PRAM_CELL_INTERNAL_H

#include "pram/pram.h"
#include "pram_mem.h"

/* Bytes of storage a (checked) descriptor occupies: all its slots. */
static PRAM_ALWAYS_INLINE uint32_t pram__cell_storage(const pram_cell_t *c)
{
    return (uint32_t)c->slot_size << (PRAM_ENABLE_AB && c->mode == PRAM_AB ? 1 : 0);
}

static PRAM_ALWAYS_INLINE uint32_t pram__layout_of(const pram_cell_t *c)
{
    return PRAM__LAYOUT(c->size, c->value_offset, c->kind, c->schema);
}

/* The cell operations for cells in regions (src/pram_cell_region.c), reached
 * through a region's port (the object is declared in pram_region.h). */
typedef struct pram__cell_ops {
    int (*status)(const pram_cell_t *cell);
    int (*get)(const pram_cell_t *cell, void *out);
    int (*set)(const pram_cell_t *cell, const void *value);
    int (*invalidate)(const pram_cell_t *cell);
    int (*edit_begin)(const pram_cell_t *cell, pram_edit_t *edit, unsigned flags);
    int (*edit_commit)(const pram_cell_t *cell, pram_edit_t *edit);
} pram__cell_ops_t;

/* Descriptor of an internal cell whose value (of 4-byte-aligned words)
 * follows its 12-byte header directly: buffer control blocks and region
 * headers, each of a kind of its own (in the layout word) so no user cell can
 * be mistaken for one. */
void pram__header_cell(pram_cell_t *cell, void *addr, const pram_region_t *region, uint32_t offset,
                       uint8_t kind, uint16_t value_size, uint16_t schema, uint8_t mode);

/* A buffer's control block: an A/B cell at the start of its storage.  Both
 * fill the caller's descriptor: a returned struct is copied with memcpy on
 * Cortex-M0+, which a -nostdlib firmware does not have. */
void pram__buf_control_cell(const pram_buf_def_t *def, pram_cell_t *cell);

#endif /* PRAM_CELL_INTERNAL_H */
