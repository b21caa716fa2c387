/* Semihosting output and exit, and the system reset.
 *
 * Semihosting on M-profile is `bkpt 0xab` with the operation in r0 and its
 * argument in r1 (Armv6-M, Armv7-M and Armv8-M alike: QEMU 7.2 serves it on
 * the micro:bit's Cortex-M0 too).  QEMU serves it when started
 * with -semihosting-config enable=on; target=native sends output to QEMU's
 * own stdout. */
#include <stdint.h>

#include "fw.h"

#define SYS_OPEN 0x01u
#define SYS_CLOSE 0x02u
#define SYS_WRITE0 0x04u
#define SYS_WRITE 0x05u
/* SYS_OPEN modes are ISO C fopen() modes by index: 0 "r", 1 "rb", 2 "r+",
 * 3 "r+b", 4 "w", 5 "wb", ... */
#define SYS_OPEN_MODE_WB 5u
#define SYS_EXIT 0x18u
/* On AArch32, SYS_EXIT takes the reason code itself in r1, not a block. */
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u
#define ADP_STOPPED_RUNTIME_ERROR_UNKNOWN 0x20023u

#define SCB_AIRCR (*(volatile uint32_t *)0xE000ED0Cu)
#define AIRCR_VECTKEY (0x05FAu << 16)
#define AIRCR_SYSRESETREQ (1u << 2)

static uint32_t semihost(uint32_t op, uintptr_t arg)
{
    register uint32_t r0 __asm__("r0") = op;
    register uintptr_t r1 __asm__("r1") = arg;
    /* "memory": the host reads the string r1 points to. */
    __asm__ __volatile__("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void fw_puts(const char *s)
{
    (void)semihost(SYS_WRITE0, (uintptr_t)s);
}

int fw_write_file(const char *path, const void *data, uint32_t len)
{
    /* Argument blocks: r1 points at them, one word per field. */
    uintptr_t open_args[3], write_args[3], close_args[1];
    uint32_t n = 0u, handle, left;
    while (path[n])
        n++;
    open_args[0] = (uintptr_t)path;
    open_args[1] = SYS_OPEN_MODE_WB;
    open_args[2] = n;
    handle = semihost(SYS_OPEN, (uintptr_t)open_args);
    if (handle == 0xFFFFFFFFu)
        return -1;
    write_args[0] = handle;
    write_args[1] = (uintptr_t)data;
    write_args[2] = len;
    left = semihost(SYS_WRITE, (uintptr_t)write_args); /* bytes not written */
    close_args[0] = handle;
    return semihost(SYS_CLOSE, (uintptr_t)close_args) == 0u && left == 0u ? 0 : -1;
}

void fw_exit(int status)
{
    (void)semihost(SYS_EXIT, status == 0 ? ADP_STOPPED_APPLICATION_EXIT
                                         : ADP_STOPPED_RUNTIME_ERROR_UNKNOWN);
    /* Only without a semihosting host does SYS_EXIT return at all. */
    for (;;) {
    }
}

void fw_reset(void)
{
    /* Committed stores may still sit in the write buffer; a reset request
     * that overtakes them would lose exactly what pram was asked to keep. */
    __asm__ __volatile__("dsb 0xf" ::: "memory");
    SCB_AIRCR = AIRCR_VECTKEY | AIRCR_SYSRESETREQ;
    __asm__ __volatile__("dsb 0xf" ::: "memory");
    /* The reset is not instantaneous: wait for it here, not in the caller. */
    for (;;) {
    }
}
