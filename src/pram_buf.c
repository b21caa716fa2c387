/* pram — record buffers: linear and ring, appended whole or streamed.
 *
 * Storage: [control cell, A/B: data size, head, head_seq][data area].
 * Record at data offset `at`:
 *   +0 seq        commit word: ~seq while the record is written (every byte
 *                 differs, so a torn commit store never reads as seq), its
 *                 sequence number once committed
 *   +4 len | crc  payload length (bits 0-15), CRC-16 (bits 16-31) over the
 *                 payload, its register started at 0xFFFF ^ (seq & 0xFFFF)
 *   +8 payload, zero-padded to a multiple of 4
 * Records hold consecutive sequence numbers from the control block's
 * (head, head_seq): the oldest record.  Each follows the previous one, or
 * starts at offset 0 when it did not fit before the end (a ring's wrap).
 * Append order: [control <- new head, if records are dropped], seq word <- ~seq,
 * payload, len|crc, seq word <- seq.  Open walks the chain from the head; the
 * first record that does not check ends it.  docs/design.md has the tables
 * of what a reset at each store leaves behind. */
#include "pram_cell_internal.h"

#define DATA_OFF PRAM_BUF_CONTROL_SIZE
#define HDR PRAM_BUF_RECORD_HEADER
#define SPACE(len) PRAM_BUF_RECORD_SPACE(len)
#define NOWHERE 0xFFFFFFFFu
/* A clear marks the oldest record's commit word seq ^ CLEAR_MARK: one byte
 * changes, so a torn store reads as either value; and it differs from the
 * ~seq of a record being written, so open can tell a cut clear apart. */
#define CLEAR_MARK 0x80000000u

/* b->busy: what is in progress on the handle. */
#define BUSY_CALL 0xCA11u   /* a writing call                 */
#define BUSY_STREAM 0x57EAu /* a record begun, not yet ended */

/* Where the records are: a working copy of the handle's fields, so that a
 * call decides everything before it changes the handle (and a failed call
 * changes nothing). */
typedef struct span {
    uint32_t head, head_seq, tail, wrap, count;
} span_t;

static uint32_t data_size(const pram_buf_def_t *d)
{
    return d->size - DATA_OFF;
}

static int check_def(const pram_buf_def_t *d, uintptr_t *pos)
{
    if (!d)
        return PRAM_ERR_DESC;
    /* The control block is an A/B cell: without A/B (PRAM_ENABLE_AB 0)
     * a torn control write would lose every record, so no buffers. */
    if (!PRAM_ENABLE_AB || d->size < DATA_OFF + HDR || (d->size & 3u) || d->mode > PRAM_BUF_RING)
        return PRAM_ERR_DESC;
    return pram__locate(d->region, d->addr, d->offset, d->size, pos);
}

/* The handle is plain RAM the caller owns: check it before trusting it.
 * Every position must be one the code below could have produced. */
static int check_handle(const pram_buf_t *b, uintptr_t *pos)
{
    uint32_t D, n;
    int rc;
    if (!b)
        return PRAM_ERR_NULL;
    if (b->open != PRAM__BUF_OPEN)
        return PRAM_ERR_NOT_OPEN;
    rc = check_def(b->def, pos);
    if (rc)
        return rc;
    D = data_size(b->def);
    n = b->count;
    if (b->head > D || b->tail > D || b->wrap > D || ((b->head | b->tail | b->wrap) & 3u) ||
        n > D / HDR || b->seq - b->head_seq != n ||
        (n == 0u ? b->head != b->tail || b->wrap : b->wrap ? b->tail > b->head || b->head >= b->wrap
                                                            : b->head >= b->tail))
        return PRAM_ERR_CORRUPT;
    if (b->busy == BUSY_STREAM) {
        if (b->s_pos > D || (b->s_pos & 3u) || b->s_len > PRAM_RECORD_MAX_SIZE ||
            SPACE(b->s_len) > D - b->s_pos || b->s_crc > 0xFFFFu)
            return PRAM_ERR_CORRUPT;
    } else if (b->busy != 0u && b->busy != BUSY_CALL) {
        return PRAM_ERR_CORRUPT;
    }
    return PRAM_OK;
}

