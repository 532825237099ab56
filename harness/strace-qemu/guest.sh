#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In the guest (run= of harness/init), from harness/strace-qemu.sh: the
# static stock and patched strace against the target of the strace test
# attach-nostop, then strace's tests named in tests.list with the patched
# strace.  STRACE_QEMU_KERNEL (patched or base, from the kernel command
# line) says what to expect.  Prints "strace-qemu: PASS|FAIL|SKIP name ..." lines.
d=$(cd "$(dirname "$0")" && pwd)
kernel=${STRACE_QEMU_KERNEL:-patched}
result() { echo "strace-qemu: $1 $2${3:+: $3}"; }

# waitfor SECONDS WHAT CMD...: run CMD every 0.1 s until it succeeds, for
# SECONDS at most; say so and fail if it never does
waitfor() {
	n=$(($1 * 10)) what=$2
	shift 2
	while ! "$@"; do
		n=$((n - 1))
		if [ $n -le 0 ]; then
			echo "strace-qemu: timed out waiting for $what"
			return 1
		fi
		sleep 0.1
	done
}
# waitpid SECONDS PID: wait for the child PID, killing it after SECONDS
waitpid() {
	waitfor "$1" "pid $2 to end" sh -c "! kill -0 $2 2>/dev/null" ||
		kill -9 "$2" 2>/dev/null
	wait "$2"
}

# perturb NAME STRACE: trace attach-nostop for 3 s from 1 s into its run,
# print its counts, keep the trace in /tmp/NAME.log; the target runs
# until a 'q' in the FIFO /tmp/NAME.stop (60 s at most)
perturb() {
	rm -f "/tmp/$1.stop"
	"$d/patched/tests/attach-nostop" 60 "/tmp/$1.stop" > "/tmp/$1.out" &
	pid=$!
	waitfor 30 "attach-nostop to start" test -s "/tmp/$1.out"
	sleep 1
	"$2" -f -o "/tmp/$1.log" -p $pid 2> "/tmp/$1.err" &
	s=$!
	waitfor 30 "$1 strace to attach" sh -c \
		"grep -q 'Process $pid attached' /tmp/$1.err || ! kill -0 $s 2>/dev/null"
	sleep 3
	kill -INT $s
	waitpid 30 $s
	[ ! -p "/tmp/$1.stop" ] || echo q 1<> "/tmp/$1.stop"
	waitpid 30 $pid
	echo "strace-qemu: $1 strace: $(head -1 "/tmp/$1.err")"
	sed "s/^/strace-qemu: $1 target: /" "/tmp/$1.out"
}
total() { sed -n "s/^total: $2 \([0-9]*\).*/\1/p; s/^total: .* $2 \([0-9]*\).*/\1/p" "/tmp/$1.out" | head -1; }

perturb stock "$d/stock/src/strace"
perturb patched "$d/patched/src/strace"
se=$(total stock eintr) pe=$(total patched eintr)
# the check can fail: stock strace must be seen
if [ "${se:-0}" -gt 0 ]; then
	result PASS stock-perturbs "$se EINTRs"
else
	result FAIL stock-perturbs "stock strace caused no EINTR"
fi
if [ "$kernel" = patched ]; then
	if grep -qx 'total: eintr 0 short 0 signals 0' /tmp/patched.out; then
		result PASS patched-does-not-perturb
	else
		result FAIL patched-does-not-perturb "$(grep total /tmp/patched.out)"
	fi
	# every thread: its call at attach time resumed (its first line),
	# then whole calls
	awk '!seen[$1]++' /tmp/patched.log > /tmp/patched.first
	miss=
	for c in read nanosleep epoll_pwait futex recvfrom; do
		grep -Eq "^[0-9]+ +<\.\.\. $c resumed>\) += " /tmp/patched.first &&
			grep -Eq "^[0-9]+ +$c\(" /tmp/patched.log || miss="$miss $c"
	done
	if [ -z "$miss" ] && grep -q "attached with 6 threads" /tmp/patched.err; then
		result PASS patched-shows-every-thread
	else
		result FAIL patched-shows-every-thread "missing:$miss"
		cat /tmp/patched.log /tmp/patched.err
	fi
else
	# no PTRACE_ATTACH_NOSTOP: the old way, EINTRs as with stock
	# (how many depends on the timing)
	if [ "${pe:-0}" -gt 0 ] && [ "${se:-0}" -gt 0 ]; then
		result PASS patched-as-stock "$pe EINTRs, stock $se"
	else
		result FAIL patched-as-stock "$pe EINTRs, stock $se"
	fi
fi
# --detach-on=execve: a shell that runs sleep 2, then execs sleep 3
# (the new way on the patched kernel: one PTRACE_DETACH_NOSTOP)
sh -c 'sleep 2; exec sleep 3' &
pid=$!
sleep 1
"$d/patched/src/strace" -f -b execve -o /tmp/execve.log -p $pid 2> /tmp/execve.err &
s=$!
waitfor 4 "strace to detach at execve" sh -c "! kill -0 $s 2>/dev/null"
st=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p; s/^TracerPid:[[:space:]]*/tracer /p' /proc/$pid/status | tr '\n' ' ')
if ! kill -0 $s 2>/dev/null && grep -q "Process $pid detached" /tmp/execve.err &&
	[ "$st" = "S tracer 0 " ] && wait $pid; then
	result PASS detach-on-execve
else
	result FAIL detach-on-execve "state: $st"
	cat /tmp/execve.err /tmp/execve.log
	kill $s 2>/dev/null
fi

echo "strace-qemu: stock trace, first lines:"
head -6 /tmp/stock.log
echo "strace-qemu: patched trace, first lines:"
head -6 /tmp/patched.log

cd "$d/patched/tests" || exit 1
for t in $(cat "$d/tests.list"); do
	env STRACE_ARCH=x86_64 STRACE_NATIVE_ARCH=x86_64 SIZEOF_LONG=8 \
		SIZEOF_KERNEL_LONG_T=8 TIMEOUT_DURATION=300 srcdir=. \
		./run.sh "./$t.test" > "/tmp/$t.test.log" 2>&1
	case $? in
	0) result PASS "$t" ;;
	77) result SKIP "$t" "$(tail -1 "/tmp/$t.test.log")" ;;
	*) result FAIL "$t"; cat "/tmp/$t.test.log" ;;
	esac
done
echo "strace-qemu: done"
