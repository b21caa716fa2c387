#!/bin/sh
# Flash and RAM one cell adds over an empty baseline (see size_fw.c), per
# target, CRC-16 variant and commit mode.  Usage (from the repository root):
#   size.sh OUT_DIR BUDGET  with CFLAGS_COMMON and TARGETS in the environment:
#   TARGETS is lines of "label|compiler and arch flags|size tool".
# Exits 1 if single-slot + nibble on cortex-m4 is over BUDGET bytes of flash.
set -eu
out=$1
budget=$2
core="src/pram_cell.c src/pram_mem.c src/pram_crc16.c src/pram_error.c"
ldflags="-nostdlib -nostartfiles -Wl,--gc-sections -Wl,-e,size_start"
mkdir -p "$out"
: >"$out/table.txt"

# "text data bss" of an ELF -> "flash ram"
mem() { "$1" "$2" | awk 'NR == 2 { print $1 + $2, $2 + $3 }'; }

printf '%-15s %-8s %-21s %6s %6s\n' target crc16 mode flash ram
echo "$TARGETS" | while IFS='|' read -r label cc tool; do
    label=$(echo "$label" | tr -d " ")
    [ -n "$label" ] || continue
    d="$out/$label"
    mkdir -p "$d"
    # shellcheck disable=SC2086
    $cc $CFLAGS_COMMON examples/size/size_fw.c $ldflags -o "$d/base.elf"
    set -- $(mem "$tool" "$d/base.elf")
    bf=$1 br=$2
    # mode column: the cell's mode, then "lean" = the library built with only
    # what that mode needs (PRAM_ENABLE_REGIONS=0, and PRAM_ENABLE_AB=0 for
    # single-slot): what a size-constrained user would configure; "lean+lto"
    # the same with -flto, which lets the compiler fold the const descriptor.
    for crc in BITWISE NIBBLE BYTE; do
        for cfg in PRAM_SINGLE PRAM_AB PRAM_SINGLE:lean PRAM_AB:lean PRAM_SINGLE:lean+lto; do
            mode=${cfg%%:*}
            lean=
            case $cfg in
            PRAM_SINGLE:lean) lean="-DPRAM_ENABLE_REGIONS=0 -DPRAM_ENABLE_AB=0" ;;
            PRAM_AB:lean) lean="-DPRAM_ENABLE_REGIONS=0" ;;
            PRAM_SINGLE:lean+lto) lean="-DPRAM_ENABLE_REGIONS=0 -DPRAM_ENABLE_AB=0 -flto" ;;
            esac
            elf="$d/$crc-$(echo "$cfg" | tr : -).elf"
            # shellcheck disable=SC2086
            $cc $CFLAGS_COMMON $lean -DSIZE_USE_PRAM -DSIZE_MODE=$mode -DPRAM_CRC16_IMPL=PRAM_CRC_$crc \
                examples/size/size_fw.c $core $ldflags -o "$elf"
            set -- $(mem "$tool" "$elf")
            printf '%-15s %-8s %-21s %6d %6d\n' "$label" "$crc" "$cfg" $(($1 - bf)) $(($2 - br)) |
                tee -a "$out/table.txt"
        done
    done
done

got=$(awk '$1 == "cortex-m4" && $2 == "NIBBLE" && $3 == "PRAM_SINGLE:lean" { print $4 }' "$out/table.txt")
if [ "$got" -le "$budget" ]; then
    echo "size: budget ok: single-slot cell + nibble CRC-16 on Cortex-M4 (lean build) adds $got B of flash (budget $budget B)"
else
    echo "size: OVER BUDGET: single-slot cell + nibble CRC-16 on Cortex-M4 (lean build) adds $got B of flash (budget $budget B)"
    exit 1
fi
