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

#endif
