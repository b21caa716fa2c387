/* Record-buffer tests (test_buf.c, test_buf_reboot.c): a buffer under test
 * with raw access to its storage, an independent decoder of its control
 * block, and a model of the records it must hold.
 *
 * Expectations are derived from the documented layout, never captured from
 * a run: records are checked byte by byte against the model (payloads
 * generated from a tag), record CRCs against ref_crc.h, and the control
 * block is decoded from the documented header layout.  The model places
 * each record by the documented rule alone (pram_buf.h, design.md): at the
 * end of the newest record if [tail, tail + need) is inside the data area
 * and overlaps no record, else at offset 0 if [0, need) overlaps no record,
 * else a linear buffer refuses and a ring drops its oldest record and
 * tries again.  It knows nothing of the library's head/tail/wrap
 * bookkeeping.  Failures are cmocka assertions in the running test. */
#ifndef BUF_MODEL_H
#define BUF_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "pram/pram.h"

#define CTL PRAM_BUF_CONTROL_SIZE /* data area offset in the storage */
#define MAXREC PRAM_RECORD_MAX_SIZE

/* ---- Layout arithmetic ------------------------------------------------------ */

uint32_t round4(uint32_t n);
/* Bytes a record of len payload bytes takes: header + payload padded to 4. */
uint32_t rec_space(uint32_t len);
/* Largest payload that fits in a data area of `size` with `used` bytes taken
 * (one contiguous run of records from offset 0). */
uint32_t exp_space(uint32_t size, uint32_t used);
/* What pram_buf_space() returns then: the payload bound, or
 * PRAM_ERR_NO_SPACE when not even an empty record's header fits. */
int exp_space_rc(uint32_t size, uint32_t used);

/* ---- A buffer under test: descriptor, handle and raw access ------------- */

typedef struct {
    pram_buf_def_t def;
    pram_buf_t h;
    uint8_t *base;   /* storage (AT) or region base                        */
    size_t phys_len; /* bytes of backing memory (snapshots)              */
} tb_t;

/* A fresh (unopened) handle on t's descriptor. */
void tb_fresh(tb_t *t);
/* t (linear) over plain storage / over [offset, +size) of region r
 * (phys_len: bytes of the region's backing memory). */
void tb_at(tb_t *t, void *storage, uint32_t size, uint16_t schema);
void tb_in(tb_t *t, const pram_region_t *r, uint32_t offset, uint32_t size, uint16_t schema,
           size_t phys_len);
/* Makes t a ring (PRAM_BUF_RING) or linear again, with a fresh handle. */
void tb_mode(tb_t *t, uint8_t mode);
/* A fresh handle on the same storage, opened: what a reboot leaves. */
int tb_boot(tb_t *t);
uint32_t tb_data_size(const tb_t *t);
/* Physical byte for storage byte L (maps region width/stride). */
uint8_t *tb_byte(const tb_t *t, uint32_t L);
/* The 32-bit word at storage bytes [L, L + 4). */
uint32_t tb_word(const tb_t *t, uint32_t L);
void tb_set_word(const tb_t *t, uint32_t L, uint32_t w);
/* 1 if the storage is byte-addressable (records readable in place). */
int tb_direct(const tb_t *t);

/* Decodes the A/B control cell from the documented header layout: slot
 * (24 bytes) = magic (PRAM_MAGIC_CELL, as for every container), seal (seq |
 * CRC-16 << 16 over layout and value, register started at 0xFFFF ^ seq),
 * layout (value size 12 | kind 1 (PRAM__KIND_BUF) << 13 | schema << 16),
 * value {data_size, head, head_seq} at 12.  Returns 1 and the newest valid
 * slot's value, or 0. */
int decode_control(const tb_t *t, uint32_t *data_size, uint32_t *head, uint32_t *head_seq);
/* The slot (0 or 1) decode_control takes, or -1. */
int control_slot(const tb_t *t);
/* Asserts a valid control block of t's data size holding (head, head_seq). */
void control_is(const tb_t *t, uint32_t head, uint32_t head_seq);
/* The decoded head_seq; asserts a valid control block of t's size. */
uint32_t control_head_seq(const tb_t *t);
/* Writes a control value through the library's cell code, with any data
 * size/head/head_seq/schema (after checking that the library's control
 * cell has the documented geometry). */
void craft_control(const tb_t *t, uint32_t data_size, uint32_t head, uint32_t head_seq,
                   uint16_t schema);

/* ---- Model of what the buffer must hold ---------------------------------- */

