# mtatest.sh - shell helpers for integration tests that run x400d
#
# SYNOPSIS
#	. tests/support/mtatest.sh
#	mt_init srcaddr			# temp dir $T, trap, TAP counter
#	conf_b() { cat >"$T/b.conf" <<EOF ... port $1 ... EOF; }
#	mt_start b conf_b		# x400d -c $T/b.conf; port in $PORT_b
#	mt_start a conf_a "$LD_PRELOAD_VALUE"
#	mt_send a -n ua -w pw ...	# x400send to a's port
#	mt_wait 10 mt_count "$T/b.log" 3100 from-A -ge 1
#	ok "B got it" [ "$(mt_count "$T/b.log" 3100 from-A)" -eq 1 ]
#	mt_stop a
#
# DESCRIPTION
#	Test support only. The helpers' own variables begin with _ or MT_
#	(shell functions share one namespace with the test). Each x400d runs in the foreground as a child of
#	the test, logging JSON lines to $T/NAME.log; mt_init's trap kills
#	every one of them (by process id) and removes $T, however the test
#	ends. Ports: listen addresses must name a port, so mt_start tries
#	ports derived from the test's process id and, when x400d cannot
#	listen there (another test has it), the next ones.
#
#	The configuration function gets the port to listen on as $1 and
#	writes $T/NAME.conf; it may refer to ports of MTAs started before
#	($PORT_b ...). mt_start waits until x400d printed its ports (-p).
#
#	Events are counted with mt_count FILE EVENT [LINK]: the lines of
#	the log with that event number (and that link). mt_grep FILE EVENT
#	TEXT counts those whose text contains TEXT (fixed string).
#
#	MT_KEEP=1 in the environment keeps $T for a post-mortem.
#
#	Programs: $X400_BIN (the ASan build under make check).
#	mt_preload_asan prints the LD_PRELOAD value that puts the ASan
#	runtime the x400d binary uses first, then the given library: a
#	shim can then be preloaded into the ASan x400d.
set -u
: "${X400_BIN:?}"

# mt_init NAME - the temporary directory $T, the cleanup trap, TAP count
mt_init() {
	T=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
	MT_PIDS=""
	MT_N=0
	MT_PORT_NEXT=$((20000 + ($$ % 4000) * 10))
	trap 'mt_cleanup' EXIT
	trap 'exit 1' INT TERM
}

mt_cleanup() {
	for _p in $MT_PIDS; do
		kill -9 "$_p" 2>/dev/null
	done
	for _p in $MT_PIDS; do
		wait "$_p" 2>/dev/null
	done
	if [ -n "${MT_KEEP:-}" ]; then
		echo "# kept $T" >&2
	else
		rm -rf "$T"
	fi
}

# ok DESCRIPTION CMD... - one TAP line: ok when CMD succeeds
ok() {
	_ok_d=$1
	shift
	MT_N=$((MT_N + 1))
	if "$@" >"$T/ok.out" 2>&1; then
		echo "ok $MT_N - $_ok_d"
	else
		echo "not ok $MT_N - $_ok_d"
		sed 's/^/# /' "$T/ok.out" | head -n 30
	fi
}

# skip DESCRIPTION REASON - one TAP line, skipped
skip() {
	MT_N=$((MT_N + 1))
	echo "ok $MT_N - $1 # SKIP $2"
}

