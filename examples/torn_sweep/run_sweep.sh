#!/bin/sh
# run_sweep.sh [-t SECONDS] [-q QEMU] MACHINE SHIFT ELF LOG
#
# Runs the torn-write sweep firmware on qemu-system-arm -M MACHINE with
# -icount shift=SHIFT (deterministic cuts need instruction counting), keeps
# QEMU's output in LOG and prints the firmware's table.  Passes only if QEMU
# exited 0 within the time limit AND the firmware printed its PASS line: exit
# status 0 alone would also come from a run that ended some other way.
# Guest resets stay resets (no -no-reboot: that would end the run at the
# first cut with status 0).
set -u

limit=300
qemu=${QEMU:-qemu-system-arm}
while getopts t:q: opt; do
    case $opt in
    t) limit=$OPTARG ;;
    q) qemu=$OPTARG ;;
    *) echo "usage: $0 [-t SECONDS] [-q QEMU] MACHINE SHIFT ELF LOG" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ $# -eq 4 ] || { echo "usage: $0 [-t SECONDS] [-q QEMU] MACHINE SHIFT ELF LOG" >&2; exit 2; }
machine=$1 shift_n=$2 elf=$3 log=$4

[ -f "$elf" ] || { echo "torn-sweep: $elf: no such file" >&2; exit 2; }
command -v "$qemu" >/dev/null 2>&1 || { echo "torn-sweep: $qemu not found (make deps)" >&2; exit 2; }

start=$(date +%s)
# stdin from /dev/null: -nographic would otherwise leave a terminal in raw
# mode if the time limit kills QEMU.
# tb-size=16 (MiB of translated code): every reset reloads the image and
# QEMU translates it again; with its default buffer (1 GiB) a sweep's QEMU
# grew to 1.2 GB resident and ran about 15 % slower (page zeroing), with 16
# it stays near 60 MB.
timeout "$limit" "$qemu" -M "$machine" -accel tcg,tb-size=16 -nographic -icount shift="$shift_n" \
    -semihosting-config enable=on,target=native -kernel "$elf" </dev/null >"$log" 2>&1
status=$?
secs=$(($(date +%s) - start))

echo "== torn-write sweep on QEMU $machine, -icount shift=$shift_n: ${secs}s, QEMU exit status $status"
# The per-operation lines stay in the log; the table says the same.
tr -d '\r' <"$log" | grep -v '^torn_sweep: op ' | sed 's/^/   /'
if [ $status -eq 124 ]; then
    echo "torn-sweep: FAIL $machine: still running after ${limit}s (log: $log)"
    exit 1
fi
if [ $status -ne 0 ]; then
    echo "torn-sweep: FAIL $machine: QEMU exit status $status (log: $log)"
    exit 1
fi
if ! tr -d '\r' <"$log" | grep -qx 'torn_sweep: PASS'; then
    echo "torn-sweep: FAIL $machine: exit status 0 without the firmware's PASS line (log: $log)"
    exit 1
fi
exit 0
