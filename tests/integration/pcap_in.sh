#!/bin/sh
# pcap_in.sh - pcap = true captures a link's inbound associations too
#	(issue 16), as PCAPDIR/LINK-in-MS.pcap, mode 0600, whole
#
# Site A (127.0.0.60) sends to site B (127.0.0.61) on link to-B; B
# receives on its link to-A, which has pcap = true (so does A's to-B,
# for the outbound side). A sends 2 messages to B. Then:
#   - B has one inbound capture of link to-A, mode 0600 (under umask
#     022), and A the outbound one of to-B, 0600 too;
#   - tshark reads B's with no malformed frame and no warning: the
#     handshake, the CR and the bind from before the link was known,
#     the bind result, the 2 transfers and the release;
#   - B's link ua (no pcap) receives a message from x400send: no file;
#   - x400send binding to B as an MTA no link knows (127.0.0.62) is
#     refused: no file;
#   - x400send binding as mta-a (the link captures) with a wrong
#     password is refused, and that refusal is captured, RTORJ and all.
# Passwords (issue 17): B's captures hold neither A's password (pw-mta-a,
# in the bind) nor B's (pw-mta-b, in the result) nor the wrong one, but
# fillers of their length, with TCP checksums tshark finds right; A's
# link says pcap_secrets = true, so A's outbound capture keeps both; the
# capture x400send -P writes (outbound, held until the bind is over)
# has its password blanked.
set -u
. tests/support/sites.sh
. tests/support/tshark.sh
sites_init pcap_in
umask 022

A=C=XX\;A=ATLAS\;P=SITEA
B=C=XX\;A=ATLAS\;P=SITEB
PA=$((PORT + 1)) PB=$((PORT + 2))
mkdir -p "$WORK/a/pcap" "$WORK/b/pcap"

SITE_MTA=mta-a SITE_ADDR=127.0.0.60
site a mta-a "$A" 127.0.0.60 $PA \
    "$(link to-B mta-b 127.0.0.61 $PB 1988-normal 'pcap = true; pcap_secrets = true;')" \
    "    { pattern = \"$B\"; link = \"to-B\"; cost = 10; }" \
    "pcap_dir = \"$WORK/a/pcap\";"
SITE_MTA=mta-b SITE_ADDR=127.0.0.61
site b mta-b "$B" 127.0.0.61 $PB \
    "$(link to-A mta-a 127.0.0.60 $PA 1988-normal 'pcap = true;')" \
    "    { pattern = \"$A\"; link = \"to-A\"; cost = 10; }" \
    "pcap_dir = \"$WORK/b/pcap\";"
start_sites a b

# tsh FILE ARGS... - tshark on FILE with B's port as RFC 1006
tsh() {
	_f=$1
	shift
	tshark -2 -r "$_f" -d "tcp.port==$PB,tpkt" "$@" 2>/dev/null
}
# frames FILE FILTER - how many frames of FILE match FILTER
frames() {
	tsh "$1" -Y "$2" | grep -c .
}
# released FILE - both FINs are in FILE (the association ended, the
#	file was closed)
released() {
	[ "$(frames "$1" 'tcp.flags.fin == 1')" -ge 2 ]
}
# inbound_files S LINK - S's inbound captures of LINK
inbound_files() {
	ls "$WORK/$1/pcap/" 2>/dev/null | grep -c "^$2-in-[0-9]*\.pcap$"
}
# all_files S - every capture S wrote
all_files() {
	ls "$WORK/$1/pcap/" | grep -c .
}

# ---- two messages from A to B, in on link to-A ---------------------------
send a -r "$B;S=Jones" -s "one" -b "first"
ok $? "A accepts the first message for B"
send a -r "$B;S=Jones" -s "two" -b "second"
ok $? "A accepts the second message for B"
wait_files "$WORK/b/mailboxes" 2 30
ok $? "B delivers both"

IN=$(ls "$WORK"/b/pcap/to-A-in-*.pcap 2>/dev/null | head -n 1)
[ -n "$IN" ]
ok $? "B writes an inbound capture of link to-A: $(basename "${IN:-none}")"
wait_until 20 released "$IN"
ok $? "the capture ends with the association (both FINs)"
is "$(stat -c %a "$IN" 2>/dev/null)" 600 "the inbound capture is mode 0600 (umask 022)"
OUT=$(ls "$WORK"/a/pcap/to-B-[0-9]*.pcap 2>/dev/null | head -n 1)
is "$(stat -c %a "${OUT:-/nonexistent}" 2>/dev/null)" 600 \
    "A's outbound capture of to-B ($(basename "${OUT:-none}")) is mode 0600 too"
is "$(grep -F '"event":2030,' "$WORK/b/x400d.log" | grep -cF "to $IN")" 1 \
    "B's event 2030 pcap-start names the inbound file"

c=$(tshark_complaints "$IN" $PB 0)
ok $? "tshark reads the inbound capture with no malformed frame and no warning"
[ -n "$c" ] && printf '%s\n' "$c" | head -n 5 | sed 's/^/# /'
is "$(frames "$IN" 'tcp.flags.syn == 1')" 2 \
    "the capture opens with the handshake (SYN, SYN-ACK): held from the accept"
