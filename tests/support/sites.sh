# sites.sh - x400d sites on loopback for integration tests (sourced)
#
# SYNOPSIS
#	. tests/support/sites.sh
#	sites_init NAME          a work directory $WORK and a port base $PORT
#	link NAME PEER ADDR PORT MODE [EXTRA]   one link's text
#	site S MTA DOMAIN ADDRS PORT LINKS ROUTES [GLOBAL]   S's config
#	root_ok                  "allow_root = true;" when run as root
#	start S [PRELOAD]; stop S; hup S   the daemon of site S
#	start_sites S...         start them all (a TAP line; ends on failure)
#	send S ARGS...           x400send to site S as its user agent "ua"
#	wait_files DIR N SECS    until DIR holds N *.txt files (else fail)
#	count_files DIR          how many *.txt files DIR holds
#	events S EVENT [LINK]    lines of S's log with that event (and link)
#	events_with S EVENT TEXT those lines whose text holds TEXT
#	event_texts S EVENT [LINK]   the text of each (jq)
#	wait_until SECS CMD...   until CMD succeeds (else fail)
#	preload_asan LIB         an LD_PRELOAD value for an ASan x400d
#	ok STATUS TEXT / is A B TEXT / check TEXT CMD... / skip TEXT WHY
#	done_testing             "1..N"; fails if a test or a site's daemon did
#
# DESCRIPTION
#	Test support only. Programs come from $X400_BIN (make check sets
#	it to the ASan build), else build/bin. Each site S lives in
#	$WORK/S: x400d.conf, its queue, mailboxes, x400d.log (the JSON
#	events) and stderr. Every daemon started is stopped on exit.
#
#	site writes a configuration: MTA name, global domain, the listen
#	addresses (ADDRS, one or more separated by blanks, "[::1]" for
#	IPv6; the first is the one send calls), LINKS (link texts, from
#	link or written by the test), ROUTES (routing.routes entries) and
#	GLOBAL (more global settings). It adds the inbound link "ua"
#	(password pw-ua, from any loopback address) through which send
#	submits. Run as root (as CI is), a site says allow_root = true
#	(root_ok): x400d refuses root without global.user otherwise; a
#	GLOBAL with user = "..." still gives root up.
#
#	start waits until S listens, and fails at once if x400d exits
#	(the reason on stderr is shown). PRELOAD, when given, is put in
#	LD_PRELOAD (preload_asan LIB makes one that keeps the ASan runtime
#	first). stop sends SIGTERM, waits, and fails when S's stderr holds
#	a sanitizer report; done_testing looks at every site's stderr once
#	more, after sites_cleanup stopped them all.
#
#	ok takes a status (0: ok); check runs a command and shows its
#	output as TAP comments when it fails. The helpers' own variables
#	begin with _ (sourced shell functions share the test's names).

X400_BIN=${X400_BIN:-$(pwd)/build/bin}
tap_n=0
tap_fail=0
site_pids=""

