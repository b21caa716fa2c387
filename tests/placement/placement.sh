#!/bin/sh
# placement.sh [-c CONTROL-ELF] ELF...
#
# Every ELF must place each container (a `<name>__storage` symbol) at the
# same offset from __pram_noinit_start, with the same size; the first ELF's
# list is printed once.  Each ELF's pram_containers table (the
# __start/__stop_pram_containers range, 12 bytes an entry: name, storage,
# size) must hold one entry per container, with its address and size.
# CONTROL-ELF, built the wrong way on purpose, must differ: it proves the
# comparison can fail.
#
# NM and OBJDUMP name the tools (arm-none-eabi-*).  Exit status 0 if all hold.
set -u
nm=${NM:-arm-none-eabi-nm}
objdump=${OBJDUMP:-arm-none-eabi-objdump}
control=
if [ "${1:-}" = -c ]; then
    control=$2
    shift 2
fi
[ $# -ge 1 ] || { echo "usage: $0 [-c CONTROL-ELF] ELF..." >&2; exit 2; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

# "name +0xOFFSET SIZE" per container, sorted by name, on stdout.
containers() {
    "$nm" -S "$1" >"$tmp/nm" || return 1
    start=$(awk '$NF == "__pram_noinit_start" { print $1 }' "$tmp/nm")
    [ -n "$start" ] || { echo "placement: $1 has no __pram_noinit_start" >&2; return 1; }
    awk 'NF == 4 && $4 ~ /__storage$/ { n = $4; sub(/__storage$/, "", n); print n, $1, $2 }' "$tmp/nm" |
        sort | while read -r n a s; do
            printf '%s +0x%04x %d\n' "$n" $((0x$a - 0x$start)) $((0x$s))
        done
}

# "0xADDRESS SIZE" per table entry, sorted, on stdout.
table() {
    a=$(awk '$NF == "__start_pram_containers" { print $1 }' "$tmp/nm")
    b=$(awk '$NF == "__stop_pram_containers" { print $1 }' "$tmp/nm")
    [ -n "$a" ] && [ -n "$b" ] || { echo "placement: $1 has no pram_containers table" >&2; return 1; }
    [ $(((0x$b - 0x$a) % 12)) -eq 0 ] || { echo "placement: $1: table of $((0x$b - 0x$a)) bytes" >&2; return 1; }
    [ "$a" != "$b" ] || return 0
    # objdump -s: "ADDR w0 w1 w2 w3  ascii", each word's bytes in memory order (little-endian).
    "$objdump" -s --start-address=0x$a --stop-address=0x$b "$1" |
        awk '/^ [0-9a-f]+ / { for (i = 2; i <= 5 && $i ~ /^[0-9a-f]+$/; i++) print $i }' |
        awk 'length($0) == 8 { w = substr($0,7,2) substr($0,5,2) substr($0,3,2) substr($0,1,2);
                               if (NR % 3 == 2) addr = w; if (NR % 3 == 0) print "0x" addr, w }
             length($0) != 8 { print "bad word " $0 }' |
        while read -r addr size; do printf '0x%08x %d\n' $((addr)) $((0x$size)); done | sort
}

# The same containers, as "0xADDRESS SIZE" from the symbols.
symbol_table() {
    awk 'NF == 4 && $4 ~ /__storage$/ { print $1, $2 }' "$tmp/nm" |
        while read -r a s; do printf '0x%08x %d\n' $((0x$a)) $((0x$s)); done | sort
}

fail=0
n=0
for elf in "$@"; do
    containers "$elf" >"$tmp/this" || { fail=1; continue; }
    [ -s "$tmp/this" ] || { echo "placement: FAIL $elf: no containers"; fail=1; continue; }
    table "$elf" >"$tmp/table" || { fail=1; continue; }
    symbol_table >"$tmp/symbols"
    if ! cmp -s "$tmp/table" "$tmp/symbols"; then
        echo "placement: FAIL $elf: its pram_containers table ($(wc -l <"$tmp/table") entries) does not list its $(wc -l <"$tmp/symbols") containers:"
        diff "$tmp/symbols" "$tmp/table" | sed 's/^/    /'
        fail=1
    fi
    if [ $n -eq 0 ]; then
        cp "$tmp/this" "$tmp/ref"
        ref=$elf
        entries=$(wc -l <"$tmp/table")
    elif ! cmp -s "$tmp/ref" "$tmp/this"; then
        echo "placement: FAIL $elf places containers unlike $ref (< $ref, > $elf):"
        diff "$tmp/ref" "$tmp/this" | grep '^[<>]' | sed 's/^/    /'
        fail=1
    fi
    n=$((n + 1))
done
[ $fail -eq 0 ] || exit 1

if [ -n "$control" ]; then
    containers "$control" >"$tmp/control" || exit 1
    if cmp -s "$tmp/ref" "$tmp/control"; then
        echo "placement: FAIL the control build $control gives the same addresses: the comparison cannot fail"
        exit 1
    fi
fi

echo "placement: $n builds, identical addresses (offset from __pram_noinit_start, storage bytes), table of $entries entries in each:"
awk '{ printf "    %-8s %s %4d\n", $1, $2, $3 }' "$tmp/ref"
if [ -n "$control" ]; then
    echo "placement: the control build (containers in plain .noinit, unsorted) is told apart:"
    diff "$tmp/ref" "$tmp/control" | grep '^>' | head -n 3 | awk '{ printf "    %-8s %s %4d\n", $2, $3, $4 }'
fi
exit 0
