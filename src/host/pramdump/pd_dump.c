/* pramdump — the report: each container of the manifest, read from the
 * image with pram's own code.
 *
 * Nothing here parses a slot, a control block or a record.  Each container
 * gets a private, 8-aligned copy of its own bytes of the image, and a
 * descriptor (pram_cell_t, pram_buf_def_t) pointing at that copy, built
 * from its manifest entry; the library's calls (pram_cell_status/get,
 * pram_buf_open/next/read) then decide what is valid, exactly as the
 * firmware's would on the same bytes.  A buffer is opened only when its
 * control block is valid (pram_buf_open formats one that is not), and only
 * ever on its copy.  What is printed beside the library's verdicts: whether
 * the bytes are all 0x00 or all 0xFF (never written), the slot and sequence
 * number of a valid A/B cell's value, and the reboot record's fields (its
 * type is private to src/pram_reboot.c: mirrored below, guarded by its
 * schema and size). */
#include "pd_dump.h"

#include <stdlib.h>
#include <string.h>

#include "pd_elf.h"
#include "pram/pram.h"
#include "pram/pram_fault.h"
#include "pram/pram_manifest.h"
#include "pram/pram_reboot.h"
/* pram__buf_control_cell: the buffer code's own descriptor of a control
 * block (src/, built with pramdump). */
#include "pram_cell_internal.h"

enum { ST_VALID, ST_INVALID, ST_LAYOUT, ST_BLANK, ST_OUTSIDE, ST_ERROR };
static const char *const state_name[] = {"valid",         "invalid",       "layout_changed",
                                         "never_written", "outside_image", "error"};

typedef struct rec {
    uint32_t seq, len, pos;
    uint8_t *data;
} rec_t;

typedef struct result {
    const pd_entry_t *e;
    uint64_t offset; /* from the image's first byte (when in it) */
    int state;
    int fill;      /* ST_BLANK: 0x00 or 0xFF */
    int rc;        /* the library's result that decided the state */
    char why[200]; /* a sentence for the state, or "" */
    /* cells */
    int slot;
    uint32_t seq;
    uint8_t *value;
    /* buffers */
    pram_buf_control_t ctl;
    rec_t *recs;
    size_t nrec;
    uint32_t used;
} result_t;

/* The reboot record (src/pram_reboot.c: reboot_record_t): seven words,
 * then a pram_crash_t (pram_reboot.h) whose stack[] has as many words as
 * the firmware was built with.  Every field a uint32_t. */
#define REBOOT_NAME "pram__reboot_record"
#define REBOOT_SCHEMA 0x7B01u
#define REBOOT_WORDS 7u
#define CRASH_FIXED_WORDS ((uint32_t)(offsetof(pram_crash_t, stack) / 4u))

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---- Evaluation --------------------------------------------------------------- */

/* A private copy of n bytes, 8-aligned (what every descriptor needs). */
typedef struct copy {
    void *block;
    uint8_t *bytes;
} copy_t;

static int make_copy(copy_t *c, const uint8_t *src, size_t n)
{
    c->block = malloc(n + 8u);
    if (!c->block)
        return -1;
    c->bytes = (uint8_t *)(((uintptr_t)c->block + 7u) & ~(uintptr_t)7u);
    memcpy(c->bytes, src, n);
    return 0;
}

static int blank(const uint8_t *p, size_t n, int *fill)
{
    size_t i;
    if (n == 0u || (p[0] != 0x00u && p[0] != 0xFFu))
        return 0;
    for (i = 1; i < n; i++)
        if (p[i] != p[0])
            return 0;
    *fill = p[0];
    return 1;
}

static void set_state(result_t *r, int state, int rc, const char *why)
{
    r->state = state;
    r->rc = rc;
    (void)snprintf(r->why, sizeof r->why, "%s", why);
}

