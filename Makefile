# SPDX-License-Identifier: GPL-2.0
# Front door of the PTRACE_ATTACH_NOSTOP / PTRACE_REPORT series: see README.md.
#
#   make                 build the patched kernel, run the ptrace selftests
#                        and the benchmarks in QEMU (ARCH=x86_64|arm64|riscv64)
#   make check           the whole test suite, every architecture (what CI runs)
#   make tree            build/linux: the series as git commits on the base
#   make overlay         regenerate the overlay from build/linux's commits
#   make series          export the series (format-patch) and checkpatch it
#   make apply KSRC=dir  apply the overlay to an existing 6.12 tree
#   make run TESTS=ptrace:legacy_semantics [KIND=base]   run some tests
#   make debug-check     the selftests on a KASAN + lockdep kernel

SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := all

BASE_PKG := linux-source-6.12
BASE_DEBVER := 6.12.117-1~deb12u1
B := build
BASE := $(B)/base
TREE := $(B)/linux
LOG := $(B)/log
ARCH ?= x86_64
KIND ?= patched
TESTS ?= ptrace
# The x86_64 baseline is not compiled here: it is Debian's own build of
# the base (the cloud-amd64 flavour of the same package version), the
# unpatched kernel users run, and a quarter of a cold check's compiling.
# BASELINE=source compiles it from build/base, as the other baselines are.
BASELINE ?= debian
DEB_KERNEL := linux-image-6.12.117+deb12-cloud-amd64-unsigned
deb_base = $(and $(filter debian,$(BASELINE)),$(filter x86_64,$(ARCH)))
obj = $(B)/obj/$(ARCH)-$(if $(and $(filter base,$(1)),$(deb_base)),debian,$(1))
# The selftests of the patched tree: the same binaries boot on both kernels.
KST = $(call obj,patched)/kselftest/kselftest_install

ARCHS := x86_64 arm64 riscv64
# The baseline (unpatched) kernels make check boots: legacy_semantics
# must give their results, case by case, on every patched kernel.
BASE_ARCHS ?= x86_64
BENCH := ptrace/passive_bench,ptrace/nostop_strace_demo.sh,ptrace/attach_bench,ptrace/report_bench

DEPS := git make gcc libc6-dev flex bison bc libelf-dev libssl-dev cpio \
	xz-utils patch perl python3 python3-ply python3-git rsync ccache \
	busybox-static qemu-system-x86 gcc-i686-linux-gnu libc6-dev-i386-cross \
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm \
	gcc-riscv64-linux-gnu libc6-dev-riscv64-cross qemu-system-misc opensbi

.PHONY: all check deps base tree overlay apply apply-check overlay-check \
	series run debug-check bisect-check compile-matrix

# The main job: the patched kernel, the ptrace selftests and the
# benchmarks of the new requests, in QEMU, with a short summary.
all: tree
	harness/build.sh $(ARCH) $(TREE) $(call obj,patched) --selftests
	harness/run.sh $(ARCH) $(call obj,patched) $(KST) $(LOG)/$(ARCH)-demo.log $(TESTS) $(BENCH)
	harness/tap.sh $(LOG)/$(ARCH)-demo.log $(ARCH)-patched > $(LOG)/$(ARCH)-demo.tap || true
	@grep -E '^(not )?ok .* selftests:|^(FAILED|KNOWN|KERNEL|RUN)' $(LOG)/$(ARCH)-demo.tap || true
	@sed -n '/^run: /,/^kselftest: done/p' $(LOG)/$(ARCH)-demo.log | tr -d '\r' | \
		grep -v -e '^\[' -e '^kselftest: done'
	@tail -n 1 $(LOG)/$(ARCH)-demo.tap
	@tail -n 1 $(LOG)/$(ARCH)-demo.tap | grep -q ' 0 failed'

