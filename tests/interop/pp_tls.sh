#!/bin/sh
# pp_tls.sh - x400d against PP over TLS: PP behind stunnel (issue 18)
#
# PP (../shared/peers) has no TLS. stunnel (Debian's stunnel4) puts it on
# a TLS link the way an operator would (docs/links.md, "A peer behind
# stunnel"), with certificates from a small CA made here with openssl:
#   x400d -> PP: x400d's link pp-tls (tls = "required") calls a stunnel
#	in server mode, pinning its certificate (sha256-cert); stunnel
#	checks x400d's certificate (CA, host name) and hands plain RFC 1006
#	to PP's pptsapd. 5 messages: each in PP's queue under our MTS
#	identifier with its three recipients, x400d's queue empties, 2047
#	names the TLS version;
#   PP -> x400d: PP's x400out88 calls a stunnel in client mode, which
#	checks x400d's certificate (CA, host name), shows its own and calls
#	x400d's TLS address; x400d's inbound link pp-tls-in requires TLS
#	and pins stunnel's client key (sha256-spki). 5 messages, 2
#	recipients each: PP reports success, x400d delivers them;
#   a stunnel with another certificate (same CA, same name, another key)
#	each way: x400d refuses it (2044) and the mail stays queued, on
#	PP's side and on ours; with the right one again it goes;
#   the capture of the TLS link is the decrypted OSI stream, tshark reads
#	it; as root with dumpcap, the wire carries TLS and no password.
# PP's fault, not ours: stunnel calls PP once its handshake with x400d is
# done, before x400d compares the pin, so each call x400d gives up to
# the impostor reaches PP as a connection closed before its first TPKT,
# and PP's listener dies of it (SIGSEGV; a plain connect and close does
# the same). The test starts it again. Counted: 38 checks (37 without
# root and dumpcap, one skipped). About 40 s.
set -u
. tests/support/sites.sh
. tests/support/pp.sh
sites_init interop_pp_tls

KIT=${PEERS:-../shared/peers}
PP=${PEERS_PREFIX:?PEERS_PREFIX: where the PP kit is built}
# ports of our own (pp.sh takes PORT+1 and +2, conf_pp.sh +5 and +6), and
# loopback addresses of our own for x400d and the stunnel in front of PP
PPPORT=$((PORT + 3))	# PP's pptsapd, 127.0.0.1 (the address PP knows)
UAPORT=$((PORT + 4))	# x400d, plain, for our user agent
TLSPORT=$((PORT + 7))	# x400d's TLS listener
SRVPORT=$((PORT + 8))	# stunnel server mode, in front of PP
CLIPORT=$((PORT + 9))	# stunnel client mode, PP's way out (127.0.0.1)
XA=127.0.0.140		# x400d
SA=127.0.0.141		# stunnel in front of PP (server mode)
CA=127.0.0.142		# stunnel's calls to x400d (client mode) come from here
T=$WORK/t
SUBMIT_AT=$XA:$UAPORT
Q=$T/queue
K=$WORK/keys
US="C=GB;A= ;P=TESTPRMD"
PPDOM="C=GB;A= ;P=PPTEST;O=PPORG"
THIRD="C=GB;A= ;P=THIRD"
export PP_MTA_NAME=PPMTA PP_MTA_PASSWORD=pppass \
    PEER_MTA_NAME=TESTMTA PEER_MTA_PASSWORD=testpass PEER_TSEL=x400 \
    PP_SEND_TIMEOUT=30


