/* Record buffers: every operation, the stored layout, rings, streamed
 * records, regions, handles, cost.
 *
 * Expectations are derived from the documented layout, never captured from a
 * run: records are checked byte by byte against a model that places them by
 * the documented rule (payloads generated from a tag), record CRCs against a
 * bitwise CRC-16/CCITT-FALSE written for the tests, and the control block is
 * decoded independently (decode_control); those helpers are in
 * tests/support/buf_model.c and ref_crc.c.  Power cuts, garbage storage and
 * reboots are in test_buf_reboot.c; random ring/stream runs in test_ring.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "pram/pram.h"
#include "buf_model.h"
#include "power_cut.h"
#include "regfile.h"
#include "ref_crc.h"
#include "test_support.h"

/* ---- Storage ------------------------------------------------------------- */

#define CAP 256u
static uint32_t st[PRAM_BUF_STORAGE_SIZE(CAP) / 4u];
static uint32_t big[PRAM_BUF_STORAGE_SIZE(8192u) / 4u];
static uint8_t snap[PRAM_BUF_STORAGE_SIZE(8192u) + 64u];
static tb_t tb, tb2;
static model_t model, model2;

static void take_snap(const tb_t *t) { memcpy(snap, t->base, t->phys_len); }
static void assert_unchanged(const tb_t *t) { assert_memory_equal(snap, t->base, t->phys_len); }

static int setup(void **state)
{
    (void)state;
    regfile_attach(NULL);
    memset(st, 0xA5, sizeof st);
    memset(big, 0x5A, sizeof big);
    memset(&model, 0, sizeof model);
    memset(&model2, 0, sizeof model2);
    pram_test_cut_at = 0;
    pram_test_tear = 0;
    pram_test_boot = NULL;
    return 0;
}

/* tb over `storage` of `size` bytes (filled with garbage first) in `mode`,
 * opened cold, model fresh. */
static void open_cold(tb_t *t, model_t *m, void *storage, uint32_t size, uint8_t mode)
{
    memset(storage, 0xA5, size);
    tb_at(t, storage, size, 1);
    tb_mode(t, mode);
    assert_int_equal(pram_buf_open(&t->h), PRAM_BUF_COLD);
    model_init(m, t);
}

/* ---- Tests ----------------------------------------------------------------- */

static void ref_crc_is_ccitt_false(void **state)
{
    (void)state;
    assert_int_equal(ref_crc16(0xFFFFu, (const uint8_t *)"123456789", 9), 0x29B1);
    /* The record CRC's register starts at 0xFFFF ^ (seq & 0xFFFF): seq 0 is
     * plain CCITT-FALSE, seq 0xFFFF starts at 0 (CRC-16/XMODEM, check value
     * 0x31C3); only the low 16 bits of seq seed it. */
    assert_int_equal(ref_record_crc(0u, 9, "123456789"), 0x29B1);
    assert_int_equal(ref_record_crc(0x10000u, 9, "123456789"), 0x29B1);
    assert_int_equal(ref_record_crc(0xFFFFu, 9, "123456789"), 0x31C3);
    assert_int_equal(ref_record_crc(0xABCDFFFFu, 9, "123456789"), 0x31C3);
    assert_int_equal(ref_record_crc(5u, 0, ""), 0xFFFFu ^ 5u);
    /* Control block: two slots of a 12-byte header and {data_size, head,
     * head_seq}. */
    assert_int_equal(CTL, 48);
    assert_int_equal(sizeof(pram_buf_control_t), 12);
    assert_int_equal(PRAM_BUF_RECORD_SPACE(0), 8);
    assert_int_equal(PRAM_BUF_RECORD_SPACE(1), 12);
    assert_int_equal(PRAM_BUF_RECORD_SPACE(4), 12);
    assert_int_equal(PRAM_BUF_RECORD_SPACE(5), 16);
    assert_int_equal(PRAM_BUF_STORAGE_SIZE(CAP), 48 + CAP);
    assert_int_equal(PRAM_BUF_STORAGE_SIZE(5), 48 + 8);
}

static void open_cold_formats(void **state)
{
    uint32_t i, ds, h, hs;
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t rec;
    (void)state;
    tb_at(&tb, st, sizeof st, 1);
    assert_false(decode_control(&tb, &ds, &h, &hs));
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    model_init(&model, &tb);
    assert_int_equal(pram_buf_count(&tb.h), 0);
    assert_int_equal(pram_buf_space(&tb.h), CAP - 8);
    assert_int_equal(pram_buf_next(&tb.h, &it, &rec), 0);
    assert_int_equal(pram_buf_prev(&tb.h, &it, &rec), 0);
    for (i = 0; i < CAP; i++)
        assert_int_equal(*tb_byte(&tb, CTL + i), 0);
    /* Formatted: {D, head 0, head_seq 0}. */
    control_is(&tb, 0, 0);
    /* A second open of the formatted storage is intact and empty. */
    assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
    assert_int_equal(pram_buf_count(&tb.h), 0);
    control_is(&tb, 0, 0);
    /* Opening again with the same handle is fine too. */
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_INTACT);
    check_model(&tb, &model);
    check_raw(&tb, &model);
    /* The same storage opened as a ring: same format, same control block
     * (the mode is not stored). */
    tb_mode(&tb, PRAM_BUF_RING);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_INTACT);
    model_init(&model, &tb);
    check_model(&tb, &model);
}

/* As a header declares a buffer for other files, then the one .c defines it. */
PRAM_BUF_DECLARE(declared_log);
PRAM_BUF_DEFINE(declared_log, 32, 1);

static void define_macro_buffer(void **state)
{
    PRAM_BUF_DEFINE(mb, 101, 7); /* capacity rounded up to 4 */
    PRAM_BUF_DEFINE_RING(rb, 40, 8);
    static uint32_t at[PRAM_BUF_STORAGE_SIZE(64u) / 4u];
    static const pram_region_t r = PRAM_REGION(at, sizeof at, 0, 0);
    const pram_buf_def_t d1 = PRAM_BUF_DEF_AT(at, sizeof at, 3);
    const pram_buf_def_t d2 = PRAM_BUF_DEF_RING_AT(at, sizeof at, 3);
    const pram_buf_def_t d3 = PRAM_BUF_DEF_IN(&r, 0, sizeof at, 3);
    const pram_buf_def_t d4 = PRAM_BUF_DEF_RING_IN(&r, 0, sizeof at, 3);
    uint32_t i;
    (void)state;
    assert_ptr_equal(declared_log.def, &declared_log__def);
    assert_int_equal(declared_log__def.size, 48u + 32u);
    assert_int_equal(mb__def.size, 48u + 104u);
    assert_int_equal(sizeof mb__storage, 48u + 104u);
    assert_int_equal(mb__def.schema, 7);
    assert_int_equal(mb__def.mode, PRAM_BUF_LINEAR);
    assert_int_equal(rb__def.size, 48u + 40u);
    assert_int_equal(rb__def.mode, PRAM_BUF_RING);
    assert_int_equal(d1.mode, PRAM_BUF_LINEAR);
    assert_int_equal(d2.mode, PRAM_BUF_RING);
    assert_int_equal(d3.mode, PRAM_BUF_LINEAR);
    assert_int_equal(d4.mode, PRAM_BUF_RING);
    assert_ptr_equal(d4.region, &r);
    assert_int_equal(d4.size, sizeof at);
    memset(mb__storage, 0xFF, sizeof mb__storage);
    assert_int_equal(pram_buf_open(&mb), PRAM_BUF_COLD);
    assert_int_equal(pram_buf_space(&mb), 96);
    assert_int_equal(pram_buf_append(&mb, "abc", 3), PRAM_OK);
    assert_int_equal(pram_buf_count(&mb), 1);
    assert_int_equal(pram_buf_space(&mb), 104 - 12 - 8);
    /* The ring: 40 bytes hold three 12-byte records; the fourth drops the
     * first. */
    memset(rb__storage, 0xFF, sizeof rb__storage);
    assert_int_equal(pram_buf_open(&rb), PRAM_BUF_COLD);
    for (i = 0; i < 4; i++)
        assert_int_equal(pram_buf_append(&rb, "abcd", 4), PRAM_OK);
    assert_int_equal(pram_buf_count(&rb), 3);
    assert_int_equal(pram_buf_append(&rb, "a", 41), PRAM_ERR_TOO_LARGE);
}

static void append_sizes_layout(void **state)
{
    static const uint32_t sizes[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 13, 0, 17, 31, 33, 1, 0};
    uint32_t i;
    (void)state;
    open_cold(&tb, &model, big, PRAM_BUF_STORAGE_SIZE(512u), PRAM_BUF_LINEAR);
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint32_t before = model_used(&model), L;
        take_snap(&tb);
        model_append(&tb, &model, sizes[i], 100u + i);
        /* Records are contiguous from the head (0): record i at the sum of
         * the ones before, sequence number i. */
        assert_int_equal(model.pos[i], before);
        assert_int_equal(model.seq[i], i);
        /* Only the new record's bytes changed. */
        for (L = 0; L < tb.def.size; L++)
            if (L < CTL + before || L >= CTL + before + rec_space(sizes[i]))
                assert_int_equal(snap[L], *tb_byte(&tb, L));
        check_raw(&tb, &model);
        check_model(&tb, &model);
    }
    reboot_check(&tb, &model);
    check_raw(&tb, &model);
    /* Appending after a reboot continues at the recovered tail and seq. */
    model_append(&tb, &model, 10, 999);
    check_raw(&tb, &model);
    reboot_check(&tb, &model);
}

static void append_null_data(void **state)
{
    (void)state;
    open_cold(&tb, &model, st, sizeof st, PRAM_BUF_LINEAR);
    take_snap(&tb);
    assert_int_equal(pram_buf_append(&tb.h, NULL, 1), PRAM_ERR_NULL);
    assert_unchanged(&tb);
    assert_int_equal(pram_buf_count(&tb.h), 0);
    /* NULL with length 0 is an empty record. */
    assert_int_equal(pram_buf_append(&tb.h, NULL, 0), PRAM_OK);
    assert_int_equal(model_expect_append(&model, 0, 0), PRAM_OK);
    check_raw(&tb, &model);
    reboot_check(&tb, &model);
    /* A streamed record: NULL with length 0 is nothing, NULL with a length
     * is refused and the record stays open. */
    assert_int_equal(model_begin(&tb, &model, 5), PRAM_OK);
    assert_int_equal(pram_buf_write(&tb.h, NULL, 0), PRAM_OK);
    assert_int_equal(pram_buf_write(&tb.h, NULL, 3), PRAM_ERR_NULL);
    assert_int_equal(model_write(&tb, &model, 3), PRAM_OK);
    model_commit(&tb, &model);
    check_raw(&tb, &model);
    reboot_check(&tb, &model);
}

/* Fill to within `left` bytes, then: one byte too many is refused with nothing
 * written, the exact remaining payload fits, and afterwards nothing fits. */
