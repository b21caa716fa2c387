/* The reset-cause ports (src/pram_reset_*.c) against models of their
 * registers (tests/support/reset_model.c).
 *
 * Every register access a port makes goes to the model, which checks the
 * address and the access width and applies the manual's write semantics
 * (RMVF clears all flags, write-1-to-clear, read-only).  The tables below
 * are transcribed from the reference manuals and the vendors' CMSIS
 * headers, independently of the ports' sources: the bit each flag sits at,
 * what each flag alone means, and which flags each kind of reset sets.  For
 * every part:
 *   - each flag alone decodes to its cause, bits that are not flags decode
 *     to nothing, and read() reads once and never writes;
 *   - each kind of reset, through pram_reboot_boot_with(), reports the
 *     reason that reset is (power-on, pin, brown-out, watchdog, software
 *     marked or unmarked, ...), with the raw value and causes as read;
 *   - clear() leaves no flag set, keeps the control bits sharing the
 *     register, and a reset after it is recorded again; where the hardware
 *     cannot clear, the port has no clear() and the register is untouched;
 *   - sticky flags: after a watchdog reset, a marked software reset and a pin
 *     reset report themselves, not "watchdog" again -- and the same sequence
 *     with the port's clear() removed does report watchdog again, so these
 *     tests would catch a port that does not clear. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "pram/pram.h"
#include "pram/pram_reboot.h"
#include "reset_model.h"

#define BIT(n) ((uint32_t)1u << (n))

#define POWER_ON PRAM_RESET_POWER_ON
#define PIN PRAM_RESET_PIN
#define BROWNOUT PRAM_RESET_BROWNOUT
#define WATCHDOG PRAM_RESET_WATCHDOG
#define SOFTWARE PRAM_RESET_SOFTWARE
#define LOCKUP PRAM_RESET_LOCKUP
#define OTHER PRAM_RESET_OTHER
#define MARK PRAM_MARK_USER

/* ---- what the manuals say ------------------------------------------------- */

/* A flag alone, and the causes it means. */
typedef struct flag_cause {
    uint32_t flag;
    uint32_t causes;
} flag_cause_t;

/* A kind of reset: the flags it sets (replace: the register then holds
 * exactly `flags`; otherwise they are added to those already set), a mark
 * left before it, whether the RAM (and so pram's record) was lost, and what
 * the next boot must report. */
typedef struct reset_event {
    const char *what;
    int replace;
    uint32_t flags;
    uint32_t mark;
    int cold;
    uint32_t causes;
    pram_reboot_reason_t reason;
} reset_event_t;

typedef struct part {
    const char *name;
    const pram_reset_port_t *port;
    reset_reg_t reg;             /* the register model, as power-on leaves it */
    uint32_t noise;              /* non-flag bits set while decoding flags    */
    uint32_t nothing;            /* causes of a register with no flag set     */
    const flag_cause_t *single;  /* 0-terminated                              */
    const reset_event_t *events; /* NULL-terminated                           */
    unsigned clear_loads, clear_stores; /* cost of clear() with flags set     */
    unsigned clear_stores_clean;        /* ... with no flag set               */
    /* for the sticky-flag sequence: */
    const reset_event_t *watchdog, *software_marked, *pin;
} part_t;

/* RCC_CSR bits every family here shares (RM0091 F0, RM0008 F1, RM0090 F4,
 * RM0410 F7, RM0351 L4, RM0444 G0, RM0440 G4). */
#define LSION BIT(0)
#define LSIRDY BIT(1)
#define PINRSTF BIT(26)
#define SFTRSTF BIT(28)
#define IWDGRSTF BIT(29)
#define WWDGRSTF BIT(30)
#define LPWRRSTF BIT(31)
#define CSR_COMMON (PINRSTF | SFTRSTF | IWDGRSTF | WWDGRSTF | LPWRRSTF)

#define SINGLE_COMMON                                                                     \
    {PINRSTF, PIN}, {SFTRSTF, SOFTWARE}, {IWDGRSTF, WATCHDOG}, {WWDGRSTF, WATCHDOG}, \
        {LPWRRSTF, OTHER}

/* Internal system resets pulse NRST: PINRSTF comes with each of them.
 * `por` is what the family's power-on reset sets (its RCC_CSR reset value). */
#define EVENTS_COMMON                                                                       \
    {"NRST pin", 0, PINRSTF, 0, 0, PIN, PRAM_REBOOT_PIN},                                   \
        {"software reset", 0, SFTRSTF | PINRSTF, 0, 0, SOFTWARE, PRAM_REBOOT_UNEXPECTED},   \
        {"software reset, marked", 0, SFTRSTF | PINRSTF, MARK, 0, SOFTWARE,                 \
         PRAM_REBOOT_SOFTWARE},                                                             \
        {"independent watchdog", 0, IWDGRSTF | PINRSTF, 0, 0, WATCHDOG, PRAM_REBOOT_WATCHDOG}, \
        {"window watchdog", 0, WWDGRSTF | PINRSTF, 0, 0, WATCHDOG, PRAM_REBOOT_WATCHDOG},    \
        {"illegal low-power entry", 0, LPWRRSTF | PINRSTF, 0, 0, OTHER, PRAM_REBOOT_UNKNOWN}

/* Positions in EVENTS_COMMON (after the family's own first entries). */
#define EV_PIN 0
#define EV_SW_MARKED 2
#define EV_IWDG 3

/* STM32F0: 23 V18PWRRSTF (F0x8), 24 RMVF, 25 OBLRSTF, 27 PORRSTF. */
#define F0_V18PWRRSTF BIT(23)
#define F0_RMVF BIT(24)
#define F0_OBLRSTF BIT(25)
#define F0_PORRSTF BIT(27)
static const flag_cause_t f0_single[] = {
    {F0_PORRSTF, POWER_ON}, {F0_V18PWRRSTF, POWER_ON}, {F0_OBLRSTF, OTHER}, SINGLE_COMMON, {0, 0}};
