/* Record buffers across resets: reboots with fresh handles, garbage and
 * foreign storage, corrupted records, and power cut at every store of
 * append (linear and ring: dropping, wrapping), streamed records, clear (a
 * clear cut after its mark is finished by the next open) and open's format
 * (tests/support: pram_test_cut_at/tear); a control block that falls back
 * to its older slot after a cut clear, and after a cut dropping append
 * (the documented exception, design.md section 5).
 *
 * Expectations come from the documented layout and commit order
 * (docs/design.md, section 4), never from a run: record CRCs use a bitwise
 * CRC-16/CCITT-FALSE written for the tests, the control block is decoded
 * independently, and the records a buffer must hold come from a model that
 * places them by the documented rule.  The buffer model and helpers are
 * shared with test_buf.c (tests/support/buf_model.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "pram/pram.h"
#include "buf_model.h"
#include "power_cut.h"
#include "ref_crc.h"
#include "test_support.h"

/* ---- Storage and the power-cut device -------------------------------------- */

#define CAP 256u
static uint32_t st[PRAM_BUF_STORAGE_SIZE(CAP) / 4u];
static uint32_t st_big[PRAM_BUF_STORAGE_SIZE(8192u) / 4u];
static uint32_t reg_mem[512];
static pram_region_t reg;
static uint8_t img[sizeof st_big];
static uint8_t cutbuf[MAXREC];
static tb_t tb;
static model_t model, base_model, after_model;

static const unsigned tears[] = {0x0u, 0x1u, 0x3u, 0x7u, 0xEu};
#define NTEARS (sizeof tears / sizeof tears[0])

/* Stores of an A/B set of the control cell (design.md): C1 target magic
 * <- 0, C2-C4 value, C5 layout, C6 seal, C7 magic (the commit), C8 retire. */
#define CTL_STORES 8u
#define CTL_COMMIT 7u

static void save_img(void) { memcpy(img, tb.base, tb.phys_len); }
static void load_img(void) { memcpy(tb.base, img, tb.phys_len); }
static size_t phys_of(const tb_t *t, uint32_t L) { return (size_t)(tb_byte(t, L) - t->base); }

/* What an interrupted commit store (the commit word: ~seq before it, seq
 * after) holds: bytes whose tear bit is set are new, the others still
 * ~seq; tear 0 = whole. */
static uint32_t torn_commit(uint32_t seq, unsigned tear)
{
    uint32_t w = ~seq;
    int i;
    if (tear == 0u)
        return seq;
    for (i = 0; i < 4; i++)
        if (tear & (1u << i))
            w = (w & ~(0xFFu << (8 * i))) | (seq & (0xFFu << (8 * i)));
    return w;
}

static volatile int op_rc;
static uint32_t op_len;

/* Operations for run_cut (power_cut.h); they work on tb. */
static void op_append(void *unused)
{
    (void)unused;
    op_rc = pram_buf_append(&tb.h, cutbuf, op_len);
}
static void op_clear(void *unused)
{
    (void)unused;
    op_rc = pram_buf_clear(&tb.h);
}
static void op_open(void *unused)
{
    (void)unused;
    op_rc = pram_buf_open(&tb.h);
}

static int setup(void **state)
{
    (void)state;
    memset(st, 0xA5, sizeof st);
    memset(st_big, 0x5A, sizeof st_big);
    memset(reg_mem, 0xC3, sizeof reg_mem);
    memset(&model, 0, sizeof model);
    memset(&base_model, 0, sizeof base_model);
    pram_test_cut_at = 0;
    pram_test_tear = 0;
    pram_test_boot = NULL;
    return 0;
}

/* tb over st (CAP), in `mode`, opened cold, model fresh. */
static void open_st(uint8_t mode, uint32_t cap)
{
    memset(st, 0xA5, sizeof st);
    tb_at(&tb, st, PRAM_BUF_STORAGE_SIZE(cap), 1);
    tb_mode(&tb, mode);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    model_init(&model, &tb);
}

/* ---- Reboots ---------------------------------------------------------------- */

/* Random appends, clears and reboots; after every reboot a fresh handle must
 * find exactly the records committed since the last clear. */
static void reboot_recovers_records(void **state)
{
    uint64_t s = 12345;
    uint32_t step;
    (void)state;
    open_st(PRAM_BUF_LINEAR, CAP);
    for (step = 0; step < 4000; step++) {
        uint32_t r = (uint32_t)(test_rand(&s) % 100u);
        if (r < 70u) {
            uint32_t len = (uint32_t)(test_rand(&s) % 40u);
            if (r < 7u)
                len = (uint32_t)(test_rand(&s) % 200u);
            if (model_try_append(&tb, &model, len, step) == PRAM_ERR_NO_SPACE)
                model_do_clear(&tb, &model);
        } else if (r < 74u) {
            model_do_clear(&tb, &model);
        } else {
            reboot_check(&tb, &model);
        }
        assert_int_equal(pram_buf_count(&tb.h), (int)model.n);
    }
    reboot_check(&tb, &model);
    check_raw(&tb, &model);
    /* Whatever the handle held before (RAM after a reset), open rebuilds it. */
    memset(&tb.h, 0x5A, sizeof tb.h);
    tb.h.def = &tb.def;
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_INTACT);
    check_model(&tb, &model);
    /* Two handles opened on the same storage see the same records. */
    {
        pram_buf_t other = PRAM_BUF_INIT(&tb.def);
        pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
        pram_record_t rec;
        uint32_t i;
        assert_int_equal(pram_buf_open(&other), PRAM_BUF_INTACT);
        assert_int_equal(pram_buf_count(&other), (int)model.n);
        for (i = 0; i < model.n; i++) {
            assert_int_equal(pram_buf_next(&other, &it, &rec), 1);
            assert_int_equal(rec.seq, model.seq[i]);
        }
        assert_int_equal(pram_buf_next(&other, &it, &rec), 0);
    }
}

/* The same for rings, with streamed records (some interrupted by the
 * reboot: absent) and records of every size class. */
static void ring_reboot_recovers_records(void **state)
{
    static const uint32_t caps[] = {64u, 100u, 256u};
    uint32_t c, step;
    (void)state;
    for (c = 0; c < sizeof caps / sizeof caps[0]; c++) {
        uint64_t s = 777u + c;
        open_st(PRAM_BUF_RING, caps[c]);
        for (step = 0; step < 1500; step++) {
            uint32_t r = (uint32_t)(test_rand(&s) % 100u);
            uint32_t len = (uint32_t)(test_rand(&s) % (caps[c] / 2u));
            if (r < 45u) {
                model_append(&tb, &model, len, step);
            } else if (r < 75u) {
                model_stream(&tb, &model, len, step, 1u + (uint32_t)(test_rand(&s) % 9u));
            } else if (r < 85u) {
                assert_int_equal(model_begin(&tb, &model, step), PRAM_OK);
                assert_int_equal(model_write(&tb, &model, len), PRAM_OK);
                reboot_check(&tb, &model); /* a reset mid-record: absent */
            } else if (r < 88u) {
                model_do_clear(&tb, &model);
            } else {
                reboot_check(&tb, &model);
            }
            assert_int_equal(pram_buf_count(&tb.h), (int)model.n);
            if (step % 16u == 0u)
                check_raw(&tb, &model);
        }
        reboot_check(&tb, &model);
        check_raw(&tb, &model);
        assert_true(model.drops > 100u && model.wraps > 50u && model.moves > 0u);
    }
}

static void expect_cold_empty(tb_t *t)
{
    uint32_t i;
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t rec;
    assert_int_equal(tb_boot(t), PRAM_BUF_COLD);
    assert_int_equal(pram_buf_count(&t->h), 0);
    assert_int_equal(pram_buf_next(&t->h, &it, &rec), 0);
    assert_int_equal(pram_buf_prev(&t->h, &it, &rec), 0);
    assert_int_equal(pram_buf_space(&t->h), (int)exp_space(tb_data_size(t), 0));
    control_is(t, 0, 0);
    for (i = 0; i < tb_data_size(t); i += 4u)
        assert_int_equal(tb_word(t, CTL + i), 0);
}

/* Zeroed, 0xFF-filled and random storage: COLD, no records, then it works. */
static void garbage_storage_is_cold(void **state)
{
    uint64_t seed;
    uint32_t k;
    (void)state;
    tb_at(&tb, st, sizeof st, 1);
    memset(st, 0, sizeof st);
    expect_cold_empty(&tb);
    memset(st, 0xFF, sizeof st);
    expect_cold_empty(&tb);
    for (seed = 1; seed <= 4000; seed++) {
        uint64_t s = seed;
        tb_mode(&tb, seed & 1u ? PRAM_BUF_RING : PRAM_BUF_LINEAR);
        test_fill_random(st, sizeof st, &s);
        expect_cold_empty(&tb);
        if (seed % 8u == 0u) {
            model_init(&model, &tb);
            model_append(&tb, &model, (uint32_t)(seed % 30u), (uint32_t)seed);
            reboot_check(&tb, &model);
            check_raw(&tb, &model);
        }
    }
    /* Other capacities, including the smallest (8-byte data area). */
    for (k = 0; k < 200; k++) {
        uint64_t s = 1000u + k;
        uint32_t size = 56u + 4u * (uint32_t)(test_rand(&s) % 2000u);
        test_fill_random(st_big, sizeof st_big, &s);
        tb_at(&tb, st_big, size, (uint16_t)k);
        tb_mode(&tb, k & 1u ? PRAM_BUF_RING : PRAM_BUF_LINEAR);
        expect_cold_empty(&tb);
    }
}

