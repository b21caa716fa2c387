/* pram — host power-cut test kit (include/pram/pram_sim.h).  Built only into
 * libpram_sim.a, with PRAM_USER_CONFIG="pram/pram_sim_config.h", never into
 * the firmware core.
 *
 * One process-global hook state (g): the store counter, the armed cut, the
 * tear of the cut store, where the cut jumps to, and while a run is on, the
 * image (stores outside it are counted) and, during the counting run, a map
 * of the image bytes hooked stores wrote (so that bytes the op changed some
 * other way can be reported).  Not thread-safe, as pram_sim.h says. */
#include "pram/pram_sim.h"

#include <errno.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "pram/pram_host.h"
#include "pram/pram_region.h"

#define DEFAULT_MAX_STORES 1000000u
#define DEFAULT_REPS 4u

static const unsigned default_tears[] = PRAM_SIM_TEARS_DEFAULT;

static struct {
    uint64_t stores;                 /* every hooked store since start      */
    uint64_t cut_at;                 /* 0: none; else cut after this store  */
    unsigned tear;                   /* tear mask of the cut store          */
    jmp_buf *jump;                   /* where a cut resumes                 */
    int running;                     /* a run is in progress                */
    const pram_sim_image_t *image;   /* its image (outside stores counted)  */
    uint32_t outside;                /* stores outside the image            */
    unsigned char *written;          /* counting run: a bit per image byte  */
    unsigned char *snap;             /* the run's snapshot (freed by abandon) */
} g;

/* ---- Images ------------------------------------------------------------------ */

static size_t span_count(const pram_sim_image_t *img)
{
    if (img->kind == PRAM_SIM_IMAGE_CONTAINERS)
        return img->count;
    return img->kind == PRAM_SIM_IMAGE_NONE ? 0u : 1u;
}

static unsigned char *span_base(const pram_sim_image_t *img, size_t i)
{
    if (img->kind == PRAM_SIM_IMAGE_CONTAINERS)
        return (unsigned char *)img->containers[i].storage;
    return img->base;
}

static size_t span_size(const pram_sim_image_t *img, size_t i)
{
    if (img->kind == PRAM_SIM_IMAGE_CONTAINERS)
        return img->containers[i].size;
    return img->size;
}

static int image_open(const pram_sim_image_t *img)
{
    return img && img->kind != PRAM_SIM_IMAGE_NONE && pram_sim_image_bytes(img) > 0u;
}

static void image_clear(pram_sim_image_t *img)
{
    img->base = NULL;
    img->size = 0u;
    img->containers = NULL;
    img->count = 0u;
    img->kind = PRAM_SIM_IMAGE_NONE;
}

int pram_sim_image_memory(pram_sim_image_t *img, void *base, size_t size)
{
    if (!img || !base)
        return PRAM_SIM_ERR_NULL;
    if (size == 0u)
        return PRAM_SIM_ERR_ARG;
    image_clear(img);
    img->base = (unsigned char *)base;
    img->size = size;
    img->kind = PRAM_SIM_IMAGE_MEMORY;
    return PRAM_SIM_OK;
}

int pram_sim_image_file(pram_sim_image_t *img, const char *path, size_t size, int *created)
{
    void *base;
    if (!img || !path)
        return PRAM_SIM_ERR_NULL;
    if (size == 0u)
        return PRAM_SIM_ERR_ARG;
    image_clear(img);
    base = pram_host_map(path, size, created);
    if (!base)
        return PRAM_SIM_ERR_IO;
    img->base = (unsigned char *)base;
    img->size = size;
    img->kind = PRAM_SIM_IMAGE_FILE;
    return PRAM_SIM_OK;
}

int pram_sim_image_containers(pram_sim_image_t *img)
{
    uint32_t n = 0u;
    const pram_container_t *t;
    if (!img)
        return PRAM_SIM_ERR_NULL;
    image_clear(img);
    t = pram_containers(&n);
    if (!t || n == 0u)
        return PRAM_SIM_ERR_NO_IMAGE;
    img->containers = t;
    img->count = n;
    img->kind = PRAM_SIM_IMAGE_CONTAINERS;
    return PRAM_SIM_OK;
}

