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

int tb_direct(const tb_t *t) { return !t->def.region || t->def.region->width == 0u; }

/* Decodes the A/B control cell from the documented header layout: slot =
 * magic (the one every container commits with), seal (seq | CRC-16 << 16
 * over layout and value, register started at 0xFFFF ^ seq), layout (value
 * size 8 | kind 1, a buffer control block, << 13 | schema << 16), value
 * {epoch, data_size}.  Returns 1 and the newest valid slot's value, or 0. */
int decode_control(const tb_t *t, uint32_t *epoch, uint32_t *data_size)
{
    int s, best = -1;
    uint16_t best_seq = 0;
    for (s = 0; s < 2; s++) {
        uint32_t at = (uint32_t)s * 20u, layout = tb_word(t, at + 8u), seal = tb_word(t, at + 4u);
        uint8_t v[8];
        uint16_t seq = (uint16_t)seal;
        int i;
        if (tb_word(t, at) != BUF_CTL_MAGIC ||
            layout != (8u | (BUF_CTL_KIND << 13) | ((uint32_t)t->def.schema << 16)))
            continue;
        for (i = 0; i < 8; i++)
            v[i] = *tb_byte(t, at + 12u + (uint32_t)i);
        if (ref_seal_crc(layout, seq, v, 8) != (uint16_t)(seal >> 16))
            continue;
        if (best < 0 || (uint16_t)(seq - best_seq) - 1u < 0x7FFFu) {
            best = s;
            best_seq = seq;
        }
    }
    if (best < 0)
        return 0;
    *epoch = tb_word(t, (uint32_t)best * 20u + 12u);
    *data_size = tb_word(t, (uint32_t)best * 20u + 16u);
    return 1;
}

uint32_t control_epoch(const tb_t *t)
{
    uint32_t e = 0, ds = 0;
    assert_true(decode_control(t, &e, &ds));
    assert_int_equal(ds, tb_data_size(t));
    return e;
}

/* The library's own control cell, checked against the documented geometry
 * (A/B at the start of the storage, kind 1: a buffer control block, 12-byte
 * header, 8-byte value, 20-byte slots), with the schema replaced; written
 * through the generic API (which checks the descriptor first). */
void craft_control(const tb_t *t, uint32_t epoch, uint32_t data_size, uint16_t schema)
{
    pram_cell_t c;
    pram_buf_control_t v;
    pram__buf_control_cell(&t->def, &c);
    assert_ptr_equal(c.addr, t->def.addr);
    assert_ptr_equal(c.region, t->def.region);
    assert_int_equal(c.offset, t->def.offset);
    assert_int_equal(c.kind, BUF_CTL_KIND);
    assert_int_equal(c.size, 8u);
    assert_int_equal(c.schema, t->def.schema);
    assert_int_equal(c.value_offset, 12u);
    assert_int_equal(c.slot_size, 20u);
    assert_int_equal(c.mode, PRAM_AB);
    c.schema = schema;
    v.epoch = epoch;
    v.data_size = data_size;
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

uint32_t model_used(const model_t *m)
{
    uint32_t i, used = 0;
    for (i = 0; i < m->n; i++)
        used += rec_space(m->len[i]);
    return used;
}

void model_append(tb_t *t, model_t *m, uint32_t len, uint32_t tag)
{
    gen_payload(tag, len, payload);
    assert_int_equal(pram_buf_append(&t->h, payload, len), PRAM_OK);
    assert_true(m->n < MAXR);
    m->len[m->n] = len;
    m->tag[m->n] = tag;
    m->n++;
}

/* Through the API: count, space, every record in order with exact payloads,
 * positions and lengths, then the end. */
void check_model(tb_t *t, const model_t *m)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t rec;
    uint32_t i, pos = 0;
    assert_int_equal(pram_buf_count(&t->h), (int)m->n);
    for (i = 0; i < m->n; i++) {
        uint32_t len = m->len[i];
        assert_int_equal(pram_buf_next(&t->h, &it, &rec), 1);
        assert_int_equal(rec.pos, pos);
        assert_int_equal(rec.len, len);
        gen_payload(m->tag[i], len, payload);
        if (tb_direct(t)) {
            assert_ptr_equal(rec.data, tb_byte(t, CTL + pos + 8u));
            if (len)
                assert_memory_equal(rec.data, payload, len);
        } else {
            assert_null(rec.data);
        }
        memset(readback, 0xEE, len + 8u);
        assert_int_equal(pram_buf_read(&t->h, &rec, readback, len), (int)len);
        if (len)
            assert_memory_equal(readback, payload, len);
        assert_int_equal(readback[len], 0xEE);
        pos += rec_space(len);
    }
    assert_int_equal(pram_buf_next(&t->h, &it, &rec), 0);
    assert_int_equal(pram_buf_next(&t->h, &it, &rec), 0);
    assert_int_equal(pram_buf_space(&t->h), exp_space_rc(tb_data_size(t), pos));
}

/* In storage: each record's words, CRC, payload bytes and zero padding. */
void check_raw(const tb_t *t, const model_t *m, uint32_t epoch)
{
    uint32_t i, j, pos = 0;
    for (i = 0; i < m->n; i++) {
        uint32_t len = m->len[i], at = CTL + pos;
        gen_payload(m->tag[i], len, payload);
        assert_int_equal(tb_word(t, at), epoch);
        assert_int_equal(tb_word(t, at + 4u),
                         len | ((uint32_t)ref_record_crc(epoch, pos, len, payload) << 16));
        for (j = 0; j < len; j++)
            assert_int_equal(*tb_byte(t, at + 8u + j), payload[j]);
        for (; j < round4(len); j++)
            assert_int_equal(*tb_byte(t, at + 8u + j), 0);
        pos += rec_space(len);
    }
}

/* Reboot: a fresh handle must find exactly the model. */
void reboot_check(tb_t *t, const model_t *m)
{
    assert_int_equal(tb_boot(t), PRAM_BUF_INTACT);
    check_model(t, m);
}
