/* Reset-cause register models: see reset_model.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "reset_model.h"

static reset_reg_t *regs;
static unsigned nregs;

void reset_model_attach(reset_reg_t *r, unsigned n)
{
    regs = r;
    nregs = r ? n : 0u;
}

static uint32_t width_mask(unsigned width)
{
    return width >= 4u ? 0xFFFFFFFFu : (((uint32_t)1u << (8u * width)) - 1u);
}

static reset_reg_t *find(uintptr_t addr, unsigned width, const char *what)
{
    unsigned i;
    for (i = 0; i < nregs; i++) {
        reset_reg_t *r = &regs[i];
        if (addr + width <= r->addr || addr >= r->addr + r->width)
            continue;
        if (addr != r->addr || width != r->width)
            fail_msg("reset model: %u-byte %s at 0x%08lx: %s is %u-byte at 0x%08lx", width,
                     what, (unsigned long)addr, r->name, r->width, (unsigned long)r->addr);
        return r;
    }
    fail_msg("reset model: %u-byte %s at 0x%08lx, no modelled register there", width, what,
             (unsigned long)addr);
    return NULL;
}

uint32_t reset_model_load(uintptr_t addr, unsigned width)
{
    reset_reg_t *r = find(addr, width, "load");
    r->loads++;
    return r->value & width_mask(width);
}

void reset_model_store(uintptr_t addr, unsigned width, uint32_t value)
{
    reset_reg_t *r = find(addr, width, "store");
    uint32_t known;
    r->stores++;
    switch (r->kind) {
    case RESET_REG_RO:
        fail_msg("reset model: store 0x%08lx to %s, which is read-only", (unsigned long)value,
                 r->name);
        break;
    case RESET_REG_W1C:
        if (value & ~r->flags)
            fail_msg("reset model: store 0x%08lx to %s sets bits that are not flags",
                     (unsigned long)value, r->name);
        r->value &= ~value;
        break;
    case RESET_REG_RMVF:
        known = r->flags | r->control | r->status | r->rmvf;
        if (value & ~known)
            fail_msg("reset model: store 0x%08lx to %s sets reserved bits 0x%08lx",
                     (unsigned long)value, r->name, (unsigned long)(value & ~known));
        /* Read-write bits take the written value; flags and status bits
         * ignore writes; RMVF = 1 clears every flag. */
        r->value = (r->value & ~r->control) | (value & r->control);
        if (value & r->rmvf)
            r->value &= ~r->flags;
        if (r->rmvf_stored)
            r->value = (r->value & ~r->rmvf) | (value & r->rmvf);
        break;
    }
}

void reset_reg_latch(reset_reg_t *r, uint32_t flags)
{
    if (flags & ~r->flags)
        fail_msg("reset model: %s has no flag 0x%08lx", r->name, (unsigned long)(flags & ~r->flags));
    if (r->kind == RESET_REG_RMVF && r->rmvf_stored && (r->value & r->rmvf))
        return;
    r->value |= flags;
}

void reset_reg_set(reset_reg_t *r, uint32_t value)
{
    r->value = value;
}
