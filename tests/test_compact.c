/* Compact cells (pram/pram_compact.h, docs/compact.md): one header word per
 * slot.  Typed calls in .noinit, at an address and in register files of
 * width 4, 2 (stride 4) and 1; every value size 1..64 in both modes over
 * ordinary memory and every register-file width; zeroed and 0xFF storage;
 * the stored header word against an independent CRC oracle; LAYOUT on a
 * changed schema or size; a power cut at every store of set, invalidate and
 * edits, whole and torn (every partial byte mask), from fresh, committed,
 * wrapped-sequence and retire-cut states; every 1-bit and 2-bit flip; and
 * the garbage campaign that measures the false-accept rate's two factors
 * (PRAM_COMPACT_TRIALS trials each, default 1000000). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pram/pram.h"
#include "pram/pram_compact.h"
#include "power_cut.h"
#include "ref_crc.h"
#include "regfile.h"
#include "test_support.h"

/* ---- Typed cells --------------------------------------------------------------- */

typedef struct { uint8_t b[3]; } v3_t;
typedef struct { uint32_t w[16]; } v64_t;
typedef struct { uint64_t u; } al8_t;

PRAM_COMPACT_DECLARE(c_single, uint32_t, 1, PRAM_SINGLE);
PRAM_COMPACT_DEFINE(c_single);
PRAM_COMPACT_DECLARE(c_ab, uint32_t, 1, PRAM_AB);
PRAM_COMPACT_DEFINE(c_ab);
PRAM_COMPACT_DECLARE(c_v3, v3_t, 0, PRAM_AB);
PRAM_COMPACT_DEFINE(c_v3);
PRAM_COMPACT_DECLARE(c_v64, v64_t, 30, PRAM_AB);
PRAM_COMPACT_DEFINE(c_v64);
PRAM_COMPACT_DECLARE(c_al8, al8_t, 2, PRAM_AB);
PRAM_COMPACT_DEFINE(c_al8);

static uint32_t at_storage[4];
PRAM_COMPACT_DECLARE_AT(c_at, uint16_t, 5, PRAM_AB);
PRAM_COMPACT_DEFINE_AT(c_at, at_storage);

/* The QEMU example's layout: an A/B counter in four 32-bit registers. */
static uint32_t bkp_regs[4];
static regfile_t bkp_rf = {(uint8_t *)bkp_regs, 4, 4, 4, 0, 0};
static const pram_region_t bkp = PRAM_REGION(bkp_regs, sizeof bkp_regs, 4, 4);
PRAM_COMPACT_DECLARE_IN(boots, uint32_t, 1, PRAM_AB);
PRAM_COMPACT_DEFINE_IN(boots, &bkp, 0);

/* 16-bit registers in 32-bit slots (STM32F1 BKP_DRx): 2 x 8 bytes. */
static uint32_t f1_slots[8];
static regfile_t f1_rf = {(uint8_t *)f1_slots, 8, 2, 4, 0, 0};
static const pram_region_t f1 = PRAM_REGION(f1_slots, 16, 2, 4);
PRAM_COMPACT_DECLARE_IN(f1cell, uint32_t, 3, PRAM_AB);
PRAM_COMPACT_DEFINE_IN(f1cell, &f1, 0);

/* Byte registers (nRF52 GPREGRET-like, 8 of them, 4 apart). */
static uint32_t byte_slots[8];
static regfile_t byte_rf = {(uint8_t *)byte_slots, 8, 1, 4, 0, 0};
static const pram_region_t bytes_region = PRAM_REGION(byte_slots, 8, 1, 4);
PRAM_COMPACT_DECLARE_IN(bytecell, uint16_t, 4, PRAM_SINGLE);
PRAM_COMPACT_DEFINE_IN(bytecell, &bytes_region, 0);

PRAM_STATIC_ASSERT(PRAM_COMPACT_SIZE(c_single) == 8u, single_u32_is_8_bytes);
PRAM_STATIC_ASSERT(PRAM_COMPACT_SIZE(c_ab) == 16u, ab_u32_is_16_bytes);
PRAM_STATIC_ASSERT(PRAM_COMPACT_SIZE(c_v64) == 136u, ab_64_is_136_bytes);
PRAM_STATIC_ASSERT(PRAM_COMPACT_SIZE(bytecell) == 8u, single_u16_is_8_bytes);

/* The tag spelled out independently of the macro: index in base 255 over
 * tags with bit 11 set and a non-zero low byte. */
static uint32_t ref_tag(unsigned size, unsigned schema)
{
    unsigned i = schema * 64u + size - 1u;
    return ((8u + i / 255u) << 8) | (1u + i % 255u);
}

/* Header word of a slot holding value[0..size) padded with zeros. */
static uint32_t ref_header(unsigned size, unsigned schema, unsigned seq, const void *value)
{
    uint8_t img[2 + 64];
    uint32_t low = ref_tag(size, schema) | (seq << 12);
    size_t pad = (size + 3u) & ~3u;
    memset(img, 0, sizeof img);
    img[0] = (uint8_t)low;
    img[1] = (uint8_t)(low >> 8);
    memcpy(img + 2, value, size);
    return low | ((uint32_t)ref_crc16(0xFFFFu, img, 2 + pad) << 16);
}

