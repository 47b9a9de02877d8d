#!/bin/sh
# layers.sh - the layering check: dependencies point only downward, no
# giant files.
#
# usage: tests/support/layers.sh [ROOT]
#
# Each folder of our own C code has a rank (the picture in README.md):
#
#   6  bench/
#   5  tools/  conformance/     programs and the conformance suite
#   4  mta/                     the daemon
#   3  p1/                      P1 semantics and the P1 association
#   2  osi/  store/             the OSI stack on libuv; the LMDB queue
#   1  asn1/                    our modules and the codec wrapper
#   0  lib/                     buffers, allocation, logging, events, pcap
#
# A file may include a header of its own folder or of a folder of lower
# rank; a header of the same rank elsewhere or of a higher rank is an
# upward (or sideways) arrow and fails. Headers that are not ours (system,
# generated into build/gen, tests/support) are not judged. A C file of ours
# (not generated, not under tests/) of more than MAX_LINES lines fails too.
# A folder's subfolders (a program in several files, tools/x400q/) count
# as the folder.
# Every failure is one line naming the file; the exit status is 1 if any.
set -u
root=${1:-.}
MAX_LINES=${MAX_LINES:-1000}
cd "$root" || exit 2

rank() {
	case $1 in
	lib) echo 0 ;; asn1) echo 1 ;; osi|store) echo 2 ;; p1) echo 3 ;;
	mta) echo 4 ;; tools|conformance) echo 5 ;; bench) echo 6 ;;
	*) echo "" ;;
	esac
}
dirs="lib asn1 osi store p1 mta tools conformance bench"

# header -> folder, for every header of ours; a name in two folders is a
# fault of its own (flat includes need unique names)
map=$(mktemp); trap 'rm -f "$map"' EXIT
bad=0
for d in $dirs; do
	for h in "$d"/*.h "$d"/*/*.h; do
		[ -f "$h" ] && echo "${h##*/} $d"
	done
done | sort >"$map"
dup=$(awk '{print $1}' "$map" | uniq -d)
for h in $dup; do
	echo "layers: header $h exists in two folders:" $(awk -v h="$h" '$1==h{print $2}' "$map")
	bad=1
done

for d in $dirs; do
	r=$(rank "$d")
	for f in "$d"/*.c "$d"/*.h "$d"/*/*.c "$d"/*/*.h; do
		[ -f "$f" ] || continue
		for h in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
			hd=$(awk -v h="${h##*/}" '$1==h{print $2; exit}' "$map")
			[ -n "$hd" ] || continue
			[ "$hd" = "$d" ] && continue
			hr=$(rank "$hd")
			if [ "$hr" -ge "$r" ]; then
				echo "layers: $f includes $h from $hd/ (rank $hr), not below $d/ (rank $r)"
				bad=1
			fi
		done
		case $f in *.c)
			n=$(wc -l <"$f")
			if [ "$n" -gt "$MAX_LINES" ]; then
				echo "layers: $f has $n lines, more than $MAX_LINES"
				bad=1
			fi ;;
		esac
	done
done
exit $bad
