/* pram — internal: how the reset-cause ports (src/pram_reset_*.c) touch
 * their registers.  Every access goes through these two macros, so a host
 * build can route them to a model of the register (tests/support/
 * reset_model_config.h does, through PRAM_USER_CONFIG):
 *
 *   PRAM_RESET_REG_LOAD(reg)          one read of the register
 *   PRAM_RESET_REG_STORE(reg, value)  one write of the register
 *
 * `reg` is always a pointer built by PRAM_RESET_REG32/PRAM_RESET_REG8, so
 * the access width is the register's own (sizeof *(reg)): 32-bit for the
 * STM32 RCC, nRF52 POWER and RP2040 registers, 8-bit for the SAMD RCAUSE
 * bytes.  An override may use sizeof *(reg) to check that width; it must
 * not evaluate *(reg) itself. */
#ifndef PRAM_RESET_REGS_H
#define PRAM_RESET_REGS_H

#include <stdint.h>

#include "pram/pram_config.h"

#define PRAM_RESET_REG32(addr) ((volatile uint32_t *)(uintptr_t)(addr))
#define PRAM_RESET_REG8(addr) ((volatile uint8_t *)(uintptr_t)(addr))

#ifndef PRAM_RESET_REG_LOAD
#  define PRAM_RESET_REG_LOAD(reg) ((uint32_t)*(reg))
#endif
#ifndef PRAM_RESET_REG_STORE
#  define PRAM_RESET_REG_STORE(reg, value) (*(reg) = (value))
#endif

#endif /* PRAM_RESET_REGS_H */