/* The control block's cell descriptor (declared in pram_cell_internal.h so
 * that tests can reach the control block the way the buffer code does). */
void pram__buf_control_cell(const pram_buf_def_t *d, pram_cell_t *cc)
{
    pram__header_cell(cc, d->addr, d->region, d->offset, PRAM__KIND_BUF,
                      (uint16_t)sizeof(pram_buf_control_t), d->schema, PRAM_AB);
}

static uint16_t crc_init(uint32_t seq)
{
    return (uint16_t)(PRAM_CRC16_INIT ^ seq);
}

/* Checks the record at data offset `at` (untrusted) against the sequence
 * number it must hold and the end it must not pass: PRAM_OK and *len, or
 * PRAM_ERR_INVALID. */
static int record_check(const pram_region_t *r, uintptr_t data, uint32_t at, uint32_t seq,
                        uint32_t limit, uint32_t *len)
{
    uint32_t w, n;
    /* `at` may come from a caller's iterator or record: never load from a
     * position that is not a 4-aligned record start before the limit. */
    if ((at & 3u) || at > limit || limit - at < HDR)
        return PRAM_ERR_INVALID;
    if (pram__load32(r, data + at) != seq)
        return PRAM_ERR_INVALID;
    w = pram__load32(r, data + at + 4u);
    n = w & 0xFFFFu;
    if (n > PRAM_RECORD_MAX_SIZE || SPACE(n) > limit - at)
        return PRAM_ERR_INVALID;
    if (pram__crc16(crc_init(seq), r, data + at + HDR, n) != (uint16_t)(w >> 16))
        return PRAM_ERR_INVALID;
    *len = n;
    return PRAM_OK;
}

/* The end a record starting at `at` must not pass. */
static uint32_t limit_at(const span_t *s, uint32_t D, uint32_t at)
{
    if (s->wrap)
        return at >= s->head ? s->wrap : s->tail;
    return s->count ? s->tail : D;
}

static void span_of(const pram_buf_t *b, span_t *s)
{
    s->head = b->head;
    s->head_seq = b->head_seq;
    s->tail = b->tail;
    s->wrap = b->wrap;
    s->count = b->count;
}

/* The record after the one at `at` of `space` bytes. */
static uint32_t next_pos(const span_t *s, uint32_t at, uint32_t space)
{
    at += space;
    return s->wrap && at == s->wrap ? 0u : at;
}

/* Walks the chain from the control block's head: sets tail, wrap and count.
 * Each step passes one record, at least 8 bytes, and never beyond the head
 * once wrapped: bounded by one pass over the data area. */
static void walk(const pram_region_t *r, uintptr_t data, uint32_t D, span_t *s)
{
    uint32_t at = s->head, seq = s->head_seq, limit = D, len = 0u;
    s->wrap = 0u;
    s->count = 0u;
    for (;;) {
        if (record_check(r, data, at, seq, limit, &len) != PRAM_OK) {
            if (s->wrap || !s->count || record_check(r, data, 0u, seq, s->head, &len) != PRAM_OK)
                break;
            s->wrap = at;
            at = 0u;
            limit = s->head;
        }
        at += SPACE(len);
        seq++;
        s->count++;
    }
    s->tail = s->count ? at : s->head;
}

/* 1 if [from, to) holds a word that could commit a record the chain will
 * reach: one of the next sequence numbers, followed by a length that fits
 * (and, for an empty record, its CRC).  No CRC pass: at most two loads per
 * word whatever the memory holds. */
static int suspicious(const pram_region_t *r, uintptr_t data, uint32_t D, uint32_t from,
                      uint32_t to, uint32_t seq)
{
    uint32_t at, c, w, n;
    for (at = from; at < to && D - at >= HDR; at += 4u) {
        c = pram__load32(r, data + at);
        if (c - seq >= D / 4u)
            continue;
        w = pram__load32(r, data + at + 4u);
        n = w & 0xFFFFu;
        /* An empty record checks without a CRC pass: so zeroed memory
         * (seq 0, length 0, CRC 0 where an empty record has 0xFFFF) is
         * never taken for one. */
        if (n == 0u ? (w >> 16) == crc_init(c) : n <= PRAM_RECORD_MAX_SIZE && SPACE(n) <= D - at)
            return 1;
    }
    return 0;
}