int pram_sim_image_close(pram_sim_image_t *img)
{
    int rc = PRAM_SIM_OK;
    if (!img)
        return PRAM_SIM_ERR_NULL;
    if (g.running && g.image == img)
        return PRAM_SIM_ERR_BUSY;
    if (img->kind == PRAM_SIM_IMAGE_FILE && pram_host_unmap(img->base, img->size) != 0)
        rc = PRAM_SIM_ERR_IO;
    image_clear(img);
    return rc;
}

size_t pram_sim_image_bytes(const pram_sim_image_t *img)
{
    size_t i, n = 0u;
    if (!img)
        return 0u;
    for (i = 0; i < span_count(img); i++)
        n += span_size(img, i);
    return n;
}

int pram_sim_image_save(const pram_sim_image_t *img, void *dst, size_t cap)
{
    unsigned char *d = (unsigned char *)dst;
    size_t i;
    if (!img || !dst)
        return PRAM_SIM_ERR_NULL;
    if (!image_open(img))
        return PRAM_SIM_ERR_NO_IMAGE;
    if (cap < pram_sim_image_bytes(img))
        return PRAM_SIM_ERR_ARG;
    for (i = 0; i < span_count(img); i++) {
        memcpy(d, span_base(img, i), span_size(img, i));
        d += span_size(img, i);
    }
    return PRAM_SIM_OK;
}

int pram_sim_image_load(const pram_sim_image_t *img, const void *src, size_t len)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t i;
    if (!img || !src)
        return PRAM_SIM_ERR_NULL;
    if (!image_open(img))
        return PRAM_SIM_ERR_NO_IMAGE;
    if (len < pram_sim_image_bytes(img))
        return PRAM_SIM_ERR_ARG;
    for (i = 0; i < span_count(img); i++) {
        memcpy(span_base(img, i), s, span_size(img, i));
        s += span_size(img, i);
    }
    return PRAM_SIM_OK;
}

int pram_sim_image_fill(const pram_sim_image_t *img, unsigned byte)
{
    size_t i;
    if (!img)
        return PRAM_SIM_ERR_NULL;
    if (!image_open(img))
        return PRAM_SIM_ERR_NO_IMAGE;
    if (byte > 0xFFu)
        return PRAM_SIM_ERR_ARG;
    for (i = 0; i < span_count(img); i++)
        memset(span_base(img, i), (int)byte, span_size(img, i));
    return PRAM_SIM_OK;
}

/* xorshift64*, as pram's own tests use: seeded explicitly, so runs replay. */
static uint64_t sim_rand(uint64_t *s)
{
    uint64_t x = *s ? *s : 0x9E3779B97F4A7C15ull;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1Dull;
}

int pram_sim_image_garbage(const pram_sim_image_t *img, uint64_t seed)
{
    size_t i, j;
    if (!img)
        return PRAM_SIM_ERR_NULL;
    if (!image_open(img))
        return PRAM_SIM_ERR_NO_IMAGE;
    for (i = 0; i < span_count(img); i++)
        for (j = 0; j < span_size(img, i); j++)
            span_base(img, i)[j] = (unsigned char)(sim_rand(&seed) >> 56);
    return PRAM_SIM_OK;
}

/* Offset in the image (its spans end to end) of the byte at addr; 0 if it is
 * not in the image, else offset + 1. */
static size_t image_offset(const pram_sim_image_t *img, uintptr_t addr)
{
    size_t i, off = 0u;
    for (i = 0; i < span_count(img); i++) {
        uintptr_t b = (uintptr_t)span_base(img, i);
        if (addr >= b && addr - b < span_size(img, i))
            return off + (size_t)(addr - b) + 1u;
        off += span_size(img, i);
    }
    return 0u;
}

/* ---- The hook -------------------------------------------------------------- */

/* Accounts the bytes [addr, addr + len) of one hooked store. */
static void note_bytes(uintptr_t addr, size_t len)
{
    size_t k, off;
    for (k = 0; k < len; k++) {
        off = image_offset(g.image, addr + k);
        if (!off) {
            g.outside++;
            return;
        }
        if (g.written)
            g.written[(off - 1u) / 8u] |= (unsigned char)(1u << ((off - 1u) % 8u));
    }
}

/* Where a store at (region, pos) lands: a 32-bit word at an address, or for a
 * register file the units of its width at base + unit * step. */
