/* Record-buffer test model and helpers: see buf_model.h. */
#include "buf_model.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "pram_cell_internal.h"
#include "ref_crc.h"
#include "test_support.h"

/* As documented: every container commits with the cell magic, and a buffer's
 * control block is told from a user cell by its kind (1) in bits 13-14 of
 * the layout word. */
#define BUF_CTL_MAGIC 0xE424D8F0u
#define BUF_CTL_KIND 1u
#define CTL_VALUE 12u /* {data_size, head, head_seq} */
#define CTL_SLOT 24u  /* 12-byte header + value */

uint32_t round4(uint32_t n) { return (n + 3u) & ~3u; }
uint32_t rec_space(uint32_t len) { return 8u + round4(len); }

/* Largest payload that fits in a data area of `size` with `used` bytes taken. */
uint32_t exp_space(uint32_t size, uint32_t used)
{
    uint32_t left = size - used;
    if (left < 8u)
        return 0u;
    left = (left - 8u) & ~3u;
    return left < MAXREC ? left : MAXREC;
}

/* What pram_buf_space() returns: the payload bound, or PRAM_ERR_NO_SPACE
 * when not even an empty record's header fits. */
int exp_space_rc(uint32_t size, uint32_t used)
{
    return size - used < 8u ? PRAM_ERR_NO_SPACE : (int)exp_space(size, used);
}

/* ---- A buffer under test: descriptor, handle and raw access ------------- */

void tb_fresh(tb_t *t)
{
    pram_buf_t n = PRAM_BUF_INIT(&t->def);
    t->h = n;
}

void tb_at(tb_t *t, void *storage, uint32_t size, uint16_t schema)
{
    pram_buf_def_t d = PRAM_BUF_DEF_AT(storage, size, schema);
    memset(t, 0, sizeof *t);
    t->def = d;
    t->base = (uint8_t *)storage;
    t->phys_len = size;
    tb_fresh(t);
}

void tb_in(tb_t *t, const pram_region_t *r, uint32_t offset, uint32_t size, uint16_t schema,
           size_t phys_len)
{
    pram_buf_def_t d = PRAM_BUF_DEF_IN(r, offset, size, schema);
    memset(t, 0, sizeof *t);
    t->def = d;
    t->base = (uint8_t *)(uintptr_t)r->base;
    t->phys_len = phys_len;
    tb_fresh(t);
}

void tb_mode(tb_t *t, uint8_t mode)
{
    t->def.mode = mode;
    tb_fresh(t);
}

/* A fresh handle on the same storage: what a reboot leaves. */
int tb_boot(tb_t *t)
{
    tb_fresh(t);
    return pram_buf_open(&t->h);
}

uint32_t tb_data_size(const tb_t *t) { return t->def.size - CTL; }

/* Physical byte for storage byte L (maps region width/stride). */
uint8_t *tb_byte(const tb_t *t, uint32_t L)
{
    const pram_region_t *r = t->def.region;
    uint32_t x, w, step;
    if (!r)
        return t->base + L;
    x = t->def.offset + L;
    w = r->width;
    if (w == 0u)
        return t->base + x;
    step = r->stride ? r->stride : w;
    return t->base + (size_t)(x / w) * step + x % w;
}

uint32_t tb_word(const tb_t *t, uint32_t L)
{
    uint8_t b[4];
    uint32_t w;
    int i;
    for (i = 0; i < 4; i++)
        b[i] = *tb_byte(t, L + (uint32_t)i);
    memcpy(&w, b, 4);
    return w;
}

void tb_set_word(const tb_t *t, uint32_t L, uint32_t w)
{
    uint8_t b[4];
    int i;
    memcpy(b, &w, 4);
    for (i = 0; i < 4; i++)
        *tb_byte(t, L + (uint32_t)i) = b[i];
}

int tb_direct(const tb_t *t) { return !t->def.region || t->def.region->width == 0u; }