/* Outside the chain there can be committed records of the next sequence
 * numbers only if memory was damaged, or the control block fell back to
 * its older slot (a reset between a commit and its retire, then a damaged
 * newer slot): records from before a clear, or dropped ones.  Left in
 * place, a later record could end on one's boundary and bring it back.  So
 * if anything there could be one, zero everything outside the chain.  A
 * false alarm only zeroes bytes that hold no record; a reset part-way
 * repeats the decision. */
static void forget_outside(const pram_region_t *r, uintptr_t data, uint32_t D, const span_t *s,
                           uint32_t seq)
{
    uint32_t a0 = s->tail, a1 = s->wrap ? s->head : D;
    uint32_t b0 = s->wrap ? s->wrap : 0u, b1 = s->wrap ? D : s->head;
    if (suspicious(r, data, D, a0, a1, seq) || suspicious(r, data, D, b0, b1, seq)) {
        pram__zero(r, data + a0, a1 - a0);
        pram__zero(r, data + b0, b1 - b0);
    }
}

static int set_control(const pram_buf_def_t *d, uint32_t head, uint32_t head_seq)
{
    pram_cell_t cc;
    pram_buf_control_t ctl;
    pram__buf_control_cell(d, &cc);
    ctl.data_size = data_size(d);
    ctl.head = head;
    ctl.head_seq = head_seq;
    return pram_cell_set(&cc, &ctl, sizeof ctl);
}

/* Empty, the next record at data offset 0 with sequence number `seq`.
 * (Field by field: a zeroed struct would be a memset call on Cortex-M0+.) */
static void set_empty(pram_buf_t *b, uint32_t seq)
{
    b->head = 0u;
    b->head_seq = seq;
    b->tail = 0u;
    b->wrap = 0u;
    b->count = 0u;
    b->seq = seq;
}

static void set_span(pram_buf_t *b, const span_t *s)
{
    b->head = s->head;
    b->head_seq = s->head_seq;
    b->tail = s->tail;
    b->wrap = s->wrap;
    b->count = s->count;
    b->seq = s->head_seq + s->count;
}

/* Zero the data area, then commit an empty buffer.  A reset part-way leaves
 * the control block invalid, so the next open formats again. */
static void format(pram_buf_t *b, uintptr_t pos)
{
    const pram_buf_def_t *d = b->def;
    pram__zero(d->region, pos + DATA_OFF, data_size(d));
    (void)set_control(d, 0u, 0u);
    set_empty(b, 0u);
}

/* Reads the control block and the chain into the handle (formatting if the
 * control block is not valid): what open and takeover share. */
static int recover(pram_buf_t *b, uintptr_t pos)
{
    const pram_buf_def_t *d = b->def;
    uint32_t D = data_size(d);
    pram_cell_t cc;
    pram_buf_control_t ctl;
    span_t s;
    int rc, cut_clear;
    pram__buf_control_cell(d, &cc);
    rc = pram_cell_get(&cc, &ctl, sizeof ctl);
    if (rc == PRAM_OK && ctl.data_size != D)
        rc = PRAM_ERR_LAYOUT;
    if (rc == PRAM_OK && (ctl.head > D || (ctl.head & 3u)))
        rc = PRAM_ERR_INVALID;
    if (rc != PRAM_OK) {
        format(b, pos);
        return rc == PRAM_ERR_LAYOUT ? PRAM_BUF_REFORMED : PRAM_BUF_COLD;
    }
    s.head = ctl.head;
    s.head_seq = ctl.head_seq;
    walk(d->region, pos + DATA_OFF, D, &s);
    cut_clear = !s.count && s.head <= D - HDR &&
                pram__load32(d->region, pos + DATA_OFF + s.head) == (s.head_seq ^ CLEAR_MARK);
    if (cut_clear) {
        /* A clear was cut between its first store and its commit: finish
         * it, past every number the old records can have used (at most
         * D / 8 of them), so that none is ever used twice.  Before the
         * scrub, which may erase the mark: a reset in between repeats
         * this, after it the old records' numbers are all below the head's. */
        s.head = 0u;
        s.head_seq += D / HDR + 1u;
        s.tail = 0u;
        (void)set_control(d, 0u, s.head_seq);
    }
    forget_outside(d->region, pos + DATA_OFF, D, &s, s.head_seq + s.count);
    set_span(b, &s);
    return PRAM_BUF_INTACT;
}

