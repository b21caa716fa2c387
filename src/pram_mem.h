/* pram — internal: locating containers, and the CRC over persistent memory.
 * The accesses themselves (the store primitive) are in pram/pram_access.h. */
#ifndef PRAM_MEM_H
#define PRAM_MEM_H

#include <stddef.h>
#include <stdint.h>

#include "pram/pram_config.h"
#include "pram/pram_crc.h"
#include "pram/pram_error.h"
#include "pram/pram_region.h"

/* Check a region (port, width, stride, alignment) and that [offset, +len)
 * lies inside it; sets *pos (an address for ordinary memory). */
int pram__locate_in(const pram_region_t *region, uint32_t offset, uint32_t len, uintptr_t *pos);
/* The same for a container given by address or region + offset. */
static PRAM_ALWAYS_INLINE int pram__locate(const pram_region_t *region, void *addr,
                                           uint32_t offset, uint32_t len, uintptr_t *pos)
{
    if (region)
        return PRAM_ENABLE_REGIONS ? pram__locate_in(region, offset, len, pos) : PRAM_ERR_ACCESS;
    if (!addr)
        return PRAM_ERR_DESC;
    if ((uintptr_t)addr & 3u)
        return PRAM_ERR_ALIGN;
    *pos = (uintptr_t)addr;
    return PRAM_OK;
}

#include "pram/pram_access.h"

/* CRC-16 of len bytes at pos, continued from crc. */
uint16_t pram__crc16_ported(uint16_t crc, const pram_region_t *region, uintptr_t pos, uint32_t len);
static PRAM_ALWAYS_INLINE uint16_t pram__crc16(uint16_t crc, const pram_region_t *region,
                                               uintptr_t pos, uint32_t len)
{
    if (PRAM__PORTED(region))
        return pram__crc16_ported(crc, region, pos, len);
    return pram_crc16(crc, (const void *)pos, len);
}

#endif /* PRAM_MEM_H */