/* Decodes the A/B control cell from the documented header layout: slot =
 * magic (the one every container commits with), seal (seq | CRC-16 << 16
 * over layout and value, register started at 0xFFFF ^ seq), layout (value
 * size 12 | kind 1, a buffer control block, << 13 | schema << 16), value
 * {data_size, head, head_seq}: 24-byte slots. */
int control_slot(const tb_t *t)
{
    int s, best = -1;
    uint16_t best_seq = 0;
    for (s = 0; s < 2; s++) {
        uint32_t at = (uint32_t)s * CTL_SLOT, layout = tb_word(t, at + 8u);
        uint32_t seal = tb_word(t, at + 4u);
        uint8_t v[CTL_VALUE];
        uint16_t seq = (uint16_t)seal;
        uint32_t i;
        if (tb_word(t, at) != BUF_CTL_MAGIC ||
            layout != (CTL_VALUE | (BUF_CTL_KIND << 13) | ((uint32_t)t->def.schema << 16)))
            continue;
        for (i = 0; i < CTL_VALUE; i++)
            v[i] = *tb_byte(t, at + 12u + i);
        if (ref_seal_crc(layout, seq, v, CTL_VALUE) != (uint16_t)(seal >> 16))
            continue;
        if (best < 0 || (uint16_t)(seq - best_seq) - 1u < 0x7FFFu) {
            best = s;
            best_seq = seq;
        }
    }
    return best;
}

int decode_control(const tb_t *t, uint32_t *data_size, uint32_t *head, uint32_t *head_seq)
{
    int best = control_slot(t);
    uint32_t at;
    if (best < 0)
        return 0;
    at = (uint32_t)best * CTL_SLOT + 12u;
    *data_size = tb_word(t, at);
    *head = tb_word(t, at + 4u);
    *head_seq = tb_word(t, at + 8u);
    return 1;
}

void control_is(const tb_t *t, uint32_t head, uint32_t head_seq)
{
    uint32_t ds = 0, h = 0, hs = 0;
    assert_true(decode_control(t, &ds, &h, &hs));
    assert_int_equal(ds, tb_data_size(t));
    assert_int_equal(h, head);
    assert_int_equal(hs, head_seq);
}

uint32_t control_head_seq(const tb_t *t)
{
    uint32_t ds = 0, h = 0, hs = 0;
    assert_true(decode_control(t, &ds, &h, &hs));
    assert_int_equal(ds, tb_data_size(t));
    return hs;
}

/* The library's own control cell, checked against the documented geometry
 * (A/B at the start of the storage, kind 1: a buffer control block, 12-byte
 * header, 12-byte value, 24-byte slots), with the schema replaced; written
 * through the generic API (which checks the descriptor first). */
void craft_control(const tb_t *t, uint32_t data_size, uint32_t head, uint32_t head_seq,
                   uint16_t schema)
{
    pram_cell_t c;
    pram_buf_control_t v;
    pram__buf_control_cell(&t->def, &c);
    assert_ptr_equal(c.addr, t->def.addr);
    assert_ptr_equal(c.region, t->def.region);
    assert_int_equal(c.offset, t->def.offset);
    assert_int_equal(c.kind, BUF_CTL_KIND);
    assert_int_equal(c.size, CTL_VALUE);
    assert_int_equal(c.schema, t->def.schema);
    assert_int_equal(c.value_offset, 12u);
    assert_int_equal(c.slot_size, CTL_SLOT);
    assert_int_equal(c.mode, PRAM_AB);
    assert_int_equal(sizeof v, CTL_VALUE);
    c.schema = schema;
    v.data_size = data_size;
    v.head = head;
    v.head_seq = head_seq;
    assert_int_equal(pram_cell_set(&c, &v, sizeof v), PRAM_OK);
}

/* ---- Model of what the buffer must hold ---------------------------------- */

uint8_t payload[MAXREC + 64];
uint8_t readback[MAXREC + 64];

