#!/bin/sh
# daemon.sh - x400d as a service: started as root, it binds port 102 and
#	runs as global.user; a link's max_age ends in a non-delivery report
#	(issue 5)
#
# One site A on 127.0.0.6. Its link to-D leads to a peer that is down and
# has max_age = 2s; no other route covers D's domain, so the message
# waits, expires, and the originator (local at A) gets the report.
# Run as root (as CI is), A listens on port 102 and runs as "nobody";
# otherwise on a high port as the caller, and the privilege checks skip.
set -u
. tests/support/sites.sh
sites_init daemon

A=C=XX\;A=ATLAS\;P=SITEA
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	root=1 port=102 global='user = "nobody";'
else
	root=0 port=$((PORT + 6)) global=''
fi
SITE_MTA=mta-a SITE_ADDR=127.0.0.6
site a mta-a "$A" 127.0.0.6 $port \
    "$(link to-D mta-d 127.0.0.9 $((PORT + 9)) 1988-normal 'max_age = "2s";')" \
    "    { pattern = \"C=XX;A=DEAD\"; link = \"to-D\"; cost = 10; }" \
    "$global"
chmod 0777 "$WORK/a"	# nobody may make files beside its log (logrotate)
start_sites a
ALOG=$WORK/a/x400d.log

if [ $root = 1 ]; then
	uid=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$SITE_PID_a/status")
	n=$(id -u nobody)
	is "$uid" "$n $n $n $n" "x400d runs as nobody (real, effective, saved, fs uid)"
	grep -q 'now running as nobody' "$ALOG"
	ok $? "x400d logs the change of user"
	# /proc/net/tcp: 127.0.0.6:102 is 0600007F:0066, LISTEN is 0A
	awk '$2 == "0600007F:0066" && $4 == "0A" { f = 1 } END { exit !f }' /proc/net/tcp
	ok $? "x400d listens on port 102, bound before the drop"
else
	echo "ok 2 # SKIP not root"; echo "ok 3 # SKIP not root"; echo "ok 4 # SKIP not root"
	tap_n=$((tap_n + 3))
fi

send a -r "C=XX;A=DEAD;S=Ghost" -s "too old" -b "x" -R ndr
ok $? "a message for the dead peer's domain accepted"
wait_files "$WORK/a/mailboxes" 1 30
f=$(find "$WORK/a/mailboxes" -name '*.txt' | head -1)
grep -q "not delivered: reason 1, diagnostic 5" "$f" 2>/dev/null
ok $? "after the link's max_age, a non-delivery report (maximum-time-expired)"
queue_empty() {
	[ "$("$X400_BIN/x400q" -d "$WORK/a/queue" -j list | jq length)" = 0 ]
}
wait_until 10 queue_empty
is "$("$X400_BIN/x400q" -d "$WORK/a/queue" -j list | jq length)" 0 \
    "the queue is empty again"

hup a
wait_until 5 grep -q '"config-reloaded"' "$ALOG"
grep -q '"config-reloaded"' "$ALOG"
ok $? "SIGHUP reloads the configuration as the unprivileged user"
kill -0 "$SITE_PID_a"
ok $? "x400d still runs"

done_testing
