#!/bin/sh
# pp.sh - x400d against PP, a real foreign X.400 MTA (../shared/peers)
#
# PP (UCL/X-Tel, on ISODE 8.3) is built from its public sources by the
# kit, once per machine, into $PEERS_PREFIX. Checked here, message by
# message, in 1988 normal mode and in X.410-1984 mode:
#   x400d -> PP: 20 messages each (three recipients each, delivery
#	reports asked for, one with a 1 MB body); each is in PP's queue
#	under our MTS identifier, and x400d's queue empties;
#   PP -> x400d: PP's x400out88 channel sends; x400d delivers locally
#	and PP records success; x400d makes the delivery reports asked for
#	(PP aborts after reading them, its own fault: skipped with the reason);
#   a wrong password each way: refused, the event names the fix, the
#	mail stays queued and goes once the password is right;
#   tshark reads every capture with no malformed frame beyond its two
#	known X.410-1984 complaints.
set -u
. tests/support/sites.sh
. tests/support/pp.sh
. tests/support/tshark.sh
sites_init interop_pp

KIT=${PEERS:-../shared/peers}
PP=${PEERS_PREFIX:?PEERS_PREFIX: where the PP kit is built}
PPPORT=$((PORT + 1))
OURPORT=$((PORT + 2))
T=$WORK/t
SUBMIT_AT=127.0.0.1:$OURPORT
Q=$T/queue
US="C=GB;A= ;P=TESTPRMD"
PPDOM="C=GB;A= ;P=PPTEST;O=PPORG"
THIRD="C=GB;A= ;P=THIRD"
export PP_MTA_NAME=PPMTA PP_MTA_PASSWORD=pppass \
    PEER_MTA_NAME=TESTMTA PEER_MTA_PASSWORD=testpass PEER_TSEL=x400

trap 'pp_stop; sites_cleanup' EXIT INT TERM

# our site: one listener, a link to PP per mode (both from 127.0.0.1,
# the address PP knows us by), routes to PP's domain on ROUTE
write_conf() {
	mkdir -p "$T" "$WORK/pcap"
	cat >"$T/x400d.conf" <<EOF
global = {
  mta_name = "TESTMTA"; domain = "$US";
  queue_dir = "$Q"; log_file = "$T/x400d.log"; log_level = "info";
  sync = "nosync"; allow_plaintext = true; pcap_dir = "$WORK/pcap";
  $(root_ok)
};
listen = { addresses = [ "127.0.0.1:$OURPORT" ]; tsel = "x400"; };
links = (
  { name = "pp88"; peer_mta = "PPMTA"; peer_password = "pppass";
    our_password = "$1";
    addresses = ( { host = "127.0.0.1"; port = $PPPORT; tsel = "x400"; } );
    mode = "1988-normal"; source_address = "127.0.0.1"; pcap = true;
    open_interval = "1s"; transfer_interval = "1s"; idle_timeout = "5s"; },
  { name = "pp84"; direction = "outbound";
    peer_mta = "PPMTA"; peer_password = "pppass";
    our_password = "$1";
    addresses = ( { host = "127.0.0.1"; port = $PPPORT; tsel = "x410"; } );
    mode = "x410-1984"; source_address = "127.0.0.1"; pcap = true;
    open_interval = "1s"; transfer_interval = "1s"; idle_timeout = "5s"; },
  { name = "ua"; direction = "inbound"; peer_mta = "ua";
    peer_password = "pw-ua"; allow = [ "127.0.0.0/8" ]; }
);
routing = {
  local_dir = "$T/mailboxes"; local = [ "$US" ];
  routes = ( { pattern = "C=GB;A= ;P=PPTEST"; link = "$2"; cost = 10; },
             { pattern = "$THIRD"; link = "pp88"; cost = 10; } );
};
EOF
}

if [ ! -x "$KIT/build.sh" ] || [ ! -f "$KIT/pp.tar.gz" ]; then
	echo "# the PP kit is missing at $KIT (see its README.md): make interop needs it"
	ok 1 "the PP kit is present"
	done_testing
	exit 1
fi
check "PP builds (or is built) at $PP" "$KIT/build.sh" "$PP"
pp_stop
pp clear >/dev/null
check "PP listens on 127.0.0.1:$PPPORT" pp start "$PPPORT"