static void eval_cell(result_t *r, const uint8_t *bytes)
{
    const pd_entry_t *e = r->e;
    pram_cell_t c;
    copy_t cp;
    int rc, found;
    if (make_copy(&cp, bytes, e->storage_size) != 0) {
        set_state(r, ST_ERROR, 0, "out of memory");
        return;
    }
    c.addr = cp.bytes;
    c.region = NULL;
    c.offset = 0u;
    c.size = (uint16_t)e->value_size;
    c.schema = e->schema;
    c.value_offset = e->value_offset;
    c.slot_size = (uint16_t)e->slot_size;
    c.mode = e->mode;
    c.kind = (uint8_t)PRAM__KIND_CELL;
    rc = pram_cell_status(&c);
    if (rc == PRAM_OK) {
        r->value = (uint8_t *)malloc(e->value_size);
        if (!r->value) {
            set_state(r, ST_ERROR, 0, "out of memory");
        } else if ((rc = pram_cell_get(&c, r->value, e->value_size)) != PRAM_OK) {
            set_state(r, ST_ERROR, rc, "pram_cell_get failed after pram_cell_status said valid");
        } else {
            /* Which slot holds it, as the typed calls find it. */
            found = pram__ram_find((uintptr_t)cp.bytes,
                                   PRAM__LAYOUT(c.size, c.value_offset, PRAM__KIND_CELL, c.schema),
                                   PRAM__SHAPE(c.slot_size, c.mode));
            r->slot = found > 0 ? found : 0;
            r->seq = rd32(cp.bytes + (uint32_t)r->slot * e->slot_size + 4u) & 0xFFFFu;
            set_state(r, ST_VALID, rc, "");
        }
    } else if (rc == PRAM_ERR_LAYOUT) {
        set_state(r, ST_LAYOUT, rc,
                  "a committed value of another size or schema (the firmware changed the type)");
    } else if (rc == PRAM_ERR_INVALID) {
        set_state(r, ST_INVALID, rc, "no valid value (torn, invalidated, damaged or garbage)");
    } else {
        set_state(r, ST_ERROR, rc, pram_strerror(rc));
    }
    free(cp.block);
}

static void free_recs(result_t *r)
{
    size_t i;
    for (i = 0; i < r->nrec; i++)
        free(r->recs[i].data);
    free(r->recs);
    r->recs = NULL;
    r->nrec = 0u;
}

static void eval_buf(result_t *r, const uint8_t *bytes)
{
    const pd_entry_t *e = r->e;
    pram_buf_def_t def;
    pram_cell_t cc;
    pram_buf_t b;
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t rec;
    copy_t cp;
    char why[200];
    int rc, n = 0, count;
    if (make_copy(&cp, bytes, e->storage_size) != 0) {
        set_state(r, ST_ERROR, 0, "out of memory");
        return;
    }
    def.addr = cp.bytes;
    def.region = NULL;
    def.offset = 0u;
    def.size = e->storage_size;
    def.schema = e->schema;
    def.mode = e->mode;
    /* The control block first: pram_buf_open would format an invalid one. */
    pram__buf_control_cell(&def, &cc);
    rc = pram_cell_get(&cc, &r->ctl, sizeof r->ctl);
    if (rc == PRAM_ERR_LAYOUT) {
        set_state(r, ST_LAYOUT, rc,
                  "the control block is another schema's or another kind's (pram_buf_open would reformat it)");
    } else if (rc == PRAM_ERR_INVALID) {
        set_state(r, ST_INVALID, rc, "no valid control block (pram_buf_open would format it)");
    } else if (rc != PRAM_OK) {
        set_state(r, ST_ERROR, rc, pram_strerror(rc));
    } else {
        /* A valid control block: open decides the rest (its data size
         * against this firmware's, its head), on the copy. */
        memset(&b, 0, sizeof b);
        b.def = &def;
        rc = pram_buf_open(&b);
        count = rc == PRAM_BUF_INTACT ? pram_buf_count(&b) : -1;
        if (rc == PRAM_BUF_REFORMED) {
            (void)snprintf(why, sizeof why,
                           "the control block says %lu bytes of data, this firmware %lu "
                           "(pram_buf_open reformats it)",
                           (unsigned long)r->ctl.data_size, (unsigned long)e->capacity);
            set_state(r, ST_LAYOUT, PRAM_ERR_LAYOUT, why);
        } else if (rc == PRAM_BUF_COLD) {
            set_state(r, ST_INVALID, PRAM_ERR_INVALID,
                      "the control block's head is not a record position (pram_buf_open formats it)");
        } else if (count < 0) {
            set_state(r, ST_ERROR, rc < 0 ? rc : 0, "pram_buf_open failed");
        } else {
            r->recs = (rec_t *)calloc((size_t)count + 1u, sizeof *r->recs);
            set_state(r, ST_VALID, rc, "");
            if (!r->recs)
                set_state(r, ST_ERROR, 0, "out of memory");
            while (r->recs && r->nrec < (size_t)count && (n = pram_buf_next(&b, &it, &rec)) > 0) {
                rec_t *o = &r->recs[r->nrec];
                o->data = (uint8_t *)malloc(rec.len + 1u);
                if (!o->data) {
                    set_state(r, ST_ERROR, 0, "out of memory");
                    break;
                }
                n = pram_buf_read(&b, &rec, o->data, rec.len);
                if (n < 0 || (uint32_t)n != rec.len) {
                    free(o->data);
                    set_state(r, ST_ERROR, n, "pram_buf_read failed on a record pram_buf_next gave");
                    break;
                }
                o->seq = rec.seq;
                o->len = rec.len;
                o->pos = rec.pos;
                r->used += PRAM_BUF_RECORD_SPACE(rec.len);
                r->nrec++;
            }
            if (n < 0 && r->state == ST_VALID)
                set_state(r, ST_ERROR, n, "pram_buf_next failed on the buffer pram_buf_open recovered");
        }
    }
    free(cp.block);
}

