#!/bin/sh
# stall.sh - issue 17: a peer that stops in the middle of an activity is
#	aborted after the link's idle_timeout (and its 5 s grace), and its
#	message is not taken
#
# One ASan x400d (127.0.0.84), set up as in netfuzz.sh as the responder
# of PP's captures (MTA PPMTA, password pppass; link from-pp takes
# TESTMTA with password testpass, now with idle_timeout 2 s, and
# delivers C=GB;A= ;P=PPTEST locally). tests/fuzz/netfuzz replays PP's
# successful association (pp-p1-loop-success.pcap: bind, one message,
# release) TPKT by TPKT, each answer checked against PP's.
#
#   1. netfuzz -S K -H 30, from 127.0.0.86, before anything else: the
#      first K initiator TPKTs of the association, then silence. The
#      capture's initiator TPKTs are 0 CR, 1 CN (the bind), 2 GT+AS
#      (S-ACTIVITY-START), 3 GT+DT (the whole message: one RTSE APDU in
#      one TPKT), 4 GT+MAP/AE (the activity's end, which x400d confirms
#      once it has taken the message), 5 FN, 6 DR. The message is in one
#      TPKT, so no stop falls inside its data; K 4 is the deepest stall
#      inside the activity: the data is all in but the activity never
#      ends, so the message must not be taken. K 3 (just after
#      S-ACTIVITY-START, before any data) runs alongside it. x400d must
#      close both within 6 to 15 s (idle_timeout 2 s + 5 s grace), log
#      event 2004 conn-idle "idle peer: aborting" for link from-pp for
#      each, and have taken nothing: no transfer event (3100-3103), no
#      message arrived (x400q status), no mailbox file.
#   2. The whole association, from 127.0.0.85: the message is confirmed
#      (MAJOR SYNC ACK) and delivered, for the first time (event 3100,
#      not 3103 transfer-duplicate): the stalled copy left nothing
#      behind. (This is why the stalls come first: x400d recognises a
#      message it has taken by its MTS identifier, and the captured
#      message is always the same one.)
#   3. x400d still runs and holds no inbound association; the whole
#      association replayed again is confirmed, as a duplicate (3103),
#      the mailbox unchanged; done_testing looks for sanitizer reports.
set -u
. tests/support/sites.sh
sites_init stall

ADDR=127.0.0.84 VALID=127.0.0.85 STALL=127.0.0.86 UA=127.0.0.87
P=$((PORT + 1))
DOM="C=GB;A= ;P=STALL"
PPDOM="C=GB;A= ;P=PPTEST"
PCAP=tests/vectors/pp-p1-loop-success.pcap
D=$WORK/n
mkdir -p "$D"
cat >"$D/x400d.conf" <<EOF
global = {
  mta_name = "PPMTA";
  domain = "$DOM";
  queue_dir = "$D/queue";
  log_file = "$D/x400d.log";
  log_level = "info";
  sync = "nosync";
  allow_plaintext = true;
  $(root_ok)
};
listen = { addresses = [ "$ADDR:$P" ]; tsel = "x400"; };
links = (
  { name = "from-pp"; direction = "inbound"; peer_mta = "TESTMTA";
    peer_password = "testpass"; our_password = "pppass";
    allow = [ "$VALID", "$STALL" ]; idle_timeout = "2s"; },
  { name = "ua"; direction = "inbound"; peer_mta = "ua";
    peer_password = "pw-ua"; allow = [ "$UA" ]; }
);
routing = {
  local_dir = "$D/mailboxes";
  local = [ "$DOM", "$PPDOM" ];
  routes = ( );
};
EOF
SITE_PORT_n=$P SITE_ADDRESS_n=$ADDR SITE_DOMAIN_n=$DOM
start_sites n

# valid - PP's whole association, from $VALID, answers checked
valid() {
	"$X400_TESTBIN/netfuzz" -n 0 -a $VALID -R PPMTA -V $PCAP "$ADDR:$P"
}
# stall K OUT - its first K TPKTs from $STALL, then 30 s of silence at most
stall() {
	"$X400_TESTBIN/netfuzz" -S "$1" -H 30 -a $STALL -R PPMTA -V $PCAP \
	    "$ADDR:$P" >"$2" 2>&1
}
# took OUT - whole seconds of silence until x400d closed (empty: never)
took() {
	sed -n 's/.* after \([0-9]*\)\.[0-9]* s of silence.*/\1/p' "$1"
}
mail() { count_files "$D/mailboxes"; }
taken() { grep -c '"event":310[0-3],' "$D/x400d.log"; }
idle_aborts() {
	grep -F '"event":2004,' "$D/x400d.log" | grep -F '"link":"from-pp"' |
	    grep -cF 'idle peer: aborting'
}
arrived() {
	"$X400_BIN/x400q" -c "$D/x400d.conf" -j status 2>/dev/null |
	    jq -r '.messages.arrived'
}
inbound() {
	"$X400_BIN/x400q" -c "$D/x400d.conf" -j status 2>/dev/null |
	    jq -r '.associations.in'
}
no_inbound() { [ "$(inbound)" = 0 ]; }

