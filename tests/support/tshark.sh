# tshark.sh - judge captures with tshark, our independent decoder (sourced)
#
# SYNOPSIS
#	. tests/support/tshark.sh
#	tshark_complaints FILE PORTS X410   frames tshark complains about
#
# DESCRIPTION
#	tshark_complaints reads FILE with TCP ports PORTS (a tshark port
#	range, "17102-17104") decoded as RFC 1006 and prints one line per
#	frame with data that is malformed, carries an expert message of
#	severity warning or worse, or is not TPKT over COTP; the status is
#	1 if it printed any. With X410 set to 1, the two complaints this
#	tshark raises on ISODE's own X.410-1984 traffic too ("zero-byte P1
#	PDU", "can't get spdu type": tests/unit/test_assoc.c,
#	test_x410_reference) are allowed, and only those. On every capture
#	the warning "Unknown standard-extension" is allowed: this tshark
#	reads extension types the X.411 1992 way and warns on the 1988 form
#	(A0 03 02 01 nn) that links write by default (docs/editions.md).

tshark_frames() {
	tshark -2 -r "$1" -d "tcp.port==$2,tpkt" -Y 'tcp.len > 0' \
	    -T fields -E separator='|' -e frame.protocols -e _ws.malformed \
	    -e _ws.expert.severity -e _ws.expert.message 2>/dev/null
}

tshark_complaints() {
	tshark_frames "$1" "$2" | awk -F'|' -v x410="$3" '
	    NF >= 4 {
		bad = ($2 != "" || $1 ~ /malformed/)
		n = split($3, s, ",")
		for (i = 1; i <= n; i++) if (s[i] + 0 >= 6291456) bad = 1
		if (bad && x410 && ($4 ~ /zero-byte P1 PDU/ || $4 ~ /can.t get spdu type/))
			bad = 0
		# tshark reads extension types the 1992 way; the 1988 form
		# (A0 03 02 01 nn, docs/editions.md) is read but warned on
		if (bad && $2 == "" && $1 !~ /malformed/ && $4 ~ /^Unknown standard-extension(,Unknown standard-extension)*$/)
			bad = 0
		if (bad) { print; c++ }
	    }
	    $1 !~ /tpkt:cotp/ && NF >= 4 { print "not tpkt:cotp: " $0; c++ }
	    END { exit c > 0 }'
}
