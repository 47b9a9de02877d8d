#!/bin/sh
# conformance.sh - x400conf against x400d, and against targets that are
#	wrong on purpose
#
# 1. x400d configured as an operator would for x400conf (a link "conf"
#    to x400conf's listener, x400conf's domain routed to it, a local
#    domain for the delivery-report case): every case passes, in 1988
#    normal mode, and (transfer, trace, extension and bound cases) on
#    an X.410-1984 link; the JUnit XML reads, every case left a capture
#    and a transcript, tshark dissects the captures, and x400d is still
#    up with no sanitizer report.
# 2. Misconfigured targets, each run on the cases it must break, each
#    of which must fail with a reason naming what is wrong: a wrong
#    password for x400conf, the link to x400conf in the wrong mode, a
#    link that does not take reports, the target binding to x400conf
#    with a wrong password, a size limit on the link, a target that
#    accepts any bind (test_conformance lax), one that stops serving
#    after a malformed PDU (test_conformance fragile), and one that never
#    answers (test_conformance blackhole).
# 3. docs/conformance.md's case tables are exactly x400conf -L's.
#
# Addresses: a /24 of 127.0.0.0/8 picked from our process id, so that
# two trees running make check at once do not collide.
set -u
: "${X400_BIN:?}" "${X400_TESTBIN:?}"
D=$X400_BIN/x400d
C=$X400_BIN/x400conf
H=$X400_TESTBIN/test_conformance
tmp=$(mktemp -d "${TMPDIR:-/tmp}/xconf.XXXXXX")
pids=""
cleanup() {
	for p in $pids; do kill -9 "$p" 2>/dev/null; done
	[ -n "${KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
net=127.$(( $$ % 200 + 30 )).$(( ($$ / 200) % 250 + 1 ))
T=$net.1			# the target
U=$net.2			# x400conf's listener
TP=20102
UP=20103
TLSP=20104			# the target's TLS listener
n=0

# keys and certificates: the target's (TLS server, strong credentials)
# and x400conf's (TLS client, strong credentials), which the target's
# links conf-tls and conf-strong pin by public key
K=$tmp/keys
mkdir -p "$K"
for c in target xc; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$K/$c.key" -out "$K/$c.pem" -days 30 \
	    -subj "/CN=$c.example" >>"$K/openssl.log" 2>&1
done
spki() {
	echo "sha256-spki:$(openssl x509 -in "$1" -pubkey -noout |
	    openssl pkey -pubin -outform der | openssl dgst -sha256 |
	    sed 's/.*= *//')"
}
XC_PIN=$(spki "$K/xc.pem")
OTHER_PIN=$(spki "$K/target.pem")	# a key that is not x400conf's

echo "1..59"

# t DESCRIPTION CMD... - one TAP line: ok when CMD succeeds
t() {
	d=$1
	shift
	n=$((n + 1))
	if "$@" >"$tmp/t.out" 2>&1; then
		echo "ok $n - $d"
	else
		echo "not ok $n - $d"
		sed 's/^/# /' "$tmp/t.out" | head -n 40
	fi
}

# target NAME [LINK-KEYS] - write NAME.conf: x400d as x400conf's target
target() {
	mkdir -p "$tmp/$1"
	routes=${ROUTES:-'{ pattern = "C=XX;A=ADMD;P=CONF"; link = "conf"; cost = 1; }'}
	nowhere=""
	[ -n "${NOWHERE:-}" ] && nowhere=',
  { name = "nowhere"; peer_mta = "nowhere"; peer_password = "x";
    direction = "outbound"; open_interval = "1s";
    addresses = ( { host = "'$net.9'"; port = '$UP'; } ); }'
	cat >"$tmp/$1.conf" <<EOF
global = {
  mta_name = "mta-t";
  domain = "C=XX;A=ADMD;P=TARGET";
  queue_dir = "$tmp/$1/q";
  log_level = "info";
  sync = "nosync";
  password = "${TARGET_PW:-target-pw}";
  allow_plaintext = true;
  tls_cert = "$K/target.pem"; tls_key = "$K/target.key";
  $([ "$(id -u)" != 0 ] || echo "allow_root = true;")
  bind_backoff = { free = 1000; };
};
listen = { addresses = [ "$T:$TP" ]; tls_addresses = [ "$T:$TLSP" ];
  tsel = "x400"; };
links = (
  { name = "conf"; peer_mta = "x400conf"; peer_password = "${PEER_PW:-conf-pw}";
    addresses = ( { host = "$U"; port = $UP; tsel = "x400"; } );
    source_address = "$T"; open_interval = "1s";
    tls_pin = "${CONF_PIN-$XC_PIN}"; ${2:-} },
  { name = "conf-tls"; direction = "inbound"; peer_mta = "x400conf-tls";
    peer_password = "conf-pw"; tls = "${TLS_MODE:-required}";
    tls_pin = "${TLS_PIN:-$XC_PIN}"; },
  { name = "conf-strong"; direction = "inbound";
    peer_mta = "x400conf-strong"; credentials = "strong";
    tls_pin = "${STRONG_PIN:-$XC_PIN}"; }$nowhere
);
routing = {
  local_dir = "$tmp/$1/mailboxes";
  local = [ "C=XX;A=ADMD;P=TARGET" ];
  routes = ( $routes );
};
EOF
}

# start NAME - run x400d on NAME.conf until it listens
start() {
	"$D" -p -c "$tmp/$1.conf" >"$tmp/$1.ports" 2>"$tmp/$1.log" &
	dpid=$!
	pids="$pids $dpid"
	i=0
	while [ ! -s "$tmp/$1.ports" ] && [ $i -lt 100 ]; do
		kill -0 "$dpid" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	[ -s "$tmp/$1.ports" ]
}

# stop - end the last x400d started
stop() {
	kill "$dpid" 2>/dev/null
	wait "$dpid" 2>/dev/null
	:
}

# conf OUT ARGS... - x400conf against the target; its output in OUT
cat >"$tmp/c.conf" <<EOF
target = { address = "$T:$TP"; tsel = "x400"; mode = "normal";
  mta = "mta-t"; password = "target-pw"; domain = "C=XX;A=ADMD;P=TARGET";
  local_recipient = "C=XX;A=ADMD;P=TARGET;S=postmaster"; };
us = { mta = "x400conf"; password = "conf-pw"; domain = "C=XX;A=ADMD;P=CONF";
  listen = "$U:$UP"; recipients = "C=XX;A=ADMD;P=CONF;O=conf"; };
suite = { answer_timeout = 5; relay_timeout = 20;
  strong_cert = "$K/xc.pem"; strong_key = "$K/xc.key";
  strong_mta = "x400conf-strong";
  tls_address = "$T:$TLSP"; tls_cert = "$K/xc.pem"; tls_key = "$K/xc.key";
  tls_mta = "x400conf-tls"; };
EOF
conf() {
	out=$1
	shift
	"$C" -c "$tmp/c.conf" "$@" >"$out" 2>"$out.err"
	echo $? >"$out.rc"
}

# failed OUT ID PATTERN - case ID failed in OUT, its reason matching
failed() {
	awk -v id="$2" '$1 == "FAIL" && $2 == id { getline; print; f = 1 }
	    END { exit !f }' "$1" >"$tmp/reason" || {
		echo "$2 did not fail:"; grep " $2 " "$1"; return 1; }
	grep -Eq -- "$3" "$tmp/reason" || {
		echo "$2 failed for another reason:"; cat "$tmp/reason"
		return 1; }
}

