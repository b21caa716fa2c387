/* Boot counter on the host: each run of this program is one boot, and it
 * says why the last one ended, through pram_reboot (pram_reboot.h).
 *
 * Every run calls pram_reboot_boot(), prints the reason, the boot count and
 * the unexpected-reboot count since cold boot, acknowledges the report, and
 * ends as firmware ends a boot it chose to end: pram_reboot_mark(
 * PRAM_MARK_USER, boot), then exit (the "reset").  With `unmarked` it exits
 * without a mark, and the next run reports "unknown": the host has no
 * reset-cause register (the "none" port), so nothing tells that reset from
 * any other, and it counts as unexpected.
 *
 * Where the record lives: pram_reboot keeps it in its own cell in .noinit,
 * and no RAM of a process outlives it.  So FILE is the RAM that survives:
 * mapped MAP_SHARED (pram_host.h), copied into the record before the boot
 * call and back after every call that changes the record.  A process killed
 * between a change and its copy-back loses that change, as firmware loses a
 * store that power failed before; the record's A/B slots and CRCs make a
 * torn copy read as the previous value, never a mix.
 *
 * Usage: boot_count_host FILE [unmarked] */
#include <stdio.h>
#include <string.h>

#include "pram/pram.h"
#include "pram/pram_host.h"
#include "pram/pram_reboot.h"

/* The library's reboot record lives in this process's .noinit, which does
 * not outlive it: it is copied from the RAM file before the boot call and
 * back after every call that changes it (pram_reboot_cell() says where). */
static unsigned char *ram;
static size_t ram_size;

static void ram_load(void)
{
    memcpy(pram_reboot_cell()->addr, ram, ram_size);
}

static void ram_save(void)
{
    memcpy(ram, pram_reboot_cell()->addr, ram_size);
}

int main(int argc, char **argv)
{
    const pram_reboot_report_t *r;
    int marked, rc;
    if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "unmarked") != 0)) {
        fprintf(stderr, "usage: %s RAM-FILE [unmarked]\n", argv[0]);
        return 2;
    }
    marked = argc == 2;
    ram_size = (size_t)pram_reboot_cell()->slot_size * 2u; /* A/B */
    ram = pram_host_map(argv[1], ram_size, NULL);
    if (!ram) {
        perror(argv[1]);
        return 1;
    }
    ram_load();

    r = pram_reboot_boot();
    ram_save();
    printf("boot %u: %s", (unsigned)r->boots, pram_reboot_reason_name(r->reason));
    if (r->cold)
        printf(" (cold)");
    else if (r->mark != PRAM_MARK_NONE)
        printf(" (mark %s %u)", pram_reboot_mark_name(r->mark), (unsigned)r->mark_arg);
    printf("; unexpected reboots %u", (unsigned)r->unexpected);
    rc = pram_reboot_ack(); /* printed is sent: the next crash is kept */
    ram_save();
    if (rc == PRAM_OK && marked) {
        rc = pram_reboot_mark(PRAM_MARK_USER, r->boots);
        ram_save();
        printf(" -> exit marked user %u\n", (unsigned)r->boots);
    } else {
        printf(" -> exit unmarked\n");
    }
    if (rc != PRAM_OK) {
        fprintf(stderr, "boot_count_host: %s\n", pram_strerror(rc));
        return 1;
    }
    return pram_host_unmap(ram, ram_size) == 0 ? 0 : 1;
}
