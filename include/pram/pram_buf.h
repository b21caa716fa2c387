/* pram — buffers of variable-length records (crash logs, traces, logs).
 *
 *   PRAM_BUF_DEFINE(crash_log, 1024, 1);      // 1 KiB of records, schema 1
 *   PRAM_BUF_DEFINE_RING(log, 4096, 1);       // keeps the newest records
 *   pram_buf_open(&log);                      // once per boot: validate, find tail
 *   pram_buf_append(&log, line, n);           // O(n), fault-handler safe
 *   pram_buf_begin(&log); pram_buf_write(&log, part, k); ... pram_buf_commit(&log);
 *   pram_buf_iter_t it = PRAM_BUF_ITER_INIT; pram_record_t r;
 *   while (pram_buf_next(&log, &it, &r) > 0) use(r.data, r.len);  // oldest first
 *   while (pram_buf_prev(&log, &it, &r) > 0) ...                   // newest first
 *   pram_buf_clear(&log);                     // O(1)
 *
 * Storage: an A/B control block (data size, oldest record's position and
 * sequence number) then the data area.  Each record is [seq][len | CRC-16]
 * [payload, padded to 4]; the seq word is written last and commits it.
 * Records carry consecutive sequence numbers: nothing from before a clear or
 * from an earlier lap of a ring ever continues the chain.  A reset at any
 * store keeps every committed record, and the interrupted record (or the
 * records a ring append was dropping) whole or absent.  docs/design.md has
 * the byte layouts and what each store leaves behind.
 *
 * Linear buffers (PRAM_BUF_DEFINE) refuse an append that does not fit
 * (PRAM_ERR_NO_SPACE); rings (PRAM_BUF_DEFINE_RING) drop the oldest whole
 * records until it fits.  Record payloads are limited to
 * PRAM_RECORD_MAX_SIZE (CRC-16 keeps Hamming distance 4 up to ~4 KiB).
 *
 * Concurrency: a handle is busy from the start to the end of each writing
 * call, and from pram_buf_begin to commit/cancel.  A writing call that finds
 * it busy (an ISR that interrupted another one, on one core) returns
 * PRAM_ERR_BUSY and changes nothing; with PRAM_CRITICAL_ENTER/EXIT
 * (pram_config.h) ISRs cannot interrupt a call, only a streamed record.  A
 * fault handler that will reset calls pram_buf_takeover() first: it abandons
 * whatever the interrupted code was doing, as a reset there would. */
#ifndef PRAM_BUF_H
#define PRAM_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "pram_cell.h"
#include "pram_manifest.h"
#include "pram_migrate.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Control block value, kept in an A/B cell at the start of the storage.  It
 * changes only when a clear or a ring's drop moves the oldest record. */
typedef struct pram_buf_control {
    uint32_t data_size; /* bytes of the data area, part of the layout      */
    uint32_t head;      /* data offset of the oldest record (or of the next
                           record, when there is none)                     */
    uint32_t head_seq;  /* its sequence number                             */
} pram_buf_control_t;

#define PRAM_BUF_RECORD_HEADER 8u
#define PRAM__ALIGN4(n) (((uint32_t)(n) + 3u) & ~3u)
/* Control block: two slots of header + control value. */
#define PRAM_BUF_CONTROL_SIZE (2u * ((uint32_t)sizeof(pram_header_t) + (uint32_t)sizeof(pram_buf_control_t)))
/* Data-area bytes one record of `len` payload bytes takes. */
#define PRAM_BUF_RECORD_SPACE(len) (PRAM_BUF_RECORD_HEADER + PRAM__ALIGN4(len))
/* Storage bytes for a buffer with `capacity` bytes of data area. */
#define PRAM_BUF_STORAGE_SIZE(capacity) (PRAM_BUF_CONTROL_SIZE + PRAM__ALIGN4(capacity))

/* What an append does when the record does not fit. */
#define PRAM_BUF_LINEAR 0u /* refuse: PRAM_ERR_NO_SPACE                 */
#define PRAM_BUF_RING 1u   /* drop the oldest whole records until it fits */

/* Where a buffer's storage is (const: can live in flash). */
typedef struct pram_buf_def {
    void *addr;                  /* storage, 4-aligned, when region == NULL */
    const pram_region_t *region; /* NULL: ordinary RAM at addr              */
    uint32_t offset;             /* storage offset in region (4-aligned)    */
    uint32_t size;               /* storage bytes, PRAM_BUF_STORAGE_SIZE()  */
    uint16_t schema;             /* caller's schema version                 */
    uint8_t mode;                /* PRAM_BUF_LINEAR or PRAM_BUF_RING        */
} pram_buf_def_t;

