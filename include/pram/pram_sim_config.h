/* pram — the configuration of the host power-cut test kit (pram_sim.h).
 *
 * A PRAM_USER_CONFIG header: it turns pram's store hook on, so that every
 * store pram makes into persistent memory goes through the kit, which counts
 * it, may tear it (a tear mask) and may cut power right after it (a longjmp
 * back into the kit: PRAM_POWER_CUT never returns).  Host only; never in
 * firmware.
 *
 * The kit's library (libpram_sim.a, CMake pram::sim) is built with it, and
 * every file of yours that includes a pram header must be compiled with it
 * too (typed cells compile their stores into your code):
 *
 *   cc -std=c99 -Ipram/include -DPRAM_USER_CONFIG='"pram/pram_sim_config.h"' \
 *      my_logic.c my_logic_test.c build/host/libpram_sim.a -o my_logic_test
 *
 * (CMake: link pram::sim, which carries the definition.)  Link libpram_sim.a
 * instead of libpram.a: it holds the core too.  Code compiled without this
 * header makes stores the kit does not see; the kit reports that as
 * PRAM_SIM_ERR_NO_STORES or in pram_sim_result_t.unhooked.
 *
 * Options of your own: define PRAM_SIM_USER_CONFIG='"my_pram_config.h"' and
 * this header includes it first (do not define PRAM_STORE_HOOK or
 * PRAM_POWER_CUT there: the kit owns them).  Library and tests must agree on
 * every option, as with any pram build.
 */
#ifndef PRAM_SIM_CONFIG_H
#define PRAM_SIM_CONFIG_H

#ifdef PRAM_SIM_USER_CONFIG
#  include PRAM_SIM_USER_CONFIG
#endif

#include <stdint.h>

#if defined(PRAM_STORE_HOOK) || defined(PRAM_POWER_CUT)
#  error "pram_sim_config.h owns PRAM_STORE_HOOK and PRAM_POWER_CUT: do not define them as well"
#endif

/* What pram_sim.h checks, so that a test compiled without this header does
 * not build. */
#define PRAM_SIM_CONFIG 1

#ifdef __cplusplus
extern "C" {
#endif

struct pram_region;

/* The kit's side of the hook (src/host/sim/pram_sim.c); not for direct use. */
int pram_sim__store_hook(const struct pram_region *region, uintptr_t pos, uint32_t old,
                         uint32_t *value);
#if defined(__GNUC__) || defined(__clang__)
__attribute__((noreturn))
#endif
void pram_sim__power_cut(void);

#ifdef __cplusplus
}
#endif

#define PRAM_STORE_HOOK(region, pos, old, value_ptr) pram_sim__store_hook(region, pos, old, value_ptr)
#define PRAM_POWER_CUT() pram_sim__power_cut()

#endif /* PRAM_SIM_CONFIG_H */
