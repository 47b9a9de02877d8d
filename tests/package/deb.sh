#!/bin/sh
# deb.sh - the Debian package as an operator meets it (issue 16, must-show 1)
#
# Builds the package (make deb), installs it with dpkg -i on this machine
# and checks what it made: the system user x400, the programs (not ASan),
# the configuration as a conffile, the unit, the logrotate file, the
# directories. x400d -t accepts the packaged configuration as it is.
# Then x400d is started with the ExecStart line read from the installed
# unit, the way systemd would start it as far as that goes without
# systemd: as the unit's User (setpriv), with no new privileges, only
# CAP_NET_BIND_SERVICE, the unit's umask, a clean environment, in /.
#
# What differs from production, on purpose (the edits are printed as
# comments when the test runs):
#   - the installed /etc/x400/x400d.conf is edited in place: listen moves
#     from 127.0.0.1 port 102 to 127.0.0.61 at a test port, and one link
#     (to-peer, a second MTA on 127.0.0.62) with one route is added, so
#     that a message is relayed; everything else stays as packaged;
#   - systemd's sandbox (ProtectSystem=strict, ProtectHome, PrivateTmp) is
#     not applied: instead the test checks that x400d, as x400, left no
#     file outside the unit's ReadWritePaths;
#   - systemd is not running: the unit is checked by systemd-analyze
#     verify, and logrotate's postrotate (systemctl kill -s HUP) does
#     nothing; the rotation itself runs after x400d stopped.
# Message 1, submitted with the packaged x400send as the local submitter
# "submit", is delivered into /var/lib/x400/mailboxes; message 2 is
# relayed through the packaged x400d to the second MTA (the packaged
# x400d again, run as root from the test's directory) and delivered
# there. x400q, run as x400 with its defaults, finds the queue empty;
# SIGHUP (the unit's ExecReload) reloads; SIGTERM stops with status 0.
# Finally dpkg --purge x400 removes the user, the files, the unit and the
# data.
#
# Needs root; otherwise every check is skipped. A user x400 that this
# package did not make stops the test: purging would delete it.
set -u
. tests/support/sites.sh
sites_init package
PORT=$((10000 + ($$ % 90) * 10))	# 10000..10899, below the ephemeral
					# range: this port + 1 and + 2
ADDR=127.0.0.61 PEER_ADDR=127.0.0.62
CONF=/etc/x400/x400d.conf
UNIT=/lib/systemd/system/x400.service
LOG=/var/log/x400/x400d.log
RW_DIRS="/var/spool/x400 /var/lib/x400 /var/log/x400"
pkg_pid=""
installed=0
X400_BIN=/usr/sbin	# sites.sh's start: the packaged x400d for the peer