static void exact_fit_case(uint32_t prefill_len, uint32_t shrink)
{
    uint32_t s, used;
    uint64_t stores;
    memset(st, 0xA5, sizeof st);
    open_cold(&tb, &model, st, sizeof st, PRAM_BUF_LINEAR);
    while (model_used(&model) + rec_space(prefill_len) + 8u <= CAP)
        model_append(&tb, &model, prefill_len, model.n + 1u);
    used = model_used(&model);
    s = exp_space(CAP, used);
    assert_int_equal(pram_buf_space(&tb.h), (int)s);
    assert_true(s + 8u == CAP - used); /* the remaining space is payload + header */
    take_snap(&tb);
    stores = pram_test_stores;
    assert_int_equal(pram_buf_append(&tb.h, payload, s + 1u), PRAM_ERR_NO_SPACE);
    assert_int_equal(pram_buf_append(&tb.h, payload, s + 4u), PRAM_ERR_NO_SPACE);
    /* A streamed record in a linear buffer: a chunk that does not fit is
     * refused, nothing of it written, and the record stays open. */
    assert_int_equal(model_begin(&tb, &model, 77), PRAM_OK);
    assert_int_equal(model_write(&tb, &model, s + 1u), PRAM_ERR_NO_SPACE);
    assert_int_equal(model_write(&tb, &model, s), PRAM_OK);
    assert_int_equal(model_write(&tb, &model, 4), PRAM_ERR_NO_SPACE);
    model_cancel(&tb, &model);
    /* Only begin's commit word (~seq, at the tail) was written. */
    assert_int_equal(pram_test_stores - stores, 1u + (s + 3u) / 4u);
    assert_int_equal(tb_word(&tb, CTL + used), ~model.next_seq);
    memcpy(snap + CTL + used, tb_byte(&tb, CTL + used), 8u + s);
    assert_unchanged(&tb);
    assert_int_equal(pram_buf_count(&tb.h), (int)model.n);
    assert_int_equal(pram_buf_space(&tb.h), (int)s);
    /* s, s-1, s-2, s-3 all take the same space: the rest of the area. */
    model_append(&tb, &model, s >= shrink ? s - shrink : s, 4242);
    assert_int_equal(pram_buf_space(&tb.h), PRAM_ERR_NO_SPACE);
    take_snap(&tb);
    assert_int_equal(pram_buf_append(&tb.h, payload, 0), PRAM_ERR_NO_SPACE);
    assert_int_equal(pram_buf_append(&tb.h, payload, 1), PRAM_ERR_NO_SPACE);
    assert_int_equal(pram_buf_begin(&tb.h), PRAM_ERR_NO_SPACE);
    assert_unchanged(&tb);
    check_model(&tb, &model);
    check_raw(&tb, &model);
    reboot_check(&tb, &model);
    assert_int_equal(pram_buf_append(&tb.h, NULL, 0), PRAM_ERR_NO_SPACE);
}

static void append_exact_fit(void **state)
{
    static const uint32_t pre[] = {0, 1, 4, 5, 9, 13, 20, 37};
    uint32_t i, k;
    (void)state;
    for (i = 0; i < sizeof pre / sizeof pre[0]; i++)
        for (k = 0; k < 4; k++)
            exact_fit_case(pre[i], k);
}

/* A data area that can never hold a 0-length record twice, and leaves 4
 * bytes that hold nothing. */
static void tiny_buffers(void **state)
{
    static uint32_t t56[56 / 4], t60[60 / 4];
    uint32_t i;
    (void)state;
    memset(t56, 0x77, sizeof t56);
    tb_at(&tb, t56, sizeof t56, 3);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    model_init(&model, &tb);
    assert_int_equal(pram_buf_space(&tb.h), 0);
    assert_int_equal(pram_buf_append(&tb.h, "x", 1), PRAM_ERR_TOO_LARGE);
    model_append(&tb, &model, 0, 1);
    take_snap(&tb);
    assert_int_equal(pram_buf_append(&tb.h, NULL, 0), PRAM_ERR_NO_SPACE);
    assert_int_equal(pram_buf_append(&tb.h, "x", 1), PRAM_ERR_TOO_LARGE);
    assert_unchanged(&tb);
    check_raw(&tb, &model);
    reboot_check(&tb, &model);
    /* As a ring, each empty record replaces the previous one, in place. */
    tb_mode(&tb, PRAM_BUF_RING);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_INTACT);
    model.ring = 1;
    for (i = 0; i < 5; i++) {
        model_append(&tb, &model, 0, 10u + i);
        assert_int_equal(model.n, 1);
        assert_int_equal(model.pos[0], 0);
        check_raw(&tb, &model);
        reboot_check(&tb, &model);
    }
    assert_int_equal(model.drops, 5);
    assert_int_equal(pram_buf_append(&tb.h, "x", 1), PRAM_ERR_TOO_LARGE);
    assert_int_equal(model_begin(&tb, &model, 20), PRAM_OK);
    assert_int_equal(model_write(&tb, &model, 1), PRAM_ERR_TOO_LARGE);
    model_commit(&tb, &model);
    check_raw(&tb, &model);
    reboot_check(&tb, &model);

    memset(t60, 0x77, sizeof t60);
    tb_at(&tb, t60, sizeof t60, 3);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    model_init(&model, &tb);
    assert_int_equal(pram_buf_space(&tb.h), 4);
    model_append(&tb, &model, 0, 1);
    /* 4 bytes left: no record fits, not even an empty one. */
    assert_int_equal(pram_buf_space(&tb.h), PRAM_ERR_NO_SPACE);
    take_snap(&tb);
    assert_int_equal(pram_buf_append(&tb.h, NULL, 0), PRAM_ERR_NO_SPACE);
    assert_unchanged(&tb);
    reboot_check(&tb, &model);
    /* As a ring: an empty record does not fit at the tail (8) before the
     * end (12), so it drops the one at 0 and goes there. */
    tb_mode(&tb, PRAM_BUF_RING);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_INTACT);
    model.ring = 1;
    model_append(&tb, &model, 0, 2);
    assert_int_equal(model.pos[0], 0);
    model_append(&tb, &model, 4, 3);
    assert_int_equal(model.n, 1);
    check_raw(&tb, &model);
    reboot_check(&tb, &model);
}

static void append_too_large(void **state)
{
    uint64_t stores;
    uint32_t len;
    uint8_t mode;
    (void)state;
    /* Big data area: the limit is PRAM_RECORD_MAX_SIZE. */
    open_cold(&tb, &model, big, sizeof big, PRAM_BUF_LINEAR);
    assert_int_equal(pram_buf_space(&tb.h), (int)MAXREC);
    take_snap(&tb);
    stores = pram_test_stores;
    assert_int_equal(pram_buf_append(&tb.h, payload, MAXREC + 1u), PRAM_ERR_TOO_LARGE);
    assert_int_equal(pram_buf_append(&tb.h, payload, 0xFFFFu), PRAM_ERR_TOO_LARGE);
    assert_int_equal(pram_buf_append(&tb.h, payload, 0x10000u), PRAM_ERR_TOO_LARGE);
    assert_int_equal(pram_buf_append(&tb.h, payload, 0x10004u), PRAM_ERR_TOO_LARGE);
    assert_int_equal(pram_buf_append(&tb.h, payload, (size_t)-1), PRAM_ERR_TOO_LARGE);
    assert_int_equal(pram_test_stores, stores);
    assert_unchanged(&tb);
    model_append(&tb, &model, MAXREC, 1);
    model_append(&tb, &model, MAXREC - 1u, 2);
    /* 8192 - 2 * 4088 = 16 left: the cap is the area now. */
    assert_int_equal(pram_buf_space(&tb.h), 8);
    assert_int_equal(pram_buf_append(&tb.h, payload, MAXREC + 1u), PRAM_ERR_TOO_LARGE);
    assert_int_equal(pram_buf_append(&tb.h, payload, 9), PRAM_ERR_NO_SPACE);
    check_raw(&tb, &model);
    reboot_check(&tb, &model);
    /* A streamed record cannot grow past PRAM_RECORD_MAX_SIZE either. */
    model_clear(&model);
    assert_int_equal(pram_buf_clear(&tb.h), PRAM_OK);
    assert_int_equal(model_begin(&tb, &model, 3), PRAM_OK);
    assert_int_equal(model_write(&tb, &model, MAXREC - 1u), PRAM_OK);
    stores = pram_test_stores;
    assert_int_equal(model_write(&tb, &model, 2), PRAM_ERR_TOO_LARGE);
    assert_int_equal(pram_buf_write(&tb.h, payload, (size_t)-1), PRAM_ERR_TOO_LARGE);
    assert_int_equal(pram_test_stores, stores);
    assert_int_equal(model_write(&tb, &model, 1), PRAM_OK);
    model_commit(&tb, &model);
    check_raw(&tb, &model);
    reboot_check(&tb, &model);

    /* Small data area: a record larger than the whole area is TOO_LARGE even
     * when the buffer is not empty; one that fits an empty area is NO_SPACE
     * in a linear buffer.  A ring refuses the too large one without dropping
     * anything. */
    for (mode = PRAM_BUF_LINEAR; mode <= PRAM_BUF_RING; mode++) {
        memset(st, 0xA5, sizeof st);
        open_cold(&tb, &model, st, PRAM_BUF_STORAGE_SIZE(64u), mode);
        stores = pram_test_stores;
        for (len = 57; len <= 70; len++)
            assert_int_equal(pram_buf_append(&tb.h, payload, len), PRAM_ERR_TOO_LARGE);
        model_append(&tb, &model, 0, 1);
        stores = pram_test_stores;
        take_snap(&tb);
        for (len = 57; len <= 70; len++)
            assert_int_equal(pram_buf_append(&tb.h, payload, len), PRAM_ERR_TOO_LARGE);
        assert_int_equal(pram_test_stores, stores);
        assert_unchanged(&tb);
        check_model(&tb, &model);
        if (mode == PRAM_BUF_LINEAR) {
            assert_int_equal(pram_buf_append(&tb.h, payload, 56), PRAM_ERR_NO_SPACE);
            assert_unchanged(&tb);
            model_append(&tb, &model, 48, 2);
            check_model(&tb, &model);
            /* 56 fills an empty area exactly. */
            model_do_clear(&tb, &model);
        }
        model_append(&tb, &model, 56, 3);
        assert_int_equal(model.n, 1);
        assert_int_equal(model.seq[0], mode == PRAM_BUF_LINEAR ? 2u : 1u);
        assert_int_equal(pram_buf_space(&tb.h), PRAM_ERR_NO_SPACE);
        check_raw(&tb, &model);
        reboot_check(&tb, &model);
    }
}

