/* pram — append-only record buffers.
 *
 * Storage: [control cell, A/B: epoch, data size][data area].
 * Record at data offset `at`:
 *   +0 epoch      commit word: 0 while the record is written, epoch when done
 *   +4 len | crc  payload length (bits 0-15), CRC-16 (bits 16-31) over
 *                 epoch, at, len (little-endian) and the payload
 *   +8 payload, zero-padded to a multiple of 4
 * Append order: epoch word <- 0, payload, len|crc, epoch word <- epoch.
 * Open walks records from offset 0 while they check; the first that does not
 * is the tail.  Every length read from memory is bounded before use. */
#include "pram_cell_internal.h"

#define DATA_OFF PRAM_BUF_CONTROL_SIZE

static int check_def(const pram_buf_def_t *d, uintptr_t *pos)
{
    if (!d)
        return PRAM_ERR_DESC;
    if (d->size < DATA_OFF + PRAM_BUF_RECORD_HEADER || (d->size & 3u))
        return PRAM_ERR_DESC;
    return pram__locate(d->region, d->addr, d->offset, d->size, pos);
}

/* The handle is plain RAM the caller owns: check it before trusting it. */
static int check_handle(const pram_buf_t *b, uintptr_t *pos)
{
    int rc;
    if (!b)
        return PRAM_ERR_NULL;
    if (b->open != PRAM__BUF_OPEN)
        return PRAM_ERR_NOT_OPEN;
    rc = check_def(b->def, pos);
    if (rc)
        return rc;
    if (b->tail > b->def->size - DATA_OFF || (b->tail & 3u) || b->epoch == 0u ||
        b->count > b->tail / PRAM_BUF_RECORD_HEADER)
        return PRAM_ERR_CORRUPT;
    return PRAM_OK;
}

/* The control block's cell descriptor (declared in pram_cell_internal.h so
 * that tests can reach the control block the way the buffer code does). */
void pram__buf_control_cell(const pram_buf_def_t *d, pram_cell_t *cc)
{
    pram__header_cell(cc, d->addr, d->region, d->offset, PRAM__KIND_BUF,
                      (uint16_t)sizeof(pram_buf_control_t), d->schema, PRAM_AB);
}

/* v as its little-endian bytes in memory, whatever the CPU. */
static uint32_t le32(uint32_t v)
{
#if defined(__BYTE_ORDER__) && defined(__ORDER_BIG_ENDIAN__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return (v >> 24) | ((v >> 8) & 0xFF00u) | ((v << 8) & 0xFF0000u) | (v << 24);
#else
    return v;
#endif
}

/* A record's CRC runs over epoch, at, len (little-endian: 4, 4 and 2 bytes)
 * and the payload.  The part over the epoch is the same for every record of
 * an epoch: computed once per call (once per walk at open), passed as seed. */
static uint16_t epoch_seed(uint32_t epoch)
{
    uint32_t e = le32(epoch);
    return pram_crc16(PRAM_CRC16_INIT, &e, 4u);
}

static uint16_t record_crc(const pram_region_t *r, uintptr_t rec, uint16_t seed, uint32_t at,
                           uint32_t len)
{
    uint32_t h[2];
    h[0] = le32(at);
    h[1] = le32(len);
    return pram__crc16(pram_crc16(seed, h, 6u), r, rec + PRAM_BUF_RECORD_HEADER, len);
}

/* Checks the record at data offset `at` (untrusted): PRAM_OK and *len, or
 * PRAM_ERR_INVALID.  seed: epoch_seed(epoch). */
static int record_check(const pram_buf_def_t *d, uintptr_t data, uint32_t at, uint32_t epoch,
                        uint16_t seed, uint32_t *len)
{
    uint32_t data_size = d->size - DATA_OFF, w, n;
    uintptr_t rec = data + at;
    /* `at` may come from a caller's iterator or record: never load from a
     * position that is not a 4-aligned record start inside the data area. */
    if ((at & 3u) || at > data_size || data_size - at < PRAM_BUF_RECORD_HEADER)
        return PRAM_ERR_INVALID;
    if (pram__load32(d->region, rec) != epoch)
        return PRAM_ERR_INVALID;
    w = pram__load32(d->region, rec + 4u);
    n = w & 0xFFFFu;
    if (n > PRAM_RECORD_MAX_SIZE || PRAM_BUF_RECORD_SPACE(n) > data_size - at)
        return PRAM_ERR_INVALID;
    if (record_crc(d->region, rec, seed, at, n) != (uint16_t)(w >> 16))
        return PRAM_ERR_INVALID;
    *len = n;
    return PRAM_OK;
}

/* Zero the data area, then commit epoch 1.  A reset part-way leaves the
 * control block invalid, so the next open formats again.  Zeroing is what
 * guarantees no record of a forgotten epoch can validate later. */
