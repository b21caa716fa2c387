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

#if PRAM_ENABLE_AB
#  define IS_AB(c) ((c)->mode == PRAM_AB)
#else
#  define IS_AB(c) ((void)(c), 0)
#endif

uint32_t pram_cell_storage_size(const pram_cell_t *c)
{
    return c ? (uint32_t)c->slot_size << (IS_AB(c) ? 1 : 0) : 0u;
}

pram_cell_t pram__header_cell(void *addr, const pram_region_t *region, uint32_t offset,
                              uint16_t value_size, uint16_t schema, uint8_t mode)
{
    pram_cell_t c;
    c.addr = addr;
    c.region = region;
    c.offset = offset;
    c.size = value_size;
    c.schema = schema;
    c.value_offset = (uint16_t)HEADER_SIZE;
    c.slot_size = (uint16_t)(HEADER_SIZE + value_size);
    c.mode = mode;
    return c;
}

/* One call's view of a cell: where it is and which slot holds its value. */
typedef struct {
    const pram_cell_t *c;
    uintptr_t pos;  /* storage start (address, or offset in a region)  */
    int status;     /* PRAM_OK if slot `cur` holds the committed value  */
    uint32_t cur;
    uint16_t seq;   /* sequence of slot `cur`                           */
} view_t;

static uintptr_t slot_pos(const view_t *v, uint32_t index)
{
    return v->pos + index * v->c->slot_size;
}

/* CRC over the layout word as stored, the sequence as a native 16-bit value,
 * then the value bytes: computed the same way on write and on read. */
static uint16_t slot_crc(const view_t *v, uintptr_t slot, uint16_t seq)
{
    const pram_region_t *r = v->c->region;
    uint16_t crc = pram__crc16(PRAM_CRC16_INIT, r, slot + OFF_LAYOUT, 4u);
    crc = pram_crc16(crc, &seq, sizeof seq);
    return pram__crc16(crc, r, slot + v->c->value_offset, v->c->size);
}

static uint32_t layout_of(const pram_cell_t *c)
{
    return (uint32_t)c->size | ((uint32_t)c->schema << 16);
}

/* Checks the descriptor (it may be built at run time) and locates its
 * storage: v->c and v->pos.  Returns a descriptor error or 0. */
static int place(view_t *v, const pram_cell_t *c)
{
    if (!c)
        return PRAM_ERR_NULL;
    if (c->size == 0u || c->size > PRAM_CELL_MAX_SIZE ||
        (c->mode != PRAM_SINGLE && !(PRAM_ENABLE_AB && c->mode == PRAM_AB)) ||
        c->value_offset < HEADER_SIZE || ((c->value_offset | c->slot_size) & 3u) ||
        (uint32_t)c->value_offset + c->size > c->slot_size)
        return PRAM_ERR_DESC;
    v->c = c;
    return pram__locate(c->region, c->addr, c->offset, pram_cell_storage_size(c), &v->pos);
}

/* place(), then reads every slot as untrusted input and sets v->status.  The
 * stored layout must equal ours before its size is believed, so the CRC never
 * runs over a length taken from memory.  A/B: the valid slot with the newer
 * sequence in 16-bit serial arithmetic wins; equal sequences pick slot 0. */
static int view(view_t *v, const pram_cell_t *c, uint32_t magic)
{
    const pram_region_t *r;
    uint32_t i, n, seal;
    int rc = place(v, c);
    if (rc)
        return rc;
    v->status = PRAM_ERR_INVALID;
    v->cur = 0u;
    v->seq = 0u;
    r = c->region;
    n = IS_AB(c) ? 2u : 1u;
    for (i = 0; i < n; i++) {
        uintptr_t slot = slot_pos(v, i);
        if (pram__load32(r, slot + OFF_MAGIC) != magic)
            continue;
        if (pram__load32(r, slot + OFF_LAYOUT) != layout_of(c)) {
            if (v->status != PRAM_OK)
                v->status = PRAM_ERR_LAYOUT;
            continue;
        }
        seal = pram__load32(r, slot + OFF_SEAL);
        if (slot_crc(v, slot, (uint16_t)seal) != (uint16_t)(seal >> 16))
            continue;
        if (v->status != PRAM_OK || (uint16_t)((uint16_t)seal - v->seq - 1u) < 0x7FFFu) {
            v->status = PRAM_OK;
            v->cur = i;
            v->seq = (uint16_t)seal;
        }
    }
    return PRAM_OK;
}

/* Commit order, step 1: open the slot the next commit goes to (magic <- 0):
 * A/B, the one not holding the current value, which stays readable. */
static uint32_t open_target(const view_t *v, uint16_t *seq)
{
    uint32_t index = 0u;
    *seq = 0u;
    if (IS_AB(v->c)) {
        index = v->status == PRAM_OK ? v->cur ^ 1u : 0u;
        *seq = v->status == PRAM_OK ? (uint16_t)(v->seq + 1u) : 1u;
    }
    pram__store32(v->c->region, slot_pos(v, index) + OFF_MAGIC, 0u);
    return index;
}