static void next_and_read(void **state)
{
    pram_buf_iter_t a = PRAM_BUF_ITER_INIT, b = PRAM_BUF_ITER_INIT, c, saved, back;
    pram_record_t ra, rb, r0, rsaved;
    uint32_t i;
    (void)state;
    open_cold(&tb, &model, st, sizeof st, PRAM_BUF_LINEAR);
    model_append(&tb, &model, 10, 1);
    model_append(&tb, &model, 0, 2);
    model_append(&tb, &model, 7, 3);
    /* A fresh iterator is all zeros (check 0). */
    assert_int_equal(a.pos, 0);
    assert_int_equal(a.seq, 0);
    assert_int_equal(a.check, 0);
    /* Two iterators are independent. */
    assert_int_equal(pram_buf_next(&tb.h, &a, &ra), 1);
    assert_int_equal(pram_buf_next(&tb.h, &a, &ra), 1);
    assert_int_equal(pram_buf_next(&tb.h, &b, &rb), 1);
    assert_int_equal(ra.pos, 20);
    assert_int_equal(ra.len, 0);
    assert_int_equal(ra.seq, 1);
    assert_int_equal(rb.pos, 0);
    assert_int_equal(rb.len, 10);
    assert_int_equal(rb.seq, 0);
    /* next fills the iterator's check (never 0 once used). */
    assert_int_not_equal(b.check, 0);
    assert_int_not_equal(ra.check, rb.check);
    /* prev from the start: the newest first, down to the oldest, then the
     * end (and it stays there). */
    c = (pram_buf_iter_t)PRAM_BUF_ITER_INIT;
    assert_int_equal(pram_buf_prev(&tb.h, &c, &r0), 1);
    assert_int_equal(r0.pos, 28);
    assert_int_equal(r0.seq, 2);
    assert_int_equal(r0.len, 7);
    assert_int_not_equal(c.check, 0);
    assert_int_equal(pram_buf_prev(&tb.h, &c, &r0), 1);
    assert_int_equal(r0.seq, 1);
    assert_int_equal(r0.pos, 20);
    assert_int_equal(pram_buf_prev(&tb.h, &c, &r0), 1);
    assert_int_equal(r0.seq, 0);
    assert_int_equal(r0.pos, 0);
    assert_int_equal(r0.len, 10);
    assert_int_equal(pram_buf_prev(&tb.h, &c, &r0), 0);
    assert_int_equal(pram_buf_prev(&tb.h, &c, &r0), 0);
    back = c;
    /* Empty record: dst may be NULL with cap 0. */
    assert_int_equal(pram_buf_read(&tb.h, &ra, NULL, 0), 0);
    /* cap < len: TOO_LARGE and dst untouched. */
    memset(readback, 0xCC, 16);
    assert_int_equal(pram_buf_read(&tb.h, &rb, readback, 9), PRAM_ERR_TOO_LARGE);
    assert_int_equal(pram_buf_read(&tb.h, &rb, readback, 0), PRAM_ERR_TOO_LARGE);
    assert_int_equal(pram_buf_read(&tb.h, &rb, NULL, 0), PRAM_ERR_TOO_LARGE);
    for (i = 0; i < 16; i++)
        assert_int_equal(readback[i], 0xCC);
    /* cap > len: len bytes copied, the rest untouched. */
    assert_int_equal(pram_buf_read(&tb.h, &rb, readback, 16), 10);
    gen_payload(1, 10, payload);
    assert_memory_equal(readback, payload, 10);
    for (i = 10; i < 16; i++)
        assert_int_equal(readback[i], 0xCC);
    /* Reading the same record twice gives the same bytes. */
    assert_int_equal(pram_buf_read(&tb.h, &rb, readback, 10), 10);
    assert_memory_equal(readback, payload, 10);
    /* A record filled by prev reads the same as one filled by next. */
    assert_int_equal(r0.check, rb.check);
    assert_int_equal(pram_buf_read(&tb.h, &r0, readback, 10), 10);
    assert_memory_equal(readback, payload, 10);
    /* NULL arguments. */
    assert_int_equal(pram_buf_next(&tb.h, NULL, &ra), PRAM_ERR_NULL);
    assert_int_equal(pram_buf_next(&tb.h, &a, NULL), PRAM_ERR_NULL);
    assert_int_equal(pram_buf_prev(&tb.h, NULL, &ra), PRAM_ERR_NULL);
    assert_int_equal(pram_buf_prev(&tb.h, &a, NULL), PRAM_ERR_NULL);
    assert_int_equal(pram_buf_read(&tb.h, NULL, readback, 16), PRAM_ERR_NULL);
    assert_int_equal(pram_buf_read(&tb.h, &rb, NULL, 16), PRAM_ERR_NULL);
    /* A record whose position was altered (at or past the tail, inside a
     * record, misaligned, another record's: no access at all, UBSan) no
     * longer matches its check: RANGE, nothing copied. */
    memset(readback, 0xCC, 16);
    r0 = rb;
    for (i = 0; i < 8; i++) {
        static const uint32_t bad[] = {1000, 0xFFFFFFF8u, 8, 2, 21, 20, 28, 44};
        r0.pos = bad[i];
        assert_int_equal(pram_buf_read(&tb.h, &r0, readback, 16), PRAM_ERR_RANGE);
    }
    for (i = 0; i < 16; i++)
        assert_int_equal(readback[i], 0xCC);
    /* A sequence number the buffer does not hold, or another one it holds:
     * RANGE. */
    r0 = rb;
    r0.seq = 3;
    assert_int_equal(pram_buf_read(&tb.h, &r0, readback, 16), PRAM_ERR_RANGE);
    r0.seq = 0xFFFFFFFFu;
    assert_int_equal(pram_buf_read(&tb.h, &r0, readback, 16), PRAM_ERR_RANGE);
    r0.seq = 1;
    assert_int_equal(pram_buf_read(&tb.h, &r0, readback, 16), PRAM_ERR_RANGE);
    /* Its length or its check altered: RANGE. */
    r0 = rb;
    r0.len = 9;
    assert_int_equal(pram_buf_read(&tb.h, &r0, readback, 16), PRAM_ERR_RANGE);
    r0 = rb;
    r0.check ^= 0x100u;
    assert_int_equal(pram_buf_read(&tb.h, &r0, readback, 16), PRAM_ERR_RANGE);
    r0.check = 0;
    assert_int_equal(pram_buf_read(&tb.h, &r0, readback, 16), PRAM_ERR_RANGE);
    /* Built by hand with the right position, number and length (the
     * record is there): not one next or prev filled, RANGE. */
    {
        pram_record_t hand = {NULL, 10u, 0u, 0u, 0u};
        hand.data = rb.data;
        assert_int_equal(pram_buf_read(&tb.h, &hand, readback, 16), PRAM_ERR_RANGE);
        hand.check = 1u;
        assert_int_equal(pram_buf_read(&tb.h, &hand, readback, 16), PRAM_ERR_RANGE);
    }
    for (i = 0; i < 16; i++)
        assert_int_equal(readback[i], 0xCC);
    /* The original still reads. */
    assert_int_equal(pram_buf_read(&tb.h, &rb, readback, 16), 10);
    /* An iterator is checked on every call: one whose position, sequence
     * number or check was altered (misaligned, inside a record, past the
     * area, another record's) gets PRAM_ERR_CORRUPT from next and prev, and
     * nothing else happens: the iterator and the record are untouched. */
    for (i = 0; i < 11; i++) {
        static const uint32_t bad_pos[] = {1, 22, 8, 1000, 0xFFFFFFFCu, 0, 28, 44, 36, 256, 24};
        static const uint32_t bad_seq[] = {0, 2, 3, 0xFFFFFFFFu, 4, 100, 0x80000001u, 5, 6, 7, 8};
        int k;
        for (k = 0; k < 4; k++) {
            c = b; /* next: seq 1, at 20 */
            if (k == 0)
                c.pos = bad_pos[i];
            else if (k == 1)
                c.seq = bad_seq[i];
            else if (k == 2)
                c.check ^= 1u << (i + 1u); /* bit 0 is always set */
            else
                c.pos = bad_pos[i], c.seq = bad_seq[i];
            saved = c;
            memset(&r0, 0x77, sizeof r0);
            rsaved = r0;
            assert_int_equal(pram_buf_next(&tb.h, &c, &r0), PRAM_ERR_CORRUPT);
            assert_memory_equal(&c, &saved, sizeof c);
            assert_memory_equal(&r0, &rsaved, sizeof r0);
            assert_int_equal(pram_buf_prev(&tb.h, &c, &r0), PRAM_ERR_CORRUPT);
            assert_memory_equal(&c, &saved, sizeof c);
            assert_memory_equal(&r0, &rsaved, sizeof r0);
        }
    }
    /* Forged by hand: refused too (an iterator next would hold at 20). */
    {
        pram_buf_iter_t forged = {20u, 1u, 1u};
        assert_int_equal(pram_buf_next(&tb.h, &forged, &r0), PRAM_ERR_CORRUPT);
        forged.check = 0xFFFFFFFFu;
        assert_int_equal(pram_buf_next(&tb.h, &forged, &r0), PRAM_ERR_CORRUPT);
        /* check 0 is a fresh iterator, whatever pos and seq hold: the
         * oldest (next) or the newest (prev). */
        forged.check = 0u;
        assert_int_equal(pram_buf_next(&tb.h, &forged, &r0), 1);
        assert_int_equal(r0.seq, 0);
        assert_int_equal(r0.pos, 0);
        forged.pos = 20u;
        forged.seq = 1u;
        forged.check = 0u;
        assert_int_equal(pram_buf_prev(&tb.h, &forged, &r0), 1);
        assert_int_equal(r0.seq, 2);
        assert_int_equal(r0.pos, 28);
    }
    /* The iterator the copies came from goes on as before. */
    c = b;
    assert_int_equal(pram_buf_next(&tb.h, &c, &r0), 1);
    assert_int_equal(r0.seq, 1);
    assert_int_equal(r0.pos, 20);
    assert_int_equal(r0.len, 0);
    assert_int_equal(pram_buf_next(&tb.h, &c, &r0), 1);
    assert_int_equal(r0.pos, 28);
    assert_int_equal(pram_buf_next(&tb.h, &c, &r0), 0);
    /* An iterator left at the end sees records appended later. */
    assert_int_equal(pram_buf_next(&tb.h, &a, &ra), 1);
    assert_int_equal(pram_buf_next(&tb.h, &a, &ra), 0);
    assert_int_equal(pram_buf_next(&tb.h, &a, &ra), 0);
    model_append(&tb, &model, 3, 4);
    assert_int_equal(pram_buf_next(&tb.h, &a, &ra), 1);
    assert_int_equal(ra.pos, 44);
    assert_int_equal(ra.len, 3);
    assert_int_equal(ra.seq, 3);
    assert_int_equal(pram_buf_next(&tb.h, &a, &ra), 0);
    /* prev at the oldest stays there, even with records appended since;
     * a fresh one starts at the new newest. */
    assert_int_equal(pram_buf_prev(&tb.h, &back, &r0), 0);
    c = (pram_buf_iter_t)PRAM_BUF_ITER_INIT;
    for (i = 4; i-- > 0;) {
        assert_int_equal(pram_buf_prev(&tb.h, &c, &r0), 1);
        assert_int_equal(r0.seq, i);
    }
    assert_int_equal(pram_buf_prev(&tb.h, &c, &r0), 0);
    assert_int_equal(pram_buf_prev(&tb.h, &c, &r0), 0);
    check_model(&tb, &model);
}

/* Iterators against the model, through appends, streamed records (some
 * cancelled), drops, wraps, clears, reboots and clears cut after their mark
 * (which the next open finishes): an iterator is only (the record it will
 * return, where the one before it ended), so its next record is computed
 * from the chain (design.md, Reading).  One whose next record is still held
 * returns it; one at the end returns 0 and later the records appended since
 * (wherever they went: after a wrap, after a clear); one whose next record
 * was dropped or cleared restarts at the oldest.  prev iterators: the
 * record before the one returned last, or 0 once that is not held. */
#define NIT 6

static uint32_t it_seq[NIT]; /* model: the next record next must return */

static void op_clear_tb(void *unused)
{
    (void)unused;
    (void)pram_buf_clear(&tb.h);
}

static void check_iterators(pram_buf_iter_t *its, pram_buf_iter_t *backs, uint32_t *back_seq,
                            uint64_t *s, unsigned *restarts, unsigned *across)
{
    uint32_t k;
    for (k = 0; k < NIT; k++) {
        pram_record_t rec;
        uint32_t want = it_seq[k], i, steps = (uint32_t)(test_rand(s) % 4u);
        /* fresh: from the oldest; held, or at the end: from there; else
         * from the oldest */
        if (!its[k].check) {
            want = model.n ? model.seq[0] : model.next_seq;
        } else if (want != model.next_seq && (!model.n || want - model.seq[0] >= model.n)) {
            want = model.n ? model.seq[0] : model.next_seq;
            if (its[k].check)
                (*restarts)++;
        }
        for (i = 0; i < steps; i++) {
            int rc = pram_buf_next(&tb.h, &its[k], &rec);
            if (want == model.next_seq) {
                assert_int_equal(rc, 0);
                break;
            }
            assert_int_equal(rc, 1);
            assert_int_equal(rec.seq, want);
            assert_int_equal(rec.pos, model.pos[want - model.seq[0]]);
            if (rec.pos == 0u && want != model.seq[0])
                (*across)++; /* from the end of the upper part to 0 */
            assert_int_equal(rec.len, model.len[want - model.seq[0]]);
            gen_payload(model.tag[want - model.seq[0]], rec.len, payload);
            assert_int_equal(pram_buf_read(&tb.h, &rec, readback, rec.len), (int)rec.len);
            if (rec.len)
                assert_memory_equal(readback, payload, rec.len);
            want++;
        }
        it_seq[k] = want;
        /* prev: the record before the one it returned last, while held */
        if (test_rand(s) % 3u == 0u)
            backs[k] = (pram_buf_iter_t)PRAM_BUF_ITER_INIT;
        if (!backs[k].check) /* fresh: from the newest */
            back_seq[k] = model.next_seq;
        for (i = 0; i < steps; i++) {
            int rc = pram_buf_prev(&tb.h, &backs[k], &rec);
            uint32_t b = back_seq[k] - 1u;
            if (!model.n || b - model.seq[0] >= model.n) {
                assert_int_equal(rc, 0);
                break;
            }
            assert_int_equal(rc, 1);
            assert_int_equal(rec.seq, b);
            assert_int_equal(rec.pos, model.pos[b - model.seq[0]]);
            back_seq[k] = b;
        }
    }
}

