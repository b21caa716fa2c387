/* Ring buffers and streamed records against an independent model.
 *
 * The model keeps the records a buffer must hold as (seq, position, length,
 * tag) and places each new one by the documented rule alone (design.md,
 * "Ring buffers"): at the end of the newest record if the bytes up to the
 * end of the data area are free, else at offset 0 if free; a ring drops its
 * oldest records until one of the two is.  It knows nothing of the
 * library's head/tail/wrap bookkeeping: free means "overlaps no record".
 * After every operation the buffer must show exactly the model (oldest to
 * newest and back, positions, payload bytes), and after a reboot (a fresh
 * handle opened on the same memory) too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pram/pram.h"
#include "test_support.h"

#define MAXN 600

static uint64_t g_rng;
static uint32_t rnd(void) { return (uint32_t)(test_rand(&g_rng) >> 32); }

typedef struct {
    uint32_t seq, pos, len, tag;
} mrec_t;

typedef struct {
    uint32_t D;
    int ring;
    mrec_t r[MAXN];
    uint32_t n;
    uint32_t next_seq;
    uint32_t tail; /* where the newest record ended (or the empty buffer's spot) */
    /* stream */
    int streaming;
    uint32_t s_pos, s_len, s_tag;
} model_t;

static uint32_t space_of(uint32_t len) { return 8u + ((len + 3u) & ~3u); }

static uint8_t pay_byte(uint32_t tag, uint32_t i) { return (uint8_t)(tag * 131u + i * 7u + (i >> 8)); }

static void gen(uint32_t tag, uint32_t len, uint8_t *out)
{
    uint32_t i;
    for (i = 0; i < len; i++)
        out[i] = pay_byte(tag, i);
}

/* [p, p + need) inside the area and overlapping no record. */
static int m_free(const model_t *m, uint32_t p, uint32_t need)
{
    uint32_t i;
    if (p > m->D || m->D - p < need)
        return 0;
    for (i = 0; i < m->n; i++) {
        uint32_t a = m->r[i].pos, e = a + space_of(m->r[i].len);
        if (p < e && a < p + need)
            return 0;
    }
    return 1;
}

/* 1 if a record starts at or after p (the blocker is a record, not the end). */
static int m_record_after(const model_t *m, uint32_t p)
{
    uint32_t i;
    for (i = 0; i < m->n; i++)
        if (m->r[i].pos >= p)
            return 1;
    return 0;
}

static unsigned g_drops, g_moves, g_wraps, g_reboots;
static void m_drop(model_t *m)
{
    g_drops++;
    memmove(&m->r[0], &m->r[1], (m->n - 1u) * sizeof m->r[0]);
    m->n--;
}

/* Where a record of need bytes goes (dropping in a ring), or -1. */
static int64_t m_place(model_t *m, uint32_t need)
{
    for (;;) {
        if (m_free(m, m->tail, need))
            return m->tail;
        if (m_free(m, 0u, need))
            return 0;
        if (!m->ring || !m->n)
            return -1;
        m_drop(m);
    }
}

static void m_add(model_t *m, uint32_t pos, uint32_t len, uint32_t tag)
{
    mrec_t *r = &m->r[m->n++];
    assert_true(m->n <= MAXN);
    if (pos == 0 && m->n > 1)
        g_wraps++;
    r->seq = m->next_seq++;
    r->pos = pos;
    r->len = len;
    r->tag = tag;
    m->tail = pos + space_of(len);
}

/* ---- the buffer under test ---------------------------------------------- */

static uint32_t g_mem[(PRAM_BUF_CONTROL_SIZE + 8192u) / 4u + 8u];
static pram_buf_def_t g_def;
static pram_buf_t g_buf;
static model_t g_m;
static uint8_t g_tmp[PRAM_RECORD_MAX_SIZE + 16];
static uint8_t g_rd[PRAM_RECORD_MAX_SIZE + 16];

