#!/bin/sh
# strong.sh - strong credentials in the MTA-bind (issue 18; X.411
#	12.2.1.1): a bind token signed with global.tls_key, the peer known
#	by the certificate in its token (tls_pin), over plain TCP
#
# Site A (127.0.0.140) and site B (127.0.0.141), self-signed EC
# certificates made here with openssl. Phases, each a restart of both
# sites with other link settings:
#   1. credentials = "strong" both ways with pins and no passwords: mail
#      flows both ways; both binds are accepted with strong credentials
#      (3000, 3007 say so); A's capture of the link (pcap = true) holds
#      the token and A's certificate, and tshark reads it with no
#      malformed frame; the capture replayed to B (tests/fuzz/netfuzz)
#      carries the same token again: refused as a replay (3011)
#   2. B pins the wrong key for A: A's bind is refused at B (2044, its
#      text names the strong credentials; authentication-error), B's own
#      call is aborted on A's result (2044 outbound); nothing delivered
#   3. A signs with another certificate than the one B pins: refused at
#      B (2044) both ways
#   4. A sends a password on its link to B, whose link is strong: B
#      refuses (3015, naming the fix); B's strong bind to A, whose link
#      is simple and has no pin, is refused by A (3015)
#   5. A strong, B simple but with a tls_pin: B takes A's verified
#      strong bind (3000) instead of a password, and answers in kind
#   6. B's clock 10 minutes ahead (tests/support/preload/timeshim.c): A
#      and B refuse each other's token as behind and as ahead (3010);
#   7. the same with limits.strong_window = "15m": mail flows
#   8. A's key renewed in place (a new key pair), B pinning the new one:
#      before SIGHUP, A's test bind (x400q ping) is refused; after it,
#      A's binds are signed with the new key: accepted, mail flows. A key
#      file that does not load on the next SIGHUP: 2048 names the file
#      and why, the rest reloads (1005), and A still signs with the key
#      read before (x400q ping accepted)
# Each refusal one by one (signature, name, no certificate...) is
# test_strong's (tests/unit/test_strong.c).
set -u
. tests/support/sites.sh
. tests/support/tshark.sh
sites_init strong

command -v openssl >/dev/null 2>&1 || {
	echo "1..0 # SKIP no openssl"
	exit 0
}
A=C=XX\;A=ATLAS\;P=STRA
B=C=XX\;A=ATLAS\;P=STRB
AA=127.0.0.140 BA=127.0.0.141
PA=$((PORT + 1)) PB=$((PORT + 2))
K=$WORK/keys
mkdir -p "$K"

# ---- keys and certificates (docs/links.md, "Strong credentials") ----
for n in a b ax a2; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$K/$n.key" -out "$K/$n.pem" -days 30 \
	    -subj "/CN=mta-$n.example" >>"$K/openssl.log" 2>&1
done
[ -s "$K/a.pem" ] && [ -s "$K/b.pem" ] && [ -s "$K/ax.pem" ] &&
    [ -s "$K/a2.pem" ]
ok $? "openssl made four keys and certificates"
spkipin() {
	echo "sha256-spki:$(openssl x509 -in "$1" -pubkey -noout |
	    openssl pkey -pubin -outform der | openssl dgst -sha256 |
	    sed 's/.*= *//')"
}
certpin() {
	echo "sha256-cert:$(openssl x509 -in "$1" -noout -fingerprint -sha256 |
	    sed 's/.*=//')"
}
PIN_A=$(spkipin "$K/a.pem")
PIN_B=$(certpin "$K/b.pem")
PIN_AX=$(spkipin "$K/ax.pem")
PIN_A2=$(spkipin "$K/a2.pem")

# strong_link NAME PEER ADDR PORT EXTRA - a link with no password at all
strong_link() {
	cat <<EOF
  { name = "$1"; peer_mta = "$2"; credentials = "strong";
    addresses = ( { host = "$3"; port = $4; tsel = "x400"; } );
    mode = "1988-normal"; checkpoint = 8;
    source_address = "$SITE_ADDR"; allow = [ "$3" ];
    open_interval = "1s"; transfer_interval = "1s"; idle_timeout = "2s";
    $5 }
EOF
}

