#!/bin/bash
# run-default.sh: see dpxe answer real PXE clients, on this machine, in one
# command. As root on Debian 12:
#
#     sudo app/run-default.sh [--keep-running] [--dhcp]
#
# What it does, step by step (each step says what it is doing):
#   1. installs what is missing (tests/install-deps.sh --run);
#   2. builds dpxe in build-release/ (meson setup once, then ninja);
#   3. creates two network namespaces joined by a veth pair: the server end
#      is "dpxe0", as config/default.yaml names it, the other end belongs to
#      the client namespace. Nothing leaves them; no NIC or hugepages needed;
#   4. starts dpxe on config/default.yaml (proxyDHCP server 10.77.0.1) in the
#      server namespace;
#   5. runs udhcpc in the client namespace as a BIOS PXE client, as a UEFI
#      x64 PXE client and as iPXE, and prints what each was answered;
#   6. prints dpxe's counters, stops it with SIGINT, removes the namespaces.
# With --dhcp, dpxe is the DHCP server itself (server.mode dhcp): step 4 uses
# config/default.yaml turned into a full-DHCP config (subnet 10.77.0.0/24,
# pool 10.77.0.100-199, leases in memory), and step 5 first runs udhcpc as a
# plain DHCP client (DISCOVER, OFFER, REQUEST, ACK of a pool address), then
# the PXE clients, which get an address and their boot file.
#
# Options:
#   --keep-running   after step 5 leave dpxe serving until Ctrl-C, then stop
#                    it and clean up (run clients yourself with the command
#                    it prints)
#   --dhcp           full DHCP mode instead of proxyDHCP (see above)
#   -h, --help       this text
# Environment: BUILD_DIR (default build-release), CONFIG (default
# config/default.yaml; its dataplane port must be iface=dpxe0 and its server
# 10.77.0.1/24 for the client step to make sense).
#
# Exit status: 0 when every client was answered (with config/default.yaml:
# with the boot file its rule gives); 1 otherwise, with the reason.

set -Eeuo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-build-release}
CONFIG=${CONFIG:-config/default.yaml}
KEEP_RUNNING=0
DHCP=0

if [[ -t 1 ]]; then B=$'\033[1m' N=$'\033[0m'; else B='' N=''; fi
say()  { printf '%s==> %s%s\n' "$B" "$*" "$N"; }
info() { printf '    %s\n' "$*"; }
die()  { printf 'run-default: ERROR: %s\n' "$*" >&2; exit 1; }

for a in "$@"; do
	case $a in
	--keep-running) KEEP_RUNNING=1 ;;
	--dhcp) DHCP=1 ;;
	-h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) die "unknown option $a (see --help)" ;;
	esac
done

[[ $(id -u) -eq 0 ]] || die "needs root (network namespaces, raw sockets): sudo $0 $*"
cd "$REPO"
[[ -r $CONFIG ]] || die "no configuration file $CONFIG"

# ---------------------------------------------------------------- 1. install
say "Checking dependencies (tests/install-deps.sh)"
tests/install-deps.sh --run
command -v udhcpc >/dev/null 2>&1 || die "udhcpc is still missing after tests/install-deps.sh --run"
info "all present"

# ---------------------------------------------------------------- 2. build
# Build as the user who ran sudo, so the build tree stays theirs.
as_user=()
if [[ -n ${SUDO_USER:-} && $SUDO_USER != root && $(stat -c %U "$REPO") == "$SUDO_USER" ]]; then
	as_user=(sudo -u "$SUDO_USER" --)
fi
say "Building dpxe in $BUILD_DIR"
if [[ ! -f $BUILD_DIR/build.ninja ]]; then
	"${as_user[@]}" meson setup "$BUILD_DIR" -Dbuildtype=release ${BUILD_WIPE:+--wipe} >/dev/null ||
		die "meson setup $BUILD_DIR failed (run it by hand to see why)"
fi
"${as_user[@]}" ninja -C "$BUILD_DIR" >"/tmp/dpxe-run-default-build.$$.log" 2>&1 ||
	{ tail -30 "/tmp/dpxe-run-default-build.$$.log" >&2; rm -f "/tmp/dpxe-run-default-build.$$.log"; die "build failed"; }
rm -f "/tmp/dpxe-run-default-build.$$.log"
DPXE=$REPO/$BUILD_DIR/app/dpxe
[[ -x $DPXE ]] || die "no $DPXE after the build"
"$DPXE" --check-config "$CONFIG" >/dev/null || die "dpxe rejects $CONFIG"
info "$DPXE"

# ---------------------------------------------------------------- cleanup
NS_S=dpxe-run$$-server
NS_C=dpxe-run$$-client
IF_S=dpxe0               # as in config/default.yaml
IF_C=dpxe0-client
FILE_PREFIX=dpxe-run$$
TMP=$(mktemp -d /tmp/dpxe-run-default.XXXXXX)
DPXE_PID=
PIDS=()

