# SPDX-License-Identifier: GPL-2.0
# Front door of the PTRACE_ATTACH_NOSTOP / PTRACE_REPORT series: see README.md.
#
#   make                 build the patched kernel, run the ptrace selftests
#                        and the benchmarks in QEMU (ARCH=x86_64|arm64|riscv64)
#   make check           the whole test suite (what CI runs)
#   make check-all       check, plus ppc64le, s390x and the backport elsewhere
#   make tree            build/KVER/linux: the series as git commits on the base
#   make overlay         regenerate the overlay from build/KVER/linux's commits
#   make series          export the series (format-patch) and checkpatch it
#   make apply KSRC=dir  apply the overlay to an existing kernel tree
#   make run TESTS=ptrace:legacy_semantics [KIND=base]   run some tests
#   make debug-check     the selftests on a KASAN + lockdep kernel
#   make stress DURATION=600 [SEED=n]   the randomized stress, same kernel
#                        (SANITIZER=kcsan: both with KCSAN for KASAN)
#   make strace-qemu     strace -p, stock and patched (companion/strace),
#                        in QEMU on the 7.3 x86_64 kernels (part of check)
#   make strace-bench    strace -f -p of 1000 threads, stock against patched
#
# KVER=7.3 (the default) is the mainline series, the overlay at the top of
# the repository; KVER=6.12 is its stable backport, the overlay in
# stable-6.12/.  Every target takes either.

SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := all

KVER ?= 7.3
# Per series: overlay folder, Debian's source package of the base (pinned
# version, suite of the Debian archive when it is not the machine's own),
# and Debian's binary kernel of the same source, the x86_64 baseline.
ifeq ($(KVER),7.3)
OVL := .
BASE_PKG := linux-source-7.3
BASE_DEBVER := 7.3.4-1~bpo13+1
BASE_SUITE := trixie-backports
DEB_KERNEL := linux-binary-7.3.4+deb13-cloud-amd64
else ifeq ($(KVER),6.12)
OVL := stable-6.12
BASE_PKG := linux-source-6.12
BASE_DEBVER := 6.12.117-1~deb12u1
BASE_SUITE :=
DEB_KERNEL := linux-image-6.12.117+deb12-cloud-amd64-unsigned
else
$(error KVER is 7.3 (mainline) or 6.12 (stable backport))
endif
export OVERLAY := $(OVL)

B := build
BK := $(B)/$(KVER)
BASE := $(BK)/base
TREE := $(BK)/linux
LOG := $(B)/log
ARCH ?= x86_64
KIND ?= patched
TESTS ?= ptrace
# The x86_64 baseline is not compiled here: it is Debian's own build of
# the base (the cloud-amd64 flavour of the same package version), the
# unpatched kernel users run, and a quarter of a cold check's compiling.
# BASELINE=source compiles it from the base tree, as the other baselines are.
BASELINE ?= debian
deb_base = $(and $(filter debian,$(BASELINE)),$(filter x86_64,$(ARCH)))
obj = $(BK)/obj/$(ARCH)-$(if $(and $(filter base,$(1)),$(deb_base)),debian,$(1))
# The kernel a log is of: KVER-ARCH-KIND (harness/known-failures).
kname = $(KVER)-$(ARCH)-$(1)
# The selftests of the patched tree: the same binaries boot on both kernels.
KST = $(call obj,patched)/kselftest/kselftest_install

# The kernels make check builds and boots, as KVER:ARCH: the mainline
# series on three architectures, the stable backport on x86_64.  The
# last one's QEMU run is the only one nothing overlaps: riscv64's is
# short, and the backport's kernel comes after its preparation.
CHECK_KERNELS ?= 7.3:x86_64 7.3:arm64 6.12:x86_64 7.3:riscv64
# The baseline (unpatched) kernels make check boots too, as KVER:ARCH:
# legacy_semantics must give their results, case by case, on every kernel.
BASE_KERNELS ?= 7.3:x86_64 6.12:x86_64
BENCH := ptrace/passive_bench,ptrace/nostop_strace_demo.sh,ptrace/attach_bench,ptrace/report_bench

# What the harness installs up front, the companions' tools included:
# check-prep runs beside a kernel build and must not need apt-get.
DEPS := git make gcc libc6-dev flex bison bc libelf-dev libssl-dev cpio \
	xz-utils patch perl python3 python3-ply python3-git rsync ccache \
	busybox-static qemu-system-x86 gcc-i686-linux-gnu libc6-dev-i386-cross \
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm \
	gcc-riscv64-linux-gnu libc6-dev-riscv64-cross qemu-system-misc opensbi \
	manpages-dev groff-base man-db dpkg-dev autoconf automake gawk

