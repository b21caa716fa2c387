/* Fuzz: cells over untrusted storage.
 *
 * Input: [geometry x mode][memory kind][schema | slacks][storage image]
 * [operation script].  The cell is one of five geometries (4-byte value at
 * 12, 8-byte value at 16 (8-aligned type), 12 bytes, 40 bytes at 12, 40 bytes
 * at 16), single-slot or A/B, in ordinary memory (a descriptor built at run
 * time, or a declared cell's typed calls) or in a region of width 0, 4,
 * 2 (stride 4), 1, 1 (stride 4), at a fuzzed offset with bytes around it.
 * The storage starts as the input's bytes; the script runs get / status /
 * set / invalidate / edit begin, write, commit, abort, misuse calls, power
 * cuts (whole or torn store) inside set, invalidate and edit commit, stray
 * writes, and slots of other layouts crafted with valid CRCs.
 *
 * Promises checked after every operation:
 *  - status and get agree with an independent oracle over the bytes as they
 *    stand (tests/support/cell_model.c, written from docs/design.md):
 *    PRAM_OK and exactly the value of the slot the spec picks, or the same
 *    PRAM_ERR_INVALID / PRAM_ERR_LAYOUT;
 *  - a get that fails leaves `out` untouched, and one that succeeds writes
 *    exactly size bytes;
 *  - after a successful set(v), get returns v until the next write; after
 *    invalidate, get fails; a committed edit reads what was written through
 *    it; while an edit is open a single-slot cell reads invalid and an A/B
 *    cell its previous value; an abort keeps that;
 *  - a power cut inside set / invalidate / commit leaves (A/B) the old value
 *    or the new one, never nothing when there was a value; (single) the new
 *    value or invalid;
 *  - every call returns exactly the documented code; a call that fails
 *    changes no byte of the storage;
 *  - no library access outside the cell's storage (the fuzz access window,
 *    register-file width/unit rules, ASan on the exact heap allocation), and
 *    critical sections balanced. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "cell_model.h"
#include "power_cut.h"
#include "test_support.h"

/* ---- Declared cells for the typed calls (ordinary memory, _AT) ------------ */

typedef struct {
    uint32_t w[3];
} v12_t;
typedef struct {
    uint32_t w[10];
} v40_t;
typedef struct {
    uint64_t w[5];
} v40a_t;