static void evaluate(result_t *r, const uint8_t *image, size_t image_size, uint64_t base)
{
    const pd_entry_t *e = r->e;
    const uint8_t *bytes;
    if (e->addr < base || e->addr - base > image_size || e->storage_size > image_size - (e->addr - base)) {
        set_state(r, ST_OUTSIDE, 0, "not (wholly) in the image");
        return;
    }
    r->offset = e->addr - base;
    bytes = image + r->offset;
    if (blank(bytes, e->storage_size, &r->fill)) {
        set_state(r, ST_BLANK, PRAM_ERR_INVALID, r->fill ? "all 0xFF" : "all 0x00");
        return;
    }
    if (e->kind == PRAM_MANIFEST_CELL)
        eval_cell(r, bytes);
    else
        eval_buf(r, bytes);
}

/* ---- Text ------------------------------------------------------------------------ */

static void hexdump(FILE *out, const char *indent, const uint8_t *p, size_t n)
{
    size_t i, k;
    for (i = 0; i < n; i += 16u) {
        fprintf(out, "%s%04lx ", indent, (unsigned long)i);
        for (k = 0; k < 16u; k++) {
            if (i + k < n)
                fprintf(out, " %02x", p[i + k]);
            else
                fputs("   ", out);
        }
        fputs("  |", out);
        for (k = 0; k < 16u && i + k < n; k++)
            fputc(p[i + k] >= 0x20u && p[i + k] < 0x7Fu ? p[i + k] : '.', out);
        fputs("|\n", out);
    }
}

static const char *mode_name(const pd_entry_t *e)
{
    if (e->kind == PRAM_MANIFEST_CELL)
        return e->mode == PRAM_AB ? "A/B" : "single";
    return e->mode == PRAM_BUF_RING ? "ring" : "linear";
}

