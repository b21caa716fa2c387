/* Power-cut test of the update flag (update_flag.c), with pram's host test
 * kit (pram_sim.h): the real transition code, cut after every store it makes
 * through pram, whole and torn, then rebooted and checked against the
 * invariant; then a long life of random cuts and a retry-through-outages
 * schedule.  No test framework: a plain program, exit status 0 on success.
 *
 * Built (examples/update_flag/update_flag.mk; make test-sim, make demo-sim)
 * like any user's test of their own logic:
 *   cc -std=c99 -Iinclude -Iexamples/update_flag \
 *      -DPRAM_USER_CONFIG='"pram/pram_sim_config.h"' \
 *      examples/update_flag/update_flag.c examples/update_flag/update_flag_test.c \
 *      build/host/libpram_sim.a -o update_flag_test
 * With -DUPDATE_FLAG_WRONG_ORDER (verify writes the flag before the image
 * record) the program succeeds only if the sweep and the random schedule
 * find the violation and each replay reproduces it. */
#include <stdio.h>
#include <string.h>

#include "pram/pram_sim.h"
#include "update_flag.h"

#ifdef UPDATE_FLAG_WRONG_ORDER
#  define VARIANT "wrong order (flag before image record)"
#else
#  define VARIANT "correct order"
#endif

/* The staging bank: flash on a device, where the downloader writes.  Not
 * persistent RAM (not in the image), and the same after every reset: its
 * bytes are a function of the version. */
static uint8_t bank[1536];

static uint32_t fill_bank(uint32_t version)
{
    uint32_t i, n = 1024u + (version % 7u) * 64u;
    for (i = 0; i < n; i++)
        bank[i] = (uint8_t)(version * 31u + i * 7u);
    return n;
}

static upd_t dev; /* the device's RAM */

static void boot(void *ctx)
{
    upd_boot((upd_t *)ctx);
}

/* One update, from wherever the flag stands, until the next version is
 * confirmed: the code under test, as the device runs it across its boots. */
static void update_cycle(void *ctx)
{
    upd_t *u = (upd_t *)ctx;
    uint32_t n;
    int started = 0;
    for (;;) {
        switch (u->flag.state) {
        case UPD_CONFIRMED:
            if (started)
                return;
            /* fall through */
        case UPD_IDLE:
            n = fill_bank(u->flag.running + 1u);
            upd_download_done(u, u->flag.running + 1u, n, pram_crc32(0u, bank, n));
            break;
        case UPD_DOWNLOADED:
            n = fill_bank(u->flag.target);
            (void)upd_verify(u, pram_crc32(0u, bank, n));
            break;
        case UPD_PENDING:
            upd_trial(u);
            break;
        case UPD_BOOT_TRIAL:
            upd_confirm(u);
            break;
        default:
            return;
        }
        started = 1;
    }
}

static const char *state_name(uint32_t s)
{
    static const char *const names[] = {"?", "IDLE", "DOWNLOADED", "PENDING", "BOOT_TRIAL", "CONFIRMED"};
    return s <= UPD_CONFIRMED ? names[s] : "?";
}

/* The invariant the bootloader relies on, read from the cells themselves. */
static int check(void *ctx, char *msg, size_t cap)
{
    upd_flag_t f;
    upd_image_t im;
    int rc = upd_flag_get(&f), iv;
    (void)ctx;
    if (rc != PRAM_OK) {
        snprintf(msg, cap, "flag cell unreadable (%s)", pram_strerror(rc));
        return 1;
    }
    iv = upd_image_get(&im) == PRAM_OK;
    switch (f.state) {
    case UPD_IDLE:
        return 0;
    case UPD_DOWNLOADED:
        if (iv && im.version == f.target)
            return 0;
        break;
    case UPD_PENDING:
    case UPD_BOOT_TRIAL:
    case UPD_CONFIRMED:
        if (iv && im.verified == 1u && im.version == f.target &&
            (f.state != UPD_CONFIRMED || f.running == f.target))
            return 0;
        break;
    default:
        snprintf(msg, cap, "flag state %lu unknown", (unsigned long)f.state);
        return 1;
    }
    if (!iv)
        snprintf(msg, cap, "state %s (v%lu) but the image record is unreadable", state_name(f.state),
                 (unsigned long)f.target);
    else
        snprintf(msg, cap, "state %s v%lu but the image record is v%lu, %s", state_name(f.state),
                 (unsigned long)f.target, (unsigned long)im.version,
                 im.verified == 1u ? "verified" : "not verified");
    return 1;
}

/* Cold RAM (zeroed), then the factory state: v1 runs, confirmed. */
static void factory(const pram_sim_case_t *c)
{
    uint32_t n = fill_bank(1u);
    (void)pram_sim_image_fill(c->image, 0u);
    (void)pram_sim_reset(c);
    upd_provision(&dev, 1u, n, pram_crc32(0u, bank, n));
    (void)pram_sim_reset(c);
}

