#!/bin/sh
# run_qemu.sh [options] MACHINE ELF [EXPECTED-LINE]...
#
# Runs ELF on qemu-system-arm -M MACHINE with semihosting and checks what it
# printed.  Guest resets are left as resets (no -no-reboot: that option turns a
# reset into a clean exit 0, which looks exactly like a pass).
#
#   EXPECTED-LINE...  must appear as whole lines, in this order (others may
#                     come between them)
#   -x REGEX   the lines matching REGEX must be exactly the expected lines that
#              match it, no more, no fewer (e.g. '^boot [0-9]+$')
#   -f REGEX   no line may match REGEX
#   -s STATUS  QEMU's expected exit status (default 0); "timeout" expects the
#              time limit to stop it
#   -t SECONDS time limit (default 30)
#   -l LOG     keep the output there (default: a temporary file, removed)
#
# QEMU names the qemu-system-arm binary.  Exit status 0 if all checks pass.
set -u

qemu=${QEMU:-qemu-system-arm}
exact=
forbid=
want_status=0
limit=30
log=

usage() {
    echo "usage: $0 [-x REGEX] [-f REGEX] [-s STATUS|timeout] [-t SECONDS] [-l LOG] MACHINE ELF [LINE]..." >&2
    exit 2
}

while getopts x:f:s:t:l: opt; do
    case $opt in
    x) exact=$OPTARG ;;
    f) forbid=$OPTARG ;;
    s) want_status=$OPTARG ;;
    t) limit=$OPTARG ;;
    l) log=$OPTARG ;;
    *) usage ;;
    esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || usage
machine=$1
elf=$2
shift 2

[ -f "$elf" ] || { echo "run-qemu: $elf: no such file" >&2; exit 2; }
command -v "$qemu" >/dev/null 2>&1 || { echo "run-qemu: $qemu not found (make deps)" >&2; exit 2; }

tmp_log=
if [ -z "$log" ]; then
    log=$(mktemp) || exit 2
    tmp_log=$log
fi
expect=$(mktemp) || exit 2
trap 'rm -f "$expect" $tmp_log' EXIT
for line in "$@"; do
    printf '%s\n' "$line"
done >"$expect"

name="$machine $elf"
# stdin from /dev/null: -nographic would otherwise put a terminal in raw mode
# and leave it so if the time limit kills QEMU.
timeout "$limit" "$qemu" -M "$machine" -nographic \
    -semihosting-config enable=on,target=native -kernel "$elf" \
    </dev/null >"$log" 2>&1
status=$?

fail=0
if [ "$want_status" = timeout ]; then
    if [ $status -ne 124 ]; then
        echo "run-qemu: FAIL $name: expected to run until the ${limit}s limit, exited with $status"
        fail=1
    fi
elif [ $status -eq 124 ]; then
    echo "run-qemu: FAIL $name: still running after ${limit}s (hang or endless resets)"
    fail=1
elif [ $status -ne "$want_status" ]; then
    echo "run-qemu: FAIL $name: exit status $status, expected $want_status"
    fail=1
fi

# Semihosting output arrives as written; strip CRs in case a UART is mixed in.
tr -d '\r' <"$log" | awk -v wantfile="$expect" -v exact="$exact" -v forbid="$forbid" -v name="$name" '
BEGIN {
    nw = 0
    while ((getline l < wantfile) > 0)
        want[++nw] = l
    close(wantfile)
    k = 1
}
{
    if (k <= nw && $0 == want[k])
        k++
    if (exact != "" && $0 ~ exact)
        got[++ng] = $0
    if (forbid != "" && $0 ~ forbid && forbidden == "")
        forbidden = $0
}
END {
    if (k <= nw) {
        print "run-qemu: FAIL " name ": expected line " k " never came (in order): " want[k]
        bad = 1
    }
    if (exact != "") {
        ne = 0
        for (i = 1; i <= nw; i++)
            if (want[i] ~ exact)
                ew[++ne] = want[i]
        same = ne == ng
        for (i = 1; same && i <= ne; i++)
            same = ew[i] == got[i]
        if (!same) {
            line = ""
            for (i = 1; i <= ng && i <= 12; i++)
                line = line (i > 1 ? " | " : "") got[i]
            if (ng > 12)
                line = line " | ... (" ng " lines)"
            print "run-qemu: FAIL " name ": lines matching /" exact "/ were: " line
            bad = 1
        }
    }
    if (forbidden != "") {
        print "run-qemu: FAIL " name ": forbidden line: " forbidden
        bad = 1
    }
    exit bad
}' || fail=1

if [ $fail -ne 0 ]; then
    if [ -n "$tmp_log" ]; then
        echo "run-qemu: output of $name (first 40 lines):"
    else
        echo "run-qemu: output of $name (first 40 lines; all of it in $log):"
    fi
    head -n 40 "$log" | sed 's/^/    /'
    exit 1
fi
echo "run-qemu: ok $name: exit status $status, $# expected lines seen in order"
exit 0
