#!/bin/sh
# logs.sh - x400d's log: reopened on SIGHUP (logrotate without
#	copytruncate), JSON or text lines, syslog as a choice (issue 16)
#
# One site A on 127.0.0.7. Its log file is moved away as logrotate does
# and SIGHUP sent: later events go to a new file at the configured path,
# none to the moved one. Then log_format = "text" and SIGHUP: the new
# lines are text. x400d -t takes a syslog facility and refuses an unknown
# one, and log_syslog together with log_file.
set -u
. tests/support/sites.sh
sites_init logs

A=C=XX\;A=ATLAS\;P=SITEA
SITE_MTA=mta-a SITE_ADDR=127.0.0.7
site a mta-a "$A" 127.0.0.7 $((PORT + 7)) \
    "$(link to-D mta-d 127.0.0.9 $((PORT + 9)) 1988-normal)" \
    "    { pattern = \"C=XX;A=DEAD\"; link = \"to-D\"; cost = 10; }"
start_sites a
ALOG=$WORK/a/x400d.log
CONF=$WORK/a/x400d.conf

# 1. logrotate: move, SIGHUP, new file
mv "$ALOG" "$ALOG.1"
hup a
wait_until 5 grep -q '"config-reloaded"' "$ALOG"
grep -q '"config-reloaded"' "$ALOG"
ok $? "after mv and SIGHUP, events go to a new file at log_file"
grep -q '"config-reloaded"' "$ALOG.1"
is $? 1 "and none to the moved file"
send a -r "$A;S=Jones" -s "after rotation" -b "x"
ok $? "a message accepted after the rotation"
wait_until 5 grep -q '"delivered"' "$ALOG"
grep -q '"delivered"' "$ALOG"
ok $? "its delivery is logged in the new file"
n=$(grep -c '"delivered"' "$ALOG.1")
is "$n" 0 "the moved file sees nothing more"

# 2. the text format, switched on by a reload
sed -i 's/^  log_level = "info";/  log_level = "info"; log_format = "text";/' "$CONF"
hup a
wait_until 5 eval "[ \$(grep -c config-reloaded \"$ALOG\") = 2 ]"
send a -r "$A;S=Jones" -s "in text" -b "x"
ok $? "log_format = text and SIGHUP; a message accepted"
wait_until 5 grep -q ' info [0-9]* delivered \[' "$ALOG"
l=$(grep ' info [0-9]* delivered \[' "$ALOG" | tail -n 1)
case $l in
20[0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z\ info\ 4003\ delivered\ \[*\]:\ *)
	ok 0 "a delivery in text: $l" ;;
*)	ok 1 "a delivery in text, not: $l" ;;
esac
if tail -n 1 "$ALOG" | jq -e . >/dev/null 2>&1; then
	ok 1 "text lines are not JSON"
else
	ok 0 "text lines are not JSON"
fi

# 3. syslog: x400d -t checks the key
cp "$CONF" "$WORK/sys.conf"
sed -i "s|^  log_file = .*|  log_syslog = \"local3\";|" "$WORK/sys.conf"
"$X400_BIN/x400d" -t -c "$WORK/sys.conf" >"$WORK/sys.out" 2>&1
ok $? "x400d -t takes log_syslog = \"local3\""
grep -q 'log_syslog = "local3"' "$WORK/sys.out"
ok $? "and prints it"
sed -i 's|log_syslog = "local3"|log_syslog = "locall3"|' "$WORK/sys.conf"
"$X400_BIN/x400d" -t -c "$WORK/sys.conf" >"$WORK/sys.out" 2>&1
is $? 1 "an unknown facility is refused"
grep -q 'log_syslog.*not a syslog facility' "$WORK/sys.out"
ok $? "naming the key: $(grep log_syslog "$WORK/sys.out" | head -n 1)"
cp "$CONF" "$WORK/both.conf"
sed -i 's|^  log_level = |  log_syslog = "mail"; log_level = |' "$WORK/both.conf"
"$X400_BIN/x400d" -t -c "$WORK/both.conf" >"$WORK/both.out" 2>&1
is $? 1 "log_syslog with log_file is refused"
grep -q 'log_file is set too' "$WORK/both.out"
ok $? "saying why"

kill -0 "$SITE_PID_a"
ok $? "x400d still runs"
stop a
ok $? "no sanitizer report"

done_testing