ok() {
	tap_n=$((tap_n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_fail=$((tap_fail + 1))
	fi
}

is() {
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3 (got '$1', want '$2')"
	fi
}

# check TEXT CMD... - ok when CMD succeeds; else its output as comments
check() {
	_ck_text=$1
	shift
	if "$@" >"$WORK/check.out" 2>&1; then
		ok 0 "$_ck_text"
	else
		ok 1 "$_ck_text"
		sed 's/^/# /' "$WORK/check.out" | head -n 30
	fi
}

# skip TEXT WHY - a test that cannot run here
skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

# sanitizer_report FILE - show FILE's sanitizer report, if any; 1 then
sanitizer_report() {
	grep -q "ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:" \
	    "$1" 2>/dev/null || return 0
	echo "# $1:"
	sed 's/^/#   /' "$1" | head -n 40
	return 1
}

# sanitizer_reports - every site's sanitizer reports, shown; 1 if any
sanitizer_reports() {
	_sr=0
	for _f in "$WORK"/*/stderr; do
		sanitizer_report "$_f" || _sr=1
	done
	return $_sr
}

done_testing() {
	sites_cleanup
	if [ -n "${WORK:-}" ]; then	# a test that ran sites
		sanitizer_reports
		ok $? "no sanitizer report from any x400d"
	fi
	echo "1..$tap_n"
	[ "$tap_fail" -eq 0 ]
}

sites_cleanup() {
	for _p in $site_pids; do kill "$_p" 2>/dev/null || true; done
	for _p in $site_pids; do wait "$_p" 2>/dev/null || true; done
	site_pids=""
}
trap sites_cleanup EXIT INT TERM

# sites_init NAME - work directory, and a port base of 10 ports from pid,
#	20000 to 32699: below Linux's ephemeral range (32768 up), where a
#	connection's own port could already hold the one a site listens on
#	(srcaddr_kb.sh once met "address already in use" at 38617 so)
sites_init() {
	WORK=$(pwd)/build/itest/$1
	rm -rf "$WORK"
	mkdir -p "$WORK"
	PORT=$((20000 + ($$ % 1270) * 10))
}

# link NAME PEER ADDR PORT MODE [EXTRA] - the text of one link; the peer's
#	password is pw-PEER, ours pw-$SITE_MTA
link() {
	cat <<EOF
  { name = "$1"; peer_mta = "$2"; peer_password = "pw-$2";
    our_password = "pw-$SITE_MTA";
    addresses = ( { host = "$3"; port = $4; tsel = "x400"; } );
    mode = "$5"; checkpoint = 8;
    source_address = "$SITE_ADDR"; allow = [ "$3" ];
    open_interval = "1s"; transfer_interval = "1s"; idle_timeout = "2s";
    ${6:-} }
EOF
}

# root_ok - the global setting that lets a test's x400d run as root: only
#	when the test runs as root (x400d refuses it otherwise)
root_ok() {
	[ "$(id -u)" != 0 ] || echo "allow_root = true;"
}

# site S MTA DOMAIN ADDRS PORT LINKS ROUTES [GLOBAL] - write S's config;
#	set SITE_MTA and SITE_ADDR before calling link for it
site() {
	_d=$WORK/$1
	mkdir -p "$_d"
	_listen=""
	for _a in $4; do
		_listen="$_listen${_listen:+, }\"$_a:$5\""
	done
	cat >"$_d/x400d.conf" <<EOF
global = {
  mta_name = "$2";
  domain = "$3";
  queue_dir = "$_d/queue";
  log_file = "$_d/x400d.log";
  log_level = "info";
  sync = "nosync";
  allow_plaintext = true;
  $(root_ok)
  ${8:-}
};
listen = { addresses = [ $_listen ]; tsel = "x400"; };
links = (
$6,
  { name = "ua"; direction = "inbound"; peer_mta = "ua";
    peer_password = "pw-ua"; allow = [ "127.0.0.0/8", "::1" ]; }
);
routing = {
  local_dir = "$_d/mailboxes";
  local = [ "$3" ];
  routes = (
$7
  );
};
EOF
	_first=${4%% *}
	eval "SITE_PORT_$1=\$5 SITE_ADDRESS_$1=\$_first SITE_DOMAIN_$1=\$3"
}

# start S [PRELOAD] - run S's daemon, wait until it listens
start() {
	_d=$WORK/$1
	if [ -n "${2:-}" ]; then
		LD_PRELOAD=$2 "$X400_BIN/x400d" -c "$_d/x400d.conf" \
		    2>>"$_d/stderr" &
	else
		"$X400_BIN/x400d" -c "$_d/x400d.conf" 2>>"$_d/stderr" &
	fi
	_pid=$!
	eval "SITE_PID_$1=$_pid"
	site_pids="$site_pids $_pid"
	_i=0
	until grep -q '"conn-listen"' "$_d/x400d.log" 2>/dev/null; do
		_i=$((_i + 1))
		if [ $_i -ge 300 ] || ! kill -0 "$_pid" 2>/dev/null; then
			echo "# site $1 did not start:"
			sed 's/^/#   /' "$_d/stderr" | tail -n 20
			return 1
		fi
		sleep 0.1
	done
}

# start_sites S... - start every site; one TAP line; end the test if
#	one does not start
start_sites() {
	for _ss in "$@"; do
		if ! start "$_ss"; then
			ok 1 "sites $* started"
			done_testing
			exit 1
		fi
	done
	ok 0 "sites $* started"
}

# stop S - SIGTERM, wait; 1 if S reported a sanitizer error
stop() {
	eval "_p=\${SITE_PID_$1:-}"
	[ -n "$_p" ] || return 0
	kill "$_p" 2>/dev/null || true
	wait "$_p" 2>/dev/null || true
	eval "SITE_PID_$1="
	: >"$WORK/$1/x400d.log.mark"
	sanitizer_report "$WORK/$1/stderr"
}

# next_phase S... - a test that restarts its sites with other settings:
#	each site's log so far kept as phaseN.log, its mailboxes and queue
#	emptied, so that counts start again from nothing
next_phase() {
	_ph=$((${_ph:-0} + 1))
	for _s in "$@"; do
		[ -f "$WORK/$_s/x400d.log" ] &&
		    mv "$WORK/$_s/x400d.log" "$WORK/$_s/phase$_ph.log"
		rm -rf "$WORK/$_s/mailboxes" "$WORK/$_s/queue"
	done
}

hup() {
	eval "_p=\$SITE_PID_$1"
	kill -HUP "$_p"
}

# send S ARGS... - x400send to site S, from its user Smith
send() {
	_s=$1
	shift
	eval "_port=\$SITE_PORT_$_s _addr=\$SITE_ADDRESS_$_s _dom=\$SITE_DOMAIN_$_s"
	"$X400_BIN/x400send" -q -a "$_addr:$_port" -n ua -w pw-ua -g "$_dom" \
	    -f "$_dom;S=Smith" "$@"
}

# wait_files DIR N SECS - until DIR (recursively) holds N .txt files
wait_files() {
	_i=0
	while [ "$(find "$1" -name '*.txt' 2>/dev/null | wc -l)" -lt "$2" ]; do
		_i=$((_i + 1))
		[ $_i -le $(($3 * 10)) ] || return 1
		sleep 0.1
	done
	return 0
}

# count_files DIR - .txt files under DIR
count_files() {
	find "$1" -name '*.txt' 2>/dev/null | wc -l | tr -d ' '
}

# events S EVENT [LINK] - how many lines of S's log have that event number
#	(and name that link)
events() {
	if [ $# -ge 3 ]; then
		grep -F "\"event\":$2," "$WORK/$1/x400d.log" 2>/dev/null |
		    grep -cF "\"link\":\"$3\""
	else
		grep -cF "\"event\":$2," "$WORK/$1/x400d.log" 2>/dev/null
	fi
}

# events_with S EVENT TEXT - those lines whose text holds TEXT (fixed)
events_with() {
	grep -F "\"event\":$2," "$WORK/$1/x400d.log" 2>/dev/null |
	    grep -cF -- "$3"
}

# event_texts S EVENT [LINK] - the text ("msg") of each such line
event_texts() {
	jq -r --argjson ev "$2" --arg link "${3:-}" \
	    'select(.event == $ev and ($link == "" or .link == $link)) | .msg' \
	    "$WORK/$1/x400d.log" 2>/dev/null
}

# wait_until SECS CMD... - until CMD succeeds; 1 if it never did
wait_until() {
	_wu_limit=$(($1 * 10))
	shift
	_wu_i=0
	until "$@" >/dev/null 2>&1; do
		_wu_i=$((_wu_i + 1))
		[ $_wu_i -ge $_wu_limit ] && return 1
		sleep 0.1
	done
	return 0
}

# preload_asan LIB - LD_PRELOAD value: x400d's ASan runtime, then LIB
#	(ASan must come first in the library list)
preload_asan() {
	_rt=$(ldd "$X400_BIN/x400d" 2>/dev/null | awk '/libasan/ { print $3 }')
	echo "${_rt:+$_rt }$1"
}
