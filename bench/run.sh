#!/bin/bash
# bench/run.sh - the whole benchmark (make bench): relay vs Postfix,
#		  scaling, codec, store; prints one table
#
# SYNOPSIS
#	make bench			(builds, then runs this)
#	BUILD=build bash bench/run.sh [relay|scale|assoc|queued|codec|store|
#				       refusal|tls|latency|all]
#
# DESCRIPTION
#	Relay: x400send (the load: an originating MTA over N associations)
#	-> x400d (the relay under test, sync = "full") -> x400sink (binds
#	anyone, confirms at once). The same load through Postfix:
#	smtp-source -> a Postfix instance of our own (configuration and
#	queue in $BUILD/bench-run/postfix, the system's untouched, its
#	durable defaults kept) -> smtp-sink. For each message size and
#	number of associations (sessions), N messages; end to end means
#	from the load's start until the sink received the N-th.
#
#	Columns: msg/s end to end; p50 and p99 latency of the relay's
#	confirmation (x400send; smtp-source does not measure it); CPU
#	seconds per 1,000 messages of the relay (x400d: utime+stime of its
#	threads; Postfix: master and every daemon it ran, reaped or alive);
#	the relay's peak RSS (VmHWM); ours/Postfix, the ratio of msg/s.
#
#	Environment: BENCH_SCALE (default 1) multiplies every message
#	count; BENCH_LOGLEVEL (default "notice") is x400d's log level
#	(Postfix logs to syslog, absent on a bare machine: no cost); BENCH_
#	POSTFIX=0 skips Postfix. Each run is bounded (BENCH_TIMEOUT s,
#	default 300); a run that does not finish prints "timeout".
#
#	Postfix: Debian's package, installed by bench/deps (apt-get update
#	first) when missing, as root. Without it the Postfix columns read
#	"-".
#
#	BENCH_QUICK=1: a smoke run (BENCH_SCALE 0.02, short codec and store
#	rows). BENCH_SIZES, BENCH_ASSOCS: the relay table's sizes and
#	association counts. BENCH_PERF=FILE: perf record -g of x400d during
#	the first 4 KB run over 10 associations (BENCH_PERF_ASSOCS=N: over
#	N, e.g. 10000 for the big row) (BENCH_PERF_QUEUED=1: also the
#	queued runs', into FILE-empty and FILE-queued). BENCH_QUEUED=N: the
#	queued row with N messages (default 1,000,000 times BENCH_SCALE,
#	issue 19: a minute to fill, 9 GB of disk for the run; skipped,
#	saying so, without the room); BENCH_REPEAT=N: N pairs of the empty
#	and the queued run over one fill, the ratios of their means;
#	BENCH_QUEUE=DIR: over that queue (filled by qfill before, kept).
#	BENCH_BIG_ASSOCS=N: the row with N inbound associations at once
#	after the 1,000 row (default 10,000, issue 19; 0: none).
#	BENCH_LAT_ASSOCS: the latency table's association counts (default
#	10 1000 10000). A run of 1,000 associations or more comes from
#	several loopback addresses (127.0.1.x, 500 associations each). "anon MB" is x400d's
#	anonymous resident memory at the end of the run (heap, stacks):
#	what x400d holds itself, apart from the store's file pages ("file
#	MB": RssFile, the pages of the map it touched, shared with the page
#	cache). "KB w/msg": what x400d wrote to the disk per message
#	(/proc/PID/io write_bytes: the store's pages its commits wrote).
set -u
export LC_ALL=C
BUILD=${BUILD:-build}
B=$(cd "$BUILD" && pwd)
BIN=$B/bin
BB=$B/bench
W=$B/bench-run
SRC=$(cd "$(dirname "$0")" && pwd)
QUICK=${BENCH_QUICK:-0}
if [ "$QUICK" = 1 ]; then
	SCALE=${BENCH_SCALE:-0.02}
else
	SCALE=${BENCH_SCALE:-1}
fi
LOGLEVEL=${BENCH_LOGLEVEL:-notice}
TMO=${BENCH_TIMEOUT:-300}
WHAT=${1:-all}
RESULTS=$B/bench-results.txt
HZ=$(getconf CLK_TCK)
PIDS=""

# descriptors: 10,000 associations take as many in x400send and in x400d
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null

