#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# For every architecture of harness/matrix, build the objects the series
# touches (kernel/{ptrace,signal,fork}.o and the entry and signal code
# listed there, which include resume_user_mode.h) with W=1 from BASE and
# from TREE, and fail if the patched build fails or warns more.
#
# usage: matrix.sh BASE TREE OUT
set -euo pipefail
# Called from our Makefile: its command-line variables (ARCH=riscv64) must
# not reach the kernel's make through MAKEFLAGS.
unset MAKEFLAGS MAKEOVERRIDES MFLAGS
top=$(cd "$(dirname "$0")/.." && pwd)
base=$(realpath "$1") tree=$(realpath "$2") out=$(realpath -m "$3")

build() {	# build NAME KARCH CROSS CONFIG SRC KIND OBJECTS... -> warnings file
	local name=$1 k=$2 cross=$3 cfg=$4 src=$5 kind=$6 obj
	shift 6
	obj=$out/$name-$kind
	mkdir -p "$obj"
	make -C "$src" O="$obj" ARCH="$k" CROSS_COMPILE="$cross" -s "$cfg" >/dev/null
	[ "$k" = x86_64 ] && "$src"/scripts/config --file "$obj/.config" -e 64BIT
	make -C "$src" O="$obj" ARCH="$k" CROSS_COMPILE="$cross" -s olddefconfig >/dev/null
	set -- kernel/ptrace.o kernel/signal.o kernel/fork.o "$@"
	# compile them every time: their warnings are what is compared
	(cd "$obj" && rm -f "$@")
	make -C "$src" O="$obj" ARCH="$k" CROSS_COMPILE="$cross" CC="ccache ${cross}gcc" \
		-j"$(nproc)" W=1 "$@" \
		> "$obj.log" 2>&1 || {
		cat "$obj.log" >&2
		return 1
	}
	# the compiler's warnings, without the tree's path or line numbers,
	# which the series moves
	grep -E '^[^ ]+:[0-9]+:[0-9]+: warning:' "$obj.log" |
		sed -E "s|^$src/||; s/:[0-9]+:[0-9]+:/:/" | sort > "$obj.warnings" || true
}

bad=0
while read -r name k cross cfg objs; do
	case $name in ''|'#'*) continue ;; esac
	[ "$cross" = - ] && cross=
	if [ -n "$cross" ] && ! command -v "${cross}gcc" >/dev/null; then
		echo "matrix: $name: no ${cross}gcc, skipped"
		continue
	fi
	# shellcheck disable=SC2086
	if ! build "$name" "$k" "$cross" "$cfg" "$base" base $objs ||
	   ! build "$name" "$k" "$cross" "$cfg" "$tree" patched $objs; then
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
		echo "matrix: $name: ok ($((3 + $(echo $objs | wc -w))) objects, no new W=1 warnings)"
	fi
done < "$top/harness/matrix"
exit $bad