void gen_payload(uint32_t tag, uint32_t len, uint8_t *out)
{
    uint64_t s = (uint64_t)tag * 0x9E3779B97F4A7C15ull + 0x1234567ull;
    test_fill_random(out, len, &s);
}

void model_init(model_t *m, const tb_t *t)
{
    memset(m, 0, sizeof *m);
    m->D = tb_data_size(t);
    m->ring = t->def.mode == PRAM_BUF_RING;
}

void model_clear(model_t *m)
{
    m->n = 0;
    m->tail = 0;
    m->streaming = 0;
}

void model_truncate(model_t *m, uint32_t k)
{
    assert_true(k <= m->n);
    if (k == m->n)
        return;
    /* The chain ends after record k - 1; with none left, the empty buffer's
     * spot is the control block's head: where record 0 stood. */
    m->tail = k ? m->pos[k - 1u] + rec_space(m->len[k - 1u]) : m->pos[0];
    m->next_seq = m->seq[k];
    m->n = k;
}

void model_cut_clear(model_t *m)
{
    uint32_t head_seq = model_head_seq(m);
    assert_true(m->n > 0u);
    m->n = 0;
    m->tail = 0;
    m->next_seq = head_seq + m->D / 8u + 1u;
    m->streaming = 0;
}

void model_copy(model_t *dst, const model_t *src) { memcpy(dst, src, sizeof *dst); }

uint32_t model_head(const model_t *m) { return m->n ? m->pos[0] : m->tail; }
uint32_t model_head_seq(const model_t *m) { return m->n ? m->seq[0] : m->next_seq; }

uint32_t model_used(const model_t *m)
{
    uint32_t i, used = 0;
    for (i = 0; i < m->n; i++)
        used += rec_space(m->len[i]);
    return used;
}

int model_free(const model_t *m, uint32_t p, uint32_t need)
{
    uint32_t i;
    if (p > m->D || m->D - p < need)
        return 0;
    for (i = 0; i < m->n; i++) {
        uint32_t a = m->pos[i], e = a + rec_space(m->len[i]);
        if (p < e && a < p + need)
            return 0;
    }
    return 1;
}

/* Free bytes from p up to the next record or the end (0 if p is inside a
 * record): the largest need model_free(m, p, need) accepts. */
static uint32_t room_from(const model_t *m, uint32_t p)
{
    uint32_t i, end = m->D;
    if (p > m->D)
        return 0;
    for (i = 0; i < m->n; i++) {
        uint32_t a = m->pos[i], e = a + rec_space(m->len[i]);
        if (a <= p && p < e)
            return 0;
        if (a >= p && a < end)
            end = a;
    }
    return end - p;
}

int model_space(const model_t *m)
{
    uint32_t a = room_from(m, m->tail), b = room_from(m, 0u), left = a > b ? a : b;
    if (left < 8u)
        return PRAM_ERR_NO_SPACE;
    left = (left - 8u) & ~3u;
    return (int)(left < MAXREC ? left : MAXREC);
}

static void model_drop(model_t *m)
{
    assert_true(m->n > 0u);
    m->drops++;
    memmove(&m->len[0], &m->len[1], (m->n - 1u) * sizeof m->len[0]);
    memmove(&m->tag[0], &m->tag[1], (m->n - 1u) * sizeof m->tag[0]);
    memmove(&m->pos[0], &m->pos[1], (m->n - 1u) * sizeof m->pos[0]);
    memmove(&m->seq[0], &m->seq[1], (m->n - 1u) * sizeof m->seq[0]);
    m->n--;
}

/* Where a record of need bytes goes (a ring drops for it), or -1. */
static int64_t model_place(model_t *m, uint32_t need)
{
    for (;;) {
        if (model_free(m, m->tail, need))
            return m->tail;
        if (model_free(m, 0u, need))
            return 0;
        if (!m->ring || !m->n)
            return -1;
        model_drop(m);
    }
}