/* Handle in ordinary RAM (.bss), caller-allocated; pram_buf_open fills it.
 * Every call checks it.  Records live in [head, tail) of the data area, or,
 * once a ring has wrapped, in [head, wrap) then [0, tail). */
typedef struct pram_buf {
    const pram_buf_def_t *def;
    uint32_t open;          /* PRAM__BUF_OPEN once opened                     */
    volatile uint32_t busy; /* 0, or the writing call / stream in progress    */
    uint32_t head;          /* data offset of the oldest record               */
    uint32_t head_seq;      /* its sequence number (as the control block says) */
    uint32_t tail;          /* end of the newest record                       */
    uint32_t wrap;          /* 0, or the end of the records before offset 0   */
    uint32_t count;         /* records held                                   */
    uint32_t seq;           /* the next record's sequence number              */
    uint32_t s_pos;         /* record being streamed: its data offset,        */
    uint32_t s_len;         /*   payload bytes written so far,                */
    uint32_t s_crc;         /*   CRC-16 so far                                */
} pram_buf_t;

#define PRAM__BUF_OPEN 0x0B0FFE4Du
#define PRAM_BUF_INIT(def_ptr) { (def_ptr), 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u }

/* pram_buf_open results (>= 0); errors are negative.  Every named result in
 * pram has a value of its own, so pram_strerror() names it. */
#define PRAM_BUF_INTACT 0    /* control block valid; records recovered        */
#define PRAM_BUF_COLD 2      /* nothing valid (first boot, garbage): formatted */
#define PRAM_BUF_REFORMED 3  /* another layout/schema was there: formatted    */
/* pram_buf_takeover: a call or streamed record was in progress and was
 * abandoned; the records were re-read from memory (0: nothing was). */
#define PRAM_BUF_ABANDONED 4

/* Validate the control block and walk the records from the oldest to find
 * the newest (bounded by the storage size, whatever memory holds).  Formats
 * the buffer if it is not valid.  Call once per boot before any other call
 * on this handle. */
int pram_buf_open(pram_buf_t *buf);
/* 1 if the handle was opened and still looks sane, else 0.  For code that may
 * run before the boot-time open, e.g. a fault handler. */
int pram_buf_is_open(const pram_buf_t *buf);
/* For a context that will never return to the code it interrupted (a fault
 * handler that resets): if a writing call or a streamed record was in
 * progress, abandon it, leaving memory and handle as a reset at that point
 * and a new open would (bounded: one open's work).  Then append as usual.
 * PRAM_OK (nothing was in progress), PRAM_BUF_ABANDONED, PRAM_BUF_COLD or
 * _REFORMED (the control block was not valid: formatted), or an error. */
int pram_buf_takeover(pram_buf_t *buf);

/* Append one record.  Linear: PRAM_ERR_NO_SPACE (nothing written) if it does
 * not fit.  Ring: drops the oldest records until it fits.  Either:
 * PRAM_ERR_TOO_LARGE if it could never fit. */
int pram_buf_append(pram_buf_t *buf, const void *data, size_t len);

/* A record written in pieces, visible only once committed: begin, write any
 * number of chunks, then commit or cancel.  The CRC accumulates as chunks
 * arrive.  A ring drops the oldest records as the record grows (up to the
 * whole data area); a record that reaches the end of the data area moves to
 * its start, once.  Linear: write returns PRAM_ERR_NO_SPACE and writes
 * nothing of that chunk when it does not fit; the record so far stays open.
 * Other writing calls on the buffer return PRAM_ERR_BUSY until commit or
 * cancel; write/commit/cancel without begin return PRAM_ERR_SCOPE. */
int pram_buf_begin(pram_buf_t *buf);
int pram_buf_write(pram_buf_t *buf, const void *data, size_t len);
int pram_buf_commit(pram_buf_t *buf);
/* Records a ring dropped to make room stay dropped. */
int pram_buf_cancel(pram_buf_t *buf);

/* Forget every record, in O(1).  A reset part-way keeps all or none. */
int pram_buf_clear(pram_buf_t *buf);
/* Records held (>= 0) or an error. */
int pram_buf_count(const pram_buf_t *buf);
/* Largest payload an append could take now without dropping a record (>= 0;
 * 0: only an empty record fits), PRAM_ERR_NO_SPACE if not even an empty
 * record fits, or an error. */
int pram_buf_space(const pram_buf_t *buf);

