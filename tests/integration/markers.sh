#!/bin/sh
# markers.sh - no merge left its conflict markers in a tracked file (a
#	merge once committed .ci/deps with them, and CI could not start)
if ! git rev-parse --git-dir >/dev/null 2>&1; then
	echo "ok 1 # SKIP not a git checkout"
	echo "1..1"
	exit 0
fi
found=$(git grep -nE '^(<<<<<<< |>>>>>>> [^ ]|=======$)' -- . \
    ':!tests/vectors' ':!tests/fuzz' 2>/dev/null | grep -v '^docs/.*:=======$' | head -n 5)
if [ -z "$found" ]; then
	echo "ok 1 - no conflict markers in the tracked files"
else
	echo "not ok 1 - conflict markers left:"
	echo "$found" | sed 's/^/#   /'
fi
echo "1..1"
[ -z "$found" ]
