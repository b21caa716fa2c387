/* Regions with exact-width access (against a trapping emulated register
 * file) and the region manager's cold / warm / relayout / cleared decisions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "pram/pram.h"
#include "ref_crc.h"
#include "regfile.h"
#include "test_support.h"

/* ---- A boot counter in four 32-bit backup registers ------------------- */

static uint32_t bkp_regs[4]; /* STM32 RTC_BKPxR: word access only */
static regfile_t bkp_rf = {(uint8_t *)bkp_regs, 4, 4, 4, 0, 0};
static const pram_region_t bkp = PRAM_REGION(bkp_regs, sizeof bkp_regs, 4, 4);

PRAM_CELL_DECLARE_IN(boots, uint32_t, 7, PRAM_SINGLE);
PRAM_CELL_DEFINE_IN(boots, &bkp, 0);

/* One boot of the example firmware: read, count, write back. */
static uint32_t boot_once(void)
{
    uint32_t n;
    if (boots_get(&n) != PRAM_OK)
        n = 0;
    n++;
    assert_int_equal(boots_set(&n), PRAM_OK);
    return n;
}

static void test_boot_counter_in_four_registers(void **state)
{
    uint32_t i;
    (void)state;
    assert_int_equal(PRAM_CELL_SIZE(boots), sizeof bkp_regs);
    memset(bkp_regs, 0, sizeof bkp_regs);
    regfile_attach(&bkp_rf);
    for (i = 1; i <= 20; i++)
        assert_int_equal(boot_once(), i);
    regfile_attach(NULL);
    /* Every access was checked as 32-bit by the register file; there were some. */
    assert_true(bkp_rf.stores >= 20u * 5u);
    assert_true(bkp_rf.loads > 0u);
    /* The registers hold the documented layout: magic, seal (seq | CRC-16
     * << 16; single-slot cells seal with seq 0), layout tag, value. */
    assert_int_equal(bkp_regs[0], PRAM_MAGIC_CELL);
    {
        uint8_t img[8];
        uint32_t layout = 4u | (7u << 16), value = 20u;
        uint16_t crc;
        memcpy(img, &layout, 4);
        memcpy(img + 4, &value, 4);
        crc = ref_crc16(0xFFFFu, img, sizeof img);
        assert_int_equal(bkp_regs[1], (uint32_t)crc << 16);
    }
    assert_int_equal(bkp_regs[2], 4u | (7u << 16));
    assert_int_equal(bkp_regs[3], 20u);
    /* The typed calls of a cell in a region (through its descriptor): NULL
     * is refused before any access. */
    {
        uint32_t snap[4];
        uint64_t s0 = pram_test_stores;
        memcpy(snap, bkp_regs, sizeof snap);
        regfile_attach(&bkp_rf);
        bkp_rf.loads = bkp_rf.stores = 0;
        assert_int_equal(boots_get(NULL), PRAM_ERR_NULL);
        assert_int_equal(boots_set(NULL), PRAM_ERR_NULL);
        regfile_attach(NULL);
        assert_int_equal(bkp_rf.loads + bkp_rf.stores, 0);
        assert_int_equal(pram_test_stores, s0);
        assert_memory_equal(snap, bkp_regs, sizeof snap);
    }
}

/* A reset at any store of the boot counter's update: the next boot reads the
 * old count, the new count, or (single slot) nothing - and counts on. */
static jmp_buf boot_jmp;
static void test_boot_counter_power_cuts(void **state)
{
    static uint32_t before[4];
    static uint64_t n, stores;
    static unsigned t;
    static const unsigned tears[] = {0u, 1u, 3u, 7u, 14u};
    uint32_t v;
    (void)state;
    memset(bkp_regs, 0, sizeof bkp_regs);
    regfile_attach(&bkp_rf);
    (void)boot_once(); /* count = 1 */
    stores = pram_test_stores;
    (void)boot_once(); /* count = 2 */
    stores = pram_test_stores - stores;
    assert_int_equal(stores, 5);
    memcpy(before, bkp_regs, sizeof before);
    for (t = 0; t < sizeof tears / sizeof tears[0]; t++) {
        for (n = 1; n <= stores; n++) {
            memcpy(bkp_regs, before, sizeof before);
            pram_test_boot = &boot_jmp;
            pram_test_tear = tears[t];
            if (setjmp(boot_jmp) == 0) {
                pram_test_cut_at = pram_test_stores + n;
                (void)boot_once();
                fail_msg("no power cut at store %u", (unsigned)n);
            }
            pram_test_boot = NULL;
            pram_test_cut_at = 0;
            /* After the reset: 2 (old), 3 (new) or invalid. */
            v = 0;
            if (boots_get(&v) == PRAM_OK)
                assert_true(v == 2u || v == 3u);
            else
                assert_true(n < stores || tears[t] != 0u);
            if (n == stores && tears[t] == 0u)
                assert_int_equal(v, 3u);
            v = boot_once();
            assert_true(v == 1u || v == 3u || v == 4u);
        }
    }
    regfile_attach(NULL);
}

