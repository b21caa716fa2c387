/* pram — append-only buffers of variable-length records (crash logs, traces).
 *
 *   PRAM_BUF_DEFINE(crash_log, 1024, 1);      // 1 KiB of records, schema 1
 *   pram_buf_open(&crash_log);                // once per boot: validate, find tail
 *   pram_buf_append(&crash_log, line, n);     // O(n), fault-handler safe
 *   pram_buf_iter_t it = PRAM_BUF_ITER_INIT; pram_record_t r;
 *   while (pram_buf_next(&crash_log, &it, &r) > 0) use(r.data, r.len);
 *   pram_buf_clear(&crash_log);               // O(1): bumps the epoch
 *
 * Storage: an A/B control block (epoch, data size) then the data area.  Each
 * record is [epoch][len | CRC-16][payload, padded to 4].  The epoch word is
 * written last and is what commits the record; records of an older epoch never
 * validate, so nothing from before a clear reappears.  A reset during append
 * leaves every earlier record and the interrupted one whole or absent.
 * Record payloads are limited to PRAM_RECORD_MAX_SIZE (CRC-16 keeps Hamming
 * distance 4 up to ~4 KiB).  Not reentrant per buffer: one writer at a time.
 */
#ifndef PRAM_BUF_H
#define PRAM_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "pram_cell.h"


/* Control block value, kept in an A/B cell at the start of the storage. */
typedef struct pram_buf_control {
    uint32_t epoch;     /* current generation, never 0                   */
    uint32_t data_size; /* bytes of the data area, part of the layout    */
} pram_buf_control_t;

#define PRAM_BUF_RECORD_HEADER 8u
#define PRAM__ALIGN4(n) (((uint32_t)(n) + 3u) & ~3u)
/* Control block: two slots of header + control value. */
#define PRAM_BUF_CONTROL_SIZE (2u * ((uint32_t)sizeof(pram_header_t) + (uint32_t)sizeof(pram_buf_control_t)))
/* Data-area bytes one record of `len` payload bytes takes. */
#define PRAM_BUF_RECORD_SPACE(len) (PRAM_BUF_RECORD_HEADER + PRAM__ALIGN4(len))
/* Storage bytes for a buffer with `capacity` bytes of data area. */
#define PRAM_BUF_STORAGE_SIZE(capacity) (PRAM_BUF_CONTROL_SIZE + PRAM__ALIGN4(capacity))

/* Where a buffer's storage is (const: can live in flash). */
typedef struct pram_buf_def {
    void *addr;                  /* storage, 4-aligned, when region == NULL */
    const pram_region_t *region; /* NULL: ordinary RAM at addr              */
    uint32_t offset;             /* storage offset in region (4-aligned)    */
    uint32_t size;               /* storage bytes, PRAM_BUF_STORAGE_SIZE()  */
    uint16_t schema;             /* caller's schema version                 */
} pram_buf_def_t;

/* Handle in ordinary RAM (.bss), caller-allocated; pram_buf_open fills it. */
typedef struct pram_buf {
    const pram_buf_def_t *def;
    uint32_t open;  /* PRAM__BUF_OPEN once opened                       */
    uint32_t epoch; /* copy of the committed epoch                      */
    uint32_t tail;  /* data-area offset where the next record goes      */
    uint32_t count; /* records before tail                              */
} pram_buf_t;

#define PRAM__BUF_OPEN 0x0B0FFE4Du
#define PRAM_BUF_INIT(def_ptr) { (def_ptr), 0u, 0u, 0u, 0u }

/* pram_buf_open results (>= 0); errors are negative. */
#define PRAM_BUF_INTACT 0    /* control block valid; records recovered        */
#define PRAM_BUF_COLD 1      /* nothing valid (first boot, garbage): formatted */
#define PRAM_BUF_REFORMED 2  /* another layout/schema was there: formatted    */

/* Validate the control block and walk the records to find the tail (bounded
 * by the storage size).  Formats the buffer if it is not valid.  Call once per
 * boot before any other call on this handle. */
int pram_buf_open(pram_buf_t *buf);
/* 1 if the handle was opened and still looks sane, else 0.  For code that may
 * run before the boot-time open, e.g. a fault handler. */
int pram_buf_is_open(const pram_buf_t *buf);
/* Append one record; PRAM_ERR_NO_SPACE (nothing written) if it does not fit. */
int pram_buf_append(pram_buf_t *buf, const void *data, size_t len);
/* Forget every record, in O(1).  A reset part-way keeps all or none. */
int pram_buf_clear(pram_buf_t *buf);
/* Records committed (>= 0) or an error. */
int pram_buf_count(const pram_buf_t *buf);
/* Largest payload an append could take now (>= 0; 0: only an empty record
 * fits), PRAM_ERR_NO_SPACE if not even an empty record fits, or an error. */
int pram_buf_space(const pram_buf_t *buf);

typedef struct pram_record {
    const void *data; /* payload in place; NULL in a width-restricted region */
    uint32_t len;     /* payload bytes                                       */
    uint32_t pos;     /* data-area offset of the record                      */
    uint32_t epoch;   /* the buffer's contents it belongs to (a clear moves on) */
} pram_record_t;

typedef struct pram_buf_iter {
    uint32_t pos;
} pram_buf_iter_t;
#define PRAM_BUF_ITER_INIT { 0u }

/* Next record in append order, re-validated: 1 and *rec filled, 0 at the end,
 * PRAM_ERR_CORRUPT if a record before the tail no longer checks. */
int pram_buf_next(const pram_buf_t *buf, pram_buf_iter_t *it, pram_record_t *rec);
/* Copy a record's payload (rec from pram_buf_next) to dst; PRAM_ERR_TOO_LARGE
 * if cap < rec->len, PRAM_ERR_RANGE if rec is not a record of the buffer's
 * current contents: from before a clear, past the tail, or not the record
 * (length) that stands at its position.  Works in every region.  Returns
 * the length copied.
 * Padding bytes after the payload are not covered by the record CRC. */
int pram_buf_read(const pram_buf_t *buf, const pram_record_t *rec, void *dst, size_t cap);

/* PRAM_BUF_DEFINE(name, capacity, schema): a buffer with `capacity` bytes of
 * data area in .noinit; `name` is its pram_buf_t handle. */
#define PRAM_BUF_DEFINE(name, capacity, schema)                                          \
    static PRAM_NOINIT uint32_t name##__storage[PRAM_BUF_STORAGE_SIZE(capacity) / 4u];   \
    static const pram_buf_def_t name##__def = {name##__storage, NULL, 0u,                \
                                               (uint32_t)sizeof(name##__storage),        \
                                               (uint16_t)(schema)};                      \
    pram_buf_t name = PRAM_BUF_INIT(&name##__def)

/* Descriptor initialisers for storage you place yourself. */
#define PRAM_BUF_DEF_AT(address, storage_size, schema) \
    { (void *)(address), NULL, 0u, (uint32_t)(storage_size), (uint16_t)(schema) }
#define PRAM_BUF_DEF_IN(region_ptr, byte_offset, storage_size, schema) \
    { NULL, (region_ptr), (uint32_t)(byte_offset), (uint32_t)(storage_size), (uint16_t)(schema) }

#endif /* PRAM_BUF_H */
