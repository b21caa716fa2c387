/* pramdump — ELF sections and the container manifest, from untrusted bytes.
 *
 * Rule: an offset or size read from the file is compared with what is left
 * of the file (or of its section) before anything is read at it, without
 * arithmetic that can overflow: `off <= size && len <= size - off`. */
#include "pd_elf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pram/pram.h"
#include "pram/pram_manifest.h"

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (uint16_t)(p[1] << 8));
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
    return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int fail(char *err, const char *fmt, ...);
static int fail(char *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(err, PD_ERR_SIZE, fmt, ap);
    va_end(ap);
    return -1;
}

/* [off, off + len) lies in [0, size). */
static int inside(uint64_t off, uint64_t len, uint64_t size)
{
    return off <= size && len <= size - off;
}

#define EHDR32_SIZE 52u
#define EHDR64_SIZE 64u
#define SHDR32_SIZE 40u
#define SHDR64_SIZE 64u
#define SHN_UNDEF 0u
#define SHN_LORESERVE 0xFF00u
#define SHN_XINDEX 0xFFFFu

/* The raw fields of section header i (bounds already checked by open). */
static void raw_section(const pd_elf_t *e, uint32_t i, pd_section_t *s, uint32_t *name_off,
                        uint32_t *link)
{
    const uint8_t *h = e->data + e->shoff + (uint64_t)i * e->shentsize;
    *name_off = rd32(h);
    s->type = rd32(h + 4);
    if (e->is64) {
        s->flags = rd64(h + 8);
        s->addr = rd64(h + 16);
        s->offset = rd64(h + 24);
        s->size = rd64(h + 32);
        *link = rd32(h + 40);
    } else {
        s->flags = rd32(h + 8);
        s->addr = rd32(h + 12);
        s->offset = rd32(h + 16);
        s->size = rd32(h + 20);
        *link = rd32(h + 24);
    }
    s->name = "";
}

int pd_elf_open(pd_elf_t *e, const uint8_t *data, size_t size, char *err)
{
    const uint8_t *d = data;
    uint32_t shnum, shstrndx, min_sh;
    memset(e, 0, sizeof *e);
    if (size < 16u || memcmp(d, "\177ELF", 4) != 0)
        return fail(err, "not an ELF file");
    if (d[4] != 1u && d[4] != 2u)
        return fail(err, "unknown ELF class %u", (unsigned)d[4]);
    if (d[5] != 1u)
        return fail(err, "not a little-endian ELF file (pramdump reads little-endian targets only)");
    if (d[6] != 1u)
        return fail(err, "unknown ELF version %u", (unsigned)d[6]);
    e->data = data;
    e->size = size;
    e->is64 = d[4] == 2u;
    if (size < (e->is64 ? EHDR64_SIZE : EHDR32_SIZE))
        return fail(err, "truncated ELF header");
    e->machine = rd16(d + 18);
    if (e->is64) {
        e->shoff = rd64(d + 40);
        e->shentsize = rd16(d + 58);
        shnum = rd16(d + 60);
        shstrndx = rd16(d + 62);
    } else {
        e->shoff = rd32(d + 32);
        e->shentsize = rd16(d + 46);
        shnum = rd16(d + 48);
        shstrndx = rd16(d + 50);
    }
    min_sh = e->is64 ? SHDR64_SIZE : SHDR32_SIZE;
    if (e->shoff == 0u)
        return fail(err, "no section header table");
    if (e->shentsize < min_sh)
        return fail(err, "section header entries of %u bytes (at least %u)", (unsigned)e->shentsize,
                    (unsigned)min_sh);
    /* Entry 0 first: extended numbering keeps the real count and string
     * table index there. */
    if (!inside(e->shoff, e->shentsize, size))
        return fail(err, "section header table outside the file");
    e->shnum = 1u;
    if (shnum == 0u || shstrndx == SHN_XINDEX) {
        pd_section_t s0;
        uint32_t name_off, link;
        raw_section(e, 0u, &s0, &name_off, &link);
        if (shnum == 0u) {
            if (s0.size > 0xFFFFFFFFu)
                return fail(err, "section count out of range");
            shnum = (uint32_t)s0.size;
        }
        if (shstrndx == SHN_XINDEX)
            shstrndx = link;
    }
    if (shnum == 0u)
        return fail(err, "no sections");
    if (!inside(e->shoff, (uint64_t)shnum * e->shentsize, size))
        return fail(err, "section header table (%u entries) outside the file", (unsigned)shnum);
    if (shstrndx == SHN_UNDEF || shstrndx >= shnum)
        return fail(err, "no section name string table");
    e->shnum = shnum;
    e->shstrndx = shstrndx;
    return 0;
}

