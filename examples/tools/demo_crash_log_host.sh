#!/bin/sh
# demo_crash_log_host.sh PROGRAM RAM-FILE
#
# Runs the host crash log (examples/crash_log/crash_log_host.c) four times on
# a fresh RAM-FILE, each run a boot:
#   1. segv  faults (SIGSEGV)
#   2. fpe   reports run 1's crash, then faults (SIGFPE)
#   3. none  reports run 2's crash
#   4. none  finds nothing to report
# and prints what each run saw.  Fails unless each run died of the intended
# signal (or exited 0) and each report names the previous run's signal.
set -u

[ $# -eq 2 ] || { echo "usage: $0 PROGRAM RAM-FILE" >&2; exit 2; }
prog=$1
ram=$2
out=$ram.out
rm -f "$ram"
# The crashes are the point: no core files left behind.
ulimit -c 0 2>/dev/null

status=0
run() { # run N ARG EXPECTED-STATUS WHAT EXPECTED-LINE
    echo "-- run $1: crash_log_host $ram $2"
    "$prog" "$ram" "$2" >"$out" 2>&1
    st=$?
    sed 's/^/   /' "$out"
    if [ "$st" -ne "$3" ]; then
        echo "demo-crash-log: FAIL run $1: exit status $st, expected $3 ($4)"
        status=1
    elif [ "$st" -ne 0 ]; then
        echo "   (killed by $4, exit status $st, as intended)"
    fi
    if ! grep -q "$5" "$out"; then
        echo "demo-crash-log: FAIL run $1: no line matching: $5"
        status=1
    fi
}

run 1 segv 139 SIGSEGV 'boot 1: no crash recorded'
run 2 fpe 136 SIGFPE 'boot 2: crash in boot 1 .*SIGSEGV'
run 3 none 0 "" 'boot 3: crash in boot 2 .*SIGFPE'
run 4 none 0 "" 'boot 4: no crash recorded'
rm -f "$out"
exit $status
