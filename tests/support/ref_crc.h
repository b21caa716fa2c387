/* The tests' independent CRC oracle: CRC-16/CCITT-FALSE computed bit by bit
 * (poly 0x1021, init 0xFFFF, no reflection, no final xor), and the two CRCs
 * the stored format defines over it, built from the documented byte order.
 * Nothing here calls the library: tests judge its CRCs against these. */
#ifndef REF_CRC_H
#define REF_CRC_H

#include <stddef.h>
#include <stdint.h>

/* CRC-16/CCITT-FALSE of len bytes, continuing from crc (start: 0xFFFF). */
uint16_t ref_crc16(uint16_t crc, const void *data, size_t len);

/* A cell slot's seal CRC: CRC-16/CCITT-FALSE with its register starting at
 * 0xFFFF ^ seq, over the layout (4 LE bytes), 4 zero bytes when the layout's
 * bit 15 puts the value at offset 16 (the padding, as ref_craft writes it),
 * then the value's size bytes. */
uint16_t ref_seal_crc(uint32_t layout, uint16_t seq, const void *value, size_t size);
/* The same over a slot image as it stands: bytes 8 up to the end of the
 * value the layout names, 12 + its span (bits 0-12: the value size, + 4 for
 * a value at 16); neither bit 15 nor the kind (bits 13-14) moves it. */
uint16_t ref_slot_crc(const uint8_t *slot, uint32_t layout, uint16_t seq);

/* A buffer record's CRC (the high half of its len|crc word): CRC-16/CCITT-FALSE
 * over the len payload bytes only, its register started at
 * 0xFFFF ^ (seq & 0xFFFF) (seq: the record's sequence number). */
uint16_t ref_record_crc(uint32_t seq, uint32_t len, const void *payload);

#endif
