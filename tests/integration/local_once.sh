#!/bin/sh
# local_once.sh - local delivery exactly once (issue 15)
#
# A recipient's files are named ARRIVAL-ID-IDX (the message's arrival
# time and queue id, the recipient's index), so that a delivery repeated
# after a crash finds its own files. Shown here:
#   - a delivered message's files carry that name, and event 4003 names
#     the file;
#   - the recovery path, built by hand: with the local link held, a
#     message waits; we write its NAME.txt as a crash after the rename
#     and before the queue's mark would have left it; on release, x400d
#     marks the recipient delivered without writing again (our text is
#     still there, no .p1 appears, no second file), logs 4003 once,
#     saying the file was written before a restart;
#   - a NAME.p1 alone (a crash between the two renames) is replaced and
#     the .txt written: the delivery is completed, once.
# tests/soak (make soak) kills x400d during local delivery for real.
set -u
. tests/support/sites.sh
sites_init local_once

A=C=XX\;A=ATLAS\;P=SITEA
SITE_MTA=mta-a SITE_ADDR=127.0.0.6
site a mta-a "$A" 127.0.0.6 $((PORT + 6)) \
    "$(link to-D mta-d 127.0.0.9 $((PORT + 9)) 1988-normal)" \
    "    { pattern = \"C=XX;A=DEAD\"; link = \"to-D\"; cost = 10; }"
start_sites a
ALOG=$WORK/a/x400d.log
Q() { "$X400_BIN/x400q" -d "$WORK/a/queue" "$@"; }
queue_empty() { [ "$(Q -j list | jq length)" = 0 ]; }
delivered_events() { grep '"delivered"' "$ALOG" | grep -c "$1"; }

# 1. the name
send a -r "$A;S=Jones" -s "first" -b "one"
ok $? "a message for a local recipient accepted"
wait_files "$WORK/a/mailboxes" 1 20
f=$(find "$WORK/a/mailboxes" -name '*.txt' | head -1)
box=$(dirname "$f")
case $(basename "$f") in
[0-9]*-1-0.txt) ok 0 "its file is named ARRIVAL-1-0.txt: $(basename "$f")" ;;
*) ok 1 "its file is named ARRIVAL-1-0.txt, not $(basename "$f")" ;;
esac
wait_until 10 queue_empty
grep '"delivered"' "$ALOG" | grep -q "$(basename "$f")"
ok $? "event 4003 names the file"

# held SUBJECT BODY - send a message with the local link held; sets
# mtsid and name (ARRIVAL-ID-0, the file name delivery will use)
held() {
	Q hold -l local >/dev/null
	ok $? "x400q holds the local link"
	send a -r "$A;S=Jones" -s "$1" -b "$2"
	ok $? "a message \"$1\" accepted, and waits"
	mtsid=$(Q -j list | jq -r '.[0].mtsid')
	name=$(Q -j list | jq -r '.[0] | "\(.arrival)-\(.id)-0"')
}

# 2. NAME.txt already there: marked delivered, not written again
held second two
echo "as if x400d had died after the rename" >"$box/$name.txt"
Q release -l local >/dev/null
wait_until 10 queue_empty
is "$(Q -j list | jq length)" 0 "released, the recipient is marked delivered"
is "$(cat "$box/$name.txt")" "as if x400d had died after the rename" \
    "the existing NAME.txt is not written again"
[ ! -e "$box/$name.p1" ]
ok $? "no NAME.p1 is written either"
is "$(count_files "$box")" 2 "no second file for the message"
is "$(delivered_events "$mtsid")" 1 "event 4003 logged once for it"
grep '"delivered"' "$ALOG" | grep "$mtsid" | grep -q "written before a restart"
ok $? "the event says the file was written before a restart"

# 3. NAME.p1 alone: both written, once
held third three
echo "half" >"$box/$name.p1"
Q release -l local >/dev/null
wait_until 10 queue_empty
grep -q "^Subject: third" "$box/$name.txt" 2>/dev/null ||
    grep -q "third" "$box/$name.txt" 2>/dev/null
ok $? "NAME.txt is written"
[ "$(cat "$box/$name.p1")" != "half" ]
ok $? "NAME.p1 is replaced by the message"
is "$(count_files "$box")" 3 "one file per message"
is "$(delivered_events "$mtsid")" 1 "event 4003 logged once for it"
is "$(find "$box" -name '.*.tmp' | wc -l | tr -d ' ')" 0 "no temporary file left"

done_testing
