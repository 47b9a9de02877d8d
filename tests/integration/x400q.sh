#!/bin/sh
# x400q.sh - every x400q command against a store the test fills
#
# test_store_writer fill writes seven known messages (ids 1 to 7: see
# fills[] in tests/unit/test_store_writer.c); each x400q command runs
# against them, in human and in --json form, the JSON read back by a
# JSON parser (jq, Debian package jq). x400q reads a configuration (-c)
# with links alpha, beta, gamma (outbound) and in (inbound only), which
# reroute is checked against. Then the store is damaged and check must see it and
# --repair fix it; and finally x400q reads and changes the store while
# another process (test_store_writer load) writes to it.
set -u
: "${X400_BIN:?}" "${X400_TESTBIN:?}"
W=$X400_TESTBIN/test_store_writer
Q=$X400_BIN/x400q
tmp=$(mktemp -d "${TMPDIR:-/tmp}/x400q.XXXXXX")
trap '[ -n "${wpid:-}" ] && kill -9 "$wpid" 2>/dev/null; rm -rf "$tmp"' \
    EXIT INT TERM
D=$tmp/q
n=0

# t DESCRIPTION CMD... - one TAP line: ok when CMD succeeds
t() {
	d=$1
	shift
	n=$((n + 1))
	if "$@" >"$tmp/out" 2>"$tmp/err"; then
		echo "ok $n - $d"
	else
		echo "not ok $n - $d"
		sed 's/^/# /' "$tmp/out" "$tmp/err" | head -n 40
	fi
}

# lk NAME N - an outbound link's text, to 127.0.0.N
lk() {
	printf '  { name = "%s"; peer_mta = "mta-%s"; peer_password = "pw";\n' "$1" "$1"
	printf '    our_password = "pw"; addresses = ( { host = "127.0.0.%s"; port = 102; } ); },\n' "$2"
}

# config FILE LOCAL - an x400d configuration for the test store: its
#	links, and LOCAL as the local domain
config() {
	cat >"$1" <<EOF
global = { mta_name = "mta-q"; domain = "C=GB;A= ;P=ACME"; queue_dir = "$D";
  allow_plaintext = true; };
listen = { addresses = [ "127.0.0.1:10102" ]; tsel = "x400"; };
links = (
$(lk alpha 2)
$(lk beta 3)
$(lk gamma 4)
  { name = "in"; direction = "inbound"; peer_mta = "mta-in"; peer_password = "pw"; }
);
routing = { local_dir = "$tmp/mb"; local = [ "$2" ];
  routes = ( { pattern = "C=GB"; link = "alpha"; cost = 10; } ); };
EOF
}
C=$tmp/x400d.conf
C2=$tmp/ours.conf
config "$C" "C=GB;A= ;P=OTHER"
config "$C2" "C=GB;A= ;P=ACME;O=Acme"

# q ARGS... - x400q on the test store, with the configuration C
q() {
	"$Q" -c "$C" -d "$D" "$@"
}

# refused WHY ARGS... - x400q ARGS exits 1 and says WHY (grep -F)
refused() {
	w=$1
	shift
	q "$@" >/dev/null 2>"$tmp/err.r"
	st=$?
	[ $st -eq 1 ] && grep -qF -- "$w" "$tmp/err.r" && return 0
	echo "status $st:"
	cat "$tmp/err.r"
	return 1
}

# fails STATUS CMD... - CMD exits with exactly STATUS
fails() {
	want=$1
	shift
	"$@" >/dev/null 2>"$tmp/err.f"
	[ $? -eq "$want" ]
}

# json EXPR ARGS... - x400q -j ARGS succeeds, its output parses, and
#	the jq filter EXPR is true of it; json_st STATUS EXPR ARGS... the
#	same with that exit status
json() {
	json_st 0 "$@"
}

json_st() {
	st=$1
	expr=$2
	shift 2
	q -j "$@" >"$tmp/json"
	[ $? -eq "$st" ] || return 1
	jq -e "$expr" "$tmp/json" >/dev/null || { head -c 3000 "$tmp/json"; return 1; }
}

# ids ARGS... - the ids list -j ARGS prints, space-separated
ids() {
	q -j list "$@" | jq -r '[.[].id | tostring] | join(" ")'
}

# same A B - two strings equal (shows both when not)
same() {
	[ "$1" = "$2" ] || { echo "got [$1] want [$2]"; return 1; }
}

