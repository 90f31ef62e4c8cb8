#!/usr/bin/python3
"""A scripted PXE client for the 'netns' suite (run inside the client netns).

    pxe_client.py pxe   --iface IF --mac MAC --server IP --client-ip IP
                        --server-mac MAC --bios-file F --bios-siaddr IP
                        --ipxe-url URL
    pxe_client.py flood --iface IF --server IP --count N
                        --bios-file F --bios-siaddr IP
                        --uefi-file F --uefi-siaddr IP

pxe:   1. a PXE BIOS DISCOVER (broadcast, from a raw socket): checks dpxe's
          OFFER field by field;
       2. the boot server step: a REQUEST with option 43 sub-option 71 (boot
          item 0x8000, layer 0) sent through a kernel UDP socket from
          CLIENT-IP:68 to SERVER:4011, so the kernel has to ARP for dpxe's IP
          first; checks the ACK (unicast to CLIENT-IP:68 from SERVER:4011,
          file, siaddr, 43/71 echoed) and that the kernel learned SERVER-MAC;
       3. an iPXE DISCOVER (option 77 "iPXE", option 175): checks that the
          file field carries the script URL.
flood: N DISCOVERs from N distinct MACs, alternately BIOS and UEFI x64, as
       fast as the socket takes them; checks every one gets exactly one OFFER
       for its xid and chaddr with the file and siaddr of its arch.

Prints one line per check; exits 0 if all pass, 1 otherwise (with the
reason), 2 on bad usage.
"""
import argparse
import os
import select
import socket
import struct
import subprocess
import sys
import time

from scapy.all import BOOTP, DHCP, IP, UDP, Ether, mac2str, str2mac  # noqa: E402
from scapy.layers.dhcp import DHCPTypes  # noqa: E402

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
SO_RCVBUFFORCE = 33
BCAST_MAC = "ff:ff:ff:ff:ff:ff"
MSG = {v: k for k, v in DHCPTypes.items()}   # "discover" -> 1

failures = []


def check(what, got, want):
    if got == want:
        print(f"  ok: {what} = {got!r}")
    else:
        print(f"  FAIL: {what}: got {got!r}, expected {want!r}")
        failures.append(what)


def die(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


class Link:
    """A raw AF_PACKET socket on the interface, with a large receive buffer
    so that no reply is lost while we are busy sending."""

    def __init__(self, iface):
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                               socket.htons(ETH_P_ALL))
        self.s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 32 << 20)
        self.s.bind((iface, 0))

    def send(self, pkt):
        self.s.send(bytes(pkt))

    def replies(self, timeout, want=None):
        """Yield incoming DHCP server frames (UDP source port 67 or 4011)
        until timeout seconds pass or want() says stop."""
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0 or (want is not None and want()):
                return
            r, _, _ = select.select([self.s], [], [], left)
            if not r:
                return
            data, addr = self.s.recvfrom(65535)
            if addr[2] == PACKET_OUTGOING:
                continue
            p = Ether(data)
            if UDP not in p or p[UDP].sport not in (67, 4011):
                continue
            if BOOTP not in p:
                # scapy binds BOOTP to 67<->68 only: decode 4011->68 here
                u = p[UDP]
                body = bytes(u.payload)
                u.remove_payload()
                u.add_payload(BOOTP(body))
            if BOOTP in p:
                yield p


def opts(pkt):
    """DHCP options of a reply as a dict (last instance wins)."""
    d = {}
    for o in pkt[DHCP].options if DHCP in pkt else []:
        if isinstance(o, tuple):
            d[o[0]] = o[1] if len(o) == 2 else o[1:]
    return d


def raw_opt(pkt, code):
    """The value bytes of option `code` in a BOOTP reply, parsed by hand
    (scapy decodes some options to names or strings)."""
    b = bytes(pkt[BOOTP])[240:]
    i = 0
    while i < len(b):
        c = b[i]
        if c == 0:
            i += 1
            continue
        if c == 255 or i + 1 >= len(b):
            break
        n = b[i + 1]
        if c == code:
            return b[i + 2:i + 2 + n]
        i += 2 + n
    return None


def suboptions(v):
    """Option 43 sub-options as a dict code -> bytes."""
    d, i = {}, 0
    while v is not None and i < len(v):
        c = v[i]
        if c == 0:
            i += 1
            continue
        if c == 255 or i + 1 >= len(v):
            break
        d[c] = v[i + 2:i + 2 + v[i + 1]]
        i += 2 + v[i + 1]
    return d


def cstr(b):
    return b.split(b"\0", 1)[0].decode(errors="replace")


def checksums_ok(p):
    """IP and UDP checksums as sent equal what scapy computes."""
    q = Ether(bytes(p))
    ip_sum, udp_sum = q[IP].chksum, q[UDP].chksum
    del q[IP].chksum
    del q[UDP].chksum
    q = Ether(bytes(q))
    return ip_sum == q[IP].chksum and (udp_sum == 0 or udp_sum == q[UDP].chksum)


