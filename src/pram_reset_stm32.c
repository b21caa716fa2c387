/* pram — reset-cause ports for STM32: RCC_CSR (F0, F1, F4, F7, L4, G0, G4)
 * and RCC_RSR (H7).  Pick one with PRAM_RESET_PORT (pram_config.h), e.g.
 *   -DPRAM_RESET_PORT=pram_reset_port_stm32f4
 *
 * Register and flags (bit positions from the CMSIS device headers and the
 * reference manuals; RCC base 0x40021000 on F0/F1/L4/G0/G4, 0x40023800 on
 * F4/F7, 0x58024400 on H7):
 *
 *   part   register @ address     RMVF  flags (bit: name)
 *   F0     RCC_CSR  0x40021024    24    23 V18PWRRSTF (F0x8), 25 OBLRSTF, 26 PINRSTF,
 *                                       27 PORRSTF, 28 SFTRSTF, 29 IWDGRSTF,
 *                                       30 WWDGRSTF, 31 LPWRRSTF
 *   F1     RCC_CSR  0x40021024    24    26 PIN, 27 POR, 28 SFT, 29 IWDG, 30 WWDG, 31 LPWR
 *   F4,F7  RCC_CSR  0x40023874    24    25 BORRSTF, 26 PIN, 27 POR, 28 SFT, 29 IWDG,
 *                                       30 WWDG, 31 LPWR
 *   L4     RCC_CSR  0x40021094    23    24 FWRSTF, 25 OBL, 26 PIN, 27 BORRSTF, 28 SFT,
 *                                       29 IWDG, 30 WWDG, 31 LPWR   (no PORRSTF)
 *   G0     RCC_CSR  0x40021060    23    25 OBL, 26 PIN, 27 PWRRSTF (BOR or POR/PDR),
 *                                       28 SFT, 29 IWDG, 30 WWDG, 31 LPWR
 *   G4     RCC_CSR  0x40021094    23    25 OBL, 26 PIN, 27 BORRSTF, 28 SFT, 29 IWDG,
 *                                       30 WWDG, 31 LPWR   (no PORRSTF, no FWRSTF)
 *   H7     RCC_RSR  0x580244D0    16    17 CPURSTF, 19 D1RSTF, 20 D2RSTF, 21 BORRSTF,
 *                                       22 PINRSTF, 23 PORRSTF, 24 SFTRSTF,
 *                                       26 IWDG1RSTF, 28 WWDG1RSTF, 30 LPWRRSTF
 *
 * Causes: PORRSTF, PWRRSTF, V18PWRRSTF -> POWER_ON; BORRSTF -> BROWNOUT;
 * SFTRSTF -> SOFTWARE; IWDG/WWDG -> WATCHDOG; PINRSTF -> PIN; LPWRRSTF,
 * OBLRSTF, FWRSTF and the H7 domain/CPU flags -> OTHER.
 *
 * Flags that only come along with another reset are not reported as causes
 * of their own:
 *   - every internal system reset also pulses NRST, so PINRSTF is set with
 *     SFTRSTF, IWDG/WWDG, LPWR, OBL, FW and with a power-on reset (the reset
 *     value of RCC_CSR has PINRSTF set: 0x0E000000 on F4): PIN is reported
 *     only when no other reset flag is set;
 *   - F4/F7/H7 set BORRSTF on every POR/PDR too: BROWNOUT only without PORRSTF;
 *   - H7 sets CPURSTF with every reset and D1RSTF/D2RSTF on a POR: they give
 *     OTHER only when no other reset flag is set (CPU-only reset, domain exit
 *     from DStandby).
 * L4 and G4 have no PORRSTF: a power-up sets BORRSTF, so a power-on reads as
 * BROWNOUT there.  pram_reboot reports POWER_ON anyway when the RAM (and so
 * its record) was lost, which a real power cycle does.  G0's PWRRSTF covers
 * both POR/PDR and BOR and is reported as POWER_ON.
 *
 * Lockup: no family here has a lockup flag.  The RMs connect the core's
 * LOCKUP output only to timer break inputs (SYSCFG_CFGR2 LOCKUP_LOCK/CLL),
 * not to the reset controller: a locked-up STM32 stays locked until the IWDG
 * (IWDGRSTF -> WATCHDOG) or NRST (PIN) resets it.  pram_fault captures the
 * fault before that and reports FAULT.
 *
 * Clearing: the flags are read-only and stay set (cumulative) until software
 * writes RMVF = 1, which clears all of them.  clear() does a
 * read-modify-write so that the control bits sharing the register (LSION;
 * MSISRANGE on L4) keep their values.  On H7, RMVF is set *and reset* by
 * software (RM0433 RCC_RSR: "0: reset of the reset flags not activated"):
 * clear() writes it back to 0, or later resets would record no flag.
 *
 * H7: the bits are those of the single-core parts (RM0433 H742/743/750/753,
 * RM0468 H72x/73x).  The dual-core parts' second-core flags (RM0399) are not
 * decoded. */