static void iterators_follow_chain(void **state)
{
    static const uint32_t caps[] = {96u, 128u, 256u};
    unsigned restarts = 0, ends = 0, cut_clears = 0, across = 0;
    uint32_t c;
    (void)state;
    for (c = 0; c < 2u * (sizeof caps / sizeof caps[0]); c++) {
        uint64_t s = 4711u + c;
        uint8_t mode = c & 1u ? PRAM_BUF_LINEAR : PRAM_BUF_RING;
        pram_buf_iter_t its[NIT], backs[NIT];
        uint32_t back_seq[NIT], step, k;
        memset(st, 0xA5, sizeof st);
        open_cold(&tb, &model, st, PRAM_BUF_STORAGE_SIZE(caps[c / 2u]), mode);
        for (k = 0; k < NIT; k++) {
            its[k] = (pram_buf_iter_t)PRAM_BUF_ITER_INIT;
            backs[k] = (pram_buf_iter_t)PRAM_BUF_ITER_INIT;
            it_seq[k] = 0u;
            back_seq[k] = 0u;
        }
        for (step = 0; step < 1500u; step++) {
            uint32_t r = (uint32_t)(test_rand(&s) % 100u);
            uint32_t len = (uint32_t)(test_rand(&s) % (caps[c / 2u] / 3u));
            if (r < 50u) {
                if (model_try_append(&tb, &model, len, step) == PRAM_ERR_NO_SPACE)
                    model_do_clear(&tb, &model);
            } else if (r < 70u && mode == PRAM_BUF_RING) {
                if (r < 66u) {
                    model_stream(&tb, &model, len, step, 1u + (uint32_t)(test_rand(&s) % 7u));
                } else {
                    assert_int_equal(model_begin(&tb, &model, step), PRAM_OK);
                    assert_int_equal(model_write(&tb, &model, len), PRAM_OK);
                    model_cancel(&tb, &model);
                }
            } else if (r < 75u) {
                model_do_clear(&tb, &model);
            } else if (r < 78u) {
                /* a clear cut right after its first store: the next open
                 * finishes it */
                int had = model.n > 0u;
                assert_int_equal(run_cut(op_clear_tb, NULL, 1u, 0u), 1);
                if (had) {
                    assert_int_equal(tb_word(&tb, CTL + model_head(&model)),
                                     model_head_seq(&model) ^ CLEAR_MARK);
                    model_cut_clear(&model);
                    cut_clears++;
                }
                reboot_check(&tb, &model);
            } else if (r < 85u) {
                reboot_check(&tb, &model);
            }
            for (k = 0; k < NIT; k++)
                ends += it_seq[k] == model.next_seq;
            check_iterators(its, backs, back_seq, &s, &restarts, &across);
        }
        check_model(&tb, &model);
        check_raw(&tb, &model);
        assert_true(mode == PRAM_BUF_LINEAR || (model.wraps > 20u && model.drops > 50u));
    }
    print_message("iterators: %u restarts at the oldest, %u at the end, %u steps across a wrap, "
                  "%u cut clears finished\n",
                  restarts, ends, across, cut_clears);
    assert_true(restarts > 100u && ends > 100u && across > 50u && cut_clears > 10u);
}

/* Issue 10, "a record kept from before a clear reads new data": a record
 * saved before a clear (or before a ring dropped it) is not a record of the
 * new contents, even where a new record of the same or another length now
 * stands: read refuses it with PRAM_ERR_RANGE. */
static void saved_record_after_clear(void **state)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t old_a, old_b, now, forged;
    uint32_t i;
    (void)state;
    open_cold(&tb, &model, st, sizeof st, PRAM_BUF_LINEAR);
    assert_int_equal(pram_buf_append(&tb.h, "rec-a", 5), PRAM_OK);
    assert_int_equal(pram_buf_append(&tb.h, "rec-b", 5), PRAM_OK);
    assert_int_equal(pram_buf_next(&tb.h, &it, &old_a), 1);
    assert_int_equal(pram_buf_next(&tb.h, &it, &old_b), 1);
    assert_int_equal(pram_buf_read(&tb.h, &old_a, readback, sizeof readback), 5);
    assert_int_equal(pram_buf_clear(&tb.h), PRAM_OK);
    /* Same length at the same position, then one of another length. */
    assert_int_equal(pram_buf_append(&tb.h, "new-x", 5), PRAM_OK);
    assert_int_equal(pram_buf_append(&tb.h, "new-longer", 10), PRAM_OK);
    memset(readback, 0xCC, 16);
    assert_int_equal(pram_buf_read(&tb.h, &old_a, readback, sizeof readback), PRAM_ERR_RANGE);
    assert_int_equal(pram_buf_read(&tb.h, &old_b, readback, sizeof readback), PRAM_ERR_RANGE);
    assert_int_equal(readback[0], 0xCC);
    /* The same after a reboot (the sequence number is the buffer's, not
     * the handle's). */
    assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
    assert_int_equal(pram_buf_read(&tb.h, &old_a, readback, sizeof readback), PRAM_ERR_RANGE);
    assert_int_equal(pram_buf_read(&tb.h, &old_b, readback, sizeof readback), PRAM_ERR_RANGE);
    assert_int_equal(readback[0], 0xCC);
    /* The new records read as themselves, with the next numbers. */
    it = (pram_buf_iter_t)PRAM_BUF_ITER_INIT;
    assert_int_equal(pram_buf_next(&tb.h, &it, &now), 1);
    assert_int_equal(now.pos, old_a.pos);
    assert_int_equal(now.seq, 2);
    assert_int_equal(pram_buf_read(&tb.h, &now, readback, sizeof readback), 5);
    assert_memory_equal(readback, "new-x", 5);
    /* A record whose length or position was changed by its holder no
     * longer matches its check (even where another record stands). */
    forged = now;
    forged.len = 3u;
    assert_int_equal(pram_buf_read(&tb.h, &forged, readback, sizeof readback), PRAM_ERR_RANGE);
    forged = now;
    forged.pos = 16u; /* where "new-longer" is */
    assert_int_equal(pram_buf_read(&tb.h, &forged, readback, sizeof readback), PRAM_ERR_RANGE);
    assert_int_equal(pram_buf_next(&tb.h, &it, &now), 1);
    assert_int_equal(now.seq, 3);
    assert_int_equal(pram_buf_read(&tb.h, &now, readback, sizeof readback), 10);
    assert_memory_equal(readback, "new-longer", 10);
    /* Another seq (one the buffer holds) at this one's place and length. */
    forged = now;
    forged.seq = 2u;
    assert_int_equal(pram_buf_read(&tb.h, &forged, readback, sizeof readback), PRAM_ERR_RANGE);

    /* A ring: records saved, then dropped by later appends that land at
     * the same positions with the same length. */
    memset(st, 0xA5, sizeof st);
    open_cold(&tb, &model, st, PRAM_BUF_STORAGE_SIZE(64u), PRAM_BUF_RING);
    for (i = 0; i < 4; i++)
        model_append(&tb, &model, 8, i); /* 16 bytes each: full */
    it = (pram_buf_iter_t)PRAM_BUF_ITER_INIT;
    assert_int_equal(pram_buf_next(&tb.h, &it, &old_a), 1);
    assert_int_equal(pram_buf_next(&tb.h, &it, &old_b), 1);
    model_append(&tb, &model, 8, 10); /* drops old_a, lands on it */
    assert_int_equal(model.pos[3], old_a.pos);
    assert_int_equal(pram_buf_read(&tb.h, &old_a, readback, sizeof readback), PRAM_ERR_RANGE);
    assert_int_equal(pram_buf_read(&tb.h, &old_b, readback, sizeof readback), 8);
    gen_payload(1, 8, payload);
    assert_memory_equal(readback, payload, 8);
    model_append(&tb, &model, 8, 11);
    assert_int_equal(pram_buf_read(&tb.h, &old_b, readback, sizeof readback), PRAM_ERR_RANGE);
    /* The iterator whose record was dropped goes on from the oldest. */
    assert_int_equal(pram_buf_next(&tb.h, &it, &now), 1);
    assert_int_equal(now.seq, model.seq[0]);
    reboot_check(&tb, &model);
    assert_int_equal(pram_buf_read(&tb.h, &old_a, readback, sizeof readback), PRAM_ERR_RANGE);
}

/* A record changed in memory after open: next, prev and read refuse it. */
static void next_detects_corruption(void **state)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT, at2;
    pram_record_t r1, r2;
    uint32_t k;
    (void)state;
    open_cold(&tb, &model, st, sizeof st, PRAM_BUF_LINEAR);
    model_append(&tb, &model, 12, 1);
    model_append(&tb, &model, 12, 2);
    model_append(&tb, &model, 12, 3);
    assert_int_equal(pram_buf_next(&tb.h, &it, &r1), 1);
    assert_int_equal(pram_buf_next(&tb.h, &it, &r2), 1);
    *tb_byte(&tb, CTL + 20u + 8u + 5u) ^= 0x10u; /* payload byte of record 2 */
    assert_int_equal(pram_buf_read(&tb.h, &r2, readback, sizeof readback), PRAM_ERR_CORRUPT);
    assert_int_equal(pram_buf_read(&tb.h, &r1, readback, sizeof readback), 12);
    it = (pram_buf_iter_t)PRAM_BUF_ITER_INIT;
    assert_int_equal(pram_buf_next(&tb.h, &it, &r1), 1);
    assert_int_equal(pram_buf_next(&tb.h, &it, &r2), PRAM_ERR_CORRUPT);
    assert_int_equal(pram_buf_next(&tb.h, &it, &r2), PRAM_ERR_CORRUPT);
    {
        pram_buf_iter_t back = PRAM_BUF_ITER_INIT;
        assert_int_equal(pram_buf_prev(&tb.h, &back, &r2), 1);
        assert_int_equal(r2.seq, 2);
        assert_int_equal(pram_buf_prev(&tb.h, &back, &r2), PRAM_ERR_CORRUPT);
    }
    /* Restored: fine again. */
    *tb_byte(&tb, CTL + 20u + 8u + 5u) ^= 0x10u;
    check_model(&tb, &model);
    /* Commit word, length and CRC fields of the last record: next and prev
     * both refuse it. */
    for (k = 0; k < 3; k++) {
        static const uint32_t off[] = {40u, 44u, 47u};
        static const uint8_t mask[] = {0x01u, 0x04u, 0x80u};
        pram_buf_iter_t back = PRAM_BUF_ITER_INIT;
        *tb_byte(&tb, CTL + off[k]) ^= mask[k];
        it = (pram_buf_iter_t)PRAM_BUF_ITER_INIT;
        assert_int_equal(pram_buf_next(&tb.h, &it, &r2), 1);
        assert_int_equal(pram_buf_next(&tb.h, &it, &r2), 1);
        assert_int_equal(pram_buf_next(&tb.h, &it, &r2), PRAM_ERR_CORRUPT);
        assert_int_equal(pram_buf_prev(&tb.h, &back, &r2), PRAM_ERR_CORRUPT);
        *tb_byte(&tb, CTL + off[k]) ^= mask[k];
    }
    check_model(&tb, &model);
    /* After a reboot that stopped at corrupted record 2, record 3 is still a
     * valid record in memory but lies past the tail: read refuses it (its
     * sequence number is not held), and open's scrub erased it (its number
     * is one the chain would reach). */
    it = (pram_buf_iter_t)PRAM_BUF_ITER_INIT;
    assert_int_equal(pram_buf_next(&tb.h, &it, &r2), 1);
    assert_int_equal(pram_buf_next(&tb.h, &it, &r2), 1);
    at2 = it; /* next: record 2, at 40 */
    assert_int_equal(pram_buf_next(&tb.h, &it, &r2), 1);
    *tb_byte(&tb, CTL + 20u + 8u + 5u) ^= 0x10u;
    assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
    model_truncate(&model, 1);
    check_model(&tb, &model);
    memset(readback, 0xCC, 16);
    assert_int_equal(pram_buf_read(&tb.h, &r2, readback, 16), PRAM_ERR_RANGE);
    assert_int_equal(readback[0], 0xCC);
    assert_int_equal(tb_word(&tb, CTL + 40u), 0u);
    /* Iterators whose next record is not held any more (2, 3): from the
     * oldest. */
    assert_int_equal(pram_buf_next(&tb.h, &at2, &r2), 1);
    assert_int_equal(r2.seq, 0);
    assert_int_equal(r2.pos, 0);
    assert_int_equal(pram_buf_next(&tb.h, &at2, &r2), 0);
    assert_int_equal(pram_buf_next(&tb.h, &it, &r2), 1);
    assert_int_equal(r2.seq, 0);
    assert_int_equal(pram_buf_next(&tb.h, &it, &r2), 0);
    /* The next append takes the lost record's place and number. */
    model_append(&tb, &model, 12, 4);
    assert_int_equal(model.pos[1], 20);
    assert_int_equal(model.seq[1], 1);
    check_raw(&tb, &model);
    reboot_check(&tb, &model);
}

