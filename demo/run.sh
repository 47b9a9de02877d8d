#!/bin/sh
# demo/run.sh - three X.400 sites on loopback, relaying to each other
#
# usage: demo/run.sh [BINDIR]      (make demo runs it with build/bin)
#
# Site A is the PRMD SITEA of the ADMD ATLAS (127.0.0.2), site B the ADMD
# BOREAS's hub (127.0.0.3), site C the PRMD SITEC under BOREAS
# (127.0.0.4). A routes everything through B; B relays to C over an
# X.410-1984 link (the old-protocol neighbour every network has); C
# sends reports straight back to A. A user agent (x400send) submits to
# A. The demo shows the messages delivered at C with the trace of each
# hop, the delivery report back at A, the empty queues, and the
# captures tshark reads (build/captures/demo-SITE-LINK-*.pcap). It stops everything it started.
set -eu
bin=$(cd "${1:-build/bin}" && pwd)
top=$(pwd)
work=$top/build/demo
cap=$top/build/captures
base=${X400_DEMO_PORT:-17100}
pids=""

cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

rm -rf "$work"
mkdir -p "$work" "$cap"
rm -f "$cap"/demo-*.pcap

# link NAME PEER ADDR PORT MODE PCAP [DIRECTION]
link() {
	cat <<LINK
  { name = "$1"; peer_mta = "$2"; peer_password = "pw-$2";
    our_password = "pw-$mta"; direction = "${7:-both}";
    addresses = ( { host = "$3"; port = $4; tsel = "x400"; } );
    mode = "$5"; checkpoint = 8; window = 3;
    source_address = "$addr"; source_enforce = true; allow = [ "$3" ];
    open_interval = "2s"; transfer_interval = "2s"; idle_timeout = "2s";
    pcap = $6; }
LINK
}

# site LETTER MTA DOMAIN ADDR PORT LINKS ROUTES
site() {
	dir=$work/$1
	mkdir -p "$dir/captures"
	sed -e "s|@SITE@|$1|; s|@MTA@|$2|; s|@DOMAIN@|$3|g" \
	    -e "s|@DIR@|$dir|g; s|@CAPDIR@|$dir/captures|; s|@ADDR@|$4|; s|@PORT@|$5|" \
	    "$top/demo/site.conf.in" | awk -v links="$6" -v routes="$7" '
		/@LINKS@/ { print links; next }
		/@ROUTES@/ { print routes; next }
		{ print }' >"$dir/x400d.conf"
}

A_DOM="C=XX;A=ATLAS;P=SITEA"
B_DOM="C=XX;A=BOREAS"
C_DOM="C=XX;A=BOREAS;P=SITEC"

mta=mta-a addr=127.0.0.2
site a mta-a "$A_DOM" 127.0.0.2 $((base + 2)) "$(link to-B mta-b 127.0.0.3 $((base + 3)) 1988-normal true),
$(link to-C mta-c 127.0.0.4 $((base + 4)) 1988-normal false inbound),
  { name = \"ua\"; direction = \"inbound\"; peer_mta = \"ua\"; peer_password = \"pw-ua\"; allow = [ \"127.0.0.0/8\" ]; }" \
    "    { pattern = \"\"; link = \"to-B\"; cost = 10; }"
mta=mta-b addr=127.0.0.3
site b mta-b "$B_DOM" 127.0.0.3 $((base + 3)) "$(link to-A mta-a 127.0.0.2 $((base + 2)) 1988-normal true),
$(link to-C mta-c 127.0.0.4 $((base + 4)) x410-1984 true)" \
    "    { pattern = \"$A_DOM\"; link = \"to-A\"; cost = 10; },
    { pattern = \"$C_DOM\"; link = \"to-C\"; cost = 10; }"
mta=mta-c addr=127.0.0.4
site c mta-c "$C_DOM" 127.0.0.4 $((base + 4)) "$(link to-B mta-b 127.0.0.3 $((base + 3)) x410-1984 true),
$(link to-A mta-a 127.0.0.2 $((base + 2)) 1988-normal true outbound)" \
    "    { pattern = \"C=XX;A=ATLAS\"; link = \"to-A\"; cost = 10; },
    { pattern = \"\"; link = \"to-B\"; cost = 20; }"

say "Three sites on loopback"
for s in a b c; do
	"$bin/x400d" -t -c "$work/$s/x400d.conf" >/dev/null
	"$bin/x400d" -c "$work/$s/x400d.conf" &
	pids="$pids $!"
done
printf '  A  mta-a  %s  127.0.0.2:%s  (1988 normal mode to B)\n' "$A_DOM" $((base + 2))
printf '  B  mta-b  %s       127.0.0.3:%s  (X.410-1984 mode to C)\n' "$B_DOM" $((base + 3))
printf '  C  mta-c  %s  127.0.0.4:%s  (reports straight to A)\n' "$C_DOM" $((base + 4))
sleep 1

say "A user at A sends three messages to C, via A's MTA"
send() {
	X400_PASSWORD=pw-ua "$bin/x400send" -q -a 127.0.0.2:$((base + 2)) -n ua \
	    -g "$A_DOM" -f "$A_DOM;S=Smith;G=Alice" \
	    -r "$C_DOM;O=Ops;S=Jones;G=Carol" "$@"
}
send -s "Quarterly figures" -b "Carol, the figures are attached in spirit. Alice" -R all
send -s "Urgent: runway closure" -u urgent -b "Runway 27 closes at 1400Z." -R all
send -s "Routine note" -u non-urgent -b "Nothing to report." -R ndr

say "Waiting for delivery at C"
box=$work/c/mailboxes
i=0
while [ "$(find "$box" -name '*.txt' 2>/dev/null | wc -l)" -lt 3 ]; do
	i=$((i + 1)); [ $i -le 100 ] || { echo "not delivered in time"; exit 1; }
	sleep 0.2
done
for f in $(find "$box" -name '*.txt' | sort); do
	echo "--- $f"
	cat "$f"
	echo
done

say "Delivery reports back at A"
abox=$work/a/mailboxes
i=0
while [ "$(find "$abox" -name '*.txt' 2>/dev/null | wc -l)" -lt 2 ]; do
	i=$((i + 1)); [ $i -le 100 ] || { echo "no report in time"; exit 1; }
	sleep 0.2
done
for f in $(find "$abox" -name '*.txt' | sort); do
	echo "--- $f"
	cat "$f"
done

say "The queues, empty again (x400q stats)"
sleep 2.5	# idle associations release; last results commit
for s in a b c; do
	echo "--- site $s"
	"$bin/x400q" -d "$work/$s/queue" stats | head -2
done

say "Stopping"
cleanup
pids=""
trap - EXIT INT TERM

say "The inter-MTA captures, as tshark reads them"
for s in a b c; do	# demo-SITE-LINK-TIME.pcap
	for f in "$work/$s"/captures/*.pcap; do
		[ -f "$f" ] && mv "$f" "$cap/demo-$s-$(basename "$f")"
	done
done
for f in "$cap"/demo-*.pcap; do
	[ -f "$f" ] || continue
	p=$(tshark -2 -r "$f" -d tcp.port==$((base + 2)),tpkt \
	    -d tcp.port==$((base + 3)),tpkt -d tcp.port==$((base + 4)),tpkt \
	    -Y 'p1' -T fields -e _ws.col.Info 2>/dev/null | sort | uniq -c |
	    tr -s ' ' | head -5 | tr '\n' ';')
	printf '  %s: %s\n' "$(basename "$f")" "${p:-no P1 (the link was not used)}"
done
echo
echo "Logs: $work/*/x400d.log   Captures: $cap/demo-*.pcap"