int pram_buf_open(pram_buf_t *b)
{
    uintptr_t pos = 0u;
    uint32_t cs;
    int rc;
    if (!b)
        return PRAM_ERR_NULL;
    b->open = 0u;
    rc = check_def(b->def, &pos);
    if (rc)
        return rc;
    cs = PRAM_CRITICAL_ENTER();
    b->busy = 0u;
    rc = recover(b, pos);
    b->open = PRAM__BUF_OPEN;
    PRAM_CRITICAL_EXIT(cs);
    return rc;
}

int pram_buf_takeover(pram_buf_t *b)
{
    uintptr_t pos = 0u;
    uint32_t cs;
    int rc = check_handle(b, &pos);
    if (rc == PRAM_OK && !b->busy)
        return PRAM_OK;
    if (rc != PRAM_OK && rc != PRAM_ERR_CORRUPT)
        return rc;
    cs = PRAM_CRITICAL_ENTER();
    b->busy = 0u;
    rc = recover(b, pos);
    PRAM_CRITICAL_EXIT(cs);
    return rc == PRAM_BUF_INTACT ? PRAM_BUF_ABANDONED : rc;
}

/* Marks the handle busy for a writing call.  An ISR that interrupts a call
 * between the check and the store runs to completion before the store, so
 * on one core no two calls ever both proceed. */
static int claim(pram_buf_t *b, uintptr_t *pos)
{
    int rc = check_handle(b, pos);
    if (rc)
        return rc;
    if (b->busy)
        return PRAM_ERR_BUSY;
    b->busy = BUSY_CALL;
    PRAM_COMPILER_BARRIER();
    return PRAM_OK;
}

static int release(pram_buf_t *b, int rc)
{
    PRAM_COMPILER_BARRIER();
    b->busy = 0u;
    return rc;
}

/* Bytes free from `at` (the tail, or 0 for a record that wraps) up to the
 * next record or the end of the data area. */
static uint32_t room_at(const span_t *s, uint32_t D, uint32_t at)
{
    if (!s->count)
        return D - at;
    if (s->wrap || at < s->tail)
        return s->head - at;
    return D - at;
}

/* Where a record of `need` bytes goes without dropping: the tail, or offset
 * 0 if it does not fit before the end; NOWHERE if neither is free. */
static uint32_t place(const span_t *s, uint32_t D, uint32_t need)
{
    if (room_at(s, D, s->tail) >= need)
        return s->tail;
    if (!s->count || (!s->wrap && s->head >= need))
        return 0u;
    return NOWHERE;
}

/* Forgets the oldest record in *s (memory is untouched until the caller
 * commits the new head).  Its length was checked by open; memory may have
 * changed since, so it is bounded again. */
static int drop_oldest(const pram_region_t *r, uintptr_t data, uint32_t D, span_t *s)
{
    uint32_t limit = limit_at(s, D, s->head), n;
    if (!s->count || limit - s->head < HDR || pram__load32(r, data + s->head) != s->head_seq)
        return PRAM_ERR_CORRUPT;
    n = pram__load32(r, data + s->head + 4u) & 0xFFFFu;
    if (n > PRAM_RECORD_MAX_SIZE || SPACE(n) > limit - s->head)
        return PRAM_ERR_CORRUPT;
    s->head = next_pos(s, s->head, SPACE(n));
    if (s->head == 0u)
        s->wrap = 0u;
    s->head_seq++;
    if (!--s->count) {
        s->head = s->tail;
        s->wrap = 0u;
    }
    return PRAM_OK;
}

/* Commits *s as the new state, if it moved the head: the control block is
 * the one store that drops records (all of them at once), and it is written
 * before any of their bytes are overwritten. */
static int commit_span(pram_buf_t *b, const span_t *s)
{
    int rc;
    if (s->head != b->head || s->head_seq != b->head_seq) {
        rc = set_control(b->def, s->head, s->head_seq);
        if (rc)
            return rc;
    }
    set_span(b, s);
    return PRAM_OK;
}

