#!/bin/sh
# fdlimit.sh - x400d raises its descriptor limit to what its association
#	limits need, and says when the hard limit stops it (issue 19)
#
# A service manager starts daemons with a soft limit of 1024 descriptors
# (systemd), fewer than max_associations_in = 10,000 needs: every accept
# past it fails with EMFILE. Site A allows 600 inbound associations
# (need: 600 + 100 out + 32 prebind + 64 = 796) and is started with a
# soft limit of 256; 400 associations then bind to it at once.
set -u
. tests/support/sites.sh
sites_init fdlimit

A=C=XX\;A=ATLAS\;P=SITEA
LOG=$WORK/a/x400d.log
conf() {
	site a mta-a "$A" 127.0.0.6 $((PORT + 6)) \
	    "  { name = \"load\"; direction = \"inbound\"; peer_mta = \"load\";
    peer_password = \"pw-load\"; max_associations = 500;
    allow = [ \"127.0.0.0/8\" ]; }" "" \
	    "limits = { max_associations_in = $1; max_associations_out = 100; };"
}
soft() { awk '/^Max open files/ { print $4 }' "/proc/$1/limits"; }
hard() { awk '/^Max open files/ { print $5 }' "/proc/$1/limits"; }

# 1. a soft limit of 256: raised to 796, and 400 associations bind
conf 600
ulimit -Sn 256
start_sites a
is "$(soft "$SITE_PID_a")" 796 "x400d raised its soft limit from 256 to 796"
grep '"fd-limit"' "$LOG" | grep -q 'raised from 256 to 796.*max_associations_in 600 + max_associations_out 100 + prebind_max 32'
ok $? "1008 fd-limit says from what to what, and which keys need it"
# x400send gets its own descriptors: the limit under test is x400d's
out=$( ulimit -Sn "$(ulimit -Hn)"; "$X400_BIN/x400send" -q -a 127.0.0.6:$((PORT + 6)) -n load \
    -w pw-load -g "C=XX;A=LOAD;P=LOAD" -f "C=XX;A=LOAD;P=LOAD;S=Load" \
    -r "$A;S=Smith" -R none -N 400 -c 400 --bind-first 2>"$WORK/send.err")
ok $? "400 associations at once, each with a message: all confirmed"
echo "$out" | grep -q '^400 associations bound'
ok $? "all 400 were bound before the first message went"
is "$(cat "$WORK/send.err")" "" "no association failed (an accept out of descriptors closes one)"

# 2. SIGHUP with max_associations_in 2000: the soft limit follows
if [ "$(ulimit -Hn)" = unlimited ] || [ "$(ulimit -Hn)" -ge 2196 ]; then
	conf 2000
	hup a
	wait_until 10 grep -q 'raised from 796 to 2196' "$LOG"
	is "$(soft "$SITE_PID_a")" 2196 "on SIGHUP, raised again for the new max_associations_in"
else
	skip "on SIGHUP, raised again" "the hard limit $(ulimit -Hn) is below 2196"
fi
stop a
ok $? "no sanitizer report"

# 3. a hard limit of 400: root may raise it (x400d does), else 1008 warns
next_phase a
conf 600
if (ulimit -Hn 400 && ulimit -Hn 800) 2>/dev/null; then can=1; else can=0; fi
( ulimit -Sn 400 && ulimit -Hn 400 &&
  exec "$X400_BIN/x400d" -c "$WORK/a/x400d.conf" 2>>"$WORK/a/stderr" ) &
SITE_PID_a=$!
site_pids="$site_pids $SITE_PID_a"
wait_until 10 grep -q '"conn-listen"' "$LOG"
if [ $can = 1 ]; then
	is "$(hard "$SITE_PID_a") $(soft "$SITE_PID_a")" "796 796" \
	    "as root, x400d raised the hard limit too (400 to 796)"
	grep -q '"fd-limit".*raised from 400 to 796 (hard 796)' "$LOG"
	ok $? "and 1008 says so"
	skip "x400d -t warns" "root may raise the hard limit here: no warning to see"
else
	is "$(soft "$SITE_PID_a")" 400 "the soft limit stays at the hard 400"
	grep '"fd-limit"' "$LOG" | grep '"warning"' | grep -q 'limit 400 (hard 400) is below the 796.*LimitNOFILE'
	ok $? "1008 warns: below what the keys need, and how to fix it"
	out=$( (ulimit -Hn 400; "$X400_BIN/x400d" -t -c "$WORK/a/x400d.conf" 2>&1) )
	echo "$out" | grep -q 'warning: the hard descriptor limit 400 is below the 796'
	ok $? "x400d -t warns too"
fi
stop a
ok $? "no sanitizer report"
done_testing
