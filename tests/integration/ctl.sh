#!/bin/sh
# ctl.sh - x400q asks the running x400d on its control socket (issue 16):
#	retry connects at once, links shows a refused peer's last error,
#	ping reports a bind's outcome, garbage is refused, and without a
#	daemon x400q says so
#
# Site A (127.0.0.71) sends to site B (127.0.0.72) on link to-B, whose
# failed attempts wait open_interval = 10 minutes: only the control
# socket can make A call again within the test. A has two more links
# to B's domain that no route uses: to-B-bad (our password wrong: B
# refuses the bind) and to-none (127.0.0.73, where nothing listens).
set -u
. tests/support/sites.sh
sites_init ctl

A=C=XX\;A=ATLAS\;P=SITEA
B=C=XX\;A=ATLAS\;P=SITEB
Q=$X400_BIN/x400q
PA=$((PORT + 1)) PB=$((PORT + 2)) PN=$((PORT + 3))

SITE_MTA=mta-a SITE_ADDR=127.0.0.71
site a mta-a "$A" 127.0.0.71 $PA \
    "$(link to-B mta-b 127.0.0.72 $PB 1988-normal |
       sed 's/open_interval = "1s"/open_interval = "10m"/'),
$(link to-B-bad mta-b 127.0.0.72 $PB 1988-normal 'direction = "outbound";' |
  sed 's/our_password = "pw-mta-a"/our_password = "not-the-password"/'),
