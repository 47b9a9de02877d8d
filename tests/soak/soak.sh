#!/bin/sh
# soak.sh - three MTAs under load, the relay and the final MTA killed
#	with SIGKILL at random moments; every confirmed message delivered
#	exactly once per recipient (issue 15)
#
# usage: tests/soak/soak.sh        (make soak: the full run;
#	tests/integration/soak_short.sh: the short one in make check)
#
# Sites on loopback: A (127.0.0.21, PRMD SOAKA) takes the load from
# x400send and is never killed; B (127.0.0.22, PRMD SOAKB) relays to C
# over X.410-1984 and delivers its own recipient locally; C (127.0.0.23,
# PRMD SOAKC) delivers locally. Every message has three recipients: one
# at B, two at C. Reports go back to A (C through B): any non-delivery
# report would land in A's mailboxes and is counted as a failure.
#
# While x400send feeds A in batches, a loop kills B or C (chosen at
# random) after a random delay, runs x400q check on its queue, and
# restarts it. When the kills and the messages are done, the queues
# must drain; then, per recipient mailbox, the files are counted by MTS
# identifier (the first line of each .txt): lost = confirmed messages
# without a file, duplicated = files beyond the first for one MTS
# identifier.
#
# Settings (environment): SOAK_KILLS (1000), SOAK_MESSAGES (20000),
# SOAK_BATCH (200 per x400send run), SOAK_DELAY_MIN, SOAK_DELAY_MAX
# (0.05, 1.5 seconds between kills), SOAK_PACE (seconds between
# batches; by default the load is spread over the time the kills take),
# SOAK_DRAIN (seconds, 300), SOAK_SEED. Prints TAP lines and a last summary line.
set -u
. tests/support/sites.sh
sites_init soak

KILLS=${SOAK_KILLS:-1000}
MESSAGES=${SOAK_MESSAGES:-20000}
BATCH=${SOAK_BATCH:-200}
DMIN=${SOAK_DELAY_MIN:-0.05}
DMAX=${SOAK_DELAY_MAX:-1.5}
DRAIN=${SOAK_DRAIN:-300}
SEED=${SOAK_SEED:-$$}
# PACE: seconds between batches, so that the load lasts as long as the
# kills (their mean delay times their number, spread over the batches)
PACE=${SOAK_PACE:-$(awk -v k="$KILLS" -v lo="$DMIN" -v hi="$DMAX" \
    -v b=$(( (MESSAGES + BATCH - 1) / BATCH )) \
    'BEGIN { printf "%.2f\n", k * (lo + hi) / 2 / b }')}
A=C=XX\;A=ATLAS\;P=SOAKA
B=C=XX\;A=BOREAS\;P=SOAKB
C=C=XX\;A=BOREAS\;P=SOAKC
PA=$((PORT + 1)) PB=$((PORT + 2)) PC=$((PORT + 3))
echo "# seed $SEED, $KILLS kills, $MESSAGES messages, a batch of $BATCH every $PACE s"

SITE_MTA=mta-a SITE_ADDR=127.0.0.21
site a mta-a "$A" 127.0.0.21 $PA \
    "$(link to-B mta-b 127.0.0.22 $PB 1988-normal)" \
    "    { pattern = \"C=XX;A=BOREAS\"; link = \"to-B\"; cost = 10; }"
SITE_MTA=mta-b SITE_ADDR=127.0.0.22
site b mta-b "$B" 127.0.0.22 $PB \
    "$(link to-A mta-a 127.0.0.21 $PA 1988-normal),