void model_add(model_t *m, uint32_t pos, uint32_t len, uint32_t tag)
{
    uint32_t k = m->n;
    assert_true(k < MAXR);
    if (k && pos != m->tail)
        m->wraps++;
    m->pos[k] = pos;
    m->len[k] = len;
    m->tag[k] = tag;
    m->seq[k] = m->next_seq++;
    m->tail = pos + rec_space(len);
    m->n = k + 1u;
}

int model_expect_append(model_t *m, uint32_t len, uint32_t tag)
{
    int64_t at;
    assert_false(m->streaming);
    if (len > MAXREC || rec_space(len) > m->D)
        return PRAM_ERR_TOO_LARGE;
    at = model_place(m, rec_space(len));
    if (at < 0)
        return PRAM_ERR_NO_SPACE;
    model_add(m, (uint32_t)at, len, tag);
    return PRAM_OK;
}

int model_try_append(tb_t *t, model_t *m, uint32_t len, uint32_t tag)
{
    int rc, want;
    gen_payload(tag, len, payload);
    rc = pram_buf_append(&t->h, payload, len);
    want = model_expect_append(m, len, tag);
    assert_int_equal(rc, want);
    return rc;
}

void model_append(tb_t *t, model_t *m, uint32_t len, uint32_t tag)
{
    assert_int_equal(model_try_append(t, m, len, tag), PRAM_OK);
}

int model_expect_begin(model_t *m, uint32_t tag)
{
    int64_t at;
    assert_false(m->streaming);
    at = model_place(m, 8u);
    if (at < 0)
        return PRAM_ERR_NO_SPACE;
    m->streaming = 1;
    m->s_pos = (uint32_t)at;
    m->s_len = 0;
    m->s_tag = tag;
    if (!m->n)
        m->tail = (uint32_t)at; /* an empty buffer's spot moves with it */
    return PRAM_OK;
}

int model_begin(tb_t *t, model_t *m, uint32_t tag)
{
    int rc = pram_buf_begin(&t->h);
    assert_int_equal(rc, model_expect_begin(m, tag));
    return rc;
}

/* 1 if a record starts at or after p: what stops a record growing from p
 * is then a record, not the end of the area. */
static int record_after(const model_t *m, uint32_t p)
{
    uint32_t i;
    for (i = 0; i < m->n; i++)
        if (m->pos[i] >= p)
            return 1;
    return 0;
}

int model_expect_write(model_t *m, uint32_t n)
{
    uint32_t need = rec_space(m->s_len + n);
    assert_true(m->streaming);
    if (m->s_len + n > MAXREC || need > m->D)
        return PRAM_ERR_TOO_LARGE;
    if (!n)
        return PRAM_OK;
    for (;;) {
        if (model_free(m, m->s_pos, need))
            break;
        if (!m->ring)
            return PRAM_ERR_NO_SPACE;
        /* Stopped by the end of the area: it moves to 0 once that is free. */
        if (m->s_pos && !record_after(m, m->s_pos) && model_free(m, 0u, need)) {
            m->s_pos = 0;
            m->moves++;
            continue;
        }
        model_drop(m);
    }
    if (!m->n)
        m->tail = m->s_pos;
    m->s_len += n;
    return PRAM_OK;
}

int model_write(tb_t *t, model_t *m, uint32_t n)
{
    int rc;
    assert_true(m->streaming);
    gen_payload(m->s_tag, m->s_len + n, payload);
    rc = pram_buf_write(&t->h, payload + m->s_len, n);
    assert_int_equal(rc, model_expect_write(m, n));
    return rc;
}

void model_expect_commit(model_t *m)
{
    assert_true(m->streaming);
    model_add(m, m->s_pos, m->s_len, m->s_tag);
    m->streaming = 0;
}

void model_commit(tb_t *t, model_t *m)
{
    assert_true(m->streaming);
    assert_int_equal(pram_buf_commit(&t->h), PRAM_OK);
    model_expect_commit(m);
}

void model_cancel(tb_t *t, model_t *m)
{
    assert_true(m->streaming);
    assert_int_equal(pram_buf_cancel(&t->h), PRAM_OK);
    m->streaming = 0;
}

