#!/bin/sh
# root.sh - x400d and root (issue 17): refused without global.user unless
#	allow_root; what the run user needs made for it before the drop;
#	the secrets kept over a SIGHUP the run user may not read them for
#
# As root only (as CI is); otherwise every line is a skip.
#   1. (127.0.0.66) No user, no allow_root: x400d exits 1, naming
#      global.user and allow_root, on stderr and in its log; x400d -t
#      says it is a problem.
#   2. (127.0.0.67) allow_root = true: it starts, as root, and delivers.
#   3. (127.0.0.68) user = "nobody", started from a directory only root
#      may write, with mailboxes ("mailboxes", relative to the file) and
#      pcap_dir ("pcap") not made yet, a log file, and a root-owned
#      secrets file of mode 0600 holding the ua link's password
#      (peer_password_ref): the mailboxes and pcap_dir are nobody's,
#      pcap_dir is mode 0700, the log is nobody's; a message for a local
#      recipient is delivered (bound with the secret's password). The
#      file then names another password of the secrets file, and SIGHUP
#      reloads it, which nobody may not read: event 1007 says the start's
#      secrets are used, there is no config-error, and the new password
#      binds while the old one is refused. Given to nobody, the secrets
#      file is read again at the next SIGHUP (no 1007 then, a password
#      added since binds).
#   4. (127.0.0.64, 127.0.0.65) Two sites run as nobody, linked with
#      tls = "required" and credentials = "strong", each knowing the
#      other by tls_ca and tls_name; every certificate, key and the CA
#      file are root's, mode 0600. The CA is read before the drop, so
#      both TLS associations verify and mail flows both ways. On SIGHUP
#      nobody may read none of them: 2048 says, for the TLS contexts,
#      the strong-credential key and the link's tls_ca, that what was
#      read before stays; the configuration is reloaded (1005), and
#      test binds (x400q ping) both ways and mail still go through. A
#      link added by the next SIGHUP with the same tls_ca has nothing
#      read before to keep: 2048 says its peer cannot be verified, and
#      its test bind fails with 2043 naming the unreadable file, not
#      the peer's certificate.
set -u
. tests/support/sites.sh
sites_init root

if [ "$(id -u)" != 0 ] || ! id nobody >/dev/null 2>&1; then
	skip "x400d and root" "not root (or no user nobody)"
	done_testing
	exit $?
fi

A=C=XX\;A=ATLAS\;P=SITEA

# conf S ADDR PORT GLOBAL UA [ROUTING] - S's configuration: GLOBAL more
#	global keys, UA the ua link's password keys, ROUTING more routing
#	keys
conf() {
	mkdir -p "$WORK/$1"
	cat >"$WORK/$1/x400d.conf" <<EOF
global = {
  mta_name = "mta-$1"; domain = "$A";
  queue_dir = "$WORK/$1/queue"; log_file = "$WORK/$1/x400d.log";
  log_level = "info"; sync = "nosync"; allow_plaintext = true;
  $4
};
listen = { addresses = [ "$2:$3" ]; tsel = "x400"; };
links = ( { name = "ua"; direction = "inbound"; peer_mta = "ua";
    $5 allow = [ "127.0.0.0/8" ]; } );
routing = { local = [ "$A" ]; routes = ( ); ${6:-} };
EOF
	eval "SITE_PORT_$1=\$3 SITE_ADDRESS_$1=\$2 SITE_DOMAIN_$1=\$A"
}

# as S PASSWORD - x400send to S as ua with that password, to a local user
as() {
	"$X400_BIN/x400send" -q -a "$(eval echo "\$SITE_ADDRESS_$1:\$SITE_PORT_$1")" \
	    -n ua -w "$2" -g "$A" -f "$A;S=Smith" -r "$A;S=Jones" \
	    -s "with $2" -b "x" >"$WORK/send.out" 2>&1
}

# 1. no user, no allow_root: refused
conf a 127.0.0.66 $((PORT + 1)) "" 'peer_password = "pw-ua";'
timeout 10 "$X400_BIN/x400d" -c "$WORK/a/x400d.conf" >/dev/null \
    2>"$WORK/a/stderr"
is $? 1 "as root without user nor allow_root: x400d exits 1"
grep -q 'started as root without global.user.*set global.user.*allow_root = true' \
    "$WORK/a/stderr"
ok $? "its message names both fixes: global.user, allow_root = true"
grep -F '"event":1003,' "$WORK/a/x400d.log" | grep -q 'without global.user'
ok $? "and the log has it (event 1003)"
[ ! -e "$WORK/a/queue/x400d.pid" ]
ok $? "refused before it takes the queue"
"$X400_BIN/x400d" -t -c "$WORK/a/x400d.conf" >/dev/null 2>"$WORK/t.err"
is $? 1 "x400d -t: exit 1"
grep -q 'problem: started as root without global.user: x400d will not start; set global.user, or allow_root = true' \
    "$WORK/t.err"
