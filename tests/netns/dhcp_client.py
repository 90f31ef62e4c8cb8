#!/usr/bin/python3
"""Many scripted DHCP clients for the 'netns' suite's full-DHCP tests (run
inside the client netns; raw AF_PACKET socket, scapy to build and parse).

    dhcp_client.py dora     --iface IF --server IP --count N --state FILE
                            --pool-start IP --pool-end IP --lease-time S
    dhcp_client.py reboot   --iface IF --server IP --state FILE [CHECKS]
    dhcp_client.py discover --iface IF --server IP --state FILE [CHECKS]
        CHECKS: [--lease-time S] [--rounds R] [--strict]

Clients are MACs 02:79:02:00:00:01 .. (N of them); no option 60, so they are
plain DHCP clients. Each step sends every client's message back to back,
then collects the replies for 10 s; a client without its reply is asked
once more (same xid) before it counts as unanswered (not with --strict:
then every message must be answered the first time).

dora:     DISCOVER -> OFFER (yiaddr in the pool, option 54 = server, lease
          time), then REQUEST selecting (options 50 and 54) -> ACK of the
          offered address; every address distinct; writes {mac: ip} to FILE.
          Odd clients set the broadcast flag, even ones do not (the reply is
          then unicast to yiaddr at chaddr: the raw socket sees it anyway).
reboot:   for each {mac: ip} of FILE, an INIT-REBOOT REQUEST (ciaddr 0,
          option 50 = ip, no option 54, broadcast) -> ACK with yiaddr = ip.
discover: for each {mac: ip} of FILE, in reverse order, a DISCOVER (no
          option 50) -> OFFER with yiaddr = ip.
reboot and discover check option 51 against --lease-time when given, and
repeat the whole step --rounds times (fresh xids each round).

Prints one line per failed check and a summary; exits 0 if all pass, 1
otherwise, 2 on bad usage.
"""
import argparse
import ipaddress
import json
import os
import select
import socket
import sys
import time

from scapy.all import BOOTP, DHCP, IP, UDP, Ether, mac2str  # noqa: E402

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
SO_RCVBUFFORCE = 33
BCAST = "ff:ff:ff:ff:ff:ff"
OFFER, ACK, NAK = 2, 5, 6
failures = []


def bad(msg):
    print(f"  FAIL: {msg}")
    failures.append(msg)


class Link:
    def __init__(self, iface):
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                               socket.htons(ETH_P_ALL))
        self.s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 16 << 20)
        self.s.bind((iface, 0))

    def send(self, frame):
        self.s.send(frame)

    def collect(self, want, timeout):
        """Replies (UDP 67 -> 68, BOOTP) whose xid is in want, first one
        per xid, until all came or timeout: {xid: packet}."""
        got = {}
        end = time.monotonic() + timeout
        while len(got) < len(want):
            left = end - time.monotonic()
            if left <= 0:
                break
            r, _, _ = select.select([self.s], [], [], left)
            if not r:
                break
            data, addr = self.s.recvfrom(65535)
            if addr[2] == PACKET_OUTGOING:
                continue
            p = Ether(data)
            if UDP not in p or p[UDP].sport != 67 or BOOTP not in p:
                continue
            x = p[BOOTP].xid
            if x in want and x not in got:
                got[x] = p
        return got


def opts(p):
    d = {}
    for o in p[DHCP].options if DHCP in p else []:
        if isinstance(o, tuple) and len(o) == 2:
            d[o[0]] = o[1]
    return d


def frame(mac, xid, options, bcast, ciaddr="0.0.0.0"):
    b = BOOTP(op=1, xid=xid, chaddr=mac2str(mac), ciaddr=ciaddr,
              flags=0x8000 if bcast else 0) / DHCP(options=options + ["end"])
    return bytes(Ether(src=mac, dst=BCAST) / IP(src="0.0.0.0", dst="255.255.255.255")
                 / UDP(sport=68, dport=67) / b)


def cid(mac):
    return ("client_id", b"\x01" + mac2str(mac))


def exchange(link, msgs, what, strict=False):
    """msgs: {xid: (mac, frame bytes)}; send all, collect, resend the
    missing ones once (unless strict). Returns {xid: reply}."""
    for x in msgs:
        link.send(msgs[x][1])
    got = link.collect(set(msgs), 10.0)
    missing = {x: msgs[x] for x in msgs if x not in got}
    if missing and not strict:
        print(f"  {what}: {len(missing)} without a reply after 10 s, asking again")
        for x in missing:
            link.send(missing[x][1])
        got.update(link.collect(set(missing), 10.0))
    return got


def xids(n):
    base = int.from_bytes(os.urandom(4), "big") & 0xFFFF0000
    return [(base + i) & 0xFFFFFFFF for i in range(n)]


