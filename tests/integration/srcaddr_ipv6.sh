#!/bin/sh
# srcaddr_ipv6.sh - issue 6, must-show 3: IPv6 loopback (::1) for
#	listening and for source binding
#
# A listens on [::1] and 127.0.0.2, B on [::1] and 127.0.0.5. A's link to
# B calls B at ::1 from source_address ::1 (enforced); B's link for A
# allows ::1 only. Messages submitted to A over either of its listen
# addresses reach B over IPv6; x400send binds ::1 as its own source too.
# A caller as A over IPv4 is refused, and the event says what the link
# allows. Skipped (TAP SKIP) on a machine without ::1.
set -u
. tests/support/sites.sh
sites_init srcaddr_ipv6

if ! grep -q '^00000000000000000000000000000001 ' /proc/net/if_inet6 \
    2>/dev/null; then
	skip "IPv6 loopback for listening and source binding" \
	    "this machine has no ::1"
	echo "1..$tap_n"
	exit 0
fi

DOM_A="C=XX;A=ADMD;P=SITEA"
DOM_B="C=XX;A=ADMD;P=SITEB"
PA=$((PORT + 2))
PB=$((PORT + 1))

site b mta-b "$DOM_B" "[::1] 127.0.0.5" "$PB" "\
  { name = \"from-A\"; direction = \"inbound\"; peer_mta = \"mta-a\";
    peer_password = \"pw-a\"; our_password = \"pw-b\";
    allow = [ \"::1\" ]; }" ""
site a mta-a "$DOM_A" "[::1] 127.0.0.2" "$PA" "\
  { name = \"to-B\"; direction = \"outbound\"; peer_mta = \"mta-b\";
    peer_password = \"pw-b\"; our_password = \"pw-a\";
    addresses = ( { host = \"::1\"; port = $PB; tsel = \"x400\"; } );
    source_address = \"::1\"; source_enforce = true;
    max_transfers = 1; idle_timeout = \"100ms\";
    open_interval = \"100ms\"; }" \
    "    { pattern = \"$DOM_B\"; link = \"to-B\"; }"
start b
ok $? "B starts, listening on [::1] and 127.0.0.5"
start a
ok $? "A starts, listening on [::1] and 127.0.0.2"
is "$(event_texts a 2005 | sort | tr '\n' ' ')" \
    "listening on 127.0.0.2:$PA listening on [::1]:$PA " \
    "A listens on both of its addresses (2005)"

send a -r "$DOM_B;S=Jones" -s "over ::1" -b x -R none -N 2 >/dev/null
ok $? "2 messages submitted to A at [::1]:$PA"
"$X400_BIN/x400send" -q -a "127.0.0.2:$PA" -n ua -w pw-ua -g "$DOM_A" \
    -f "$DOM_A;S=Smith" -r "$DOM_B;S=Jones" -s "over v4" -b x -R none >/dev/null
ok $? "1 message submitted to A at 127.0.0.2:$PA"
is "$(jq -r 'select(.event == 3000 and .link == "ua") | .peer' \
    "$WORK/a/x400d.log" | sed 's/:[0-9]*$//' | sort | tr '\n' ' ')" \
    "127.0.0.1 [::1] " "A accepted its user agent over IPv6 and over IPv4"
wait_files "$WORK/b/mailboxes" 3 60
ok $? "the 3 messages reach B"
is "$(events a 2001 to-B)" 3 "one association per message from A to B"
is "$(events_with a 2001 'connected to [::1]:'"$PB"' from local address [::1]:') $(events_with a 2001 '(configured source ::1)')" \
    "3 3" "each left A from the configured source ::1, and A logged it (2001)"
is "$(jq -r 'select(.event == 3000 and .link == "from-A") | .peer' \
    "$WORK/b/x400d.log" | sed 's/:[0-9]*$//' | sort -u)" "[::1]" \
    "B accepted each as mta-a from ::1 (allowed)"
is "$(events b 3003)" 0 "B refused none"

"$X400_BIN/x400send" -q -a "[::1]:$PB" -l ::1 -n ua -w pw-ua -g "$DOM_B" \
    -f "$DOM_B;S=Smith" -r "$DOM_B;S=Brown" -s "from ::1" -b x -R none >/dev/null
ok $? "x400send binds ::1 as its source and submits to B at [::1]:$PB"
is "$(jq -r 'select(.event == 3000 and .link == "ua") | .peer' \
    "$WORK/b/x400d.log" | sed 's/:[0-9]*$//')" "[::1]" \
    "B saw x400send's association come from ::1"

"$X400_BIN/x400send" -q -a "127.0.0.5:$PB" -l 127.0.0.2 -n mta-a -w pw-a \
    -g "$DOM_A" -f "$DOM_A;S=Smith" -r "$DOM_B;S=Jones" -s "v4" -b x \
    -R none >"$WORK/v4.out" 2>&1
is $? 1 "a caller as mta-a over IPv4 is refused"
is "$(event_texts b 3003 from-A)" \
    "caller 127.0.0.2 claimed MTA \"mta-a\"; link from-A allows ::1 only; set mta-a's source address or allow 127.0.0.2; sent bind error authentication-error (2) in RTORJ" \
    "and event 3003 says the link allows ::1 only"
done_testing