static void note_store(const struct pram_region *region, uintptr_t pos)
{
#if PRAM_ENABLE_REGIONS
    if (region && region->width) {
        uintptr_t w = region->width, step = region->stride ? region->stride : region->width;
        uintptr_t u;
        for (u = pos / w; u <= (pos + 3u) / w; u++)
            note_bytes((uintptr_t)region->base + u * step, (size_t)w);
        return;
    }
#else
    (void)region;
#endif
    note_bytes(pos, 4u);
}

int pram_sim__store_hook(const struct pram_region *region, uintptr_t pos, uint32_t old,
                         uint32_t *value)
{
    uint64_t n = ++g.stores;
    if (g.running && g.image)
        note_store(region, pos);
    if (g.cut_at == 0u || n != g.cut_at)
        return 0;
    if (g.tear & 0xFu) {
        union {
            uint32_t w;
            unsigned char b[4];
        } o, v;
        unsigned i;
        o.w = old;
        v.w = *value;
        for (i = 0; i < 4u; i++)
            if (!(g.tear & (1u << i)))
                v.b[i] = o.b[i];
        *value = v.w;
    }
    return 1;
}

void pram_sim__power_cut(void)
{
    g.cut_at = 0u;
    if (g.jump)
        longjmp(*g.jump, 1);
    abort(); /* a cut is only armed inside a run: never here */
}

uint64_t pram_sim_stores(void)
{
    return g.stores;
}

/* ---- Runs ---------------------------------------------------------------------- */

typedef struct run {
    const pram_sim_case_t *c;
    pram_sim_result_t *r;
    pram_sim_result_t scratch; /* when the caller passes no result */
    unsigned char *snap;
    size_t bytes;
    const unsigned *tears;
    size_t ntears;
    uint32_t max_stores;
    int schedule;
    int err; /* a harness problem found along the way (NONDET, OUTSIDE) */
} run_t;

static void do_boot(const pram_sim_case_t *c)
{
    if (c->boot)
        c->boot(c->ctx);
}

static int check_case(const pram_sim_case_t *c)
{
    size_t i;
    if (!c || !c->op || !c->check)
        return PRAM_SIM_ERR_NULL;
    if (!c->image || !image_open(c->image))
        return PRAM_SIM_ERR_NO_IMAGE;
    if (c->tears && c->ntears == 0u)
        return PRAM_SIM_ERR_ARG;
    for (i = 0; c->tears && i < c->ntears; i++)
        if (c->tears[i] > 0xFu)
            return PRAM_SIM_ERR_ARG;
    if (g.running)
        return PRAM_SIM_ERR_BUSY;
    return PRAM_SIM_OK;
}

/* Validates, takes the snapshot, marks the run active. */
static int begin(run_t *run, const pram_sim_case_t *c, pram_sim_result_t *r, int schedule)
{
    int rc = check_case(c);
    if (rc)
        return rc;
    memset(run, 0, sizeof *run);
    run->c = c;
    run->r = r ? r : &run->scratch;
    memset(run->r, 0, sizeof *run->r);
    run->tears = c->tears ? c->tears : default_tears;
    run->ntears = c->tears ? c->ntears : PRAM_SIM_TEARS_DEFAULT_COUNT;
    run->max_stores = c->max_stores ? c->max_stores : DEFAULT_MAX_STORES;
    run->schedule = schedule;
    run->bytes = pram_sim_image_bytes(c->image);
    run->snap = (unsigned char *)malloc(run->bytes);
    if (!run->snap)
        return PRAM_SIM_ERR_NOMEM;
    (void)pram_sim_image_save(c->image, run->snap, run->bytes);
    g.snap = run->snap;
    g.running = 1;
    g.image = c->image;
    g.outside = 0u;
    g.written = NULL;
    g.cut_at = 0u;
    g.tear = 0u;
    g.jump = NULL;
    return PRAM_SIM_OK;
}

static void restore(const run_t *run)
{
    (void)pram_sim_image_load(run->c->image, run->snap, run->bytes);
}

/* Ends the run: keep = 0 restores the image (and boots on it). */
static int end(run_t *run, int rc, int keep)
{
    if (!keep) {
        restore(run);
        do_boot(run->c);
    }
    free(run->snap);
    run->snap = NULL;
    g.snap = NULL;
    free(g.written);
    g.written = NULL;
    if (rc == PRAM_SIM_OK && g.outside)
        rc = PRAM_SIM_ERR_OUTSIDE;
    if (rc == PRAM_SIM_OK)
        rc = run->err;
    g.running = 0;
    g.image = NULL;
    g.jump = NULL;
    g.cut_at = 0u;
    g.tear = 0u;
    if (rc == PRAM_SIM_OK)
        return run->r->violations > (uint32_t)0x7FFFFFFF ? 0x7FFFFFFF : (int)run->r->violations;
    return rc;
}

