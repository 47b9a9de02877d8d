#!/bin/sh
# refusals.sh - a message that will never be taken is refused for good,
#	both ways (issue 14: an undecodable message is a permanent failure)
#
# x400d as receiver: x400send -A sends a message PP wrote
# (tests/vectors/pp-message.ber) damaged by hand in one field; x400d
# refuses it with RTSE's abort permanentProblem (X.228 AbortReason 5),
# not temporaryProblem, and event 3102 names the sender, the field's
# path and its offset. The undamaged message is taken.
#
# x400d as sender: its peer (x400sink -r, a test peer) refuses every
# transfer. permanentProblem: one attempt, then a non-delivery report to
# the originator (unable-to-complete-transfer, 48), never retried;
# temporaryProblem: retried, no report.
set -u
. tests/support/sites.sh
sites_init refusals

SINK=${X400_SINK:-build/bench/x400sink}
A=C=XX\;A=ATLAS\;P=SITEA
P=C=XX\;A=ATLAS\;P=PERM
T=C=XX\;A=ATLAS\;P=TEMP

SITE_MTA=mta-a SITE_ADDR=127.0.0.2
site a mta-a "$A" 127.0.0.2 $((PORT + 2)) \
    "$(link to-P sinkp 127.0.0.5 $((PORT + 5)) 1988-normal),
$(link to-T sinkt 127.0.0.6 $((PORT + 6)) 1988-normal \
    'transfer_retries = 100;')" \
    "    { pattern = \"$P\"; link = \"to-P\"; cost = 10; },
    { pattern = \"$T\"; link = \"to-T\"; cost = 10; }"
start_sites a
ALOG=$WORK/a/x400d.log

# ---- x400d refuses what will never decode ------------------------------
V=tests/vectors/pp-message.ber
BAD=$WORK/bad.ber
# per-message-indicators, [APPLICATION 8] BIT STRING at offset 123: its
# unused-bits octet (offset 125) 4 -> 9 (X.690 8.6.2.2: 0 to 7)
is "$(od -An -tx1 -j123 -N3 "$V" | tr -d ' ')" 480204 \
    "the vector holds per-message-indicators at offset 123"
{ head -c 125 "$V"; printf '\011'; tail -c +127 "$V"; } >"$BAD"
"$X400_BIN/x400send" -a "127.0.0.2:$((PORT + 2))" -n ua -w pw-ua -g "$A" \
    -f "$A;S=Smith" -r "$A;S=Jones" -A "$BAD" >"$WORK/send.out" \
    2>"$WORK/send.err"
is $? 1 "x400send: the damaged message is not confirmed"
check "x400send hears the refusal is for good (RTAB permanentProblem)" \
    grep -q "refused for good by the MTA (RTAB permanentProblem)" \
    "$WORK/send.err"
wait_until 10 sh -c "[ \$(grep -c '\"event\":3102,' '$ALOG') -ge 1 ]"
ok $? "x400d logs event 3102"
ev=$(event_texts a 3102)
echo "$ev" | sed 's/^/# /'
echo "$ev" | grep -q "does not decode, refused for good (698 octets)"
ok $? "3102 says the MTS-APDU does not decode and is refused for good"
echo "$ev" | grep -qF "MTS-APDU.message.envelope.per-message-indicators: not a valid PerMessageIndicators (tag [APPLICATION 8], 4 octets) (offset 123)"
ok $? "3102 names the field's path, its type and its offset"
jq -r 'select(.event == 3102) | "\(.peer) \(.link)"' "$ALOG" |
    grep -q '^127\.0\.0\.1:[0-9]* ua$'
ok $? "3102 names the peer that sent it (its address and link)"
is "$(events_with a 2003 'refused an incoming APDU for good')" 1 \
    "the association ends as refused for good"
"$X400_BIN/x400send" -q -a "127.0.0.2:$((PORT + 2))" -n ua -w pw-ua \
    -g "$A" -f "$A;S=Smith" -r "$A;S=Jones" -A "$V" >/dev/null 2>&1
ok $? "the same message undamaged is taken"

# ---- x400d's peer refuses for good: one attempt, then non-delivery ----
"$SINK" -a 127.0.0.5 -P $((PORT + 5)) -n sinkp -w pw-sinkp \
    -r permanent >"$WORK/sinkp.out" 2>&1 &
SINKP=$!
"$SINK" -a 127.0.0.6 -P $((PORT + 6)) -n sinkt -w pw-sinkt \
    -r temporary >"$WORK/sinkt.out" 2>&1 &
SINKT=$!
trap 'kill $SINKP $SINKT 2>/dev/null' EXIT
wait_until 10 sh -c "[ -s '$WORK/sinkp.out' ] && [ -s '$WORK/sinkt.out' ]"
ok $? "two refusing peers listen (x400sink -r permanent, -r temporary)"

send a -r "$P;S=Perm" -s "refused for good" -b "one try" -R ndr
ok $? "a message for the peer that refuses for good, submitted"
send a -r "$T;S=Temp" -s "refused for now" -b "many tries" -R ndr
ok $? "a message for the peer that refuses for now, submitted"
wait_until 20 sh -c "[ \$(grep -c '\"event\":4002,.*refused it for good' '$ALOG') -ge 1 ]"
ok $? "x400d logs that sinkp refused the message for good (4002)"
event_texts a 4002 to-P | sed 's/^/# /'
is "$(event_texts a 4002 to-P | grep -c 'sinkp refused it for good (RTSE abort permanentProblem): non-delivery to 1 recipient, not retried')" 1 \
    "the event names the peer, the refusal and the outcome"
BOX=$WORK/a/mailboxes
wait_until 20 sh -c "grep -rlq 'diagnostic 48' '$BOX'"
ok $? "the originator gets a non-delivery report (unable-to-complete-transfer, 48)"
sleep 4		# four transfer intervals: a retry would have come
kill -TERM $SINKP $SINKT
wait $SINKP $SINKT 2>/dev/null
trap - EXIT
sed 's/^/# sinkp: /' "$WORK/sinkp.out"
sed 's/^/# sinkt: /' "$WORK/sinkt.out"
is "$(sed -n 's/^sink: \([0-9]*\) received.*/\1/p' "$WORK/sinkp.out")" 1 \
    "refused for good: sent once, never again"
n=$(sed -n 's/^sink: \([0-9]*\) received.*/\1/p' "$WORK/sinkt.out")
[ "${n:-0}" -ge 3 ]
ok $? "refused for now: tried again ($n attempts)"
is "$(event_texts a 4002 to-T | wc -l | tr -d ' ')" 0 \
    "refused for now: no report"
is "$(grep -rl 'diagnostic 48' "$BOX" | wc -l | tr -d ' ')" 1 \
    "one non-delivery report in all"

done_testing
