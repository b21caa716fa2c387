#!/bin/sh
# check_crash_log.sh ELF LOG
#
# Checks a QEMU run of the crash-log firmware (examples/crash_log) against the
# ELF it ran: every crash the firmware reported must name the instruction that
# really faulted, with the fault bits that instruction must raise.
#
# From the ELF's symbol table (NM, default arm-none-eabi-nm): the crash_site_*
# labels, each placed exactly on a faulting instruction, and crash_bad_address
# (absolute), the address the bad loads read.  From LOG: the "boot N" lines
# and the "record:" / "log:" lines each report prints.  Expected:
#
#   reported  crashed  exception     pc                   CFSR                   HFSR    BFAR
#   boot 2    boot 1   5 BusFault    crash_site_badaddr   PRECISERR BFARVALID    0       crash_bad_address
#   boot 3    boot 2   6 UsageFault  crash_site_udf       UNDEFINSTR             0
#   boot 4    boot 3   6 UsageFault  crash_site_div0      DIVBYZERO              0
#   boot 6    boot 4   3 HardFault   crash_site_forced    PRECISERR BFARVALID    FORCED  crash_bad_address
#
# and nothing reported in boot 1 or 5; the boot-6 record carries 1 repeat at
# crash_site_loop (boot 5's crash, which must not have replaced it); each
# report's log lines name the same pcs; the run ends with "crash_log: done".
# CFSR and HFSR must be exactly those bits.
#
# Exit status: 0 all good, 1 a check failed, 2 usage or nm error.
set -u

# Shared awk helpers (hex(), h()), prepended to the awk program below.
hexlib=$(cat "$(dirname "$0")/hex.awk") || exit 2

nm=${NM:-arm-none-eabi-nm}

