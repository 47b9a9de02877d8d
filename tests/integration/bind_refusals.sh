#!/bin/sh
# bind_refusals.sh - issue 6, must-show 2: each outcome of an inbound MTA
#	bind, on the wire and in the event log
#
# Site B (127.0.0.5) receives from MTA "mta-a" over link from-A: password
# checked against a PBKDF2 hash, callers allowed from 127.0.0.2 only. It
# also has an outbound-only link to-C (peer "mta-c"). Failed binds are
# slowed after 2 free ones (bind_backoff), for 60 s.
#
# x400send plays the caller, each case from a source address of its own
# (-l), so that the back-off of one case does not touch the next, and
# captures its association (-P). For each case the test checks:
#   - the wire: x400send's own decoding of B's answer, and tshark
#     (Wireshark's dissectors, written independently of us) reading the
#     RTORJ and the bind error it carries out of the capture;
#   - the event: its number, and its whole text, which names the
#     caller's address, the MTA it claimed, the link it matched, what
#     was expected, the bind error sent and the fix.
# Outcomes: accepted (3000); unknown MTA name (3001), also for a link
# that only sends; wrong password (3002); source address not allowed
# (3003); selector mismatch (3004); and repeated failures from one
# address under one name slowed (3005), then refused at once and counted
# (2011), while another name from that address is not held back; and a
# refusal in X.410-1984 mode, which has no room for a bind error.
set -u
. tests/support/sites.sh
sites_init bind_refusals

DOM_B="C=XX;A=ADMD;P=SITEB"
HASH_A=$(printf 'secret-a\n' | "$X400_BIN/x400passwd" -i 1000)
BE="sent bind error authentication-error (2) in RTORJ"