/* An empty buffer's next record is its head: keep head and tail on it. */
static void empty_at(span_t *s, uint32_t at)
{
    if (!s->count) {
        s->head = at;
        s->tail = at;
    }
}

/* Finds room for `need` bytes (a ring drops its oldest records for it) and
 * commits the new head: the record's position, or an error with nothing
 * changed. */
static int make_room(pram_buf_t *b, uintptr_t data, uint32_t need, uint32_t *at)
{
    const pram_buf_def_t *d = b->def;
    uint32_t D = data_size(d);
    span_t s;
    int rc;
    /* The common case first: room at the tail (an empty buffer's tail is
     * its head, so nothing to commit either). */
    if ((b->wrap ? b->head - b->tail : D - b->tail) >= need) {
        *at = b->tail;
        return PRAM_OK;
    }
    span_of(b, &s);
    while ((*at = place(&s, D, need)) == NOWHERE) {
        if (d->mode != PRAM_BUF_RING)
            return PRAM_ERR_NO_SPACE;
        rc = drop_oldest(d->region, data, D, &s);
        if (rc)
            return rc;
    }
    empty_at(&s, *at);
    return commit_span(b, &s);
}

/* The record at `at` joins the chain after the newest. */
static void advance(pram_buf_t *b, uint32_t at, uint32_t need)
{
    if (b->count && at != b->tail)
        b->wrap = b->tail;
    b->tail = at + need;
    b->count++;
    b->seq++;
}

static void seal(const pram_region_t *r, uintptr_t rec, uint32_t seq, uint32_t len, uint32_t crc)
{
    pram__store32(r, rec + 4u, len | (crc << 16));
    pram__store32(r, rec, seq);
    pram__committed(r, rec, SPACE(len));
}

/* Append order: commit word <- ~seq, payload, len|crc, commit word <- seq. */
static PRAM_ALWAYS_INLINE void put_record(const pram_region_t *r, uintptr_t rec, uint32_t seq,
                                          const void *data, uint32_t len)
{
    pram__store32(r, rec, ~seq);
    pram__write(r, rec + HDR, data, len);
    seal(r, rec, seq, len, pram__crc16(crc_init(seq), r, rec + HDR, len));
}

int pram_buf_append(pram_buf_t *b, const void *data, size_t len)
{
    const pram_region_t *r;
    uintptr_t pos = 0u, rec;
    uint32_t at = 0u, cs = PRAM_CRITICAL_ENTER();
    int rc = claim(b, &pos);
    if (rc) {
        PRAM_CRITICAL_EXIT(cs);
        return rc;
    }
    r = b->def->region;
    if (!data && len)
        rc = PRAM_ERR_NULL;
    else if (len > PRAM_RECORD_MAX_SIZE || SPACE(len) > data_size(b->def))
        rc = PRAM_ERR_TOO_LARGE;
    else
        rc = make_room(b, pos + DATA_OFF, SPACE(len), &at);
    if (!rc) {
        rec = pos + DATA_OFF + at;
        /* Ordinary memory gets its own copy of the record writer, with
         * every region test folded away (they would otherwise be repeated
         * for each word: a volatile store may change *r as far as the
         * compiler knows). */
        if (r)
            put_record(r, rec, b->seq, data, (uint32_t)len);
        else
            put_record(NULL, rec, b->seq, data, (uint32_t)len);
        advance(b, at, SPACE(len));
    }
    rc = release(b, rc);
    PRAM_CRITICAL_EXIT(cs);
    return rc;
}

int pram_buf_begin(pram_buf_t *b)
{
    uintptr_t pos = 0u;
    uint32_t at = 0u, cs = PRAM_CRITICAL_ENTER();
    int rc = claim(b, &pos);
    if (rc) {
        PRAM_CRITICAL_EXIT(cs);
        return rc;
    }
    rc = make_room(b, pos + DATA_OFF, HDR, &at);
    if (rc) {
        rc = release(b, rc);
    } else {
        pram__store32(b->def->region, pos + DATA_OFF + at, ~b->seq);
        b->s_pos = at;
        b->s_len = 0u;
        b->s_crc = crc_init(b->seq);
        PRAM_COMPILER_BARRIER();
        b->busy = BUSY_STREAM;
    }
    PRAM_CRITICAL_EXIT(cs);
    return rc;
}

