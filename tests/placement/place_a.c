/* Placement firmware, first half: main and four containers.  Built by
 * tests/placement/placement.mk with gcc and clang at several -O levels and
 * link orders; every build must give each container the same address. */
#include <stdint.h>

#include "fw.h"
#include "place.h"

PRAM_CELL_DEFINE(zulu);
PRAM_CELL_DEFINE(mike);
PRAM_CELL_DEFINE(kilo);
PRAM_BUF_DEFINE_RING(alpha, 200, 1);

int main(void)
{
    pram_migrate_report_t r;
    uint32_t z = 0u;
    place_t8 m = {0u, 0u};
    place12_t k = {{1u, 2u, 3u}};
    int bad = 0, rc = pram_migrate(&r);
    fw_put_kv_u32("placement: pram_migrate", (uint32_t)rc);
    if (zulu_get(&z) != PRAM_OK)
        z = 0u;
    z++;
    m.stamp = (uint64_t)z << 32;
    m.n = z;
    bad += zulu_set(&z) != PRAM_OK;
    bad += mike_set(&m) != PRAM_OK;
    bad += kilo_set(&k) != PRAM_OK;
    bad += pram_buf_open(&alpha) < 0;
    bad += pram_buf_append(&alpha, "boot", 4u) != PRAM_OK;
    bad += place_b_fill(z);
    fw_put_kv_u32("placement: boot", z);
    return bad;
}