# ---- 1. stalled in the middle of the activity ---------------------------
stall 4 "$WORK/stall4.out" &
p4=$!
stall 3 "$WORK/stall3.out" &
p3=$!
wait $p4
st4=$?
wait $p3
st3=$?
sed 's/^/# K 4: /' "$WORK/stall4.out"
sed 's/^/# K 3: /' "$WORK/stall3.out"
check "K 4: the bind, S-ACTIVITY-START and the message's data sent, each answer as PP's" \
    grep -q 'TPKTs 0-3 sent and answered as captured (the last: DT: SPDU DT (1))' \
    "$WORK/stall4.out"
check "K 3: the bind and S-ACTIVITY-START sent, each answer as PP's" \
    grep -q 'TPKTs 0-2 sent and answered as captured (the last: DT: SPDU AS (45))' \
    "$WORK/stall3.out"
is "$st4" 0 "K 4 (data sent, the activity not ended): x400d closed the connection within 30 s"
is "$st3" 0 "K 3 (the activity started, no data): x400d closed the connection within 30 s"
t4=$(took "$WORK/stall4.out")
t3=$(took "$WORK/stall3.out")
[ "${t4:-0}" -ge 6 ] && [ "${t4:-99}" -le 15 ]
ok $? "K 4: after ${t4:-?} s of silence (idle_timeout 2 s + 5 s grace: 6 to 15 s)"
[ "${t3:-0}" -ge 6 ] && [ "${t3:-99}" -le 15 ]
ok $? "K 3: after ${t3:-?} s of silence (6 to 15 s)"
for k in 4 3; do
	check "K $k: x400d aborted it (it sent an AB SPDU before it closed)" \
	    grep -q 'closed the connection .*having sent DT: SPDU AB (25)' \
	    "$WORK/stall$k.out"
done
wait_until 5 sh -c "[ \$(grep -F '\"event\":2004,' '$D/x400d.log' | grep -F '\"link\":\"from-pp\"' | grep -cF 'idle peer: aborting') -ge 2 ]"
is "$(idle_aborts)" 2 "x400d logs event 2004 conn-idle \"idle peer: aborting\" for link from-pp, once for each"
grep -F '"event":2004,' "$D/x400d.log" | sed 's/^/# /'
sleep 1
is "$(taken)" 0 "the message stalled mid-activity is not taken: no transfer event (3100-3103)"
is "$(arrived)" 0 "x400q status: no message arrived"
is "$(mail)" 0 "no mailbox file"

# ---- 2. the whole association ------------------------------------------
valid >"$WORK/valid1.out" 2>&1
st=$?
sed 's/^/# /' "$WORK/valid1.out"
is "$st" 0 "PP's association replayed whole: bind, message confirmed, release"
wait_files "$D/mailboxes" 1 10
is "$(mail)" 1 "its message is delivered"
is "$(grep -c '"event":3100,' "$D/x400d.log")" 1 "as a new message (event 3100 transfer-in)"
is "$(grep -c '"event":3103,' "$D/x400d.log")" 0 "not as a duplicate of a stalled copy (no 3103)"
is "$(arrived)" 1 "x400q status: 1 message arrived"

# ---- 3. afterwards -----------------------------------------------------
check "x400d still runs" kill -0 "$SITE_PID_n"
wait_until 10 no_inbound
is "$(inbound)" 0 "x400d holds no inbound association any more"
valid >"$WORK/valid2.out" 2>&1
st=$?
sed 's/^/# /' "$WORK/valid2.out"
is "$st" 0 "PP's association replayed whole again: the message is confirmed"
wait_until 5 sh -c "grep -q '\"event\":3103,' '$D/x400d.log'"
is "$(grep -c '"event":3103,' "$D/x400d.log")" 1 "as a duplicate (event 3103)"
is "$(mail)" 1 "and not delivered again"
is "$(idle_aborts)" 2 "no other idle abort"
done_testing
