#!/bin/sh
# store_crash.sh - kill the store's writer at random moments, 50 times
#
# Each run starts test_store_writer load on the same store (it first
# re-queues what the previous run left in transfer), lets it commit
# operations under load for a random time between 0.05 and 0.9 s, from
# its start-up to full flow, and kills it with SIGKILL. The writer logs
# each operation before submitting it and again once its durable
# callback came. After each kill:
#   - test_store_writer verify replays the run's log: every confirmed
#     operation is in the store, the next one at most is there without
#     its confirmation, nothing half-applied (each message's record,
#     recipients, holds, links and APDU agree with a model of the
#     operations), no message the log does not name, and the store's
#     indexes and counters agree (q_check);
#   - x400q check, another process, finds the store consistent.
# STORE_CRASH_RUNS and STORE_CRASH_SEED change the count and the delays.
set -u
: "${X400_BIN:?}" "${X400_TESTBIN:?}"
W=$X400_TESTBIN/test_store_writer
Q=$X400_BIN/x400q
RUNS=${STORE_CRASH_RUNS:-50}
SEED=${STORE_CRASH_SEED:-$$}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/store_crash.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

echo "1..$((RUNS * 2 + 2))"
echo "# seed $SEED"
n=0
total=0
i=1
while [ "$i" -le "$RUNS" ]; do
	delay=$(awk -v s="$SEED" -v i="$i" \
	    'BEGIN { srand(s * 1000 + i); printf "%.3f", 0.05 + rand() * 0.85 }')
	"$W" load "$tmp/q" "$i" >"$tmp/log.$i" 2>"$tmp/err.$i" &
	pid=$!
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null
	{ wait "$pid"; } 2>/dev/null
	status=$?
	c=$(grep -c '^C ' "$tmp/log.$i")
	total=$((total + c))
	n=$((n + 1))
	if [ "$status" -ne 137 ]; then
		echo "not ok $n - run $i: the writer ended by itself ($status)"
		sed 's/^/# /' "$tmp/err.$i"
	elif out=$("$W" verify "$tmp/q" "$tmp/log.$i" "$i" 2>&1); then
		echo "ok $n - run $i killed after ${delay}s: $out"
	else
		echo "not ok $n - run $i killed after ${delay}s: $out"
	fi
	n=$((n + 1))
	out=$("$Q" -d "$tmp/q" check 2>&1)
	qrc=$?
	if [ "$c" -eq 0 ] && { [ ! -s "$tmp/q/data.mdb" ] ||
	    echo "$out" | grep -q 'no store there$'; }; then
		# killed before the store was made (LMDB may have written
		# its own pages, not yet our first transaction)
		echo "ok $n - run $i: no store yet, nothing to check"
	elif [ $qrc = 0 ] && [ "$out" = consistent ]; then
		echo "ok $n - run $i: x400q check: consistent"
	else
		echo "not ok $n - run $i: x400q check:"
		echo "$out" | sed 's/^/# /'
	fi
	i=$((i + 1))
done

# The runs did real work: the writer commits hundreds of operations a
# second, even under ASan, so fifty runs confirm thousands.
n=$((n + 1))
if [ "$total" -ge 1000 ]; then
	echo "ok $n - $total operations confirmed over $RUNS runs"
else
	echo "not ok $n - only $total operations confirmed over $RUNS runs"
fi

# After every crash, the counters still add up to what the records say.
n=$((n + 1))
if "$Q" -d "$tmp/q" -j stats >"$tmp/stats.json" &&
    jq -e '.messages > 0 and
	([.per_link_state[].recipients] | add) == .recipients and
	([.age_histogram[].messages] | add) == .messages' "$tmp/stats.json" \
    >/dev/null; then
	echo "ok $n - x400q stats --json adds up after $RUNS crashes"
else
	echo "not ok $n - x400q stats --json after $RUNS crashes"
fi
