#!/bin/sh
# Everything `make test` runs, ending with one summary line.
# PYTEST_ARGS (environment) is passed to pytest, e.g. "-k smp" or "-m 'not linux'".
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
mkdir -p "$BUILD/test-results"

echo "== host unit tests =="
UNIT_COUNTS="$BUILD/test-results/unit.counts" make --no-print-directory unit
unit_rc=$?
read -r unit_pass unit_fail < "$BUILD/test-results/unit.counts" 2>/dev/null || { unit_pass=0; unit_fail=1; }
[ "$unit_rc" -ne 0 ] && [ "$unit_fail" -eq 0 ] && unit_fail=1   # build failure

echo "== integration tests (QEMU) =="
/usr/bin/python3 -m pytest tests/integration -ra --junitxml="$BUILD/test-results/integration.xml" ${PYTEST_ARGS:-}
int_rc=$?
counts=$(/usr/bin/python3 - "$BUILD/test-results/integration.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except Exception:
    print("0 1 0"); sys.exit()
suites = [root] if root.tag == "testsuite" else list(root)
t = sum(int(s.get("tests", 0)) for s in suites)
f = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
s = sum(int(s.get("skipped", 0)) for s in suites)
print(t - f - s, f, s)
PY
)
set -- $counts
int_pass=$1; int_fail=$2; int_skip=$3
[ "$int_rc" -ne 0 ] && [ "$int_rc" -ne 5 ] && [ "$int_fail" -eq 0 ] && int_fail=1

total_pass=$((unit_pass + int_pass)); total_fail=$((unit_fail + int_fail))
echo
echo "SUMMARY: $total_pass passed, $total_fail failed, $int_skip skipped" \
     "(unit: $unit_pass passed, $unit_fail failed; integration: $int_pass passed, $int_fail failed, $int_skip skipped)"
[ "$total_fail" -eq 0 ]