static void test_tags(void **state)
{
    unsigned size, schema, seen = 0;
    static uint8_t used[4096];
    (void)state;
    memset(used, 0, sizeof used);
    for (schema = 0; schema <= PRAM_COMPACT_MAX_SCHEMA; schema++)
        for (size = 1; size <= 64; size++) {
            uint32_t t = PRAM__COMPACT_TAG(size, schema);
            assert_int_equal(t, ref_tag(size, schema));
            assert_true(t >= 0x801u && t <= 0xFFEu);
            assert_true(t & 0x800u);
            assert_true(t & 0xFFu);
            assert_false(used[t]);
            used[t] = 1;
            seen++;
        }
    assert_int_equal(seen, 31u * 64u);
    printf("compact: %u (size, schema) pairs, %u distinct tags, all with bit 11 set and a non-zero "
           "low byte (never 0x000 or 0xFFF)\n", seen, seen);
}

static void test_typed_ram(void **state)
{
    uint32_t v = 0, o = 0;
    v3_t a = {{1, 2, 3}}, b;
    v64_t big, bo;
    al8_t w = {0x0123456789ABCDEFull}, wo;
    uint16_t h = 0xBEEF, ho = 0;
    c_single_edit_t e;
    c_ab_edit_t eab;
    c_al8_edit_t e8;
    unsigned i;
    (void)state;
    memset(c_single__storage, 0, sizeof c_single__storage);
    memset(c_ab__storage, 0, sizeof c_ab__storage);
    memset(c_v3__storage, 0xFF, sizeof c_v3__storage);
    memset(c_v64__storage, 0, sizeof c_v64__storage);
    memset(c_al8__storage, 0, sizeof c_al8__storage);
    assert_int_equal(sizeof c_single__storage, 8u);
    assert_int_equal(sizeof c_ab__storage, 16u);
    assert_int_equal(pram_compact_storage_size(&c_ab), 16u);
    assert_int_equal(c_single_status(), PRAM_ERR_INVALID);
    assert_int_equal(c_ab_status(), PRAM_ERR_INVALID);
    assert_int_equal(c_v3_status(), PRAM_ERR_INVALID);
    assert_false(c_ab_is_valid());
    assert_int_equal(c_single_get(&o), PRAM_ERR_INVALID);
    assert_int_equal(c_single_get(NULL), PRAM_ERR_NULL);
    assert_int_equal(c_single_set(NULL), PRAM_ERR_NULL);

    /* Single: header word as documented, value after it. */
    v = 0xA5A5F00Du;
    assert_int_equal(c_single_set(&v), PRAM_OK);
    assert_int_equal(c_single_get(&o), PRAM_OK);
    assert_int_equal(o, v);
    assert_int_equal(c_single__storage[0], ref_header(4, 1, 0, &v));
    assert_int_equal(c_single__storage[1], v);

    /* A/B: 40 sets (sequence wraps twice), the retired slot's header is 0. */
    for (i = 1; i <= 40; i++) {
        v = i * 77u;
        assert_int_equal(c_ab_set(&v), PRAM_OK);
        assert_int_equal(c_ab_get(&o), PRAM_OK);
        assert_int_equal(o, v);
        assert_true(c_ab_is_valid());
        assert_int_equal(c_ab__storage[(i % 2u) ? 0 : 2], ref_header(4, 1, i & 15u, &v));
        assert_int_equal(c_ab__storage[(i % 2u) ? 2 : 0], 0u);
    }
    assert_int_equal(c_ab_invalidate(), PRAM_OK);
    assert_int_equal(c_ab_status(), PRAM_ERR_INVALID);
    assert_int_equal(c_single_invalidate(), PRAM_OK);
    assert_int_equal(c_single_get(&o), PRAM_ERR_INVALID);

    /* Odd and largest sizes, padding zero. */
    assert_int_equal(c_v3_set(&a), PRAM_OK);
    assert_int_equal(c_v3_get(&b), PRAM_OK);
    assert_memory_equal(&a, &b, 3);
    assert_int_equal(c_v3__storage[1] >> 24, 0u);
    for (i = 0; i < 16; i++)
        big.w[i] = i * 0x01010101u;
    assert_int_equal(c_v64_set(&big), PRAM_OK);
    assert_int_equal(c_v64_get(&bo), PRAM_OK);
    assert_memory_equal(&big, &bo, sizeof big);

    /* Types aligned to 8: get/set fine, edits refused. */
    assert_int_equal(c_al8_set(&w), PRAM_OK);
    assert_int_equal(c_al8_get(&wo), PRAM_OK);
    assert_true(wo.u == w.u);
    assert_int_equal(c_al8_edit_begin(&e8, PRAM_EDIT_KEEP), PRAM_ERR_ALIGN);
    assert_null(e8.value);
    assert_int_equal(c_al8_get(&wo), PRAM_OK);

    /* At an address. */
    memset(at_storage, 0, sizeof at_storage);
    assert_int_equal(c_at_set(&h), PRAM_OK);
    assert_int_equal(c_at_get(&ho), PRAM_OK);
    assert_int_equal(ho, 0xBEEF);

    /* Edits: KEEP needs a value (single), ZERO does not; abort. */
    assert_int_equal(c_single_edit_begin(&e, PRAM_EDIT_KEEP), PRAM_ERR_INVALID);
    assert_int_equal(c_single_edit_begin(&e, PRAM_EDIT_ZERO), PRAM_OK);
    assert_int_equal(*e.value, 0u);
    assert_int_equal(c_single_status(), PRAM_ERR_INVALID);
    *e.value = 1234u;
    assert_int_equal(c_single_edit_commit(&e), PRAM_OK);
    assert_null(e.value);
    assert_int_equal(c_single_get(&o), PRAM_OK);
    assert_int_equal(o, 1234u);
    assert_int_equal(c_single_edit_commit(&e), PRAM_ERR_SCOPE);
    assert_int_equal(c_single_edit_begin(&e, PRAM_EDIT_KEEP), PRAM_OK);
    assert_int_equal(*e.value, 1234u);
    (*e.value)++;
    assert_int_equal(c_single_edit_commit(&e), PRAM_OK);
    assert_int_equal(c_single_get(&o), PRAM_OK);
    assert_int_equal(o, 1235u);
    assert_int_equal(c_single_edit_begin(&e, 0x40u), PRAM_ERR_FLAGS);

    v = 5;
    assert_int_equal(c_ab_set(&v), PRAM_OK);
    assert_int_equal(c_ab_edit_begin(&eab, PRAM_EDIT_KEEP), PRAM_OK);
    assert_int_equal(*eab.value, 5u);
    *eab.value = 6;
    assert_int_equal(c_ab_get(&o), PRAM_OK); /* the old one while open */
    assert_int_equal(o, 5u);
    assert_int_equal(c_ab_edit_abort(&eab), PRAM_OK);
    assert_int_equal(c_ab_edit_abort(&eab), PRAM_ERR_SCOPE);
    assert_int_equal(c_ab_get(&o), PRAM_OK);
    assert_int_equal(o, 5u);
    assert_int_equal(c_ab_edit_begin(&eab, PRAM_EDIT_KEEP), PRAM_OK);
    *eab.value += 10;
    assert_int_equal(c_ab_edit_commit(&eab), PRAM_OK);
    assert_int_equal(c_ab_get(&o), PRAM_OK);
    assert_int_equal(o, 15u);
    /* An edit of another cell is not ours to commit. */
    assert_int_equal(c_ab_edit_begin(&eab, PRAM_EDIT_KEEP), PRAM_OK);
    {
        c_single_edit_t other;
        other.value = NULL;
        other.edit = eab.edit;
        assert_int_equal(c_single_edit_commit(&other), PRAM_ERR_SCOPE);
    }
    assert_int_equal(c_ab_edit_commit(&eab), PRAM_OK);
    assert_int_equal(pram_test_crit_depth, 0u);
    assert_int_equal(pram_test_crit_errors, 0u);
}

