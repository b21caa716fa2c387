/* pram — typed persistent cells: validation, commit and the edit scope.
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
#include "pram_cell_internal.h"

#define HEADER_SIZE ((uint32_t)sizeof(pram_header_t))
#define OFF_MAGIC 0u
#define OFF_LAYOUT 4u
#define OFF_SEAL 8u

static uint32_t layout_of(const pram_cell_t *c)
{
    return (uint32_t)c->size | ((uint32_t)c->schema << 16);
}

static uint32_t nslots(const pram_cell_t *c)
{
    return c->mode == PRAM_AB ? 2u : 1u;
}

uint32_t pram_cell_storage_size(const pram_cell_t *c)
{
    return c ? (uint32_t)c->slot_size * nslots(c) : 0u;
}

/* Validates the descriptor (it may be built at run time) and locates it. */
static int check_cell(const pram_cell_t *c, uintptr_t *pos)
{
    if (!c)
        return PRAM_ERR_NULL;
    if (c->size == 0u || c->size > PRAM_CELL_MAX_SIZE ||
        (c->mode != PRAM_SINGLE && c->mode != PRAM_AB) || c->value_offset < HEADER_SIZE ||
        (c->value_offset & 3u) || (c->slot_size & 3u) ||
        (uint32_t)c->value_offset + c->size > c->slot_size)
        return PRAM_ERR_DESC;
    return pram__locate(c->region, c->addr, c->offset, pram_cell_storage_size(c), pos);
}

static uint16_t header_crc(uint32_t layout, uint16_t seq)
{
    return pram__crc16_u16(pram__crc16_u32(PRAM_CRC16_INIT, layout), seq);
}

/* Reads one slot as untrusted input: PRAM_OK (and *seq), _INVALID or _LAYOUT.
 * The stored layout must equal ours before its size is believed, so the CRC
 * never runs over a length taken from memory. */
static int slot_check(const pram_cell_t *c, uint32_t magic, uintptr_t slot, uint16_t *seq)
{
    const pram_region_t *r = c->region;
    uint32_t layout, seal;
    uint16_t crc;
    if (pram__load32(r, slot + OFF_MAGIC) != magic)
        return PRAM_ERR_INVALID;
    layout = pram__load32(r, slot + OFF_LAYOUT);
    if (layout != layout_of(c))
        return PRAM_ERR_LAYOUT;
    seal = pram__load32(r, slot + OFF_SEAL);
    crc = pram__crc16(header_crc(layout, (uint16_t)seal), r, slot + c->value_offset, c->size);
    if (crc != (uint16_t)(seal >> 16))
        return PRAM_ERR_INVALID;
    *seq = (uint16_t)seal;
    return PRAM_OK;
}

/* a is newer than b in 16-bit serial-number arithmetic. */
static int seq_newer(uint16_t a, uint16_t b)
{
    uint16_t d = (uint16_t)(a - b);
    return d != 0u && d < 0x8000u;
}

typedef struct {
    int status;    /* PRAM_OK if a slot holds the committed value      */
    uint32_t cur;  /* that slot                                        */
    uint16_t seq;  /* its sequence                                     */
    int other_ok;  /* A/B: the other slot is valid too (older value)   */
} pick_t;

static pick_t pick(const pram_cell_t *c, uint32_t magic, uintptr_t pos)
{
    pick_t p;
    uint16_t s0 = 0, s1 = 0;
    int st0 = slot_check(c, magic, pos, &s0);
    int st1 = c->mode == PRAM_AB ? slot_check(c, magic, pos + c->slot_size, &s1) : PRAM_ERR_INVALID;
    p.other_ok = st0 == PRAM_OK && st1 == PRAM_OK;
    if (st0 == PRAM_OK && (st1 != PRAM_OK || !seq_newer(s1, s0))) {
        p.status = PRAM_OK, p.cur = 0u, p.seq = s0;
    } else if (st1 == PRAM_OK) {
        p.status = PRAM_OK, p.cur = 1u, p.seq = s1;
    } else {
        p.status = (st0 == PRAM_ERR_LAYOUT || st1 == PRAM_ERR_LAYOUT) ? PRAM_ERR_LAYOUT
                                                                      : PRAM_ERR_INVALID;
        p.cur = 0u, p.seq = 0u;
    }
    return p;
}