/* The stream's handle, checked, or an error. */
static int streaming(pram_buf_t *b, uintptr_t *pos)
{
    int rc = check_handle(b, pos);
    if (rc)
        return rc;
    return b->busy == BUSY_STREAM ? PRAM_OK : PRAM_ERR_SCOPE;
}

/* Room for the streamed record to reach `need` bytes: drops (ring) and
 * whether it must move to offset 0, decided and committed before any byte
 * is written.  Returns the record's position or NOWHERE with *rc set. */
static uint32_t stream_room(pram_buf_t *b, uintptr_t data, uint32_t need, int *rc)
{
    const pram_buf_def_t *d = b->def;
    uint32_t D = data_size(d), at = b->s_pos;
    span_t s;
    span_of(b, &s);
    if (room_at(&s, D, at) >= need)
        return at; /* grows in place: nothing to drop, nothing to commit */
    for (;;) {
        if (room_at(&s, D, at) >= need)
            break;
        if (d->mode != PRAM_BUF_RING) {
            *rc = PRAM_ERR_NO_SPACE;
            return NOWHERE;
        }
        /* Stopped by the end of the area, not by a record: move to 0 once
         * that is free. */
        if (at && (!s.count || (!s.wrap && at >= s.tail)) && (!s.count || s.head >= need)) {
            at = 0u;
            continue;
        }
        *rc = drop_oldest(d->region, data, D, &s);
        if (*rc)
            return NOWHERE;
    }
    empty_at(&s, at);
    *rc = commit_span(b, &s);
    return *rc ? NOWHERE : at;
}

/* Stores n bytes at byte offset `off` of the payload at `payload` (4-aligned):
 * a partial first word is merged with the bytes already written there. */
static void put_bytes(const pram_region_t *r, uintptr_t payload, uint32_t off, const uint8_t *src,
                      uint32_t n)
{
    uint32_t i = off & 3u, w;
    uintptr_t wpos = payload + (off & ~3u);
    if (i && n) {
        w = pram__load32(r, wpos);
        for (; i < 4u && n; i++, n--, off++, src++)
            w = (w & ~(0xFFu << PRAM__BYTE_SHIFT(i))) | ((uint32_t)*src << PRAM__BYTE_SHIFT(i));
        pram__store32(r, wpos, w);
    }
    if (n)
        pram__write(r, payload + off, src, n);
}

int pram_buf_write(pram_buf_t *b, const void *data, size_t len)
{
    const pram_region_t *r;
    uintptr_t pos = 0u, rec;
    uint32_t at, cs = PRAM_CRITICAL_ENTER();
    int rc = streaming(b, &pos);
    if (!rc && !data && len)
        rc = PRAM_ERR_NULL;
    if (!rc && (len > PRAM_RECORD_MAX_SIZE - b->s_len ||
                SPACE(b->s_len + len) > data_size(b->def)))
        rc = PRAM_ERR_TOO_LARGE;
    if (rc || !len) {
        PRAM_CRITICAL_EXIT(cs);
        return rc;
    }
    r = b->def->region;
    at = stream_room(b, pos + DATA_OFF, SPACE(b->s_len + len), &rc);
    if (at != NOWHERE) {
        rec = pos + DATA_OFF + at;
        if (at != b->s_pos) {
            /* Moving down: a forward copy never reads a word it overwrote. */
            pram__store32(r, rec, ~b->seq);
            pram__copy(r, rec + HDR, pos + DATA_OFF + b->s_pos + HDR, PRAM__ALIGN4(b->s_len));
            b->s_pos = at;
        }
        put_bytes(r, rec + HDR, b->s_len, (const uint8_t *)data, (uint32_t)len);
        b->s_crc = pram_crc16((uint16_t)b->s_crc, data, len);
        b->s_len += (uint32_t)len;
    }
    PRAM_CRITICAL_EXIT(cs);
    return rc;
}

int pram_buf_commit(pram_buf_t *b)
{
    uintptr_t pos = 0u;
    uint32_t cs = PRAM_CRITICAL_ENTER();
    int rc = streaming(b, &pos);
    if (!rc) {
        seal(b->def->region, pos + DATA_OFF + b->s_pos, b->seq, b->s_len, b->s_crc);
        advance(b, b->s_pos, SPACE(b->s_len));
        rc = release(b, PRAM_OK);
    }
    PRAM_CRITICAL_EXIT(cs);
    return rc;
}