static void format(pram_buf_t *b, uintptr_t pos)
{
    const pram_buf_def_t *d = b->def;
    pram_cell_t cc;
    pram_buf_control_t ctl;
    pram__buf_control_cell(d, &cc);
    pram__zero(d->region, pos + DATA_OFF, d->size - DATA_OFF);
    ctl.epoch = 1u;
    ctl.data_size = d->size - DATA_OFF;
    (void)pram_cell_set(&cc, &ctl, sizeof ctl);
    b->epoch = 1u;
    b->tail = 0u;
    b->count = 0u;
}

/* A record of this epoch beyond the tail can only be one cut off by
 * corruption before it: appends write at the tail, commit word last.  Left
 * in place, a later record could end on its boundary and bring it back, out
 * of order; one of the next epoch would do the same after the next clear
 * (one left from a clear the control block later fell back from).  So if
 * anything there could be one - either epoch word followed by a length that
 * fits - zero the rest of the area.  No CRC: at most two loads
 * per word, so open stays within one pass over the records and one over the
 * rest whatever the memory holds (a CRC per candidate made a crafted image
 * cost a CRC of up to 4 KiB every 8 bytes).  A false alarm only zeroes
 * bytes that hold no record; a reset part-way repeats the decision. */
static void forget_beyond(const pram_buf_def_t *d, uintptr_t data, uint32_t tail, uint32_t epoch)
{
    uint32_t data_size = d->size - DATA_OFF, at, n, w;
    for (at = tail; at + PRAM_BUF_RECORD_HEADER <= data_size; at += 4u) {
        w = pram__load32(d->region, data + at);
        if (w != epoch && (w != epoch + 1u || w == 0u))
            continue;
        n = pram__load32(d->region, data + at + 4u) & 0xFFFFu;
        if (n <= PRAM_RECORD_MAX_SIZE && PRAM_BUF_RECORD_SPACE(n) <= data_size - at) {
            pram__zero(d->region, data + tail, data_size - tail);
            return;
        }
    }
}

int pram_buf_open(pram_buf_t *b)
{
    const pram_buf_def_t *d;
    pram_cell_t cc;
    pram_buf_control_t ctl;
    uintptr_t pos;
    uint32_t at = 0u, len = 0u, count = 0u;
    uint16_t seed;
    int rc;
    if (!b)
        return PRAM_ERR_NULL;
    b->open = 0u;
    d = b->def;
    rc = check_def(d, &pos);
    if (rc)
        return rc;
    pram__buf_control_cell(d, &cc);
    rc = pram_cell_get(&cc, &ctl, sizeof ctl);
    if (rc == PRAM_OK && ctl.data_size != d->size - DATA_OFF)
        rc = PRAM_ERR_LAYOUT;
    if (rc == PRAM_OK && ctl.epoch == 0u)
        rc = PRAM_ERR_INVALID;
    if (rc != PRAM_OK) {
        format(b, pos);
        b->open = PRAM__BUF_OPEN;
        return rc == PRAM_ERR_LAYOUT ? PRAM_BUF_REFORMED : PRAM_BUF_COLD;
    }
    /* Each step advances at least one record header: bounded by size / 8. */
    seed = epoch_seed(ctl.epoch);
    while (record_check(d, pos + DATA_OFF, at, ctl.epoch, seed, &len) == PRAM_OK) {
        at += PRAM_BUF_RECORD_SPACE(len);
        count++;
    }
    forget_beyond(d, pos + DATA_OFF, at, ctl.epoch);
    b->epoch = ctl.epoch;
    b->tail = at;
    b->count = count;
    b->open = PRAM__BUF_OPEN;
    return PRAM_BUF_INTACT;
}

int pram_buf_append(pram_buf_t *b, const void *data, size_t len)
{
    const pram_buf_def_t *d;
    const pram_region_t *r;
    uintptr_t pos, rec;
    uint32_t need, crc;
    int rc = check_handle(b, &pos);
    if (rc)
        return rc;
    if (!data && len)
        return PRAM_ERR_NULL;
    d = b->def;
    r = d->region;
    if (len > PRAM_RECORD_MAX_SIZE || PRAM_BUF_RECORD_SPACE(len) > d->size - DATA_OFF)
        return PRAM_ERR_TOO_LARGE;
    need = PRAM_BUF_RECORD_SPACE(len);
    if (need > d->size - DATA_OFF - b->tail)
        return PRAM_ERR_NO_SPACE;
    rec = pos + DATA_OFF + b->tail;
    pram__store32(r, rec, 0u);
    pram__write(r, rec + PRAM_BUF_RECORD_HEADER, data, (uint32_t)len);
    crc = record_crc(r, rec, epoch_seed(b->epoch), b->tail, (uint32_t)len);
    pram__store32(r, rec + 4u, (uint32_t)len | (crc << 16));
    pram__store32(r, rec, b->epoch);
    pram__committed(r, rec, need);
    b->tail += need;
    b->count++;
    return PRAM_OK;
}