# mt_start NAME CONFFN [PRELOAD] - start x400d NAME; $PORT_NAME, $PID_NAME
mt_start() {
	_ms_name=$1
	_ms_fn=$2
	_ms_pre=${3:-}
	_ms_tries=0
	while [ $_ms_tries -lt 20 ]; do
		_ms_tries=$((_ms_tries + 1))
		_ms_port=$MT_PORT_NEXT
		MT_PORT_NEXT=$((MT_PORT_NEXT + 1))
		[ $MT_PORT_NEXT -gt 60000 ] && MT_PORT_NEXT=20000
		"$_ms_fn" "$_ms_port" || return 1
		: >"$T/$_ms_name.port"
		if [ -n "$_ms_pre" ]; then
			LD_PRELOAD=$_ms_pre ASAN_OPTIONS=${ASAN_OPTIONS:-} \
			    "$X400_BIN/x400d" -p -c "$T/$_ms_name.conf" \
			    >"$T/$_ms_name.port" 2>"$T/$_ms_name.err" &
		else
			"$X400_BIN/x400d" -p -c "$T/$_ms_name.conf" \
			    >"$T/$_ms_name.port" 2>"$T/$_ms_name.err" &
		fi
		_ms_pid=$!
		MT_PIDS="$MT_PIDS $_ms_pid"
		_ms_i=0
		while [ $_ms_i -lt 400 ]; do
			[ -s "$T/$_ms_name.port" ] && break
			kill -0 "$_ms_pid" 2>/dev/null || break
			sleep 0.025
			_ms_i=$((_ms_i + 1))
		done
		if [ -s "$T/$_ms_name.port" ]; then
			eval "PORT_$_ms_name=$_ms_port PID_$_ms_name=$_ms_pid"
			return 0
		fi
		wait "$_ms_pid" 2>/dev/null
		if ! grep -q "cannot listen" "$T/$_ms_name.err"; then
			echo "# x400d $_ms_name did not start:"
			sed 's/^/#   /' "$T/$_ms_name.err" | head -n 20
			return 1
		fi
	done
	echo "# x400d $_ms_name: no free port"
	return 1
}

# mt_stop NAME - SIGTERM, and wait for it to end (at most 10 s)
mt_stop() {
	eval "_mp=\${PID_$1:-}"
	[ -n "$_mp" ] || return 0
	kill -TERM "$_mp" 2>/dev/null
	_mi=0
	while kill -0 "$_mp" 2>/dev/null && [ $_mi -lt 400 ]; do
		sleep 0.025
		_mi=$((_mi + 1))
	done
	kill -9 "$_mp" 2>/dev/null
	wait "$_mp" 2>/dev/null
	eval "PID_$1="
	# an ASan report on stderr is a failure of the test that reads it
	if grep -q "ERROR: AddressSanitizer\|runtime error:" "$T/$1.err"; then
		echo "# x400d $1 reported:"
		sed 's/^/#   /' "$T/$1.err" | head -n 30
		return 1
	fi
	return 0
}

# mt_count FILE EVENT [LINK] - log lines with that event (and link)
mt_count() {
	if [ $# -ge 3 ]; then
		grep -F "\"event\":$2," "$1" 2>/dev/null |
		    grep -cF "\"link\":\"$3\""
	else
		grep -cF "\"event\":$2," "$1" 2>/dev/null
	fi
}

# mt_grep FILE EVENT TEXT - lines with that event whose text has TEXT
mt_grep() {
	grep -F "\"event\":$2," "$1" 2>/dev/null | grep -cF -- "$3"
}

# mt_wait SECONDS CMD... - until CMD succeeds; 1 if it never did
mt_wait() {
	_mw_limit=$(($1 * 40))
	shift
	_mw_i=0
	until "$@" >/dev/null 2>&1; do
		_mw_i=$((_mw_i + 1))
		[ $_mw_i -ge $_mw_limit ] && return 1
		sleep 0.025
	done
	return 0
}

# mt_eq A B - two numbers equal (says both when not)
mt_eq() {
	[ "$1" -eq "$2" ] || { echo "got $1, want $2"; return 1; }
}

# mt_preload_asan LIB - LD_PRELOAD value: x400d's ASan runtime, then LIB
mt_preload_asan() {
	_rt=$(ldd "$X400_BIN/x400d" 2>/dev/null | awk '/libasan/ { print $3 }')
	if [ -n "$_rt" ]; then
		echo "$_rt $1"
	else
		echo "$1"
	fi
}
