#!/bin/sh
# Run host unit test binaries (cmocka, TAP output); print per-test results
# and write "passed failed" counts to $UNIT_COUNTS if set.
# usage: run-unit-tests.sh DIR TEST...
set -u
dir=$1; shift
passed=0; failed=0
for t in "$@"; do
    out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$dir/$t" 2>&1)
    rc=$?
    p=$(printf '%s\n' "$out" | grep -c '^ok ')
    # cmocka reports a skipped test as "not ok N # SKIP name": not a failure.
    s=$(printf '%s\n' "$out" | grep -c '^not ok [0-9]* # SKIP')
    f=$(printf '%s\n' "$out" | grep '^not ok ' | grep -vc '^not ok [0-9]* # SKIP')
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1   # crashed (sanitizer report, abort) before reporting
    fi
    passed=$((passed + p)); failed=$((failed + f))
    if [ "$f" -ne 0 ]; then
        echo "unit: $t: $p passed, $f FAILED"
        printf '%s\n' "$out" | sed 's/^/    /'
    else
        skipped=""
        [ "$s" -ne 0 ] && skipped=", $s skipped"
        echo "unit: $t: $p passed$skipped"
    fi
done
[ -n "${UNIT_COUNTS:-}" ] && echo "$passed $failed" > "$UNIT_COUNTS"
[ "$failed" -eq 0 ]
