/* pram — data kept in RAM across resets, and an exact account after each
 * reset of what is still trustworthy.
 *
 * Cells (pram_cell.h): one typed value, single-slot or A/B.
 * Buffers (pram_buf.h): append-only variable-length records.
 * CRCs (pram_crc.h); options (pram_config.h); compilers (pram_compiler.h).
 *
 * The core allocates nothing, takes no locks, does no I/O and bounds all work
 * by sizes known at build time: it is safe to call from a fault handler.
 */
#ifndef PRAM_H
#define PRAM_H

#define PRAM_VERSION_MAJOR 0
#define PRAM_VERSION_MINOR 1
#define PRAM_VERSION_PATCH 0

#include "pram_buf.h"
#include "pram_cell.h"
#include "pram_compact.h"
#include "pram_config.h"
#include "pram_crc.h"
#include "pram_reboot.h"
#include "pram_error.h"
#include "pram_migrate.h"
#include "pram_region.h"
#include "pram_region_map.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Run PRAM_BARRIER(): call before requesting a reset so committed stores have
 * reached memory (the library already calls it after each commit point). */
void pram_barrier(void);

#ifdef __cplusplus
}
#endif

#endif /* PRAM_H */
