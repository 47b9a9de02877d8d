#!/bin/sh
# run.sh - run every test binary, count TAP results, print the verdict
#
# usage: tests/run.sh BINDIR TEST...
#        tests/run.sh -s DIR     only the shell tests DIR/*.sh (make interop)
#
# Each test binary is a cmocka program (TAP output via
# CMOCKA_MESSAGE_OUTPUT=TAP); fuzz_replay replays the fuzz corpus; each
# tests/integration/*.sh is a shell test printing TAP lines ("ok N - ...",
# "not ok N - ..."), run with X400_BIN (the ASan programs) and
# X400_TESTBIN (the ASan test binaries) in its environment.
# A binary that exits non-zero without a failed TAP line (a crash, a
# sanitizer report, a leak) counts as one more failure. The last line is
# "N passed, N failed"; the exit status is non-zero if anything failed.
set -u
shdir=tests/integration
if [ "$1" = -s ]; then
	shdir=$2
	set -- "build/$(basename "$2")"
fi
bindir=$1; shift
logdir=$bindir/logs
mkdir -p "$logdir"
pass=0; fail=0
X400_TESTBIN=$(cd "$bindir" && pwd); export X400_TESTBIN

# run_one NAME CMD... - run one binary, fold its TAP lines into the totals
run_one() {
	name=$1; shift
	log=$logdir/$name.log
	CMOCKA_MESSAGE_OUTPUT=TAP "$@" >"$log" 2>&1
	rc=$?
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc" >>"$log"
	fi
	pass=$((pass + p)); fail=$((fail + f))
	if [ "$f" -ne 0 ]; then
		echo "FAIL $name: $p passed, $f failed"
		sed 's/^/    /' "$log" | tail -n 60
	else
		echo "PASS $name: $p passed"
	fi
}

if [ "$shdir" = tests/integration ]; then
	for t in "$@"; do
		run_one "$t" "$bindir/$t"
	done
	run_one fuzz_replay "$bindir/fuzz_replay" tests/fuzz
	for l in ${FUZZ_LAYERS:-}; do
		run_one "replay_$l" "$bindir/replay_$l" \
		    "tests/fuzz/corpus/$l" "tests/fuzz/crashes/$l"
	done
fi
for t in "$shdir"/*.sh; do
	[ -f "$t" ] || continue
	run_one "$(basename "$t" .sh)" sh "$t"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
