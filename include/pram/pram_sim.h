/* pram — host test kit: power-cut-test your own logic that keeps state in
 * pram cells and buffers.  Host only (libpram_sim.a, CMake pram::sim);
 * compile with -DPRAM_USER_CONFIG='"pram/pram_sim_config.h"' (that header
 * says why and how).  docs/testing.md has a walk-through.
 *
 *   static void boot(void *ctx)  { my_boot(ctx); }      // RAM state from the image
 *   static void op(void *ctx)    { my_transition(ctx); } // the code under test
 *   static int check(void *ctx, char *msg, size_t cap)  // the invariant
 *   { return my_invariant_holds(ctx) ? 0 : (snprintf(msg, cap, "..."), 1); }
 *
 *   pram_sim_image_t img;  pram_sim_image_containers(&img);  // your .noinit cells
 *   pram_sim_case_t c = { &img, &my_ctx, boot, op, check };
 *   pram_sim_result_t r;
 *   int n = pram_sim_sweep(&c, &r);   // violations found (>= 0) or PRAM_SIM_ERR_*
 *   // r.first: cut, tear -> pram_sim_replay(&c, r.first.cut, r.first.tear, &v)
 *
 * The model.  An image is the persistent memory your code uses.  Power is cut
 * right after one of the stores pram makes into it (every byte pram writes
 * goes through one 32-bit store primitive, pram_access.h); that store lands
 * whole or torn (a tear mask: which of its 4 bytes are new), nothing after it
 * happens.  Then a reset: the image is kept, your program's RAM state is not
 * (the kit calls your boot function to rebuild it from the image), and your
 * check judges what is left.  Only stores made through pram are cut points:
 * plain stores of yours into the image (an edit scope's value pointer,
 * memcpy) land whenever your code makes them (see result.unhooked).  No
 * caches, no reordering: a store issued is a store landed.
 *
 * The op runs in the kit's frame and is left by longjmp at the cut, as pram's
 * own tests do, mid-call of a pram function: it must not hold resources
 * across pram calls that a reset would not release (heap, locks, open files)
 * or must rebuild them in boot; C code only (no C++ destructors between the
 * kit and the store).  Do not fail a test from inside a callback by a longjmp
 * of your own (cmocka's assert_*): return a message from check instead (or
 * call pram_sim_abandon() before the next run).
 *
 * Not thread-safe: the hook state is process-global; one run at a time, from
 * one thread.  Runs never print unless asked (case.log).
 */
#ifndef PRAM_SIM_H
#define PRAM_SIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pram_config.h"
#include "pram_migrate.h"

#ifndef PRAM_SIM_CONFIG
#  error "pram_sim.h: compile with -DPRAM_USER_CONFIG='\"pram/pram_sim_config.h\"' (and link libpram_sim.a)"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Errors: negative, and apart from pram's own (pram_error.h). */
enum pram_sim_error {
    PRAM_SIM_OK = 0,
    PRAM_SIM_ERR_NULL = -101,      /* a required pointer was NULL (case, op, check, ...)         */
    PRAM_SIM_ERR_NO_IMAGE = -102,  /* the case has no image, or it is not open                  */
    PRAM_SIM_ERR_ARG = -103,       /* an argument out of range (tear mask > 0xF, size 0, ...)   */
    PRAM_SIM_ERR_NO_STORES = -104, /* op made no store through pram: nothing to cut (compiled
                                      without pram_sim_config.h?)                              */
    PRAM_SIM_ERR_TOO_MANY = -105,  /* op made more than max_stores stores (a loop?)             */
    PRAM_SIM_ERR_OUTSIDE = -106,   /* op stored outside the image: runs could not be restored   */
    PRAM_SIM_ERR_NONDET = -107,    /* op made fewer stores on a rerun from the same image and
                                      RAM state: some cuts were not made (result.uncut)         */
    PRAM_SIM_ERR_BUSY = -108,      /* a run is in progress (called from a callback)             */
    PRAM_SIM_ERR_IO = -109,        /* a file image could not be mapped (errno says why)         */
    PRAM_SIM_ERR_NOMEM = -110      /* the kit's snapshot could not be allocated                 */
};

/* ---- Images ---------------------------------------------------------------- */

