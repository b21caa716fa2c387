/* The update flag's transitions (update_flag.h).  Each one commits whole
 * cells (an A/B set keeps the old value through a reset at any store), so
 * what can go wrong is only the order of two commits. */
#include "update_flag.h"

PRAM_CELL_DEFINE(upd_flag);
PRAM_CELL_DEFINE(upd_image);

static void set_flag(upd_t *u, uint32_t state, uint32_t target, uint32_t running)
{
    u->flag.state = state;
    u->flag.target = target;
    u->flag.running = running;
    (void)upd_flag_set(&u->flag);
}

static void set_image(upd_t *u, uint32_t version, uint32_t size, uint32_t crc, uint32_t verified)
{
    u->image.version = version;
    u->image.size = size;
    u->image.crc = crc;
    u->image.verified = verified;
    u->image_valid = 1;
    (void)upd_image_set(&u->image);
}

void upd_boot(upd_t *u)
{
    if (upd_flag_get(&u->flag) != PRAM_OK) {
        u->flag.state = UPD_IDLE;
        u->flag.target = 0u;
        u->flag.running = 0u;
    }
    u->image_valid = upd_image_get(&u->image) == PRAM_OK;
}

void upd_provision(upd_t *u, uint32_t version, uint32_t size, uint32_t crc)
{
    set_flag(u, UPD_IDLE, version, version);
    set_image(u, version, size, crc, 1u);
    set_flag(u, UPD_CONFIRMED, version, version);
}

void upd_download_done(upd_t *u, uint32_t version, uint32_t size, uint32_t crc)
{
    /* Leave every state the record vouches for before rewriting it. */
    if (u->flag.state != UPD_IDLE)
        set_flag(u, UPD_IDLE, u->flag.running, u->flag.running);
    set_image(u, version, size, crc, 0u);
    set_flag(u, UPD_DOWNLOADED, version, u->flag.running);
}

uint32_t upd_verify(upd_t *u, uint32_t bank_crc)
{
    if (u->flag.state != UPD_DOWNLOADED)
        return u->flag.state;
    if (!u->image_valid || u->image.version != u->flag.target || u->image.crc != bank_crc) {
        set_flag(u, UPD_IDLE, u->flag.running, u->flag.running);
        return UPD_IDLE;
    }
#ifdef UPDATE_FLAG_WRONG_ORDER
    set_flag(u, UPD_PENDING, u->flag.target, u->flag.running); /* flag first: wrong */
    set_image(u, u->image.version, u->image.size, u->image.crc, 1u);
#else
    set_image(u, u->image.version, u->image.size, u->image.crc, 1u);
    set_flag(u, UPD_PENDING, u->flag.target, u->flag.running);
#endif
    return UPD_PENDING;
}

void upd_trial(upd_t *u)
{
    if (u->flag.state == UPD_PENDING)
        set_flag(u, UPD_BOOT_TRIAL, u->flag.target, u->flag.running);
}

void upd_confirm(upd_t *u)
{
    if (u->flag.state == UPD_BOOT_TRIAL)
        set_flag(u, UPD_CONFIRMED, u->flag.target, u->flag.target);
}
