# Makefile - the whole tree, non-recursive.
#
#   make            build everything (-Wall -Wextra -Werror on our code)
#   make check      build under ASan+UBSan and run every test; the last line
#                   reads "N passed, N failed"
#   make olevels    build (not run) everything, plain and ASan+UBSan, at
#                   -O0 -g, -O1 -g, -O2, -O3, -Os and -Og -g, each into
#                   build/olevel-LEVEL/; "N passed, N failed" (not in CI)
#   make fuzz       build one libFuzzer target per top-level PDU (clang)
#   make fuzz-run   run each fuzz target for FUZZ_SECONDS
#   make fuzz-net   mutated replays of tests/vectors over TCP against an
#                   ASan x400d, NETFUZZ_N connections (a short run is in
#                   make check)
#   make soak       1,000 SIGKILLs under 20,000 messages, exactly once
#   make interop    live tests against PP, a real foreign MTA, built from
#                   the kit in $(PEERS) into $(PEERS_PREFIX) (tests/interop/)
#   make bench      relay, Postfix, codec and store benchmarks (bench/README.md);
#                   never part of make check
#   make install    the programs, configuration, documents and manual pages
#                   under PREFIX (/usr/local), staged into DESTDIR; uninstall
#   make deb        the Debian package, into build/ (debian/make-deb.sh)
#   make package-test  build the package, install it, run it, purge it
#                   (tests/package/deb.sh; needs root)
#   make clean
#
# Generated code: asn1c turns asn1/*.asn1 into build/gen/ at build time
# (see asn1/README.md). It is compiled in its own library with warnings
# relaxed; it is never edited and never committed.

CC	?= cc
CLANG	?= clang
ASN1C	?= asn1c
BUILD	:= build
GEN	:= $(BUILD)/gen

CSTD	:= -std=gnu11
OPT	?= -O2 -g
WARN	:= -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
	   -Wshadow
INCS	:= -Ilib -Iasn1 -Iosi -Ip1 -Istore -Imta -Iconformance -I$(GEN) -Itests/support \
	   -I$(BUILD)/include
SAN	:= -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	   -fno-omit-frame-pointer
FUZZSAN	:= -fsanitize=fuzzer-no-link,address,undefined \
	   -fno-sanitize-recover=undefined -fno-omit-frame-pointer
# asn1c's skeletons shift 1 into the sign bit of an int to mark SET members
# present (constr_SET.c): harmless with gcc and clang, but UBSan's
# shift-base check stops on it; its printer adds 0 to a NULL buffer
# (pointer-overflow) and memcpy()s 0 octets from NULL (nonnull-attribute).
# These three are relaxed for generated code only.
GENRELAX := -w -fno-sanitize=shift-base,pointer-overflow,nonnull-attribute
LIBS	:= -luv -llmdb -ljansson -lconfig -lssl -lcrypto -lpthread
TESTLIBS := -lcmocka -lpcap