cleanup() {
	if [ -n "$pkg_pid" ]; then
		kill "$pkg_pid" 2>/dev/null
		wait "$pkg_pid" 2>/dev/null
	fi
	sites_cleanup
	if [ $installed = 1 ]; then
		echo "# cleanup: dpkg --purge x400"
		dpkg --purge x400 >"$WORK/purge-cleanup.log" 2>&1
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# bail TEXT - a failure after which nothing else can run
bail() {
	ok 1 "$1"
	done_testing
	exit 1
}

# mode PATH - "owner:group mode"
mode() {
	stat -c '%U:%G %a' "$1" 2>/dev/null
}

if [ "$(id -u)" != 0 ]; then
	skip "the Debian package: build, install, run, purge" \
	    "needs root (dpkg -i)"
	done_testing
	exit 0
fi
if dpkg-query -W -f='${Status}' x400 2>/dev/null | grep -q 'installed'; then
	echo "# x400 is installed (an earlier run?): purged first"
	dpkg --purge x400 >"$WORK/purge-before.log" 2>&1
fi
if getent passwd x400 >/dev/null; then
	bail "no user x400 before the package is installed (one exists; purge would delete it)"
fi

# ---- build and install ------------------------------------------------
t0=$(date +%s)
if ! make deb >"$WORK/make-deb.log" 2>&1; then
	sed 's/^/# /' "$WORK/make-deb.log" | tail -n 30
	bail "make deb builds the package"
fi
deb=$(ls build/x400_*.deb 2>/dev/null | head -n 1)
ok "$([ -f "$deb" ] && echo 0 || echo 1)" \
    "make deb builds the package into build/ ($deb, $(($(date +%s) - t0))s)"
[ -f "$deb" ] || bail "a .deb to install"
is "$(ls build/deb-src/*.changes 2>/dev/null | wc -l | tr -d ' ')" 1 \
    "dpkg-buildpackage's other results stay in build/deb-src/"
is "$(ls .. | grep -c '^x400_.*\.\(deb\|changes\|buildinfo\)$')" 0 \
    "nothing written beside the source tree"

installed=1
check "dpkg -i installs it" dpkg -i "$deb"
dpkg-query -W -f='${Status}' x400 2>/dev/null | grep -q 'install ok installed' ||
    bail "the package is installed"

# ---- what the package made ------------------------------------------
pw=$(getent passwd x400)
uid=$(echo "$pw" | cut -d: -f3)
ok "$([ -n "$uid" ] && [ "$uid" -lt 1000 ] && echo 0 || echo 1)" \
    "the system user x400 exists (uid $uid)"
is "$(echo "$pw" | cut -d: -f6,7)" "/var/lib/x400:/usr/sbin/nologin" \
    "x400's home is /var/lib/x400, it has no shell"
is "$(id -gn x400 2>/dev/null)" x400 "its group is x400"

missing=""
for p in /usr/sbin/x400d /usr/sbin/x400q /usr/sbin/x400passwd \
    /usr/bin/x400send /usr/bin/x400ber /usr/bin/x400conf; do
	[ -x "$p" ] || missing="$missing $p"
done
is "$missing" "" "the programs are installed (x400d, x400q, x400passwd in sbin; the rest in bin)"
is "$(/usr/sbin/x400d --version)" "x400d $(cat VERSION)" \
    "the installed x400d says the version of VERSION"
is "$(dpkg-query -W -f='${Version}' x400)" "$(cat VERSION)" \
    "the package's version is VERSION's (debian/changelog)"
ldd /usr/sbin/x400d | grep -q 'libasan\|libubsan'
ok "$([ $? = 0 ] && echo 1 || echo 0)" "x400d is built without sanitizers"
conff=$(dpkg-query -W -f='${Conffiles}\n' x400 | awk 'NF { print $1 }' | sort | tr '\n' ' ')
is "$conff" "/etc/logrotate.d/x400 /etc/x400/x400d.conf " \
    "the conffiles: /etc/x400/x400d.conf and /etc/logrotate.d/x400"
cmp -s "$CONF" etc/x400d.conf
ok $? "/etc/x400/x400d.conf is etc/x400d.conf"
ok "$([ -f "$UNIT" ] && echo 0 || echo 1)" "the unit is $UNIT"
ok "$([ -L /etc/systemd/system/multi-user.target.wants/x400.service ] &&
    echo 0 || echo 1)" "the unit is enabled (multi-user.target.wants)"
if command -v systemd-analyze >/dev/null; then
	# verify runs man for each Documentation=man: page; before docs/man/
	# exists in the tree those pages are not there to find
	systemd-analyze verify "$UNIT" >"$WORK/verify.out" 2>&1
	rc=$? what="systemd-analyze verify accepts the unit"
	if [ -z "$(ls docs/man 2>/dev/null)" ]; then
		what="$what (but its man: links: no docs/man/ in this tree)"
		grep -v "Command 'man [^']*' failed" "$WORK/verify.out" \
		    >"$WORK/verify.rest"
		[ -s "$WORK/verify.rest" ] || rc=0
	fi
	ok $rc "$what"
	[ $rc = 0 ] || sed 's/^/# /' "$WORK/verify.out" | head -n 20
else
	skip "systemd-analyze verify accepts the unit" "no systemd-analyze"
fi
missing=""
for kv in "Type=simple" "User=x400" "Group=x400" \
    "ExecStart=/usr/sbin/x400d -c /etc/x400/x400d.conf" \
    "ExecReload=/bin/kill -HUP \$MAINPID" "NoNewPrivileges=yes" \
    "ProtectSystem=strict" "ProtectHome=yes" "PrivateTmp=yes" \
    "ReadWritePaths=$RW_DIRS" \
    "AmbientCapabilities=CAP_NET_BIND_SERVICE" \
    "CapabilityBoundingSet=CAP_NET_BIND_SERVICE"; do
	grep -qxF "$kv" "$UNIT" || missing="$missing [$kv]"
done
is "$missing" "" "the unit has the sandbox and the settings it needs"
is "$(mode /var/spool/x400) $(mode /var/lib/x400/mailboxes) $(mode /var/log/x400)" \
    "x400:x400 750 x400:x400 750 x400:adm 2750" \
    "postinst made the queue, mailbox and log directories for x400"
ok "$([ -f /etc/logrotate.d/x400 ] && echo 0 || echo 1)" \
    "the logrotate file is /etc/logrotate.d/x400"