source "$REPO/tests/lib/proc.sh"  # kill_pid

cleanup() {
	local rc=$? p ns
	set +e
	trap - EXIT INT TERM
	for p in "${PIDS[@]}"; do kill_pid "$p"; done
	for ns in "$NS_C" "$NS_S"; do
		if ip netns list | grep -qw "^$ns"; then
			for p in $(ip netns pids "$ns" 2>/dev/null); do kill_pid "$p"; done
			ip netns del "$ns"
		fi
	done
	rm -rf "/var/run/dpdk/$FILE_PREFIX" "$TMP"
	if ((rc == 0)); then say "Cleaned up: namespaces, veth pair and dpxe are gone"
	else printf 'run-default: cleaned up after the failure above (exit %d)\n' "$rc" >&2; fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --dhcp: the same file as a full DHCP server (unless it is one already)
MODE=proxy
if ((DHCP)); then
	MODE=dhcp
	if ! grep -qE '^[[:space:]]+mode:[[:space:]]*dhcp' "$CONFIG"; then
		sed 's/^\([[:space:]]*mode:[[:space:]]*\)proxy/\1dhcp/' "$CONFIG" >"$TMP/dhcp.yaml"
		cat >>"$TMP/dhcp.yaml" <<'EOF'

# added by app/run-default.sh --dhcp: dpxe hands out the addresses too
subnets:
  - subnet: 10.77.0.0/24
    pools: [{start: 10.77.0.100, end: 10.77.0.199}]
    router: 10.77.0.1
    dns: [10.77.0.1]
    lease_time: 600
EOF
		CONFIG=$TMP/dhcp.yaml
	fi
	"$DPXE" --check-config "$CONFIG" >"$TMP/check.out" 2>&1 ||
		{ cat "$TMP/check.out" >&2; die "dpxe rejects the full-DHCP variant of the configuration"; }
	info "full DHCP mode: $CONFIG"
fi

# ---------------------------------------------------------------- 3. network
say "Creating namespaces $NS_S ($IF_S) and $NS_C ($IF_C), joined by a veth pair"
ip netns add "$NS_S"
ip netns add "$NS_C"
for ns in "$NS_S" "$NS_C"; do
	# (through /proc, not sysctl(8): procps may be absent; no IPv6: fine)
	ip netns exec "$ns" sh -c 'for f in all default; do
		echo 1 >/proc/sys/net/ipv6/conf/$f/disable_ipv6; done' 2>/dev/null || true
	ip -n "$ns" link set lo up
done
ip link add "$IF_S" netns "$NS_S" type veth peer name "$IF_C" netns "$NS_C"
ip -n "$NS_S" link set "$IF_S" up
ip -n "$NS_C" link set "$IF_C" up
# veth's TX checksum offload would hand dpxe kernel UDP frames with partial
# checksums; udhcpc's raw-socket frames are complete anyway.
if command -v ethtool >/dev/null; then
	ip netns exec "$NS_C" ethtool -K "$IF_C" tx off >/dev/null 2>&1 || true
fi

# ---------------------------------------------------------------- 4. dpxe
say "Starting dpxe on $CONFIG in $NS_S"
# setsid: Ctrl-C reaches this script, which stops dpxe itself (SIGINT)
ip netns exec "$NS_S" setsid "$DPXE" --no-huge -m 512 --no-pci -l 0 \
	--file-prefix "$FILE_PREFIX" -- -c "$CONFIG" \
	>"$TMP/dpxe.out" 2>"$TMP/dpxe.err" </dev/null &
DPXE_PID=$!; PIDS+=("$DPXE_PID")
for i in $(seq 150); do
	grep -q 'serving .* worker' "$TMP/dpxe.err" && break
	kill -0 "$DPXE_PID" 2>/dev/null || { cat "$TMP/dpxe.err" >&2; die "dpxe exited at start-up"; }
	sleep 0.1
done
grep -q 'serving .* worker' "$TMP/dpxe.err" || { cat "$TMP/dpxe.err" >&2; die "dpxe not serving after 15 s"; }
grep -E '^dpxe: (port|serving)' "$TMP/dpxe.err" | sed 's/^/    /'

# ---------------------------------------------------------------- 5. clients
cat >"$TMP/udhcpc-script" <<EOF
#!/bin/sh
# udhcpc calls this on each event; keep what the server sent, touch nothing
env > "$TMP/udhcpc.\$1.env"
EOF
chmod +x "$TMP/udhcpc-script"
UDHCPC=(udhcpc -f -q -n -i "$IF_C" -t 3 -T 1 -A 1 -s "$TMP/udhcpc-script" -O 66 -O 67)

FAILED=0
# client NAME WANT_FILE UDHCPC_ARGS...: run udhcpc once, say what it got
client() {
	local name=$1 want=$2 rc=0 env file next srv ip
	shift 2
	say "Client: udhcpc as $name ($*)"
	rm -f "$TMP"/udhcpc.*.env
	ip netns exec "$NS_C" timeout -k 2 20 "${UDHCPC[@]}" "$@" >"$TMP/udhcpc.log" 2>&1 || rc=$?
	env=$TMP/udhcpc.bound.env
	if [[ $rc -ne 0 || ! -e $env ]]; then
		sed 's/^/    udhcpc: /' "$TMP/udhcpc.log"
		info "NO ANSWER (udhcpc exit $rc)"
		FAILED=1
		return
	fi
	file=$(sed -n 's/^boot_file=//p' "$env")
	next=$(sed -n 's/^siaddr=//p' "$env")
	srv=$(sed -n 's/^serverid=//p' "$env")
	ip=$(sed -n 's/^ip=//p' "$env")
	if [[ $MODE == dhcp ]]; then
		info "answered by $srv (DHCP: OFFER, then ACK to its REQUEST)"
		info "address:     $ip/$(sed -n 's/^subnet=//p' "$env"), router $(sed -n 's/^router=//p' "$env"), lease $(sed -n 's/^lease=//p' "$env") s"
		if [[ $CONFIG == "$TMP/dhcp.yaml" && ! $ip =~ ^10\.77\.0\.1[0-9][0-9]$ ]]; then
			info "UNEXPECTED: the pool is 10.77.0.100-10.77.0.199"
			FAILED=1
		fi
		[[ -n $want ]] || return 0
	else
		info "answered by $srv (proxyDHCP: OFFER, then ACK to its REQUEST)"
	fi
	info "boot file:   ${file:-(none)}"
	info "next server: ${next:-(none)}  (the TFTP/HTTP server to fetch it from)"
	# the expected files are config/default.yaml's rules
	if [[ ($CONFIG == config/default.yaml || $CONFIG == "$TMP/dhcp.yaml") && $file != "$want" ]]; then
		info "UNEXPECTED: config/default.yaml's rules give this client '$want'"
		FAILED=1
	fi
}
if [[ $MODE == dhcp ]]; then
	client "a plain DHCP client (no PXE options)" ""
fi
client "a BIOS PXE client (arch 0)" undionly.kpxe \
	-V PXEClient:Arch:00000:UNDI:002001
client "a UEFI x64 PXE client (arch 7)" ipxe.efi \
	-V PXEClient:Arch:00007:UNDI:003016 -x 0x5d:0007
client "iPXE (user class iPXE)" http://10.77.0.1/boot.ipxe \
	-V PXEClient:Arch:00000:UNDI:002001 -x 0x4d:69505845

# ---------------------------------------------------------------- 6. stats, stop
print_stats() {   # the last "dpxe stats:" block dpxe printed
	awk '/^dpxe stats:/ { n = 0; delete b } { b[n++] = $0 } END { for (i = 0; i < n; i++) print "    " b[i] }' "$TMP/dpxe.out"
}
stop_dpxe() {
	local i rc=0
	say "Stopping dpxe (SIGINT)"
	kill -INT "$DPXE_PID" 2>/dev/null || true
	for i in $(seq 100); do kill -0 "$DPXE_PID" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$DPXE_PID" 2>/dev/null && { kill -KILL "$DPXE_PID"; die "dpxe still running 10 s after SIGINT"; }
	wait "$DPXE_PID" || rc=$?
	say "dpxe's counters at exit (exit status $rc)"
	print_stats
	((rc == 0)) || die "dpxe exited with status $rc"
}

if ((KEEP_RUNNING)); then
	say "dpxe's counters now (SIGUSR1)"
	n=$(grep -c '^dpxe stats:' "$TMP/dpxe.out" || true)
	kill -USR1 "$DPXE_PID"
	for _ in $(seq 50); do
		(($(grep -c '^dpxe stats:' "$TMP/dpxe.out" || true) > n)) && break
		sleep 0.1
	done
	sleep 0.2
	print_stats
	say "dpxe keeps serving on $IF_S in namespace $NS_S. Press Ctrl-C to stop it and clean up."
	info "Try another client meanwhile, e.g.:"
	info "  sudo ip netns exec $NS_C udhcpc -f -q -n -i $IF_C -t 3 -T 1 -s /bin/true -V PXEClient:Arch:00000:UNDI:002001"
	info "Counters on demand: sudo kill -USR1 $DPXE_PID (printed here)"
	trap 'echo; trap - INT; stop_dpxe; exit $FAILED' INT
	tail -n 0 -f "$TMP/dpxe.out" --pid "$DPXE_PID" 2>/dev/null | sed -u 's/^/    /' &
	PIDS+=("$!")
	while kill -0 "$DPXE_PID" 2>/dev/null; do sleep 1 & wait $! || true; done
	die "dpxe stopped on its own: $(tail -3 "$TMP/dpxe.err")"
fi

stop_dpxe
if ((FAILED)); then die "not every client got the expected answer (see above)"; fi
say "Done: every client was answered"