# rc OUT STATUS - x400conf exited with STATUS
rc() {
	[ "$(cat "$1.rc")" = "$2" ] || { echo "exit $(cat "$1.rc")"; cat "$1"
		cat "$1.err"; return 1; }
}

# ---- 1. a well configured x400d ---------------------------------------
target good
t "x400d starts as x400conf's target" start good
ncases=$("$C" -l | wc -l)
conf "$tmp/full.txt" -O "$tmp/out" -j "$tmp/junit.xml"
t "x400conf against x400d: no case fails" rc "$tmp/full.txt" 0
t "every case ran and passed" grep -q \
    "$ncases cases, $ncases passed, 0 failed, 0 inconclusive" "$tmp/full.txt"
t "the PICS table shows both modes" sh -c "grep -q 'normal mode (ACSE, presentation) *yes' '$tmp/full.txt' &&
    grep -q 'X.410-1984 mode  *yes' '$tmp/full.txt'"
t "... window and checkpoint sizes as x400d's listener caps them" sh -c "
    grep -q 'Window size (asked -> accepted)  *100 -> 8, 1 -> 1\$' '$tmp/full.txt' &&
    grep -q 'Checkpoint size (asked -> accepted)  *65535 KB -> 64 KB, 1 KB -> 1 KB\$' '$tmp/full.txt' &&
    grep -q 'RTSE defaults (nothing proposed)  *no checkpointing, window 3\$' '$tmp/full.txt'"
