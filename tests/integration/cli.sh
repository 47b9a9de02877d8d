#!/bin/sh
# cli.sh - every program's command line (issue 16): -h and --help print
#	the usage on standard output with status 0, --version prints
#	"NAME VERSION" from the file VERSION, a bad option exits 2 with the
#	usage on standard error; x400send takes its password from a file,
#	the environment or the terminal, never needing the command line;
#	x400d's start event names the version; the manual pages render
#	without a warning and document every option and configuration key.
#
# One site A on 127.0.0.11 delivers its own domain locally and has the
# inbound link "ua" (password pw-ua) that sites.sh adds; x400send binds
# to it as ua.
set -u
. tests/support/sites.sh
sites_init cli

VERSION=$(sed -n 1p VERSION)
PROGS="x400d x400q x400send x400passwd x400ber x400conf"

# ---- 1. --help, -h, --version, bad options --------------------------------
for p in $PROGS; do
	for h in --help -h; do
		"$X400_BIN/$p" $h >"$WORK/out" 2>"$WORK/err" </dev/null
		st=$?
		[ $st = 0 ] && grep -q "^usage: $p " "$WORK/out" &&
		    grep -q "^Exit status: 0 " "$WORK/out" && [ ! -s "$WORK/err" ]
		ok $? "$p $h: the usage and the exit statuses on standard output, status 0 (got $st)"
	done
	out=$("$X400_BIN/$p" --version 2>&1 </dev/null)
	is "$?:$out" "0:$p $VERSION" "$p --version prints \"$p $VERSION\""
	for bad in --no-such-option -@; do
		"$X400_BIN/$p" $bad >"$WORK/out" 2>"$WORK/err" </dev/null
		st=$?
		[ $st = 2 ] && grep -q "^usage: $p " "$WORK/err" && [ ! -s "$WORK/out" ]
		ok $? "$p $bad: status 2, the usage on standard error (got $st)"
	done
done

# ---- 2. x400d's start event names the version ------------------------------
A=C=XX\;A=ATLAS\;P=CLI
SITE_MTA=mta-a SITE_ADDR=127.0.0.11
site a mta-a "$A" 127.0.0.11 $((PORT + 1)) \
    "$(link to-D mta-d 127.0.0.12 $((PORT + 2)) 1988-normal)" \
    "    { pattern = \"C=XX;A=DEAD\"; link = \"to-D\"; }"
start_sites a
is "$(event_texts a 1000 | grep -c "^x400d $VERSION started: ")" 1 \
    "the start event (1000) reads \"x400d $VERSION started: ...\""

# ---- 3. x400send's password, never on the command line ---------------------
BOX=$WORK/a/mailboxes
# submit ARGS... - x400send to A as ua, without -w; stdin is not a terminal
submit() {
	"$X400_BIN/x400send" -a "127.0.0.11:$((PORT + 1))" -n ua -g "$A" \
	    -f "$A;S=Smith" -r "$A;S=Jones" -s cli -b x -R none "$@" \
	    </dev/null >"$WORK/send.out" 2>"$WORK/send.err"
}
refused() {
	[ "$(events a 3002 ua)" -gt "$1" ]
}
printf 'pw-ua\n' >"$WORK/pw"
printf 'not-pw-ua\n' >"$WORK/badpw"
chmod 600 "$WORK/pw" "$WORK/badpw"
unset X400_PASSWORD

submit --password-file "$WORK/pw"
ok $? "--password-file FILE: the bind succeeds, the message is confirmed"
X400_PASSWORD=pw-ua submit
ok $? "X400_PASSWORD: the bind succeeds, the message is confirmed"
X400_PASSWORD=not-pw-ua submit --password-file "$WORK/pw"
ok $? "--password-file wins over X400_PASSWORD"
submit -w pw-ua
ok $? "-w PASSWORD still works (deprecated)"
wait_files "$BOX" 4 10
is "$(count_files "$BOX")" 4 "the four messages are delivered"

