/* pram — the store primitive and word-wise access to persistent memory. */
#include "pram/pram.h"
#include "pram_mem.h"

#if PRAM_ENABLE_REGIONS
int pram__locate_in(const pram_region_t *r, uint32_t offset, uint32_t len, uintptr_t *pos)
{
    uint32_t w = r->width;
    /* The port must be the one for the width, and a stride a whole number
     * of units (w is a power of two here): a 32-bit access at base + 6
     * faults on register memory. */
    if (!r->base || !r->port || r->port->width != w || (w & (w - 1u)) || w > 4u ||
        (w && (r->stride & (w - 1u))))
        return PRAM_ERR_DESC;
    if ((offset & 3u) || ((uintptr_t)r->base & (w ? w - 1u : 3u)))
        return PRAM_ERR_ALIGN;
    if (len > r->size || offset > r->size - len)
        return PRAM_ERR_RANGE;
    /* Ordinary memory: from here on a plain address, as for region NULL. */
    *pos = w ? offset : (uintptr_t)r->base + offset;
    return PRAM_OK;
}

/* Register files only: each word as the port reads it, its bytes in memory
 * order, so the CRC matches what byte-addressable memory would give. */
uint16_t pram__crc16_ported(uint16_t crc, const pram_region_t *r, uintptr_t pos, uint32_t len)
{
    uint32_t i, n;
    for (i = 0u; i < len; i += 4u) {
        uint8_t b[4];
        n = len - i < 4u ? len - i : 4u;
        pram__read(r, pos + i, b, n);
        crc = pram_crc16(crc, b, n);
    }
    return crc;
}
#endif /* PRAM_ENABLE_REGIONS */