t "... recovery (checkpointing, resume) and the initiator's proposal" sh -c "
    grep -q 'Recovery (checkpointing agreed)  *checkpointing agreed (up to 64 KB)\$' '$tmp/full.txt' &&
    grep -q 'Activity interrupted and resumed  *yes' '$tmp/full.txt' &&
    grep -q 'As initiator (towards x400conf)  *calls in normal mode, proposes checkpoint [0-9]* KB, window [0-9]' '$tmp/full.txt'"
t "... extensions: non-critical relayed, critical refused" sh -c "
    grep -q 'Unknown non-critical extensions  *relayed unchanged\$' '$tmp/full.txt' &&
    grep -q 'Unknown critical extensions  *refused with a non-delivery report\$' '$tmp/full.txt' &&
    grep -q 'Critical for delivery only  *relayed' '$tmp/full.txt'"
t "... and every row is in the JUnit XML as a property" sh -c "
    for k in mode.normal mode.x410 rtse.window rtse.checkpoint rtse.recovery \
	rtse.resume ext.noncritical ext.critical; do
	grep -q \"<property name=.pics.\$k. value=\" '$tmp/junit.xml' ||
	    { echo \"no pics.\$k\"; exit 1; }
    done"
t "the JUnit XML is valid (conformance/junit.xsd)" xmllint --noout \
    --schema conformance/junit.xsd "$tmp/junit.xml"
t "... and the schema refuses a broken one" sh -c "
    sed 's/tests=\"[0-9]*\"/tests=\"some\"/' '$tmp/junit.xml' >'$tmp/bad.xml'
    ! xmllint --noout --schema conformance/junit.xsd '$tmp/bad.xml'"
t "the JUnit XML counts every case, none failed" grep -q \
    "<testsuites name=\"x400conf\" tests=\"$ncases\" failures=\"0\"" \
    "$tmp/junit.xml"
t "each case left a capture and a transcript" sh -c '
    for id in $("'"$C"'" -l | cut -c1-5); do
	[ -s "'"$tmp"'/out/$id.pcap" ] && [ -s "'"$tmp"'/out/$id.txt" ] ||
	    { echo "$id: no capture or transcript"; exit 1; }
    done'
t "the transcripts decode each layer (AS.01)" sh -c "
    grep -q 'CN version 1 2 .*CP normal mode.*AARQ 2.6.0.1.6.*RTORQ.*MTA-bind argument: MTA \"x400conf\"' '$tmp/out/AS.01.txt' &&
    grep -q 'AC .*CPA.*AARE.*accepted.*RTOAC.*MTA-bind result: MTA \"mta-t\"' '$tmp/out/AS.01.txt'"
t "the transcripts show the target's relays (TR.01)" grep -q \
    "DT GT + DT .*RTTR .*P1 message .*trace 2" "$tmp/out/TR.01.txt"
# tshark: every frame through tpkt, no malformed one (ports as TPKT)
tsh() {
	tshark -n -r "$1" -d tcp.port==$TP,tpkt -d tcp.port==$UP,tpkt \
	    -Y "_ws.malformed || _ws.expert.severity >= error" 2>/dev/null |
	    grep . && return 1
	tshark -n -r "$1" -d tcp.port==$TP,tpkt -d tcp.port==$UP,tpkt \
	    -Y "$2" 2>/dev/null | grep -q .
}
t "tshark reads AS.01: the bind, no malformed frame" tsh "$tmp/out/AS.01.pcap" p1
t "tshark reads TR.04: checkpoints and the message" tsh "$tmp/out/TR.04.pcap" \
    "ses.type == 49"
t "the transcript of AS.10 shows the interrupt and the resume" sh -c "
    grep -q -- '->  DT GT + AI reason' '$tmp/out/AS.10.txt' &&
    grep -q -- '<-  DT PT + AIA' '$tmp/out/AS.10.txt' &&
    grep -q -- '->  DT GT + AR serial [1-9]' '$tmp/out/AS.10.txt'"
t "the transcript of TR.08 shows the non-delivery report" grep -q \
    "P1 report .* on C=XX;A=ADMD;P=CONF" "$tmp/out/TR.08.txt"
t "x400d is still up" kill -0 "$dpid"
t "every robustness case was followed by a working association" sh -c '
    n=0
    for id in $("'"$C"'" -l | awk "\$2 == \"robustness\" { print \$1 }"); do
	grep -q "health check: the target still serves" "'"$tmp"'/out/$id.txt" ||
	    { echo "$id: no working association after it"; exit 1; }
	n=$((n + 1))
    done
    [ $n -ge 20 ] || { echo "only $n robustness cases"; exit 1; }'
t "... strong credentials accepted, answered in kind; a replay refused" sh -c "
    grep -q 'Strong credentials (X.411 12.2.1.1)  *accepted; strong credentials in the result too\$' '$tmp/full.txt' &&
    grep -q 'Replayed bind token  *refused\$' '$tmp/full.txt'"
t "... TLS 1.3, and wrong certificates refused before the bind" sh -c "
    grep -q 'TLS under RFC 1006 (version, cipher)  *TLSv1.3, ' '$tmp/full.txt' &&
    grep -q 'Unknown TLS certificates refused  *before the bind\$' '$tmp/full.txt'"
t "... x400d logged why: 2049 for no, a stranger's and another key's certificate, 2041 for the expired one" sh -c "
    [ \$(grep -c '\"event\":2049,' '$tmp/good.log') -eq 3 ] &&
    grep -q '\"event\":2049,.*presented no certificate' '$tmp/good.log' &&
    grep -q '\"event\":2049,.*CN=x400conf-stranger' '$tmp/good.log' &&
    grep -q '\"event\":2041,' '$tmp/good.log'"
t "x400d's log has no sanitizer report" sh -c \
    "! grep -E 'ERROR: AddressSanitizer|runtime error' '$tmp/good.log'"
stop

target x410 'mode = "x410-1984";'
t "x400d with an X.410-1984 link to x400conf starts" start x410
conf "$tmp/x410.txt" -m x410 -t bind -t transfer -t trace -t extensions \
    -t bounds -j "$tmp/x410.xml"
t "X.410-1984 mode: no case fails" rc "$tmp/x410.txt" 0
t "X.410-1984 mode: the extension cases are inconclusive, said why" \
    sh -c "grep -q '^INCON EX.01' '$tmp/x410.txt' &&
	   grep -q 'extensions do not survive an X.410-1984 link' '$tmp/x410.txt'"
t "... in the JUnit XML as skipped, with the reason" sh -c "
    xmllint --noout --schema conformance/junit.xsd '$tmp/x410.xml' &&
    grep -A1 'name=\"EX.01 ' '$tmp/x410.xml' |
	grep -q '<skipped message=\"inconclusive: .*X.410-1984'"
stop

# ---- 2. targets wrong on purpose -----------------------------------------
sed -i 's/relay_timeout = 20/relay_timeout = 4/' "$tmp/c.conf"

PEER_PW=other-pw
target badpw
PEER_PW=
start badpw
conf "$tmp/badpw.txt" -t BI.01 -t TR.01 -j "$tmp/badpw.xml"
t "wrong password for x400conf: x400conf fails" rc "$tmp/badpw.txt" 1
t "... BI.01 fails: bind refused, authentication-error" failed \
    "$tmp/badpw.txt" BI.01 "was not accepted: refused.*authentication-error"
t "... TR.01 fails: the bind is refused" failed "$tmp/badpw.txt" TR.01 \
    "did not accept our MTA-bind"
t "... the JUnit XML is valid and has both failures with their reasons" sh -c "
    xmllint --noout --schema conformance/junit.xsd '$tmp/badpw.xml' &&
    grep -q 'tests=\"2\" failures=\"2\"' '$tmp/badpw.xml' &&
    grep -A1 'name=\"BI.01 ' '$tmp/badpw.xml' |
	grep -q '<failure message=\".*authentication-error'"
stop

target mode 'mode = "x410-1984";'
start mode
conf "$tmp/mode.txt" -t TR.01 -t TR.07
t "link to x400conf in the wrong mode: TR.01 fails naming the mode" failed \
    "$tmp/mode.txt" TR.01 "relayed .* in X.410-1984 mode; target.mode says"
t "... TR.07 (a report) fails likewise" failed "$tmp/mode.txt" TR.07 \
    "wrong mode"
stop

# reports for x400conf's originator routed to a link that goes nowhere
ROUTES='{ pattern = "C=XX;A=ADMD;P=CONF;O=conf"; link = "conf"; cost = 1; },
  { pattern = "C=XX;A=ADMD;P=CONF"; link = "nowhere"; cost = 1; }'
NOWHERE=1
target noreports
ROUTES= NOWHERE=
start noreports
conf "$tmp/noreports.txt" -o "us.originator=C=XX;A=ADMD;P=CONF;O=back;S=orig" \
    -t TR.08 -t TL.02 -t EX.02 -t TR.01
t "link that returns no reports: TR.08 fails, no report came" failed \
    "$tmp/noreports.txt" TR.08 "no report on .* arrived at x400conf within 4 s"
t "... TL.02 (loop) fails likewise" failed "$tmp/noreports.txt" TL.02 \
    "no report on"
t "... EX.02 (critical extension) fails likewise" failed \
    "$tmp/noreports.txt" EX.02 "no report on"
t "... and TR.01, a plain relay, still passes" grep -q "^PASS  TR.01" \
    "$tmp/noreports.txt"
stop

TARGET_PW=not-target-pw
target ourpw
TARGET_PW=
start ourpw
conf "$tmp/ourpw.txt" -t TR.01 -t TR.06
t "target binds to x400conf with a wrong password: TR.01 fails, says so" \
    failed "$tmp/ourpw.txt" TR.01 "password of 13 octets that is not target.password"
t "... TR.06 (probe) likewise" failed "$tmp/ourpw.txt" TR.06 \
    "not target.password"
stop

target small 'size_limit = "64K";'
start small
conf "$tmp/small.txt" -t TR.04 -t TR.01
t "link with a 64K size limit: TR.04 fails, the target sent an NDR" failed \
    "$tmp/small.txt" TR.04 "non-delivery report instead \(unable-to-transfer, content-too-long\)"
t "... TR.01 passes" grep -q "^PASS  TR.01" "$tmp/small.txt"
stop

TLS_MODE=optional
target tlsopt
TLS_MODE=
start tlsopt
conf "$tmp/tlsopt.txt" -t tls
t "link for suite.tls_mta with tls = optional: TX.02 fails, plain accepted" \
    failed "$tmp/tlsopt.txt" TX.02 \
    "the target accepted a plain association binding as the TLS-required"
t "... the other TLS cases pass" sh -c "
    [ \$(grep -c '^PASS  TX' '$tmp/tlsopt.txt') -eq 5 ]"
stop

TLS_PIN=$OTHER_PIN CONF_PIN=
target tlspin
TLS_PIN= CONF_PIN=$XC_PIN
start tlspin
conf "$tmp/tlspin.txt" -t tls
t "link for suite.tls_mta pinning another key: TX.01 fails" failed \
    "$tmp/tlspin.txt" TX.01 "with the pinned certificate was not accepted"
t "... x400conf's own link without a pin: certificates refused only at the bind (PICS)" \
    grep -q 'Unknown TLS certificates refused  *at the bind' "$tmp/tlspin.txt"
stop

STRONG_PIN=$OTHER_PIN
target strongpin
STRONG_PIN=
start strongpin
conf "$tmp/strongpin.txt" -t strong
t "strong link pinning another key: SC.01 fails, authentication-error" \
    failed "$tmp/strongpin.txt" SC.01 \
    "was not accepted: refused.*authentication-error"
stop

# a target that takes anyone and anything, and relays nothing
"$H" lax "$T" "$TP" mta-t >"$tmp/lax.out" 2>&1 &
hpid=$!
pids="$pids $hpid"
i=0
while ! grep -q ready "$tmp/lax.out" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1)); done
conf "$tmp/lax.txt" -o target.password= -t BI.01 -t BI.03 -t BI.04 -t TR.01 \
    -t AS.10
