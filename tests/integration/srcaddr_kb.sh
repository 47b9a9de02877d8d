#!/bin/sh
# srcaddr_kb.sh - issue 6, must-show 1: the multihomed MTA of Microsoft KB
#	Q197378, and its fix, the per-link source address
#
# MTA A has two addresses, 127.0.0.2 and 127.0.0.3. It relays 200 messages
# to MTA B, whose link for A allows 127.0.0.2 only.
#
# A fresh association per message: A's link to B releases an association
# idle for idle_timeout (100 ms, the least allowed), and the test submits
# message i+1 to A (x400send, as A's user agent "ua") only once message i
# arrived at B and A has no association to B left open, refused or not.
# Each association therefore carries exactly one message, and each of A's
# attempts, first ones and retries, is a new TCP connection with a new
# choice of source address. (Submitting all 200 at once would let one
# association carry many messages: that hides the problem, it does not
# show it.)
#
# The operating system's choice: without a source address x400d leaves
# the choice to the kernel, which on Linux loopback always picks
# 127.0.0.1. A multihomed host's choice is emulated, in this test only,
# by tests/support/preload/srcshim.c: preloaded into A's x400d, it binds
# each unbound outgoing TCP socket to 127.0.0.2 or 127.0.0.3 at random
# (fixed seed, so a run is repeatable) just before connect(). A socket
# x400d bound itself (source_address set) is left alone.
#
# Part 1, no source address on A's link: some associations come from
# 127.0.0.3 and B refuses them with event 3003 bind-bad-address naming
# the caller, the MTA it claimed, the link, what the link allows and the
# fix. A retries (open_interval 100 ms) and every message is delivered
# at B exactly once. The refused share is printed.
# Part 2, source_address = "127.0.0.2" on A's link: every association
# is bound on the first attempt; B logs no address event.
#
# A sends its password to B from a secrets file (mode 600), the way the
# issue wants passwords we send kept; B verifies it against a PBKDF2
# hash made by x400passwd. A secrets file others may read is refused.
. "$(dirname "$0")/../support/mtatest.sh"
mt_init srcaddr_kb

NMSG=${KB_MESSAGES:-200}
SEED=${KB_SEED:-197378}
CC=${CC:-cc}

# ---- the shim ------------------------------------------------------------
SHIM=$T/srcshim.so
if ! $CC -shared -fPIC -o "$SHIM" "$(dirname "$0")/../support/preload/srcshim.c" \
    -ldl 2>"$T/cc.err"; then
	cat "$T/cc.err" | sed 's/^/# /'
	echo "Bail out! cannot build the source-address shim"
	exit 1
fi
PRELOAD=$(mt_preload_asan "$SHIM")

# ---- B: allows mta-a from 127.0.0.2 only --------------------------------
HASH_A=$(printf 'secret-a\n' | "$X400_BIN/x400passwd" -i 1000)
conf_b() {
	cat >"$T/b.conf" <<EOF
global = {
  mta_name = "mta-b";
  domain = "C=XX;A=ADMD;P=SITEB";
  queue_dir = "$T/qb$PHASE";
  log_file = "$T/b$PHASE.log";
  sync = "nosync";
};
listen = { addresses = [ "127.0.0.5:$1" ]; tsel = "x400"; };
links = (
  { name = "from-A"; direction = "inbound"; peer_mta = "mta-a";
    peer_password = "$HASH_A"; our_password = "secret-b";
    allow = [ "127.0.0.2" ]; max_associations = 2; }
);
routing = {
  local_dir = "$T/mb$PHASE";
  local = [ "C=XX;A=ADMD;P=SITEB" ];
};
EOF
}

