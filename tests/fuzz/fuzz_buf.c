/* Fuzz: record buffers over untrusted storage.
 *
 * Input: [mode | memory kind][data size][schema | slack][image style]
 * [storage image, or what crafts one][operation script].  A linear buffer or
 * a ring, in ordinary memory or a region of width 0, 4, 2 (stride 4), 1, 1
 * (stride 4); its storage starts as the input's bytes, zeros, or a control
 * block and a chain of records crafted with valid CRCs over zeros or garbage
 * (so that the walk, the wrap, the cut-clear mark and the scrub are
 * reached), then the script: append, begin /
 * write / commit / cancel, clear, next / prev / read, count, space, reboot
 * (a fresh handle opens the same memory), takeover, an "interrupt" that
 * appends in the middle of a call, power cuts (whole or torn) inside append
 * and clear, stray writes, misuse.
 *
 * The expectations come from the documented placement rule as
 * tests/support/buf_model.c implements it (independent of the library's
 * head/tail/wrap bookkeeping), started from what open recovered.  Checked:
 *  - open returns INTACT, COLD or REFORMED; COLD/REFORMED leave an empty
 *    buffer, a zeroed data area and a control block {D, 0, 0}; INTACT
 *    recovers a chain that starts at the control block's head with its
 *    head_seq, consecutive sequence numbers, each record exactly as stored
 *    (commit word, length, CRC over the payload: tests/support/ref_crc.c),
 *    each starting where the previous ended or (once) at 0, none
 *    overlapping; afterwards nothing outside the chain could be a record the
 *    chain would reach (the scrub's promise); a second open finds the same;
 *  - iteration terminates: next gives exactly count records in increasing
 *    sequence, then 0 (twice); prev the same records newest first; each one
 *    pram_buf_read copies exactly rec.len bytes (not one more), refuses a cap
 *    below it, and the bytes are the ones appended;
 *  - records appended after open read back exactly, in order, newest last,
 *    at the position the placement rule gives; a ring drops exactly the
 *    oldest; nothing from before a clear comes back; count and space are the
 *    model's; long-lived iterators follow the documented rules (a dropped
 *    record's iterator goes on from the oldest, one at the end sees later
 *    records); a saved record reads back while held and is refused
 *    (PRAM_ERR_RANGE) once dropped or cleared;
 *  - every call returns the model's code; a call that fails changes neither
 *    memory nor the handle; an append from an interrupt during a call gets
 *    PRAM_ERR_BUSY and changes nothing; takeover abandons a streamed record;
 *  - a power cut inside an append leaves the old records, or the old ones
 *    minus those the append dropped, or those plus the new record; inside a
 *    clear: all or none;
 *  - after a stray write, only documented codes and bounded iteration, until
 *    a reboot re-derives the state;
 *  - no access outside the buffer's storage (access window, register-file
 *    rules, ASan), critical sections balanced. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf_model.h"
#include "cell_model.h"
#include "power_cut.h"
#include "ref_crc.h"
#include "test_support.h"

#define CTLB PRAM_BUF_CONTROL_SIZE
#define DMAX 2064u
#define MAXTAGS 16384u
#define ARENA (1u << 18)

/* ---- Payloads, by tag -------------------------------------------------------- */

static uint8_t arena[ARENA];
static uint32_t arena_used, ntags;
static uint32_t tag_off[MAXTAGS], tag_len[MAXTAGS];
static int full; /* arena or tags exhausted: the script stops */

static uint32_t new_tag(const uint8_t *p, uint32_t len)
{
    if (ntags >= MAXTAGS || arena_used + len > ARENA) {
        full = 1;
        return 0u;
    }
    tag_off[ntags] = arena_used;
    tag_len[ntags] = len;
    memcpy(arena + arena_used, p, len);
    arena_used += len;
    return ntags++;
}

static const uint8_t *tag_bytes(uint32_t tag)
{
    return arena + tag_off[tag];
}

/* ---- The buffer under test ---------------------------------------------------- */

typedef struct {
    fz_mem_t mem;
    uint32_t off, D, size, tlen;
    uint16_t schema;
    unsigned ring;
    pram_buf_def_t def;
    pram_buf_t h;
    model_t m;
    int known;  /* 0 after damage, until a reboot re-derives the model */
    int streaming; /* a record begun (tracked in both modes) */
    uint8_t sbuf[PRAM_RECORD_MAX_SIZE + 16u];
    /* long-lived iterators and a saved record */
    pram_buf_iter_t itn, itp;
    int itn_fresh, itp_fresh;
    uint32_t itn_seq, itp_seq;
    pram_record_t saved;
    int have_saved;
    uint32_t saved_tag;
} bx_t;

static bx_t bx;
static model_t mtmp, mcand[3];

static uint32_t L_data(uint32_t pos)
{
    return bx.off + CTLB + pos;
}

static uint32_t dword(uint32_t pos)
{
    return fz_word(&bx.mem, L_data(pos));
}

static int direct(void)
{
    return bx.mem.width == 0u;
}

/* Physical snapshot / compare: a failed call changes nothing. */
static uint8_t *snapbuf;
static pram_buf_t snaph;
static void snap(void)
{
    memcpy(snapbuf, bx.mem.phys, bx.mem.phys_len);
    snaph = bx.h;
}
static void unchanged(const char *what, int rc)
{
    FZ_CHECK(!memcmp(snapbuf, bx.mem.phys, bx.mem.phys_len), "%s failed (%s) but changed memory", what,
             pram_strerror(rc));
    FZ_CHECK(!memcmp(&snaph, &bx.h, sizeof snaph), "%s failed (%s) but changed the handle", what,
             pram_strerror(rc));
}

static void crit_ok(void)
{
    FZ_CHECK(pram_test_crit_depth == 0u && pram_test_crit_errors == 0u,
             "critical sections unbalanced: depth %u, errors %lu", pram_test_crit_depth,
             pram_test_crit_errors);
}

/* The control block, decoded from the documented layout (not the library's
 * cell code): 1 and its value, or 0. */