static void text_container(FILE *out, const result_t *r, const uint8_t *image, int raw)
{
    const pd_entry_t *e = r->e;
    size_t i;
    char schema[24];
    (void)snprintf(schema, sizeof schema, e->schema > 255u ? "0x%04x" : "%u", (unsigned)e->schema);
    if (e->kind == PRAM_MANIFEST_CELL)
        fprintf(out, "%s: cell, %s, 0x%08llx, %lu bytes; value %lu bytes at %u, schema %s\n", e->name,
                mode_name(e), (unsigned long long)e->addr, (unsigned long)e->storage_size,
                (unsigned long)e->value_size, (unsigned)e->value_offset, schema);
    else
        fprintf(out, "%s: buffer, %s, 0x%08llx, %lu bytes; capacity %lu, schema %s\n", e->name, mode_name(e),
                (unsigned long long)e->addr, (unsigned long)e->storage_size, (unsigned long)e->capacity, schema);
    if (e->kind == PRAM_MANIFEST_BUF && e->limit != PRAM_RECORD_MAX_SIZE)
        fprintf(out, "  note: built with PRAM_RECORD_MAX_SIZE %lu, pramdump checks records with %lu\n",
                (unsigned long)e->limit, (unsigned long)PRAM_RECORD_MAX_SIZE);
    switch (r->state) {
    case ST_VALID:
        if (e->kind == PRAM_MANIFEST_CELL) {
            if (e->mode == PRAM_AB)
                fprintf(out, "  valid (slot %c, seq %lu)\n", r->slot ? 'B' : 'A', (unsigned long)r->seq);
            else
                fputs("  valid\n", out);
            hexdump(out, "    ", r->value, e->value_size);
        } else {
            fprintf(out, "  valid: %lu record%s, %lu of %lu bytes", (unsigned long)r->nrec,
                    r->nrec == 1u ? "" : "s", (unsigned long)r->used, (unsigned long)e->capacity);
            if (r->nrec)
                fprintf(out, ", seq %lu..%lu", (unsigned long)r->recs[0].seq,
                        (unsigned long)r->recs[r->nrec - 1u].seq);
            fputs("\n", out);
            for (i = 0; i < r->nrec; i++) {
                fprintf(out, "  record seq %lu, %lu byte%s (at %lu)\n", (unsigned long)r->recs[i].seq,
                        (unsigned long)r->recs[i].len, r->recs[i].len == 1u ? "" : "s",
                        (unsigned long)r->recs[i].pos);
                hexdump(out, "    ", r->recs[i].data, r->recs[i].len);
            }
        }
        break;
    case ST_BLANK:
        fprintf(out, "  never written (%s)\n", r->why);
        break;
    case ST_OUTSIDE:
        fputs("  outside the image\n", out);
        break;
    case ST_ERROR:
        fprintf(out, "  error: %s (%s)\n", r->why, pram_strerror(r->rc));
        break;
    default:
        fprintf(out, "  %s: %s\n", r->state == ST_LAYOUT ? "layout changed" : "invalid", r->why);
        break;
    }
    if (raw && r->state != ST_OUTSIDE) {
        fputs("  raw:\n", out);
        hexdump(out, "    ", image + r->offset, e->storage_size);
    }
}

/* ---- JSON ------------------------------------------------------------------------ */

/* A JSON string of bytes: printable ASCII as is (\" and \\ escaped), the
 * rest as \u00XX (bytes read as Latin-1: always valid JSON). */
static void json_bytes(FILE *out, const uint8_t *p, size_t n)
{
    size_t i;
    fputc('"', out);
    for (i = 0; i < n; i++) {
        if (p[i] == '"' || p[i] == '\\')
            fprintf(out, "\\%c", p[i]);
        else if (p[i] >= 0x20u && p[i] < 0x7Fu)
            fputc(p[i], out);
        else
            fprintf(out, "\\u%04x", p[i]);
    }
    fputc('"', out);
}

static void json_str(FILE *out, const char *s)
{
    json_bytes(out, (const uint8_t *)s, strlen(s));
}

static void json_hex(FILE *out, const uint8_t *p, size_t n)
{
    size_t i;
    fputc('"', out);
    for (i = 0; i < n; i++)
        fprintf(out, "%02x", p[i]);
    fputc('"', out);
}

