/* Reproducer: a migration cut after its journal says "recorded" and before
 * the directory's first store; then another firmware boots.  The old (now
 * stale) directory is still valid, the journal's "recorded" is for another
 * target, and the run migrates from the stale directory over bytes the cut
 * migration already moved and released: a cell reads another cell's value.
 * Build: see tests/fuzz/README.md (links like the cmocka tests). */
#include <stdio.h>
#include <string.h>
#include "pram/pram.h"
#include "power_cut.h"
#include "test_support.h"

static uint32_t image[512] __attribute__((aligned(8)));
#define SYS PRAM_MIGRATE_SYSTEM_SIZE

typedef struct { const char *name; uint32_t size; uint8_t mode; } c_t;
typedef struct { int n; pram_container_t tab[4]; pram_cell_t cell[4]; } fw_t;

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
}
static int mig(fw_t *fw) { pram_migration_t m = {image, sizeof image, fw->tab, (uint32_t)fw->n}; return pram_migrate_run(&m, NULL); }
static fw_t *cur;
static void op(void *x) { (void)x; mig(cur); }

int main(void)
{
    /* v1: a, b, c (same layout); v2 drops "a" (b and c move down); v3 keeps
     * a, b, c where v1 had them. */
    static const c_t v1[] = {{"a", 8, PRAM_SINGLE}, {"b", 8, PRAM_SINGLE}, {"c", 8, PRAM_SINGLE}};
    static const c_t v2[] = {{"b", 8, PRAM_SINGLE}, {"c", 8, PRAM_SINGLE}};
    static const c_t v3[] = {{"a", 8, PRAM_SINGLE}, {"b", 8, PRAM_SINGLE}, {"c", 8, PRAM_SINGLE}, {"d", 8, PRAM_SINGLE}};
    static uint32_t before[512];
    static const char *names = "abc";
    fw_t f1, f2, f3;
    uint8_t v[8], got[8];
    uint64_t stores, n;
    int i, bad = 0;
    memset(image, 0xA5, sizeof image);
    build(&f1, v1, 3);
    printf("v1: %s\n", pram_strerror(mig(&f1)));
    for (i = 0; i < 3; i++) {
        memset(v, names[i], sizeof v);
        pram_cell_set(&f1.cell[i], v, 8);              /* a = "aaaaaaaa", ... */
    }
    build(&f2, v2, 2);
    memcpy(before, image, sizeof image);
    stores = pram_test_stores; printf("v2 (uncut): %s\n", pram_strerror(mig(&f2)));
    stores = pram_test_stores - stores;
    /* Cut v2 at the last store before the directory's first one: the
     * journal already says "recorded" (found by cutting earlier and earlier
     * until the old directory still reads valid). */
    for (n = stores; n > 0; n--) {
        pram_cell_t dc = {(uint8_t *)image + 56, NULL, 0u, 4u + 8u * PRAM_MIGRATE_CAPACITY,
                          0xD000u + PRAM_MIGRATE_CAPACITY, 12u, 12u + 4u + 8u * PRAM_MIGRATE_CAPACITY,
                          PRAM_SINGLE, 2u};
        memcpy(image, before, sizeof image);
        cur = &f2;
        if (run_cut(op, NULL, n, 0u) && pram_cell_status(&dc) == PRAM_OK &&
            ((uint32_t *)image)[(56 + 12) / 4] == 3u)
            break;
    }
    printf("v2: migration cut at store %lu of %lu (journal: recorded; directory: still v1's)\n",
           (unsigned long)n, (unsigned long)stores);
    build(&f3, v3, 4);
    printf("v3 (another firmware) boots: %s\n", pram_strerror(mig(&f3)));
    for (i = 0; i < 3; i++) {
        int rc = pram_cell_get(&f3.cell[i], got, 8);
        printf("  v3 cell %c: %s", names[i], pram_strerror(rc));
        if (rc == PRAM_OK) {
            printf(" \"%.8s\"", (const char *)got);
            if (got[0] != (uint8_t)names[i]) {
                printf("  <- another cell's value");
                bad = 1;
            }
        }
        printf("\n");
    }
    return bad;
}