static int ctl_decode(uint32_t *ds, uint32_t *head, uint32_t *hs)
{
    uint32_t layout = ref_layout_kind(12u, 12u, REF_KIND_BUF, bx.schema), s, seal;
    uint8_t v[12];
    int best = -1;
    uint16_t bseq = 0;
    for (s = 0; s < 2u; s++) {
        uint32_t at = bx.off + s * 24u;
        uint16_t seq;
        if (fz_word(&bx.mem, at) != CELL_MAGIC || fz_word(&bx.mem, at + 8u) != layout)
            continue;
        seal = fz_word(&bx.mem, at + 4u);
        seq = (uint16_t)seal;
        fz_get(&bx.mem, at + 12u, v, 12u);
        if (ref_seal_crc(layout, seq, v, 12u) != (uint16_t)(seal >> 16))
            continue;
        if (best < 0 || (uint16_t)(seq - bseq - 1u) < 0x7FFFu) {
            best = (int)s;
            bseq = seq;
        }
    }
    if (best < 0)
        return 0;
    *ds = fz_word(&bx.mem, bx.off + (uint32_t)best * 24u + 12u);
    *head = fz_word(&bx.mem, bx.off + (uint32_t)best * 24u + 16u);
    *hs = fz_word(&bx.mem, bx.off + (uint32_t)best * 24u + 20u);
    return 1;
}

/* The record as stored at pos must be seq / len / CRC over its payload;
 * copies the payload to out. */
static void raw_record(uint32_t pos, uint32_t seq, uint32_t len, uint8_t *out)
{
    uint32_t w;
    FZ_CHECK(pos % 4u == 0u && pos <= bx.D && bx.D - pos >= rec_space(len),
             "record %u at %u (len %u) outside the data area", seq, pos, len);
    FZ_CHECK(dword(pos) == seq, "record %u: its commit word is %#x", seq, dword(pos));
    fz_get(&bx.mem, L_data(pos + 8u), out, len);
    w = dword(pos + 4u);
    FZ_CHECK(w == (len | (uint32_t)ref_record_crc(seq, len, out) << 16),
             "record %u at %u: len|crc word %#x does not check (len %u)", seq, pos, w, len);
}

/* One record returned by next/prev: where it says, what it holds, and
 * pram_buf_read's copy.  want (may be NULL): the payload it must have. */
static void check_rec(const pram_record_t *r, const uint8_t *want)
{
    static uint8_t raw[PRAM_RECORD_MAX_SIZE + 16u], rd[PRAM_RECORD_MAX_SIZE + 16u];
    int rc;
    raw_record(r->pos, r->seq, r->len, raw);
    if (want)
        FZ_CHECK(!memcmp(raw, want, r->len), "record %u does not hold the bytes appended", r->seq);
    if (direct())
        FZ_CHECK(r->data == (const void *)fz_byte(&bx.mem, L_data(r->pos + 8u)),
                 "record %u: data pointer is not its payload", r->seq);
    else
        FZ_CHECK(r->data == NULL, "record %u: a pointer into a register file", r->seq);
    memset(rd, 0xEE, r->len + 8u);
    rc = pram_buf_read(&bx.h, r, rd, r->len + 4u);
    FZ_CHECK(rc == (int)r->len, "read of record %u: %d, its length is %u", r->seq, rc, r->len);
    FZ_CHECK(!memcmp(rd, raw, r->len), "read of record %u copied other bytes", r->seq);
    FZ_CHECK(rd[r->len] == 0xEE && rd[r->len + 1u] == 0xEE && rd[r->len + 3u] == 0xEE,
             "read of record %u copied more than rec.len bytes", r->seq);
    if (r->len) {
        memset(rd, 0xEE, r->len + 8u);
        rc = pram_buf_read(&bx.h, r, rd, r->len - 1u);
        FZ_CHECK(rc == PRAM_ERR_TOO_LARGE, "read with cap < len: %s", pram_strerror(rc));
        FZ_CHECK(rd[0] == 0xEE, "a refused read wrote dst");
    }
}

/* ---- The model's view, checked ------------------------------------------------ */

static uint32_t oldest(const model_t *m)
{
    return m->n ? m->seq[0] : m->next_seq;
}

static int held(const model_t *m, uint32_t s)
{
    return m->n && s - m->seq[0] < m->n;
}

/* After damage (a stray write, until a reboot re-derives the state) a call
 * may also answer PRAM_ERR_CORRUPT: committed data changed since it was
 * validated (a ring dropping a record whose length was damaged can leave a
 * handle its own check refuses, until takeover or a reboot reopens it). */
static int weak_ok(int rc, int want)
{
    return rc == want || (!bx.known && rc == PRAM_ERR_CORRUPT);
}

static void light_check(void)
{
    int rc = pram_buf_count(&bx.h);
    crit_ok();
    if (!bx.known) {
        FZ_CHECK(rc == PRAM_ERR_CORRUPT || (rc >= 0 && (uint32_t)rc <= bx.D / 8u), "count %d", rc);
        rc = pram_buf_space(&bx.h);
        FZ_CHECK(rc == PRAM_ERR_NO_SPACE || rc == PRAM_ERR_CORRUPT || (rc >= 0 && rc <= (int)PRAM_RECORD_MAX_SIZE),
                 "space %d", rc);
        return;
    }
    FZ_CHECK(rc == (int)bx.m.n, "count %d, the model holds %u records", rc, bx.m.n);
    FZ_CHECK(bx.streaming == bx.m.streaming, "harness: stream state");
    if (!bx.m.streaming) {
        rc = pram_buf_space(&bx.h);
        FZ_CHECK(rc == model_space(&bx.m), "space %s (%d), the model says %d", pram_strerror(rc), rc,
                 model_space(&bx.m));
    }
}

/* Every record through next and prev (bounded), against the model when it
 * is known; else only the bounds and the stored bytes. */