def cmd_dora(a):
    link = Link(a.iface)
    lo = ipaddress.IPv4Address(a.pool_start)
    hi = ipaddress.IPv4Address(a.pool_end)
    macs = ["02:79:02:00:00:%02x" % (i + 1) for i in range(a.count)]
    xs = xids(a.count)
    t0 = time.monotonic()
    disc = {x: (m, frame(m, x, [("message-type", "discover"), cid(m),
                                ("param_req_list", [1, 3, 6, 15, 51, 54])],
                         bcast=i % 2 == 1))
            for i, (m, x) in enumerate(zip(macs, xs))}
    offers = exchange(link, disc, "DISCOVER")
    offered = {}
    for x, (m, _) in disc.items():
        p = offers.get(x)
        if p is None:
            bad(f"{m}: no OFFER")
            continue
        o = opts(p)
        y = p[BOOTP].yiaddr
        if o.get("message-type") != OFFER:
            bad(f"{m}: answered with message type {o.get('message-type')}, not OFFER")
        elif not lo <= ipaddress.IPv4Address(y) <= hi:
            bad(f"{m}: OFFER of {y}, outside the pool {lo}-{hi}")
        elif o.get("server_id") != a.server:
            bad(f"{m}: OFFER with server id {o.get('server_id')}")
        elif o.get("lease_time") != a.lease_time:
            bad(f"{m}: OFFER with lease time {o.get('lease_time')}")
        elif p[BOOTP].chaddr[:6] != mac2str(m):
            bad(f"{m}: OFFER for chaddr {p[BOOTP].chaddr[:6].hex(':')}")
        else:
            offered[x] = (m, y)
    req = {x: (m, frame(m, x, [("message-type", "request"), cid(m),
                               ("requested_addr", y), ("server_id", a.server)],
                        bcast=True))
           for x, (m, y) in offered.items()}
    acks = exchange(link, req, "REQUEST")
    leases = {}
    for x, (m, y) in offered.items():
        p = acks.get(x)
        if p is None:
            bad(f"{m}: no ACK to the REQUEST of {y}")
        elif opts(p).get("message-type") != ACK or p[BOOTP].yiaddr != y:
            bad(f"{m}: REQUEST of {y} answered with type "
                f"{opts(p).get('message-type')} yiaddr {p[BOOTP].yiaddr}")
        else:
            leases[m] = y
    if len(set(leases.values())) != len(leases):
        bad(f"one address bound to two clients: {sorted(leases.values())}")
    print(f"dora: {len(leases)} of {a.count} clients bound in "
          f"{1000 * (time.monotonic() - t0):.0f} ms: "
          + ", ".join(f"{m[-2:]}={ip}" for m, ip in sorted(leases.items())))
    if len(leases) != a.count:
        bad(f"{a.count - len(leases)} client(s) without a lease")
    with open(a.state, "w") as f:
        json.dump(leases, f, indent=1, sort_keys=True)


def load_state(a):
    with open(a.state) as f:
        leases = json.load(f)
    if not leases:
        print("FAIL: no leases in the state file")
        sys.exit(1)
    return leases


def lease_ok(a, p, m):
    """option 51 as --lease-time says (when given)"""
    t = opts(p).get("lease_time")
    if a.lease_time is not None and t != a.lease_time:
        bad(f"{m}: lease time {t}, expected {a.lease_time}")
        return False
    return True


def cmd_reboot(a, link, leases):
    xs = xids(len(leases))
    msgs = {x: (m, frame(m, x, [("message-type", "request"), cid(m),
                                ("requested_addr", ip)], bcast=True))
            for x, (m, ip) in zip(xs, sorted(leases.items()))}
    got = exchange(link, msgs, "INIT-REBOOT REQUEST", a.strict)
    ok = 0
    for x, (m, _) in msgs.items():
        ip = leases[m]
        p = got.get(x)
        if p is None:
            bad(f"{m}: no reply to the INIT-REBOOT REQUEST of {ip}")
            continue
        t = opts(p).get("message-type")
        if t != ACK or p[BOOTP].yiaddr != ip:
            bad(f"{m}: INIT-REBOOT REQUEST of {ip} answered with type {t} "
                f"yiaddr {p[BOOTP].yiaddr} ({opts(p).get('error_message', b'')!r})")
        elif opts(p).get("server_id") != a.server:
            bad(f"{m}: ACK with server id {opts(p).get('server_id')}")
        elif lease_ok(a, p, m):
            ok += 1
    print(f"reboot: {ok} of {len(leases)} INIT-REBOOT REQUESTs ACKed with their address")


def cmd_discover(a, link, leases):
    xs = xids(len(leases))
    # in the reverse order of dora: an allocator that forgot the leases
    # would hand the first free addresses to the last clients
    msgs = {x: (m, frame(m, x, [("message-type", "discover"), cid(m)], bcast=True))
            for x, m in zip(xs, sorted(leases, reverse=True))}
    got = exchange(link, msgs, "DISCOVER", a.strict)
    ok = 0
    for x, (m, _) in msgs.items():
        ip = leases[m]
        p = got.get(x)
        if p is None:
            bad(f"{m}: no OFFER")
        elif opts(p).get("message-type") != OFFER or p[BOOTP].yiaddr != ip:
            bad(f"{m}: DISCOVER answered with type {opts(p).get('message-type')} "
                f"yiaddr {p[BOOTP].yiaddr}, expected an OFFER of {ip}")
        elif lease_ok(a, p, m):
            ok += 1
    print(f"discover: {ok} of {len(leases)} DISCOVERs offered their leased address")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("mode", choices=["dora", "reboot", "discover"])
    ap.add_argument("--iface", required=True)
    ap.add_argument("--server", required=True)
    ap.add_argument("--state", required=True)
    ap.add_argument("--count", type=int, default=20)
    ap.add_argument("--pool-start")
    ap.add_argument("--pool-end")
    ap.add_argument("--lease-time", type=int)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--strict", action="store_true")
    a = ap.parse_args()
    if a.mode == "dora":
        if not (a.pool_start and a.pool_end and a.lease_time) or not 0 < a.count < 256:
            ap.error("dora needs --pool-start --pool-end --lease-time, 0 < --count < 256")
        cmd_dora(a)
    else:
        link = Link(a.iface)
        leases = load_state(a)
        for r in range(a.rounds):
            (cmd_reboot if a.mode == "reboot" else cmd_discover)(a, link, leases)
    if failures:
        print(f"FAIL: {len(failures)} check(s) failed")
        sys.exit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
