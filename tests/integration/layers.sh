#!/bin/sh
# layers.sh - the layering check (tests/support/layers.sh) passes on this
# tree, and fails on a copy with an upward include, a sideways include and
# an oversized file, each named in its output.
set -u
n=0; rc_all=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; rc_all=1; }
is_ok() { if [ "$1" = 0 ]; then ok "$2"; else notok "$2"; fi; }

check=tests/support/layers.sh
out=$(sh $check . 2>&1); rc=$?
is_ok $rc "this tree passes the layering check"
[ $rc -eq 0 ] || echo "$out" | sed 's/^/# /'

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mk() { rm -rf "$tmp/t"; mkdir -p "$tmp/t"; for d in lib asn1 osi store p1 mta tools conformance bench; do
	mkdir -p "$tmp/t/$d"; cp -p $d/*.[ch] "$tmp/t/$d/" 2>/dev/null; done; }

# an upward include: the buffer module (lib/) reaching into the daemon
mk; printf '#include "cfg.h"\n' >>"$tmp/t/lib/buf.c"
out=$(sh $check "$tmp/t" 2>&1); rc=$?
case $out in *"lib/buf.c includes cfg.h from mta/"*) r=0 ;; *) r=1 ;; esac
[ $rc -ne 0 ] || r=1
is_ok $r "an upward include (lib/ -> mta/) fails, naming the file and header"

# a sideways include: the store reaching into the OSI stack (same rank)
mk; printf '#include "conn.h"\n' >>"$tmp/t/store/q_db.c"
out=$(sh $check "$tmp/t" 2>&1); rc=$?
case $out in *"store/q_db.c includes conn.h from osi/"*) r=0 ;; *) r=1 ;; esac
[ $rc -ne 0 ] || r=1
is_ok $r "a sideways include (store/ -> osi/) fails"

# an oversized file
mk; i=0; while [ $i -lt 1001 ]; do echo "/* $i */"; i=$((i + 1)); done >"$tmp/t/p1/p1_big.c"
out=$(sh $check "$tmp/t" 2>&1); rc=$?
case $out in *"p1/p1_big.c has 1001 lines"*) r=0 ;; *) r=1 ;; esac
[ $rc -ne 0 ] || r=1
is_ok $r "a C file over 1000 lines fails"

# a header name in two folders
mk; cp "$tmp/t/lib/buf.h" "$tmp/t/p1/buf.h"
out=$(sh $check "$tmp/t" 2>&1); rc=$?
case $out in *"header buf.h exists in two folders"*) r=0 ;; *) r=1 ;; esac
[ $rc -ne 0 ] || r=1
is_ok $r "a header name in two folders fails"
exit $rc_all