/* Steps 3-5 of the commit order, on a slot whose magic is already 0. */
static void seal_slot(const pram_cell_t *c, uint32_t magic, uintptr_t slot, uint16_t seq)
{
    const pram_region_t *r = c->region;
    uint32_t layout = layout_of(c);
    uint16_t crc;
    pram__store32(r, slot + OFF_LAYOUT, layout);
    /* CRC over what memory now holds, not the caller's copy: the seal then
     * vouches for the stored bytes even if a write did not take. */
    crc = pram__crc16(header_crc(layout, seq), r, slot + c->value_offset, c->size);
    pram__store32(r, slot + OFF_SEAL, (uint32_t)seq | ((uint32_t)crc << 16));
    pram__store32(r, slot + OFF_MAGIC, magic);
    pram__committed(r, slot, c->slot_size);
}

/* Chooses where the next commit goes and opens it (magic <- 0): the slot not
 * holding the current value, so that one stays readable until the commit. */
static uint32_t open_target(const pram_cell_t *c, const pick_t *p, uintptr_t pos, uint16_t *seq)
{
    uint32_t index = 0u;
    *seq = 0u;
    if (c->mode == PRAM_AB) {
        index = p->status == PRAM_OK ? p->cur ^ 1u : 0u;
        *seq = p->status == PRAM_OK ? (uint16_t)(p->seq + 1u) : 1u;
    }
    pram__store32(c->region, pos + index * c->slot_size + OFF_MAGIC, 0u);
    return index;
}

/* A/B, after the commit point: retire the other slot.  The previous value is
 * only needed while the new one is being written; kept longer, a later
 * corruption of the new slot would bring the stale value back as if it were
 * current (and a header left by an older firmware could outlive this one). */
static void retire_other(const pram_cell_t *c, uintptr_t pos, uint32_t index)
{
    if (c->mode == PRAM_AB)
        pram__store32(c->region, pos + (index ^ 1u) * c->slot_size + OFF_MAGIC, 0u);
}

int pram__cell_status(const pram_cell_t *c, uint32_t magic)
{
    uintptr_t pos;
    int rc = check_cell(c, &pos);
    return rc ? rc : pick(c, magic, pos).status;
}

int pram__cell_get(const pram_cell_t *c, uint32_t magic, void *out)
{
    uintptr_t pos;
    pick_t p;
    int rc = check_cell(c, &pos);
    if (rc)
        return rc;
    p = pick(c, magic, pos);
    if (p.status)
        return p.status;
    pram__read(c->region, pos + p.cur * c->slot_size + c->value_offset, out, c->size);
    return PRAM_OK;
}

int pram__cell_set(const pram_cell_t *c, uint32_t magic, const void *value)
{
    uintptr_t pos, slot;
    uint32_t index;
    uint16_t seq;
    pick_t p;
    int rc = check_cell(c, &pos);
    if (rc)
        return rc;
    p = pick(c, magic, pos);
    index = open_target(c, &p, pos, &seq);
    slot = pos + index * c->slot_size;
    pram__write(c->region, slot + c->value_offset, value, c->size);
    seal_slot(c, magic, slot, seq);
    retire_other(c, pos, index);
    return PRAM_OK;
}

int pram_cell_status(const pram_cell_t *c)
{
    return pram__cell_status(c, PRAM_MAGIC_CELL);
}

int pram_cell_is_valid(const pram_cell_t *c)
{
    return pram_cell_status(c) == PRAM_OK;
}

int pram_cell_get(const pram_cell_t *c, void *out, size_t size)
{
    if (!c || !out)
        return PRAM_ERR_NULL;
    if (size != c->size)
        return PRAM_ERR_SIZE;
    return pram__cell_get(c, PRAM_MAGIC_CELL, out);
}

int pram_cell_set(const pram_cell_t *c, const void *value, size_t size)
{
    if (!c || !value)
        return PRAM_ERR_NULL;
    if (size != c->size)
        return PRAM_ERR_SIZE;
    return pram__cell_set(c, PRAM_MAGIC_CELL, value);
}

/* A/B: the older slot is cleared first.  Clearing the newer one first would
 * let a reset in between resurrect the older value. */