def pxe_options(msg, arch, extra=()):
    """The options a PXE ROM sends (cf. tests/data/clients)."""
    undi = "002001" if arch == 0 else "003016"
    return [("message-type", msg),
            ("max_dhcp_size", 1260),
            ("param_req_list", [1, 3, 43, 60, 66, 67, 93, 94, 97, 128]),
            ("client_id", b"\x01" + b"\x02\x79\x00\x00\x00\x02"),
            (93, struct.pack("!H", arch)),
            (94, b"\x01\x02\x01"),
            (97, b"\x00" + bytes(range(0x10, 0x20))),
            ("vendor_class_id", f"PXEClient:Arch:{arch:05d}:UNDI:{undi}")] \
        + list(extra) + ["end"]


def discover(mac, xid, arch=0, extra=()):
    b = (BOOTP(op=1, xid=xid, chaddr=mac2str(mac), flags=0)
         / DHCP(options=pxe_options("discover", arch, extra)))
    b = bytes(b)
    b += b"\0" * max(0, 548 - len(b))    # a ROM's full-size message
    return (Ether(src=mac, dst=BCAST_MAC) / IP(src="0.0.0.0", dst="255.255.255.255")
            / UDP(sport=68, dport=67) / BOOTP(b))


def wait_reply(link, xid, timeout=5.0):
    for p in link.replies(timeout):
        if p[BOOTP].xid == xid:
            return p
    return None


def check_reply(name, p, a, msg_type, file, siaddr, xid, mac, sport=67):
    check(f"{name} BOOTP op", p[BOOTP].op, 2)
    check(f"{name} xid", p[BOOTP].xid, xid)
    check(f"{name} chaddr", str2mac(p[BOOTP].chaddr[:6]), mac)
    check(f"{name} message type", opts(p).get("message-type"), msg_type)
    check(f"{name} yiaddr", p[BOOTP].yiaddr, "0.0.0.0")
    check(f"{name} file", cstr(p[BOOTP].file), file)
    check(f"{name} siaddr", p[BOOTP].siaddr, siaddr)
    check(f"{name} option 54 (server id)", opts(p).get("server_id"), a.server)
    check(f"{name} option 60", raw_opt(p, 60), b"PXEClient")
    check(f"{name} source", (p[IP].src, p[UDP].sport), (a.server, sport))
    check(f"{name} IP/UDP checksums valid", checksums_ok(p), True)


def cmd_pxe(a):
    link = Link(a.iface)

    # 1. BIOS DISCOVER -> proxy OFFER
    print("PXE BIOS DISCOVER (broadcast flag clear):")
    xid = int.from_bytes(os.urandom(4), "big")
    link.send(discover(a.mac, xid, arch=0))
    p = wait_reply(link, xid)
    if p is None:
        die("no OFFER to the PXE DISCOVER within 5 s")
    check_reply("OFFER", p, a, MSG["offer"], a.bios_file, a.bios_siaddr, xid, a.mac)
    check("OFFER destination (no yiaddr: broadcast)",
          (p[Ether].dst, p[IP].dst, p[UDP].dport), (BCAST_MAC, "255.255.255.255", 68))
    check("OFFER echoes option 97 (UUID)", raw_opt(p, 97), b"\x00" + bytes(range(0x10, 0x20)))
    sub = suboptions(raw_opt(p, 43))
    check("OFFER option 43 has sub-option 6 (discovery control)", 6 in sub, True)
    server_mac = p[Ether].src
    check("OFFER source MAC", server_mac, a.server_mac)

    # 2. boot server REQUEST to SERVER:4011 through the kernel (ARP first)
    print("boot server REQUEST to port 4011 (kernel socket, needs ARP):")
    xid = int.from_bytes(os.urandom(4), "big")
    item = b"\x47\x04\x80\x00\x00\x00"           # sub-option 71: 0x8000 layer 0
    req = (BOOTP(op=1, xid=xid, ciaddr=a.client_ip, chaddr=mac2str(a.mac))
           / DHCP(options=pxe_options("request", 0, [("vendor_specific", item + b"\xff")])))
    payload = bytes(req)
    payload += b"\0" * max(0, 548 - len(payload))
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind((a.client_ip, 68))
    u.settimeout(5.0)
    t0 = time.monotonic()
    u.sendto(payload, (a.server, 4011))
    try:
        data, src = u.recvfrom(2048)
    except socket.timeout:
        die("no ACK from port 4011 within 5 s on the kernel socket "
            "(ARP for %s unanswered?)" % a.server)
    print(f"  ACK after {1000 * (time.monotonic() - t0):.1f} ms")
    check("ACK came from", src, (a.server, 4011))
    # the same frame as the raw socket saw it: addressing and checksums
    p = wait_reply(link, xid, timeout=2.0)
    if p is None:
        die("the ACK was not seen on the raw socket")
    check_reply("ACK", p, a, MSG["ack"], a.bios_file, a.bios_siaddr, xid, a.mac,
                sport=4011)
    check("ACK destination (unicast to the client)",
          (p[Ether].dst, p[IP].dst, p[UDP].dport), (a.mac, a.client_ip, 68))
    check("ACK source MAC", p[Ether].src, a.server_mac)
    sub = suboptions(raw_opt(p, 43))
    check("ACK option 43 sub-option 71 (boot item 0x8000 layer 0)", sub.get(71), b"\x80\x00\x00\x00")
    neigh = subprocess.run(["ip", "neigh", "show", a.server, "dev", a.iface],
                           capture_output=True, text=True).stdout
    check("kernel learned the server's MAC by ARP", f"lladdr {a.server_mac}" in neigh, True)
    print(f"  neighbour entry: {neigh.strip()}")

    # 3. iPXE DISCOVER -> the script URL
    print("iPXE DISCOVER (option 77 iPXE, option 175):")
    xid = int.from_bytes(os.urandom(4), "big")
    link.send(discover(a.mac, xid, arch=0,
                       extra=[(77, b"iPXE"), (175, b"\xb1\x05\x01\x80\x86\x10\x0e\x13\x01\x01")]))
    p = wait_reply(link, xid)
    if p is None:
        die("no OFFER to the iPXE DISCOVER within 5 s")
    check_reply("iPXE OFFER", p, a, MSG["offer"], a.ipxe_url, a.bios_siaddr, xid, a.mac)