static const reset_event_t f0_events[] = {
    {"power-on", 1, F0_PORRSTF | PINRSTF, 0, 0, POWER_ON, PRAM_REBOOT_POWER_ON},
    EVENTS_COMMON,
    {"option-byte load", 0, F0_OBLRSTF | PINRSTF, 0, 0, OTHER, PRAM_REBOOT_UNKNOWN},
    {"option-byte load, marked", 0, F0_OBLRSTF | PINRSTF, MARK, 0, OTHER, PRAM_REBOOT_SOFTWARE},
    {NULL, 0, 0, 0, 0, 0, PRAM_REBOOT_UNKNOWN}};

/* STM32F1: 24 RMVF, 27 PORRSTF (no BOR, no OBL). */
#define F1_RMVF BIT(24)
#define F1_PORRSTF BIT(27)
static const flag_cause_t f1_single[] = {{F1_PORRSTF, POWER_ON}, SINGLE_COMMON, {0, 0}};
static const reset_event_t f1_events[] = {
    {"power-on", 1, F1_PORRSTF | PINRSTF, 0, 0, POWER_ON, PRAM_REBOOT_POWER_ON},
    EVENTS_COMMON,
    {NULL, 0, 0, 0, 0, 0, PRAM_REBOOT_UNKNOWN}};

/* STM32F4/F7: 24 RMVF, 25 BORRSTF (set by POR/PDR too), 27 PORRSTF;
 * RCC_CSR reset value 0x0E000000 = BORRSTF | PINRSTF | PORRSTF. */
#define F4_RMVF BIT(24)
#define F4_BORRSTF BIT(25)
#define F4_PORRSTF BIT(27)
static const flag_cause_t f4_single[] = {
    {F4_PORRSTF, POWER_ON}, {F4_BORRSTF, BROWNOUT}, SINGLE_COMMON, {0, 0}};
static const reset_event_t f4_events[] = {
    {"power-on", 1, 0x0E000000u, 0, 0, POWER_ON, PRAM_REBOOT_POWER_ON},
    EVENTS_COMMON,
    {"brown-out", 0, F4_BORRSTF | PINRSTF, 0, 0, BROWNOUT, PRAM_REBOOT_BROWNOUT},
    {NULL, 0, 0, 0, 0, 0, PRAM_REBOOT_UNKNOWN}};

/* STM32L4: 23 RMVF, 24 FWRSTF, 25 OBLRSTF, 27 BORRSTF (no PORRSTF: a
 * power-up sets BORRSTF); MSISRANGE (bits 11:8) is read-write; RCC_CSR
 * reset value 0x0C000600. */
#define L4_RMVF BIT(23)
#define L4_FWRSTF BIT(24)
#define L4_OBLRSTF BIT(25)
#define L4_BORRSTF BIT(27)
#define L4_MSISRANGE 0x00000F00u
static const flag_cause_t l4_single[] = {
    {L4_BORRSTF, BROWNOUT}, {L4_OBLRSTF, OTHER}, {L4_FWRSTF, OTHER}, SINGLE_COMMON, {0, 0}};
static const reset_event_t l4_events[] = {
    {"power-on, RAM lost", 1, 0x0C000600u, 0, 1, BROWNOUT, PRAM_REBOOT_POWER_ON},
    EVENTS_COMMON,
    {"brown-out, RAM kept", 0, L4_BORRSTF | PINRSTF, 0, 0, BROWNOUT, PRAM_REBOOT_BROWNOUT},
    {"option-byte load", 0, L4_OBLRSTF | PINRSTF, 0, 0, OTHER, PRAM_REBOOT_UNKNOWN},
    {"firewall", 0, L4_FWRSTF | PINRSTF, 0, 0, OTHER, PRAM_REBOOT_UNKNOWN},
    {NULL, 0, 0, 0, 0, 0, PRAM_REBOOT_UNKNOWN}};

/* STM32G0: 23 RMVF, 25 OBLRSTF, 27 PWRRSTF (BOR or POR/PDR). */
#define G0_RMVF BIT(23)
#define G0_OBLRSTF BIT(25)
#define G0_PWRRSTF BIT(27)
static const flag_cause_t g0_single[] = {
    {G0_PWRRSTF, POWER_ON}, {G0_OBLRSTF, OTHER}, SINGLE_COMMON, {0, 0}};
static const reset_event_t g0_events[] = {
    {"power-on", 1, G0_PWRRSTF | PINRSTF, 0, 0, POWER_ON, PRAM_REBOOT_POWER_ON},
    EVENTS_COMMON,
    {"brown-out (same flag)", 0, G0_PWRRSTF | PINRSTF, 0, 0, POWER_ON, PRAM_REBOOT_POWER_ON},
    {"option-byte load", 0, G0_OBLRSTF | PINRSTF, 0, 0, OTHER, PRAM_REBOOT_UNKNOWN},
    {NULL, 0, 0, 0, 0, 0, PRAM_REBOOT_UNKNOWN}};

/* STM32G4: 23 RMVF, 25 OBLRSTF, 27 BORRSTF (no PORRSTF, no FWRSTF). */
#define G4_RMVF BIT(23)
#define G4_OBLRSTF BIT(25)
#define G4_BORRSTF BIT(27)
static const flag_cause_t g4_single[] = {
    {G4_BORRSTF, BROWNOUT}, {G4_OBLRSTF, OTHER}, SINGLE_COMMON, {0, 0}};
static const reset_event_t g4_events[] = {
    {"power-on, RAM lost", 1, G4_BORRSTF | PINRSTF, 0, 1, BROWNOUT, PRAM_REBOOT_POWER_ON},
    EVENTS_COMMON,
    {"brown-out, RAM kept", 0, G4_BORRSTF | PINRSTF, 0, 0, BROWNOUT, PRAM_REBOOT_BROWNOUT},
    {"option-byte load", 0, G4_OBLRSTF | PINRSTF, 0, 0, OTHER, PRAM_REBOOT_UNKNOWN},
    {NULL, 0, 0, 0, 0, 0, PRAM_REBOOT_UNKNOWN}};

