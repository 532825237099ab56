#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# strace that does not perturb, in QEMU on the 7.3 x86_64 kernels: static
# builds of stock strace (the base of the strace companion) and of the
# patched one, the strace test attach-nostop's target traced by each (the
# EINTRs, short sleeps and signals it saw), and strace's attach/detach
# tests with the patched strace; or, with "bench", the time each takes to
# attach to and detach from 1000 threads.  Guest side: harness/strace-qemu/.
#
# usage: strace-qemu.sh build
#        strace-qemu.sh check|bench KIND...   (KIND: patched, base)
#
# build only makes the static builds (check and bench do it too,
# incrementally, after a build under way), so that it can go on beside a
# kernel build.
# The kernels are those make builds and fetches (build/7.3/obj/x86_64-KIND,
# base: x86_64-debian), booted from a folder of links, build/strace-qemu/
# obj-KIND; the console goes to build/log/strace-qemu-KIND[-bench].log,
# the totals for harness/summary.sh to build/log/strace-qemu-KIND.log.totals.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cmd=$1
shift
case $cmd in
build|check|bench) ;;
*) echo "usage: strace-qemu.sh build | check|bench KIND..." >&2; exit 2 ;;
esac
out=$top/build/strace-qemu
tests="attach-f-p attach-p-cmd detach-running detach-sleeping detach-stopped
	strace-ff strace-p-Y-p attach-nostop attach-nostop-old attach-nostop-traced
	attach-nostop-vfork attach-nostop-zombie"
progs="attach-f-p attach-f-p-cmd attach-p-cmd-cmd attach-p-cmd-p attach-nostop
	attach-nostop-vfork set_ptracer_any sleep strace-p-Y-p2 strace-p1-Y-p"

# One build at a time: make check runs build beside a kernel build, and
# check after it, maybe before it ended.
mkdir -p "$out"
exec 9> "$out/build.lock"
flock 9
"$top/harness/companion.sh" strace tree "$top/build/companion/strace"
. "$top/harness/companion/strace.sh"
# shellcheck disable=SC2086
static "$top/build/companion/strace" "$out/straces" $progs
nice -n 19 gcc -O2 -Wall -static -o "$out/strace-bench" \
	"$top/harness/strace-qemu/strace-bench.c" -lpthread
[ "$cmd" != build ] || exit 0

# the guest's /kselftest: the runner of the kselftest install, and strace/
kst=$out/kst
rm -rf "$kst"
mkdir -p "$kst"
inst=$top/build/7.3/obj/x86_64-patched/kselftest/kselftest_install
cp -a "$inst/run_kselftest.sh" "$inst/kselftest" "$kst/"
cp -a "$out/straces" "$kst/strace"
cp "$out/strace-bench" "$top/harness/strace-qemu/guest.sh" \
	"$top/harness/strace-qemu/bench.sh" "$kst/strace/"
echo $tests > "$kst/strace/tests.list"
flock -u 9

rc=0
for kind in "$@"; do
	case $kind in
	patched) obj=$top/build/7.3/obj/x86_64-patched ;;
	base) obj=$top/build/7.3/obj/x86_64-debian ;;
	*) echo "strace-qemu: unknown kernel $kind" >&2; exit 2 ;;
	esac
	# run.sh writes the initramfs in OBJ: give it a folder of links
	shim=$out/obj-$kind
	rm -rf "$shim"
	for f in arch/x86/boot/bzImage usr/gen_init_cpio \
		 include/generated/utsversion.h; do
		if [ -e "$obj/$f" ]; then
			mkdir -p "$(dirname "$shim/$f")"
			ln -s "$obj/$f" "$shim/$f"
		fi
	done
	log=$top/build/log/strace-qemu-$kind
	run=strace/guest.sh
	if [ "$cmd" = bench ]; then
		log=$log-bench run=strace/bench.sh
	fi
	rm -f "$log.log.totals"
	QEMU_APPEND="STRACE_QEMU_KERNEL=$kind${QEMU_APPEND:+ $QEMU_APPEND}" \
		"$top/harness/run.sh" x86_64 "$shim" "$kst" "$log.log" none "$run" ||
		{ echo "0 1 0 0" > "$log.log.totals"; rc=1; continue; }
	if [ "$cmd" = bench ]; then
		grep -a '^strace-bench:' "$log.log" | sed "s/^/$kind: /"
		grep -aq ' / .*: attach' "$log.log" || rc=1
		continue
	fi
	tr -d '\r' < "$log.log" | grep -a '^strace-qemu: ' > "$log.out" || true
	{ grep -E ': (stock|patched) target: total|: (PASS|FAIL|SKIP) ' "$log.out" ||
		true; } | sed "s/^strace-qemu:/$kind:/"
	pass=$(grep -c ': PASS ' "$log.out" || true)
	fail=$(grep -c ': FAIL ' "$log.out" || true)
	skip=$(grep -c ': SKIP ' "$log.out" || true)
	echo "strace-qemu: $kind: $pass passed, $fail failed, $skip skipped"
	grep -q '^strace-qemu: done' "$log.out" ||
		{ echo "strace-qemu: $kind: the guest did not finish, console in $log.log" >&2; fail=$((fail + 1)); }
	# for harness/summary.sh: passed, failed, skipped, known failures
	echo "$pass $fail $skip 0" > "$log.log.totals"
	[ "$fail" = 0 ] || rc=1
done
exit $rc
