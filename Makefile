# kdumpkit — top-level build. Plain GNU make; every tool lands in $(BUILD)/.
#   make            build everything          make check   deps + unit tests + lab tests
#   make demo       the whole crash→capture→analyse cycle in the lab
#   make bench      benchmarks against the reference peers
#   make install    DESTDIR=… PREFIX=…        make deps    install the Debian packages we need
#   make man        the manual pages          make deb     the Debian package, in $(BUILD)/deb/

BUILD   ?= build
PREFIX  ?= /usr
SYSCONFDIR ?= /etc
# systemd units: debian/rules passes /lib/systemd/system, where bookworm's dh_installsystemd looks.
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
# udev rules: debian/rules passes /lib/udev/rules.d (bookworm's udev reads both).
UDEVRULESDIR ?= $(PREFIX)/lib/udev/rules.d
DESTDIR ?=
CC      ?= gcc
CFLAGS  ?= -O2 -g -D_FORTIFY_SOURCE=2 -fstack-protector-strong -Wformat -Werror=format-security
CFLAGS  += -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -Ilib -Ipurgatory -MMD -MP
# Libraries few runs need are loaded at their first use (lib/optional_lib.h): snappy, libssh2 and
# OpenSSL are not linked into the host tools at all, and -u pulls the loader out of libkdk.a into
# the dynamic links (the static ones leave it out: nothing refers to it but weakly).
OPTIONAL_LIB_LOADER := -Wl,-u,kdk_optional_lib_load
# libzstd comes in through lib/zstd_api_linked.c's table, which -u takes out of libkdk.a: every
# link names it but the capture /init for dumps without -z (kdump-init), which so leaves out
# ~650 KB of its 2 MB (lib/zstd_api.h).
ZSTD_LINKED := -Wl,-u,kdk_zstd_linked_api
LDLIBS_COMMON := $(OPTIONAL_LIB_LOADER) $(ZSTD_LINKED) -lelf -ldeflate -lz -llzo2 -lzstd -linih -lkmod -lpthread

# Lab settings (kernel versions and the cache) live in one place, shared with the shell lab.
# Downloads, kernels and fixtures live outside the clone, keyed by content: a second clone on the
# same machine downloads nothing.
KDK_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/kdumpkit
export KDK_CACHE

# lib/ keeps one folder per family of modules (lib/kfacts/…): headers are included as "family/x.h".
LIB_SRCS := $(wildcard lib/*.c lib/*/*.c)
LIB_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRCS))
LIBKDK   := $(BUILD)/libkdk.a

