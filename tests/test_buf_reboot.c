/* Record buffers across resets: reboots with fresh handles, garbage and
 * foreign storage, corrupted records, and power cut at every store of
 * append, clear and open's format (tests/support: pram_test_cut_at/tear).
 *
 * Expectations come from the documented layout and commit order, never from
 * a run: record CRCs use a bitwise CRC-16/CCITT-FALSE written for the tests
 * and the control block is decoded independently.  The buffer model and
 * helpers are shared with test_buf.c (tests/support/buf_model.c). */
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
static model_t model, base_model;

static const unsigned tears[] = {0x0u, 0x1u, 0x3u, 0x7u, 0xEu};
#define NTEARS (sizeof tears / sizeof tears[0])

static void save_img(void) { memcpy(img, tb.base, tb.phys_len); }
static void load_img(void) { memcpy(tb.base, img, tb.phys_len); }
static size_t phys_of(const tb_t *t, uint32_t L) { return (size_t)(tb_byte(t, L) - t->base); }
static void model_reset(model_t *m) { m->n = 0; }
static void model_copy(model_t *dst, const model_t *src)
{
    dst->n = src->n;
    memcpy(dst->len, src->len, sizeof dst->len);
    memcpy(dst->tag, src->tag, sizeof dst->tag);
}

/* What an interrupted final store (the epoch commit word, 0 before it) holds:
 * bytes whose tear bit is set are new, the others still 0; tear 0 = whole. */
static uint32_t torn_commit(uint32_t epoch, unsigned tear)
{
    uint32_t w = 0;
    int i;
    if (tear == 0u)
        return epoch;
    for (i = 0; i < 4; i++)
        if (tear & (1u << i))
            w |= epoch & (0xFFu << (8 * i));
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
    model_reset(&model);
    model_reset(&base_model);
    pram_test_cut_at = 0;
    pram_test_tear = 0;
    pram_test_boot = NULL;
    return 0;
}

/* ---- Reboots ---------------------------------------------------------------- */

/* Random appends, clears and reboots; after every reboot a fresh handle must
 * find exactly the records committed since the last clear. */
static void reboot_recovers_records(void **state)
{
    uint64_t s = 12345;
    uint32_t step;
    (void)state;
    tb_at(&tb, st, sizeof st, 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    for (step = 0; step < 4000; step++) {
        uint32_t r = (uint32_t)(test_rand(&s) % 100u);
        if (r < 70u) {
            uint32_t len = (uint32_t)(test_rand(&s) % 40u);
            if (r < 7u)
                len = (uint32_t)(test_rand(&s) % 200u);
            if (rec_space(len) > CAP - model_used(&model)) {
                assert_int_equal(pram_buf_append(&tb.h, cutbuf, len), PRAM_ERR_NO_SPACE);
                assert_int_equal(pram_buf_clear(&tb.h), PRAM_OK);
                model_reset(&model);
            } else {
                model_append(&tb, &model, len, step);
            }
        } else if (r < 74u) {
            assert_int_equal(pram_buf_clear(&tb.h), PRAM_OK);
            model_reset(&model);
        } else {
            reboot_check(&tb, &model);
        }
        assert_int_equal(pram_buf_count(&tb.h), (int)model.n);
    }
    reboot_check(&tb, &model);
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
        for (i = 0; i < model.n; i++)
            assert_int_equal(pram_buf_next(&other, &it, &rec), 1);
        assert_int_equal(pram_buf_next(&other, &it, &rec), 0);
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
    assert_int_equal(pram_buf_space(&t->h), (int)exp_space(tb_data_size(t), 0));
    assert_int_equal(control_epoch(t), 1);
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
        test_fill_random(st, sizeof st, &s);
        expect_cold_empty(&tb);
        if (seed % 8u == 0u) {
            model_reset(&model);
            model_append(&tb, &model, (uint32_t)(seed % 30u), (uint32_t)seed);
            reboot_check(&tb, &model);
            check_raw(&tb, &model, 1);
        }
    }
    /* Other capacities, including the smallest (8-byte data area). */
    for (k = 0; k < 200; k++) {
        uint64_t s = 1000u + k;
        uint32_t size = 48u + 4u * (uint32_t)(test_rand(&s) % 2000u);
        test_fill_random(st_big, sizeof st_big, &s);
        tb_at(&tb, st_big, size, (uint16_t)k);
        expect_cold_empty(&tb);
    }
}