# stunnel_start NAME CONF - run stunnel with CONF (a service section) in
#	the foreground, in the background; wait until it listens
stunnel_start() {
	cat >"$WORK/$1.conf" <<EOF
foreground = yes
syslog = no
output = $WORK/$1.log
pid =
debug = info
$2
EOF
	stunnel "$WORK/$1.conf" >>"$WORK/$1.out" 2>&1 &
	eval "ST_PID_$1=$!"
	wait_until 10 grep -q 'Configuration successful' "$WORK/$1.log"
}
stunnel_stop() {
	eval "_p=\${ST_PID_$1:-}"
	[ -n "$_p" ] || return 0
	kill "$_p" 2>/dev/null
	wait "$_p" 2>/dev/null
	eval "ST_PID_$1="
}
trap 'stunnel_stop srv; stunnel_stop cli; pp_stop; sites_cleanup' EXIT INT TERM

if [ ! -x "$KIT/build.sh" ] || [ ! -f "$KIT/pp.tar.gz" ]; then
	echo "# the PP kit is missing at $KIT (see its README.md): make interop needs it"
	ok 1 "the PP kit is present"
	done_testing
	exit 1
fi
if ! command -v stunnel >/dev/null 2>&1; then
	echo "# stunnel is missing (Debian package stunnel4, in .ci/deps)"
	ok 1 "stunnel is installed"
	done_testing
	exit 1
fi

# ---- keys and certificates ------------------------------------------
# a CA; x400d's certificate (x400d.example); stunnel's as server
# (pp.example) and as client (pp-out.example); and an impostor: the same
# CA and name as stunnel's, another key
mkdir -p "$K"
ossl() { openssl "$@" >>"$K/openssl.log" 2>&1; }
ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$K/ca.key" -out "$K/ca.pem" -days 30 -subj /CN=interop-ca
for c in x400d:x400d.example srv:pp.example cli:pp-out.example \
    rogue:pp.example rogue-cli:pp-out.example; do
	n=${c%%:*} cn=${c#*:}
	ossl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$K/$n.key" -out "$K/$n.csr" -subj "/CN=$cn"
	printf 'subjectAltName=DNS:%s\n' "$cn" >"$K/$n.ext"
	ossl x509 -req -in "$K/$n.csr" -CA "$K/ca.pem" -CAkey "$K/ca.key" \
	    -CAcreateserial -days 30 -extfile "$K/$n.ext" -out "$K/$n.pem"
done
[ -s "$K/x400d.pem" ] && [ -s "$K/srv.pem" ] && [ -s "$K/cli.pem" ] &&
    [ -s "$K/rogue.pem" ] && [ -s "$K/rogue-cli.pem" ]
ok $? "openssl made a CA and the certificates of x400d, of stunnel (server, client) and of an impostor"
PIN_SRV="sha256-cert:$(openssl x509 -in "$K/srv.pem" -noout -fingerprint -sha256 |
    sed 's/.*=//')"
PIN_CLI="sha256-spki:$(openssl x509 -in "$K/cli.pem" -pubkey -noout |
    openssl pkey -pubin -outform der | openssl dgst -sha256 | sed 's/.*= *//')"

# stunnel in server mode, in front of PP: TLS from x400d, whose
# certificate it checks (CA and name), plain RFC 1006 on to pptsapd
srv_conf() {	# srv_conf CERTNAME
	cat <<EOF
[pp]
accept = $SA:$SRVPORT
connect = 127.0.0.1:$PPPORT
cert = $K/$1.pem
key = $K/$1.key
CAfile = $K/ca.pem
verifyChain = yes
checkHost = x400d.example
EOF
}
# stunnel in client mode, PP's way out: plain from x400out88, TLS to
# x400d, whose certificate it checks, showing its own
cli_conf() {	# cli_conf CERTNAME
	cat <<EOF
[x400d]
client = yes
accept = 127.0.0.1:$CLIPORT
connect = $XA:$TLSPORT
local = $CA
sni = x400d.example
cert = $K/$1.pem
key = $K/$1.key
CAfile = $K/ca.pem
verifyChain = yes
checkHost = x400d.example
EOF
}

