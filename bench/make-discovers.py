#!/usr/bin/python3
"""Write a pcap of PXE DHCPDISCOVERs for bench/pcap-rate.sh.

The DISCOVERs are the real ones captured in tests/data/clients/ (iPXE BIOS,
iPXE UEFI, EDK2 UEFI, udhcpc posing as UEFI PXE), taken round-robin, each copy
given its own client MAC (Ethernet source, BOOTP chaddr, and option 61 when
it is a type-1 client id), so N packets are N distinct clients. Deterministic:
the same N gives the same file.

  make-discovers.py OUT.pcap [N]      (N defaults to 1024)
"""
import os
import sys

from scapy.all import BOOTP, DHCP, IP, UDP, Ether, rdpcap, wrpcap

HERE = os.path.dirname(os.path.abspath(__file__))
CLIENTS = os.path.join(HERE, "..", "tests", "data", "clients")
SOURCES = ["ipxe-bios.pcap", "ipxe-uefi.pcap", "edk2-uefi.pcap",
           "udhcpc-pxe.pcap"]


def first_discover(path):
    for p in rdpcap(path):
        if DHCP not in p:
            continue
        for o in p[DHCP].options:
            if isinstance(o, tuple) and o[0] == "message-type" and o[1] == 1:
                return p
    raise SystemExit(f"{path}: no DHCPDISCOVER")


def with_mac(p, mac):
    q = p.copy()
    q[Ether].src = ":".join(f"{b:02x}" for b in mac)
    q[BOOTP].chaddr = mac + b"\x00" * 10
    q[BOOTP].xid = int.from_bytes(mac[2:], "big")
    opts = []
    for o in q[DHCP].options:
        if (isinstance(o, tuple) and o[0] == "client_id" and
                isinstance(o[1], bytes) and len(o[1]) == 7 and o[1][0] == 1):
            o = ("client_id", b"\x01" + mac)
        opts.append(o)
    q[DHCP].options = opts
    del q[IP].len, q[IP].chksum, q[UDP].len, q[UDP].chksum
    return Ether(bytes(q))


def main():
    if len(sys.argv) not in (2, 3):
        raise SystemExit(__doc__)
    n = int(sys.argv[2]) if len(sys.argv) == 3 else 1024
    src = [first_discover(os.path.join(CLIENTS, f)) for f in SOURCES]
    out = []
    for i in range(n):
        # locally administered unicast, 02:b0:xx:xx:xx:xx
        mac = bytes([0x02, 0xb0]) + i.to_bytes(4, "big")
        out.append(with_mac(src[i % len(src)], mac))
    wrpcap(sys.argv[1], out)


if __name__ == "__main__":
    main()
