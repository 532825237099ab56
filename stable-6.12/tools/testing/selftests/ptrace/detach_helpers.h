/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the PTRACE_DETACH_NOSTOP selftests share, on top of
 * nostop_helpers.h: the uapi of the request for headers without it, and a
 * probe for it.
 */
#ifndef __PTRACE_DETACH_HELPERS_H
#define __PTRACE_DETACH_HELPERS_H

#include "nostop_helpers.h"

/* The uapi of PTRACE_DETACH_NOSTOP; an unpatched header lacks it. */
#ifndef PTRACE_DETACH_NOSTOP
#define PTRACE_DETACH_NOSTOP		0x4215
#endif

static inline long detach_nostop(pid_t pid, unsigned long flags)
{
	return ptrace_err(PTRACE_DETACH_NOSTOP, pid, flags, 0);
}

/*
 * Does PTRACE_DETACH_NOSTOP let a running tracee go here?  Only on the
 * architectures that opted in (arch_ptrace_detach_running()); elsewhere
 * it fails with -EBUSY, and the tests, most of which detach running or
 * sleeping tracees, skip.
 */
static inline bool detach_running_supported(struct __test_metadata *_metadata)
{
	long ret = 0;
	int fds[2];
	pid_t pid;

	pid = fork_sleeper(fds);
	ASSERT_LT(0, pid) {
		TH_LOG("fork: %m");
	}
	if (nostop(pid, 0, 0) == 1)
		ret = detach_nostop(pid, 0);
	kill_sleeper(pid, fds);
	return ret != -EBUSY;
}

/*
 * Is PTRACE_DETACH_NOSTOP there, for a running tracee too?  An unpatched
 * kernel fails an unknown request on a tracee in a ptrace-stop with -EIO.
 */
static inline bool detach_nostop_supported(struct __test_metadata *_metadata)
{
	int fds[2], status;
	long ret = 1;
	pid_t pid;

	pid = fork_sleeper(fds);
	ASSERT_LT(0, pid) {
		TH_LOG("fork: %m");
	}
	/* a probe that cannot stop its tracee lets the test fail on it */
	if (!ptrace_err(PTRACE_SEIZE, pid, 0, 0) &&
	    !ptrace_err(PTRACE_INTERRUPT, pid, 0, 0) &&
	    wait_for(pid, &status, 0) == pid && WIFSTOPPED(status))
		ret = detach_nostop(pid, 0);
	kill_sleeper(pid, fds);
	return ret != -EIO && detach_running_supported(_metadata);
}

#endif /* __PTRACE_DETACH_HELPERS_H */
