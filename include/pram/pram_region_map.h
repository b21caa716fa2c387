/* pram — region manager: one boot-time call for every container of a region.
 *
 *   static const pram_cell_t *const cells[] = { &boot_info, &crash };
 *   static pram_buf_t *const bufs[] = { &trace };
 *   static const pram_region_map_t bkp = { &bkpsram, cells, 2, bufs, 1, 1 };
 *   int cell_st[2], buf_st[1];
 *   switch (pram_region_boot(&bkp, cell_st, buf_st)) { case PRAM_REGION_COLD: ... }
 *
 * The region starts with a header (PRAM_REGION_HEADER_SIZE bytes at offset
 * 0): a single-slot cell holding a hash of the declared layout and a
 * clear-request flag.  Containers sit at fixed offsets after it, so their
 * addresses do not drift between firmware versions.  At boot:
 *   header invalid            -> PRAM_REGION_COLD (first power-up, or a reset
 *                                while the header was rewritten): as relayout
 *   layout hash differs       -> PRAM_REGION_RELAYOUT (a firmware update changed
 *                                the map): nothing is formatted; each container
 *                                checks itself at its offset, so one whose
 *                                offset and layout are unchanged keeps its
 *                                value, a changed cell reads PRAM_ERR_LAYOUT
 *                                and a changed buffer opens PRAM_BUF_REFORMED.
 *                                A container is its offset and layout: one put
 *                                where a removed one of the same type was
 *                                inherits it (give it a schema of its own)
 *   clear requested           -> format, PRAM_REGION_CLEARED
 *   otherwise                 -> PRAM_REGION_WARM; each container validated
 * A clear zeroes only the declared containers' bytes (other users of the
 * region, e.g. RP2040 SDK scratch words, are left alone), then writes the
 * header; a reset part-way repeats the same decision on the next boot.
 */
#ifndef PRAM_REGION_MAP_H
#define PRAM_REGION_MAP_H

#include "pram_buf.h"
#include "pram_cell.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Header value (a single-slot cell at region offset 0). */
typedef struct pram_region_header {
    uint32_t layout_hash;
    uint32_t flags; /* PRAM_REGION_CLEAR_REQUESTED */
} pram_region_header_t;

#define PRAM_REGION_CLEAR_REQUESTED 1u
#define PRAM_REGION_HEADER_SIZE \
    ((uint32_t)sizeof(pram_header_t) + (uint32_t)sizeof(pram_region_header_t))

typedef struct pram_region_map {
    const pram_region_t *region;     /* every container must point at it   */
    const pram_cell_t *const *cells; /* may be NULL if ncells == 0         */
    uint16_t ncells;
    pram_buf_t *const *bufs;         /* handles; opened by pram_region_boot */
    uint16_t nbufs;
    uint16_t schema;                 /* bump to force a reformat           */
} pram_region_map_t;

/* pram_region_boot results (>= 0; values of their own, pram_strerror()
 * names them). */
#define PRAM_REGION_WARM 0
#define PRAM_REGION_COLD 5
#define PRAM_REGION_RELAYOUT 6
#define PRAM_REGION_CLEARED 7

/* Validate the map (bounds, overlap), decide cold/relayout/cleared/warm,
 * format if needed, open every buffer.  cell_status[i] (if not NULL)
 * receives pram_cell_status() of cells[i]; buf_status[i] (if not NULL) the
 * pram_buf_open() result of bufs[i].  Returns PRAM_REGION_* or an error. */
int pram_region_boot(const pram_region_map_t *map, int *cell_status, int *buf_status);
/* Ask the next pram_region_boot to clear every container of the region. */
int pram_region_request_clear(const pram_region_map_t *map);
/* CRC-32 over the declared layout (what a firmware update is compared by). */
uint32_t pram_region_layout_hash(const pram_region_map_t *map);

#ifdef __cplusplus
}
#endif

#endif /* PRAM_REGION_MAP_H */
