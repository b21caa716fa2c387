/* make check-nostdlib: a firmware calling every public function of the core
 * (typed cells with edit scopes, the generic cell API, linear and ring
 * buffers with streamed records and takeover, region maps,
 * register-file regions of each width, CRCs, pram_strerror, pram_barrier)
 * and of the reboot record and crash capture (every reset-cause port, the
 * fault handlers, capture, commit and assertions),
 * linked with -nostdlib -nostartfiles --gc-sections and nothing else: any
 * symbol the library (or code its macros expand to) needs from libc or
 * libgcc is an undefined reference.  Not meant to run. */
#include "pram/pram.h"
#include "pram/pram_fault.h"
#include "pram/pram_reboot.h"

PRAM_FAULT_HANDLERS();

typedef struct {
    uint32_t boots;
    uint32_t pc;
} info_t;

volatile int nostdlib_sink;
volatile uint32_t nostdlib_sink32;
const char *volatile nostdlib_sinkp;

static void use(int v)
{
    nostdlib_sink += v;
}

/* Cells in .noinit, A/B and single-slot. */
PRAM_CELL_DECLARE(info_ab, info_t, 1, PRAM_AB);
PRAM_CELL_DEFINE(info_ab);
PRAM_CELL_DECLARE(info_single, info_t, 1, PRAM_SINGLE);
PRAM_CELL_DEFINE(info_single);

/* A cell at an address. */
static PRAM_NOINIT uint32_t at_storage[16];
PRAM_CELL_DECLARE_AT(info_at, info_t, 1, PRAM_AB);
PRAM_CELL_DEFINE_AT(info_at, at_storage);

/* Backup memory (ordinary, width 0): a region map with a cell and a buffer. */
static PRAM_NOINIT uint32_t bkp_mem[128];
static const pram_region_t bkp = PRAM_REGION(bkp_mem, sizeof bkp_mem, 0, 0);
#define BKP_CELL_AT PRAM_REGION_HEADER_SIZE
PRAM_CELL_DECLARE_IN(info_bkp, info_t, 1, PRAM_AB);
PRAM_CELL_DEFINE_IN(info_bkp, &bkp, BKP_CELL_AT);
#define BKP_BUF_AT (BKP_CELL_AT + PRAM_CELL_SIZE(info_bkp))
static const pram_buf_def_t trace_def = PRAM_BUF_DEF_IN(&bkp, BKP_BUF_AT, PRAM_BUF_STORAGE_SIZE(128), 1);
static pram_buf_t trace = PRAM_BUF_INIT(&trace_def);
static const pram_cell_t *const bkp_cells[] = {&info_bkp};
static pram_buf_t *const bkp_bufs[] = {&trace};
static const pram_region_map_t bkp_map = {&bkp, bkp_cells, 1, bkp_bufs, 1, 1};

/* Register files of each access width (stand-ins for backup registers). */
static PRAM_NOINIT uint32_t regs4[8];
static PRAM_NOINIT uint32_t regs2[16];
static PRAM_NOINIT uint8_t regs1[32];
static const pram_region_t r4 = PRAM_REGION(regs4, sizeof regs4, 4, 0);
static const pram_region_t r2 = PRAM_REGION(regs2, 32, 2, 4);
static const pram_region_t r1 = PRAM_REGION(regs1, sizeof regs1, 1, 0);
PRAM_CELL_DECLARE_IN(info_r4, info_t, 1, PRAM_SINGLE);
PRAM_CELL_DEFINE_IN(info_r4, &r4, 0);
PRAM_CELL_DECLARE_IN(info_r2, info_t, 1, PRAM_SINGLE);
PRAM_CELL_DEFINE_IN(info_r2, &r2, 0);
PRAM_CELL_DECLARE_IN(info_r1, info_t, 1, PRAM_SINGLE);
PRAM_CELL_DEFINE_IN(info_r1, &r1, 0);

/* Buffers in .noinit: linear and a ring; one at an address. */
PRAM_BUF_DEFINE(crash_log, 256, 1);
PRAM_BUF_DEFINE_RING(ring_log, 256, 2);
static PRAM_NOINIT uint32_t ring_at_mem[PRAM_BUF_STORAGE_SIZE(64) / 4u];
static const pram_buf_def_t ring_at_def = PRAM_BUF_DEF_RING_AT(ring_at_mem, sizeof ring_at_mem, 3);
static pram_buf_t ring_at = PRAM_BUF_INIT(&ring_at_def);

