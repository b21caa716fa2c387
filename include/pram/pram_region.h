/* pram — where persistent memory is, and how it may be accessed.
 *
 * A container lives either in ordinary RAM at an address (a .noinit object,
 * region == NULL), or at a fixed offset inside a region: battery-backed SRAM,
 * backup registers.  Offsets are logical bytes as containers see them; the
 * region maps them to addresses and picks the access width, so the container
 * API is the same everywhere.
 */
#ifndef PRAM_REGION_H
#define PRAM_REGION_H

#include <stdint.h>

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
     * `width` (contiguous).  STM32F1 BKP data registers: width 2, stride 4. */
    uint8_t stride;
} pram_region_t;

/* Static initialiser: PRAM_REGION(0x40024000, 4096, 0, 0) for F4 BKPSRAM. */
#define PRAM_REGION(base_addr, size_bytes, access_width, step) \
    { (volatile void *)(base_addr), (uint32_t)(size_bytes), (uint8_t)(access_width), (uint8_t)(step) }

#endif /* PRAM_REGION_H */
