#!/bin/sh
# demo_crash_log_host.sh PROGRAM RAM-FILE
#
# Runs the host crash log (examples/crash_log/crash_log_host.c) five times on
# a fresh RAM-FILE, each run a boot, and prints what each saw:
#   1. segv  power-on; faults (SIGSEGV) in the middle of a log line
#   2. fpe   reports run 1's crash (fault, SIGSEGV, in fault_segv), acks,
#            faults (SIGFPE)
#   3. loop  reports run 2's crash, faults again before acking (crash loop)
#   4. none  still run 2's crash (the first is kept), 3 crashes counted, both
#            handler lines in the log; acks, exits marked
#   5. none  software (mark user 4), no crash
# Fails unless each run ended as intended (the signal's status, or 0) and
# printed the lines given for it.
set -u

[ $# -eq 2 ] || { echo "usage: $0 PROGRAM RAM-FILE" >&2; exit 2; }
prog=$1
ram=$2
out=$ram.out
rm -f "$ram"
ulimit -c 0 2>/dev/null # the crashes are the point: no core files

status=0
run() { # run N ARG EXPECTED-STATUS LINE-PATTERN...
    n=$1 arg=$2 want=$3
    shift 3
    echo "-- run $n: crash_log_host RAM $arg"
    "$prog" "$ram" "$arg" >"$out" 2>&1
    st=$?
    sed 's/^/   /' "$out"
    [ "$st" -eq 0 ] || echo "   (killed by a signal, exit status $st, as intended)"
    [ "$st" -eq "$want" ] || { echo "demo-crash-log: FAIL run $n: exit status $st, expected $want"; status=1; }
    for p in "$@"; do
        grep -q -- "$p" "$out" || { echo "demo-crash-log: FAIL run $n: no line matching: $p"; status=1; }
    done
}

run 1 segv 139 '^boot 1: power-on (cold); crashes 0, unexpected 0$'
run 2 fpe 136 '^boot 2: fault; crashes 1, unexpected 1$' '^crash: boot=1 signal=11 reason=PRECISERR: SIGSEGV, address 0x10$' \
    '(fault_segv+[0-9]*)$' '^log: fault PRECISERR .* addr=0x00000010 abandoned=1$'
run 3 loop 139 '^boot 3: fault; crashes 2, unexpected 2$' '^crash: boot=2 signal=8 reason=DIVBYZERO'
run 4 none 0 '^boot 4: fault; crashes 3, unexpected 3$' '^crash: boot=2 signal=8 reason=DIVBYZERO' \
    '^log: fault PRECISERR .* addr=0x00000010$' '^log: fault DIVBYZERO .* abandoned=1$' '^log: boot 2: step 40$'
run 5 none 0 '^boot 5: software (mark user 4); crashes 3, unexpected 3$'
grep -q '^crash:' "$out" && { echo "demo-crash-log: FAIL run 5: reported a crash after the ack"; status=1; }
rm -f "$out"
exit $status