/* ---- 16-bit registers in 32-bit slots (STM32F1 BKP_DRx) ---------------- */

static uint32_t f1_slots[10];
static regfile_t f1_rf = {(uint8_t *)f1_slots, 10, 2, 4, 0, 0};
static const pram_region_t f1 = PRAM_REGION(f1_slots, 20, 2, 4);

typedef struct {
    uint32_t a;
} f1_value_t;
PRAM_CELL_DECLARE_IN(f1cell, f1_value_t, 2, PRAM_SINGLE);
PRAM_CELL_DEFINE_IN(f1cell, &f1, 0);

static void test_halfword_registers_with_stride(void **state)
{
    f1_value_t v = {0xCAFEF00Du}, o = {0};
    unsigned i;
    (void)state;
    for (i = 0; i < 10; i++)
        f1_slots[i] = 0xA5A50000u; /* upper half: not ours */
    regfile_attach(&f1_rf);
    assert_int_equal(f1cell_status(), PRAM_ERR_INVALID);
    assert_int_equal(f1cell_set(&v), PRAM_OK);
    assert_int_equal(f1cell_get(&o), PRAM_OK);
    regfile_attach(NULL);
    assert_int_equal(o.a, 0xCAFEF00Du);
    /* Logical bytes 2k, 2k+1 live in the low half of slot k; the upper
     * halves were never written. */
    for (i = 0; i < 10; i++)
        assert_int_equal(f1_slots[i] >> 16, 0xA5A5u);
    assert_int_equal(f1_slots[0] & 0xFFFFu, PRAM_MAGIC_CELL & 0xFFFFu);
    assert_int_equal(f1_slots[1] & 0xFFFFu, PRAM_MAGIC_CELL >> 16);
    assert_int_equal(f1_slots[6] & 0xFFFFu, 0xF00Du);
    assert_int_equal(f1_slots[7] & 0xFFFFu, 0xCAFEu);
    assert_true(f1_rf.stores > 0 && f1_rf.loads > 0);
}

/* ---- Byte registers spaced 4 apart ------------------------------------- */

static uint32_t byte_slots[16];
static regfile_t byte_rf = {(uint8_t *)byte_slots, 16, 1, 4, 0, 0};
static const pram_region_t bytes_region = PRAM_REGION(byte_slots, 16, 1, 4);
PRAM_CELL_DECLARE_IN(bytecell, uint32_t, 3, PRAM_SINGLE);
PRAM_CELL_DEFINE_IN(bytecell, &bytes_region, 0);

static void test_byte_registers(void **state)
{
    uint32_t v = 0x01020304u, o = 0;
    (void)state;
    memset(byte_slots, 0, sizeof byte_slots);
    regfile_attach(&byte_rf);
    assert_int_equal(bytecell_set(&v), PRAM_OK);
    assert_int_equal(bytecell_get(&o), PRAM_OK);
    regfile_attach(NULL);
    assert_int_equal(o, v);
    assert_int_equal(((uint8_t *)&byte_slots[12])[0], ((uint8_t *)&v)[0]);
}

/* ---- Buffers and edit scopes in a word-only region --------------------- */

static uint32_t buf_regs[64];
static regfile_t buf_rf = {(uint8_t *)buf_regs, 64, 4, 4, 0, 0};
static const pram_region_t buf_region = PRAM_REGION(buf_regs, sizeof buf_regs, 4, 0);
static const pram_buf_def_t reg_log_def = PRAM_BUF_DEF_IN(&buf_region, 0, sizeof buf_regs, 1);
static pram_buf_t reg_log = PRAM_BUF_INIT(&reg_log_def);

