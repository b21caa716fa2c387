#!/bin/sh
# Runs libFuzzer harnesses, FUZZ_PAR at a time, and prints each one's final
# figures (libFuzzer's last status line: executions, cov, ft, corpus; and
# its final stats).  Used by tests/fuzz/fuzz.mk:
#   run.sh test name...       committed corpus, then a bounded run
#                              (FUZZ_TEST_TIME s, at most FUZZ_TEST_RUNS runs)
#                              in a fresh work dir
#   run.sh campaign name...   FUZZ_RUNS_<name> (else FUZZ_RUNS) executions,
#                              new inputs kept in $FUZZ_DIR/work/<name>
# Environment: FUZZ_DIR (build/fuzz), FUZZ_PAR, FUZZ_MAX_LEN, FUZZ_FLAGS.
set -u
FUZZ_DIR=${FUZZ_DIR:-build/fuzz}
FUZZ_PAR=${FUZZ_PAR:-2}
FUZZ_MAX_LEN=${FUZZ_MAX_LEN:-2048}
FUZZ_FLAGS=${FUZZ_FLAGS:-}
mode=$1
shift

if [ "$mode" = one ]; then
    mode=$1 name=$2
    if [ "$mode" = test ]; then
        work=$FUZZ_DIR/test-work/$name
        rm -rf "$work"
        args="-max_total_time=${FUZZ_TEST_TIME:-10} -runs=${FUZZ_TEST_RUNS:-2000000}"
        log=$FUZZ_DIR/logs/$name-test.log
    else
        work=$FUZZ_DIR/work/$name
        runs=$(eval echo "\${FUZZ_RUNS_$name:-\${FUZZ_RUNS:-3000000}}")
        args="-runs=$runs"
        log=$FUZZ_DIR/logs/$name.log
    fi
    mkdir -p "$work" "$FUZZ_DIR/crash" "$FUZZ_DIR/logs"
    t0=$(date +%s)
    # shellcheck disable=SC2086
    "$FUZZ_DIR/bin/$name" "$work" "tests/fuzz/corpus/$name" -max_len="$FUZZ_MAX_LEN" -timeout=20 \
        -print_final_stats=1 -artifact_prefix="$FUZZ_DIR/crash/$name-" $args $FUZZ_FLAGS >"$log" 2>&1
    rc=$?
    t1=$(date +%s)
    {
        echo "== $name: $((t1 - t0)) s; $(grep -E '^#[0-9]+[[:space:]]+INITED' "$log" | head -1 | tr -s ' \t' ' ')"
        echo "   $(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 | tr -s ' \t' ' ')"
        grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$log" |
            sed 's/^/   /' | paste -sd' ' -
        if [ $rc -ne 0 ]; then
            echo "== $name FAILED (exit $rc), log: $log"
            grep -E 'pram-fuzz|ERROR: |SUMMARY|Test unit written' "$log" | head -12 | sed 's/^/   /'
        fi
    }
    exit $rc
fi

t0=$(date +%s)
printf '%s\n' "$@" | xargs -P "$FUZZ_PAR" -n 1 "$0" one "$mode"
rc=$?
echo "== $mode: $(($(date +%s) - t0)) s wall for $# harnesses, $FUZZ_PAR at a time"
[ $rc -eq 0 ] || echo "== $mode: FAILED (crash inputs in $FUZZ_DIR/crash, replay: make fuzz-replay FUZZ_INPUTS=...)"
exit $rc
