#!/bin/sh
# ops.sh - exactly once, everywhere (issue 15): one x400d per queue,
#	counters that equal the records, reroutes that are checked, and
#	the operator's actions as the daemon's events
#
# One site A on 127.0.0.7, with two outbound links to peers that are
# down (to-D: C=XX;A=DEAD, and to-E, which no route uses) and the
# inbound-only link ua that sites.sh adds: a message for D's domain
# waits in the queue for x400q to act on.
set -u
. tests/support/sites.sh
sites_init ops

A=C=XX\;A=ATLAS\;P=SITEA
Q=$X400_BIN/x400q
SITE_MTA=mta-a SITE_ADDR=127.0.0.7
site a mta-a "$A" 127.0.0.7 $((PORT + 7)) \
    "$(link to-D mta-d 127.0.0.9 $((PORT + 9)) 1988-normal),
$(link to-E mta-e 127.0.0.10 $((PORT + 8)) 1988-normal)" \
    "    { pattern = \"C=XX;A=DEAD\"; link = \"to-D\"; cost = 10; }"
start_sites a
ALOG=$WORK/a/x400d.log
QD=$WORK/a/queue

# q ARGS... - x400q with A's configuration (and so on A's queue)
q() {
	"$Q" -c "$WORK/a/x400d.conf" "$@"
}

# ---- 1. one daemon per queue -------------------------------------------
sed -e "s/:$((PORT + 7))\"/:$((PORT + 6))\"/" \
    -e "s|log_file = \".*\"|log_file = \"$WORK/a2.log\"|" \
    "$WORK/a/x400d.conf" >"$WORK/a2.conf"
"$X400_BIN/x400d" -c "$WORK/a2.conf" >/dev/null 2>"$WORK/a2.err"
is "$?" 1 "a second x400d on the same queue (another port) exits 1"
grep -q "in use by x400d pid $SITE_PID_a (it holds the lock $QD/x400d.pid)" \
    "$WORK/a2.err"
ok $? "... naming the first one's pid and the lock file"
sed 's/^/# /' "$WORK/a2.err" | head -n 3
! grep -q '"conn-listen"\|"store-open"' "$WORK/a2.log" 2>/dev/null
ok $? "... without listening or opening the store"
is "$(cat "$QD/x400d.pid")" "$SITE_PID_a" "the lock file holds the first's pid"
check "x400q list works beside the daemon" q list
check "x400q stats works beside the daemon" q stats

# ---- 2. an unroutable report: dropped, the counters still right ----------
"$X400_BIN/x400send" -q -a "127.0.0.7:$((PORT + 7))" -n ua -w pw-ua \
    -g "$A" -f "C=ZZ;A=NOWHERE;P=LOST;S=Lost" -r "C=YY;A=NONE;S=Nobody" \
    -s "no way back" -b x -R ndr >/dev/null
ok $? "the first x400d still serves: a message for nowhere from nowhere"
wait_until 10 grep -q 'the report is dropped' "$ALOG"
ok $? "its non-delivery report has no route: dropped, with event 4000"
queue_empty() {
	[ "$(q -j list | jq length)" = 0 ]
}
wait_until 10 queue_empty
ok $? "the queue is empty again"
check "x400q check: consistent after the dropped report" q check
q -j stats >"$WORK/stats.json"
jq -e '.messages == 0 and .recipients == 0 and .apdu_octets == 0' \
    "$WORK/stats.json" >/dev/null
ok $? "stats: no messages and no APDU octets (the totals are the records')"

# ---- 3. reroute only where x400d would send ------------------------------
send a -r "C=XX;A=DEAD;S=Ghost" -s "waits" -b x -R all >/dev/null
ok $? "a message for D's domain (whose peer is down) accepted"
id_waiting() {
	id=$(q -j list -l to-D | jq -r '.[0].id // empty')
	[ -n "$id" ]
}
wait_until 10 id_waiting
ok $? "... it waits on to-D (message ${id:-?})"
for target in nosuch ua local; do
	q reroute "$id" $target >/dev/null 2>"$WORK/rr.err"
	st=$?
	[ $st -eq 1 ] && grep -q 'refused: ' "$WORK/rr.err"
	ok $? "reroute to $target is refused with its reason, exit 1 (got $st)"
	sed 's/^/#   /' "$WORK/rr.err"
done
q -j show "$id" >"$WORK/show.json"
jq -e '.recipients[0].link == "to-D" and .recipients[0].state == "pending" and ([.history[] | select(.type == "reroute" or .type == "report")] | length) == 0' \
    "$WORK/show.json" >/dev/null
ok $? "... the message is unchanged: pending on to-D, no reroute, no report"
check "reroute to to-E (a link that can send)" q reroute "$id" to-E
sleep 2
is "$(count_files "$WORK/a/mailboxes")" 0 \
    "no report reached the originator after the reroutes"
is "$(q -j list -k report | jq length)" 0 "... nor waits in the queue"

# ---- 4. the operator's actions are the daemon's events --------------------
me=$(id -un)
check "x400q hold" q hold "$id"
check "x400q release" q release "$id"
# has_action ACTION - a 5008 event: the user, the action, the message,
#	its MTS identifier
has_action() {
	grep -F '"event":5008,' "$ALOG" | grep -F "$me: $1 of message $id" |
	    grep -qF "MTS identifier $A;L="
}
wait_until 10 has_action hold
ok $? "x400d logs the hold as event 5008 with the user and the message"
wait_until 10 has_action release
ok $? "... and the release"
has_action reroute
ok $? "... and the reroute"
event_texts a 5008 | sed 's/^/#   /'
q -j journal "$id" >"$WORK/j.json"
jq -e --arg me "$me" '[.[] | select(.type == "hold" or .type == "release" or .type == "reroute") | .user] == [$me, $me, $me]' \
    "$WORK/j.json" >/dev/null
ok $? "the queue's journal names the operator of each action"
check "x400q check: consistent" q check

done_testing