static void test_buffer_in_word_registers(void **state)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t rec;
    char out[32];
    int n, count = 0;
    (void)state;
    memset(buf_regs, 0xFF, sizeof buf_regs);
    regfile_attach(&buf_rf);
    assert_false(pram_buf_is_open(&reg_log));
    assert_false(pram_buf_is_open(NULL));
    assert_int_equal(pram_buf_open(&reg_log), PRAM_BUF_COLD);
    assert_true(pram_buf_is_open(&reg_log));
    assert_int_equal(pram_buf_append(&reg_log, "abc", 3), PRAM_OK);
    assert_int_equal(pram_buf_append(&reg_log, "hello, registers", 16), PRAM_OK);
    assert_int_equal(pram_buf_open(&reg_log), PRAM_BUF_INTACT);
    while ((n = pram_buf_next(&reg_log, &it, &rec)) > 0) {
        assert_null(rec.data); /* not byte-addressable: copy out */
        n = pram_buf_read(&reg_log, &rec, out, sizeof out);
        assert_int_equal(n, count == 0 ? 3 : 16);
        assert_memory_equal(out, count == 0 ? "abc" : "hello, registers", (size_t)n);
        count++;
    }
    assert_int_equal(n, 0);
    assert_int_equal(count, 2);
    regfile_attach(NULL);
}

static void test_edit_refused_in_word_registers(void **state)
{
    int rc = 12345;
    (void)state;
    memset(bkp_regs, 0, sizeof bkp_regs);
    regfile_attach(&bkp_rf);
    PRAM_EDIT_ZEROED(boots, e, rc)
    {
        fail_msg("edit body ran in a word-only region");
    }
    regfile_attach(NULL);
    assert_int_equal(rc, PRAM_ERR_ACCESS);
}

/* ---- Region manager ------------------------------------------------------ */

static uint32_t bkpsram[256]; /* 1 KiB of ordinary backup SRAM */
static const pram_region_t sram = PRAM_REGION(bkpsram, sizeof bkpsram, 0, 0);

typedef struct {
    uint32_t boots;
    uint32_t reason;
} boot_rec_t;
typedef struct {
    uint32_t pc, lr, cfsr;
} crash_rec_t;
typedef struct {
    uint32_t pc, lr, cfsr, hfsr; /* the next firmware's wider record */
} crash_rec2_t;

PRAM_CELL_DECLARE_IN(m_boot, boot_rec_t, 1, PRAM_AB);
PRAM_CELL_DEFINE_IN(m_boot, &sram, 64);
PRAM_CELL_DECLARE_IN(m_crash, crash_rec_t, 1, PRAM_SINGLE);
PRAM_CELL_DEFINE_IN(m_crash, &sram, 128);
PRAM_CELL_DECLARE_IN(m_crash2, crash_rec2_t, 1, PRAM_SINGLE);
PRAM_CELL_DEFINE_IN(m_crash2, &sram, 128);
static const pram_buf_def_t m_log_def = PRAM_BUF_DEF_IN(&sram, 256, 512, 1);
static pram_buf_t m_log = PRAM_BUF_INIT(&m_log_def);

static const pram_cell_t *const v1_cells[] = {&m_boot, &m_crash};
static const pram_cell_t *const v2_cells[] = {&m_boot, &m_crash2};
static pram_buf_t *const map_bufs[] = {&m_log};
static const pram_region_map_t map_v1 = {&sram, v1_cells, 2, map_bufs, 1, 1};
static const pram_region_map_t map_v2 = {&sram, v2_cells, 2, map_bufs, 1, 1};