static void clear_forgets(void **state)
{
    uint64_t s;
    uint32_t round, i, stale_at_tail = 0u;
    static uint32_t oldlen[MAXR];
    (void)state;
    s = 77;
    open_cold(&tb, &model, st, sizeof st, PRAM_BUF_LINEAR);
    /* Clear on an empty buffer: nothing but the control block (head 0, the
     * next sequence number: still 0). */
    model_do_clear(&tb, &model);
    control_is(&tb, 0, 0);
    reboot_check(&tb, &model);
    for (round = 0; round < 60; round++) {
        uint32_t first, n, old_tail, k, next;
        /* Several records, then clear, then fewer/shorter ones. */
        model_do_clear(&tb, &model);
        first = model.next_seq;
        control_is(&tb, 0, first);
        n = 3u + (uint32_t)(test_rand(&s) % 8u);
        for (i = 0; i < n; i++) {
            uint32_t len = 8u + (uint32_t)(test_rand(&s) % 20u);
            if (exp_space(CAP, model_used(&model)) < len)
                break;
            model_append(&tb, &model, len, round * 100u + i);
        }
        n = model.n;
        assert_true(n >= 3u);
        memcpy(oldlen, model.len, sizeof oldlen);
        old_tail = model_used(&model);
        check_raw(&tb, &model);
        model_do_clear(&tb, &model);
        /* Sequence numbers go on across the clear. */
        next = first + n;
        assert_int_equal(model.next_seq, next);
        control_is(&tb, 0, next);
        /* Clear's first store: the oldest record's commit word <- its seq ^
         * 0x80000000 (the clear mark: only the top byte differs). */
        assert_int_equal(tb_word(&tb, CTL), first ^ 0x80000000u);
        check_model(&tb, &model);
        assert_int_equal(pram_buf_space(&tb.h), CAP - 8);
        reboot_check(&tb, &model);
        if (round % 2u == 0u) {
            /* The same sizes as the first k old records: the tail is then
             * exactly at old record k, whose commit word holds its old
             * number, never the next one. */
            k = 1u + (uint32_t)(test_rand(&s) % (n - 1u));
            for (i = 0; i < k; i++)
                model_append(&tb, &model, oldlen[i], 7000u + round * 10u + i);
            assert_int_equal(model.seq[k - 1u], next + k - 1u);
            /* Unless open's scrub zeroed that area (payload words there can
             * look like a header of one of the next numbers), also allowed. */
            if (tb_word(&tb, CTL + model_used(&model)) == first + k)
                stale_at_tail++;
            else
                assert_int_equal(tb_word(&tb, CTL + model_used(&model)), 0u);
        } else {
            /* One short record: it ends inside (or at the end of) old record 0. */
            model_append(&tb, &model, (uint32_t)(test_rand(&s) % 8u), 5000u + round);
            assert_true(model_used(&model) <= rec_space(oldlen[0]));
        }
        assert_true(model_used(&model) < old_tail);
        check_model(&tb, &model);
        reboot_check(&tb, &model);
        check_raw(&tb, &model);
    }
    /* The scenario must have happened, not only been allowed. */
    assert_true(stale_at_tail >= 10u);
}

/* The same in a ring that has wrapped: after a clear nothing of any lap
 * comes back, and the numbers go on. */
static void ring_clear_forgets(void **state)
{
    uint32_t round, i, head, head_seq, heads_not_0 = 0u;
    (void)state;
    open_cold(&tb, &model, st, PRAM_BUF_STORAGE_SIZE(100u), PRAM_BUF_RING);
    for (round = 0; round < 20; round++) {
        uint32_t n = 5u + round % 7u, next;
        for (i = 0; i < n; i++)
            model_append(&tb, &model, 4u + (round * 7u + i * 5u) % 30u, round * 100u + i);
        check_raw(&tb, &model);
        reboot_check(&tb, &model);
        next = model.next_seq;
        head = model_head(&model);
        head_seq = model_head_seq(&model);
        assert_true(model.n > 0u);
        heads_not_0 += head != 0u;
        model_do_clear(&tb, &model);
        control_is(&tb, 0, next);
        /* The clear mark is on the oldest record's commit word, wherever
         * that record stood. */
        assert_int_equal(tb_word(&tb, CTL + head), head_seq ^ 0x80000000u);
        reboot_check(&tb, &model);
        /* One record, then a reboot: it is alone whatever stands after it. */
        model_append(&tb, &model, 12, 9000u + round);
        assert_int_equal(model.pos[0], 0);
        assert_int_equal(model.seq[0], next);
        reboot_check(&tb, &model);
        check_raw(&tb, &model);
    }
    assert_true(model.drops > 20u && model.wraps > 10u && heads_not_0 > 5u);
}

static void clear_stale_record_right_after_tail(void **state)
{
    uint32_t i;
    (void)state;
    open_cold(&tb, &model, st, sizeof st, PRAM_BUF_LINEAR);
    for (i = 0; i < 6; i++)
        model_append(&tb, &model, 16, i); /* seq i at 24 i */
    model_do_clear(&tb, &model);
    /* Same sizes as before: each new record ends where an old one starts. */
    model_append(&tb, &model, 16, 100);
    model_append(&tb, &model, 16, 101);
    assert_int_equal(model.seq[1], 7u);
    assert_int_equal(tb_word(&tb, CTL + 48u), 2u); /* old record 2, seq 2 */
    reboot_check(&tb, &model);
    model_do_clear(&tb, &model);
    reboot_check(&tb, &model);
    model_append(&tb, &model, 16, 200);
    assert_int_equal(model.seq[0], 8u);
    assert_int_equal(tb_word(&tb, CTL + 24u), 7u); /* the record of before the clear */
    reboot_check(&tb, &model);
    check_raw(&tb, &model);
}

/* Sequence numbers wrap after 2^32 records: records on both sides of the
 * wrap chain, their CRC registers start at 0xFFFF ^ (seq & 0xFFFF), clears
 * and rings go on across it. */
static void seq_wrap(void **state)
{
    uint32_t i;
    uint8_t mode;
    (void)state;
    for (mode = PRAM_BUF_LINEAR; mode <= PRAM_BUF_RING; mode++) {
        memset(st, 0xA5, sizeof st);
        open_cold(&tb, &model, st, sizeof st, mode);
        craft_control(&tb, CAP, 0, 0xFFFFFFFDu, 1);
        assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
        model.next_seq = 0xFFFFFFFDu;
        check_raw(&tb, &model);
        for (i = 0; i < 6; i++)
            model_append(&tb, &model, 20, i);
        assert_int_equal(model.seq[3], 0u);
        assert_int_equal(tb_word(&tb, CTL + 2u * 28u), 0xFFFFFFFFu);
        assert_int_equal(tb_word(&tb, CTL + 3u * 28u), 0u);
        check_raw(&tb, &model);
        reboot_check(&tb, &model);
        model_do_clear(&tb, &model);
        control_is(&tb, 0, 3u);
        reboot_check(&tb, &model);
        for (i = 0; i < 3; i++)
            model_append(&tb, &model, 4, 100 + i);
        check_raw(&tb, &model);
        reboot_check(&tb, &model);
        if (mode == PRAM_BUF_RING) {
            for (i = 0; i < 40; i++)
                model_append(&tb, &model, 4u + i % 13u, 200 + i);
            assert_true(model.drops > 0u);
            check_raw(&tb, &model);
            reboot_check(&tb, &model);
        }
    }
    /* Records left from before the numbers wrapped (0..4) must not join a
     * chain that counts up to their numbers again: the control block says
     * 0xFFFFFFFF at 0; open finds no record there, and the old ones hold
     * the next numbers (scrubbed).  New records end where old ones stood. */
    open_cold(&tb, &model, st, sizeof st, PRAM_BUF_LINEAR);
    for (i = 0; i < 5; i++)
        model_append(&tb, &model, 12, i);
    craft_control(&tb, CAP, 0, 0xFFFFFFFFu, 1);
    assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
    model_init(&model, &tb);
    model.next_seq = 0xFFFFFFFFu;
    check_model(&tb, &model);
    for (i = 0; i < CAP; i += 4u)
        assert_int_equal(tb_word(&tb, CTL + i), 0u);
    for (i = 0; i < 3; i++) {
        model_append(&tb, &model, 12, 50 + i);
        reboot_check(&tb, &model);
    }
    assert_int_equal(model.seq[2], 1u);
    check_raw(&tb, &model);
    /* A ring whose records straddle the wrap of the numbers and of the
     * area at once. */
    memset(st, 0xA5, sizeof st);
    open_cold(&tb, &model, st, PRAM_BUF_STORAGE_SIZE(64u), PRAM_BUF_RING);
    craft_control(&tb, 64u, 0, 0xFFFFFFF0u, 1);
    assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
    model.next_seq = 0xFFFFFFF0u;
    for (i = 0; i < 40; i++) {
        model_append(&tb, &model, (i * 5u) % 17u, 300 + i);
        check_raw(&tb, &model);
        if (i % 3u == 0u)
            reboot_check(&tb, &model);
    }
    assert_true(model.wraps > 3u);
}

/* O(1) append: the same record costs the same stores empty or nearly full,
 * and exactly what the commit order says: commit word <- ~seq, 4 payload
 * words, len|crc, commit word <- seq.  A ring append that drops records adds
 * one control-block set, whatever number it drops. */
static void append_cost_constant(void **state)
{
    uint64_t before, empty_cost, full_cost, clear_small, clear_big, ctl_set;
    uint32_t k;
    (void)state;
    open_cold(&tb, &model, big, PRAM_BUF_STORAGE_SIZE(4096u), PRAM_BUF_LINEAR);
    before = pram_test_stores;
    model_append(&tb, &model, 16, 0);
    empty_cost = pram_test_stores - before;
    assert_int_equal(empty_cost, 7);
    while (exp_space(4096u, model_used(&model)) >= 16u + 24u)
        model_append(&tb, &model, 16, model.n);
    assert_true(model.n > 150);
    before = pram_test_stores;
    model_append(&tb, &model, 16, model.n);
    full_cost = pram_test_stores - before;
    assert_int_equal(full_cost, empty_cost);
    /* Read-only calls store nothing. */
    before = pram_test_stores;
    check_model(&tb, &model);
    assert_int_equal(pram_test_stores, before);
    /* Clear is O(1): the same cost full as on a much smaller buffer with one
     * record: the oldest record's commit word, then the control block. */
    before = pram_test_stores;
    model_do_clear(&tb, &model);
    clear_big = pram_test_stores - before;
    tb_at(&tb2, st, sizeof st, 1);
    assert_int_equal(pram_buf_open(&tb2.h), PRAM_BUF_COLD);
    model_init(&model2, &tb2);
    model_append(&tb2, &model2, 1, 1);
    before = pram_test_stores;
    model_do_clear(&tb2, &model2);
    clear_small = pram_test_stores - before;
    assert_int_equal(clear_big, clear_small);
    /* On an empty buffer it is only the control block: one store less. */
    before = pram_test_stores;
    model_do_clear(&tb2, &model2);
    ctl_set = pram_test_stores - before;
    assert_int_equal(ctl_set + 1u, clear_small);
    assert_int_equal(ctl_set, 8u); /* design.md: an A/B set of the control cell */
    /* Other sizes: 3 + words of payload. */
    before = pram_test_stores;
    model_append(&tb, &model, 0, 1);
    assert_int_equal(pram_test_stores - before, 3);
    before = pram_test_stores;
    model_append(&tb, &model, 5, 1);
    assert_int_equal(pram_test_stores - before, 5);
    /* A streamed record written in word-aligned chunks costs exactly what
     * one append of the whole costs. */
    before = pram_test_stores;
    assert_int_equal(model_begin(&tb, &model, 2), PRAM_OK);
    assert_int_equal(model_write(&tb, &model, 8), PRAM_OK);
    assert_int_equal(model_write(&tb, &model, 8), PRAM_OK);
    model_commit(&tb, &model);
    assert_int_equal(pram_test_stores - before, 7);

    /* Ring, full of 16-byte records: dropping 1, 2 or many records costs the
     * record's stores plus one control-block set. */
    open_cold(&tb, &model, big, PRAM_BUF_STORAGE_SIZE(4096u), PRAM_BUF_RING);
    while (model.drops == 0u)
        model_append(&tb, &model, 16, model.n);
    for (k = 1; k <= 100; k = k * 3u + 1u) {
        uint32_t drops = model.drops, len = 24u * k - 8u;
        before = pram_test_stores;
        model_append(&tb, &model, len, 500u + k);
        assert_int_equal(pram_test_stores - before, 3u + len / 4u + ctl_set);
        assert_true(model.drops - drops >= k);
        check_raw(&tb, &model);
    }
    model_do_clear(&tb, &model);
    before = pram_test_stores;
    model_append(&tb, &model, 16, 1);
    assert_int_equal(pram_test_stores - before, 7);
    reboot_check(&tb, &model);
}