#define TYPED_CELL(n, T, mode)                   \
    PRAM_CELL_DECLARE_AT(n, T, 1, mode);         \
    static n##_storage_t n##_mem;                \
    PRAM_CELL_DEFINE_AT(n, &n##_mem);            \
    CELL_TYPED(n, T)
#define TYPED_PAIR(n, T)                 \
    TYPED_CELL(n##_s, T, PRAM_SINGLE);   \
    TYPED_CELL(n##_ab, T, PRAM_AB)

TYPED_PAIR(t4, uint32_t);
TYPED_PAIR(t8, uint64_t);
TYPED_PAIR(t12, v12_t);
TYPED_PAIR(t40, v40_t);
TYPED_PAIR(t40a, v40a_t);

typedef struct {
    uint16_t size, vo;
    const pram_cell_t *tcell[2];
    const cell_typed_t *typed[2];
    void *tmem[2];
    uint32_t tmem_len[2];
} geom_t;

#define GEOM(n, T, vo)                                                          \
    {sizeof(T), vo, {&n##_s, &n##_ab}, {&n##_s__typed, &n##_ab__typed},          \
     {&n##_s_mem, &n##_ab_mem}, {sizeof n##_s_mem, sizeof n##_ab_mem}}
static const geom_t geoms[] = {GEOM(t4, uint32_t, 12u), GEOM(t8, uint64_t, 16u),
                               GEOM(t12, v12_t, 12u), GEOM(t40, v40_t, 12u),
                               GEOM(t40a, v40a_t, 16u)};
#define NGEOMS (sizeof geoms / sizeof geoms[0])

/* ---- The run -------------------------------------------------------------- */

#define VMAX 40u
#define SMAX 256u /* largest storage: 2 slots of 56 + slack */

enum { K_UNKNOWN, K_VALUE, K_INVALID };

typedef struct {
    int k;
    uint8_t v[VMAX];
} want_t;

typedef struct {
    const geom_t *g;
    unsigned mode, typed_mode;
    uint16_t schema;
    uint32_t ss, storage; /* slot size, storage bytes */
    fz_mem_t mem;
    uint32_t off; /* storage offset in mem (logical) */
    uint32_t tlen; /* bytes of mem (logical) */
    pram_cell_t cell;
    const pram_cell_t *desc;
    const cell_typed_t *typed;
    uint8_t *tstore; /* typed: the declared storage */
    want_t want;      /* what get must give now */
    /* the edit */
    pram_edit_t e;
    int eopen, etaint;
    want_t ebase; /* what get gave before begin */
    uint8_t eshadow[VMAX];
} cx_t;

static cx_t cx;

static uint8_t *store_byte(uint32_t L)
{
    return cx.tstore ? cx.tstore + L : fz_byte(&cx.mem, cx.off + L);
}

/* The storage's logical bytes. */
static void snap(uint8_t *dst)
{
    uint32_t i;
    for (i = 0; i < cx.storage; i++)
        dst[i] = *store_byte(i);
}

static void poke(uint32_t L, const void *src, uint32_t len)
{
    uint32_t i;
    for (i = 0; i < len && L + i < cx.storage; i++)
        *store_byte(L + i) = ((const uint8_t *)src)[i];
}

/* Every byte of backing memory: a failed call changes none. */
static uint8_t before_all[SMAX * 4u + 64u];
static void snap_all(uint8_t *dst)
{
    if (cx.tstore)
        memcpy(dst, cx.tstore, cx.storage);
    else
        memcpy(dst, cx.mem.phys, cx.mem.phys_len);
}
static int same_all(const uint8_t *a)
{
    return cx.tstore ? !memcmp(a, cx.tstore, cx.storage) : !memcmp(a, cx.mem.phys, cx.mem.phys_len);
}

/* The oracle: state and value of the storage as it stands. */
static int oracle(uint8_t *value)
{
    static uint8_t img[SMAX] __attribute__((aligned(8)));
    pram_cell_t shadow;
    cell_case_t k;
    int st, pick = -1;
    snap(img);
    memset(&shadow, 0, sizeof shadow);
    shadow.addr = img;
    k.name = "oracle";
    k.cell = &shadow;
    k.size = cx.g->size;
    k.vo = k.vo_decl = cx.g->vo;
    k.ss = k.ss_decl = cx.ss;
    k.schema = cx.schema;
    k.mode = cx.mode;
    k.typed = NULL;
    st = ref_cell_state(&k, &pick);
    if (st == PRAM_OK)
        memcpy(value, img + (uint32_t)pick * cx.ss + cx.g->vo, cx.g->size);
    return st;
}

static void crit_ok(void)
{
    FZ_CHECK(pram_test_crit_depth == 0u && pram_test_crit_errors == 0u,
             "critical sections unbalanced: depth %u, errors %lu", pram_test_crit_depth,
             pram_test_crit_errors);
}

/* get / status / is_valid against the oracle and the model; returns the
 * state and the value read, and makes them the model. */
static int observe(uint8_t *value)
{
    union {
        uint64_t a[(VMAX + 16u) / 8u];
        uint8_t b[VMAX + 16u];
    } got, got2;
    uint8_t exp[VMAX];
    uint32_t i, size = cx.g->size;
    int st = oracle(exp), rc, rs, rv;
    memset(got.b, 0xA5, sizeof got.b);
    if (cx.typed) {
        rs = cx.typed->status();
        rv = cx.typed->valid();
        rc = cx.typed->get(got.b);
        /* The descriptor of a declared cell, through the generic API. */
        memset(got2.b, 0xA5, sizeof got2.b);
        FZ_CHECK(pram_cell_get(cx.desc, got2.b, size) == rc && !memcmp(got.b, got2.b, sizeof got.b),
                 "typed and generic get differ");
        FZ_CHECK(pram_cell_status(cx.desc) == rs, "typed and generic status differ");
    } else {
        rs = pram_cell_status(cx.desc);
        rv = pram_cell_is_valid(cx.desc);
        rc = pram_cell_get(cx.desc, got.b, size);
    }
    FZ_CHECK(rs == st, "status %s, the oracle says %s", pram_strerror(rs), pram_strerror(st));
    FZ_CHECK(rc == st, "get %s, the oracle says %s", pram_strerror(rc), pram_strerror(st));
    FZ_CHECK(rv == (st == PRAM_OK), "is_valid %d with status %s", rv, pram_strerror(st));
    if (rc == PRAM_OK)
        FZ_CHECK(!memcmp(got.b, exp, size), "get returned a value the storage does not hold");
    for (i = rc == PRAM_OK ? size : 0u; i < sizeof got.b; i++)
        FZ_CHECK(got.b[i] == 0xA5, "get (%s) wrote byte %u of out", pram_strerror(rc), i);
    if (cx.want.k == K_VALUE) {
        FZ_CHECK(rc == PRAM_OK, "a value was committed, get says %s", pram_strerror(rc));
        FZ_CHECK(!memcmp(got.b, cx.want.v, size), "get returns another value than the one committed");
    } else if (cx.want.k == K_INVALID) {
        FZ_CHECK(rc != PRAM_OK, "invalidated (or single-slot, opened), yet get returns a value");
    }
    crit_ok();
    cx.want.k = rc == PRAM_OK ? K_VALUE : K_INVALID;
    memcpy(cx.want.v, got.b, size);
    if (value)
        memcpy(value, got.b, size);
    return rc;
}

/* ---- Operations ------------------------------------------------------------ */

static int do_set(const void *v)
{
    return cx.typed ? cx.typed->set(v) : pram_cell_set(cx.desc, v, cx.g->size);
}

static int do_invalidate(void)
{
    return cx.typed ? cx.typed->invalidate() : pram_cell_invalidate(cx.desc);
}

/* An edit closed without commit: what the cell reads is what it read while
 * open (single-slot: invalid; A/B: the previous value). */
static void edit_dropped(void)
{
    cx.eopen = 0;
    cx.etaint = 0;
}

static void op_set(fz_in_t *in)
{
    union {
        uint64_t a[VMAX / 8u];
        uint8_t b[VMAX];
    } v;
    fz_take(in, v.b, cx.g->size);
    FZ_CHECK(do_set(v.b) == PRAM_OK, "set of a well-formed cell failed");
    cx.want.k = K_VALUE;
    memcpy(cx.want.v, v.b, cx.g->size);
    if (cx.eopen)
        cx.etaint = 1;
}

static void op_invalidate(void)
{
    FZ_CHECK(do_invalidate() == PRAM_OK, "invalidate of a well-formed cell failed");
    cx.want.k = K_INVALID;
    if (cx.eopen)
        cx.etaint = 1;
}

static int direct_region(void)
{
    return cx.tstore || !cx.mem.width;
}

static void op_edit_begin(fz_in_t *in)
{
    unsigned f = fz_u8(in);
    unsigned flags = f < 200u ? f & 1u : f; /* mostly KEEP/ZERO, sometimes unknown bits */
    uint8_t cur[VMAX];
    int st = observe(cur), rc, want;
    uint32_t k;
    if (flags & ~PRAM_EDIT_ZERO)
        want = PRAM_ERR_FLAGS;
    else if (!direct_region())
        want = PRAM_ERR_ACCESS;
    else if (!(flags & PRAM_EDIT_ZERO) && st != PRAM_OK)
        want = st;
    else
        want = PRAM_OK;
    snap_all(before_all);
    rc = pram_cell_edit_begin(cx.desc, &cx.e, flags);
    FZ_CHECK(rc == want, "edit begin (flags %#x, cell %s) returned %s, documented: %s", flags,
             pram_strerror(st), pram_strerror(rc), pram_strerror(want));
    FZ_CHECK(cx.e.result == rc, "edit result %d after begin %d", cx.e.result, rc);
    if (rc != PRAM_OK) {
        FZ_CHECK(same_all(before_all), "a failed edit begin changed the storage");
        FZ_CHECK(cx.e.value == NULL, "a failed begin handed out a pointer");
        if (cx.eopen)
            edit_dropped();
        return;
    }
    /* The value pointer: a slot's value, inside the storage. */
    for (k = 0; k < (cx.mode == PRAM_AB ? 2u : 1u); k++)
        if ((uint8_t *)cx.e.value == store_byte(k * cx.ss + cx.g->vo))
            break;
    FZ_CHECK(k < (cx.mode == PRAM_AB ? 2u : 1u), "edit value pointer is not a slot's value");
    if (flags & PRAM_EDIT_ZERO) {
        for (k = 0; k < cx.g->size; k++)
            FZ_CHECK(((uint8_t *)cx.e.value)[k] == 0u, "ZERO edit starts with byte %u non-zero", k);
    } else {
        FZ_CHECK(!memcmp(cx.e.value, cur, cx.g->size), "KEEP edit does not start from the value");
    }
    memcpy(cx.eshadow, cx.e.value, cx.g->size);
    /* What the cell read before this begin: an A/B cell keeps reading it. */
    cx.ebase.k = st == PRAM_OK ? K_VALUE : K_INVALID;
    memcpy(cx.ebase.v, cur, cx.g->size);
    cx.eopen = 1;
    cx.etaint = 0;
    /* Open: single-slot reads invalid, A/B its previous value. */
    if (cx.mode == PRAM_AB)
        cx.want = cx.ebase;
    else
        cx.want.k = K_INVALID;
}

static void op_edit_write(fz_in_t *in)
{
    uint32_t off = fz_u8(in), len = fz_u8(in) % 9u, i;
    if (!cx.eopen || !cx.e.value)
        return;
    off %= cx.g->size;
    if (len > cx.g->size - off)
        len = cx.g->size - off;
    for (i = 0; i < len; i++) {
        uint8_t b = (uint8_t)fz_u8(in);
        ((uint8_t *)cx.e.value)[off + i] = b;
        cx.eshadow[off + i] = b;
    }
    /* Into a slot that a set or damage has since made readable: anything. */
    if (cx.etaint && len)
        cx.want.k = K_UNKNOWN;
}

static void op_edit_commit(void)
{
    int rc;
    snap_all(before_all);
    rc = pram_cell_edit_commit(&cx.e);
    if (!cx.eopen) {
        FZ_CHECK(rc == PRAM_ERR_SCOPE, "commit of an edit that is not open: %s", pram_strerror(rc));
        FZ_CHECK(same_all(before_all), "a refused commit changed the storage");
        return;
    }
    FZ_CHECK(rc == PRAM_OK, "commit of an open edit: %s", pram_strerror(rc));
    FZ_CHECK(cx.e.value == NULL && cx.e.result == PRAM_OK, "edit not closed by its commit");
    if (cx.etaint) {
        cx.want.k = K_UNKNOWN;
    } else {
        cx.want.k = K_VALUE;
        memcpy(cx.want.v, cx.eshadow, cx.g->size);
    }
    edit_dropped();
}

static void op_edit_abort(void)
{
    int rc;
    snap_all(before_all);
    rc = pram_cell_edit_abort(&cx.e);
    FZ_CHECK(same_all(before_all), "an abort stored something");
    if (!cx.eopen) {
        FZ_CHECK(rc == PRAM_ERR_SCOPE, "abort of an edit that is not open: %s", pram_strerror(rc));
        return;
    }
    FZ_CHECK(rc == PRAM_OK && cx.e.result == PRAM_EDIT_ABORTED && cx.e.value == NULL,
             "abort of an open edit: %s", pram_strerror(rc));
    edit_dropped(); /* stores nothing: the cell reads as it did */
}

/* ---- Power cuts ---------------------------------------------------------- */

typedef struct {
    int which; /* 0 set, 1 invalidate, 2 commit */
    const void *v;
    int rc;
} cut_t;

static void cut_op(void *ctx)
{
    cut_t *c = (cut_t *)ctx;
    c->rc = c->which == 0 ? do_set(c->v) : c->which == 1 ? do_invalidate() : pram_cell_edit_commit(&cx.e);
}

static void op_cut(fz_in_t *in, int which)
{
    union {
        uint64_t a[VMAX / 8u];
        uint8_t b[VMAX];
    } v;
    uint8_t old[VMAX], now[VMAX];
    cut_t c;
    unsigned n = 1u + fz_u8(in) % 20u, tear = fz_u8(in) & 15u;
    int st0, st1, cut;
    want_t base;
    if (which == 2 && (!cx.eopen || cx.etaint))
        return;
    if (which != 2 && cx.eopen)
        return; /* one writer at a time: no cuts across an open edit */
    if (which == 0)
        fz_take(in, v.b, cx.g->size);
    st0 = observe(old);
    base = which == 2 ? cx.ebase : cx.want;
    c.which = which;
    c.v = v.b;
    c.rc = 99;
    cut = run_cut(cut_op, &c, n, tear);
    if (!cut) {
        FZ_CHECK(c.rc == PRAM_OK, "operation %d failed: %s", which, pram_strerror(c.rc));
        if (which == 0) {
            cx.want.k = K_VALUE;
            memcpy(cx.want.v, v.b, cx.g->size);
        } else if (which == 1) {
            cx.want.k = K_INVALID;
        } else {
            cx.want.k = K_VALUE;
            memcpy(cx.want.v, cx.eshadow, cx.g->size);
            edit_dropped();
        }
        return;
    }
    /* A reset: the edit (RAM) is gone. */
    if (which == 2) {
        pram__edit_idle(&cx.e);
        edit_dropped();
    }
    cx.want.k = K_UNKNOWN;
    st1 = observe(now);
    (void)st0;
    if (which == 0) {
        if (cx.mode == PRAM_AB && base.k == K_VALUE)
            FZ_CHECK(st1 == PRAM_OK && (!memcmp(now, base.v, cx.g->size) || !memcmp(now, v.b, cx.g->size)),
                     "A/B set cut at store %u (tear %#x): neither the old value nor the new (%s)", n,
                     tear, pram_strerror(st1));
        else
            FZ_CHECK(st1 != PRAM_OK || !memcmp(now, v.b, cx.g->size),
                     "set cut at store %u (tear %#x) reads a value that is not the new one", n, tear);
    } else if (which == 1) {
        FZ_CHECK(st1 != PRAM_OK || (base.k == K_VALUE && !memcmp(now, base.v, cx.g->size)),
                 "invalidate cut at store %u (tear %#x) reads a value that was not the current one", n,
                 tear);
    } else {
        if (st1 == PRAM_OK)
            FZ_CHECK((cx.mode == PRAM_AB && base.k == K_VALUE && !memcmp(now, base.v, cx.g->size)) ||
                         !memcmp(now, cx.eshadow, cx.g->size),
                     "commit cut at store %u (tear %#x): neither the edited value nor the old one", n,
                     tear);
        else
            FZ_CHECK(!(cx.mode == PRAM_AB && base.k == K_VALUE),
                     "A/B commit cut at store %u (tear %#x) lost the old value", n, tear);
    }
}

/* ---- Damage and foreign slots ---------------------------------------------- */

static void op_stray(fz_in_t *in)
{
    uint32_t at = fz_u8(in) % cx.storage;
    uint8_t b = (uint8_t)fz_u8(in);
    poke(at, &b, 1u);
    cx.want.k = K_UNKNOWN;
    if (cx.eopen)
        cx.etaint = 1;
}

/* A committed slot of some layout, its CRC valid, at slot k: what another
 * firmware (another size, schema, kind or value offset) or this one left.
 * A span that runs past the storage cannot be checked by a reader: its CRC
 * is not computed (the slot reads invalid whatever it holds). */
static void op_craft(fz_in_t *in)
{
    static uint8_t tmp[12u + 0x2000u + 16u] __attribute__((aligned(8)));
    static uint8_t val[0x2000u + 16u];
    unsigned sel = fz_u8(in), k = sel & 1u;
    uint32_t mine = ref_layout(cx.g->vo, cx.g->size, cx.schema), layout = mine, slot, len, seal;
    uint16_t seq = (uint16_t)fz_u16(in);
    switch ((sel >> 1) % 8u) {
    case 0: break;                                                        /* ours */
    case 1: layout ^= 1u << 16; break;                                    /* schema */
    case 2: layout = (layout & ~0x1FFFu) | (fz_u8(in) % 64u + 1u); break; /* size */
    case 3: layout ^= 1u << 13; break;                                    /* kind: buffer control */
    case 4: layout ^= 2u << 13; break;                                    /* kind: region header */
    case 5: layout ^= 0x8000u; break;                                     /* value offset */
    case 6: layout = (layout & ~0x1FFFu) | (fz_u16(in) & 0x1FFFu); break; /* any span */
    default: layout = fz_u32(in); break;
    }
    if (cx.mode != PRAM_AB)
        k = 0;
    slot = k * cx.ss;
    len = 12u + (layout & 0x1FFFu);
    fz_take(in, val, 64u);
    if (len <= cx.storage - slot) {
        ref_craft_layout(tmp, layout, seq, val);
    } else {
        seal = fz_u32(in);
        wr32(tmp, CELL_MAGIC);
        wr32(tmp + 4, seal);
        wr32(tmp + 8, layout);
        memcpy(tmp + 12, val, 64u);
        len = cx.storage - slot;
    }
    poke(slot, tmp, len);
    cx.want.k = K_UNKNOWN;
    if (cx.eopen)
        cx.etaint = 1;
}

/* ---- Misuse: documented codes, nothing stored ---------------------------- */

static void op_misuse(fz_in_t *in)
{
    uint8_t buf[VMAX + 8u] __attribute__((aligned(8)));
    pram_cell_t bad = *cx.desc;
    pram_edit_t e2;
    unsigned which = fz_u8(in) % 12u;
    int rc = 0, want = 0;
    memset(buf, 0x5A, sizeof buf);
    snap_all(before_all);
    switch (which) {
    case 0: rc = pram_cell_get(cx.desc, buf, cx.g->size + 1u); want = PRAM_ERR_SIZE; break;
    case 1: rc = pram_cell_set(cx.desc, buf, cx.g->size - 1u); want = PRAM_ERR_SIZE; break;
    case 2: rc = pram_cell_get(cx.desc, NULL, cx.g->size); want = PRAM_ERR_NULL; break;
    case 3: rc = pram_cell_set(cx.desc, NULL, cx.g->size); want = PRAM_ERR_NULL; break;
    case 4: rc = pram_cell_status(NULL); want = PRAM_ERR_NULL; break;
    case 5: bad.size = 0u; rc = pram_cell_set(&bad, buf, 0u); want = PRAM_ERR_DESC; break;
    case 6:
        bad.slot_size = (uint16_t)(bad.value_offset + bad.size - 1u);
        rc = pram_cell_invalidate(&bad);
        want = PRAM_ERR_DESC;
        break;
    case 7:
        if (bad.region) {
            bad.offset += 2u;
        } else {
            bad.addr = (uint8_t *)bad.addr + 2;
        }
        rc = pram_cell_set(&bad, buf, cx.g->size);
        want = PRAM_ERR_ALIGN;
        break;
    case 8:
        if (bad.region) {
            bad.offset = (cx.tlen - cx.storage + 4u + 7u) & ~7u;
            rc = pram_cell_set(&bad, buf, cx.g->size);
            want = PRAM_ERR_RANGE;
        } else {
            bad.mode = 7u;
            rc = pram_cell_set(&bad, buf, cx.g->size);
            want = PRAM_ERR_DESC;
        }
        break;
    case 9: /* an edit that is not open */
        pram__edit_idle(&e2);
        rc = pram_cell_edit_commit(&e2);
        want = PRAM_ERR_SCOPE;
        if (rc == want) {
            rc = pram_cell_edit_abort(&e2);
        }
        break;
    case 10: /* an open edit, altered: slot index out of range */
        if (!cx.eopen)
            return;
        e2 = cx.e;
        e2.slot = 2u;
        rc = pram_cell_edit_commit(&e2);
        want = PRAM_ERR_SCOPE;
        break;
    default: /* an open edit, altered: its value pointer */
        if (!cx.eopen)
            return;
        e2 = cx.e;
        e2.value = (uint8_t *)e2.value + 4;
        rc = pram_cell_edit_commit(&e2);
        want = PRAM_ERR_SCOPE;
        break;
    }
    FZ_CHECK(rc == want, "misuse %u: %s, documented %s", which, pram_strerror(rc), pram_strerror(want));
    FZ_CHECK(same_all(before_all), "misuse %u (refused) changed the storage", which);
    if (which == 0 || which == 2)
        for (rc = 0; rc < (int)sizeof buf; rc++)
            FZ_CHECK(buf[rc] == 0x5A, "a refused get wrote out");
    crit_ok();
}

/* ---- Entry ------------------------------------------------------------------ */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_in_t in = {data, size};
    unsigned gsel = fz_u8(&in), kind = fz_u8(&in) % (FZ_NKINDS + 1u), misc = fz_u8(&in);
    uint32_t pre, post, slack;
    uint8_t img[SMAX];
    unsigned ops = 0;
    fz_init();
    memset(&cx, 0, sizeof cx);
    cx.g = &geoms[(gsel >> 1) % NGEOMS];
    cx.mode = (gsel & 1u) ? PRAM_AB : PRAM_SINGLE;
    /* kind FZ_NKINDS: the typed calls of a declared cell in ordinary memory. */
    cx.typed_mode = kind == FZ_NKINDS;
    cx.schema = cx.typed_mode ? 1u : (uint16_t)(misc & 3u);
    pre = ((misc >> 2) & 3u) * 8u;
    post = ((misc >> 4) & 3u) * 4u;
    slack = cx.typed_mode ? 0u : ((misc >> 6) & 3u) * 4u;
    if (cx.typed_mode) {
        unsigned i = cx.mode == PRAM_AB;
        cx.desc = cx.g->tcell[i];
        cx.typed = cx.g->typed[i];
        cx.ss = cx.desc->slot_size;
        cx.storage = cx.g->tmem_len[i];
        cx.tstore = (uint8_t *)cx.g->tmem[i];
        fz_mem_init(&cx.mem, FZ_MEM, 4u); /* unused */
        cx.tlen = cx.storage;
        fz_where = "typed cell";
    } else {
        cx.ss = (cx.g->vo == 16u ? ((16u + cx.g->size + 7u) & ~7u) : ((12u + cx.g->size + 3u) & ~3u)) + slack;
        cx.storage = cx.ss * (cx.mode == PRAM_AB ? 2u : 1u);
        if (kind == FZ_MEM)
            pre = post = 0u;
        cx.off = pre;
        cx.tlen = pre + cx.storage + post;
        fz_mem_init(&cx.mem, kind, cx.tlen);
        cx.cell.addr = kind == FZ_MEM ? cx.mem.phys : NULL;
        cx.cell.region = fz_region(&cx.mem);
        cx.cell.offset = kind == FZ_MEM ? 0u : cx.off;
        cx.cell.size = cx.g->size;
        cx.cell.schema = cx.schema;
        cx.cell.value_offset = cx.g->vo;
        cx.cell.slot_size = (uint16_t)cx.ss;
        cx.cell.mode = (uint8_t)cx.mode;
        cx.cell.kind = PRAM__KIND_CELL;
        cx.desc = &cx.cell;
        fz_where = fz_kind_name[kind];
        /* Bytes around the cell: anything. */
        {
            uint32_t i;
            for (i = 0; i < cx.tlen; i++)
                *fz_byte(&cx.mem, i) = (uint8_t)(0x3C ^ i);
        }
    }
    fz_take(&in, img, cx.storage);
    poke(0u, img, cx.storage);
    pram_test_crit_depth = 0u;
    pram_test_crit_errors = 0u;
    pram__edit_idle(&cx.e);
    cx.want.k = K_UNKNOWN;
    /* The library may touch the cell's storage and nothing else. */
    if (cx.tstore)
        fz_window(cx.tstore, cx.storage);
    else
        fz_confine(&cx.mem, cx.off, cx.storage);
    observe(NULL);
    while (in.n && ops++ < 96u) {
        switch (fz_u8(&in) % 16u) {
        case 0: case 1: op_set(&in); break;
        case 2: op_invalidate(); break;
        case 3: op_edit_begin(&in); break;
        case 4: case 5: op_edit_write(&in); break;
        case 6: op_edit_commit(); break;
        case 7: op_edit_abort(); break;
        case 8: op_cut(&in, 0); break;
        case 9: op_cut(&in, 1); break;
        case 10: op_cut(&in, 2); break;
        case 11: op_stray(&in); break;
        case 12: case 13: op_craft(&in); break;
        case 14: op_misuse(&in); break;
        default: break; /* just observe */
        }
        observe(NULL);
    }
    fz_mem_free(&cx.mem);
    fz_where = "";
    return 0;
}