static void test_region_cold_warm_relayout_cleared(void **state)
{
    int cs[2], bs[1];
    boot_rec_t b = {5, 1};
    crash_rec_t c = {0x1234, 0x5678, 0x100};
    (void)state;
    test_fill_random(bkpsram, sizeof bkpsram, &(uint64_t){42});
    bkpsram[40] = 0xDEADBEEFu; /* offset 160..255: no container declared there */
    assert_int_equal(pram_region_boot(&map_v1, cs, bs), PRAM_REGION_COLD);
    assert_int_equal(cs[0], PRAM_ERR_INVALID);
    assert_int_equal(cs[1], PRAM_ERR_INVALID);
    assert_int_equal(bs[0], PRAM_BUF_COLD);
    assert_int_equal(bkpsram[40], 0xDEADBEEFu); /* format leaves other bytes alone */
    /* The header at 0, as documented: a single-slot slot with the magic of
     * every container, seq 0, layout = span 8 (its value) | kind 2 (region
     * header) << 13 | map schema 1 << 16, value {layout hash, flags}. */
    {
        uint8_t img[12];
        uint32_t layout = 8u | (2u << 13) | (1u << 16);
        pram_cell_t as_cell = m_boot;
        int32_t out[2] = {0x5A5A5A5A, 0x5A5A5A5A};
        assert_int_equal(bkpsram[0], PRAM_MAGIC_CELL);
        assert_int_equal(bkpsram[2], layout);
        assert_int_equal(bkpsram[3], pram_region_layout_hash(&map_v1));
        assert_int_equal(bkpsram[4], 0u);
        memcpy(img, &bkpsram[2], sizeof img);
        assert_int_equal(bkpsram[1], (uint32_t)ref_crc16(0xFFFFu, img, sizeof img) << 16);
        /* A user cell of the same size and schema over it: the kind differs,
         * so it is a verified other layout, never a value. */
        as_cell.offset = 0u;
        as_cell.mode = PRAM_SINGLE;
        assert_int_equal(pram_cell_status(&as_cell), PRAM_ERR_LAYOUT);
        assert_int_equal(pram_cell_get(&as_cell, out, sizeof out), PRAM_ERR_LAYOUT);
        assert_int_equal(out[0], 0x5A5A5A5A);
    }

    assert_int_equal(m_boot_set(&b), PRAM_OK);
    assert_int_equal(m_crash_set(&c), PRAM_OK);
    assert_int_equal(pram_buf_append(&m_log, "x", 1), PRAM_OK);
    assert_int_equal(pram_region_boot(&map_v1, cs, bs), PRAM_REGION_WARM);
    assert_int_equal(cs[0], PRAM_OK);
    assert_int_equal(cs[1], PRAM_OK);
    assert_int_equal(bs[0], PRAM_BUF_INTACT);
    assert_int_equal(pram_buf_count(&m_log), 1);

    /* A firmware update widens the crash record: reported as a relayout;
     * the boot record and the log, unchanged, keep what they held; the crash
     * record reads as changed, never under the new type. */
    assert_int_not_equal(pram_region_layout_hash(&map_v1), pram_region_layout_hash(&map_v2));
    assert_int_equal(pram_region_boot(&map_v2, cs, bs), PRAM_REGION_RELAYOUT);
    assert_int_equal(cs[0], PRAM_OK);
    assert_int_equal(cs[1], PRAM_ERR_LAYOUT);
    assert_int_equal(bs[0], PRAM_BUF_INTACT);
    assert_int_equal(pram_buf_count(&m_log), 1);
    {
        boot_rec_t got;
        assert_int_equal(m_boot_get(&got), PRAM_OK);
        assert_memory_equal(&got, &b, sizeof b);
    }
    assert_int_equal(pram_region_boot(&map_v2, cs, bs), PRAM_REGION_WARM);

    /* Clear on next boot. */
    assert_int_equal(m_boot_set(&b), PRAM_OK);
    assert_int_equal(pram_region_request_clear(&map_v2), PRAM_OK);
    assert_int_equal(m_boot_status(), PRAM_OK); /* only at the next boot */
    assert_int_equal(pram_region_boot(&map_v2, cs, bs), PRAM_REGION_CLEARED);
    assert_int_equal(cs[0], PRAM_ERR_INVALID);
    assert_int_equal(pram_region_boot(&map_v2, cs, bs), PRAM_REGION_WARM);
    assert_int_equal(bkpsram[40], 0xDEADBEEFu);
}

/* ---- A ring in word registers: wraps, drops, a streamed record moved ---- */

/* The same 256 bytes of word-only registers as a ring (208 bytes of data
 * area).  A record streamed at the end of the area that outgrows it moves to
 * offset 0 (its first words copied down) once the records there are
 * dropped: every access, the copy and the merge of partial words included,
 * is checked as an aligned 32-bit one by the register file. */
static const pram_buf_def_t reg_ring_def = PRAM_BUF_DEF_RING_IN(&buf_region, 0, sizeof buf_regs, 2);
static pram_buf_t reg_ring = PRAM_BUF_INIT(&reg_ring_def);

