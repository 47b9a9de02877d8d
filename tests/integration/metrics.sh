#!/bin/sh
# metrics.sh - the counters over HTTP in Prometheus' text format (issue
#	16): global.metrics_listen, scraped with curl, moving with traffic
#
# Site A (127.0.0.10) serves its metrics; it delivers locally and has a
# link to a peer that is down. Scraped before and after two messages:
# received and delivered count them, the dead link's queue and failure
# show, and every line is in the text format. Other paths get 404, other
# methods 405, garbage 400, and x400d keeps running.
set -u
. tests/support/sites.sh
sites_init metrics

A=C=XX\;A=ATLAS\;P=SITEA
MPORT=$((PORT + 5))
SITE_MTA=mta-a SITE_ADDR=127.0.0.10
site a mta-a "$A" 127.0.0.10 $((PORT + 1)) \
    "$(link to-D mta-d 127.0.0.11 $((PORT + 9)) 1988-normal)" \
    "    { pattern = \"C=XX;A=DEAD\"; link = \"to-D\"; cost = 10; }" \
    "metrics_listen = \"127.0.0.10:$MPORT\";"
start_sites a
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

send a -r "$A;S=Jones" -s "one" -b "x"
ok $? "a message for a local recipient accepted"
send a -r "C=XX;A=DEAD;S=Ghost" -s "two" -b "x"
ok $? "a message for the dead peer accepted"
wait_files "$WORK/a/mailboxes" 1 20
scraped2() { scrape && [ "$(val 'x400_link_failing{link="to-D"}')" = 1 ]; }
wait_until 15 scraped2
is "$(val x400_messages_received_total)" 2 "received counts both"
is "$(val x400_messages_delivered_total)" 1 "delivered counts the local one"
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
