/* Models of reset-cause registers, for the reset-cause ports' host tests
 * (tests/test_reset_ports.c).  The ports' accesses arrive here through
 * PRAM_RESET_REG_LOAD/STORE (reset_model_config.h).  A model knows the
 * register's address, its only legal access width and how writes act on it,
 * as its reference manual says; which bits a given reset sets comes from the
 * test's tables.  Any access outside the attached registers, of another
 * width, or a write the manual does not allow fails the running test. */
#ifndef RESET_MODEL_H
#define RESET_MODEL_H

#include <stdint.h>

#include "reset_model_config.h"

typedef enum reset_reg_kind {
    /* STM32 RCC_CSR/RCC_RSR: read-only flags, cumulative, all cleared at
     * once by writing 1 to RMVF; `control` bits are ordinary read-write
     * bits (LSION, MSISRANGE), `status` bits read-only non-flags (LSIRDY). */
    RESET_REG_RMVF,
    /* nRF52 RESETREAS: flags cumulative, each cleared by writing 1 to it;
     * writing 1 anywhere else is an error. */
    RESET_REG_W1C,
    /* RP2040 REASON/CHIP_RESET, SAMD RCAUSE: read-only, only a reset changes
     * them; any write is an error. */
    RESET_REG_RO
} reset_reg_kind_t;

typedef struct reset_reg {
    const char *name;
    uintptr_t addr;
    unsigned width;       /* bytes: the only access width allowed */
    reset_reg_kind_t kind;
    uint32_t flags;       /* the reset flags */
    uint32_t control;     /* RESET_REG_RMVF: read-write bits */
    uint32_t status;      /* RESET_REG_RMVF: read-only bits that are not flags */
    uint32_t rmvf;        /* RESET_REG_RMVF: the RMVF bit */
    int rmvf_stored;      /* RMVF is a read-write bit, and while it is 1 the
                             flags are held cleared: no reset sets them (H7) */
    uint32_t value;
    unsigned loads, stores;
} reset_reg_t;

/* The registers the next accesses may touch (NULL, 0: none). */
void reset_model_attach(reset_reg_t *regs, unsigned n);

/* The hardware side of a reset: */
/* a reset that sets these flags, keeping the ones already set (cumulative
 * registers; ignored while a stored RMVF holds the flags cleared); */
void reset_reg_latch(reset_reg_t *r, uint32_t flags);
/* a reset that leaves the register holding exactly `value` (power-on of a
 * cumulative register, or any reset of a last-reset register). */
void reset_reg_set(reset_reg_t *r, uint32_t value);

#endif