# our site: a plain listener for the user agent, a TLS listener for PP's
# stunnel; a link out to PP's stunnel, a link in from the other one
mkdir -p "$T" "$WORK/pcap"
cat >"$T/x400d.conf" <<EOF
global = {
  mta_name = "TESTMTA"; domain = "$US";
  queue_dir = "$Q"; log_file = "$T/x400d.log"; log_level = "info";
  sync = "nosync"; allow_plaintext = true; pcap_dir = "$WORK/pcap";
  tls_cert = "$K/x400d.pem"; tls_key = "$K/x400d.key";
  $(root_ok)
};
listen = { addresses = [ "$XA:$UAPORT" ]; tls_addresses = [ "$XA:$TLSPORT" ];
  tsel = "x400"; };
links = (
  { name = "pp-tls"; direction = "outbound";
    peer_mta = "PPMTA"; peer_password = "pppass"; our_password = "testpass";
    addresses = ( { host = "$SA"; port = $SRVPORT; tsel = "x400"; } );
    tls = "required"; tls_pin = "$PIN_SRV";
    mode = "1988-normal"; source_address = "$XA"; pcap = true;
    open_interval = "1s"; transfer_interval = "1s"; idle_timeout = "5s"; },
  { name = "pp-tls-in"; direction = "inbound";
    peer_mta = "PPMTA"; peer_password = "pppass"; our_password = "testpass";
    tls = "required"; tls_pin = "$PIN_CLI"; allow = [ "$CA" ]; pcap = true; },
  { name = "ua"; direction = "inbound"; peer_mta = "ua";
    peer_password = "pw-ua"; allow = [ "127.0.0.0/8" ]; }
);
routing = {
  local_dir = "$T/mailboxes"; local = [ "$US" ];
  routes = ( { pattern = "C=GB;A= ;P=PPTEST"; link = "pp-tls"; cost = 10; } );
};
EOF

# inject N SUBJECT - N messages into PP (as the MTA of THIRD) for two
#	users of ours: PP queues them for us on its x40088 channel
inject() {
	"$X400_BIN/x400send" -q -a "127.0.0.1:$PPPORT" -t x400 -n TESTMTA \
	    -w testpass -W pppass -g "$THIRD" -f "$THIRD;O=THIRDORG;S=carol" \
	    -r "$US;O=TESTORG;S=bob" -r "$US;O=TESTORG;S=dave" \
	    -N "$1" -s "$2" -b "from PP's queue, over TLS" >/dev/null 2>&1
}
pp_waiting() { pp queue | grep -c 'pend x40088'; }
BOB=$T/mailboxes/C=GB_A=__P=TESTPRMD_O=TESTORG_S=bob
DAVE=$T/mailboxes/C=GB_A=__P=TESTPRMD_O=TESTORG_S=dave

check "PP builds (or is built) at $PP" "$KIT/build.sh" "$PP"
pp_stop
pp clear >/dev/null
check "PP listens on 127.0.0.1:$PPPORT" pp start "$PPPORT"
check "stunnel (server mode) listens in front of PP on $SA:$SRVPORT" \
    stunnel_start srv "$(srv_conf srv)"
check "stunnel (client mode) listens for PP's calls on 127.0.0.1:$CLIPORT" \
    stunnel_start cli "$(cli_conf cli)"

# what crosses the wire between x400d and the stunnels (root only)
wire=""
if [ "$(id -u)" = 0 ] && command -v dumpcap >/dev/null 2>&1; then
	dumpcap -q -i lo -f "tcp port $SRVPORT or tcp port $TLSPORT" \
	    -w "$WORK/wire.pcapng" 2>"$WORK/dumpcap.err" &
	wire=$!
	wait_until 10 grep -q "Capturing on" "$WORK/dumpcap.err" || sleep 1
fi
start_sites t