static void setup_buf(uint32_t D, int ring)
{
    pram_buf_def_t d = PRAM_BUF_DEF_AT(g_mem, PRAM_BUF_STORAGE_SIZE(D), 7);
    pram_buf_t h = PRAM_BUF_INIT(&g_def);
    d.mode = ring ? PRAM_BUF_RING : PRAM_BUF_LINEAR;
    memset(g_mem, 0xA5, sizeof g_mem);
    g_def = d;
    g_buf = h;
    assert_int_equal(pram_buf_open(&g_buf), PRAM_BUF_COLD);
    memset(&g_m, 0, sizeof g_m);
    g_m.D = D;
    g_m.ring = ring;
}

static void check_rec(const pram_record_t *rec, const mrec_t *mr)
{
    assert_int_equal(rec->seq, mr->seq);
    assert_int_equal(rec->pos, mr->pos);
    assert_int_equal(rec->len, mr->len);
    gen(mr->tag, mr->len, g_tmp);
    assert_non_null(rec->data);
    assert_memory_equal(rec->data, g_tmp, mr->len);
    assert_int_equal(pram_buf_read(&g_buf, rec, g_rd, sizeof g_rd), (int)mr->len);
    assert_memory_equal(g_rd, g_tmp, mr->len);
}

/* Largest payload the model could take now without dropping. */
static int m_space(const model_t *m)
{
    int64_t best = -1;
    uint32_t len;
    for (len = 0; len <= PRAM_RECORD_MAX_SIZE; len += 4u) {
        uint32_t need = space_of(len);
        if (m_free(m, m->tail, need) || m_free(m, 0u, need))
            best = len;
        else
            break;
    }
    return best < 0 ? PRAM_ERR_NO_SPACE : (int)best;
}

static void check_all(void)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t rec;
    uint32_t i;
    assert_int_equal(pram_buf_count(&g_buf), (int)g_m.n);
    for (i = 0; i < g_m.n; i++) {
        assert_int_equal(pram_buf_next(&g_buf, &it, &rec), 1);
        check_rec(&rec, &g_m.r[i]);
    }
    assert_int_equal(pram_buf_next(&g_buf, &it, &rec), 0);
    {
        pram_buf_iter_t back = PRAM_BUF_ITER_INIT;
        for (i = g_m.n; i-- > 0;) {
            assert_int_equal(pram_buf_prev(&g_buf, &back, &rec), 1);
            check_rec(&rec, &g_m.r[i]);
        }
        assert_int_equal(pram_buf_prev(&g_buf, &back, &rec), 0);
    }
    if (!g_m.streaming)
        assert_int_equal(pram_buf_space(&g_buf), m_space(&g_m));
}

static void reboot(void)
{
    pram_buf_t h = PRAM_BUF_INIT(&g_def);
    g_buf = h;
    assert_int_equal(pram_buf_open(&g_buf), PRAM_BUF_INTACT);
    g_reboots++;
    g_m.streaming = 0;
    /* An empty buffer's next record goes where the chain's head is: the
     * model keeps its tail; a reboot keeps it too (the control block's
     * head).  Nothing to adjust. */
    check_all();
}

static void do_append(uint32_t len, uint32_t tag)
{
    int64_t at;
    int rc;
    gen(tag, len, g_tmp);
    rc = pram_buf_append(&g_buf, g_tmp, len);
    if (space_of(len) > g_m.D) {
        assert_int_equal(rc, PRAM_ERR_TOO_LARGE);
        return;
    }
    at = m_place(&g_m, space_of(len));
    if (at < 0) {
        assert_int_equal(rc, PRAM_ERR_NO_SPACE);
        return;
    }
    assert_int_equal(rc, PRAM_OK);
    m_add(&g_m, (uint32_t)at, len, tag);
}

/* ---- streams -------------------------------------------------------------- */

