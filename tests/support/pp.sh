# tests/support/pp.sh - what the interop tests (tests/interop/) share
#	about PP, the kit's MTA: set KIT, PP (its PREFIX), and for submit
#	and queued SUBMIT_AT (our x400d, ADDR:PORT), US and PPDOM (our
#	domain and PP's), Q (our queue), then source this after sites.sh
#
#	pp ARGS...          the kit's run.sh on our PREFIX
#	pp_stop             stop PP, quietly
#	queued              how many messages our x400d's queue holds
#	submit N ARGS...    N messages to three of PP's users through our
#	                    x400d; their MTS identifiers' local parts are
#	                    added to $WORK/sent
#	in_pp_queue FILE    how many ids of FILE PP's queue holds, with all
#	                    three recipients

pp() { "$KIT/run.sh" "$PP" "$@"; }
pp_stop() { pp stop >/dev/null 2>&1 || true; }

queued() { "$X400_BIN/x400q" -d "$Q" -j list | jq length; }

submit() {
	_n=$1; shift
	"$X400_BIN/x400send" -a "$SUBMIT_AT" -n ua -w pw-ua -g "$US" \
	    -f "$US;O=TESTORG;S=tester" -r "$PPDOM;S=alice" \
	    -r "$PPDOM;S=bob" -r "$PPDOM;S=carol" -N "$_n" "$@" \
	    >"$WORK/submit.out" 2>&1 || return 1
	sed -n 's/^message .*;L=\(.*\) confirmed$/\1/p' "$WORK/submit.out" \
	    >>"$WORK/sent"
}

in_pp_queue() {
	pp queue >"$WORK/ppq" 2>/dev/null
	_c=0
	while read -r _id; do
		if awk -F'\t' -v id="$_id" '$3 == id' "$WORK/ppq" |
		    grep -q 'alice.*bob.*carol\|carol.*bob.*alice'; then
			_c=$((_c + 1))
		fi
	done <"$1"
	echo $_c
}