ls /usr/share/doc/x400/operators-guide.md* /usr/share/doc/x400/config.md* \
    /usr/share/doc/x400/x400d.conf.example* >/dev/null 2>&1
ok $? "the documents are in /usr/share/doc/x400"
man=$(ls docs/man/*.[1-8] 2>/dev/null)
if [ -n "$man" ]; then
	missing=""
	for f in $man; do
		n=${f##*/}
		ls "/usr/share/man/man${n##*.}/$n"* >/dev/null 2>&1 ||
		    missing="$missing $n"
	done
	is "$missing" "" "the manual pages docs/man/* are in /usr/share/man"
else
	skip "the manual pages are in /usr/share/man" "no docs/man/ in this tree"
fi

# ---- the packaged configuration ----------------------------------------
check "x400d -t accepts the packaged configuration" \
    /usr/sbin/x400d -t -c "$CONF"
/usr/sbin/x400d -t -c "$CONF" >"$WORK/t.out" 2>&1
val() {
	sed -n "s/^ *$1 = \"\\(.*\\)\";.*/\\1/p" "$WORK/t.out" | head -n 1
}
DOM=$(val domain)
bad=""
for p in "$(dirname "$(val queue_dir)")" "$(val local_dir)" \
    "$(val pcap_dir)" "$(dirname "$(val log_file)")"; do
	case " $RW_DIRS " in
	*" $p "*|*" ${p%/*} "*) ;;
	*) bad="$bad $p(not in ReadWritePaths)" ;;
	esac
	[ "$(stat -c %U "$p" 2>/dev/null)" = x400 ] || bad="$bad $p(not x400's)"
done
is "$bad" "" "every directory the configuration names is x400's and in the unit's ReadWritePaths"

# ---- the test's edits -------------------------------------------------
cp "$CONF" "$WORK/x400d.conf.packaged"
SITE_MTA=$(val mta_name) SITE_ADDR=$ADDR
link to-peer mta-peer $PEER_ADDR $((PORT + 2)) 1988-normal \
    'allow_plaintext = true;' | sed '$ s/$/,/' >"$WORK/link.txt"
