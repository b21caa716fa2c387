/* Reproducer: .noinit shrinks so that an old container straddles its new
 * end.  The old directory entry is ignored as a whole (neither moved nor
 * released), so its bytes inside the new .noinit stay: a container the new
 * firmware adds there reads the old container's value. */
#include <stdio.h>
#include <string.h>
#include "pram/pram.h"
#include "test_support.h"

static uint32_t image[512] __attribute__((aligned(8)));
#define SYS PRAM_MIGRATE_SYSTEM_SIZE

typedef struct { const char *name; uint32_t size; uint8_t mode; } c_t;
typedef struct { int n; pram_container_t tab[4]; pram_cell_t cell[4]; uint32_t end; } fw_t;

static void build(fw_t *fw, const c_t *c, int n) /* c sorted by name */
{
    uint8_t *at = (uint8_t *)image + ((SYS + 7u) & ~7u);
    int i;
    fw->n = n;
    for (i = 0; i < n; i++) {
        uint32_t st = (12u + c[i].size) * (c[i].mode == PRAM_AB ? 2u : 1u);
        pram_cell_t d = {at, NULL, 0u, (uint16_t)c[i].size, 1u, 12u, (uint16_t)(12u + c[i].size), c[i].mode, 0u};
        fw->cell[i] = d;
        fw->tab[i].name = c[i].name;
        fw->tab[i].storage = at;
        fw->tab[i].size = st;
        at += (st + 7u) & ~7u;
    }
    fw->end = (uint32_t)(at - (uint8_t *)image);
}
static int mig(fw_t *fw, uint32_t span)
{
    pram_migration_t m = {image, span, fw->tab, (uint32_t)fw->n};
    return pram_migrate_run(&m, NULL);
}

int main(void)
{
    static const c_t v1[] = {{"a", 8, PRAM_SINGLE}, {"m", 32, PRAM_AB}};
    static const c_t v2[] = {{"a", 8, PRAM_SINGLE}, {"b", 32, PRAM_SINGLE}};
    fw_t f1, f2;
    uint8_t m[32], got[32];
    int rc;
    memset(image, 0xA5, sizeof image);
    build(&f1, v1, 2);
    printf("v1: %s\n", pram_strerror(mig(&f1, sizeof image)));
    memset(m, 'm', sizeof m);
    pram_cell_set(&f1.cell[1], m, 32); /* its first value: in slot 0 */
    build(&f2, v2, 2);
    /* v2's .noinit ends right after its last container: v1's "m" (A/B, 88
     * bytes) straddles that end. */
    printf("v2 (.noinit ends at %u, v1's \"m\" at %u..%u): %s\n", f2.end,
           (unsigned)((uint8_t *)f1.tab[1].storage - (uint8_t *)image),
           (unsigned)((uint8_t *)f1.tab[1].storage - (uint8_t *)image + f1.tab[1].size),
           pram_strerror(mig(&f2, f2.end)));
    rc = pram_cell_get(&f2.cell[1], got, 32);
    printf("v2's new cell \"b\": %s%s\n", pram_strerror(rc),
           rc == PRAM_OK && !memcmp(got, m, 32) ? ", holding v1's \"m\" value" : "");
    return rc == PRAM_OK;
}
