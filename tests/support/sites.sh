# sites.sh - x400d sites on loopback for integration tests (sourced)
#
# Test support only. A test sources it, then:
#
#	sites_init NAME          a work directory and a port range
#	link NAME PEER ADDR PORT MODE [EXTRA]   one link's text
#	site S MTA DOMAIN ADDR PORT LINKS ROUTES [GLOBAL]
#	start S; stop S; hup S   the daemon of site S
#	send S ARGS...           x400send to site S as its user agent "ua"
#	wait_files DIR N SECS    until DIR holds N *.txt files (else fail)
#	ok COND TEXT / is A B TEXT / done_testing   TAP
#
# Programs come from $X400_BIN (make check sets it to the ASan build),
# else build/bin. Every daemon started is stopped on exit.

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

done_testing() {
	echo "1..$tap_n"
	[ "$tap_fail" -eq 0 ]
}

sites_cleanup() {
	for p in $site_pids; do kill "$p" 2>/dev/null || true; done
	for p in $site_pids; do wait "$p" 2>/dev/null || true; done
	site_pids=""
}
trap sites_cleanup EXIT INT TERM

# sites_init NAME - work directory, and a port base of 10 ports from pid
sites_init() {
	WORK=$(pwd)/build/itest/$1
	rm -rf "$WORK"
	mkdir -p "$WORK"
	PORT=$((20000 + ($$ % 2000) * 10))
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

# site S MTA DOMAIN ADDR PORT LINKS ROUTES [GLOBAL] - write S's config;
#	set SITE_MTA and SITE_ADDR before calling link for it
site() {
	d=$WORK/$1
	mkdir -p "$d"
	cat >"$d/x400d.conf" <<EOF
global = {
  mta_name = "$2";
  domain = "$3";
  queue_dir = "$d/queue";
  log_file = "$d/x400d.log";
  log_level = "info";
  sync = "nosync";
  allow_plaintext = true;
  ${8:-}
};
listen = { addresses = [ "$4:$5" ]; tsel = "x400"; };
links = (
$6,
  { name = "ua"; direction = "inbound"; peer_mta = "ua";
    peer_password = "pw-ua"; allow = [ "127.0.0.0/8" ]; }
);
routing = {
  local_dir = "$d/mailboxes";
  local = [ "$3" ];
  routes = (
$7
  );
};
EOF
	eval "SITE_PORT_$1=$5 SITE_ADDRESS_$1=$4 SITE_DOMAIN_$1='$3'"
}

# start S - run S's daemon, wait until it listens
start() {
	d=$WORK/$1
	"$X400_BIN/x400d" -c "$d/x400d.conf" 2>>"$d/stderr" &
	eval "SITE_PID_$1=$!"
	site_pids="$site_pids $!"
	i=0
	until grep -q '"conn-listen"' "$d/x400d.log" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "# site $1 did not start"; cat "$d/stderr"; return 1; }
		sleep 0.1
	done
}

stop() {
	eval "p=\$SITE_PID_$1"
	kill "$p" 2>/dev/null || true
	wait "$p" 2>/dev/null || true
	: >"$WORK/$1/x400d.log.mark"
}

hup() {
	eval "p=\$SITE_PID_$1"
	kill -HUP "$p"
}

# send S ARGS... - x400send to site S, from its user Smith
send() {
	s=$1
	shift
	eval "port=\$SITE_PORT_$s addr=\$SITE_ADDRESS_$s dom=\$SITE_DOMAIN_$s"
	"$X400_BIN/x400send" -q -a "$addr:$port" -n ua -w pw-ua -g "$dom" \
	    -f "$dom;S=Smith" "$@"
}

# wait_files DIR N SECS - until DIR (recursively) holds N .txt files
wait_files() {
	i=0
	while [ "$(find "$1" -name '*.txt' 2>/dev/null | wc -l)" -lt "$2" ]; do
		i=$((i + 1))
		[ $i -le $(($3 * 10)) ] || return 1
		sleep 0.1
	done
	return 0
}

# count_files DIR - .txt files under DIR
count_files() {
	find "$1" -name '*.txt' 2>/dev/null | wc -l | tr -d ' '
}