ok $? "x400d -t: a problem naming the fixes"

# 2. allow_root = true: runs as root
conf b 127.0.0.67 $((PORT + 2)) "allow_root = true;" 'peer_password = "pw-ua";'
start_sites b
uid=$(awk '/^Uid:/ { print $3 }' "/proc/$SITE_PID_b/status")
is "$uid" 0 "with allow_root = true x400d runs as root"
as b pw-ua
ok $? "and takes a message"
wait_files "$WORK/b/queue/mailboxes" 1 20
ok $? "which it delivers"
stop b

# 3. user nobody, the secrets root's
C=$WORK/c
mkdir -p "$C"
chmod 0755 "$C"		# nobody may not make anything here
printf 'ua-old = "pw-old";\nua-new = "pw-new";\n' >"$C/secrets"
chmod 0600 "$C/secrets"
conf c 127.0.0.68 $((PORT + 3)) 'user = "nobody"; pcap_dir = "pcap";
  secrets_file = "secrets"; bind_backoff = { free = 1000; };' 'peer_password_ref = "ua-old";' \
    'local_dir = "mailboxes";'
"$X400_BIN/x400d" -t -c "$C/x400d.conf" >/dev/null 2>"$WORK/t.err"
ok $? "x400d -t: no problem with mailboxes and pcap_dir not made yet"
start_sites c
nob=$(id -u nobody)
is "$(stat -c %u "$C/mailboxes" 2>&1)" "$nob" "the mailboxes were made for nobody"
is "$(stat -c %u:%a "$C/pcap" 2>&1)" "$nob:700" "pcap_dir was made for nobody, mode 0700"
is "$(stat -c %u "$C/x400d.log")" "$nob" "the log file was given to nobody"
as c pw-old
ok $? "bound with the secrets file's password, a message accepted"
wait_files "$C/mailboxes" 1 20
ok $? "and delivered into nobody's mailboxes"

sed -i 's/ua-old/ua-new/' "$C/x400d.conf"
hup c
wait_until 10 grep -q '"config-reloaded"' "$C/x400d.log"
is "$(events c 1007)" 1 "SIGHUP: nobody may not read the secrets, event 1007 once"
event_texts c 1007 | grep -q "the secrets file $C/secrets cannot be read by the run user (uid $nob): the passwords read at start are used"
ok $? "1007 names the file and says the start's passwords are used"
is "$(events c 1003):$(events c 1005)" 0:1 "no config-error: the configuration is reloaded"
as c pw-new
ok $? "the new link password, from the kept secrets, binds"
! as c pw-old
ok $? "and the old one is refused now"

chown nobody "$C/secrets"
printf 'ua-newer = "pw-newer";\n' >>"$C/secrets"
sed -i 's/ua-new/ua-newer/' "$C/x400d.conf"
hup c
wait_until 10 sh -c "[ \$(grep -c '\"config-reloaded\"' '$C/x400d.log') -ge 2 ]"
is "$(events c 1007):$(events c 1005)" 1:2 "a secrets file nobody may read is read again: no 1007"
as c pw-newer
ok $? "a password added to it since the start binds"

# 4. TLS and strong credentials as nobody, with root's files
if ! command -v openssl >/dev/null 2>&1; then
	skip "TLS as nobody, with root's files" "no openssl"
	done_testing
	exit $?
fi
K=$WORK/keys
mkdir -p "$K"
ossl() { openssl "$@" >>"$K/openssl.log" 2>&1; }
ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$K/ca.key" -out "$K/ca.pem" -days 30 -subj /CN=root-test-ca
for n in d e; do
	ossl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$K/$n.key" -out "$K/$n.csr" -subj "/CN=mta-$n.example"
	printf 'subjectAltName=DNS:mta-%s.example\n' "$n" >"$K/$n.ext"
	ossl x509 -req -in "$K/$n.csr" -CA "$K/ca.pem" -CAkey "$K/ca.key" \
	    -set_serial "0x2$n" -days 30 -extfile "$K/$n.ext" -out "$K/$n.pem"