cleanup() {
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	if [ -f "$W/postfix/etc/main.cf" ]; then
		postfix -c "$W/postfix/etc" stop >/dev/null 2>&1
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
say() { printf '%s\n' "$*" | tee -a "$RESULTS"; }
log() { printf '# %s\n' "$*" >&2; }

# free_port - a loopback TCP port nobody listens on, below the ephemeral
#	range (which the 1,000 associations' own ports come from)
free_port() {
	local p lo
	lo=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null)
	[ "${lo:-0}" -gt 11000 ] || lo=32768
	for _ in $(seq 1 200); do
		p=$(( 10000 + RANDOM % (lo - 10000) ))
		if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then
			echo $p
			return
		fi
	done
	echo "bench: no free port" >&2
	exit 1
}

# cpu PID - utime+stime (own threads) in ticks; with "all", also the
#	reaped children's (cutime+cstime)
cpu() {
	[ -r /proc/$1/stat ] || { echo 0; return; }
	sed 's/.*) //' /proc/$1/stat | awk -v all="${2:-}" \
	    '{ t = $12 + $13; if (all != "") t += $14 + $15; print t }'
}

hwm() { awk '/^VmHWM/ { print $2 }' /proc/$1/status 2>/dev/null; }
# anon PID - its anonymous resident memory now (KB): the heap and stacks,
#	without the store's file pages that the kernel maps in and may drop
anon() { awk '/^RssAnon/ { print $2 }' /proc/$1/status 2>/dev/null; }
# rssfile PID - its resident file pages now (KB): the store's map
rssfile() { awk '/^RssFile/ { print $2 }' /proc/$1/status 2>/dev/null; }
# wbytes PID - octets it has caused to be written to disk (its pwrites
#	of the store's pages, counted when dirtied)
wbytes() { awk '/^write_bytes/ { print $2 }' /proc/$1/io 2>/dev/null ||
	   echo 0; }

