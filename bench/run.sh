#!/bin/bash
# bench/run.sh - the whole benchmark (make bench): relay vs Postfix,
#		  scaling, codec, store; prints one table
#
# SYNOPSIS
#	make bench			(builds, then runs this)
#	BUILD=build bash bench/run.sh [relay|scale|codec|store|all]
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
#	Postfix: Debian's package, installed with apt-get when missing
#	(as root). Without it the Postfix columns read "-".
set -u
export LC_ALL=C
BUILD=${BUILD:-build}
B=$(cd "$BUILD" && pwd)
BIN=$B/bin
BB=$B/bench
W=$B/bench-run
SRC=$(cd "$(dirname "$0")" && pwd)
SCALE=${BENCH_SCALE:-1}
LOGLEVEL=${BENCH_LOGLEVEL:-notice}
TMO=${BENCH_TIMEOUT:-300}
WHAT=${1:-all}
RESULTS=$B/bench-results.txt
HZ=$(getconf CLK_TCK)
PIDS=""

ulimit -n 8192 2>/dev/null || ulimit -n 4096 2>/dev/null

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

# free_port - a loopback TCP port nobody listens on
free_port() {
	local p
	for _ in $(seq 1 200); do
		p=$(( 20000 + RANDOM % 30000 ))
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
	local d=$1 q=${3:-$1/queue} port
	mkdir -p "$d"
	port=$(free_port)
	sed -e "s|@QUEUE@|$q|" -e "s|@LOG@|$d/relay.log|" \
	    -e "s|@LOGLEVEL@|$LOGLEVEL|" -e "s|@PORT@|$port|" \
	    -e "s|@SINKPORT@|$2|" -e "s|@DIR@|$d|" \
	    "$SRC/relay.conf.in" >"$d/relay.conf"
	"$BIN/x400d" -p -c "$d/relay.conf" >"$d/relay.out" 2>"$d/relay.err" &
	RELAY_PID=$!
	PIDS="$PIDS $RELAY_PID"
	if ! RELAY_PORT=$(first_line "$d/relay.out" $RELAY_PID); then
		echo "bench: x400d did not start:" >&2
		cat "$d/relay.err" >&2
		exit 1
	fi
}

# ours SIZE ASSOCS N [QUEUE] - one relay run; sets R_* for the table
ours() {
	local size=$1 c=$2 n=$3 d=$W/ours-$1-$2-$$-$RANDOM spid sport
	local c0 c1 t0 t1 out
	mkdir -p "$d"
	"$BB/x400sink" -M "$n" >"$d/sink.out" 2>"$d/sink.err" &
	spid=$!
	PIDS="$PIDS $spid"
	sport=$(first_line "$d/sink.out" $spid) || { echo "bench: no sink" >&2;
						     exit 1; }
	relay_start "$d" "$sport" "${4:-}"
	c0=$(cpu $RELAY_PID)
	t0=$(now)
	out=$(timeout "$TMO" "$BIN/x400send" -a "127.0.0.1:$RELAY_PORT" \
	    -n load -w load-pass -g "C=XX;A=ADMD;P=LOAD" \
	    -f "C=XX;A=ADMD;P=LOAD;O=gen;S=sender" \
	    -r "C=XX;A=ADMD;P=SINK;O=dst;S=user" -R none \
	    -z "$size" -N "$n" -c "$c" -q 2>"$d/send.err")
	if wait_gone $spid "$TMO"; then
		t1=$(now)
		R_RATE=$(calc %.0f "$n / ($t1 - $t0)")
	else
		R_RATE=timeout
	fi
	c1=$(cpu $RELAY_PID)
	R_CPU=$(calc %.3f "($c1 - $c0) / $HZ / $n * 1000")
	R_RSS=$(( $(hwm $RELAY_PID) / 1024 ))
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
	log "relay: ${R_COMMITS% *} commits, ${R_OPC:-?} submissions each"
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
			log "installing Debian's postfix package (apt-get)"
			DEBIAN_FRONTEND=noninteractive apt-get install -y \
			    postfix >"$W/apt.log" 2>&1 ||
			    { apt-get update >>"$W/apt.log" 2>&1 &&
			      DEBIAN_FRONTEND=noninteractive apt-get install \
			      -y postfix >>"$W/apt.log" 2>&1; }
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
	log "Postfix $(postconf -h mail_version) on 127.0.0.1:$PF_PORT"
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
	    postconf -h mail_version || echo '(absent)'), end to end through a sink"
	say "$(printf '%-6s %4s %6s | %8s %8s %8s %9s %7s | %8s %9s %7s | %6s' \
	    size assc msgs 'msg/s' 'p50 ms' 'p99 ms' 'cpu s/1k' 'RSS MB' \
	    'msg/s' 'cpu s/1k' 'RSS MB' ratio)"
	say "$(printf '%-6s %4s %6s | %-45s | %-28s |' '' '' '' \
	    '-------------- x400d relay --------------' \
	    '--------- Postfix ---------')"
	for size in 1024 4096 65536; do
		for c in 1 10 50; do
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

