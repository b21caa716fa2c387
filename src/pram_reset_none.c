/* pram — the reset-cause port for parts without one (or not yet ported):
 * pram_reboot then reports what it knows itself — marks, crashes, and a
 * lost record as power-on. */
#include "pram/pram_reboot.h"

static uint32_t none_read(void)
{
    return 0u;
}

static uint32_t none_causes(uint32_t raw)
{
    (void)raw;
    return 0u;
}

const pram_reset_port_t pram_reset_port_none = {"none", none_read, none_causes, 0};
