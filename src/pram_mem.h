/* pram — internal: every access the library makes to persistent memory.
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

#include "pram/pram.h"

/* Check that [addr or offset, +len) is a usable, aligned span; sets *pos. */
int pram__locate(const pram_region_t *region, void *addr, uint32_t offset, uint32_t len,
                 uintptr_t *pos);

uint32_t pram__load32(const pram_region_t *region, uintptr_t pos);
void pram__store32(const pram_region_t *region, uintptr_t pos, uint32_t value);

/* Pointer to the bytes at pos, or NULL where only exact-width access is allowed. */
void *pram__direct(const pram_region_t *region, uintptr_t pos);

/* Word-wise helpers built on the two primitives above.  `len` in bytes; the
 * last word of a write is padded with zero bytes. */
void pram__write(const pram_region_t *region, uintptr_t pos, const void *src, uint32_t len);
void pram__zero(const pram_region_t *region, uintptr_t pos, uint32_t len);
void pram__copy(const pram_region_t *region, uintptr_t dst, uintptr_t src, uint32_t len);
void pram__read(const pram_region_t *region, uintptr_t pos, void *dst, uint32_t len);
uint16_t pram__crc16(uint16_t crc, const pram_region_t *region, uintptr_t pos, uint32_t len);

/* After a commit: cache clean of the span (byte-addressable memory only:
 * register files are not cached) and PRAM_BARRIER(). */
void pram__committed(const pram_region_t *region, uintptr_t pos, uint32_t len);

/* CRC-16 over a 32-bit and a 16-bit field, little-endian whatever the CPU,
 * so header checks do not depend on byte order. */
uint16_t pram__crc16_u32(uint16_t crc, uint32_t v);
uint16_t pram__crc16_u16(uint16_t crc, uint16_t v);

#endif /* PRAM_MEM_H */