/* Steps 3-5 (and 6 for A/B) on an opened slot whose value is in place. */
static void seal(const view_t *v, uint32_t magic, uint32_t index, uint16_t seq)
{
    const pram_region_t *r = v->c->region;
    uintptr_t slot = slot_pos(v, index);
    pram__store32(r, slot + OFF_LAYOUT, layout_of(v->c));
    /* CRC over what memory now holds, not the caller's copy: the seal then
     * vouches for the stored bytes even if a write did not take. */
    pram__store32(r, slot + OFF_SEAL, (uint32_t)seq | ((uint32_t)slot_crc(v, slot, seq) << 16));
    pram__store32(r, slot + OFF_MAGIC, magic);
    pram__committed(r, slot, v->c->slot_size);
    /* A/B: retire the other slot, only once the commit has reached memory.
     * The previous value is only needed while the new one is being written;
     * kept longer, a later corruption of the new slot would bring the stale
     * value back as if it were current.  Flushed too: a retire lost in a
     * cache at reset would reopen exactly that window. */
    if (IS_AB(v->c)) {
        slot = slot_pos(v, index ^ 1u);
        pram__store32(r, slot + OFF_MAGIC, 0u);
        pram__committed(r, slot, 4u);
    }
}

int pram__cell_status(const pram_cell_t *c, uint32_t magic)
{
    view_t v;
    int rc = view(&v, c, magic);
    return rc ? rc : v.status;
}

int pram__cell_get(const pram_cell_t *c, uint32_t magic, void *out)
{
    view_t v;
    int rc = view(&v, c, magic);
    if (rc || v.status)
        return rc ? rc : v.status;
    pram__read(c->region, slot_pos(&v, v.cur) + c->value_offset, out, c->size);
    return PRAM_OK;
}

int pram__cell_set(const pram_cell_t *c, uint32_t magic, const void *value)
{
    view_t v;
    uint32_t index;
    uint16_t seq;
    int rc = view(&v, c, magic);
    if (rc)
        return rc;
    index = open_target(&v, &seq);
    pram__write(c->region, slot_pos(&v, index) + c->value_offset, value, c->size);
    seal(&v, magic, index, seq);
    return PRAM_OK;
}

/* A/B: the older slot is cleared first.  Clearing the newer one first would
 * let a reset in between resurrect the older value. */
int pram__cell_invalidate(const pram_cell_t *c, uint32_t magic)
{
    view_t v;
    int rc = view(&v, c, magic);
    if (rc)
        return rc;
    if (IS_AB(c))
        pram__store32(c->region, slot_pos(&v, v.cur ^ 1u) + OFF_MAGIC, 0u);
    pram__store32(c->region, slot_pos(&v, v.cur) + OFF_MAGIC, 0u);
    pram__committed(c->region, v.pos, pram_cell_storage_size(c));
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

int pram_cell_invalidate(const pram_cell_t *c)
{
    return pram__cell_invalidate(c, PRAM_MAGIC_CELL);
}

int pram_cell_edit_begin(const pram_cell_t *c, pram_edit_t *e, unsigned flags)
{
    view_t v;
    uintptr_t value;
    int rc;
    if (!e)
        return PRAM_ERR_NULL;
    e->cell = c;
    e->value = NULL;
    e->state = PRAM__EDIT_DONE;
    e->flags = (uint8_t)flags;
    rc = view(&v, c, PRAM_MAGIC_CELL);
    if (!rc && (flags & ~PRAM_EDIT_ZERO))
        rc = PRAM_ERR_FLAGS;
    if (!rc && !pram__direct(c->region, v.pos))
        rc = PRAM_ERR_ACCESS;
    if (!rc && !(flags & PRAM_EDIT_ZERO))
        rc = v.status;
    e->result = rc;
    if (rc)
        return rc;
    e->slot = open_target(&v, &e->seq);
    value = slot_pos(&v, e->slot) + c->value_offset;
    if (flags & PRAM_EDIT_ZERO)
        pram__zero(c->region, value, c->size);
    else if (IS_AB(c))
        pram__copy(c->region, value, slot_pos(&v, v.cur) + c->value_offset, c->size);
    e->value = pram__direct(c->region, value);
    e->state = PRAM__EDIT_OPEN;
    return PRAM_OK;
}

int pram_cell_edit_commit(pram_edit_t *e)
{
    view_t v;
    int rc;
    if (!e)
        return PRAM_ERR_NULL;
    if (e->state != PRAM__EDIT_OPEN)
        return PRAM_ERR_SCOPE;
    /* Only the descriptor check and location are needed, not the slots'
     * contents: the target slot is open (magic 0) since begin. */
    rc = place(&v, e->cell);
    if (!rc)
        seal(&v, PRAM_MAGIC_CELL, e->slot, e->seq);
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