static void typed_cells(void)
{
    info_t v = {0u, 0u};
    info_ab_edit_t te;
    int rc;

    if (info_ab_get(&v) != PRAM_OK)
        v.boots = 0u;
    v.boots++;
    use(info_ab_set(&v));
    use(info_ab_status());
    use(info_ab_is_valid());
    use(info_ab_edit_begin(&te, PRAM_EDIT_KEEP));
    if (te.value)
        te.value->pc = 1u;
    use(info_ab_edit_commit(&te));
    use(info_ab_edit_begin(&te, PRAM_EDIT_ZERO));
    use(info_ab_edit_abort(&te));
    PRAM_EDIT(info_ab, e, rc)
    {
        e.value->boots++;
        if (e.value->boots > 100u)
            PRAM_EDIT_ABORT(e);
    }
    use(rc);
    PRAM_EDIT_ZEROED(info_single, z, rc)
    {
        z.value->pc = 2u;
    }
    use(rc);
    use(info_single_set(&v));
    use(info_single_get(&v));
    use(info_single_invalidate());
    use(info_ab_invalidate());
    use(info_at_set(&v));
    use(info_at_get(&v));
    use(info_bkp_set(&v));
    use(info_bkp_get(&v));
    use(info_r4_set(&v));
    use(info_r4_get(&v));
    use(info_r2_set(&v));
    use(info_r2_get(&v));
    use(info_r1_set(&v));
    use(info_r1_get(&v));
    use(info_r1_invalidate());
    use(info_r1_status());
}

static void generic_cells(void)
{
    info_t v = {3u, 4u};
    pram_edit_t ge;

    use(pram_cell_set(&info_at, &v, sizeof v));
    use(pram_cell_get(&info_at, &v, sizeof v));
    use(pram_cell_status(&info_at));
    use(pram_cell_is_valid(&info_at));
    use(pram_cell_invalidate(&info_at));
    nostdlib_sink32 = pram_cell_storage_size(&info_at);
    use(pram_cell_edit_begin(&info_single, &ge, PRAM_EDIT_ZERO));
    use(pram_cell_edit_commit(&ge));
    use(pram_cell_edit_begin(&info_single, &ge, PRAM_EDIT_KEEP));
    use(pram_cell_edit_abort(&ge));
}

static void buffers(pram_buf_t *b)
{
    static const char line[] = "boot";
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t rec;
    char copy[16];

    use(pram_buf_is_open(b));
    use(pram_buf_takeover(b));
    use(pram_buf_append(b, line, sizeof line - 1u));
    use(pram_buf_begin(b));
    use(pram_buf_write(b, line, 2u));
    use(pram_buf_write(b, line + 2, 1u));
    use(pram_buf_commit(b));
    use(pram_buf_begin(b));
    use(pram_buf_write(b, line, 3u));
    use(pram_buf_cancel(b));
    use(pram_buf_count(b));
    use(pram_buf_space(b));
    while (pram_buf_next(b, &it, &rec) > 0)
        use(pram_buf_read(b, &rec, copy, sizeof copy));
    it = (pram_buf_iter_t)PRAM_BUF_ITER_INIT;
    while (pram_buf_prev(b, &it, &rec) > 0)
        use(pram_buf_read(b, &rec, copy, sizeof copy));
    use(pram_buf_clear(b));
}

static void reset_hook(void)
{
    nostdlib_sink++;
}