# ---- A: two addresses; relays to B; SRC is its link's source_address -----
printf 'to-B = "secret-a";\n' >"$T/a.secrets"
chmod 600 "$T/a.secrets"
conf_a() {
	cat >"$T/a.conf" <<EOF
global = {
  mta_name = "mta-a";
  domain = "C=XX;A=ADMD;P=SITEA";
  queue_dir = "$T/qa$PHASE";
  log_file = "$T/a$PHASE.log";
  sync = "nosync";
  secrets_file = "$T/a.secrets";
  allow_plaintext = true;
};
listen = { addresses = [ "127.0.0.2:$1" ]; tsel = "x400"; };
links = (
  { name = "ua"; direction = "inbound"; peer_mta = "ua";
    peer_password = "ua-pass"; },
  { name = "to-B"; direction = "outbound"; peer_mta = "mta-b";
    peer_password = "secret-b"; our_password_ref = "to-B";
    addresses = ( { host = "127.0.0.5"; port = $PORT_b; tsel = "x400"; } );
    source_address = "$SRC"; source_enforce = true;
    idle_timeout = "100ms"; open_interval = "100ms";
    connect_timeout = "5s"; max_associations = 1; }
);
routing = {
  local_dir = "$T/mba$PHASE";
  local = [ "C=XX;A=ADMD;P=SITEA" ];
  routes = ( { pattern = "C=XX;A=ADMD;P=SITEB"; link = "to-B"; } );
};
EOF
}

# idle - message $1 arrived at B and A has no association to B open
idle() {
	[ "$(mt_count "$T/b$PHASE.log" 3100 from-A)" -ge "$1" ] &&
	    [ "$(mt_count "$T/a$PHASE.log" 2001 to-B)" -eq \
	      "$(mt_count "$T/a$PHASE.log" 2003 to-B)" ]
}

# run_messages TAG - NMSG messages, one association each; 0 if all went
run_messages() {
	msg=1
	while [ $msg -le "$NMSG" ]; do
		if ! "$X400_BIN/x400send" -q -a "127.0.0.2:$PORT_a" -n ua \
		    -w ua-pass -g "C=XX;A=ADMD;P=SITEA" \
		    -f "C=XX;A=ADMD;P=SITEA;S=Jones" \
		    -r "C=XX;A=ADMD;P=SITEB;S=Smith" -s "$1-$msg" -R none \
		    >"$T/send.out" 2>&1; then
			echo "# message $msg: x400send failed:"
			sed 's/^/#   /' "$T/send.out"
			return 1
		fi
		if ! mt_wait 30 idle "$msg"; then
			echo "# message $msg did not reach B within 30 s"
			return 1
		fi
		msg=$((msg + 1))
	done
	return 0
}

