/* pram — not an API: every access pram makes to persistent memory.  Public
 * only because typed cells compile their operations into the caller's code
 * (pram_cell.h), and those stores must go through the same primitive.
 *
 * A location is (region, pos): region NULL, or a region of ordinary memory
 * (width 0), means pos is an address; otherwise pos is a logical byte offset
 * into a register file reached through the region's port.  Positions are
 * 4-aligned and containers are padded to 4 bytes, so everything is done in
 * 32-bit words.  pram__store32 is the one store primitive: nothing else
 * writes. */
#ifndef PRAM_ACCESS_H
#define PRAM_ACCESS_H

#include <stddef.h>
#include <stdint.h>

#include "pram_config.h"
#include "pram_region.h"

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
/* A register file: reached through its port, never by pointer. */
#  define PRAM__PORTED(r) ((r) && (r)->width)
#else
#  define PRAM__PORTED(r) ((void)(r), 0)
#endif

static PRAM_ALWAYS_INLINE uint32_t pram__load32(const pram_region_t *region, uintptr_t pos)
{
    if (PRAM__PORTED(region))
        return region->port->load32(region, pos);
    return PRAM_HW_LOAD32(pos);
}

/* The one store primitive.  Every byte the library writes into persistent
 * memory passes here, as an aligned 32-bit word (which a region's port splits
 * into its exact access width).  Tests hook it to count stores, tear a word
 * and cut power.  Inline: with region NULL it is one plain store. */
static PRAM_ALWAYS_INLINE void pram__store32(const pram_region_t *region, uintptr_t pos,
                                             uint32_t value)
{
    PRAM__STORE_HOOK_BEGIN(region, pos, value);
    if (PRAM__PORTED(region))
        region->port->store32(region, pos, value);
    else
        PRAM_HW_STORE32(pos, value);
    PRAM__STORE_HOOK_END();
}

/* Pointer to the bytes at pos, or NULL where only exact-width access is allowed. */
static PRAM_ALWAYS_INLINE void *pram__direct(const pram_region_t *region, uintptr_t pos)
{
    return PRAM__PORTED(region) ? PRAM__NULL : (void *)pos;
}

/* Byte i of a word as memory holds it, as a shift of the word's value. */
#if defined(__BYTE_ORDER__) && defined(__ORDER_BIG_ENDIAN__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#  define PRAM__BYTE_SHIFT(i) (24u - 8u * ((i) & 3u))
#else
#  define PRAM__BYTE_SHIFT(i) (8u * ((i) & 3u))
#endif

/* Word-wise helpers built on the two primitives above, `len` in bytes.
 * Inline: a caller that passes region NULL (the core for ordinary memory, a
 * typed call with its constant size) gets plain loads and stores.  The
 * caller's buffer is read or written a word at a time when it is 4-aligned
 * (typed values of 4-aligned types are), else byte by byte; neither loop
 * becomes a memcpy call, as every persistent access is volatile. */
typedef uint32_t PRAM_MAY_ALIAS pram__word_t;

/* The last word is padded with zero bytes. */
static PRAM_ALWAYS_INLINE void pram__write(const pram_region_t *region, uintptr_t pos,
                                           const void *src, uint32_t len)
{
    const uint8_t *s = (const uint8_t *)src;
    uint32_t i = 0u, w = 0u;
    if (!((uintptr_t)src & 3u))
        for (; i + 4u <= len; i += 4u)
            pram__store32(region, pos + i, *(const pram__word_t *)(const void *)(s + i));
    for (; i < len; i++) {
        w |= (uint32_t)s[i] << PRAM__BYTE_SHIFT(i);
        if ((i & 3u) == 3u || i + 1u == len) {
            pram__store32(region, pos + (i & ~3u), w);
            w = 0u;
        }
    }
}

static PRAM_ALWAYS_INLINE void pram__read(const pram_region_t *region, uintptr_t pos, void *dst,
                                          uint32_t len)
{
    uint8_t *d = (uint8_t *)dst;
    uint32_t i = 0u, w = 0u;
    if (!((uintptr_t)dst & 3u))
        for (; i + 4u <= len; i += 4u)
            *(pram__word_t *)(void *)(d + i) = pram__load32(region, pos + i);
    for (; i < len; i++) {
        if (!(i & 3u))
            w = pram__load32(region, pos + i);
        d[i] = (uint8_t)(w >> PRAM__BYTE_SHIFT(i));
    }
}

static PRAM_ALWAYS_INLINE void pram__zero(const pram_region_t *region, uintptr_t pos, uint32_t len)
{
    uint32_t i;
    for (i = 0u; i < len; i += 4u)
        pram__store32(region, pos + i, 0u);
}

static PRAM_ALWAYS_INLINE void pram__copy(const pram_region_t *region, uintptr_t dst, uintptr_t src,
                                          uint32_t len)
{
    uint32_t i;
    for (i = 0u; i < len; i += 4u)
        pram__store32(region, dst + i, pram__load32(region, src + i));
}

/* After a commit: cache clean of the span (byte-addressable memory only:
 * register files are not cached) and PRAM_BARRIER(). */
static PRAM_ALWAYS_INLINE void pram__committed(const pram_region_t *region, uintptr_t pos,
                                               uint32_t len)
{
    void *p = pram__direct(region, pos);
    if (p)
        PRAM_CACHE_CLEAN(p, len);
    (void)p;
    (void)len;
    PRAM_BARRIER();
}


#endif /* PRAM_ACCESS_H */