/* ---- Rings and streamed records -------------------------------------------- */

/* Asserts that only the bytes of record k of m (and the control block, if
 * `ctl`) differ from snap. */
static void only_record_changed(const tb_t *t, const model_t *m, uint32_t k, int ctl)
{
    uint32_t L, a = CTL + m->pos[k], e = a + rec_space(m->len[k]);
    for (L = 0; L < t->def.size; L++)
        if ((L < a || L >= e) && (!ctl || L >= CTL))
            assert_int_equal(snap[L], *tb_byte(t, L));
}

/* A ring of 100 bytes fed records of every size class: each lands where the
 * documented rule puts it (the model), only its own bytes (and the control
 * block when it drops) change, and the layout holds in storage and after a
 * reboot.  Sizes are chosen to hit an exact fit at the end of the area, a
 * wrap that leaves padding, records that fill the whole area, and empty
 * records. */
static void ring_wrap_layout(void **state)
{
    static const uint32_t lens[] = {20, 20, 20, 12, 0,  0,  0,  4,  92, 0, 1, 2, 3, 4, 5,
                                    33, 33, 40, 7,  88, 16, 16, 16, 16, 9, 0, 0, 91, 50, 3};
    uint32_t i;
    (void)state;
    open_cold(&tb, &model, st, PRAM_BUF_STORAGE_SIZE(100u), PRAM_BUF_RING);
    for (i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        uint32_t drops = model.drops, head = model_head(&model);
        take_snap(&tb);
        model_append(&tb, &model, lens[i], 10u + i);
        only_record_changed(&tb, &model, model.n - 1u, model.drops != drops ||
                                                            head != model_head(&model));
        /* The control block changes exactly when the head moves. */
        if (model.drops == drops && head == model_head(&model))
            assert_memory_equal(snap, tb.base, CTL);
        check_raw(&tb, &model);
        check_model(&tb, &model);
        if (i % 4u == 3u) {
            reboot_check(&tb, &model);
            check_raw(&tb, &model);
        }
    }
    /* The run did wrap, exactly fit and drop. */
    assert_true(model.wraps >= 3u);
    assert_true(model.drops >= 10u);
    reboot_check(&tb, &model);
}

/* Streamed records: written in chunks of every size, byte-identical to one
 * append of the whole, visible only once committed; a ring record that grows
 * past the end moves to offset 0 (the payload so far copied down), one that
 * grows into the next record drops it. */
static void stream_records(void **state)
{
    static uint32_t mem_a[PRAM_BUF_STORAGE_SIZE(200u) / 4u];
    uint32_t len, chunk, i;
    (void)state;
    /* Byte-identical to an append, for every chunking. */
    for (len = 0; len < 40; len += 3) {
        for (chunk = 1; chunk <= 9; chunk += 2) {
            memset(st, 0xA5, sizeof st);
            open_cold(&tb, &model, st, PRAM_BUF_STORAGE_SIZE(200u), PRAM_BUF_LINEAR);
            model_append(&tb, &model, 5, 1);
            model_append(&tb, &model, len, 42);
            memcpy(mem_a, st, sizeof mem_a);
            memset(st, 0xA5, sizeof st);
            open_cold(&tb, &model, st, PRAM_BUF_STORAGE_SIZE(200u), PRAM_BUF_LINEAR);
            model_append(&tb, &model, 5, 1);
            model_stream(&tb, &model, len, 42, chunk);
            assert_memory_equal(mem_a, st, sizeof mem_a);
            check_raw(&tb, &model);
            reboot_check(&tb, &model);
        }
    }
    /* Not visible before commit, gone after a reboot, gone after cancel. */
    open_cold(&tb, &model, st, PRAM_BUF_STORAGE_SIZE(200u), PRAM_BUF_LINEAR);
    model_append(&tb, &model, 6, 1);
    assert_int_equal(model_begin(&tb, &model, 2), PRAM_OK);
    assert_int_equal(model_write(&tb, &model, 11), PRAM_OK);
    check_model(&tb, &model);
    check_raw(&tb, &model);
    reboot_check(&tb, &model);
    assert_int_equal(model_begin(&tb, &model, 3), PRAM_OK);
    assert_int_equal(model_write(&tb, &model, 5), PRAM_OK);
    model_cancel(&tb, &model);
    check_model(&tb, &model);
    model_append(&tb, &model, 3, 4); /* where the cancelled record was */
    assert_int_equal(model.pos[1], 16);
    check_raw(&tb, &model);
    reboot_check(&tb, &model);

    /* Ring of 64: a record begun at 48 grows past the end and moves to 0,
     * dropping what is there; another grows into the next record. */
    memset(st, 0xA5, sizeof st);
    open_cold(&tb, &model, st, PRAM_BUF_STORAGE_SIZE(64u), PRAM_BUF_RING);
    for (i = 0; i < 3; i++)
        model_append(&tb, &model, 8, i); /* 0, 16, 32 */
    assert_int_equal(model_begin(&tb, &model, 50), PRAM_OK);
    assert_int_equal(model.s_pos, 48);
    assert_int_equal(model_write(&tb, &model, 5), PRAM_OK); /* 16 bytes: fits exactly */
    assert_int_equal(model.s_pos, 48);
    check_raw(&tb, &model);
    assert_int_equal(model_write(&tb, &model, 3), PRAM_OK); /* 16: still */
    assert_int_equal(model_write(&tb, &model, 1), PRAM_OK); /* 20: moves to 0 */
    assert_int_equal(model.s_pos, 0);
    assert_int_equal(model.moves, 1);
    assert_int_equal(model.n, 1); /* records at 0 and 16 dropped */
    check_raw(&tb, &model);
    check_model(&tb, &model);
    assert_int_equal(model_write(&tb, &model, 7), PRAM_OK); /* 24 bytes: up to 32 */
    assert_int_equal(model.n, 1);
    assert_int_equal(model_write(&tb, &model, 9), PRAM_OK); /* 36: into 32's record */
    assert_int_equal(model.n, 0);
    assert_int_equal(model.moves, 1);
    model_commit(&tb, &model);
    check_raw(&tb, &model);
    reboot_check(&tb, &model);
    /* A record growing to the whole area, then one byte more. */
    assert_int_equal(model_begin(&tb, &model, 60), PRAM_OK);
    for (i = 0; i < 56; i += 7)
        assert_int_equal(model_write(&tb, &model, 7), PRAM_OK);
    assert_int_equal(model_write(&tb, &model, 1), PRAM_ERR_TOO_LARGE);
    model_commit(&tb, &model);
    assert_int_equal(model.n, 1);
    assert_int_equal(model.pos[0], 0);
    check_raw(&tb, &model);
    reboot_check(&tb, &model);
    /* Cancel keeps the drops. */
    model_append(&tb, &model, 8, 70);
    assert_int_equal(model_begin(&tb, &model, 71), PRAM_OK);
    assert_int_equal(model_write(&tb, &model, 9), PRAM_OK);
    assert_int_equal(model.n, 1);
    assert_int_equal(model_write(&tb, &model, 40), PRAM_OK); /* drops, moves to 0 */
    assert_int_equal(model.n, 0);
    assert_int_equal(model.s_pos, 0);
    model_cancel(&tb, &model);
    assert_int_equal(model.n, 0);
    check_raw(&tb, &model);
    reboot_check(&tb, &model);
}

/* Busy and scope: while a record is streamed, the other writing calls are
 * refused and change nothing; stream calls without begin are refused;
 * takeover abandons the stream as a reset would. */
static void stream_busy_and_scope(void **state)
{
    uint64_t before;
    (void)state;
    open_cold(&tb, &model, st, sizeof st, PRAM_BUF_RING);
    model_append(&tb, &model, 10, 1);
    before = pram_test_stores;
    assert_int_equal(pram_buf_write(&tb.h, "x", 1), PRAM_ERR_SCOPE);
    assert_int_equal(pram_buf_commit(&tb.h), PRAM_ERR_SCOPE);
    assert_int_equal(pram_buf_cancel(&tb.h), PRAM_ERR_SCOPE);
    assert_int_equal(pram_test_stores, before);
    assert_int_equal(model_begin(&tb, &model, 2), PRAM_OK);
    assert_int_equal(model_write(&tb, &model, 6), PRAM_OK);
    take_snap(&tb);
    before = pram_test_stores;
    assert_int_equal(pram_buf_append(&tb.h, "x", 1), PRAM_ERR_BUSY);
    assert_int_equal(pram_buf_clear(&tb.h), PRAM_ERR_BUSY);
    assert_int_equal(pram_buf_begin(&tb.h), PRAM_ERR_BUSY);
    assert_int_equal(pram_test_stores, before);
    assert_unchanged(&tb);
    /* Reading calls work meanwhile. */
    check_model(&tb, &model);
    assert_int_equal(model_write(&tb, &model, 3), PRAM_OK);
    model_commit(&tb, &model);
    check_raw(&tb, &model);
    /* Takeover with nothing in progress: nothing to do. */
    before = pram_test_stores;
    assert_int_equal(pram_buf_takeover(&tb.h), PRAM_OK);
    assert_int_equal(pram_test_stores, before);
    /* Takeover during a stream: the record is dropped, the handle free. */
    assert_int_equal(model_begin(&tb, &model, 3), PRAM_OK);
    assert_int_equal(model_write(&tb, &model, 5), PRAM_OK);
    assert_int_equal(pram_buf_takeover(&tb.h), PRAM_BUF_ABANDONED);
    model.streaming = 0;
    check_model(&tb, &model);
    assert_int_equal(pram_buf_write(&tb.h, "x", 1), PRAM_ERR_SCOPE);
    model_append(&tb, &model, 4, 4);
    check_raw(&tb, &model);
    reboot_check(&tb, &model);
}

/* A ring drops its oldest records by their headers as they are in memory:
 * if one changed behind the open handle (a stray write this boot), the
 * append or streamed write that would drop it returns PRAM_ERR_CORRUPT and
 * changes nothing. */
static void ring_drop_detects_damage(void **state)
{
    uint32_t k;
    uint64_t before;
    (void)state;
    open_cold(&tb, &model, st, PRAM_BUF_STORAGE_SIZE(104u), PRAM_BUF_RING);
    for (k = 0; k < 6; k++)
        model_append(&tb, &model, 8, k); /* 6 records of 16 bytes: 8 left at 96 */
    for (k = 0; k < 3; k++) {
        static const uint32_t off[] = {0u, 4u, 4u};
        static const uint32_t mask[] = {0x00000100u, 0x00000FF0u, 0x0000FFFFu};
        uint32_t at = CTL + model.pos[0] + off[k], w = tb_word(&tb, at);
        tb_set_word(&tb, at, w ^ mask[k]); /* the oldest's seq, or a length too long */
        take_snap(&tb);
        before = pram_test_stores;
        /* 12 bytes: only at 0, over the oldest. */
        assert_int_equal(pram_buf_append(&tb.h, "abc", 3), PRAM_ERR_CORRUPT);
        /* A streamed record begun at 96 (its commit word <- ~seq), growing
         * past the end: it would move to 0 over the oldest. */
        assert_int_equal(pram_buf_begin(&tb.h), PRAM_OK);
        assert_int_equal(pram_buf_write(&tb.h, payload, 9), PRAM_ERR_CORRUPT);
        assert_int_equal(pram_buf_cancel(&tb.h), PRAM_OK);
        assert_int_equal(pram_test_stores - before, 1u);
        assert_int_equal(tb_word(&tb, CTL + 96u), ~model.next_seq);
        memcpy(snap + CTL + 96u, tb_byte(&tb, CTL + 96u), 4);
        assert_unchanged(&tb);
        tb_set_word(&tb, at, w);
        check_model(&tb, &model);
    }
    model_append(&tb, &model, 3, 10);
    check_raw(&tb, &model);
    reboot_check(&tb, &model);
}

