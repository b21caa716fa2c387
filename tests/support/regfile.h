/* An emulated register file for exact-width tests.  While registered, any
 * library access inside [base, base + units*stride) must be exactly `width`
 * bytes, aligned, at a unit boundary; anything else fails the running cmocka
 * test at once.  Bytes of a unit past `width` (STM32F1 BKP: 16 data bits in
 * each 32-bit slot) read as zero and are never written. */
#ifndef REGFILE_H
#define REGFILE_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint8_t *base;
    uint32_t units;
    uint8_t width;
    uint8_t stride;
    uint32_t loads, stores; /* accesses seen */
} regfile_t;

/* Register rf (one at a time; NULL unregisters). */
void regfile_attach(regfile_t *rf);

uint32_t pram_test_hw_load(const volatile void *addr, unsigned width);
void pram_test_hw_store(volatile void *addr, unsigned width, uint32_t value);

#endif
