#!/bin/bash
# ThreadSanitizer over the provider runtime: async completion, sends and
# frees from provider threads, service control from the main thread while a
# worker dispatches. Builds only the suites that exercise those (the wdspxe
# runtime suite with its test providers, and the provider suites) with
# -Db_sanitize=thread in its own build directory, and runs them; any report
# fails the run. Called by tests/run-all.sh; about a minute from scratch.
#
#   tests/tsan/run-tsan.sh            (DPXE_TSAN_BUILD=dir to move the build)
#
# DPDK's rte_ring is compiled with RTE_USE_C11_MEM_MODEL here: its default
# x86 code orders the ring with compiler barriers and plain accesses, which
# is correct on x86 but invisible to TSan (every hand-over through a ring,
# e.g. a reply mbuf from a provider thread to the worker, would be reported
# as a race). The C11 variant is DPDK's own, the same ring layout and
# protocol in __atomic operations TSan understands; it changes nothing but
# how the inline ring functions compiled into dpxe are written. One gap of
# that variant, in its multi-producer path, is suppressed with the reason in
# tests/tsan/suppressions.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."

build=${DPXE_TSAN_BUILD:-build-tsan}
if ! command -v clang >/dev/null; then
	echo "tsan: clang not found (tests/install-deps.sh installs it)" >&2
	exit 1
fi
opts=(-Db_sanitize=thread -Db_lundef=false -Dc_args=-DRTE_USE_C11_MEM_MODEL)
if [ -d "$build" ]; then
	CC=clang meson setup --reconfigure "$build" "${opts[@]}" >/dev/null
else
	CC=clang meson setup "$build" "${opts[@]}" >/dev/null
fi
# only what the suites need: their executables and the .so they dlopen()
targets=(tests/test_wdspxe_runtime tests/libwds_testprov.so tests/libwds_hostile.so
	tests/libwds_noexport.so tests/test_provider_bootfile tests/test_provider_filter
	tests/test_provider_sample)
timeout 600 ninja -C "$build" "${targets[@]}" >"$build/tsan-build.log" 2>&1 ||
	{ tail -30 "$build/tsan-build.log" >&2; echo "tsan: build failed" >&2; exit 1; }

status=0
for t in test_wdspxe_runtime test_provider_bootfile test_provider_filter test_provider_sample; do
	log=$build/tsan-$t.log
	# halt_on_error: the first report fails the suite, with its stacks
	if TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 suppressions=$PWD/tests/tsan/suppressions.txt" \
		timeout 300 "$build/tests/$t" >"$log" 2>&1 &&
		! grep -q "WARNING: ThreadSanitizer" "$log"; then
		echo "tsan: $t ok ($(sed -n 's/.*PASSED *\] *//p' "$log" | tail -1))"
	else
		echo "tsan: $t FAILED (log: $log)" >&2
		grep -A40 "WARNING: ThreadSanitizer\|FAILED\|ERROR" "$log" | head -80 >&2
		status=1
	fi
done
exit $status
