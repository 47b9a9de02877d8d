#!/bin/sh
# docs.sh - the documents that must follow the code do
#
# docs/events.md lists every event x400d can log (issue 5, must-show 4):
# its table is what `x400d -E` prints, and every event in lib/events.h is
# logged by some code (a listed event that can never appear would mislead
# the operator reading the list).
. tests/support/sites.sh

want=$(sh docs/events.sh "$X400_BIN/x400d")
have=$(awk '/^<!-- \/events -->$/ { p = 0 } p { print } /^<!-- events -->$/ { p = 1 }' docs/events.md)
if [ "$want" = "$have" ]; then
	ok 0 "docs/events.md lists exactly the events x400d -E prints"
else
	ok 1 "docs/events.md lists exactly the events x400d -E prints (run sh docs/events.sh -w)"
	printf '%s\n' "$want" >build/itest/events.want
	printf '%s\n' "$have" >build/itest/events.have
	diff build/itest/events.have build/itest/events.want | head -20 | sed 's/^/# /'
fi
n=$("$X400_BIN/x400d" -E | wc -l)
ok "$([ "$n" -ge 50 ] && echo 0 || echo 1)" "x400d -E prints the events ($n)"

unused=""
for e in $(grep -o 'EVENT([0-9]*, EV_[A-Z0-9_]*' lib/events.h | sed 's/.*, //'); do
	grep -rqw "$e" lib osi p1 mta store tools conformance --include='*.c' ||
	    unused="$unused $e"
done
is "$unused" "" "every event in lib/events.h is logged by some code"

# the operator's documents link each other
for d in docs/operators-guide.md docs/events.md docs/config.md; do
	ok "$([ -s "$d" ] && echo 0 || echo 1)" "$d exists"
done
bad=""
for l in $(grep -oh '](\([a-z0-9_./-]*\.md\)' docs/*.md README.md | sed 's/](//' | sort -u); do
	[ -f "docs/$l" ] || [ -f "$l" ] || bad="$bad $l"
done
is "$bad" "" "every relative link between the documents leads to a file"

done_testing