scale_part() {
	local n base_rate base_cpu
	say ""
	say "Scaling (x400d, 4 KB messages)"
	say "$(printf '%-34s %6s | %8s %8s %8s %9s %7s' run msgs 'msg/s' \
	    'p50 ms' 'p99 ms' 'cpu s/1k' 'RSS MB')"
	n=$(count 10000)
	log "1,000 associations, $n messages"
	ours 4096 1000 $n
	say "$(printf '%-34s %6s | %8s %8s %8s %9s %7s' \
	    '1,000 inbound associations' $n "$R_RATE" "$R_P50" "$R_P99" \
	    "$R_CPU" "$R_RSS")"

	# the same load, on an empty queue and on one holding 100,000
	# messages (deferred a day on the same link: the scheduler's index
	# must skip them at no cost)
	n=$(count 5000)
	log "10 associations on an empty queue, $n messages"
	ours 4096 10 $n
	base_rate=$R_RATE base_cpu=$R_CPU
	say "$(printf '%-34s %6s | %8s %8s %8s %9s %7s' \
	    'empty queue, 10 associations' $n "$R_RATE" "$R_P50" "$R_P99" \
	    "$R_CPU" "$R_RSS")"
	local q=$W/queued/queue t0 t1
	rm -rf "$W/queued"
	mkdir -p "$W/queued"
	log "filling a queue with $(count 100000) messages"
	t0=$(now)
	"$BB/qfill" -d "$q" -n "$(count 100000)" -z 4096 >"$W/queued/fill.out" ||
	    { say "qfill failed: $(cat "$W/queued/fill.out")"; return; }
	t1=$(now)
	log "filled in $(calc %.1f "$t1 - $t0") s: $(cat "$W/queued/fill.out")"
	log "10 associations over 100,000 queued, $n messages"
	BENCH_KEEP=1 ours 4096 10 $n "$q"
	say "$(printf '%-34s %6s | %8s %8s %8s %9s %7s' \
	    "$(count 100000) queued, 10 associations" $n "$R_RATE" "$R_P50" \
	    "$R_P99" "$R_CPU" "$R_RSS")"
	case "$base_cpu:$R_CPU" in
	*-*|*timeout*) ;;
	*) say "  cost per message with the queue full / empty: cpu $(calc \
	    %.2f "$R_CPU / $base_cpu")x, msg/s $(calc %.2f \
	    "$R_RATE / $base_rate")x" ;;
	esac
	rm -rf "$W/queued"
}

codec_part() {
	say ""
	"$BB/codec_bench" | tee -a "$RESULTS"
}

store_part() {
	say ""
	"$BB/store_bench" -d "$W/store" | tee -a "$RESULTS"
	rm -rf "$W/store"
}

mkdir -p "$W"
: >"$RESULTS"
say "make bench, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores" \
    "($(awk -F: '/model name/ { print $2; exit }' /proc/cpuinfo | sed 's/^ //')), " \
    "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
case $WHAT in
relay) pf_setup; relay_part ;;
scale) scale_part ;;
codec) codec_part ;;
store) store_part ;;
all) codec_part; store_part; pf_setup; relay_part; scale_part ;;
*) echo "usage: run.sh [relay|scale|codec|store|all]" >&2; exit 2 ;;
esac
say ""
say "load average after: $(cut -d' ' -f1-3 /proc/loadavg); table in $RESULTS"