#define MAXR 1100
typedef struct {
    uint32_t n;                                      /* records held, oldest first */
    uint32_t len[MAXR], tag[MAXR], pos[MAXR], seq[MAXR];
    uint32_t D;        /* data area bytes                                        */
    int ring;          /* drops the oldest records instead of refusing           */
    uint32_t tail;     /* end of the newest record; the empty buffer's spot      */
    uint32_t next_seq; /* the next record's sequence number                      */
    int streaming;     /* a record begun: at s_pos, s_len bytes so far, its tag  */
    uint32_t s_pos, s_len, s_tag;
    uint32_t drops, wraps, moves; /* what happened (tests check it did)         */
} model_t;

/* Scratch for payloads (gen_payload) and for reading records back. */
extern uint8_t payload[MAXREC + 64];
extern uint8_t readback[MAXREC + 64];

/* The len payload bytes of the record tagged `tag` (a prefix of any longer
 * record of the same tag: streamed chunks are slices of it). */
void gen_payload(uint32_t tag, uint32_t len, uint8_t *out);

/* A freshly formatted buffer of t's size and mode: empty at 0, seq 0. */
void model_init(model_t *m, const tb_t *t);
/* After pram_buf_clear: empty at 0, sequence numbers go on. */
void model_clear(model_t *m);
/* Only the oldest k records remain (a walk that stopped at record k). */
void model_truncate(model_t *m, uint32_t k);
/* The clear mark (design.md, clear): a clear's first store, when the buffer
 * holds records, writes the oldest record's commit word <- its seq ^
 * CLEAR_MARK (one byte differs: a torn store reads as either value). */
#define CLEAR_MARK 0x80000000u
/* What the next open makes of m (holding records) when a clear was cut
 * after its mark and before its control commit: it finishes the clear,
 * committing {D, head 0, head_seq = m's head_seq + D/8 + 1} (D/8: the most
 * records the area can ever hold, so no number is used twice), then
 * scrubs.  Empty; the next record goes to 0 with that number. */
void model_cut_clear(model_t *m);
void model_copy(model_t *dst, const model_t *src);
/* The oldest record's position and seq, as the control block must hold
 * them (the empty buffer's spot and the next seq when empty). */
uint32_t model_head(const model_t *m);
uint32_t model_head_seq(const model_t *m);
/* Bytes of the data area the model's records take. */
uint32_t model_used(const model_t *m);
/* 1 if [p, p + need) is inside the data area and overlaps no record. */
int model_free(const model_t *m, uint32_t p, uint32_t need);
/* What pram_buf_space() must return. */
int model_space(const model_t *m);
/* The records (len, tag) would go: applies the drops a ring makes and
 * adds the record; returns the expected result (PRAM_OK, PRAM_ERR_NO_SPACE
 * or PRAM_ERR_TOO_LARGE, the model unchanged for the errors). */
int model_expect_append(model_t *m, uint32_t len, uint32_t tag);
/* The record (len, tag) joins m at pos with the next sequence number. */
void model_add(model_t *m, uint32_t pos, uint32_t len, uint32_t tag);
/* The same for streamed records, on the model only: the results begin,
 * write and commit must give. */
int model_expect_begin(model_t *m, uint32_t tag);
int model_expect_write(model_t *m, uint32_t n);
void model_expect_commit(model_t *m);
/* Appends the record (len, tag) through the API (must succeed) and to m. */
void model_append(tb_t *t, model_t *m, uint32_t len, uint32_t tag);
/* The same for any outcome: the API's result must be the model's. */
int model_try_append(tb_t *t, model_t *m, uint32_t len, uint32_t tag);
/* Streamed records through the API, each result checked against the model:
 * begin (the record tagged `tag`), write its next n bytes, commit, cancel. */
int model_begin(tb_t *t, model_t *m, uint32_t tag);
int model_write(tb_t *t, model_t *m, uint32_t n);
void model_commit(tb_t *t, model_t *m);
void model_cancel(tb_t *t, model_t *m);
/* A whole streamed record written in chunks of chunk, chunk+1, ... bytes
 * (cycling up to chunk + 4). */
void model_stream(tb_t *t, model_t *m, uint32_t len, uint32_t tag, uint32_t chunk);
/* pram_buf_clear through the API (must succeed) and on m. */
void model_do_clear(tb_t *t, model_t *m);
/* Through the API: count, space, every record oldest to newest (next) and
 * newest to oldest (prev) with exact positions, seqs, lengths and payloads
 * (in place and through pram_buf_read), then the end. */
void check_model(tb_t *t, const model_t *m);
/* In storage: the control block (head, head_seq), each record's words
 * (commit word == seq, len | CRC << 16), payload bytes and zero padding,
 * and an open streamed record's commit word (~seq). */
void check_raw(const tb_t *t, const model_t *m);
/* Reboot: a fresh handle must find exactly the model (an open streamed
 * record is gone). */
void reboot_check(tb_t *t, model_t *m);

#endif