site b mta-b "$DOM_B" 127.0.0.5 $((PORT + 1)) "\
  { name = \"from-A\"; direction = \"inbound\"; peer_mta = \"mta-a\";
    peer_password = \"$HASH_A\"; our_password = \"secret-b\";
    allow = [ \"127.0.0.2\" ]; },
  { name = \"to-C\"; direction = \"outbound\"; peer_mta = \"mta-c\";
    peer_password = \"secret-c\"; our_password = \"secret-b\";
    addresses = ( { host = \"127.0.0.9\"; port = $((PORT + 9)); } ); }" \
    "    { pattern = \"C=XX;A=ADMD;P=SITEC\"; link = \"to-C\"; }" \
    "bind_backoff = { free = 2; first = \"60s\"; max = \"60s\"; };
     limits = { refusal_log_interval = \"1s\"; };"
start b
ok $? "B starts"

# call N SRC MTA PASSWORD [ARGS...] - case N: x400send from SRC as MTA,
#	capture in $WORK/N.pcap, stderr in $WORK/N.err; its exit status
call() {
	_n=$1 _src=$2 _mta=$3 _pw=$4
	shift 4
	"$X400_BIN/x400send" -q -a "127.0.0.5:$((PORT + 1))" -l "$_src" \
	    -n "$_mta" -w "$_pw" -g "C=XX;A=ADMD;P=SITEA" \
	    -f "C=XX;A=ADMD;P=SITEA;S=Jones" -r "$DOM_B;S=Smith" \
	    -s "case $_n" -b "x" -R none -P "$WORK/$_n.pcap" "$@" \
	    >"$WORK/$_n.out" 2>"$WORK/$_n.err"
}

# wire_error N - the user data (an INTEGER: the MTABindError) of each
#	RTORJ tshark finds in case N's capture. (We send the bind error
#	bare, without the RO-notation tag [18], as PP does: tshark's ROS
#	then shows it as ber.unknown.INTEGER, not p1.MTABindError; see
#	asn1/README.md.)
wire_error() {
	tshark -r "$WORK/$1.pcap" -d "tcp.port==$((PORT + 1)),tpkt" \
	    -Y rtse.rtorj_apdu_element -T fields -e ber.unknown.INTEGER \
	    2>/dev/null | tr '\n' ' ' | sed 's/ $//'
}

# refused N SRC TEXT - x400send of case N saw the bind refused from SRC
#	with authentication-error (2), and so does tshark
refused() {
	if grep -q "the peer refused our MTA-bind from $2:[0-9]*: authentication-error (2)" \
	    "$WORK/$1.err"; then
		ok 0 "$3: x400send decodes bind error authentication-error (2)"
	else
		ok 1 "$3: x400send decodes bind error authentication-error (2)"
		sed 's/^/# /' "$WORK/$1.err"
	fi
	is "$(wire_error "$1")" 2 "$3: tshark reads an RTORJ carrying bind error 2 on the wire"
}

# last_event EVENT - the text of B's latest event EVENT
last_event() {
	event_texts b "$1" | tail -n 1
}

# ---- accepted ------------------------------------------------------------
call 1 127.0.0.2 mta-a secret-a -W secret-b
ok $? "accepted: mta-a from 127.0.0.2 with its password binds and transfers"
is "$(wire_error 1)" "" "accepted: no bind error on the wire"
is "$(event_texts b 3000 from-A)" \
    "MTA \"mta-a\" bound (1988 normal mode, checkpoint 0 KB, window 3, monologue; its bind [16]/[17])" \
    "accepted: event 3000 bind-accepted on link from-A"
is "$(jq -r 'select(.event == 3000 and .link == "from-A") | .peer' \
    "$WORK/b/x400d.log" | sed 's/:[0-9]*$//')" 127.0.0.2 \
    "accepted: the event names the caller's address"
wait_files "$WORK/b/mailboxes" 1 30
ok $? "accepted: the message is delivered"

# ---- unknown MTA name ----------------------------------------------------
call 2 127.0.0.3 mta-z secret-a
is $? 1 "unknown MTA: x400send fails"
refused 2 127.0.0.3 "unknown MTA"
is "$(events b 3001)" 1 "unknown MTA: one event 3001 bind-unknown-mta"
is "$(last_event 3001)" \
    "caller 127.0.0.3 claimed MTA \"mta-z\", which no link receives from; correct the caller's MTA name, or add a link with peer_mta = \"mta-z\"; $BE" \
    "unknown MTA: the event names caller, claimed MTA, the MTAs we expect, the error sent and the fix"

call 3 127.0.0.4 mta-c secret-c
is $? 1 "a link that only sends: x400send fails"
refused 3 127.0.0.4 "a link that only sends"
is "$(last_event 3001)" \
    "caller 127.0.0.4 claimed MTA \"mta-c\"; link to-C sends to \"mta-c\" but does not receive from it; set direction = \"both\" on link to-C; $BE" \
    "a link that only sends: event 3001 names the link and the fix"

# ---- wrong password ------------------------------------------------------
call 4 127.0.0.2 mta-a wrong-a
is $? 1 "wrong password: x400send fails"
refused 4 127.0.0.2 "wrong password"
is "$(events b 3002 from-A)" 1 "wrong password: one event 3002 bind-bad-password"
is "$(last_event 3002)" \
    "caller 127.0.0.2 claimed MTA \"mta-a\" with a password (7 octets) that link from-A's peer_password (pbkdf2-sha256) does not match; set the password mta-a sends us, or peer_password on link from-A (x400passwd -c checks one); $BE" \
    "wrong password: the event names caller, MTA, link, the verifier's kind, the error sent and the fix"
check "wrong password: the event does not show the password tried" \
    sh -c "! grep -q 'wrong-a' '$WORK/b/x400d.log'"

# ---- source address not allowed -----------------------------------------
call 5 127.0.0.7 mta-a secret-a
is $? 1 "address not allowed: x400send fails"
refused 5 127.0.0.7 "address not allowed"
is "$(events b 3003 from-A)" 1 "address not allowed: one event 3003 bind-bad-address"
is "$(last_event 3003)" \
    "caller 127.0.0.7 claimed MTA \"mta-a\"; link from-A allows 127.0.0.2 only; set mta-a's source address or allow 127.0.0.7; $BE" \
    "address not allowed: the event names caller, MTA, link, what is allowed, the error sent and the fix"

# ---- selector mismatch ---------------------------------------------------
call 6 127.0.0.8 mta-a secret-a -t x401
is $? 1 "selector mismatch: x400send fails"
refused 6 127.0.0.8 "selector mismatch"
is "$(events b 3004 from-A)" 1 "selector mismatch: one event 3004 bind-bad-selector"
is "$(last_event 3004)" \
    "caller 127.0.0.8 claimed MTA \"mta-a\" and called TSEL x401, SSEL none, PSEL none; link from-A expects TSEL x400, SSEL none, PSEL none; set the selectors the caller calls, or our_tsel/our_ssel/our_psel on link from-A; $BE" \
    "selector mismatch: the event names caller, MTA, link, the selectors called and expected, the error sent and the fix"

# ---- repeated failures from one address ----------------------------------
for i in 7 8 9; do
	call $i 127.0.0.9 mta-z guess-$i
done
refused 9 127.0.0.9 "third failure in a row"
is "$(events b 3005)" 1 "the third failed bind from 127.0.0.9 (2 are free) starts the back-off: event 3005"
is "$(last_event 3005)" \
    "caller 127.0.0.9: 3 failed binds in a row as an unknown MTA; its further binds as any unknown MTA are refused for 60000 ms" \
    "event 3005 bind-rate-limited names the caller, the count and the wait"
n3001=$(events b 3001)
call 10 127.0.0.9 mta-q guess-10
is $? 1 "the next bind from 127.0.0.9 as another unknown name fails"
refused 10 127.0.0.9 "backing off"
is "$(wire_error 10)" 2 "... with the same authentication-error (2) on the wire"
is "$(events b 3001)" "$n3001" "... and no event line of its own (3001 still $n3001)"
check "B counts it in one event 2011 conn-refusals within a second" \
    sh -c "for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	     jq -r 'select(.event == 2011) | .msg' '$WORK/b/x400d.log' |
		 grep -q '1 binds refused while their caller backs off; most from 127.0.0.9' && exit 0
	     sleep 0.2
	   done; jq -c 'select(.event == 2011)' '$WORK/b/x400d.log'; exit 1"
call 11 127.0.0.9 mta-a secret-a
is $? 1 "mta-a from 127.0.0.9 (not allowed there) is refused..."
is "$(last_event 3003 | cut -c1-40)" "caller 127.0.0.9 claimed MTA \"mta-a\"; li" \
    "... for its address (3003), not held back by the guesses under other names"
call 12 127.0.0.2 mta-a secret-a -W secret-b
ok $? "another address is not slowed: mta-a from 127.0.0.2 binds"
is "$(events b 3000 from-A)" 2 "and B logs its second 3000 bind-accepted"

# ---- X.410-1984 mode: the refusal has no room for a bind error ----------
call 13 127.0.0.2 mta-a wrong-a -x
is $? 1 "X.410-1984 mode, wrong password: x400send fails"
is "$(tshark -r "$WORK/13.pcap" -d "tcp.port==$((PORT + 1)),tpkt" \
    -T fields -e rtse.refuseReason 2>/dev/null | grep -v '^$')" 2 \
    "X.410-1984 mode: tshark reads the refusal PRefuse validationFailure (2) on the wire"
is "$(last_event 3002)" \
    "caller 127.0.0.2 claimed MTA \"mta-a\" with a password (7 octets) that link from-A's peer_password (pbkdf2-sha256) does not match; set the password mta-a sends us, or peer_password on link from-A (x400passwd -c checks one); sent PRefuse validationFailure (X.410-1984 mode carries no bind error)" \
    "X.410-1984 mode: event 3002 says what was sent instead of a bind error"
done_testing