# first_line FILE PID - wait (10 s at most) for the first line a
#	starting program prints (its port)
first_line() {
	local i
	for i in $(seq 1 200); do
		if [ -s "$1" ] && head -1 "$1" | grep -q '^[0-9]'; then
			head -1 "$1"
			return 0
		fi
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# wait_gone PID SECONDS - 0 when PID ended in time
wait_gone() {
	local end
	end=$(( $(date +%s) + $2 ))
	while kill -0 "$1" 2>/dev/null; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.01
	done
	return 0
}

stop_pid() {
	kill -TERM "$1" 2>/dev/null
	wait_gone "$1" 2 || kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# ---- our relay ---------------------------------------------------------

# relay_start DIR SINKPORT [QUEUE] - x400d on a fresh (or given) queue;
#	sets RELAY_PID and RELAY_PORT
relay_start() {
	local d=$1 q=${3:-$1/queue} port try
	mkdir -p "$d"
	for try in 1 2 3 4 5; do
		port=$(free_port)
		sed -e "s|@QUEUE@|$q|" -e "s|@LOG@|$d/relay.log|" \
		    -e "s|@MAXIN@|${RELAY_MAXIN:-1100}|" \
		    -e "s|@LOADMAX@|${RELAY_LOADMAX:-1000}|" \
		    -e "s|@LOGLEVEL@|$LOGLEVEL|" -e "s|@PORT@|$port|" \
		    -e "s|@SINKPORT@|$2|" -e "s|@DIR@|$d|" \
		    -e "s|@LISTENTLS@|${RELAY_TLS:-}|" \
		    "$SRC/relay.conf.in" >"$d/relay.conf"
		"$BIN/x400d" -p -c "$d/relay.conf" >"$d/relay.out" \
		    2>"$d/relay.err" &
		RELAY_PID=$!
		PIDS="$PIDS $RELAY_PID"
		RELAY_PORT=$(first_line "$d/relay.out" $RELAY_PID) && return
		# someone took the port meanwhile: another one
		grep -q "address already in use" "$d/relay.err" || break
		wait $RELAY_PID 2>/dev/null
	done
	echo "bench: x400d did not start:" >&2
	cat "$d/relay.err" >&2
	exit 1
}

# sources ASSOCS - x400send's -l: 1,000 associations or more come from
#	as many loopback addresses as 500 of them fill (127.0.1.1, .2...),
#	so that no one address runs short of ports
sources() {
	local k
	[ "$1" -ge 1000 ] || return 0
	printf -- '-l '
	for k in $(seq 1 $(( ($1 + 499) / 500 ))); do
		printf '127.0.1.%d' "$k"
		[ "$k" = $(( ($1 + 499) / 500 )) ] || printf ','
	done
}

# ours SIZE ASSOCS N [QUEUE] - one relay run; sets R_* for the table
ours() {
	local size=$1 c=$2 n=$3 d=$W/ours-$1-$2-$$-$RANDOM spid sport
	local c0 c1 t0 t1 w0 w1 out
	mkdir -p "$d"
	"$BB/x400sink" -M "$n" >"$d/sink.out" 2>"$d/sink.err" &
	spid=$!
	PIDS="$PIDS $spid"
	sport=$(first_line "$d/sink.out" $spid) || { echo "bench: no sink" >&2;
						     exit 1; }
	relay_start "$d" "$sport" "${4:-}"
	if [ -n "${BENCH_PERF:-}" ] &&
	   [ "$size:$c" = "4096:${BENCH_PERF_ASSOCS:-10}" ] &&
	   { [ -z "${4:-}" ] || [ -n "${BENCH_PERF_QUEUED:-}" ]; }; then
		perf record -g -q -o "$BENCH_PERF" -p $RELAY_PID \
		    >"$d/perf.out" 2>&1 &
		PERF_PID=$!
		sleep 0.3
	fi
	c0=$(cpu $RELAY_PID)
	w0=$(wbytes $RELAY_PID)
	t0=$(now)
	# shellcheck disable=SC2086 # SEND_TLS, SEND_ARGS: words
	out=$(timeout "$TMO" "$BIN/x400send" $(sources "$c") \
	    -a "127.0.0.1:${SEND_PORT:-$RELAY_PORT}" ${SEND_TLS:-} ${SEND_ARGS:-} -n load -w load-pass -g "C=XX;A=ADMD;P=LOAD" \
	    -f "C=XX;A=ADMD;P=LOAD;O=gen;S=sender" \
	    -r "C=XX;A=ADMD;P=SINK;O=dst;S=user" -R none \
	    -z "$size" -N "$n" -c "$c" -q 2>"$d/send.err")
	R_BIND=$(echo "$out" | sed -n 's/.* bound in \([0-9.]*\) s.*/\1/p')
	if wait_gone $spid "$TMO"; then
		t1=$(now)
		R_RATE=$(calc %.0f "$n / ($t1 - $t0)")
		# after the binds (--bind-first, --rate): to the sink's last
		R_E2E=$(calc %.0f "$n / ($t1 - $t0 - ${R_BIND:-0})")
	else
		R_RATE=timeout R_E2E=timeout
	fi
	c1=$(cpu $RELAY_PID)
	w1=$(wbytes $RELAY_PID)
	if [ -n "${PERF_PID:-}" ]; then
		kill -INT $PERF_PID 2>/dev/null
		wait $PERF_PID 2>/dev/null
		PERF_PID=
		log "perf profile of x400d in $BENCH_PERF"
	fi
	R_CPU=$(calc %.3f "($c1 - $c0) / $HZ / $n * 1000")
	R_RSS=$(( $(hwm $RELAY_PID) / 1024 ))
	R_ANON_KB=$(anon $RELAY_PID)
	R_ANON=$(( R_ANON_KB / 1024 ))
	R_FILE=$(( $(rssfile $RELAY_PID) / 1024 ))
	R_WKB=$(calc %.1f "(${w1:-0} - ${w0:-0}) / 1024 / $n")
	R_P50=$(echo "$out" | sed -n 's/.*p50 \([0-9.]*\) ms.*/\1/p')
	R_P99=$(echo "$out" | sed -n 's/.*p99 \([0-9.]*\) ms.*/\1/p')
	R_SEND=$(echo "$out" | sed -n 's/.* s: \([0-9.]*\) msg\/s.*/\1/p')
	[ -n "$R_P50" ] || { R_P50=-; R_P99=-; R_SEND=-;
			     log "x400send: $(tail -2 "$d/send.err")"; }
	stop_pid $RELAY_PID
	stop_pid $spid
	R_COMMITS=$(sed -n 's/.*; \([0-9]*\) queue commits of \([0-9]*\) submissions.*/\1 \2/p' \
	    "$d/relay.log" | tail -1)
	R_OPC=$(echo "$R_COMMITS" | awk '$1 > 0 { printf "%.1f", $2 / $1 }')
	log "relay: ${R_COMMITS% *} commits, ${R_OPC:-?} submissions each; load sent at ${R_SEND:-?} msg/s"
	[ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$d/queue"
}

# ---- Postfix -----------------------------------------------------------

PF=$W/postfix
PF_OK=0

pf_setup() {
	[ "${BENCH_POSTFIX:-1}" = 1 ] || return 1
	if ! command -v smtp-source >/dev/null 2>&1 ||
	   ! command -v postfix >/dev/null 2>&1; then
		if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
			log "installing Debian's postfix package (bench/deps)"
			sh "$SRC/deps" >"$W/apt.log" 2>&1 ||
			    log "bench/deps failed (see $W/apt.log)"
		fi
	fi
	command -v smtp-source >/dev/null 2>&1 || {
		log "no Postfix (apt-get install postfix): its columns read -"
		return 1; }
	[ "$(id -u)" = 0 ] || { log "Postfix needs root to run: skipped";
				return 1; }
	PF_PORT=$(free_port)
	PF_SINK=$(free_port)
	rm -rf "$PF"
	mkdir -p "$PF/etc" "$PF/queue" "$PF/data"
	sed -e "s|@PF@|$PF|g" -e "s|@SINKPORT@|$PF_SINK|" \
	    "$SRC/postfix-main.cf.in" >"$PF/etc/main.cf"
	sed -e "s|@PORT@|$PF_PORT|" "$SRC/postfix-master.cf.in" \
	    >"$PF/etc/master.cf"
	chown postfix:postfix "$PF/data"
	chmod 755 "$W" "$B"
	postfix -c "$PF/etc" check >"$PF/check.log" 2>&1
	postfix -c "$PF/etc" start >"$PF/start.log" 2>&1
	for _ in $(seq 1 100); do
		(exec 3<>/dev/tcp/127.0.0.1/$PF_PORT) 2>/dev/null && break
		sleep 0.1
	done
	(exec 3<>/dev/tcp/127.0.0.1/$PF_PORT) 2>/dev/null || {
		log "Postfix did not start (see $PF/start.log)"; return 1; }
	log "Postfix $(postconf -d -h mail_version 2>/dev/null) on 127.0.0.1:$PF_PORT"
	PF_OK=1
}

# pf_cpu - Postfix's CPU ticks: master with its reaped children, and the
#	daemons alive now
pf_cpu() {
	local m t p
	m=$(head -1 "$PF/queue/pid/master.pid" 2>/dev/null | tr -d ' ')
	[ -n "$m" ] || { echo 0; return; }
	t=$(cpu "$m" all)
	for p in $(ps -o pid= --ppid "$m"); do
		t=$(( t + $(cpu "$p") ))
	done
	echo $t
}

pf_rss() {
	local m p t=0
	m=$(head -1 "$PF/queue/pid/master.pid" 2>/dev/null | tr -d ' ')
	for p in $m $(ps -o pid= --ppid "$m"); do
		t=$(( t + $(hwm "$p" || echo 0) ))
	done
	echo $(( t / 1024 ))
}

# postfix_run SIZE SESSIONS N - sets P_*
postfix_run() {
	local size=$1 c=$2 n=$3 spid c0 c1 t0 t1
	P_RATE=-; P_CPU=-; P_RSS=-
	[ $PF_OK = 1 ] || return
	postsuper -c "$PF/etc" -d ALL >/dev/null 2>&1
	(cd "$W" && exec smtp-sink -u nobody -M "$n" "127.0.0.1:$PF_SINK" \
	    1024) >"$W/smtp-sink.out" 2>&1 &
	spid=$!
	PIDS="$PIDS $spid"
	for _ in $(seq 1 100); do
		(exec 3<>/dev/tcp/127.0.0.1/$PF_SINK) 2>/dev/null && break
		sleep 0.05
	done
	c0=$(pf_cpu)
	t0=$(now)
	timeout "$TMO" smtp-source -d -s "$c" -m "$n" -l "$size" \
	    -f sender@load.invalid -t user@sink.invalid -M load.invalid \
	    "127.0.0.1:$PF_PORT" >"$W/smtp-source.out" 2>&1
	if wait_gone $spid "$TMO"; then
		t1=$(now)
		P_RATE=$(calc %.0f "$n / ($t1 - $t0)")
	else
		P_RATE=timeout
		kill $spid 2>/dev/null
	fi
	c1=$(pf_cpu)
	P_CPU=$(calc %.3f "($c1 - $c0) / $HZ / $n * 1000")
	P_RSS=$(pf_rss)
	wait $spid 2>/dev/null
}

# ---- the parts -------------------------------------------------------------

count() { awk "BEGIN { n = int($1 * $SCALE); print n < 10 ? 10 : n }"; }

relay_part() {
	local size c n ratio
	say ""
	say "Relay, durable (x400d sync=full) vs Postfix $( [ $PF_OK = 1 ] &&
	    postconf -d -h mail_version 2>/dev/null || echo '(absent)'), end to end through a sink"
	say "$(printf '%-6s %4s %6s | %8s %8s %8s %9s %7s | %8s %9s %7s | %6s' \
	    size assc msgs 'msg/s' 'p50 ms' 'p99 ms' 'cpu s/1k' 'RSS MB' \
	    'msg/s' 'cpu s/1k' 'RSS MB' ratio)"
	say "$(printf '%-6s %4s %6s | %-45s | %-28s |' '' '' '' \
	    '-------------- x400d relay --------------' \
	    '--------- Postfix ---------')"
	for size in ${BENCH_SIZES:-1024 4096 65536}; do
		for c in ${BENCH_ASSOCS:-1 10 50}; do
			case $size:$c in
			65536:1) n=$(count 300) ;;
			65536:*) n=$(count 1000) ;;
			*:1) n=$(count 1000) ;;
			*) n=$(count 5000) ;;
			esac
			log "relay ${size}B x $c, $n messages"
			ours $size $c $n
			postfix_run $size $c $n
			ratio=-
			case "$R_RATE:$P_RATE" in
			*timeout*|*-*) ;;
			*) ratio=$(calc %.1fx "$R_RATE / $P_RATE") ;;
			esac
			say "$(printf '%-6s %4s %6s | %8s %8s %8s %9s %7s | %8s %9s %7s | %6s' \
			    $(( size / 1024 ))K $c $n "$R_RATE" "$R_P50" "$R_P99" \
			    "$R_CPU" "$R_RSS" "$P_RATE" "$P_CPU" "$P_RSS" "$ratio")"
		done
	done
}

