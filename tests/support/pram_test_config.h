/* Test build configuration (PRAM_USER_CONFIG): hooks the store primitive so
 * tests can count stores, tear a word and cut power, and records misuse
 * reports instead of trapping. */
#ifndef PRAM_TEST_CONFIG_H
#define PRAM_TEST_CONFIG_H

#include <stdint.h>

struct pram_region;
int pram_test_store_hook(const struct pram_region *region, uintptr_t pos, uint32_t old,
                         uint32_t *value);
void pram_test_power_cut(void);
void pram_test_misuse(int what);

#define PRAM_STORE_HOOK(region, pos, old, value_ptr) pram_test_store_hook(region, pos, old, value_ptr)
#define PRAM_POWER_CUT() pram_test_power_cut()
#define PRAM_MISUSE(what) pram_test_misuse(what)

/* Every raw access goes through the emulated-register-file checker
 * (tests/support/regfile.c); outside a registered file it is a plain access. */
uint32_t pram_test_hw_load(const volatile void *addr, unsigned width);
void pram_test_hw_store(volatile void *addr, unsigned width, uint32_t value);
#define PRAM_HW_LOAD32(a) pram_test_hw_load((const volatile void *)(a), 4u)
#define PRAM_HW_LOAD16(a) ((uint16_t)pram_test_hw_load((const volatile void *)(a), 2u))
#define PRAM_HW_LOAD8(a) ((uint8_t)pram_test_hw_load((const volatile void *)(a), 1u))
#define PRAM_HW_STORE32(a, v) pram_test_hw_store((volatile void *)(a), 4u, (uint32_t)(v))
#define PRAM_HW_STORE16(a, v) pram_test_hw_store((volatile void *)(a), 2u, (uint32_t)(v))
#define PRAM_HW_STORE8(a, v) pram_test_hw_store((volatile void *)(a), 1u, (uint32_t)(v))

#endif
