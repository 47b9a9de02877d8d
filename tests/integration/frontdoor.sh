#!/bin/sh
# frontdoor.sh - issue 17: no denial of service before the bind, no
#	lockout of real peers, silence after the bind ends the association
#
# Site B (127.0.0.91) receives from mta-a and mta-c, both calling from
# 127.0.0.92 (each link's allow list). Its front door: 32 connections
# waiting for their bind in the pool, 4 from one address, 3 s to bind,
# refusals summarised every 2 s.
#   1. 500 idle connections from ten addresses and a flood of
#      connections that send a CR and stop, from one address, for 15 s:
#      meanwhile mta-a binds from its address within 1 s, every time,
#      and B's log grows by a few summary lines, not a line a refusal.
#   2. Two clients on one address: one guesses passwords (as mta-c, and
#      as names nobody knows) and is slowed down (3005); the other,
#      mta-a with its right password, keeps binding.
#   3. mta-a binds and says nothing: B aborts it after the link's
#      idle_timeout (2 s) and its grace (5 s), event 2004.
set -u
. tests/support/sites.sh
sites_init frontdoor

B=C=XX\;A=ATLAS\;P=SITEB
PB=$((PORT + 1))
FLOOD=$X400_TESTBIN/tcpflood
SITE_MTA=mta-b SITE_ADDR=127.0.0.91
site b mta-b "$B" 127.0.0.91 $PB \
    "$(link to-A mta-a 127.0.0.92 $((PORT + 2)) 1988-normal 'direction = "inbound";'),
