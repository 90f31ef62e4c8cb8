# tests/netns/lib.sh: shared by the 'netns' suite's tests (bash, sourced).
#
# Each test gets two network namespaces of its own, joined by a veth pair:
#   $NS_S (server): $IF_S, driven by dpxe's af_packet PMD; no kernel address,
#                   so only dpxe answers (ARP included) on it.
#   $NS_C (client): $IF_C ($MAC_C), where the real clients run.
# Names carry the test's pid so tests may run in parallel with other suites.
# Nothing leaves the namespaces. An EXIT trap stops every process the test
# started, deletes both namespaces (and so the veth pair), DPDK's runtime dir
# for our --file-prefix and the temp dir, on success, failure or signal.
#
# Exit codes: 0 pass, 1 fail (with a message), 77 skip (meson: SKIP).

set -Eeuo pipefail

NETNS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC_ROOT=$(cd "$NETNS_DIR/../.." && pwd)
PY=/usr/bin/python3      # Debian's python3, where python3-scapy lives

# What tests/data/netns/proxy.yaml says; the tests compare replies with these.
SRV_IP=10.79.0.1
CLI_IP=10.79.0.50
EXP_BIOS_FILE=netns-bios.kpxe
EXP_BIOS_SIADDR=10.79.0.1
EXP_UEFI_FILE=netns-uefi.efi
EXP_UEFI_SIADDR=10.79.0.7
EXP_IPXE_URL=http://10.79.0.1/netns.ipxe
MAC_C=02:79:00:00:00:02

TEST_NAME=$(basename "$0" .sh)
log()  { printf '[%s] %s\n' "$TEST_NAME" "$*" >&2; }
fail() { printf '[%s] FAIL: %s\n' "$TEST_NAME" "$*" >&2; exit 1; }
skip() { printf '[%s] SKIP: %s\n' "$TEST_NAME" "$*" >&2; exit 77; }
pass() { printf '[%s] PASS (%d s)\n' "$TEST_NAME" "$SECONDS"; exit 0; }

# ---------------------------------------------------------------- skip checks
# netns_require DPXE TOOL...: skip unless root, ip netns works and the tools
# exist; fail if the dpxe binary is missing.
netns_require() {
	local dpxe=$1 t; shift
	[[ $(id -u) -eq 0 ]] || skip "needs root (network namespaces)"
	command -v ip >/dev/null 2>&1 || skip "no ip(8) (iproute2)"
	ip netns list >/dev/null 2>&1 || skip "ip netns unavailable"
	[[ -x $dpxe ]] || fail "dpxe binary not found: $dpxe"
	for t in timeout "$@"; do
		if [[ $t == scapy ]]; then
			$PY -c 'import scapy.all' >/dev/null 2>&1 ||
				skip "no python3-scapy for $PY (tests/install-deps.sh --tests)"
		else
			command -v "$t" >/dev/null 2>&1 && continue
			[[ $t == ethtool ]] && skip "no ethtool (apt-get install ethtool)"
			skip "no $t (tests/install-deps.sh --tests)"
		fi
	done
	DPXE=$(cd "$(dirname "$dpxe")" && pwd)/$(basename "$dpxe")
}

# ---------------------------------------------------------------- cleanup
PIDS=()
NS_S=dpxe-nt$$-s
NS_C=dpxe-nt$$-c
IF_S=dnt$$s
IF_C=dnt$$c
FILE_PREFIX=dpxe-netns-$$
TMP=

source "$SRC_ROOT/tests/lib/proc.sh"  # kill_pid

netns_cleanup() {
	local rc=$? p ns
	set +e
	trap - EXIT INT TERM
	for p in "${PIDS[@]}"; do kill_pid "$p"; done
	for ns in "$NS_C" "$NS_S"; do
		if ip netns list 2>/dev/null | grep -qw "^$ns"; then
			# anything left in our own namespaces was started by us
			for p in $(ip netns pids "$ns" 2>/dev/null); do kill_pid "$p"; done
			ip netns del "$ns" 2>/dev/null
		fi
	done
	ip link del "$IF_S" 2>/dev/null
	ip link del "$IF_C" 2>/dev/null
	rm -rf "/var/run/dpdk/$FILE_PREFIX"
	if [[ $rc -ne 0 && $rc -ne 77 && -n $TMP && -d $TMP ]]; then
		# show what the server said, to explain the failure
		[[ -s $TMP/dpxe.log ]] && { log "dpxe log:"; tail -30 "$TMP/dpxe.log" >&2; }
	fi
	if [[ -n ${KEEP_TMP:-} && -n $TMP ]]; then log "temp dir kept: $TMP"
	elif [[ -n $TMP ]]; then rm -rf "$TMP"; fi
	exit "$rc"
}

# ---------------------------------------------------------------- topology
ns_s() { ip netns exec "$NS_S" "$@"; }
ns_c() { ip netns exec "$NS_C" "$@"; }