/* STM32H7 RCC_RSR (RM0433): 16 RMVF (read-write: set and reset by software),
 * 17 CPURSTF, 19 D1RSTF, 20 D2RSTF, 21 BORRSTF, 22 PINRSTF, 23 PORRSTF,
 * 24 SFTRSTF, 26 IWDG1RSTF, 28 WWDG1RSTF, 30 LPWRRSTF.  Which flags each
 * reset sets: RM0433 "Reset source identification" table. */
#define H7_RMVF BIT(16)
#define H7_CPURSTF BIT(17)
#define H7_D1RSTF BIT(19)
#define H7_D2RSTF BIT(20)
#define H7_BORRSTF BIT(21)
#define H7_PINRSTF BIT(22)
#define H7_PORRSTF BIT(23)
#define H7_SFTRSTF BIT(24)
#define H7_IWDG1RSTF BIT(26)
#define H7_WWDG1RSTF BIT(28)
#define H7_LPWRRSTF BIT(30)
#define H7_FLAGS (H7_CPURSTF | H7_D1RSTF | H7_D2RSTF | H7_BORRSTF | H7_PINRSTF | H7_PORRSTF | \
                  H7_SFTRSTF | H7_IWDG1RSTF | H7_WWDG1RSTF | H7_LPWRRSTF)
static const flag_cause_t h7_single[] = {
    {H7_PORRSTF, POWER_ON},   {H7_BORRSTF, BROWNOUT}, {H7_PINRSTF, PIN},
    {H7_SFTRSTF, SOFTWARE},   {H7_IWDG1RSTF, WATCHDOG}, {H7_WWDG1RSTF, WATCHDOG},
    {H7_LPWRRSTF, OTHER},     {H7_D1RSTF, OTHER},     {H7_D2RSTF, OTHER},
    {H7_CPURSTF, OTHER},      {0, 0}};
static const reset_event_t h7_events[] = {
    {"power-on", 1, H7_PORRSTF | H7_PINRSTF | H7_BORRSTF | H7_D2RSTF | H7_D1RSTF | H7_CPURSTF, 0,
     0, POWER_ON, PRAM_REBOOT_POWER_ON},
    {"NRST pin", 0, H7_PINRSTF | H7_CPURSTF, 0, 0, PIN, PRAM_REBOOT_PIN},
    {"software reset", 0, H7_SFTRSTF | H7_PINRSTF | H7_CPURSTF, 0, 0, SOFTWARE,
     PRAM_REBOOT_UNEXPECTED},
    {"software reset, marked", 0, H7_SFTRSTF | H7_PINRSTF | H7_CPURSTF, MARK, 0, SOFTWARE,
     PRAM_REBOOT_SOFTWARE},
    {"independent watchdog", 0, H7_IWDG1RSTF | H7_PINRSTF | H7_CPURSTF, 0, 0, WATCHDOG,
     PRAM_REBOOT_WATCHDOG},
    {"window watchdog", 0, H7_WWDG1RSTF | H7_PINRSTF | H7_CPURSTF, 0, 0, WATCHDOG,
     PRAM_REBOOT_WATCHDOG},
    {"brown-out", 0, H7_BORRSTF | H7_PINRSTF | H7_CPURSTF, 0, 0, BROWNOUT, PRAM_REBOOT_BROWNOUT},
    {"illegal DStandby/CStop", 0, H7_LPWRRSTF | H7_PINRSTF | H7_CPURSTF, 0, 0, OTHER,
     PRAM_REBOOT_UNKNOWN},
    {"D1 exits DStandby", 0, H7_D1RSTF | H7_CPURSTF, 0, 0, OTHER, PRAM_REBOOT_UNKNOWN},
    {"CPU reset only", 0, H7_CPURSTF, 0, 0, OTHER, PRAM_REBOOT_UNKNOWN},
    {NULL, 0, 0, 0, 0, 0, PRAM_REBOOT_UNKNOWN}};

/* nRF52 POWER->RESETREAS: 0 RESETPIN, 1 DOG, 2 SREQ, 3 LOCKUP, 16 OFF,
 * 17 LPCOMP, 18 DIF, 19 NFC, 20 VBUS; cumulative, write 1 to clear a field;
 * a power-on or brown-out reset resets it to 0. */
#define NRF_RESETPIN BIT(0)
#define NRF_DOG BIT(1)
#define NRF_SREQ BIT(2)
#define NRF_LOCKUP BIT(3)
#define NRF_OFF BIT(16)
#define NRF_LPCOMP BIT(17)
#define NRF_DIF BIT(18)
#define NRF_NFC BIT(19)
#define NRF_VBUS BIT(20)
static const flag_cause_t nrf52_single[] = {
    {NRF_RESETPIN, PIN}, {NRF_DOG, WATCHDOG}, {NRF_SREQ, SOFTWARE}, {NRF_LOCKUP, LOCKUP},
    {NRF_OFF, OTHER},    {NRF_LPCOMP, OTHER}, {NRF_DIF, OTHER},     {NRF_NFC, OTHER},
    {NRF_VBUS, OTHER},   {0, 0}};