# has PATTERN CMD... - CMD's output contains PATTERN (grep -E)
has() {
	p=$1
	shift
	"$@" >"$tmp/has" 2>&1 || return 1
	grep -Eq -- "$p" "$tmp/has" || { cat "$tmp/has"; return 1; }
}

echo "1..85"

t "fill writes messages 1 to 7" sh -c \
    "'$W' fill '$D' | awk '{print \$1}' | tr '\n' ' ' | grep -qx '1 2 3 4 5 6 7 '"

# ---- usage ----------------------------------------------------------------
t "no command: usage error (2)" fails 2 "$Q"
t "unknown command: usage error" fails 2 q frobnicate
t "--help prints the manual" has "^usage: x400q" "$Q" --help
t "a bad filter value is a usage error" fails 2 q list -s bogus
t "a missing store fails (1) and says so" sh -c \
    "'$Q' -d '$tmp/none' list 2>&1 >/dev/null | grep -q 'no store there'; \
     '$Q' -d '$tmp/none' list >/dev/null 2>&1; [ \$? -eq 1 ]"
t "X400_QUEUE names the store" sh -c \
    "X400_QUEUE='$D' '$Q' list | tail -n 1 | grep -qx '7 messages'"
t "-c: the configuration's queue_dir is the store" sh -c \
    "X400_QUEUE='$tmp/none' '$Q' -c '$C' list | tail -n 1 | grep -qx '7 messages'"

# ---- list -----------------------------------------------------------------
t "list: a table of seven" has "^7 messages$" q list
t "list: columns and an originator" has \
    "^ +3 +3d00h +non-urgent +message +300 +- +local/pending +C=GB;A= ;P=ACME;O=Acme;S=Eve$" \
    q list
t "list --json: seven messages with their recipients" json \
    '[.[].id] == [1,2,3,4,5,6,7] and (.[0].recipients | length) == 2 and .[0].recipients[1].link == "beta"' \
    list
t "list -l alpha" same "$(ids -l alpha)" "1 2 5 6"
t "list -s report" same "$(ids -s report)" "4"
t "list -p urgent" same "$(ids -p urgent)" "2"
t "list -p non-urgent" same "$(ids --priority non-urgent)" "3"
t "list -o 1d (older than a day)" same "$(ids -o 1d)" "3"
t "list -n 5m (newer than five minutes)" same "$(ids -n 5m)" "2 5 6 7"
t "list -f originator glob" same "$(ids -f '*S=Eve')" "3 4"
t "list -t recipient glob, case ignored" same "$(ids -t '*s=carol*')" "1"
t "list -H held" same "$(ids -H)" "5"
t "list -k probe" same "$(ids -k probe)" "6"
t "list -l beta -s pending" same "$(ids -l beta -s pending)" "1 4 7"
t "list: recipient filters hold for the same recipient" \
    same "$(ids -l alpha -s report)" ""
t "list -m 2" same "$(ids -m 2)" "1 2"

# ---- show -----------------------------------------------------------------
t "show: envelope fields, recipients, trace, history" sh -c \
    "'$Q' -d '$D' show 1 >'$tmp/s1' && \
     grep -q 'MTS identifier  C=GB;A= ;P=ACME;L=fill-1' '$tmp/s1' && \
     grep -Eq '^ +1 pending +beta .* C=GB;A= ;P=ACME;O=Acme;S=Carol$' '$tmp/s1' && \
     grep -Eq '^  1\. C=GB;A= ;P=ACME +arrived .* relayed$' '$tmp/s1' && \
     grep -Eq '^  .*  arrival +link in peer 127.0.0.2:102' '$tmp/s1' && \
     grep -q '^MessageTransferEnvelope ::= {' '$tmp/s1' && \
     grep -q 'trace-information: TraceInformation' '$tmp/s1'"
t "show: a recipient's failure reason and diagnostic" has \
    "reason 1 diagnostic 3: loop detected" q show 4
t "show --json: identifier, trace, history, envelope" json \
    '.mtsid == "C=GB;A= ;P=ACME;L=fill-1" and .in_queue and .trace[0].domain == "C=GB;A= ;P=ACME" and .trace[0].action == "relayed" and .history[0].type == "arrival" and (.envelope | contains("per-recipient-fields")) and .content_type == "22" and .size == 100' \
    show 1
t "show --raw: the stored BER, which x400ber decodes" sh -c \
    "'$Q' -d '$D' show --raw 1 >'$tmp/raw' && \
     '$X400_BIN/x400ber' -t MTS-APDU '$tmp/raw' | grep -q 'local-identifier: fill-1' && \
     [ \$(wc -c <'$tmp/raw') -eq \$('$Q' -d '$D' -j show 1 | jq .apdu_size) ]"
