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

# What tests/data/netns-dhcp/dhcp.yaml says (full DHCP mode); keep in step.
DHCP_POOL_START=10.79.0.100
DHCP_POOL_END=10.79.0.149
DHCP_ROUTER=10.79.0.254
DHCP_DNS="10.79.0.53 10.79.0.54"
DHCP_DOMAIN=netns.test
DHCP_LEASE_TIME=600
DHCP_RENEW_TIME=300
DHCP_REBIND_TIME=525
DHCP_FLUSH_MS=100
RELAY_IP=10.80.0.1          # the relay's client-side address: giaddr
RELAY_UP_IP=10.79.0.2       # the relay's address towards dpxe
RELAY_POOL_START=10.80.0.100
RELAY_POOL_END=10.80.0.149
RELAY_LEASE_TIME=900

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
NS_R=                   # netns_setup relay: the relay's namespace
IF_RS=dnt$$rs           # relay side of dpxe's veth (netns_setup relay)
IF_RC=dnt$$rc           # relay side of the client's veth (netns_setup relay)
FILE_PREFIX=dpxe-netns-$$
TMP=

source "$SRC_ROOT/tests/lib/proc.sh"  # kill_pid

netns_cleanup() {
	local rc=$? p ns
	set +e
	trap - EXIT INT TERM
	for p in "${PIDS[@]}"; do kill_pid "$p"; done
	for ns in "$NS_C" "$NS_S" ${NS_R:+"$NS_R"}; do
		if ip netns list 2>/dev/null | grep -qw "^$ns"; then
			# anything left in our own namespaces was started by us
			for p in $(ip netns pids "$ns" 2>/dev/null); do kill_pid "$p"; done
			ip netns del "$ns" 2>/dev/null
		fi
	done
	ip link del "$IF_S" 2>/dev/null
	ip link del "$IF_C" 2>/dev/null
	ip link del "$IF_RS" 2>/dev/null
	ip link del "$IF_RC" 2>/dev/null
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
ns_r() { ip netns exec "$NS_R" "$@"; }

# netns_setup [relay]: the namespaces and veths of the test.
#   (default)  $NS_S $IF_S ---- $IF_C $NS_C
#   relay      $NS_S $IF_S ---- $IF_RS $NS_R $IF_RC ---- $IF_C $NS_C
#              with a third namespace $NS_R for a DHCP relay: $IF_RS holds
#              $RELAY_UP_IP/24 (dpxe's link), $IF_RC $RELAY_IP/24 (the
#              clients' link, giaddr); nothing is routed between them.
netns_setup() {
	local topo=${1:-direct}
	trap netns_cleanup EXIT
	trap 'exit 130' INT
	trap 'fail "killed by SIGTERM (test timeout?)"' TERM
	TMP=$(mktemp -d "/tmp/dpxe-netns-$TEST_NAME.XXXXXX")
	local ns owner p
	# Namespaces of an earlier test that was SIGKILLed (no cleanup): their
	# name carries the test's pid; remove them once that pid is gone.
	for ns in $(ip netns list 2>/dev/null | awk '/^dpxe-nt[0-9]+-[scr]( |$)/ { print $1 }'); do
		owner=${ns#dpxe-nt}; owner=${owner%-*}
		kill -0 "$owner" 2>/dev/null && continue
		log "removing stale namespace $ns"
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill_pid "$p"; done
		ip netns del "$ns" 2>/dev/null || true
		rm -rf "/var/run/dpdk/dpxe-netns-$owner"
	done
	[[ $topo == relay ]] && NS_R=dpxe-nt$$-r
	for ns in "$NS_S" "$NS_C" ${NS_R:+"$NS_R"}; do
		ip netns add "$ns" || skip "cannot create a network namespace"
	done
	for ns in "$NS_S" "$NS_C" ${NS_R:+"$NS_R"}; do
		# no IPv6 chatter (RS/MLD/DAD) on the test link
		# (through /proc, not sysctl(8): procps may be absent; no IPv6: fine)
		ip netns exec "$ns" sh -c 'for f in all default; do
			echo 1 >/proc/sys/net/ipv6/conf/$f/disable_ipv6; done' 2>/dev/null || true
		ip -n "$ns" link set lo up
	done
	if [[ $topo == relay ]]; then
		ip link add "$IF_S" netns "$NS_S" type veth \
			peer name "$IF_RS" netns "$NS_R"
		ip link add "$IF_RC" netns "$NS_R" type veth \
			peer name "$IF_C" netns "$NS_C" address "$MAC_C"
		ip -n "$NS_R" addr add "$RELAY_UP_IP/24" dev "$IF_RS"
		ip -n "$NS_R" addr add "$RELAY_IP/24" dev "$IF_RC"
		ip -n "$NS_R" link set "$IF_RS" up
		ip -n "$NS_R" link set "$IF_RC" up
		# the relay's kernel sends to dpxe: full checksums (see below)
		if command -v ethtool >/dev/null 2>&1; then
			ns_r ethtool -K "$IF_RS" tx off >/dev/null
			ns_r ethtool -K "$IF_RC" tx off >/dev/null
		fi
	else
		ip link add "$IF_S" netns "$NS_S" type veth \
			peer name "$IF_C" netns "$NS_C" address "$MAC_C"
	fi
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
# netns_config QUEUES [TEMPLATE]: write $TMP/dpxe.yaml from TEMPLATE
# (default tests/data/netns/proxy.yaml; tests/data/netns-dhcp/dhcp.yaml for
# full DHCP mode, whose lease journal is then $JOURNAL).
JOURNAL=
netns_config() {
	local tpl=${2:-$SRC_ROOT/tests/data/netns/proxy.yaml}
	JOURNAL=$TMP/leases.journal
	sed -e "s/@IFACE@/$IF_S/g" -e "s/@QUEUES@/$1/g" -e "s#@JOURNAL@#$JOURNAL#g" \
		"$tpl" >"$TMP/dpxe.yaml"
	"$DPXE" --check-config "$TMP/dpxe.yaml" >/dev/null ||
		fail "dpxe rejects the test configuration $TMP/dpxe.yaml"
}

# start_dpxe LCORES: start dpxe in $NS_S on $TMP/dpxe.yaml, wait until it
# serves (at most 30 s; ASan builds start slowly).
start_dpxe() {
	local lcores=$1 n_workers i
	n_workers=$(awk -F, '{ print NF }' <<<"$lcores")
	# not through ns_s: $! must be the process itself, not a subshell.
	# timeout(1) also starts its -k timer when it forwards our SIGTERM:
	# longer than stop_dpxe's 20 s, so that bound is the one that rules.
	ip netns exec "$NS_S" timeout -k 25 "${DPXE_TIMEOUT:-300}" "$DPXE" --no-huge -m 512 --no-pci \
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
	local i rc t0=${EPOCHREALTIME/./}
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
	log "dpxe exited 0 on SIGTERM (after $(((${EPOCHREALTIME/./} - t0) / 1000)) ms)"
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
# start_capture FILE [NS IFACE]: tcpdump of DHCP, by default on the client's
# interface in the client namespace
start_capture() {
	local i
	ip netns exec "${2:-$NS_C}" timeout -k 5 120 tcpdump -i "${3:-$IF_C}" -nn -U -s 0 -w "$1" \
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

# ---------------------------------------------------------------- full DHCP mode
# dhcp_config QUEUES: $TMP/dpxe.yaml from tests/data/netns-dhcp/dhcp.yaml
# (server.mode dhcp, lease journal $JOURNAL)
dhcp_config() {
	netns_config "$1" "$SRC_ROOT/tests/data/netns-dhcp/dhcp.yaml"
}

# ip_in_range IP START END: true when START <= IP <= END
ip2int() {
	local a b c d
	IFS=. read -r a b c d <<<"$1"
	[[ -n $d ]] || return 1
	echo $(((a << 24) | (b << 16) | (c << 8) | d))
}
ip_in_range() {
	local ip lo hi
	ip=$(ip2int "$1") && lo=$(ip2int "$2") && hi=$(ip2int "$3") || return 1
	((lo <= ip && ip <= hi))
}
# expect_in_pool IP START END WHAT
expect_in_pool() {
	ip_in_range "$1" "$2" "$3" || fail "$4: $1 is not in the pool $2-$3"
	log "ok: $4 = $1 (in $2-$3)"
}

# dpxe_real_pid: the dpxe process itself ($DPXE_PID is timeout(1), which
# forwards SIGTERM but would leave dpxe running if it were SIGKILLed)
dpxe_real_pid() {
	local p
	for p in $(cat "/proc/$DPXE_PID/task/$DPXE_PID/children" 2>/dev/null); do
		[[ $(cat "/proc/$p/comm" 2>/dev/null) == dpxe ]] && { echo "$p"; return 0; }
	done
	return 1
}

# kill9_dpxe: SIGKILL dpxe itself (a crash: no drain, no journal close),
# wait until it is gone (at most 10 s), reap timeout(1)
kill9_dpxe() {
	local p i
	p=$(dpxe_real_pid) || fail "no dpxe process under $DPXE_PID to kill"
	{       # stderr: not bash's "Killed" notice for the job
		kill -KILL "$p"
		for i in $(seq 100); do
			kill -0 "$p" || break
			sleep 0.1
		done
		wait "$DPXE_PID" || true
	} 2>/dev/null
	kill -0 "$p" 2>/dev/null && fail "dpxe ($p) still there 10 s after SIGKILL"
	log "dpxe ($p) killed with SIGKILL"
}

# journal_records: the lease journal's records, one a line
# ("SEQ TYPE MAC IP SUBNET/PREFIX EXPIRY"); fails on a bad header or record
journal_records() {
	[[ -s $JOURNAL ]] || fail "no lease journal $JOURNAL (or it is empty)"
	$PY "$NETNS_DIR/lease_journal.py" "$JOURNAL" ||
		fail "lease journal $JOURNAL is not well formed (see above)"
}

# expect_journal_bind MAC IP SUBNET/PREFIX: the lease journal (logged, and
# left in $TMP/journal.txt) has a bind of IP to MAC in that subnet
expect_journal_bind() {
	journal_records >"$TMP/journal.txt"
	sed 's/^/    journal: /' "$TMP/journal.txt" >&2
	grep -q " bind $1 $2 $3 " "$TMP/journal.txt" ||
		fail "the journal has no bind of $2 to $1 in $3"
}

# dhcp_client SECONDS MODE [ARGS]: dhcp_client.py MODE in the client
# namespace against dpxe (its leases kept in $TMP/leases.json), within
# SECONDS; the last 40 lines of its output go to the log, a failure fails
dhcp_client() {
	local secs=$1 mode=$2 rc=0; shift 2
	ns_c timeout -k 5 "$secs" "$PY" "$NETNS_DIR/dhcp_client.py" "$mode" --iface "$IF_C" \
		--server "$SRV_IP" --state "$TMP/leases.json" "$@" \
		>"$TMP/client-$mode.log" 2>&1 || rc=$?
	sed 's/^/    /' "$TMP/client-$mode.log" | tail -40 >&2
	[[ $rc -eq 0 ]] || fail "dhcp_client.py $mode $* failed (exit $rc)"
}

# stats_dump: the non-zero counters of the stats JSON, for the log
stats_dump() {
	$PY - "$TMP/stats.json" <<'PYEOF' >&2 || true
import json, sys
def walk(p, v):
    if isinstance(v, dict):
        for k, x in v.items():
            walk(f"{p}.{k}" if p else k, x)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            walk(f"{p}[{i}]", x)
    elif v:
        print(f"    {p} = {v}")
walk("", json.load(open(sys.argv[1]))["total"])
PYEOF
}

# ---------------------------------------------------------------- capture checks
# pcap_count PCAP FILTER: how many packets match the display filter
pcap_count() {
	tshark -r "$1" -Y "$2" 2>/dev/null | wc -l
}
# pcap_fields PCAP FILTER FIELD...: the fields of the first matching packet,
# '|' between fields, ',' between repeated values; empty when none matches
pcap_fields() {
	local pcap=$1 filter=$2 f e=(); shift 2
	for f in "$@"; do e+=(-e "$f"); done
	tshark -r "$pcap" -Y "$filter" -T fields -E separator='|' \
		-E aggregator=, -E occurrence=a "${e[@]}" 2>/dev/null | head -1
}
# expect_pcap PCAP FILTER WHAT: at least one packet matches, else fail
# (printing a one-line summary of the capture's DHCP packets)
expect_pcap() {
	local n
	n=$(pcap_count "$1" "$2")
	if ((n < 1)); then
		tshark -r "$1" -Y dhcp 2>/dev/null | sed 's/^/    /' >&2
		fail "$3: no packet in the capture matches: $2"
	fi
	log "ok: $3 ($n packet(s))"
}
