#!/bin/sh
# srcaddr_kb.sh - issue 6, must-show 1: the multihomed MTA of Microsoft KB
#	Q197378, its fix (the per-link source address), and source_enforce
#
# MTA A has two addresses, 127.0.0.2 and 127.0.0.3. It relays NMSG (200)
# messages to MTA B, whose link for A allows 127.0.0.2 only.
#
# A fresh association per message: A's link to B has max_transfers = 1,
# so each association carries one message and is released; the next
# message goes over a new association, from a new TCP connection with a
# new choice of source address. (One association carrying all 200 would
# hide the problem, not show it.) The test submits all messages to A at
# once, over one association of x400send's, as A's user agent "ua".
#
# The operating system's choice: without a source address x400d leaves
# the choice to the kernel, which on Linux loopback always picks
# 127.0.0.1. A multihomed host's choice is emulated, in this test only,
# by tests/support/preload/srcshim.c: preloaded into A's x400d, it binds
# each unbound outgoing TCP socket to 127.0.0.2 or 127.0.0.3 at random
# (fixed seed, so a run is repeatable) just before connect(), and logs
# each choice. A socket x400d bound itself is left alone ("kept").
#
# Part 1, no source address on A's link: B refuses the associations from
# 127.0.0.3 with event 3003 bind-bad-address naming the caller, the MTA
# it claimed, the link, what the link allows, the fix and the bind error
# sent. A retries (open_interval 100 ms) and every message is delivered
# at B exactly once. The refused share is printed.
# Part 2, source_address = "127.0.0.2": every association is bound on the
# first attempt; B logs no address event.
# Part 3, source_address = "192.0.2.1" (TEST-NET-1, on no host) with
# source_enforce = true: A logs a local configuration error (2007) and
# holds the link (2009) without blaming B; no connection reaches B, the
# messages wait. Fixing the address and SIGHUP delivers them.
# Part 4, the same address with source_enforce = false: a warning (2008)
# and the OS's choice; the messages are delivered.
# In every part A logs, for each association, the local address it used
# (2001), and the test matches those against the shim's choices.
#
# A sends its password to B from a secrets file (mode 600); B verifies
# it against a PBKDF2 hash made by x400passwd. A secrets file others may
# read is refused.
set -u
. tests/support/sites.sh
sites_init srcaddr_kb

NMSG=${KB_MESSAGES:-200}
SEED=${KB_SEED:-197378}
CC=${CC:-cc}
DOM_A="C=XX;A=ADMD;P=SITEA"
DOM_B="C=XX;A=ADMD;P=SITEB"

# ---- the shim ------------------------------------------------------------
SHIM=$WORK/srcshim.so
if ! $CC -shared -fPIC -o "$SHIM" tests/support/preload/srcshim.c -ldl \
    2>"$WORK/cc.err"; then
	sed 's/^/# /' "$WORK/cc.err"
	echo "Bail out! cannot build the source-address shim"
	exit 1
fi
PRELOAD=$(preload_asan "$SHIM")
X400_SHIM_SRC="127.0.0.2,127.0.0.3" X400_SHIM_SEED=$SEED
export X400_SHIM_SRC X400_SHIM_SEED

HASH_A=$(printf 'secret-a\n' | "$X400_BIN/x400passwd" -i 1000)
printf 'to-B = "secret-a";\n' >"$WORK/a.secrets"
chmod 600 "$WORK/a.secrets"