/* ---- Regions -------------------------------------------------------------- */

static uint32_t reg_mem[512];

static void region_case(uint8_t width, uint8_t stride, uint32_t units)
{
    static regfile_t rf;
    pram_region_t r;
    uint32_t logical = (width ? width : 4u) * units, i;
    uint32_t size_a = PRAM_BUF_STORAGE_SIZE(96u), size_b = PRAM_BUF_STORAGE_SIZE(64u);
    uint32_t off_a = 8u, off_b = off_a + size_a;
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t rec;
    memset(reg_mem, 0xC3, sizeof reg_mem);
    r = test_region(reg_mem, logical, width, stride);
    assert_int_equal(r.port->width, width);
    assert_true(off_b + size_b <= logical);
    /* Register files: every library access must be exactly `width` bytes. */
    memset(&rf, 0, sizeof rf);
    rf.base = (uint8_t *)reg_mem;
    rf.units = units;
    rf.width = width;
    rf.stride = stride ? stride : width;
    if (width)
        regfile_attach(&rf);
    tb_in(&tb, &r, off_a, size_a, 1, sizeof reg_mem);
    tb_in(&tb2, &r, off_b, size_b, 2, sizeof reg_mem);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    assert_int_equal(pram_buf_open(&tb2.h), PRAM_BUF_COLD);
    model_init(&model, &tb);
    model_init(&model2, &tb2);
    control_is(&tb, 0, 0);
    control_is(&tb2, 0, 0);
    for (i = 0; i < 96u; i++)
        assert_int_equal(*tb_byte(&tb, CTL + i), 0);
    /* Bytes before the first buffer are never touched. */
    for (i = 0; i < off_a; i++)
        assert_int_equal(*tb_byte(&tb, 0u - off_a + i), 0xC3);
    model_append(&tb, &model, 5, 1);
    model_append(&tb2, &model2, 0, 2);
    model_append(&tb, &model, 0, 3);
    model_append(&tb2, &model2, 13, 4);
    model_append(&tb, &model, 33, 5);
    assert_int_equal(pram_buf_next(&tb.h, &it, &rec), 1);
    if (width == 0u)
        assert_ptr_equal(rec.data, (uint8_t *)reg_mem + off_a + CTL + 8u);
    else
        assert_null(rec.data);
    assert_int_equal(pram_buf_read(&tb.h, &rec, readback, 5), 5);
    gen_payload(1, 5, payload);
    assert_memory_equal(readback, payload, 5);
    check_model(&tb, &model);
    check_model(&tb2, &model2);
    check_raw(&tb, &model);
    check_raw(&tb2, &model2);
    reboot_check(&tb, &model);
    reboot_check(&tb2, &model2);
    /* Fill the first one exactly: the second is unaffected. */
    model_append(&tb, &model, exp_space(96u, model_used(&model)), 6);
    assert_int_equal(pram_buf_space(&tb.h), PRAM_ERR_NO_SPACE);
    model_do_clear(&tb2, &model2);
    model_append(&tb2, &model2, 3, 7);
    /* A streamed record in odd chunks (partial words merged in place). */
    model_stream(&tb2, &model2, 23, 8, 3);
    reboot_check(&tb, &model);
    reboot_check(&tb2, &model2);
    check_raw(&tb, &model);
    check_raw(&tb2, &model2);
    for (i = 0; i < off_a; i++)
        assert_int_equal(*tb_byte(&tb, 0u - off_a + i), 0xC3);
    /* Gaps between narrow registers are never written. */
    if (stride > width)
        for (i = 0; i < units; i++)
            assert_int_equal(((uint8_t *)reg_mem)[(size_t)i * stride + width], 0xC3);
    regfile_attach(NULL);
    assert_true(width == 0u || (rf.loads > 0u && rf.stores > 0u));
}

/* A ring in a region: wrapping appends, streamed records in odd-sized
 * chunks (moving to offset 0 when they reach the end), cancels and clears,
 * each checked in storage against the model and after reboots; every access
 * exactly `width` bytes; nothing outside the buffer is touched. */
static void ring_region_case(uint8_t width, uint8_t stride, uint32_t units, model_t *tot)
{
    static regfile_t rf;
    pram_region_t r;
    uint32_t logical = (width ? width : 4u) * units, i, size = PRAM_BUF_STORAGE_SIZE(148u);
    uint32_t off = 12u, L;
    uint64_t s = 1000u + width * 10u + stride;
    memset(reg_mem, 0xC3, sizeof reg_mem);
    r = test_region(reg_mem, logical, width, stride);
    assert_true(off + size + 8u <= logical);
    memset(&rf, 0, sizeof rf);
    rf.base = (uint8_t *)reg_mem;
    rf.units = units;
    rf.width = width;
    rf.stride = stride ? stride : width;
    if (width)
        regfile_attach(&rf);
    tb_in(&tb, &r, off, size, 9, sizeof reg_mem);
    tb_mode(&tb, PRAM_BUF_RING);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    model_init(&model, &tb);
    for (i = 0; i < 160; i++) {
        uint32_t op = (uint32_t)(test_rand(&s) % 100u);
        uint32_t len = (uint32_t)(test_rand(&s) % 45u);
        uint32_t chunk = 1u + 2u * (uint32_t)(test_rand(&s) % 4u);
        if (op < 45u) {
            model_append(&tb, &model, len, i);
        } else if (op < 85u) {
            model_stream(&tb, &model, len, i, chunk);
        } else if (op < 93u) {
            assert_int_equal(model_begin(&tb, &model, i), PRAM_OK);
            assert_int_equal(model_write(&tb, &model, len), PRAM_OK);
            check_raw(&tb, &model);
            if (op & 1u)
                model_cancel(&tb, &model);
            else
                reboot_check(&tb, &model); /* a reset mid-record: absent */
        } else if (op < 95u) {
            model_do_clear(&tb, &model);
        } else {
            reboot_check(&tb, &model);
        }
        check_raw(&tb, &model);
        check_model(&tb, &model);
    }
    reboot_check(&tb, &model);
    check_raw(&tb, &model);
    /* Nothing outside the buffer's storage was written. */
    for (L = 0; L < off; L++)
        assert_int_equal(*tb_byte(&tb, 0u - off + L), 0xC3);
    for (L = size; L < size + 8u; L++)
        assert_int_equal(*tb_byte(&tb, L), 0xC3);
    if (stride > width)
        for (i = 0; i < units; i++)
            assert_int_equal(((uint8_t *)reg_mem)[(size_t)i * stride + width], 0xC3);
    regfile_attach(NULL);
    assert_true(width == 0u || (rf.loads > 0u && rf.stores > 0u));
    assert_true(model.drops > 10u && model.wraps > 5u);
    tot->drops += model.drops;
    tot->wraps += model.wraps;
    tot->moves += model.moves;
}

static void buffers_in_regions(void **state)
{
    (void)state;
    region_case(0, 0, 512);  /* ordinary memory */
    region_case(4, 0, 512);  /* 32-bit registers, contiguous */
    region_case(4, 8, 256);  /* 32-bit registers every 8 bytes */
    region_case(2, 4, 512);  /* STM32F1-style: 16 bits every 4 bytes */
    region_case(1, 0, 2048); /* byte registers */
    region_case(1, 2, 1024); /* byte registers every 2 bytes */
}

static void rings_in_regions(void **state)
{
    model_t tot;
    (void)state;
    memset(&tot, 0, sizeof tot);
    ring_region_case(0, 0, 512, &tot);
    ring_region_case(4, 0, 512, &tot);
    ring_region_case(4, 8, 256, &tot);
    ring_region_case(2, 4, 512, &tot);
    ring_region_case(2, 0, 1024, &tot);
    ring_region_case(1, 0, 2048, &tot);
    ring_region_case(1, 4, 512, &tot);
    print_message("rings in regions: %u drops, %u wraps, %u streamed records moved to 0\n",
                  (unsigned)tot.drops, (unsigned)tot.wraps, (unsigned)tot.moves);
    assert_true(tot.moves >= 3u);
}

/* Open must cost a bounded number of accesses whatever the memory holds
 * (design.md, "Bound": the control block, one CRC pass along the chain, at
 * most two loads per word outside it).  In a width-4 region every access,
 * CRC reads included, goes through the counted register-file accessor.
 * Images: (a) the one issue 10 measured: beyond the tail, the next sequence
 * number followed by the largest length that fits, every 8 bytes; (b) every
 * word one of the next numbers with a length that never fits (no early
 * exit: two loads per word); (c) a ring's full wrapped chain, the gap filled
 * as (b). */
static uint32_t open_loads(regfile_t *rf)
{
    rf->loads = 0u;
    assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
    return rf->loads;
}

static void open_bounded_on_crafted_image(void **state)
{
    static regfile_t rf;
    pram_region_t r;
    uint32_t size = PRAM_BUF_STORAGE_SIZE(2000u), data = size - PRAM_BUF_CONTROL_SIZE;
    uint32_t words = size / 4u, at, loads, k;
    (void)state;
    memset(reg_mem, 0, sizeof reg_mem);
    r = test_region(reg_mem, sizeof reg_mem, 4, 0);
    memset(&rf, 0, sizeof rf);
    rf.base = (uint8_t *)reg_mem;
    rf.units = (uint32_t)(sizeof reg_mem / 4u);
    rf.width = 4;
    rf.stride = 4;
    regfile_attach(&rf);
    tb_in(&tb, &r, 0u, size, 1, sizeof reg_mem);
    assert_true(size <= sizeof reg_mem);

    /* (a) */
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    for (at = 0u; at + PRAM_BUF_RECORD_HEADER <= data; at += 8u) {
        tb_set_word(&tb, CTL + at, 0u);
        tb_set_word(&tb, CTL + at + 4u, (data - at - PRAM_BUF_RECORD_HEADER) & ~3u);
    }
    loads = open_loads(&rf);
    print_message("open over crafted %u-byte images: (a) %u loads", (unsigned)size,
                  (unsigned)loads);
    assert_true(loads <= 3u * words);
    /* Nothing of the crafted headers is left to come back. */
    assert_int_equal(pram_buf_count(&tb.h), 0);
    for (at = 0u; at < data; at += 4u)
        assert_int_equal(tb_word(&tb, CTL + at), 0u);

    /* (b) */
    craft_control(&tb, data, 0, 0xF000u, 1);
    for (at = 0u; at < data; at += 4u)
        tb_set_word(&tb, CTL + at, 0xF000u + (at / 4u) % 7u); /* as a length: > MAXREC */
    loads = open_loads(&rf);
    print_message(", (b) %u", (unsigned)loads);
    assert_true(loads >= 2u * (words - 24u)); /* the image is the slow one */
    assert_true(loads <= 3u * words);
    assert_int_equal(pram_buf_count(&tb.h), 0);

    /* (c) */
    memset(reg_mem, 0, sizeof reg_mem);
    tb_mode(&tb, PRAM_BUF_RING);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    craft_control(&tb, data, 0, 0xF000u, 1);
    assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
    model_init(&model, &tb);
    model.next_seq = 0xF000u;
    for (k = 0; model.wraps < 2u; k++)
        model_append(&tb, &model, 60u + k % 9u, k);
    /* The gap between the newest record's end and the oldest's start. */
    for (at = model.tail; at + 4u <= model.pos[0]; at += 4u)
        tb_set_word(&tb, CTL + at, model.next_seq + 1u);
    loads = open_loads(&rf);
    print_message(", (c) %u (%u words)\n", (unsigned)loads, (unsigned)words);
    assert_true(loads <= 3u * words);
    check_model(&tb, &model);
    regfile_attach(NULL);
}