ASN1_SRC := $(sort $(wildcard asn1/*.asn1))
ASN1C_FLAGS := -fcompound-names -fincludes-quoted

# Programs: one file with main() each. Everything else in asn1/, mta/,
# store/ and conformance/ is library code, one module per file, in
# libx400.a; a new module or program needs no Makefile change. A tool
# too big for one file is a folder, tools/NAME/: main() in
# tools/NAME/NAME.c, linked with the other tools/NAME/*.c.
MAIN_SRCS := $(wildcard tools/*.c) $(wildcard mta/x400d.c) \
	     $(wildcard conformance/x400conf.c)
TOOL_DIRS := $(patsubst %/,%,$(sort $(dir $(wildcard tools/*/*.c))))
LIB_SRCS := $(filter-out $(MAIN_SRCS),$(wildcard lib/*.c asn1/*.c osi/*.c p1/*.c store/*.c mta/*.c \
	     conformance/*.c))
PROGS	:= $(notdir $(basename $(MAIN_SRCS)) $(TOOL_DIRS))
BENCH_SRCS := $(wildcard bench/*.c)
BENCH_PROGS := $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_SRCS))
SUPPORT_SRCS := $(wildcard tests/support/*.c)
TEST_SRCS := $(wildcard tests/unit/test_*.c)
TESTS	:= $(patsubst tests/unit/%.c,%,$(TEST_SRCS))

# Top-level PDUs, one fuzz target each, from the codec registry.
FUZZ_PDUS := $(shell sed -n 's/.*CODEC_PDU([A-Za-z_0-9]*, *"\([^"]*\)").*/\1/p' asn1/codec_pdus.h)
# Layer parsers: tests/fuzz/target_<name>.c defines LLVMFuzzerTestOneInput;
# each becomes build/fuzz/bin/fuzz_<name>, and replay_<name> (the same
# entry under ASan, fed tests/fuzz/corpus/<name>/ and crashes/<name>/ by
# tests/fuzz/replay_main.c) runs in make check.
FUZZ_LAYERS := $(patsubst tests/fuzz/target_%.c,%,$(wildcard tests/fuzz/target_*.c))
FUZZ_SECONDS ?= 60

.PHONY: all asan-all bench check demo interop soak fuzz fuzz-run fuzz-net \
	fuzz-seeds olevels clean gen
.SECONDARY:
all: $(addprefix $(BUILD)/bin/,$(PROGS)) $(BENCH_PROGS) \
     $(addprefix $(BUILD)/norm/tests/,$(TESTS)) \
     $(BUILD)/norm/tests/fuzz_replay $(BUILD)/norm/tests/netfuzz

# ---- generation -------------------------------------------------------
ifeq ($(filter clean,$(MAKECMDGOALS)),)
-include $(GEN)/gen.mk
endif
gen: $(GEN)/gen.mk
$(GEN)/gen.mk: $(ASN1_SRC) asn1/fixups.sh
	@rm -rf $(GEN) $(GEN).tmp && mkdir -p $(GEN).tmp
	@echo "ASN1C $(ASN1_SRC)"
	@cd $(GEN).tmp && $(ASN1C) $(ASN1C_FLAGS) $(abspath $(ASN1_SRC)) \
	    >asn1c.log 2>&1 || { cat asn1c.log; exit 1; }
	@if grep -qi "warning" $(GEN).tmp/asn1c.log; then \
	    grep -i warning $(GEN).tmp/asn1c.log; exit 1; fi
	@rm -f $(GEN).tmp/converter-sample.c $(GEN).tmp/Makefile.am.sample
	@sh asn1/fixups.sh $(GEN).tmp
	@mv $(GEN).tmp $(GEN)
	@cd $(GEN) && printf 'GEN_SRCS :=' >gen.mk.tmp && \
	    for f in *.c; do printf ' $(GEN)/%s' "$$f"; done >>gen.mk.tmp && \
	    echo >>gen.mk.tmp && mv gen.mk.tmp gen.mk

# ---- the version ------------------------------------------------------
# The file VERSION (one line, "0.9.0") is the only place the version is
# written. It reaches the code as X400_VERSION in the generated header
# x400_version.h, rewritten only when the version changes, so that only
# the files that include it are compiled again.
VERSION_H := $(BUILD)/include/x400_version.h
$(VERSION_H): VERSION
	@mkdir -p $(@D)
	@v=$$(sed -n '1p' VERSION); \
	    case $$v in ''|*[!A-Za-z0-9.+~-]*) \
		echo "VERSION: \"$$v\" is not a version" >&2; exit 1;; esac; \
	    printf '/* generated from VERSION by the Makefile */\n#define X400_VERSION "%s"\n' \
		"$$v" >$@.tmp && \
	    if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

# ---- one flavour of the whole build: $(1) name, $(2) compiler, $(3) flags
define FLAVOUR
$(1)_DIR := $(BUILD)/$(1)
$(1)_GENOBJS = $$(patsubst $(GEN)/%.c,$(BUILD)/$(1)/asn1gen/%.o,$$(GEN_SRCS))
$(1)_OBJS := $$(patsubst %.c,$(BUILD)/$(1)/%.o,$(LIB_SRCS))
$(1)_SUPPORT := $$(patsubst %.c,$(BUILD)/$(1)/%.o,$(SUPPORT_SRCS))

$(BUILD)/$(1)/asn1gen/%.o: $(GEN)/%.c Makefile | $(GEN)/gen.mk
	@mkdir -p $$(@D)
	@$(2) $(CSTD) $(OPT) $(3) $(GENRELAX) -I$(GEN) -c $$< -o $$@
$(BUILD)/$(1)/%.o: %.c Makefile | $(GEN)/gen.mk $(VERSION_H)
	@mkdir -p $$(@D)
	@echo "CC[$(1)] $$<"
	@$(2) $(CSTD) $(OPT) $(3) $(WARN) $(INCS) -MMD -MP -c $$< -o $$@
$(BUILD)/$(1)/libx400asn1.a: $$($(1)_GENOBJS)
	@echo "AR[$(1)] $$@ (generated code)"
	@rm -f $$@ && ar rcs $$@ $$^
$(BUILD)/$(1)/libx400.a: $$($(1)_OBJS)
	@rm -f $$@ && ar rcs $$@ $$^
-include $$($(1)_OBJS:.o=.d) $$($(1)_SUPPORT:.o=.d)
endef

$(eval $(call FLAVOUR,norm,$(CC),))
$(eval $(call FLAVOUR,asan,$(CC),$(SAN)))
$(eval $(call FLAVOUR,fuzz,$(CLANG),$(FUZZSAN)))

# ---- programs ---------------------------------------------------------
# $(1) flavour, $(2) compiler, $(3) flags, $(4) main source. The asan
# flavour's programs are what the integration tests run.
define PROGRAM
$(5)/$(notdir $(basename $(4))): $(BUILD)/$(1)/$(4:.c=.o) \
		$(BUILD)/$(1)/libx400.a $(BUILD)/$(1)/libx400asn1.a
	@mkdir -p $$(@D)
	@echo "LD[$(1)] $$@"
	@$(2) $(3) -o $$@ $$^ $(LIBS)
endef
$(foreach m,$(MAIN_SRCS),$(eval $(call PROGRAM,norm,$(CC),,$(m),$(BUILD)/bin)))
$(foreach m,$(MAIN_SRCS),$(eval $(call PROGRAM,asan,$(CC),$(SAN),$(m),$(BUILD)/asan/bin)))

# $(1) flavour, $(2) compiler, $(3) flags, $(4) the folder tools/NAME
define PROGRAM_DIR
$(5)/$(notdir $(4)): $(patsubst %.c,$(BUILD)/$(1)/%.o,$(wildcard $(4)/*.c)) \
		$(BUILD)/$(1)/libx400.a $(BUILD)/$(1)/libx400asn1.a
	@mkdir -p $$(@D)
	@echo "LD[$(1)] $$@"
	@$(2) $(3) -o $$@ $$^ $(LIBS)
endef
$(foreach d,$(TOOL_DIRS),$(eval $(call PROGRAM_DIR,norm,$(CC),,$(d),$(BUILD)/bin)))
$(foreach d,$(TOOL_DIRS),$(eval $(call PROGRAM_DIR,asan,$(CC),$(SAN),$(d),$(BUILD)/asan/bin)))

# Benchmarks: each bench/*.c is a program in build/bench/, linked like
# the tools; bench/run.sh drives them (bench/README.md).
$(foreach m,$(BENCH_SRCS),$(eval $(call PROGRAM,norm,$(CC),,$(m),$(BUILD)/bench)))
bench: $(BENCH_PROGS) $(addprefix $(BUILD)/bin/,$(PROGS))
	@BUILD=$(BUILD) bash bench/run.sh

# ---- installing -------------------------------------------------------
# make install [PREFIX=/usr/local] [DESTDIR=...]: the programs as build/bin/
# has them (the normal flags, not ASan), the daemon and the operator's
# tools of manual section 8 in sbin, the others in bin; the configuration
# etc/x400d.conf as SYSCONFDIR/x400/x400d.conf (/etc, whatever PREFIX,
# since x400d and x400q look there), never over an existing one; the
# documents in share/doc/x400; the manual pages docs/man/*.N, when
# there are any, in share/man/manN. The user, the queue, mailbox and log
# directories are the package's business (debian/x400.postinst), or the
# operator's after a plain make install (docs/operators-guide.md).
PREFIX	?= /usr/local
SYSCONFDIR ?= /etc
BINDIR	?= $(PREFIX)/bin
SBINDIR	?= $(PREFIX)/sbin
DOCDIR	?= $(PREFIX)/share/doc/x400
MANDIR	?= $(PREFIX)/share/man
SBIN_PROGS := $(filter x400d x400q x400passwd,$(PROGS))
BIN_PROGS := $(filter-out $(SBIN_PROGS),$(PROGS))
MAN_PAGES = $(wildcard docs/man/*.[1-8])
DOCS	:= README.md $(wildcard docs/*.md) docs/x400d.conf.example

.PHONY: programs install uninstall deb package-test
programs: $(addprefix $(BUILD)/bin/,$(PROGS))

install: programs
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) \
	    $(DESTDIR)$(DOCDIR) $(DESTDIR)$(SYSCONFDIR)/x400
	install -m 755 $(addprefix $(BUILD)/bin/,$(SBIN_PROGS)) $(DESTDIR)$(SBINDIR)
	install -m 755 $(addprefix $(BUILD)/bin/,$(BIN_PROGS)) $(DESTDIR)$(BINDIR)
	install -m 644 $(DOCS) $(DESTDIR)$(DOCDIR)
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/x400/x400d.conf ]; then \
	    echo "kept $(DESTDIR)$(SYSCONFDIR)/x400/x400d.conf (etc/x400d.conf is the one shipped)"; \
	else \
	    echo "install -m 644 etc/x400d.conf $(DESTDIR)$(SYSCONFDIR)/x400/x400d.conf"; \
	    install -m 644 etc/x400d.conf $(DESTDIR)$(SYSCONFDIR)/x400/x400d.conf; \
	fi
	@for f in $(MAN_PAGES); do \
	    s=$${f##*.}; \
	    echo "install -m 644 $$f $(DESTDIR)$(MANDIR)/man$$s"; \
	    install -d $(DESTDIR)$(MANDIR)/man$$s && \
	    install -m 644 $$f $(DESTDIR)$(MANDIR)/man$$s || exit 1; \
	done

# Leaves SYSCONFDIR/x400/x400d.conf: it is the operator's.
uninstall:
	rm -f $(addprefix $(DESTDIR)$(SBINDIR)/,$(SBIN_PROGS)) \
	    $(addprefix $(DESTDIR)$(BINDIR)/,$(BIN_PROGS))
	rm -rf $(DESTDIR)$(DOCDIR)
	@for f in $(MAN_PAGES); do \
	    s=$${f##*.}; \
	    echo "rm -f $(DESTDIR)$(MANDIR)/man$$s/$${f##*/}"; \
	    rm -f $(DESTDIR)$(MANDIR)/man$$s/$${f##*/}; \
	done
	@echo "kept $(DESTDIR)$(SYSCONFDIR)/x400/x400d.conf"

# The Debian package, built by dpkg-buildpackage from a copy of the tree in
# build/deb-src/ (so that nothing lands beside the clone); the .deb files
# are moved to build/.
deb:
	@BUILD=$(BUILD) sh debian/make-deb.sh

# Needs root: it builds the package (make deb), installs it on this
# machine, runs it and purges it again; the last line is "N passed, N failed".
package-test:
	@tests/run.sh -s tests/package

# The main job: three MTAs on loopback relaying to each other (demo/run.sh)
demo: all
	@sh demo/run.sh $(BUILD)/bin

# ---- tests ------------------------------------------------------------
# $(1) flavour, $(2) compiler, $(3) flags
define TESTBINS
$(BUILD)/$(1)/tests/%: $(BUILD)/$(1)/tests/unit/%.o $$($(1)_SUPPORT) \
		$(BUILD)/$(1)/libx400.a $(BUILD)/$(1)/libx400asn1.a
	@echo "LD[$(1)] $$@"
	@$(2) $(3) -o $$@ $$^ $(TESTLIBS) $(LIBS)
$(BUILD)/$(1)/tests/fuzz_replay: $(BUILD)/$(1)/tests/fuzz/fuzz_pdu.o \
		$(BUILD)/$(1)/tests/fuzz/fuzz_replay.o \
		$(BUILD)/$(1)/libx400.a $(BUILD)/$(1)/libx400asn1.a
	@echo "LD[$(1)] $$@"
	@$(2) $(3) -o $$@ $$^ $(LIBS)
$(BUILD)/$(1)/tests/netfuzz: $(BUILD)/$(1)/tests/fuzz/netfuzz.o \
		$(BUILD)/$(1)/tests/fuzz/netfuzz_mut.o \
		$(BUILD)/$(1)/tests/fuzz/netfuzz_stall.o \
		$(BUILD)/$(1)/tests/support/capture.o
	@echo "LD[$(1)] $$@"
	@$(2) $(3) -o $$@ $$^ -lpcap
endef
$(BUILD)/asan/tests/replay_%: $(BUILD)/asan/tests/fuzz/target_%.o \
		$(BUILD)/asan/tests/fuzz/replay_main.o \
		$(BUILD)/asan/libx400.a $(BUILD)/asan/libx400asn1.a
	@echo "LD[asan] $@"
	@$(CC) $(SAN) -o $@ $^ $(LIBS)
$(BUILD)/norm/tests/fuzz_seeds: $(BUILD)/norm/tests/fuzz/fuzz_seeds.o \
		$(BUILD)/norm/tests/support/capture.o \
		$(BUILD)/norm/libx400.a $(BUILD)/norm/libx400asn1.a
	@echo "LD[norm] $@"
	@$(CC) -o $@ $^ -lpcap $(LIBS)
# tcpflood: connections that never bind (tests/integration/frontdoor.sh)
$(BUILD)/asan/tests/tcpflood: $(BUILD)/asan/tests/support/tools/tcpflood.o
	@echo "LD[asan] $@"
	@$(CC) $(SAN) -o $@ $^
$(eval $(call TESTBINS,norm,$(CC),))
$(eval $(call TESTBINS,asan,$(CC),$(SAN)))

# asan-all: everything make check runs, built
ASAN_ALL := $(addprefix $(BUILD)/asan/tests/,$(TESTS)) $(BUILD)/asan/tests/fuzz_replay \
       $(BUILD)/asan/tests/netfuzz \
       $(addprefix $(BUILD)/asan/tests/replay_,$(FUZZ_LAYERS)) \
       $(addprefix $(BUILD)/asan/bin/,$(PROGS)) $(BUILD)/bench/x400sink \
       $(BUILD)/asan/tests/tcpflood
asan-all: $(ASAN_ALL)
check: $(ASAN_ALL)
	@X400_BIN=$(abspath $(BUILD)/asan/bin) FUZZ_LAYERS="$(FUZZ_LAYERS)" \
	    tests/run.sh $(BUILD)/asan/tests $(TESTS)

# Every optimisation level: -Werror meets warnings that only some levels
# find (format truncation at -O1, maybe-uninitialized at -O3 or -Og), so
# the whole tree, plain (all) and under ASan+UBSan (asan-all), is built at
# each, into build/olevel-O1/ and so on (logs beside: olevel-O1.all.log).
# Nothing is run; not in make check nor CI (the builds take a while).
OLEVELS := "-O0 -g" "-O1 -g" "-O2" "-O3" "-Os" "-Og -g"
olevels:
	@mkdir -p $(BUILD); pass=0; fail=0; \
	for o in $(OLEVELS); do \
	    d=$(BUILD)/olevel$${o%% *}; \
	    for t in all asan-all; do \
		if $(MAKE) --no-print-directory BUILD=$$d OPT="$$o" $$t \
		    >$$d.$$t.log 2>&1; then \
		    echo "PASS $$t at $$o"; pass=$$((pass + 1)); \
		else \
		    echo "FAIL $$t at $$o ($$d.$$t.log):"; \
		    grep -E 'error|Error' $$d.$$t.log | head -n 20 | \
			sed 's/^/    /'; \
		    fail=$$((fail + 1)); \
		fi; \
	    done; \
	done; \
	echo "$$pass passed, $$fail failed"; [ $$fail -eq 0 ]

# Against PP, the 1990s X.400 MTA on ISODE (../shared/peers: its public
# sources and a kit that builds them once per machine, about 4 minutes,
# into PEERS_PREFIX, reused while it exists). The ASan programs run.
PEERS	?= ../shared/peers
PEERS_PREFIX ?= $(BUILD)/peers
# The full soak (issue 15): 1,000 SIGKILLs of the relay and the final MTA
# under 20,000 messages; prints kills, messages, lost, duplicated
# (tests/soak/soak.sh; a short one runs in make check)
soak: $(addprefix $(BUILD)/bin/,$(PROGS))
	@X400_BIN=$(abspath $(BUILD)/bin) X400_TESTBIN=$(abspath $(BUILD)/asan/tests) \
	    sh tests/soak/soak.sh

interop: $(addprefix $(BUILD)/asan/bin/,$(PROGS))
	@X400_BIN=$(abspath $(BUILD)/asan/bin) PEERS=$(abspath $(PEERS)) \
	    PEERS_PREFIX=$(abspath $(PEERS_PREFIX)) \
	    tests/run.sh -s tests/interop

# ---- fuzzing (clang + libFuzzer) -------------------------------------
FUZZ_BINS := $(addprefix $(BUILD)/fuzz/bin/fuzz_,$(FUZZ_PDUS) $(FUZZ_LAYERS))
fuzz: $(FUZZ_BINS)
$(addprefix $(BUILD)/fuzz/bin/fuzz_,$(FUZZ_PDUS)): \
		$(BUILD)/fuzz/tests/fuzz/fuzz_pdu.o \
		$(BUILD)/fuzz/libx400.a $(BUILD)/fuzz/libx400asn1.a
	@mkdir -p $(@D)
	@echo "LD[fuzz] $@"
	@$(CLANG) -fsanitize=fuzzer,address,undefined -o $@ $^ $(LIBS)
$(addprefix $(BUILD)/fuzz/bin/fuzz_,$(FUZZ_LAYERS)): $(BUILD)/fuzz/bin/fuzz_%: \
		$(BUILD)/fuzz/tests/fuzz/target_%.o \
		$(BUILD)/fuzz/libx400.a $(BUILD)/fuzz/libx400asn1.a
	@mkdir -p $(@D)
	@echo "LD[fuzz] $@"
	@$(CLANG) -fsanitize=fuzzer,address,undefined -o $@ $^ $(LIBS)
fuzz-run: fuzz
	@for p in $(FUZZ_PDUS) $(FUZZ_LAYERS); do \
	    mkdir -p tests/fuzz/corpus/$$p tests/fuzz/crashes/$$p \
	        $(BUILD)/fuzz/work/$$p; \
	    echo "FUZZ $$p ($(FUZZ_SECONDS)s)"; \
	    FUZZ_PDU=$$p $(BUILD)/fuzz/bin/fuzz_$$p \
	        -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	        -artifact_prefix=tests/fuzz/crashes/$$p/ \
	        $(BUILD)/fuzz/work/$$p tests/fuzz/corpus/$$p || exit 1; \
	done

# The long network fuzz run (issue 17): NETFUZZ_N connections of mutated
# replays of tests/vectors/*.pcap over TCP against one ASan x400d, the
# valid association after every 200, for at most NETFUZZ_SECS seconds,
# from NETFUZZ_SEED (a new one each run unless given; the output names
# it). tests/integration/netfuzz.sh, whose short run (4,000) is in make
# check; README.md says how to reproduce a failure.
NETFUZZ_N ?= 100000
NETFUZZ_SECS ?= 7200
NETFUZZ_SEED ?= $(shell date +%s)
fuzz-net: $(BUILD)/asan/tests/netfuzz $(BUILD)/asan/bin/x400d \
	  $(BUILD)/asan/bin/x400send $(BUILD)/asan/bin/x400q
	@X400_BIN=$(abspath $(BUILD)/asan/bin) \
	    X400_TESTBIN=$(abspath $(BUILD)/asan/tests) \
	    NETFUZZ_N=$(NETFUZZ_N) NETFUZZ_SECS=$(NETFUZZ_SECS) \
	    NETFUZZ_SEED=$(NETFUZZ_SEED) sh tests/integration/netfuzz.sh

# Cut the seed corpus out of the captures; the result is committed.
fuzz-seeds: $(BUILD)/norm/tests/fuzz_seeds
	@$(BUILD)/norm/tests/fuzz_seeds tests/fuzz/corpus tests/vectors/*.pcap

clean:
	rm -rf $(BUILD)
# (not build/deb-src/: make deb's copy of the tree, with its own build/
# and Debian's staging tree, where etc/logrotate.d is a directory)
-include $(shell find $(BUILD) -path $(BUILD)/deb-src -prune -o \
	-name "*.d" -type f -print 2>/dev/null)