# ---- x400d -> PP, 1988 normal mode, then X.410-1984 mode -------------
write_conf testpass pp88
start_sites t
for mode in pp88 pp84; do
	write_conf testpass $mode
	hup t
	sleep 0.5
	: >"$WORK/sent"
	submit 19 -R all -s "interop $mode" -b "hello from x400d over $mode"
	submit 1 -R all -s "interop $mode 1 MB" -z 1048576
	is "$(wc -l <"$WORK/sent" | tr -d ' ')" 20 "$mode: 20 messages submitted to x400d"
	wait_until 60 sh -c "[ \$('$X400_BIN/x400q' -d '$Q' -j list | jq length) = 0 ]"
	is "$(queued)" 0 "$mode: x400d's queue empties (every transfer confirmed by PP)"
	is "$(in_pp_queue "$WORK/sent")" 20 "$mode: each of the 20 is in PP's queue under our MTS identifier, with its three recipients"
	is "$(event_texts t 3101 $mode | grep -c '3 recipients transferred')" 20 \
	    "$mode: x400d logged 20 transfers of 3 recipients on link $mode"
	pp clear >/dev/null
done

# ---- PP -> x400d --------------------------------------------------------
# inject N messages into PP (as the MTA of THIRD, PP's other neighbour)
# for users of ours: PP queues them for us on its x40088 channel
inject() {
	"$X400_BIN/x400send" -q -a "127.0.0.1:$PPPORT" -t x400 -n TESTMTA \
	    -w testpass -W pppass -g "$THIRD" -f "$THIRD;O=THIRDORG;S=carol" \
	    -r "$US;O=TESTORG;S=bob" -r "$US;O=TESTORG;S=dave" -R all \
	    -N "$1" -s "$2" -b "from PP's queue" >/dev/null 2>&1
}

# pp_send TYPE - PP's outbound channel x400out88 sends what waits for
#	us; TYPE is PP's connection type for us: 1988 (normal mode) or
#	1988-X410 / 1984 (X.410-1984 mode, applicationProtocol 12 / 1).
#	run.sh's send writes the tables for 1988; for the X.410 types we
#	write them the same way (run.sh config), add the type and run the
#	channel as run.sh does. Prints PP's per-recipient verdicts.
pp_send() {
	if [ "$1" = 1988 ]; then
		pp send "$OURPORT" 2>&1
		return
	fi
	pp config "$PPPORT" "$OURPORT" >/dev/null
	sed -i "s|^testmta.test:\(.*\)$|testmta.test:\1,type=$1|" \
	    "$PP/pp/tables/ch.x400out88"
	for _m in $(cd "$PP/pp/spool/queues" && ls -d msg.* 2>/dev/null); do
		_r=$(LC_ALL=C grep -a '^Recip status=pend' \
		    "$PP/pp/spool/queues/$_m/addr" | grep -a 'outchan=x40088' |
		    sed 's/.* rno=\([0-9]*\).*/\1/' | sort -un | tr '\n' ' ')
		[ -n "$_r" ] || continue
		printf 'x40088\n%s\n%s -1\nn\n' "$_m" "$_r" |
		    (cd "$PP/pp/spool" && timeout -k 5 60 \
		    "$PP/pp/cmds/chans/x400out88" debug) 2>&1 |
		    LC_ALL=C grep -a -E 'Recipient [0-9]+:'
	done
}

n=0
for type in 1988 1988-X410 1984; do
	pp clear >/dev/null
	before=$(count_files "$T/mailboxes/C=GB_A=__P=TESTPRMD_O=TESTORG_S=bob")
	inject 5 "PP to us, $type"
	pp queue | grep -c 'pend x40088' >"$WORK/n"
	is "$(cat "$WORK/n")" 5 "PP $type: 5 messages for us wait in PP's queue"
	pp_send $type >"$WORK/ppsend" 2>&1
	is "$(grep -c 'Recipient [0-9]*: success' "$WORK/ppsend")" 10 \
	    "PP $type: PP's x400out88 reports success for each of 10 recipients"
	wait_files "$T/mailboxes/C=GB_A=__P=TESTPRMD_O=TESTORG_S=dave" $((n + 5)) 20
	n=$((n + 5))
	is "$(count_files "$T/mailboxes/C=GB_A=__P=TESTPRMD_O=TESTORG_S=bob")" $((before + 5)) \
	    "PP $type: x400d delivered the 5 to bob"
	is "$(count_files "$T/mailboxes/C=GB_A=__P=TESTPRMD_O=TESTORG_S=dave")" $n \
	    "PP $type: and to dave"
	# our delivery reports for carol at THIRD go back through PP
	wait_until 20 sh -c "[ \$(grep -c 'report on C=GB;A= ;P=THIRD' '$T/x400d.log') -ge $n ]"
	ok $? "PP $type: x400d made a delivery report for each of the 5 (carol asked for them)"
	# PP's fault, not our report's: after reading a whole report whose
	# content has no returned-content (every delivery report: X.411
	# allows returned-content only with a non-delivery), x400inmsg.c's
	# MT_DMPDU branch calls list_bpt_free(&qp->encodedinfo.eit_types),
	# the address of the pointer (a stack address: qp is hdrproc's
	# local Q_struct) instead of the pointer, and glibc aborts x400in88
	# ("free(): invalid pointer"). With that one argument mended in a
	# private build, PP queued all our reports in every mode (issue 14's
	# note). Writing type-of-MTS-user even when public took PP past its
	# load_report(), which reads that DEFAULT field without a check.
	skip "PP $type: PP takes our delivery reports" \
	    "PP frees a stack address after reading any report without returned-content (x400inmsg.c, MT_DMPDU); glibc aborts it"
