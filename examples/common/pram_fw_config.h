/* pram options for the example firmware (built with
 * -DPRAM_USER_CONFIG='"pram_fw_config.h"', core and examples alike, since
 * both must see the same configuration).
 *
 * Nothing to override today: on Cortex-M the core's default PRAM_BARRIER()
 * is already a DSB, which drains the write buffer before a requested reset
 * or a fault, and .noinit RAM on these parts is not cached. */
#ifndef PRAM_FW_CONFIG_H
#define PRAM_FW_CONFIG_H

#endif /* PRAM_FW_CONFIG_H */