.PHONY: all check check-prep check-all deps base tree overlay apply apply-check \
	overlay-check apply-newest series run run-base run-patched build-base build-patched \
	debug-build debug-check stress bisect-check compile-matrix cost \
	strace-qemu strace-bench

# The main job: the patched kernel, the ptrace selftests and the
# benchmarks of the new requests, in QEMU, with a short summary.
DEMO := $(LOG)/$(call kname,demo)
all: tree
	harness/build.sh $(ARCH) $(TREE) $(call obj,patched) --selftests
	harness/run.sh $(ARCH) $(call obj,patched) $(KST) $(DEMO).log $(TESTS) $(BENCH)
	harness/tap.sh $(DEMO).log $(call kname,patched) > $(DEMO).tap || true
	@grep -E '^(not )?ok .* selftests:|^(FAILED|KNOWN|KERNEL|RUN)' $(DEMO).tap || true
	@sed -n '/^run: /,/^kselftest: done/p' $(DEMO).log | tr -d '\r' | \
		grep -v -e '^\[' -e '^kselftest: done'
	@tail -n 1 $(DEMO).tap
	@tail -n 1 $(DEMO).tap | grep -q ' 0 failed'

# Everything CI runs, stage by stage, each with a progress line: for each
# series the overlay and the exported series, the companion patches, then
# the baseline and patched kernels of CHECK_KERNELS booted with the
# selftests.  Only the first series' tree is needed before the first
# kernel builds: the rest of that preparation (check-prep) goes on beside
# them (a kernel of another series waits for it), and its failure stops
# the check at the next kernel.  The QEMU runs of a kernel go on while
# the next one builds.  The series is exported by
# a stand-in identity, to its own folder.
ifndef CHECK_T0
CHECK_T0 := $(shell date +%s)
endif
export CHECK_T0
STAGE := harness/stage.sh
COMPANIONS := $(notdir $(wildcard companion/*))
CHECK_KVERS = $(filter $(foreach k,$(CHECK_KERNELS),$(firstword $(subst :, ,$(k)))),7.3 6.12)
# kinds KVER:ARCH: "base patched" or "patched"
kinds = $(if $(filter $(1),$(BASE_KERNELS)),base patched,patched)
check_logs = $(foreach k,$(CHECK_KERNELS),$(foreach n,$(call kinds,$(k)),$(LOG)/$(subst :,-,$(k))-$(n).log))
PREP := $(LOG)/check-prep
FIRST_KVER = $(firstword $(subst :, ,$(firstword $(CHECK_KERNELS))))

check-prep:
	@for v in $(CHECK_KVERS); do \
		t=tree; [ "$$v" = "$(PREP_HAVE_TREE)" ] && t=; \
		for t in $$t apply-check overlay-check; do \
			$(STAGE) "$$v $$t" $(MAKE) --no-print-directory KVER=$$v $$t || exit 1; \
		done; \
		$(STAGE) "$$v series" $(MAKE) --no-print-directory KVER=$$v series \
			SERIES=$(B)/check-series/$$v \
			NAME='Series Check' EMAIL=series-check@example.invalid || exit 1; \
	done
	@for p in $(COMPANIONS); do \
		$(STAGE) $$p harness/companion.sh $$p check $(B)/companion/$$p || exit 1; \
	done
	@$(STAGE) "strace static" harness/strace-qemu.sh build

check:
	@mkdir -p $(LOG); rm -f $(LOG)/*.totals $(LOG)/*-check.out $(PREP).*
	@$(STAGE) "$(FIRST_KVER) tree" $(MAKE) --no-print-directory KVER=$(FIRST_KVER) tree
	@{ $(MAKE) --no-print-directory check-prep \
		PREP_HAVE_TREE=$(FIRST_KVER) > $(PREP).out 2>&1; echo $$? > $(PREP).rc; } & \
	prep=$$! run=; \
	prep_failed() { [ -s $(PREP).rc ] && [ "$$(cat $(PREP).rc)" != 0 ] && cat $(PREP).out; }; \
	for k in $(CHECK_KERNELS); do \
		v=$${k%%:*} a=$${k#*:}; \
		case " $(BASE_KERNELS) " in *" $$k "*) n="base patched";; *) n=patched;; esac; \
		s=; [ "$$k" = 7.3:x86_64 ] && s=strace-qemu; \
		[ "$$v" = $(FIRST_KVER) ] || wait $$prep || true; \
		prep_failed && exit 1; \
		$(STAGE) "build $$v $$a ($$n)" $(MAKE) --no-print-directory KVER=$$v ARCH=$$a \
			$$(printf 'build-%s ' $$n) || exit 1; \
		[ -z "$$run" ] || wait $$run || true; \
		prep_failed && exit 1; \
		$(STAGE) "run $$v $$a ($$n)" bash -c "$(MAKE) --no-print-directory -k KVER=$$v ARCH=$$a \
			$$(printf 'run-%s ' $$n) $$s > $(LOG)/$$v-$$a-check.out 2>&1" & \
		run=$$!; \
	done; \
	wait
	@cat $(PREP).out $(LOG)/*-check.out
	@[ "$$(cat $(PREP).rc)" = 0 ]
	@$(STAGE) summary harness/summary.sh $(check_logs) $(STRACE_LOGS)

# strace -p that does not perturb (companion/strace): static stock and
# patched strace in QEMU on the 7.3 x86_64 kernels, patched and baseline
# (in check: the target's EINTRs under each strace, strace's attach and
# detach tests); strace-bench, not in check: both attaching to and
# detaching from 1000 threads, the ratio.
STRACE_KINDS = patched $(if $(filter 7.3:x86_64,$(BASE_KERNELS)),base)
STRACE_LOGS = $(if $(filter 7.3:x86_64,$(CHECK_KERNELS)),$(STRACE_KINDS:%=$(LOG)/strace-qemu-%.log))
strace-qemu:
	harness/strace-qemu.sh check $(STRACE_KINDS)
strace-bench:
	harness/strace-qemu.sh bench patched

# check, plus the kernels CI has no time for: the mainline series on
# ppc64le and s390x, the backport on arm64 and riscv64.
ALL_DEPS := gcc-powerpc64le-linux-gnu libc6-dev-ppc64el-cross qemu-system-ppc \
	gcc-s390x-linux-gnu libc6-dev-s390x-cross
check-all:
	harness/deps.sh $(ALL_DEPS)
	$(MAKE) --no-print-directory apply-newest KVER=7.3
	$(MAKE) --no-print-directory apply-newest KVER=6.12
	$(MAKE) check CHECK_KERNELS="$(CHECK_KERNELS) 7.3:ppc64le 7.3:s390x 6.12:arm64 6.12:riscv64"

deps:
	harness/deps.sh $(DEPS)

base: deps
	harness/base.sh $(BASE) $(BASE_PKG) $(BASE_DEBVER) $(BASE_SUITE)

tree: base
	harness/tree.sh $(BASE) $(TREE)

overlay:
	harness/overlay.sh $(TREE)

apply:
	@[ -n "$(KSRC)" ] || { echo "usage: make apply KSRC=<linux $(KVER) tree> [KVER=$(KVER)]" >&2; exit 1; }
	harness/apply.sh $(KSRC)

# The overlay applied with patch -p1 to a pristine base gives the series.
apply-check: tree
	rm -rf $(BK)/apply-check
	git -C $(BASE) worktree prune
	git -C $(BASE) worktree add -q --no-checkout --detach $(abspath $(BK)/apply-check) base
	git -C $(BK)/apply-check sparse-checkout set --no-cone \
		/Makefile '/arch/*/Makefile' /scripts/ $$(git -C $(TREE) diff --name-only base series | sed 's|^|/|')
	git -C $(BK)/apply-check checkout -q
	harness/apply.sh $(BK)/apply-check
	git -C $(BK)/apply-check add -A -f
	git -C $(BK)/apply-check diff --cached --quiet series || \
		{ echo "apply-check: patch -p1 and the series give different trees" >&2; exit 1; }
	rm -rf $(BK)/apply-check
	git -C $(BASE) worktree prune

# The overlay applies with patch -p1 to the newest BASE_PKG of the
# archive too, the tree a distribution builds next.
apply-newest:
	rm -rf $(BK)/newest
	harness/linuxsrc.sh $(BASE_PKG) newest $(BK)/newest '$(BASE_SUITE)'
	harness/apply.sh $(BK)/newest
	rm -rf $(BK)/newest

# The committed overlay is exactly what 'make overlay' writes.
overlay-check: tree
	rm -rf $(BK)/overlay-check
	harness/overlay.sh $(TREE) $(BK)/overlay-check
	diff $(BK)/overlay-check/series $(OVL)/series
	cd $(BK)/overlay-check && for f in $$(find . -type f ! -name series); do \
		cmp $$f $(CURDIR)/$(OVL)/$$f || { echo "overlay-check: $(OVL)/$$f differs" >&2; exit 1; }; done

SERIES ?= $(BK)/series
series: tree
	NAME='$(NAME)' EMAIL='$(EMAIL)' harness/export.sh $(TREE) $(SERIES)

build-patched: base
	harness/build.sh $(ARCH) $(TREE) $(call obj,patched) --selftests

build-base: base
	$(if $(deb_base),harness/debkernel.sh $(DEB_KERNEL) $(BASE_DEBVER) $(BASE) '$(BASE_SUITE)', \
		harness/build.sh $(ARCH) $(BASE)) $(call obj,base)

run-base run-patched: run-%:
	harness/run.sh $(ARCH) $(call obj,$*) $(KST) $(LOG)/$(call kname,$*).log $(TESTS)
	harness/tap.sh $(LOG)/$(call kname,$*).log $(call kname,$*) | tee $(LOG)/$(call kname,$*).tap

run: run-$(KIND)

# The selftests on a debug kernel (KASAN, lockdep, hung-task detector):
# any kernel report fails it.  Not in check: a KASAN kernel builds and
# runs slowly.  SANITIZER=kcsan builds it with KCSAN in place of KASAN
# (x86_64: harness/config/kcsan.config), in its own folder.
SANITIZER ?= kasan
ifeq ($(filter kasan kcsan,$(SANITIZER)),)
$(error SANITIZER is kasan or kcsan)
endif
DBG := debug$(if $(filter kcsan,$(SANITIZER)),-kcsan)
debug-build: tree
	EXTRA_CONFIG="$(CURDIR)/harness/config/debug.config $(CURDIR)/harness/config/$(SANITIZER).config" \
		harness/build.sh $(ARCH) $(TREE) $(call obj,$(DBG)) --selftests

debug-check: debug-build
	QEMU_TIMEOUT=2400 KST_TIMEOUT=600 harness/run.sh $(ARCH) $(call obj,$(DBG)) \
		$(call obj,$(DBG))/kselftest/kselftest_install $(LOG)/$(call kname,$(DBG)).log $(TESTS)
	harness/tap.sh $(LOG)/$(call kname,$(DBG)).log $(call kname,$(DBG)) | tee $(LOG)/$(call kname,$(DBG)).tap

# The randomized stress of the requests (tools/testing/selftests/ptrace/
# stress.c) on the debug kernel, each of its two variants for DURATION
# seconds: its counts, and a failure on any broken invariant or kernel
# report.  Not in check: it runs for as long as it is told.
DURATION ?= 600
# KCSAN panics on its first report with panic_on_warn (harness/run.sh):
# the stress goes on, and harness/stress.sh fails it on every report.
KCSAN_APPEND = $(if $(filter kcsan,$(SANITIZER)), panic_on_warn=0)
STRESS_LOG = $(LOG)/$(call kname,stress$(DBG:debug%=%)).log
stress: debug-build
	QEMU_TIMEOUT=$$((2 * $(DURATION) + 900)) \
	QEMU_APPEND="STRESS_DURATION=$(DURATION)$(if $(SEED), STRESS_SEED=$(SEED))$(KCSAN_APPEND)" \
		harness/run.sh $(ARCH) $(call obj,$(DBG)) $(call obj,$(DBG))/kselftest/kselftest_install \
		$(STRESS_LOG) none ptrace/stress
	harness/stress.sh $(STRESS_LOG)

# What the series costs a task that is not traced: entry_bench on the
# unpatched and the patched kernel of ARCH, same config (the baseline is
# compiled from the base tree), booted in turn COST_RUNS times each; the
# ratio patched / base per operation.  Not in check.
COST_RUNS ?= 3
cost: tree
	$(MAKE) --no-print-directory build-patched
	$(MAKE) --no-print-directory build-base BASELINE=source
	for i in $$(seq $(COST_RUNS)); do for k in base patched; do \
		QEMU_TIMEOUT=600 harness/run.sh $(ARCH) $(BK)/obj/$(ARCH)-$$k $(KST) \
			$(LOG)/$(call kname,cost)-$$k-$$i.log none ptrace/entry_bench; \
	done; done
	harness/cost.sh $(LOG)/$(call kname,cost)-base-*.log -- $(LOG)/$(call kname,cost)-patched-*.log

# Every commit of the series builds (kernel and selftests); not in check.
bisect-check: tree
	harness/bisect.sh $(ARCH) $(TREE)

# The changed objects build on every architecture of harness/matrix with
# no new W=1 warnings; not in check (the cross compilers are big).
MATRIX_DEPS := gcc-i686-linux-gnu gcc-arm-linux-gnueabihf \
	gcc-powerpc64le-linux-gnu gcc-s390x-linux-gnu gcc-alpha-linux-gnu \
	gcc-m68k-linux-gnu gcc-sparc64-linux-gnu gcc-mips64-linux-gnuabi64

compile-matrix: tree
	harness/deps.sh $(MATRIX_DEPS)
	harness/matrix.sh $(BASE) $(TREE) $(BK)/matrix