is "$(frames "$IN" 'cotp.type == 0x0e')" 1 "it holds the CR (sent before the link was known)"
is "$(frames "$IN" 'cotp.type == 0x0d')" 1 "and our CC"
is "$(frames "$IN" 'rtse.rtorq_apdu_element')" 1 "tshark sees A's bind (RTORQ) in it"
is "$(frames "$IN" 'rtse.rtoac_apdu_element')" 1 "and B's bind result (RTOAC)"
is "$(frames "$IN" 'p1.MTS_APDU')" 2 "and the 2 transfers (P1 MTS-APDUs)"
n=$(frames "$IN" 'rtse || pres || p1')
[ "$n" -ge 5 ]
ok $? "frames with RTSE, presentation or P1: $n"
is "$(tsh "$IN" -Y 'p1.MTS_APDU' -T fields -e ip.src | sort -u)" 127.0.0.60 \
    "the transfers come from A (127.0.0.60)"

# ---- passwords ------------------------------------------------------------
# has FILE TEXT - how many times TEXT is in FILE
has() {
	grep -aoF "$2" "$1" 2>/dev/null | grep -c .
}
# badsum FILE - frames of FILE whose TCP checksum tshark finds wrong
badsum() {
	tsh "$1" -o tcp.check_checksum:TRUE -Y 'tcp.checksum.status == 0' |
	    grep -c .
}
is "$(has "$IN" pw-mta-a)" 0 "B's capture does not hold A's password (its bind)"
is "$(has "$IN" pw-mta-b)" 0 "nor B's own (the bind result)"
[ "$(has "$IN" '********')" -ge 2 ]
ok $? "fillers of their length stand in their place (8 asterisks, twice)"
is "$(badsum "$IN")" 0 "tshark finds every TCP checksum right after the blanking"
is "$(frames "$IN" 'rtse.rtorq_apdu_element')" 1 "and still reads A's bind"
is "$(has "$OUT" pw-mta-a)" 1 "A's link says pcap_secrets = true: A's capture keeps its password"
is "$(has "$OUT" pw-mta-b)" 1 "and B's"

# ---- a link without pcap writes no inbound file --------------------------
before=$(all_files b)
send b -r "$B;S=Jones" -s "three" -b "local"
ok $? "B's link ua (no pcap) takes a message from x400send"
wait_files "$WORK/b/mailboxes" 3 30
ok $? "B delivers it"
is "$(inbound_files b ua)" 0 "no capture of link ua"
is "$(all_files b)" "$before" "no new file in B's pcap_dir"

# ---- refused binds -----------------------------------------------------------
# xsend SRC MTA PASSWORD N - x400send to B from SRC as MTA, output in
#	$WORK/N.err; its exit status
xsend() {
	"$X400_BIN/x400send" -q -a "127.0.0.61:$PB" -l "$1" -n "$2" -w "$3" \
	    -g "$A" -f "$A;S=Smith" -r "$B;S=Jones" -s "refused" -b "x" \
	    -R none >"$WORK/$4.out" 2>"$WORK/$4.err"
}
xsend 127.0.0.62 mta-nobody pw-x unknown
is $? 1 "x400send binding as an MTA no link knows is refused"
is "$(events_with b 3001 mta-nobody)" 1 "B logs event 3001 bind-unknown-mta"
is "$(all_files b)" "$before" "the refused association leaves no file"

"$X400_BIN/x400send" -q -a "127.0.0.61:$PB" -l 127.0.0.60 -n mta-a \
    -w not-the-password -g "$A" -f "$A;S=Smith" -r "$B;S=Jones" \
    -s "refused" -b "x" -R none -P "$WORK/xsend.pcap" \
    >"$WORK/badpw.out" 2>"$WORK/badpw.err"
is $? 1 "x400send binding as mta-a with a wrong password is refused"
is "$(events b 3002 to-A)" 1 "B logs event 3002 bind-bad-password on link to-A"
wait_until 10 sh -c "[ \$(ls '$WORK'/b/pcap/to-A-in-*.pcap | wc -l) -eq 2 ]"
ok $? "the refusal on the capturing link is captured: a second to-A-in file"
RJ=$(ls -t "$WORK"/b/pcap/to-A-in-*.pcap 2>/dev/null | head -n 1)
wait_until 10 released "$RJ"
# the bind error goes bare in the RTORJ, as PP sends it, which tshark's
# ROS calls "Unknown ROS PDU" (bind_refusals.sh): the one warning allowed
c=$(tshark_complaints "$RJ" $PB 0 | grep -v '|Unknown ROS PDU$')
is "$c" "" "tshark reads it with no malformed frame (the bare bind error aside)"
is "$(frames "$RJ" 'rtse.rtorj_apdu_element')" 1 "it shows B's refusal (RTORJ)"
is "$(stat -c %a "$RJ")" 600 "mode 0600"
is "$(has "$RJ" not-the-password)" 0 "the refused caller's password is not in it"
is "$(has "$RJ" '****************')" 1 "a filler of its 16 octets is"
is "$(badsum "$RJ")" 0 "every TCP checksum right"
is "$(has "$WORK/xsend.pcap" not-the-password)" 0 \
    "x400send's own capture (-P, outbound) does not hold it either"
is "$(frames "$WORK/xsend.pcap" 'rtse.rtorq_apdu_element')" 1 \
    "though it holds the bind (held until the bind was over)"
is "$(all_files b)" $((before + 1)) "nothing else was written"
is "$(events b 2031)" 0 "B logged no capture error (2031)"

done_testing