# site_b N - B for part N: its link for A allows 127.0.0.2 only
site_b() {
	site "b$1" mta-b "$DOM_B" 127.0.0.5 $((PORT + $1)) "\
  { name = \"from-A\"; direction = \"inbound\"; peer_mta = \"mta-a\";
    peer_password = \"$HASH_A\"; our_password = \"secret-b\";
    allow = [ \"127.0.0.2\" ]; max_associations = 2; }" ""
}

# site_a N SRC ENFORCE - A for part N, its link to B from SRC
site_a() {
	site "a$1" mta-a "$DOM_A" 127.0.0.2 $((PORT + 4 + $1)) "\
  { name = \"to-B\"; direction = \"outbound\"; peer_mta = \"mta-b\";
    peer_password = \"secret-b\"; our_password_ref = \"to-B\";
    addresses = ( { host = \"127.0.0.5\"; port = $((PORT + $1));
                    tsel = \"x400\"; } );
    source_address = \"$2\"; source_enforce = $3;
    max_transfers = 1; max_associations = 1;
    idle_timeout = \"100ms\"; open_interval = \"100ms\";
    connect_timeout = \"10s\"; }" \
	    "    { pattern = \"$DOM_B\"; link = \"to-B\"; }" \
	    "secrets_file = \"$WORK/a.secrets\";"
}

# submit N TAG COUNT - COUNT messages to A of part N, over one association
submit() {
	send "a$1" -r "$DOM_B;S=Jones" -s "$2" -b "KB Q197378" -R none \
	    -N "$3" >"$WORK/send$1.out" 2>&1 ||
	    { sed 's/^/# /' "$WORK/send$1.out"; return 1; }
}

# nothing_for_b N - A of part N has no recipient pending or in transfer
nothing_for_b() {
	for _st in pending transfer; do
		[ "$("$X400_BIN/x400q" -d "$WORK/a$1/queue" -j list -l to-B \
		    -s "$_st" | jq length)" = 0 ] || return 1
	done
}

# pending_for_b N - how many messages A of part N has pending for B
pending_for_b() {
	"$X400_BIN/x400q" -d "$WORK/a$1/queue" -j list -l to-B -s pending |
	    jq length
}

# delivered_once N - B's mailbox of part N holds NMSG messages, each once
delivered_once() {
	_box=$WORK/b$1/mailboxes
	is "$(count_files "$_box")" "$2" "$2 messages delivered at B"
	is "$(find "$_box" -name '*.txt' -exec head -qn1 {} + | sort -u |
	    wc -l | tr -d ' ')" "$2" \
	    "each exactly once ($2 distinct MTS identifiers)"
}

# local_addresses N - the local addresses (no port) of A's associations
#	to B in part N, sorted, from A's events 2001
local_addresses() {
	grep -F '"event":2001,' "$WORK/a$1/x400d.log" |
	    grep -F '"link":"to-B"' |
	    sed -n 's/.*from local address \([0-9.]*\):[0-9]* .*/\1/p' | sort
}

# shim_choices N - the addresses the shim chose in part N, sorted
shim_choices() {
	sed -n 's/^bound //p' "$WORK/shim$1.log" | sort
}

# ---- part 1: the operating system chooses ------------------------------
site_b 1
site_a 1 "" false
start b1
ok $? "B starts; its link for A allows 127.0.0.2 only"
export X400_SHIM_LOG=$WORK/shim1.log
start a1 "$PRELOAD"
ok $? "A starts under the source-address shim (addresses 127.0.0.2, 127.0.0.3)"
submit 1 kb1 "$NMSG"
ok $? "$NMSG messages submitted to A"
wait_files "$WORK/b1/mailboxes" "$NMSG" 300
ok $? "$NMSG messages relayed by A to B, one association each"

refused=$(events b1 3003 from-A)
accepted=$(events b1 3000 from-A)
total=$((refused + accepted))
echo "# part 1: B refused $refused of $total associations from A" \
    "($((total ? refused * 100 / total : 0))%); all retried and delivered"

check "the shim chose both addresses" \
    sh -c "grep -q '^bound 127.0.0.2\$' '$WORK/shim1.log' &&
	   grep -q '^bound 127.0.0.3\$' '$WORK/shim1.log'"
check "some associations were refused with event 3003 bind-bad-address" \
    [ "$refused" -gt 0 ]
is "$(shim_choices 1 | grep -c '^127.0.0.3$') $(shim_choices 1 |
    grep -c '^127.0.0.2$')" "$refused $accepted" \
    "every association from 127.0.0.3 refused, every one from 127.0.0.2 accepted"
is "$(event_texts b1 3003 from-A | sort | uniq -c | sed 's/^ *//')" \
    "$refused caller 127.0.0.3 claimed MTA \"mta-a\"; link from-A allows 127.0.0.2 only; set mta-a's source address or allow 127.0.0.3; sent bind error authentication-error (2) in RTORJ" \
    "each refusal names caller, claimed MTA, link, what is allowed, the fix and the bind error sent"
is "$(events_with a1 3006 'refused our MTA-bind from 127.0.0.3:')" \
    "$refused" "A logged each refusal (3006) naming the source address it used"
is "$(events a1 2001 to-B)" "$total" \
    "A logged the local address of every association (2001), refused or not"
is "$(local_addresses 1 | tr '\n' ' ')" "$(shim_choices 1 | tr '\n' ' ')" \
    "the local addresses A logged are the addresses the OS (the shim) chose"
is "$(events_with a1 2001 '(chosen by the OS)')" "$total" \
    "A's events say the OS chose them"
delivered_once 1 "$NMSG"
is "$accepted $(events b1 3103) $(events a1 4002)" "$NMSG 0 0" \
    "one accepted association per message, no duplicate transfer, no report"
is "$(events b1 3005)" 0 \
    "refusals for the address do not slow A down (no 3005 at B)"
wait_until 30 nothing_for_b 1
ok $? "A's queue holds nothing for B any more"
stop a1
ok $? "A stops cleanly"
stop b1
ok $? "B stops cleanly"

# ---- part 2: the fix, source_address = "127.0.0.2" ---------------------
site_b 2
site_a 2 127.0.0.2 true
start b2
ok $? "B starts again"
export X400_SHIM_LOG=$WORK/shim2.log
start a2 "$PRELOAD"
ok $? "A starts with source_address = \"127.0.0.2\" on its link to B"
submit 2 kb2 "$NMSG"
ok $? "$NMSG messages submitted to A"
wait_files "$WORK/b2/mailboxes" "$NMSG" 300
ok $? "$NMSG messages relayed by A to B, one association each"
echo "# part 2: B refused $(events b2 3003) of" \
    "$(($(events b2 3003) + $(events b2 3000 from-A))) associations from A"
is "$(events b2 3003) $(events a2 3006)" "0 0" \
    "no association refused (no 3003 at B, no 3006 at A)"
# one association per message, and now and then one more that found its
# message settling (sent, its result not yet committed) and had nothing to
# send: what counts is that every one was bound, from 127.0.0.2
conns=$(events a2 2001 to-B)
is "$conns $(events b2 3000 from-A)" "$conns $conns" \
    "every association bound on the first attempt ($conns connections for $NMSG messages)"
ok "$([ "$conns" -ge "$NMSG" ] && echo 0 || echo 1)" "at least one association per message ($conns)"
is "$(events_with a2 2001 'from local address 127.0.0.2:') $(events_with a2 2001 '(configured source 127.0.0.2)')" \
    "$conns $conns" \
    "A logged each association's local address, the configured 127.0.0.2"
is "$(grep -c '^kept 127.0.0.2$' "$WORK/shim2.log") $(grep -c '^bound' "$WORK/shim2.log")" \
    "$conns 0" "the shim found every socket bound by x400d already"
is "$(events b2 3103)" 0 "no message was transferred twice (no 3103 at B)"
delivered_once 2 "$NMSG"
stop a2
ok $? "A stops cleanly"
stop b2
ok $? "B stops cleanly"

# ---- part 3: an address not on this host, source_enforce = true --------
site_b 3
site_a 3 192.0.2.1 true
start b3
ok $? "B starts again"
export X400_SHIM_LOG=$WORK/shim3.log
start a3 "$PRELOAD"
ok $? "A starts with source_address = \"192.0.2.1\" (on no host), source_enforce = true"
submit 3 kb3 3
ok $? "3 messages submitted to A"
held() { [ "$(events a3 2009 to-B)" -ge 2 ]; }
wait_until 60 held
ok $? "A holds the link and tries again after open_interval (2009 twice)"
is "$(event_texts a3 2007 to-B | sort -u)" \
    "source address 192.0.2.1 cannot be used (address not available): not connecting to 127.0.0.5:$((PORT + 3)); this is a local configuration error, not the peer's fault" \
    "each attempt: 2007 srcaddr-unavailable names the address, the cause, and that it is a local configuration error, not the peer's fault"
is "$(event_texts a3 2009 to-B | sort -u)" \
    "link to-B held: its source address 192.0.2.1 is not usable on this host; a local configuration error, mta-b is not at fault; set source_address on link to-B to an address of this host, or source_enforce = false; next attempt in 100 ms" \
    "each time 2009 srcaddr-link-held holds the link without blaming B, and names the fix"
is "$(events a3 2002) $(events a3 3006) $(events b3 2000)" "0 0 0" \
    "nothing blames B (no 2002, no 3006 at A), and no connection reached B"
is "$(cat "$WORK/shim3.log" 2>/dev/null | wc -l | tr -d ' ')" 0 \
    "no connect() was even tried (the shim saw none)"
is "$(pending_for_b 3) $(events a3 4002)" "3 0" \
    "the 3 messages wait in A's queue; no report"
sed 's/source_address = "192.0.2.1"/source_address = "127.0.0.2"/' \
    "$WORK/a3/x400d.conf" >"$WORK/a3/x400d.conf.new" &&
    mv "$WORK/a3/x400d.conf.new" "$WORK/a3/x400d.conf"
hup a3
wait_files "$WORK/b3/mailboxes" 3 60
ok $? "source_address fixed and SIGHUP: the 3 held messages are delivered"
delivered_once 3 3
stop a3
ok $? "A stops cleanly"
stop b3
ok $? "B stops cleanly"

# ---- part 4: an address not on this host, source_enforce = false -------
site_b 4
site_a 4 192.0.2.1 false
start b4
ok $? "B starts again"
export X400_SHIM_LOG=$WORK/shim4.log
start a4 "$PRELOAD"
ok $? "A starts with source_address = \"192.0.2.1\", source_enforce = false"
submit 4 kb4 5
ok $? "5 messages submitted to A"
wait_files "$WORK/b4/mailboxes" 5 60
ok $? "the 5 messages are delivered, from addresses the OS chose"
total4=$(events a4 2001 to-B)
is "$(events_with a4 2008 'source address 192.0.2.1 cannot be used (address not available); connecting to 127.0.0.5:')" \
    "$total4" "a warning (2008 srcaddr-fallback) for each association"
is "$(events_with a4 2001 '(chosen by the OS; configured source 192.0.2.1 unavailable)')" \
    "$total4" "each association's local address logged, and that it was the OS's choice"
is "$(local_addresses 4 | tr '\n' ' ')" "$(shim_choices 4 | tr '\n' ' ')" \
    "the local addresses A logged are the ones the OS (the shim) chose"
is "$(events a4 2007) $(events a4 2009)" "0 0" "no error, no hold"
delivered_once 4 5
stop a4
ok $? "A stops cleanly"
stop b4
ok $? "B stops cleanly"

# ---- the secrets file: only the daemon may read it ----------------------
chmod 644 "$WORK/a.secrets"
check "x400d refuses a secrets file others may read" \
    sh -c "! '$X400_BIN/x400d' -t -c '$WORK/a1/x400d.conf' >'$WORK/t.out' 2>&1 &&
	   grep -q 'a.secrets' '$WORK/t.out' || { cat '$WORK/t.out'; exit 1; }"
done_testing
