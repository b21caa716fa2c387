/* pram — internal, not an API: the cell core, written once.
 *
 * src/pram_cell.c compiles it into pram__cell_op(), shared by every cell.
 * With PRAM_CELL_SPECIALIZE, PRAM_CELL_DEFINE also compiles it into one
 * function per cell, in the caller's file, where the descriptor is a known
 * constant: the compiler then proves the descriptor checks and folds sizes
 * and offsets, which is what a one-cell firmware needs to stay small.
 * Everything here is forced inline so that the folding happens.
 *
 * Commit order of a slot (docs/design.md has the full argument):
 *   1. magic <- 0          the slot is now invalid, whatever follows
 *   2. value words         (skipped by an edit: the caller wrote in place)
 *   3. layout word
 *   4. seal word           sequence | CRC-16 over layout, sequence, value
 *   5. magic <- MAGIC      commit point; a torn word here is not MAGIC
 * A reset anywhere before 5 leaves the slot invalid; A/B cells write the slot
 * that does not hold the current value, so that one stays readable, and
 *   6. other slot's magic <- 0   (A/B) the old value is no longer needed
 * so that at rest exactly one slot is valid. */
#ifndef PRAM_CELL_BODY_H
#define PRAM_CELL_BODY_H

#include "pram_cell.h"
#include "pram_mem.h"

#define PRAM__OFF_MAGIC 0u
#define PRAM__OFF_LAYOUT 4u
#define PRAM__OFF_SEAL 8u
#define PRAM__HEADER_SIZE ((uint32_t)sizeof(pram_header_t))

#if PRAM_ENABLE_AB
#  define PRAM__IS_AB(c) ((c)->mode == PRAM_AB)
#else
#  define PRAM__IS_AB(c) ((void)(c), 0)
#endif

/* One call's view of a cell: where it is and which slot holds its value. */
typedef struct {
    const pram_cell_t *c;
    uintptr_t pos;  /* storage start (address, or offset in a region)  */
    int status;     /* PRAM_OK if slot `cur` holds the committed value  */
    uint32_t cur;
    uint16_t seq;   /* sequence of slot `cur`                           */
} pram__view_t;

static PRAM_ALWAYS_INLINE uintptr_t pram__slot_pos(const pram__view_t *v, uint32_t index)
{
    return v->pos + index * v->c->slot_size;
}

/* Bytes of storage the cell occupies: all its slots. */
static PRAM_ALWAYS_INLINE uint32_t pram__storage_size(const pram_cell_t *c)
{
    return (uint32_t)c->slot_size << (PRAM__IS_AB(c) ? 1 : 0);
}

static PRAM_ALWAYS_INLINE uint32_t pram__layout_of(const pram_cell_t *c)
{
    return (uint32_t)c->size | ((uint32_t)c->schema << 16);
}

/* CRC over the layout word as stored, the sequence as a native 16-bit value,
 * then the value bytes: computed the same way on write and on read. */
static PRAM_ALWAYS_INLINE uint16_t pram__slot_crc(const pram__view_t *v, uintptr_t slot,
                                                  uint16_t seq)
{
    const pram_region_t *r = v->c->region;
    uint16_t crc = pram__crc16(PRAM_CRC16_INIT, r, slot + PRAM__OFF_LAYOUT, 4u);
    crc = pram_crc16(crc, &seq, sizeof seq);
    return pram__crc16(crc, r, slot + v->c->value_offset, v->c->size);
}

/* Checks the descriptor (it may be built at run time), locates its storage
 * and, unless only the location is wanted, reads every slot as untrusted
 * input to set v->status.  The stored layout must equal ours before its size
 * is believed, so the CRC never runs over a length taken from memory.  A/B:
 * the valid slot with the newer sequence in 16-bit serial arithmetic wins;
 * equal sequences pick slot 0.  Returns a descriptor error or 0. */