/* The reboot record, every port, and the crash capture. */
static void reboot_and_fault(void)
{
    static const pram_reset_port_t *const ports[] = {
        &pram_reset_port_none,    &pram_reset_port_stm32f0, &pram_reset_port_stm32f1, &pram_reset_port_stm32f4,
        &pram_reset_port_stm32f7, &pram_reset_port_stm32l4, &pram_reset_port_stm32g0, &pram_reset_port_stm32g4,
        &pram_reset_port_stm32h7, &pram_reset_port_nrf52,   &pram_reset_port_rp2040,  &pram_reset_port_samd21,
        &pram_reset_port_samd51,
    };
    static uint32_t frame[PRAM_FAULT_FRAME_FP_WORDS + PRAM_CRASH_STACK_WORDS];
    const pram_reboot_report_t *r = pram_reboot_boot();
    pram_fault_regs_t regs;
    pram_crash_t crash;
    char line[100];
    uint32_t i;

    nostdlib_sink32 = (uint32_t)r->reason + r->boots;
    nostdlib_sinkp = pram_reboot_reason_name(r->reason);
    use(pram_reboot_report() != 0);
    use(pram_reboot_ack());
    use(pram_reboot_mark(PRAM_MARK_USER, 1u));
    for (i = 0u; i < sizeof ports / sizeof ports[0]; i++) {
        pram_reboot_new_boot();
        nostdlib_sink32 = pram_reboot_boot_with(ports[i])->raw;
        nostdlib_sinkp = ports[i]->name;
    }
    nostdlib_sink32 = pram_reboot_cell()->size;

    pram_fault_set_ram(frame, frame + sizeof frame / sizeof frame[0]);
    pram_fault_set_log(&ring_log);
    pram_fault_set_reset_hook(reset_hook);
    pram_fault_new_boot();
    pram_fault_read_regs(&regs);
    pram_fault_fill(&crash, frame, 0xFFFFFFF9u, &regs);
    use(pram_reboot_crash(&crash));
    pram_fault_fill_assert(&crash, PRAM_FILE_ID, __LINE__, 0x100u, 0x200u, (uintptr_t)frame, &regs);
    nostdlib_sink32 = pram_fault_format(line, sizeof line, &crash, 1);
    nostdlib_sink32 = (uint32_t)pram_fault_decode(regs.cfsr, regs.hfsr, regs.sfsr);
    nostdlib_sinkp = pram_fault_reason_name(PRAM_FAULT_PRECISERR);
    nostdlib_sinkp = pram_fault_reason_text(PRAM_FAULT_PRECISERR);
    nostdlib_sink32 = pram_fault_file_id(__FILE__);
    PRAM_ASSERT(nostdlib_sink != 77);
#if PRAM_FAULT_ENTRIES
    nostdlib_sink32 = (uint32_t)(uintptr_t)&pram_fault_hardfault;
#endif
    /* Each of these never returns (an if chain: a switch would be a
     * libgcc case table on Armv6-M at -Os). */
    if (nostdlib_sink == 1)
        pram_fault_capture(frame, 0xFFFFFFF9u);
    if (nostdlib_sink == 2)
        pram_fault_capture_with(frame, 0xFFFFFFFDu, &regs);
    if (nostdlib_sink == 3)
        pram_fault_commit(&crash);
    if (nostdlib_sink == 4)
        pram_fault_assert(PRAM_FILE_ID, __LINE__);
    if (nostdlib_sink == 5)
        pram_fault_assert_lr(PRAM_FILE_ID, __LINE__, 0);
}

int main(void);
int main(void)
{
    static const char check[] = "123456789";
    int cst[1] = {0}, bst[1] = {0};

    use(pram_region_boot(&bkp_map, cst, bst));
    use(cst[0] + bst[0]);
    use(pram_region_request_clear(&bkp_map));
    nostdlib_sink32 = pram_region_layout_hash(&bkp_map);
    use(pram_buf_open(&crash_log));
    use(pram_buf_open(&ring_log));
    use(pram_buf_open(&ring_at));
    typed_cells();
    generic_cells();
    buffers(&crash_log);
    buffers(&ring_log);
    buffers(&ring_at);
    buffers(&trace);
    nostdlib_sink32 = pram_crc16(PRAM_CRC16_INIT, check, sizeof check - 1u);
    nostdlib_sink32 = pram_crc32(0u, check, sizeof check - 1u);
    nostdlib_sinkp = pram_strerror(nostdlib_sink);
    pram_barrier();
    reboot_and_fault();
    return 0;
}

/* Entry point (linked with -e nostdlib_start, no startup files). */
void nostdlib_start(void);
void nostdlib_start(void)
{
    (void)main();
    for (;;) {
    }
}