assoc_part() {
	local n big=${BENCH_BIG_ASSOCS:-10000}
	n=$(count 10000)
	[ "$n" -ge 1000 ] || n=1000	# one message at least on each
	log "1,000 associations, $n messages"
	ours 4096 1000 $n
	scale_row '1,000 inbound associations' $n
	[ "$big" -gt 0 ] || return 0
	# BENCH_BIG_ASSOCS (10,000; 0: none): as many associations at once,
	# one message each at least, from 20 loopback addresses (sources)
	if [ "$(ulimit -n)" -lt $((big + 200)) ]; then
		say "$big inbound associations: skipped, $(ulimit -n) descriptors allowed"
		return 0
	fi
	n=$(count 30000)
	[ "$n" -ge "$big" ] || n=$big
	log "$big associations, $n messages"
	RELAY_MAXIN=$((big + 100)) RELAY_LOADMAX=$big \
	    ours 4096 "$big" $n
	scale_row "$big inbound associations" $n
}

# latency_part - p99 latency at half of peak load (issue 19), for 10,
#	1,000 and 10,000 associations (BENCH_LAT_ASSOCS). First the peak:
#	a closed loop (x400send --bind-first: every association bound, then
#	each sends its next message when the last is confirmed): the lower
#	of x400send's confirmed msg/s and the end-to-end rate, both from the
#	first message on (the relay confirms faster than it forwards for a
#	while, which is not a rate it keeps). Then an open loop at half
#	of it (--rate): messages due at an even pace whether or not the relay
#	keeps up, each latency counted from when the message was due.
latency_part() {
	local c n peak half b50 b99 bind fmt
	fmt='%-6s %6s %7s | %8s %8s %8s | %8s %8s %8s %9s %7s'
	say ""
	say "Latency at half of peak load (4 KB; the peak is a closed loop after the binds, then an open loop at half of it; latency from when each message was due)"
	say "$(printf "$fmt" assocs msgs 'binds s' 'peak/s' 'p50 ms' 'p99 ms' \
	    'half/s' 'p50 ms' 'p99 ms' 'cpu s/1k' 'RSS MB')"
	for c in ${BENCH_LAT_ASSOCS:-10 1000 10000}; do
		n=$(count 10000)
		[ "$n" -ge $((2 * c)) ] || n=$((2 * c))
		if [ "$(ulimit -n)" -lt $((c + 200)) ]; then
			say "$(printf '%-6s skipped: %s descriptors allowed' "$c" \
			    "$(ulimit -n)")"
			continue
		fi
		log "$c associations, closed loop after the binds, $n messages"
		RELAY_MAXIN=$((c + 100)) RELAY_LOADMAX=$c \
		    SEND_ARGS=--bind-first ours 4096 "$c" "$n"
		peak=$R_SEND b50=$R_P50 b99=$R_P99 bind=$R_BIND
		case "$peak:$R_E2E" in
		:*|-*|0*|*timeout*) say "$c: no peak ($R_RATE)"; continue ;;
		esac
		peak=$(awk -v a="$peak" -v b="$R_E2E" 'BEGIN { print a < b ? a : b }')
		half=$(calc %.0f "$peak / 2")
		log "$c associations at $half msg/s, $n messages"
		RELAY_MAXIN=$((c + 100)) RELAY_LOADMAX=$c \
		    SEND_ARGS="--rate $half" ours 4096 "$c" "$n"
		say "$(printf "$fmt" "$c" "$n" "${bind:--}" "$(calc %.0f "$peak")" \
		    "$b50" "$b99" "$half" "$R_P50" "$R_P99" "$R_CPU" "$R_RSS")"
	done
}