void model_stream(tb_t *t, model_t *m, uint32_t len, uint32_t tag, uint32_t chunk)
{
    uint32_t k = 0, c = chunk;
    assert_int_equal(model_begin(t, m, tag), PRAM_OK);
    while (k < len) {
        uint32_t n = c < len - k ? c : len - k;
        assert_int_equal(model_write(t, m, n), PRAM_OK);
        k += n;
        c = c >= chunk + 4u ? chunk : c + 1u;
    }
    model_commit(t, m);
}

void model_do_clear(tb_t *t, model_t *m)
{
    assert_int_equal(pram_buf_clear(&t->h), PRAM_OK);
    model_clear(m);
}

static void check_record(tb_t *t, const model_t *m, uint32_t i, const pram_record_t *rec)
{
    uint32_t len = m->len[i];
    assert_int_equal(rec->seq, m->seq[i]);
    assert_int_equal(rec->pos, m->pos[i]);
    assert_int_equal(rec->len, len);
    gen_payload(m->tag[i], len, payload);
    if (tb_direct(t)) {
        assert_ptr_equal(rec->data, tb_byte(t, CTL + m->pos[i] + 8u));
        if (len)
            assert_memory_equal(rec->data, payload, len);
    } else {
        assert_null(rec->data);
    }
    memset(readback, 0xEE, len + 8u);
    assert_int_equal(pram_buf_read(&t->h, rec, readback, len), (int)len);
    if (len)
        assert_memory_equal(readback, payload, len);
    assert_int_equal(readback[len], 0xEE);
}

void check_model(tb_t *t, const model_t *m)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT, back = PRAM_BUF_ITER_INIT;
    pram_record_t rec;
    uint32_t i;
    assert_int_equal(pram_buf_count(&t->h), (int)m->n);
    for (i = 0; i < m->n; i++) {
        assert_int_equal(pram_buf_next(&t->h, &it, &rec), 1);
        check_record(t, m, i, &rec);
    }
    assert_int_equal(pram_buf_next(&t->h, &it, &rec), 0);
    assert_int_equal(pram_buf_next(&t->h, &it, &rec), 0);
    for (i = m->n; i-- > 0;) {
        assert_int_equal(pram_buf_prev(&t->h, &back, &rec), 1);
        check_record(t, m, i, &rec);
    }
    assert_int_equal(pram_buf_prev(&t->h, &back, &rec), 0);
    assert_int_equal(pram_buf_prev(&t->h, &back, &rec), 0);
    if (!m->streaming)
        assert_int_equal(pram_buf_space(&t->h), model_space(m));
}

void check_raw(const tb_t *t, const model_t *m)
{
    uint32_t i, j;
    control_is(t, model_head(m), model_head_seq(m));
    for (i = 0; i < m->n; i++) {
        uint32_t len = m->len[i], at = CTL + m->pos[i];
        gen_payload(m->tag[i], len, payload);
        assert_int_equal(tb_word(t, at), m->seq[i]);
        assert_int_equal(tb_word(t, at + 4u),
                         len | ((uint32_t)ref_record_crc(m->seq[i], len, payload) << 16));
        for (j = 0; j < len; j++)
            assert_int_equal(*tb_byte(t, at + 8u + j), payload[j]);
        for (; j < round4(len); j++)
            assert_int_equal(*tb_byte(t, at + 8u + j), 0);
    }
    if (m->streaming) {
        uint32_t at = CTL + m->s_pos;
        assert_int_equal(tb_word(t, at), ~m->next_seq);
        gen_payload(m->s_tag, m->s_len, payload);
        for (j = 0; j < m->s_len; j++)
            assert_int_equal(*tb_byte(t, at + 8u + j), payload[j]);
    }
}

void reboot_check(tb_t *t, model_t *m)
{
    assert_int_equal(tb_boot(t), PRAM_BUF_INTACT);
    m->streaming = 0;
    check_model(t, m);
}