# Everything CI runs, stage by stage, each with a progress line: the
# overlay, the exported series, the companion patches, then baseline and
# patched kernels of every architecture in ARCHS booted with the
# selftests.  The QEMU runs of an architecture go on while the next one
# builds.  The series is exported by a stand-in identity, to its own folder.
ifndef CHECK_T0
CHECK_T0 := $(shell date +%s)
endif
export CHECK_T0
STAGE := harness/stage.sh
COMPANIONS := $(notdir $(wildcard companion/*))

check:
	@$(STAGE) tree $(MAKE) --no-print-directory tree
	@$(STAGE) apply-check $(MAKE) --no-print-directory apply-check
	@$(STAGE) overlay-check $(MAKE) --no-print-directory overlay-check
	@$(STAGE) series $(MAKE) --no-print-directory series SERIES=$(B)/check-series \
		NAME='Series Check' EMAIL=series-check@example.invalid
	@for p in $(COMPANIONS); do \
		$(STAGE) $$p harness/companion.sh $$p check $(B)/companion/$$p || exit 1; \
	done
	@mkdir -p $(LOG); rm -f $(LOG)/*.totals $(LOG)/*-check.out; \
	for a in $(ARCHS); do \
		k=patched; \
		case " $(BASE_ARCHS) " in *" $$a "*) k="base patched";; esac; \
		$(STAGE) "build $$a ($$k)" $(MAKE) --no-print-directory ARCH=$$a \
			$$(printf 'build-%s ' $$k) || exit 1; \
		wait; \
		$(STAGE) "run $$a ($$k)" bash -c "$(MAKE) --no-print-directory -k ARCH=$$a \
			$$(printf 'run-%s ' $$k) > $(LOG)/$$a-check.out 2>&1" & \
	done; \
	wait
	@cat $(LOG)/*-check.out
	@$(STAGE) summary harness/summary.sh $(foreach a,$(ARCHS),$(if $(filter $(a),$(BASE_ARCHS)),$(LOG)/$(a)-base.log) $(LOG)/$(a)-patched.log)

deps:
	harness/deps.sh $(DEPS)

base: deps
	harness/base.sh $(BASE) $(BASE_PKG) $(BASE_DEBVER)

tree: base
	harness/tree.sh $(BASE) $(TREE)

overlay:
	harness/overlay.sh $(TREE)

apply:
	@[ -n "$(KSRC)" ] || { echo "usage: make apply KSRC=<linux 6.12 tree>" >&2; exit 1; }
	harness/apply.sh $(KSRC)

# The overlay applied with patch -p1 to a pristine base gives the series.
apply-check: tree
	rm -rf $(B)/apply-check
	git -C $(BASE) worktree prune
	git -C $(BASE) worktree add -q --no-checkout --detach $(abspath $(B)/apply-check) base
	git -C $(B)/apply-check sparse-checkout set --no-cone \
		/Makefile '/arch/*/Makefile' /scripts/ $$(git -C $(TREE) diff --name-only base series | sed 's|^|/|')
	git -C $(B)/apply-check checkout -q
	harness/apply.sh $(B)/apply-check
	git -C $(B)/apply-check add -A -f
	git -C $(B)/apply-check diff --cached --quiet series || \
		{ echo "apply-check: patch -p1 and the series give different trees" >&2; exit 1; }
	rm -rf $(B)/apply-check
	git -C $(BASE) worktree prune

# The committed overlay is exactly what 'make overlay' writes.
overlay-check: tree
	rm -rf $(B)/overlay-check
	harness/overlay.sh $(TREE) $(B)/overlay-check
	diff $(B)/overlay-check/series series
	cd $(B)/overlay-check && for f in $$(find . -type f ! -name series); do \
		cmp $$f $(CURDIR)/$$f || { echo "overlay-check: $$f differs" >&2; exit 1; }; done

SERIES ?= $(B)/series
series: tree
	NAME='$(NAME)' EMAIL='$(EMAIL)' harness/export.sh $(TREE) $(SERIES)

build-patched: base
	harness/build.sh $(ARCH) $(TREE) $(call obj,patched) --selftests

build-base: base
	$(if $(deb_base),harness/debkernel.sh $(DEB_KERNEL) $(BASE_DEBVER) $(BASE), \
		harness/build.sh $(ARCH) $(BASE)) $(call obj,base)

run-base run-patched: run-%:
	harness/run.sh $(ARCH) $(call obj,$*) $(KST) $(LOG)/$(ARCH)-$*.log $(TESTS)
	harness/tap.sh $(LOG)/$(ARCH)-$*.log $(ARCH)-$* | tee $(LOG)/$(ARCH)-$*.tap

run: run-$(KIND)

# The selftests on a debug kernel (KASAN, lockdep, hung-task detector):
# any kernel report fails it.  Not in check: a KASAN kernel builds and
# runs slowly.
debug-check: tree
	EXTRA_CONFIG=$(CURDIR)/harness/config/debug.config \
		harness/build.sh $(ARCH) $(TREE) $(call obj,debug) --selftests
	QEMU_TIMEOUT=2400 harness/run.sh $(ARCH) $(call obj,debug) \
		$(call obj,debug)/kselftest/kselftest_install $(LOG)/$(ARCH)-debug.log $(TESTS)
	harness/tap.sh $(LOG)/$(ARCH)-debug.log $(ARCH)-debug | tee $(LOG)/$(ARCH)-debug.tap

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
	harness/matrix.sh $(BASE) $(TREE) $(B)/matrix
