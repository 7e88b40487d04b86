# sbx: see README.md. GNU make.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share
# Where AppArmor reads profiles: data/apparmor/sbx goes there (Ubuntu's userns restriction).
APPARMORDIR ?= /etc/apparmor.d
# Present where the running kernel has AppArmor enabled (install loads the profile there).
APPARMORFS ?= /sys/kernel/security/apparmor
DESTDIR ?=

PKG_CONFIG ?= pkg-config
CLANG_FORMAT ?= clang-format
# Libraries sbx links with; libsystemd joins with the cgroup work.
PKGS ?= libcap-ng
# libseccomp compiles the default filter at build time (tools/seccomp-gen.c) only.
GEN_PKGS = libseccomp
# What scripts/deps.sh checks (and installs as root). json-c: headers for seccomp_oci.c,
# which dlopen()s it (and libseccomp) only for --seccomp-profile.
DEPS_PKGS = libcap-ng libseccomp libsystemd json-c
DEPS_CHECK ?= bash scripts/deps.sh check $(DEPS_PKGS) cmocka

# The warning set CI builds with; -Wconversion includes -Wsign-conversion for C (issue 13).
WARNINGS = -Wall -Wextra -Wshadow -Wconversion -Werror
# CFLAGS is the user's to replace (make CFLAGS='-O0 -g'); what sbx needs stays in SBX_CFLAGS.
CFLAGS ?= -O2 -g $(WARNINGS) -fstack-protector-strong -D_FORTIFY_SOURCE=2
LDFLAGS ?= -Wl,-z,relro -Wl,-z,now
# Recursive on purpose: pkg-config runs after the dependency check has installed it.
SBX_CFLAGS = -std=gnu11 -D_GNU_SOURCE -Isrc -Ibuild/gen $(shell $(PKG_CONFIG) --cflags $(PKGS)) \
	-DSBX_PID1_PATH='"$(abspath build/sbx-pid1)"' \
	-DSBX_CAPNG_VERSION='"$(shell $(PKG_CONFIG) --modversion libcap-ng)"' \
	-DSBX_LIBSYSTEMD_VERSION='"$(shell $(PKG_CONFIG) --modversion libsystemd)"'
# libcap-ng (names of capabilities) is linked in where its static archive exists: one
# shared library less to load costs every start ~0.3 ms (make bench). STATIC_CAPNG=0: not.
STATIC_CAPNG ?= $(if $(filter /%,$(shell $(CC) -print-file-name=libcap-ng.a)),1,0)
ifeq ($(STATIC_CAPNG),1)
LDLIBS = -Wl,-Bstatic $(shell $(PKG_CONFIG) --libs $(PKGS)) -Wl,-Bdynamic
else
LDLIBS = $(shell $(PKG_CONFIG) --libs $(PKGS))
endif
TEST_CFLAGS = -Isrc -Wno-unused-parameter $(shell $(PKG_CONFIG) --cflags cmocka)
TEST_LDLIBS = $(shell $(PKG_CONFIG) --libs cmocka || echo -lcmocka)

