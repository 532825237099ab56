#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot the kernel built in OBJ for ARCH in QEMU (TCG) with an initramfs
# holding busybox and the kselftest install KST, run the tests named by
# TESTS (kst= syntax of harness/init, default: ptrace) and keep the console
# in LOG, then run the programs RUN (run= syntax of harness/init, e.g.
# benchmarks).  Fails on a QEMU timeout; harness/tap.sh judges the TAP.
#
# usage: run.sh ARCH OBJ KST LOG [TESTS [RUN]]
# QEMU_MEM: the guest's memory (1G), more for the big benchmarks.
# KST_TIMEOUT: the runner's timeout per test program, in seconds, instead
# of its default (run_kselftest.sh -o), for slow kernels such as the debug one.
# QEMU_APPEND: more of the kernel command line; NAME=value words the kernel
# does not know reach the programs as environment (STRESS_DURATION=600).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
obj=$(realpath "$2") kst=$(realpath "$3") log=$4 tests=${5:-ptrace} run=${6:-}
. "$top/harness/arch.sh" "$1"
: "${QEMU_TIMEOUT:=900}"

busybox=/bin/busybox
if [ "$DEBARCH" != "$(dpkg --print-architecture)" ]; then
	"$top/harness/busybox.sh" "$CROSS" "$top/build/busybox/$DEBARCH"
	busybox=$top/build/busybox/$DEBARCH/bin/busybox
fi
[ -x "$busybox" ] || { echo "run: no busybox for $DEBARCH at $busybox" >&2; exit 1; }

[ -x "$kst/run_kselftest.sh" ] || { echo "run: no kselftest install in $kst" >&2; exit 1; }
list=$obj/initramfs.list
{
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	for d in /bin /proc /sys /usr /usr/bin; do echo "dir $d 0755 0 0"; done
	echo "dir /tmp 1777 0 0"
	echo "file /bin/busybox $busybox 0755 0 0"
	echo "slink /bin/sh busybox 0777 0 0"
	echo "file /init $top/harness/init 0755 0 0"
	echo "file /usr/bin/timeout $top/harness/timeout 0755 0 0"
	echo "dir /kselftest 0755 0 0"
	(cd "$kst" && find . -mindepth 1 | sort) | while read -r f; do
		p=/kselftest/${f#./}
		if [ -L "$kst/$f" ]; then
			echo "slink $p $(readlink "$kst/$f") 0777 0 0"
		elif [ -d "$kst/$f" ]; then
			echo "dir $p 0755 0 0"
		else
			echo "file $p $kst/$f $(stat -c %a "$kst/$f") 0 0"
		fi
	done
} > "$list"
"$obj/usr/gen_init_cpio" "$list" > "$obj/initramfs.cpio"

mkdir -p "$(dirname "$log")"
rc=0
timeout -k 10 "$QEMU_TIMEOUT" $QEMU -nodefaults -display none -serial stdio \
	-no-reboot -smp 2 -m "${QEMU_MEM:-1G}" -kernel "$obj/$IMAGE" -initrd "$obj/initramfs.cpio" \
	-append "console=$CONSOLE panic=-1 oops=panic panic_on_warn=1 kst=$tests${run:+ run=$run}${KST_TIMEOUT:+ kst_timeout=$KST_TIMEOUT}${QEMU_APPEND:+ $QEMU_APPEND}" \
	< /dev/null > "$log" 2>&1 || rc=$?
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	echo "run: QEMU timed out after $QEMU_TIMEOUT s, console in $log" >&2
	exit 1
fi
[ "$rc" = 0 ] || { echo "run: QEMU failed ($rc), console in $log" >&2; exit 1; }
# Races are only tested if both CPUs came up.
grep -q '^cpus online: 0-1' "$log" ||
	{ echo "run: the guest did not bring up 2 CPUs, console in $log" >&2; exit 1; }
# The guest ran the kernel last built in OBJ (a Debian kernel has no
# utsversion.h): its banner has the same build number and time.
uts=$obj/include/generated/utsversion.h
if [ -f "$uts" ]; then
	want=$(sed -n 's/^#define UTS_VERSION "\(.*\)"$/\1/p' "$uts")
	grep -aF "Linux version" "$log" | grep -F "$want" > /dev/null ||
		{ echo "run: the guest did not boot the kernel of $obj ($want), console in $log" >&2; exit 1; }
fi
