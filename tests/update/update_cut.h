/* Forced in (-include) by tests/update/update.mk for the update-cut
 * firmware, its core and runtime alike: pram's store hook
 * (include/pram/pram_config.h) counts the stores of a migration and resets
 * the machine right after the chosen one (tests/update/update_fw.c). */
#ifndef UPDATE_CUT_H
#define UPDATE_CUT_H

#include <stdint.h>

int upd_store_hook(uintptr_t pos);
#if defined(__GNUC__)
__attribute__((noreturn))
#endif
void upd_power_cut(void);

#define PRAM_STORE_HOOK(region, pos, old, value_ptr) \
    ((void)(region), (void)(old), (void)(value_ptr), upd_store_hook(pos))
#define PRAM_POWER_CUT() upd_power_cut()

#endif /* UPDATE_CUT_H */
