/* pram — internal, not an API: every access the library makes to persistent
 * memory.  Public only because the cell core (pram_cell_body.h) is compiled
 * into the caller's file when PRAM_CELL_SPECIALIZE is on.
 *
 * A location is (region, pos): region NULL means ordinary RAM and pos is an
 * address; otherwise pos is a logical byte offset into the region.  Positions
 * are 4-aligned and containers are padded to 4 bytes, so everything is done
 * in 32-bit words, which the region maps to its exact access width.
 * pram__store32 is the one store primitive: nothing else writes. */
#ifndef PRAM_MEM_H
#define PRAM_MEM_H

#include <stddef.h>
#include <stdint.h>

#include "pram_config.h"
#include "pram_crc.h"
#include "pram_error.h"
#include "pram_region.h"

/* Check that [addr or offset, +len) is a usable, aligned span; sets *pos.
 * Inline for plain addresses, so that a constant one is checked at compile
 * time when the cell core is specialised. */
int pram__locate_in(const pram_region_t *region, uint32_t offset, uint32_t len, uintptr_t *pos);
static PRAM_ALWAYS_INLINE int pram__locate(const pram_region_t *region, void *addr,
                                           uint32_t offset, uint32_t len, uintptr_t *pos)
{
    if (region)
        return pram__locate_in(region, offset, len, pos);
    if (!addr)
        return PRAM_ERR_DESC;
    if ((uintptr_t)addr & 3u)
        return PRAM_ERR_ALIGN;
    *pos = (uintptr_t)addr;
    return PRAM_OK;
}

/* The test hook around the store primitive (PRAM_STORE_HOOK, pram_config.h). */
#ifdef PRAM_STORE_HOOK
#  define PRAM__STORE_HOOK_BEGIN(r, pos, value) \
    int pram__cut = PRAM_STORE_HOOK(r, pos, pram__load32(r, pos), &(value))
#  define PRAM__STORE_HOOK_END()  \
    do {                          \
        if (pram__cut)            \
            PRAM_POWER_CUT();     \
    } while (0)
#else
#  define PRAM__STORE_HOOK_BEGIN(r, pos, value) ((void)0)
#  define PRAM__STORE_HOOK_END() ((void)0)
#endif

#if PRAM_ENABLE_REGIONS
uint32_t pram__load32(const pram_region_t *region, uintptr_t pos);
void pram__store32(const pram_region_t *region, uintptr_t pos, uint32_t value);
/* Pointer to the bytes at pos, or NULL where only exact-width access is allowed. */
void *pram__direct(const pram_region_t *region, uintptr_t pos);
#else
/* Ordinary memory only: pos is an address and the primitives are one plain
 * access each, inlined (this is what makes a lean build small). */
static PRAM_ALWAYS_INLINE uint32_t pram__load32(const pram_region_t *region, uintptr_t pos)
{
    (void)region;
    return PRAM_HW_LOAD32(pos);
}

/* The one store primitive (out of line in src/pram_mem.c when regions are on). */
static PRAM_ALWAYS_INLINE void pram__store32(const pram_region_t *region, uintptr_t pos,
                                             uint32_t value)
{
    PRAM__STORE_HOOK_BEGIN(region, pos, value);
    (void)region;
    PRAM_HW_STORE32(pos, value);
    PRAM__STORE_HOOK_END();
}

static PRAM_ALWAYS_INLINE void *pram__direct(const pram_region_t *region, uintptr_t pos)
{
    (void)region;
    return (void *)pos;
}
#endif

/* Word-wise helpers built on the two primitives above.  `len` in bytes; the
 * last word of a write is padded with zero bytes. */
void pram__write(const pram_region_t *region, uintptr_t pos, const void *src, uint32_t len);
void pram__zero(const pram_region_t *region, uintptr_t pos, uint32_t len);
void pram__copy(const pram_region_t *region, uintptr_t dst, uintptr_t src, uint32_t len);
void pram__read(const pram_region_t *region, uintptr_t pos, void *dst, uint32_t len);

#if PRAM_ENABLE_REGIONS
uint16_t pram__crc16(uint16_t crc, const pram_region_t *region, uintptr_t pos, uint32_t len);
#else
static PRAM_ALWAYS_INLINE uint16_t pram__crc16(uint16_t crc, const pram_region_t *region,
                                               uintptr_t pos, uint32_t len)
{
    (void)region;
    return pram_crc16(crc, (const void *)pos, len);
}
#endif

/* After a commit: cache clean of the span (byte-addressable memory only:
 * register files are not cached) and PRAM_BARRIER(). */
static PRAM_ALWAYS_INLINE void pram__committed(const pram_region_t *region, uintptr_t pos,
                                               uint32_t len)
{
    void *p = pram__direct(region, pos);
    if (p)
        PRAM_CACHE_CLEAN(p, len);
    (void)len;
    PRAM_BARRIER();
}

/* CRC-16 over a 32-bit and a 16-bit field, little-endian whatever the CPU,
 * so header checks do not depend on byte order. */
uint16_t pram__crc16_u32(uint16_t crc, uint32_t v);
uint16_t pram__crc16_u16(uint16_t crc, uint16_t v);

#endif /* PRAM_MEM_H */