typedef struct pram_record {
    const void *data; /* payload in place; NULL in a width-restricted region */
    uint32_t len;     /* payload bytes                                       */
    uint32_t pos;     /* data-area offset of the record                      */
    uint32_t seq;     /* its sequence number: unique over the buffer's life
                         (unless damage to memory made it fall back) */
    uint32_t check;   /* ties pos, len and seq together: a record the caller
                         altered is refused (PRAM_ERR_RANGE)                 */
} pram_record_t;

/* Iteration state; PRAM_BUF_ITER_INIT starts at the oldest record for
 * pram_buf_next and at the newest for pram_buf_prev.  Checked on every call
 * (PRAM_ERR_CORRUPT if altered); one iterator goes one way. */
typedef struct pram_buf_iter {
    uint32_t pos;   /* end of the record next returned last */
    uint32_t seq;   /* next: the record to return; prev: the one returned last */
    uint32_t check; /* 0: fresh */
} pram_buf_iter_t;
#define PRAM_BUF_ITER_INIT { 0u, 0u, 0u }

/* Next record, oldest to newest, re-validated: 1 and *rec filled, 0 at the
 * end, PRAM_ERR_CORRUPT if a record no longer checks.  An iterator whose
 * record a ring has dropped since goes on from the oldest record left. */
int pram_buf_next(const pram_buf_t *buf, pram_buf_iter_t *it, pram_record_t *rec);
/* Previous record, newest to oldest ("the last ten lines"); same results.
 * Each step walks the record headers from the oldest: O(records). */
int pram_buf_prev(const pram_buf_t *buf, pram_buf_iter_t *it, pram_record_t *rec);
/* Copy a record's payload (rec from pram_buf_next/prev) to dst;
 * PRAM_ERR_TOO_LARGE if cap < rec->len, PRAM_ERR_RANGE if rec is not a
 * record the buffer holds now (cleared, dropped, or not the one at its
 * position).  Works in every region.  Returns the length copied.
 * Padding bytes after the payload are not covered by the record CRC. */
int pram_buf_read(const pram_buf_t *buf, const pram_record_t *rec, void *dst, size_t cap);

/* PRAM_BUF_DEFINE(name, capacity, schema): a buffer with `capacity` bytes of
 * data area in .noinit; `name` is its pram_buf_t handle.  _RING: a ring.
 * Like PRAM_CELL_DEFINE, it also emits the buffer's manifest entry
 * (pram_manifest.h).
 * PRAM_BUF_DECLARE(name) in a header lets other files use the handle. */
#define PRAM_BUF_DECLARE(name) PRAM__EXTERN pram_buf_t name
#define PRAM__BUF_DEFINE(name, capacity, schema, mode)                                   \
    static PRAM__NOINIT_CONTAINER(name) uint32_t                                          \
        name##__storage[PRAM_BUF_STORAGE_SIZE(capacity) / 4u];                            \
    PRAM__CONTAINER(name, name##__storage);                                               \
    PRAM__MANIFEST_BUF(name, capacity, schema, mode);                                     \
    static const pram_buf_def_t name##__def = {name##__storage, NULL, 0u,                \
                                               (uint32_t)sizeof(name##__storage),        \
                                               (uint16_t)(schema), (uint8_t)(mode)};     \
    pram_buf_t name = PRAM_BUF_INIT(&name##__def)
#define PRAM_BUF_DEFINE(name, capacity, schema) PRAM__BUF_DEFINE(name, capacity, schema, PRAM_BUF_LINEAR)
#define PRAM_BUF_DEFINE_RING(name, capacity, schema) PRAM__BUF_DEFINE(name, capacity, schema, PRAM_BUF_RING)

/* Descriptor initialisers for storage you place yourself (_RING: a ring). */
#define PRAM_BUF_DEF_AT(address, storage_size, schema) \
    { (void *)(address), NULL, 0u, (uint32_t)(storage_size), (uint16_t)(schema), PRAM_BUF_LINEAR }
#define PRAM_BUF_DEF_IN(region_ptr, byte_offset, storage_size, schema) \
    { NULL, (region_ptr), (uint32_t)(byte_offset), (uint32_t)(storage_size), (uint16_t)(schema), PRAM_BUF_LINEAR }
#define PRAM_BUF_DEF_RING_AT(address, storage_size, schema) \
    { (void *)(address), NULL, 0u, (uint32_t)(storage_size), (uint16_t)(schema), PRAM_BUF_RING }
#define PRAM_BUF_DEF_RING_IN(region_ptr, byte_offset, storage_size, schema) \
    { NULL, (region_ptr), (uint32_t)(byte_offset), (uint32_t)(storage_size), (uint16_t)(schema), PRAM_BUF_RING }

#ifdef __cplusplus
}
#endif

#endif /* PRAM_BUF_H */
