#!/bin/sh
# metrics.sh - the counters over HTTP in Prometheus' text format (issue
#	16): global.metrics_listen, scraped with curl, moving with traffic
#
# Site A (127.0.0.10) serves its metrics; it delivers locally, relays to
# site B (127.0.0.12) and has a link to a peer that is down. Scraped
# before and after three messages: received, transferred and delivered
# count them with their octets, the dead link's queue, failures and
# oldest age show, refusals count by reason (a wrong password, a
# recipient with no route), and every line is in the text format. Other
# paths get 404, other methods 405, garbage 400, and x400d keeps
# running.
set -u
. tests/support/sites.sh
sites_init metrics

A=C=XX\;A=ATLAS\;P=SITEA
B=C=XX\;A=ATLAS\;P=SITEB
MPORT=$((PORT + 5))
SITE_MTA=mta-a SITE_ADDR=127.0.0.10
site a mta-a "$A" 127.0.0.10 $((PORT + 1)) \
    "$(link to-D mta-d 127.0.0.11 $((PORT + 9)) 1988-normal),
$(link to-B mta-b 127.0.0.12 $((PORT + 2)) 1988-normal)" \
    "    { pattern = \"C=XX;A=DEAD\"; link = \"to-D\"; cost = 10; },
    { pattern = \"$B\"; link = \"to-B\"; cost = 10; }" \
    "metrics_listen = \"127.0.0.10:$MPORT\";"
SITE_MTA=mta-b SITE_ADDR=127.0.0.12
site b mta-b "$B" 127.0.0.12 $((PORT + 2)) \
    "$(link to-A mta-a 127.0.0.10 $((PORT + 1)) 1988-normal)" \
    "    { pattern = \"$A\"; link = \"to-A\"; cost = 10; }"
start_sites a b
URL=http://127.0.0.10:$MPORT/metrics
scrape() { curl -s -m 5 "$URL" >"$WORK/m.txt"; }
val() { awk -v k="$1" '$1 == k { print $2 }' "$WORK/m.txt"; }

grep -q '"metrics-listen"' "$WORK/a/x400d.log"
ok $? "x400d logs where its metrics are (event 1013)"
scrape
ok $? "curl scrapes $URL"
is "$(val x400_messages_received_total)" 0 "nothing received yet"
# every line: a comment, or NAME{LABELS} VALUE
bad=$(grep -Ev '^# (HELP|TYPE) [a-z0-9_]+ |^[a-z0-9_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? [0-9]+$' "$WORK/m.txt" | head -n 3)
is "$bad" "" "every line is in Prometheus' text format"
grep -q '^# TYPE x400_messages_received_total counter$' "$WORK/m.txt"
ok $? "counters are typed"
fds=$(ls "/proc/$SITE_PID_a/fd" | wc -l)
soft=$(awk '/^Max open files/ { print $4 }' "/proc/$SITE_PID_a/limits")
o=$(val process_open_fds)
[ "$o" -gt 5 ] && [ "$o" -le $((fds + 2)) ] && [ "$o" -ge $((fds - 3)) ]
ok $? "process_open_fds: x400d's open descriptors ($o; /proc says $fds)"
is "$(val process_max_fds)" "$soft" "process_max_fds: its soft descriptor limit"
r=$(val process_resident_memory_bytes)
[ "$r" -gt 1000000 ] && [ "$r" -lt $((4096 * 1024 * 1024)) ]
ok $? "process_resident_memory_bytes: between 1 MB and 4 GB ($r)"

send a -r "$A;S=Jones" -s "one" -b "x"
ok $? "a message for a local recipient accepted"
send a -r "C=XX;A=DEAD;S=Ghost" -s "two" -b "x"
ok $? "a message for the dead peer accepted"
send a -r "$B;S=Brown" -s "three" -b "for B"
ok $? "a message for B accepted"
send a -r "C=ZZ;A=NOWHERE;S=Lost" -s "four" -b "x"
ok $? "a message for a domain with no route accepted (non-delivery)"
"$X400_BIN/x400send" -q -a 127.0.0.10:$((PORT + 1)) -n ua -w wrong \
    -g "$A" -f "$A;S=Smith" -r "$A;S=Jones" -s "five" -b "x" 2>/dev/null
[ $? -ne 0 ]
ok $? "a bind with a wrong password refused"
wait_files "$WORK/a/mailboxes" 1 20
wait_files "$WORK/b/mailboxes" 1 20
scraped2() {
	scrape && [ "$(val 'x400_link_failing{link="to-D"}')" = 1 ] &&
	    [ "$(val x400_messages_transferred_total)" = 1 ]
}
wait_until 15 scraped2
is "$(val x400_messages_received_total)" 4 \
    "received counts the four accepted, not the report made here"
is "$(val x400_messages_delivered_total)" 2 \
    "delivered: the local one and the report on the unroutable one"
is "$(val x400_messages_transferred_total)" 1 "transferred counts the one B took"
n=$(val x400_octets_received_total)
[ "${n:-0}" -gt 300 ]
ok $? "octets received: $n"
n=$(val x400_octets_transferred_total)
[ "${n:-0}" -gt 100 ] && [ "$n" -lt "$(val x400_octets_received_total)" ]
ok $? "octets transferred: $n, part of those received"
n=$(val x400_octets_delivered_total)
[ "${n:-0}" -gt 100 ]
ok $? "octets delivered: $n"
is "$(val 'x400_associations_refused_total{reason="bad-password"}')" 1 \
    "the wrong password counts under associations refused, bad-password"
is "$(val 'x400_associations_refused_total{reason="unknown-mta"}')" 0 \
    "... and not under unknown-mta"
is "$(val 'x400_recipients_refused_total{reason="no-route"}')" 1 \
    "the unroutable recipient counts under recipients refused, no-route"
is "$(val 'x400_transfers_refused_total{reason="undecodable"}')" 0 \
    "no transfer refused as undecodable"
n=$(val 'x400_link_failures_total{link="to-D"}')
[ "${n:-0}" -ge 1 ]
ok $? "the dead link's failures: $n"
is "$(val 'x400_link_failures_total{link="to-B"}')" 0 "to-B has none"
is "$(val 'x400_link_associations_opened_total{link="to-B",direction="out"}')" 1 \
    "one association opened on to-B"
n=$(val x400_stored_messages)
[ "${n:-0}" -ge 1 ]
ok $? "messages stored now: $n (the one for the dead link, at least)"
old() { scrape && [ "$(val 'x400_link_oldest_seconds{link="to-D"}')" -ge 2 ]; }
wait_until 10 old
ok $? "the dead link's oldest message ages: $(val 'x400_link_oldest_seconds{link="to-D"}') s"
is "$(val 'x400_link_oldest_seconds{link="to-B"}')" 0 "nothing waits on to-B"
is "$(val 'x400_queue_recipients{link="to-D",state="pending"}')" 1 \
    "the dead link's queue holds one recipient"
is "$(val 'x400_link_failing{link="to-D"}')" 1 "the dead link is failing"
is "$(val 'x400_link_last_error_event{link="to-D"}')" 2002 \
    "its last error is event 2002 (conn-failed)"
n=$(val 'x400_associations_opened_total{direction="in"}')
[ "${n:-0}" -ge 2 ]
ok $? "inbound associations opened: $n"

code() { curl -s -o /dev/null -w '%{http_code}' -m 5 "$@"; }
is "$(code http://127.0.0.10:$MPORT/)" 404 "another path: 404"
is "$(code -X POST "$URL")" 405 "POST: 405"
printf 'hello\r\n\r\n' | curl -s -m 3 telnet://127.0.0.10:$MPORT \
    >"$WORK/g.txt" 2>/dev/null
grep -q '^HTTP/1.0 400' "$WORK/g.txt"
ok $? "garbage (sent raw): 400"
is "$(code -X BREW "$URL")" 400 "an unknown method: 400"
head -c 6000 /dev/zero | tr '\0' 'a' >"$WORK/big"
is "$(code -H "X-Big: $(cat "$WORK/big")" "$URL")" 431 "a 6 KB request head: 431"
kill -0 "$SITE_PID_a"
ok $? "x400d still runs"
"$X400_BIN/x400d" -t -c "$WORK/a/x400d.conf" 2>/dev/null |
    grep -q "metrics_listen = \"127.0.0.10:$MPORT\""
ok $? "x400d -t prints metrics_listen"

done_testing