t "show of no message fails" fails 1 q show 99
t "show of a bad id is a usage error" fails 2 q show x1

# ---- stats ----------------------------------------------------------------
t "stats: totals, per link and state, oldest" sh -c \
    "'$Q' -d '$D' stats >'$tmp/st' && \
     grep -q '^messages 7, recipients 9, size 2.7K (APDUs 4.0K)' '$tmp/st' && \
     grep -Eq '^beta +report +1 +1 +400$' '$tmp/st' && \
     grep -q '^oldest: message 3' '$tmp/st' && grep -q '^held links: none' '$tmp/st'"
t "stats --json: the counters add up" json \
    '.messages == 7 and .recipients == 9 and ([.per_link_state[].recipients] | add) == 9 and [.per_link_state[] | select(.link == "alpha" and .state == "pending") | .messages] == [4] and ([.age_histogram[].messages] | add) == 7 and .oldest.id == 3' \
    stats

# ---- shape ------------------------------------------------------------------
t "shape --json: waiting recipients per link, as stats counts them" json \
    '(map({(.name): .total}) | add) == {"alpha": 4, "beta": 3, "local": 1} and all(.[]; (.ages | add) == .total)' \
    shape
t "... the three-day-old message is in the last column (1280m+)" json \
    '[.[] | select(.name == "local") | .ages[9]] == [1]' shape
t "shape -D: per recipient domain (C, A, P)" has \
    '^C=GB;A= ;P=ACME +8 ' q shape -D
t "shape: a TOTAL row first, then the links, most first" sh -c \
    "'$Q' -d '$D' shape | sed -n '2p;3p' | awk '{print \$1}' | tr '\n' ' ' | grep -qx 'TOTAL alpha '"

# ---- hold and release -------------------------------------------------------
t "hold 1" q hold 1
t "... 1 is listed as held" same "$(ids -H)" "1 5"
t "release 1" q release 1
t "... and is not" same "$(ids -H)" "5"
t "hold 1 -r 1 holds one recipient" sh -c \
    "'$Q' -d '$D' hold 1 -r 1 >/dev/null && '$Q' -d '$D' -j show 1 | \
     jq -e '.recipients[1].held and (.recipients[0].held | not)' >/dev/null && \
     '$Q' -d '$D' release 1 --rcpt 1 >/dev/null"
t "hold -l alpha" q hold -l alpha
t "... alpha is a held link in stats" json \
    '[.held_links[].link] == ["alpha"]' stats
t "release -l alpha --json" json '.ok and .link == "alpha"' \
    release -l alpha
t "the journal has the holds and releases of 1" json \
    '[.[].type] == ["arrival", "hold", "release", "hold", "release"] and (.[1].text | startswith("held by"))' \
    journal 1
t "hold 1 4: several ids at once" q hold 1 4
t "... both held" same "$(ids -H)" "1 4 5"
t "release - reads the ids from standard input" sh -c \
    "printf '1\n\n# a comment\n4 the first word counts\n' | '$Q' -d '$D' release -"
t "... neither held now" same "$(ids -H)" "5"
t "hold 1 999999: the missing id fails, exit 1, the other is done" \
    fails 1 q hold 1 999999
t "... 1 is held all the same" same "$(ids -H)" "1 5"
t "release 1 --json: -j after the command" json '.ok and .id == 1' \
    release 1 --json
t "list -j works like -j list" same "$(q list -j | jq -r '[.[].id | tostring] | join(" ")')" "$(ids)"
t "hold 1 4 -r 1: -r with several ids is a usage error" fails 2 q hold 1 4 -r 1
t "release x: a bad id is a usage error" fails 2 q release x
t "hold - with a bad line names it" sh -c \
    "printf '1\nxyz\n' | '$Q' -d '$D' hold - 2>&1 | grep -q 'line 2: \"xyz\" is not a message id'"

# ---- retry, reroute, delete -------------------------------------------------
t "retry 4" q retry 4
t "retry of a recipient that does not exist fails" fails 1 q retry 2 -r 5
t "retry -l beta makes the link's messages due" has \
    "retry link beta: 3 messages due now" q retry -l beta
t "reroute 1 gamma -r 0" q reroute 1 gamma -r 0
t "... recipient 0 is on gamma, its history says so" json \
    '.recipients[0].link == "gamma" and .recipients[1].link == "beta" and .history[-1].type == "reroute" and .history[-1].text == "alpha -> gamma"' \
    show 1