# sites LINK_A LINK_B [A_CERT] [GLOBAL] - both configurations
sites() {
	_ac=${3:-a} _gx=${4:-}
	SITE_MTA=mta-a SITE_ADDR=$AA
	site a mta-a "$A" $AA $PA "$1" \
	    "    { pattern = \"$B\"; link = \"to-B\"; cost = 10; }" \
	    "pcap_dir = \"$WORK/a/pcap\"; tls_cert = \"$K/$_ac.pem\"; tls_key = \"$K/$_ac.key\"; $_gx"
	SITE_MTA=mta-b SITE_ADDR=$BA
	site b mta-b "$B" $BA $PB "$2" \
	    "    { pattern = \"$A\"; link = \"to-A\"; cost = 10; }" \
	    "tls_cert = \"$K/b.pem\"; tls_key = \"$K/b.key\"; $_gx"
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
	send a -r "$B;S=Brown" -s "a to b" -b "strong from A"
	ok $? "$1: A takes a message for B"
	send b -r "$A;S=Jones" -s "b to a" -b "strong from B"
	ok $? "$1: B takes a message for A"
}
link_a() { SITE_ADDR=$AA; strong_link to-B mta-b $BA $PB "pcap = true; $1"; }
link_b() { SITE_ADDR=$BA; strong_link to-A mta-a $AA $PA "$1"; }

# 1. strong both ways
restart "$(link_a "tls_pin = \"$PIN_B\";")" "$(link_b "tls_pin = \"$PIN_A\";")"
both_ways "strong"
wait_files "$WORK/b/mailboxes" 1 20
ok $? "strong: A's message reached B (B pins A's key, sha256-spki)"
wait_files "$WORK/a/mailboxes" 1 20
ok $? "strong: B's message reached A (A pins B's certificate, sha256-cert)"
[ "$(events_with a 3000 'strong credentials')" -ge 1 ] &&
    [ "$(events_with b 3000 'strong credentials')" -ge 1 ]
ok $? "strong: both sides accepted a bind with strong credentials (3000)"
[ "$(events_with a 3007 'strong credentials')" -ge 1 ] &&
    [ "$(events_with b 3007 'strong credentials')" -ge 1 ]
ok $? "strong: both sides took the responder's strong result (3007)"
is "$(events a 3002)$(events b 3002)$(events a 3015)$(events b 3015)" "0000" \
    "strong: no password checked, no refusal"