void pram_sim_abandon(void)
{
    free(g.snap);
    g.snap = NULL;
    free(g.written);
    g.written = NULL;
    g.running = 0;
    g.image = NULL;
    g.jump = NULL;
    g.cut_at = 0u;
    g.tear = 0u;
}

/* Runs op once, power cut right after its cut-th store (0: never) torn by
 * tear.  1 if power was cut, 0 if op returned; *made: the stores it made.
 * Nothing local is modified between the setjmp and the longjmp to it. */
static int run_op(const pram_sim_case_t *c, uint64_t cut, unsigned tear, uint32_t *made)
{
    jmp_buf jb;
    const uint64_t start = g.stores;
    g.jump = &jb;
    g.tear = tear;
    g.cut_at = cut ? start + cut : 0u;
    if (setjmp(jb) != 0) {
        g.jump = NULL;
        g.tear = 0u;
        *made = (uint32_t)(g.stores - start);
        return 1;
    }
    c->op(c->ctx);
    g.cut_at = 0u;
    g.jump = NULL;
    g.tear = 0u;
    *made = (uint32_t)(g.stores - start);
    return 0;
}

/* Reruns op from where it ended, as many times as needed for the cut-th store
 * (counted from the first run's start) to happen.  1 if cut (*rep: the run
 * that was cut, from 1; *in_op: the store of that run), 0 if a run made no
 * store before that (the cut can never come). */
static int run_reps(const pram_sim_case_t *c, uint64_t cut, unsigned tear, uint32_t *rep,
                    uint32_t *in_op)
{
    jmp_buf jb;
    volatile uint32_t n = 0u;
    volatile uint64_t run_start = g.stores;
    uint64_t before;
    g.jump = &jb;
    g.tear = tear;
    g.cut_at = g.stores + cut;
    if (setjmp(jb) != 0) {
        g.jump = NULL;
        g.tear = 0u;
        *rep = n;
        *in_op = (uint32_t)(g.stores - run_start);
        return 1;
    }
    for (;;) {
        n = n + 1u;
        run_start = g.stores;
        before = g.stores;
        c->op(c->ctx);
        if (g.stores == before)
            break;
    }
    g.cut_at = 0u;
    g.jump = NULL;
    g.tear = 0u;
    *rep = n;
    *in_op = 0u;
    return 0;
}

/* Check after a reset; 1 and *v's message filled if it failed. */
static int judge(run_t *run, pram_sim_violation_t *v)
{
    run->r->checks++;
    memset(v->msg, 0, sizeof v->msg);
    if (run->c->check(run->c->ctx, v->msg, sizeof v->msg) == 0)
        return 0;
    v->msg[sizeof v->msg - 1u] = '\0';
    return 1;
}

static void report(run_t *run, const pram_sim_violation_t *v)
{
    char line[PRAM_SIM_LINE_MAX];
    if (run->r->violations++ == 0u)
        run->r->first = *v;
    if (run->c->on_violation)
        run->c->on_violation(run->c->ctx, v);
    if (run->c->log) {
        (void)pram_sim_format(v, line, sizeof line);
        (void)fprintf(run->c->log, "%s\n", line);
    }
}

static void violation_init(pram_sim_violation_t *v, int schedule, uint32_t cut, unsigned tear,
                           uint64_t seed, uint32_t step)
{
    memset(v, 0, sizeof *v);
    v->schedule = schedule;
    v->cut = cut;
    v->tear = tear;
    v->seed = seed;
    v->step = step;
}

/* Bytes of the image the counting run changed that no hooked store wrote, in
 * distinct aligned 32-bit words. */