netns_setup() {
	trap netns_cleanup EXIT
	trap 'exit 130' INT
	trap 'fail "killed by SIGTERM (test timeout?)"' TERM
	TMP=$(mktemp -d "/tmp/dpxe-netns-$TEST_NAME.XXXXXX")
	local ns owner p
	# Namespaces of an earlier test that was SIGKILLed (no cleanup): their
	# name carries the test's pid; remove them once that pid is gone.
	for ns in $(ip netns list 2>/dev/null | awk '/^dpxe-nt[0-9]+-[sc]( |$)/ { print $1 }'); do
		owner=${ns#dpxe-nt}; owner=${owner%-*}
		kill -0 "$owner" 2>/dev/null && continue
		log "removing stale namespace $ns"
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill_pid "$p"; done
		ip netns del "$ns" 2>/dev/null || true
		rm -rf "/var/run/dpdk/dpxe-netns-$owner"
	done
	ip netns add "$NS_S" || skip "cannot create a network namespace"
	ip netns add "$NS_C" || skip "cannot create a network namespace"
	for ns in "$NS_S" "$NS_C"; do
		# no IPv6 chatter (RS/MLD/DAD) on the test link
		# (through /proc, not sysctl(8): procps may be absent; no IPv6: fine)
		ip netns exec "$ns" sh -c 'for f in all default; do
			echo 1 >/proc/sys/net/ipv6/conf/$f/disable_ipv6; done' 2>/dev/null || true
		ip -n "$ns" link set lo up
	done
	ip link add "$IF_S" netns "$NS_S" type veth \
		peer name "$IF_C" netns "$NS_C" address "$MAC_C"
	ip -n "$NS_S" link set "$IF_S" up
	ip -n "$NS_C" link set "$IF_C" up
	# veth TX checksum offload leaves kernel UDP with partial checksums,
	# which dpxe (rightly) rejects: make the client send full checksums.
	# (Only kernel sockets need it: tests using one require ethtool.)
	if command -v ethtool >/dev/null 2>&1; then
		ns_c ethtool -K "$IF_C" tx off >/dev/null
	fi
}

# ---------------------------------------------------------------- dpxe
DPXE_PID=
# netns_config QUEUES: write $TMP/dpxe.yaml from tests/data/netns/proxy.yaml
netns_config() {
	sed -e "s/@IFACE@/$IF_S/g" -e "s/@QUEUES@/$1/g" \
		"$SRC_ROOT/tests/data/netns/proxy.yaml" >"$TMP/dpxe.yaml"
	"$DPXE" --check-config "$TMP/dpxe.yaml" >/dev/null ||
		fail "dpxe rejects the test configuration $TMP/dpxe.yaml"
}

# start_dpxe LCORES: start dpxe in $NS_S on $TMP/dpxe.yaml, wait until it
# serves (at most 30 s; ASan builds start slowly).
start_dpxe() {
	local lcores=$1 n_workers i
	n_workers=$(awk -F, '{ print NF }' <<<"$lcores")
	# not through ns_s: $! must be the process itself, not a subshell
	ip netns exec "$NS_S" timeout -k 5 "${DPXE_TIMEOUT:-300}" "$DPXE" --no-huge -m 512 --no-pci \
		-l "$lcores" --file-prefix "$FILE_PREFIX" -- \
		-c "$TMP/dpxe.yaml" --stats-json "$TMP/stats.json" \
		>"$TMP/dpxe.log" 2>&1 &
	DPXE_PID=$!; PIDS+=("$DPXE_PID")
	for i in $(seq 300); do
		if grep -q "serving .* with $n_workers worker(s)" "$TMP/dpxe.log"; then
			log "dpxe serving ($n_workers worker(s)) on $IF_S"
			return 0
		fi
		kill -0 "$DPXE_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$TMP/dpxe.log" >&2
	fail "dpxe did not start serving with $n_workers worker(s) within 30 s"
}

# stop_dpxe: SIGTERM, expect exit status 0 within 20 s and the stats file.
stop_dpxe() {
	local i rc
	kill -TERM "$DPXE_PID" 2>/dev/null || fail "dpxe died before SIGTERM"
	for i in $(seq 200); do kill -0 "$DPXE_PID" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$DPXE_PID" 2>/dev/null && fail "dpxe still running 20 s after SIGTERM"
	rc=0; wait "$DPXE_PID" || rc=$?
	[[ $rc -eq 0 ]] || { cat "$TMP/dpxe.log" >&2; fail "dpxe exited $rc on SIGTERM (expected 0)"; }
	grep -q '^dpxe stats:' "$TMP/dpxe.log" || fail "dpxe printed no stats on exit"
	if grep -qE 'runtime error|Sanitizer' "$TMP/dpxe.log"; then
		cat "$TMP/dpxe.log" >&2
		fail "dpxe reported a sanitizer error"
	fi
	[[ -s $TMP/stats.json ]] || fail "dpxe wrote no --stats-json file"
	log "dpxe exited 0 on SIGTERM"
}

# stat EXPR: a value from the stats JSON, e.g. stat 'j["total"]["replies"]["OFFER"]'
stat() {
	$PY -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
		"$TMP/stats.json" "$1"
}

# expect_stat EXPR OP VALUE WHAT: assert on the stats JSON
expect_stat() {
	local v
	v=$(stat "$1") || fail "stats JSON has no $1"
	if ! test "$v" "$2" "$3"; then
		fail "$4: stats $1 = $v, expected $2 $3"
	fi
	log "ok: $4 ($1 = $v)"
}

# expect_eq GOT WANT WHAT
expect_eq() {
	[[ $1 == "$2" ]] || fail "$3: got '$1', expected '$2'"
	log "ok: $3 = $1"
}

# ---------------------------------------------------------------- capture
CAP_PID=
# start_capture FILE: tcpdump of DHCP in the client namespace
start_capture() {
	local i
	ip netns exec "$NS_C" timeout -k 5 120 tcpdump -i "$IF_C" -nn -U -s 0 -w "$1" \
		'udp port 67 or udp port 68 or udp port 4011' >"$TMP/tcpdump.log" 2>&1 &
	CAP_PID=$!; PIDS+=("$CAP_PID")
	for i in $(seq 100); do
		grep -q 'listening on' "$TMP/tcpdump.log" && return 0
		sleep 0.1
	done
	fail "tcpdump did not start: $(cat "$TMP/tcpdump.log")"
}
stop_capture() {
	sleep 0.5       # let the last frames land
	kill_pid "$CAP_PID"
}