static void do_begin(uint32_t tag)
{
    int64_t at;
    int rc = pram_buf_begin(&g_buf);
    at = m_place(&g_m, 8u);
    if (at < 0) {
        assert_int_equal(rc, PRAM_ERR_NO_SPACE);
        return;
    }
    assert_int_equal(rc, PRAM_OK);
    g_m.streaming = 1;
    g_m.s_pos = (uint32_t)at;
    g_m.s_len = 0;
    g_m.s_tag = tag;
    /* An empty buffer's head moves to where the record goes. */
    if (!g_m.n)
        g_m.tail = (uint32_t)at;
}

static void do_write(uint32_t n)
{
    uint32_t need = space_of(g_m.s_len + n);
    int rc;
    gen(g_m.s_tag, g_m.s_len + n, g_tmp);
    rc = pram_buf_write(&g_buf, g_tmp + g_m.s_len, n);
    if (g_m.s_len + n > PRAM_RECORD_MAX_SIZE || need > g_m.D) {
        assert_int_equal(rc, PRAM_ERR_TOO_LARGE);
        return;
    }
    for (;;) {
        if (m_free(&g_m, g_m.s_pos, need))
            break;
        if (!g_m.ring) {
            assert_int_equal(rc, PRAM_ERR_NO_SPACE);
            return;
        }
        if (g_m.s_pos && !m_record_after(&g_m, g_m.s_pos) && m_free(&g_m, 0u, need)) {
            g_m.s_pos = 0;
            g_moves++;
            continue;
        }
        assert_true(g_m.n > 0);
        m_drop(&g_m);
    }
    if (!g_m.n)
        g_m.tail = g_m.s_pos;
    assert_int_equal(rc, PRAM_OK);
    g_m.s_len += n;
}

static void do_commit(void)
{
    assert_int_equal(pram_buf_commit(&g_buf), PRAM_OK);
    m_add(&g_m, g_m.s_pos, g_m.s_len, g_m.s_tag);
    g_m.streaming = 0;
}

static void do_cancel(void)
{
    assert_int_equal(pram_buf_cancel(&g_buf), PRAM_OK);
    g_m.streaming = 0;
}

static void do_clear(void)
{
    assert_int_equal(pram_buf_clear(&g_buf), PRAM_OK);
    g_m.n = 0;
    g_m.tail = 0;
}

static uint32_t rnd_len(uint32_t D)
{
    switch (rnd() % 8u) {
    case 0: return 0u;
    case 1: return rnd() % 4u + 1u;
    case 2: return D / 3u < PRAM_RECORD_MAX_SIZE ? rnd() % (D / 3u + 1u) : rnd() % 200u;
    case 3: return D - 8u <= PRAM_RECORD_MAX_SIZE ? D - 8u : 100u; /* fills the area exactly */
    default: return rnd() % 40u;
    }
}

static void random_run(uint32_t D, int ring, unsigned steps, unsigned seed)
{
    unsigned i;
    g_rng = seed * 0x9E3779B97F4A7C15ull + 1u;
    setup_buf(D, ring);
    for (i = 0; i < steps; i++) {
        unsigned op = rnd() % 100u;
        uint32_t tag = seed * 100000u + i;
        if (g_m.streaming) {
            if (op < 60)
                do_write(rnd_len(D) / 2u);
            else if (op < 85)
                do_commit();
            else if (op < 92)
                do_cancel();
            else {
                /* Other writing calls are refused while a record is open. */
                assert_int_equal(pram_buf_append(&g_buf, "x", 1), PRAM_ERR_BUSY);
                assert_int_equal(pram_buf_clear(&g_buf), PRAM_ERR_BUSY);
                assert_int_equal(pram_buf_begin(&g_buf), PRAM_ERR_BUSY);
            }
        } else if (op < 70) {
            do_append(rnd_len(D), tag);
        } else if (op < 85) {
            do_begin(tag);
        } else if (op < 88) {
            do_clear();
        } else if (op < 96) {
            check_all();
            reboot();
        } else {
            assert_int_equal(pram_buf_write(&g_buf, "x", 1), PRAM_ERR_SCOPE);
            assert_int_equal(pram_buf_commit(&g_buf), PRAM_ERR_SCOPE);
            assert_int_equal(pram_buf_cancel(&g_buf), PRAM_ERR_SCOPE);
        }
        check_all();
    }
}