static const reset_event_t nrf52_events[] = {
    {"power-on", 1, 0, 0, 0, POWER_ON, PRAM_REBOOT_POWER_ON},
    {"pin reset", 0, NRF_RESETPIN, 0, 0, PIN, PRAM_REBOOT_PIN},
    {"soft reset", 0, NRF_SREQ, 0, 0, SOFTWARE, PRAM_REBOOT_UNEXPECTED},
    {"soft reset, marked", 0, NRF_SREQ, MARK, 0, SOFTWARE, PRAM_REBOOT_SOFTWARE},
    {"watchdog", 0, NRF_DOG, 0, 0, WATCHDOG, PRAM_REBOOT_WATCHDOG},
    {"lockup", 0, NRF_LOCKUP, 0, 0, LOCKUP, PRAM_REBOOT_LOCKUP},
    {"brown-out", 1, 0, 0, 0, POWER_ON, PRAM_REBOOT_POWER_ON},
    {"wake from System OFF (GPIO)", 0, NRF_OFF, 0, 0, OTHER, PRAM_REBOOT_UNKNOWN},
    {"wake from System OFF (NFC)", 0, NRF_NFC, 0, 0, OTHER, PRAM_REBOOT_UNKNOWN},
    {"wake from System OFF (VBUS)", 0, NRF_VBUS, 0, 0, OTHER, PRAM_REBOOT_UNKNOWN},
    {"wake into debug interface mode", 0, NRF_DIF, 0, 0, OTHER, PRAM_REBOOT_UNKNOWN},
    {NULL, 0, 0, 0, 0, 0, PRAM_REBOOT_UNKNOWN}};

/* SAMD21 PM->RCAUSE (8-bit): 0 POR, 1 BOD12, 2 BOD33, 4 EXT, 5 WDT, 6 SYST;
 * SAMD51 RSTC->RCAUSE (8-bit): 0 POR, 1 BODCORE, 2 BODVDD, 3 NVM, 4 EXT,
 * 5 WDT, 6 SYST, 7 BACKUP.  Read-only; each reset writes the bit(s) of its
 * source(s) and zeroes the others. */
static const flag_cause_t samd21_single[] = {
    {BIT(0), POWER_ON}, {BIT(1), BROWNOUT}, {BIT(2), BROWNOUT}, {BIT(4), PIN},
    {BIT(5), WATCHDOG}, {BIT(6), SOFTWARE}, {0, 0}};
static const flag_cause_t samd51_single[] = {
    {BIT(0), POWER_ON}, {BIT(1), BROWNOUT}, {BIT(2), BROWNOUT}, {BIT(3), OTHER},
    {BIT(4), PIN},      {BIT(5), WATCHDOG}, {BIT(6), SOFTWARE}, {BIT(7), OTHER}, {0, 0}};
#define SAMD_EVENTS                                                                        \
    {"power-on", 1, BIT(0), 0, 0, POWER_ON, PRAM_REBOOT_POWER_ON},                         \
        {"external reset", 1, BIT(4), 0, 0, PIN, PRAM_REBOOT_PIN},                         \
        {"system reset request", 1, BIT(6), 0, 0, SOFTWARE, PRAM_REBOOT_UNEXPECTED},       \
        {"system reset request, marked", 1, BIT(6), MARK, 0, SOFTWARE, PRAM_REBOOT_SOFTWARE}, \
        {"watchdog", 1, BIT(5), 0, 0, WATCHDOG, PRAM_REBOOT_WATCHDOG},                     \
        {"core/1.2 V brown-out", 1, BIT(1), 0, 0, BROWNOUT, PRAM_REBOOT_BROWNOUT},         \
        {"VDD/3.3 V brown-out", 1, BIT(2), 0, 0, BROWNOUT, PRAM_REBOOT_BROWNOUT},          \
        {"power-on with the VDD brown-out at once", 1, BIT(0) | BIT(2), 0, 0,               \
         POWER_ON | BROWNOUT, PRAM_REBOOT_POWER_ON}
#define SAMD_EV_PIN 1
#define SAMD_EV_SW_MARKED 3
#define SAMD_EV_WDT 4
static const reset_event_t samd21_events[] = {SAMD_EVENTS,
                                              {NULL, 0, 0, 0, 0, 0, PRAM_REBOOT_UNKNOWN}};
static const reset_event_t samd51_events[] = {
    SAMD_EVENTS,
    {"NVM controller (bank swap)", 1, BIT(3), 0, 0, OTHER, PRAM_REBOOT_UNKNOWN},
    {"exit from Backup mode", 1, BIT(7), 0, 0, OTHER, PRAM_REBOOT_UNKNOWN},
    {NULL, 0, 0, 0, 0, 0, PRAM_REBOOT_UNKNOWN}};

#define CSR_MODEL(addr_, flags_, rmvf_, control_)                                          \
    {"RCC_CSR", addr_, 4u, RESET_REG_RMVF, (flags_), (control_), LSIRDY, (rmvf_), 0, 0u, 0u, 0u}

