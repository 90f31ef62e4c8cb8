#!/bin/bash
# The README's test command. Installs what is missing, builds dpxe with clang
# under AddressSanitizer + UBSan (and the libFuzzer targets), and runs every
# suite: unit, e2e (pcap, namespaces, QEMU) and fuzz.
#
# Tests that need root, namespaces or QEMU skip (exit 77) where those are
# missing; with CI=true a skipped test fails the run, since CI has them all.
#
#   sudo tests/run-all.sh                 everything
#   tests/run-all.sh --suite unit         one suite (meson test arguments)
set -euo pipefail
cd "$(dirname "$0")/.."

tests/install-deps.sh --tests

build=${DPXE_TEST_BUILD:-build-test}
fuzz_seconds=${DPXE_FUZZ_SECONDS:-60}
opts=(-Db_sanitize=address,undefined -Db_lundef=false -Dfuzz=enabled
	-Dfuzz_seconds="$fuzz_seconds")
if [ -d "$build" ]; then
	CC=clang meson setup --reconfigure "$build" "${opts[@]}" >/dev/null
else
	CC=clang meson setup "$build" "${opts[@]}"
fi
meson compile -C "$build"

status=0
meson test -C "$build" --print-errorlogs "$@" || status=$?

# ThreadSanitizer over the provider runtime (its own build, ~1 minute);
# on a full run only, not when a suite or test was picked
tsan=""
if [ $# -eq 0 ]; then
	if tests/tsan/run-tsan.sh; then tsan="; tsan ok"; else tsan="; tsan FAILED"; status=1; fi
fi

# One closing line for people and CI, from meson's own log.
log="$build/meson-logs/testlog.json"
read -r passed failed skipped < <(python3 - "$log" <<'PY'
import json, sys
p = f = s = 0
for line in open(sys.argv[1]):
    r = json.loads(line)['result']
    if r in ('OK', 'EXPECTEDFAIL'):
        p += 1
    elif r == 'SKIP':
        s += 1
    else:
        f += 1
print(p, f, s)
PY
)
if [ "${CI:-}" = "true" ] && [ "$skipped" -gt 0 ]; then
	echo "CI: $skipped test(s) skipped; CI must run them all:"
	python3 - "$log" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r['result'] == 'SKIP':
        print('  skipped:', r['name'], '-', (r.get('stdout') or '').strip().splitlines()[-1:] )
PY
	status=1
fi
echo "tests: $passed passed, $failed failed, $skipped skipped$tsan"
exit "$status"
