#!/bin/sh
# check_crash_log.sh ARCH ELF LOG
#
# Checks a QEMU run of the crash-log firmware (examples/crash_log) against the
# ELF it ran: every crash it reported must name the instruction that really
# faulted, with exactly the fault bits that instruction raises, and the log
# lines the fault handler (pram_fault) wrote must say the same.
#
# ARCH: v7m (Cortex-M3), v7m-fp (Cortex-M4F, FPU in use: extended frame),
# v8m (Cortex-M33, Secure: SFSR too), v6m (Cortex-M0: HardFault only, no
# status registers).
#
# From the ELF: the crash_site_* labels (arm-none-eabi-nm; each sits exactly
# on a faulting instruction), crash_bad_address (absolute, the address the
# bad loads read), pram_fault_ram_start/_end; the bl instructions
# (arm-none-eabi-objdump), for the return addresses; and the line of the
# PRAM_ASSERT call (arm-none-eabi-addr2line).  From LOG: the "boot N:",
# "crash:" and "log:" lines.  Expected, boot by boot:
#
#   boot  crash of  exception   reason      pc at               CFSR / HFSR
#   1     -         (power-on)
#   2     boot 1    5 BusFault  PRECISERR   crash_site_badaddr  PRECISERR BFARVALID, BFAR = crash_bad_address
#   3     boot 2    6 Usage     UNDEFINSTR  crash_site_udf      UNDEFINSTR
#   4     boot 3    6 Usage     DIVBYZERO   crash_site_div0     DIVBYZERO
#   5-7   boot 4    3 HardFault PRECISERR   crash_site_forced   PRECISERR BFARVALID / FORCED
#   8     boot 7    assert: pc = the return address of the bl to pram_fault_assert_lr
#                   in crash_assert_site, line = that bl's line, file = its id
#   9, 10 -         (software, unknown)
# On v6m every fault is exception 3, reason HARDFAULT, no status registers,
# and boot 3's is an unaligned load (crash_site_unaligned).  Boots 5-7 are a
# crash loop: boot 4's crash stays the one reported; their logs end with 1,
# 2, 3 handler lines (boot 4's, then one crash_site_loop line per loop
# boot), each " abandoned=1" (the fault came mid-line), except boot 1's.
# Every fault: lr is the return address of the bl that called the site
# (Thumb bit set), sp equals r3 (the sites copy sp there), inside the RAM
# range; EXC_RETURN 0xfffffff9 and a basic frame, or 0xffffffe9 and an FPU
# frame on v7m-fp.  Each report's newest log line below the handler's is
# "boot B: step 40" of the crashed boot B.
#
# Exit status: 0 all good, 1 a check failed, 2 usage or tool error.
set -u

hexlib=$(cat "$(dirname "$0")/hex.awk") || exit 2
nm=${NM:-arm-none-eabi-nm}
objdump=${OBJDUMP:-arm-none-eabi-objdump}
addr2line=${ADDR2LINE:-arm-none-eabi-addr2line}