static const part_t parts[] = {
    {"stm32f0", &pram_reset_port_stm32f0,
     CSR_MODEL(0x40021024u, CSR_COMMON | F0_V18PWRRSTF | F0_OBLRSTF | F0_PORRSTF, F0_RMVF, LSION),
     LSION | LSIRDY, 0, f0_single, f0_events, 1, 1, 1,
     &f0_events[1 + EV_IWDG], &f0_events[1 + EV_SW_MARKED], &f0_events[1 + EV_PIN]},
    {"stm32f1", &pram_reset_port_stm32f1,
     CSR_MODEL(0x40021024u, CSR_COMMON | F1_PORRSTF, F1_RMVF, LSION), LSION | LSIRDY, 0, f1_single,
     f1_events, 1, 1, 1, &f1_events[1 + EV_IWDG], &f1_events[1 + EV_SW_MARKED],
     &f1_events[1 + EV_PIN]},
    {"stm32f4", &pram_reset_port_stm32f4,
     CSR_MODEL(0x40023874u, CSR_COMMON | F4_BORRSTF | F4_PORRSTF, F4_RMVF, LSION), LSION | LSIRDY,
     0, f4_single, f4_events, 1, 1, 1, &f4_events[1 + EV_IWDG], &f4_events[1 + EV_SW_MARKED],
     &f4_events[1 + EV_PIN]},
    {"stm32f7", &pram_reset_port_stm32f7,
     CSR_MODEL(0x40023874u, CSR_COMMON | F4_BORRSTF | F4_PORRSTF, F4_RMVF, LSION), LSION | LSIRDY,
     0, f4_single, f4_events, 1, 1, 1, &f4_events[1 + EV_IWDG], &f4_events[1 + EV_SW_MARKED],
     &f4_events[1 + EV_PIN]},
    {"stm32l4", &pram_reset_port_stm32l4,
     CSR_MODEL(0x40021094u, CSR_COMMON | L4_FWRSTF | L4_OBLRSTF | L4_BORRSTF, L4_RMVF,
               LSION | L4_MSISRANGE),
     LSION | LSIRDY | 0x600u, 0, l4_single, l4_events, 1, 1, 1, &l4_events[1 + EV_IWDG],
     &l4_events[1 + EV_SW_MARKED], &l4_events[1 + EV_PIN]},
    {"stm32g0", &pram_reset_port_stm32g0,
     CSR_MODEL(0x40021060u, CSR_COMMON | G0_OBLRSTF | G0_PWRRSTF, G0_RMVF, LSION), LSION | LSIRDY,
     0, g0_single, g0_events, 1, 1, 1, &g0_events[1 + EV_IWDG], &g0_events[1 + EV_SW_MARKED],
     &g0_events[1 + EV_PIN]},
    {"stm32g4", &pram_reset_port_stm32g4,
     CSR_MODEL(0x40021094u, CSR_COMMON | G4_OBLRSTF | G4_BORRSTF, G4_RMVF, LSION), LSION | LSIRDY,
     0, g4_single, g4_events, 1, 1, 1, &g4_events[1 + EV_IWDG], &g4_events[1 + EV_SW_MARKED],
     &g4_events[1 + EV_PIN]},
    {"stm32h7", &pram_reset_port_stm32h7,
     {"RCC_RSR", 0x580244D0u, 4u, RESET_REG_RMVF, H7_FLAGS, 0u, 0u, H7_RMVF, 1, 0u, 0u, 0u}, 0u,
     0, h7_single, h7_events, 1, 2, 2, &h7_events[4], &h7_events[3], &h7_events[1]},
    {"nrf52", &pram_reset_port_nrf52,
     {"RESETREAS", 0x40000400u, 4u, RESET_REG_W1C, 0x001F000Fu, 0u, 0u, 0u, 0, 0u, 0u, 0u}, 0u,
     POWER_ON, nrf52_single, nrf52_events, 1, 1, 0, &nrf52_events[4], &nrf52_events[3],
     &nrf52_events[1]},
    {"samd21", &pram_reset_port_samd21,
     {"PM_RCAUSE", 0x40000438u, 1u, RESET_REG_RO, 0x77u, 0u, 0u, 0u, 0, 0x01u, 0u, 0u}, 0u, 0,
     samd21_single, samd21_events, 0, 0, 0, &samd21_events[SAMD_EV_WDT],
     &samd21_events[SAMD_EV_SW_MARKED], &samd21_events[SAMD_EV_PIN]},
    {"samd51", &pram_reset_port_samd51,
     {"RSTC_RCAUSE", 0x40000C00u, 1u, RESET_REG_RO, 0xFFu, 0u, 0u, 0u, 0, 0x01u, 0u, 0u}, 0u, 0,
     samd51_single, samd51_events, 0, 0, 0, &samd51_events[SAMD_EV_WDT],
     &samd51_events[SAMD_EV_SW_MARKED], &samd51_events[SAMD_EV_PIN]},
};
#define N_PARTS (sizeof parts / sizeof parts[0])

/* ---- helpers ------------------------------------------------------------- */

static reset_reg_t reg; /* the attached model of the part under test */

/* The record's storage (global descriptor), to lose it as a power cut does. */
extern const pram_cell_t pram__reboot_record;

static void lose_ram(void)
{
    memset((void *)pram__reboot_record.addr, 0, (size_t)pram__reboot_record.slot_size * 2u);
}

static int setup_part(void **state)
{
    const part_t *p = (const part_t *)*state;
    reg = p->reg;
    reset_model_attach(&reg, 1);
    return 0;
}

static int teardown_part(void **state)
{
    (void)state;
    reset_model_attach(NULL, 0);
    return 0;
}

static void apply(const reset_event_t *ev)
{
    if (ev->replace)
        reset_reg_set(&reg, ev->flags);
    else
        reset_reg_latch(&reg, ev->flags);
}

/* One simulated reset and boot: mark (before the reset), the hardware's
 * flags, then the boot call through `port`; checks what the boot read and
 * what it left in the register. */
static const pram_reboot_report_t *reset_and_boot(const part_t *p, const pram_reset_port_t *port,
                                                   const reset_event_t *ev)
{
    const pram_reboot_report_t *r;
    uint32_t before, control;
    if (ev->mark)
        assert_int_equal(pram_reboot_mark(ev->mark, 7u), 0);
    if (ev->cold)
        lose_ram();
    apply(ev);
    before = reg.value;
    control = reg.value & (reg.control | reg.status);
    reg.loads = reg.stores = 0u;
    pram_reboot_new_boot();
    r = pram_reboot_boot_with(port);
    assert_non_null(r);
    assert_int_equal(r->raw, before);
    if (port->clear) {
        assert_int_equal(reg.loads, 1u + p->clear_loads);
        assert_int_equal(reg.stores, (before & reg.flags) ? p->clear_stores : p->clear_stores_clean);
        assert_int_equal(reg.value & reg.flags, 0u);
        assert_int_equal(reg.value & (reg.control | reg.status), control);
        assert_int_equal(reg.value & reg.rmvf, 0u);
    } else {
        assert_int_equal(reg.loads, 1u);
        assert_int_equal(reg.stores, 0u);
        assert_int_equal(reg.value, before);
    }
    return r;
}