static uint32_t count_unhooked(const run_t *run)
{
    const pram_sim_image_t *img = run->c->image;
    size_t i, j, off = 0u;
    uint32_t n = 0u;
    uintptr_t last = 0u;
    int any = 0;
    for (i = 0; i < span_count(img); i++) {
        const unsigned char *b = span_base(img, i);
        for (j = 0; j < span_size(img, i); j++, off++) {
            uintptr_t word = ((uintptr_t)(b + j)) >> 2;
            if (b[j] == run->snap[off] || (g.written[off / 8u] & (1u << (off % 8u))))
                continue;
            if (!any || word != last)
                n++;
            any = 1;
            last = word;
        }
    }
    return n;
}

/* From the snapshot: boot, op uncut (its stores counted and mapped), then
 * unless count_only: boot and check (a violation there has cut 0). */
static int count_run(run_t *run, uint64_t seed, int count_only)
{
    const pram_sim_case_t *c = run->c;
    pram_sim_violation_t v;
    uint32_t made = 0u;
    int cut;
    do_boot(c);
    g.written = (unsigned char *)calloc(run->bytes / 8u + 1u, 1u);
    if (!g.written)
        return PRAM_SIM_ERR_NOMEM;
    cut = run_op(c, (uint64_t)run->max_stores + 1u, 0u, &made);
    if (cut)
        return PRAM_SIM_ERR_TOO_MANY;
    if (g.outside)
        return PRAM_SIM_ERR_OUTSIDE;
    if (made == 0u)
        return PRAM_SIM_ERR_NO_STORES;
    run->r->stores = made;
    run->r->unhooked = count_unhooked(run);
    free(g.written);
    g.written = NULL;
    if (count_only)
        return PRAM_SIM_OK;
    do_boot(c);
    violation_init(&v, run->schedule, 0u, 0u, seed, 0u);
    if (judge(run, &v))
        report(run, &v);
    return PRAM_SIM_OK;
}

/* One sweep point: from the snapshot, boot, op cut at `cut` torn by `tear`,
 * boot, check.  1 on a violation (*v filled). */
static int sweep_point(run_t *run, uint32_t cut, unsigned tear, pram_sim_violation_t *v)
{
    uint32_t made;
    do_boot(run->c);
    if (!run_op(run->c, cut, tear, &made)) {
        run->r->uncut++;
        run->err = PRAM_SIM_ERR_NONDET;
    } else {
        run->r->cut_points++;
    }
    do_boot(run->c);
    violation_init(v, PRAM_SIM_SWEEP, cut, tear, 0u, 0u);
    return judge(run, v);
}

int pram_sim_sweep(const pram_sim_case_t *c, pram_sim_result_t *r)
{
    run_t run;
    pram_sim_violation_t v;
    uint32_t i;
    size_t t;
    int rc = begin(&run, c, r, PRAM_SIM_SWEEP);
    if (rc)
        return rc;
    rc = count_run(&run, 0u, 0);
    for (i = 1u; rc == PRAM_SIM_OK && i <= run.r->stores; i++) {
        for (t = 0; t < run.ntears; t++) {
            restore(&run);
            if (sweep_point(&run, i, run.tears[t], &v))
                report(&run, &v);
        }
    }
    return end(&run, rc, 0);
}

int pram_sim_replay(const pram_sim_case_t *c, uint32_t cut, unsigned tear, pram_sim_violation_t *v)
{
    run_t run;
    pram_sim_violation_t mine;
    int rc, bad;
    if (tear > 0xFu)
        return PRAM_SIM_ERR_ARG;
    rc = begin(&run, c, NULL, PRAM_SIM_SWEEP);
    if (rc)
        return rc;
    if (cut == 0u) {
        uint32_t made;
        do_boot(c);
        (void)run_op(c, 0u, 0u, &made);
        do_boot(c);
        violation_init(&mine, PRAM_SIM_SWEEP, 0u, 0u, 0u, 0u);
        bad = judge(&run, &mine);
    } else {
        bad = sweep_point(&run, cut, tear, &mine);
    }
    if (bad && v)
        *v = mine;
    rc = end(&run, PRAM_SIM_OK, 1);
    return rc < 0 ? rc : bad;
}

/* ---- Schedules ------------------------------------------------------------------ */