static void json_container(FILE *out, const result_t *r, const uint8_t *image, int raw)
{
    const pd_entry_t *e = r->e;
    size_t i;
    fputs("    {\"name\": ", out);
    json_str(out, e->name);
    fprintf(out, ", \"kind\": \"%s\", \"mode\": \"%s\", \"address\": \"0x%08llx\", \"storage_size\": %lu, "
                 "\"schema\": %u",
            e->kind == PRAM_MANIFEST_CELL ? "cell" : "buffer",
            e->kind == PRAM_MANIFEST_CELL ? (e->mode == PRAM_AB ? "ab" : "single") : mode_name(e),
            (unsigned long long)e->addr, (unsigned long)e->storage_size, (unsigned)e->schema);
    if (e->kind == PRAM_MANIFEST_CELL)
        fprintf(out, ", \"value_size\": %lu, \"value_offset\": %u", (unsigned long)e->value_size,
                (unsigned)e->value_offset);
    else
        fprintf(out, ", \"capacity\": %lu", (unsigned long)e->capacity);
    fprintf(out, ", \"limit\": %lu", (unsigned long)e->limit);
    if (r->state != ST_OUTSIDE)
        fprintf(out, ", \"offset\": %llu", (unsigned long long)r->offset);
    fprintf(out, ", \"status\": \"%s\"", state_name[r->state]);
    if (r->why[0]) {
        fputs(", \"detail\": ", out);
        json_str(out, r->why);
    }
    if (r->state == ST_ERROR || r->state == ST_INVALID || r->state == ST_LAYOUT) {
        fputs(", \"pram\": ", out);
        json_str(out, pram_strerror(r->rc));
    }
    if (r->state == ST_VALID && e->kind == PRAM_MANIFEST_CELL) {
        if (e->mode == PRAM_AB)
            fprintf(out, ", \"slot\": %d, \"seq\": %lu", r->slot, (unsigned long)r->seq);
        fputs(", \"value\": ", out);
        json_hex(out, r->value, e->value_size);
    }
    if (r->state == ST_VALID && e->kind == PRAM_MANIFEST_BUF) {
        fprintf(out, ", \"head\": %lu, \"head_seq\": %lu, \"used\": %lu, \"records\": [",
                (unsigned long)r->ctl.head, (unsigned long)r->ctl.head_seq, (unsigned long)r->used);
        for (i = 0; i < r->nrec; i++) {
            fprintf(out, "%s\n      {\"seq\": %lu, \"len\": %lu, \"pos\": %lu, \"hex\": ", i ? "," : "",
                    (unsigned long)r->recs[i].seq, (unsigned long)r->recs[i].len,
                    (unsigned long)r->recs[i].pos);
            json_hex(out, r->recs[i].data, r->recs[i].len);
            fputs(", \"text\": ", out);
            json_bytes(out, r->recs[i].data, r->recs[i].len);
            fputs("}", out);
        }
        fputs(r->nrec ? "\n    ]" : "]", out);
    }
    if (raw && r->state != ST_OUTSIDE) {
        fputs(", \"raw\": ", out);
        json_hex(out, image + r->offset, e->storage_size);
    }
    fputs("}", out);
}

/* ---- The reboot record ---------------------------------------------------------- */


static const char *exception_name(uint32_t x)
{
    static const char *const names[] = {"HardFault", "MemManage", "BusFault", "UsageFault", "SecureFault"};
    return x >= 3u && x <= 7u ? names[x - 3u] : x == 0u ? "thread mode" : "exception";
}

/* The crash fields, in pram_crash_t order (offsetof / 4 of each). */
typedef struct field {
    const char *name;
    uint32_t word;
    int dec; /* printed in decimal (text) */
} field_t;
#define F(n, d) {#n, (uint32_t)(offsetof(pram_crash_t, n) / 4u), d}
static const field_t crash_fields[] = {
    F(pc, 0),   F(lr, 0),   F(sp, 0),   F(xpsr, 0),    F(r0, 0),      F(r1, 0),   F(r2, 0),
    F(r3, 0),   F(r12, 0),  F(exc_return, 0),          F(cfsr, 0),    F(hfsr, 0), F(mmfar, 0),
    F(bfar, 0), F(sfsr, 0), F(sfar, 0), F(file_id, 0), F(exception, 1), F(line, 1), F(boot, 1),
    F(flags, 1),
};
#undef F

/* The record's words (w, n of them) if the container is there, valid and
 * of the layout this pramdump knows: 1; 0 with *why otherwise. */
static int reboot_words(const result_t *r, const uint32_t **w, uint32_t *n, const char **why)
{
    static uint32_t words[8187u / 4u + 1u];
    uint32_t i;
    const pd_entry_t *e = r->e;
    if (r->state != ST_VALID) {
        *why = state_name[r->state];
        return 0;
    }
    if (e->schema != REBOOT_SCHEMA || (e->value_size & 3u) ||
        e->value_size / 4u < REBOOT_WORDS + CRASH_FIXED_WORDS) {
        *why = "a layout this pramdump does not know (schema or size)";
        return 0;
    }
    *n = e->value_size / 4u;
    for (i = 0; i < *n; i++)
        words[i] = rd32(r->value + 4u * i);
    *w = words;
    return 1;
}

