#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# For every architecture of harness/matrix, build the objects the series
# touches (kernel/{ptrace,signal,fork}.o, the entry code and the arch
# signal code, which include resume_user_mode.h) with W=1 from BASE and
# from TREE, and fail if the patched build fails or warns more.
#
# usage: matrix.sh BASE TREE OUT
set -euo pipefail
# Called from our Makefile: its command-line variables (ARCH=riscv64) must
# not reach the kernel's make through MAKEFLAGS.
unset MAKEFLAGS MAKEOVERRIDES MFLAGS
top=$(cd "$(dirname "$0")/.." && pwd)
base=$(realpath "$1") tree=$(realpath "$2") out=$(realpath -m "$3")

objs() {	# the objects of this configuration that exist in the tree
	local src=$1 k=$2 o
	for o in kernel/ptrace.o kernel/signal.o kernel/fork.o \
		 kernel/entry/common.o arch/"$k"/kernel/signal.o \
		 arch/"$k"/kernel/signal_64.o arch/"$k"/kernel/entry-common.o \
		 arch/"$k"/kernel/process.o; do
		[ -f "$src/${o%.o}.c" ] && echo "$o"
	done
}

build() {	# build NAME KARCH CROSS CONFIG SRC KIND -> warnings file
	local name=$1 k=$2 cross=$3 cfg=$4 src=$5 kind=$6 obj
	obj=$out/$name-$kind
	mkdir -p "$obj"
	make -C "$src" O="$obj" ARCH="$k" CROSS_COMPILE="$cross" -s "$cfg" >/dev/null
	[ "$k" = x86_64 ] && "$src"/scripts/config --file "$obj/.config" -e 64BIT
	make -C "$src" O="$obj" ARCH="$k" CROSS_COMPILE="$cross" -s olddefconfig >/dev/null
	# shellcheck disable=SC2046
	make -C "$src" O="$obj" ARCH="$k" CROSS_COMPILE="$cross" CC="ccache ${cross}gcc" \
		-j"$(nproc)" W=1 -k $(objs "$src" "$k") > "$obj.log" 2>&1 || {
		cat "$obj.log" >&2
		return 1
	}
	# warnings without line numbers, which the series moves
	grep -E 'warning:' "$obj.log" | sed -E 's/:[0-9]+:[0-9]+:/:/' | sort > "$obj.warnings" || true
}

bad=0
while read -r name k cross cfg; do
	case $name in ''|'#'*) continue ;; esac
	[ "$cross" = - ] && cross=
	if [ -n "$cross" ] && ! command -v "${cross}gcc" >/dev/null; then
		echo "matrix: $name: no ${cross}gcc, skipped"
		continue
	fi
	if ! build "$name" "$k" "$cross" "$cfg" "$base" base ||
	   ! build "$name" "$k" "$cross" "$cfg" "$tree" patched; then
		echo "matrix: $name: FAILED to build"
		bad=1
		continue
	fi
	new=$(comm -13 "$out/$name-base.warnings" "$out/$name-patched.warnings")
	if [ -n "$new" ]; then
		echo "matrix: $name: new W=1 warnings:"
		echo "$new"
		bad=1
	else
		echo "matrix: $name: ok ($(objs "$tree" "$k" | wc -l) objects, no new W=1 warnings)"
	fi
done < "$top/harness/matrix"
exit $bad
