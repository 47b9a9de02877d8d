#!/bin/sh
# prune.sh - the queue's housekeeping (issue 19): x400d drops journal
#	entries and the identifiers of removed messages older than
#	global.limits.history, so that the store does not grow with every
#	message ever handled
#
# Site A (127.0.0.30) keeps 3 s of history. Two messages delivered
# locally leave journal entries and duplicate identifiers; the same
# MTS-APDU sent again at once is recognised as a duplicate (3103) and
# not delivered twice. Once the history has passed, x400d logs 5009
# store-pruned, the journal is empty, x400q check finds the store
# consistent, and the same MTS-APDU is taken as a new message: what
# history promises, and no more.
set -u
. tests/support/sites.sh
sites_init prune

A=C=XX\;A=ATLAS\;P=SITEA
SITE_MTA=mta-a SITE_ADDR=127.0.0.30
site a mta-a "$A" 127.0.0.30 $((PORT + 1)) \
    "$(link to-D mta-d 127.0.0.31 $((PORT + 9)) 1988-normal)" "" \
    "limits = { history = \"3s\"; };"
start_sites a
Q() { "$X400_BIN/x400q" -c "$WORK/a/x400d.conf" "$@"; }

send a -r "$A;S=Jones" -s "one" -b "first"
ok $? "the first message accepted"
send a -r "$A;S=Jones" -s "two" -b "second"
ok $? "the second accepted"
wait_files "$WORK/a/mailboxes" 2 20
ok $? "both delivered"
n=$(Q -j journal | jq length)
[ "${n:-0}" -ge 4 ]
ok $? "the journal holds their history ($n entries)"

P1=$(find "$WORK/a/mailboxes" -name '*.p1' | head -n 1)
send a -A "$P1" -r "$A;S=Jones"
ok $? "the first MTS-APDU sent again is confirmed..."
wait_until 10 sh -c "grep -q '\"event\":3103,' '$WORK/a/x400d.log'"
ok $? "... as a duplicate (3103)"
sleep 1
is "$(count_files "$WORK/a/mailboxes")" 2 "... and not delivered again"

wait_until 15 sh -c "grep -q '\"event\":5009,' '$WORK/a/x400d.log'"
ok $? "once the history has passed, x400d prunes (5009 store-pruned)"
grep '"event":5009,' "$WORK/a/x400d.log" | head -n 1 |
    jq -r .msg | sed 's/^/# /'
wait_until 10 sh -c "[ \"\$($X400_BIN/x400q -c '$WORK/a/x400d.conf' -j journal | jq length)\" = 0 ]"
ok $? "the journal is empty"
check "x400q check finds the store consistent" Q check
send a -A "$P1" -r "$A;S=Jones"
ok $? "the same MTS-APDU sent once more..."
wait_files "$WORK/a/mailboxes" 3 20
ok $? "... is a new message now: its identifier was dropped with the history"

done_testing