static void full_check(void)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT, back = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    uint32_t i, n, last = 0;
    int rc, cnt = pram_buf_count(&bx.h);
    FZ_CHECK(weak_ok(cnt, cnt >= 0 ? cnt : 0), "count %s", pram_strerror(cnt));
    if (cnt < 0)
        return;
    n = (uint32_t)cnt;
    for (i = 0; i <= n; i++) {
        rc = pram_buf_next(&bx.h, &it, &r);
        if (bx.known) {
            FZ_CHECK(rc == (i < n ? 1 : 0), "next #%u of %u: %d", i, n, rc);
        } else {
            FZ_CHECK(rc == 1 || rc == 0 || rc == PRAM_ERR_CORRUPT, "next: %d", rc);
            FZ_CHECK(i < n || rc != 1, "next gave more records than count (%u)", n);
        }
        if (rc != 1)
            break;
        if (i)
            FZ_CHECK(r.seq == last + 1u, "next: seq %u after %u", r.seq, last);
        last = r.seq;
        if (bx.known) {
            FZ_CHECK(r.seq == bx.m.seq[i] && r.pos == bx.m.pos[i] && r.len == bx.m.len[i],
                     "next #%u: seq %u pos %u len %u, the model has seq %u pos %u len %u", i, r.seq,
                     r.pos, r.len, bx.m.seq[i], bx.m.pos[i], bx.m.len[i]);
            check_rec(&r, tag_bytes(bx.m.tag[i]));
        } else {
            check_rec(&r, NULL);
        }
    }
    if (bx.known) {
        FZ_CHECK(pram_buf_next(&bx.h, &it, &r) == 0, "next past the end (again) is not 0");
    }
    for (i = n; i-- > 0;) {
        rc = pram_buf_prev(&bx.h, &back, &r);
        if (!bx.known) {
            FZ_CHECK(rc == 1 || rc == 0 || rc == PRAM_ERR_CORRUPT, "prev: %d", rc);
            if (rc != 1)
                break;
            if (i + 1u < n)
                FZ_CHECK(r.seq + 1u == last, "prev: seq %u before %u", r.seq, last);
            last = r.seq;
            check_rec(&r, NULL);
            continue;
        }
        FZ_CHECK(rc == 1, "prev #%u: %d", i, rc);
        FZ_CHECK(r.seq == bx.m.seq[i] && r.pos == bx.m.pos[i] && r.len == bx.m.len[i],
                 "prev #%u: seq %u pos %u len %u, the model has seq %u pos %u", i, r.seq, r.pos,
                 r.len, bx.m.seq[i], bx.m.pos[i]);
        check_rec(&r, tag_bytes(bx.m.tag[i]));
    }
    if (bx.known) {
        FZ_CHECK(pram_buf_prev(&bx.h, &back, &r) == 0, "prev before the oldest is not 0");
        FZ_CHECK(pram_buf_prev(&bx.h, &back, &r) == 0, "prev before the oldest (again) is not 0");
    }
    light_check();
}

/* After open or takeover: the records the library recovered, checked
 * against memory and the documented chain rules, become the model. */
static void derive(int rc)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    uint32_t ds = 0, head = 0, hs = 0, i, n, end = 0, wrapped = 0;
    static uint8_t cover[DMAX / 4u + 4u];
    int cnt;
    static model_t prev;
    model_copy(&prev, &bx.m);
    FZ_CHECK(ctl_decode(&ds, &head, &hs), "after open (%s) the control block does not decode",
             pram_strerror(rc));
    FZ_CHECK(ds == bx.D && head <= bx.D && head % 4u == 0u,
             "after open the control block holds data_size %u head %u", ds, head);
    cnt = pram_buf_count(&bx.h);
    FZ_CHECK(cnt >= 0 && (uint32_t)cnt <= bx.D / 8u, "count %d after open", cnt);
    n = (uint32_t)cnt;
    if (rc == PRAM_BUF_COLD || rc == PRAM_BUF_REFORMED) {
        FZ_CHECK(n == 0u && head == 0u && hs == 0u, "formatted, yet %u records, head %u seq %u", n, head,
                 hs);
        for (i = 0; i < bx.D; i += 4u)
            FZ_CHECK(dword(i) == 0u, "formatted, data word at %u is %#x", i, dword(i));
    }
    memset(&bx.m, 0, sizeof bx.m);
    bx.m.D = bx.D;
    bx.m.ring = (int)bx.ring;
    memset(cover, 0, bx.D / 4u + 1u);
    for (i = 0; i <= n; i++) {
        int k = pram_buf_next(&bx.h, &it, &r);
        static uint8_t raw[PRAM_RECORD_MAX_SIZE + 16u];
        uint32_t w;
        if (i == n) {
            FZ_CHECK(k == 0, "next after %u records (count) gave %d", n, k);
            break;
        }
        FZ_CHECK(k == 1, "next #%u of %u right after open: %d", i, n, k);
        if (i == 0)
            FZ_CHECK(r.pos == head && r.seq == hs, "the oldest record (pos %u seq %u) is not the control "
                     "block's head (%u, %u)", r.pos, r.seq, head, hs);
        else
            FZ_CHECK(r.seq == bx.m.seq[i - 1u] + 1u, "seq %u after %u", r.seq, bx.m.seq[i - 1u]);
        if (i && r.pos != end) {
            FZ_CHECK(r.pos == 0u && !wrapped, "record %u at %u: neither after the previous (%u) nor a wrap",
                     r.seq, r.pos, end);
            wrapped = 1;
        }
        raw_record(r.pos, r.seq, r.len, raw);
        end = r.pos + rec_space(r.len);
        FZ_CHECK(!wrapped || end <= head, "wrapped record %u runs into the oldest (%u > %u)", r.seq, end,
                 head);
        for (w = r.pos; w < end; w += 4u) {
            FZ_CHECK(!cover[w / 4u], "record %u overlaps another", r.seq);
            cover[w / 4u] = 1;
        }
        check_rec(&r, NULL);
        bx.m.pos[i] = r.pos;
        bx.m.len[i] = r.len;
        bx.m.seq[i] = r.seq;
        /* The same record as before (seq, place and bytes): its tag. */
        w = r.seq - prev.seq[0];
        if (prev.n && w < prev.n && prev.pos[w] == r.pos && prev.len[w] == r.len &&
            !memcmp(tag_bytes(prev.tag[w]), raw, r.len))
            bx.m.tag[i] = prev.tag[w];
        else
            bx.m.tag[i] = new_tag(raw, r.len);
        bx.m.n = i + 1u;
        if (full)
            return;
    }
    bx.m.tail = n ? end : head;
    bx.m.next_seq = n ? bx.m.seq[n - 1u] + 1u : hs;
    /* The scrub: outside the chain, no word could commit a record the chain
     * will reach (one of the next D/4 numbers with a length that fits). */
    for (i = 0; i + 8u <= bx.D; i += 4u) {
        uint32_t c, w, len;
        if (cover[i / 4u])
            continue;
        c = dword(i);
        if (c - bx.m.next_seq >= bx.D / 4u)
            continue;
        w = dword(i + 4u);
        len = w & 0xFFFFu;
        FZ_CHECK(!(len == 0u ? (w >> 16) == (0xFFFFu ^ (c & 0xFFFFu))
                             : len <= PRAM_RECORD_MAX_SIZE && rec_space(len) <= bx.D - i),
                 "after open, offset %u outside the chain holds a header of seq %u len %u (next seq %u)",
                 i, c, len, bx.m.next_seq);
    }
    bx.known = 1;
    bx.streaming = 0;
    bx.itn_fresh = bx.itp_fresh = 1;
    memset(&bx.itn, 0, sizeof bx.itn);
    memset(&bx.itp, 0, sizeof bx.itp);
    bx.have_saved = 0;
}

