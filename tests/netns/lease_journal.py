#!/usr/bin/python3
"""Read a dpxe lease journal (lib/lease/lease_journal.h, format version 1)
independently of dpxe, for the 'netns' suite's full-DHCP tests.

    lease_journal.py FILE

Prints one line per record, "SEQ TYPE MAC IP SUBNET/PREFIX EXPIRY", where
TYPE is bind, release, decline or expire. Checks the header (magic, version,
record size, flags, CRC32C) and each record's CRC32C and sequence number;
stops at the first bad record, as dpxe's replay does, and says so on stderr.
Exit 0 when the whole file is good, 1 when the header or a record is bad (the
good records before it are printed), 2 on bad usage or an unreadable file.
"""
import ipaddress
import struct
import sys

MAGIC = b"DPXELJ1\0"
HDR_LEN = 32
REC_LEN = 32
TYPES = {1: "bind", 2: "release", 3: "decline", 4: "expire"}


def _crc32c_table():
    poly = 0x82F63B78    # Castagnoli, reflected
    t = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        t.append(c)
    return t


_T = _crc32c_table()


def crc32c(b):
    c = 0xFFFFFFFF
    for x in b:
        c = _T[(c ^ x) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        data = open(sys.argv[1], "rb").read()
    except OSError as e:
        print(f"lease_journal: {e}", file=sys.stderr)
        return 2
    if len(data) < HDR_LEN:
        print(f"lease_journal: {len(data)} bytes: no header", file=sys.stderr)
        return 1
    h = data[:HDR_LEN]
    magic, ver, rsize, flags = struct.unpack_from("<8sHHI", h, 0)
    (hcrc,) = struct.unpack_from("<I", h, 28)
    bad = None
    if magic != MAGIC:
        bad = f"magic {magic!r}"
    elif ver != 1 or rsize != REC_LEN or flags != 0:
        bad = f"version {ver}, record size {rsize}, flags {flags:#x}"
    elif crc32c(h[:28]) != hcrc:
        bad = "header CRC32C"
    if bad:
        print(f"lease_journal: bad header: {bad}", file=sys.stderr)
        return 1
    off, seq = HDR_LEN, 0
    while off < len(data):
        r = data[off:off + REC_LEN]
        if len(r) < REC_LEN:
            print(f"lease_journal: torn record {seq}: {len(r)} bytes",
                  file=sys.stderr)
            return 1
        typ, plen = r[0], r[1]
        mac = ":".join(f"{x:02x}" for x in r[2:8])
        ip = str(ipaddress.IPv4Address(r[8:12]))
        net = str(ipaddress.IPv4Address(r[12:16]))
        expiry, rseq, rcrc = struct.unpack_from("<qII", r, 16)
        if crc32c(r[:28]) != rcrc or typ not in TYPES or rseq != seq:
            print(f"lease_journal: bad record {seq} (type {typ}, "
                  f"sequence {rseq})", file=sys.stderr)
            return 1
        print(f"{seq} {TYPES[typ]} {mac} {ip} {net}/{plen} {expiry}")
        off += REC_LEN
        seq += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
