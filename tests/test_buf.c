/* Record buffers: every operation, the stored layout, regions, handles, cost.
 *
 * Expectations are derived from the documented layout, never captured from a
 * run: records are checked byte by byte against a model (payloads generated
 * from a tag), record CRCs against a bitwise CRC-16/CCITT-FALSE written for
 * the tests, and the control block is decoded independently (decode_control);
 * those helpers are in tests/support/buf_model.c and ref_crc.c.
 * Power cuts, garbage storage and reboots are in test_buf_reboot.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "pram/pram.h"
#include "buf_model.h"
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

/* ---- Tests ----------------------------------------------------------------- */

static void ref_crc_is_ccitt_false(void **state)
{
    (void)state;
    assert_int_equal(ref_crc16(0xFFFFu, (const uint8_t *)"123456789", 9), 0x29B1);
    assert_int_equal(CTL, 40);
    assert_int_equal(PRAM_BUF_RECORD_SPACE(0), 8);
    assert_int_equal(PRAM_BUF_RECORD_SPACE(1), 12);
    assert_int_equal(PRAM_BUF_RECORD_SPACE(4), 12);
    assert_int_equal(PRAM_BUF_RECORD_SPACE(5), 16);
    assert_int_equal(PRAM_BUF_STORAGE_SIZE(CAP), 40 + CAP);
}

static void open_cold_formats(void **state)
{
    uint32_t i;
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t rec;
    (void)state;
    tb_at(&tb, st, sizeof st, 1);
    assert_false(decode_control(&tb, &i, &i));
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    assert_int_equal(pram_buf_count(&tb.h), 0);
    assert_int_equal(pram_buf_space(&tb.h), CAP - 8);
    assert_int_equal(pram_buf_next(&tb.h, &it, &rec), 0);
    for (i = 0; i < CAP; i++)
        assert_int_equal(*tb_byte(&tb, CTL + i), 0);
    assert_int_equal(control_epoch(&tb), 1);
    /* A second open of the formatted storage is intact and empty. */
    assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
    assert_int_equal(pram_buf_count(&tb.h), 0);
    assert_int_equal(control_epoch(&tb), 1);
    /* Opening again with the same handle is fine too. */
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_INTACT);
    check_model(&tb, &model);
}

static void define_macro_buffer(void **state)
{
    PRAM_BUF_DEFINE(mb, 101, 7); /* capacity rounded up to 4 */
    (void)state;
    assert_int_equal(mb__def.size, 40u + 104u);
    assert_int_equal(sizeof mb__storage, 40u + 104u);
    assert_int_equal(mb__def.schema, 7);
    memset(mb__storage, 0xFF, sizeof mb__storage);
    assert_int_equal(pram_buf_open(&mb), PRAM_BUF_COLD);
    assert_int_equal(pram_buf_space(&mb), 96);
    assert_int_equal(pram_buf_append(&mb, "abc", 3), PRAM_OK);
    assert_int_equal(pram_buf_count(&mb), 1);
    assert_int_equal(pram_buf_space(&mb), 104 - 12 - 8);
}

static void append_sizes_layout(void **state)
{
    static const uint32_t sizes[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 13, 0, 17, 31, 33, 1, 0};
    uint32_t i;
    (void)state;
    tb_at(&tb, big, PRAM_BUF_STORAGE_SIZE(512u), 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint32_t before = model_used(&model), L;
        take_snap(&tb);
        model_append(&tb, &model, sizes[i], 100u + i);
        /* Only the new record's bytes changed. */
        for (L = 0; L < tb.def.size; L++)
            if (L < CTL + before || L >= CTL + before + rec_space(sizes[i]))
                assert_int_equal(snap[L], *tb_byte(&tb, L));
        check_raw(&tb, &model, 1);
        check_model(&tb, &model);
    }
    reboot_check(&tb, &model);
    check_raw(&tb, &model, 1);
    /* Appending after a reboot continues at the recovered tail. */
    model_append(&tb, &model, 10, 999);
    check_raw(&tb, &model, 1);
    reboot_check(&tb, &model);
}