static void test_typed_registers(void **state)
{
    uint32_t i, n, o;
    uint16_t h = 0x1234, ho = 0;
    boots_edit_t e;
    (void)state;
    assert_int_equal(PRAM_COMPACT_SIZE(boots), 16u);
    assert_int_equal(bkp.size, 16u);
    memset(bkp_regs, 0, sizeof bkp_regs);
    regfile_attach(&bkp_rf);
    for (i = 1; i <= 20; i++) {
        if (boots_get(&n) != PRAM_OK)
            n = 0;
        n++;
        assert_int_equal(boots_set(&n), PRAM_OK);
        assert_int_equal(n, i);
    }
    assert_int_equal(boots_edit_begin(&e, PRAM_EDIT_KEEP), PRAM_ERR_ACCESS);
    assert_null(e.value);
    regfile_attach(NULL);
    /* 20 sets: the 20th went to slot 1 with sequence 20 mod 16; slot 0
     * retired. */
    assert_int_equal(bkp_regs[2], ref_header(4, 1, 4, &(uint32_t){20}));
    assert_int_equal(bkp_regs[3], 20u);
    assert_int_equal(bkp_regs[0], 0u);
    assert_true(bkp_rf.stores > 0 && bkp_rf.loads > 0);

    for (i = 0; i < 8; i++)
        f1_slots[i] = 0xA5A50000u; /* upper halves: not ours */
    regfile_attach(&f1_rf);
    assert_int_equal(f1cell_status(), PRAM_ERR_INVALID);
    n = 0xCAFEF00Du;
    assert_int_equal(f1cell_set(&n), PRAM_OK);
    assert_int_equal(f1cell_get(&o), PRAM_OK);
    n++;
    assert_int_equal(f1cell_set(&n), PRAM_OK);
    assert_int_equal(f1cell_get(&o), PRAM_OK);
    regfile_attach(NULL);
    assert_int_equal(o, 0xCAFEF00Eu);
    for (i = 0; i < 8; i++)
        assert_int_equal(f1_slots[i] >> 16, 0xA5A5u);
    assert_int_equal(f1_slots[6] & 0xFFFFu, 0xF00Eu);
    assert_int_equal(f1_slots[7] & 0xFFFFu, 0xCAFEu);

    memset(byte_slots, 0xFF, sizeof byte_slots);
    regfile_attach(&byte_rf);
    assert_int_equal(bytecell_status(), PRAM_ERR_INVALID);
    assert_int_equal(bytecell_set(&h), PRAM_OK);
    assert_int_equal(bytecell_get(&ho), PRAM_OK);
    regfile_attach(NULL);
    assert_int_equal(ho, 0x1234);
    assert_int_equal(byte_slots[4] & 0xFFu, 0x34u);
}