done
chmod 0600 "$K"/*.pem "$K"/*.key
[ -s "$K/d.pem" ] && [ -s "$K/e.pem" ] && [ "$(stat -c %u:%a "$K/ca.pem")" = 0:600 ]
ok $? "openssl made a CA and two certificates, all root's, mode 0600"
D=C=XX\;A=ATLAS\;P=ROOTD
E=C=XX\;A=ATLAS\;P=ROOTE
DA=127.0.0.64 EA=127.0.0.65
DT=$((PORT + 5)) ET=$((PORT + 7))
# tls_site S PEER ADDR PORT TLS_PORT PEER_ADDR PEER_TLS_PORT DOMAIN PEER_DOMAIN
tls_site() {
	site "$1" "mta-$1" "$8" "$3" "$4" "  { name = \"to-$2\"; peer_mta = \"mta-$2\";
    credentials = \"strong\"; tls = \"required\";
    tls_ca = \"$K/ca.pem\"; tls_name = \"mta-$2.example\";
    addresses = ( { host = \"$6\"; port = $7; tsel = \"x400\"; } );
    mode = \"1988-normal\"; source_address = \"$3\"; allow = [ \"$6\" ];
    open_interval = \"1s\"; transfer_interval = \"1s\"; idle_timeout = \"2s\"; }" \
	    "    { pattern = \"$9\"; link = \"to-$2\"; cost = 10; }" \
	    "user = \"nobody\"; tls_cert = \"$K/$1.pem\"; tls_key = \"$K/$1.key\";"
	sed -i "s|^listen = { addresses = \[ \(.*\) \];|listen = { addresses = [ \1 ]; tls_addresses = [ \"$3:$5\" ];|" \
	    "$WORK/$1/x400d.conf"
}
tls_site d e $DA $((PORT + 4)) $DT $EA $ET "$D" "$E"
tls_site e d $EA $((PORT + 6)) $ET $DA $DT "$E" "$D"
start_sites d e
is "$(awk '/^Uid:/ { print $3 }' "/proc/$SITE_PID_d/status")" "$nob" \
    "TLS as nobody: x400d runs as nobody"
send d -r "$E;S=Brown" -s "d to e" -b "over TLS, strong"
ok $? "TLS as nobody: D takes a message for E"
send e -r "$D;S=Jones" -s "e to d" -b "over TLS, strong"
ok $? "TLS as nobody: E takes a message for D"
wait_files "$WORK/e/mailboxes" 1 20 && wait_files "$WORK/d/mailboxes" 1 20
ok $? "TLS as nobody: mail flows both ways, each peer verified against the root-only tls_ca"
[ "$(events d 2047)" -ge 2 ] && [ "$(events_with d 3000 'strong credentials')" -ge 1 ]
ok $? "TLS as nobody: over TLS (2047), strong credentials accepted (3000)"
is "$(events d 2043)$(events e 2043)" "00" "TLS as nobody: no tls-unknown-ca"
hup d
wait_until 10 grep -q '"event":1005,' "$WORK/d/x400d.log"
ok $? "TLS as nobody: SIGHUP reloads (1005)"
is "$(events d 1003)" 0 "TLS as nobody: no config-error"
event_texts d 2048 >"$WORK/d2048.txt"
grep -q 'TLS certificates were not read again' "$WORK/d2048.txt" &&
    grep -q "strong credentials was not read again ($K/d.pem: cannot open: Permission denied)" "$WORK/d2048.txt" &&
    grep -q "link to-e: the tls_ca was not read again ($K/ca.pem: cannot open: Permission denied): the CA certificates read before stay in use" "$WORK/d2048.txt"
ok $? "TLS as nobody: 2048 for the TLS files, the strong key and the tls_ca, each kept"
check "TLS as nobody: after it, D's test bind to E goes through" \
    "$X400_BIN/x400q" -c "$WORK/d/x400d.conf" ping to-e
check "TLS as nobody: and E's to D" \
    "$X400_BIN/x400q" -c "$WORK/e/x400d.conf" ping to-d
send d -r "$E;S=Brown" -s "d to e" -b "after the reload"
wait_files "$WORK/e/mailboxes" 2 20
ok $? "TLS as nobody: and D's next message reaches E"
# a link added on SIGHUP whose tls_ca nobody cannot read: no CA read
# before to keep, so its peer cannot be verified, and 2048 says so
awk '/^links = \(/ { print; getline; blk = $0; while (blk !~ /idle_timeout/) { getline; blk = blk "\n" $0 }
	print blk; gsub(/name = "to-e";/, "name = \"to-e2\"; direction = \"outbound\";", blk); print blk; next } { print }' \
    "$WORK/d/x400d.conf" >"$WORK/d/x400d.conf.new" && mv "$WORK/d/x400d.conf.new" "$WORK/d/x400d.conf"
hup d
wait_until 10 test "$(events d 1005)" -ge 2
event_texts d 2048 | grep -q "link to-e2: the tls_ca cannot be read ($K/ca.pem: cannot open: Permission denied): its peer's certificate cannot be verified until it can"
ok $? "TLS as nobody: a link added on SIGHUP with an unreadable tls_ca: 2048 says its peer cannot be verified"
"$X400_BIN/x400q" -c "$WORK/d/x400d.conf" ping to-e2 >"$WORK/ping-e2.out" 2>&1
is "$?" 1 "TLS as nobody: and D's test bind on it fails"
event_texts d 2043 | grep -q "link's tls_ca cannot be read ($K/ca.pem: cannot open: Permission denied), so the peer's certificate /CN=mta-e.example cannot be verified"
ok $? "TLS as nobody: 2043 says the tls_ca cannot be read, not that the peer's certificate is wrong"
stop d
stop e

done_testing