static void text_reboot(FILE *out, const result_t *r)
{
    const uint32_t *w, *c;
    uint32_t n, i, nstack, k;
    const char *why = "";
    if (!reboot_words(r, &w, &n, &why)) {
        fprintf(out, "reboot record (%s): %s\n", REBOOT_NAME, why);
        return;
    }
    c = w + REBOOT_WORDS;
    fprintf(out, "reboot record (%s): boots %lu, crashes %lu, unexpected %lu\n", REBOOT_NAME,
            (unsigned long)w[0], (unsigned long)w[1], (unsigned long)w[2]);
    fprintf(out, "  mark for the next boot: %s (%lu), arg %lu\n", pram_reboot_mark_name(w[3]), (unsigned long)w[3],
            (unsigned long)w[4]);
    fprintf(out, "  crash captured since the last boot: %s\n", w[5] ? "yes" : "no");
    if (!w[6]) {
        fputs("  unacknowledged crash: none\n", out);
        return;
    }
    fprintf(out, "  unacknowledged crash (boot %lu): %s", (unsigned long)c[offsetof(pram_crash_t, boot) / 4u],
            pram_reboot_reason_name((pram_reboot_reason_t)(c[0] < PRAM_REBOOT_REASON_COUNT ? c[0] : 0u)));
    if (c[0] == PRAM_REBOOT_ASSERT) {
        fprintf(out, ", line %lu, file id 0x%08lx\n", (unsigned long)c[offsetof(pram_crash_t, line) / 4u],
                (unsigned long)c[offsetof(pram_crash_t, file_id) / 4u]);
    } else {
        uint32_t x = c[offsetof(pram_crash_t, exception) / 4u];
        fprintf(out, ", %s (%s), %s\n", pram_fault_reason_name((pram_fault_reason_t)c[1]),
                pram_fault_reason_text((pram_fault_reason_t)c[1]), exception_name(x));
    }
    for (i = 0; i < sizeof crash_fields / sizeof crash_fields[0]; i++)
        fprintf(out, crash_fields[i].dec ? "%s%s=%lu" : "%s%s=0x%08lx", i % 6u ? " " : i ? "\n    " : "    ",
                crash_fields[i].name, (unsigned long)c[crash_fields[i].word]);
    fputs("\n", out);
    {
        uint32_t fl = c[offsetof(pram_crash_t, flags) / 4u];
        fprintf(out, "    frame: %s%s\n",
                !(fl & PRAM_CRASH_FRAME) ? "none" : (fl & PRAM_CRASH_FPU) ? "extended (FPU)" : "basic",
                (fl & PRAM_CRASH_PSP) ? ", process stack" : "");
    }
    nstack = c[CRASH_FIXED_WORDS - 1u];
    k = n - REBOOT_WORDS - CRASH_FIXED_WORDS;
    if (nstack > k)
        nstack = k;
    fprintf(out, "    stack (%lu word%s):", (unsigned long)nstack, nstack == 1u ? "" : "s");
    for (i = 0; i < nstack; i++)
        fprintf(out, " 0x%08lx", (unsigned long)c[CRASH_FIXED_WORDS + i]);
    fputs("\n", out);
}

