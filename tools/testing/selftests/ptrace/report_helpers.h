/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the PTRACE_REPORT selftests share, on top of nostop_helpers.h: the
 * uapi of the request for headers without it, and a probe for it.
 */
#ifndef __PTRACE_REPORT_HELPERS_H
#define __PTRACE_REPORT_HELPERS_H

#include "nostop_helpers.h"

/* The uapi of PTRACE_REPORT; an unpatched header lacks it. */
#ifndef PTRACE_REPORT
#define PTRACE_REPORT			0x4214
#endif
#ifndef PTRACE_REPORT_INTERRUPT
#define PTRACE_REPORT_INTERRUPT		0x00000004
#endif
#ifndef PTRACE_EVENTMSG_REPORT
#define PTRACE_EVENTMSG_REPORT		3
#endif

/*
 * On a kernel without it, PTRACE_REPORT on a stopped tracee is an unknown
 * request, -EIO.  1: supported, 0: not, negative: the probe failed.
 */
static inline long probe_report(void)
{
	long ret;
	int fds[2], status;
	pid_t pid;

	pid = fork_sleeper(fds);
	if (pid < 0)
		return -1001;
	if (ptrace_err(PTRACE_SEIZE, pid, 0, 0))
		ret = -1002;
	else if (ptrace_err(PTRACE_INTERRUPT, pid, 0, 0))
		ret = -1003;
	else if (wait_for(pid, &status, 0) != pid || !WIFSTOPPED(status))
		ret = -1004;
	else
		ret = ptrace_err(PTRACE_REPORT, pid, 0, 0);
	kill_sleeper(pid, fds);
	if (ret == -EIO || ret == -EOPNOTSUPP)
		return 0;
	return ret == 0 ? 1 : ret;
}

static inline bool report_supported(struct __test_metadata *_metadata)
{
	long ret = probe_report();

	ASSERT_LE(0, ret) {
		TH_LOG("PTRACE_REPORT probe failed: %ld", ret);
	}
	return ret == 1;
}

#endif /* __PTRACE_REPORT_HELPERS_H */
