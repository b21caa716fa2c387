#!/bin/sh
# check_elf.sh [-s SECTION]... ELF...
#
# The placement gate: fails unless every persistent section of each ELF
# (.noinit, plus any SECTION given with -s) would survive a reset under an ELF
# loader.  QEMU's -kernel loader, like most, writes each PT_LOAD's file bytes
# and zero-fills the rest of its MemSiz, and QEMU does it again on every
# reset; a segment with FileSiz 0 it leaves alone.  So, for each section:
#   1. it exists, is non-empty and is NOBITS (an output section without
#      (NOLOAD) built by Clang would be PROGBITS: zeros in the image);
#   2. the PT_LOAD that holds it has FileSiz 0;
#   3. no PT_LOAD with file bytes covers any of its bytes, by VirtAddr or by
#      PhysAddr, over that segment's whole MemSiz (its zero-filled tail too);
#   4. for .noinit, __pram_noinit_start/__pram_noinit_end, when defined, are
#      exactly its bounds (startup code and tools trust them).
# And pram's container manifest, when the ELF has one (.pram_manifest,
# include/pram/pram_manifest.h): it must take no target memory, so it must
# not be SHF_ALLOC (no A in readelf's Flg) and must be in no PT_LOAD
# (ld/nonalloc.ld places it as a non-allocated section).
# Orphan sections are caught at link time instead (--orphan-handling=error).
#
# READELF names the readelf to use (default arm-none-eabi-readelf).
# Exit status: 0 all good, 1 a check failed, 2 usage or readelf error.
set -u

# Shared awk helpers (hex(), h()), prepended to the awk program below.
hexlib=$(cat "$(dirname "$0")/hex.awk") || exit 2

readelf=${READELF:-arm-none-eabi-readelf}
sections=.noinit

usage() {
    echo "usage: $0 [-s SECTION]... ELF..." >&2
    exit 2
}

while getopts s: opt; do
    case $opt in
    s) sections="$sections $OPTARG" ;;
    *) usage ;;
    esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || usage

status=0
for elf in "$@"; do
    if ! ph=$("$readelf" -lW "$elf") || ! sh=$("$readelf" -SW "$elf") ||
        ! sym=$("$readelf" -sW "$elf"); then
        echo "check-elf: $elf: $readelf failed" >&2
        status=2
        continue
    fi
    printf '%s\n@@SECTIONS\n%s\n@@SYMBOLS\n%s\n' "$ph" "$sh" "$sym" |
        awk -v elf="$elf" -v want="$sections" "$hexlib"'
function overlap(a, b, c, d) { return a < d && c < b }
function fail(msg) { print "check-elf: FAIL " elf ": " msg; bad = 1 }

BEGIN { part = "ph"; nph = 0 }
/^@@SECTIONS$/ { part = "sh"; next }
/^@@SYMBOLS$/ { part = "sym"; next }

# Program headers, numbered as readelf numbers them in the mapping below.
part == "ph" && /^  [A-Z][A-Za-z_.]+ +0x/ {
    type[nph] = $1; va[nph] = hex($3); pa[nph] = hex($4)
    fs[nph] = hex($5); ms[nph] = hex($6)
    nph++
    next
}
part == "ph" && /^   [0-9][0-9]+ / {
    idx = $1 + 0
    line = $0
    sub(/^ *[0-9]+ */, "", line)
    sub(/ +$/, "", line)
    secs[idx] = line
    next
}
part == "sh" && /^ *\[ *[0-9]+\]/ {
    line = $0
    sub(/^ *\[ *[0-9]+\] */, "", line)
    nf = split(line, f, " ")
    # A name can occur twice (a script adding .noinit to one that has one):
    # keep the non-empty one, and flag two non-empty ones.
    if ((f[1] in have) && ssize[f[1]] != 0 && hex(f[5]) != 0)
        dup[f[1]] = 1
    if (!(f[1] in have) || ssize[f[1]] == 0) {
        stype[f[1]] = f[2]; saddr[f[1]] = hex(f[3]); ssize[f[1]] = hex(f[5])
        # Flg is empty for sections with no flags: 9 fields, not 10.
        sflags[f[1]] = (nf >= 10 ? f[7] : "")
    }
    have[f[1]] = 1
    next
}
part == "sym" && $1 ~ /^[0-9]+:$/ && NF >= 8 { symval[$8] = hex($2); next }

END {
    nw = split(want, w, " ")
    for (k = 1; k <= nw; k++) {
        s = w[k]
        if (!(s in have)) { fail("no " s " section"); continue }
        lo = saddr[s]; hi = lo + ssize[s]
        if (ssize[s] == 0) { fail(s " is empty"); continue }
        if (s in dup) { fail("two non-empty " s " output sections"); continue }
        if (stype[s] != "NOBITS")
            fail(s " is " stype[s] ", not NOBITS: mark the output section (NOLOAD)")
        holder = -1
        for (i = 0; i < nph; i++)
            if (type[i] == "LOAD" && va[i] <= lo && hi <= va[i] + ms[i]) { holder = i; break }
        if (holder < 0) { fail(s " [" h(lo) ", " h(hi) ") is in no PT_LOAD"); continue }
        if (fs[holder] != 0)
            fail(s " is in segment " holder " (" secs[holder] ") with FileSiz " h(fs[holder]) \
                 ": loading or resetting rewrites it")
        for (i = 0; i < nph; i++) {
            if (type[i] != "LOAD" || fs[i] == 0)
                continue
            if (overlap(lo, hi, va[i], va[i] + ms[i]))
                fail("segment " i " (" secs[i] ", file bytes) covers " s " by VirtAddr " \
                     h(va[i]) "+" h(ms[i]) ": its copy or zero-filled tail wipes it")
            if (overlap(lo, hi, pa[i], pa[i] + ms[i]))
                fail("segment " i " (" secs[i] ", file bytes) covers " s " by PhysAddr " \
                     h(pa[i]) "+" h(ms[i]) ": its copy or zero-filled tail wipes it")
        }
        if (s == ".noinit") {
            if (("__pram_noinit_start" in symval) && symval["__pram_noinit_start"] != lo)
                fail("__pram_noinit_start " h(symval["__pram_noinit_start"]) " != .noinit start " h(lo))
            if (("__pram_noinit_end" in symval) && symval["__pram_noinit_end"] != hi)
                fail("__pram_noinit_end " h(symval["__pram_noinit_end"]) " != .noinit end " h(hi))
        }
        if (bad)
            continue
        note = ""
        if (secs[holder] != s)
            note = note ", shares it with: " secs[holder]
        if (pa[holder] != va[holder])
            note = note ", PhysAddr " h(pa[holder]) " != VirtAddr"
        print "check-elf: ok " elf ": " s " [" h(lo) ", " h(hi) ") " \
              (secs[holder] == s ? "alone " : "") "in segment " holder \
              " (FileSiz 0), no segment with file bytes covers it" note
    }
    m = ".pram_manifest"
    if (m in have) {
        mbad = 0
        if (sflags[m] ~ /A/) {
            fail(m " is allocated (Flg " sflags[m] "): it would take target memory; " \
                 "place it as ld/nonalloc.ld does: " m " 0 (INFO) : { KEEP(*(" m ")) }")
            mbad = 1
        }
        for (i = 0; i < nph; i++)
            if (index(" " secs[i] " ", " " m " ")) {
                fail(m " is in segment " i " (" type[i] ": " secs[i] ")")
                mbad = 1
            }
        if (!mbad)
            print "check-elf: ok " elf ": " m " (" ssize[m] " B) not allocated, in no segment"
    }
    exit bad
}' || status=1
done
exit $status