awk -v linkfile="$WORK/link.txt" -v addr="$ADDR" -v port=$((PORT + 1)) '
	/^  addresses = \[ "127\.0\.0\.1" \];/ {
		print "  addresses = [ \"" addr "\" ];"; next }
	/^  port = 102;/ { print "  port = " port ";"; next }
	{ print }
	/^links = \($/ { while ((getline l < linkfile) > 0) print l }
	/^  routes = \($/ {
		print "    { pattern = \"C=XX;A=EXAMPLE;P=PEER\"; link = \"to-peer\"; cost = 10; }" }
' "$WORK/x400d.conf.packaged" >"$CONF"
echo "# the test's edits of $CONF:"
diff "$WORK/x400d.conf.packaged" "$CONF" | sed 's/^/#   /'
is "$(diff "$WORK/x400d.conf.packaged" "$CONF" | grep -c '^<')" 2 \
    "the test changes listen's two lines only (and adds a link and a route)"
check "x400d -t accepts the edited configuration" /usr/sbin/x400d -t -c "$CONF"

# The second MTA: the packaged x400d as well, as root, in $WORK/peer.
SITE_MTA=mta-peer SITE_ADDR=$PEER_ADDR
site peer mta-peer "C=XX;A=EXAMPLE;P=PEER" $PEER_ADDR $((PORT + 2)) \
    "$(link to-mta "$(val mta_name)" $ADDR $((PORT + 1)) 1988-normal)" ""
start_sites peer

# ---- x400d as the unit starts it ----------------------------------------
execstart=$(sed -n 's/^ExecStart=//p' "$UNIT")
user=$(sed -n 's/^User=//p' "$UNIT")
group=$(sed -n 's/^Group=//p' "$UNIT")
umask=$(sed -n 's/^UMask=//p' "$UNIT")
echo "# ExecStart from the unit: $execstart (as $user:$group, umask ${umask:-0022})"
mkdir -p "$WORK/pkg"
(
	cd / && umask "${umask:-0022}" &&
	exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
	    setpriv --reuid="$user" --regid="$group" --init-groups \
	    --no-new-privs --inh-caps=-all,+net_bind_service \
	    --ambient-caps=+net_bind_service \
	    --bounding-set=-all,+net_bind_service -- $execstart
) 2>>"$WORK/pkg/stderr" &
pkg_pid=$!
if ! wait_until 30 grep -q '"conn-listen"' "$LOG"; then
	sed 's/^/# /' "$WORK/pkg/stderr" | tail -n 20
	bail "x400d started with the unit's command line listens"
fi
ok 0 "x400d started with the unit's command line listens"
st=/proc/$pkg_pid/status
is "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "$st")" "$uid $uid $uid $uid" \
    "it runs as x400 (real, effective, saved, fs uid)"
is "$(awk '/^CapEff:/ { print $2 }' "$st") $(awk '/^NoNewPrivs:/ { print $2 }' "$st")" \
    "0000000000000400 1" \
    "with CAP_NET_BIND_SERVICE only, and no new privileges"

# ---- mail ----------------------------------------------------------------
/usr/bin/x400send -q -a "$ADDR:$((PORT + 1))" -n submit -g "$DOM" \
    -f "$DOM;S=Operator" -r "$DOM;S=Postmaster" -s "package test" \
    -b "delivered here" >"$WORK/send1.out" 2>&1
ok $? "x400send submits a message for our domain as \"submit\", no password"
wait_files /var/lib/x400/mailboxes 1 30
f=$(find /var/lib/x400/mailboxes -name '*.txt' | head -n 1)
grep -q "package test" "$f" 2>/dev/null
ok $? "it is delivered into /var/lib/x400/mailboxes"
is "$(stat -c '%U %a' "$f" 2>/dev/null)" "x400 640" \
    "the mailbox file is x400's, mode 640"

/usr/bin/x400send -q -a "$ADDR:$((PORT + 1))" -n submit -g "$DOM" \
    -f "$DOM;S=Operator" -r "C=XX;A=EXAMPLE;P=PEER;S=Jones" -s "relayed" \
    -b "through the packaged MTA" >"$WORK/send2.out" 2>&1
ok $? "x400send submits a message for the peer's domain"
wait_files "$WORK/peer/mailboxes" 1 30
f=$(find "$WORK/peer/mailboxes" -name '*.txt' | head -n 1)
grep -q "^Trace: $DOM\$" "$f" 2>/dev/null
ok $? "x400d relays it to the peer, which delivers it (trace: $DOM)"

queue_empty() {
	[ "$(runuser -u x400 -- /usr/sbin/x400q -j list | jq length)" = 0 ]
}
wait_until 15 queue_empty
ok $? "x400q, as x400 with its defaults, finds the queue empty"

kill -HUP "$pkg_pid"
wait_until 10 grep -q '"config-reloaded"' "$LOG"
ok $? "SIGHUP (the unit's ExecReload) reloads the configuration"

stray=$(find /etc /usr /var /tmp /var/tmp /dev/shm /run -xdev -user x400 \
    2>/dev/null | grep -v '^/var/spool/x400\(/\|$\)\|^/var/lib/x400\(/\|$\)\|^/var/log/x400\(/\|$\)' |
    head -n 5 | tr '\n' ' ')
is "$stray" "" "x400d wrote nothing outside ReadWritePaths"

kill "$pkg_pid"
wait "$pkg_pid"
is $? 0 "SIGTERM stops it, exit status 0"
pkg_pid=""
grep -q '"daemon-stop"' "$LOG"
ok $? "it logged its stop into $LOG"
cp "$LOG" "$WORK/x400d.log"

if command -v logrotate >/dev/null; then
	check "logrotate -f rotates with /etc/logrotate.d/x400" \
	    logrotate -f -s "$WORK/logrotate.state" /etc/logrotate.d/x400
	is "$([ -s $LOG.1 ] && echo rotated) $(mode $LOG)" "rotated x400:adm 640" \
	    "x400d.log.1 holds the old log; a new x400d.log is x400's"
else
	skip "logrotate rotates the log" "no logrotate"
fi
stop peer

# ---- purge ----------------------------------------------------------------
check "dpkg --purge x400" dpkg --purge x400
installed=0
left=""
getent passwd x400 >/dev/null && left="$left user"
getent group x400 >/dev/null && left="$left group"
for p in /etc/x400 /var/spool/x400 /var/lib/x400 /var/log/x400 "$UNIT" \
    /etc/systemd/system/multi-user.target.wants/x400.service \
    /etc/logrotate.d/x400 /usr/sbin/x400d /usr/bin/x400send \
    /usr/share/doc/x400; do
	[ -e "$p" ] || [ -L "$p" ] && left="$left $p"
done
is "$left" "" "purge leaves no user, group, configuration, data, unit or program"
dpkg-query -W -f='${Status}' x400 2>/dev/null | grep -q 'installed'
ok "$([ $? = 0 ] && echo 1 || echo 0)" "dpkg knows x400 no more"

done_testing