/* Same records (and, empty, the same spot and next number). */
static int same_model(const model_t *a, const model_t *b)
{
    uint32_t i;
    if (a->n != b->n)
        return 0;
    for (i = 0; i < a->n; i++)
        if (a->seq[i] != b->seq[i] || a->pos[i] != b->pos[i] || a->len[i] != b->len[i] ||
            memcmp(tag_bytes(a->tag[i]), tag_bytes(b->tag[i]), a->len[i]))
            return 0;
    return a->tail == b->tail && a->next_seq == b->next_seq;
}

/* What an open may make of a memory state the model describes as cand:
 * exactly it; or, cand empty, the same finishing a "cut clear" (its mark,
 * head_seq ^ 0x80000000, at the head: a word the fuzzer planted outside the
 * chain, which no real clear leaves behind after its commit): empty at 0,
 * D/8 + 1 numbers later. */
static int opens_as(const model_t *got, const model_t *cand)
{
    if (same_model(got, cand))
        return 1;
    return !got->n && !cand->n && got->tail == 0u && got->next_seq == cand->next_seq + bx.D / 8u + 1u;
}

/* A fresh handle opens the memory: what a reset leaves.  want_intact: the
 * memory is consistent, so open must find it INTACT. */
static int reboot(int want_intact)
{
    pram_buf_t fresh = PRAM_BUF_INIT(&bx.def);
    int rc;
    bx.h = fresh;
    rc = pram_buf_open(&bx.h);
    FZ_CHECK(fz_rc_in(rc, 3, PRAM_BUF_INTACT, PRAM_BUF_COLD, PRAM_BUF_REFORMED), "open: %s",
             pram_strerror(rc));
    if (want_intact)
        FZ_CHECK(rc == PRAM_BUF_INTACT, "open of consistent memory: %s", pram_strerror(rc));
    crit_ok();
    derive(rc);
    return rc;
}

/* ---- Operations ------------------------------------------------------------------ */

static uint64_t prng;

static uint32_t op_len(fz_in_t *in)
{
    unsigned s = fz_u8(in);
    if (s < 0xF0u)
        return s % 64u;
    if (s < 0xFCu)
        return fz_u16(in) % (bx.D + 16u);
    return fz_u16(in) % (PRAM_RECORD_MAX_SIZE + 64u);
}

/* len payload bytes: some from the input, the rest generated. */
static void payload_bytes(fz_in_t *in, uint8_t *p, uint32_t len)
{
    uint32_t k = len < 16u ? len : 16u;
    fz_take(in, p, k);
    prng ^= (uint64_t)len * 0x9E3779B97F4A7C15ull + p[0];
    test_fill_random(p + k, len - k, &prng);
}

static void op_append(fz_in_t *in)
{
    static uint8_t p[PRAM_RECORD_MAX_SIZE + 64u];
    uint32_t len = op_len(in), tag;
    int rc, want = 0;
    payload_bytes(in, p, len);
    tag = new_tag(p, len <= PRAM_RECORD_MAX_SIZE ? len : 0u);
    if (full)
        return;
    if (bx.known) {
        model_copy(&mtmp, &bx.m);
        want = bx.streaming ? PRAM_ERR_BUSY : model_expect_append(&mtmp, len, tag);
    }
    snap();
    rc = pram_buf_append(&bx.h, p, len);
    if (bx.known) {
        FZ_CHECK(rc == want, "append of %u bytes: %s, the model says %s", len, pram_strerror(rc),
                 pram_strerror(want));
        if (rc == PRAM_OK)
            model_copy(&bx.m, &mtmp);
    } else {
        FZ_CHECK(fz_rc_in(rc, 5, PRAM_OK, PRAM_ERR_NO_SPACE, PRAM_ERR_TOO_LARGE, PRAM_ERR_BUSY,
                          PRAM_ERR_CORRUPT),
                 "append: %s", pram_strerror(rc));
    }
    if (rc != PRAM_OK)
        unchanged("append", rc);
}

