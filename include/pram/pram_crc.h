/* pram — CRC-16/CCITT-FALSE and CRC-32/ISO-HDLC, incremental.
 *
 *   CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, not reflected, no final XOR;
 *     "123456789" -> 0x29B1.  Same as Pigweed's pw_checksum Crc16Ccitt.
 *   CRC-32/ISO-HDLC: zlib's crc32(); "123456789" -> 0xCBF43926.
 *
 * Incremental: pass the previous result as seed to continue over more data.
 * pram_crc16 starts from PRAM_CRC16_INIT; pram_crc32 from 0, exactly like
 * zlib (pre/post inversion happens inside).  The implementation is chosen by
 * PRAM_CRC16_IMPL / PRAM_CRC32_IMPL (pram_config.h); all give equal results.
 */
#ifndef PRAM_CRC_H
#define PRAM_CRC_H

#include <stddef.h>
#include <stdint.h>

#include "pram_config.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PRAM_CRC16_INIT 0xFFFFu

uint16_t pram_crc16(uint16_t crc, const void *data, size_t len);
uint32_t pram_crc32(uint32_t crc, const void *data, size_t len);

/* The variants themselves: the selected one always exists; all of them with
 * PRAM_CRC_ALL_VARIANTS=1 (the test build compares them). */
uint16_t pram_crc16_bitwise(uint16_t crc, const void *data, size_t len);
uint16_t pram_crc16_nibble(uint16_t crc, const void *data, size_t len);
uint16_t pram_crc16_byte(uint16_t crc, const void *data, size_t len);
uint32_t pram_crc32_bitwise(uint32_t crc, const void *data, size_t len);
uint32_t pram_crc32_nibble(uint32_t crc, const void *data, size_t len);
uint32_t pram_crc32_byte(uint32_t crc, const void *data, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* PRAM_CRC_H */
