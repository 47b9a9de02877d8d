#!/bin/sh
# netfuzz.sh - issue 17, must-show 5: mutated replays of the real
#	associations in tests/vectors, over TCP, against an ASan x400d
#
# One x400d (127.0.0.80), configured as the responder of PP's captures
# (MTA PPMTA, password pppass; link from-pp takes TESTMTA with password
# testpass and delivers C=GB;A= ;P=PPTEST locally), gets NETFUZZ_N
# (4,000) connections from tests/fuzz/netfuzz: each a capture's
# initiator side, mutated (bits, octets, X.224 and RFC 1006 headers,
# BER lengths, segments, truncation, duplicates, reordering, drops,
# splices), in pieces or whole, ended by FIN or RST, one after the
# other, from NETFUZZ_SEED (1). About 250 a second here under ASan;
# NETFUZZ_SECS (100) bounds the run, which must make at least 2,000
# (NETFUZZ_N, if fewer). After every 200 connections, and after the
# last, PP's successful association (pp-p1-loop-success.pcap) is
# replayed unmutated and must be answered as PP answered it: CC, the
# bind result naming PPMTA, MAJOR SYNC ACK for the message, the
# release. First, each reproducer in tests/fuzz/crashes-net/ is sent
# once, followed by the valid association.
#
# The fuzz traffic comes from 127.0.0.81 and the valid association
# from 127.0.0.82: x400d slows failed binds down per source address
# (mta/ratelimit.c), and mutated binds fail all the time. The link
# allows both, so that mutations after the bind reach the transfer;
# bind_backoff is made harmless (1000 free failures, then 1 ms) so
# that the fuzz address is not shut out either.
#
# Then: x400d still runs, holds no inbound association any more, and a
# message submitted with x400send is delivered; done_testing looks for
# sanitizer reports. A failing run leaves the octets of its last 16
# connections in build/itest/netfuzz/crashes/; netfuzz -r FILE sends
# one again, and the same command line with -i INDEX -d sends
# connection INDEX again (the output shows both). Keep the one that
# matters in tests/fuzz/crashes-net/. make fuzz-net runs this with
# NETFUZZ_N=100000.
set -u
. tests/support/sites.sh
sites_init netfuzz

N=${NETFUZZ_N:-4000}
SECS=${NETFUZZ_SECS:-100}
SEED=${NETFUZZ_SEED:-1}
MIN=$((N < 2000 ? N : 2000))
BATCH=200
ADDR=127.0.0.80 FUZZ=127.0.0.81 VALID=127.0.0.82 UA=127.0.0.83
P=$((PORT + 1))
DOM="C=GB;A= ;P=NETFUZZ"
PPDOM="C=GB;A= ;P=PPTEST"
D=$WORK/n
mkdir -p "$D"
cat >"$D/x400d.conf" <<EOF
global = {
  mta_name = "PPMTA";
  domain = "$DOM";
  queue_dir = "$D/queue";
  log_file = "$D/x400d.log";
  log_level = "info";
  sync = "nosync";
  allow_plaintext = true;
  $(root_ok)
  limits = { max_associations_in = 1000; };
  bind_backoff = { free = 1000; first = "1ms"; max = "1ms"; forget = "1s"; };
};
listen = { addresses = [ "$ADDR:$P" ]; tsel = "x400"; };
links = (
  { name = "from-pp"; direction = "inbound"; peer_mta = "TESTMTA";
    peer_password = "testpass"; our_password = "pppass";
    allow = [ "$FUZZ", "$VALID" ]; max_associations = 1000; },
  { name = "ua"; direction = "inbound"; peer_mta = "ua";
    peer_password = "pw-ua"; allow = [ "$UA" ]; }
);
routing = {
  local_dir = "$D/mailboxes";
  local = [ "$DOM", "$PPDOM" ];
  routes = ( );
};
EOF
SITE_PORT_n=$P SITE_ADDRESS_n=$ADDR SITE_DOMAIN_n=$DOM
start_sites n

# nf ARGS... - netfuzz against x400d, fuzz and valid sources as above
nf() {
	"$X400_TESTBIN/netfuzz" -b $FUZZ -a $VALID -R PPMTA \
	    -V tests/vectors/pp-p1-loop-success.pcap "$@"
}

# ---- the reproducers kept ---------------------------------------------------
set -- tests/fuzz/crashes-net/*.bin
if [ -f "$1" ]; then
	nf -r "$ADDR:$P" "$@" >"$WORK/replay.out" 2>&1
	st=$?
	sed 's/^/# /' "$WORK/replay.out" | tail -n 5
	is "$st" 0 "the $# reproducers in tests/fuzz/crashes-net/, each followed by the valid association"
fi

# ---- the run ---------------------------------------------------------------
t0=$(date +%s)
nf -n "$N" -s "$SEED" -t "$SECS" -B $BATCH -o "$WORK/crashes" \
    "$ADDR:$P" tests/vectors/*.pcap >"$WORK/netfuzz.out" 2>"$WORK/netfuzz.err"
rc=$?
t1=$(date +%s)
grep -v 'the valid association succeeded' "$WORK/netfuzz.out" |
    sed 's/^/# /' | tail -n 30
echo "# $((t1 - t0)) s; connection I again: $X400_TESTBIN/netfuzz -b $FUZZ -a $VALID -R PPMTA -V tests/vectors/pp-p1-loop-success.pcap -s $SEED -i I -d $ADDR:$P tests/vectors/*.pcap"
is "$rc" 0 "netfuzz (seed $SEED) ends well"
last=$(tail -n 1 "$WORK/netfuzz.out")
done_n=$(echo "$last" | sed -n 's/.*: \([0-9]*\) connections in .*/\1/p')
[ "${done_n:-0}" -ge $MIN ]
ok $? "$done_n mutated connections (at least $MIN) within $SECS s"
want=$(((${done_n:-0} + BATCH - 1) / BATCH))
is "$(echo "$last" | sed -n 's/.*valid associations: \(.*\) succeeded$/\1/p')" \
    "$want of $want" \
    "after each batch of $BATCH, PP's association replayed unmutated is answered as PP answered it"
check "x400d still runs" kill -0 "$SITE_PID_n"

# ---- x400d afterwards ------------------------------------------------------
inbound() {
	"$X400_BIN/x400q" -c "$D/x400d.conf" -j status 2>/dev/null |
	    jq -r '.associations.in'
}
no_inbound() { [ "$(inbound)" = 0 ]; }
wait_until 30 no_inbound
is "$(inbound)" 0 "x400d holds no inbound association once the callers are gone"
echo "# x400d: $("$X400_BIN/x400q" -c "$D/x400d.conf" -j status 2>/dev/null |
    jq -c '{associations, messages}')"
send n -l $UA -r "$DOM;S=Jones" -s "after netfuzz" -b "still here" >/dev/null
ok $? "x400send submits a message after the run"
delivered() { grep -rq "after netfuzz" "$D/mailboxes"; }
wait_until 30 delivered
ok $? "and it is delivered"
done_testing