$(link to-C mta-c 127.0.0.23 $PC x410-1984)" \
    "    { pattern = \"$C\"; link = \"to-C\"; cost = 10; },
    { pattern = \"C=XX;A=ATLAS\"; link = \"to-A\"; cost = 10; }"
SITE_MTA=mta-c SITE_ADDR=127.0.0.23
site c mta-c "$C" 127.0.0.23 $PC \
    "$(link to-B mta-b 127.0.0.22 $PB x410-1984)" \
    "    { pattern = \"C=XX\"; link = \"to-B\"; cost = 10; }"
start_sites a b c

# restart S - start S again after a kill; wait until it listens anew
restart() {
	_log=$WORK/$1/x400d.log
	_n=$(grep -c '"conn-listen"' "$_log")
	"$X400_BIN/x400d" -c "$WORK/$1/x400d.conf" 2>>"$WORK/$1/stderr" &
	eval "SITE_PID_$1=$!"
	site_pids="$site_pids $!"
	_i=0
	while [ "$(grep -c '"conn-listen"' "$_log")" -le "$_n" ]; do
		_i=$((_i + 1))
		[ $_i -lt 300 ] || return 1
		sleep 0.1
	done
}

# feed - x400send batches to A until MESSAGES are sent; the confirmed
#	count of each batch goes to $WORK/confirmed
feed() {
	_sent=0
	while [ "$_sent" -lt "$MESSAGES" ] && [ ! -e "$WORK/stop" ]; do
		_n=$BATCH
		[ $((_sent + _n)) -le "$MESSAGES" ] || _n=$((MESSAGES - _sent))
		send a -r "$B;S=Rb" -r "$C;S=Rc1" -r "$C;S=Rc2" -s soak \
		    -b "soak" -N "$_n" -c 2 2>>"$WORK/feed.err" |
		    sed -n 's/^\([0-9]*\) sent, \([0-9]*\) confirmed.*/\2/p' \
		    >>"$WORK/confirmed"
		_sent=$((_sent + _n))
		[ "$_sent" -lt "$MESSAGES" ] && sleep "$PACE"
	done
	: >"$WORK/fed"
}
: >"$WORK/confirmed"
feed &
feed_pid=$!

# rnd I - a delay for kill I, and the victim (b or c)
rnd() {
	awk -v s="$SEED" -v i="$1" -v lo="$DMIN" -v hi="$DMAX" 'BEGIN {
	    srand(s * 1000 + i); d = lo + rand() * (hi - lo);
	    printf "%.3f %s\n", d, rand() < 0.5 ? "b" : "c" }'
}

kills=0 bad_checks=0 no_restart=0
i=1
while [ "$i" -le "$KILLS" ]; do
	set -- $(rnd "$i")
	sleep "$1"
	eval "_p=\$SITE_PID_$2"
	kill -9 "$_p" 2>/dev/null
	wait "$_p" 2>/dev/null
	kills=$((kills + 1))
	if ! "$X400_BIN/x400q" -d "$WORK/$2/queue" check \
	    >"$WORK/check.$i" 2>&1; then
		bad_checks=$((bad_checks + 1))
		echo "# kill $i ($2): x400q check:"
		sed 's/^/#   /' "$WORK/check.$i" | head -n 10
	fi
	rm -f "$WORK/check.$i"
	restart "$2" || { no_restart=$((no_restart + 1)); break; }
	i=$((i + 1))
done
ok $((no_restart)) "$kills kills of B and C, each restarted"
ok $((bad_checks)) "x400q check finds the killed MTA's queue consistent after every kill"
wait "$feed_pid"
confirmed=$(awk '{ s += $1 } END { print s + 0 }' "$WORK/confirmed")
is "$confirmed" "$MESSAGES" "every message x400send sent was confirmed by A"

empty() {
	for _s in a b c; do
		[ "$("$X400_BIN/x400q" -d "$WORK/$_s/queue" -j list |
		    jq length)" = 0 ] || return 1
	done
}
wait_until "$DRAIN" empty
ok $? "the three queues drain"

# count BOX - "FILES UNIQUE" for one recipient's mailbox
count() {
	find "$1" -name '*.txt' -exec head -qn 1 {} + 2>/dev/null |
	    awk '{ n++; if (!seen[$0]++) u++ } END { print n + 0, u + 0 }'
}
files=0 once=0
for box in "$WORK/b/mailboxes/"*S=Rb "$WORK/c/mailboxes/"*S=Rc1 \
    "$WORK/c/mailboxes/"*S=Rc2; do
	set -- $(count "$box")
	files=$((files + $1)) once=$((once + $2))
done
want=$((confirmed * 3))
lost=$((want - once)) dup=$((files - once))
ndr=$(count_files "$WORK/a/mailboxes")
is "$lost" 0 "no confirmed message lost (recipients: $want)"
is "$dup" 0 "none delivered twice"
is "$ndr" 0 "no report came back to the originator"
echo "# soak: kills $kills, messages $confirmed, recipients $want," \
    "delivered once $once, lost $lost, duplicated $dup," \
    "checks failed $bad_checks, machine $(nproc) cores $(uname -m)"
: >"$WORK/stop"
done_testing