static void tagged(uint32_t tag, uint32_t len, uint8_t *out)
{
    uint32_t i;
    for (i = 0; i < len; i++)
        out[i] = i ? (uint8_t)(tag * 13u + i) : (uint8_t)tag;
}

/* The records of b (in a region: copied out), as tags and lengths. */
static uint32_t read_tags(pram_buf_t *b, uint32_t *tags, uint32_t *lens, uint32_t *pos, uint32_t max)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t rec;
    uint8_t out[PRAM_RECORD_MAX_SIZE > 256u ? 256u : PRAM_RECORD_MAX_SIZE], want[256];
    uint32_t n = 0;
    int rc;
    while ((rc = pram_buf_next(b, &it, &rec)) == 1) {
        int len;
        assert_true(n < max);
        if (b->def->region && b->def->region->width)
            assert_null(rec.data);
        len = pram_buf_read(b, &rec, out, sizeof out);
        assert_true(len >= 1);
        tagged(out[0], (uint32_t)len, want);
        assert_memory_equal(out, want, (size_t)len);
        tags[n] = out[0];
        lens[n] = (uint32_t)len;
        pos[n++] = rec.pos;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(pram_buf_count(b), (int)n);
    return n;
}

static void test_ring_in_word_registers(void **state)
{
    uint8_t p[64];
    uint32_t tags[8], lens[8], pos[8], n, i;
    (void)state;
    memset(buf_regs, 0xFF, sizeof buf_regs);
    regfile_attach(&buf_rf);
    buf_rf.loads = buf_rf.stores = 0;
    assert_int_equal(pram_buf_open(&reg_ring), PRAM_BUF_COLD);
    /* 1..4: 40 bytes each (48 with the header) at 0, 48, 96, 144 */
    for (i = 1; i <= 4; i++) {
        tagged(i, 40u, p);
        assert_int_equal(pram_buf_append(&reg_ring, p, 40u), PRAM_OK);
    }
    /* 5, streamed at 192: 4 bytes fit before the end (208), 14 do not; the
     * record moves to 0 once record 1 is dropped, then drops 2 as it grows
     * to 61 bytes.  Chunks of 4, 10, 1, 46: partial words merged. */
    tagged(5u, 61u, p);
    assert_int_equal(pram_buf_begin(&reg_ring), PRAM_OK);
    assert_int_equal(pram_buf_write(&reg_ring, p, 4u), PRAM_OK);
    assert_int_equal(pram_buf_count(&reg_ring), 4);
    assert_int_equal(pram_buf_write(&reg_ring, p + 4, 10u), PRAM_OK);
    assert_int_equal(pram_buf_count(&reg_ring), 3);
    assert_int_equal(pram_buf_write(&reg_ring, p + 14, 1u), PRAM_OK);
    assert_int_equal(pram_buf_write(&reg_ring, p + 15, 46u), PRAM_OK);
    assert_int_equal(pram_buf_count(&reg_ring), 2);
    assert_int_equal(pram_buf_commit(&reg_ring), PRAM_OK);
    /* 6: 16 bytes after it, at 72: exactly the 24 bytes up to record 3 */
    tagged(6u, 16u, p);
    assert_int_equal(pram_buf_append(&reg_ring, p, 16u), PRAM_OK);
    assert_int_equal(pram_buf_count(&reg_ring), 4);
    /* A reboot finds 3, 4, then 5 at 0 and 6 at 72. */
    assert_int_equal(pram_buf_open(&reg_ring), PRAM_BUF_INTACT);
    n = read_tags(&reg_ring, tags, lens, pos, 8u);
    assert_int_equal(n, 4u);
    assert_int_equal(tags[0], 3u);
    assert_int_equal(pos[0], 96u);
    assert_int_equal(tags[1], 4u);
    assert_int_equal(pos[1], 144u);
    assert_int_equal(tags[2], 5u);
    assert_int_equal(lens[2], 61u);
    assert_int_equal(pos[2], 0u);
    assert_int_equal(tags[3], 6u);
    assert_int_equal(pos[3], 72u);
    /* newest first */
    {
        pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
        pram_record_t rec;
        for (i = 4; i-- > 0;) {
            assert_int_equal(pram_buf_prev(&reg_ring, &it, &rec), 1);
            assert_int_equal(rec.pos, pos[i]);
        }
        assert_int_equal(pram_buf_prev(&reg_ring, &it, &rec), 0);
    }
    regfile_attach(NULL);
    assert_true(buf_rf.loads > 0u && buf_rf.stores > 0u);
}