def cmd_flood(a):
    link = Link(a.iface)
    base = int.from_bytes(os.urandom(3), "big") << 8
    want = {}
    frames = []
    for i in range(a.count):
        mac = "02:79:01:%02x:%02x:%02x" % ((i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF)
        arch = 7 if i % 2 else 0
        xid = (base + i) & 0xFFFFFFFF
        want[xid] = (mac, arch)
        extra = []
        frames.append(bytes(discover(mac, xid, arch=arch, extra=extra)))
    t0 = time.monotonic()
    for f in frames:
        link.s.send(f)
    t_sent = time.monotonic() - t0
    got, bad, dup = {}, [], 0

    for p in link.replies(15.0, want=lambda: len(got) == len(want)):
        xid = p[BOOTP].xid
        if xid not in want:
            continue
        if xid in got:
            dup += 1
            continue
        got[xid] = p
        mac, arch = want[xid]
        file, siaddr = ((a.uefi_file, a.uefi_siaddr) if arch == 7
                        else (a.bios_file, a.bios_siaddr))
        seen = (p[BOOTP].chaddr[:6], opts(p).get("message-type"),
                cstr(p[BOOTP].file), p[BOOTP].siaddr, opts(p).get("server_id"))
        if seen != (mac2str(mac), MSG["offer"], file, siaddr, a.server):
            bad.append((mac, arch, seen))
    t_all = time.monotonic() - t0
    print(f"sent {len(frames)} DISCOVERs in {1000 * t_sent:.1f} ms; "
          f"{len(got)} answered within {1000 * t_all:.1f} ms; {dup} duplicate(s)")
    missing = [want[x][0] for x in want if x not in got]
    check("DISCOVERs answered", len(got), len(want))
    if missing:
        print(f"  unanswered MACs (first 10): {missing[:10]}")
    check("OFFERs with wrong chaddr/type/file/siaddr/server id", bad[:5], [])
    check("duplicate OFFERs", dup, 0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("mode", choices=["pxe", "flood"])
    ap.add_argument("--iface", required=True)
    ap.add_argument("--mac")
    ap.add_argument("--server", required=True)
    ap.add_argument("--server-mac")
    ap.add_argument("--client-ip")
    ap.add_argument("--bios-file", required=True)
    ap.add_argument("--bios-siaddr", required=True)
    ap.add_argument("--uefi-file")
    ap.add_argument("--uefi-siaddr")
    ap.add_argument("--ipxe-url")
    ap.add_argument("--count", type=int, default=200)
    a = ap.parse_args()
    if a.mode == "pxe":
        if not (a.mac and a.client_ip and a.server_mac and a.ipxe_url):
            ap.error("pxe needs --mac --client-ip --server-mac --ipxe-url")
        a.server_mac = a.server_mac.lower()
        a.mac = a.mac.lower()
        cmd_pxe(a)
    else:
        if not (a.uefi_file and a.uefi_siaddr):
            ap.error("flood needs --uefi-file --uefi-siaddr")
        cmd_flood(a)
    if failures:
        print(f"FAIL: {len(failures)} check(s) failed: {', '.join(failures)}")
        sys.exit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
