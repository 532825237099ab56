#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The main job's demo of samples/ptrace/nostop_strace, in the guest: trace
# a shell asleep in read() of a FIFO, feed it a line, detach with SIGINT,
# feed it another.  The shell must read both lines and go on untraced.
# Bounded polling: this is a demo, the selftests check the semantics.
cd /tmp || exit 1
rm -f demo.fifo demo.out demo.trace
mkfifo demo.fifo || exit 1

# poll for up to 10 s: until COMMAND succeeds
until_ok() {
	i=0
	until "$@"; do
		i=$((i + 1))
		[ $i -lt 1000 ] || { echo "demo: timed out: $*"; return 1; }
		usleep 10000
	done
}
asleep() { [ "$(cut -d' ' -f3 /proc/$1/stat)" = S ]; }
has() { grep -q "$2" "$1"; }

sh -c 'exec 3<>demo.fifo; while read -r l <&3; do echo "target read: $l"; done
	echo "target: read failed"' > demo.out 2>&1 &
target=$!
until_ok asleep $target || exit 1
/kselftest/ptrace/nostop_strace $target > demo.trace 2>&1 &
tracer=$!
until_ok has demo.trace attached || exit 1
echo hello > demo.fifo
until_ok has demo.out 'target read: hello' || exit 1
until_ok asleep $target || exit 1
kill -INT $tracer
wait $tracer
echo "nostop_strace exited $?"
echo world > demo.fifo
until_ok has demo.out 'target read: world' || exit 1
grep TracerPid /proc/$target/status
echo "--- nostop_strace output (tid syscall(args) / = result):"
cat demo.trace
echo "--- the target's output:"
cat demo.out
kill $target
