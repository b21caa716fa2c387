/* Record-buffer tests (test_buf.c, test_buf_reboot.c): a buffer under test
 * with raw access to its storage, an independent decoder of its control
 * block, and a model of the records it must hold.
 *
 * Expectations are derived from the documented layout, never captured from
 * a run: records are checked byte by byte against the model (payloads
 * generated from a tag), record CRCs against ref_crc.h, and the control
 * block is decoded from the documented header layout.  Failures are cmocka
 * assertions in the running test. */
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
/* Largest payload that fits in a data area of `size` with `used` bytes taken. */
uint32_t exp_space(uint32_t size, uint32_t used);
/* What pram_buf_space() returns: the payload bound, or PRAM_ERR_NO_SPACE
 * when not even an empty record's header fits. */
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
/* t over plain storage / over [offset, +size) of region r (phys_len: bytes
 * of the region's backing memory). */
void tb_at(tb_t *t, void *storage, uint32_t size, uint16_t schema);
void tb_in(tb_t *t, const pram_region_t *r, uint32_t offset, uint32_t size, uint16_t schema,
           size_t phys_len);
/* A fresh handle on the same storage, opened: what a reboot leaves. */
int tb_boot(tb_t *t);
uint32_t tb_data_size(const tb_t *t);
/* Physical byte for storage byte L (maps region width/stride). */
uint8_t *tb_byte(const tb_t *t, uint32_t L);
/* The 32-bit word at storage bytes [L, L + 4). */
uint32_t tb_word(const tb_t *t, uint32_t L);
/* 1 if the storage is byte-addressable (records readable in place). */
int tb_direct(const tb_t *t);

/* Decodes the A/B control cell from the documented header layout: slot =
 * magic (PRAM_MAGIC_CELL, as for every container), seal (seq | CRC-16 << 16
 * over layout and value, register started at 0xFFFF ^ seq), layout (value
 * size | kind 1 (PRAM__KIND_BUF) << 13 | schema << 16), value {epoch,
 * data_size} at 12.  Returns 1 and the newest valid slot's value, or 0. */
int decode_control(const tb_t *t, uint32_t *epoch, uint32_t *data_size);
/* The decoded control epoch; asserts a valid control block of t's size. */
uint32_t control_epoch(const tb_t *t);
/* Writes a control value through the library's cell code, with any
 * epoch/data size/schema (after checking that the library's control cell
 * has the documented geometry). */
void craft_control(const tb_t *t, uint32_t epoch, uint32_t data_size, uint16_t schema);

/* ---- Model of what the buffer must hold ---------------------------------- */

#define MAXR 1100
typedef struct {
    uint32_t n;
    uint32_t len[MAXR];
    uint32_t tag[MAXR];
} model_t;

/* Scratch for payloads (gen_payload) and for reading records back. */
extern uint8_t payload[MAXREC + 64];
extern uint8_t readback[MAXREC + 64];

/* The len payload bytes of the record tagged `tag`. */
void gen_payload(uint32_t tag, uint32_t len, uint8_t *out);
/* Bytes of the data area the model's records take. */
uint32_t model_used(const model_t *m);
/* Appends the record (len, tag) through the API (must succeed) and to m. */
void model_append(tb_t *t, model_t *m, uint32_t len, uint32_t tag);
/* Through the API: count, space, every record in order with exact payloads,
 * positions and lengths, then the end. */
void check_model(tb_t *t, const model_t *m);
/* In storage: each record's words, CRC, payload bytes and zero padding. */
void check_raw(const tb_t *t, const model_t *m, uint32_t epoch);
/* Reboot: a fresh handle must find exactly the model. */
void reboot_check(tb_t *t, const model_t *m);

#endif