#define PRAM_SIM_IMAGE_NONE 0       /* not open                                   */
#define PRAM_SIM_IMAGE_MEMORY 1     /* a buffer of yours                          */
#define PRAM_SIM_IMAGE_FILE 2       /* a file mapped MAP_SHARED (pram_host_map)   */
#define PRAM_SIM_IMAGE_CONTAINERS 3 /* every PRAM_CELL_DEFINE / PRAM_BUF_DEFINE of
                                       the program (the linker's table)           */

/* The persistent memory your code uses (caller-allocated; fields readable,
 * set only by the functions below).  Your containers must lie in it: the
 * kit restores it between runs, and refuses an op that stores elsewhere. */
typedef struct pram_sim_image {
    unsigned char *base;                /* MEMORY, FILE: the bytes            */
    size_t size;                        /*   and their number                 */
    const pram_container_t *containers; /* CONTAINERS: the linker's table     */
    uint32_t count;                     /*   and its length                   */
    int kind;                           /* PRAM_SIM_IMAGE_*                   */
} pram_sim_image_t;

/* A buffer of yours, e.g. the memory behind
 *   static uint32_t ram[256];
 *   static const pram_region_t ram_region = PRAM_REGION(ram, sizeof ram, 0, 0);
 *   PRAM_CELL_DEFINE_IN(state, &ram_region, 0);     (or PRAM_CELL_DEFINE_AT) */
int pram_sim_image_memory(pram_sim_image_t *img, void *base, size_t size);
/* A file mapped as the memory (pram_host.h: created or grown, new bytes zero;
 * *created as there, may be NULL).  Point a region of yours at img->base.
 * PRAM_SIM_ERR_IO with errno on failure.  Close with pram_sim_image_close. */
int pram_sim_image_file(pram_sim_image_t *img, const char *path, size_t size, int *created);
/* The program's own .noinit containers, as PRAM_CELL_DEFINE and
 * PRAM_BUF_DEFINE recorded them (pram_containers(), pram_migrate.h): your
 * firmware sources unchanged.  ELF (GNU ld, lld) only: PRAM_SIM_ERR_NO_IMAGE
 * if the program defines none. */
int pram_sim_image_containers(pram_sim_image_t *img);
/* Unmaps a file image; every image is then PRAM_SIM_IMAGE_NONE. */
int pram_sim_image_close(pram_sim_image_t *img);

/* Bytes of the image (0 if not open). */
size_t pram_sim_image_bytes(const pram_sim_image_t *img);
/* Copy the image out / back (cap and len: at least pram_sim_image_bytes). */
int pram_sim_image_save(const pram_sim_image_t *img, void *dst, size_t cap);
int pram_sim_image_load(const pram_sim_image_t *img, const void *src, size_t len);
/* Power-on contents: every byte `byte` (0: RAM zeroed, as QEMU starts), or
 * pseudo-random garbage from `seed` (what SRAM holds after a long outage). */
int pram_sim_image_fill(const pram_sim_image_t *img, unsigned byte);
int pram_sim_image_garbage(const pram_sim_image_t *img, uint64_t seed);

/* ---- A test case ----------------------------------------------------------- */

/* Tear masks: bit i set = byte i of the cut store (at address pos + i, as
 * memory holds it) takes the new value, the others keep the old one; 0 = the
 * whole store lands (a clean cut).  The default set, pram's own tests' set:
 * the clean cut and five torn variants of every store. */
#define PRAM_SIM_TEARS_DEFAULT { 0x0u, 0x1u, 0x3u, 0x7u, 0x8u, 0xEu }
#define PRAM_SIM_TEARS_DEFAULT_COUNT 6u

#define PRAM_SIM_MSG_MAX 160u

#define PRAM_SIM_SWEEP 1  /* pram_sim_sweep: every store x every tear      */
#define PRAM_SIM_RANDOM 2 /* pram_sim_random: seeded cuts, a long life     */
#define PRAM_SIM_LINEAR 3 /* pram_sim_linear: cut at 1, 2, 3, ... retrying */

typedef struct pram_sim_violation {
    int schedule;     /* PRAM_SIM_SWEEP, _RANDOM or _LINEAR                     */
    uint32_t cut;     /* power cut right after this store of the op run (1 is
                         its first store; 0: no cut, the op ran to its end)    */
    uint32_t tear;    /* the tear mask of that store                           */
    uint64_t seed;    /* RANDOM, LINEAR: the schedule's seed (SWEEP: 0)        */
    uint32_t step;    /* RANDOM, LINEAR: the step, from 1 (SWEEP: 0)           */
    uint32_t rep;     /* RANDOM: the op run of the step that was cut, from 1   */
    char msg[PRAM_SIM_MSG_MAX]; /* what check said (NUL-terminated)            */
} pram_sim_violation_t;

/* Everything a run needs; caller-allocated, read-only to the kit.  Fill it
 * with a designated initializer; zero fields take the defaults. */
typedef struct pram_sim_case {
    pram_sim_image_t *image; /* required                                         */
    void *ctx;               /* passed to every callback                         */
    /* A reset: rebuild your program's RAM state from the image, as your
     * firmware's boot does (reopen buffers, reload cached values, reset
     * handles the cut left mid-call).  May store; its stores are not cut.
     * NULL: no RAM state. */
    void (*boot)(void *ctx);
    /* The operation under test: your code, storing through pram.  Must do
     * the same stores each time it starts from the same image and RAM state
     * (no clock, no unseeded randomness).  Required. */
    void (*op)(void *ctx);
    /* The invariant, after each reset: 0 if it holds, else non-zero with
     * msg (cap bytes, starts empty) saying what broke.  Required. */
    int (*check)(void *ctx, char *msg, size_t cap);
    const unsigned *tears;   /* NULL: PRAM_SIM_TEARS_DEFAULT                      */
    size_t ntears;
    /* Called with each violation as found (NULL: none).  Sweeps report all of
     * them; schedules stop at their first. */
    void (*on_violation)(void *ctx, const pram_sim_violation_t *v);
    FILE *log;               /* non-NULL: each violation is printed there too   */
    uint32_t max_stores;     /* an op making more is refused (0: 1000000)        */
    uint32_t reps;           /* RANDOM: a cut falls in one of up to this many
                                consecutive op runs (0: 4)                       */
} pram_sim_case_t;

typedef struct pram_sim_result {
    uint32_t stores;     /* stores the op made uncut from the starting image   */
    uint32_t cut_points; /* runs with power cut (SWEEP: stores x tears)        */
    uint32_t checks;     /* check calls                                        */
    uint32_t violations; /* check said no                                      */
    uint32_t steps;      /* RANDOM, LINEAR: steps run                          */
    uint32_t uncut;      /* runs where op ended before its planned cut         */
    uint32_t unhooked;   /* 32-bit words of the image the uncut op changed by
                            plain stores (not through pram): not cut points    */
    pram_sim_violation_t first; /* the first violation (if violations > 0)     */
} pram_sim_result_t;

/* ---- Runs -------------------------------------------------------------------
 *
 * Each starts from the image as it is, calls boot, and runs op once uncut to
 * count its stores (then check: a violation there has cut 0).  Each returns
 * the number of violations (0: the invariant held everywhere) or a negative
 * PRAM_SIM_ERR_*, and leaves the image as it found it (boot is called on it
 * last), so that a replay can follow at once. */

/* For every store i of op (1..stores) and every tear mask: image as before,
 * boot, op with power cut right after store i torn by the mask, boot, check. */
int pram_sim_sweep(const pram_sim_case_t *c, pram_sim_result_t *r);

/* A long life: boot, then `steps` times: op run again and again, power cut
 * at a random store of one of the next `reps` runs (tear random from the
 * set), boot, check — the image never restored in between.  Stops at the
 * first violation.  The same seed (and image) gives the same life. */
int pram_sim_random(const pram_sim_case_t *c, uint64_t seed, uint32_t steps, pram_sim_result_t *r);

/* Retrying through outages: boot; op cut at its 1st store, boot, check; op
 * again on what that left, cut at its 2nd store, boot, check; ... until op
 * makes fewer stores than the cut (it got through), then check.  Tears
 * random from the set by seed.  Stops at the first violation. */
int pram_sim_linear(const pram_sim_case_t *c, uint64_t seed, pram_sim_result_t *r);

/* Replays, from the image as it is (a run leaves it as it found it, so a
 * replay right after the run starts where the run did): the image and your
 * RAM state are left as the violation left them (after boot), for a
 * debugger or more checks.  Return 1 if check reported a violation (*v
 * filled), 0 if not, or PRAM_SIM_ERR_*: NONDET if op ended before the cut,
 * or (schedules) another step failed first (*v: that one) or op got
 * through before the step.  cut 0: op uncut.  v may be NULL. */
int pram_sim_replay(const pram_sim_case_t *c, uint32_t cut, unsigned tear, pram_sim_violation_t *v);
int pram_sim_replay_random(const pram_sim_case_t *c, uint64_t seed, uint32_t step,
                           pram_sim_violation_t *v);
int pram_sim_replay_linear(const pram_sim_case_t *c, uint64_t seed, uint32_t step,
                           pram_sim_violation_t *v);

/* ---- Helpers ---------------------------------------------------------------- */

/* A reset with no cut: the image is kept, boot rebuilds RAM state. */
int pram_sim_reset(const pram_sim_case_t *c);
/* Stores op makes from the image as it is (boot, op, image restored, boot). */
int pram_sim_count(const pram_sim_case_t *c, uint32_t *stores);
/* Every store pram has made in this process since it started. */
uint64_t pram_sim_stores(void);
/* One line, e.g. "sweep: cut after store 32 (tear 0x0): state PENDING v2 but
 * the image record is v2, not verified [pram_sim_replay(c, 32, 0x0)]", at
 * most PRAM_SIM_LINE_MAX bytes with its NUL.  snprintf's result. */
#define PRAM_SIM_LINE_MAX 384u
int pram_sim_format(const pram_sim_violation_t *v, char *buf, size_t cap);
/* Name of a PRAM_SIM_ERR_* ("?" for anything else). */
const char *pram_sim_strerror(int code);
/* Forget a run that a callback left by a longjmp of its own (frees its
 * snapshot).  Never from inside a callback of a live run. */
void pram_sim_abandon(void);

#ifdef __cplusplus
}
#endif

#endif /* PRAM_SIM_H */