# queued_part - the same load on an empty queue and on one holding
#	BENCH_QUEUED messages (default 1,000,000; deferred a day on the same
#	link: the scheduler's index must pass them by at no cost per
#	message). BENCH_REPEAT=N: N pairs of runs (empty, full) over the
#	one fill, since a single pair moves with the machine's load; the
#	ratios are of the means over the pairs.
queued_part() {
	local n q=$W/queued/queue t0 t1 nq i reps
	local er=0 ec=0 fr=0 fc=0 ea=0 fa=0 ok=0
	n=$(count 5000)
	nq=${BENCH_QUEUED:-$(count 1000000)}
	reps=${BENCH_REPEAT:-1}
	rm -rf "$W/queued"
	mkdir -p "$W/queued"
	# the store takes about 9 KB a queued message (4.5 KB APDUs in two
	# overflow pages, the records, the indexes): 9 GB for a million
	if [ -z "${BENCH_QUEUE:-}" ] && [ "$(df -Pk "$W" | awk 'NR == 2 { print $4 }')" \
	     -lt $(( nq * 10 )) ]; then
		say "$nq queued: skipped, $(df -Pk "$W" | awk 'NR == 2 { print int($4 / 1024) }') MB free in $W, about $(( nq * 10 / 1024 )) MB needed"
		return
	fi
	if [ -n "${BENCH_QUEUE:-}" ]; then	# filled before: kept
		q=$BENCH_QUEUE
	else
		log "filling a queue with $nq messages"
		t0=$(now)
		"$BB/qfill" -d "$q" -n "$nq" -z 4096 >"$W/queued/fill.out" ||
		    { say "qfill failed: $(cat "$W/queued/fill.out")"; return; }
		t1=$(now)
		log "filled in $(calc %.1f "$t1 - $t0") s (with its fdatasync): $(cat "$W/queued/fill.out")"
	fi
	for i in $(seq 1 "$reps"); do
		log "10 associations on an empty queue, $n messages"
		BENCH_PERF="${BENCH_PERF_QUEUED:+$BENCH_PERF-empty}" \
		    ours 4096 10 $n
		scale_row 'empty queue, 10 associations' $n
		queued_sum e
		log "10 associations over $nq queued, $n messages"
		BENCH_PERF="${BENCH_PERF_QUEUED:+$BENCH_PERF-queued}" \
		    BENCH_KEEP=1 ours 4096 10 $n "$q"
		scale_row "$nq queued, 10 associations" $n
		queued_sum f
	done
	if [ "$ok" = $((2 * reps)) ]; then
		say "  cost per message with the queue full / empty: cpu $(calc \
		    %.2fx "$fc / $ec"), msg/s $(calc %.2fx "$fr / $er")$( \
		    [ "$reps" = 1 ] || echo " (means of $reps pairs)")"
		say "  x400d's own memory (RssAnon) per queued message: $(calc \
		    %.1f "($fa - $ea) * 1024 / $reps / $nq") octets"
	fi
	rm -rf "$W/queued"
	sync			# its blocks freed (and discarded) before what follows
}