#include "pram/pram_reboot.h"
#include "pram_reset_regs.h"

#define BIT(n) ((uint32_t)1u << (n))

/* A flag means `cause`, unless one of `unless` is set too (it came with it). */
typedef struct flag_rule {
    uint32_t flag;
    uint32_t cause;
    uint32_t unless;
} flag_rule_t;

static uint32_t decode(const flag_rule_t *rule, unsigned n, uint32_t raw)
{
    uint32_t causes = 0u;
    unsigned i;
    for (i = 0; i < n; i++)
        if ((raw & rule[i].flag) != 0u && (raw & rule[i].unless) == 0u)
            causes |= rule[i].cause;
    return causes;
}

/* RMVF = 1 by read-modify-write (keeps LSION and the other control bits;
 * the flags are read-only, writing them back has no effect). */
static void set_rmvf(volatile uint32_t *reg, uint32_t rmvf)
{
    uint32_t v = PRAM_RESET_REG_LOAD(reg);
    PRAM_RESET_REG_STORE(reg, v | rmvf);
}

#define N_RULES(r) ((unsigned)(sizeof(r) / sizeof((r)[0])))

/* The three functions of an RCC_CSR port, which differ only in the
 * register's address, the position of RMVF and the family's rule table. */
#define CSR_PORT_FUNCTIONS(fam, csr, rmvf)                                   \
    static uint32_t fam##_read(void)                                         \
    {                                                                        \
        return PRAM_RESET_REG_LOAD(csr);                                     \
    }                                                                        \
    static uint32_t fam##_causes(uint32_t raw)                               \
    {                                                                        \
        return decode(fam##_rules, N_RULES(fam##_rules), raw);               \
    }                                                                        \
    static void fam##_clear(void)                                            \
    {                                                                        \
        set_rmvf(csr, rmvf);                                                 \
    }

/* Bits common to every RCC_CSR here. */
#define CSR_PINRSTF BIT(26)
#define CSR_SFTRSTF BIT(28)
#define CSR_IWDGRSTF BIT(29)
#define CSR_WWDGRSTF BIT(30)
#define CSR_LPWRRSTF BIT(31)
#define CSR_COMMON_INTERNAL (CSR_SFTRSTF | CSR_IWDGRSTF | CSR_WWDGRSTF | CSR_LPWRRSTF)

/* ---- F0 ------------------------------------------------------------------ */

#define F0_CSR PRAM_RESET_REG32(0x40021024u)
#define F0_V18PWRRSTF BIT(23)
#define F0_RMVF BIT(24)
#define F0_OBLRSTF BIT(25)
#define F0_PORRSTF BIT(27)

static const flag_rule_t f0_rules[] = {
    {F0_PORRSTF, PRAM_RESET_POWER_ON, 0u},
    {F0_V18PWRRSTF, PRAM_RESET_POWER_ON, 0u},
    {CSR_PINRSTF, PRAM_RESET_PIN,
     CSR_COMMON_INTERNAL | F0_PORRSTF | F0_V18PWRRSTF | F0_OBLRSTF},
    {CSR_SFTRSTF, PRAM_RESET_SOFTWARE, 0u},
    {CSR_IWDGRSTF, PRAM_RESET_WATCHDOG, 0u},
    {CSR_WWDGRSTF, PRAM_RESET_WATCHDOG, 0u},
    {CSR_LPWRRSTF, PRAM_RESET_OTHER, 0u},
    {F0_OBLRSTF, PRAM_RESET_OTHER, 0u},
};

CSR_PORT_FUNCTIONS(f0, F0_CSR, F0_RMVF)

const pram_reset_port_t pram_reset_port_stm32f0 = {"stm32f0", f0_read, f0_causes, f0_clear};

/* ---- F1 ------------------------------------------------------------------ */

#define F1_CSR PRAM_RESET_REG32(0x40021024u)
#define F1_RMVF BIT(24)
#define F1_PORRSTF BIT(27)

static const flag_rule_t f1_rules[] = {
    {F1_PORRSTF, PRAM_RESET_POWER_ON, 0u},
    {CSR_PINRSTF, PRAM_RESET_PIN, CSR_COMMON_INTERNAL | F1_PORRSTF},
    {CSR_SFTRSTF, PRAM_RESET_SOFTWARE, 0u},
    {CSR_IWDGRSTF, PRAM_RESET_WATCHDOG, 0u},
    {CSR_WWDGRSTF, PRAM_RESET_WATCHDOG, 0u},
    {CSR_LPWRRSTF, PRAM_RESET_OTHER, 0u},
};

CSR_PORT_FUNCTIONS(f1, F1_CSR, F1_RMVF)

const pram_reset_port_t pram_reset_port_stm32f1 = {"stm32f1", f1_read, f1_causes, f1_clear};

/* ---- F4 and F7 (same register, same address, same bits) ------------------ */

#define F4_CSR PRAM_RESET_REG32(0x40023874u)
#define F4_RMVF BIT(24)
#define F4_BORRSTF BIT(25)
#define F4_PORRSTF BIT(27)

static const flag_rule_t f4_rules[] = {
    {F4_PORRSTF, PRAM_RESET_POWER_ON, 0u},
    {F4_BORRSTF, PRAM_RESET_BROWNOUT, F4_PORRSTF},
    {CSR_PINRSTF, PRAM_RESET_PIN, CSR_COMMON_INTERNAL | F4_PORRSTF | F4_BORRSTF},
    {CSR_SFTRSTF, PRAM_RESET_SOFTWARE, 0u},
    {CSR_IWDGRSTF, PRAM_RESET_WATCHDOG, 0u},
    {CSR_WWDGRSTF, PRAM_RESET_WATCHDOG, 0u},
    {CSR_LPWRRSTF, PRAM_RESET_OTHER, 0u},
};

CSR_PORT_FUNCTIONS(f4, F4_CSR, F4_RMVF)

const pram_reset_port_t pram_reset_port_stm32f4 = {"stm32f4", f4_read, f4_causes, f4_clear};
const pram_reset_port_t pram_reset_port_stm32f7 = {"stm32f7", f4_read, f4_causes, f4_clear};

/* ---- L4 ------------------------------------------------------------------ */

#define L4_CSR PRAM_RESET_REG32(0x40021094u)
#define L4_RMVF BIT(23)
#define L4_FWRSTF BIT(24)
#define L4_OBLRSTF BIT(25)
#define L4_BORRSTF BIT(27)

static const flag_rule_t l4_rules[] = {
    {L4_BORRSTF, PRAM_RESET_BROWNOUT, 0u},
    {CSR_PINRSTF, PRAM_RESET_PIN, CSR_COMMON_INTERNAL | L4_BORRSTF | L4_OBLRSTF | L4_FWRSTF},
    {CSR_SFTRSTF, PRAM_RESET_SOFTWARE, 0u},
    {CSR_IWDGRSTF, PRAM_RESET_WATCHDOG, 0u},
    {CSR_WWDGRSTF, PRAM_RESET_WATCHDOG, 0u},
    {CSR_LPWRRSTF, PRAM_RESET_OTHER, 0u},
    {L4_OBLRSTF, PRAM_RESET_OTHER, 0u},
    {L4_FWRSTF, PRAM_RESET_OTHER, 0u},
};

CSR_PORT_FUNCTIONS(l4, L4_CSR, L4_RMVF)

const pram_reset_port_t pram_reset_port_stm32l4 = {"stm32l4", l4_read, l4_causes, l4_clear};

/* ---- G0 ------------------------------------------------------------------ */

#define G0_CSR PRAM_RESET_REG32(0x40021060u)
#define G0_RMVF BIT(23)
#define G0_OBLRSTF BIT(25)
#define G0_PWRRSTF BIT(27)

static const flag_rule_t g0_rules[] = {
    {G0_PWRRSTF, PRAM_RESET_POWER_ON, 0u},
    {CSR_PINRSTF, PRAM_RESET_PIN, CSR_COMMON_INTERNAL | G0_PWRRSTF | G0_OBLRSTF},
    {CSR_SFTRSTF, PRAM_RESET_SOFTWARE, 0u},
    {CSR_IWDGRSTF, PRAM_RESET_WATCHDOG, 0u},
    {CSR_WWDGRSTF, PRAM_RESET_WATCHDOG, 0u},
    {CSR_LPWRRSTF, PRAM_RESET_OTHER, 0u},
    {G0_OBLRSTF, PRAM_RESET_OTHER, 0u},
};

CSR_PORT_FUNCTIONS(g0, G0_CSR, G0_RMVF)

const pram_reset_port_t pram_reset_port_stm32g0 = {"stm32g0", g0_read, g0_causes, g0_clear};

/* ---- G4 ------------------------------------------------------------------ */

#define G4_CSR PRAM_RESET_REG32(0x40021094u)
#define G4_RMVF BIT(23)
#define G4_OBLRSTF BIT(25)
#define G4_BORRSTF BIT(27)

static const flag_rule_t g4_rules[] = {
    {G4_BORRSTF, PRAM_RESET_BROWNOUT, 0u},
    {CSR_PINRSTF, PRAM_RESET_PIN, CSR_COMMON_INTERNAL | G4_BORRSTF | G4_OBLRSTF},
    {CSR_SFTRSTF, PRAM_RESET_SOFTWARE, 0u},
    {CSR_IWDGRSTF, PRAM_RESET_WATCHDOG, 0u},
    {CSR_WWDGRSTF, PRAM_RESET_WATCHDOG, 0u},
    {CSR_LPWRRSTF, PRAM_RESET_OTHER, 0u},
    {G4_OBLRSTF, PRAM_RESET_OTHER, 0u},
};

CSR_PORT_FUNCTIONS(g4, G4_CSR, G4_RMVF)

const pram_reset_port_t pram_reset_port_stm32g4 = {"stm32g4", g4_read, g4_causes, g4_clear};

/* ---- H7: RCC_RSR ----------------------------------------------------------- */

#define H7_RSR PRAM_RESET_REG32(0x580244D0u)
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
#define H7_SYSTEM (H7_BORRSTF | H7_PINRSTF | H7_PORRSTF | H7_SFTRSTF | H7_IWDG1RSTF | \
                   H7_WWDG1RSTF | H7_LPWRRSTF)