$(link to-C mta-c 127.0.0.92 $((PORT + 3)) 1988-normal 'direction = "inbound";')" \
    "" \
    "limits = { prebind_max = 32; prebind_per_source = 4;
      bind_timeout = \"3s\"; refusal_log_interval = \"2s\"; };
    bind_backoff = { free = 3; first = \"30s\"; max = \"30s\"; };"
start_sites b
LOG=$WORK/b/x400d.log

# peer N [ARGS] - mta-a from 127.0.0.92 sends message N to B; its output
#	in $WORK/peer.N; 0 when confirmed
peer() {
	_n=$1
	shift
	"$X400_BIN/x400send" -a 127.0.0.91:$PB -l 127.0.0.92 -n mta-a \
	    -w pw-mta-a -g "C=XX;A=ATLAS;P=SITEA" -f "C=XX;A=ATLAS;P=SITEA;S=Peer" \
	    -r "$B;S=Jones" -s "peer $_n" -b "x" -R none "$@" \
	    >"$WORK/peer.$_n" 2>&1
}
# bind_ms N - how long peer N took to bind (ms), from its output
bind_ms() {
	sed -n 's/^bound to MTA .* in \([0-9.]*\) ms$/\1/p' "$WORK/peer.$1"
}

peer 0
ok $? "mta-a binds and sends before the flood (in $(bind_ms 0) ms)"

# ---- 1. idle connections and a flood before the bind ----------------------
before=$(wc -c <"$LOG")
"$FLOOD" -a 127.0.0.91:$PB -n 500 -t 15 -r 500 \
    -s 127.0.0.100,127.0.0.101,127.0.0.102,127.0.0.103,127.0.0.104,127.0.0.105,127.0.0.106,127.0.0.107,127.0.0.108,127.0.0.109 \
    >"$WORK/idle.out" 2>&1 &
idle_pid=$!
"$FLOOD" -a 127.0.0.91:$PB -s 127.0.0.110 -n 100 -c -t 15 -r 300 \
    >"$WORK/flood.out" 2>&1 &
flood_pid=$!
sleep 2
good=0 slow=0 worst=0
for i in 1 2 3 4 5 6 7 8; do
	if peer $i; then
		good=$((good + 1))
		ms=$(bind_ms $i)
		[ "${ms%.*}" -lt 1000 ] || slow=$((slow + 1))
		[ "${ms%.*}" -le "$worst" ] || worst=${ms%.*}
	else
		sed 's/^/#   /' "$WORK/peer.$i"
	fi
	sleep 1
done
wait $idle_pid $flood_pid
echo "# idle:  $(cat "$WORK/idle.out")"
echo "# flood: $(cat "$WORK/flood.out")"
is "$good" 8 "during the flood mta-a bound and delivered 8 times out of 8"
is "$slow" 0 "... each bind within 1 s (the slowest: $worst ms)"
opened=$(sed -n 's/^opened \([0-9]*\),.*/\1/p' "$WORK/idle.out")
[ "${opened:-0}" -ge 500 ]
ok $? "the idle clients opened $opened connections (500 held, refused ones opened again)"
closed=$(sed -n 's/.*closed by the peer \([0-9]*\),.*/\1/p' "$WORK/flood.out")
[ "${closed:-0}" -ge 100 ]
ok $? "B closed $closed of the flood's connections"
sleep 2.5	# the last summary
grew=$(( $(wc -c <"$LOG") - before ))
[ "$grew" -lt 40000 ]
ok $? "B's log grew by $grew octets during the flood (under 40 KB)"
is "$(grep -E '127\.0\.0\.(10[0-9]|110)' "$LOG" | grep -vc '"event":2011,')" 0 \
    "no log line of its own for any refused connection"
n2011=$(grep -c '"event":2011,' "$LOG")
[ "$n2011" -ge 3 ]
ok $? "they are counted in $n2011 events 2011 conn-refusals"
check "... which say how many, why, and the busiest source" \
    sh -c "grep '\"event\":2011,' '$LOG' | grep -q 'over prebind_per_source' &&
	   grep '\"event\":2011,' '$LOG' | grep -q 'no bind within bind_timeout' &&
	   grep '\"event\":2011,' '$LOG' | grep -q 'most from 127.0.0.1[01]'"
kill -0 "$SITE_PID_b"
ok $? "B is still running"

# ---- 2. a guesser and a peer on one address ------------------------------
(
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		case $i in
		*[02468]) name=mta-c ;;
		*) name=mta-z$i ;;
		esac
		"$X400_BIN/x400send" -q -a 127.0.0.91:$PB -l 127.0.0.92 \
		    -n "$name" -w "guess-$i" -g "C=XX;A=ATLAS;P=SITEZ" \
		    -f "C=XX;A=ATLAS;P=SITEZ;S=Guess" -r "$B;S=Jones" -b x \
		    -R none >/dev/null 2>&1 && echo "guess $i accepted"
		sleep 0.3
	done
) >"$WORK/guesser.out" &
guess_pid=$!
good=0
for i in 11 12 13 14 15 16; do
	peer $i && good=$((good + 1))
	sleep 0.5
done
wait $guess_pid
is "$(cat "$WORK/guesser.out")" "" "the guesser from 127.0.0.92 got nothing in"
is "$good" 6 "mta-a from the same address bound 6 times out of 6 meanwhile"
check "the guesser was slowed down: event 3005 for mta-c and for unknown names" \
    sh -c "grep '\"event\":3005,' '$LOG' | grep -q 'as this MTA' &&
	   grep '\"event\":3005,' '$LOG' | grep -q 'as an unknown MTA'"
wait_until 5 sh -c "grep '\"event\":2011,' '$LOG' | grep -q 'while their caller backs off'"
ok $? "its binds refused while backing off are counted in event 2011"

# ---- 3. silence after the bind --------------------------------------------
peer 20 --hold 30
is $? 1 "mta-a binds and says nothing for 30 s: it is not confirmed"
t=$(sed -n 's/.*ended the association after \([0-9]*\)\..* s of silence$/\1/p' "$WORK/peer.20")
[ "${t:-0}" -ge 6 ] && [ "${t:-99}" -le 12 ]
ok $? "B ended it after ${t:-?} s of silence (idle_timeout 2 s and the 5 s grace)"
check "B logs event 2004 conn-idle for link to-A" \
    sh -c "grep '\"event\":2004,' '$LOG' | grep '\"link\":\"to-A\"' | grep -q 'idle peer: aborting'"

done_testing