$(link to-none mta-n 127.0.0.73 $PN 1988-normal 'direction = "outbound";')" \
    "    { pattern = \"$B\"; link = \"to-B\"; cost = 10; }"
SITE_MTA=mta-b SITE_ADDR=127.0.0.72
site b mta-b "$B" 127.0.0.72 $PB \
    "$(link to-A mta-a 127.0.0.71 $PA 1988-normal)" \
    "    { pattern = \"$A\"; link = \"to-A\"; cost = 10; }"
ALOG=$WORK/a/x400d.log
SOCK=$WORK/a/queue/x400d.ctl

# q ARGS... - x400q on A's queue, found through A's configuration
q() {
	"$Q" -c "$WORK/a/x400d.conf" "$@"
}

# linkj NAME - link NAME of x400q -j links
linkj() {
	q -j links | jq --arg n "$1" '.[] | select(.name == $n)'
}

start_sites a
is "$(stat -c %a "$SOCK" 2>/dev/null)" 660 \
    "A's control socket is queue_dir/x400d.ctl, mode 0660"
is "$(events a 1010)" 1 "... logged as event 1010 ctl-listen"
check "x400q status answers" q status
q -j status | jq -e --argjson p "$SITE_PID_a" \
    '.pid == $p and .uptime_s >= 0 and .messages.arrived == 0' >/dev/null
ok $? "... with x400d's pid, uptime and counters"

# ---- 2. links: a refused peer's last error ---------------------------------
send a -r "$B;S=Jones" -s "while B is down" -b "hello B" >/dev/null
ok $? "a message for B accepted by A while B is down"
wait_until 15 grep -qF '"event":2002,' "$ALOG"
ok $? "A's attempt on to-B fails (event 2002)"
q links >"$WORK/links.txt"
st=$?
sed 's/^/#   /' "$WORK/links.txt"
grep -q '^to-B  *both  *down ' "$WORK/links.txt" &&
    grep -q 'event 2002 conn-failed: .*connection refused' "$WORK/links.txt"
ok $? "x400q links (exit $st): to-B down, its last error event 2002, connection refused"
linkj to-B >"$WORK/toB.json"
jq -e '.up == false and .state == "down" and .last_error.event == 2002 and
    (.last_error.text | test("connection refused")) and
    .waiting.messages == 1 and .waiting.octets > 0 and .oldest.age_s >= 0 and
    .next_attempt > (now + 300)' "$WORK/toB.json" >/dev/null
ok $? "x400q -j links: down, event 2002, 1 message waiting, next attempt minutes away"
jq -c '{state, last_error: .last_error.text, waiting, next_attempt}' \
    "$WORK/toB.json" | sed 's/^/#   /'
linkj to-none | jq -e '.state == "idle" and .last_error == null' >/dev/null
ok $? "... a link never tried is idle, with no last error"
mid=$(q -j list | jq -r '.[0].id')
q show "$mid" >"$WORK/show.txt"
grep -q 'waiting: link to-B is down, last error .* ago, event 2002 conn-failed: .*connection refused.*; x400d.s next attempt: in ' "$WORK/show.txt"
ok $? "x400q show: the waiting recipient says why (its link down, event 2002) and when x400d tries next"
grep 'waiting:' "$WORK/show.txt" | sed 's/^/#   /'
q -j show "$mid" | jq -e '.recipients[0].link_now.state == "down" and
    .recipients[0].link_now.last_error.event == 2002' >/dev/null
ok $? "x400q -j show: the recipient carries link_now from x400d"
q watch -n 2 -i 1 >"$WORK/watch.txt" 2>&1
st=$?
[ $st -eq 0 ] && [ "$(grep -c '^x400q watch, every 1s' "$WORK/watch.txt")" = 2 ] &&
    [ "$(grep -c '^to-B  *both  *down ' "$WORK/watch.txt")" = 2 ] &&
    grep -q '^x400d pid ' "$WORK/watch.txt"
ok $? "x400q watch -n 2 -i 1: two frames of status and links (exit $st)"
q watch -i 0 >/dev/null 2>&1
is $? 2 "x400q watch -i 0: a usage error"

# ---- 1. retry: A connects at once -----------------------------------------
start_sites b
t0=$(date +%s)
q retry -l to-B >"$WORK/retry.txt" 2>&1
st=$?
sed 's/^/#   /' "$WORK/retry.txt"
[ $st -eq 0 ] && grep -q 'retry link to-B: 1 message (1 recipient) due now; x400d connects at once' "$WORK/retry.txt"
ok $? "x400q retry -l to-B goes to x400d: 1 message due"
wait_files "$WORK/b/mailboxes" 1 10
ok $? "the message reaches B within 10 s, not after the 10 minutes' hold"
t1=$(date +%s)
echo "# delivered at B $((t1 - t0)) s after the retry"
wait_until 10 sh -c "grep -F '\"event\":5008,' '$ALOG' | grep -qF 'retry of message'"
ok $? "x400d logs the retry as event 5008 operator-action"
event_texts a 5008 | sed 's/^/#   /'
bound_since() {
	linkj to-B | jq -e '.last_bound != null and .waiting.messages == 0 and
	    .failing == false' >/dev/null
}
wait_until 5 bound_since
ok $? "x400q links: to-B has bound since, nothing waits"
q retry -l to-B >"$WORK/retry0.txt" 2>&1
st=$?
[ $st -eq 0 ] && grep -q 'retry link to-B: 0 messages (0 recipients) due now' "$WORK/retry0.txt"
ok $? "x400q retry -l to-B with nothing waiting: 0 messages, exit 0"
q ctl '{"cmd":"retry","all":true}' | jq -e '.ok and .recipients == 0 and
    (.links | index("to-B") != null) and (.links | index("ua") == null)' \
    >/dev/null
ok $? "a retry of all links with nothing waiting: ok, 0 recipients, outbound links only"
check "x400q retry of a message id through x400d (none pending): exit 1" \
    sh -c "! '$Q' -c '$WORK/a/x400d.conf' retry 1"

# ---- 3. ping: a bind's outcome ----------------------------------------------
q ping to-B >"$WORK/ping.txt" 2>&1
st=$?
sed 's/^/#   /' "$WORK/ping.txt"
[ $st -eq 0 ] && grep -q 'accepted by MTA "mta-b"' "$WORK/ping.txt" &&
    grep -q 'connect [0-9]* ms, bind [0-9]* ms, release [0-9]* ms, total [0-9]* ms' "$WORK/ping.txt"
ok $? "x400q ping to-B: accepted, with connect, bind and release times"
q -j ping to-B | jq -e '.outcome == "accepted" and .connect_ms >= 0 and
    .bind_ms >= 0 and .total_ms >= .bind_ms' >/dev/null
ok $? "... the same in JSON"
q -j ping to-B-bad >"$WORK/pingbad.json" 2>&1
st=$?
jq -c '{outcome, reason, connect_ms, bind_ms}' "$WORK/pingbad.json" | sed 's/^/#   /'
[ $st -eq 1 ] && jq -e '.outcome == "refused" and
    (.reason | test("authentication-error"))' "$WORK/pingbad.json" >/dev/null
ok $? "x400q ping to-B-bad (wrong password): exit 1, refused: authentication-error"
q ping to-none >"$WORK/pingnone.txt" 2>&1
st=$?
sed 's/^/#   /' "$WORK/pingnone.txt"
[ $st -eq 1 ] && grep -q 'unreachable: .*connection refused' "$WORK/pingnone.txt"
ok $? "x400q ping to-none (nothing listens): exit 1, unreachable, connection refused"
q ping to-B-bad >/dev/null 2>&1
st=$?
is "$st" 1 "... and a refused ping in the human form exits 1 too"
is "$(events a 1012)" 5 "each ping logged as event 1012 ctl-ping"
linkj to-B-bad | jq -e '.last_error == null and .failing == false' >/dev/null
ok $? "a ping changes nothing of the link's own state"
check "x400q ping of no such link: exit 1" sh -c "! '$Q' -c '$WORK/a/x400d.conf' ping nosuch"

# ---- 4. garbage ----------------------------------------------------------------
# refused TEXT CMD... - CMD exits 1 and prints a reply with ok false
#	whose error holds TEXT
refused() {
	_t=$1
	shift
	"$@" >"$WORK/g.out" 2>&1
	_st=$?
	sed 's/^/#   /' "$WORK/g.out" | cut -c 1-200
	[ $_st -eq 1 ] && jq -e --arg t "$_t" \
	    'select(.ok == false) | .error | contains($t)' "$WORK/g.out" \
	    >/dev/null 2>&1
}
refused "not JSON" q ctl 'hello, x400d'
ok $? "a line that is not JSON: an error reply"
refused "one JSON object" q ctl '[1,2,3]'
ok $? "a JSON array: an error reply"
refused "unknown command" q ctl '{"cmd":"format-disk"}'
ok $? "an unknown command: an error reply"
refused "no \"cmd\"" q ctl '{"cmd":42}'
ok $? "a command that is no string: an error reply"
refused "exactly one of" q ctl '{"cmd":"retry","link":"to-B","all":true}'
ok $? "a retry that names a link and all: an error reply"
{ head -c 10000 /dev/zero | tr '\0' x; printf '\n{"cmd":"status"}\n'; } |
    q ctl >"$WORK/long.out"
cut -c 1-200 "$WORK/long.out" | sed 's/^/#   /'
jq -s -e 'length == 2 and .[0].ok == false and
    (.[0].error | contains("longer than 4095 octets")) and .[1].ok == true' \
    "$WORK/long.out" >/dev/null
ok $? "a request of 10000 octets: an error reply, dropped; the next is answered"
printf '\377\376\000\001garbage\n' | refused "not JSON" q ctl
ok $? "binary garbage: an error reply"
printf 'junk\n{"cmd":"status","tag":7}\n' | q ctl >"$WORK/pipe.out"
jq -s -e 'length == 2 and .[0].ok == false and .[1].ok == true and
    .[1].tag == 7' "$WORK/pipe.out" >/dev/null
ok $? "two requests on one connection: answered in order, the second despite the first"
# several clients at once: one holds its connection open while others ask
(sleep 3; echo '{"cmd":"status"}') | q ctl >"$WORK/held.out" &
held=$!
sleep 0.5
for i in 1 2 3 4 5; do
	q -j links >"$WORK/par$i.out" &
done
wait_until 10 sh -c "for i in 1 2 3 4 5; do jq -e 'length >= 4' '$WORK'/par\$i.out >/dev/null || exit 1; done"
ok $? "five x400q links at once while another client holds a connection"
wait $held
jq -e '.ok == true' "$WORK/held.out" >/dev/null
ok $? "... and the held client is answered when it asks"
kill -0 "$SITE_PID_a" 2>/dev/null
ok $? "x400d is still running after the garbage"
check "... and answers x400q links" q links
[ "$(events a 1011)" -ge 1 ]
ok $? "refused requests are logged (event 1011 ctl-error)"

# ---- 5. without x400d ----------------------------------------------------------
stop a
ok $? "A stops cleanly"
[ ! -e "$SOCK" ]
ok $? "... and removes its socket"
q links >"$WORK/down.out" 2>&1
st=$?
sed 's/^/#   /' "$WORK/down.out"
[ $st -eq 1 ] && grep -q 'x400d is not running' "$WORK/down.out"
ok $? "x400q links without x400d: exit 1, x400d is not running"
q ping to-B >"$WORK/down.out" 2>&1
st=$?
[ $st -eq 1 ] && grep -q 'x400d is not running' "$WORK/down.out"
ok $? "x400q ping without x400d: the same"
check "x400q list still works on the queue" q list
q retry -l to-B >"$WORK/down.out" 2>&1
st=$?
sed 's/^/#   /' "$WORK/down.out"
[ $st -eq 0 ] && grep -q 'x400d is not running' "$WORK/down.out" &&
    grep -q 'retry link to-B: 0 messages due now' "$WORK/down.out"
ok $? "x400q retry without x400d: the queue alone, with a note"
# restart_a - start A again, with a fresh log (start waits for its
#	conn-listen) and until its socket answers
restart_a() {
	mv "$ALOG" "$ALOG.$(date +%s%N)"
	start a && wait_until 10 test -S "$SOCK"
}
# a socket file left by a killed x400d: connection refused means not running
restart_a
kill -9 "$SITE_PID_a"
wait "$SITE_PID_a" 2>/dev/null
[ -S "$SOCK" ]
ok $? "a killed x400d leaves its socket"
q links >"$WORK/down.out" 2>&1
st=$?
[ $st -eq 1 ] && grep -q 'x400d is not running.*Connection refused' "$WORK/down.out"
ok $? "... x400q links then says x400d is not running (connection refused)"
restart_a
ok $? "the next x400d removes the stale socket and starts"
check "... and answers on it" q status
stop a

done_testing
