/* Measurement only, not the library: the smallest shared helpers a cell
 * needs when every typed operation is compiled at its call site with the
 * cell's geometry as constants (see alt_program.c and `make size-alt`).
 * Same slot format, commit order, DSB, LAYOUT verification and bounds as
 * the library (src/pram_cell_core.h); no A/B, no regions, no descriptor, no
 * test hook.  ALT_MAGIC_PARAM: the magic is an argument (one per container
 * kind, as the library keeps it); else one magic for every kind. */
#include <stddef.h>
#include <stdint.h>

#include "pram/pram_crc.h"

#define MAGIC 0xE424D8F0u
#define LAYOUT_END(l) (((l) & 0x7FFFu) + 12u + (((l) & 0x8000u) >> 13))
#define LOAD(pos) (*(const volatile uint32_t *)(pos))
#define STORE(pos, v) (*(volatile uint32_t *)(pos) = (v))

#ifdef ALT_MAGIC_PARAM
#  define MAGIC_ARG , uint32_t magic
#else
#  define magic MAGIC
#  define MAGIC_ARG
#endif

int alt_find(uintptr_t slot, uint32_t mine, uint32_t room MAGIC_ARG);
void alt_seal(uintptr_t slot, uint32_t layout, uint32_t seq MAGIC_ARG);

static uint16_t slot_crc(uintptr_t slot, uint32_t layout, uint16_t seq)
{
    return pram_crc16((uint16_t)(0xFFFFu ^ seq), (const void *)(slot + 8u), LAYOUT_END(layout) - 8u);
}

int alt_find(uintptr_t slot, uint32_t mine, uint32_t room MAGIC_ARG)
{
    uint32_t seal, layout;
    if (LOAD(slot) != magic)
        return -5;
    seal = LOAD(slot + 4u);
    layout = LOAD(slot + 8u);
    if (!(layout & 0x7FFFu) || LAYOUT_END(layout) > room ||
        slot_crc(slot, layout, (uint16_t)seal) != (uint16_t)(seal >> 16))
        return -5;
    return layout == mine ? 0 : -6;
}

void alt_seal(uintptr_t slot, uint32_t layout, uint32_t seq MAGIC_ARG)
{
    STORE(slot + 8u, layout);
    STORE(slot + 4u, seq | (uint32_t)slot_crc(slot, layout, (uint16_t)seq) << 16);
    STORE(slot, magic);
    __asm__ __volatile__("dsb 0xF" ::: "memory");
}
