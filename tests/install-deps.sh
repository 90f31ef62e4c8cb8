#!/bin/bash
# Install what dpxe needs to build, run and test, from Debian 12's packages.
# Idempotent: installs only what is missing. Needs root (or sudo).
#   tests/install-deps.sh          build dependencies
#   tests/install-deps.sh --run    also what the README's run command uses
#   tests/install-deps.sh --tests  also the test peers (clients, QEMU, capture)
#   tests/install-deps.sh --bench  also valgrind (bench/provider-cost.sh)
set -euo pipefail

build_pkgs=(meson ninja-build pkg-config gcc clang libclang-rt-14-dev
	libdpdk-dev dpdk dpdk-dev libcyaml-dev libyaml-dev libcmocka-dev
	libpcap-dev python3 iproute2)
run_pkgs=(udhcpc ethtool procps)
bench_pkgs=(valgrind)
test_pkgs=(isc-dhcp-client tcpdump tshark dnsmasq tftp-hpa
	qemu-system-x86 ipxe-qemu ovmf seabios python3-scapy psmisc isc-dhcp-relay)

want=("${build_pkgs[@]}")
case "${1:-}" in
--run) want+=("${run_pkgs[@]}") ;;
--tests) want+=("${run_pkgs[@]}" "${test_pkgs[@]}") ;;
--bench) want+=("${bench_pkgs[@]}") ;;
"") ;;
*) echo "usage: $0 [--run|--tests|--bench]" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer for it
echo "wireshark-common wireshark-common/install-setuid boolean false" |
	$SUDO debconf-set-selections
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