static int failures;

static void expect(int ok, const char *what)
{
    if (!ok) {
        printf("FAIL: %s\n", what);
        failures++;
    }
}

#ifdef UPDATE_FLAG_WRONG_ORDER
static void show(const char *label, const pram_sim_violation_t *v)
{
    char line[384];
    (void)pram_sim_format(v, line, sizeof line);
    printf("  %s %s\n", label, line);
}
#endif

int main(void)
{
    pram_sim_image_t img;
    pram_sim_result_t r;
    pram_sim_case_t c;
    int rc;

    memset(&c, 0, sizeof c);
    c.image = &img;
    c.ctx = &dev;
    c.boot = boot;
    c.op = update_cycle;
    c.check = check;

    /* The image: the program's own .noinit cells (PRAM_CELL_DEFINE in
     * update_flag.c, unchanged), cold (zeroed), then the factory state. */
    rc = pram_sim_image_containers(&img);
    expect(rc == PRAM_SIM_OK, "the program's containers as the image");
    if (rc != PRAM_SIM_OK)
        return 1;
    factory(&c);
    printf("update_flag (%s): image = %u containers, %zu bytes; v1 confirmed\n", VARIANT,
           (unsigned)img.count, pram_sim_image_bytes(&img));

    /* 1. Every store of one update, every tear mask. */
    rc = pram_sim_sweep(&c, &r);
    printf("  sweep: one update (v1 -> v2 confirmed) makes %u stores through pram; %u cut points "
           "(%u stores x %u tear masks), %u checks, %d violation(s)\n",
           (unsigned)r.stores, (unsigned)r.cut_points, (unsigned)r.stores,
           (unsigned)PRAM_SIM_TEARS_DEFAULT_COUNT, (unsigned)r.checks, rc);
    expect(rc >= 0, pram_sim_strerror(rc));
    expect(r.unhooked == 0u, "every word the op changed went through pram");
#ifdef UPDATE_FLAG_WRONG_ORDER
    expect(rc > 0, "the sweep finds the wrong commit order");
    if (rc > 0) {
        pram_sim_violation_t first = r.first, v;
        show("first:", &first);
        rc = pram_sim_replay(&c, first.cut, first.tear, &v);
        expect(rc == 1 && strcmp(v.msg, first.msg) == 0, "the replay reproduces the first violation");
        show("replay:", &v);
    }
#else
    expect(rc == 0, "no violation at any store");
#endif

    /* The replay left the image as the cut did: start the schedules from the
     * factory state again. */
    factory(&c);

    /* 2. A long life: 500 outages at random stores of the next 4 updates. */
    rc = pram_sim_random(&c, 2024u, 500u, &r);
    printf("  random (seed 2024): %u steps, %u cuts, %d violation(s)\n", (unsigned)r.steps,
           (unsigned)r.cut_points, rc);
    expect(rc >= 0, pram_sim_strerror(rc));
#ifdef UPDATE_FLAG_WRONG_ORDER
    expect(rc > 0, "the random schedule finds the wrong commit order");
    if (rc > 0) {
        pram_sim_violation_t first = r.first, v;
        show("first:", &first);
        rc = pram_sim_replay_random(&c, first.seed, first.step, &v);
        expect(rc == 1 && v.cut == first.cut && v.rep == first.rep,
               "the random replay reproduces it");
        factory(&c);
    }
#else
    expect(rc == 0 && r.steps == 500u, "no violation in 500 random outages");
#endif

    /* 3. Retrying through outages: cut at store 1 of the first try, store 2
     * of the retry, ... until a try gets through.  A schedule, not a proof:
     * a retry that starts from a later state cuts later in the update too,
     * and the wrong order's window (a few stores into verify) is passed by
     * the time a retry starts at DOWNLOADED.  The sweep is the proof. */
    rc = pram_sim_linear(&c, 7u, &r);
    printf("  linear (seed 7): %u tries cut before one got through, %d violation(s)\n",
           (unsigned)r.cut_points, rc);
#ifdef UPDATE_FLAG_WRONG_ORDER
    expect(rc >= 0, pram_sim_strerror(rc));
#else
    expect(rc == 0, "no violation retrying through outages");
#endif

    if (failures) {
        printf("update_flag (%s): %d failure(s)\n", VARIANT, failures);
        return 1;
    }
#ifdef UPDATE_FLAG_WRONG_ORDER
    printf("update_flag (%s): violation found and replayed, as it must be\n", VARIANT);
#else
    printf("update_flag (%s): the invariant holds at every store\n", VARIANT);
#endif
    return 0;
}