int pd_elf_section(const pd_elf_t *e, uint32_t i, pd_section_t *s, char *err)
{
    pd_section_t str;
    uint32_t name_off, link;
    const char *names;
    if (i >= e->shnum)
        return fail(err, "section %u out of range", (unsigned)i);
    raw_section(e, e->shstrndx, &str, &name_off, &link);
    if (str.type == PD_SHT_NOBITS || !inside(str.offset, str.size, e->size))
        return fail(err, "section name string table outside the file");
    raw_section(e, i, s, &name_off, &link);
    if (name_off >= str.size)
        return fail(err, "section %u: name outside the string table", (unsigned)i);
    names = (const char *)e->data + str.offset;
    if (!memchr(names + name_off, '\0', (size_t)(str.size - name_off)))
        return fail(err, "section %u: name not terminated", (unsigned)i);
    s->name = names + name_off;
    return 0;
}

int pd_elf_find(const pd_elf_t *e, const char *name, pd_section_t *s, char *err)
{
    pd_section_t t;
    uint32_t i;
    int found = 0;
    for (i = 1u; i < e->shnum; i++) {
        if (pd_elf_section(e, i, &t, err) != 0)
            return -1;
        if (strcmp(t.name, name) != 0)
            continue;
        if (!found || (s->size == 0u && t.size != 0u))
            *s = t;
        found = 1;
    }
    return found;
}

int pd_elf_contents(const pd_elf_t *e, const pd_section_t *s, const uint8_t **bytes, char *err)
{
    if (s->type == PD_SHT_NOBITS)
        return fail(err, "%s has no bytes in the file (NOBITS)", s->name);
    if (!inside(s->offset, s->size, e->size))
        return fail(err, "%s lies outside the file", s->name);
    *bytes = e->data + s->offset;
    return 0;
}

/* ---- The manifest ------------------------------------------------------------ */

#define ENTRY32_SIZE 100u
#define ENTRY64_SIZE 104u
#define MAGIC_TAG (PRAM_MANIFEST_MAGIC >> 8)

static uint32_t round_up(uint32_t n, uint32_t a)
{
    return (n + a - 1u) & ~(a - 1u);
}

