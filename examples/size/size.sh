#!/bin/sh
# Flash and RAM one cell adds over an empty baseline (see size_fw.c), per
# target, CRC-16 variant and commit mode.  Usage (from the repository root):
#   size.sh OUT_DIR BUDGET  with CFLAGS_COMMON and TARGETS in the environment:
#   TARGETS is lines of "label|compiler and arch flags|size tool".
# Exits 1 if single-slot + nibble on cortex-m4 (lean+spec, over the plain-
# variable baseline) is over BUDGET bytes of flash.
set -eu
out=$1
budget=$2
core="src/pram_cell.c src/pram_mem.c src/pram_crc16.c src/pram_error.c"
ldflags="-nostdlib -nostartfiles -Wl,--gc-sections -Wl,-e,size_start"
mkdir -p "$out"
: >"$out/table.txt"

# "text data bss" of an ELF -> "flash ram"
mem() { "$1" "$2" | awk 'NR == 2 { print $1 + $2, $2 + $3 }'; }

printf '%-15s %-8s %-21s %6s %6s %6s\n' target crc16 config flash +plain ram
echo "$TARGETS" | while IFS='|' read -r label cc tool; do
    label=$(echo "$label" | tr -d " ")
    [ -n "$label" ] || continue
    d="$out/$label"
    mkdir -p "$d"
    # shellcheck disable=SC2086
    $cc $CFLAGS_COMMON examples/size/size_fw.c $ldflags -o "$d/base.elf"
    # shellcheck disable=SC2086
    $cc $CFLAGS_COMMON -DSIZE_PLAIN examples/size/size_fw.c $ldflags -o "$d/plain.elf"
    set -- $(mem "$tool" "$d/plain.elf")
    pf=$1
    set -- $(mem "$tool" "$d/base.elf")
    bf=$1 br=$2
    # config column: the cell's mode, then "lean" = the library built with
    # only what that mode needs (PRAM_ENABLE_REGIONS=0, and PRAM_ENABLE_AB=0
    # for single-slot): what a size-constrained user would configure; "+spec"
    # adds PRAM_CELL_SPECIALIZE=1 (the cell gets its own copy of the core,
    # descriptor folded); "+lto" the shared core with -flto instead.
    # flash: over the empty baseline; +plain: over the same work done on a
    # plain variable (Pigweed's method, which its +840 B figure uses).
    for crc in BITWISE NIBBLE BYTE; do
        for cfg in PRAM_SINGLE PRAM_AB PRAM_SINGLE:lean PRAM_AB:lean PRAM_SINGLE:lean+spec \
            PRAM_AB:lean+spec PRAM_SINGLE:lean+lto; do
            mode=${cfg%%:*}
            lean=
            case $cfg in
            PRAM_SINGLE:lean) lean="-DPRAM_ENABLE_REGIONS=0 -DPRAM_ENABLE_AB=0" ;;
            PRAM_AB:lean) lean="-DPRAM_ENABLE_REGIONS=0" ;;
            PRAM_SINGLE:lean+spec) lean="-DPRAM_ENABLE_REGIONS=0 -DPRAM_ENABLE_AB=0 -DPRAM_CELL_SPECIALIZE=1" ;;
            PRAM_AB:lean+spec) lean="-DPRAM_ENABLE_REGIONS=0 -DPRAM_CELL_SPECIALIZE=1" ;;
            PRAM_SINGLE:lean+lto) lean="-DPRAM_ENABLE_REGIONS=0 -DPRAM_ENABLE_AB=0 -flto" ;;
            esac
            elf="$d/$crc-$(echo "$cfg" | tr : -).elf"
            # shellcheck disable=SC2086
            $cc $CFLAGS_COMMON $lean -DSIZE_USE_PRAM -DSIZE_MODE=$mode -DPRAM_CRC16_IMPL=PRAM_CRC_$crc \
                examples/size/size_fw.c $core $ldflags -o "$elf"
            set -- $(mem "$tool" "$elf")
            printf '%-15s %-8s %-21s %6d %6d %6d\n' "$label" "$crc" "$cfg" $(($1 - bf)) $(($1 - pf)) $(($2 - br)) |
                tee -a "$out/table.txt"
        done
    done
done

# The budget is checked on the smallest build without LTO, against the same
# work on a plain variable (the basis of the Pigweed figure it is set by).
set -- $(awk '$1 == "cortex-m4" && $2 == "NIBBLE" && $3 == "PRAM_SINGLE:lean+spec" { print $4, $5 }' "$out/table.txt")
what="single-slot cell + nibble CRC-16 on Cortex-M4 (lean+spec) adds $2 B of flash over the same work on a plain variable ($1 B over an empty main); budget $budget B"
if [ "$2" -le "$budget" ]; then
    echo "size: budget ok: $what"
else
    echo "size: OVER BUDGET: $what"
    exit 1
fi