# queued_sum e|f - add the run's rate, CPU and anon KB to the sums
queued_sum() {
	case "$R_RATE:$R_CPU" in
	*-*|*timeout*) return ;;
	esac
	ok=$((ok + 1))
	if [ "$1" = e ]; then
		er=$(calc %.3f "$er + $R_RATE"); ec=$(calc %.4f "$ec + $R_CPU")
		ea=$((ea + R_ANON_KB))
	else
		fr=$(calc %.3f "$fr + $R_RATE"); fc=$(calc %.4f "$fc + $R_CPU")
		fa=$((fa + R_ANON_KB))
	fi
}

# scale_row LABEL N - one row of the scaling table from the last run
scale_row() {
	say "$(printf '%-34s %6s | %8s %8s %8s %9s %7s %7s %7s %7s' "$1" $2 \
	    "$R_RATE" "$R_P50" "$R_P99" "$R_CPU" "$R_RSS" "$R_ANON" \
	    "$R_FILE" "$R_WKB")"
}

scale_head() {
	say ""
	say "Scaling (x400d, 4 KB messages)"
	say "$(printf '%-34s %6s | %8s %8s %8s %9s %7s %7s %7s %7s' run msgs \
	    'msg/s' 'p50 ms' 'p99 ms' 'cpu s/1k' 'RSS MB' 'anon MB' \
	    'file MB' 'KB w/msg')"
}