[ $# -eq 2 ] || { echo "usage: $0 ELF LOG" >&2; exit 2; }
elf=$1
log=$2
[ -f "$log" ] || { echo "check-crash-log: $log: no such file" >&2; exit 2; }
syms=$("$nm" "$elf") || { echo "check-crash-log: $nm $elf failed" >&2; exit 2; }

printf '%s\n@@LOG\n' "$syms" | cat - "$log" | tr -d '\r' | awk -v name="$elf" "$hexlib"'
# Sum of 2^bit over the named bits.
function bits(list, table,    n, a, i, v) {
    v = 0
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) {
        if (!(a[i] in table)) { print "check-crash-log: internal: no bit " a[i]; exit 2 }
        v += 2 ^ table[a[i]]
    }
    return v
}
function field(line, key,    n, a, i) {
    n = split(line, a, " ")
    for (i = 1; i <= n; i++)
        if (index(a[i], key "=") == 1)
            return substr(a[i], length(key) + 2)
    return ""
}
function fail(msg) { print "check-crash-log: FAIL " name ": " msg; bad = 1 }
function site(v,    s) {
    for (s in sym)
        if (sym[s] == v && s ~ /^crash_site_/)
            return s
    return h(v)
}
# expect(k, reported, crashed, exc, site, cfsr bits, hfsr bits, bfar symbol, repeats, repeat site)
function expect(k, rb, cb, exc, pcs, cf, hf, bfs, rep, rps) {
    e_rb[k] = rb; e_cb[k] = cb; e_exc[k] = exc; e_pc[k] = pcs
    e_cfsr[k] = bits(cf, CF); e_cfn[k] = cf
    e_hfsr[k] = bits(hf, HF); e_hfn[k] = hf
    e_bfar[k] = bfs; e_rep[k] = rep; e_rpc[k] = rps
}
BEGIN {
    CF["IACCVIOL"] = 0; CF["DACCVIOL"] = 1; CF["MUNSTKERR"] = 3; CF["MSTKERR"] = 4
    CF["MLSPERR"] = 5; CF["MMARVALID"] = 7; CF["IBUSERR"] = 8; CF["PRECISERR"] = 9
    CF["IMPRECISERR"] = 10; CF["UNSTKERR"] = 11; CF["STKERR"] = 12; CF["LSPERR"] = 13
    CF["BFARVALID"] = 15; CF["UNDEFINSTR"] = 16; CF["INVSTATE"] = 17; CF["INVPC"] = 18
    CF["NOCP"] = 19; CF["STKOF"] = 20; CF["UNALIGNED"] = 24; CF["DIVBYZERO"] = 25
    HF["VECTTBL"] = 1; HF["FORCED"] = 30; HF["DEBUGEVT"] = 31
    expect(1, 2, 1, 5, "crash_site_badaddr", "PRECISERR BFARVALID", "", "crash_bad_address", 0, "")
    expect(2, 3, 2, 6, "crash_site_udf", "UNDEFINSTR", "", "", 0, "")
    expect(3, 4, 3, 6, "crash_site_div0", "DIVBYZERO", "", "", 0, "")
    expect(4, 6, 4, 3, "crash_site_forced", "PRECISERR BFARVALID", "FORCED", "crash_bad_address", 1, "crash_site_loop")
    nexp = 4
    # log lines expected per reporting boot: "<exception name> <site>"
    e_log[2] = "BusFault crash_site_badaddr"
    e_log[3] = "UsageFault crash_site_udf"
    e_log[4] = "UsageFault crash_site_div0"
    e_log[6] = "HardFault crash_site_forced|UsageFault crash_site_loop"
    part = "nm"; boot = 0; nrec = 0; lastboot = 0
}
/^@@LOG$/ { part = "log"; next }
# "00000a6a T crash_site_badaddr": Thumb bit cleared, in case a label ever
# becomes a function symbol.
part == "nm" {
    if (NF == 3) {
        v = hex($1)
        if ($3 ~ /^crash_site_/ && v % 2 == 1)
            v -= 1
        sym[$3] = v
    }
    next
}
/^boot [0-9]+$/ {
    b = $2 + 0
    if (b != lastboot + 1)
        fail("boot " b " follows boot " lastboot)
    lastboot = b; boot = b
    next
}
/^record:/ {
    nrec++
    rec[nrec] = $0; rboot[nrec] = boot
    next
}
/^log: / {
    line = substr($0, 6)
    split(line, a, " ")
    pc = hex(field(line, "pc"))
    got_log[boot] = (nlog[boot]++ ? got_log[boot] "|" : "") a[1] " " site(pc)
    next
}
/^crash_log: done/ { done = 1 }
/^crash_log: FAIL/ { fail("firmware says: " $0) }
END {
    split("crash_site_badaddr crash_site_udf crash_site_div0 crash_site_forced crash_site_loop crash_bad_address", req, " ")
    for (i = 1; i in req; i++)
        if (!(req[i] in sym)) { fail("symbol " req[i] " not in the ELF"); exit 1 }
    if (lastboot != 6)
        fail("last boot was " lastboot ", expected 6")
    if (!done)
        fail("no \"crash_log: done\" line")
    if (nrec != nexp)
        fail(nrec " crash reports, expected " nexp)
    for (k = 1; k <= nexp && k <= nrec; k++) {
        r = rec[k]
        what = "report " k " (boot " rboot[k] ")"
        exc = hex(field(r, "exc")); pc = hex(field(r, "pc"))
        cfsr = hex(field(r, "cfsr")); hfsr = hex(field(r, "hfsr")); bfar = hex(field(r, "bfar"))
        cb = field(r, "boot") + 0; fr = field(r, "frame") + 0
        rep = field(r, "repeats") + 0; rpc = hex(field(r, "repeat_pc"))
        n0 = bad; bad = 0
        if (rboot[k] != e_rb[k])
            fail(what ": expected in boot " e_rb[k])
        if (cb != e_cb[k])
            fail(what ": crash of boot " cb ", expected boot " e_cb[k])
        if (exc != e_exc[k])
            fail(what ": exception " exc ", expected " e_exc[k])
        if (fr != 1)
            fail(what ": stacked frame not captured")
        if (pc != sym[e_pc[k]])
            fail(what ": pc " h(pc) " is not " e_pc[k] " " h(sym[e_pc[k]]))
        if (cfsr != e_cfsr[k])
            fail(what ": cfsr " h(cfsr) ", expected " h(e_cfsr[k]) " (" e_cfn[k] ")")
        if (hfsr != e_hfsr[k])
            fail(what ": hfsr " h(hfsr) ", expected " h(e_hfsr[k]) " (" e_hfn[k] ")")
        if (e_bfar[k] != "" && bfar != sym[e_bfar[k]])
            fail(what ": bfar " h(bfar) " is not " e_bfar[k] " " h(sym[e_bfar[k]]))
        if (rep != e_rep[k])
            fail(what ": " rep " repeats, expected " e_rep[k])
        if (e_rpc[k] != "" && rpc != sym[e_rpc[k]])
            fail(what ": repeat pc " h(rpc) " is not " e_rpc[k] " " h(sym[e_rpc[k]]))
        if (got_log[rboot[k]] != e_log[rboot[k]])
            fail(what ": log lines [" got_log[rboot[k]] "], expected [" e_log[rboot[k]] "]")
        if (!bad)
            print "check-crash-log: ok boot " rboot[k] " reported boot " cb "\047s exception " exc \
                  " at " e_pc[k] " " h(pc) ", cfsr " h(cfsr) " (" e_cfn[k] ")" \
                  (hfsr ? ", hfsr " h(hfsr) " (" e_hfn[k] ")" : "") \
                  (e_bfar[k] != "" ? ", bfar " h(bfar) : "") \
                  (rep ? ", " rep " repeat at " e_rpc[k] : "")
        bad = bad || n0
    }
    exit bad
}'