static void region_def_errors(void **state)
{
    pram_region_t r = PRAM_REGION(reg_mem, 400, 4, 0);
    pram_region_t bad_width = PRAM_REGION(reg_mem, 400, 4, 0);
    (void)state;
    bad_width.width = 3u;
    tb_in(&tb, &r, 400u - PRAM_BUF_STORAGE_SIZE(64u) + 4u, PRAM_BUF_STORAGE_SIZE(64u), 1,
          sizeof reg_mem);
    memset(reg_mem, 0x11, sizeof reg_mem);
    take_snap(&tb);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_ERR_RANGE);
    assert_int_equal(pram_buf_count(&tb.h), PRAM_ERR_NOT_OPEN);
    tb_in(&tb, &r, 2, PRAM_BUF_STORAGE_SIZE(64u), 1, sizeof reg_mem);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_ERR_ALIGN);
    tb_in(&tb, &bad_width, 0, PRAM_BUF_STORAGE_SIZE(64u), 1, sizeof reg_mem);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_ERR_DESC);
    assert_unchanged(&tb);
    /* A stride that is not a whole number of access units (32-bit accesses
     * at base + 6), and a port that is not the one for the width. */
    {
        pram_region_t odd_stride = PRAM_REGION(reg_mem, 400, 4, 6);
        pram_region_t wrong_port = PRAM_REGION(reg_mem, 400, 2, 0);
        pram_region_t no_port = PRAM_REGION(reg_mem, 400, 0, 0);
        uint64_t s0 = pram_test_stores;
        wrong_port.width = 4u;
        no_port.port = NULL;
        no_port.width = 4u;
        tb_in(&tb, &odd_stride, 0, PRAM_BUF_STORAGE_SIZE(64u), 1, sizeof reg_mem);
        assert_int_equal(pram_buf_open(&tb.h), PRAM_ERR_DESC);
        assert_int_equal(pram_buf_append(&tb.h, "a", 1), PRAM_ERR_NOT_OPEN);
        tb_in(&tb, &wrong_port, 0, PRAM_BUF_STORAGE_SIZE(64u), 1, sizeof reg_mem);
        assert_int_equal(pram_buf_open(&tb.h), PRAM_ERR_DESC);
        tb_in(&tb, &no_port, 0, PRAM_BUF_STORAGE_SIZE(64u), 1, sizeof reg_mem);
        assert_int_equal(pram_buf_open(&tb.h), PRAM_ERR_DESC);
        assert_int_equal(pram_test_stores, s0);
        assert_unchanged(&tb);
    }
    /* Descriptor sizes: too small for control + one header, or not /4;
     * a mode that is neither linear nor ring. */
    tb_at(&tb, st, 52, 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_ERR_DESC);
    tb_at(&tb, st, 58, 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_ERR_DESC);
    tb_at(&tb, (uint8_t *)st + 2, 56, 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_ERR_ALIGN);
    tb_at(&tb, NULL, 56, 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_ERR_DESC);
    assert_int_equal(pram_buf_append(&tb.h, "a", 1), PRAM_ERR_NOT_OPEN);
    tb_at(&tb, st, 56, 1);
    tb_mode(&tb, 2u);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_ERR_DESC);
    assert_int_equal(pram_buf_begin(&tb.h), PRAM_ERR_NOT_OPEN);
}

/* ---- Handles --------------------------------------------------------------- */

static void all_calls_return(pram_buf_t *h, int expected)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t rec = {NULL, 0u, 0u, 0u, 0u};
    uint64_t before = pram_test_stores;
    assert_int_equal(pram_buf_append(h, "abcd", 4), expected);
    assert_int_equal(pram_buf_append(h, NULL, 0), expected);
    assert_int_equal(pram_buf_clear(h), expected);
    assert_int_equal(pram_buf_begin(h), expected);
    assert_int_equal(pram_buf_write(h, "ab", 2), expected);
    assert_int_equal(pram_buf_commit(h), expected);
    assert_int_equal(pram_buf_cancel(h), expected);
    assert_int_equal(pram_buf_count(h), expected);
    assert_int_equal(pram_buf_space(h), expected);
    assert_int_equal(pram_buf_next(h, &it, &rec), expected);
    assert_int_equal(pram_buf_prev(h, &it, &rec), expected);
    assert_int_equal(pram_buf_read(h, &rec, readback, sizeof readback), expected);
    assert_int_equal(pram_buf_is_open(h), 0);
    assert_int_equal(pram_test_stores, before);
}

static void handle_errors(void **state)
{
    pram_buf_t h;
    pram_buf_def_t bad = PRAM_BUF_DEF_AT(st, 52, 1), saved_def;
    uint32_t k;
    (void)state;
    tb_at(&tb, st, sizeof st, 1);
    take_snap(&tb);
    /* NULL handle. */
    assert_int_equal(pram_buf_open(NULL), PRAM_ERR_NULL);
    all_calls_return(NULL, PRAM_ERR_NULL);
    assert_int_equal(pram_buf_takeover(NULL), PRAM_ERR_NULL);
    /* Never opened. */
    all_calls_return(&tb.h, PRAM_ERR_NOT_OPEN);
    assert_unchanged(&tb);
    /* Opened (a ring that has wrapped: every field in use): then the
     * handle's RAM gets corrupted. */
    tb_mode(&tb, PRAM_BUF_RING);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    model_init(&model, &tb);
    for (k = 0; model.wraps == 0u || model.pos[0] == 0u; k++)
        model_append(&tb, &model, 20u + k % 3u, k);
    assert_int_equal(pram_buf_is_open(&tb.h), 1);
    take_snap(&tb);
    h = tb.h;
    for (k = 0; k < 12; k++) {
        tb.h = h;
        switch (k) {
        case 0: tb.h.tail = CAP + 4u; break;
        case 1: tb.h.tail = 0xFFFFFFF0u; break;
        case 2: tb.h.tail = 2u; break; /* not a record boundary of any kind */
        case 3: tb.h.seq = h.seq + 1u; break; /* count != seq - head_seq */
        case 4: tb.h.head_seq = h.head_seq - 1u; break;
        case 5: tb.h.count = h.count + 1u; break;
        case 6: tb.h.head = CAP + 4u; break;
        case 7: tb.h.wrap = CAP + 4u; break;
        case 8: tb.h.wrap = h.tail - 4u; break; /* the newest would pass the oldest... */
        case 9: tb.h.head = h.wrap; break;      /* the oldest at the wrap point */
        case 10: tb.h.busy = 0x12345678u; break;
        default: tb.h.count = 0u, tb.h.seq = h.head_seq; break; /* empty, yet wrapped */
        }
        if (k == 8 && h.tail - 4u < h.head)
            continue; /* still consistent: not a corruption */
        all_calls_return(&tb.h, PRAM_ERR_CORRUPT);
    }
    tb.h = h;
    tb.h.open = 0x12345678u;
    all_calls_return(&tb.h, PRAM_ERR_NOT_OPEN);
    assert_unchanged(&tb);
    /* Restored, the handle works again. */
    tb.h = h;
    check_model(&tb, &model);
    /* A descriptor broken after open: every call checks it again. */
    saved_def = tb.def;
    tb.def.size = 50u;
    all_calls_return(&tb.h, PRAM_ERR_DESC);
    tb.def = saved_def;
    check_model(&tb, &model);
    /* A streamed record's fields corrupted: every call refuses. */
    assert_int_equal(model_begin(&tb, &model, 50), PRAM_OK);
    assert_int_equal(model_write(&tb, &model, 5), PRAM_OK);
    h = tb.h;
    tb.h.s_pos = CAP + 4u;
    all_calls_return(&tb.h, PRAM_ERR_CORRUPT);
    tb.h.s_pos = 2u;
    all_calls_return(&tb.h, PRAM_ERR_CORRUPT);
    tb.h = h;
    tb.h.s_len = CAP;
    all_calls_return(&tb.h, PRAM_ERR_CORRUPT);
    tb.h = h;
    model_commit(&tb, &model);
    check_raw(&tb, &model);
    h = tb.h;
    take_snap(&tb);
    /* Takeover rebuilds a corrupted handle from memory, as open does. */
    tb.h.tail = 2u;
    assert_int_equal(pram_buf_takeover(&tb.h), PRAM_BUF_ABANDONED);
    check_model(&tb, &model);
    /* A failed open leaves the handle closed. */
    tb.h.def = &bad;
    assert_int_equal(pram_buf_open(&tb.h), PRAM_ERR_DESC);
    all_calls_return(&tb.h, PRAM_ERR_NOT_OPEN);
    tb.h.def = NULL;
    assert_int_equal(pram_buf_open(&tb.h), PRAM_ERR_DESC);
    all_calls_return(&tb.h, PRAM_ERR_NOT_OPEN);
    assert_unchanged(&tb);
    reboot_check(&tb, &model);
}

/* A user cell with the same geometry, size and schema at the same place is
 * not a buffer control block: both commit with the same magic, but the
 * kind in the layout word differs (0 for user cells, 1 for control blocks),
 * so each verifiably reads the other as another layout (PRAM_ERR_LAYOUT):
 * the user cell never reads the control value, and the buffer, finding
 * another layout's header where its control block goes, reformats
 * (PRAM_BUF_REFORMED) rather than taking the user's value for its own. */
static void user_cell_is_not_control(void **state)
{
    pram_cell_t c;
    pram_buf_control_t v, o;
    (void)state;
    open_cold(&tb, &model, st, sizeof st, PRAM_BUF_LINEAR);
    model_append(&tb, &model, 4, 1);
    c.addr = st;
    c.region = NULL;
    c.offset = 0;
    c.size = 12;
    c.schema = 1;
    c.value_offset = 12;
    c.slot_size = 24;
    c.mode = PRAM_AB;
    c.kind = PRAM__KIND_CELL;
    /* The control block, through the user cell: another layout. */
    memset(&o, 0x5A, sizeof o);
    assert_int_equal(pram_cell_status(&c), PRAM_ERR_LAYOUT);
    assert_int_equal(pram_cell_get(&c, &o, sizeof o), PRAM_ERR_LAYOUT);
    assert_int_equal(o.data_size, 0x5A5A5A5Au);
    assert_int_equal(o.head_seq, 0x5A5A5A5Au);
    v.data_size = CAP;
    v.head = 0;
    v.head_seq = 0;
    assert_int_equal(pram_cell_set(&c, &v, sizeof v), PRAM_OK);
    assert_int_equal(pram_cell_set(&c, &v, sizeof v), PRAM_OK);
    assert_int_equal(pram_cell_get(&c, &o, sizeof o), PRAM_OK);
    assert_memory_equal(&o, &v, sizeof v);
    /* Nothing the buffer's decoder would take for a control block. */
    {
        uint32_t ds, hd, hs;
        assert_false(decode_control(&tb, &ds, &hd, &hs));
    }
    assert_int_equal(tb_boot(&tb), PRAM_BUF_REFORMED);
    model_init(&model, &tb);
    check_model(&tb, &model);
    check_raw(&tb, &model);
    /* And the reformatted control block is again another layout to the cell. */
    assert_int_equal(pram_cell_status(&c), PRAM_ERR_LAYOUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(ref_crc_is_ccitt_false, setup),
        cmocka_unit_test_setup(open_cold_formats, setup),
        cmocka_unit_test_setup(define_macro_buffer, setup),
        cmocka_unit_test_setup(append_sizes_layout, setup),
        cmocka_unit_test_setup(append_null_data, setup),
        cmocka_unit_test_setup(append_exact_fit, setup),
        cmocka_unit_test_setup(tiny_buffers, setup),
        cmocka_unit_test_setup(append_too_large, setup),
        cmocka_unit_test_setup(next_and_read, setup),
        cmocka_unit_test_setup(next_detects_corruption, setup),
        cmocka_unit_test_setup(iterators_follow_chain, setup),
        cmocka_unit_test_setup(saved_record_after_clear, setup),
        cmocka_unit_test_setup(open_bounded_on_crafted_image, setup),
        cmocka_unit_test_setup(clear_forgets, setup),
        cmocka_unit_test_setup(ring_clear_forgets, setup),
        cmocka_unit_test_setup(clear_stale_record_right_after_tail, setup),
        cmocka_unit_test_setup(seq_wrap, setup),
        cmocka_unit_test_setup(append_cost_constant, setup),
        cmocka_unit_test_setup(ring_wrap_layout, setup),
        cmocka_unit_test_setup(stream_records, setup),
        cmocka_unit_test_setup(stream_busy_and_scope, setup),
        cmocka_unit_test_setup(ring_drop_detects_damage, setup),
        cmocka_unit_test_setup(buffers_in_regions, setup),
        cmocka_unit_test_setup(rings_in_regions, setup),
        cmocka_unit_test_setup(region_def_errors, setup),
        cmocka_unit_test_setup(handle_errors, setup),
        cmocka_unit_test_setup(user_cell_is_not_control, setup),
    };
    return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
