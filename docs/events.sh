#!/bin/sh
# events.sh - the event table of docs/events.md, from x400d -E
#
# usage: sh docs/events.sh [X400D]        print the table
#        sh docs/events.sh -w [X400D]     rewrite it in docs/events.md
#
# The table sits between the markers "<!-- events -->" and
# "<!-- /events -->"; tests/integration/docs.sh fails when it differs
# from what x400d -E prints, so an event cannot be added undocumented.
set -eu
write=0
[ "${1:-}" = -w ] && { write=1; shift; }
x400d=${1:-build/bin/x400d}

table() {
	echo "| event | name | meaning |"
	echo "| ---: | --- | --- |"
	"$x400d" -E | awk -F'\t' '{ printf "| %s | `%s` | %s |\n", $1, $2, $3 }'
}

if [ $write = 0 ]; then
	table
	exit 0
fi
doc=docs/events.md
t=$(mktemp)
table >"$t"
awk -v t="$t" '
	/^<!-- \/events -->$/ { skip = 0 }
	!skip { print }
	/^<!-- events -->$/ { while ((getline l < t) > 0) print l; skip = 1 }
' "$doc" >"$doc.new"
mv "$doc.new" "$doc"
rm -f "$t"
