#!/bin/sh
# relay_more.sh - the rest of x400d's P1 semantics between sites (issue 5)
#
# A (127.0.0.2) has two ways to C's domain: a cheap link to-X whose peer
# is down (127.0.0.9), and the dearer one through the hub B. B relays to
# C (127.0.0.4). Checked here: the alternate route while the cheap link
# fails; one message's recipients split by route (local at A, local at
# B, relayed to C); a probe answered as if the message had been sent,
# without a delivery; deferred delivery; an unknown non-critical
# extension relayed unchanged; non-delivery reports prohibited.
set -u
. tests/support/sites.sh
sites_init relay_more

A=C=XX\;A=ATLAS\;P=SITEA
B=C=XX\;A=BOREAS
C=C=XX\;A=BOREAS\;P=SITEC

SITE_MTA=mta-a SITE_ADDR=127.0.0.2
site a mta-a "$A" 127.0.0.2 $((PORT + 2)) \
    "$(link to-B mta-b 127.0.0.3 $((PORT + 3)) 1988-normal),
$(link to-X mta-x 127.0.0.9 $((PORT + 9)) 1988-normal)" \
    "    { pattern = \"$C\"; link = \"to-X\"; cost = 5; },
    { pattern = \"$C\"; link = \"to-B\"; cost = 10; },
    { pattern = \"\"; link = \"to-B\"; cost = 10; }"
SITE_MTA=mta-b SITE_ADDR=127.0.0.3
site b mta-b "$B" 127.0.0.3 $((PORT + 3)) \
    "$(link to-A mta-a 127.0.0.2 $((PORT + 2)) 1988-normal),
$(link to-C mta-c 127.0.0.4 $((PORT + 4)) 1988-normal)" \
    "    { pattern = \"C=XX;A=ATLAS\"; link = \"to-A\"; cost = 10; },
    { pattern = \"$C\"; link = \"to-C\"; cost = 10; }"
SITE_MTA=mta-c SITE_ADDR=127.0.0.4
site c mta-c "$C" 127.0.0.4 $((PORT + 4)) \
    "$(link to-B mta-b 127.0.0.3 $((PORT + 3)) 1988-normal)" \
    "    { pattern = \"\"; link = \"to-B\"; cost = 10; }"

start_sites a b c

ABOX=$WORK/a/mailboxes
BBOX=$WORK/b/mailboxes
CBOX=$WORK/c/mailboxes
ALOG=$WORK/a/x400d.log

# files_with DIR TEXT - how many .txt files under DIR contain TEXT
files_with() {
	find "$1" -name '*.txt' -exec grep -l -F -- "$2" {} + 2>/dev/null |
	    wc -l | tr -d ' '
}

# more_than DIR TEXT N - more than N .txt files under DIR contain TEXT
more_than() {
	[ "$(files_with "$1" "$2")" -gt "$3" ]
}

# 1. The cheapest route's link is down: the alternate carries the mail.
send a -r "$C;S=Carol" -s "alternate" -b "by the other way" -R none
ok $? "a message for C submitted"
wait_files "$CBOX" 1 30
is "$(files_with "$CBOX" 'Subject: alternate')" 1 \
    "delivered at C through the alternate route"
f=$(grep -l -F 'Subject: alternate' $(find "$CBOX" -name '*.txt') /dev/null | head -1)
is "$(grep '^Trace:' "$f" 2>/dev/null | tr '\n' '|')" \
    "Trace: $A|Trace: $B|Trace: $C|" "by way of B"
grep '"name":"conn-failed"' "$ALOG" | grep -q '"link":"to-X"'
ok $? "A tried the cheaper link to-X first (conn-failed)"

# 2. One message, three routes: local at A, local at B, relayed to C.
send a -r "$A;S=Ann" -r "$B;S=Bob" -r "$C;S=Carol" -s "split" \
    -b "to three places" -R none
ok $? "a message for A, B and C submitted"
wait_files "$ABOX" 1 30
wait_files "$BBOX" 1 30
wait_until 30 more_than "$CBOX" 'Subject: split' 0
is "$(files_with "$ABOX" 'Subject: split')" 1 "delivered to Ann at A"
is "$(files_with "$BBOX" 'Subject: split')" 1 "delivered to Bob at B"
is "$(files_with "$CBOX" 'Subject: split')" 1 "delivered to Carol at C"
is "$(find "$BBOX" -name '*.txt' | xargs grep -l 'Subject: split' | \
    xargs grep -h '^Recipient:' | tr '\n' '|')" "Recipient: $B;S=Bob|" \
    "B's copy names only B's recipient as delivered there"

# 3. A probe: answered with a delivery report, nothing delivered.
before=$(count_files "$CBOX")
reports=$(files_with "$ABOX" 'X.400 report')
send a -p -r "$C;S=Carol" -R all
ok $? "a probe for Carol at C submitted"
wait_until 30 more_than "$ABOX" 'X.400 report' "$reports"
f=$(find "$ABOX" -name '*.txt' -newer "$WORK/a/x400d.conf" | xargs grep -l 'X.400 report' | head -1)
grep -q "^Report: $C;S=Carol delivered" "$f" 2>/dev/null
ok $? "the probe is answered: Carol would be delivered"
sleep 1
is "$(count_files "$CBOX")" "$before" "the probe delivered nothing at C"

# 4. Deferred delivery: held at A until its time, then sent.
t0=$(date +%s)
send a -D 3 -r "$C;S=Carol" -s "deferred" -b "not before its time" -R none
ok $? "a message deferred by 3 s submitted"
is "$(files_with "$CBOX" 'Subject: deferred')" 0 "not delivered at once"
wait_until 30 more_than "$CBOX" 'Subject: deferred' 0
is "$(files_with "$CBOX" 'Subject: deferred')" 1 "delivered after its time"
f=$(grep -l -F 'Subject: deferred' $(find "$CBOX" -name '*.txt') /dev/null | head -1)
t1=$(stat -c %Y "$f" 2>/dev/null || echo 0)
ok "$([ "$t1" -ge $((t0 + 3)) ] && echo 0 || echo 1)" \
    "not delivered before the deferred delivery time ($((t1 - t0)) s)"

# 5. An unknown non-critical extension crosses B unchanged.
send a -X 77 -r "$C;S=Carol" -s "extension" -b "with an extra" -R none
ok $? "a message with non-critical extension 77 submitted"
wait_until 30 more_than "$CBOX" 'Subject: extension' 0
f=$(grep -l -F 'Subject: extension' $(find "$CBOX" -name '*.txt') /dev/null | head -1)
p1=${f%.txt}.p1
"$X400_BIN/x400ber" -t MTS-APDU "$p1" >"$WORK/ext.txt" 2>&1
ok $? "C's stored copy decodes"
# the ExtensionField whose type is [0] 77 (80 01 4D), NULL-valued, and
# without a criticality (absent: non-critical, X.411 9.1)
awk '/ExtensionField ::= \{/ { f = 1; t = ""; c = 0; next }
     f && /type: / { t = $0 }
     f && /criticality/ { c = 1 }
     f && /^ *\}/ { if (t ~ /80 01 4D/ || t ~ /A0 03 02 01 4D/) { found = 1; crit = c } f = 0 }
     END { print found + 0, crit + 0 }' "$WORK/ext.txt" >"$WORK/ext.res"
is "$(cut -d' ' -f1 "$WORK/ext.res")" 1 "C received extension 77, relayed by B"
is "$(cut -d' ' -f2 "$WORK/ext.res")" 0 "still without a criticality (non-critical)"

# 6. Non-delivery reports prohibited: none comes back.
n0=$(files_with "$ABOX" 'X.400 report')
send a -r "C=XX;A=NOWHERE;S=Nobody" -s "prohibited" -R none
send a -r "C=XX;A=NOWHERE;S=Somebody" -s "allowed" -R ndr
wait_until 30 more_than "$ABOX" 'X.400 report' "$n0"
sleep 1
is "$(files_with "$ABOX" 'Somebody')" 1 "the non-delivery report that was allowed came back"
is "$(files_with "$ABOX" 'Nobody')" 0 "the prohibited one did not"

done_testing
