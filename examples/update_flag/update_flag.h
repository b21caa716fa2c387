/* A two-phase firmware-update flag kept in pram cells: the kind of small
 * state machine whose commit order decides whether a reset at the wrong
 * moment bricks a device.  Plain firmware code (no host, no test hooks);
 * update_flag_test.c power-cut-tests it with the kit (pram_sim.h).
 *
 *   IDLE --download_done--> DOWNLOADED --verify ok--> PENDING
 *     ^                          |                      |  (reset into the
 *     +------ verify bad --------+                      v   new image)
 *   CONFIRMED <------confirm------ BOOT_TRIAL <-----trial (bootloader)
 *
 * Two A/B cells: the flag (state, target version, running version) and the
 * record of the staged image (version, size, CRC-32, verified).  The
 * invariant the bootloader relies on: the flag never says PENDING,
 * BOOT_TRIAL or CONFIRMED unless the image record is valid, verified and of
 * the flag's target version; DOWNLOADED needs a record of that version.
 * The commit order that keeps it: the record first, the flag after, and a
 * flag that leaves the states the record vouches for before the record is
 * rewritten.  -DUPDATE_FLAG_WRONG_ORDER makes verify write the flag first. */
#ifndef UPDATE_FLAG_H
#define UPDATE_FLAG_H

#include <stdint.h>

#include "pram/pram.h"

/* From 1: a word of zeros is no state. */
enum upd_state {
    UPD_IDLE = 1,
    UPD_DOWNLOADED = 2,
    UPD_PENDING = 3,
    UPD_BOOT_TRIAL = 4,
    UPD_CONFIRMED = 5
};

typedef struct upd_flag {
    uint32_t state;   /* enum upd_state                                 */
    uint32_t target;  /* version the update is about                    */
    uint32_t running; /* version of the firmware that runs (confirmed)  */
} upd_flag_t;

typedef struct upd_image {
    uint32_t version;
    uint32_t size;
    uint32_t crc;      /* CRC-32 of the staged bytes, as downloaded      */
    uint32_t verified; /* 1 once the staged bytes were checked against crc */
} upd_image_t;

PRAM_CELL_DECLARE(upd_flag, upd_flag_t, 1, PRAM_AB);
PRAM_CELL_DECLARE(upd_image, upd_image_t, 1, PRAM_AB);

/* What one boot knows: RAM copies of the cells. */
typedef struct upd {
    upd_flag_t flag;
    upd_image_t image;
    int image_valid;
} upd_t;

/* Boot: load the cells into *u (an unreadable flag reads IDLE, version 0). */
void upd_boot(upd_t *u);
/* Factory state: `version` runs, confirmed, with its verified record. */
void upd_provision(upd_t *u, uint32_t version, uint32_t size, uint32_t crc);
/* The downloader put `size` bytes of `version` with CRC-32 `crc` in the
 * staging bank: record it, then DOWNLOADED. */
void upd_download_done(upd_t *u, uint32_t version, uint32_t size, uint32_t crc);
/* The staging bank's CRC as read back now: PENDING if it matches the record,
 * else IDLE (the update is dropped).  Returns the new state. */
uint32_t upd_verify(upd_t *u, uint32_t bank_crc);
/* Bootloader, at the reset that starts the new image: PENDING -> BOOT_TRIAL. */
void upd_trial(upd_t *u);
/* The new image passed its self-test: BOOT_TRIAL -> CONFIRMED. */
void upd_confirm(upd_t *u);

#endif
