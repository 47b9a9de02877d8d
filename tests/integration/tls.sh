#!/bin/sh
# tls.sh - TLS per link, both directions (issue 18, first increment):
#	TLS directly on TCP with RFC 1006 inside (IEC 62351-4 style)
#
# Site A (127.0.0.120) and site B (127.0.0.121) each listen in plain TCP
# (for their user agent) and with TLS (listen.tls_addresses), with
# certificates from a small CA made here with openssl. Phases, each a
# restart of both sites with other link settings, mail both ways:
#   1. pins: A pins B's certificate (sha256-cert), B pins A's public key
#      (sha256-spki); mail flows, TLS 1.3 is logged (2047), and the
#      capture of the link holds the decrypted stream (pcap-start says
#      so; the bind is in it, its password blanked); as
#      root with dumpcap, the wire itself (both TLS ports) carries TLS
#      ClientHellos and no password; a 3 MB message crosses; x400send
#      --tls pinning B's certificate delivers, pinning another fails
#   2. tls_ca + tls_name: mail flows
#   3. B pins the wrong key: A's bind is refused at B (2044, inbound,
#      authentication-error), and B's own call stops before its bind
#      (2044, outbound: A logs no bind from B)
#   4. B expects the wrong name: the same with 2045
#   5. B's certificate has expired: 2041 at A, both ways
#   6. A calls B's plain port for a link with tls = "required": 2046;
#      a plain caller on B's TLS port fails, counted in 2011
#   7. B's certificate expired, renewed in place, SIGHUP: mail flows
set -u
. tests/support/sites.sh
sites_init tls

command -v openssl >/dev/null 2>&1 || {
	echo "1..0 # SKIP no openssl"
	exit 0
}
A=C=XX\;A=ATLAS\;P=TLSA
B=C=XX\;A=ATLAS\;P=TLSB
AA=127.0.0.120 BA=127.0.0.121
PA=$((PORT + 1)) PB=$((PORT + 2)) TA=$((PORT + 3)) TB=$((PORT + 4))
K=$WORK/keys
mkdir -p "$K"

# ---- keys and certificates ------------------------------------------
ossl() { openssl "$@" >>"$K/openssl.log" 2>&1; }
ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$K/ca.key" -out "$K/ca.pem" -days 30 -subj /CN=test-ca
leaf() {	# leaf NAME CN
	ossl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$K/$1.key" -out "$K/$1.csr" -subj "/CN=$2"
	printf 'subjectAltName=DNS:%s\n' "$2" >"$K/$1.ext"
}
leaf a mta-a.example
leaf b mta-b.example
leaf bx mta-b.example
for n in a b; do
	ossl x509 -req -in "$K/$n.csr" -CA "$K/ca.pem" -CAkey "$K/ca.key" \
	    -set_serial "0x1$n" -days 30 -extfile "$K/$n.ext" -out "$K/$n.pem"
done
# an expired one: openssl ca takes dates in the past
cat >"$K/ca.cnf" <<EOF
[ ca ]
default_ca = d
[ d ]
database = $K/index.txt
new_certs_dir = $K
serial = $K/serial
default_md = sha256
policy = p
copy_extensions = copy
[ p ]
commonName = supplied
EOF
: >"$K/index.txt"
echo 01 >"$K/serial"
ossl ca -batch -config "$K/ca.cnf" -cert "$K/ca.pem" -keyfile "$K/ca.key" \
    -startdate 20200101000000Z -enddate 20200102000000Z \
    -in "$K/bx.csr" -out "$K/bx.pem"
[ -s "$K/a.pem" ] && [ -s "$K/b.pem" ] && [ -s "$K/bx.pem" ]
ok $? "openssl made a CA, two certificates and an expired one"
certpin() {
	echo "sha256-cert:$(openssl x509 -in "$1" -noout -fingerprint -sha256 |
	    sed 's/.*=//')"
}
spkipin() {
	echo "sha256-spki:$(openssl x509 -in "$1" -pubkey -noout |
	    openssl pkey -pubin -outform der | openssl dgst -sha256 |
	    sed 's/.*= *//')"
}

