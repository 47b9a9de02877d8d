#!/bin/sh
# relay.sh - x400d relaying between three sites on loopback (issue 5)
#
# A (PRMD SITEA of ADMD ATLAS, 127.0.0.2) routes everything to B (ADMD
# BOREAS, 127.0.0.3); B relays to C (PRMD SITEC under BOREAS,
# 127.0.0.4) over X.410-1984 and back to A over 1988 normal mode; C
# sends everything not local back through B. B also routes the PRMD
# LOOPY back to A, to make a loop.
set -u
. tests/support/sites.sh
sites_init relay

A=C=XX\;A=ATLAS\;P=SITEA
B=C=XX\;A=BOREAS
C=C=XX\;A=BOREAS\;P=SITEC

SITE_MTA=mta-a SITE_ADDR=127.0.0.2
site a mta-a "$A" 127.0.0.2 $((PORT + 2)) \
    "$(link to-B mta-b 127.0.0.3 $((PORT + 3)) 1988-normal 'size_limit = "100K";'),
$(link to-D mta-d 127.0.0.9 $((PORT + 9)) 1988-normal)" \
    "    { pattern = \"C=XX;A=DEAD\"; link = \"to-D\"; cost = 10; },
    { pattern = \"\"; link = \"to-B\"; cost = 10; }"
SITE_MTA=mta-b SITE_ADDR=127.0.0.3
site b mta-b "$B" 127.0.0.3 $((PORT + 3)) \
    "$(link to-A mta-a 127.0.0.2 $((PORT + 2)) 1988-normal),
$(link to-C mta-c 127.0.0.4 $((PORT + 4)) x410-1984 'max_associations = 1;')" \
    "    { pattern = \"C=XX;A=ATLAS\"; link = \"to-A\"; cost = 10; },
    { pattern = \"C=XX;A=BOREAS;P=LOOPY\"; link = \"to-A\"; cost = 10; },
    { pattern = \"$C\"; link = \"to-C\"; cost = 10; }"
SITE_MTA=mta-c SITE_ADDR=127.0.0.4
site c mta-c "$C" 127.0.0.4 $((PORT + 4)) \
    "$(link to-B mta-b 127.0.0.3 $((PORT + 3)) x410-1984)" \
    "    { pattern = \"\"; link = \"to-B\"; cost = 10; }"

start_sites a b c

CBOX=$WORK/c/mailboxes
ABOX=$WORK/a/mailboxes
ALOG=$WORK/a/x400d.log
BLOG=$WORK/b/x400d.log

# 1. A thousand messages, A to B to C, each delivered exactly once.
send a -r "$C;S=Jones" -s "bulk" -b "one of many" -R none -N 1000 -c 4 \
    >"$WORK/bulk.out"
ok $? "1000 messages submitted to A and confirmed"
wait_files "$CBOX" 1000 240
is "$(count_files "$CBOX")" 1000 "1000 messages delivered at C"
is "$(find "$CBOX" -name '*.txt' -exec head -qn1 {} + | sort -u | wc -l | \
    tr -d ' ')" 1000 "each delivered exactly once (1000 distinct MTS identifiers)"
f=$(find "$CBOX" -name '*.txt' | head -1)
is "$(grep -c '^Trace:' "$f")" 3 "the trace has three elements"
grep -q "^Trace: $A\$" "$f" && grep -q "^Trace: $B\$" "$f" && \
    grep -q "^Trace: $C\$" "$f"
ok $? "the trace shows A's, B's and C's domains in order of transit"

# 2. A delivery report comes back to A.
rm -rf "$ABOX"
send a -r "$C;S=Report" -s "report me" -b "x" -R all
wait_files "$ABOX" 1 30
grep -q "delivered\$" "$ABOX"/*/*.txt
ok $? "a delivery report from C reaches the originator at A"

# 3. An unroutable recipient: a non-delivery report from B.
rm -rf "$ABOX"
send a -r "C=XX;A=NOWHERE;S=Nobody" -s "lost" -b "x" -R ndr
wait_files "$ABOX" 1 30
grep -q "not delivered: reason 1, diagnostic 0" "$ABOX"/*/*.txt
ok $? "an unroutable recipient gets a non-delivery report (unable-to-transfer, unrecognised-OR-name)"
grep -q '"route-none"' "$BLOG"
ok $? "B logs route-none"

# 4. A loop: B routes LOOPY back to A, which routes it to B.
rm -rf "$ABOX"
send a -r "C=XX;A=BOREAS;P=LOOPY;S=Round" -s "round and round" -b "x" -R ndr
wait_files "$ABOX" 1 30
grep -q "not delivered: reason 1, diagnostic 3" "$ABOX"/*/*.txt
ok $? "the loop is detected and reported (loop-detected)"
sleep 2
is "$(grep -c '"route-loop"' "$ALOG" "$BLOG" | awk -F: '{s += $2} END {print s}')" \
    1 "the loop is reported once, not repeated"

# 5. An unsupported critical extension.
rm -rf "$ABOX"
send a -r "$C;S=Jones" -s "critical" -b "x" -R ndr -X 250:c
wait_files "$ABOX" 1 30
grep -q "not delivered: reason 1, diagnostic 18" "$ABOX"/*/*.txt
ok $? "an unsupported critical extension gets unsupported-critical-function"

# 6. Over the link's size limit (A's link to B takes 100 KB).
rm -rf "$ABOX"
send a -r "$C;S=Jones" -s "too big" -z 200000 -R ndr
wait_files "$ABOX" 1 30
grep -q "not delivered: reason 1, diagnostic 7" "$ABOX"/*/*.txt
ok $? "a message over the link's size limit gets content-too-long"

# 6b. Downgrade for the X.410-1984 link B-C (X.419 Annex B): a common
# name travels as the domain-defined attribute "Common"; a teletex
# surname cannot travel at all and comes back unable-to-downgrade.
rm -rf "$ABOX"
send a -r "$C;S=Jones;CN=Carol Jones" -s "common name" -b "x" -R none
send a -r "$C;T-S=Jones" -s "teletex" -b "x" -R ndr
wait_files "$ABOX" 1 30
grep -q "not delivered: reason 1, diagnostic 47" "$ABOX"/*/*.txt
ok $? "an address X.410-1984 cannot carry gets unable-to-downgrade"
with_subject() {	# DIR SUBJECT - the .txt files under DIR with it
	find "$1" -name '*.txt' | xargs grep -l "^Subject: $2" 2>/dev/null
}
wait_until 30 with_subject "$CBOX" "common name"
f=$(with_subject "$CBOX" "common name" | head -1)
grep -q '^Recipient: .*DDA:Common=Carol Jones' "$f" 2>/dev/null
ok $? "a common name crosses the X.410-1984 link as DDA Common"

# 7 and 8. The next MTA (C) is down: B retries on schedule and delivers
# once C is up; a message whose latest delivery time passes meanwhile
# comes back to A with a non-delivery report (B has no other route to C).
stop c
rm -rf "$ABOX"
before=$(count_files "$CBOX")
send a -r "$C;S=Patient" -s "wait for me" -b "x" -R none
send a -r "$C;S=Late" -s "late" -b "x" -R ndr -L 2
wait_files "$ABOX" 1 30
grep -q "not delivered: reason 1, diagnostic 5" "$ABOX"/*/*.txt
ok $? "expiry of the latest delivery time gives maximum-time-expired"
sleep 2
n=$(grep -c '"conn-failed".*to-C' "$BLOG")
[ "$n" -ge 2 ]
ok $? "B retries the link to C on schedule ($n failed attempts, open_interval 1 s)"
start c
wait_files "$CBOX" $((before + 1)) 30
ok $? "delivered once C is up again"
sleep 1
is "$(with_subject "$CBOX" late | wc -l | tr -d ' ')" 0 \
    "the expired message is not delivered after its report"

# 9. Urgent before normal in a backed-up queue (B holds its link to C).
"$X400_BIN/x400q" -d "$WORK/b/queue" hold -l to-C >/dev/null
for i in 1 2 3 4 5; do
	send a -r "$C;S=Order" -s "normal $i" -b "x" -R none -u normal
done
send a -r "$C;S=Order" -s "the urgent one" -b "x" -R none -u urgent
queued_for_c() {	# N - at least N messages queued at B for to-C
	[ "$("$X400_BIN/x400q" -d "$WORK/b/queue" -j list -l to-C | jq length)" -ge "$1" ]
}
wait_until 10 queued_for_c 6
mark=$(wc -l <"$WORK/c/x400d.log")

# 10. SIGHUP keeps every queued message.
queued=$("$X400_BIN/x400q" -d "$WORK/b/queue" -j list | jq length)
hup b
sleep 1
kill -0 "$SITE_PID_b"
ok $? "B survives SIGHUP"
grep -q '"config-reloaded"' "$BLOG"
ok $? "B logs the reload"
is "$("$X400_BIN/x400q" -d "$WORK/b/queue" -j list | jq length)" "$queued" \
    "every queued message is still queued after the reload"

"$X400_BIN/x400q" -d "$WORK/b/queue" release -l to-C >/dev/null
wait_files "$CBOX/C=XX_A=BOREAS_P=SITEC_S=Order" 6 30
ok $? "the held messages are delivered after the release"
first=$(tail -n +"$((mark + 1))" "$WORK/c/x400d.log" | \
    grep -o '"transfer-in".*arrived' | head -1)
subjects=$(for f in $(ls "$CBOX/C=XX_A=BOREAS_P=SITEC_S=Order"/*.txt); do
	grep '^Subject:' "$f"; done)
firstid=$(echo "$first" | grep -o 'L=[^ ]*')
grep -l -- "$firstid" "$CBOX/C=XX_A=BOREAS_P=SITEC_S=Order"/*.txt | \
    xargs grep -q "Subject: the urgent one"
ok $? "the urgent message overtook the five normal ones queued before it"

# Every refusal and failure above is a numbered event naming the link.
# (the configuration's own warnings, events 1000-1099, name no link)
is "$(cat "$WORK"/*/x400d.log | grep '"level":"\(warning\|error\)"' | \
    grep -v '"event":10[0-9][0-9],' | \
    grep -vc '"event":[0-9][0-9]*,.*"link":')" 0 \
    "every refusal and failure in the logs has an event number and a link"

sites_cleanup
done_testing
