#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Configure and build the kernel of tree SRC for ARCH in OBJ and install its
# uapi headers there; with --selftests also build SRC's ptrace selftests,
# static, against those headers, with the kernel's kselftest install (into
# OBJ/kselftest/kselftest_install).  Incremental.
#
# usage: build.sh ARCH SRC OBJ [--selftests]
# EXTRA_CONFIG: more config fragments, after common, ARCH's and
# ARCH-X.Y's (the release of SRC).
set -euo pipefail
# Called from our Makefile: its command-line variables (ARCH=riscv64) must
# not reach the kernel's make through MAKEFLAGS.
unset MAKEFLAGS MAKEOVERRIDES MFLAGS
top=$(cd "$(dirname "$0")/.." && pwd)
src=$(realpath "$2")
mkdir -p "$3"
obj=$(realpath "$3")
. "$top/harness/arch.sh" "$1"

kmake() {
	make -C "$src" O="$obj" ARCH="$KARCH" CROSS_COMPILE="$CROSS" \
		CC="ccache ${CROSS}gcc" -j"$(($(nproc) + 1))" -s "$@"
}

# ARCH-X.Y.config: what only that release of ARCH needs
kver=$(make -s -C "$src" ARCH="$KARCH" kernelversion | cut -d. -f1,2)
frags="$top/harness/config/common.config $top/harness/config/$1.config"
[ -f "$top/harness/config/$1-$kver.config" ] && frags="$frags $top/harness/config/$1-$kver.config"
frags="$frags ${EXTRA_CONFIG:-}"
stamp=$obj/.config.frags
if [ ! -f "$obj/.config" ] || [ "$(cat $frags | md5sum)" != "$(cat "$stamp" 2>/dev/null)" ]; then
	(cd "$src" && ARCH=$KARCH CROSS_COMPILE=$CROSS \
		scripts/kconfig/merge_config.sh -n -O "$obj" $frags) > "$obj/merge_config.log"
	if grep -A3 -E '^(WARNING: )?Value requested for' "$obj/merge_config.log" >&2; then
		echo "build: options above did not stick in $obj/.config" >&2
		exit 1
	fi
	cat $frags | md5sum > "$stamp"
fi

# Depend mode: a miss does not run the preprocessor a second time.
export CCACHE_BASEDIR=$(dirname "$src") CCACHE_NOHASHDIR=1 CCACHE_DEPEND=1
kmake olddefconfig
kmake
# A compressed image (x86's bzImage) embeds the kernel in piggy.o with
# .incbin, which ccache does not hash: a hit on an unchanged piggy.S would
# boot an older kernel.  Assemble it again without ccache.
piggy=$obj/$(dirname "$IMAGE")/compressed/piggy.o
if [ -f "$piggy" ]; then
	rm "$piggy"
	CCACHE_DISABLE=1 kmake
fi
kmake headers
echo "build: $obj/$IMAGE" >&2
[ "${4:-}" = --selftests ] || exit 0
# A fresh install: a file the tree no longer has must not linger in it.
rm -rf "$obj/kselftest/kselftest_install"
make -C "$src/tools/testing/selftests" O="$obj" ARCH="$KARCH" CROSS_COMPILE="$CROSS" \
	TARGETS=ptrace USERLDFLAGS=-static -s install >/dev/null
# The benchmarks and the stress are no default target of the ptrace
# selftests: "make bench" and "make stress" build them (patched trees
# only), for the main job, make cost and make stress.
inst=$obj/kselftest/kselftest_install
ptmk=$src/tools/testing/selftests/ptrace/Makefile
if grep -q '^bench:' "$ptmk"; then
	extra=bench
	grep -q '^stress:' "$ptmk" && extra="bench stress"
	make -C "$src/tools/testing/selftests/ptrace" OUTPUT="$obj/kselftest/ptrace" \
		ARCH="$KARCH" CROSS_COMPILE="$CROSS" KHDR_INCLUDES="-isystem $obj/usr/include" \
		USERLDFLAGS=-static -s $extra >/dev/null
	for b in $(make -C "$src/tools/testing/selftests/ptrace" -s --no-print-directory \
			-f Makefile -f - <<<'print-extra: ; @echo $(BENCH_PROGS) $(STRESS_PROGS)' \
			print-extra); do
		install -m 755 "$obj/kselftest/ptrace/$b" "$inst/ptrace/$b"
	done
fi
# A 32-bit tracer on the 64-bit kernel: legacy_semantics built for i386
# goes through the compat ptrace entry (CONFIG_IA32_EMULATION).
legacy=$src/tools/testing/selftests/ptrace/legacy_semantics.c
if [ "$1" = x86_64 ] && [ -f "$legacy" ]; then
	inst=$obj/kselftest/kselftest_install
	i686-linux-gnu-gcc -std=c99 -pthread -Wall -static -isystem "$obj/usr/include" \
		-o "$inst/ptrace/legacy_semantics_32" "$legacy"
	grep -qx ptrace:legacy_semantics_32 "$inst/kselftest-list.txt" ||
		echo ptrace:legacy_semantics_32 >> "$inst/kselftest-list.txt"
fi
# The passive strace of samples/ptrace (patched trees only), static like
# the selftests, for the main job's demo.
sample=$src/samples/ptrace/nostop_strace.c
if [ -f "$sample" ]; then
	${CROSS}gcc -O2 -Wall -static -isystem "$obj/usr/include" \
		-o "$inst/ptrace/nostop_strace" "$sample"
	install -m 755 "$top/harness/nostop-demo.sh" "$inst/ptrace/nostop_strace_demo.sh"
fi
echo "build: $obj/kselftest/kselftest_install" >&2
