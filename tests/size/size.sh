#!/bin/sh
# make size: the flash and RAM a pram cell adds to a firmware, per target,
# configuration, CRC-16 variant and LTO, over baselines built in the same run
# with the same compiler and flags.  Usage (from the repository root):
#   size.sh OUT_DIR
# with, in the environment (tests/size/size.mk sets them):
#   SIZE_TARGETS   lines of "label|compiler and arch flags|size tool|nm tool"
#   SIZE_CFLAGS    flags for every translation unit (-Os, warnings, includes)
#   SIZE_CORE      the core sources linked into every pram program
#   SIZE_BUF       the buffer sources, linked into the log programs too
#   SIZE_REBOOT    the reboot record's sources (record + the "none" port)
#   SIZE_FAULT     the Cortex-M crash capture's sources
#   SIZE_PORT      the sources of the real reset-cause port measured, and
#   SIZE_PORT_SYM  its pram_reset_port_t (PRAM_RESET_PORT for pram_reboot.c)
#   SIZE_REBOOT_TARGETS  targets of the reboot and fault programs (Cortex-M)
#   SIZE_PORT_TARGETS    targets of the real-port program
#   SIZE_JOBS      programs built in parallel
#   SIZE_BUDGET_LEAN_NIBBLE, SIZE_BUDGET_LEAN_BYTE, SIZE_BUDGET_DEFAULT_NIBBLE
# Writes the table to OUT_DIR/table.txt.  Exits 1 if a build fails or a
# budget is exceeded.  Internally re-runs itself as "size.sh --unit ..." for
# each group of programs (one compiler configuration), several at a time.
set -eu

self=$0
here=$(dirname "$0")
ldflags="-nostdlib -nostartfiles -Wl,--gc-sections -Wl,-e,size_start"
configs="default lean-AB lean-single"
crcs="bitwise nibble byte"
ltos="no yes"

cfg_flags() {
    case $1 in
    default) echo "-DSIZE_MODE=PRAM_AB" ;;
    lean-AB) echo "-DPRAM_ENABLE_REGIONS=0 -DSIZE_MODE=PRAM_AB" ;;
    lean-single) echo "-DPRAM_ENABLE_AB=0 -DPRAM_ENABLE_REGIONS=0 -DSIZE_MODE=PRAM_SINGLE" ;;
    *) echo "size.sh: unknown config $1" >&2; exit 2 ;;
    esac
}
crc_flag() { echo "-DPRAM_CRC16_IMPL=PRAM_CRC_$(echo "$1" | tr '[:lower:]' '[:upper:]')"; }
lto_flag() { if [ "$1" = yes ]; then echo "-flto"; fi; }
# Field $2 (2: compiler and flags, 3: size tool, 4: nm) of target $1 in SIZE_TARGETS.
target_field() {
    echo "$SIZE_TARGETS" | awk -F'|' -v t="$1" -v f="$2" \
        '{ gsub(/^[ \t]+|[ \t]+$/, "", $1) } $1 == t { print $f; exit }'
}
# 0 if word $1 is in the list $2
in_list() {
    case " $2 " in *" $1 "*) return 0 ;; esac
    return 1
}