static void json_reboot(FILE *out, const result_t *r)
{
    const uint32_t *w, *c;
    uint32_t n, i, nstack, k;
    const char *why = "";
    if (!reboot_words(r, &w, &n, &why)) {
        fputs("{\"status\": ", out);
        json_str(out, r->state == ST_VALID ? "unknown_layout" : state_name[r->state]);
        fputs(", \"detail\": ", out);
        json_str(out, why);
        fputs("}", out);
        return;
    }
    c = w + REBOOT_WORDS;
    fprintf(out,
            "{\"status\": \"valid\", \"boots\": %lu, \"crashes\": %lu, \"unexpected\": %lu, \"mark\": %lu, "
            "\"mark_name\": \"%s\", \"mark_arg\": %lu, \"crash_new\": %lu, \"has_crash\": %lu",
            (unsigned long)w[0], (unsigned long)w[1], (unsigned long)w[2], (unsigned long)w[3], pram_reboot_mark_name(w[3]),
            (unsigned long)w[4], (unsigned long)w[5], (unsigned long)w[6]);
    if (w[6]) {
        fprintf(out, ",\n    \"crash\": {\"kind\": %lu, \"kind_name\": \"%s\", \"reason\": %lu, \"reason_name\": \"%s\"",
                (unsigned long)c[0],
                pram_reboot_reason_name((pram_reboot_reason_t)(c[0] < PRAM_REBOOT_REASON_COUNT ? c[0] : 0u)),
                (unsigned long)c[1], pram_fault_reason_name((pram_fault_reason_t)c[1]));
        for (i = 0; i < sizeof crash_fields / sizeof crash_fields[0]; i++)
            fprintf(out, ", \"%s\": %lu", crash_fields[i].name, (unsigned long)c[crash_fields[i].word]);
        nstack = c[CRASH_FIXED_WORDS - 1u];
        k = n - REBOOT_WORDS - CRASH_FIXED_WORDS;
        fprintf(out, ", \"stack_words\": %lu", (unsigned long)nstack);
        if (nstack > k)
            nstack = k;
        fputs(", \"stack\": [", out);
        for (i = 0; i < nstack; i++)
            fprintf(out, "%s%lu", i ? ", " : "", (unsigned long)c[CRASH_FIXED_WORDS + i]);
        fputs("]}", out);
    }
    fputs("}", out);
}

/* ---- The run ------------------------------------------------------------------ */

static int by_address(const void *a, const void *b)
{
    const pd_entry_t *x = (const pd_entry_t *)a, *y = (const pd_entry_t *)b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    return strcmp(x->name, y->name);
}

static int bad_elf(const pd_options_t *o, FILE *out, FILE *err, const char *msg)
{
    fprintf(err, "pramdump: %s: %s\n", o->elf_path ? o->elf_path : "ELF", msg);
    if (o->json) {
        fputs("{\"pramdump\": 1, \"error\": ", out);
        json_str(out, msg);
        fputs("}\n", out);
    }
    return PD_EXIT_BAD_INPUT;
}