int pram_buf_clear(pram_buf_t *b)
{
    pram_cell_t cc;
    pram_buf_control_t ctl;
    uintptr_t pos;
    int rc = check_handle(b, &pos);
    if (rc)
        return rc;
    pram__buf_control_cell(b->def, &cc);
    if (b->epoch == 0xFFFFFFFFu) {
        /* Epochs must never repeat.  Invalidate first: a reset after that
         * point makes the next open format (none of the old records), before
         * it every old record is still there. */
        rc = pram_cell_invalidate(&cc);
        if (rc)
            return rc;
        format(b, pos);
        return PRAM_OK;
    }
    /* The first record's commit word first: from then on no walk reaches a
     * record from before this clear, even if the control block later falls
     * back to the old epoch (a reset between its commit and its retire, then
     * a damaged newer slot); the next open's scrub removes the rest.  A reset
     * between this store and the commit forgets every record: a clear keeps
     * all or none. */
    pram__store32(b->def->region, pos + DATA_OFF, 0u);
    ctl.epoch = b->epoch + 1u;
    ctl.data_size = b->def->size - DATA_OFF;
    rc = pram_cell_set(&cc, &ctl, sizeof ctl);
    if (rc)
        return rc;
    b->epoch = ctl.epoch;
    b->tail = 0u;
    b->count = 0u;
    return PRAM_OK;
}

int pram_buf_is_open(const pram_buf_t *b)
{
    uintptr_t pos;
    return check_handle(b, &pos) == PRAM_OK;
}

int pram_buf_count(const pram_buf_t *b)
{
    uintptr_t pos;
    int rc = check_handle(b, &pos);
    return rc ? rc : (int)b->count;
}

int pram_buf_space(const pram_buf_t *b)
{
    uintptr_t pos;
    uint32_t left;
    int rc = check_handle(b, &pos);
    if (rc)
        return rc;
    left = b->def->size - DATA_OFF - b->tail;
    if (left < PRAM_BUF_RECORD_HEADER)
        return PRAM_ERR_NO_SPACE; /* not even an empty record fits */
    left = (left - PRAM_BUF_RECORD_HEADER) & ~3u;
    return (int)(left < PRAM_RECORD_MAX_SIZE ? left : PRAM_RECORD_MAX_SIZE);
}

int pram_buf_next(const pram_buf_t *b, pram_buf_iter_t *it, pram_record_t *rec)
{
    uintptr_t pos;
    uint32_t len = 0u;
    int rc = check_handle(b, &pos);
    if (rc)
        return rc;
    if (!it || !rec)
        return PRAM_ERR_NULL;
    if (it->pos >= b->tail)
        return 0;
    if (record_check(b->def, pos + DATA_OFF, it->pos, b->epoch, epoch_seed(b->epoch), &len) !=
            PRAM_OK ||
        PRAM_BUF_RECORD_SPACE(len) > b->tail - it->pos)
        return PRAM_ERR_CORRUPT;
    rec->pos = it->pos;
    rec->len = len;
    rec->epoch = b->epoch;
    rec->data = pram__direct(b->def->region, pos + DATA_OFF + it->pos + PRAM_BUF_RECORD_HEADER);
    it->pos += PRAM_BUF_RECORD_SPACE(len);
    return 1;
}

int pram_buf_read(const pram_buf_t *b, const pram_record_t *rec, void *dst, size_t cap)
{
    uintptr_t pos;
    uint32_t len = 0u;
    int rc = check_handle(b, &pos);
    if (rc)
        return rc;
    if (!rec || (!dst && cap))
        return PRAM_ERR_NULL;
    /* A record kept from before a clear, or past the tail, is not one of the
     * buffer's current contents, even if a new record now stands where it
     * stood. */
    if (rec->epoch != b->epoch || rec->pos >= b->tail)
        return PRAM_ERR_RANGE;
    if (record_check(b->def, pos + DATA_OFF, rec->pos, b->epoch, epoch_seed(b->epoch), &len) !=
        PRAM_OK)
        return PRAM_ERR_CORRUPT;
    if (len != rec->len)
        return PRAM_ERR_RANGE; /* another record than the caller's stands there */
    if (cap < len)
        return PRAM_ERR_TOO_LARGE;
    if (len)
        pram__read(b->def->region, pos + DATA_OFF + rec->pos + PRAM_BUF_RECORD_HEADER, dst, len);
    return (int)len;
}