static void op_begin(void)
{
    int rc, want = 0;
    if (bx.known) {
        model_copy(&mtmp, &bx.m);
        want = bx.streaming ? PRAM_ERR_BUSY : model_expect_begin(&mtmp, ntags);
    }
    snap();
    rc = pram_buf_begin(&bx.h);
    if (bx.known) {
        FZ_CHECK(rc == want, "begin: %s, the model says %s", pram_strerror(rc), pram_strerror(want));
        if (rc == PRAM_OK)
            model_copy(&bx.m, &mtmp);
    } else {
        FZ_CHECK(fz_rc_in(rc, 4, PRAM_OK, PRAM_ERR_NO_SPACE, PRAM_ERR_BUSY, PRAM_ERR_CORRUPT), "begin: %s",
                 pram_strerror(rc));
    }
    if (rc != PRAM_OK)
        unchanged("begin", rc);
    else if (!bx.streaming)
        bx.streaming = 1;
}

static void op_write(fz_in_t *in)
{
    static uint8_t p[PRAM_RECORD_MAX_SIZE + 64u];
    uint32_t len = op_len(in);
    int rc, want = PRAM_ERR_SCOPE;
    payload_bytes(in, p, len);
    if (bx.known && bx.streaming) {
        model_copy(&mtmp, &bx.m);
        want = model_expect_write(&mtmp, len);
    }
    snap();
    rc = pram_buf_write(&bx.h, p, len);
    if (bx.known || !bx.streaming) {
        FZ_CHECK(weak_ok(rc, want), "write of %u bytes: %s, the model says %s", len, pram_strerror(rc),
                 pram_strerror(want));
        if (rc == PRAM_OK && bx.known)
            model_copy(&bx.m, &mtmp);
    } else {
        FZ_CHECK(fz_rc_in(rc, 4, PRAM_OK, PRAM_ERR_NO_SPACE, PRAM_ERR_TOO_LARGE, PRAM_ERR_CORRUPT),
                 "write: %s", pram_strerror(rc));
    }
    if (rc != PRAM_OK)
        unchanged("write", rc);
    else if (bx.streaming && len <= PRAM_RECORD_MAX_SIZE && bx.m.s_len <= PRAM_RECORD_MAX_SIZE) {
        if (bx.known)
            memcpy(bx.sbuf + bx.m.s_len - len, p, len);
    }
}

static void op_commit(void)
{
    int rc = pram_buf_commit(&bx.h);
    if (!bx.streaming) {
        FZ_CHECK(weak_ok(rc, PRAM_ERR_SCOPE), "commit without begin: %s", pram_strerror(rc));
        return;
    }
    FZ_CHECK(weak_ok(rc, PRAM_OK), "commit: %s", pram_strerror(rc));
    if (rc != PRAM_OK)
        return;
    bx.streaming = 0;
    if (bx.known) {
        bx.m.s_tag = new_tag(bx.sbuf, bx.m.s_len);
        model_expect_commit(&bx.m);
    }
}

static void op_cancel(void)
{
    int rc = pram_buf_cancel(&bx.h);
    if (!bx.streaming) {
        FZ_CHECK(weak_ok(rc, PRAM_ERR_SCOPE), "cancel without begin: %s", pram_strerror(rc));
        return;
    }
    FZ_CHECK(weak_ok(rc, PRAM_OK), "cancel: %s", pram_strerror(rc));
    if (rc != PRAM_OK)
        return;
    bx.streaming = 0;
    bx.m.streaming = 0;
}

static void op_clear(void)
{
    int rc;
    snap();
    rc = pram_buf_clear(&bx.h);
    FZ_CHECK(weak_ok(rc, bx.streaming ? PRAM_ERR_BUSY : PRAM_OK), "clear: %s", pram_strerror(rc));
    if (rc != PRAM_OK) {
        unchanged("clear", rc);
        return;
    }
    if (bx.known)
        model_clear(&bx.m);
}

static void op_reboot(void)
{
    int known = bx.known;
    model_copy(&mcand[0], &bx.m);
    mcand[0].streaming = 0;
    reboot(known);
    if (full)
        return;
    if (known) {
        FZ_CHECK(opens_as(&bx.m, &mcand[0]), "a reboot found other records (%u, expected %u)",
                 bx.m.n, mcand[0].n);
    }
    full_check();
}

static void op_takeover(void)
{
    int rc, known = bx.known;
    if (!bx.streaming) {
        snap();
        rc = pram_buf_takeover(&bx.h);
        if (!known && rc != PRAM_OK) { /* a handle damage made inconsistent: reopened */
            FZ_CHECK(fz_rc_in(rc, 3, PRAM_BUF_ABANDONED, PRAM_BUF_COLD, PRAM_BUF_REFORMED), "takeover: %s",
                     pram_strerror(rc));
            derive(rc == PRAM_BUF_ABANDONED ? PRAM_BUF_INTACT : rc);
            if (!full)
                full_check();
            return;
        }
        FZ_CHECK(rc == PRAM_OK, "takeover with nothing in progress: %s", pram_strerror(rc));
        FZ_CHECK(!memcmp(snapbuf, bx.mem.phys, bx.mem.phys_len) && !memcmp(&snaph, &bx.h, sizeof snaph),
                 "takeover with nothing in progress changed something");
        return;
    }
    model_copy(&mcand[0], &bx.m);
    mcand[0].streaming = 0;
    rc = pram_buf_takeover(&bx.h);
    FZ_CHECK(fz_rc_in(rc, 3, PRAM_BUF_ABANDONED, PRAM_BUF_COLD, PRAM_BUF_REFORMED), "takeover: %s",
             pram_strerror(rc));
    if (known)
        FZ_CHECK(rc == PRAM_BUF_ABANDONED, "takeover of consistent memory: %s", pram_strerror(rc));
    derive(rc == PRAM_BUF_ABANDONED ? PRAM_BUF_INTACT : rc);
    if (full)
        return;
    if (known) {
        FZ_CHECK(opens_as(&bx.m, &mcand[0]), "takeover found other records");
    }
    full_check();
}

/* An interrupt that appends in the middle of the next call, at its k-th
 * store: the handle is busy, so PRAM_ERR_BUSY and nothing changed. */
