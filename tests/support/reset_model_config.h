/* Test builds: route the reset-cause ports' register accesses
 * (PRAM_RESET_REG_LOAD/STORE, src/pram_reset_regs.h) to the register models
 * of tests/support/reset_model.c.  Included by pram_test_config.h. */
#ifndef RESET_MODEL_CONFIG_H
#define RESET_MODEL_CONFIG_H

#include <stdint.h>

uint32_t reset_model_load(uintptr_t addr, unsigned width);
void reset_model_store(uintptr_t addr, unsigned width, uint32_t value);

#define PRAM_RESET_REG_LOAD(reg) reset_model_load((uintptr_t)(reg), (unsigned)sizeof *(reg))
#define PRAM_RESET_REG_STORE(reg, value) \
    reset_model_store((uintptr_t)(reg), (unsigned)sizeof *(reg), (uint32_t)(value))

#endif