/* A cold start: RAM lost, power-on flags; reports power-on. */
static void cold_start(const part_t *p)
{
    const reset_event_t *po = &p->events[0];
    const pram_reboot_report_t *r;
    lose_ram();
    assert_true(po->replace);
    r = reset_and_boot(p, p->port, po);
    assert_int_equal(r->reason, PRAM_REBOOT_POWER_ON);
    assert_int_equal(r->cold, 1u);
}

/* ---- tests --------------------------------------------------------------- */

/* Each flag alone decodes to its cause; read() reads once, never writes. */
static void decode_each_flag(void **state)
{
    const part_t *p = (const part_t *)*state;
    const flag_cause_t *f;
    uint32_t all = 0u, unused;
    for (f = p->single; f->flag; f++) {
        uint32_t raw;
        all |= f->flag;
        assert_int_equal(f->flag & ~reg.flags, 0u); /* the table and the model agree */
        reset_reg_set(&reg, f->flag | p->noise);
        reg.loads = reg.stores = 0u;
        raw = p->port->read();
        assert_int_equal(raw, f->flag | p->noise);
        assert_int_equal(reg.loads, 1u);
        assert_int_equal(reg.stores, 0u);
        assert_int_equal(reg.value, f->flag | p->noise);
        if (p->port->causes(raw) != f->causes)
            fail_msg("%s: flag 0x%08lx decodes to 0x%02lx, the manual says 0x%02lx", p->name,
                     (unsigned long)f->flag, (unsigned long)p->port->causes(raw),
                     (unsigned long)f->causes);
    }
    assert_int_equal(all, reg.flags); /* every flag of the model has its entry */
    /* No flag set: nothing (nRF52: the on-chip reset generator, power-on). */
    reset_reg_set(&reg, p->noise);
    assert_int_equal(p->port->causes(p->port->read()), p->nothing);
    /* Bits that are not flags (RMVF, control, reserved) mean nothing. */
    unused = ~all & (reg.width == 1u ? 0xFFu : 0xFFFFFFFFu);
    if (unused)
        assert_int_equal(p->port->causes(unused), 0u);
}

/* Each kind of reset reports its reason, one boot after another. */
static void each_reset_reports_its_reason(void **state)
{
    const part_t *p = (const part_t *)*state;
    const reset_event_t *ev;
    cold_start(p);
    for (ev = p->events; ev->what; ev++) {
        const pram_reboot_report_t *r = reset_and_boot(p, p->port, ev);
        if (r->causes != ev->causes || r->reason != ev->reason)
            fail_msg("%s, %s: causes 0x%02lx reason %s; the manual says 0x%02lx, %s", p->name,
                     ev->what, (unsigned long)r->causes, pram_reboot_reason_name(r->reason),
                     (unsigned long)ev->causes, pram_reboot_reason_name(ev->reason));
        assert_int_equal(p->port->causes(r->raw), r->causes);
        assert_int_equal(r->mark, ev->mark);
    }
}

/* clear(): no flag left, control bits kept, exact cost, and the next reset
 * is recorded again (H7: RMVF written back to 0).  No clear(): the
 * register is read-only and the port leaves it alone. */
static void clear_semantics(void **state)
{
    const part_t *p = (const part_t *)*state;
    uint32_t keep = (reg.control | reg.status) & (LSION | LSIRDY | 0x600u);
    if (!p->port->clear) {
        assert_int_equal(reg.kind, RESET_REG_RO);
        return;
    }
    assert_int_not_equal(reg.kind, RESET_REG_RO);
    reset_reg_set(&reg, reg.flags | keep);
    reg.loads = reg.stores = 0u;
    p->port->clear();
    assert_int_equal(reg.value, keep);
    assert_int_equal(reg.loads, p->clear_loads);
    assert_int_equal(reg.stores, p->clear_stores);
    /* Cleared twice: nothing changes. */
    reg.loads = reg.stores = 0u;
    p->port->clear();
    assert_int_equal(reg.value, keep);
    assert_int_equal(reg.stores, p->clear_stores_clean);
    /* A reset after the clear sets its flags again. */
    apply(p->watchdog);
    assert_int_equal(reg.value & reg.flags, p->watchdog->flags);
    assert_int_equal(p->port->causes(p->port->read()) & WATCHDOG, WATCHDOG);
}

/* After a watchdog reset, the next resets are not reported as watchdog. */
static void sequence(const part_t *p, const pram_reset_port_t *port, pram_reboot_reason_t *got)
{
    const pram_reboot_report_t *r;
    cold_start(p); /* through the real port: no power-on flag left */
    r = reset_and_boot(p, port, p->watchdog);
    got[0] = r->reason;
    r = reset_and_boot(p, port, p->software_marked);
    got[1] = r->reason;
    r = reset_and_boot(p, port, p->pin);
    got[2] = r->reason;
}

static void sticky_flags_are_cleared(void **state)
{
    const part_t *p = (const part_t *)*state;
    pram_reboot_reason_t got[3];
    sequence(p, p->port, got);
    assert_int_equal(got[0], PRAM_REBOOT_WATCHDOG);
    assert_int_equal(got[1], PRAM_REBOOT_SOFTWARE);
    assert_int_equal(got[2], PRAM_REBOOT_PIN);
    if (p->port->clear) {
        /* The same port without its clear(): the watchdog flag stays, and
         * the two later boots report watchdog again -- what the asserts
         * above rule out. */
        const pram_reset_port_t no_clear = {"no clear", p->port->read, p->port->causes, 0};
        sequence(p, &no_clear, got);
        assert_int_equal(got[0], PRAM_REBOOT_WATCHDOG);
        assert_int_equal(got[1], PRAM_REBOOT_WATCHDOG);
        assert_int_equal(got[2], PRAM_REBOOT_WATCHDOG);
    }
}

/* ---- RP2040: two read-only registers ------------------------------------- */

