/* pram — internal: what the cell core's two instances, buffers and the
 * region manager share. */
#ifndef PRAM_CELL_INTERNAL_H
#define PRAM_CELL_INTERNAL_H

#include "pram/pram.h"
#include "pram_mem.h"

/* The layout word: value size (bits 0-14), value at offset 16 rather than
 * 12 (bit 15: types aligned to 8), schema (bits 16-31).  It says which bytes
 * the slot CRC covers, so a slot of another layout can be verified too. */
#define PRAM__LAYOUT_VO16 0x8000u
#define PRAM__LAYOUT_SIZE(layout) ((layout) & (PRAM__LAYOUT_VO16 - 1u))
/* End of the value, from the slot start. */
#define PRAM__LAYOUT_END(layout) \
    (PRAM__LAYOUT_SIZE(layout) + 12u + (((layout) & PRAM__LAYOUT_VO16) >> 13))

static PRAM_ALWAYS_INLINE uint32_t pram__layout_of(const pram_cell_t *c)
{
    return (uint32_t)c->size | (((uint32_t)c->value_offset & 16u) << 11) |
           ((uint32_t)c->schema << 16);
}

/* Bytes of storage a (checked) descriptor occupies: all its slots. */
static PRAM_ALWAYS_INLINE uint32_t pram__cell_storage(const pram_cell_t *c)
{
    return (uint32_t)c->slot_size << (PRAM_ENABLE_AB && c->mode == PRAM_AB ? 1 : 0);
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
 * headers, each kind with a magic of its own so no user cell can be mistaken
 * for one. */
pram_cell_t pram__header_cell(void *addr, const pram_region_t *region, uint32_t offset,
                              uint32_t magic, uint16_t value_size, uint16_t schema, uint8_t mode);

/* A buffer's control block: an A/B cell at the start of its storage. */
pram_cell_t pram__buf_control_cell(const pram_buf_def_t *def);

#endif /* PRAM_CELL_INTERNAL_H */