static PRAM_ALWAYS_INLINE int pram__view(pram__view_t *v, const pram_cell_t *c, uint32_t magic,
                                         int read_slots)
{
    const pram_region_t *r;
    uint32_t i, seal;
    int rc;
    if (c->size == 0u || c->size > PRAM_CELL_MAX_SIZE ||
        (c->mode != PRAM_SINGLE && !(PRAM_ENABLE_AB && c->mode == PRAM_AB)) ||
        c->value_offset < PRAM__HEADER_SIZE || ((c->value_offset | c->slot_size) & 3u) ||
        (uint32_t)c->value_offset + c->size > c->slot_size)
        return PRAM_ERR_DESC;
    v->c = c;
    rc = pram__locate(c->region, c->addr, c->offset, pram__storage_size(c), &v->pos);
    v->status = PRAM_ERR_INVALID;
    v->cur = 0u;
    v->seq = 0u;
    if (rc || !read_slots)
        return rc;
    r = c->region;
    for (i = 0; i < (PRAM__IS_AB(c) ? 2u : 1u); i++) {
        uintptr_t slot = pram__slot_pos(v, i);
        if (pram__load32(r, slot + PRAM__OFF_MAGIC) != magic)
            continue;
        if (pram__load32(r, slot + PRAM__OFF_LAYOUT) != pram__layout_of(c)) {
            if (v->status != PRAM_OK)
                v->status = PRAM_ERR_LAYOUT;
            continue;
        }
        seal = pram__load32(r, slot + PRAM__OFF_SEAL);
        if (pram__slot_crc(v, slot, (uint16_t)seal) != (uint16_t)(seal >> 16))
            continue;
        if (v->status != PRAM_OK || (uint16_t)((uint16_t)seal - v->seq - 1u) < 0x7FFFu) {
            v->status = PRAM_OK;
            v->cur = i;
            v->seq = (uint16_t)seal;
        }
    }
    return PRAM_OK;
}

/* The operation itself; pram__cell_body() below adds the edit bookkeeping.
 * Kinds are single bits and tested as bits: GCC turns an if-chain over small
 * integers into a jump table, which on Thumb-1 needs a libgcc helper. */
static PRAM_ALWAYS_INLINE int pram__cell_run(const pram_cell_t *c, uint32_t magic,
                                             unsigned kind, void *arg)
{
    pram_edit_t *e = (pram_edit_t *)arg;
    const pram_region_t *r = c->region;
    pram__view_t v;
    uintptr_t slot, value;
    uint32_t index = 0u;
    uint16_t seq = 0u;
    /* A commit needs only the location: its slot is open (magic 0). */
    int rc = pram__view(&v, c, magic, !(kind & PRAM__OP_COMMIT));
    if (rc)
        return rc;
    if (!kind)
        return v.status;
    if (kind & PRAM__OP_GET) {
        if (v.status)
            return v.status;
        pram__read(r, pram__slot_pos(&v, v.cur) + c->value_offset, arg, c->size);
        return PRAM_OK;
    }
    if (kind & PRAM__OP_INVALIDATE) {
        /* A/B: the older slot first; clearing the newer one first would let
         * a reset in between resurrect the older value. */
        if (PRAM__IS_AB(c))
            pram__store32(r, pram__slot_pos(&v, v.cur ^ 1u) + PRAM__OFF_MAGIC, 0u);
        pram__store32(r, pram__slot_pos(&v, v.cur) + PRAM__OFF_MAGIC, 0u);
        pram__committed(r, v.pos, pram__storage_size(c));
        return PRAM_OK;
    }
    if (kind & PRAM__OP_COMMIT) {
        index = e->slot;
        seq = e->seq;
    } else { /* SET or BEGIN: open the target slot */
        if (kind & PRAM__OP_BEGIN) {
            if (e->flags & ~PRAM_EDIT_ZERO)
                return PRAM_ERR_FLAGS;
            if (!pram__direct(r, v.pos))
                return PRAM_ERR_ACCESS;
            if (!(e->flags & PRAM_EDIT_ZERO) && v.status)
                return v.status;
        }
        /* Step 1: A/B writes the slot not holding the current value. */
        if (PRAM__IS_AB(c)) {
            index = v.status == PRAM_OK ? v.cur ^ 1u : 0u;
            seq = v.status == PRAM_OK ? (uint16_t)(v.seq + 1u) : 1u;
        }
        slot = pram__slot_pos(&v, index);
        pram__store32(r, slot + PRAM__OFF_MAGIC, 0u);
        if (kind & PRAM__OP_BEGIN) {
            value = slot + c->value_offset;
            if (e->flags & PRAM_EDIT_ZERO)
                pram__zero(r, value, c->size);
            else if (PRAM__IS_AB(c))
                pram__copy(r, value, pram__slot_pos(&v, v.cur) + c->value_offset, c->size);
            e->value = pram__direct(r, value);
            e->slot = index;
            e->seq = seq;
            return PRAM_OK;
        }
    }
    slot = pram__slot_pos(&v, index);
    if (kind & PRAM__OP_SET)
        pram__write(r, slot + c->value_offset, arg, c->size);
    /* Steps 3-5 (and 6 for A/B).  The CRC is over what memory now holds, not
     * the caller's copy: the seal then vouches for the stored bytes even if
     * a write did not take. */
    pram__store32(r, slot + PRAM__OFF_LAYOUT, pram__layout_of(c));
    pram__store32(r, slot + PRAM__OFF_SEAL,
                  (uint32_t)seq | ((uint32_t)pram__slot_crc(&v, slot, seq) << 16));
    pram__store32(r, slot + PRAM__OFF_MAGIC, magic);
    pram__committed(r, slot, c->slot_size);
    /* A/B: retire the other slot, only once the commit has reached memory.
     * The previous value is only needed while the new one is being written;
     * kept longer, a later corruption of the new slot would bring the stale
     * value back as if it were current.  Flushed too: a retire lost in a
     * cache at reset would reopen exactly that window. */
    if (PRAM__IS_AB(c)) {
        slot = pram__slot_pos(&v, index ^ 1u);
        pram__store32(r, slot + PRAM__OFF_MAGIC, 0u);
        pram__committed(r, slot, 4u);
    }
    return PRAM_OK;
}