codec_part() {
	say ""
	"$BB/codec_bench" $([ "$QUICK" = 1 ] && echo -s 0.2) | tee -a "$RESULTS"
}

store_part() {
	say ""
	"$BB/store_bench" -d "$W/store" $([ "$QUICK" = 1 ] && echo -s 0.3) |
	    tee -a "$RESULTS"
	rm -rf "$W/store"
}

# refusal_part - how long a refused bind takes: an unknown MTA name
#	against a known one with a wrong password (issue 17: the time
#	must not tell them apart). The link's verifier is x400passwd's
#	default (PBKDF2, 600,000 iterations); the back-off is off (free
#	1000), so every bind is judged in full. Medians of N each,
#	interleaved, each timed around x400send (connect, bind, refusal).
refusal_part() {
	local d=$W/refusal n i t0 t1 hash pid port who mu mk
	n=$([ "$QUICK" = 1 ] && echo 5 || echo 21)
	mkdir -p "$d"
	hash=$(printf 'the-right-one\n' | "$BIN/x400passwd")
	port=$(free_port)
	cat >"$d/x400d.conf" <<EOF
global = { mta_name = "judge"; domain = "C=XX;A=ADMD;P=JUDGE";
  queue_dir = "$d/queue"; log_file = "$d/x400d.log"; log_level = "notice";
  sync = "nosync"; bind_backoff = { free = 1000; };
  allow_root = true; };	# on loopback, perhaps as root: harmless here
listen = { addresses = [ "127.0.0.1:$port" ]; tsel = "x400"; };
links = ( { name = "peer"; direction = "inbound"; peer_mta = "peer";
  peer_password = "$hash"; allow = [ "127.0.0.1" ]; } );
routing = { local_dir = "$d/mailboxes"; local = [ "C=XX;A=ADMD;P=JUDGE" ];
  routes = ( ); };
EOF
	"$BIN/x400d" -c "$d/x400d.conf" 2>"$d/x400d.err" &
	pid=$!
	PIDS="$PIDS $pid"
	sleep 0.5
	: >"$d/unknown.ms"
	: >"$d/known.ms"
	for i in $(seq 1 "$n"); do
		for who in unknown known; do
			t0=$(now)
			"$BIN/x400send" -q -a "127.0.0.1:$port" \
			    -n "$([ $who = known ] && echo peer || echo stranger)" \
			    -w "guess-$i" -g "C=XX;A=ADMD;P=G" \
			    -f "C=XX;A=ADMD;P=G;S=g" \
			    -r "C=XX;A=ADMD;P=JUDGE;S=j" -R none >/dev/null 2>&1
			t1=$(now)
			calc "%.1f\n" "($t1 - $t0) * 1000" >>"$d/$who.ms"
		done
	done
	stop_pid $pid
	mu=$(sort -n "$d/unknown.ms" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
	mk=$(sort -n "$d/known.ms" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
	say ""
	say "Refused binds (PBKDF2 600,000 iterations; median ms of connect, bind and refusal, $n each)"
	say "$(printf '%-34s %10s %10s %8s' '' unknown 'known+bad' ratio)"
	say "$(printf '%-34s %10s %10s %8s' 'unknown name / wrong password' \
	    "$mu" "$mk" "$(calc %.2f "$mu / $mk")")"
}

# tls_part - 4 KB x 10 associations into the relay over plain TCP and
#	over TLS, one after the other (issue 18): x400send -> x400d with
#	TLS (an EC P-256 certificate made here, pinned by x400send), the
#	relay -> sink leg plain in both
tls_part() {
	local k=$W/tls n pin tp plain
	n=$(count 5000)
	mkdir -p "$k"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$k/relay.key" -out "$k/relay.pem" -days 30 \
	    -subj /CN=relay >"$k/openssl.log" 2>&1 || {
		log "openssl failed (see $k/openssl.log): no TLS row"; return; }
	pin="sha256-cert:$(openssl x509 -in "$k/relay.pem" -noout \
	    -fingerprint -sha256 | sed 's/.*=//')"
	say ""
	say "TLS on the load's leg (x400send -> x400d; TLS 1.3, P-256, pinned), 4 KB x 10, $n messages"
	say "$(printf '%-10s | %8s %8s %8s %9s %7s' '' 'msg/s' 'p50 ms' \
	    'p99 ms' 'cpu s/1k' 'RSS MB')"
	log "relay 4K x 10 plain, $n messages"
	ours 4096 10 "$n"
	plain=$R_RATE
	say "$(printf '%-10s | %8s %8s %8s %9s %7s' plain "$R_RATE" "$R_P50" \
	    "$R_P99" "$R_CPU" "$R_RSS")"
	tp=$(free_port)
	log "relay 4K x 10 TLS, $n messages"
	RELAY_TLS="tls_addresses = [ \"127.0.0.1:$tp\" ]; tls_cert = \"$k/relay.pem\"; tls_key = \"$k/relay.key\";" \
	    SEND_PORT=$tp SEND_TLS="--tls --tls-pin $pin" ours 4096 10 "$n"
	say "$(printf '%-10s | %8s %8s %8s %9s %7s   %s' TLS "$R_RATE" "$R_P50" \
	    "$R_P99" "$R_CPU" "$R_RSS" "$(case "$R_RATE:$plain" in
	    *timeout*|*-*) echo - ;; *) calc '%.2fx plain' "$R_RATE / $plain" ;;
	    esac)")"
}

mkdir -p "$W"
: >"$RESULTS"
say "make bench, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores" \
    "($(awk -F: '/model name/ { print $2; exit }' /proc/cpuinfo | sed 's/^ //')), " \
    "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
case $WHAT in
relay) pf_setup; relay_part ;;
scale) scale_head; assoc_part; queued_part ;;
assoc) scale_head; assoc_part ;;
queued) scale_head; queued_part ;;
codec) codec_part ;;
store) store_part ;;
refusal) refusal_part ;;
tls) tls_part ;;
latency) latency_part ;;
all) codec_part; store_part; refusal_part; pf_setup; relay_part; tls_part;
     scale_head;
     assoc_part; latency_part;
     scale_head; queued_part ;;	# last: deleting its 9 GB store stalls the disk
*) echo "usage: run.sh [relay|scale|assoc|queued|codec|store|refusal|tls|latency|all]" >&2
   exit 2 ;;
esac
say ""
say "load average after: $(cut -d' ' -f1-3 /proc/loadavg); table in $RESULTS"
