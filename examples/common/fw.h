/* Bare-metal runtime shared by the example firmware (Cortex-M under QEMU).
 *
 * No libc: output and exit go through Arm semihosting (QEMU with
 * -semihosting-config enable=on), numbers are formatted by hand.  Semihosting
 * calls need a debugger or QEMU: on a bare board they end in a HardFault. */
#ifndef FW_H
#define FW_H

#include <stdint.h>

#if defined(__GNUC__)
#  define FW_NORETURN __attribute__((noreturn))
#else
#  define FW_NORETURN
#endif

/* The firmware's entry, called by Reset_Handler once .data and .bss are set
 * up; returning 0 exits QEMU with status 0, anything else with status 1. */
int main(void);

/* ---- Output (semihosting SYS_WRITE0) ------------------------------------ */
void fw_puts(const char *s);          /* no newline added */
void fw_put_u32(uint32_t v);          /* decimal */
void fw_put_i32(int32_t v);           /* decimal, with '-' */
void fw_put_hex32(uint32_t v);        /* 0x%08x */
/* "label value\n" in one go, the commonest line. */
void fw_put_kv_u32(const char *label, uint32_t v);
void fw_put_kv_hex32(const char *label, uint32_t v);

/* ---- Host files (semihosting SYS_OPEN, SYS_WRITE, SYS_CLOSE) -------------- */
/* Write len bytes from data to the host file `path` (created or truncated,
 * opened "wb"; a relative path is taken from QEMU's working directory).
 * Returns 0, or -1 if the host refused or wrote less. */
int fw_write_file(const char *path, const void *data, uint32_t len);

/* ---- Ending a run -------------------------------------------------------- */
/* Semihosting SYS_EXIT: status 0 -> ADP_Stopped_ApplicationExit, which QEMU
 * turns into exit status 0; anything else -> exit status 1. */
FW_NORETURN void fw_exit(int status);
/* DSB, then SYSRESETREQ through AIRCR: a real system reset (QEMU resets the
 * machine and re-runs the image; .noinit survives, see ld/pram_noinit.ld). */
FW_NORETURN void fw_reset(void);

/* ---- Watchdog (examples/common/wdog.c) ------------------------------------ */
/* Starts the board's watchdog, never to be fed: after `ticks` of its clock
 * it raises NMI (the early warning), after as many again it resets the
 * machine.  Returns 1, or 0 on a board without one (nothing started).  The
 * board is chosen at build time (FW_WDOG_BASE, examples/examples.mk). */
int fw_wdog_start(uint32_t ticks);

/* ---- Formatting without printf ------------------------------------------- */
#define FW_U32_DEC_SIZE 11u  /* "4294967295" + NUL */
#define FW_I32_DEC_SIZE 12u  /* "-2147483648" + NUL */
#define FW_HEX32_SIZE 11u    /* "0x" + 8 digits + NUL */
/* Each writes a NUL-terminated string into buf (at least the size above) and
 * returns buf. */
char *fw_fmt_u32(char *buf, uint32_t v);
char *fw_fmt_i32(char *buf, int32_t v);
char *fw_fmt_hex32(char *buf, uint32_t v);

/* ---- Linker-script symbols (scripts in ld/) --------------------------------- */
extern uint32_t __pram_noinit_start[];
extern uint32_t __pram_noinit_end[];

#endif /* FW_H */