/* A valid control block over garbage: INTACT, and the walk stays in bounds
 * (ASan) and finds nothing. */
static void valid_control_over_garbage(void **state)
{
    uint64_t seed;
    (void)state;
    for (seed = 1; seed <= 1500; seed++) {
        uint64_t s = seed * 7919u;
        uint32_t epoch = (uint32_t)test_rand(&s) | 1u;
        tb_at(&tb, st, sizeof st, 1);
        assert_int_equal(tb_boot(&tb), seed == 1 ? PRAM_BUF_COLD : PRAM_BUF_INTACT);
        craft_control(&tb, epoch, CAP, 1);
        test_fill_random((uint8_t *)st + CTL, CAP, &s);
        assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
        assert_int_equal(control_epoch(&tb), epoch);
        model_reset(&model);
        check_model(&tb, &model);
        model_append(&tb, &model, 6, (uint32_t)seed);
        reboot_check(&tb, &model);
        check_raw(&tb, &model, epoch);
    }
}

/* Records written by hand from the documented layout are recovered; ones
 * that do not check (wrong position in the CRC, length out of bounds or over
 * PRAM_RECORD_MAX_SIZE) end the walk. */
static void write_record(const tb_t *t, uint32_t at, uint32_t epoch, uint32_t len, uint32_t crc_at,
                         uint32_t crc_len, const uint8_t *p)
{
    uint32_t w, i;
    uint8_t *d = tb_byte(t, CTL + at);
    memcpy(d, &epoch, 4);
    w = len | ((uint32_t)ref_record_crc(epoch, crc_at, crc_len, p) << 16);
    memcpy(d + 4, &w, 4);
    for (i = 0; i < round4(crc_len); i++)
        d[8 + i] = i < crc_len ? p[i] : 0u;
}

static uint8_t hand[MAXREC + 8u];

static void handmade_case(void *storage)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t rec;
    uint32_t last, w;
    uint8_t *d;
    model_reset(&model);
    tb_at(&tb, storage, PRAM_BUF_STORAGE_SIZE(CAP), 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    gen_payload(1, 5, hand);
    write_record(&tb, 0, 1, 5, 0, 5, hand);
    model.n = 1;
    model.len[0] = 5;
    model.tag[0] = 1;
    reboot_check(&tb, &model);
    /* CRC computed for another position: not a record here. */
    gen_payload(2, 8, hand);
    write_record(&tb, 16, 1, 8, 20, 8, hand);
    reboot_check(&tb, &model);
    write_record(&tb, 16, 1, 8, 16, 8, hand);
    model.len[1] = 8;
    model.tag[1] = 2;
    model.n = 2;
    reboot_check(&tb, &model);
    /* Length 0xFFFF. */
    write_record(&tb, 32, 1, 0xFFFFu, 32, 0, hand);
    reboot_check(&tb, &model);
    /* A length running 4 bytes past the area, with the CRC right for the
     * payload in the area followed by 4 zero bytes (what lies beyond in the
     * st_big case): only the bound rejects it. */
    last = CAP - 32u - 8u + 4u;
    gen_payload(3, last, hand);
    hand[last - 4u] = hand[last - 3u] = hand[last - 2u] = hand[last - 1u] = 0;
    d = tb_byte(&tb, CTL + 32u);
    w = 1u;
    memcpy(d, &w, 4);
    w = last | ((uint32_t)ref_record_crc(1, 32, last, hand) << 16);
    memcpy(d + 4, &w, 4);
    memcpy(d + 8, hand, last - 4u);
    reboot_check(&tb, &model);
    /* Exactly filling the rest of the area: recovered, no space left. */
    gen_payload(3, last - 4u, hand);
    write_record(&tb, 32, 1, last - 4u, 32, last - 4u, hand);
    model.len[2] = last - 4u;
    model.tag[2] = 3;
    model.n = 3;
    reboot_check(&tb, &model);
    assert_int_equal(pram_buf_space(&tb.h), PRAM_ERR_NO_SPACE);
    assert_int_equal(pram_buf_next(&tb.h, &it, &rec), 1);
}