#define RP_TIMER BIT(0)
#define RP_FORCE BIT(1)
#define RP_HAD_POR BIT(8)
#define RP_HAD_RUN BIT(16)
#define RP_HAD_PSM_RESTART BIT(20)
#define RP_PSM_RESTART_FLAG BIT(24)

static reset_reg_t rp[2] = {
    {"WATCHDOG_REASON", 0x40058008u, 4u, RESET_REG_RO, RP_TIMER | RP_FORCE, 0u, 0u, 0u, 0, 0u, 0u,
     0u},
    {"CHIP_RESET", 0x40064008u, 4u, RESET_REG_RO,
     RP_HAD_POR | RP_HAD_RUN | RP_HAD_PSM_RESTART | RP_PSM_RESTART_FLAG, 0u, 0u, 0u, 0, 0u, 0u, 0u},
};

static int setup_rp2040(void **state)
{
    (void)state;
    rp[0].value = 0u;
    rp[1].value = RP_HAD_POR;
    reset_model_attach(rp, 2);
    return 0;
}

/* A chip-level reset: its HAD_* bit, REASON zeroed. */
static void rp_chip_reset(uint32_t had)
{
    reset_reg_set(&rp[0], 0u);
    reset_reg_set(&rp[1], had);
}

/* A watchdog reset: REASON set; CHIP_RESET untouched, or zeroed when PSM
 * WDSEL includes the VREG_AND_CHIP_RESET block. */
static void rp_watchdog_reset(uint32_t reason, int resets_chip_block)
{
    reset_reg_set(&rp[0], reason);
    if (resets_chip_block)
        reset_reg_set(&rp[1], 0u);
}

static const pram_reboot_report_t *rp_boot(uint32_t mark)
{
    const pram_reboot_report_t *r;
    uint32_t r0 = rp[0].value, r1 = rp[1].value;
    if (mark)
        assert_int_equal(pram_reboot_mark(mark, 0u), 0);
    rp[0].loads = rp[1].loads = 0u;
    pram_reboot_new_boot();
    r = pram_reboot_boot_with(&pram_reset_port_rp2040);
    assert_int_equal(rp[0].loads, 1u);
    assert_int_equal(rp[1].loads, 1u);
    assert_int_equal(rp[0].value, r0); /* read-only: untouched (a store fails the model) */
    assert_int_equal(rp[1].value, r1);
    assert_int_equal(r->raw, (r0 & 3u) | (r1 & 0x01110100u));
    return r;
}

static void rp2040_decode(void **state)
{
    static const struct {
        uint32_t reason, chip, causes;
    } t[] = {
        {0u, 0u, 0u},
        {RP_TIMER, 0u, WATCHDOG},
        {RP_FORCE, 0u, SOFTWARE},
        {0u, RP_HAD_POR, POWER_ON},
        {0u, RP_HAD_RUN, PIN},
        {0u, RP_HAD_PSM_RESTART, OTHER},
        {0u, RP_PSM_RESTART_FLAG, 0u},
        /* REASON is zeroed by every chip-level reset: set, it is newer than
         * whatever CHIP_RESET still holds. */
        {RP_TIMER, RP_HAD_POR, WATCHDOG},
        {RP_FORCE, RP_HAD_RUN | RP_PSM_RESTART_FLAG, SOFTWARE},
        {RP_TIMER | RP_FORCE, RP_HAD_POR | RP_HAD_RUN | RP_HAD_PSM_RESTART | RP_PSM_RESTART_FLAG,
         WATCHDOG | SOFTWARE},
    };
    size_t i;
    (void)state;
    assert_null(pram_reset_port_rp2040.clear); /* nothing can clear them */
    for (i = 0; i < sizeof t / sizeof t[0]; i++) {
        uint32_t raw;
        reset_reg_set(&rp[0], t[i].reason);
        reset_reg_set(&rp[1], t[i].chip);
        rp[0].loads = rp[1].loads = 0u;
        raw = pram_reset_port_rp2040.read();
        assert_int_equal(raw, t[i].reason | t[i].chip);
        assert_int_equal(rp[0].loads, 1u);
        assert_int_equal(rp[1].loads, 1u);
        assert_int_equal(pram_reset_port_rp2040.causes(raw), t[i].causes);
    }
    /* Reserved bits of both registers mean nothing. */
    assert_int_equal(pram_reset_port_rp2040.causes(~(3u | 0x01110100u)), 0u);
}

static void rp2040_boots(void **state)
{
    const pram_reboot_report_t *r;
    (void)state;
    lose_ram();
    rp_chip_reset(RP_HAD_POR);
    assert_int_equal(rp_boot(0u)->reason, PRAM_REBOOT_POWER_ON);
    rp_chip_reset(RP_HAD_RUN);
    assert_int_equal(rp_boot(0u)->reason, PRAM_REBOOT_PIN);
    rp_chip_reset(RP_HAD_PSM_RESTART);
    r = rp_boot(0u);
    assert_int_equal(r->causes, OTHER);
    assert_int_equal(r->reason, PRAM_REBOOT_UNKNOWN);
    /* Watchdog timeout, CHIP_RESET still holding the older PSM restart. */
    rp_watchdog_reset(RP_TIMER, 0);
    r = rp_boot(0u);
    assert_int_equal(r->causes, WATCHDOG);
    assert_int_equal(r->reason, PRAM_REBOOT_WATCHDOG);
    /* Not sticky: the next chip-level reset zeroes REASON. */
    rp_chip_reset(RP_HAD_RUN);
    assert_int_equal(rp_boot(0u)->reason, PRAM_REBOOT_PIN);
    /* Watchdog with the chip block reset too, then forced resets. */
    rp_watchdog_reset(RP_TIMER, 1);
    assert_int_equal(rp_boot(0u)->reason, PRAM_REBOOT_WATCHDOG);
    rp_watchdog_reset(RP_FORCE, 0);
    assert_int_equal(rp_boot(MARK)->reason, PRAM_REBOOT_SOFTWARE);
    rp_watchdog_reset(RP_FORCE, 0);
    assert_int_equal(rp_boot(0u)->reason, PRAM_REBOOT_UNEXPECTED);
    rp_chip_reset(RP_HAD_POR);
    assert_int_equal(rp_boot(0u)->reason, PRAM_REBOOT_POWER_ON);
}