static const flag_rule_t h7_rules[] = {
    {H7_PORRSTF, PRAM_RESET_POWER_ON, 0u},
    {H7_BORRSTF, PRAM_RESET_BROWNOUT, H7_PORRSTF},
    {H7_PINRSTF, PRAM_RESET_PIN, H7_SYSTEM & ~H7_PINRSTF},
    {H7_SFTRSTF, PRAM_RESET_SOFTWARE, 0u},
    {H7_IWDG1RSTF, PRAM_RESET_WATCHDOG, 0u},
    {H7_WWDG1RSTF, PRAM_RESET_WATCHDOG, 0u},
    {H7_LPWRRSTF, PRAM_RESET_OTHER, 0u},
    {H7_D1RSTF | H7_D2RSTF, PRAM_RESET_OTHER, H7_SYSTEM},
    {H7_CPURSTF, PRAM_RESET_OTHER, H7_SYSTEM | H7_D1RSTF | H7_D2RSTF},
};

static uint32_t h7_read(void)
{
    return PRAM_RESET_REG_LOAD(H7_RSR);
}

static uint32_t h7_causes(uint32_t raw)
{
    return decode(h7_rules, N_RULES(h7_rules), raw);
}

static void h7_clear(void)
{
    uint32_t v = PRAM_RESET_REG_LOAD(H7_RSR);
    PRAM_RESET_REG_STORE(H7_RSR, v | H7_RMVF);
    PRAM_RESET_REG_STORE(H7_RSR, v & ~H7_RMVF);
}

const pram_reset_port_t pram_reset_port_stm32h7 = {"stm32h7", h7_read, h7_causes, h7_clear};