static uint64_t isr_at;
static int isr_ran;
static void isr(uint64_t n)
{
    static uint8_t *mem_before;
    pram_buf_t hb;
    int rc;
    if (n != isr_at)
        return;
    if (!mem_before)
        mem_before = (uint8_t *)malloc(4u * (DMAX + 512u) + 64u);
    memcpy(mem_before, bx.mem.phys, bx.mem.phys_len);
    hb = bx.h;
    rc = pram_buf_append(&bx.h, "isr", 3u);
    FZ_CHECK(weak_ok(rc, PRAM_ERR_BUSY), "an append from an interrupt during a call: %s", pram_strerror(rc));
    FZ_CHECK(!memcmp(mem_before, bx.mem.phys, bx.mem.phys_len) && !memcmp(&hb, &bx.h, sizeof hb),
             "a refused interrupt append changed something");
    rc = pram_buf_clear(&bx.h);
    FZ_CHECK(weak_ok(rc, PRAM_ERR_BUSY), "a clear from an interrupt during a call: %s", pram_strerror(rc));
    isr_ran = 1;
}

static void op_isr(fz_in_t *in)
{
    isr_at = pram_test_stores + 1u + fz_u8(in) % 24u;
    isr_ran = 0;
    pram_test_on_store = isr;
}

/* ---- Power cuts ---------------------------------------------------------------- */

typedef struct {
    int which;
    const uint8_t *p;
    uint32_t len;
    int rc;
} cut_t;

static void cut_fn(void *ctx)
{
    cut_t *c = (cut_t *)ctx;
    c->rc = c->which == 0 ? pram_buf_append(&bx.h, c->p, c->len) : pram_buf_clear(&bx.h);
}

static void op_cut(fz_in_t *in, int which)
{
    static uint8_t p[PRAM_RECORD_MAX_SIZE + 64u];
    unsigned n = 1u + fz_u8(in) % 48u, tear = fz_u8(in) & 15u, k, ok = 0, ncand;
    uint32_t len = 0, tag = 0;
    cut_t c;
    int want, rc;
    if (!bx.known || bx.streaming)
        return;
    if (which == 0) {
        len = op_len(in);
        payload_bytes(in, p, len);
        tag = new_tag(p, len <= PRAM_RECORD_MAX_SIZE ? len : 0u);
        if (full)
            return;
    }
    model_copy(&mcand[0], &bx.m);
    model_copy(&mcand[2], &bx.m);
    if (which == 0) {
        want = model_expect_append(&mcand[2], len, tag);
        if (want != PRAM_OK)
            return; /* nothing would be stored */
        model_copy(&mcand[1], &mcand[2]);
        model_truncate(&mcand[1], mcand[1].n - 1u);
        ncand = 3;
    } else {
        model_clear(&mcand[2]);
        model_copy(&mcand[1], &bx.m);
        if (bx.m.n)
            model_cut_clear(&mcand[1]);
        else
            model_clear(&mcand[1]);
        ncand = 3;
    }
    c.which = which;
    c.p = p;
    c.len = len;
    c.rc = 99;
    k = (unsigned)run_cut(cut_fn, &c, n, tear);
    pram_test_on_store = NULL; /* an interrupt lands in that call only */
    if (!k) {
        FZ_CHECK(c.rc == PRAM_OK, "%s: %s", which ? "clear" : "append", pram_strerror(c.rc));
        model_copy(&bx.m, &mcand[2]);
        return;
    }
    rc = reboot(1);
    (void)rc;
    if (full)
        return;
    for (k = 0; k < ncand; k++)
        ok |= opens_as(&bx.m, &mcand[k]);
    FZ_CHECK(ok, "%s cut at store %u (tear %#x): %u records after the reboot, neither the old "
             "state (%u), nor the new (%u), nor the old minus the dropped ones",
             which ? "clear" : "append", n, tear, bx.m.n, mcand[0].n, mcand[2].n);
    full_check();
}

/* ---- Iterators kept across calls, a saved record ----------------------------- */

static void op_iter_next(void)
{
    pram_record_t r;
    uint32_t s;
    int rc = pram_buf_next(&bx.h, &bx.itn, &r);
    if (!bx.known) {
        FZ_CHECK(rc == 1 || rc == 0 || rc == PRAM_ERR_CORRUPT, "next: %d", rc);
        if (rc == 1)
            check_rec(&r, NULL);
        bx.itn_fresh = !bx.itn.check;
        return;
    }
    if (bx.itn_fresh) {
        s = oldest(&bx.m);
    } else {
        s = bx.itn_seq;
        if (s != bx.m.next_seq && !held(&bx.m, s))
            s = oldest(&bx.m);
    }
    bx.itn_fresh = 0;
    if (s == bx.m.next_seq) {
        FZ_CHECK(rc == 0, "a kept iterator at the end: next %d", rc);
        bx.itn_seq = s;
        return;
    }
    FZ_CHECK(rc == 1 && r.seq == s, "a kept iterator: next %d seq %u, expected record %u", rc, r.seq, s);
    s -= bx.m.seq[0];
    FZ_CHECK(r.pos == bx.m.pos[s] && r.len == bx.m.len[s], "a kept iterator: record at the wrong place");
    check_rec(&r, tag_bytes(bx.m.tag[s]));
    bx.itn_seq = r.seq + 1u;
    bx.saved = r;
    bx.saved_tag = bx.m.tag[s];
    bx.have_saved = 1;
}

static void op_iter_prev(void)
{
    pram_record_t r;
    uint32_t s;
    int rc = pram_buf_prev(&bx.h, &bx.itp, &r);
    if (!bx.known) {
        FZ_CHECK(rc == 1 || rc == 0 || rc == PRAM_ERR_CORRUPT, "prev: %d", rc);
        if (rc == 1)
            check_rec(&r, NULL);
        return;
    }
    s = (bx.itp_fresh ? bx.m.next_seq : bx.itp_seq) - 1u;
    if (!held(&bx.m, s)) {
        FZ_CHECK(rc == 0, "a kept iterator: prev %d, record %u is not held", rc, s);
        return;
    }
    FZ_CHECK(rc == 1 && r.seq == s, "a kept iterator: prev %d seq %u, expected %u", rc, r.seq, s);
    bx.itp_fresh = 0;
    bx.itp_seq = s;
    s -= bx.m.seq[0];
    check_rec(&r, tag_bytes(bx.m.tag[s]));
}