n=$(events a 3002 ua)
submit --password-file "$WORK/badpw"
st=$?
wait_until 5 refused "$n"
is "$st:$?" "1:0" "a wrong password from the file is refused: status 1, event 3002 bind-bad-password"
grep -q "refused" "$WORK/send.err"
ok $? "... and x400send says the bind was refused"
sed 's/^/#   /' "$WORK/send.err" | head -n 3
n=$(events a 3002 ua)
X400_PASSWORD=not-pw-ua submit
st=$?
wait_until 5 refused "$n"
is "$st:$?" "1:0" "a wrong X400_PASSWORD is refused: status 1, event 3002"

submit --password-file "$WORK/nosuchfile"
st=$?
[ $st = 2 ] && grep -q "password-file.*nosuchfile" "$WORK/send.err"
ok $? "--password-file with no such file: status 2, the file named (got $st)"
submit --password-file "$WORK/pw" -w pw-ua
is "$?" 2 "--password-file and -w together: a usage error"

# A terminal: x400send asks, without echo (script(1) gives it a pty).
if command -v script >/dev/null 2>&1; then
	n=$(count_files "$BOX")
	cmd="'$X400_BIN/x400send' -q -a 127.0.0.11:$((PORT + 1)) -n ua -g '$A' \
-f '$A;S=Smith' -r '$A;S=Jones' -s tty -b x -R none"
	(sleep 2; printf 'pw-ua\n') | script -qec "$cmd" /dev/null \
	    >"$WORK/tty.out" 2>&1
	st=$?
	grep -q 'Password for MTA "ua": ' "$WORK/tty.out" && [ $st = 0 ]
	ok $? "on a terminal x400send asks for the password, and the bind succeeds (got $st)"
	! grep -q 'pw-ua' "$WORK/tty.out"
	ok $? "... the password is not echoed"
	sed 's/^/#   /' "$WORK/tty.out" | head -n 5
	wait_files "$BOX" $((n + 1)) 10
	ok $? "... the message is delivered"
else
	skip "x400send asks on a terminal" "no script(1)"
fi

# ---- 4. the manual pages ----------------------------------------------------
PAGES="x400d.8 x400d.conf.5 x400q.8 x400send.1 x400conf.1 x400ber.1 x400passwd.8"
if command -v groff >/dev/null 2>&1; then
	for m in $PAGES; do
		f=docs/man/$m
		w=$(groff -man -ww -z -Tutf8 "$f" 2>&1)
		st=$?
		[ -f "$f" ] && [ $st = 0 ] && [ -z "$w" ]
		ok $? "$f renders with groff -man -ww, no warning"
		printf '%s\n' "$w" | head -n 5 | sed '/^$/d; s/^/#   /'
	done
else
	skip "the manual pages render without a warning" "no groff (groff-base)"
fi
for m in $PAGES; do
	missing=""
	for s in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" FILES "SEE ALSO"; do
		grep -q "^\.SH \"*$s\"*\$" "docs/man/$m" 2>/dev/null ||
		    missing="$missing${missing:+, }$s"
	done
	is "$missing" "" "docs/man/$m has NAME, SYNOPSIS, DESCRIPTION, OPTIONS, EXIT STATUS, FILES, SEE ALSO"
done
# every long option a program's --help lists is in its page (roff writes
# each - of an option as \-)
for p in $PROGS; do
	f=$(ls docs/man/$p.[18] 2>/dev/null)
	missing=""
	for o in $("$X400_BIN/$p" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
		r=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
		grep -q -- "$r" "$f" 2>/dev/null || missing="$missing $o"
	done
	is "$missing" "" "${f:-$p's page} documents every long option of $p --help"
done
# every key x400d's configuration knows is in x400d.conf(5)
missing=""
for k in $(sed -n '/_keys\[\] = {/,/NULL/p' mta/cfg.c mta/cfg_*.c |
    grep -o '"[a-z_0-9]*"' | tr -d '"' | sort -u); do
	grep -qE "^\.B[IR]* .*\\b$k\\b" docs/man/x400d.conf.5 || missing="$missing $k"
done
is "$missing" "" "docs/man/x400d.conf.5 names every configuration key of mta/cfg*.c"

done_testing
