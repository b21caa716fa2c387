#!/bin/sh
# make check-nostdlib: every library source, for each target and -O level,
# warning-free under the library's warnings (as errors), linked into
# tests/size/nostdlib_fw.c with -nostdlib -nostartfiles --gc-sections and
# nothing else: no libc, no libgcc.  Any undefined symbol fails, except the
# user hooks named in NOSTDLIB_ALLOW_UNDEF.  Usage (from the repository root):
#   nostdlib.sh OUT_DIR
# with, in the environment (tests/size/size.mk sets them):
#   NOSTDLIB_TARGETS      lines of "label|compiler and arch flags|size tool|-O
#                         levels|instruction" (-O levels empty: NOSTDLIB_OPTS;
#                         instruction, if any: a mnemonic or operand the
#                         linked firmware's disassembly must contain); the
#                         flags may carry pram options (-DPRAM_CRITICAL=...)
#   NOSTDLIB_CFLAGS       flags for every translation unit (no -O)
#   NOSTDLIB_SRCS         library sources
#   NOSTDLIB_OPTS         -O levels
#   NOSTDLIB_ALLOW_UNDEF  symbols allowed to stay undefined (user hooks)
#   SIZE_JOBS             builds run in parallel
# Prints one line per (target, -O level); exits 1 if any fails.
set -eu

self=$0
here=$(dirname "$0")
ldflags="-nostdlib -nostartfiles -Wl,--gc-sections -Wl,-e,nostdlib_start"

target_field() {
    echo "$NOSTDLIB_TARGETS" | awk -F'|' -v t="$1" -v f="$2" \
        '{ gsub(/^[ \t]+|[ \t]+$/, "", $1) } $1 == t { print $f; exit }'
}

# --unit OUT TARGET OPT: build one (target, -O level); its line goes to
# OUT/TARGET/OPT/result, whatever happens.
if [ "${1:-}" = --unit ]; then
    out=$2 target=$3 opt=$4
    cc=$(target_field "$target" 2)
    d="$out/$target/$opt"
    mkdir -p "$d"
    rm -f "$d"/*.o "$d/fw.elf"
    result="$d/result"
    log="$d/build.log"
    : >"$log"
    what=$(printf 'check-nostdlib: %-22s %-4s' "$target" "$opt")
    objs=
    for src in $NOSTDLIB_SRCS "$here/nostdlib_fw.c"; do
        o="$d/$(basename "$src" .c).o"
        # shellcheck disable=SC2086
        if ! $cc $NOSTDLIB_CFLAGS $opt -c "$src" -o "$o" >"$d/cc.log" 2>&1; then
            {
                echo "$what FAIL: $src does not compile warning-free:"
                grep -E 'error|warning' "$d/cc.log" | head -n 8 | sed 's/^/    /'
            } >"$result"
            cat "$d/cc.log" >>"$log"
            exit 0
        fi
        objs="$objs $o"
    done
    allow=
    for s in ${NOSTDLIB_ALLOW_UNDEF:-}; do allow="$allow -Wl,--defsym=$s=0"; done
    # shellcheck disable=SC2086
    if $cc $NOSTDLIB_CFLAGS $opt $objs $ldflags $allow -o "$d/fw.elf" >"$log" 2>&1; then
        n=$(wc -l <"$log")
        if [ "$n" -ne 0 ]; then
            echo "$what FAIL: the link warns:" >"$result"
            head -n 8 "$log" | sed 's/^/    /' >>"$result"
        else
            size=$(target_field "$target" 3)
            insn=$(target_field "$target" 5)
            text=$("$size" "$d/fw.elf" | awk 'NR == 2 { print $1 }')
            # The objdump beside the size tool (arm-none-eabi-size -> -objdump).
            n=0
            [ -z "$insn" ] || n=$("${size%size}objdump" -d "$d/fw.elf" | grep -c -w -- "$insn" || true)
            if [ -n "$insn" ] && [ "$n" -eq 0 ]; then
                echo "$what FAIL: no $insn in the firmware: the configuration did not take effect" >"$result"
            else
                echo "$what ok: $(echo $NOSTDLIB_SRCS | wc -w) library sources and the firmware warning-free; linked without libc or libgcc, nothing undefined (text $text B)${insn:+; $n x $insn}" >"$result"
            fi
        fi
    else
        # "FILE: in function `F':" then "...: undefined reference to `SYM'"
        und=$(awk '/: in function `/ { f = $0; sub(/: in function `/, ":", f); sub(/'"'"':$/, "", f); sub(/.*\//, "", f) }
                   /undefined reference to `/ { s = $0; sub(/.*undefined reference to `/, "", s); sub(/'"'"'.*/, "", s)
                                                print s " (" f ")" }' "$log" | sort -u |
              awk '{ k = $1; if (!(k in seen)) { seen[k] = $2; order[++n] = k } else if (index(seen[k], $2) == 0) seen[k] = seen[k] ", " $2 }
                   END { for (i = 1; i <= n; i++) { k = order[i]; v = seen[k]; gsub(/[()]/, "", v); printf "%s%s from %s", (i > 1 ? "; " : ""), k, v } }')
        if [ -n "$und" ]; then
            echo "$what FAIL: undefined: $und" >"$result"
        else
            echo "$what FAIL: the link failed:" >"$result"
            head -n 8 "$log" | sed 's/^/    /' >>"$result"
        fi
    fi
    exit 0
fi

out=$1
start=$(date +%s)
mkdir -p "$out"
targets=$(echo "$NOSTDLIB_TARGETS" | awk -F'|' '{ gsub(/^[ \t]+|[ \t]+$/, "", $1) } $1 != "" { print $1 }')
jobs="$out/jobs.txt"
: >"$jobs"
for t in $targets; do
    opts=$(target_field "$t" 4)
    for o in ${opts:-$NOSTDLIB_OPTS}; do
        rm -f "$out/$t/$o/result"
        echo "$t $o" >>"$jobs"
    done
done
xargs -P "${SIZE_JOBS:-2}" -L 1 sh "$self" --unit "$out" <"$jobs"
status=0
while read -r t o; do
    if [ -f "$out/$t/$o/result" ]; then
        cat "$out/$t/$o/result"
        grep -q ' ok: ' "$out/$t/$o/result" || status=1
    else
        echo "check-nostdlib: $t $o FAIL: no result (see $out/$t/$o)"
        status=1
    fi
done <"$jobs"
[ -z "${NOSTDLIB_ALLOW_UNDEF:-}" ] || echo "check-nostdlib: allowed undefined (user hooks): $NOSTDLIB_ALLOW_UNDEF"
if [ $status -eq 0 ]; then
    echo "check-nostdlib: ok ($(wc -l <"$jobs") builds in $(($(date +%s) - start)) s)"
else
    echo "check-nostdlib: FAILED ($(wc -l <"$jobs") builds in $(($(date +%s) - start)) s; logs under $out)"
fi
exit $status
