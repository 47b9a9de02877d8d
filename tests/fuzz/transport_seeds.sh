#!/bin/sh
# transport_seeds.sh - cut the tpkt and cotp fuzz seeds out of the captures
#
# usage: tests/fuzz/transport_seeds.sh   (from the top of the tree)
#
# For each capture in tests/vectors, tshark's "follow tcp raw" gives both
# byte streams. tests/fuzz/corpus/tpkt/ gets each stream behind the two
# control octets target_tpkt.c reads (read size, cap); corpus/cotp/ gets
# the initiator's stream for a responder and the responder's stream for an
# initiator whose SRC-REF is the one the captured CR carried, each read at
# once and octet by octet. A few hand-made TPDUs cover what the captures
# do not (0xF0, class alternatives, ER, unknown codes). The output is
# committed; rerun only to refresh it.
set -eu
out=tests/fuzz/corpus
mkdir -p "$out/tpkt" "$out/cotp"
for pcap in tests/vectors/*.pcap; do
	name=$(basename "$pcap" .pcap)
	tshark -r "$pcap" -q -z follow,tcp,raw,0 2>/dev/null | python3 -c '
import sys, os
name, out = sys.argv[1], sys.argv[2]
a, b = bytearray(), bytearray()
for line in sys.stdin:
    s = line.rstrip("\n")
    if not s or s[0] in "=FN" or ":" in s:
        continue
    if s.startswith("\t"):
        b += bytes.fromhex(s.strip())
    else:
        a += bytes.fromhex(s.strip())
def w(d, n, data):
    with open(os.path.join(out, d, n), "wb") as f:
        f.write(data)
for tag, s in (("i", a), ("r", b)):
    w("tpkt", "%s-%s-all" % (name, tag), bytes([0, 0]) + s)
    w("tpkt", "%s-%s-step1" % (name, tag), bytes([1, 0]) + s[:4000])
# SRC-REF of the captured CR: TPKT 4 + LI, code, DST-REF 2
ref = bytes(a[8:10]) if len(a) >= 10 else b"\0\0"
w("cotp", name + "-resp-all", bytes([0x01]) + ref + a)
w("cotp", name + "-resp-step1", bytes([0x09]) + ref + a[:4000])
w("cotp", name + "-resp-echo", bytes([0x05 | (7 << 3)]) + ref + a)
w("cotp", name + "-init-all", bytes([0x00]) + ref + b)
w("cotp", name + "-init-step1", bytes([0x08]) + ref + b[:4000])
' "$name" "$out"
done
python3 - "$out" <<'PY'
import sys, os
out = sys.argv[1]
def tpkt(t):
    return bytes([3, 0, (len(t) + 4) >> 8, (len(t) + 4) & 255]) + bytes(t)
cr_pref = [10, 0xe0, 0, 0, 0, 9, 0, 0xf0, 2, 0, 3]
cr_alt = [12, 0xe0, 0, 0, 0, 9, 0x40, 0xc7, 1, 0, 0xc1, 1, 0x41]
cr_c4 = [6, 0xe0, 0, 0, 0, 9, 0x40]
dt = [2, 0xf0, 0]
dt_eot = [2, 0xf0, 0x80]
er = [8, 0x70, 0, 0, 2, 0xc1, 2, 6, 0x10]
ed = [2, 0x10, 0x80, 0x41]
dr = [9, 0x80, 0, 9, 0, 1, 0x80, 0xe0, 1, 0x7a]
cc = [9, 0xd0, 0, 9, 0x12, 0x34, 0, 0xc0, 1, 9]
seeds = {
    "hand-cr-pref-dt": (1, [cr_pref, dt + [1] * 100, dt_eot + [2] * 5]),
    "hand-cr-alt-dr": (1, [cr_alt, dr]),
    "hand-cr-class4": (1, [cr_c4]),
    "hand-cr-er": (1, [cr_pref, er]),
    "hand-cr-ed": (1, [cr_pref, ed]),
    "hand-cc-dt": (0, [cc, dt_eot + [3] * 300, dt + [4] * 10, dt_eot]),
    "hand-cc-cr": (0, [cc, cr_pref]),
}
for n, (flags, tp) in seeds.items():
    with open(os.path.join(out, "cotp", n), "wb") as f:
        f.write(bytes([flags, 0, 9]) + b"".join(tpkt(t) for t in tp))
    with open(os.path.join(out, "tpkt", n), "wb") as f:
        f.write(bytes([3, 1]) + b"".join(tpkt(t) for t in tp))
PY
