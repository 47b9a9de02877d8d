#!/bin/sh
# preflight.sh - x400d -t checks this machine as well as the file (issue
#	16): users, directories, secrets and listen addresses, as the user
#	that will meet each of them; exit 1 when start-up would fail
#
# A configuration wrong in four ways is refused with a line for each; as
# root, one whose run user (nobody) cannot write the mailboxes or read
# the secrets gets a problem and two warnings; a site's own configuration
# passes, and passes again while that site runs (its address in use is a
# note: x400d -t is run beside the daemon before a reload).
set -u
. tests/support/sites.sh
sites_init preflight

D=$WORK/m
mkdir -p "$D"
conf() {	# conf USER QUEUE SECRETS LISTEN
	_u=""
	[ -z "$1" ] || _u="user = \"$1\";"
	cat >"$D/x400d.conf" <<EOF
global = {
  mta_name = "mta-a"; domain = "C=XX;A=ATLAS;P=SITEA";
  queue_dir = "$2"; log_file = "$D/x400d.log";
  $_u secrets_file = "$3"; allow_plaintext = true;
};
listen = { addresses = [ $4 ]; tsel = "x400"; };
links = ( { name = "ua"; direction = "inbound"; peer_mta = "ua";
    peer_password = "pw"; allow = [ "127.0.0.0/8" ]; } );
routing = { local_dir = "$D/mb"; local = [ "C=XX;A=ATLAS;P=SITEA" ];
    routes = (); };
EOF
}
t() { "$X400_BIN/x400d" -t -c "$D/x400d.conf" >"$WORK/t.out" 2>"$WORK/t.err"; }
has() { grep -q -- "$1" "$WORK/t.err"; }

# 1. four things start-up would fail on
conf no-such-user-x400 "$D/none/queue" "$D/none.secrets" \
    "\"192.0.2.7:$((PORT + 1))\""
t
is $? 1 "x400d -t exits 1"
has 'problem: global.user "no-such-user-x400" does not exist'
ok $? "it names the user that does not exist"
has "problem: listen 192.0.2.7 port $((PORT + 1)): cannot bind: .*not an address of this machine"
ok $? "an address not of this machine"
has "problem: global.queue_dir $D/none/queue: neither it nor its parent $D/none exists"
ok $? "a queue directory that cannot be made"
has "problem: global.secrets_file $D/none.secrets: No such file"
ok $? "a secrets file that is not there"
grep -q 'mta_name = "mta-a"' "$WORK/t.out"
ok $? "the effective configuration is still printed"

# 2. the run user cannot write the mailboxes nor read the secrets
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	echo "x" >"$D/secrets"
	chmod 0600 "$D/secrets"
	chmod 0755 "$D"
	conf nobody "$D/queue" "$D/secrets" "\"127.0.0.1:$((PORT + 2))\""
	t
	is $? 1 "as root with user nobody: exit 1"
	has "problem: routing.local_dir $D/mb does not exist, and nobody cannot create it in $D"
	ok $? "nobody cannot make the mailboxes"
	has "warning: global.secrets_file $D/secrets: nobody cannot read it, so a reload (SIGHUP)"
	ok $? "a reload could not read the secrets: a warning"
	has "warning: global.log_file $D/x400d.log: nobody cannot create files in $D"
	ok $? "logrotate then SIGHUP could not make a new log: a warning"
	mkdir -p "$D/mb" && chown nobody "$D/mb"
	t
	is $? 0 "the mailboxes given to nobody: exit 0 (warnings stay)"
	conf "" "$D/queue" "$D/secrets" "\"127.0.0.1:$((PORT + 2))\""
	t
	has "warning: started as root without global.user"
	ok $? "root without global.user: a warning"
else
	for i in 1 2 3 4 5 6; do
		tap_n=$((tap_n + 1)); echo "ok $tap_n # SKIP not root"
	done
fi

# 3. a site's own configuration, before and while it runs
A=C=XX\;A=ATLAS\;P=SITEA
SITE_MTA=mta-a SITE_ADDR=127.0.0.8
site a mta-a "$A" 127.0.0.8 $((PORT + 8)) \
    "$(link to-D mta-d 127.0.0.9 $((PORT + 9)) 1988-normal)" \
    "    { pattern = \"C=XX;A=DEAD\"; link = \"to-D\"; cost = 10; }"
"$X400_BIN/x400d" -t -c "$WORK/a/x400d.conf" >/dev/null 2>"$WORK/t.err"
is $? 0 "a site's configuration passes before it starts"
has problem
is $? 1 "with no problem line"
start_sites a
"$X400_BIN/x400d" -t -c "$WORK/a/x400d.conf" >/dev/null 2>"$WORK/t.err"
is $? 0 "and while the site runs"
has "note: listen 127.0.0.8 port $((PORT + 8)) is in use (x400d running?)"
ok $? "its address in use is a note"

done_testing