# src/ is in folders by layer (DESIGN.md, Layout); src/run/pid1/ is a program of its own.
SRCS := $(wildcard src/*.c src/*/*.c)
OBJS := $(SRCS:src/%.c=build/obj/%.o)
# Unit tests link every object but main.o.
LIB_OBJS := $(filter-out build/obj/main.o,$(OBJS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=build/tests/%)
FORMAT_FILES := $(wildcard src/*.[ch] src/*/*.[ch] src/run/pid1/*.c tests/unit/*.c tests/fuzz/*.[ch])

V ?= 0
ifeq ($(V),0)
Q = @
say = @printf '  %-7s %s\n' $(1) $(2);
else
Q =
say =
endif

.PHONY: all deps unit-tests test-binaries check check-asan check-malloc check-fault fuzz fuzz-targets fuzz-run run install uninstall format format-check clean bench stress check-vm \
	completions docs-check check-compat check-flatpak

all: build/sbx

deps:
	$(Q)$(DEPS_CHECK)

build/sbx: $(OBJS) | deps
	@mkdir -p $(@D)
	$(call say,LD,$@)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

build/obj/%.o: src/%.c | deps
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(CPPFLAGS) $(SBX_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

# The built-in profiles are compiled in from profiles/*.profile.
PROFILES := $(wildcard profiles/*.profile)
build/gen/profiles.inc: $(PROFILES) scripts/embed-profiles.sh
	@mkdir -p $(@D)
	$(call say,GEN,$@)sh scripts/embed-profiles.sh $@ $(PROFILES)
build/obj/cli/profile.o: build/gen/profiles.inc

# sbx's PID 1 (src/run/pid1/main.c): freestanding, static and position-independent, with no
# relocation to apply since nothing would apply them; linked into sbx by pid1.c.
PID1_CFLAGS = -Os -std=gnu11 -Isrc $(WARNINGS) -ffreestanding -fPIE -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-unwind-tables
PID1_LDFLAGS = -static-pie -nostdlib -Wl,--build-id=none -Wl,-z,noexecstack
# Other architectures (no system call glue written and tested yet) get an empty file: sbx
# then keeps its own init (pid1_open fails).
PID1_ARCH := $(filter x86_64%,$(shell $(CC) -dumpmachine))
build/sbx-pid1: src/run/pid1/main.c src/run/proto.h
	@mkdir -p $(@D)
ifneq ($(PID1_ARCH),)
	$(call say,CC,$@)$(CC) $(PID1_CFLAGS) $(PID1_LDFLAGS) -o $@ $<
	$(Q)if readelf -r $@ | grep -q 'R_'; then echo "$@: has relocations" >&2; rm -f $@; exit 1; fi
else
	$(Q): >$@
endif
build/obj/run/pid1.o: build/sbx-pid1

build/seccomp-gen: tools/seccomp-gen.c | deps
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(SBX_CFLAGS) $(CFLAGS) $(shell $(PKG_CONFIG) --cflags $(GEN_PKGS)) \
		-o $@ $< $(shell $(PKG_CONFIG) --libs $(GEN_PKGS))
build/gen/seccomp-filters.inc: build/seccomp-gen
	@mkdir -p $(@D)
	$(call say,GEN,$@)build/seccomp-gen > $@.tmp && mv $@.tmp $@
build/obj/seccomp/seccomp.o: build/gen/seccomp-filters.inc

# A test-only sbx (tests/security/70-landlock.bats): its mount plan made wrong on purpose
# (src/setup/testknob.h) to show that Landlock holds where the mounts do not. Never
# installed; only the objects that carry the mistake are built again.
KNOB_SRCS := src/setup/sources.c src/setup/rootfs.c src/setup/testknob.c
KNOB_OBJS := $(KNOB_SRCS:src/%.c=build/test/obj/%.o)
build/test/sbx: $(filter-out $(KNOB_SRCS:src/%.c=build/obj/%.o),$(OBJS)) $(KNOB_OBJS)
	@mkdir -p $(@D)
	$(call say,LD,$@)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)
build/test/obj/%.o: src/%.c | deps
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(CPPFLAGS) -DSBX_TEST_MOUNT_BUG $(SBX_CFLAGS) $(CFLAGS) -MMD -MP \
		-c -o $@ $<
test-binaries: build/test/sbx

unit-tests: $(UNIT_BINS)

build/tests/%: tests/unit/%.c $(LIB_OBJS) | deps
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(CPPFLAGS) $(SBX_CFLAGS) $(TEST_CFLAGS) $(CFLAGS) -MMD -MP \
		$(LDFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS) $(TEST_LDLIBS)

-include $(wildcard build/obj/*.d build/obj/*/*.d build/tests/*.d build/test/obj/*/*.d)

# The completions are generated from the option table (sbx --print-options); docs-check
# (part of make check) fails when they, the man page or --help fall behind it.
completions: build/sbx
	bash scripts/gen-completions.sh build/sbx completions

docs-check: build/sbx
	@bash tests/docs-check.sh build/sbx

check:
	@MAKE="$(MAKE)" bash tests/check.sh

# make check-compat (issue 15): bubblewrap's own test suite, from Debian's source package
# (cached in SBX_COMPAT_CACHE), against sbx invoked as bwrap, judged against
# tests/compat/expected-failures. See tests/compat/run.sh.
SBX_COMPAT_CACHE ?= /var/tmp/sbx-compat
check-compat: all
	@SBX_COMPAT_CACHE="$(SBX_COMPAT_CACHE)" bash tests/compat/run.sh

# make check-flatpak (issue 15): Flatpak's own sandboxes (flatpak run, build, enter, install
# triggers, xdg-dbus-proxy) through FLATPAK_BWRAP, real bubblewrap and sbx as bwrap side by
# side, judged against tests/compat/flatpak-expected-failures. See tests/compat/flatpak.sh.
check-flatpak: all
	@SBX_COMPAT_CACHE="$(SBX_COMPAT_CACHE)" bash tests/compat/flatpak.sh

# make check-asan (issue 13): sbx and the unit tests built with ASan and UBSan in a copy of
# the tree (build/asan), then the unit, integration and security tests against that build;
# any report fails. sbx's PID 1 program is freestanding and exempt; in that build the
# two vfork-style clones on stacks of their own become fork (ASan cannot follow them).
SANITIZE = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
check-asan:
	@rm -rf build/asan && mkdir -p build/asan
	@tar --exclude=./build --exclude=./.git -cf - . | tar -C build/asan -xf -
	$(Q)$(MAKE) -s -C build/asan build/sbx unit-tests test-binaries DEPS_CHECK=true STATIC_CAPNG=0 \
		CFLAGS="$(SANITIZE) $(WARNINGS)" LDFLAGS="$(SANITIZE)"
	@bash tests/check-asan.sh build/asan

# make check-malloc (issue 13): the integration tests with every process on glibc's
# checking malloc (tests/run-bats.sh, SBX_MALLOC_CHECK): a double free or a heap overrun
# that the release build survives by luck aborts here. Ends with "N passed, N failed".
check-malloc: all
	@SBX_MALLOC_CHECK=1 bash tests/check-malloc.sh

# make fuzz (issue 13): libFuzzer targets (tests/fuzz/fuzz_*.c) for the parsers of user
# input, built with clang, ASan and UBSan in a copy of the tree (build/fuzz) whose objects
# carry the fuzzer's coverage instrumentation. The copy keeps its mtimes, so a second
# make fuzz rebuilds only what changed. make fuzz-run FUZZ_SECONDS=N runs each target N
# seconds over its seed corpus (tests/fuzz/corpus/TARGET) and fails on any report.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 45
FUZZ_SANITIZE = $(SANITIZE) -fsanitize=fuzzer-no-link
# clang's -Wmissing-field-initializers also fires on libseccomp's SCMP_A0() macro.
FUZZ_WARN = -Wall -Wextra -Werror -Wno-missing-field-initializers
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=build/fuzz-bin/%)
# The harness's stand-ins for what would read or write outside its temporary directory
# (tests/fuzz/common.c); --wrap redirects the calls between sbx's objects only.
FUZZ_WRAP = -Wl,--wrap=profile_find,--wrap=seccomp_oci_prepare,--wrap=apphome_resolve
fuzz:
	@mkdir -p build/fuzz
	@tar --exclude=./build --exclude=./.git -cf - . | tar -C build/fuzz -xf -
	$(Q)$(MAKE) -s -C build/fuzz fuzz-targets CC=$(FUZZ_CC) DEPS_CHECK=true STATIC_CAPNG=0 \
		CFLAGS="$(FUZZ_SANITIZE) $(FUZZ_WARN)" LDFLAGS="$(FUZZ_SANITIZE)"