static void op_read_saved(void)
{
    static uint8_t rd[PRAM_RECORD_MAX_SIZE + 16u];
    int rc;
    if (!bx.have_saved)
        return;
    memset(rd, 0xEE, sizeof rd);
    rc = pram_buf_read(&bx.h, &bx.saved, rd, sizeof rd);
    if (!bx.known) {
        FZ_CHECK(rc == (int)bx.saved.len || rc == PRAM_ERR_RANGE || rc == PRAM_ERR_CORRUPT, "read: %d", rc);
        return;
    }
    if (held(&bx.m, bx.saved.seq)) {
        FZ_CHECK(rc == (int)bx.saved.len && !memcmp(rd, tag_bytes(bx.saved_tag), bx.saved.len),
                 "a saved record still held reads %d", rc);
    } else {
        FZ_CHECK(rc == PRAM_ERR_RANGE, "a saved record no longer held (seq %u) reads %d", bx.saved.seq, rc);
        FZ_CHECK(rd[0] == 0xEE, "a refused read wrote dst");
    }
}

/* ---- Damage, misuse ---------------------------------------------------------------- */

static void op_stray(fz_in_t *in)
{
    uint32_t at = fz_u16(in) % bx.size;
    uint8_t b = (uint8_t)fz_u8(in);
    *fz_byte(&bx.mem, bx.off + at) = b;
    bx.known = 0;
}

static void op_misuse(fz_in_t *in)
{
    pram_buf_t bad = bx.h, idle = PRAM_BUF_INIT(&bx.def);
    pram_buf_iter_t it = bx.itn;
    pram_record_t r = bx.saved;
    uint8_t d[8];
    unsigned which = fz_u8(in) % 10u;
    int rc = 0, want = 0;
    snap();
    switch (which) {
    case 0: rc = pram_buf_append(NULL, d, 1u); want = PRAM_ERR_NULL; break;
    case 1: rc = pram_buf_append(&idle, d, 1u); want = PRAM_ERR_NOT_OPEN; break;
    case 2: bad.head |= 2u; rc = pram_buf_append(&bad, d, 1u); want = PRAM_ERR_CORRUPT; break;
    case 3: bad.count += 1u; rc = pram_buf_count(&bad); want = PRAM_ERR_CORRUPT; break;
    case 4: bad.busy = 0x1234u; rc = pram_buf_clear(&bad); want = PRAM_ERR_CORRUPT; break;
    case 5:
        if (!bx.itn.check) /* fresh (pram_buf.h: check 0), whatever pos holds */
            return;
        it.pos ^= 4u;
        rc = pram_buf_next(&bx.h, &it, &r);
        want = PRAM_ERR_CORRUPT;
        break;
    case 6:
        if (!bx.have_saved)
            return;
        r.len += 1u;
        rc = pram_buf_read(&bx.h, &r, d, 0u);
        want = PRAM_ERR_RANGE;
        break;
    case 7:
        if (!bx.have_saved || !bx.saved.len)
            return;
        rc = pram_buf_read(&bx.h, &bx.saved, NULL, 4u);
        want = PRAM_ERR_NULL;
        break;
    case 8: rc = pram_buf_append(&bx.h, NULL, 4u); want = bx.streaming ? PRAM_ERR_BUSY : PRAM_ERR_NULL; break;
    default: rc = pram_buf_next(&bx.h, NULL, &r); want = PRAM_ERR_NULL; break;
    }
    FZ_CHECK(weak_ok(rc, want), "misuse %u: %s, documented %s", which, pram_strerror(rc), pram_strerror(want));
    unchanged("misuse", rc);
}

/* ---- A crafted image ------------------------------------------------------------- */

static void craft(fz_in_t *in, uint8_t *img, unsigned style)
{
    uint8_t ctl[36], v[12], *data = img + CTLB;
    uint32_t head = (fz_u16(in) % (bx.D + 8u)) & ~3u, hs = fz_u8(in), nrec = fz_u8(in) % 24u;
    uint32_t at, i, ds = bx.D;
    unsigned flags = fz_u8(in);
    uint16_t cseq = (uint16_t)fz_u16(in);
    if (flags & 1u)
        hs = fz_u32(in);
    if (flags & 2u)
        ds += 4u; /* another data size: REFORMED */
    if (flags & 4u)
        head |= fz_u8(in) & 3u; /* misaligned: COLD */
    wr32(v, ds);
    wr32(v + 4, head);
    wr32(v + 8, hs);
    ref_craft_layout(ctl, ref_layout_kind(12u, 12u, REF_KIND_BUF, bx.schema), cseq, v);
    memcpy(img + ((flags & 8u) ? 24u : 0u), ctl, 24u);
    if (flags & 16u) { /* the other slot: an older (or newer) control value */
        wr32(v + 4, (fz_u16(in) % bx.D) & ~3u);
        ref_craft_layout(ctl, ref_layout_kind(12u, 12u, REF_KIND_BUF, bx.schema),
                         (uint16_t)(cseq + (fz_u8(in) & 1u ? 1u : 0xFFFFu)), v);
        memcpy(img + ((flags & 8u) ? 0u : 24u), ctl, 24u);
    }
    if (style == 3u)
        return;
    at = head & ~3u;
    for (i = 0; i < nrec; i++) {
        uint32_t len = fz_u8(in) % 48u, sp = rec_space(len), seq = hs + i;
        uint8_t p[48];
        if (at > bx.D || bx.D - at < sp) {
            if (at == 0u || sp > head)
                break;
            at = 0u;
        }
        test_fill_random(p, len, &prng);
        if (fz_u8(in) == 0x5Au)
            seq ^= 1u; /* a break in the chain */
        wr32(data + at, seq);
        wr32(data + at + 4u, len | (uint32_t)ref_record_crc(seq, len, p) << 16);
        memcpy(data + at + 8u, p, len);
        memset(data + at + 8u + len, 0, round4(len) - len);
        at += sp;
    }
    if ((flags & 32u) && (head & ~3u) + 4u <= bx.D) /* a clear cut after its mark */
        wr32(data + (head & ~3u), hs ^ 0x80000000u);
    if (flags & 64u) { /* a header outside the chain: the scrub must catch it */
        uint32_t p2 = (fz_u16(in) % bx.D) & ~3u;
        if (bx.D - p2 >= 8u) {
            wr32(data + p2, hs + nrec + fz_u8(in) % 4u);
            wr32(data + p2 + 4u, fz_u8(in) % 16u);
        }
    }
}

