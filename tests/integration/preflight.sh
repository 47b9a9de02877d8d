#!/bin/sh
# preflight.sh - x400d -t checks this machine as well as the file (issue
#	16): users, directories, secrets and listen addresses, as the user
#	that will meet each of them; exit 1 when start-up would fail
#
# A configuration wrong in four ways is refused with a line for each; as
# root, one whose run user (nobody) cannot write the mailboxes or read
# the secrets gets a problem and two warnings (mailboxes not made yet are
# no problem: root makes them for nobody), root without global.user is a
# problem, a note with allow_root = true; a site's own configuration
# passes, and passes again while that site runs (its address in use is a
# note: x400d -t is run beside the daemon before a reload).
#
# x400d -n (--non-default, like postconf -n) prints only what differs
# from the defaults: a file with a few such keys gets those and the keys
# that have no default, not the keys left alone nor a link's key equal to
# what it takes from global; the shipped etc/x400d.conf gets exactly the
# keys it sets otherwise; passwords stay hidden; a file that does not
# load exits 1 with -t's messages, and the machine is not checked.
set -u
. tests/support/sites.sh
sites_init preflight

D=$WORK/m
mkdir -p "$D"
conf() {	# conf USER QUEUE SECRETS LISTEN [GLOBAL]
	_u="${5:-}"
	[ -z "$1" ] || _u="$_u user = \"$1\";"
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
	mkdir -p "$D/mb" && chmod 0755 "$D/mb"
	t
	is $? 1 "as root with user nobody: exit 1"
	has "problem: routing.local_dir $D/mb: nobody (uid $(id -u nobody)) cannot write there"
	ok $? "nobody cannot write root's mailboxes"
	has "warning: global.secrets_file $D/secrets: nobody cannot read it, so a reload (SIGHUP)"
	ok $? "a reload could not read the secrets: a warning"
	has "warning: global.log_file $D/x400d.log: nobody cannot create files in $D"
	ok $? "logrotate then SIGHUP could not make a new log: a warning"
	chown nobody "$D/mb"
	t
	is $? 0 "the mailboxes given to nobody: exit 0 (warnings stay)"
	rm -rf "$D/mb"
	t
	is $? 0 "mailboxes not made yet: root makes them for nobody, exit 0"
	conf "" "$D/queue" "$D/secrets" "\"127.0.0.1:$((PORT + 2))\""
	t
	is $? 1 "root without global.user: exit 1"
	has "problem: started as root without global.user: x400d will not start; set global.user, or allow_root = true"
	ok $? "root without global.user: a problem naming both fixes"
	conf "" "$D/queue" "$D/secrets" "\"127.0.0.1:$((PORT + 2))\"" \
	    "allow_root = true;"
	t
	is "$?:$(grep -c 'problem\|warning: started' "$WORK/t.err")" 0:0 \
	    "with allow_root = true: exit 0, neither problem nor warning"
	has "note: started as root without global.user, x400d runs as root (global.allow_root = true)"
	ok $? "but a note"
else
	for i in 1 2 3 4 5 6 7 8 9 10; do
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

# 4. x400d -n: only what differs from the defaults
n() { "$X400_BIN/x400d" "$@" >"$WORK/n.out" 2>"$WORK/n.err"; }
out() { grep -q -- "$1" "$WORK/n.out"; }
keys() { sed -n 's/^ *\([a-z_0-9]*\) = .*/\1/p' "$WORK/n.out" | tr '\n' ' '; }
cat >"$D/n.conf" <<EOF
global = {
  mta_name = "mta-a"; domain = "C=XX;A=ATLAS;P=SITEA";
  queue_dir = "$D/nq"; password = "global-secret";
  log_level = "info"; sync = "full";
  limits = { max_message_size = "32M"; };
};
listen = { addresses = [ "127.0.0.70:$((PORT + 3))" ]; };
links = (
  { name = "to-b"; peer_mta = "mta-b"; peer_password = "";
    our_password = "link-secret-xyz"; checkpoint = 8; size_limit = "32M";
    addresses = ( { host = "127.0.0.71"; port = $((PORT + 4)); } ); }
);
routing = { routes = ( { pattern = "C=XX;A=B"; link = "to-b"; } ); };
EOF
n --non-default -c "$D/n.conf"
is "$?:$(wc -c <"$WORK/n.err")" "0:0" "x400d --non-default: exit 0, nothing on standard error"
out '^    checkpoint = 8;$' && out '^    max_message_size = "32M";$'
ok $? "a link's checkpoint = 8 and global.limits.max_message_size = 32M are printed"
is "$(keys)" "global mta_name domain queue_dir password limits max_message_size listen addresses links name peer_mta peer_password our_password addresses checkpoint routing routes " \
    "only the keys that differ, and those without a default, in -t's groups"
! out 'sync =' && ! out 'log_level =' && ! out 'transfer_retries =' && ! out 'window ='
ok $? "keys left at or set to their default (sync, log_level, a link's transfer_retries, window) are not"
! out 'size_limit ='
ok $? "a link's size_limit equal to global max_message_size (its default) is not"
out '^    name = "to-b";' && out '^  mta_name = "mta-a";$' && out '^    peer_mta = "mta-b";$'
ok $? "mandatory keys are printed: mta_name, a link's name and peer_mta"
! grep -q 'secret' "$WORK/n.out" && out '^    our_password = "(hidden, 15 octets)";$'
ok $? "passwords are hidden, not printed in clear"
"$X400_BIN/x400d" -t -c "$D/n.conf" 2>/dev/null | grep -q '^  sync = "full";$'
ok $? "(while -t prints the default sync)"

n -n -c etc/x400d.conf
is "$?:$(keys)" "0:global mta_name domain queue_dir log_file user pcap_dir listen addresses tsel links name direction peer_mta peer_password allow routing local_dir local routes " \
    "x400d -n on the shipped etc/x400d.conf: only the keys it sets otherwise"

sed 's/checkpoint = 8;/checkpoint = 70000;/' "$D/n.conf" >"$D/bad.conf"
n -n -c "$D/bad.conf"
st=$?
"$X400_BIN/x400d" -t -c "$D/bad.conf" >/dev/null 2>"$WORK/t.err"
is "$st:$(wc -c <"$WORK/n.out")" "1:0" "x400d -n on a file that does not load: exit 1, nothing on standard output"
grep -q checkpoint "$WORK/n.err" && cmp -s "$WORK/n.err" "$WORK/t.err"
ok $? "... and the messages of x400d -t"
conf no-such-user-x400 "$D/none/queue" "$D/none.secrets" \
    "\"192.0.2.7:$((PORT + 1))\""
n -n -c "$D/x400d.conf"
is "$?" 0 "x400d -n does not check the machine (no such user, queue, address)"
n -t -n -c "$D/n.conf"
is "$?" 2 "-t with -n: a usage error"

# a link's tls_ca that is not a CA file: -t says what start-up says
conf "" "$D/caq" "$D/ca.secrets" "\"127.0.0.1:$((PORT + 3))\"" "$(root_ok)"
: >"$D/ca.secrets"
sed 's|peer_password = "pw"; allow|peer_password = "pw"; tls = "required"; tls_ca = "'"$D"'/x400d.conf"; tls_name = "ua.example"; allow|' \
    "$D/x400d.conf" >"$D/ca.conf"
"$X400_BIN/x400d" -t -c "$D/ca.conf" >/dev/null 2>"$WORK/t.err"
is "$?:$(grep -c problem "$WORK/t.err")" "1:1" "x400d -t: a link's tls_ca that holds no certificate is the one problem"
"$X400_BIN/x400d" -c "$D/ca.conf" >/dev/null 2>"$WORK/start.err"
is $? 1 "... and x400d does not start with it"
m=$(sed -n 's/^x400d -t: problem: TLS: //p' "$WORK/t.err")
is "$(cat "$WORK/start.err")" "x400d: TLS: $m" "x400d -t reads the tls_ca as start-up does, with the same message"

done_testing
