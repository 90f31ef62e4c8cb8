#!/bin/bash
# Run a libFuzzer target for a bounded time from a seed corpus of real
# captured frames (tests/data/clients/*.pcap) plus hand-made shapes.
# Fails on any crash, sanitizer report, leak or timeout the fuzzer finds.
# usage: run-fuzz.sh FUZZER SECONDS SEED_PCAP...
#        run-fuzz.sh FUZZER SECONDS --files SEED_FILE...  (seeds used whole)
set -euo pipefail
fuzzer=$1 seconds=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/artifacts"

if [ "${1:-}" = "--files" ]; then
	shift
	cp "$@" "$work/corpus/"
	echo "run-fuzz: $# seed files"
else
# Every frame of every pcap becomes one seed file (classic pcap, any endianness).
python3 - "$work/corpus" "$@" <<'PY'
import struct, sys, os
out = sys.argv[1]
n = 0
for path in sys.argv[2:]:
    data = open(path, 'rb').read()
    magic = data[:4]
    if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'):
        e = '<'
    elif magic in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
        e = '>'
    else:
        sys.exit(f'{path}: not a classic pcap file')
    off = 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(e + 'IIII', data[off:off + 16])
        off += 16
        with open(os.path.join(out, f'seed-{n:04d}'), 'wb') as f:
            f.write(data[off:off + incl])
        n += 1
        off += incl
print(f'run-fuzz: {n} seed frames from {len(sys.argv) - 2} pcap files')
PY
fi

# -timeout: one input taking over 5 s is a hang; -rss_limit_mb bounds memory.
"$fuzzer" "$work/corpus" -max_total_time="$seconds" -timeout=5 \
	-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
	2>&1 | tail -n 25
status=${PIPESTATUS[0]}
if ls "$work/artifacts/"* >/dev/null 2>&1; then
	echo "run-fuzz: FAILED, reproducers:"
	for a in "$work/artifacts/"*; do echo "  $a"; xxd "$a" | head -20; done
	exit 1
fi
exit "$status"