int pram_buf_cancel(pram_buf_t *b)
{
    uintptr_t pos = 0u;
    uint32_t cs = PRAM_CRITICAL_ENTER();
    int rc = streaming(b, &pos);
    if (!rc)
        rc = release(b, PRAM_OK);
    PRAM_CRITICAL_EXIT(cs);
    return rc;
}

int pram_buf_clear(pram_buf_t *b)
{
    uintptr_t pos = 0u;
    uint32_t cs = PRAM_CRITICAL_ENTER();
    int rc = claim(b, &pos);
    if (rc) {
        PRAM_CRITICAL_EXIT(cs);
        return rc;
    }
    /* The oldest record's commit word first: from then on no walk reaches a
     * record from before this clear, even if the control block later falls
     * back to its older slot (a reset between its commit and its retire,
     * then a damaged newer slot); that open's scrub removes the rest.  A
     * reset between this store and the commit forgets every record, and
     * open finishes the clear (it knows the mark): a clear keeps all or
     * none.  Sequence numbers go on: none repeats. */
    if (b->count)
        pram__store32(b->def->region, pos + DATA_OFF + b->head, b->head_seq ^ CLEAR_MARK);
    rc = set_control(b->def, 0u, b->seq);
    if (!rc)
        set_empty(b, b->seq);
    rc = release(b, rc);
    PRAM_CRITICAL_EXIT(cs);
    return rc;
}

int pram_buf_is_open(const pram_buf_t *b)
{
    uintptr_t pos = 0u;
    return check_handle(b, &pos) == PRAM_OK;
}

int pram_buf_count(const pram_buf_t *b)
{
    uintptr_t pos = 0u;
    int rc = check_handle(b, &pos);
    return rc ? rc : (int)b->count;
}

int pram_buf_space(const pram_buf_t *b)
{
    uintptr_t pos = 0u;
    uint32_t D, left;
    span_t s;
    int rc = check_handle(b, &pos);
    if (rc)
        return rc;
    D = data_size(b->def);
    span_of(b, &s);
    left = s.count ? room_at(&s, D, s.tail) : D;
    if (s.count && !s.wrap && s.head > left)
        left = s.head; /* a record that wraps to offset 0 */
    if (left < HDR)
        return PRAM_ERR_NO_SPACE; /* not even an empty record fits */
    left = (left - HDR) & ~3u;
    return (int)(left < PRAM_RECORD_MAX_SIZE ? left : PRAM_RECORD_MAX_SIZE);
}

/* The position of the record with sequence number `seq` (one the buffer
 * holds), walking the headers from the oldest: O(records), no CRC. */
static int locate(const pram_buf_t *b, uintptr_t data, uint32_t seq, uint32_t *at)
{
    const pram_region_t *r = b->def->region;
    uint32_t D = data_size(b->def), p, k, n, limit;
    span_t s;
    span_of(b, &s);
    p = s.head;
    for (k = seq - s.head_seq; k; k--) {
        limit = limit_at(&s, D, p);
        if (limit < p || limit - p < HDR)
            return PRAM_ERR_CORRUPT;
        n = pram__load32(r, data + p + 4u) & 0xFFFFu;
        if (n > PRAM_RECORD_MAX_SIZE || SPACE(n) > limit - p)
            return PRAM_ERR_CORRUPT;
        p = next_pos(&s, p, SPACE(n));
    }
    *at = p;
    return PRAM_OK;
}

/* Ties a caller-held record's or iterator's fields together (never 0): one
 * the library did not fill, or that was altered, is told apart. */
static uint32_t tie(uint32_t pos, uint32_t seq, uint32_t len)
{
    return ((pos * 0x9E3779B1u) ^ (seq * 0x85EBCA77u) ^ (len * 0xC2B2AE3Du) ^ 0x7F4A7C15u) | 1u;
}

/* Fills *rec with the record `seq`, which the chain puts at `at`: the
 * caller knows the position from the chain (the head, a step from a
 * record the buffer still holds, or locate), never from memory. */
