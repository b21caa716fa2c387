/* Shared fuzz support: see fuzz.h. */
#include "fuzz.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cell_model.h"
#include "ref_crc.h"
#include "test_support.h"

const char *fz_where = "";
int fz_trace;

void fz_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "\n==pram-fuzz== %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n==pram-fuzz== where: %s\n", fz_where);
    fflush(stderr);
    abort();
}

void fz_fail_check(const char *file, int line, const char *cond, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "\n==pram-fuzz== %s:%d: promise broken: %s\n==pram-fuzz==   ", file, line, cond);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n==pram-fuzz== where: %s\n", fz_where);
    fflush(stderr);
    abort();
}

void fz_init(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    setenv("CMOCKA_TEST_ABORT", "1", 1);
    fz_trace = getenv("PRAM_FUZZ_TRACE") != NULL;
}

/* libFuzzer's (and replay_main's) set-up hook, the same for every harness. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_init();
    return 0;
}

void fz_take(fz_in_t *in, void *dst, size_t len)
{
    size_t k = len < in->n ? len : in->n;
    memcpy(dst, in->p, k);
    memset((uint8_t *)dst + k, 0, len - k);
    in->p += k;
    in->n -= k;
}

int fz_rc_in(int rc, int n, ...)
{
    va_list ap;
    int hit = 0;
    va_start(ap, n);
    while (n-- > 0)
        hit |= va_arg(ap, int) == rc;
    va_end(ap);
    return hit;
}

/* ---- Memory of each kind ---------------------------------------------------- */

const char *const fz_kind_name[FZ_NKINDS] = {"mem", "w0", "w4", "w2s4", "w1", "w1s4"};

static const struct {
    unsigned region, width, stride;
} kinds[FZ_NKINDS] = {{0, 0, 0}, {1, 0, 0}, {1, 4, 4}, {1, 2, 4}, {1, 1, 1}, {1, 1, 4}};

void fz_mem_init(fz_mem_t *m, unsigned kind, uint32_t logical)
{
    memset(m, 0, sizeof *m);
    m->kind = kind % FZ_NKINDS;
    m->width = kinds[m->kind].width;
    m->step = kinds[m->kind].stride ? kinds[m->kind].stride : 1u;
    m->logical = logical;
    m->phys_len = m->width ? (size_t)(logical / m->width) * m->step : logical;
    m->phys = (uint8_t *)malloc(m->phys_len ? m->phys_len : 1u);
    memset(m->phys, 0xEE, m->phys_len); /* stride padding: never accessed */
    if (kinds[m->kind].region)
        m->region = test_region(m->phys, logical, m->width, kinds[m->kind].stride);
    if (m->width) {
        m->rf.base = m->phys;
        m->rf.units = logical / m->width;
        m->rf.width = (uint8_t)m->width;
        m->rf.stride = (uint8_t)m->step;
    }
}

void fz_mem_free(fz_mem_t *m)
{
    fz_release();
    free(m->phys);
    m->phys = NULL;
}

const pram_region_t *fz_region(const fz_mem_t *m)
{
    return kinds[m->kind].region ? &m->region : NULL;
}

uint8_t *fz_byte(const fz_mem_t *m, uint32_t L)
{
    if (!m->width)
        return m->phys + L;
    return m->phys + (size_t)(L / m->width) * m->step + L % m->width;
}

void fz_get(const fz_mem_t *m, uint32_t L, void *dst, uint32_t len)
{
    uint8_t *d = (uint8_t *)dst;
    uint32_t i;
    if (!m->width) {
        memcpy(d, m->phys + L, len);
        return;
    }
    for (i = 0; i < len; i++)
        d[i] = *fz_byte(m, L + i);
}

void fz_put(const fz_mem_t *m, uint32_t L, const void *src, uint32_t len)
{
    const uint8_t *s = (const uint8_t *)src;
    uint32_t i;
    if (!m->width) {
        memcpy(m->phys + L, s, len);
        return;
    }
    for (i = 0; i < len; i++)
        *fz_byte(m, L + i) = s[i];
}

uint32_t fz_word(const fz_mem_t *m, uint32_t L)
{
    uint32_t w;
    fz_get(m, L, &w, 4u);
    return w;
}

void fz_confine(fz_mem_t *m, uint32_t L, uint32_t len)
{
    uint8_t *lo = fz_byte(m, L), *hi = fz_byte(m, L + len - 1u) + 1;
    fz_window(lo, (size_t)(hi - lo));
    regfile_attach(m->width ? &m->rf : NULL);
}

void fz_release(void)
{
    fz_window(NULL, 0u);
    regfile_attach(NULL);
}

/* ---- Oracles ------------------------------------------------------------------- */

int fz_cell_oracle(const fz_mem_t *m, const pram_cell_t *c, void *value)
{
    static uint8_t img[2u * (16u + PRAM_CELL_MAX_SIZE + 8u)] __attribute__((aligned(8)));
    pram_cell_t shadow;
    cell_case_t k;
    uint32_t L, len = (uint32_t)c->slot_size * (c->mode == PRAM_AB ? 2u : 1u);
    int st, pick = -1;
    L = c->region ? c->offset : (uint32_t)((const uint8_t *)c->addr - m->phys);
    fz_get(m, L, img, len);
    memset(&shadow, 0, sizeof shadow);
    shadow.addr = img;
    memset(&k, 0, sizeof k);
    k.name = "oracle";
    k.cell = &shadow;
    k.size = c->size;
    k.vo = k.vo_decl = c->value_offset;
    k.ss = k.ss_decl = c->slot_size;
    k.schema = c->schema;
    k.mode = c->mode;
    st = ref_cell_state(&k, &pick);
    if (st == PRAM_OK && value)
        memcpy(value, img + (uint32_t)pick * c->slot_size + c->value_offset, c->size);
    return st;
}

int fz_kind_oracle(const fz_mem_t *m, uint32_t L, unsigned kind, uint32_t value_size,
                   uint16_t schema, void *value)
{
    static uint8_t img[12u + 4u * 1024u];
    uint32_t mine = ref_layout_kind(12u, value_size, kind, schema), stored, seal, span;
    uint32_t room = 12u + ((value_size + 3u) & ~3u);
    fz_get(m, L, img, room);
    if (rd32(img) != CELL_MAGIC)
        return PRAM_ERR_INVALID;
    stored = rd32(img + 8);
    seal = rd32(img + 4);
    span = stored & 0x1FFFu;
    if (span == 0u || 12u + span > room)
        return PRAM_ERR_INVALID;
    if ((uint16_t)(seal >> 16) != ref_slot_crc(img, stored, (uint16_t)seal))
        return PRAM_ERR_INVALID;
    if (stored != mine)
        return PRAM_ERR_LAYOUT;
    if (value)
        memcpy(value, img + 12, value_size);
    return PRAM_OK;
}