int pd_run(const pd_options_t *o, const uint8_t *elf, size_t elf_size, const uint8_t *image,
           size_t image_size, FILE *out, FILE *err)
{
    char msg[PD_ERR_SIZE], base_from[PD_ERR_SIZE];
    pd_elf_t e;
    pd_section_t man, noinit, s;
    pd_entry_t *ents = NULL;
    result_t *res = NULL;
    const result_t *reboot = NULL;
    size_t n = 0u, i, outside = 0u;
    uint32_t version = 0u, k;
    uint64_t base;
    int have_noinit, rc;

    const uint16_t one = 1u;
    if (*(const uint8_t *)&one != 1u) /* the library checks native words */
        return bad_elf(o, out, err, "pramdump runs on little-endian hosts only");
    if (pd_elf_open(&e, elf, elf_size, msg) != 0)
        return bad_elf(o, out, err, msg);
    rc = pd_elf_find(&e, ".pram_manifest", &man, msg);
    if (rc < 0)
        return bad_elf(o, out, err, msg);
    if (rc == 0)
        return bad_elf(o, out, err,
                       "no .pram_manifest section (built with PRAM_MANIFEST=0, or linked with "
                       "--gc-sections by a script without ld/nonalloc.ld, or not a pram firmware)");
    if (pd_manifest_read(&e, &man, &ents, &n, &version, msg) != 0)
        return bad_elf(o, out, err, msg);
    qsort(ents, n, sizeof *ents, by_address);
    have_noinit = pd_elf_find(&e, ".noinit", &noinit, msg);
    if (have_noinit < 0) {
        free(ents);
        return bad_elf(o, out, err, msg);
    }

    /* Where the image starts. */
    if (o->have_base) {
        base = o->base;
        (void)snprintf(base_from, sizeof base_from, "--base");
    } else if (have_noinit && noinit.size) {
        base = noinit.addr;
        (void)snprintf(base_from, sizeof base_from, "the ELF's .noinit, %llu bytes",
                       (unsigned long long)noinit.size);
    } else if (n) {
        base = ents[0].addr;
        (void)snprintf(base_from, sizeof base_from, "the lowest container");
        for (k = 1u; k < e.shnum; k++) {
            if (pd_elf_section(&e, k, &s, msg) != 0) {
                free(ents);
                return bad_elf(o, out, err, msg);
            }
            if ((s.flags & PD_SHF_ALLOC) && s.size && s.addr <= ents[0].addr &&
                ents[0].addr - s.addr < s.size) {
                base = s.addr;
                (void)snprintf(base_from, sizeof base_from, "the lowest container's section, %.100s", s.name);
                break;
            }
        }
    } else {
        base = 0u;
        (void)snprintf(base_from, sizeof base_from, "nothing (no containers)");
    }

    res = (result_t *)calloc(n + 1u, sizeof *res);
    if (!res) {
        free(ents);
        return bad_elf(o, out, err, "out of memory");
    }
    for (i = 0; i < n; i++) {
        res[i].e = &ents[i];
        evaluate(&res[i], image, image_size, base);
        if (res[i].state == ST_OUTSIDE)
            outside++;
        if (ents[i].kind == PRAM_MANIFEST_CELL && strcmp(ents[i].name, REBOOT_NAME) == 0)
            reboot = &res[i];
    }

    if (o->json) {
        fputs("{\"pramdump\": 1, \"elf\": ", out);
        json_str(out, o->elf_path ? o->elf_path : "");
        fprintf(out, ", \"elf_class\": %d, \"manifest_version\": %lu, \"image\": ", e.is64 ? 64 : 32,
                (unsigned long)version);
        json_str(out, o->image_path ? o->image_path : "");
        fprintf(out, ", \"image_size\": %lu, \"base\": \"0x%08llx\", \"base_from\": ", (unsigned long)image_size,
                (unsigned long long)base);
        json_str(out, base_from);
        fprintf(out, ", \"complete\": %s,\n  \"containers\": [", outside || !image_size ? "false" : "true");
        for (i = 0; i < n; i++) {
            fputs(i ? ",\n" : "\n", out);
            json_container(out, &res[i], image, o->raw);
        }
        fputs(n ? "\n  ],\n  \"reboot\": " : "],\n  \"reboot\": ", out);
        if (reboot)
            json_reboot(out, reboot);
        else
            fputs("null", out);
        fputs("}\n", out);
    } else {
        fprintf(out, "pramdump: %s (ELF%d, manifest v%lu): %lu container%s\n", o->elf_path ? o->elf_path : "",
                e.is64 ? 64 : 32, (unsigned long)version, (unsigned long)n, n == 1u ? "" : "s");
        fprintf(out, "image: %s, %lu bytes at 0x%08llx (base from %s)\n", o->image_path ? o->image_path : "",
                (unsigned long)image_size, (unsigned long long)base, base_from);
        for (i = 0; i < n; i++) {
            fputs("\n", out);
            text_container(out, &res[i], image, o->raw);
        }
        if (reboot) {
            fputs("\n", out);
            text_reboot(out, reboot);
        }
    }

    if (have_noinit && noinit.size && noinit.size != image_size && !o->have_base)
        fprintf(err, "pramdump: note: the image is %lu bytes, the ELF's .noinit %llu\n", (unsigned long)image_size,
                (unsigned long long)noinit.size);
    if (outside)
        fprintf(err,
                "pramdump: %s: %lu of %lu containers lie outside the image (%lu bytes at 0x%08llx): "
                "a truncated image, or the wrong --base\n",
                o->image_path ? o->image_path : "image", (unsigned long)outside, (unsigned long)n,
                (unsigned long)image_size, (unsigned long long)base);
    if (!image_size)
        fprintf(err, "pramdump: %s: empty image\n", o->image_path ? o->image_path : "image");
    for (i = 0; i < n; i++) {
        free(res[i].value);
        free_recs(&res[i]);
    }
    free(res);
    free(ents);
    return outside || !image_size ? PD_EXIT_BAD_INPUT : PD_EXIT_OK;
}