/* ---- A region map with a ring buffer ---------------------------------------- */

static uint32_t ring_sram[128]; /* 512 bytes: header, a cell, a ring */
static const pram_region_t ring_region = PRAM_REGION(ring_sram, sizeof ring_sram, 0, 0);
PRAM_CELL_DECLARE_IN(r_boot, boot_rec_t, 1, PRAM_AB);
PRAM_CELL_DEFINE_IN(r_boot, &ring_region, 32);
#define RMAP_RING_OFF 96u
static const pram_buf_def_t r_ring_def =
    PRAM_BUF_DEF_RING_IN(&ring_region, RMAP_RING_OFF, sizeof ring_sram - RMAP_RING_OFF, 1);
static const pram_buf_def_t r_ring_small_def =
    PRAM_BUF_DEF_RING_IN(&ring_region, RMAP_RING_OFF, sizeof ring_sram - RMAP_RING_OFF - 64u, 1);
static pram_buf_t r_ring = PRAM_BUF_INIT(&r_ring_def);
static pram_buf_t r_ring_small = PRAM_BUF_INIT(&r_ring_small_def);
static const pram_cell_t *const r_cells[] = {&r_boot};
static pram_buf_t *const r_bufs[] = {&r_ring};
static pram_buf_t *const r_bufs_small[] = {&r_ring_small};
static const pram_region_map_t ring_map = {&ring_region, r_cells, 1, r_bufs, 1, 1};
static const pram_region_map_t ring_map_small = {&ring_region, r_cells, 1, r_bufs_small, 1, 1};

static void test_region_map_with_ring(void **state)
{
    int cs[1], bs[1];
    uint8_t p[64];
    uint32_t tags[32], lens[32], pos[32], n, i, wrapped = 0;
    boot_rec_t b = {3, 4};
    (void)state;
    test_fill_random(ring_sram, sizeof ring_sram, &(uint64_t){7});
    assert_int_equal(pram_region_boot(&ring_map, cs, bs), PRAM_REGION_COLD);
    assert_int_equal(bs[0], PRAM_BUF_COLD);
    assert_int_equal(pram_buf_count(&r_ring), 0);
    assert_int_equal(r_boot_set(&b), PRAM_OK);
    /* 1..40, 10 to 49 bytes, every third one streamed in two chunks: the
     * ring (368 bytes of data area) wraps several times. */
    for (i = 1; i <= 40u; i++) {
        uint32_t len = 10u + (i * 17u) % 40u;
        tagged(i, len, p);
        if (i % 3u == 0u) {
            assert_int_equal(pram_buf_begin(&r_ring), PRAM_OK);
            assert_int_equal(pram_buf_write(&r_ring, p, 5u), PRAM_OK);
            assert_int_equal(pram_buf_write(&r_ring, p + 5, len - 5u), PRAM_OK);
            assert_int_equal(pram_buf_commit(&r_ring), PRAM_OK);
        } else {
            assert_int_equal(pram_buf_append(&r_ring, p, len), PRAM_OK);
        }
        wrapped += r_ring.wrap != 0u;
    }
    assert_true(wrapped > 0u);
    /* The next boot: warm, the ring intact with the newest records, 40 last,
     * consecutive, and a cancelled stream left no trace. */
    assert_int_equal(pram_buf_begin(&r_ring), PRAM_OK);
    assert_int_equal(pram_buf_write(&r_ring, "not committed", 13u), PRAM_OK);
    assert_int_equal(pram_region_boot(&ring_map, cs, bs), PRAM_REGION_WARM);
    assert_int_equal(cs[0], PRAM_OK);
    assert_int_equal(bs[0], PRAM_BUF_INTACT);
    n = read_tags(&r_ring, tags, lens, pos, 32u);
    assert_true(n >= 5u);
    for (i = 0; i < n; i++) {
        assert_int_equal(tags[i], 41u - n + i);
        assert_int_equal(lens[i], 10u + (tags[i] * 17u) % 40u);
    }
    /* A smaller ring at the same offset is another layout: relayout. */
    assert_int_not_equal(pram_region_layout_hash(&ring_map), pram_region_layout_hash(&ring_map_small));
    assert_int_equal(pram_region_boot(&ring_map_small, cs, bs), PRAM_REGION_RELAYOUT);
    assert_int_equal(cs[0], PRAM_OK); /* the cell did not change */
    assert_int_equal(bs[0], PRAM_BUF_REFORMED);
    assert_int_equal(pram_buf_count(&r_ring_small), 0);
    assert_int_equal(pram_region_boot(&ring_map, cs, bs), PRAM_REGION_RELAYOUT);
    assert_int_equal(bs[0], PRAM_BUF_REFORMED);
    tagged(1u, 30u, p);
    assert_int_equal(pram_buf_append(&r_ring, p, 30u), PRAM_OK);
    /* Clear on request: the ring too. */
    assert_int_equal(pram_region_request_clear(&ring_map), PRAM_OK);
    assert_int_equal(pram_buf_count(&r_ring), 1); /* only at the next boot */
    assert_int_equal(pram_region_boot(&ring_map, cs, bs), PRAM_REGION_CLEARED);
    assert_int_equal(pram_buf_count(&r_ring), 0);
    assert_int_equal(pram_region_boot(&ring_map, cs, bs), PRAM_REGION_WARM);
    assert_int_equal(pram_buf_count(&r_ring), 0);
}