static void test_ring_random(void **state)
{
    static const uint32_t sizes[] = {16u, 24u, 64u, 100u, 256u, 1024u, 4096u, 8192u};
    unsigned s, k;
    (void)state;
    for (s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (k = 0; k < 6; k++)
            random_run(sizes[s], 1, 1500, 1000u * s + k + 1u);
    /* The runs must have exercised what they are for. */
    print_message("ring runs: %u drops, %u wraps, %u streamed records moved to 0, %u reboots\n",
                  g_drops, g_wraps, g_moves, g_reboots);
    assert_true(g_drops > 1000u && g_wraps > 100u && g_moves > 20u && g_reboots > 100u);
}

static void test_linear_random(void **state)
{
    static const uint32_t sizes[] = {16u, 64u, 256u, 4096u};
    unsigned s, k;
    (void)state;
    for (s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (k = 0; k < 4; k++)
            random_run(sizes[s], 0, 800, 7000u * s + k + 1u);
}

/* A full ring of equal records: each append drops exactly the oldest, and
 * the buffer keeps the newest D / space of them through laps and reboots. */
static void test_ring_keeps_newest(void **state)
{
    uint32_t i;
    (void)state;
    setup_buf(240u, 1); /* 10 records of 16 B payload (24 B each) */
    for (i = 0; i < 95; i++) {
        do_append(16u, i);
        assert_int_equal(g_m.n, i + 1u < 10u ? i + 1u : 10u);
        check_all();
        if (i % 7u == 0u)
            reboot();
    }
    assert_int_equal(g_m.r[0].tag, 85u);
    assert_int_equal(g_m.r[9].tag, 94u);
}

/* The cases the issue names: a record larger than the data area is refused
 * and nothing changes; one that exactly fits drops everything. */
static void test_ring_limits(void **state)
{
    uint8_t snap[sizeof g_mem];
    (void)state;
    setup_buf(64u, 1);
    do_append(10u, 1);
    do_append(10u, 2);
    memcpy(snap, g_mem, sizeof g_mem);
    assert_int_equal(pram_buf_append(&g_buf, g_tmp, 57u), PRAM_ERR_TOO_LARGE);
    assert_memory_equal(snap, g_mem, sizeof g_mem);
    check_all();
    do_append(56u, 3); /* 64 bytes: the whole area */
    assert_int_equal(g_m.n, 1u);
    check_all();
    reboot();
    do_append(0u, 4);
    assert_int_equal(g_m.n, 1u);
    check_all();
    reboot();
}

/* A streamed record writes the same bytes as one append of the whole. */
static void test_stream_equals_append(void **state)
{
    uint32_t mem_a[64], len;
    (void)state;
    for (len = 0; len < 60; len += 7) {
        uint32_t k;
        setup_buf(200u, 1);
        do_append(len, 42);
        memcpy(mem_a, g_mem, sizeof mem_a);
        setup_buf(200u, 1);
        do_begin(42);
        for (k = 0; k < len;) {
            uint32_t n = (k % 3u) + 1u;
            if (n > len - k)
                n = len - k;
            do_write(n);
            k += n;
        }
        do_commit();
        assert_memory_equal(mem_a, g_mem, sizeof mem_a);
        check_all();
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ring_limits),
        cmocka_unit_test(test_ring_keeps_newest),
        cmocka_unit_test(test_stream_equals_append),
        cmocka_unit_test(test_ring_random),
        cmocka_unit_test(test_linear_random),
    };
    return cmocka_run_group_tests_name("ring", tests, NULL, NULL);
}