stop a
f=$(ls "$WORK/a/pcap"/*.pcap 2>/dev/null | head -n 1)
[ -n "$f" ] && LC_ALL=C grep -aq 'mta-a.example' "$f" &&
    LC_ALL=C grep -aq 'mta-b.example' "$f"
ok $? "strong: A's capture holds both certificates (bind argument and result)"
# A's association replayed to B as captured, from A's address, well
# within the window: the same token again
if [ -n "$f" ] && [ -x "${X400_TESTBIN:-}/netfuzz" ]; then
	n0=$(events b 3000 to-A)
	"$X400_TESTBIN/netfuzz" -n 0 -a $AA -R mta-b -V "$f" "$BA:$PB" \
	    >"$WORK/replay.out" 2>&1
	[ $? -ne 0 ]
	ok $? "replay: A's captured association sent again does not bind"
	wait_until 10 test "$(events_with b 3011 'replayed')" -ge 1
	ok $? "replay: B refuses the replayed token (3011 bind-strong-replay)"
	is "$(events b 3000 to-A)" "$n0" "replay: B accepted no bind from the replay"
else
	skip "replay: a captured bind sent again" "no capture, or no netfuzz (X400_TESTBIN)"
fi
stop b
if command -v tshark >/dev/null 2>&1 && [ -n "$f" ]; then
	out=$(tshark_complaints "$f" "$PA-$PB" 0)
	ok $? "strong: tshark reads the strong bind with no malformed frame"
	[ -n "$out" ] && echo "$out" | sed 's/^/# /' | head -n 10
	tshark -r "$f" -d "tcp.port==$PA-$PB,tpkt" -V 2>/dev/null \
	    >"$WORK/tshark-v.txt"
	grep -q 'token-type-identifier: 2\.6\.3\.6\.0 (id-tok-asymmetricToken)' \
	    "$WORK/tshark-v.txt" &&
	    grep -q 'type: bind-token-signed-data (1)' "$WORK/tshark-v.txt" &&
	    grep -q 'mta-name: mta-b' "$WORK/tshark-v.txt" &&
	    grep -q 'mta-name: mta-a' "$WORK/tshark-v.txt" &&
	    grep -q 'userCertificate (id-at-commonName=mta-a.example)' \
	    "$WORK/tshark-v.txt"
	ok $? "strong: tshark decodes both tokens (2.6.3.6.0, for mta-b and for mta-a, bind-token-signed-data) and the certificate"
else
	skip "tshark reads the strong bind" "no tshark, or no capture"
fi

# 2. B pins the wrong key for A
restart "$(link_a "tls_pin = \"$PIN_B\";")" "$(link_b "tls_pin = \"$PIN_AX\";")"
both_ways "wrong pin"
wait_until 15 test "$(events_with b 2044 'strong credentials')" -ge 2
ok $? "wrong pin: B logs tls-pin-mismatch (2044) for A's bind and A's result"
check "wrong pin: A's bind refused with authentication-error" \
    grep -q '"event":2044,.*authentication-error' "$WORK/b/x400d.log"
wait_until 10 test "$(events a 3006)" -ge 1
ok $? "wrong pin: A sees its bind refused (3006)"
is "$(count_files "$WORK/a/mailboxes")$(count_files "$WORK/b/mailboxes")" "00" \
    "wrong pin: nothing delivered"

# 3. A's certificate is not the one B pins
restart "$(link_a "tls_pin = \"$PIN_B\";")" "$(link_b "tls_pin = \"$PIN_A\";")" ax
both_ways "other certificate"
wait_until 15 test "$(events_with b 2044 'mta-ax.example')" -ge 2
ok $? "other certificate: B refuses A's bind and A's result (2044, naming A's certificate)"
is "$(events b 3000 to-A)$(count_files "$WORK/b/mailboxes")" "00" \
    "other certificate: no bind from A accepted, nothing delivered"

# 4. a password on a strong link, strong credentials on a simple link
SITE_MTA=mta-a
restart "$(SITE_ADDR=$AA; link to-B mta-b $BA $PB 1988-normal)" \
    "$(link_b "tls_pin = \"$PIN_A\";")"
both_ways "kinds"
wait_until 15 test "$(events_with b 3015 'sent a password')" -ge 1
ok $? "kinds: B refuses A's password on its strong link (3015)"
check "kinds: the event names the fix" \
    grep -q '"event":3015,.*credentials = \\"strong\\"' "$WORK/b/x400d.log"
wait_until 15 test "$(events_with a 3015 'no tls_pin')" -ge 1
ok $? "kinds: A refuses B's strong bind on a simple link with no pin (3015)"

# 5. a verified strong bind on a simple link with a pin
SITE_MTA=mta-b
restart "$(link_a "tls_pin = \"$PIN_B\";")" \
    "$(SITE_ADDR=$BA; link to-A mta-a $AA $PA 1988-normal "tls_pin = \"$PIN_A\";")"
send a -r "$B;S=Brown" -s "a to b" -b "strong to a simple link"
ok $? "strong to simple: A takes a message for B"
wait_files "$WORK/b/mailboxes" 1 20
ok $? "strong to simple: B took A's strong bind on its simple link with a pin"
[ "$(events_with b 3000 'strong credentials')" -ge 1 ] &&
    [ "$(events_with a 3007 'strong credentials')" -ge 1 ]
ok $? "strong to simple: B answered in kind"

# 6. B's clock 10 minutes ahead (timeshim.c on B's time(2)): each
#    refuses the other's token, as behind or as ahead; 7. the same with
#    limits.strong_window = "15m" on both: mail flows
CC=${CC:-cc}
SHIM=$WORK/timeshim.so
if $CC -shared -fPIC -o "$SHIM" tests/support/preload/timeshim.c -ldl \
    2>"$WORK/cc.err"; then
	clock_sites() {	# clock_sites GLOBAL
		stop a
		stop b
		sites "$(link_a "tls_pin = \"$PIN_B\";")" \
		    "$(link_b "tls_pin = \"$PIN_A\";")" a "$1"
		start a || return 1
		X400_SHIM_TIME_SHIFT=600
		export X400_SHIM_TIME_SHIFT
		start b "$(preload_asan "$SHIM")"
		_rc=$?
		unset X400_SHIM_TIME_SHIFT
		return $_rc
	}
	clock_sites ""
	ok $? "clock: sites a b started, B's clock 600 s ahead"
	both_ways "clock"
	wait_until 15 test "$(events_with b 3010 'behind our clock')" -ge 1
	ok $? "clock: B refuses A's token as 600 s behind (3010 bind-strong-time)"
	wait_until 15 test "$(events_with a 3010 'ahead of our clock')" -ge 1
	ok $? "clock: A refuses B's token as 600 s ahead (3010)"
	check "clock: the event names the window and the fix" \
	    grep -q '"event":3010,.*strong_window 300 s.*NTP' "$WORK/b/x400d.log"
	is "$(count_files "$WORK/a/mailboxes")$(count_files "$WORK/b/mailboxes")" "00" \
	    "clock: nothing delivered"
	clock_sites 'limits = { strong_window = "15m"; };'
	ok $? "clock: sites restarted with limits.strong_window = 15m"
	both_ways "wide window"
	wait_files "$WORK/b/mailboxes" 1 20 && wait_files "$WORK/a/mailboxes" 1 20
	ok $? "wide window: 600 s apart within 15 minutes, mail flows both ways"
else
	sed 's/^/# /' "$WORK/cc.err"
	skip "clock checks" "cannot build tests/support/preload/timeshim.c"
fi

# 8. A renews its key in place and says SIGHUP; then a key that does
#    not load
cp "$K/a.pem" "$K/live.pem"
cp "$K/a.key" "$K/live.key"
restart "$(link_a "tls_pin = \"$PIN_B\";")" "$(link_b "tls_pin = \"$PIN_A2\";")" live
ping_b() {	# ping_b - A's test bind to B on to-B: 0 if accepted
	"$X400_BIN/x400q" -c "$WORK/a/x400d.conf" ping to-B \
	    >>"$WORK/ping.out" 2>&1
}
! ping_b
ok $? "renewal: before it, B refuses A's bind signed with the old key (x400q ping)"
cp "$K/a2.pem" "$K/live.pem"
cp "$K/a2.key" "$K/live.key"
hup a
wait_until 10 grep -q '"event":1005,' "$WORK/a/x400d.log"
ok $? "renewal: A reloads on SIGHUP (1005)"
ping_b
ok $? "renewal: A's bind is now signed with the renewed key, which B pins"
send a -r "$B;S=Brown" -s "renewed" -b "signed with the new key"
wait_files "$WORK/b/mailboxes" 1 20
ok $? "renewal: A's message reaches B"
echo "not a key" >"$K/live.key"
hup a
wait_until 10 test "$(events_with a 2048 'strong credentials was not read again')" -ge 1
ok $? "bad key: on SIGHUP 2048 says the key read before signs A's bind tokens"
event_texts a 2048 | grep 'strong credentials' |
    grep -qF "$K/live.key: no PEM private key in it"
ok $? "bad key: 2048 names the file and why"
wait_until 10 test "$(events a 1005)" -ge 2
ok $? "bad key: the rest of the configuration is reloaded (1005)"
is "$(events a 1003)" 0 "bad key: no config-error"
ping_b
ok $? "bad key: A still signs with the renewed key read before"
send a -r "$B;S=Brown" -s "after a bad reload" -b "still strong"
wait_files "$WORK/b/mailboxes" 2 20
ok $? "bad key: and A's next message reaches B"

stop a
stop b
done_testing