fuzz-targets: $(FUZZ_BINS)

build/fuzz-bin/%: tests/fuzz/%.c tests/fuzz/common.c tests/fuzz/common.h $(LIB_OBJS) | deps
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(CPPFLAGS) $(SBX_CFLAGS) -Isrc -Itests/fuzz $(CFLAGS) \
		-fsanitize=fuzzer $(LDFLAGS) $(FUZZ_WRAP) -o $@ $< tests/fuzz/common.c \
		$(LIB_OBJS) $(LDLIBS) -ldl

fuzz-run: fuzz
	@bash tests/fuzz/run.sh build/fuzz/build/fuzz-bin $(FUZZ_SECONDS)

# make check-fault (issue 13): sbx built with its fault points (src/base/fault.h) in a copy of
# the tree (build/fault), then tests/fault/*.bats: each point made to fail and to die in
# turn, and nothing may be left behind. Release builds have no such points.
check-fault: all
	@rm -rf build/fault && mkdir -p build/fault
	@tar --exclude=./build --exclude=./.git -cf - . | tar -C build/fault -xf -
	$(Q)$(MAKE) -s -C build/fault build/sbx DEPS_CHECK=true CPPFLAGS="-DSBX_FAULT_INJECTION"
	@SBX_FAULT_BUILD=build/fault/build/sbx bash tests/check-fault.sh

run: all
	build/sbx sh

