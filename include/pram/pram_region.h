/* pram — where persistent memory is, and how it may be accessed.
 *
 * A container lives either in ordinary RAM at an address (a .noinit object,
 * region == NULL), or at a fixed offset inside a region: battery-backed SRAM,
 * backup registers.  Offsets are logical bytes as containers see them; the
 * region maps them to addresses and picks the access width, so the container
 * API is the same everywhere.
 *
 * Register files are reached through a port (one small object per access
 * width, src/pram_region_port.c): a program links the code for the widths
 * its regions name and nothing for the others.
 */
#ifndef PRAM_REGION_H
#define PRAM_REGION_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pram_region;
struct pram__cell_ops;

/* How a kind of region is reached: for register files, a logical 32-bit word
 * at byte offset pos (4-aligned) as `width`-byte accesses; for every region,
 * the cell operations that know regions (linked only through this). */
typedef struct pram_region_port {
    uint32_t (*load32)(const struct pram_region *region, uintptr_t pos);
    void (*store32)(const struct pram_region *region, uintptr_t pos, uint32_t value);
    const struct pram__cell_ops *cells;
    uint8_t width; /* the access width it implements: 0 (memory), 1, 2 or 4 */
} pram_region_port_t;

typedef struct pram_region {
    /* First byte (or register) of the region. */
    volatile void *base;
    /* Usable size in logical bytes (units x width for register files). */
    uint32_t size;
    /* 0: ordinary memory, any access width works and the library uses
     *    aligned 32-bit words; edit scopes may hand out pointers into it.
     * 1, 2, 4: every access must be exactly this many bytes, naturally
     *    aligned (STM32 RTC backup registers: 4; nRF52 GPREGRET: 1).  The
     *    library does only such accesses; edit scopes are refused. */
    uint8_t width;
    /* Address step between consecutive units of `width` bytes; 0 means
     * `width` (contiguous), else a multiple of it.  STM32F1 BKP data
     * registers: width 2, stride 4. */
    uint8_t stride;
    /* The port for `width` (PRAM_REGION picks it). */
    const pram_region_port_t *port;
} pram_region_t;

/* The cell operations that know regions (defined in src/pram_cell_region.c,
 * linked only through a port). */
extern const struct pram__cell_ops pram__region_cell_ops;

/* A port of your own, for registers the shipped ones do not fit. */
#define PRAM_REGION_PORT(load32_fn, store32_fn, access_width) \
    { (load32_fn), (store32_fn), &pram__region_cell_ops, (uint8_t)(access_width) }

extern const pram_region_port_t pram_region_port_mem;
extern const pram_region_port_t pram_region_port_w1;
extern const pram_region_port_t pram_region_port_w2;
extern const pram_region_port_t pram_region_port_w4;
#define PRAM__REGION_PORT_0 (&pram_region_port_mem)
#define PRAM__REGION_PORT_1 (&pram_region_port_w1)
#define PRAM__REGION_PORT_2 (&pram_region_port_w2)
#define PRAM__REGION_PORT_4 (&pram_region_port_w4)

/* Static initialiser: PRAM_REGION(0x40024000, 4096, 0, 0) for F4 BKPSRAM.
 * access_width must be a literal 0, 1, 2 or 4 (it names the port). */
#define PRAM_REGION(base_addr, size_bytes, access_width, step)                                  \
    { (volatile void *)(base_addr), (uint32_t)(size_bytes), (uint8_t)(access_width), (uint8_t)(step), \
      PRAM__REGION_PORT_##access_width }

#ifdef __cplusplus
}
#endif

#endif /* PRAM_REGION_H */