/* ---- Entry ------------------------------------------------------------------------ */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t img[CTLB + DMAX];
    fz_in_t in = {data, size};
    unsigned b0 = fz_u8(&in), b1 = fz_u8(&in), b2 = fz_u8(&in), style = fz_u8(&in) % 4u, kind, ops = 0;
    uint32_t pre, post, i;
    int rc;
    fz_init();
    memset(&bx, 0, sizeof bx);
    arena_used = ntags = 0u;
    full = 0;
    prng = 0x1234567ull ^ size;
    kind = (b0 >> 1) % FZ_NKINDS;
    bx.ring = b0 & 1u;
    bx.D = 8u + 4u * (b1 & 127u);
    if ((b1 & 128u) && (b2 & 128u))
        bx.D *= 4u;
    bx.schema = (uint16_t)(b2 & 3u);
    pre = kind == FZ_MEM ? 0u : ((b2 >> 2) & 3u) * 4u;
    post = kind == FZ_MEM ? 0u : ((b2 >> 4) & 3u) * 4u;
    bx.size = CTLB + bx.D;
    bx.off = pre;
    bx.tlen = pre + bx.size + post;
    fz_mem_init(&bx.mem, kind, bx.tlen);
    snapbuf = (uint8_t *)realloc(snapbuf, bx.mem.phys_len);
    for (i = 0; i < bx.tlen; i++)
        *fz_byte(&bx.mem, i) = (uint8_t)(0xC3 ^ i);
    if (kind == FZ_MEM) {
        pram_buf_def_t d = PRAM_BUF_DEF_AT(bx.mem.phys, bx.size, bx.schema);
        bx.def = d;
    } else {
        pram_buf_def_t d = PRAM_BUF_DEF_IN(fz_region(&bx.mem), bx.off, bx.size, bx.schema);
        bx.def = d;
    }
    bx.def.mode = bx.ring ? PRAM_BUF_RING : PRAM_BUF_LINEAR;
    fz_where = fz_kind_name[kind];
    /* 0: the input's bytes; 1: a crafted control block and chain over
     * zeros; 2: zeros; 3: a crafted control block and chain over garbage. */
    if (style == 0u) {
        fz_take(&in, img, bx.size);
    } else if (style == 3u) {
        uint64_t g = fz_u8(&in) + 1u;
        test_fill_random(img, bx.size, &g);
    } else {
        memset(img, 0, bx.size);
    }
    if (style == 1u || style == 3u)
        craft(&in, img, (fz_u8(&in) & 7u) == 0u ? 3u : 1u);
    fz_put(&bx.mem, bx.off, img, bx.size);
    pram_test_crit_depth = 0u;
    pram_test_crit_errors = 0u;
    pram_test_on_store = NULL;
    fz_confine(&bx.mem, bx.off, bx.size);

    /* First boot over whatever the memory holds, then a second one must
     * find the same. */
    rc = reboot(0);
    if (!full) {
        model_copy(&mcand[0], &bx.m);
        full_check();
        reboot(1);
        FZ_CHECK(full || opens_as(&bx.m, &mcand[0]), "a second open (after %s) found other records",
                 pram_strerror(rc));
    }
    while (in.n && !full && ops++ < 96u) {
        unsigned op = fz_u8(&in) % 24u;
        /* The interrupt only lands in writing calls after open. */
        if (pram_test_on_store && !(op <= 9u || op == 14u || op == 15u))
            pram_test_on_store = NULL;
        if (fz_trace)
            fprintf(stderr, "op %2u: known %d n %u tail %u next %u streaming %d | handle head %u/%u tail %u "
                    "wrap %u count %u seq %u busy %#x s_pos %u s_len %u\n", op, bx.known, bx.m.n, bx.m.tail,
                    bx.m.next_seq, bx.streaming, bx.h.head, bx.h.head_seq, bx.h.tail, bx.h.wrap, bx.h.count,
                    bx.h.seq, (unsigned)bx.h.busy, bx.h.s_pos, bx.h.s_len);
        switch (op) {
        case 0: case 1: case 2: case 3: op_append(&in); break;
        case 4: op_begin(); break;
        case 5: case 6: op_write(&in); break;
        case 7: op_commit(); break;
        case 8: op_cancel(); break;
        case 9: op_clear(); break;
        case 10: full_check(); break;
        case 11: op_reboot(); break;
        case 12: op_takeover(); break;
        case 13: op_isr(&in); break;
        case 14: op_cut(&in, 0); break;
        case 15: op_cut(&in, 1); break;
        case 16: case 17: op_iter_next(); break;
        case 18: op_iter_prev(); break;
        case 19: op_read_saved(); break;
        case 20: op_stray(&in); break;
        case 21: op_misuse(&in); break;
        default: break;
        }
        if (pram_test_on_store && op != 13u) {
            pram_test_on_store = NULL; /* armed for one call only */
        }
        if (!full)
            light_check();
    }
    if (!full)
        full_check();
    pram_test_on_store = NULL;
    fz_mem_free(&bx.mem);
    fz_where = "";
    return 0;
}