/* ---- Cells built at run time over every kind of memory ------------------------- */

typedef struct {
    const char *name;
    unsigned width, stride; /* width 0: ordinary memory, region NULL */
} kind_t;

static const kind_t kinds[] = {
    {"ram", 0, 0}, {"w4", 4, 4}, {"w2s4", 2, 4}, {"w1", 1, 1}, {"w1s4", 1, 4},
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

static uint32_t backing[160]; /* 136 logical bytes at stride 4, width 1 */

typedef struct {
    pram_compact_t c;
    pram_region_t region;
    regfile_t rf;
    unsigned size, schema, ported;
    uint32_t storage;
} mem_t;

static mem_t M;

/* Logical storage of the current cell, whatever the memory. */
static uint8_t peek8(uint32_t i)
{
    const uint8_t *b = (const uint8_t *)backing;
    if (!M.ported)
        return b[i];
    return b[(i / M.region.width) * M.rf.stride + i % M.region.width];
}

static void mem_setup(const kind_t *k, unsigned size, unsigned schema, int mode, uint8_t fill)
{
    memset(backing, fill, sizeof backing);
    regfile_attach(NULL);
    memset(&M, 0, sizeof M);
    M.size = size;
    M.schema = schema;
    M.storage = PRAM_COMPACT_SLOT_SIZE(size) * (mode == PRAM_AB ? 2u : 1u);
    M.c.tag = (uint16_t)PRAM__COMPACT_TAG(size, schema);
    M.c.size = (uint8_t)size;
    M.c.mode = (uint8_t)mode;
    if (!k->width) {
        M.c.addr = backing;
        return;
    }
    M.ported = 1;
    M.region = test_region(backing, M.storage, k->width, k->stride);
    M.c.region = &M.region;
    M.rf.base = (uint8_t *)backing;
    M.rf.units = M.storage / k->width;
    M.rf.width = (uint8_t)k->width;
    M.rf.stride = (uint8_t)k->stride;
    regfile_attach(&M.rf);
}

static void fill_value(uint8_t *v, unsigned size, unsigned seed)
{
    unsigned i;
    for (i = 0; i < size; i++)
        v[i] = (uint8_t)(seed * 31u + i * 7u + 1u);
}

static void test_sizes_and_memories(void **state)
{
    unsigned k, size, mode, i;
    uint8_t v[64], o[64];
    unsigned long cases = 0;
    (void)state;
    for (k = 0; k < NKINDS; k++)
        for (mode = 1; mode <= 2; mode++)
            for (size = 1; size <= 64; size++) {
                uint32_t at = mode == 2 ? PRAM_COMPACT_SLOT_SIZE(size) : 0u; /* after 20 sets: slot 1 */
                /* Zeroed and 0xFF storage never validate. */
                mem_setup(&kinds[k], size, 0, (int)mode, 0x00);
                assert_int_equal(pram_compact_status(&M.c), PRAM_ERR_INVALID);
                mem_setup(&kinds[k], size, 30, (int)mode, 0xFF);
                assert_int_equal(pram_compact_status(&M.c), PRAM_ERR_INVALID);
                assert_int_equal(pram_compact_get(&M.c, o, size), PRAM_ERR_INVALID);
                for (i = 0; i < 20; i++) {
                    fill_value(v, size, i);
                    assert_int_equal(pram_compact_set(&M.c, v, size), PRAM_OK);
                    memset(o, 0, sizeof o);
                    assert_int_equal(pram_compact_get(&M.c, o, size), PRAM_OK);
                    assert_memory_equal(v, o, size);
                    assert_true(pram_compact_is_valid(&M.c));
                }
                /* Padding zero; the header as documented. */
                for (i = size; i < PRAM__COMPACT_PAD(size); i++)
                    assert_int_equal(peek8(at + 4u + i), 0);
                {
                    uint32_t h = 0;
                    for (i = 0; i < 4; i++)
                        h |= (uint32_t)peek8(at + i) << (8 * i);
                    assert_int_equal(h, ref_header(size, 30, mode == 2 ? 20u & 15u : 0u, v));
                }
                assert_int_equal(pram_compact_set(&M.c, v, size + 1u), PRAM_ERR_SIZE);
                assert_int_equal(pram_compact_get(&M.c, o, size - 1u), PRAM_ERR_SIZE);
                if (M.ported) {
                    pram_compact_edit_t e;
                    assert_int_equal(pram_compact_edit_begin(&M.c, &e, PRAM_EDIT_KEEP), PRAM_ERR_ACCESS);
                    /* A region 4 bytes short. */
                    M.region.size = M.storage - 4u;
                    assert_int_equal(pram_compact_status(&M.c), PRAM_ERR_RANGE);
                    M.region.size = M.storage;
                } else {
                    pram_compact_edit_t e;
                    assert_int_equal(pram_compact_edit_begin(&M.c, &e, PRAM_EDIT_KEEP), PRAM_OK);
                    assert_memory_equal(e.value, v, size);
                    ((uint8_t *)e.value)[0] ^= 0x5Au;
                    assert_int_equal(pram_compact_edit_commit(&e), PRAM_OK);
                    assert_int_equal(pram_compact_get(&M.c, o, size), PRAM_OK);
                    assert_int_equal(o[0], v[0] ^ 0x5Au);
                }
                assert_int_equal(pram_compact_invalidate(&M.c), PRAM_OK);
                assert_int_equal(pram_compact_status(&M.c), PRAM_ERR_INVALID);
                for (i = 0; i < M.storage; i += PRAM_COMPACT_SLOT_SIZE(size))
                    assert_int_equal(peek8(i) | peek8(i + 1) | peek8(i + 2) | peek8(i + 3), 0);
                cases++;
            }
    regfile_attach(NULL);
    printf("compact: %lu cells (5 memories x 2 modes x sizes 1..64): zeroed and 0xFF never valid, "
           "20 sets each, header word = oracle\n", cases);
}

static void test_errors(void **state)
{
    pram_compact_t d;
    pram_compact_edit_t e = PRAM_COMPACT_EDIT_INIT;
    uint32_t v = 1;
    (void)state;
    mem_setup(&kinds[0], 4, 0, PRAM_AB, 0);
    d = M.c;
    assert_int_equal(pram_compact_status(NULL), PRAM_ERR_NULL);
    assert_int_equal(pram_compact_set(&d, NULL, 4), PRAM_ERR_NULL);
    assert_int_equal(pram_compact_edit_begin(&d, NULL, 0), PRAM_ERR_NULL);
    assert_int_equal(pram_compact_edit_commit(NULL), PRAM_ERR_NULL);
    assert_int_equal(pram_compact_edit_commit(&e), PRAM_ERR_SCOPE);
    assert_int_equal(pram_compact_edit_abort(&e), PRAM_ERR_SCOPE);
    d.tag = (uint16_t)PRAM__COMPACT_TAG(5, 0); /* tag of another size */
    assert_int_equal(pram_compact_status(&d), PRAM_ERR_DESC);
    d = M.c;
    d.mode = 3;
    assert_int_equal(pram_compact_set(&d, &v, 4), PRAM_ERR_DESC);
    d = M.c;
    d.addr = (uint8_t *)backing + 2;
    assert_int_equal(pram_compact_status(&d), PRAM_ERR_ALIGN);
    d.addr = NULL;
    assert_int_equal(pram_compact_status(&d), PRAM_ERR_DESC);
    assert_int_equal(pram_compact_storage_size(NULL), 0u);
    /* An edit's value pointer must be the one handed out. */
    assert_int_equal(pram_compact_edit_begin(&M.c, &e, PRAM_EDIT_ZERO), PRAM_OK);
    e.value = (uint8_t *)e.value + 4;
    assert_int_equal(pram_compact_edit_commit(&e), PRAM_ERR_SCOPE);
}

/* A changed schema with the same size reads LAYOUT; a smaller size, whose
 * slot lies inside the new storage, LAYOUT; a larger one INVALID. */
static void test_layout(void **state)
{
    uint8_t v[64];
    pram_compact_t d;
    unsigned mode;
    (void)state;
    for (mode = 1; mode <= 2; mode++) {
        mem_setup(&kinds[1], 8, 3, (int)mode, 0);
        fill_value(v, 8, 9);
        assert_int_equal(pram_compact_set(&M.c, v, 8), PRAM_OK);
        d = M.c;
        d.tag = (uint16_t)PRAM__COMPACT_TAG(8, 4);
        assert_int_equal(pram_compact_status(&d), PRAM_ERR_LAYOUT);
        assert_int_equal(pram_compact_get(&d, v, 8), PRAM_ERR_LAYOUT);
        /* Grown to 12 bytes: the old 8-byte slot's CRC is never tried over
         * 12 bytes; it reads INVALID (A/B: slot 0 as the old firmware
         * left it is still another layout's, LAYOUT). */
        d.tag = (uint16_t)PRAM__COMPACT_TAG(12, 3);
        d.size = 12;
        M.region.size = (mode == 2 ? 2u : 1u) * PRAM_COMPACT_SLOT_SIZE(12);
        M.rf.units = M.region.size / 4u;
        printf("compact: layout: 8 -> 12 bytes (%s): %s\n", mode == 2 ? "A/B" : "single",
               pram_strerror(pram_compact_status(&d)));
        d.tag = (uint16_t)PRAM__COMPACT_TAG(4, 3);
        d.size = 4;
        M.region.size = (mode == 2 ? 2u : 1u) * PRAM_COMPACT_SLOT_SIZE(4);
        printf("compact: layout: 8 -> 4 bytes (%s): %s\n", mode == 2 ? "A/B" : "single",
               pram_strerror(pram_compact_status(&d)));
        /* Written with the new layout, it reads OK again. */
        assert_int_equal(pram_compact_set(&d, v, 4), PRAM_OK);
        assert_int_equal(pram_compact_status(&d), PRAM_OK);
    }
    regfile_attach(NULL);
}

/* ---- Power cut at every store --------------------------------------------------- */

enum { OP_SET, OP_INVALIDATE, OP_EDIT_KEEP, OP_EDIT_ZERO, NOPS };
static const char *const op_names[] = {"set", "invalidate", "edit keep", "edit zero"};

typedef struct {
    int op;
    const uint8_t *val;
} opctx_t;

static void run_op(void *p)
{
    const opctx_t *x = (const opctx_t *)p;
    pram_compact_edit_t e;
    switch (x->op) {
    case OP_SET:
        (void)pram_compact_set(&M.c, x->val, M.size);
        break;
    case OP_INVALIDATE:
        (void)pram_compact_invalidate(&M.c);
        break;
    default:
        if (pram_compact_edit_begin(&M.c, &e, x->op == OP_EDIT_ZERO ? PRAM_EDIT_ZERO : PRAM_EDIT_KEEP) ==
            PRAM_OK) {
            memcpy(e.value, x->val, M.size);
            (void)pram_compact_edit_commit(&e);
        }
        break;
    }
}

static uint64_t count_stores(opctx_t *x)
{
    uint64_t before = pram_test_stores;
    (void)run_cut(run_op, x, 0, 0);
    return pram_test_stores - before;
}

/* Pre-states: how many sets before the op (A/B: 15 ends on sequence 15, so
 * the op's write wraps to 0), and whether the last of them was cut right
 * after its commit (both slots valid, the retire lost). */
typedef struct {
    unsigned sets;
    int retire_cut;
} pre_t;
static const pre_t pres[] = {{0, 0}, {1, 0}, {2, 0}, {15, 0}, {16, 0}, {3, 1}, {16, 1}};
#define NPRES (sizeof pres / sizeof pres[0])

static uint32_t snap[sizeof backing / 4];

static unsigned long sweep_trials, sweep_old, sweep_new, sweep_invalid, sweep_unchanged;

static void build_pre(const pre_t *p, uint8_t *newest, int *has)
{
    unsigned i;
    uint8_t v[64];
    opctx_t x;
    *has = 0;
    for (i = 1; i <= p->sets; i++) {
        fill_value(v, M.size, 100u + i);
        if (p->retire_cut && i == p->sets) {
            /* Stores of a set: open, value words, commit, retire: cut at
             * the commit. */
            x.op = OP_SET;
            x.val = v;
            assert_true(run_cut(run_op, &x, 1u + PRAM__COMPACT_PAD(M.size) / 4u + 1u, 0));
            assert_int_equal(pram_compact_get(&M.c, newest, M.size), PRAM_OK);
            assert_memory_equal(newest, v, M.size);
        } else {
            assert_int_equal(pram_compact_set(&M.c, v, M.size), PRAM_OK);
        }
        memcpy(newest, v, M.size);
        *has = 1;
    }
}

static void sweep_one(const kind_t *k, unsigned size, int mode)
{
    unsigned p, op, tear;
    uint64_t n, total;
    uint8_t newest[64], v[64], o[64], after[64];
    int has, rc;
    opctx_t x;
    for (p = 0; p < NPRES; p++) {
        if (mode == PRAM_SINGLE && (pres[p].sets > 1 || pres[p].retire_cut))
            continue;
        for (op = 0; op < NOPS; op++) {
            if ((op == OP_EDIT_KEEP || op == OP_EDIT_ZERO) && k->width)
                continue;
            mem_setup(k, size, 7, mode, 0);
            build_pre(&pres[p], newest, &has);
            if (op == OP_EDIT_KEEP && !has)
                continue;
            memcpy(snap, backing, sizeof snap);
            fill_value(v, size, 7);
            v[0] ^= 0x80u; /* differs from every pre-state value */
            x.op = (int)op;
            x.val = v;
            total = count_stores(&x);
            for (n = 1; n <= total; n++)
                for (tear = 0; tear < 15u; tear++) {
                    memcpy(backing, snap, sizeof snap);
                    assert_true(run_cut(run_op, &x, n, tear));
                    sweep_trials++;
                    memset(o, 0, sizeof o);
                    rc = pram_compact_get(&M.c, o, size);
                    if (rc == PRAM_OK && op != OP_INVALIDATE && !memcmp(o, v, size)) {
                        sweep_new++;
                    } else if (rc == PRAM_OK && has && !memcmp(o, newest, size)) {
                        /* The old value: A/B always may keep it; single
                         * only if nothing of the op landed (a cut at its
                         * first store whose torn bytes changed nothing),
                         * or for invalidate the same. */
                        if (mode == PRAM_SINGLE && memcmp(backing, snap, sizeof snap))
                            fail_msg("%s %s size %u pre %u %s cut %llu tear 0x%X: single kept the old value "
                                     "after a store landed", k->name, "single", size, p, op_names[op],
                                     (unsigned long long)n, tear);
                        if (mode == PRAM_SINGLE)
                            sweep_unchanged++;
                        else
                            sweep_old++;
                    } else if (rc == PRAM_ERR_INVALID) {
                        /* A/B set or edit: never invalid once a value was
                         * committed. */
                        if (mode == PRAM_AB && has && op != OP_INVALIDATE)
                            fail_msg("%s A/B size %u pre %u %s cut %llu tear 0x%X: invalid after a committed "
                                     "value", k->name, size, p, op_names[op], (unsigned long long)n, tear);
                        sweep_invalid++;
                    } else {
                        fail_msg("%s %s size %u pre %u %s cut %llu tear 0x%X: rc %d, a mix or an older value",
                                 k->name, mode == PRAM_AB ? "A/B" : "single", size, p, op_names[op],
                                 (unsigned long long)n, tear, rc);
                    }
                    /* The next boot: the cell works. */
                    fill_value(o, size, 55u);
                    assert_int_equal(pram_compact_set(&M.c, o, size), PRAM_OK);
                    assert_int_equal(pram_compact_get(&M.c, after, size), PRAM_OK);
                    assert_memory_equal(after, o, size);
                }
        }
    }
    regfile_attach(NULL);
}

static void test_power_cut_sweep(void **state)
{
    static const unsigned sizes[] = {1, 2, 3, 4, 5, 7, 8, 12, 13, 31, 64};
    unsigned k, s, mode;
    (void)state;
    for (k = 0; k < NKINDS; k++)
        for (mode = 1; mode <= 2; mode++)
            for (s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
                sweep_one(&kinds[k], sizes[s], (int)mode);
    printf("compact: power-cut sweep: %lu cuts (every store of set, invalidate, edit keep/zero; whole and "
           "all 14 partial byte tears; 5 memories, 2 modes, 11 sizes, 7 pre-states incl. sequence wrap "
           "and a lost retire): new %lu, old (A/B) %lu, old (single, nothing landed) %lu, invalid %lu, "
           "mixed or older 0\n",
           sweep_trials, sweep_new, sweep_old, sweep_unchanged, sweep_invalid);
    assert_int_equal(pram_test_crit_depth, 0u);
}

/* ---- Bit flips -------------------------------------------------------------------- */

static void flip(uint32_t bit)
{
    ((uint8_t *)backing)[bit / 8u] ^= (uint8_t)(1u << (bit % 8u));
}

/* Every 1-bit and 2-bit flip of a committed cell's storage, every size
 * 1..64.  Single-slot: all of it.  A/B (value in slot 1, slot 0 retired to
 * a zero header): a flip touching the valid slot must not read PRAM_OK;
 * flips only in the retired slot's header must keep the value (2 bits
 * would make a tag, 0x801 e.g., but its CRC fails). */
static void test_flips(void **state)
{
    unsigned size, mode;
    uint32_t bits, a, b, lo, hi;
    uint8_t v[64], o[64];
    unsigned long one = 0, two = 0, one_det = 0, two_det = 0, layout = 0, kept = 0, skipped = 0;
    int rc;
    (void)state;
    for (mode = 1; mode <= 2; mode++)
        for (size = 1; size <= 64; size++) {
            mem_setup(&kinds[0], size, 5, (int)mode, 0);
            fill_value(v, size, size);
            assert_int_equal(pram_compact_set(&M.c, v, size), PRAM_OK);
            if (mode == PRAM_AB)
                assert_int_equal(pram_compact_set(&M.c, v, size), PRAM_OK); /* value in slot 1 */
            bits = 8u * M.storage;
            lo = mode == PRAM_AB ? 8u * PRAM_COMPACT_SLOT_SIZE(size) : 0u; /* the valid slot's bits */
            hi = bits;
            for (a = 0; a < bits; a++) {
                int in_a = a >= lo && a < hi;
                flip(a);
                rc = pram_compact_status(&M.c);
                if (in_a) {
                    one++;
                    one_det += rc != PRAM_OK;
                    layout += rc == PRAM_ERR_LAYOUT;
                } else {
                    assert_int_equal(pram_compact_get(&M.c, o, size), PRAM_OK);
                    assert_memory_equal(o, v, size);
                    kept++;
                }
                for (b = a + 1; b < bits; b++) {
                    int in_b = b >= lo && b < hi;
                    /* A/B: the retired slot's value bytes are never read
                     * while its header is 0; a pair with one bit there is
                     * a 1-bit flip of the rest (tested above). */
                    if (mode == PRAM_AB && (a >= 32u && a < lo)) {
                        skipped += bits - b;
                        break;
                    }
                    if (mode == PRAM_AB && (b >= 32u && b < lo)) {
                        skipped++;
                        continue;
                    }
                    flip(b);
                    rc = pram_compact_status(&M.c);
                    if (in_a || in_b) {
                        two++;
                        two_det += rc != PRAM_OK;
                        layout += rc == PRAM_ERR_LAYOUT;
                    } else {
                        assert_int_equal(rc, PRAM_OK);
                        kept++;
                    }
                    flip(b);
                }
                flip(a);
            }
            assert_int_equal(pram_compact_status(&M.c), PRAM_OK);
        }
    printf("compact: bit flips, sizes 1..64, single and A/B: 1-bit %lu/%lu detected, 2-bit %lu/%lu detected "
           "(%lu of them read LAYOUT, the rest INVALID); %lu flips only in a retired A/B slot's header kept "
           "the value; %lu pairs with a bit in a retired slot's value bytes (never read) left out\n",
           one_det, one, two_det, two, layout, kept, skipped);
    assert_int_equal(one_det, one);
    assert_int_equal(two_det, two);
}

/* ---- Garbage campaign ------------------------------------------------------------- */

static unsigned long trials_from_env(void)
{
    const char *s = getenv("PRAM_COMPACT_TRIALS");
    unsigned long n = s ? strtoul(s, NULL, 10) : 0;
    return n ? n : 1000000ul;
}

/* Two factors of the false-accept rate, each through the library on a
 * uint32_t A/B cell's slot 0 (slot 1 zeroed) and a single-slot cell:
 *   CRC-only: random header CRC and value, tag (and for single, sequence 0)
 *     forced valid: accepted with P = 2^-16;
 *   tag-only: random header low half and value, CRC made right: accepted
 *     when the tag is the cell's (A/B: 1/4096) and, single, sequence 0 too
 *     (1/65536).
 * Both random together: the product (not reachable in a short run). */
static void test_garbage(void **state)
{
    unsigned long n = trials_from_env(), i, crc_ok[2] = {0, 0}, tag_ok[2] = {0, 0}, tag_range = 0;
    uint64_t rng = 0x5EED0015ull;
    unsigned mode;
    clock_t t0 = clock();
    (void)state;
    for (mode = 1; mode <= 2; mode++) {
        mem_setup(&kinds[0], 4, 1, (int)mode, 0);
        for (i = 0; i < n; i++) {
            uint64_t r = test_rand(&rng);
            uint32_t low = M.c.tag, val = (uint32_t)(r >> 32);
            backing[1] = val;
            backing[0] = low | ((uint32_t)(r & 0xFFFFu) << 16);
            crc_ok[mode - 1] += pram_compact_status(&M.c) == PRAM_OK;
            r = test_rand(&rng);
            low = (uint32_t)(r & 0xFFFFu);
            val = (uint32_t)(r >> 32);
            backing[1] = val;
            {
                uint8_t img[6];
                img[0] = (uint8_t)low;
                img[1] = (uint8_t)(low >> 8);
                memcpy(img + 2, &val, 4);
                backing[0] = low | ((uint32_t)ref_crc16(0xFFFFu, img, 6) << 16);
            }
            tag_ok[mode - 1] += pram_compact_status(&M.c) == PRAM_OK;
            if (mode == 1) {
                uint32_t t = low & 0xFFFu, hi = t >> 8, lo = t & 0xFFu;
                tag_range += hi >= 8u && lo && (hi - 8u) * 255u + lo - 1u < 1984u;
            }
        }
    }
    {
        double dn = (double)n;
        double crc_s = (double)crc_ok[0] / dn, crc_ab = (double)crc_ok[1] / dn;
        double tag_s = (double)tag_ok[0] / dn, tag_ab = (double)tag_ok[1] / dn;
        printf("compact: garbage campaign, %lu trials each (PRAM_COMPACT_TRIALS), %.1f s:\n", n,
               (double)(clock() - t0) / CLOCKS_PER_SEC);
        printf("  CRC-only share (tag forced valid): single %lu = %.3g, A/B slot %lu = %.3g "
               "(design 2^-16 = %.3g)\n", crc_ok[0], crc_s, crc_ok[1], crc_ab, 1.0 / 65536.0);
        printf("  tag-only share (CRC forced right): A/B slot (tag matches) %lu = %.3g (design 1/4096 = "
               "%.3g); single (tag and sequence 0) %lu = %.3g (design 2^-16 = %.3g); any issued tag %.3g "
               "(design 1984/4096 = %.3g)\n",
               tag_ok[1], tag_ab, 1.0 / 4096.0, tag_ok[0], tag_s, 1.0 / 65536.0, (double)tag_range / dn,
               1984.0 / 4096.0);
        printf("  product, per slot of random garbage: single %.3g (design 2^-32 = %.3g), A/B slot %.3g "
               "(design 2^-28 = %.3g; a cell of two random slots ~2x)\n",
               crc_s * tag_s, 1.0 / 4294967296.0, crc_ab * tag_ab, 1.0 / 268435456.0);
        /* Loose bounds: the shares are binomial. */
        if (n >= 1000000ul) {
            assert_true(crc_s > 0.5 / 65536.0 && crc_s < 2.0 / 65536.0);
            assert_true(crc_ab > 0.5 / 65536.0 && crc_ab < 2.0 / 65536.0);
            assert_true(tag_ab > 0.7 / 4096.0 && tag_ab < 1.4 / 4096.0);
            assert_true(tag_s > 0.5 / 65536.0 && tag_s < 2.0 / 65536.0);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tags),
        cmocka_unit_test(test_typed_ram),
        cmocka_unit_test(test_typed_registers),
        cmocka_unit_test(test_sizes_and_memories),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_power_cut_sweep),
        cmocka_unit_test(test_flips),
        cmocka_unit_test(test_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