t "lax target: BI.01 passes" grep -q "^PASS  BI.01" "$tmp/lax.txt"
t "... BI.03 fails: a wrong password accepted" failed "$tmp/lax.txt" BI.03 \
    "accepted a bind with a wrong password"
t "... BI.04 fails: an unknown MTA accepted" failed "$tmp/lax.txt" BI.04 \
    "accepted a bind with an unknown MTA name"
t "... TR.01 fails: nothing relayed" failed "$tmp/lax.txt" TR.01 \
    "no relayed message .* within 4 s"
t "... AS.10 fails: no recovery, the resume refused" failed "$tmp/lax.txt" \
    AS.10 "resumed \(AR\), was not confirmed: receiver reported exception 6"
kill "$hpid"; wait "$hpid" 2>/dev/null

# a target that stops listening at the first protocol error it sees
"$H" fragile "$T" "$TP" mta-t >"$tmp/fragile.out" 2>&1 &
hpid=$!
pids="$pids $hpid"
i=0
while ! grep -q ready "$tmp/fragile.out" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1)); done
conf "$tmp/fragile.txt" -o target.password= -t BI.01 -t RB.07 -t RB.10
t "target that dies after a malformed PDU: BI.01 passes" grep -q \
    "^PASS  BI.01" "$tmp/fragile.txt"