static void handmade_records(void **state)
{
    (void)state;
    handmade_case(st); /* exactly sized: ASan sees any read past it */
    memset(st_big, 0, sizeof st_big);
    handmade_case(st_big); /* zeros after the area */

    /* Over PRAM_RECORD_MAX_SIZE in an area big enough for it: rejected. */
    model_reset(&model);
    memset(st_big, 0x5A, sizeof st_big);
    tb_at(&tb, st_big, sizeof st_big, 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    gen_payload(4, MAXREC + 4u, hand);
    write_record(&tb, 0, 1, MAXREC + 4u, 0, MAXREC + 4u, hand);
    reboot_check(&tb, &model);
    gen_payload(4, MAXREC, hand);
    write_record(&tb, 0, 1, MAXREC, 0, MAXREC, hand);
    model.n = 1;
    model.len[0] = MAXREC;
    model.tag[0] = 4;
    reboot_check(&tb, &model);
}

/* Control blocks of another schema or capacity: REFORMED, nothing old. */
static void foreign_control_is_reformed(void **state)
{
    static const uint32_t bad_sizes[] = {CAP - 4u, CAP + 4u, 0u, 8u, 0xFFFFFFFFu, CAP * 2u};
    uint32_t i;
    (void)state;
    /* Another schema. */
    tb_at(&tb, st, sizeof st, 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    for (i = 0; i < 4; i++)
        model_append(&tb, &model, 10, i);
    tb_at(&tb, st, sizeof st, 2);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_REFORMED);
    model_reset(&model);
    check_model(&tb, &model);
    assert_int_equal(control_epoch(&tb), 1);
    for (i = 0; i < CAP; i += 4u)
        assert_int_equal(tb_word(&tb, CTL + i), 0);
    reboot_check(&tb, &model);
    model_append(&tb, &model, 10, 50);
    reboot_check(&tb, &model);
    tb_at(&tb, st, sizeof st, 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_REFORMED);
    model_reset(&model);
    check_model(&tb, &model);
    reboot_check(&tb, &model);

    /* Another capacity, smaller then larger, on the same storage. */
    tb_at(&tb, st_big, PRAM_BUF_STORAGE_SIZE(1024u), 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    for (i = 0; i < 20; i++)
        model_append(&tb, &model, 30, i);
    tb_at(&tb, st_big, PRAM_BUF_STORAGE_SIZE(512u), 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_REFORMED);
    model_reset(&model);
    check_model(&tb, &model);
    reboot_check(&tb, &model);
    tb_at(&tb, st_big, PRAM_BUF_STORAGE_SIZE(1024u), 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_REFORMED);
    check_model(&tb, &model);
    for (i = 0; i < 20; i++)
        model_append(&tb, &model, 30, 100 + i);
    tb_at(&tb, st_big, PRAM_BUF_STORAGE_SIZE(2048u), 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_REFORMED);
    model_reset(&model);
    check_model(&tb, &model);
    assert_int_equal(control_epoch(&tb), 1);
    for (i = 0; i < 2048u; i += 4u)
        assert_int_equal(tb_word(&tb, CTL + i), 0);

    /* Crafted control values: our schema, another data size. */
    for (i = 0; i < sizeof bad_sizes / sizeof bad_sizes[0]; i++) {
        memset(st, 0xA5, sizeof st);
        tb_at(&tb, st, sizeof st, 3);
        assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
        model_reset(&model);
        model_append(&tb, &model, 4, i);
        craft_control(&tb, 1, bad_sizes[i], 3);
        assert_int_equal(tb_boot(&tb), PRAM_BUF_REFORMED);
        model_reset(&model);
        check_model(&tb, &model);
        model_append(&tb, &model, 4, 10 + i);
        reboot_check(&tb, &model);
    }
    /* Another schema written as a control value (0xFFFF, 0). */
    craft_control(&tb, 1, CAP, 0xFFFFu);
    assert_int_equal(tb_boot(&tb), PRAM_BUF_REFORMED);
    model_reset(&model);
    check_model(&tb, &model);
    model_append(&tb, &model, 4, 20);
    craft_control(&tb, 1, CAP, 0u);
    assert_int_equal(tb_boot(&tb), PRAM_BUF_REFORMED);
    model_reset(&model);
    check_model(&tb, &model);
    /* Epoch 0 is never valid: COLD. */
    model_append(&tb, &model, 4, 21);
    craft_control(&tb, 0, CAP, 3);
    assert_int_equal(tb_boot(&tb), PRAM_BUF_COLD);
    model_reset(&model);
    check_model(&tb, &model);
    reboot_check(&tb, &model);
}

/* ---- Corruption ---------------------------------------------------------- */

static const uint32_t mid_lens[] = {5, 12, 0, 9, 16, 3, 20};
#define NMID (sizeof mid_lens / sizeof mid_lens[0])

/* One corrupted byte (header or payload) in record v: the walk stops there,
 * records before it are exact, nothing after it is reported; an append then
 * goes where record v was. */
static void corrupt_record_stops_walk(void **state)
{
    static const uint8_t masks[] = {0x01, 0x80, 0xFF};
    uint32_t v, b, mi, i, at;
    (void)state;
    tb_at(&tb, st, sizeof st, 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    for (i = 0; i < NMID; i++)
        model_append(&tb, &model, mid_lens[i], 10u + i);
    model_copy(&base_model, &model);
    save_img();
    for (v = 0, at = 0; v < NMID; at += rec_space(mid_lens[v]), v++) {
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
        for (b = 0; b < 8u + mid_lens[v]; b++) {
            for (mi = 0; mi < sizeof masks; mi++) {
                load_img();
                *tb_byte(&tb, CTL + at + b) ^= masks[mi];
                model_copy(&model, &base_model);
                model.n = v;
                reboot_check(&tb, &model);
                model_append(&tb, &model, newlen, 900u + v);
                reboot_check(&tb, &model);
            }
        }
    }
}

/* After the walk stopped at a corrupted record, appends re-use its place.
 * Records past it were not reported at that boot and must never come back,
 * out of order, behind the new record, when an append happens to end exactly
 * where one of them starts (fixed-size log lines make that the usual case). */
static void corrupt_record_stays_lost_after_append(void **state)
{
    uint32_t i;
    (void)state;
    tb_at(&tb, st, sizeof st, 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    for (i = 0; i < 6; i++)
        model_append(&tb, &model, 16, i);
    *tb_byte(&tb, CTL + 2u * 24u + 8u + 3u) ^= 0x40u; /* payload of record 2 */
    model.n = 2;
    reboot_check(&tb, &model);
    model_append(&tb, &model, 16, 100); /* same size as the lost record */
    reboot_check(&tb, &model);
}

/* ---- Power cuts ------------------------------------------------------------ */

/* Builds a starting state, saves it as img/base_model; returns its epoch. */
static uint32_t append_setting(int which)
{
    uint32_t i;
    memset(st, 0xA5, sizeof st);
    memset(reg_mem, 0xC3, sizeof reg_mem);
    model_reset(&model);
    switch (which) {
    case 0: /* fresh, epoch 1 */
        tb_at(&tb, st, sizeof st, 1);
        assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
        model_append(&tb, &model, 5, 1);
        model_append(&tb, &model, 0, 2);
        model_append(&tb, &model, 12, 3);
        break;
    case 1: /* epoch 2 after a clear: stale payload bytes at the tail */
        tb_at(&tb, st, sizeof st, 1);
        assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
        for (i = 0; i < 8; i++)
            model_append(&tb, &model, 20, i);
        assert_int_equal(pram_buf_clear(&tb.h), PRAM_OK);
        model_reset(&model);
        model_append(&tb, &model, 3, 20);
        model_append(&tb, &model, 3, 21);
        break;
    case 2: /* four-byte epoch; an old record's epoch word at the tail */
        tb_at(&tb, st, sizeof st, 1);
        assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
        craft_control(&tb, 0x01020303u, CAP, 1);
        assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
        for (i = 0; i < 8; i++)
            model_append(&tb, &model, 12, i);
        assert_int_equal(pram_buf_clear(&tb.h), PRAM_OK);
        model_reset(&model);
        model_append(&tb, &model, 12, 30);
        assert_int_equal(tb_word(&tb, CTL + 20u), 0x01020303u);
        break;
    case 3: /* 32-bit registers every 8 bytes */
        reg = test_region(reg_mem, 1024, 4, 8);
        tb_in(&tb, &reg, 16, PRAM_BUF_STORAGE_SIZE(128u), 1, sizeof reg_mem);
        assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
        model_append(&tb, &model, 7, 40);
        model_append(&tb, &model, 1, 41);
        break;
    default: /* byte registers, small */
        reg = test_region(reg_mem, 2048, 1, 0);
        tb_in(&tb, &reg, 0, PRAM_BUF_STORAGE_SIZE(64u), 1, sizeof reg_mem);
        assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
        model_append(&tb, &model, 0, 50);
        break;
    }
    model_copy(&base_model, &model);
    save_img();
    return control_epoch(&tb);
}

static void power_cut_during_append(void **state)
{
    static const uint32_t lens[] = {0, 1, 3, 4, 5, 16, 33, 0xFFFFFFFFu /* exact fit */};
    int which;
    (void)state;
    for (which = 0; which < 5; which++) {
        uint32_t epoch = append_setting(which), li;
        uint32_t used = model_used(&base_model), size = tb_data_size(&tb);
        for (li = 0; li < sizeof lens / sizeof lens[0]; li++) {
            uint32_t len = lens[li] == 0xFFFFFFFFu ? exp_space(size, used) : lens[li];
            uint32_t nstores = 3u + (len + 3u) / 4u, ti;
            if (rec_space(len) > size - used)
                continue;
            for (ti = 0; ti < NTEARS; ti++) {
                uint32_t cut, L;
                for (cut = 1; cut <= nstores + 1u; cut++) {
                    int was_cut, whole;
                    uint32_t tag = 1000u + li;
                    load_img();
                    model_copy(&model, &base_model);
                    assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
                    gen_payload(tag, len, cutbuf);
                    op_len = len;
                    was_cut = run_cut(op_append, NULL, cut, tears[ti]);
                    /* The commit order takes exactly 3 + words stores. */
                    assert_int_equal(was_cut, cut <= nstores);
                    if (!was_cut)
                        assert_int_equal(op_rc, PRAM_OK);
                    whole = cut > nstores ||
                            (cut == nstores && torn_commit(epoch, tears[ti]) == epoch);
                    if (whole) {
                        model.len[model.n] = len;
                        model.tag[model.n] = tag;
                        model.n++;
                    }
                    reboot_check(&tb, &model);
                    check_raw(&tb, &model, epoch);
                    assert_int_equal(control_epoch(&tb), epoch);
                    /* Nothing outside the record's own place changed. */
                    for (L = 0; L < tb.def.size; L++)
                        if (L < CTL + used || L >= CTL + used + rec_space(len))
                            assert_int_equal(*tb_byte(&tb, L), img[phys_of(&tb, L)]);
                    /* The next append works. */
                    if (exp_space(size, model_used(&model)) >= 2u) {
                        model_append(&tb, &model, 2, 2000u + cut);
                        reboot_check(&tb, &model);
                    } else {
                        assert_int_equal(pram_buf_append(&tb.h, "ab", 2), PRAM_ERR_NO_SPACE);
                    }
                }
            }
        }
    }
}

/* Clear at every store: afterwards all old records or none, never a mix, and
 * none of them come back later. */
static void clear_cut_case(int which)
{
    uint32_t epoch, ti, i, first_len = 12;
    int saw_all = 0, saw_none = 0, saw_none_old_epoch = 0, wrap;
    memset(st, 0xA5, sizeof st);
    memset(reg_mem, 0xC3, sizeof reg_mem);
    model_reset(&model);
    if (which == 3) {
        reg = test_region(reg_mem, 1024, 2, 4);
        tb_in(&tb, &reg, 32, PRAM_BUF_STORAGE_SIZE(160u), 1, sizeof reg_mem);
    } else {
        tb_at(&tb, st, sizeof st, 1);
    }
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    if (which == 1)
        craft_control(&tb, 0xFFu, tb_data_size(&tb), 1);
    if (which == 2)
        craft_control(&tb, 0xFFFFFFFFu, tb_data_size(&tb), 1);
    assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
    epoch = control_epoch(&tb);
    wrap = epoch == 0xFFFFFFFFu;
    for (i = 0; i < 5; i++)
        model_append(&tb, &model, first_len, i);
    model_copy(&base_model, &model);
    save_img();
    for (ti = 0; ti < NTEARS; ti++) {
        uint32_t cut;
        for (cut = 1; cut < 1000u; cut++) {
            int was_cut, rc;
            load_img();
            assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
            was_cut = run_cut(op_clear, NULL, cut, tears[ti]);
            if (!was_cut)
                assert_int_equal(op_rc, PRAM_OK);
            rc = tb_boot(&tb);
            if (wrap)
                assert_true(rc == PRAM_BUF_INTACT || rc == PRAM_BUF_COLD);
            else
                assert_int_equal(rc, PRAM_BUF_INTACT);
            if (was_cut && pram_buf_count(&tb.h) == (int)base_model.n) {
                saw_all = 1;
                assert_int_equal(rc, PRAM_BUF_INTACT);
                model_copy(&model, &base_model);
                check_model(&tb, &model);
                assert_int_equal(control_epoch(&tb), epoch);
                model_append(&tb, &model, 1, 500);
                reboot_check(&tb, &model);
            } else {
                saw_none = 1;
                model_reset(&model);
                check_model(&tb, &model);
                /* Cut after clear's first store (the first record's commit
                 * word) and before its control commit: no records, old epoch. */
                if (!wrap && was_cut && control_epoch(&tb) == epoch)
                    saw_none_old_epoch = 1;
                else
                    assert_int_equal(control_epoch(&tb), wrap ? 1u : epoch + 1u);
                /* Same size as old record 0: the tail is then old record 1. */
                model_append(&tb, &model, first_len, 600);
                reboot_check(&tb, &model);
                model_append(&tb, &model, first_len, 601);
                reboot_check(&tb, &model);
            }
            if (!was_cut)
                break;
        }
        assert_true(cut < 1000u);
    }
    assert_true(saw_all);
    assert_true(saw_none);
    assert_true(wrap || saw_none_old_epoch);
}

/* Issue 10: records from before a clear must never come back.  First: a
 * reset between a clear's control commit and its retire leaves both control
 * slots valid; a later flipped bit in the newer one makes open fall back to
 * the older epoch, whose records were still in place. */
static void clear_cut_then_flip(void **state)
{
    uint32_t e1, e2, s, stores, slot_new;
    (void)state;
    model_reset(&model);
    tb_at(&tb, st, sizeof st, 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    assert_int_equal(pram_buf_clear(&tb.h), PRAM_OK);
    e1 = control_epoch(&tb);
    model_append(&tb, &model, 5, 1); /* "rec-a" */
    model_append(&tb, &model, 5, 2); /* "rec-b" */
    reboot_check(&tb, &model);
    /* Count clear's stores, then cut right before the last (the retire). */
    save_img();
    s = (uint32_t)pram_test_stores;
    assert_int_equal(pram_buf_clear(&tb.h), PRAM_OK);
    stores = (uint32_t)pram_test_stores - s;
    load_img();
    assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
    assert_int_equal(run_cut(op_clear, NULL, stores - 1u, 0u), 1);
    e2 = e1 + 1u;
    /* Both control slots hold a valid value now; the newer is e2. */
    assert_int_equal(tb_word(&tb, 0u), PRAM_MAGIC_CELL);
    assert_int_equal(tb_word(&tb, 20u), PRAM_MAGIC_CELL);
    slot_new = tb_word(&tb, 12u) == e2 ? 0u : 20u;
    assert_int_equal(tb_word(&tb, slot_new + 12u), e2);
    assert_int_equal(tb_word(&tb, (slot_new ^ 20u) + 12u), e1);
    /* A flipped bit in the newer slot's value: open falls back to e1. */
    *tb_byte(&tb, slot_new + 14u) ^= 0x01u;
    assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
    assert_int_equal(control_epoch(&tb), e1);
    /* rec-a and rec-b, of e1, are not back. */
    model_reset(&model);
    check_model(&tb, &model);
    /* Nor after the user's next clear, appends that end where they stood,
     * and a reboot. */
    assert_int_equal(pram_buf_clear(&tb.h), PRAM_OK);
    model_append(&tb, &model, 5, 30);
    reboot_check(&tb, &model);
    model_append(&tb, &model, 5, 31);
    reboot_check(&tb, &model);
}

/* Second: a well-formed record of the next epoch beyond the tail (left from
 * a clear the control block fell back from, or written by something else)
 * would become valid after the next clear; open removes it first. */
static void next_epoch_record_beyond_tail(void **state)
{
    uint32_t e, at;
    (void)state;
    model_reset(&model);
    tb_at(&tb, st, sizeof st, 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    e = control_epoch(&tb);
    model_append(&tb, &model, 12, 1);
    /* Beyond the tail: the record a 12-byte append after a clear would be
     * followed by, stamped with epoch e + 1 and a valid CRC. */
    at = rec_space(12);
    gen_payload(77, 12, hand);
    write_record(&tb, at, e + 1u, 12, at, 12, hand);
    assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
    check_model(&tb, &model);
    assert_int_equal(tb_word(&tb, CTL + at), 0u); /* scrubbed */
    assert_int_equal(pram_buf_clear(&tb.h), PRAM_OK);
    assert_int_equal(control_epoch(&tb), e + 1u);
    model_reset(&model);
    model_append(&tb, &model, 12, 2); /* ends exactly where it stood */
    reboot_check(&tb, &model);
}

static void power_cut_during_clear(void **state)
{
    (void)state;
    clear_cut_case(0); /* epoch 1 -> 2 */
    clear_cut_case(1); /* 0xFF -> 0x100 */
    clear_cut_case(2); /* 0xFFFFFFFF: invalidate, then format */
    clear_cut_case(3); /* 16-bit registers */
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
        memset(st, 0xA5, sizeof st);
        assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
        model_reset(&model);
        while (exp_space(CAP, model_used(&model)) >= 20u)
            model_append(&tb, &model, 20, model.n);
        schema = 2;
        expect = PRAM_BUF_REFORMED;
    }
    save_img();
    tb_at(&tb, st, sizeof st, schema);
    for (ti = 0; ti < NTEARS; ti++) {
        uint32_t cut;
        for (cut = 1; cut < 1000u; cut++) {
            int was_cut, rc;
            load_img();
            tb_fresh(&tb);
            was_cut = run_cut(op_open, NULL, cut, tears[ti]);
            rc = tb_boot(&tb);
            if (!was_cut) {
                assert_int_equal(op_rc, expect);
                assert_int_equal(rc, PRAM_BUF_INTACT);
            } else if (cut <= words) {
                /* Still zeroing: nothing was committed. */
                assert_int_equal(rc, expect);
            } else {
                assert_true(rc == expect || rc == PRAM_BUF_COLD || rc == PRAM_BUF_INTACT);
            }
            model_reset(&model);
            check_model(&tb, &model);
            assert_int_equal(control_epoch(&tb), 1);
            model_append(&tb, &model, 9, cut);
            reboot_check(&tb, &model);
            check_raw(&tb, &model, 1);
            if (!was_cut)
                break;
        }
        assert_true(cut > words);
        assert_true(cut < 1000u);
    }
}

static void power_cut_during_format(void **state)
{
    (void)state;
    format_cut_case(0, 1);
    format_cut_case(0, 2);
    format_cut_case(0, 3);
    format_cut_case(1, 0);
}

/* Random appends and clears with power cut at random stores, many boots:
 * after each reboot, records are exactly the committed ones in order; an
 * interrupted append is whole or absent, an interrupted clear all or none. */
static void power_cut_soak(void **state)
{
    uint64_t s = 4242;
    uint32_t step;
    (void)state;
    tb_at(&tb, st, sizeof st, 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    for (step = 0; step < 6000; step++) {
        uint32_t r = (uint32_t)(test_rand(&s) % 100u);
        uint32_t cut = 1u + (uint32_t)(test_rand(&s) % 12u);
        unsigned tear = tears[test_rand(&s) % NTEARS];
        uint32_t n = model.n, used = model_used(&model);
        if (r < 85u) {
            uint32_t len = (uint32_t)(test_rand(&s) % 30u);
            if (rec_space(len) > CAP - used) {
                assert_int_equal(pram_buf_clear(&tb.h), PRAM_OK);
                model_reset(&model);
                continue;
            }
            gen_payload(step, len, cutbuf);
            op_len = len;
            if (!run_cut(op_append, NULL, cut, tear)) {
                assert_int_equal(op_rc, PRAM_OK);
                model.len[n] = len;
                model.tag[n] = step;
                model.n++;
                continue;
            }
            assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
            if (pram_buf_count(&tb.h) == (int)n + 1) {
                model.len[n] = len;
                model.tag[n] = step;
                model.n++;
            }
            check_model(&tb, &model);
        } else {
            if (!run_cut(op_clear, NULL, cut, tear)) {
                assert_int_equal(op_rc, PRAM_OK);
                model_reset(&model);
                continue;
            }
            assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
            if (pram_buf_count(&tb.h) == 0)
                model_reset(&model);
            check_model(&tb, &model);
        }
        if (step % 50u == 0u)
            reboot_check(&tb, &model);
    }
    reboot_check(&tb, &model);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(reboot_recovers_records, setup),
        cmocka_unit_test_setup(garbage_storage_is_cold, setup),
        cmocka_unit_test_setup(valid_control_over_garbage, setup),
        cmocka_unit_test_setup(handmade_records, setup),
        cmocka_unit_test_setup(foreign_control_is_reformed, setup),
        cmocka_unit_test_setup(corrupt_record_stops_walk, setup),
        cmocka_unit_test_setup(corrupt_record_stays_lost_after_append, setup),
        cmocka_unit_test_setup(power_cut_during_append, setup),
        cmocka_unit_test_setup(power_cut_during_clear, setup),
        cmocka_unit_test_setup(clear_cut_then_flip, setup),
        cmocka_unit_test_setup(next_epoch_record_beyond_tail, setup),
        cmocka_unit_test_setup(power_cut_during_format, setup),
        cmocka_unit_test_setup(power_cut_soak, setup),
    };
    return cmocka_run_group_tests_name("buf_reboot", tests, NULL, NULL);
}