done
is "$(event_texts t 3000 | grep 'X.410-1984' | grep -c 'its bind bare')" 10 \
    "x400d took PP's 10 X.410-1984 binds (applicationProtocol 12 and 1 as PP encodes them, bind argument bare)"

# ---- a wrong password each way ----------------------------------------
# the 15 reports PP dies on are retried on pp88 before they are given
# up: on a slow machine that outlasts the wait below, so let them go
# first (the new message would otherwise queue behind their retries)
wait_until 120 sh -c "[ \$('$X400_BIN/x400q' -d '$Q' -j list | jq length) = 0 ]"
pp clear >/dev/null
write_conf WRONG pp88
hup t
submit 1 -R all -s "wrong password first"
wait_until 60 sh -c "[ \$(grep -c '\"event\":3006,' '$T/x400d.log') -ge 1 ]"
event_texts t 3006 pp88 | tail -n 1 >"$WORK/refusal"
grep -q 'authentication-error' "$WORK/refusal" && grep -q 'our_password' "$WORK/refusal"
ok $? "x400d -> PP, wrong password: PP refuses, our event names the error and the fix ($(cat "$WORK/refusal"))"
is "$("$X400_BIN/x400q" -d "$Q" -j list | grep -c "$(tail -n 1 "$WORK/sent")")" 1 "the message stays queued"
write_conf testpass pp88
hup t
wait_until 30 sh -c "[ \$('$X400_BIN/x400q' -d '$Q' -j list | jq length) = 0 ]"
is "$(in_pp_queue "$WORK/sent")" 1 "with the password right it goes: PP holds it under our MTS identifier"

pp clear >/dev/null
inject 1 "PP with a wrong password"
r3002=$(events t 3002)
PP_MTA_PASSWORD=wrong pp send "$OURPORT" >"$WORK/ppsend" 2>&1
ok $([ $? -ne 0 ] && echo 0 || echo 1) "PP -> x400d, wrong password: PP's transfer fails"
is "$(events t 3002)" $((r3002 + 1)) "x400d refused the bind with event 3002 (wrong password)"
event_texts t 3002 | tail -n 1 | grep -q 'peer_password'
ok $? "the event names the key to check"
is "$(pp queue | grep -c 'pend x40088')" 1 "the message stays in PP's queue"
pp send "$OURPORT" >"$WORK/ppsend" 2>&1
ok $? "with the password right PP sends it"
is "$(pp queue | grep -c 'pend x40088')" 0 "PP's queue no longer holds it for us"

# ---- tshark reads every capture ------------------------------------------
# Counted: malformed frames. Allowed on X.410-1984 captures, besides the
# two complaints tshark raises on ISODE's own X.410 traffic too
# (tests/support/tshark.sh): "Malformed Packet: PRES" on the S-DATA of a
# transfer that continues after a minor synchronization point (tshark's
# X.410 dissection reads such data as presentation; PP, an ISODE X.410
# implementation, confirmed every one of those transfers). Expert
# warnings are shown as comments: on 1988 links tshark, a 1992+ reading,
# says "Unknown standard-extension" for the 1988 form of an extension
# type, and "Unknown ROS PDU" for PP's bare bind error.
stop t
bad=0 total=0 warn=0
for f in "$WORK"/pcap/*.pcap; do
	[ -f "$f" ] || continue
	total=$((total + 1))
	case $(basename "$f") in pp84-*) x410=1 ;; *) x410=0 ;; esac
	c=$(tshark_complaints "$f" "$PPPORT" $x410)
	m=$(printf '%s\n' "$c" | awk -F'|' -v x410=$x410 '
	    ($2 != "" || $1 ~ /malformed/) &&
	    !(x410 && $1 ~ /:ses:pres$/ && $4 ~ /Malformed Packet/) { n++ }
	    END { print n + 0 }')
	w=$(printf '%s\n' "$c" | grep -c .)
	warn=$((warn + w))
	if [ "$m" -gt 0 ]; then
		bad=$((bad + 1))
		printf '%s\n' "$c" | head -3 | sed "s|^|# $f: |"
	fi
done
ok $([ "$total" -ge 4 ] && echo 0 || echo 1) "x400d captured its associations with PP ($total files)"
is "$bad" 0 "tshark reads every capture: no malformed frame beyond its known X.410-1984 complaints"
echo "# tshark expert warnings or allowed X.410 complaints: $warn frames"
pp_stop
done_testing