# Small generators and helpers the tests use (synthetic vmcores and the like).
TEST_TOOL_SRCS := $(wildcard tests/tools/*.c)
TEST_TOOLS     := $(patsubst tests/tools/%.c,$(BUILD)/tests/tools/%,$(TEST_TOOL_SRCS))

UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(UNIT_SRCS))

# Tools: one directory each, with its own main. Add "name:dir:libs" as tools appear.
TOOLS := mkdumprd:initramfs:-larchive dumpsave:dumpsave: kexec:kexec: kdump-init:capture: kcrash:analyze:-ledit+-lcapstone+-ldw \
	kdumpctl:systemd:-larchive
TOOL_BINS := $(foreach t,$(TOOLS),$(BUILD)/$(word 1,$(subst :, ,$(t))))

# Static builds of what runs in the capture kernel: no shared libraries, no loader in the initramfs;
# stripped (-s), since every byte of the initramfs is RAM the capture kernel does not have.
# The capture /init comes in three builds, and mkdumprd picks the smallest one kdump.conf needs:
# kdump-init for local targets (1.4 MB), kdump-init-zstd for local targets whose core_collector
# has -z (+ libzstd, ~650 KB), kdump-init-ssh for ssh targets (+ libzstd, libssh2 and OpenSSL,
# ~4 MB more) — bytes of the initramfs a dump need not carry in its crashkernel reservation.
# "name:dir[:features]", features joined by +: ssh links libssh2 + OpenSSL in (dumpsave's ssh://
# targets), zstd libzstd (-z).
STATIC_TOOLS := dumpsave:dumpsave:ssh+zstd kexec:kexec
# The capture /init's builds, "name[:features]" the same way: without ssh, the stub
# capture/no-ssh/ssh_target.c stands in for capture/ssh_target.c.
CAPTURE_INITS := kdump-init kdump-init-zstd:zstd kdump-init-ssh:ssh+zstd
STATIC_LIBS  := -lelf -ldeflate -lz -llzo2 -lzstd -linih -lpthread
# The static builds cannot load libssh2: -u takes lib/ssh_api_linked.c's table of its (and
# OpenSSL's) functions out of libkdk.a, and with it the libraries themselves.
STATIC_SSH_LIBS := -Wl,-u,kdk_ssh_linked_api -lssh2 -lcrypto
STATIC_BINS  := $(foreach t,$(STATIC_TOOLS) $(CAPTURE_INITS),$(BUILD)/static/$(word 1,$(subst :, ,$(t))))
CAPTURE_OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(basename $(wildcard capture/*.c)))

.PHONY: asan-build all programs man deb check check-unit check-lab check-fuzz check-asan fuzz fuzz-build demo bench install deps clean

# The fault-injection shim (tests/fault, docs/faults.md): LD_PRELOAD by tests only, linked into nothing.
FAULT_SHIM := $(BUILD)/tests/fault/libkdk-fault.so

all: $(LIBKDK) $(TOOL_BINS) $(STATIC_BINS) $(UNIT_TESTS) $(TEST_TOOLS) $(FAULT_SHIM)

# Its own flags: no _FILE_OFFSET_BITS (it defines open and open64 both), no sanitizer (it is
# preloaded into the sanitizer build's tools too).
$(FAULT_SHIM): tests/fault/kdk_fault.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -fPIC -shared -o $@ $< -ldl -lpthread

# What `make install` ships (debian/rules builds only this): the tools and the manual pages.
programs: $(TOOL_BINS) $(STATIC_BINS) man

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# kdumpctl finds kexec, mkdumprd and the capture /init where `make install` puts them.
$(BUILD)/obj/systemd/%.o: CFLAGS += -DKDK_PREFIX='"$(PREFIX)"'

# Purgatory: freestanding x86_64 code, linked into one relocatable object that kexec carries
# (kexec/purgatory_blob.S) and relocates to wherever it places it. -mcmodel=large makes every
# absolute reference a 64-bit one, so any load address works; no SSE, no red zone, no libc.
PURGATORY_CFLAGS := -O2 -g0 -std=gnu11 -Wall -Wextra -Werror -ffreestanding -fno-builtin -nostdlib \
	-fno-stack-protector -fno-pic -fno-pie -mcmodel=large -mno-red-zone -mgeneral-regs-only \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -fcf-protection=none -Ilib -Ipurgatory -MMD -MP
PURGATORY_SRCS := $(wildcard purgatory/*.c purgatory/*.S) lib/sha256.c
PURGATORY_OBJS := $(patsubst %,$(BUILD)/purgatory/%.o,$(PURGATORY_SRCS))
PURGATORY := $(BUILD)/purgatory/purgatory.ro

$(BUILD)/purgatory/%.o: %
	@mkdir -p $(dir $@)
	$(CC) $(PURGATORY_CFLAGS) -c -o $@ $<

$(PURGATORY): $(PURGATORY_OBJS)
	$(LD) -r -o $@ $^

$(BUILD)/obj/kexec/purgatory_blob.o: kexec/purgatory_blob.S $(PURGATORY)
	@mkdir -p $(dir $@)
	$(CC) -c -DPURGATORY_OBJECT='"$(PURGATORY)"' -o $@ $<

$(LIBKDK): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

define tool_rule
$(BUILD)/$(1): $(patsubst %,$(BUILD)/obj/%.o,$(basename $(wildcard $(2)/*.c $(2)/*.S))) $(LIBKDK)
	$$(CC) $$(CFLAGS) -o $$@ $$(filter %.o %.a,$$^) $(3) $$(LDLIBS_COMMON)
endef
$(foreach t,$(TOOLS),$(eval $(call tool_rule,$(word 1,$(subst :, ,$(t))),$(word 2,$(subst :, ,$(t))),$(subst +, ,$(word 3,$(subst :, ,$(t)))))))

define static_rule
$(BUILD)/static/$(1): $(patsubst %,$(BUILD)/obj/%.o,$(basename $(wildcard $(2)/*.c $(2)/*.S))) $(LIBKDK)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) -static -s -o $$@ $$(filter %.o %.a,$$^) $(if $(filter ssh,$(3)),$$(STATIC_SSH_LIBS)) \
		$(if $(filter zstd,$(3)),$$(ZSTD_LINKED)) $$(STATIC_LIBS)
endef
$(foreach t,$(STATIC_TOOLS),$(eval $(call static_rule,$(word 1,$(subst :, ,$(t))),$(word 2,$(subst :, ,$(t))),$(subst +, ,$(word 3,$(subst :, ,$(t)))))))

define capture_init_rule
$(BUILD)/static/$(1): $(if $(filter ssh,$(2)),$(CAPTURE_OBJS),$(filter-out %/ssh_target.o,$(CAPTURE_OBJS)) \
		$(BUILD)/obj/capture/no-ssh/ssh_target.o) $(LIBKDK)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) -static -s -o $$@ $$(filter %.o %.a,$$^) $(if $(filter ssh,$(2)),$$(STATIC_SSH_LIBS)) \
		$(if $(filter zstd,$(2)),$$(ZSTD_LINKED)) $$(STATIC_LIBS)
endef
$(foreach t,$(CAPTURE_INITS),$(eval $(call capture_init_rule,$(word 1,$(subst :, ,$(t))),$(subst +, ,$(word 2,$(subst :, ,$(t)))))))

$(BUILD)/tests/unit/%: tests/unit/%.c $(LIBKDK)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIBKDK) -lcmocka $(UNIT_EXTRA_LIBS) $(LDLIBS_COMMON)

# test_kfacts reads DWARF (lib/kfacts/dwarf_source.c) from a program it compiles.
$(BUILD)/tests/unit/test_kfacts: UNIT_EXTRA_LIBS := -ldw
$(BUILD)/tests/unit/test_page_codec: UNIT_EXTRA_LIBS := -lsnappy
# Linked as kdump-init is: without libzstd's table (lib/zstd_api.h).
$(BUILD)/tests/unit/test_codec_without_zstd: LDLIBS_COMMON := $(filter-out $(ZSTD_LINKED),$(LDLIBS_COMMON))

$(BUILD)/tests/tools/%: tests/tools/%.c $(LIBKDK)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIBKDK) $(LDLIBS_COMMON)

deps:
	@scripts/install-deps

# The machine's CPUs: builds and check-fuzz use them all (CI has 2).
NPROC := $(shell nproc 2>/dev/null || echo 1)

check: deps
	$(MAKE) -j$(NPROC) all
	$(MAKE) check-unit
	$(MAKE) -j$(NPROC) fuzz-build
	$(MAKE) check-fuzz
	$(MAKE) -j$(NPROC) asan-build
	$(MAKE) check-asan
	$(MAKE) check-lab

# cmocka speaks TAP when asked; prove runs the binaries and prints the summary, one file per CPU
# at once (each test makes its own scratch directory; the ssh ones take a free port).
check-unit: all
	CMOCKA_MESSAGE_OUTPUT=TAP prove -j$(NPROC) --failures --comments --exec '' $(UNIT_TESTS)
	prove -j$(NPROC) --failures --comments --exec bash tests/cli/*.sh

# Fuzzing (docs/fuzzing.md): libFuzzer harnesses tests/fuzz/fuzz_*.c, built with clang against a
# libkdk.a of their own (ASan + UBSan, every report fatal) in $(FUZZ_BUILD)/.
FUZZ_BUILD   ?= build-fuzz
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := -O1 -g $(FUZZ_SAN) -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 \
	-Ilib -Ipurgatory -MMD -MP
FUZZ_SRCS    := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS    := $(patsubst tests/fuzz/%.c,$(FUZZ_BUILD)/%,$(FUZZ_SRCS))
FUZZ_LIB_OBJS := $(patsubst %.c,$(FUZZ_BUILD)/obj/%.o,$(LIB_SRCS) kexec/bzimage.c)

$(FUZZ_BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/libkdk-fuzz.a: $(FUZZ_LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_BUILD)/libkdk-fuzz.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_BUILD)/libkdk-fuzz.a -larchive $(LDLIBS_COMMON)

# Harnesses of kcrash's own walkers (tests/fuzz/fuzz_kcrash_*.c) link analyze/ but its main.
FUZZ_KCRASH_OBJS := $(patsubst %.c,$(FUZZ_BUILD)/obj/%.o,$(filter-out analyze/main.c,$(wildcard analyze/*.c)))
$(FUZZ_BUILD)/libkcrash-fuzz.a: $(FUZZ_KCRASH_OBJS)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_kcrash_%: tests/fuzz/fuzz_kcrash_%.c $(FUZZ_BUILD)/libkcrash-fuzz.a $(FUZZ_BUILD)/libkdk-fuzz.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Ianalyze -fsanitize=fuzzer -o $@ $< $(FUZZ_BUILD)/libkcrash-fuzz.a \
		$(FUZZ_BUILD)/libkdk-fuzz.a -ledit -lcapstone -ldw $(LDLIBS_COMMON)

fuzz-build: $(FUZZ_BINS)

# Each harness (or those FUZZ_NAMES lists) FUZZ_SECONDS seconds, one at a time, growing its
# corpus in the per-user cache and adding the time to its ledger in tests/fuzz/ledger/ (committed:
# runs from every clone, session and machine add up); rewrites docs/fuzzing.md's table.
FUZZ_NAMES ?=
fuzz: fuzz-build
	tests/fuzz/run-fuzz --build $(FUZZ_BUILD) --seconds $(FUZZ_SECONDS) --table docs/fuzzing.md \
		--corpus $(KDK_CACHE)/fuzz/corpus --ledger tests/fuzz/ledger $(FUZZ_NAMES)

# Every kept regression input once, then each harness 20 s from a fixed seed (the same mutations
# on every machine: a crash CI finds, a rerun finds again), as many at once as there are CPUs;
# any crash fails.
check-fuzz: fuzz-build
	tests/fuzz/run-fuzz --build $(FUZZ_BUILD) --seconds 20 --seed 1 --jobs $(NPROC) --check

# The unit and CLI tests under ASan + UBSan (every report fatal), built in $(ASAN_BUILD)/.
# Static tools are left out: the sanitizer runtimes do not link statically. gcc's
# -Wformat-truncation guesses wrongly under the sanitizers' instrumentation (capture/network.c's
# IFNAMSIZ snprintf), so that one warning is off in this build only.
ASAN_BUILD ?= build-asan
ASAN_CFLAGS := -O1 -g $(FUZZ_SAN) -Wno-format-truncation
ASAN_TARGETS := $(ASAN_BUILD)/libkdk.a $(foreach t,$(TOOLS),$(ASAN_BUILD)/$(word 1,$(subst :, ,$(t)))) \
	$(patsubst tests/unit/%.c,$(ASAN_BUILD)/tests/unit/%,$(UNIT_SRCS)) \
	$(patsubst tests/tools/%.c,$(ASAN_BUILD)/tests/tools/%,$(TEST_TOOL_SRCS))
# The sanitizer build alone (tests/lab/t/75 runs its kcrash over damaged dumps).
asan-build:
	CFLAGS="$(ASAN_CFLAGS)" $(MAKE) BUILD=$(ASAN_BUILD) $(ASAN_TARGETS)

check-asan: asan-build
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		CMOCKA_MESSAGE_OUTPUT=TAP prove -j$(NPROC) --failures --comments --exec '' $(filter $(ASAN_BUILD)/tests/unit/%,$(ASAN_TARGETS))
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 KDK_BUILD=$(abspath $(ASAN_BUILD)) \
		prove -j$(NPROC) --failures --comments --exec bash tests/cli/*.sh

check-lab: all
	tests/lab/run-tests $(LAB_TESTS)

demo: deps
	$(MAKE) all
	tests/lab/demo

bench: deps
	$(MAKE) all
	tests/bench/run

# The capture /init is not a command: mkdumprd takes the static build from PREFIX/lib/kdumpkit.
# kcrash is a user's command (PREFIX/bin), the others an administrator's (PREFIX/sbin).
# kdump.service goes to SYSTEMDUNITDIR, the hotplug rule to UDEVRULESDIR; kdump.conf and default/kdump to SYSCONFDIR.
install: programs
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/kdumpkit
	$(foreach b,$(filter-out %/kdump-init %/kcrash,$(TOOL_BINS)),install -m 0755 $(b) $(DESTDIR)$(PREFIX)/sbin/;)
	install -m 0755 $(BUILD)/kcrash $(DESTDIR)$(PREFIX)/bin/kcrash
	install -m 0755 $(BUILD)/static/kdump-init $(DESTDIR)$(PREFIX)/lib/kdumpkit/kdump-init
	install -m 0755 $(BUILD)/static/kdump-init-zstd $(DESTDIR)$(PREFIX)/lib/kdumpkit/kdump-init-zstd
	install -m 0755 $(BUILD)/static/kdump-init-ssh $(DESTDIR)$(PREFIX)/lib/kdumpkit/kdump-init-ssh
	install -d $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(SYSCONFDIR)/default \
		$(DESTDIR)$(PREFIX)/share/doc/kdumpkit/formats $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	sed -e 's|@SBINDIR@|$(PREFIX)/sbin|g' -e 's|@DOCDIR@|$(PREFIX)/share/doc/kdumpkit|g' \
		systemd/kdump.service.in > $(DESTDIR)$(SYSTEMDUNITDIR)/kdump.service
	install -d $(DESTDIR)$(UDEVRULESDIR)
	sed -e 's|@SBINDIR@|$(PREFIX)/sbin|g' systemd/98-kdumpkit-hotplug.rules.in \
		> $(DESTDIR)$(UDEVRULESDIR)/98-kdumpkit-hotplug.rules
	install -m 0644 README.md $(DESTDIR)$(PREFIX)/share/doc/kdumpkit/README.md
	install -m 0644 docs/formats/*.md $(DESTDIR)$(PREFIX)/share/doc/kdumpkit/formats/
	$(foreach m,$(MAN_PAGES),install -d $(DESTDIR)$(PREFIX)/share/man/man$(subst .,,$(suffix $(m))) && \
		install -m 0644 $(m) $(DESTDIR)$(PREFIX)/share/man/man$(subst .,,$(suffix $(m)))/;)
	install -m 0644 completion/kdumpctl completion/kcrash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/
	@# An administrator's configuration is never overwritten.
	test -e $(DESTDIR)$(SYSCONFDIR)/kdump.conf || install -m 0644 conf/kdump.conf $(DESTDIR)$(SYSCONFDIR)/kdump.conf
	test -e $(DESTDIR)$(SYSCONFDIR)/default/kdump || install -m 0644 conf/default-kdump $(DESTDIR)$(SYSCONFDIR)/default/kdump

# Manual pages: scdoc sources in docs/man/NAME.SECTION.scd, rendered into $(BUILD)/man/NAME.SECTION,
# dated by debian/changelog's last entry (the same bytes on every build of one version).
VERSION := $(shell sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog)
VERSION_DATE := $(shell date -u -d "$$(sed -n 's/^ -- .*>  //p' debian/changelog | head -n 1)" +%s 2>/dev/null)
MAN_PAGES := $(patsubst docs/man/%.scd,$(BUILD)/man/%,$(wildcard docs/man/*.scd))

$(BUILD)/man/%: docs/man/%.scd debian/changelog
	@mkdir -p $(dir $@)
	sed 's/@VERSION@/$(VERSION)/g' $< | SOURCE_DATE_EPOCH=$(VERSION_DATE) scdoc > $@.tmp
	mv $@.tmp $@

man: $(MAN_PAGES)

# The .deb: dpkg-buildpackage in a copy of the tree's files (tracked and new, as the work tree has
# them) under $(BUILD)/deb/, so the source tree stays clean and its build/ untouched; rebuilt only
# when one of those files changed. debian/rules builds with its own BUILD inside the copy. tests/
# is left out: the package build runs no tests, and a test edited must not rebuild the package.
DEB := $(BUILD)/deb/kdumpkit_$(VERSION)_amd64.deb
DEB_SOURCES := $(filter-out tests/% .ci/%,$(wildcard $(shell git ls-files -co --exclude-standard 2>/dev/null)))

deb: $(DEB)

$(DEB): $(DEB_SOURCES)
	rm -rf $(BUILD)/deb
	mkdir -p $(BUILD)/deb/kdumpkit-$(VERSION)
	@echo "deb: copying $(words $(DEB_SOURCES)) files to $(BUILD)/deb/kdumpkit-$(VERSION)"
	@cp --parents -t $(BUILD)/deb/kdumpkit-$(VERSION) $(DEB_SOURCES)
	@# Nothing of this make (BUILD=, CFLAGS=, -j) may reach the copy's own build: command-line
	@# variables are in the environment too, and its `make clean` would remove this BUILD.
	cd $(BUILD)/deb/kdumpkit-$(VERSION) && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
		-u BUILD -u CFLAGS \
		dpkg-buildpackage -us -uc -b -j$(NPROC) > ../build.log 2>&1 || \
		{ tail -n 30 ../build.log; exit 1; }
	@echo "deb: $@ (log: $(BUILD)/deb/build.log)"

clean:
	rm -rf $(BUILD)

# Dependency files only from the build's own trees: lab runs keep whole root filesystems (etc/rc2.d…).
-include $(shell find $(BUILD) -path $(BUILD)/lab-runs -prune -o -name '*.d' -type f -print 2>/dev/null)
-include $(wildcard $(FUZZ_BUILD)/*.d $(FUZZ_BUILD)/obj/*/*.d $(FUZZ_BUILD)/obj/*/*/*.d)
