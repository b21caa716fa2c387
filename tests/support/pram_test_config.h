/* Test build configuration (PRAM_USER_CONFIG): hooks the store primitive so
 * tests can count stores, tear a word, cut power and run an "interrupt" or a
 * "fault handler" at a store; makes the critical-section hook a pair of test
 * functions that track nesting and can hold an interrupt pending until the
 * outermost exit (as a masked interrupt); records misuse reports instead of
 * trapping.  tests/support/test_support.h has the controls. */
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

/* Critical sections: the state is the nesting depth before the enter. */
uint32_t pram_test_critical_enter(void);
void pram_test_critical_exit(uint32_t state);
#define PRAM_CRITICAL_ENTER() pram_test_critical_enter()
#define PRAM_CRITICAL_EXIT(state) pram_test_critical_exit(state)

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

/* Reset-cause ports' register accesses go to the register models
 * (tests/support/reset_model.c). */
#include "reset_model_config.h"

#endif