static void append_null_data(void **state)
{
    (void)state;
    tb_at(&tb, st, sizeof st, 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    take_snap(&tb);
    assert_int_equal(pram_buf_append(&tb.h, NULL, 1), PRAM_ERR_NULL);
    assert_unchanged(&tb);
    assert_int_equal(pram_buf_count(&tb.h), 0);
    /* NULL with length 0 is an empty record. */
    assert_int_equal(pram_buf_append(&tb.h, NULL, 0), PRAM_OK);
    model.len[0] = 0;
    model.tag[0] = 0;
    model.n = 1;
    check_raw(&tb, &model, 1);
    reboot_check(&tb, &model);
}

/* Fill to within `left` bytes, then: one byte too many is refused with nothing
 * written, the exact remaining payload fits, and afterwards nothing fits. */
static void exact_fit_case(uint32_t prefill_len, uint32_t shrink)
{
    uint32_t s, used;
    uint64_t stores;
    memset(st, 0xA5, sizeof st);
    memset(&model, 0, sizeof model);
    tb_at(&tb, st, sizeof st, 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
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
    assert_int_equal(pram_test_stores, stores);
    assert_unchanged(&tb);
    assert_int_equal(pram_buf_count(&tb.h), (int)model.n);
    assert_int_equal(pram_buf_space(&tb.h), (int)s);
    /* s, s-1, s-2, s-3 all take the same space: the rest of the area. */
    model_append(&tb, &model, s >= shrink ? s - shrink : s, 4242);
    assert_int_equal(pram_buf_space(&tb.h), PRAM_ERR_NO_SPACE);
    take_snap(&tb);
    assert_int_equal(pram_buf_append(&tb.h, payload, 0), PRAM_ERR_NO_SPACE);
    assert_int_equal(pram_buf_append(&tb.h, payload, 1), PRAM_ERR_NO_SPACE);
    assert_unchanged(&tb);
    check_model(&tb, &model);
    check_raw(&tb, &model, 1);
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
    static uint32_t t48[48 / 4], t52[52 / 4];
    (void)state;
    memset(t48, 0x77, sizeof t48);
    tb_at(&tb, t48, sizeof t48, 3);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    assert_int_equal(pram_buf_space(&tb.h), 0);
    assert_int_equal(pram_buf_append(&tb.h, "x", 1), PRAM_ERR_TOO_LARGE);
    model_append(&tb, &model, 0, 1);
    take_snap(&tb);
    assert_int_equal(pram_buf_append(&tb.h, NULL, 0), PRAM_ERR_NO_SPACE);
    assert_int_equal(pram_buf_append(&tb.h, "x", 1), PRAM_ERR_TOO_LARGE);
    assert_unchanged(&tb);
    check_raw(&tb, &model, 1);
    reboot_check(&tb, &model);

    memset(&model, 0, sizeof model);
    memset(t52, 0x77, sizeof t52);
    tb_at(&tb, t52, sizeof t52, 3);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    assert_int_equal(pram_buf_space(&tb.h), 4);
    model_append(&tb, &model, 0, 1);
    /* 4 bytes left: no record fits, not even an empty one. */
    assert_int_equal(pram_buf_space(&tb.h), PRAM_ERR_NO_SPACE);
    take_snap(&tb);
    assert_int_equal(pram_buf_append(&tb.h, NULL, 0), PRAM_ERR_NO_SPACE);
    assert_unchanged(&tb);
    reboot_check(&tb, &model);
}

static void append_too_large(void **state)
{
    uint64_t stores;
    uint32_t len;
    (void)state;
    /* Big data area: the limit is PRAM_RECORD_MAX_SIZE. */
    tb_at(&tb, big, sizeof big, 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
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
    check_raw(&tb, &model, 1);
    reboot_check(&tb, &model);

    /* Small data area: a record larger than the whole area is TOO_LARGE even
     * when the buffer is not empty; one that fits an empty area is NO_SPACE. */
    memset(&model, 0, sizeof model);
    tb_at(&tb, st, PRAM_BUF_STORAGE_SIZE(64u), 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    for (len = 57; len <= 70; len++)
        assert_int_equal(pram_buf_append(&tb.h, payload, len), PRAM_ERR_TOO_LARGE);
    model_append(&tb, &model, 0, 1);
    take_snap(&tb);
    for (len = 57; len <= 70; len++)
        assert_int_equal(pram_buf_append(&tb.h, payload, len), PRAM_ERR_TOO_LARGE);
    assert_int_equal(pram_buf_append(&tb.h, payload, 56), PRAM_ERR_NO_SPACE);
    assert_unchanged(&tb);
    model_append(&tb, &model, 48, 2);
    check_model(&tb, &model);
    /* 56 fills an empty area exactly. */
    assert_int_equal(pram_buf_clear(&tb.h), PRAM_OK);
    memset(&model, 0, sizeof model);
    model_append(&tb, &model, 56, 3);
    assert_int_equal(pram_buf_space(&tb.h), PRAM_ERR_NO_SPACE);
    check_raw(&tb, &model, 2);
    reboot_check(&tb, &model);
}

static void next_and_read(void **state)
{
    pram_buf_iter_t a = PRAM_BUF_ITER_INIT, b = PRAM_BUF_ITER_INIT;
    pram_record_t ra, rb, r0;
    uint32_t i;
    (void)state;
    tb_at(&tb, st, sizeof st, 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    model_append(&tb, &model, 10, 1);
    model_append(&tb, &model, 0, 2);
    model_append(&tb, &model, 7, 3);
    /* Two iterators are independent. */
    assert_int_equal(pram_buf_next(&tb.h, &a, &ra), 1);
    assert_int_equal(pram_buf_next(&tb.h, &a, &ra), 1);
    assert_int_equal(pram_buf_next(&tb.h, &b, &rb), 1);
    assert_int_equal(ra.pos, 20);
    assert_int_equal(ra.len, 0);
    assert_int_equal(rb.pos, 0);
    assert_int_equal(rb.len, 10);
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
    /* NULL arguments. */
    assert_int_equal(pram_buf_next(&tb.h, NULL, &ra), PRAM_ERR_NULL);
    assert_int_equal(pram_buf_next(&tb.h, &a, NULL), PRAM_ERR_NULL);
    assert_int_equal(pram_buf_read(&tb.h, NULL, readback, 16), PRAM_ERR_NULL);
    assert_int_equal(pram_buf_read(&tb.h, &rb, NULL, 16), PRAM_ERR_NULL);
    /* A record position at or past the tail, or inside a record, is not a
     * record: an error, nothing copied. */
    memset(readback, 0xCC, 16);
    r0 = rb;
    r0.pos = 44;
    assert_true(pram_buf_read(&tb.h, &r0, readback, 16) < 0);
    r0.pos = 1000;
    assert_true(pram_buf_read(&tb.h, &r0, readback, 16) < 0);
    r0.pos = 0xFFFFFFF8u;
    assert_true(pram_buf_read(&tb.h, &r0, readback, 16) < 0);
    r0.pos = 8;
    assert_true(pram_buf_read(&tb.h, &r0, readback, 16) < 0);
    for (i = 0; i < 16; i++)
        assert_int_equal(readback[i], 0xCC);
    /* Misaligned positions from a caller's record or iterator: an error
     * (and no misaligned access: UBSan). */
    r0.pos = 2;
    assert_true(pram_buf_read(&tb.h, &r0, readback, 16) < 0);
    r0.pos = 21;
    assert_true(pram_buf_read(&tb.h, &r0, readback, 16) < 0);
    for (i = 0; i < 16; i++)
        assert_int_equal(readback[i], 0xCC);
    b.pos = 1;
    assert_true(pram_buf_next(&tb.h, &b, &rb) < 0);
    b.pos = 22;
    assert_true(pram_buf_next(&tb.h, &b, &rb) < 0);
    /* An iterator past the tail is at the end. */
    b.pos = 1000;
    assert_int_equal(pram_buf_next(&tb.h, &b, &rb), 0);
    /* An iterator left at the end sees records appended later. */
    assert_int_equal(pram_buf_next(&tb.h, &a, &ra), 1);
    assert_int_equal(pram_buf_next(&tb.h, &a, &ra), 0);
    model_append(&tb, &model, 3, 4);
    assert_int_equal(pram_buf_next(&tb.h, &a, &ra), 1);
    assert_int_equal(ra.pos, 44);
    assert_int_equal(ra.len, 3);
    assert_int_equal(pram_buf_next(&tb.h, &a, &ra), 0);
    check_model(&tb, &model);
}

/* A record kept from before a clear is not a record of the new contents,
 * even where a new record of the same or another length now stands: read
 * refuses it (it used to return the new record's bytes). */
static void saved_record_after_clear(void **state)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t old_a, old_b, now, forged;
    (void)state;
    tb_at(&tb, st, sizeof st, 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
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
    /* The same after a reboot (the epoch is the buffer's, not the handle's). */
    assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
    assert_int_equal(pram_buf_read(&tb.h, &old_a, readback, sizeof readback), PRAM_ERR_RANGE);
    /* The new records read as themselves. */
    it.pos = 0;
    assert_int_equal(pram_buf_next(&tb.h, &it, &now), 1);
    assert_int_equal(pram_buf_read(&tb.h, &now, readback, sizeof readback), 5);
    assert_memory_equal(readback, "new-x", 5);
    /* A record whose length was changed by its holder names another record
     * than the one at its position. */
    forged = now;
    forged.len = 3u;
    assert_int_equal(pram_buf_read(&tb.h, &forged, readback, sizeof readback), PRAM_ERR_RANGE);
    assert_int_equal(pram_buf_next(&tb.h, &it, &now), 1);
    assert_int_equal(pram_buf_read(&tb.h, &now, readback, sizeof readback), 10);
    assert_memory_equal(readback, "new-longer", 10);
}

/* A record changed in memory after open: next and read refuse it. */
static void next_detects_corruption(void **state)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r1, r2;
    (void)state;
    tb_at(&tb, st, sizeof st, 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    model_append(&tb, &model, 12, 1);
    model_append(&tb, &model, 12, 2);
    model_append(&tb, &model, 12, 3);
    assert_int_equal(pram_buf_next(&tb.h, &it, &r1), 1);
    assert_int_equal(pram_buf_next(&tb.h, &it, &r2), 1);
    *tb_byte(&tb, CTL + 20u + 8u + 5u) ^= 0x10u; /* payload byte of record 2 */
    assert_int_equal(pram_buf_read(&tb.h, &r2, readback, sizeof readback), PRAM_ERR_CORRUPT);
    assert_int_equal(pram_buf_read(&tb.h, &r1, readback, sizeof readback), 12);
    it.pos = 0;
    assert_int_equal(pram_buf_next(&tb.h, &it, &r1), 1);
    assert_int_equal(pram_buf_next(&tb.h, &it, &r2), PRAM_ERR_CORRUPT);
    assert_int_equal(pram_buf_next(&tb.h, &it, &r2), PRAM_ERR_CORRUPT);
    /* Restored: fine again. */
    *tb_byte(&tb, CTL + 20u + 8u + 5u) ^= 0x10u;
    check_model(&tb, &model);
    /* Epoch word of the last record. */
    *tb_byte(&tb, CTL + 40u) ^= 0x01u;
    it.pos = 40;
    assert_int_equal(pram_buf_next(&tb.h, &it, &r2), PRAM_ERR_CORRUPT);
    *tb_byte(&tb, CTL + 40u) ^= 0x01u;
    /* Length field. */
    *tb_byte(&tb, CTL + 44u) ^= 0x04u;
    it.pos = 40;
    assert_int_equal(pram_buf_next(&tb.h, &it, &r2), PRAM_ERR_CORRUPT);
    *tb_byte(&tb, CTL + 44u) ^= 0x04u;
    /* CRC field. */
    *tb_byte(&tb, CTL + 47u) ^= 0x80u;
    it.pos = 40;
    assert_int_equal(pram_buf_next(&tb.h, &it, &r2), PRAM_ERR_CORRUPT);
    *tb_byte(&tb, CTL + 47u) ^= 0x80u;
    check_model(&tb, &model);
    /* After a reboot that stopped at corrupted record 2, record 3 is still a
     * valid record in memory but lies past the tail: read refuses it. */
    *tb_byte(&tb, CTL + 20u + 8u + 5u) ^= 0x10u;
    assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
    assert_int_equal(pram_buf_count(&tb.h), 1);
    r2.pos = 40;
    r2.len = 12;
    memset(readback, 0xCC, 16);
    assert_true(pram_buf_read(&tb.h, &r2, readback, 16) < 0);
    assert_int_equal(readback[0], 0xCC);
    it.pos = 40;
    assert_int_equal(pram_buf_next(&tb.h, &it, &r2), 0);
}

static void clear_forgets(void **state)
{
    uint64_t s;
    uint32_t round, i, stale_at_tail = 0u;
    static uint32_t oldlen[MAXR];
    (void)state;
    s = 77;
    tb_at(&tb, st, sizeof st, 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    /* Clear on an empty buffer. */
    assert_int_equal(pram_buf_clear(&tb.h), PRAM_OK);
    assert_int_equal(control_epoch(&tb), 2);
    reboot_check(&tb, &model);
    for (round = 0; round < 60; round++) {
        uint32_t epoch, n, old_tail, k;
        /* Several records, then clear, then fewer/shorter ones. */
        assert_int_equal(pram_buf_clear(&tb.h), PRAM_OK);
        epoch = control_epoch(&tb);
        memset(&model, 0, sizeof model);
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
        check_raw(&tb, &model, epoch);
        assert_int_equal(pram_buf_clear(&tb.h), PRAM_OK);
        assert_int_equal(control_epoch(&tb), epoch + 1u);
        memset(&model, 0, sizeof model);
        check_model(&tb, &model);
        assert_int_equal(pram_buf_space(&tb.h), CAP - 8);
        reboot_check(&tb, &model);
        if (round % 2u == 0u) {
            /* The same sizes as the first k old records: the tail is then
             * exactly at old record k, whose epoch word is the old epoch. */
            k = 1u + (uint32_t)(test_rand(&s) % (n - 1u));
            for (i = 0; i < k; i++)
                model_append(&tb, &model, oldlen[i], 7000u + round * 10u + i);
            /* Unless open's scrub zeroed that area (payload words there can
             * look like a record header of the new epoch), also allowed. */
            if (tb_word(&tb, CTL + model_used(&model)) == epoch)
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
        check_raw(&tb, &model, epoch + 1u);
    }
    /* The scenario must have happened, not only been allowed. */
    assert_true(stale_at_tail >= 10u);
}

static void clear_stale_record_right_after_tail(void **state)
{
    uint32_t i;
    (void)state;
    tb_at(&tb, st, sizeof st, 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    for (i = 0; i < 6; i++)
        model_append(&tb, &model, 16, i);
    assert_int_equal(pram_buf_clear(&tb.h), PRAM_OK);
    memset(&model, 0, sizeof model);
    /* Same sizes as before: each new record ends where an old one starts. */
    model_append(&tb, &model, 16, 100);
    model_append(&tb, &model, 16, 101);
    assert_int_equal(tb_word(&tb, CTL + 48u), 1u); /* old record 3, epoch 1 */
    reboot_check(&tb, &model);
    assert_int_equal(pram_buf_clear(&tb.h), PRAM_OK);
    memset(&model, 0, sizeof model);
    reboot_check(&tb, &model);
    model_append(&tb, &model, 16, 200);
    assert_int_equal(tb_word(&tb, CTL + 24u), 2u); /* record of epoch 2 */
    reboot_check(&tb, &model);
    check_raw(&tb, &model, 3);
}

/* Control epoch 0xFFFFFFFE: clear -> 0xFFFFFFFF, clear -> wraps (format). */
static void epoch_wrap(void **state)
{
    uint32_t i;
    (void)state;
    tb_at(&tb, st, sizeof st, 4);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    craft_control(&tb, 0xFFFFFFFEu, CAP, 4);
    assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
    assert_int_equal(control_epoch(&tb), 0xFFFFFFFEu);
    for (i = 0; i < 8; i++)
        model_append(&tb, &model, 20, i);
    check_raw(&tb, &model, 0xFFFFFFFEu);
    reboot_check(&tb, &model);
    assert_int_equal(pram_buf_clear(&tb.h), PRAM_OK);
    assert_int_equal(control_epoch(&tb), 0xFFFFFFFFu);
    memset(&model, 0, sizeof model);
    reboot_check(&tb, &model);
    for (i = 0; i < 3; i++)
        model_append(&tb, &model, 4, 100 + i);
    check_raw(&tb, &model, 0xFFFFFFFFu);
    reboot_check(&tb, &model);
    assert_int_equal(pram_buf_clear(&tb.h), PRAM_OK);
    memset(&model, 0, sizeof model);
    check_model(&tb, &model);
    assert_int_equal(control_epoch(&tb), 1);
    for (i = 0; i < CAP; i++)
        assert_int_equal(*tb_byte(&tb, CTL + i), 0);
    reboot_check(&tb, &model);
    for (i = 0; i < 2; i++)
        model_append(&tb, &model, 9, 200 + i);
    check_raw(&tb, &model, 1);
    reboot_check(&tb, &model);
    assert_int_equal(pram_buf_clear(&tb.h), PRAM_OK);
    assert_int_equal(control_epoch(&tb), 2);
    memset(&model, 0, sizeof model);
    reboot_check(&tb, &model);
    model_append(&tb, &model, 1, 300);
    reboot_check(&tb, &model);
}

/* Records written at epoch 1 before a wrap must not come back once the
 * epoch counts up to 1 again: also start directly at 0xFFFFFFFF. */
static void epoch_wrap_from_max(void **state)
{
    uint32_t i;
    (void)state;
    tb_at(&tb, st, sizeof st, 4);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    for (i = 0; i < 5; i++)
        model_append(&tb, &model, 12, i); /* epoch 1 records */
    craft_control(&tb, 0xFFFFFFFFu, CAP, 4);
    memset(&model, 0, sizeof model);
    assert_int_equal(tb_boot(&tb), PRAM_BUF_INTACT);
    check_model(&tb, &model);
    model_append(&tb, &model, 3, 50);
    reboot_check(&tb, &model);
    assert_int_equal(pram_buf_clear(&tb.h), PRAM_OK);
    memset(&model, 0, sizeof model);
    assert_int_equal(control_epoch(&tb), 1);
    reboot_check(&tb, &model);
    /* Same size as the old epoch-1 record 0: ends where old record 1 began. */
    model_append(&tb, &model, 12, 60);
    reboot_check(&tb, &model);
    check_raw(&tb, &model, 1);
}

/* O(1) append: the same record costs the same stores empty or nearly full,
 * and exactly what the commit order says: epoch <- 0, 4 payload words,
 * len|crc, epoch. */
static void append_cost_constant(void **state)
{
    uint64_t before, empty_cost, full_cost, clear_small, clear_big;
    (void)state;
    tb_at(&tb, big, PRAM_BUF_STORAGE_SIZE(4096u), 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
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
    /* Clear is O(1): same cost full as on a much smaller empty buffer. */
    before = pram_test_stores;
    assert_int_equal(pram_buf_clear(&tb.h), PRAM_OK);
    clear_big = pram_test_stores - before;
    tb_at(&tb2, st, sizeof st, 1);
    assert_int_equal(pram_buf_open(&tb2.h), PRAM_BUF_COLD);
    before = pram_test_stores;
    assert_int_equal(pram_buf_clear(&tb2.h), PRAM_OK);
    clear_small = pram_test_stores - before;
    assert_int_equal(clear_big, clear_small);
    assert_true(clear_small <= 12u);
    /* Other sizes: 3 + words of payload. */
    memset(&model, 0, sizeof model);
    before = pram_test_stores;
    model_append(&tb, &model, 0, 1);
    assert_int_equal(pram_test_stores - before, 3);
    before = pram_test_stores;
    model_append(&tb, &model, 5, 1);
    assert_int_equal(pram_test_stores - before, 5);
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
    memset(&model, 0, sizeof model);
    memset(&model2, 0, sizeof model2);
    tb_in(&tb, &r, off_a, size_a, 1, sizeof reg_mem);
    tb_in(&tb2, &r, off_b, size_b, 2, sizeof reg_mem);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    assert_int_equal(pram_buf_open(&tb2.h), PRAM_BUF_COLD);
    assert_int_equal(control_epoch(&tb), 1);
    assert_int_equal(control_epoch(&tb2), 1);
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
    check_raw(&tb, &model, 1);
    check_raw(&tb2, &model2, 1);
    reboot_check(&tb, &model);
    reboot_check(&tb2, &model2);
    /* Fill the first one exactly: the second is unaffected. */
    model_append(&tb, &model, exp_space(96u, model_used(&model)), 6);
    assert_int_equal(pram_buf_space(&tb.h), PRAM_ERR_NO_SPACE);
    assert_int_equal(pram_buf_clear(&tb2.h), PRAM_OK);
    memset(&model2, 0, sizeof model2);
    model_append(&tb2, &model2, 3, 7);
    reboot_check(&tb, &model);
    reboot_check(&tb2, &model2);
    check_raw(&tb, &model, 1);
    check_raw(&tb2, &model2, 2);
    for (i = 0; i < off_a; i++)
        assert_int_equal(*tb_byte(&tb, 0u - off_a + i), 0xC3);
    /* Gaps between narrow registers are never written. */
    if (stride > width)
        for (i = 0; i < units; i++)
            assert_int_equal(((uint8_t *)reg_mem)[(size_t)i * stride + width], 0xC3);
    regfile_attach(NULL);
    assert_true(width == 0u || (rf.loads > 0u && rf.stores > 0u));
}

/* Open must cost a bounded number of accesses whatever the memory holds.
 * The worst image for a scrub that CRC-checks every candidate: beyond the
 * tail, the epoch word followed by the largest length that fits, every 8
 * bytes (each candidate then costs a CRC over the rest of the area: about
 * n^2/16 loads).  In a width-4 region every access, CRC reads included, goes
 * through the counted register-file accessor. */
static void open_bounded_on_crafted_image(void **state)
{
    static regfile_t rf;
    pram_region_t r;
    uint32_t size = PRAM_BUF_STORAGE_SIZE(2000u), data = size - PRAM_BUF_CONTROL_SIZE;
    uint32_t words = size / 4u, at, loads;
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
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    /* The tail is 0 (its epoch word 0); every 8 bytes from 8 on: a header
     * of epoch 1 with a length that just fits. */
    for (at = 8u; at + PRAM_BUF_RECORD_HEADER <= data; at += 8u) {
        reg_mem[(PRAM_BUF_CONTROL_SIZE + at) / 4u] = 1u;
        reg_mem[(PRAM_BUF_CONTROL_SIZE + at) / 4u + 1u] = (data - at - PRAM_BUF_RECORD_HEADER) & ~3u;
    }
    rf.loads = 0u;
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_INTACT);
    loads = rf.loads;
    print_message("open over a crafted %u-byte image: %u loads (%u words)\n", (unsigned)size,
                  (unsigned)loads, (unsigned)words);
    /* The control block (two slots, with their CRCs), one pass beyond the
     * tail with two loads per candidate: well under 3 loads per word. */
    assert_true(loads <= 3u * words);
    /* Nothing of the crafted headers is left to come back. */
    assert_int_equal(pram_buf_count(&tb.h), 0);
    for (at = 0u; at < data; at += 4u)
        assert_int_equal(reg_mem[(PRAM_BUF_CONTROL_SIZE + at) / 4u], 0u);
    regfile_attach(NULL);
}

static void buffers_in_regions(void **state)
{
    (void)state;
    region_case(0, 0, 512);  /* ordinary memory */
    region_case(4, 0, 512);  /* 32-bit registers, contiguous */
    region_case(4, 8, 256);  /* 32-bit registers every 8 bytes */
    region_case(2, 4, 512);  /* STM32F1-style: 16 bits every 4 bytes */
    region_case(1, 0, 2048); /* byte registers */
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
    /* Descriptor sizes: too small for control + one header, or not /4. */
    tb_at(&tb, st, 44, 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_ERR_DESC);
    tb_at(&tb, st, 50, 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_ERR_DESC);
    tb_at(&tb, (uint8_t *)st + 2, 48, 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_ERR_ALIGN);
    tb_at(&tb, NULL, 48, 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_ERR_DESC);
    assert_int_equal(pram_buf_append(&tb.h, "a", 1), PRAM_ERR_NOT_OPEN);
}

/* ---- Handles --------------------------------------------------------------- */

static void all_calls_return(pram_buf_t *h, int expected)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t rec = {NULL, 0u, 0u, 0u};
    uint64_t before = pram_test_stores;
    assert_int_equal(pram_buf_append(h, "abcd", 4), expected);
    assert_int_equal(pram_buf_append(h, NULL, 0), expected);
    assert_int_equal(pram_buf_clear(h), expected);
    assert_int_equal(pram_buf_count(h), expected);
    assert_int_equal(pram_buf_space(h), expected);
    assert_int_equal(pram_buf_next(h, &it, &rec), expected);
    assert_int_equal(pram_buf_read(h, &rec, readback, sizeof readback), expected);
    assert_int_equal(pram_test_stores, before);
}

static void handle_errors(void **state)
{
    pram_buf_t h;
    pram_buf_def_t bad = PRAM_BUF_DEF_AT(st, 44, 1);
    (void)state;
    tb_at(&tb, st, sizeof st, 1);
    take_snap(&tb);
    /* NULL handle. */
    assert_int_equal(pram_buf_open(NULL), PRAM_ERR_NULL);
    all_calls_return(NULL, PRAM_ERR_NULL);
    /* Never opened. */
    all_calls_return(&tb.h, PRAM_ERR_NOT_OPEN);
    assert_unchanged(&tb);
    /* Opened: then the handle's RAM gets corrupted. */
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    model_append(&tb, &model, 4, 1);
    take_snap(&tb);
    h = tb.h;
    tb.h.tail = CAP + 4u;
    all_calls_return(&tb.h, PRAM_ERR_CORRUPT);
    tb.h.tail = 0xFFFFFFF0u;
    all_calls_return(&tb.h, PRAM_ERR_CORRUPT);
    tb.h = h;
    tb.h.tail = 2u; /* not a record boundary of any kind */
    all_calls_return(&tb.h, PRAM_ERR_CORRUPT);
    tb.h = h;
    tb.h.epoch = 0u;
    all_calls_return(&tb.h, PRAM_ERR_CORRUPT);
    tb.h = h;
    tb.h.open = 0x12345678u;
    all_calls_return(&tb.h, PRAM_ERR_NOT_OPEN);
    assert_unchanged(&tb);
    /* Restored, the handle works again. */
    tb.h = h;
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
    tb_at(&tb, st, sizeof st, 1);
    assert_int_equal(pram_buf_open(&tb.h), PRAM_BUF_COLD);
    model_append(&tb, &model, 4, 1);
    c.addr = st;
    c.region = NULL;
    c.offset = 0;
    c.size = 8;
    c.schema = 1;
    c.value_offset = 12;
    c.slot_size = 20;
    c.mode = PRAM_AB;
    c.kind = PRAM__KIND_CELL;
    /* The control block, through the user cell: another layout. */
    memset(&o, 0x5A, sizeof o);
    assert_int_equal(pram_cell_status(&c), PRAM_ERR_LAYOUT);
    assert_int_equal(pram_cell_get(&c, &o, sizeof o), PRAM_ERR_LAYOUT);
    assert_int_equal(o.epoch, 0x5A5A5A5Au);
    v.epoch = 1;
    v.data_size = CAP;
    assert_int_equal(pram_cell_set(&c, &v, sizeof v), PRAM_OK);
    assert_int_equal(pram_cell_set(&c, &v, sizeof v), PRAM_OK);
    assert_int_equal(pram_cell_get(&c, &o, sizeof o), PRAM_OK);
    assert_memory_equal(&o, &v, sizeof v);
    /* Nothing the buffer's decoder would take for a control block. */
    {
        uint32_t e, ds;
        assert_false(decode_control(&tb, &e, &ds));
    }
    assert_int_equal(tb_boot(&tb), PRAM_BUF_REFORMED);
    memset(&model, 0, sizeof model);
    check_model(&tb, &model);
    assert_int_equal(control_epoch(&tb), 1u);
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
        cmocka_unit_test_setup(saved_record_after_clear, setup),
        cmocka_unit_test_setup(open_bounded_on_crafted_image, setup),
        cmocka_unit_test_setup(clear_forgets, setup),
        cmocka_unit_test_setup(clear_stale_record_right_after_tail, setup),
        cmocka_unit_test_setup(epoch_wrap, setup),
        cmocka_unit_test_setup(epoch_wrap_from_max, setup),
        cmocka_unit_test_setup(append_cost_constant, setup),
        cmocka_unit_test_setup(buffers_in_regions, setup),
        cmocka_unit_test_setup(region_def_errors, setup),
        cmocka_unit_test_setup(handle_errors, setup),
        cmocka_unit_test_setup(user_cell_is_not_control, setup),
    };
    return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