/* The random life, steps 1..steps (stop: the step to end at, for a replay). */
static int random_life(run_t *run, uint64_t seed, uint32_t steps, pram_sim_violation_t *out)
{
    const pram_sim_case_t *c = run->c;
    uint64_t s = seed, span;
    uint32_t step, rep, in_op, reps = c->reps ? c->reps : DEFAULT_REPS;
    pram_sim_violation_t v;
    span = (uint64_t)run->r->stores * reps;
    restore(run);
    do_boot(c);
    for (step = 1u; step <= steps; step++) {
        uint64_t k = 1u + sim_rand(&s) % span;
        unsigned tear = run->tears[sim_rand(&s) % run->ntears];
        run->r->steps = step;
        if (run_reps(c, k, tear, &rep, &in_op)) {
            run->r->cut_points++;
        } else {
            run->r->uncut++;
        }
        do_boot(c);
        violation_init(&v, PRAM_SIM_RANDOM, in_op, tear, seed, step);
        v.rep = rep;
        if (judge(run, &v)) {
            if (out)
                *out = v;
            report(run, &v);
            return 1;
        }
    }
    return 0;
}

int pram_sim_random(const pram_sim_case_t *c, uint64_t seed, uint32_t steps, pram_sim_result_t *r)
{
    run_t run;
    int rc = begin(&run, c, r, PRAM_SIM_RANDOM);
    if (rc)
        return rc;
    rc = count_run(&run, seed, 0);
    if (rc == PRAM_SIM_OK && run.r->violations == 0u)
        (void)random_life(&run, seed, steps, NULL);
    return end(&run, rc, 0);
}

/* Replays step `step` of a seeded schedule (random or linear): 1 and *v if
 * that step violates, 0 if it passes, PRAM_SIM_ERR_NONDET if another step
 * failed first or the schedule ended before it. */
typedef int (*life_fn)(run_t *run, uint64_t seed, uint32_t last, pram_sim_violation_t *out);

static int replay_life(const pram_sim_case_t *c, uint64_t seed, uint32_t step,
                       pram_sim_violation_t *v, int kind, life_fn life)
{
    run_t run;
    pram_sim_violation_t mine;
    int rc, bad = 0;
    if (step == 0u)
        return PRAM_SIM_ERR_ARG;
    rc = begin(&run, c, NULL, kind);
    if (rc)
        return rc;
    rc = count_run(&run, seed, 1);
    if (rc == PRAM_SIM_OK) {
        bad = life(&run, seed, step, &mine);
        if (bad && v)
            *v = mine;
        if (bad ? mine.step != step : run.r->steps != step)
            rc = PRAM_SIM_ERR_NONDET;
    }
    rc = end(&run, rc, 1);
    return rc < 0 ? rc : bad;
}

int pram_sim_replay_random(const pram_sim_case_t *c, uint64_t seed, uint32_t step,
                           pram_sim_violation_t *v)
{
    return replay_life(c, seed, step, v, PRAM_SIM_RANDOM, random_life);
}

/* The linear schedule, steps 1..last (0: until op gets through). */
static int linear_life(run_t *run, uint64_t seed, uint32_t last, pram_sim_violation_t *out)
{
    const pram_sim_case_t *c = run->c;
    uint64_t s = seed;
    uint32_t step, made;
    pram_sim_violation_t v;
    restore(run);
    do_boot(c);
    for (step = 1u; step <= run->max_stores && (last == 0u || step <= last); step++) {
        unsigned tear = run->tears[sim_rand(&s) % run->ntears];
        int cut = run_op(c, step, tear, &made);
        run->r->steps = step;
        if (cut)
            run->r->cut_points++;
        do_boot(c);
        violation_init(&v, PRAM_SIM_LINEAR, cut ? step : 0u, cut ? tear : 0u, seed, step);
        if (judge(run, &v)) {
            if (out)
                *out = v;
            report(run, &v);
            return 1;
        }
        if (!cut)
            return 0; /* it got through */
    }
    if (last == 0u)
        run->err = PRAM_SIM_ERR_TOO_MANY;
    return 0;
}

int pram_sim_linear(const pram_sim_case_t *c, uint64_t seed, pram_sim_result_t *r)
{
    run_t run;
    int rc = begin(&run, c, r, PRAM_SIM_LINEAR);
    if (rc)
        return rc;
    rc = count_run(&run, seed, 0);
    if (rc == PRAM_SIM_OK && run.r->violations == 0u)
        (void)linear_life(&run, seed, 0u, NULL);
    return end(&run, rc, 0);
}

int pram_sim_replay_linear(const pram_sim_case_t *c, uint64_t seed, uint32_t step,
                           pram_sim_violation_t *v)
{
    return replay_life(c, seed, step, v, PRAM_SIM_LINEAR, linear_life);
}