t "... RB.07 fails its health check" failed "$tmp/fragile.txt" RB.07 \
    "health check: the target no longer accepts connections after this case"
t "... RB.10 fails: no connection" failed "$tmp/fragile.txt" RB.10 \
    "no TCP connection to the target"
kill "$hpid" 2>/dev/null; wait "$hpid" 2>/dev/null

# a target that accepts connections and never answers
"$H" blackhole "$T" "$TP" >"$tmp/bh.out" 2>&1 &
hpid=$!
pids="$pids $hpid"
i=0
while ! grep -q ready "$tmp/bh.out" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1)); done
sed -i 's/answer_timeout = 5/answer_timeout = 1/' "$tmp/c.conf"
conf "$tmp/bh.txt" -t TS.01 -t RB.03 -t AS.01
t "silent target: TS.01 fails, no answer to the CR" failed "$tmp/bh.txt" TS.01 \
    "no answer to our CR: nothing in time"
t "... RB.03 fails: neither refused nor closed" failed "$tmp/bh.txt" RB.03 \
    "neither refused nor closed the connection within 1 s"
t "... AS.01 fails" failed "$tmp/bh.txt" AS.01 "was not accepted: timeout"
kill "$hpid"; wait "$hpid" 2>/dev/null

# the case tables of docs/conformance.md are x400conf -L, no more, no less
t "docs/conformance.md lists exactly the cases of x400conf -L" sh -c '
    "'"$C"'" -L | grep . >"'"$tmp"'/cases.md" &&
    awk "/^### Group /{ on = 1 } /^## /{ on = 0 } on && NF" \
	docs/conformance.md >"'"$tmp"'/doc.md" &&
    [ "$(grep -c "^| [A-Z][A-Z]\.[0-9]" "'"$tmp"'/doc.md")" -eq \
      "$("'"$C"'" -l | wc -l)" ] &&
    diff "'"$tmp"'/cases.md" "'"$tmp"'/doc.md"'