static int fetch(const pram_buf_t *b, uintptr_t pos, uint32_t seq, uint32_t at, pram_record_t *rec)
{
    const pram_region_t *r = b->def->region;
    uintptr_t data = pos + DATA_OFF;
    uint32_t len = 0u;
    span_t s;
    span_of(b, &s);
    if (record_check(r, data, at, seq, limit_at(&s, data_size(b->def), at), &len) != PRAM_OK)
        return PRAM_ERR_CORRUPT;
    rec->pos = at;
    rec->len = len;
    rec->seq = seq;
    rec->check = tie(at, seq, len);
    rec->data = pram__direct(r, data + at + HDR);
    return PRAM_OK;
}

/* 1 if the buffer holds the record `seq`. */
static int holds(const pram_buf_t *b, uint32_t seq)
{
    return seq - b->head_seq < b->count;
}

static int iter_ok(const pram_buf_iter_t *it)
{
    return !it->check || it->check == tie(it->pos, it->seq, 0u);
}

int pram_buf_next(const pram_buf_t *b, pram_buf_iter_t *it, pram_record_t *rec)
{
    uintptr_t pos = 0u;
    uint32_t seq, at;
    int rc = check_handle(b, &pos);
    if (rc)
        return rc;
    if (!it || !rec)
        return PRAM_ERR_NULL;
    if (!iter_ok(it))
        return PRAM_ERR_CORRUPT;
    seq = it->seq;
    if (!it->check || (seq != b->seq && !holds(b, seq)) || seq == b->head_seq) {
        /* Fresh, or its record was dropped or cleared since: the oldest. */
        if (!it->check || seq != b->seq)
            seq = b->head_seq;
        at = b->head;
    } else {
        /* The record after one the buffer still holds (it->pos is where
         * that one ends): there, or at 0 if that one ended the upper part
         * of a wrapped ring. */
        at = b->wrap && it->pos == b->wrap ? 0u : it->pos;
    }
    if (seq == b->seq) {
        it->pos = at;
        it->seq = seq;
        it->check = tie(at, seq, 0u);
        return 0;
    }
    rc = fetch(b, pos, seq, at, rec);
    if (rc)
        return rc;
    it->pos = at + SPACE(rec->len);
    it->seq = seq + 1u;
    it->check = tie(it->pos, it->seq, 0u);
    return 1;
}

int pram_buf_prev(const pram_buf_t *b, pram_buf_iter_t *it, pram_record_t *rec)
{
    uintptr_t pos = 0u;
    uint32_t seq, at = 0u;
    int rc = check_handle(b, &pos);
    if (rc)
        return rc;
    if (!it || !rec)
        return PRAM_ERR_NULL;
    if (!iter_ok(it))
        return PRAM_ERR_CORRUPT;
    seq = (it->check ? it->seq : b->seq) - 1u;
    if (!holds(b, seq))
        return 0;
    rc = locate(b, pos + DATA_OFF, seq, &at);
    if (!rc)
        rc = fetch(b, pos, seq, at, rec);
    if (rc)
        return rc;
    it->pos = at;
    it->seq = seq;
    it->check = tie(at, seq, 0u);
    return 1;
}

int pram_buf_read(const pram_buf_t *b, const pram_record_t *rec, void *dst, size_t cap)
{
    uintptr_t pos = 0u;
    pram_record_t now;
    int rc = check_handle(b, &pos);
    if (rc)
        return rc;
    if (!rec || (!dst && cap))
        return PRAM_ERR_NULL;
    /* Only a record next/prev filled, which the buffer still holds (not
     * cleared or dropped since): committed records never move, so it is
     * still at its position, even if its bytes were damaged since. */
    if (rec->check != tie(rec->pos, rec->seq, rec->len) || !holds(b, rec->seq))
        return PRAM_ERR_RANGE;
    rc = fetch(b, pos, rec->seq, rec->pos, &now);
    if (rc)
        return rc;
    if (now.len != rec->len)
        return PRAM_ERR_CORRUPT;
    if (cap < now.len)
        return PRAM_ERR_TOO_LARGE;
    if (now.len)
        pram__read(b->def->region, pos + DATA_OFF + now.pos + HDR, dst, now.len);
    return (int)now.len;
}
