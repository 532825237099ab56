// SPDX-License-Identifier: GPL-2.0
/*
 * PTRACE_ATTACH_NOSTOP and PTRACE_NOSTOP_SYSCALL on a tracee asleep in a
 * system call: it stays asleep, and the call returns exactly what it
 * returns untraced (no EINTR, no early timeout, one sleep); with syscall
 * stops armed, the first stop is the exit of that call.
 *
 * Every test skips when the kernel does not know the request.  Only pipes,
 * waitpid() and bounded polling of /proc are used for synchronisation: no
 * test sleeps, only the timeouts of the calls under test run down.
 */

#include "nostop_blocked.h"

/*
 * Attach while the tracee sleeps in the call: no stop, and the call ends
 * as it would untraced, by its timeout or by the data the tracer sends
 * only after the attach.
 */
TEST_F(blocked, call_undisturbed)
{
	struct block_result res;
	long long start;

	if (!start_blocker(_metadata, self, variant, &start))
		return;
	ASSERT_EQ(1, nostop(self->pid, 0, 0));
	if (!attached_in_time(variant, start))
		SKIP(return, "too slow: attached after the call's timeout");
	expect_attached_running(_metadata, self->pid);
	if (!variant->timed)
		send_go(_metadata, self->go[1]);

	read_report(_metadata, self->report[0], &res, sizeof(res), "result");
	expect_natural_result(_metadata, variant, &res);
	/*
	 * One sleep, ended by the timeout or the data.  A wake-up by the
	 * attach makes two, even where the call restarts transparently
	 * (futex, nanosleep, poll, pipe read).
	 */
	EXPECT_EQ(1, res.sleeps);
	/* never a stop, only the exit */
	wait_exit(_metadata, self->pid, 0, "tracee");
}

/*
 * PTRACE_NOSTOP_SYSCALL, the strace -p case: the call in progress runs to
 * its natural end undisturbed, which is the first stop, a syscall-exit
 * stop with the call's result; the next call stops at its entry.
 */
TEST_F(blocked, syscall_exit_stop_first)
{
	struct ptrace_syscall_info info;
	struct block_result res;
	long long start;

	if (!start_blocker(_metadata, self, variant, &start))
		return;
	ASSERT_EQ(1, nostop(self->pid, PTRACE_NOSTOP_SYSCALL,
			    PTRACE_O_TRACESYSGOOD));
	if (!attached_in_time(variant, start))
		SKIP(return, "too slow: attached after the call's timeout");
	expect_attached_running(_metadata, self->pid);
	if (!variant->timed)
		send_go(_metadata, self->go[1]);

	ASSERT_EQ(PTRACE_SYSCALL_INFO_EXIT,
		  wait_syscall_stop(_metadata, self->pid, &info, "call's end"));
	EXPECT_EQ(variant->ret < 0 ? -variant->err : variant->ret,
		  info.exit.rval);
	ASSERT_EQ(0, ptrace_err(PTRACE_SYSCALL, self->pid, 0, 0));
	EXPECT_EQ(PTRACE_SYSCALL_INFO_ENTRY,
		  wait_syscall_stop(_metadata, self->pid, &info, "next call"));
	ASSERT_EQ(0, ptrace_err(PTRACE_DETACH, self->pid, 0, 0));

	read_report(_metadata, self->report[0], &res, sizeof(res), "result");
	expect_natural_result(_metadata, variant, &res);
	wait_exit(_metadata, self->pid, 0, "tracee");
}

TEST_HARNESS_MAIN