static const pram_region_t other = PRAM_REGION(bkp_regs, sizeof bkp_regs, 0, 0);
PRAM_CELL_DECLARE_IN(foreign, uint32_t, 1, PRAM_SINGLE);
PRAM_CELL_DEFINE_IN(foreign, &other, 0);

static void test_region_map_errors(void **state)
{
    static const pram_cell_t in_header = PRAM_CELL_INIT_IN(foreign, &sram, 8);
    static const pram_cell_t overlapping = PRAM_CELL_INIT_IN(foreign, &sram, 72);
    static const pram_cell_t outside = PRAM_CELL_INIT_IN(foreign, &sram, 1020);
    const pram_cell_t *cells[2] = {&m_boot, NULL};
    pram_region_map_t m = {&sram, cells, 2, NULL, 0, 1};
    uint32_t snapshot[256];
    (void)state;
    memcpy(snapshot, bkpsram, sizeof snapshot);
    assert_int_equal(pram_region_boot(NULL, NULL, NULL), PRAM_ERR_NULL);
    assert_int_equal(pram_region_boot(&m, NULL, NULL), PRAM_ERR_NULL);
    cells[1] = &foreign;
    assert_int_equal(pram_region_boot(&m, NULL, NULL), PRAM_ERR_DESC);
    cells[1] = &in_header;
    assert_int_equal(pram_region_boot(&m, NULL, NULL), PRAM_ERR_OVERLAP);
    cells[1] = &overlapping;
    assert_int_equal(pram_region_boot(&m, NULL, NULL), PRAM_ERR_OVERLAP);
    cells[1] = &outside;
    assert_int_equal(pram_region_boot(&m, NULL, NULL), PRAM_ERR_RANGE);
    m.nbufs = 1; /* bufs NULL */
    cells[1] = &m_crash;
    assert_int_equal(pram_region_boot(&m, NULL, NULL), PRAM_ERR_DESC);
    assert_int_equal(pram_region_request_clear(NULL), PRAM_ERR_NULL);
    /* None of the refused calls wrote anything. */
    assert_memory_equal(snapshot, bkpsram, sizeof snapshot);
}

/* A reset at every store of a cold format, a relayout and a clear: the next
 * boot repeats the same decision (or finds it done) and ends in a usable,
 * consistent region - never WARM with stale containers. */