# ---------------------------------------------------------------------------
# One unit: every program of one compiler configuration.
#   --unit OUT base TARGET LTO              the three baselines
#   --unit OUT pram TARGET CONFIG CRC LTO   the core and the three pram programs
# Each ELF leaves NAME.mem ("flash ram": text+data, data+bss), NAME.libgcc
# (libgcc helpers it pulled in) and NAME.libc (size_libc.c functions GCC
# made it call), one per line.
# ---------------------------------------------------------------------------
if [ "${1:-}" = --unit ]; then
    out=$2 kind=$3 target=$4
    shift 4
    cc=$(target_field "$target" 2)
    tool=$(target_field "$target" 3)
    nm=$(target_field "$target" 4)
    [ -n "$cc" ] || { echo "size.sh: no target $target in SIZE_TARGETS" >&2; exit 2; }
    # Named explicitly: -nostdlib drops it, and plain -lgcc can pick another
    # multilib (see NOTES: RV32).  An archive: only helpers used are linked.
    # shellcheck disable=SC2086
    libgcc=$($cc -print-libgcc-file-name)
    if [ "$kind" = base ]; then
        lto=$1
        d="$out/$target/base-$lto"
        flags="$SIZE_CFLAGS $(lto_flag "$lto")"
    else
        cfg=$1 crc=$2 lto=$3
        d="$out/$target/$cfg-$crc-$lto"
        flags="$SIZE_CFLAGS $(cfg_flags "$cfg") $(crc_flag "$crc") $(lto_flag "$lto")"
    fi
    mkdir -p "$d"
    rm -f "$d/FAILED" "$d"/*.elf # a program no longer built must not count
    log="$d/build.log"
    : >"$log"
    run() {
        echo "$*" >>"$log"
        "$@" >>"$log" 2>&1 || {
            echo "$d" >"$d/FAILED"
            exit 1
        }
    }
    # link NAME OBJECTS...
    link() {
        name=$1
        shift
        # shellcheck disable=SC2086
        run $cc $flags "$@" "$d/size_libc.o" $ldflags "$libgcc" -Wl,-Map="$d/$name.map" -o "$d/$name.elf"
        "$nm" --defined-only "$d/$name.elf" | awk '$3 ~ /^(memset|memcpy|memmove|memcmp)$/ { print $3 }' >"$d/$name.libc"
        "$tool" "$d/$name.elf" | awk 'NR == 2 { print $1 + $2, $2 + $3 }' >"$d/$name.mem"
        # Map file, "Archive member included to satisfy reference by file
        # (symbol)": records of a member, then (maybe on the next line) the
        # referencing file and the symbol.  Kept: libgcc members referenced
        # from the program's own objects (not libgcc's internal references).
        awk 'function ref(m, r,  n, a, s) {
                 if (m ~ /libgcc\.a\(/ && r ~ /\(/ && r !~ /libgcc\.a\(/) {
                     n = split(r, a, " "); s = a[n]; gsub(/[()]/, "", s); print s } }
             /^Archive member included/ { on = 1; next }
             /^(Discarded input|Memory map|Allocating common)/ { on = 0 }
             !on || /^[ \t]*$/ { next }
             /^[^ \t]/ { m = $1; ref(m, substr($0, length($1) + 1)); next }
             { ref(m, $0) }' \
            "$d/$name.map" >"$d/$name.libgcc"
    }
    # Never LTO: a libc function LTO drops before its call is emitted
    # would fail the link.
    # shellcheck disable=SC2086
    run $cc $flags -fno-lto -c "$here/size_libc.c" -o "$d/size_libc.o"
    # The reboot and fault programs' vector table (tests/size/size_vec.c):
    # never LTO, like a startup file in assembly.  With LTO its weak C
    # aliases would land in one assembly file with PRAM_FAULT_HANDLERS()'s
    # strong definitions, which the assembler rejects.
    reboot_here=
    if in_list "$target" "${SIZE_REBOOT_TARGETS:-}" && { [ "$kind" = base ] ||
        { [ "$cfg" = default ] && [ "$crc" = nibble ]; }; }; then
        reboot_here=1
        # shellcheck disable=SC2086
        run $cc $flags -fno-lto -c "$here/size_vec.c" -o "$d/size_vec.o"
    fi
    if [ "$kind" = base ]; then
        # shellcheck disable=SC2086
        run $cc $flags -c "$here/size_pw.c" -o "$d/pw_plain.o"
        # shellcheck disable=SC2086
        run $cc $flags -c "$here/size_fw.c" -o "$d/fw_empty.o"
        # shellcheck disable=SC2086
        run $cc $flags -DSIZE_PLAIN -c "$here/size_fw.c" -o "$d/fw_plain.o"
        link pw_plain "$d/pw_plain.o"
        link fw_empty "$d/fw_empty.o"
        link fw_plain "$d/fw_plain.o"
        if [ -n "$reboot_here" ]; then
            # shellcheck disable=SC2086
            run $cc $flags -c "$here/size_reboot.c" -o "$d/vec_empty.o"
            link vec_empty "$d/vec_empty.o" "$d/size_vec.o"
        fi
    else
        core='' buf=''
        for src in $SIZE_CORE; do
            o="$d/$(basename "$src" .c).o"
            # shellcheck disable=SC2086
            run $cc $flags -c "$src" -o "$o"
            core="$core $o"
        done
        # shellcheck disable=SC2086
        run $cc $flags -DSIZE_USE_PRAM -c "$here/size_pw.c" -o "$d/pw.o"
        # shellcheck disable=SC2086
        run $cc $flags -DSIZE_USE_PRAM -DSIZE_EDIT -c "$here/size_pw.c" -o "$d/pw_edit.o"
        # shellcheck disable=SC2086
        run $cc $flags -DSIZE_USE_PRAM -c "$here/size_fw.c" -o "$d/fw.o"
        # shellcheck disable=SC2086
        link pw "$d/pw.o" $core
        # shellcheck disable=SC2086
        link pw_edit "$d/pw_edit.o" $core
        # shellcheck disable=SC2086
        link fw "$d/fw.o" $core
        # The log programs: buffers keep their control block in an A/B cell
        # (not in configs without A/B), and the CRC variant costs what it
        # costs the cells: nibble only.
        if [ "$cfg" != lean-single ] && [ "$crc" = nibble ]; then
            for src in $SIZE_BUF; do
                o="$d/$(basename "$src" .c).o"
                # shellcheck disable=SC2086
                run $cc $flags -c "$src" -o "$o"
                buf="$buf $o"
            done
            # shellcheck disable=SC2086
            run $cc $flags -DSIZE_USE_PRAM -c "$here/size_log.c" -o "$d/log.o"
            # shellcheck disable=SC2086
            run $cc $flags -DSIZE_USE_PRAM -DSIZE_RING -c "$here/size_log.c" -o "$d/ring.o"
            # shellcheck disable=SC2086
            link log "$d/log.o" $core $buf
            # shellcheck disable=SC2086
            link ring "$d/ring.o" $core $buf
        fi
        # The reboot record and the crash capture (default config, nibble
        # CRC: the library as it comes), over vec_empty.
        if [ -n "$reboot_here" ]; then
            rb=
            for src in $SIZE_REBOOT $SIZE_FAULT; do
                o="$d/$(basename "$src" .c).o"
                # shellcheck disable=SC2086
                run $cc $flags -c "$src" -o "$o"
                rb="$rb $o"
            done
            for p in reboot fault fault_log fault_assert; do
                P=$(echo "$p" | tr '[:lower:]' '[:upper:]')
                # shellcheck disable=SC2086
                run $cc $flags -DSIZE_$P -c "$here/size_reboot.c" -o "$d/$p.o"
                # shellcheck disable=SC2086
                link "$p" "$d/$p.o" "$d/size_vec.o" $rb $core $buf
            done
            if in_list "$target" "${SIZE_PORT_TARGETS:-}"; then
                po=
                for src in $SIZE_PORT; do
                    o="$d/port_$(basename "$src" .c).o"
                    # shellcheck disable=SC2086
                    run $cc $flags -c "$src" -o "$o"
                    po="$po $o"
                done
                # shellcheck disable=SC2086
                run $cc $flags -DPRAM_RESET_PORT="$SIZE_PORT_SYM" -c src/pram_reboot.c -o "$d/reboot_port_lib.o"
                # shellcheck disable=SC2086
                link reboot_port "$d/reboot.o" "$d/size_vec.o" "$d/reboot_port_lib.o" $po $core
            fi
        fi
    fi
    exit 0
fi

# ---------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------
out=$1
start=$(date +%s)
mkdir -p "$out"
targets=$(echo "$SIZE_TARGETS" | awk -F'|' '{ gsub(/^[ \t]+|[ \t]+$/, "", $1) } $1 != "" { print $1 }')
jobs="$out/jobs.txt"
: >"$jobs"
for t in $targets; do
    for lto in $ltos; do
        echo "base $t $lto" >>"$jobs"
        for cfg in $configs; do
            for crc in $crcs; do
                echo "pram $t $cfg $crc $lto" >>"$jobs"
            done
        done
    done
done
nunits=$(wc -l <"$jobs")
# xargs runs the units SIZE_JOBS at a time; each writes only its own files,
# and the table is assembled afterwards in a fixed order.
if ! xargs -P "${SIZE_JOBS:-2}" -L 1 sh "$self" --unit "$out" <"$jobs"; then
    failed=$(find "$out" -name FAILED | wc -l)
    first=$(find "$out" -name FAILED | sort | head -n 1)
    if [ -n "$first" ]; then
        echo "size: build failed in $failed of $nunits build groups; the first, $(dirname "$first"):"
        sed 's/^/  /' "$(dirname "$first")/build.log" | head -n 40
    else
        echo "size: build failed (see above)"
    fi
    exit 1
fi

mem() { cat "$out/$1/$2.mem"; }
# flash and RAM of ELF $3 in unit dir $2 of target $1, minus those of $5 in $4
delta() {
    # shellcheck disable=SC2046
    set -- $(mem "$1" "$2/$3") $(mem "$1" "$4/$5")
    echo $(($1 - $3)) $(($2 - $4))
}

table="$out/table.txt"
: >"$table"
row() { printf '%-14s %-12s %-12s %-8s %-4s %6s %5s  %s\n' "$@"; }
# section PROGRAM ELF BASE-ELF OVER [CONFIGS [CRCS [TARGETS]]]: the base ELF
# comes from the same build group if it was built there, else from the
# baselines' group.
section() {
    prog=$1 elf=$2 base=$3 over=$4 cfgs=${5:-$configs} crcs_=${6:-$crcs} targets_=${7-$targets}
    for t in $targets_; do
        for cfg in $cfgs; do
            for crc in $crcs_; do
                for lto in $ltos; do
                    if [ -f "$out/$t/$cfg-$crc-$lto/$base.mem" ]; then b="$cfg-$crc-$lto"; else b="base-$lto"; fi
                    # shellcheck disable=SC2046
                    row "$t" "$prog" "$cfg" "$crc" "$lto" $(delta "$t" "$cfg-$crc-$lto" "$elf" "$b" "$base") "$over"
                done
            done
        done
    done
}
{
    row target program config crc lto flash ram over
    section pw-equiv pw pw_plain "plain volatile uint32_t"
    section +edit pw_edit pw "pw-equiv (same config)"
    section struct fw fw_plain "plain struct variable"
    section struct fw fw_empty "empty main"
    section log log fw_empty "empty main" "default lean-AB" nibble
    section ring-log ring fw_empty "empty main" "default lean-AB" nibble
    section reboot reboot vec_empty "empty main" default nibble "$SIZE_REBOOT_TARGETS"
    section reboot-port reboot_port vec_empty "empty main" default nibble "$SIZE_PORT_TARGETS"
    section fault fault vec_empty "empty main" default nibble "$SIZE_REBOOT_TARGETS"
    section fault+log fault_log vec_empty "empty main" default nibble "$SIZE_REBOOT_TARGETS"
    section fault+assert fault_assert vec_empty "empty main" default nibble "$SIZE_REBOOT_TARGETS"
} >"$table"

cat <<EOF
size: flash = text + data, RAM = data + bss (cell storage included) that a cell adds; -Os,
      -ffunction-sections -fdata-sections -ffreestanding -DNDEBUG, linked -nostdlib -nostartfiles
      --gc-sections (+ the target's libgcc, for the helpers it needs).  Each baseline is built
      in the same run with the same compiler and flags (including -flto for lto rows).
  programs: pw-equiv  Pigweed's Persistent<uint32_t> report program: set 42, set 13, invalidate,
                      if valid { get + assert; test } (tests/size/size_pw.c)
            +edit     what one PRAM_EDIT scope adds to pw-equiv
            struct    get, set, an edit scope, invalidate on a struct cell (tests/size/size_fw.c)
            log       a linear buffer: open, append, next + read, clear (tests/size/size_log.c)
            ring-log  a ring: open, append, begin/write/commit, takeover, prev + read, clear
                      (log rows: nibble CRC, configurations with A/B: a buffer's control block is A/B)
            reboot    the reboot record: pram_reboot_boot (report), ack, mark; "none" reset port
            reboot-port  the same with PRAM_RESET_PORT=$SIZE_PORT_SYM ($SIZE_PORT_TARGETS)
            fault     reboot + PRAM_FAULT_HANDLERS(): fault entries, capture, commit, reset
            fault+log fault + a crash line into a 256 B ring log opened at boot (its code and RAM)
            fault+assert  fault + one PRAM_ASSERT site
                      (reboot and fault rows: tests/size/size_reboot.c, library defaults, nibble
                      CRC; over an empty main with the same vector table, tests/size/size_vec.c)
  configs:  default      A/B + regions (library defaults), A/B cell
            lean-AB      -DPRAM_ENABLE_REGIONS=0, A/B cell
            lean-single  -DPRAM_ENABLE_AB=0 -DPRAM_ENABLE_REGIONS=0, single-slot cell
  crc:      -DPRAM_CRC16_IMPL=PRAM_CRC_BITWISE / _NIBBLE / _BYTE
EOF
prev=
while IFS= read -r line; do
    # a blank line between (program, target) blocks
    key=$(echo "$line" | awk '{ print $1, $2, $NF }')
    [ -n "$prev" ] && [ "$key" != "$prev" ] && echo
    prev=$key
    echo "$line"
done <"$table"
echo
echo "Pigweed Persistent<uint32_t>, same program, this compiler (arm-none-eabi-gcc 12.2 -Os, Cortex-M4F): +644 B (+608 B with LTO), of which its 512 B CRC table (measured earlier by the team; not rebuilt here)"

# The reboot record and the crash capture: what each part adds on top of
# the one before, and where the fault program's RAM goes (nm, no LTO).
symsize() { # NM ELF SYMBOL: its size in bytes, 0 if absent
    v=$("$1" -S --defined-only "$2" | awk -v s="$3" '$NF == s && NF == 4 { print $2; exit }')
    echo $((0x${v:-0}))
}
for t in ${SIZE_REBOOT_TARGETS:-}; do
    nm=$(target_field "$t" 4)
    fl='' ram=''
    for lto in $ltos; do
        u="default-nibble-$lto"
        # shellcheck disable=SC2046
        set -- $(delta "$t" "$u" fault "$u" reboot) $(delta "$t" "$u" fault_log "$u" fault) \
            $(delta "$t" "$u" fault_assert "$u" fault)
        fl="$fl $1 $3 $5" ram="$ram $2 $4 $6"
    done
    # shellcheck disable=SC2086
    set -- $fl $ram
    echo "size: $t: on top of reboot, the capture adds $1 B flash (LTO $4), $7 B RAM;" \
        "the crash line with its 256 B ring log $2 B (LTO $5), $8 B RAM; a PRAM_ASSERT site $3 B (LTO $6)"
    e="$out/$t/default-nibble-no/fault.elf"
    rec=$(symsize "$nm" "$e" pram__reboot_record__storage)
    rep=$(symsize "$nm" "$e" report)
    stk=$(symsize "$nm" "$e" pram__fault_stack)
    # shellcheck disable=SC2046
    set -- $(delta "$t" default-nibble-no fault base-no vec_empty)
    echo "size: $t: RAM of fault, $2 B: reboot record $rec B (.noinit, A/B), report $rep B (.bss)," \
        "fault stack $stk B (.bss, PRAM_FAULT_STACK_SIZE; 0 = none), other $(($2 - rec - rep - stk)) B"
done

# What the programs needed beyond the core (counted in the figures above).
for t in $targets; do
    h=$(cat "$out/$t"/*/*.libgcc | sort -u | tr '\n' ' ')
    [ -z "$h" ] || echo "size: $t: libgcc helpers linked: $h"
    for f in memset memcpy memmove memcmp; do
        progs=$(grep -lx "$f" "$out/$t"/*/*.libc 2>/dev/null | sed 's|.*/||; s|\.libc$||' | sort -u |
            sed 's/^pw$/pw-equiv/; s/^pw_edit$/+edit/; s/^fw$/struct/; s/^ring$/ring-log/;
                s/^reboot_port$/reboot-port/; s/^fault_log$/fault+log/; s/^fault_assert$/fault+assert/' | tr '\n' ' ')
        [ -z "$progs" ] || echo "size: $t: GCC emitted a $f call (size_libc.c's counted) in: $progs"
    done
done

# Budgets: Cortex-M4, pw-equiv, over the plain baseline.  Each is the
# budget the build enforces; `target` is issue 9's figure where the budget
# is not (yet) it, printed so the gap stays in view.
status=0
budget() {
    cfg=$1 crc=$2 lto=$3 limit=$4 var=$5 target=$6 what=$7
    v=$(awk -v c="$cfg" -v r="$crc" -v l="$lto" \
        '$1 == "cortex-m4" && $2 == "pw-equiv" && $3 == c && $4 == r && $5 == l { print $6 }' "$table")
    lt=$([ "$lto" = yes ] && echo "with LTO" || echo "no LTO")
    gap=""
    if [ -n "$v" ] && [ "$target" -lt "$limit" ]; then
        gap="; issue target $target B: $([ "$v" -le "$target" ] && echo met || echo "not met, $((v - target)) B over")"
    fi
    if [ -z "$v" ]; then
        echo "size: OVER BUDGET: no cortex-m4 row for $what"
        status=1
    elif [ "$v" -le "$limit" ]; then
        echo "size: budget ok: $what on Cortex-M4 (pw-equiv, $lt): +$v B <= $limit B ($var)$gap"
    else
        echo "size: OVER BUDGET: $what on Cortex-M4 (pw-equiv, $lt): +$v B > $limit B ($var), $((v - limit)) B over"
        status=1
    fi
}
budget lean-single nibble no "$SIZE_BUDGET_LEAN_NIBBLE" SIZE_BUDGET_LEAN_NIBBLE 300 "lean single-slot + nibble CRC"
budget lean-single byte no "$SIZE_BUDGET_LEAN_BYTE" SIZE_BUDGET_LEAN_BYTE 780 "lean single-slot + byte CRC"
budget default nibble no "$SIZE_BUDGET_DEFAULT_NIBBLE" SIZE_BUDGET_DEFAULT_NIBBLE 900 "default (A/B + regions) + nibble CRC"
budget lean-single nibble yes "$SIZE_BUDGET_LTO_LEAN_NIBBLE" SIZE_BUDGET_LTO_LEAN_NIBBLE 300 "lean single-slot + nibble CRC"
budget lean-single byte yes "$SIZE_BUDGET_LTO_LEAN_BYTE" SIZE_BUDGET_LTO_LEAN_BYTE 780 "lean single-slot + byte CRC"
echo "size: $((nunits)) build groups ($(find "$out" -name '*.elf' | wc -l) ELFs) in $(($(date +%s) - start)) s; table in $table"
exit $status