/* A valid control block (any head, any sequence number) over garbage:
 * INTACT, the walk stays in bounds (ASan) and finds nothing; the next
 * record goes to the head (or to 0 if it does not fit there). */
static void valid_control_over_garbage(void **state)
{
    uint64_t seed;
    (void)state;
    for (seed = 1; seed <= 1500; seed++) {
        uint64_t s = seed * 7919u;
        uint32_t head_seq = (uint32_t)test_rand(&s);
        uint32_t head = 4u * (uint32_t)(test_rand(&s) % (CAP / 4u + 1u));
        tb_at(&tb, st, sizeof st, 1);
        tb_mode(&tb, seed & 1u ? PRAM_BUF_RING : PRAM_BUF_LINEAR);
        assert_int_equal(tb_boot(&tb), seed == 1 ? PRAM_BUF_COLD : PRAM_BUF_INTACT);
        craft_control(&tb, CAP, head, head_seq, 1);
        test_fill_random((uint8_t *)st + CTL, CAP, &s);
        assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
        control_is(&tb, head, head_seq);
        model_init(&model, &tb);
        model.tail = head;
        model.next_seq = head_seq;
        check_model(&tb, &model);
        model_append(&tb, &model, 6u + (uint32_t)(seed % 40u), (uint32_t)seed);
        assert_int_equal(model.pos[0], head + rec_space(model.len[0]) <= CAP ? head : 0u);
        reboot_check(&tb, &model);
        check_raw(&tb, &model);
    }
}

/* Records written by hand from the documented layout are recovered; ones
 * that do not check end the walk: a commit word other than the next
 * sequence number (torn, in progress, another number), a CRC computed with
 * another register start, a length out of bounds or over
 * PRAM_RECORD_MAX_SIZE. */
static void write_record(const tb_t *t, uint32_t at, uint32_t commit, uint32_t len,
                         uint32_t crc_seq, uint32_t crc_len, const uint8_t *p)
{
    uint32_t i;
    tb_set_word(t, CTL + at, commit);
    tb_set_word(t, CTL + at + 4u, len | ((uint32_t)ref_record_crc(crc_seq, crc_len, p) << 16));
    for (i = 0; i < round4(crc_len); i++)
        *tb_byte(t, CTL + at + 8u + i) = i < crc_len ? p[i] : 0u;
}

static uint8_t hand[MAXREC + 8u];

/* m gains the hand-written record (pos, len, tag) with its next number. */
static void hand_record(model_t *m, uint32_t pos, uint32_t len, uint32_t tag)
{
    gen_payload(tag, len, hand);
    write_record(&tb, pos, m->next_seq, len, m->next_seq, len, hand);
    model_add(m, pos, len, tag);
}

static void handmade_case(void *storage)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t rec;
    uint32_t last, w, t;
    tb_at(&tb, storage, PRAM_BUF_STORAGE_SIZE(CAP), 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    model_init(&model, &tb);
    hand_record(&model, 0, 5, 1);
    reboot_check(&tb, &model);
    /* The CRC register started for another number (2, not 1): not a record;
     * it is one of the next numbers with a fitting length, so open's scrub
     * erases it. */
    gen_payload(2, 8, hand);
    write_record(&tb, 16, 1, 8, 2, 8, hand);
    reboot_check(&tb, &model);
    assert_int_equal(tb_word(&tb, CTL + 16u), 0u);
    /* Only the low 16 bits seed the register: a CRC started for 0x10001 is
     * the one of 1, and the commit word alone tells the numbers apart. */
    write_record(&tb, 16, 1, 8, 0x10001u, 8, hand);
    model_add(&model, 16, 8, 2);
    reboot_check(&tb, &model);
    gen_payload(3, 4, hand);
    write_record(&tb, 32, 0x10002u, 4, 2, 4, hand);
    reboot_check(&tb, &model);
    /* A torn or unfinished commit word (every byte of ~seq differs from
     * seq's): never a record. */
    for (t = 0; t < 15u; t++) {
        write_record(&tb, 32, t ? torn_commit(2, t) : ~2u, 4, 2, 4, hand);
        reboot_check(&tb, &model);
    }
    /* A gap in the numbers (3 where 2 is due). */
    write_record(&tb, 32, 3, 4, 3, 4, hand);
    reboot_check(&tb, &model);
    /* Length 0xFFFF. */
    write_record(&tb, 32, 2, 0xFFFFu, 2, 0, hand);
    reboot_check(&tb, &model);
    /* A length running 4 bytes past the area, with the CRC right for the
     * payload in the area followed by 4 zero bytes (what lies beyond in the
     * st_big case): only the bound rejects it. */
    last = CAP - 32u - 8u + 4u;
    gen_payload(3, last, hand);
    hand[last - 4u] = hand[last - 3u] = hand[last - 2u] = hand[last - 1u] = 0;
    tb_set_word(&tb, CTL + 32u, 2u);
    w = last | ((uint32_t)ref_record_crc(2, last, hand) << 16);
    tb_set_word(&tb, CTL + 36u, w);
    memcpy(tb_byte(&tb, CTL + 40u), hand, last - 4u);
    reboot_check(&tb, &model);
    /* Exactly filling the rest of the area: recovered, no space left. */
    hand_record(&model, 32, last - 4u, 3);
    reboot_check(&tb, &model);
    assert_int_equal(pram_buf_space(&tb.h), PRAM_ERR_NO_SPACE);
    assert_int_equal(pram_buf_next(&tb.h, &it, &rec), 1);
    check_raw(&tb, &model);
}

/* Wrapped chains written by hand (a ring's layout): the walk goes on at
 * offset 0 once, when the record after the newest does not check where it
 * is; an empty chain does not wrap. */
static void handmade_wrap(void)
{
    uint32_t mode, t;
    for (mode = PRAM_BUF_LINEAR; mode <= PRAM_BUF_RING; mode++) {
        memset(st, 0xA5, sizeof st);
        tb_at(&tb, st, sizeof st, 1);
        tb_mode(&tb, (uint8_t)mode);
        assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
        craft_control(&tb, CAP, 200, 10, 1);
        model_init(&model, &tb);
        model.tail = 200;
        model.next_seq = 10;
        hand_record(&model, 200, 20, 1); /* 200..228 */
        hand_record(&model, 228, 20, 2); /* 228..256: exactly to the end */
        hand_record(&model, 0, 8, 3);    /* wrapped */
        hand_record(&model, 16, 1, 4);
        reboot_check(&tb, &model);
        check_raw(&tb, &model);
        /* Appends go on after the newest, up to the oldest; a linear buffer
         * then refuses, a ring drops. */
        for (t = 0; t < 12u; t++)
            (void)model_try_append(&tb, &model, 20, 100u + t);
        assert_true(mode == PRAM_BUF_RING ? model.drops > 0u : model.n == 4u + 6u);
        reboot_check(&tb, &model);
        check_raw(&tb, &model);

        /* A gap at the end: the newest before the wrap ends at 248. */
        craft_control(&tb, CAP, 200, 50, 1);
        model_init(&model, &tb);
        model.tail = 200;
        model.next_seq = 50;
        hand_record(&model, 200, 20, 5);
        hand_record(&model, 228, 12, 6); /* 228..248, 8 bytes left */
        hand_record(&model, 0, 30, 7);
        reboot_check(&tb, &model);
        /* The record at 0 does not chain if the one before it does not. */
        *tb_byte(&tb, CTL + 228u + 9u) ^= 0x20u;
        model_truncate(&model, 1);
        reboot_check(&tb, &model);
        /* An empty chain (the head's record broken) does not wrap either. */
        craft_control(&tb, CAP, 200, 60, 1);
        model_init(&model, &tb);
        model.tail = 200;
        model.next_seq = 60;
        gen_payload(8, 4, hand);
        write_record(&tb, 0, 60, 4, 60, 4, hand);
        reboot_check(&tb, &model);
        assert_int_equal(tb_word(&tb, CTL), 0u); /* one of the next numbers: scrubbed */
    }
}

