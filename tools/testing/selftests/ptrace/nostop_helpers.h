/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the PTRACE_ATTACH_NOSTOP and PTRACE_REPORT selftests share, on top
 * of ptrace_helpers.h: the uapi of the series for headers without it, a
 * probe for it, and what a tracer of the new requests looks at.
 */
#ifndef __PTRACE_NOSTOP_HELPERS_H
#define __PTRACE_NOSTOP_HELPERS_H

#include "ptrace_helpers.h"

#include <dirent.h>
#include <grp.h>
#include <limits.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/socket.h>
#include <sys/uio.h>
#ifdef __x86_64__
#include <sys/user.h>
#endif
#ifdef __aarch64__
#include <elf.h>
#endif

#include <linux/futex.h>
#include <linux/io_uring.h>

/* The uapi of the series; an unpatched header lacks it. */
#ifndef PTRACE_ATTACH_NOSTOP
#define PTRACE_ATTACH_NOSTOP		0x4213
#endif
#ifndef PTRACE_NOSTOP_THREAD_GROUP
#define PTRACE_NOSTOP_THREAD_GROUP	0x00000001
#endif
#ifndef PTRACE_NOSTOP_SYSCALL
#define PTRACE_NOSTOP_SYSCALL		0x00000002
#endif
#ifndef PTRACE_O_TRACETHREADS
#define PTRACE_O_TRACETHREADS		0x00400000
#endif
#ifndef PTRACE_REPORT
#define PTRACE_REPORT			0x4214
#endif
#ifndef PTRACE_DETACH_NOSTOP
#define PTRACE_DETACH_NOSTOP		0x4215
#endif
#ifndef PTRACE_REPORT_INTERRUPT
#define PTRACE_REPORT_INTERRUPT		0x00000004
#endif
#ifndef PTRACE_EVENTMSG_REPORT
#define PTRACE_EVENTMSG_REPORT		3
#endif

static inline long nostop(pid_t pid, unsigned long flags, unsigned long options)
{
	return ptrace_err(PTRACE_ATTACH_NOSTOP, pid, flags, options);
}

/*
 * Is PTRACE_ATTACH_NOSTOP there?  An unpatched kernel runs
 * ptrace_check_attach() before looking at an unknown request: -ESRCH for a
 * task we do not trace, -EIO for a stopped tracee.
 */
static inline bool nostop_supported(void)
{
	int fds[2];
	pid_t pid;
	long ret;
	char c;

	if (pipe2(fds, O_CLOEXEC))
		return true;	/* let the test itself fail on this */
	pid = fork();
	if (pid == 0) {
		close(fds[1]);
		while (read(fds[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(fds[0]);
	if (pid < 0) {
		close(fds[1]);
		return true;
	}
	ret = nostop(pid, 0, 0);
	kill(pid, SIGKILL);
	close(fds[1]);
	wait_for(pid, NULL, 0);
	return ret != -ESRCH && ret != -EIO;
}

struct task_info {
	char state;
	pid_t tracer;
	long sleeps;	/* voluntary_ctxt_switches */
};

/* Some of /proc/@pid/task/@tid/status; false once the thread is gone. */
static inline bool task_info(pid_t pid, pid_t tid, struct task_info *ti)
{
	char path[80], buf[4096], *p;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", pid, tid);
	if (read_proc(path, buf, sizeof(buf)) <= 0)
		return false;
	p = strstr(buf, "\nState:");
	if (!p)
		return false;
	p += strlen("\nState:");
	while (*p == ' ' || *p == '\t')
		p++;
	ti->state = *p;
	p = strstr(buf, "\nTracerPid:");
	if (!p)
		return false;
	ti->tracer = strtol(p + strlen("\nTracerPid:"), NULL, 10);
	p = strstr(buf, "\nvoluntary_ctxt_switches:");
	ti->sleeps = p ? strtol(p + strlen("\nvoluntary_ctxt_switches:"),
				NULL, 10) : -1;
	return true;
}

/* The tids in /proc/@pid/task, at most @max of them; -1 on error. */
static inline int list_tasks(pid_t pid, pid_t *tids, int max)
{
	struct dirent *de;
	char path[64];
	int n = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return -1;
	while (n < max && (de = readdir(dir))) {
		pid_t tid = strtol(de->d_name, NULL, 10);

		if (tid > 0)
			tids[n++] = tid;
	}
	closedir(dir);
	return n;
}

/* TracerPid of thread @tid of @pid, -1 if it is gone. */
static inline pid_t tracer_of(pid_t pid, pid_t tid)
{
	struct task_info ti;

	return task_info(pid, tid, &ti) ? ti.tracer : -1;
}

/* After a NOSTOP attach: nothing to wait for, and we are the tracer. */
static inline void expect_attached_running(struct __test_metadata *_metadata,
					   pid_t pid)
{
	expect_no_report(_metadata, pid, "after PTRACE_ATTACH_NOSTOP");
	EXPECT_EQ(getpid(), tracer_of(pid, pid));
}

/* The futex calls a tracee sleeps in, by number */
static const long futex_nrs[] = {
	__NR_futex,
#ifdef __NR_futex_time64
	__NR_futex_time64,
#endif
};

/* PTRACE_GET_SYSCALL_INFO at a syscall stop of @tid */
static inline void syscall_info(struct __test_metadata *_metadata, pid_t tid,
				struct ptrace_syscall_info *info)
{
	memset(info, 0, sizeof(*info));
	ASSERT_LT(0, ptrace_err(PTRACE_GET_SYSCALL_INFO, tid, sizeof(*info),
				(unsigned long)info)) {
		TH_LOG("PTRACE_GET_SYSCALL_INFO of %d: %m", tid);
	}
}

/* Wait for a syscall stop of @tid; return its PTRACE_SYSCALL_INFO_* op. */
static inline int wait_syscall_stop(struct __test_metadata *_metadata, pid_t tid,
				    struct ptrace_syscall_info *info, const char *what)
{
	wait_stop(_metadata, tid, SYSCALL_STOP, what);
	syscall_info(_metadata, tid, info);
	return info->op;
}

#endif /* __PTRACE_NOSTOP_HELPERS_H */