t "reroute to a reserved name is refused" fails 1 q reroute 1 @report
t "reroute to a link the configuration lacks: refused, exit 1" \
    refused 'refused: no link "nosuch"' reroute 1 nosuch
t "reroute to an inbound-only link: refused" \
    refused "refused: link in is inbound only: it cannot send" reroute 1 in
t "reroute local of a recipient our routing relays: refused" \
    refused "recipient 0 (C=GB;A= ;P=ACME;O=Acme;S=Bob) is not ours to deliver: our routing sends it to link alpha" \
    reroute 1 local
t "reroute without a readable configuration: refused" sh -c \
    "'$Q' -c '$tmp/none.conf' -d '$D' reroute 1 beta 2>'$tmp/e'; \
     [ \$? -eq 1 ] && grep -q 'none.conf' '$tmp/e'"
t "... message 1 unchanged by the refusals" json \
    '.recipients[0].link == "gamma" and .recipients[1].link == "beta" and .history[-1].text == "alpha -> gamma" and ([.recipients[].state] | unique) == ["pending"]' \
    show 1
t "reroute local of our own recipient (local domain P=ACME;O=Acme)" \
    "$Q" -c "$C2" -d "$D" reroute 1 local -r 1
t "... no reroute made a report, and the journal names the operator" json \
    "([.recipients[].state] | unique) == [\"pending\"] and .recipients[1].link == \"local\" and ([.history[] | select(.type == \"report\")] | length) == 0 and .history[-1].user == \"$(id -un)\"" \
    show 1
t "no report message was made" same "$(ids -k report)" "7"
t "delete 2 --ndr" q delete 2 --ndr
t "... its recipient owes a non-delivery report" json \
    '.recipients[0].state == "report" and .recipients[0].reason == 1 and .history[-1].text == "with non-delivery report"' \
    show 2
t "delete 3" q delete 3
t "... 3 is gone, its history stays" json \
    '(.in_queue | not) and .history[-1].type == "delete"' show 3
t "delete 3 again fails" fails 1 q delete 3
t "list after the changes" same "$(ids)" "1 2 4 5 6 7"

# ---- check ------------------------------------------------------------------
t "check: consistent" has "^consistent$" q check
t "check --json: consistent" json '.consistent and .problems == []' \
    check
"$W" damage "$D"
t "check finds the damage (exit 1)" sh -c \
    "'$Q' -d '$D' check >'$tmp/ck'; [ \$? -eq 1 ] && \
     grep -q 'message 1: no content' '$tmp/ck' && \
     grep -q 'recipient 0 of message 4242: no such message' '$tmp/ck' && \
     grep -q 'count beta/pending' '$tmp/ck'"
t "check --json lists the problems" json_st 1 \
    '(.consistent | not) and (.problems | length) >= 3 and all(.problems[]; .repair == null)' \
    check
t "check --repair fixes them and says what it did" sh -c \
    "'$Q' -d '$D' check --repair >'$tmp/rp' && \
     grep -q 'problem: message 1: no content (APDU missing) -- message removed' '$tmp/rp' && \
     grep -q 'found and repaired$' '$tmp/rp'"
t "check after repair: consistent" has "^consistent$" q check

# ---- while another process writes ---------------------------------------------
"$W" load "$D" 900 >"$tmp/load.log" 2>&1 &
wpid=$!
i=0
while [ "$i" -lt 50 ] && ! grep -q '^C ' "$tmp/load.log"; do
	sleep 0.1
	i=$((i + 1))
done
busy() {
	k=0
	while [ $k -lt 3 ]; do
		q -j list >"$tmp/bl" && jq -e 'type == "array"' "$tmp/bl" >/dev/null || return 1
		q -j stats >"$tmp/bs" && jq -e '.messages > 0' "$tmp/bs" >/dev/null || return 1
		q check >"$tmp/bc" && grep -qx consistent "$tmp/bc" || { cat "$tmp/bc"; return 1; }
		q show 4 >/dev/null || return 1
		q hold 4 >/dev/null && q release 4 >/dev/null || return 1
		k=$((k + 1))
	done
}
t "list, stats, check, show, hold while the writer writes" busy
t "the writer was writing meanwhile" sh -c \
    "kill -0 $wpid && [ \$(grep -c '^C ' '$tmp/load.log') -gt 20 ]"
kill -9 "$wpid" 2>/dev/null
{ wait "$wpid"; } 2>/dev/null
wpid=
t "check after the writer died: consistent" has "^consistent$" q check