static void handmade_records(void **state)
{
    (void)state;
    handmade_case(st); /* exactly sized: ASan sees any read past it */
    memset(st_big, 0, sizeof st_big);
    handmade_case(st_big); /* zeros after the area */
    handmade_wrap();

    /* Over PRAM_RECORD_MAX_SIZE in an area big enough for it: rejected. */
    memset(st_big, 0x5A, sizeof st_big);
    tb_at(&tb, st_big, sizeof st_big, 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    model_init(&model, &tb);
    gen_payload(4, MAXREC + 4u, hand);
    write_record(&tb, 0, 0, MAXREC + 4u, 0, MAXREC + 4u, hand);
    reboot_check(&tb, &model);
    hand_record(&model, 0, MAXREC, 4);
    reboot_check(&tb, &model);
}

/* Control blocks of another schema or capacity: REFORMED, nothing old;
 * a head that is not a 4-aligned offset in the area: COLD. */
static void foreign_control_is_reformed(void **state)
{
    static const uint32_t bad_sizes[] = {CAP - 4u, CAP + 4u, 0u, 8u, 0xFFFFFFFFu, CAP * 2u};
    static const uint32_t bad_heads[] = {2u, 1u, CAP + 4u, 0xFFFFFFFCu, CAP - 1u};
    uint32_t i;
    (void)state;
    /* Another schema. */
    tb_at(&tb, st, sizeof st, 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    model_init(&model, &tb);
    for (i = 0; i < 4; i++)
        model_append(&tb, &model, 10, i);
    tb_at(&tb, st, sizeof st, 2);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_REFORMED);
    model_init(&model, &tb);
    check_model(&tb, &model);
    control_is(&tb, 0, 0);
    for (i = 0; i < CAP; i += 4u)
        assert_int_equal(tb_word(&tb, CTL + i), 0);
    reboot_check(&tb, &model);
    model_append(&tb, &model, 10, 50);
    reboot_check(&tb, &model);
    tb_at(&tb, st, sizeof st, 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_REFORMED);
    model_init(&model, &tb);
    check_model(&tb, &model);
    reboot_check(&tb, &model);

    /* Another capacity, smaller then larger, on the same storage. */
    tb_at(&tb, st_big, PRAM_BUF_STORAGE_SIZE(1024u), 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    model_init(&model, &tb);
    for (i = 0; i < 20; i++)
        model_append(&tb, &model, 30, i);
    tb_at(&tb, st_big, PRAM_BUF_STORAGE_SIZE(512u), 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_REFORMED);
    model_init(&model, &tb);
    check_model(&tb, &model);
    reboot_check(&tb, &model);
    tb_at(&tb, st_big, PRAM_BUF_STORAGE_SIZE(1024u), 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_REFORMED);
    model_init(&model, &tb);
    check_model(&tb, &model);
    for (i = 0; i < 20; i++)
        model_append(&tb, &model, 30, 100 + i);
    tb_at(&tb, st_big, PRAM_BUF_STORAGE_SIZE(2048u), 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_REFORMED);
    model_init(&model, &tb);
    check_model(&tb, &model);
    control_is(&tb, 0, 0);
    for (i = 0; i < 2048u; i += 4u)
        assert_int_equal(tb_word(&tb, CTL + i), 0);

    /* Crafted control values: our schema, another data size. */
    for (i = 0; i < sizeof bad_sizes / sizeof bad_sizes[0]; i++) {
        memset(st, 0xA5, sizeof st);
        tb_at(&tb, st, sizeof st, 3);
        assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
        model_init(&model, &tb);
        model_append(&tb, &model, 4, i);
        craft_control(&tb, bad_sizes[i], 0, 0, 3);
        assert_int_equal(tb_boot(&tb), PRAM_BUF_REFORMED);
        model_init(&model, &tb);
        check_model(&tb, &model);
        check_raw(&tb, &model);
        model_append(&tb, &model, 4, 10 + i);
        reboot_check(&tb, &model);
    }
    /* Another schema written as a control value (0xFFFF, 0). */
    craft_control(&tb, CAP, 0, 0, 0xFFFFu);
    assert_int_equal(tb_boot(&tb), PRAM_BUF_REFORMED);
    model_init(&model, &tb);
    check_model(&tb, &model);
    model_append(&tb, &model, 4, 20);
    craft_control(&tb, CAP, 0, 0, 0u);
    assert_int_equal(tb_boot(&tb), PRAM_BUF_REFORMED);
    model_init(&model, &tb);
    check_model(&tb, &model);
    /* A head that is misaligned or outside the area: COLD, formatted. */
    for (i = 0; i < sizeof bad_heads / sizeof bad_heads[0]; i++) {
        model_append(&tb, &model, 4, 21 + i);
        craft_control(&tb, CAP, bad_heads[i], 7, 3);
        assert_int_equal(tb_boot(&tb), PRAM_BUF_COLD);
        model_init(&model, &tb);
        check_model(&tb, &model);
        check_raw(&tb, &model);
    }
    /* The end of the area is a valid head (an empty buffer whose next
     * record did not fit there): the next record goes to 0. */
    craft_control(&tb, CAP, CAP, 9, 3);
    assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
    model_init(&model, &tb);
    model.tail = CAP;
    model.next_seq = 9;
    check_raw(&tb, &model);
    model_append(&tb, &model, 4, 30);
    assert_int_equal(model.pos[0], 0);
    check_raw(&tb, &model);
    reboot_check(&tb, &model);
}

/* ---- Corruption ---------------------------------------------------------- */

static const uint32_t mid_lens[] = {5, 12, 0, 9, 16, 3, 20};
#define NMID (sizeof mid_lens / sizeof mid_lens[0])

/* One corrupted byte (header or payload) of record v: the walk stops
 * there, records before it are exact, nothing after it is reported; an
 * append then goes where record v was, with its number.  Except when the
 * damage turns the oldest record's commit word into the clear mark (its
 * seq ^ CLEAR_MARK, bit 31 flipped): an empty chain with the mark at the
 * head is what a clear cut after its first store leaves, and open finishes
 * that clear (model_cut_clear). */
static unsigned corrupt_marks;

static void corrupt_one(uint32_t v, uint32_t newlen)
{
    static const uint8_t masks[] = {0x01, 0x80, 0xFF};
    uint32_t b, mi;
    for (b = 0; b < 8u + base_model.len[v]; b++) {
        for (mi = 0; mi < sizeof masks; mi++) {
            load_img();
            *tb_byte(&tb, CTL + base_model.pos[v] + b) ^= masks[mi];
            model_copy(&model, &base_model);
            if (v == 0u &&
                tb_word(&tb, CTL + base_model.pos[0]) == (base_model.seq[0] ^ CLEAR_MARK)) {
                model_cut_clear(&model);
                corrupt_marks++;
            } else {
                model_truncate(&model, v);
            }
            reboot_check(&tb, &model);
            model_append(&tb, &model, newlen, 900u + v);
            reboot_check(&tb, &model);
            check_raw(&tb, &model);
        }
    }
}

static void corrupt_record_stops_walk(void **state)
{
    uint32_t v, i;
    (void)state;
    corrupt_marks = 0;
    open_st(PRAM_BUF_LINEAR, CAP);
    for (i = 0; i < NMID; i++)
        model_append(&tb, &model, mid_lens[i], 10u + i);
    model_copy(&base_model, &model);
    save_img();
    for (v = 0; v < NMID; v++) {
        /* A new record size that does not end on any old record boundary. */
        uint32_t newlen = 1, sum, j;
        for (;;) {
            int hit = 0;
            for (j = v, sum = 0; j < NMID; j++) {
                sum += rec_space(mid_lens[j]);
                hit |= sum == rec_space(newlen);
            }
            if (!hit)
                break;
            newlen += 4u;
        }
        corrupt_one(v, newlen);
    }
    /* A ring that has wrapped (records on both sides of offset 0). */
    open_st(PRAM_BUF_RING, 100u);
    for (i = 0; model.wraps < 2u || model.pos[0] < 40u; i++)
        model_append(&tb, &model, mid_lens[i % NMID] + i % 3u, 40u + i);
    model_copy(&base_model, &model);
    save_img();
    assert_true(base_model.pos[base_model.n - 1u] < base_model.pos[0]);
    for (v = 0; v < base_model.n; v++)
        corrupt_one(v, 6);
    /* Bit 31 of record 0's commit word was flipped once per buffer. */
    assert_int_equal(corrupt_marks, 2u);
}

/* After the walk stopped at a corrupted record, appends re-use its place.
 * Records past it were not reported at that boot and must never come back,
 * out of order, behind the new record, when an append happens to end exactly
 * where one of them starts (fixed-size log lines make that the usual case). */
static void corrupt_record_stays_lost_after_append(void **state)
{
    uint32_t i;
    (void)state;
    open_st(PRAM_BUF_LINEAR, CAP);
    for (i = 0; i < 6; i++)
        model_append(&tb, &model, 16, i);
    *tb_byte(&tb, CTL + 2u * 24u + 8u + 3u) ^= 0x40u; /* payload of record 2 */
    model_truncate(&model, 2);
    reboot_check(&tb, &model);
    model_append(&tb, &model, 16, 100); /* same size as the lost record */
    reboot_check(&tb, &model);
    model_append(&tb, &model, 16, 101);
    reboot_check(&tb, &model);
    check_raw(&tb, &model);
}

/* ---- Power cuts ------------------------------------------------------------ */

static uint8_t pre[sizeof st_big];

/* Open's scrub, from the documented rule (design.md, open step 3): if a
 * 4-aligned word outside the chain of m is one of the next D/4 sequence
 * numbers followed by a length that fits (and, for length 0, the empty
 * record's CRC), everything outside the chain is
 * zeroed.  Checks the data area against `before` (the image the open
 * started from) accordingly. */
static int outside_chain(const model_t *m, uint32_t at)
{
    uint32_t i;
    for (i = 0; i < m->n; i++)
        if (at >= m->pos[i] && at < m->pos[i] + rec_space(m->len[i]))
            return 0;
    return 1;
}

static void check_scrub(const tb_t *t, const model_t *m, const uint8_t *before)
{
    uint32_t at, D = tb_data_size(t), scrub = 0, L;
    for (at = 0; at + 8u <= D && !scrub; at += 4u) {
        uint32_t w, n;
        uint8_t b[4];
        int i;
        if (!outside_chain(m, at))
            continue;
        for (i = 0; i < 4; i++)
            b[i] = before[phys_of(t, CTL + at + (uint32_t)i)];
        memcpy(&w, b, 4);
        for (i = 0; i < 4; i++)
            b[i] = before[phys_of(t, CTL + at + 4u + (uint32_t)i)];
        memcpy(&n, b, 4);
        /* An empty record (length 0) must also carry its CRC, the register
         * start 0xFFFF ^ (seq & 0xFFFF): zeroed words never look like one. */
        scrub = w - m->next_seq < D / 4u &&
                ((n & 0xFFFFu) == 0u ? (n >> 16) == (0xFFFFu ^ (w & 0xFFFFu))
                                     : (n & 0xFFFFu) <= MAXREC && rec_space(n & 0xFFFFu) <= D - at);
    }
    for (L = 0; L < D; L++)
        if (outside_chain(m, L & ~3u))
            assert_int_equal(*tb_byte(t, CTL + L), scrub ? 0u : before[phys_of(t, CTL + L)]);
}

/* Boots tb after a cut that left `pre`: the records must be exactly e's,
 * in storage too, and the rest of the area what the scrub rule says. */
static void boot_expect(model_t *e)
{
    reboot_check(&tb, e);
    check_raw(&tb, e);
    check_scrub(&tb, e, pre);
}

/* Bytes the cut operation may have written: [a, e) of the storage, and the
 * control block if ctl; everything else must still be img's. */
static void only_changed(uint32_t a, uint32_t e, int ctl)
{
    uint32_t L;
    for (L = 0; L < tb.def.size; L++)
        if ((L < a || L >= e) && (!ctl || L >= CTL))
            assert_int_equal(pre[phys_of(&tb, L)], img[phys_of(&tb, L)]);
}

/* Cuts an append of len at every store, whole and torn, from img (holding
 * base_model).  Documented order (design.md, append): [control set if the
 * head moves: 8 stores, commit at the 7th], commit word <- ~seq, payload
 * words, len|crc, commit word <- seq.  So: before the control commit (or
 * with it torn) every record is there, the ones to drop included; from it
 * the dropped ones are all gone; the new record exists only once its
 * commit word landed whole. */
static unsigned cut_runs;

static void append_cut_sweep(uint32_t len, uint32_t tag)
{
    static model_t mid;
    uint32_t nstores, ti, rec_at, seq;
    int ctl;
    model_copy(&after_model, &base_model);
    if (model_expect_append(&after_model, len, tag) != PRAM_OK)
        return;
    seq = after_model.seq[after_model.n - 1u];
    model_copy(&mid, &after_model);
    model_truncate(&mid, after_model.n - 1u);
    ctl = model_head(&after_model) != model_head(&base_model) ||
          model_head_seq(&after_model) != model_head_seq(&base_model);
    nstores = (ctl ? CTL_STORES : 0u) + 3u + (len + 3u) / 4u;
    rec_at = CTL + after_model.pos[after_model.n - 1u];
    gen_payload(tag, len, cutbuf);
    for (ti = 0; ti < NTEARS; ti++) {
        uint32_t cut;
        for (cut = 1; cut <= nstores + 1u; cut++) {
            int was_cut;
            model_t *e;
            load_img();
            assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
            op_len = len;
            was_cut = run_cut(op_append, NULL, cut, tears[ti]);
            cut_runs++;
            memcpy(pre, tb.base, tb.phys_len);
            assert_int_equal(was_cut, cut <= nstores);
            if (!was_cut)
                assert_int_equal(op_rc, PRAM_OK);
            only_changed(rec_at, rec_at + rec_space(len), ctl);
            if (ctl && (cut < CTL_COMMIT || (cut == CTL_COMMIT && tears[ti])))
                e = &base_model;
            else if (cut > nstores || (cut == nstores && torn_commit(seq, tears[ti]) == seq))
                e = &after_model;
            else
                e = &mid;
            model_copy(&model, e);
            boot_expect(&model);
            /* The next append works. */
            (void)model_try_append(&tb, &model, 2, 2000u + cut);
            reboot_check(&tb, &model);
        }
    }
}

/* Builds a starting state, saves it as img/base_model; returns the lengths
 * to cut (0xFFFFFFFF: the largest that fits without dropping). */
static void append_setting(int which)
{
    uint32_t i;
    memset(st, 0xA5, sizeof st);
    memset(reg_mem, 0xC3, sizeof reg_mem);
    switch (which) {
    case 0: /* fresh */
        open_st(PRAM_BUF_LINEAR, CAP);
        model_append(&tb, &model, 5, 1);
        model_append(&tb, &model, 0, 2);
        model_append(&tb, &model, 12, 3);
        break;
    case 1: /* after a clear: stale payload bytes at the tail */
        open_st(PRAM_BUF_LINEAR, CAP);
        for (i = 0; i < 8; i++)
            model_append(&tb, &model, 20, i);
        model_do_clear(&tb, &model);
        model_append(&tb, &model, 3, 20);
        model_append(&tb, &model, 3, 21);
        break;
    case 2: /* sequence numbers of four different bytes; an old record's
               commit word at the tail */
        open_st(PRAM_BUF_LINEAR, CAP);
        craft_control(&tb, CAP, 0, 0x01020303u, 1);
        assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
        model.next_seq = 0x01020303u;
        for (i = 0; i < 8; i++)
            model_append(&tb, &model, 12, i);
        model_do_clear(&tb, &model);
        model_append(&tb, &model, 12, 30);
        assert_int_equal(tb_word(&tb, CTL + 20u), 0x01020304u);
        break;
    case 3: /* 32-bit registers every 8 bytes */
        reg = test_region(reg_mem, 1024, 4, 8);
        tb_in(&tb, &reg, 16, PRAM_BUF_STORAGE_SIZE(128u), 1, sizeof reg_mem);
        assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
        model_init(&model, &tb);
        model_append(&tb, &model, 7, 40);
        model_append(&tb, &model, 1, 41);
        break;
    case 4: /* byte registers, small */
        reg = test_region(reg_mem, 2048, 1, 0);
        tb_in(&tb, &reg, 0, PRAM_BUF_STORAGE_SIZE(64u), 1, sizeof reg_mem);
        assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
        model_init(&model, &tb);
        model_append(&tb, &model, 0, 50);
        break;
    case 5: /* a full ring of 24-byte records (appends drop 1 or many) */
        open_st(PRAM_BUF_RING, 100u);
        for (i = 0; i < 9; i++)
            model_append(&tb, &model, 16, 60u + i);
        break;
    case 6: /* a ring with its newest record near the end: appends wrap */
        open_st(PRAM_BUF_RING, 64u);
        for (i = 0; i < 7; i++)
            model_append(&tb, &model, 4u + 4u * (i % 2u), 70u + i);
        break;
    case 7: /* a wrapped ring in 16-bit registers every 4 bytes */
        reg = test_region(reg_mem, 1024, 2, 4);
        tb_in(&tb, &reg, 8, PRAM_BUF_STORAGE_SIZE(96u), 1, sizeof reg_mem);
        tb_mode(&tb, PRAM_BUF_RING);
        assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
        model_init(&model, &tb);
        for (i = 0; model.wraps == 0u; i++)
            model_append(&tb, &model, 9u + i, 80u + i);
        break;
    default: /* an empty ring whose next spot is near the end */
        open_st(PRAM_BUF_RING, 64u);
        craft_control(&tb, 64u, 56u, 0xFFFFFFFEu, 1);
        assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
        model.tail = 56u;
        model.next_seq = 0xFFFFFFFEu;
        break;
    }
    model_copy(&base_model, &model);
    check_raw(&tb, &base_model);
    save_img();
}

static void power_cut_during_append(void **state)
{
    static const uint32_t lens[] = {0, 1, 3, 4, 5, 16, 33, 44, 0xFFFFFFFFu /* exact fit */};
    int which;
    (void)state;
    for (which = 0; which < 9; which++) {
        uint32_t li;
        append_setting(which);
        for (li = 0; li < sizeof lens / sizeof lens[0]; li++) {
            uint32_t len = lens[li];
            if (len == 0xFFFFFFFFu) {
                int sp = model_space(&base_model);
                len = base_model.ring ? base_model.D - 8u : (uint32_t)(sp < 0 ? 0 : sp);
            }
            append_cut_sweep(len, 1000u + li);
        }
    }
    print_message("append cut runs: %u\n", cut_runs);
}

/* What a store of `nw` over `old` leaves when torn by `tear` (bit i set:
 * byte i in memory order is new; 0: whole), as the power-cut device does. */
static uint32_t torn_store(uint32_t old, uint32_t nw, unsigned tear)
{
    uint8_t o[4], n[4];
    uint32_t w;
    int i;
    if (tear == 0u)
        return nw;
    memcpy(o, &old, 4);
    memcpy(n, &nw, 4);
    for (i = 0; i < 4; i++)
        if (!(tear & (1u << i)))
            n[i] = o[i];
    memcpy(&w, n, 4);
    return w;
}

static unsigned outcomes[3]; /* clear cuts: cleared, finished by open, all kept */

/* Clear at every store (design.md, clear): [oldest record's commit word <-
 * head_seq ^ CLEAR_MARK, if it holds records], then the control set (commit
 * at its 7th store).  The mark differs from head_seq in one byte, so a torn
 * mark store reads as one or the other: the old value keeps every record;
 * the mark on an empty chain (the head's record no longer checks) is a cut
 * clear, which the next open finishes (model_cut_clear: head 0, numbers
 * skipping D/8 + 1).  From the control commit on: cleared.  None of the old
 * records come back later, not even when new records end exactly where
 * they stood. */
static void clear_cut_case(int which)
{
    static model_t finished, cleared;
    uint32_t ti, i, first_len = 12, nstores, commit;
    int records;
    memset(st, 0xA5, sizeof st);
    memset(reg_mem, 0xC3, sizeof reg_mem);
    if (which == 3) {
        reg = test_region(reg_mem, 1024, 2, 4);
        tb_in(&tb, &reg, 32, PRAM_BUF_STORAGE_SIZE(160u), 1, sizeof reg_mem);
    } else {
        tb_at(&tb, st, sizeof st, 1);
    }
    tb_mode(&tb, which == 4 || which == 5 ? PRAM_BUF_RING : PRAM_BUF_LINEAR);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    model_init(&model, &tb);
    if (which == 1 || which == 2) {
        craft_control(&tb, tb_data_size(&tb), 0, which == 1 ? 0xFEu : 0xFFFFFFFEu, 1);
        assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
        model.next_seq = which == 1 ? 0xFEu : 0xFFFFFFFEu;
    }
    if (which == 4) /* a wrapped ring: the head is not at 0 */
        for (i = 0; model.wraps == 0u || model.pos[0] == 0u; i++)
            model_append(&tb, &model, first_len + 4u * (i % 3u), i);
    else if (which != 5) /* 5: empty (its spot moved by a drop-all) */
        for (i = 0; i < 5; i++)
            model_append(&tb, &model, first_len, i);
    else {
        model_append(&tb, &model, 100, 1);
        model_append(&tb, &model, 200, 2); /* drops the first */
        model_do_clear(&tb, &model);
        model_append(&tb, &model, 8, 3);
        model_append(&tb, &model, 200, 4); /* drops it: empty spot at 0 */
        model_append(&tb, &model, 100, 5);
        model_do_clear(&tb, &model);
    }
    records = model.n > 0u;
    model_copy(&base_model, &model);
    model_copy(&finished, &model);
    if (records)
        model_cut_clear(&finished);
    model_copy(&cleared, &model);
    model_clear(&cleared);
    nstores = (records ? 1u : 0u) + CTL_STORES;
    commit = (records ? 1u : 0u) + CTL_COMMIT;
    check_raw(&tb, &base_model);
    save_img();
    for (ti = 0; ti < NTEARS; ti++) {
        uint32_t cut;
        for (cut = 1; cut <= nstores + 1u; cut++) {
            int was_cut;
            model_t *e;
            load_img();
            assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
            was_cut = run_cut(op_clear, NULL, cut, tears[ti]);
            memcpy(pre, tb.base, tb.phys_len);
            assert_int_equal(was_cut, cut <= nstores);
            if (!was_cut)
                assert_int_equal(op_rc, PRAM_OK);
            /* Only the oldest record's commit word and the control block. */
            only_changed(CTL + model_head(&base_model),
                         CTL + model_head(&base_model) + (records ? 4u : 0u), 1);
            if (cut > commit || (cut == commit && tears[ti] == 0u))
                e = &cleared;
            else if (!records)
                e = &base_model; /* no mark: nothing changed before the commit */
            else if (cut == 1u && torn_store(model_head_seq(&base_model),
                                             model_head_seq(&base_model) ^ CLEAR_MARK,
                                             tears[ti]) == model_head_seq(&base_model))
                e = &base_model; /* the mark store torn to the old value */
            else
                e = &finished;
            if (records && cut <= commit)
                assert_int_equal(tb_word(&tb, CTL + model_head(&base_model)),
                                 e == &base_model ? model_head_seq(&base_model)
                                                  : model_head_seq(&base_model) ^ CLEAR_MARK);
            outcomes[e == &cleared ? 0 : e == &finished ? 1 : 2]++;
            model_copy(&model, e);
            boot_expect(&model);
            /* Same size as old record 0: the tail is then old record 1's
             * place (its number is an old one, or it was scrubbed). */
            model_append(&tb, &model, first_len, 600);
            reboot_check(&tb, &model);
            model_append(&tb, &model, first_len, 601);
            reboot_check(&tb, &model);
            check_raw(&tb, &model);
        }
    }
}

static void power_cut_during_clear(void **state)
{
    (void)state;
    memset(outcomes, 0, sizeof outcomes);
    clear_cut_case(0); /* linear */
    clear_cut_case(1); /* numbers 0xFE..: the low byte carries */
    clear_cut_case(2); /* numbers across 2^32 */
    clear_cut_case(3); /* 16-bit registers */
    clear_cut_case(4); /* a wrapped ring */
    clear_cut_case(5); /* an empty ring (no commit-word store) */
    print_message("clear cuts: %u cleared, %u finished by open, %u kept all\n", outcomes[0],
                  outcomes[1], outcomes[2]);
    assert_true(outcomes[0] > 0u && outcomes[1] > 0u && outcomes[2] > 0u);
}

/* Open finishing a cut clear, cut at every one of its own stores (whole
 * and torn): the control set {D, head 0, old head_seq + D/8 + 1}, then the
 * scrub when something outside the chain looks like a record of the next
 * numbers (planted here, so that the scrub runs too).  Before the control
 * commit a reset leaves the mark and the old control block: the next open
 * repeats the finish with the same numbers; from the commit on the clear is
 * done.  Either way: empty, the next record at 0 with that number. */
static void finish_cut_case(int which, int plant)
{
    static model_t done;
    uint32_t ti, i, H, plant_at = 0;
    unsigned runs = 0;
    memset(st, 0xA5, sizeof st);
    memset(reg_mem, 0xC3, sizeof reg_mem);
    if (which == 2) {
        reg = test_region(reg_mem, 1024, 2, 4);
        tb_in(&tb, &reg, 32, PRAM_BUF_STORAGE_SIZE(160u), 1, sizeof reg_mem);
    } else {
        tb_at(&tb, st, sizeof st, 1);
    }
    tb_mode(&tb, which == 1 ? PRAM_BUF_RING : PRAM_BUF_LINEAR);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    model_init(&model, &tb);
    if (which == 1) /* a wrapped ring: the head is not at 0 */
        for (i = 0; model.wraps == 0u || model.pos[0] == 0u; i++)
            model_append(&tb, &model, 12u + 4u * (i % 3u), i);
    else
        for (i = 0; i < 5; i++)
            model_append(&tb, &model, 12, i);
    model_copy(&done, &model);
    model_cut_clear(&done);
    H = done.next_seq;
    assert_int_equal(H, model_head_seq(&model) + model.D / 8u + 1u);
    /* The clear, cut right after its mark. */
    assert_int_equal(run_cut(op_clear, NULL, 1u, 0u), 1);
    assert_int_equal(tb_word(&tb, CTL + model_head(&model)), model_head_seq(&model) ^ CLEAR_MARK);
    if (plant) {
        /* A header of the number the finished clear starts at, inside the
         * last old record's payload: the scrub that follows the finish
         * zeroes everything (it is outside the empty chain). */
        plant_at = model.pos[model.n - 1u] + 8u;
        tb_set_word(&tb, CTL + plant_at, H);
        tb_set_word(&tb, CTL + plant_at + 4u, 4u);
    }
    save_img();
    for (ti = 0; ti < NTEARS; ti++) {
        uint32_t cut;
        for (cut = 1;; cut++) {
            int was_cut;
            load_img();
            tb_fresh(&tb);
            was_cut = run_cut(op_open, NULL, cut, tears[ti]);
            if (!was_cut) {
                assert_int_equal(op_rc, PRAM_BUF_INTACT);
                /* the set, then (planted) the zeroing of the whole area */
                assert_true(plant ? cut > CTL_STORES + 1u : cut == CTL_STORES + 1u);
            }
            runs++;
            model_copy(&model, &done);
            reboot_check(&tb, &model);
            check_raw(&tb, &model);
            if (plant) {
                /* the planted header is gone (zeroed by this open or, if
                 * cut before, by the reboot's); finished uncut, the whole
                 * area is zero */
                assert_int_equal(tb_word(&tb, CTL + plant_at), 0u);
                for (i = 0; i < model.D && !was_cut; i += 4u)
                    assert_int_equal(tb_word(&tb, CTL + i), 0u);
            }
            model_append(&tb, &model, 12, 700u + cut);
            assert_int_equal(model.pos[0], 0u);
            assert_int_equal(model.seq[0], H);
            reboot_check(&tb, &model);
            check_raw(&tb, &model);
            if (!was_cut)
                break;
            assert_true(cut < 10000u);
        }
    }
    assert_true(runs > 5u * CTL_STORES);
}

static void power_cut_during_clear_finish(void **state)
{
    int which;
    (void)state;
    for (which = 0; which < 3; which++) {
        finish_cut_case(which, 0);
        finish_cut_case(which, 1);
    }
}

/* Issue 10, "records from before a clear can come back", first scenario: a
 * reset between a clear's control commit and its retire store leaves both
 * control slots valid; a later flipped bit in the newer one makes open fall
 * back to the older slot, whose head named the old records.  They must not
 * come back: not then, not after the next clear and appends that end
 * where they stood.  The head's commit word holds the clear mark (the
 * clear's first store), so that open sees a cut clear and finishes it
 * (model_cut_clear): numbers past every old one, which therefore never
 * chain again. */
static void cut_then_flip_case(uint8_t mode)
{
    uint32_t s_old, next, stores, slot_new, i, ds, hd, hs, old_n;
    open_st(mode, CAP);
    model_do_clear(&tb, &model);
    if (mode == PRAM_BUF_RING) /* a wrapped ring: the head is not at 0 */
        for (i = 0; model.wraps == 0u || model.pos[0] == 0u; i++)
            model_append(&tb, &model, 20u + i % 5u, 100u + i);
    else {
        model_append(&tb, &model, 5, 1); /* "rec-a" */
        model_append(&tb, &model, 5, 2); /* "rec-b" */
    }
    reboot_check(&tb, &model);
    s_old = model_head_seq(&model);
    next = model.next_seq;
    old_n = model.n;
    model_copy(&base_model, &model);
    /* The clear's stores: the commit word, then the control set, whose
     * last store is the retire.  Cut right before the retire. */
    save_img();
    stores = (uint32_t)pram_test_stores;
    assert_int_equal(pram_buf_clear(&tb.h), PRAM_OK);
    stores = (uint32_t)pram_test_stores - stores;
    assert_int_equal(stores, 1u + CTL_STORES);
    load_img();
    assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
    assert_int_equal(run_cut(op_clear, NULL, stores - 1u, 0u), 1);
    /* Both control slots hold a valid value now; the newer is the clear's. */
    assert_int_equal(tb_word(&tb, 0u), PRAM_MAGIC_CELL);
    assert_int_equal(tb_word(&tb, 24u), PRAM_MAGIC_CELL);
    assert_true(decode_control(&tb, &ds, &hd, &hs));
    assert_int_equal(hd, 0u);
    assert_int_equal(hs, next);
    slot_new = (uint32_t)control_slot(&tb) * 24u;
    assert_int_equal(tb_word(&tb, (slot_new ^ 24u) + 16u), model_head(&model));
    assert_int_equal(tb_word(&tb, (slot_new ^ 24u) + 20u), s_old);
    /* The clear's first store: the mark on the old head's commit word. */
    assert_int_equal(tb_word(&tb, CTL + model_head(&model)), s_old ^ CLEAR_MARK);
    /* A flipped bit in the newer slot's value: open falls back to the old
     * head and number ... */
    *tb_byte(&tb, slot_new + 20u) ^= 0x01u;
    assert_true(decode_control(&tb, &ds, &hd, &hs));
    assert_int_equal(hd, model_head(&model));
    assert_int_equal(hs, s_old);
    memcpy(pre, tb.base, tb.phys_len);
    /* ... finds the mark on an empty chain, and finishes the clear: none
     * of the old records are back, and the next number is past all of
     * theirs (and past the one the clear itself had committed). */
    model_cut_clear(&model);
    assert_int_equal(model.next_seq, s_old + CAP / 8u + 1u);
    assert_true(model.next_seq - s_old > old_n && model.next_seq - next < 0x80000000u);
    boot_expect(&model); /* records, control {0, next_seq}, and the scrub rule */
    /* Nor after the user's next clear, appends that end where they stood,
     * and reboots. */
    model_do_clear(&tb, &model);
    for (i = 0; i < 6; i++) {
        model_append(&tb, &model, mode == PRAM_BUF_RING ? 20u + i % 5u : 5u, 30u + i);
        reboot_check(&tb, &model);
    }
    assert_int_equal(model.seq[0], s_old + CAP / 8u + 1u);
    check_raw(&tb, &model);
}

static void clear_cut_then_flip(void **state)
{
    (void)state;
    cut_then_flip_case(PRAM_BUF_LINEAR);
    cut_then_flip_case(PRAM_BUF_RING);
}

/* The documented exception (design.md, section 5): a ring append that
 * drops records, cut between the control block's commit (7th store of its
 * A/B set) and its retire (8th), leaves both control slots valid; if the
 * newer one is damaged afterwards, open falls back to the older one and the
 * records that append was dropping may come back.  If they do, they are
 * exact and in order as the oldest records, followed by the others; if the
 * new record (or a later one) had already overwritten one of them, the
 * chain ends there and the scrub erases the rest.  Either way nothing
 * garbled and never a record that was not appended: every record held is
 * one that was appended with that number, the numbers are consecutive from
 * the head the control block names (the old one or the new one), and the
 * area outside the chain follows the scrub rule. */
static unsigned flip_back[2], flip_kept[2], flip_ended[2];

/* The record appended with sequence number seq: in a or b (a wins), -1 if
 * neither holds it; *m gets the model. */
static int appended(const model_t *a, const model_t *b, uint32_t seq, const model_t **m)
{
    uint32_t i;
    for (i = 0; i < a->n; i++)
        if (a->seq[i] == seq)
            return *m = a, (int)i;
    for (i = 0; i < b->n; i++)
        if (b->seq[i] == seq)
            return *m = b, (int)i;
    return -1;
}

/* Boots tb after the flip (memory before the boot in pre) and checks the
 * records found against what was appended (`old`: before the cut append;
 * `now`: what the newer control block holds).  Returns 1 if the dropped
 * records came back (the chain starts at old's head), 0 if the chain starts
 * at now's head; e gets the state found. */
static int flip_outcome(const model_t *old, const model_t *now, model_t *e)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    uint32_t ds = 0, hd = 0, hs = 0;
    int rc, back;
    assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
    assert_true(decode_control(&tb, &ds, &hd, &hs));
    back = hd == model_head(old) && hs == model_head_seq(old);
    if (!back) {
        assert_int_equal(hd, model_head(now));
        assert_int_equal(hs, model_head_seq(now));
    }
    model_init(e, &tb);
    e->tail = hd;
    e->next_seq = hs;
    while ((rc = pram_buf_next(&tb.h, &it, &r)) == 1) {
        const model_t *m = NULL;
        int i = appended(old, now, r.seq, &m);
        /* consecutive from the head, each exactly a record appended with
         * that number, where it was written */
        assert_int_equal(r.seq, e->next_seq);
        assert_true(i >= 0);
        assert_int_equal(r.pos, m->pos[i]);
        assert_int_equal(r.len, m->len[i]);
        if (!e->n)
            assert_int_equal(r.pos, hd);
        model_add(e, r.pos, r.len, m->tag[i]);
    }
    assert_int_equal(rc, 0);
    /* In full (payloads, both directions, read, space, the stored words),
     * and the rest of the area as the scrub rule says. */
    check_model(&tb, e);
    check_raw(&tb, e);
    check_scrub(&tb, e, pre);
    return back;
}

static void drop_cut_flip_sweep(int later)
{
    static const uint32_t lens[] = {0, 5, 16, 30, 44, 0xFFFFFFFFu};
    static model_t mid, now, e, history;
    uint32_t li, fi;
    for (li = 0; li < sizeof lens / sizeof lens[0]; li++) {
        uint32_t len = lens[li] == 0xFFFFFFFFu ? base_model.D - 8u : lens[li];
        model_copy(&after_model, &base_model);
        if (model_expect_append(&after_model, len, 4000u + li) != PRAM_OK ||
            after_model.n > base_model.n)
            continue; /* drops nothing */
        model_copy(&mid, &after_model);
        model_truncate(&mid, mid.n - 1u); /* drops committed, record absent */
        for (fi = 0; fi < 12u; fi++) {
            uint32_t slot_new, ds = 0, hd = 0, hs = 0;
            int back;
            model_copy(&now, &mid);
            gen_payload(4000u + li, len, cutbuf);
            load_img();
            assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
            op_len = len;
            assert_int_equal(run_cut(op_append, NULL, CTL_COMMIT, 0u), 1);
            /* Both slots valid; the newer names the head past the dropped
             * records, the older the old head. */
            assert_int_equal(tb_word(&tb, 0u), PRAM_MAGIC_CELL);
            assert_int_equal(tb_word(&tb, 24u), PRAM_MAGIC_CELL);
            control_is(&tb, model_head(&now), model_head_seq(&now));
            slot_new = (uint32_t)control_slot(&tb) * 24u;
            assert_int_equal(tb_word(&tb, (slot_new ^ 24u) + 16u), model_head(&base_model));
            assert_int_equal(tb_word(&tb, (slot_new ^ 24u) + 20u), model_head_seq(&base_model));
            model_copy(&history, &base_model);
            if (later) {
                /* A reboot on the newer slot (the drops stand), then the
                 * record again and more that drop nothing (a drop would
                 * commit the control block and retire the older slot):
                 * they overwrite dropped records. */
                uint32_t k;
                model_copy(&model, &now);
                reboot_check(&tb, &model);
                for (k = 0; k < 1u + fi % 3u; k++) {
                    uint32_t klen = k ? 4u + 8u * k : len, ktag = k ? 4100u + k : 4000u + li;
                    model_copy(&e, &model);
                    if (model_expect_append(&e, klen, ktag) != PRAM_OK ||
                        model_head(&e) != model_head(&model) ||
                        model_head_seq(&e) != model_head_seq(&model))
                        break;
                    model_append(&tb, &model, klen, ktag);
                }
                model_copy(&now, &model);
                assert_int_equal(tb_word(&tb, (slot_new ^ 24u)), PRAM_MAGIC_CELL);
            }
            /* A flipped bit in the newer slot's value (data size, head or
             * head_seq): open falls back to the older slot. */
            *tb_byte(&tb, slot_new + 12u + fi) ^= (uint8_t)(1u << (fi % 8u));
            assert_true(decode_control(&tb, &ds, &hd, &hs));
            assert_int_equal(hd, model_head(&base_model));
            assert_int_equal(hs, model_head_seq(&base_model));
            memcpy(pre, tb.base, tb.phys_len);
            back = flip_outcome(&history, &now, &e);
            if (back && e.n >= base_model.n) {
                /* all came back: exactly the records before the cut append,
                 * the dropped ones first, then (later) what was appended
                 * since; without later appends, nothing more */
                uint32_t i;
                for (i = 0; i < base_model.n; i++) {
                    assert_int_equal(e.seq[i], base_model.seq[i]);
                    assert_int_equal(e.pos[i], base_model.pos[i]);
                    assert_int_equal(e.tag[i], base_model.tag[i]);
                }
                if (!later)
                    assert_int_equal(e.n, base_model.n);
                flip_back[later]++;
            } else if (back) {
                /* the chain ended at a dropped record that a later record
                 * overwrote: a prefix of the dropped ones only (none
                 * overwritten without later appends) */
                assert_true(later);
                assert_true(e.n < base_model.n + 1u - after_model.n);
                flip_ended[later]++;
            } else {
                /* the drops stand: exactly what the newer slot holds */
                assert_int_equal(e.n, now.n);
                flip_kept[later]++;
            }
            /* The buffer goes on: appends and reboots. */
            model_copy(&model, &e);
            (void)model_try_append(&tb, &model, 7, 4200u + fi);
            reboot_check(&tb, &model);
            check_raw(&tb, &model);
        }
    }
}

static void ring_drop_cut_then_flip(void **state)
{
    int which, later;
    (void)state;
    memset(flip_back, 0, sizeof flip_back);
    memset(flip_kept, 0, sizeof flip_kept);
    memset(flip_ended, 0, sizeof flip_ended);
    for (later = 0; later < 2; later++)
        for (which = 5; which < 8; which++) {
            append_setting(which);
            drop_cut_flip_sweep(later);
        }
    print_message("drop cut then flip: dropped records back %u, drops kept %u; after later "
                  "appends: back %u, chain ended at an overwritten one %u, drops kept %u\n",
                  flip_back[0], flip_kept[0], flip_back[1], flip_ended[1], flip_kept[1]);
    assert_true(flip_back[0] > 0u && flip_back[1] + flip_ended[1] > 0u);
    assert_int_equal(flip_ended[0], 0u);
}

/* Issue 10, second scenario: a well-formed record with one of the next
 * sequence numbers beyond the tail (left from a clear the control block
 * fell back from, or written by something else) would become part of the
 * chain once appends reach it; open removes it first.  Placed right where
 * the next append ends, anywhere beyond the tail, in a ring's gap, and with
 * numbers a few ahead. */
static void next_seq_record_beyond_tail(void **state)
{
    uint32_t k, at;
    (void)state;
    for (k = 0; k < 12; k++) {
        uint32_t ahead = k % 4u;
        open_st(k < 8 ? PRAM_BUF_LINEAR : PRAM_BUF_RING, CAP);
        if (k >= 8) {
            /* A wrapped ring with a gap between its newest and oldest
             * records (a streamed record dropped records, then was
             * cancelled). */
            while (model.wraps == 0u || model.tail > 100u)
                model_append(&tb, &model, 12, model.next_seq);
            assert_int_equal(model_begin(&tb, &model, 5), PRAM_OK);
            assert_int_equal(model_write(&tb, &model, 110), PRAM_OK);
            model_cancel(&tb, &model);
        } else {
            model_append(&tb, &model, 12, 1);
        }
        /* Where a 12-byte append after the tail will end, or 44 bytes
         * further. */
        at = model.tail + rec_space(12) + (k % 8u >= 2u ? 44u : 0u);
        assert_true(at + rec_space(12) <= (k >= 8 && model.n ? model.pos[0] : CAP));
        gen_payload(77, 12, hand);
        write_record(&tb, at, model.next_seq + 1u + ahead, 12, model.next_seq + 1u + ahead, 12,
                     hand);
        memcpy(pre, tb.base, tb.phys_len);
        reboot_check(&tb, &model);
        check_scrub(&tb, &model, pre);
        assert_int_equal(tb_word(&tb, CTL + at), 0u); /* scrubbed */
        /* Appends reach and pass where it stood. */
        model_append(&tb, &model, 12, 2);
        reboot_check(&tb, &model);
        model_append(&tb, &model, 12, 3);
        reboot_check(&tb, &model);
        /* And after a clear: the record the first one after it would be
         * followed by. */
        model_do_clear(&tb, &model);
        write_record(&tb, rec_space(12), model.next_seq + 1u, 12, model.next_seq + 1u, 12, hand);
        reboot_check(&tb, &model);
        assert_int_equal(tb_word(&tb, CTL + rec_space(12)), 0u);
        model_append(&tb, &model, 12, 4); /* ends exactly where it stood */
        reboot_check(&tb, &model);
        check_raw(&tb, &model);
    }
}

/* Open's format at every store: a cut while zeroing the data area leaves
 * the buffer COLD for the next open; any cut leaves no records and a buffer
 * that works. */
static void format_cut_case(int which, uint64_t seed)
{
    uint32_t ti, words = CAP / 4u;
    uint16_t schema = 1;
    int expect = PRAM_BUF_COLD;
    uint64_t s = seed;
    tb_at(&tb, st, sizeof st, 1);
    if (which == 0) {
        test_fill_random(st, sizeof st, &s);
    } else {
        /* A buffer of another schema (1) with records; opened as schema 2. */
        open_st(PRAM_BUF_LINEAR, CAP);
        while (exp_space(CAP, model_used(&model)) >= 20u)
            model_append(&tb, &model, 20, model.n);
        schema = 2;
        expect = PRAM_BUF_REFORMED;
    }
    save_img();
    tb_at(&tb, st, sizeof st, schema);
    tb_mode(&tb, which == 2 ? PRAM_BUF_RING : PRAM_BUF_LINEAR);
    for (ti = 0; ti < NTEARS; ti++) {
        uint32_t cut;
        for (cut = 1; cut <= words + CTL_STORES + 1u; cut++) {
            int was_cut, rc;
            load_img();
            tb_fresh(&tb);
            was_cut = run_cut(op_open, NULL, cut, tears[ti]);
            assert_int_equal(was_cut, cut <= words + CTL_STORES);
            rc = tb_boot(&tb);
            if (!was_cut) {
                assert_int_equal(op_rc, expect);
                assert_int_equal(rc, PRAM_BUF_INTACT);
            } else if (cut < words + CTL_COMMIT || (cut == words + CTL_COMMIT && tears[ti])) {
                /* Still zeroing, or the control block not committed. */
                assert_int_equal(rc, expect);
            } else {
                assert_int_equal(rc, PRAM_BUF_INTACT);
            }
            model_init(&model, &tb);
            check_model(&tb, &model);
            check_raw(&tb, &model);
            model_append(&tb, &model, 9, cut);
            reboot_check(&tb, &model);
            check_raw(&tb, &model);
        }
    }
}

static void power_cut_during_format(void **state)
{
    (void)state;
    format_cut_case(0, 1);
    format_cut_case(0, 2);
    format_cut_case(2, 3);
    format_cut_case(1, 0);
}

/* ---- Streamed records and soaks: cuts against the possible outcomes ------ */

/* A plan of writing calls, run under a power cut (op_plan), and the states
 * the model says a reset can leave: after each call returns (the streamed
 * record absent), and the final one.  A cut in the middle of a call leaves
 * the state before it or after it (the control block is its only commit
 * point for drops; the record is absent until the commit word lands). */
typedef struct {
    int kind; /* 0 append, 1 stream + commit, 2 stream + cancel, 3 clear */
    uint32_t len, tag, nchunks;
    uint32_t chunk[24];
} plan_t;

#define MAXCAND 28
static model_t cand[MAXCAND];
static uint32_t ncand;
static plan_t plan;
static int plan_rc[MAXCAND];

static void op_plan(void *unused)
{
    uint32_t i, off = 0;
    (void)unused;
    memset(plan_rc, 0, sizeof plan_rc);
    switch (plan.kind) {
    case 0:
        plan_rc[0] = pram_buf_append(&tb.h, cutbuf, plan.len);
        break;
    case 3:
        plan_rc[0] = pram_buf_clear(&tb.h);
        break;
    default:
        plan_rc[0] = pram_buf_begin(&tb.h);
        for (i = 0; i < plan.nchunks; i++) {
            plan_rc[1u + i] = pram_buf_write(&tb.h, cutbuf + off, plan.chunk[i]);
            off += plan.chunk[i];
        }
        plan_rc[1u + plan.nchunks] =
            plan.kind == 1 ? pram_buf_commit(&tb.h) : pram_buf_cancel(&tb.h);
        break;
    }
}

/* Fills cand[] from base_model for `plan`; cand[ncand - 1] is the final
 * state. */
static void predict(void)
{
    uint32_t i;
    model_copy(&cand[0], &base_model);
    ncand = 1;
    gen_payload(plan.tag, plan.len, cutbuf);
    if (plan.kind == 0) {
        model_copy(&cand[1], &base_model);
        assert_int_equal(model_expect_append(&cand[1], plan.len, plan.tag), PRAM_OK);
        model_copy(&cand[2], &cand[1]);
        model_truncate(&cand[1], cand[1].n - 1u); /* drops committed, record absent */
        ncand = 3;
        return;
    }
    if (plan.kind == 3) {
        /* all kept (before the mark, or the mark torn to the old value), the
         * clear finished by open (cut after the mark, before the commit),
         * cleared */
        model_copy(&cand[1], &base_model);
        if (base_model.n)
            model_cut_clear(&cand[1]);
        model_copy(&cand[2], &base_model);
        model_clear(&cand[2]);
        ncand = 3;
        return;
    }
    model_copy(&cand[1], &base_model);
    assert_int_equal(model_expect_begin(&cand[1], plan.tag), PRAM_OK);
    ncand = 2;
    for (i = 0; i < plan.nchunks; i++) {
        model_copy(&cand[ncand], &cand[ncand - 1u]);
        assert_int_equal(model_expect_write(&cand[ncand], plan.chunk[i]), PRAM_OK);
        ncand++;
    }
    model_copy(&cand[ncand], &cand[ncand - 1u]);
    if (plan.kind == 1)
        model_expect_commit(&cand[ncand]);
    ncand++;
    for (i = 0; i < ncand; i++)
        cand[i].streaming = 0;
}

/* The candidate at or after `from` the booted buffer matches: the same
 * control block (head, head_seq) and count; -1 if none. */
static int match(uint32_t from)
{
    uint32_t i, ds, hd, hs;
    int n = pram_buf_count(&tb.h);
    assert_true(decode_control(&tb, &ds, &hd, &hs));
    for (i = from; i < ncand; i++)
        if (cand[i].n == (uint32_t)n && model_head(&cand[i]) == hd &&
            model_head_seq(&cand[i]) == hs)
            return (int)i;
    return -1;
}

/* Runs `plan` from img (holding base_model) cut at `cut` (torn by tear);
 * returns the candidate the reboot found (checked in full), or ncand if the
 * plan finished. */
static unsigned plan_outcome[3]; /* finished, cut to the start, cut part-way */
static unsigned clear_finished;  /* cut clears that open finished           */

static int plan_cut(uint32_t cut, unsigned tear, uint32_t from)
{
    int was_cut, k;
    uint32_t i;
    load_img();
    assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
    was_cut = run_cut(op_plan, NULL, cut, tear);
    cut_runs++;
    memcpy(pre, tb.base, tb.phys_len);
    if (!was_cut) {
        for (i = 0; i < (plan.kind == 1 || plan.kind == 2 ? plan.nchunks + 2u : 1u); i++)
            assert_int_equal(plan_rc[i], PRAM_OK);
        model_copy(&model, &cand[ncand - 1u]);
        check_model(&tb, &model);
        check_raw(&tb, &model);
        boot_expect(&model);
        plan_outcome[0]++;
        return (int)ncand;
    }
    assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
    k = match(from);
    assert_true(k >= 0);
    model_copy(&model, &cand[k]);
    check_model(&tb, &model);
    check_raw(&tb, &model);
    /* The open's scrub, from what the cut left. */
    check_scrub(&tb, &model, pre);
    plan_outcome[k == 0 ? 1 : 2]++;
    if (plan.kind == 3 && k == 1 && base_model.n)
        clear_finished++;
    return k;
}

/* Every store of a streamed record (begin, chunks, commit or cancel), whole
 * and torn: each reset leaves one of the states the model lists, in order
 * as the cut moves later, and the record only once its commit word landed
 * whole (the very last store). */
static void stream_cut_sweep(void)
{
    uint32_t ti;
    predict();
    for (ti = 0; ti < NTEARS; ti++) {
        uint32_t cut, prev = 0;
        for (cut = 1;; cut++) {
            int k = plan_cut(cut, tears[ti], prev);
            if (k == (int)ncand)
                break; /* not cut: finished */
            if (plan.kind == 1 && k == (int)ncand - 1) {
                /* Committed: only by the last store, landed whole; the run
                 * one store later must finish. */
                assert_int_equal(tears[ti], 0u);
                assert_int_equal(plan_cut(cut + 1u, 0u, 0), (int)ncand);
                break;
            }
            prev = (uint32_t)k;
        }
        /* The last cut before the end left the state after the last
         * write (the record's bytes all written, not committed). */
        assert_int_equal(cand[prev].n, cand[ncand - 2u].n);
        assert_int_equal(model_head(&cand[prev]), model_head(&cand[ncand - 2u]));
        assert_int_equal(model_head_seq(&cand[prev]), model_head_seq(&cand[ncand - 2u]));
    }
}

static void power_cut_during_stream(void **state)
{
    int which;
    (void)state;
    for (which = 5; which < 9; which++) {
        uint32_t v;
        append_setting(which);
        for (v = 0; v < 6; v++) {
            uint32_t i, left;
            plan.kind = v == 5 ? 2 : 1;
            plan.tag = 3000u + v;
            plan.len = v == 4 ? base_model.D - 8u : 5u + v * 11u;
            if (plan.len > base_model.D - 8u)
                plan.len = base_model.D - 8u;
            for (i = 0, left = plan.len; left; i++) {
                uint32_t c = 1u + (i * 3u + v) % 7u + plan.len / 16u;
                plan.chunk[i] = c < left ? c : left;
                left -= plan.chunk[i];
                assert_true(i + 1u < 24u);
            }
            plan.nchunks = i;
            stream_cut_sweep();
        }
    }
    print_message("cut runs so far: %u\n", cut_runs);
}

/* Random appends, streamed records and clears with power cut at random
 * stores, many boots: after each reboot, the records are exactly those of
 * one of the states the model allows, and nothing else. */
static void soak(uint8_t mode, uint32_t cap, uint32_t steps, uint64_t s)
{
    uint32_t step;
    open_st(mode, cap);
    for (step = 0; step < steps; step++) {
        uint32_t r = (uint32_t)(test_rand(&s) % 100u), i, left;
        uint32_t cut = 1u + (uint32_t)(test_rand(&s) % 24u);
        unsigned tear = tears[test_rand(&s) % NTEARS];
        int k;
        model_copy(&base_model, &model);
        save_img();
        plan.tag = step;
        plan.len = (uint32_t)(test_rand(&s) % 30u);
        if (r < 50u) {
            plan.kind = 0;
            if (model_expect_append(&base_model, plan.len, step) != PRAM_OK) {
                model_copy(&base_model, &model);
                plan.kind = 3;
            } else {
                model_copy(&base_model, &model);
            }
        } else if (r < 90u && mode == PRAM_BUF_RING) {
            plan.kind = r < 85u ? 1 : 2;
            for (i = 0, left = plan.len; left; i++) {
                uint32_t c = 1u + (uint32_t)(test_rand(&s) % 9u);
                plan.chunk[i] = c < left ? c : left;
                left -= plan.chunk[i];
            }
            plan.nchunks = i;
        } else {
            plan.kind = r < 95u ? 3 : 0;
            if (plan.kind == 0) {
                model_copy(&after_model, &base_model);
                if (model_expect_append(&after_model, plan.len, step) != PRAM_OK)
                    plan.kind = 3;
            }
        }
        predict();
        k = plan_cut(cut, tear, 0);
        if (k < (int)ncand)
            model_copy(&model, &cand[k]);
        if (step % 50u == 0u)
            reboot_check(&tb, &model);
    }
    reboot_check(&tb, &model);
    check_raw(&tb, &model);
}

static void power_cut_soak(void **state)
{
    (void)state;
    memset(plan_outcome, 0, sizeof plan_outcome);
    clear_finished = 0;
    soak(PRAM_BUF_LINEAR, CAP, 3000, 4242);
    soak(PRAM_BUF_RING, 128u, 3000, 4243);
    soak(PRAM_BUF_RING, CAP, 2000, 4244);
    print_message("soak: %u finished, %u cut before any effect, %u cut part-way (%u clears "
                  "finished by open)\n",
                  plan_outcome[0], plan_outcome[1], plan_outcome[2], clear_finished);
    assert_true(plan_outcome[0] > 2000u && plan_outcome[1] > 1000u && plan_outcome[2] > 500u);
    assert_true(clear_finished > 20u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(reboot_recovers_records, setup),
        cmocka_unit_test_setup(ring_reboot_recovers_records, setup),
        cmocka_unit_test_setup(garbage_storage_is_cold, setup),
        cmocka_unit_test_setup(valid_control_over_garbage, setup),
        cmocka_unit_test_setup(handmade_records, setup),
        cmocka_unit_test_setup(foreign_control_is_reformed, setup),
        cmocka_unit_test_setup(corrupt_record_stops_walk, setup),
        cmocka_unit_test_setup(corrupt_record_stays_lost_after_append, setup),
        cmocka_unit_test_setup(power_cut_during_append, setup),
        cmocka_unit_test_setup(power_cut_during_stream, setup),
        cmocka_unit_test_setup(power_cut_during_clear, setup),
        cmocka_unit_test_setup(power_cut_during_clear_finish, setup),
        cmocka_unit_test_setup(clear_cut_then_flip, setup),
        cmocka_unit_test_setup(ring_drop_cut_then_flip, setup),
        cmocka_unit_test_setup(next_seq_record_beyond_tail, setup),
        cmocka_unit_test_setup(power_cut_during_format, setup),
        cmocka_unit_test_setup(power_cut_soak, setup),
    };
    return cmocka_run_group_tests_name("buf_reboot", tests, NULL, NULL);
}