/* ---- Helpers ---------------------------------------------------------------------- */

int pram_sim_reset(const pram_sim_case_t *c)
{
    if (!c)
        return PRAM_SIM_ERR_NULL;
    if (g.running)
        return PRAM_SIM_ERR_BUSY;
    do_boot(c);
    return PRAM_SIM_OK;
}

int pram_sim_count(const pram_sim_case_t *c, uint32_t *stores)
{
    run_t run;
    int rc;
    if (!stores)
        return PRAM_SIM_ERR_NULL;
    rc = begin(&run, c, NULL, PRAM_SIM_SWEEP);
    if (rc)
        return rc;
    rc = count_run(&run, 0u, 1);
    *stores = rc == PRAM_SIM_OK ? run.r->stores : 0u;
    rc = end(&run, rc, 0);
    return rc < 0 ? rc : PRAM_SIM_OK;
}

int pram_sim_format(const pram_sim_violation_t *v, char *buf, size_t cap)
{
    char where[128];
    if (!v || (!buf && cap))
        return PRAM_SIM_ERR_NULL;
    switch (v->schedule) {
    case PRAM_SIM_RANDOM:
        if (v->cut)
            (void)snprintf(where, sizeof where, "random seed %llu step %lu: cut after store %lu of op run %lu (tear 0x%X)",
                           (unsigned long long)v->seed, (unsigned long)v->step, (unsigned long)v->cut,
                           (unsigned long)v->rep, v->tear);
        else
            (void)snprintf(where, sizeof where, "random seed %llu step %lu: no cut",
                           (unsigned long long)v->seed, (unsigned long)v->step);
        return snprintf(buf, cap, "%s: %s [pram_sim_replay_random(c, %llu, %lu)]", where, v->msg,
                        (unsigned long long)v->seed, (unsigned long)v->step);
    case PRAM_SIM_LINEAR:
        if (v->cut)
            (void)snprintf(where, sizeof where, "linear seed %llu step %lu: cut after store %lu (tear 0x%X)",
                           (unsigned long long)v->seed, (unsigned long)v->step, (unsigned long)v->cut,
                           v->tear);
        else
            (void)snprintf(where, sizeof where, "linear seed %llu step %lu: op got through uncut",
                           (unsigned long long)v->seed, (unsigned long)v->step);
        return snprintf(buf, cap, "%s: %s [pram_sim_replay_linear(c, %llu, %lu)]", where, v->msg,
                        (unsigned long long)v->seed, (unsigned long)v->step);
    default:
        if (v->cut)
            (void)snprintf(where, sizeof where, "sweep: cut after store %lu (tear 0x%X)",
                           (unsigned long)v->cut, v->tear);
        else
            (void)snprintf(where, sizeof where, "sweep: op uncut");
        return snprintf(buf, cap, "%s: %s [pram_sim_replay(c, %lu, 0x%X)]", where, v->msg,
                        (unsigned long)v->cut, v->tear);
    }
}

const char *pram_sim_strerror(int code)
{
    switch (code) {
    case PRAM_SIM_OK:
        return "PRAM_SIM_OK";
    case PRAM_SIM_ERR_NULL:
        return "PRAM_SIM_ERR_NULL";
    case PRAM_SIM_ERR_NO_IMAGE:
        return "PRAM_SIM_ERR_NO_IMAGE";
    case PRAM_SIM_ERR_ARG:
        return "PRAM_SIM_ERR_ARG";
    case PRAM_SIM_ERR_NO_STORES:
        return "PRAM_SIM_ERR_NO_STORES";
    case PRAM_SIM_ERR_TOO_MANY:
        return "PRAM_SIM_ERR_TOO_MANY";
    case PRAM_SIM_ERR_OUTSIDE:
        return "PRAM_SIM_ERR_OUTSIDE";
    case PRAM_SIM_ERR_NONDET:
        return "PRAM_SIM_ERR_NONDET";
    case PRAM_SIM_ERR_BUSY:
        return "PRAM_SIM_ERR_BUSY";
    case PRAM_SIM_ERR_IO:
        return "PRAM_SIM_ERR_IO";
    case PRAM_SIM_ERR_NOMEM:
        return "PRAM_SIM_ERR_NOMEM";
    default:
        return "?";
    }
}