/* Argument checks, then the operation.  Edits (BEGIN, COMMIT, and STEP, which
 * is BEGIN on an idle edit and COMMIT on an open one) keep their state and
 * outcome in the edit: IDLE -> OPEN -> DONE, result = what the last step
 * returned (PRAM_EDIT_ABORTED after pram_cell_edit_abort). */
static PRAM_ALWAYS_INLINE int pram__cell_body(const pram_cell_t *c, uint32_t magic, unsigned op,
                                              void *arg)
{
    pram_edit_t *e = (pram_edit_t *)arg;
    unsigned kind = op & PRAM__OP_KIND;
    int rc;
    if (!arg && (kind & ~PRAM__OP_INVALIDATE))
        return PRAM_ERR_NULL;
    if (kind & PRAM__OP_STEP) {
        if (e->state == PRAM__EDIT_IDLE)
            kind = PRAM__OP_BEGIN;
        else if (e->state == PRAM__EDIT_OPEN)
            kind = PRAM__OP_COMMIT;
        else
            return e->result;
    }
    /* c is the cell the edit was opened on: callers of COMMIT pass e->cell,
     * the scope passes its cell to every STEP. */
    if (kind & (PRAM__OP_BEGIN | PRAM__OP_COMMIT)) {
        if (kind & PRAM__OP_BEGIN)
            e->cell = c;
        else if (e->state != PRAM__EDIT_OPEN)
            return PRAM_ERR_SCOPE;
        e->state = PRAM__EDIT_DONE;
        e->value = NULL;
    }
    if (!c)
        rc = PRAM_ERR_NULL;
    /* Typed calls pass sizeof their type: it must be the descriptor's. */
    else if ((op >> PRAM__OP_SIZE_SHIFT) && (op >> PRAM__OP_SIZE_SHIFT) != c->size)
        rc = PRAM_ERR_SIZE;
    else
        rc = pram__cell_run(c, magic, kind, arg);
    if (kind & (PRAM__OP_BEGIN | PRAM__OP_COMMIT)) {
        e->result = rc;
        if (rc == PRAM_OK && (kind & PRAM__OP_BEGIN))
            e->state = PRAM__EDIT_OPEN;
    }
    return rc;
}

#endif /* PRAM_CELL_BODY_H */