static int is_ident(const char *s)
{
    size_t i;
    if (!s[0] || (s[0] >= '0' && s[0] <= '9'))
        return 0;
    for (i = 0; s[i]; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return 0;
    return 1;
}

/* What the DEFINE macros can have produced, and nothing else. */
static const char *check_entry(const pd_entry_t *c)
{
    if (c->kind == PRAM_MANIFEST_CELL) {
        if (c->mode != PRAM_SINGLE && c->mode != PRAM_AB)
            return "cell mode neither single nor A/B";
        if (c->value_offset != 12u && c->value_offset != 16u)
            return "value offset neither 12 nor 16";
        if (c->value_size == 0u || c->value_size > 8187u)
            return "value size not in 1..8187";
        if (c->slot_size != round_up(c->value_offset + c->value_size, c->value_offset == 16u ? 8u : 4u))
            return "slot size does not match the value's size and offset";
        if (c->capacity != 0u)
            return "a cell with a capacity";
        if (c->storage_size != c->slot_size * (c->mode == PRAM_AB ? 2u : 1u))
            return "storage size is not its slots'";
        if (c->addr & (c->value_offset == 16u ? 7u : 3u))
            return "misaligned address";
        return NULL;
    }
    if (c->kind == PRAM_MANIFEST_BUF) {
        if (c->mode != PRAM_BUF_LINEAR && c->mode != PRAM_BUF_RING)
            return "buffer mode neither linear nor ring";
        if (c->value_offset != 12u || c->value_size != 12u || c->slot_size != 24u)
            return "control block geometry is not pram's";
        if ((c->capacity & 3u) || c->capacity < PRAM_BUF_RECORD_HEADER ||
            c->capacity > 0xFFFFFFFFu - PRAM_BUF_CONTROL_SIZE)
            return "capacity not a multiple of 4 in 8..4 GiB";
        if (c->storage_size != PRAM_BUF_CONTROL_SIZE + c->capacity)
            return "storage size is not control block + capacity";
        if (c->addr & 3u)
            return "misaligned address";
        return NULL;
    }
    return "unknown kind";
}

int pd_manifest_read(const pd_elf_t *e, const pd_section_t *s, pd_entry_t **out, size_t *count,
                     uint32_t *version, char *err)
{
    const uint8_t *m;
    size_t size, off = 0u, n = 0u, max;
    uint32_t esize = e->is64 ? ENTRY64_SIZE : ENTRY32_SIZE;
    uint32_t name_at = e->is64 ? 40u : 36u;
    pd_entry_t *v;
    *out = NULL;
    *count = 0u;
    *version = 0u;
    if (pd_elf_contents(e, s, &m, err) != 0)
        return -1;
    if (s->size > (uint64_t)e->size)
        return fail(err, ".pram_manifest larger than the file");
    size = (size_t)s->size;
    max = size / esize + 1u;
    v = (pd_entry_t *)calloc(max, sizeof *v);
    if (!v)
        return fail(err, "out of memory");
    while (off < size) {
        pd_entry_t *c;
        const char *why;
        uint32_t w;
        if (size - off < 4u) {
            free(v);
            return fail(err, ".pram_manifest: %u stray bytes at its end", (unsigned)(size - off));
        }
        w = rd32(m + off);
        if (w == 0u) { /* padding between input sections */
            off += 4u;
            continue;
        }
        if ((w >> 8) != MAGIC_TAG) {
            free(v);
            return fail(err, ".pram_manifest: no entry at offset %lu (word 0x%08lx)", (unsigned long)off,
                        (unsigned long)w);
        }
        if ((w & 0xFFu) != PRAM_MANIFEST_VERSION) {
            free(v);
            return fail(err, ".pram_manifest: entry version %u (this pramdump reads version %u)",
                        (unsigned)(w & 0xFFu), (unsigned)PRAM_MANIFEST_VERSION);
        }
        if (size - off < esize || rd16(m + off + 4u) != esize) {
            free(v);
            return fail(err, ".pram_manifest: entry at offset %lu is not %u bytes (ELF%s)", (unsigned long)off,
                        (unsigned)esize, e->is64 ? "64" : "32");
        }
        if (n >= max) { /* cannot happen: every entry takes esize bytes */
            free(v);
            return fail(err, ".pram_manifest: too many entries");
        }
        c = &v[n];
        c->kind = m[off + 6u];
        c->mode = m[off + 7u];
        c->schema = rd16(m + off + 8u);
        c->value_offset = rd16(m + off + 10u);
        c->value_size = rd32(m + off + 12u);
        c->slot_size = rd32(m + off + 16u);
        c->capacity = rd32(m + off + 20u);
        c->storage_size = rd32(m + off + 24u);
        c->limit = rd32(m + off + 28u);
        c->addr = e->is64 ? rd64(m + off + 32u) : rd32(m + off + 32u);
        if (!memchr(m + off + name_at, '\0', PD_NAME_SIZE)) {
            free(v);
            return fail(err, ".pram_manifest: entry %lu: name not terminated", (unsigned long)n);
        }
        memcpy(c->name, m + off + name_at, PD_NAME_SIZE);
        if (!is_ident(c->name)) {
            free(v);
            return fail(err, ".pram_manifest: entry %lu: name is not a C identifier", (unsigned long)n);
        }
        why = check_entry(c);
        if (why) {
            (void)fail(err, ".pram_manifest: entry %lu (%s): %s", (unsigned long)n, c->name, why);
            free(v);
            return -1;
        }
        n++;
        off += esize;
    }
    *out = v;
    *count = n;
    *version = PRAM_MANIFEST_VERSION;
    return 0;
}