# ---- x400d -> stunnel -> PP ------------------------------------------
: >"$WORK/sent"
submit 5 -s "interop over TLS" -b "hello from x400d, through stunnel"
is "$(wc -l <"$WORK/sent" | tr -d ' ')" 5 "x400d -> PP: 5 messages submitted to x400d"
wait_until 30 sh -c "[ \$('$X400_BIN/x400q' -d '$Q' -j list | jq length) = 0 ]"
is "$(queued)" 0 "x400d -> PP: x400d's queue empties (every transfer confirmed by PP, through stunnel)"
is "$(in_pp_queue "$WORK/sent")" 5 "x400d -> PP: each of the 5 is in PP's queue under our MTS identifier, with its three recipients"
is "$(event_texts t 3101 pp-tls | grep -c '3 recipients transferred')" 5 \
    "x400d -> PP: x400d logged 5 transfers of 3 recipients on link pp-tls"
event_texts t 2047 pp-tls | grep -q '^TLSv1\.[23] .*CN *= *pp\.example'
ok $? "x400d -> PP: tls-established (2047) on pp-tls names the TLS version and stunnel's certificate ($(event_texts t 2047 pp-tls | head -n 1))"
check "x400d -> PP: stunnel checked x400d's certificate (CA and name)" \
    grep -q 'Certificate accepted at depth=0: CN=x400d.example' "$WORK/srv.log"
pp clear >/dev/null

# ---- PP -> stunnel -> x400d ------------------------------------------
inject 5 "PP to us over TLS"
is "$(pp_waiting)" 5 "PP -> x400d: 5 messages for us wait in PP's queue"
pp send "$CLIPORT" >"$WORK/ppsend" 2>&1
is "$(grep -c 'Recipient [0-9]*: success' "$WORK/ppsend")" 10 \
    "PP -> x400d: PP's x400out88 reports success for each of 10 recipients, through stunnel"
wait_files "$DAVE" 5 20
is "$(count_files "$BOB") $(count_files "$DAVE")" "5 5" \
    "PP -> x400d: x400d delivered the 5 to bob and to dave"
is "$(pp_waiting)" 0 "PP -> x400d: PP's queue no longer holds them for us"
is "$(events_with t 3000 pp-tls-in)" 5 \
    "PP -> x400d: x400d accepted 5 binds on link pp-tls-in (TLS required, stunnel's client key pinned)"
events_with t 2047 'pp-out.example' >"$WORK/n"
[ "$(cat "$WORK/n")" -ge 5 ] && event_texts t 2047 | grep 'pp-out.example' |
    grep -q '^TLSv1\.[23] '
ok $? "PP -> x400d: tls-established (2047) names the TLS version and stunnel's client certificate ($(cat "$WORK/n") sessions)"
check "PP -> x400d: stunnel checked x400d's certificate (CA and name)" \
    grep -q 'Certificate accepted at depth=0: CN=x400d.example' "$WORK/cli.log"

# ---- an impostor's stunnel, each way -------------------------------------
# PP -> x400d: stunnel shows another key (same CA, same name)
stunnel_stop cli
check "an impostor's stunnel (client mode) listens for PP's calls" \
    stunnel_start cli "$(cli_conf rogue-cli)"
pp clear >/dev/null
inject 1 "PP through an impostor's stunnel"
n2044=$(events t 2044)
pp send "$CLIPORT" >"$WORK/ppsend" 2>&1
ok $([ $? -ne 0 ] && echo 0 || echo 1) "impostor, PP -> x400d: PP's transfer fails"
is "$(events t 2044)" $((n2044 + 1)) "impostor, PP -> x400d: x400d refused the bind with tls-pin-mismatch (2044)"
check "impostor, PP -> x400d: the event names the link's tls_pin and the refusal" \
    sh -c "jq -r 'select(.event == 2044) | .msg' '$T/x400d.log' | tail -n 1 |
	grep 'tls_pin' | grep -q 'authentication-error'"
