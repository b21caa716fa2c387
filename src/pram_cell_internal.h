/* pram — internal: cell operations with an explicit magic, so that buffers
 * can keep their control block in a cell no user cell can be mistaken for. */
#ifndef PRAM_CELL_INTERNAL_H
#define PRAM_CELL_INTERNAL_H

#include "pram/pram.h"
#include "pram/pram_mem.h"

#define pram__cell_status(cell, magic) pram__cell_op(cell, magic, PRAM__OP_STATUS, NULL)
#define pram__cell_get(cell, magic, out) pram__cell_op(cell, magic, PRAM__OP_GET, out)
#define pram__cell_set(cell, magic, value) \
    pram__cell_op(cell, magic, PRAM__OP_SET, (void *)(uintptr_t)(const void *)(value))
#define pram__cell_invalidate(cell, magic) pram__cell_op(cell, magic, PRAM__OP_INVALIDATE, NULL)

/* Descriptor of an internal cell whose value (of 4-byte-aligned words)
 * follows its 12-byte header directly: buffer control blocks and region
 * headers. */
pram_cell_t pram__header_cell(void *addr, const pram_region_t *region, uint32_t offset,
                              uint16_t value_size, uint16_t schema, uint8_t mode);

/* A buffer's control block: an A/B cell at the start of its storage. */
pram_cell_t pram__buf_control_cell(const pram_buf_def_t *def);

#endif /* PRAM_CELL_INTERNAL_H */