install: all
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 build/sbx $(DESTDIR)$(BINDIR)/sbx
	$(call install_if,man/sbx.1,0644,$(MANDIR)/man1/sbx.1)
	$(call install_if,man/sbx.profile.5,0644,$(MANDIR)/man5/sbx.profile.5)
	$(call install_if,completions/sbx.bash,0644,$(DATADIR)/bash-completion/completions/sbx)
	$(call install_if,completions/_sbx,0644,$(DATADIR)/zsh/site-functions/_sbx)
	$(call install_if,completions/sbx.fish,0644,$(DATADIR)/fish/vendor_completions.d/sbx.fish)
	@# The built-in profiles, as examples to copy into ~/.config/sbx/profiles or
	@# /etc/sbx/profiles (sbx itself has them compiled in).
	install -d $(DESTDIR)$(DATADIR)/sbx/profiles
	install -m 0644 $(PROFILES) $(DESTDIR)$(DATADIR)/sbx/profiles/
	@# The AppArmor profile that lets sbx create user namespaces where Ubuntu restricts
	@# them: written where AppArmor is installed (always into a DESTDIR, for packages),
	@# and loaded when root installs onto a running AppArmor kernel. Not loading it is a
	@# warning: sbx works without it wherever the restriction is off.
	@if [ -n "$(DESTDIR)" ] || [ -d $(APPARMORDIR) ]; then \
		echo "install data/apparmor/sbx $(DESTDIR)$(APPARMORDIR)/sbx"; \
		install -d $(DESTDIR)$(APPARMORDIR) && \
		sed 's|@BINDIR@|$(abspath $(BINDIR))|' data/apparmor/sbx >$(DESTDIR)$(APPARMORDIR)/sbx && \
		chmod 0644 $(DESTDIR)$(APPARMORDIR)/sbx || exit 1; \
	fi
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && [ -d $(APPARMORFS) ] && \
	    [ -f $(APPARMORDIR)/sbx ]; then \
		echo "apparmor_parser -r $(APPARMORDIR)/sbx"; \
		PATH="$$PATH:/usr/sbin:/sbin" apparmor_parser -r $(APPARMORDIR)/sbx 2>/dev/null || \
		echo "warning: could not load $(APPARMORDIR)/sbx (it needs AppArmor 4); sbx needs it only where kernel.apparmor_restrict_unprivileged_userns=1" >&2; \
	fi

# install_if SOURCE,MODE,DEST: install SOURCE when the tree has it
install_if = @if [ -f $(1) ]; then echo "install $(1) $(DESTDIR)$(3)"; \
	install -D -m $(2) $(1) $(DESTDIR)$(3); fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/sbx $(DESTDIR)$(MANDIR)/man1/sbx.1 \
		$(DESTDIR)$(MANDIR)/man5/sbx.profile.5 \
		$(DESTDIR)$(DATADIR)/bash-completion/completions/sbx \
		$(DESTDIR)$(DATADIR)/zsh/site-functions/_sbx \
		$(DESTDIR)$(DATADIR)/fish/vendor_completions.d/sbx.fish
	rm -f $(addprefix $(DESTDIR)$(DATADIR)/sbx/profiles/,$(notdir $(PROFILES)))
	@# Unload the AppArmor profile before its file goes (apparmor_parser -R reads it).
	-@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && [ -f $(APPARMORDIR)/sbx ] && \
	    grep -q '^sbx ' $(APPARMORFS)/profiles 2>/dev/null; then \
		PATH="$$PATH:/usr/sbin:/sbin" apparmor_parser -R $(APPARMORDIR)/sbx; \
	fi
	rm -f $(DESTDIR)$(APPARMORDIR)/sbx
	-rmdir $(DESTDIR)$(DATADIR)/sbx/profiles $(DESTDIR)$(DATADIR)/sbx 2>/dev/null

format:
	$(if $(FORMAT_FILES),$(CLANG_FORMAT) -i $(FORMAT_FILES))

format-check:
	$(if $(FORMAT_FILES),$(CLANG_FORMAT) --dry-run --Werror $(FORMAT_FILES))

clean:
	rm -rf build

bench: all
	bash tests/bench/bench.sh

# Scale: 10,000 sandboxes in sequence, 1,000 at once, 200 named under concurrent
# --list/--enter/--stop, with leak counts (STRESS_SEQ, STRESS_ALIVE, STRESS_NAMED for less).
stress: all
	bash tests/bench/stress.sh

# The VM suite (tests/vm/): a real systemd user manager on cgroup v2, in the sbx-vm guest of
# $(SHARED)/vm (see its README; the image is built once, as root, into SBX_VM_CACHE).
SHARED ?= ../shared
SBX_VM ?= $(SHARED)/vm/sbx-vm
SBX_VM_CACHE ?= /var/tmp/sbx-vm
check-vm: all
	@SBX_VM="$(SBX_VM)" SBX_VM_CACHE="$(SBX_VM_CACHE)" bash tests/vm/check.sh
