#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# The dpxe binary's --check-config contract, as scripts and CI use it:
# exit 0 and the effective config on stdout for a good file; exit 2 and one
# "file:line:col: path: message" line on stderr for a bad one; the same
# whether dpxe's options come alone or after EAL options and "--".
# Usage: test_check_config.sh path/to/dpxe   (run from the source root)
set -u
dpxe=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# expect STATUS STDERR-REGEX -- ARGS...
expect() {
	want=$1 pattern=$2
	shift 3
	"$dpxe" "$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	[ "$got" -eq "$want" ] || fail "dpxe $*: exit $got, expected $want"
	if [ -n "$pattern" ] && ! grep -Eq "$pattern" "$tmp/err"; then
		fail "dpxe $*: stderr does not match /$pattern/:"
		cat "$tmp/err"
	fi
}

bad=tests/data/config/bad-burst.yaml
line="^$bad:14:10: dataplane\\.burst: expected an integer from 1 to 512, got \"abc\"\$"

expect 2 "$line" -- --check-config "$bad"
[ -s "$tmp/out" ] && fail "nothing may go to stdout for a bad file"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "the error must be one line"

# dpxe's options after EAL's and "--", in either order.
expect 2 "$line" -- -l 1 --no-huge -- --check-config "$bad"
expect 2 "$line" -- -l 1 -- -c "$bad" --check-config
expect 2 "$line" -- -- --check-config="$bad"

expect 2 "^$bad-missing: cannot open the configuration: No such file" \
	-- --check-config "$bad-missing"
expect 2 "^tests/data/config/bad-syntax.yaml:7:14: invalid YAML: mapping values" \
	-- --check-config tests/data/config/bad-syntax.yaml

for good in config/default.yaml config/proxy.yaml config/dhcp.yaml; do
	expect 0 "" -- --check-config "$good"
	[ -s "$tmp/err" ] && fail "$good: stderr not empty: $(cat "$tmp/err")"
	grep -q '^dataplane:' "$tmp/out" || fail "$good: no config printed"
	# The printed configuration is itself a valid one.
	cp "$tmp/out" "$tmp/printed.yaml"
	expect 0 "" -- --check-config "$tmp/printed.yaml"
done

expect 0 "" -- --help
grep -q -- '--check-config' "$tmp/out" || fail "--help lacks --check-config"
expect 2 'unknown option "--bogus"' -- --bogus
expect 2 'EAL options go before "--"' -- -l 1 --check-config "$bad"
expect 2 'needs a value' -- -- -c
expect 2 'no configuration file' -- --check-config

[ "$failures" -eq 0 ] && echo "ok: check-config contract"
exit "$failures"
