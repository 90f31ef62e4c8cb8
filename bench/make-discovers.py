#!/usr/bin/python3
"""Write a pcap of PXE DHCPDISCOVERs for bench/pcap-rate.sh and workers.sh.

The DISCOVERs are the real ones captured in tests/data/clients/ (iPXE BIOS,
iPXE UEFI, EDK2 UEFI, udhcpc posing as UEFI PXE), taken round-robin, each copy
given its own client MAC (Ethernet source, BOOTP chaddr, and option 61 when
it is a type-1 client id), so N packets are N distinct clients. Deterministic:
the same arguments give the same file.

  make-discovers.py OUT.pcap [N]      (N defaults to 1024)
  make-discovers.py OUT.pcap N --dora WORKERS [--pool-start IP] [--server IP]

With --dora, each client sends two packets, one after the other: a DISCOVER
asking (option 50) for an address of its own, then the SELECTING REQUEST for
it (option 54 = --server, option 50 = the same address, same xid). The
address is one dpxe's lease shards would give that client when dpxe runs
WORKERS workers: the client's owner is dpxe_client_owner(chaddr, WORKERS)
(lib/dhcp/client_hash.h, ported below), and shard w allocates the pool
addresses start + w + WORKERS * k (lib/lease/lease_shard.c), so the k-th
client of owner w asks for that one. Ownership depends on WORKERS: a 1- and a
2-worker run need their own file. Replayed over and over, every client goes
DISCOVER -> OFFER, REQUEST -> ACK (a bind) each time round.
"""
import argparse
import ipaddress
import os

from scapy.all import BOOTP, DHCP, IP, UDP, Ether, rdpcap, wrpcap

HERE = os.path.dirname(os.path.abspath(__file__))
CLIENTS = os.path.join(HERE, "..", "tests", "data", "clients")
SOURCES = ["ipxe-bios.pcap", "ipxe-uefi.pcap", "edk2-uefi.pcap",
           "udhcpc-pxe.pcap"]
M64 = (1 << 64) - 1


def client_hash(mac):
    """dpxe_client_hash(): the 48-bit MAC through murmur3's finaliser."""
    x = int.from_bytes(mac, "big")
    x ^= x >> 33
    x = (x * 0xff51afd7ed558ccd) & M64
    x ^= x >> 33
    x = (x * 0xc4ceb9fe1a85ec53) & M64
    x ^= x >> 33
    return x & 0xffffffff


def client_owner(mac, n):
    """dpxe_client_owner(): the worker (and lease shard) owning a client."""
    return (client_hash(mac) * n) >> 32


def first_discover(path):
    for p in rdpcap(path):
        if DHCP not in p:
            continue
        for o in p[DHCP].options:
            if isinstance(o, tuple) and o[0] == "message-type" and o[1] == 1:
                return p
    raise SystemExit(f"{path}: no DHCPDISCOVER")


def with_mac(p, mac, msg_type=1, extra=()):
    """A copy of p from client mac, as DHCP message msg_type, with the
    options extra (name, value) replacing any of the same name."""
    q = p.copy()
    q[Ether].src = ":".join(f"{b:02x}" for b in mac)
    q[BOOTP].chaddr = mac + b"\x00" * 10
    q[BOOTP].xid = int.from_bytes(mac[2:], "big")
    names = {e[0] for e in extra}
    opts = []
    for o in q[DHCP].options:
        if isinstance(o, tuple):
            if o[0] in names:
                continue
            if o[0] == "message-type":
                o = ("message-type", msg_type)
            elif (o[0] == "client_id" and isinstance(o[1], bytes) and
                  len(o[1]) == 7 and o[1][0] == 1):
                o = ("client_id", b"\x01" + mac)
        elif o == "end":
            opts.extend(extra)
        opts.append(o)
    q[DHCP].options = opts
    del q[IP].len, q[IP].chksum, q[UDP].len, q[UDP].chksum
    return Ether(bytes(q))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("n", nargs="?", type=int, default=1024)
    ap.add_argument("--dora", type=int, metavar="WORKERS",
                    help="DISCOVER + REQUEST per client, for WORKERS workers")
    ap.add_argument("--pool-start", default="10.77.1.0")
    ap.add_argument("--server", default="10.77.0.1")
    a = ap.parse_args()
    if a.n < 1 or (a.dora is not None and a.dora < 1):
        raise SystemExit("make-discovers: N and WORKERS must be positive")
    src = [first_discover(os.path.join(CLIENTS, f)) for f in SOURCES]
    start = int(ipaddress.IPv4Address(a.pool_start))
    taken = [0] * (a.dora or 1)   # addresses handed out per owner so far
    out = []
    for i in range(a.n):
        # locally administered unicast, 02:b0:xx:xx:xx:xx
        mac = bytes([0x02, 0xb0]) + i.to_bytes(4, "big")
        p = src[i % len(src)]
        if a.dora is None:
            out.append(with_mac(p, mac))
            continue
        w = client_owner(mac, a.dora)
        addr = str(ipaddress.IPv4Address(start + w + a.dora * taken[w]))
        taken[w] += 1
        out.append(with_mac(p, mac, 1, [("requested_addr", addr)]))
        out.append(with_mac(p, mac, 3, [("server_id", a.server),
                                        ("requested_addr", addr)]))
    wrpcap(a.out, out)


if __name__ == "__main__":
    main()