int pram__cell_invalidate(const pram_cell_t *c, uint32_t magic)
{
    uintptr_t pos;
    pick_t p;
    int rc = check_cell(c, &pos);
    if (rc)
        return rc;
    if (c->mode == PRAM_AB) {
        p = pick(c, magic, pos);
        pram__store32(c->region, pos + (p.cur ? 0u : c->slot_size) + OFF_MAGIC, 0u);
        pram__store32(c->region, pos + p.cur * c->slot_size + OFF_MAGIC, 0u);
    } else {
        pram__store32(c->region, pos + OFF_MAGIC, 0u);
    }
    pram__committed(c->region, pos, pram_cell_storage_size(c));
    return PRAM_OK;
}

int pram_cell_invalidate(const pram_cell_t *c)
{
    return pram__cell_invalidate(c, PRAM_MAGIC_CELL);
}

int pram_cell_edit_begin(const pram_cell_t *c, pram_edit_t *e, unsigned flags)
{
    uintptr_t pos = 0, slot;
    uint16_t seq;
    pick_t p = {PRAM_ERR_INVALID, 0u, 0u, 0};
    int rc;
    if (!e)
        return PRAM_ERR_NULL;
    e->cell = c;
    e->value = NULL;
    e->state = PRAM__EDIT_DONE;
    e->flags = (uint8_t)flags;
    rc = check_cell(c, &pos);
    if (!rc && (flags & ~PRAM_EDIT_ZERO))
        rc = PRAM_ERR_FLAGS;
    if (!rc && !pram__direct(c->region, pos))
        rc = PRAM_ERR_ACCESS;
    if (!rc) {
        p = pick(c, PRAM_MAGIC_CELL, pos);
        if (p.status && !(flags & PRAM_EDIT_ZERO))
            rc = p.status;
    }
    if (rc) {
        e->result = rc;
        return rc;
    }
    e->slot = open_target(c, &p, pos, &seq);
    slot = pos + e->slot * c->slot_size;
    if (flags & PRAM_EDIT_ZERO)
        pram__zero(c->region, slot + c->value_offset, c->size);
    else if (c->mode == PRAM_AB)
        pram__copy(c->region, slot + c->value_offset, pos + p.cur * c->slot_size + c->value_offset,
                   c->size);
    e->seq = seq;
    e->value = pram__direct(c->region, slot + c->value_offset);
    e->state = PRAM__EDIT_OPEN;
    e->result = PRAM_OK;
    return PRAM_OK;
}

int pram_cell_edit_commit(pram_edit_t *e)
{
    uintptr_t pos;
    int rc;
    if (!e)
        return PRAM_ERR_NULL;
    if (e->state != PRAM__EDIT_OPEN)
        return PRAM_ERR_SCOPE;
    rc = check_cell(e->cell, &pos);
    if (!rc) {
        seal_slot(e->cell, PRAM_MAGIC_CELL, pos + e->slot * e->cell->slot_size, e->seq);
        retire_other(e->cell, pos, e->slot);
    }
    e->state = PRAM__EDIT_DONE;
    e->value = NULL;
    e->result = rc;
    return rc;
}

int pram_cell_edit_abort(pram_edit_t *e)
{
    if (!e)
        return PRAM_ERR_NULL;
    if (e->state != PRAM__EDIT_OPEN)
        return PRAM_ERR_SCOPE;
    /* Nothing to undo: the target slot was opened (magic 0) by begin and is
     * left that way; an A/B cell's previous slot was never touched. */
    e->state = PRAM__EDIT_DONE;
    e->value = NULL;
    e->result = PRAM_EDIT_ABORTED;
    return PRAM_OK;
}

void *pram__edit_step(const pram_cell_t *c, pram_edit_t *e, int *result)
{
    if (e->state == PRAM__EDIT_IDLE) {
        *result = pram_cell_edit_begin(c, e, e->flags);
        return *result == PRAM_OK ? e->value : NULL;
    }
    if (e->state == PRAM__EDIT_OPEN)
        (void)pram_cell_edit_commit(e);
    *result = e->result;
    return NULL;
}

void pram__edit_guard(pram_edit_t *e)
{
    if (e->state == PRAM__EDIT_OPEN)
        PRAM_MISUSE(PRAM_ERR_SCOPE);
}

void pram_barrier(void)
{
    PRAM_BARRIER();
}