# delivered_once TAG - B's mailbox holds each of TAG-1..TAG-NMSG once
delivered_once() {
	box="$T/mb$PHASE/C=XX_A=ADMD_P=SITEB_S=Smith"
	n=$(ls "$box" 2>/dev/null | grep -c '\.txt$')
	mt_eq "$n" "$NMSG" || return 1
	grep -h '^Subject: ' "$box"/*.txt | sort | uniq -c |
	    awk -v tag="$1" -v n="$NMSG" '
		$1 != 1 { print "twice:", $0; bad = 1 }
		index($3, tag "-") != 1 { print "stray:", $0; bad = 1 }
		{ seen++ }
		END { if (seen != n) { print seen, "subjects, want", n; bad = 1 }
		      exit bad }'
}

# ---- part 1: the operating system chooses ------------------------------
PHASE=1
SRC=""
ok "B starts" mt_start b conf_b
X400_SHIM_SRC="127.0.0.2,127.0.0.3" X400_SHIM_SEED=$SEED \
X400_SHIM_LOG="$T/shim1.log"
export X400_SHIM_SRC X400_SHIM_SEED X400_SHIM_LOG
ok "A starts under the source-address shim (two addresses)" \
    mt_start a conf_a "$PRELOAD"
ok "$NMSG messages relayed by A, each over an association of its own" \
    run_messages kb1

refused=$(mt_count "$T/b1.log" 3003 from-A)
accepted=$(mt_count "$T/b1.log" 3000 from-A)
total=$((refused + accepted))
echo "# part 1: B refused $refused of $total associations from A" \
    "($((total ? refused * 100 / total : 0))%); all $NMSG messages delivered"

ok "the shim chose both addresses" \
    sh -c "grep -q '^bound 127.0.0.2\$' '$T/shim1.log' &&
	   grep -q '^bound 127.0.0.3\$' '$T/shim1.log'"
ok "some associations were refused with event 3003 bind-bad-address" \
    [ "$refused" -gt 0 ]
ok "every association from 127.0.0.3 was refused, every one from 127.0.0.2 accepted" \
    sh -c "mt3=\$(grep -c '^bound 127.0.0.3\$' '$T/shim1.log');
	   mt2=\$(grep -c '^bound 127.0.0.2\$' '$T/shim1.log');
	   [ \$mt3 -eq $refused ] && [ \$mt2 -eq $accepted ] ||
	   { echo \"shim .3 \$mt3 .2 \$mt2, refused $refused accepted $accepted\"; exit 1; }"
ok "each refusal names caller, claimed MTA, link, what is allowed, the fix and the wire error" \
    mt_eq "$(mt_grep "$T/b1.log" 3003 'caller 127.0.0.3 claimed MTA \"mta-a\"; link from-A allows 127.0.0.2 only; set mta-a'"'"'s source address or allow 127.0.0.3; sent bind error authentication-error (2) in RTORJ')" "$refused"
ok "A logged each refusal (3006) naming the source address it used" \
    mt_eq "$(mt_grep "$T/a1.log" 3006 'refused our MTA-bind from 127.0.0.3:')" "$refused"
ok "each message was delivered at B exactly once" delivered_once kb1
ok "one accepted association per message, no duplicate transfer, no report" \
    sh -c "[ $accepted -eq $NMSG ] &&
	   [ \$(grep -c '\"event\":3103,' '$T/b1.log') -eq 0 ] &&
	   [ \$(grep -c '\"event\":4002,' '$T/a1.log') -eq 0 ] ||
	   { echo accepted $accepted; exit 1; }"
ok "refusals for the address do not slow A down (no 3005 at B)" \
    mt_eq "$(mt_count "$T/b1.log" 3005)" 0
ok "A's queue holds nothing for B any more" \
    sh -c "[ -z \"\$('$X400_BIN/x400q' -d '$T/qa1' list -l to-B -s pending)\" ]"
ok "A stops cleanly" mt_stop a
ok "B stops cleanly" mt_stop b

# ---- part 2: the fix, source_address = "127.0.0.2" ---------------------
PHASE=2
SRC="127.0.0.2"
X400_SHIM_LOG="$T/shim2.log"
ok "B starts again" mt_start b conf_b
ok "A starts with source_address = \"127.0.0.2\" on its link to B" \
    mt_start a conf_a "$PRELOAD"
ok "$NMSG messages relayed by A, each over an association of its own" \
    run_messages kb2
echo "# part 2: B refused $(mt_count "$T/b2.log" 3003) of" \
    "$(($(mt_count "$T/b2.log" 3003) + $(mt_count "$T/b2.log" 3000 from-A)))" \
    "associations from A"
ok "no association refused (no 3003 at B, no 3006 at A)" \
    sh -c "[ $(mt_count "$T/b2.log" 3003) -eq 0 ] &&
	   [ $(mt_count "$T/a2.log" 3006) -eq 0 ]"
ok "every association bound on the first attempt: $NMSG connections, $NMSG binds" \
    sh -c "[ $(mt_count "$T/a2.log" 2001 to-B) -eq $NMSG ] &&
	   [ $(mt_count "$T/b2.log" 3000 from-A) -eq $NMSG ] ||
	   { echo connected $(mt_count "$T/a2.log" 2001 to-B) bound \
	     $(mt_count "$T/b2.log" 3000 from-A); exit 1; }"
ok "each association left from the configured 127.0.0.2, and A logged it (2001)" \
    mt_eq "$(mt_grep "$T/a2.log" 2001 'from local address 127.0.0.2:')" \
    "$(mt_grep "$T/a2.log" 2001 '(configured source 127.0.0.2)')"
ok "the shim found every socket bound by x400d already" \
    sh -c "[ \$(grep -c '^kept 127.0.0.2\$' '$T/shim2.log') -eq $NMSG ] &&
	   ! grep -q '^bound' '$T/shim2.log'"
ok "each message was delivered at B exactly once" delivered_once kb2
unset X400_SHIM_SRC X400_SHIM_SEED X400_SHIM_LOG LD_PRELOAD

# ---- the secrets file: only the daemon may read it ----------------------
chmod 644 "$T/a.secrets"
ok "x400d refuses a secrets file others may read" \
    sh -c "! '$X400_BIN/x400d' -t -c '$T/a.conf' >'$T/t.out' 2>&1 &&
	   grep -q 'a.secrets' '$T/t.out' || { cat '$T/t.out'; exit 1; }"
ok "A stops cleanly" mt_stop a
ok "B stops cleanly" mt_stop b
echo "1..$MT_N"
exit 0
