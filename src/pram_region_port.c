/* pram — the register-file ports: a logical 32-bit word as exact-width
 * accesses.  Each port is its own object, so a program links only the widths
 * its regions name (PRAM_REGION's access_width picks the port). */
#include "pram_cell_internal.h"

#if PRAM_ENABLE_REGIONS
#  define PORT(load, store, width) PRAM_REGION_PORT(load, store, width)
#else /* regions are refused before any port is used */
#  define PORT(load, store, width) { (load), (store), NULL, (uint8_t)(width) }
#endif

typedef union {
    uint32_t w;
    uint16_t h[2];
    uint8_t b[4];
} word_t;

/* Address of access unit `unit` (of r->width bytes). */
static uintptr_t unit_addr(const pram_region_t *r, uintptr_t unit)
{
    return (uintptr_t)r->base + unit * (r->stride ? r->stride : r->width);
}

static uint32_t load_w4(const pram_region_t *r, uintptr_t pos)
{
    return PRAM_HW_LOAD32(unit_addr(r, pos / 4u));
}

static void store_w4(const pram_region_t *r, uintptr_t pos, uint32_t value)
{
    PRAM_HW_STORE32(unit_addr(r, pos / 4u), value);
}

static uint32_t load_w2(const pram_region_t *r, uintptr_t pos)
{
    word_t u;
    u.h[0] = PRAM_HW_LOAD16(unit_addr(r, pos / 2u));
    u.h[1] = PRAM_HW_LOAD16(unit_addr(r, pos / 2u + 1u));
    return u.w;
}

static void store_w2(const pram_region_t *r, uintptr_t pos, uint32_t value)
{
    word_t u;
    u.w = value;
    PRAM_HW_STORE16(unit_addr(r, pos / 2u), u.h[0]);
    PRAM_HW_STORE16(unit_addr(r, pos / 2u + 1u), u.h[1]);
}

static uint32_t load_w1(const pram_region_t *r, uintptr_t pos)
{
    word_t u;
    unsigned i;
    for (i = 0u; i < 4u; i++)
        u.b[i] = PRAM_HW_LOAD8(unit_addr(r, pos + i));
    return u.w;
}

static void store_w1(const pram_region_t *r, uintptr_t pos, uint32_t value)
{
    word_t u;
    unsigned i;
    u.w = value;
    for (i = 0u; i < 4u; i++)
        PRAM_HW_STORE8(unit_addr(r, pos + i), u.b[i]);
}

const pram_region_port_t pram_region_port_mem = PORT(NULL, NULL, 0u);
const pram_region_port_t pram_region_port_w4 = PORT(load_w4, store_w4, 4u);
const pram_region_port_t pram_region_port_w2 = PORT(load_w2, store_w2, 2u);
const pram_region_port_t pram_region_port_w1 = PORT(load_w1, store_w1, 1u);
