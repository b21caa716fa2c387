/* pram — the store primitive and word-wise access to persistent memory. */
#include "pram/pram.h"
#include "pram/pram_mem.h"

typedef union {
    uint32_t w;
    uint16_t h[2];
    uint8_t b[4];
} word_t;

#if PRAM_ENABLE_REGIONS
static uintptr_t unit_addr(const pram_region_t *r, uint32_t unit)
{
    uint32_t step = r->stride ? r->stride : r->width;
    return (uintptr_t)r->base + (uintptr_t)unit * step;
}
#endif

int pram__locate_in(const pram_region_t *r, uint32_t offset, uint32_t len, uintptr_t *pos)
{
    if (!r->base || (r->width != 0 && r->width != 1 && r->width != 2 && r->width != 4) ||
        (r->stride != 0 && r->stride < r->width))
        return PRAM_ERR_DESC;
    if ((offset & 3u) || ((uintptr_t)r->base & (r->width ? r->width - 1u : 3u)))
        return PRAM_ERR_ALIGN;
    if (len > r->size || offset > r->size - len)
        return PRAM_ERR_RANGE;
    if (r->width == 0) {
        /* Ordinary memory: from here on a plain address, as for region NULL. */
        *pos = (uintptr_t)r->base + offset;
        return PRAM_OK;
    }
#if !PRAM_ENABLE_REGIONS
    return PRAM_ERR_ACCESS;
#else
    *pos = offset;
    return PRAM_OK;
#endif
}

#if PRAM_ENABLE_REGIONS
/* Ordinary memory: region NULL or width 0, and pos is already an address. */
#define ORDINARY(r) (!(r) || (r)->width == 0)

void *pram__direct(const pram_region_t *r, uintptr_t pos)
{
    return ORDINARY(r) ? (void *)pos : NULL;
}

uint32_t pram__load32(const pram_region_t *r, uintptr_t pos)
{
    word_t u;
    if (ORDINARY(r))
        return PRAM_HW_LOAD32(pos);
    switch (r->width) {
    case 4:
        return PRAM_HW_LOAD32(unit_addr(r, (uint32_t)(pos / 4u)));
    case 2:
        u.h[0] = PRAM_HW_LOAD16(unit_addr(r, (uint32_t)(pos / 2u)));
        u.h[1] = PRAM_HW_LOAD16(unit_addr(r, (uint32_t)(pos / 2u) + 1u));
        return u.w;
    default:
        u.b[0] = PRAM_HW_LOAD8(unit_addr(r, (uint32_t)pos));
        u.b[1] = PRAM_HW_LOAD8(unit_addr(r, (uint32_t)pos + 1u));
        u.b[2] = PRAM_HW_LOAD8(unit_addr(r, (uint32_t)pos + 2u));
        u.b[3] = PRAM_HW_LOAD8(unit_addr(r, (uint32_t)pos + 3u));
        return u.w;
    }
}

/* The one store primitive.  Every byte the library writes into persistent
 * memory passes here, as an aligned 32-bit word split into the region's exact
 * access width.  Tests hook it to count stores, tear a word and cut power. */
void pram__store32(const pram_region_t *r, uintptr_t pos, uint32_t value)
{
    word_t u;
    PRAM__STORE_HOOK_BEGIN(r, pos, value);
    u.w = value;
    if (ORDINARY(r)) {
        PRAM_HW_STORE32(pos, u.w);
    } else {
        switch (r->width) {
        case 4:
            PRAM_HW_STORE32(unit_addr(r, (uint32_t)(pos / 4u)), u.w);
            break;
        case 2:
            PRAM_HW_STORE16(unit_addr(r, (uint32_t)(pos / 2u)), u.h[0]);
            PRAM_HW_STORE16(unit_addr(r, (uint32_t)(pos / 2u) + 1u), u.h[1]);
            break;
        default:
            PRAM_HW_STORE8(unit_addr(r, (uint32_t)pos), u.b[0]);
            PRAM_HW_STORE8(unit_addr(r, (uint32_t)pos + 1u), u.b[1]);
            PRAM_HW_STORE8(unit_addr(r, (uint32_t)pos + 2u), u.b[2]);
            PRAM_HW_STORE8(unit_addr(r, (uint32_t)pos + 3u), u.b[3]);
            break;
        }
    }
    PRAM__STORE_HOOK_END();
}
#endif /* PRAM_ENABLE_REGIONS; else inlined from pram_mem.h */

void pram__write(const pram_region_t *r, uintptr_t pos, const void *src, uint32_t len)
{
    const uint8_t *s = (const uint8_t *)src;
    while (len) {
        word_t u;
        uint32_t i, n = len < 4u ? len : 4u;
        u.w = 0;
        for (i = 0; i < n; i++)
            u.b[i] = s[i];
        pram__store32(r, pos, u.w);
        s += n;
        pos += 4u;
        len -= n;
    }
}

void pram__zero(const pram_region_t *r, uintptr_t pos, uint32_t len)
{
    for (; len >= 4u; len -= 4u, pos += 4u)
        pram__store32(r, pos, 0u);
    if (len)
        pram__store32(r, pos, 0u);
}

void pram__copy(const pram_region_t *r, uintptr_t dst, uintptr_t src, uint32_t len)
{
    uint32_t i;
    for (i = 0; i < len; i += 4u)
        pram__store32(r, dst + i, pram__load32(r, src + i));
}

void pram__read(const pram_region_t *r, uintptr_t pos, void *dst, uint32_t len)
{
    uint8_t *d = (uint8_t *)dst;
    while (len) {
        word_t u;
        uint32_t i, n = len < 4u ? len : 4u;
        u.w = pram__load32(r, pos);
        for (i = 0; i < n; i++)
            d[i] = u.b[i];
        d += n;
        pos += 4u;
        len -= n;
    }
}

#if PRAM_ENABLE_REGIONS
uint16_t pram__crc16(uint16_t crc, const pram_region_t *r, uintptr_t pos, uint32_t len)
{
    const void *p = pram__direct(r, pos);
    if (p)
        return pram_crc16(crc, p, len);
    while (len) {
        word_t u;
        uint32_t n = len < 4u ? len : 4u;
        u.w = pram__load32(r, pos);
        crc = pram_crc16(crc, u.b, n);
        pos += 4u;
        len -= n;
    }
    return crc;
}
#endif

uint16_t pram__crc16_u32(uint16_t crc, uint32_t v)
{
    uint8_t b[4];
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
    b[2] = (uint8_t)(v >> 16);
    b[3] = (uint8_t)(v >> 24);
    return pram_crc16(crc, b, 4);
}

uint16_t pram__crc16_u16(uint16_t crc, uint16_t v)
{
    uint8_t b[2];
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
    return pram_crc16(crc, b, 2);
}