/* Documented limitation: AIRCR.SYSRESETREQ resets only the core and leaves
 * both registers as they were, so the boot after it repeats the cause of
 * the reset before (here: watchdog, then power-on), mark or not. */
static void rp2040_core_only_reset_repeats_the_previous_cause(void **state)
{
    (void)state;
    lose_ram();
    rp_chip_reset(RP_HAD_POR);
    assert_int_equal(rp_boot(0u)->reason, PRAM_REBOOT_POWER_ON);
    rp_watchdog_reset(RP_TIMER, 0);
    assert_int_equal(rp_boot(0u)->reason, PRAM_REBOOT_WATCHDOG);
    /* SYSRESETREQ: no register changes. */
    assert_int_equal(rp_boot(MARK)->reason, PRAM_REBOOT_WATCHDOG);
    rp_chip_reset(RP_HAD_POR);
    assert_int_equal(rp_boot(0u)->reason, PRAM_REBOOT_POWER_ON);
    assert_int_equal(rp_boot(MARK)->reason, PRAM_REBOOT_POWER_ON);
}

/* ---- the model itself refuses what the manuals forbid --------------------- */

/* The model's write semantics, as the tests above rely on them.  (Its
 * refusals -- a wrong width, a write to a read-only register -- fail the
 * test that makes them, so they cannot be exercised here.) */
static void model_semantics(void **state)
{
    reset_reg_t csr = {"CSR", 0x1000u, 4u, RESET_REG_RMVF, 0xFC000000u, LSION, LSIRDY, BIT(24), 0,
                       0u, 0u, 0u};
    reset_reg_t rsr = {"RSR", 0x2000u, 4u, RESET_REG_RMVF, 0x00FE0000u, 0u, 0u, BIT(16), 1,
                       0u, 0u, 0u};
    reset_reg_t w1c = {"W1C", 0x3000u, 4u, RESET_REG_W1C, 0x0Fu, 0u, 0u, 0u, 0, 0u, 0u, 0u};
    reset_reg_t all[3];
    (void)state;
    all[0] = csr;
    all[1] = rsr;
    all[2] = w1c;
    reset_model_attach(all, 3);
    /* RMVF: clears the flags, keeps LSION, reads back 0. */
    reset_reg_set(&all[0], 0x24000000u | LSION | LSIRDY);
    reset_model_store(0x1000u, 4u, reset_model_load(0x1000u, 4u) | BIT(24));
    assert_int_equal(all[0].value, LSION | LSIRDY);
    reset_reg_latch(&all[0], 0x20000000u);
    assert_int_equal(all[0].value, 0x20000000u | LSION | LSIRDY);
    /* Stored RMVF: holds the flags cleared until written back to 0. */
    reset_reg_set(&all[1], 0x00C20000u);
    reset_model_store(0x2000u, 4u, BIT(16));
    assert_int_equal(all[1].value, BIT(16));
    reset_reg_latch(&all[1], 0x00400000u);
    assert_int_equal(all[1].value, BIT(16));
    reset_model_store(0x2000u, 4u, 0u);
    reset_reg_latch(&all[1], 0x00400000u);
    assert_int_equal(all[1].value, 0x00400000u);
    /* W1C: exactly the bits written. */
    reset_reg_set(&all[2], 0x0Bu);
    reset_model_store(0x3000u, 4u, 0x02u);
    assert_int_equal(all[2].value, 0x09u);
    reset_reg_latch(&all[2], 0x04u);
    assert_int_equal(all[2].value, 0x0Du);
    reset_model_attach(NULL, 0);
}

int main(void)
{
    static const char *const kinds[] = {"decode each flag", "each reset reports its reason",
                                        "clear semantics", "sticky flags are cleared"};
    static CMUnitTestFunction const fns[] = {decode_each_flag, each_reset_reports_its_reason,
                                             clear_semantics, sticky_flags_are_cleared};
    static char names[N_PARTS * 4][64];
    static struct CMUnitTest tests[N_PARTS * 4 + 4];
    size_t i, k, n = 0;
    for (i = 0; i < N_PARTS; i++)
        for (k = 0; k < 4; k++) {
            snprintf(names[n], sizeof names[n], "%s: %s", parts[i].name, kinds[k]);
            tests[n].name = names[n];
            tests[n].test_func = fns[k];
            tests[n].setup_func = setup_part;
            tests[n].teardown_func = teardown_part;
            tests[n].initial_state = (void *)(uintptr_t)&parts[i];
            n++;
        }
    tests[n].name = "rp2040: decode";
    tests[n].test_func = rp2040_decode;
    tests[n].setup_func = setup_rp2040;
    tests[n].teardown_func = teardown_part;
    tests[n].initial_state = NULL;
    n++;
    tests[n].name = "rp2040: each reset reports its reason";
    tests[n].test_func = rp2040_boots;
    tests[n].setup_func = setup_rp2040;
    tests[n].teardown_func = teardown_part;
    tests[n].initial_state = NULL;
    n++;
    tests[n].name = "rp2040: a core-only reset repeats the previous cause (documented)";
    tests[n].test_func = rp2040_core_only_reset_repeats_the_previous_cause;
    tests[n].setup_func = setup_rp2040;
    tests[n].teardown_func = teardown_part;
    tests[n].initial_state = NULL;
    n++;
    tests[n].name = "reset model semantics";
    tests[n].test_func = model_semantics;
    tests[n].setup_func = NULL;
    tests[n].teardown_func = NULL;
    tests[n].initial_state = NULL;
    n++;
    return _cmocka_run_group_tests("reset_ports", tests, n, NULL, NULL);
}