[ $# -eq 3 ] || { echo "usage: $0 v6m|v7m|v7m-fp|v8m ELF LOG" >&2; exit 2; }
arch=$1
elf=$2
log=$3
case $arch in v6m | v7m | v7m-fp | v8m) ;; *) echo "check-crash-log: unknown ARCH $arch" >&2; exit 2 ;; esac
[ -f "$log" ] || { echo "check-crash-log: $log: no such file" >&2; exit 2; }
syms=$("$nm" "$elf") || { echo "check-crash-log: $nm $elf failed" >&2; exit 2; }
# "addr target function" for every bl.
# objdump -d: "000000b4 <crash_assert_site>:", then "      c0:<TAB>f002 f928 <TAB>bl<TAB>2314 <pram_fault_assert_lr>".
bls=$("$objdump" -d "$elf" | awk -F '\t' '
    /^[0-9a-f]+ <[^>]+>:$/ { fn = $0; sub(/^[0-9a-f]+ </, "", fn); sub(/>:$/, "", fn) }
    $3 == "bl" && $4 ~ /<[^>]+>$/ { a = $1; gsub(/[ :]/, "", a); t = $4; sub(/^.*</, "", t); sub(/>$/, "", t); print a, t, fn }') ||
    { echo "check-crash-log: $objdump $elf failed" >&2; exit 2; }

# The assertion: its bl, that bl's source line, and the file id
# pram_fault_file_id() gives that path (FNV-1a over its last 24 characters,
# last first; the build's path and addr2line's end the same way).
abl=$(printf '%s\n' "$bls" | awk '$2 == "pram_fault_assert_lr" && $3 == "crash_assert_site" { print $1 }')
[ "$(printf '%s\n' "$abl" | grep -c .)" = 1 ] ||
    { echo "check-crash-log: FAIL $elf: not exactly one bl to pram_fault_assert_lr in crash_assert_site"; exit 1; }
where=$("$addr2line" -e "$elf" "0x$abl") || exit 2
where=${where%% *}
aline=${where##*:}
apath=${where%:*}
fnv() {
    s=$1 h=2166136261 k=0 n=${#1}
    while [ $k -lt 24 ] && [ $k -lt "$n" ]; do
        c=$(printf '%s' "$s" | cut -c$((n - k)))
        h=$(( ((h ^ $(printf '%d' "'$c")) * 16777619) & 0xFFFFFFFF ))
        k=$((k + 1))
    done
    printf '0x%08x' "$h"
}
afile=$(fnv "$apath")

printf '%s\n@@BL\n%s\n@@LOG\n' "$syms" "$bls" | cat - "$log" | tr -d '\r' | awk -v name="$elf" -v arch="$arch" \
    -v abl="$abl" -v aline="$aline" -v afile="$afile" -v apath="$apath" "$hexlib"'
function bits(list, table,    n, a, i, v) {
    v = 0
    n = split(list, a, " ")
    for (i = 1; i <= n; i++)
        v += 2 ^ table[a[i]]
    return v
}
# key=value in a line (a trailing ":" or "," dropped); "" if absent.
function field(line, key,    n, a, i, v) {
    n = split(line, a, " ")
    for (i = 1; i <= n; i++)
        if (index(a[i], key "=") == 1) {
            v = substr(a[i], length(key) + 2)
            sub(/[:,]$/, "", v)
            return v
        }
    return ""
}
function fail(msg) { print "check-crash-log: FAIL " name " (" arch "): " msg; bad = 1 }
# lr must be the return address of a bl to fn (Thumb bit set).
function check_lr(what, lr, fn) {
    if (lr % 2 != 1 || bl_to[lr - 5] != fn)
        fail(what ": lr " h(lr) " is not the return address of a call to " fn)
}
function check_sp(what, sp) {
    if (sp < sym["pram_fault_ram_start"] || sp >= sym["pram_fault_ram_end"])
        fail(what ": sp " h(sp) " outside the RAM range")
}
# One report: k = reporting boot.
function check_report(k,    c, p, r, what, site, fn, exc, want, got, i, n, l) {
    what = "boot " k "\047s report"
    c = cr[k]; p = cp[k]; r = cs[k]
    if (field(c, "boot") + 0 != e_boot[k])
        fail(what ": crash of boot " field(c, "boot") ", expected boot " e_boot[k])
    pc = hex(field(p, "pc")); lr = hex(field(p, "lr")); sp = hex(field(p, "sp"))
    check_sp(what, sp)
    if (e_kind[k] == "assert") {
        if (field(c, "line") != aline || field(c, "file") != afile)
            fail(what ": line " field(c, "line") " file " field(c, "file") ", expected line " aline " file " afile " (" apath ")")
        if (pc != hex(abl) + 4)
            fail(what ": pc " h(pc) " is not the return address of the bl at 0x" abl)
        check_lr(what, lr, "crash_assert_site")
        want = "assert file=" afile " line=" aline " pc=" h(pc) " lr=" h(lr) " sp=" h(sp)
    } else {
        site = e_site[k]; fn = site; sub(/site/, "fault", fn)
        exc = field(c, "exception") + 0
        if (exc != e_exc[k] || field(c, "reason") != e_reason[k])
            fail(what ": exception " exc " " field(c, "reason") ", expected " e_exc[k] " " e_reason[k])
        if (pc != sym[site])
            fail(what ": pc " h(pc) " is not " site " " h(sym[site]))
        check_lr(what, lr, fn)
        if (hex(field(p, "r3")) != sp)
            fail(what ": sp " h(sp) " is not the sp at the fault site (r3 " field(p, "r3") ")")
        if (hex(field(p, "exc_return")) != e_excret || field(p, "frame") != e_frame)
            fail(what ": exc_return " field(p, "exc_return") " frame " field(p, "frame") ", expected " h(e_excret) " frame " e_frame)
        if (arch == "v6m") {
            if (r != "")
                fail(what ": status registers reported on Armv6-M: " r)
        } else {
            if (hex(field(r, "cfsr")) != e_cfsr[k] || hex(field(r, "hfsr")) != e_hfsr[k])
                fail(what ": cfsr " field(r, "cfsr") " hfsr " field(r, "hfsr") ", expected " h(e_cfsr[k]) " " h(e_hfsr[k]))
            if (e_bfar[k] && hex(field(r, "bfar")) != sym["crash_bad_address"])
                fail(what ": bfar " field(r, "bfar") " is not crash_bad_address")
            if (arch == "v8m" && hex(field(r, "sfsr")) != 0)
                fail(what ": sfsr " field(r, "sfsr") ", expected 0")
            if (arch != "v8m" && field(r, "sfsr") != "")
                fail(what ": sfsr reported off Armv8-M")
        }
        want = "fault " e_reason[k] " pc=" h(pc) " lr=" h(lr) " sp=" h(sp) \
               (e_bfar[k] ? " addr=" h(sym["crash_bad_address"]) : "") (e_boot[k] > 1 ? " abandoned=1" : "")
    }
    # The log, newest first: the loop boots lines, the kept crash line, the last step.
    n = split(e_log[k], l, "|")
    for (i = 1; i <= n; i++)
        if (l[i] == "loop")
            l[i] = loopline(k)
    l[n] = want
    l[n + 1] = "boot " e_boot[k] ": step 40"
    if (nlog[k] != n + 1)
        fail(what ": " nlog[k] " log lines, expected " n + 1)
    for (i = 1; i <= n + 1 && i <= nlog[k]; i++)
        if (logl[k, i] != l[i])
            fail(what ": log line " i " is [" logl[k, i] "], expected [" l[i] "]")
}
# A crash-loop boot: its log line, checked field by field against the ELF.
function loopline(k,    i, t, pc, lr, sp) {
    for (i = 1; i <= nlog[k]; i++) {
        t = logl[k, i]
        if (hex(field(t, "pc")) == sym["crash_site_loop"]) {
            pc = sym["crash_site_loop"]; lr = hex(field(t, "lr")); sp = hex(field(t, "sp"))
            check_lr("boot " k "\047s loop line", lr, "crash_fault_loop")
            check_sp("boot " k "\047s loop line", sp)
            return "fault " (arch == "v6m" ? "HARDFAULT" : "UNDEFINSTR") " pc=" h(pc) " lr=" h(lr) " sp=" h(sp) " abandoned=1"
        }
    }
    return "(a fault line at crash_site_loop)"
}
function expect(k, cboot, exc, reason, site, cf, hf, bfar, logs) {
    e_kind[k] = "fault"; e_boot[k] = cboot; e_exc[k] = exc; e_reason[k] = reason; e_site[k] = site
    e_cfsr[k] = bits(cf, CF); e_hfsr[k] = bits(hf, HF); e_bfar[k] = bfar; e_log[k] = logs
}
BEGIN {
    CF["PRECISERR"] = 9; CF["BFARVALID"] = 15; CF["UNDEFINSTR"] = 16; CF["DIVBYZERO"] = 25
    HF["FORCED"] = 30
    if (arch == "v6m") {
        expect(2, 1, 3, "HARDFAULT", "crash_site_badaddr", "", "", 0, "")
        expect(3, 2, 3, "HARDFAULT", "crash_site_udf", "", "", 0, "")
        expect(4, 3, 3, "HARDFAULT", "crash_site_unaligned", "", "", 0, "")
        for (k = 5; k <= 7; k++)
            expect(k, 4, 3, "HARDFAULT", "crash_site_forced", "", "", 0, "")
    } else {
        expect(2, 1, 5, "PRECISERR", "crash_site_badaddr", "PRECISERR BFARVALID", "", 1, "")
        expect(3, 2, 6, "UNDEFINSTR", "crash_site_udf", "UNDEFINSTR", "", 0, "")
        expect(4, 3, 6, "DIVBYZERO", "crash_site_div0", "DIVBYZERO", "", 0, "")
        for (k = 5; k <= 7; k++)
            expect(k, 4, 3, "PRECISERR", "crash_site_forced", "PRECISERR BFARVALID", "FORCED", 1, "")
    }
    e_log[5] = "kept"; e_log[6] = "loop|kept"; e_log[7] = "loop|loop|kept"
    e_kind[8] = "assert"; e_boot[8] = 7; e_log[8] = "kept"
    for (k = 2; k <= 4; k++)
        e_log[k] = "kept"
    e_excret = arch == "v7m-fp" ? hex("ffffffe9") : hex("fffffff9")
    e_frame = arch == "v7m-fp" ? "fpu" : "basic"
    part = "nm"; boot = 0
}
/^@@BL$/ { part = "bl"; next }
/^@@LOG$/ { part = "log"; next }
part == "nm" { if (NF == 3) sym[$3] = hex($1); next }
part == "bl" { bl_to[hex($1)] = $2; next }
/^boot [0-9]+: / {
    b = $2 + 0
    if (b != boot + 1)
        fail("boot " b " follows boot " boot)
    boot = b
    next
}
/^crash: boot=/ { cr[boot] = $0; next }
/^crash: pc=/ { cp[boot] = $0; next }
/^crash: cfsr=/ { cs[boot] = $0; next }
/^log: / { logl[boot, ++nlog[boot]] = substr($0, 6); next }
/^crash_log: done/ { done = 1 }
/^crash_log: FAIL/ { fail("firmware says: " $0) }
END {
    split("crash_site_badaddr crash_site_udf crash_site_forced crash_site_loop crash_bad_address pram_fault_ram_start pram_fault_ram_end " \
          (arch == "v6m" ? "crash_site_unaligned" : "crash_site_div0"), req, " ")
    for (i = 1; i in req; i++)
        if (!(req[i] in sym)) { fail("symbol " req[i] " not in the ELF"); exit 1 }
    if (boot != 10 || !done)
        fail("the run ended in boot " boot (done ? "" : " without \"crash_log: done\"") ", expected boot 10 and done")
    for (k = 1; k <= boot; k++) {
        if (!(k in e_boot)) {
            if ((k in cr) || (k in cp) || nlog[k])
                fail("boot " k " reported a crash, expected none")
            continue
        }
        if (!(k in cr) || !(k in cp)) { fail("boot " k " reported no crash"); continue }
        n0 = bad; bad = 0
        check_report(k)
        if (!bad)
            print "check-crash-log: ok boot " k ": " (e_kind[k] == "assert" ? "assert at line " aline " of " apath : \
                  e_reason[k] " exception " e_exc[k] " at " e_site[k]) " " h(pc) " in boot " e_boot[k] \
                  (k >= 6 && k <= 7 ? ", crash loop: " k - 5 " later crash" (k > 6 ? "es" : "") " only counted" : "")
        bad = bad || n0
    }
    exit bad
}'