# ---- the sites -----------------------------------------------------------
# sites LINK_A_EXTRA LINK_B_EXTRA [B_CERT] [A_TO_B_PORT]
sites() {
	_bc=${3:-b} _ab=${4:-$TB}
	SITE_MTA=mta-a SITE_ADDR=$AA
	site a mta-a "$A" $AA $PA \
	    "$(link to-B mta-b $BA $_ab 1988-normal "pcap = true; $1")" \
	    "    { pattern = \"$B\"; link = \"to-B\"; cost = 10; }" \
	    "pcap_dir = \"$WORK/a/pcap\"; tls_cert = \"$K/a.pem\"; tls_key = \"$K/a.key\";"
	SITE_MTA=mta-b SITE_ADDR=$BA
	site b mta-b "$B" $BA $PB \
	    "$(link to-A mta-a $AA $TA 1988-normal "$2")" \
	    "    { pattern = \"$A\"; link = \"to-A\"; cost = 10; }" \
	    "tls_cert = \"$K/$_bc.pem\"; tls_key = \"$K/$_bc.key\";
	     limits = { refusal_log_interval = \"1s\"; };"
	sed -i "s|^listen = { addresses = \[ \(.*\) \];|listen = { addresses = [ \1 ]; tls_addresses = [ \"$AA:$TA\" ];|" "$WORK/a/x400d.conf"
	sed -i "s|^listen = { addresses = \[ \(.*\) \];|listen = { addresses = [ \1 ]; tls_addresses = [ \"$BA:$TB\" ];|" "$WORK/b/x400d.conf"
	next_phase a b
	rm -rf "$WORK/a/pcap"
	mkdir -p "$WORK/a/pcap"
}
restart() {
	stop a
	stop b
	sites "$@"
	start_sites a b
}
both_ways() {	# both_ways WHAT
	send a -r "$B;S=Brown" -s "a to b" -b "over TLS from A"
	ok $? "$1: A takes a message for B"
	send b -r "$A;S=Jones" -s "b to a" -b "over TLS from B"
	ok $? "$1: B takes a message for A"
}

PIN_B=$(certpin "$K/b.pem")
PIN_A=$(spkipin "$K/a.pem")
PIN_BX=$(certpin "$K/bx.pem")

# 1. pins
restart "tls = \"required\"; tls_pin = \"$PIN_B\";" \
    "tls = \"required\"; tls_pin = \"$PIN_A\";"
# what crosses the wire to the TLS ports, seen from outside (root only)
wire=""
if [ "$(id -u)" = 0 ] && command -v dumpcap >/dev/null 2>&1; then
	dumpcap -q -i lo -f "tcp port $TB or tcp port $TA" -w "$WORK/wire.pcapng" \
	    2>"$WORK/dumpcap.err" &
	wire=$!
	wait_until 10 grep -q "Capturing on" "$WORK/dumpcap.err" || sleep 1
fi
both_ways "pins"
wait_files "$WORK/b/mailboxes" 1 20
ok $? "pins: A's message reached B over TLS (sha256-cert pin)"
wait_files "$WORK/a/mailboxes" 1 20
ok $? "pins: B's message reached A over TLS (sha256-spki pin)"
send a -r "$B;S=Large" -s "large" -b "big" -z 3000000
ok $? "pins: A takes a 3 MB message for B"
wait_files "$WORK/b/mailboxes" 2 30
ok $? "pins: the 3 MB message crossed the TLS link (RTSE checkpoints, flow control)"
"$X400_BIN/x400send" -q -a "$BA:$TB" -n ua -w pw-ua -g "$B" -f "$B;S=Smith" \
    -r "$B;S=Brown" -s "x400send over TLS" -b "pinned" --tls --tls-pin "$PIN_B" \
    --tls-cert "$K/a.pem" --tls-key "$K/a.key" >"$WORK/xs.out" 2>&1
ok $? "x400send --tls --tls-pin: a message to B's TLS port, pinned"
wait_files "$WORK/b/mailboxes" 3 20
ok $? "B delivers it"
"$X400_BIN/x400send" -q -a "$BA:$TB" -n ua -w pw-ua -g "$B" -f "$B;S=Smith" \
    -r "$B;S=Brown" -s "x" -b "x" --tls --tls-pin "$PIN_A" >"$WORK/xs2.out" 2>&1
[ $? -eq 1 ] && grep -q 'TLS peer' "$WORK/xs2.out"
ok $? "x400send --tls-pin of another certificate: refused before the bind ($(tail -n 1 "$WORK/xs2.out"))"
[ "$(events_with a 2047 TLSv1.3)" -ge 2 ] && [ "$(events_with b 2047 TLSv1.3)" -ge 2 ]
ok $? "pins: tls-established (2047) names TLSv1.3 on both sides, both ways"
check "pins: the capture says it holds the decrypted stream" \
    grep -q '"event":2030,.*decrypted' "$WORK/a/x400d.log"
is "$(events a 3000 to-B) $(events b 3000 to-A)" "1 1" "pins: one bind accepted each side"
if [ -n "$wire" ]; then
	sleep 1
	kill "$wire" 2>/dev/null
	wait "$wire" 2>/dev/null
	n=$(tshark -r "$WORK/wire.pcapng" -d tcp.port==$TB,tls -d tcp.port==$TA,tls \
	    -Y 'tls.handshake.type == 1' 2>/dev/null | wc -l)
	[ "$n" -ge 2 ]
	ok $? "the wire: $n TLS ClientHellos on the TLS ports, both ways"
	! grep -q 'pw-mta-' "$WORK/wire.pcapng"
	ok $? "the wire: neither bind password crosses in clear"
else
	skip "the wire holds no password" "needs root and dumpcap"
fi
stop a
stop b
f=$(ls "$WORK/a/pcap"/*.pcap 2>/dev/null | head -n 1)
[ -n "$f" ] && ! grep -q 'pw-mta-a' "$f" &&
    tr '\n' ' ' <"$f" | LC_ALL=C grep -aq 'mta-a.\{2,6\}\*\{8\}'
ok $? "pins: the capture is the plaintext OSI stream (A's bind in it, its password blanked)"
if command -v tshark >/dev/null 2>&1 && [ -n "$f" ]; then
	tshark -r "$f" -d tcp.port==$TB,tpkt 2>/dev/null >"$WORK/tshark.txt"
	grep -q 'CR TPDU' "$WORK/tshark.txt"
	ok $? "pins: tshark decodes the capture (a COTP CR inside RFC 1006)"
fi

# 2. CA and name
restart "tls = \"required\"; tls_ca = \"$K/ca.pem\"; tls_name = \"mta-b.example\";" \
    "tls = \"required\"; tls_ca = \"$K/ca.pem\"; tls_name = \"mta-a.example\";"
both_ways "CA"
wait_files "$WORK/b/mailboxes" 1 20 && wait_files "$WORK/a/mailboxes" 1 20
ok $? "CA and name: mail flows both ways"

# 3. B pins the wrong key for A
restart "tls = \"required\"; tls_pin = \"$PIN_B\";" \
    "tls = \"required\"; tls_pin = \"$PIN_B\";"
both_ways "pin mismatch"
wait_until 15 test "$(events_with b 2044 'tls_pin')" -ge 2
ok $? "pin mismatch: B logs tls-pin-mismatch (2044) for A's call and for its own"
check "pin mismatch: A's bind refused with authentication-error" \
    grep -q '"event":2044,.*authentication-error' "$WORK/b/x400d.log"
check "pin mismatch: B's call stopped before its bind" \
    grep -q '"event":2044,.*not sending anything' "$WORK/b/x400d.log"
is "$(events a 3000 to-B)$(events a 3001)$(events a 3002)" "000" \
    "pin mismatch: no bind from B reached A"
is "$(count_files "$WORK/a/mailboxes")$(count_files "$WORK/b/mailboxes")" "00" \
    "pin mismatch: nothing delivered"

# 4. B expects the wrong name
restart "tls = \"required\"; tls_ca = \"$K/ca.pem\"; tls_name = \"mta-b.example\";" \
    "tls = \"required\"; tls_ca = \"$K/ca.pem\"; tls_name = \"mta-x.example\";"
both_ways "name mismatch"
wait_until 15 test "$(events_with b 2045 'mta-x.example')" -ge 2
ok $? "name mismatch: B logs tls-name-mismatch (2045) both ways"
is "$(events a 3000 to-B)" 0 "name mismatch: no bind from B reached A"

# 5. B's certificate expired
restart "tls = \"required\"; tls_pin = \"$PIN_BX\";" \
    "tls = \"required\"; tls_pin = \"$PIN_A\";" bx
both_ways "expired"
wait_until 15 test "$(events a 2041)" -ge 2
ok $? "expired: A logs tls-cert-expired (2041) as client and as server"
check "expired: the event names the end date" \
    grep -q '"event":2041,.*expired on Jan  2' "$WORK/a/x400d.log"

# 6. plain TCP to a link with tls = "required"
restart "" "tls = \"required\"; tls_pin = \"$PIN_A\";" b $PB
send a -r "$B;S=Brown" -s "plain" -b "in clear"
ok $? "tls required: A takes a message for B (plain link)"
wait_until 15 test "$(events b 2046)" -ge 1
ok $? "tls required: B refuses A's plain bind (2046)"
check "tls required: the event names the fix" \
    grep -q '"event":2046,.*tls_addresses' "$WORK/b/x400d.log"
wait_until 10 test "$(events a 3006)" -ge 1
ok $? "tls required: A sees its bind refused"
"$X400_BIN/x400send" -q -a "$BA:$TB" -n ua -w pw-ua -g "$B" \
    -f "$B;S=Smith" -r "$B;S=Brown" -s "plain on TLS" -b "x" 2>/dev/null
[ $? -ne 0 ]
ok $? "a plain caller on B's TLS port fails"
# (B logs tls-handshake-failed, 2040, at debug: the caller never bound)
wait_until 10 grep -q '"event":2011,.*[0-9] TLS handshakes failed' "$WORK/b/x400d.log"
ok $? "B counts the failed handshake in its next 2011 conn-refusals"

# 7. B renews its expired certificate (same key) and says SIGHUP: no
#    restart, the new one serves from then on, both ways
cp "$K/bx.pem" "$K/live.pem"
cp "$K/bx.key" "$K/live.key"
PIN_BXK=$(spkipin "$K/bx.pem")
restart "tls = \"required\"; tls_pin = \"$PIN_BXK\";" \
    "tls = \"required\"; tls_pin = \"$PIN_A\";" live
both_ways "renewal"
wait_until 15 test "$(events a 2041)" -ge 2
ok $? "renewal: before it, A refuses B's expired certificate both ways (2041)"
ossl x509 -req -in "$K/bx.csr" -CA "$K/ca.pem" -CAkey "$K/ca.key" \
    -set_serial 0x1c -days 30 -extfile "$K/b.ext" -out "$K/renewed.pem"
cp "$K/renewed.pem" "$K/live.pem"
hup b
wait_until 10 grep -q '"event":1005,' "$WORK/b/x400d.log"
ok $? "renewal: B reloads on SIGHUP (1005)"
wait_files "$WORK/b/mailboxes" 1 40
ok $? "renewal: A's queued message reaches B: B's server now shows the renewed certificate"
wait_files "$WORK/a/mailboxes" 1 40
ok $? "renewal: B's reaches A: B's client shows it too"
echo "not a key" >"$K/live.key"
hup b
wait_until 10 grep -q '"event":2048,.*not read again' "$WORK/b/x400d.log"
ok $? "a key that does not load on SIGHUP: 2048 says the certificate read before stays"
is "$(grep -c '"event":2048,.*context:' "$WORK/b/x400d.log")" 0 \
    "... once for TLS: no second line for the context that was not made"
send a -r "$B;S=Brown" -s "after a bad reload" -b "still TLS"
wait_files "$WORK/b/mailboxes" 2 40
ok $? "and B still takes mail over TLS with it"

stop a
stop b
done_testing