static jmp_buf region_jmp;
static void cut_sweep(const pram_region_map_t *first, const pram_region_map_t *second,
                      int request_clear, int expect, const boot_rec_t *kept)
{
    static uint32_t before[256];
    static uint64_t n, total;
    static int r;
    int cs[2], bs[1];
    boot_rec_t b = {9, 9};
    memcpy(before, bkpsram, sizeof before);
    total = pram_test_stores;
    if (request_clear)
        assert_int_equal(pram_region_request_clear(first), PRAM_OK);
    assert_int_equal(pram_region_boot(second, cs, bs), expect);
    total = pram_test_stores - total;
    /* A relayout writes only the header; a format zeroes the containers. */
    assert_true(total >= (expect == PRAM_REGION_RELAYOUT ? 3u : 10u));
    for (n = 1; n <= total; n++) {
        memcpy(bkpsram, before, sizeof before);
        pram_test_boot = &region_jmp;
        pram_test_tear = (unsigned)(n % 3u == 0u ? 0x3u : 0u);
        if (setjmp(region_jmp) == 0) {
            pram_test_cut_at = pram_test_stores + n;
            if (request_clear)
                (void)pram_region_request_clear(first);
            (void)pram_region_boot(second, cs, bs);
            fail_msg("no cut at store %u", (unsigned)n);
        }
        pram_test_boot = NULL;
        pram_test_cut_at = 0;
        r = pram_region_boot(second, cs, bs);
        if (expect == PRAM_REGION_RELAYOUT) {
            /* Whether or not the header landed (torn: read as cold), the unchanged boot record
             * keeps its value, the widened crash record reads as changed. */
            boot_rec_t got;
            assert_true(r == PRAM_REGION_RELAYOUT || r == PRAM_REGION_WARM || r == PRAM_REGION_COLD);
            assert_int_equal(m_boot_get(&got), PRAM_OK);
            assert_memory_equal(&got, kept, sizeof got);
            assert_int_equal(cs[1], PRAM_ERR_LAYOUT);
        } else if (r == PRAM_REGION_WARM) {
            /* Only once the format completed (or, for a clear cut before the
             * request landed, the untouched old state). */
            if (expect != PRAM_REGION_CLEARED) {
                assert_int_equal(cs[0], PRAM_ERR_INVALID);
                assert_int_equal(pram_buf_count(&m_log), 0);
            }
        } else if (expect == PRAM_REGION_CLEARED && r == PRAM_REGION_COLD) {
            /* Torn header: cut in the request (nothing cleared, the request
             * lost) or in the clear's last store (everything cleared). */
            if (cs[0] == PRAM_OK)
                assert_int_equal(pram_buf_count(&m_log), 1);
            else
                assert_int_equal(pram_buf_count(&m_log), 0);
        } else {
            assert_true(r == PRAM_REGION_COLD || r == expect);
            assert_int_equal(cs[0], PRAM_ERR_INVALID);
            assert_int_equal(pram_buf_count(&m_log), 0);
        }
        assert_int_equal(pram_region_boot(second, cs, bs), PRAM_REGION_WARM);
        assert_int_equal(m_boot_set(&b), PRAM_OK);
        assert_int_equal(pram_buf_append(&m_log, "ok", 2), PRAM_OK);
    }
}

static void test_region_power_cuts(void **state)
{
    int cs[2], bs[1];
    boot_rec_t b = {1, 2};
    (void)state;
    memset(bkpsram, 0, sizeof bkpsram);
    cut_sweep(&map_v1, &map_v1, 0, PRAM_REGION_COLD, NULL);
    memset(bkpsram, 0, sizeof bkpsram);
    (void)pram_region_boot(&map_v1, cs, bs);
    assert_int_equal(m_boot_set(&b), PRAM_OK);
    {
        crash_rec_t c = {1, 2, 3};
        assert_int_equal(m_crash_set(&c), PRAM_OK);
    }
    cut_sweep(&map_v1, &map_v2, 0, PRAM_REGION_RELAYOUT, &b);
    memset(bkpsram, 0, sizeof bkpsram);
    (void)pram_region_boot(&map_v1, cs, bs);
    assert_int_equal(m_boot_set(&b), PRAM_OK);
    assert_int_equal(pram_buf_append(&m_log, "old", 3), PRAM_OK);
    cut_sweep(&map_v1, &map_v1, 1, PRAM_REGION_CLEARED, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_boot_counter_in_four_registers),
        cmocka_unit_test(test_boot_counter_power_cuts),
        cmocka_unit_test(test_halfword_registers_with_stride),
        cmocka_unit_test(test_byte_registers),
        cmocka_unit_test(test_buffer_in_word_registers),
        cmocka_unit_test(test_edit_refused_in_word_registers),
        cmocka_unit_test(test_region_cold_warm_relayout_cleared),
        cmocka_unit_test(test_region_map_errors),
        cmocka_unit_test(test_region_power_cuts),
        cmocka_unit_test(test_ring_in_word_registers),
        cmocka_unit_test(test_region_map_with_ring),
    };
    return cmocka_run_group_tests_name("regions", tests, NULL, NULL);
}