is "$(pp_waiting)" 1 "impostor, PP -> x400d: the message stays in PP's queue"
stunnel_stop cli
stunnel_start cli "$(cli_conf cli)"
pp send "$CLIPORT" >"$WORK/ppsend" 2>&1
ok $? "impostor, PP -> x400d: with stunnel's own key again PP sends it"
wait_files "$DAVE" 6 20
is "$(count_files "$DAVE")" 6 "impostor, PP -> x400d: and x400d delivers it"

# x400d -> PP: the stunnel in front of PP shows another key
stunnel_stop srv
check "an impostor's stunnel (server mode) listens in front of PP" \
    stunnel_start srv "$(srv_conf rogue)"
n2044=$(events t 2044 pp-tls)
: >"$WORK/sent"
submit 1 -s "to PP through an impostor's stunnel"
wait_until 20 test "$(events t 2044 pp-tls)" -gt "$n2044"
ok $? "impostor, x400d -> PP: x400d logs tls-pin-mismatch (2044) on link pp-tls"
check "impostor, x400d -> PP: x400d stopped before its bind" \
    sh -c "jq -r 'select(.event == 2044 and .link == \"pp-tls\") | .msg' \
	'$T/x400d.log' | tail -n 1 | grep -q 'not sending anything'"
is "$(queued)" 1 "impostor, x400d -> PP: the message stays in x400d's queue"
is "$(in_pp_queue "$WORK/sent")" 0 "impostor, x400d -> PP: nothing reached PP"
stunnel_stop srv
# stunnel calls PP as soon as the TLS handshake is done, so each call x400d
# gave up after it reached PP as a connection closed before its first
# TPKT; PP's listener dies of that (SIGSEGV in pptsapd, PP's fault: a
# plain connect and close does the same). Start it again.
pp status >/dev/null 2>&1 ||
    echo "# PP's pptsapd died of stunnel's empty connection (PP's fault); restarting it"
pp_stop
check "PP listens again" pp start "$PPPORT"
stunnel_start srv "$(srv_conf srv)"
wait_until 60 sh -c "[ \$('$X400_BIN/x400q' -d '$Q' -j list | jq length) = 0 ]"
is "$(in_pp_queue "$WORK/sent")" 1 "impostor, x400d -> PP: with stunnel's own key again it goes: PP holds it under our MTS identifier"

# ---- captures and the wire -------------------------------------------------
stop t
f=$(ls "$WORK"/pcap/pp-tls-[0-9]*.pcap 2>/dev/null | head -n 1)
[ -n "$f" ] && ! grep -q 'testpass' "$f" &&
    grep -q '"event":2030,.*decrypted' "$T/x400d.log"
ok $? "the capture of link pp-tls is the decrypted stream, the password blanked ($(basename "${f:-none}"))"
if command -v tshark >/dev/null 2>&1 && [ -n "$f" ]; then
	tshark -r "$f" -d "tcp.port==$SRVPORT,tpkt" 2>/dev/null >"$WORK/tshark.txt"
	grep -q 'CR TPDU' "$WORK/tshark.txt"
	ok $? "tshark decodes it: RFC 1006 and COTP inside TLS, as PP reads them behind stunnel"
fi
if [ -n "$wire" ]; then
	sleep 1
	kill "$wire" 2>/dev/null
	wait "$wire" 2>/dev/null
	n=$(tshark -r "$WORK/wire.pcapng" -d tcp.port==$SRVPORT,tls \
	    -d tcp.port==$TLSPORT,tls -Y 'tls.handshake.type == 1' 2>/dev/null |
	    wc -l)
	[ "$n" -ge 2 ]
	ok $? "the wire: $n TLS ClientHellos between x400d and the stunnels, both ways"
	! grep -q 'pppass\|testpass' "$WORK/wire.pcapng"
	ok $? "the wire: neither bind password crosses in clear"
else
	skip "the wire carries TLS and no password" "needs root and dumpcap"
fi
stunnel_stop srv
stunnel_stop cli
pp_stop
done_testing
