/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the PTRACE_ATTACH_NOSTOP selftests share: the uapi of the series for
 * headers without it, the tracee's end of the fixture pipes and the
 * tracer's, ptrace() and waitpid() wrappers, and readers of /proc.
 */
#ifndef __PTRACE_NOSTOP_HELPERS_H
#define __PTRACE_NOSTOP_HELPERS_H

#include "../kselftest_harness.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/uio.h>
#ifdef __x86_64__
#include <sys/user.h>
#endif
#ifdef __aarch64__
#include <elf.h>
#endif
#include <time.h>
#include <unistd.h>

#include <linux/futex.h>
#include <linux/io_uring.h>
/* Not <sys/ptrace.h>: glibc's copy of the constants clashes with the uapi. */
#include <linux/ptrace.h>
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
#ifndef PTRACE_EVENTMSG_REPORT
#define PTRACE_EVENTMSG_REPORT		3
#endif

#ifndef PR_SET_PTRACER_ANY
#define PR_SET_PTRACER_ANY ((unsigned long)-1)
#endif

/* What waitpid() reports in status >> 8 for the various ptrace stops. */
#define EVENT_TRAP(event)	(((event) << 8) | SIGTRAP)
#define EVENT_STOP_OF(sig)	((PTRACE_EVENT_STOP << 8) | (sig))
#define SYSCALL_STOP		(SIGTRAP | 0x80)	/* PTRACE_O_TRACESYSGOOD */

/* Tracee exit codes for "something went wrong before the interesting part". */
#define TRACEE_PIPE_FAILED	90
#define TRACEE_SETUP_FAILED	91
#define TRACEE_EXEC_FAILED	92
#define TRACEE_BODY_RETURNED	93

#define NSEC_PER_MSEC		1000000LL
#define NSEC_PER_SEC		1000000000LL

/* How long the tracer waits for a tracee to reach a state or to report. */
#define BLOCK_TIMEOUT_SEC	10
#define REPORT_TIMEOUT_MS	10000

/* The tracee's end of the fixture pipes. */
struct chan {
	int go;		/* read: the tracer says "go on" */
	int report;	/* write: readiness, tids, results */
};

static long sys_ptrace(long request, pid_t pid, unsigned long addr,
		       unsigned long data)
{
	return syscall(__NR_ptrace, request, pid, addr, data);
}

/* ptrace() returning -errno on failure, so one ASSERT_EQ() checks both. */
static long ptrace_err(long request, pid_t pid, unsigned long addr,
		       unsigned long data)
{
	long ret = sys_ptrace(request, pid, addr, data);

	return ret == -1 ? -errno : ret;
}

static long nostop(pid_t pid, unsigned long flags, unsigned long options)
{
	return ptrace_err(PTRACE_ATTACH_NOSTOP, pid, flags, options);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* waitpid() for threads and traced non-children too, immune to EINTR. */
static pid_t wait_for(pid_t pid, int *status, int options)
{
	pid_t ret;

	do
		ret = waitpid(pid, status, options | __WALL);
	while (ret < 0 && errno == EINTR);
	return ret;
}

/*
 * SIGKILL @pid only while it is still ours to wait for: a pid the test
 * already reaped may have been recycled for someone else.
 */
static void kill_if_ours(pid_t pid)
{
	siginfo_t si;

	if (pid > 0 && !waitid(P_PID, pid, &si,
			       WEXITED | WNOHANG | WNOWAIT | __WALL))
		kill(pid, SIGKILL);
}

/*
 * Kill what a test left behind and reap it.  A traced thread that dies is
 * a zombie until its tracer reaps it, so wait for everything, threads
 * included, until nothing is left.
 */
static void kill_and_reap(pid_t a, pid_t b)
{
	kill_if_ours(a);
	kill_if_ours(b);
	while (wait_for(-1, NULL, 0) > 0)
		;
}

static void close_pair(int fds[2])
{
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	fds[0] = -1;
	fds[1] = -1;
}

/*
 * Is PTRACE_ATTACH_NOSTOP there?  An unpatched kernel runs
 * ptrace_check_attach() before looking at an unknown request: -ESRCH for a
 * task we do not trace, -EIO for a stopped tracee.
 */
static bool nostop_supported(void)
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

static ssize_t read_proc(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* Parse the state letter and the flags of /proc/@tid/stat. */
static bool proc_stat(pid_t tid, char *state, unsigned long *flags)
{
	char path[64], buf[1024], *p;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", tid);
	if (read_proc(path, buf, sizeof(buf)) <= 0)
		return false;
	/* comm may contain anything, including ")": skip to the last one */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || !p[2])
		return false;
	*state = p[2];
	p += 3;
	/* ppid, pgrp, session, tty_nr and tpgid come before the flags */
	for (i = 0; i < 5; i++)
		strtol(p, &p, 10);
	*flags = strtoul(p, NULL, 10);
	return true;
}

static char proc_state(pid_t tid)
{
	unsigned long flags;
	char state;

	return proc_stat(tid, &state, &flags) ? state : 0;
}

/* The syscall @tid sleeps in, or -1 if it is running or unknown. */
static long proc_syscall_nr(pid_t tid)
{
	char path[64], buf[256], *end;
	long nr;

	snprintf(path, sizeof(path), "/proc/%d/syscall", tid);
	if (read_proc(path, buf, sizeof(buf)) <= 0)
		return -1;
	/* "running" when it is not asleep, else "nr args... sp pc" */
	nr = strtol(buf, &end, 10);
	return end == buf ? -1 : nr;
}

static bool blocked_in(pid_t tid, const long *nrs, size_t count)
{
	long nr;
	size_t i;

	if (proc_state(tid) != 'S')
		return false;
	nr = proc_syscall_nr(tid);
	for (i = 0; i < count; i++)
		if (nr == nrs[i])
			return true;
	return false;
}

/*
 * Wait until @tid sleeps in one of the syscalls @nrs.  Attaching earlier
 * would test a tracee that has not entered the syscall yet.
 */
static void wait_blocked(struct __test_metadata *_metadata, pid_t tid,
			 const long *nrs, size_t count, const char *what)
{
	long long deadline = now_ns() + BLOCK_TIMEOUT_SEC * NSEC_PER_SEC;

	while (!blocked_in(tid, nrs, count)) {
		ASSERT_GT(deadline, now_ns()) {
			TH_LOG("%d never slept in %s (state %c, syscall %ld)",
			       tid, what, proc_state(tid),
			       proc_syscall_nr(tid));
		}
		sched_yield();
	}
}

struct task_info {
	char state;
	pid_t tracer;
	long sleeps;	/* voluntary_ctxt_switches */
};

/* Some of /proc/@pid/task/@tid/status; false once the thread is gone. */
static bool task_info(pid_t pid, pid_t tid, struct task_info *ti)
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

/* TracerPid of thread @tid of @pid, -1 if it is gone. */
static pid_t tracer_of(pid_t pid, pid_t tid)
{
	struct task_info ti;

	return task_info(pid, tid, &ti) ? ti.tracer : -1;
}

static void say_buf(const struct chan *c, const void *buf, size_t len)
{
	if (write(c->report, buf, len) != (ssize_t)len)
		_exit(TRACEE_PIPE_FAILED);
}

typedef void (*body_fn)(const struct chan *c);

static pid_t spawn(body_fn body, const int go[2], const int report[2])
{
	struct chan c = { .go = go[0], .report = report[1] };
	pid_t pid = fork();

	if (pid == 0) {
		/* No orphans if the test process dies on an ASSERT. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* Let a sibling helper trace us if Yama is in mode 1. */
		prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
		body(&c);
		_exit(TRACEE_BODY_RETURNED);
	}
	return pid;
}

/* Wait for a ptrace stop of @pid whose status >> 8 is exactly @expected. */
static void wait_stop(struct __test_metadata *_metadata, pid_t pid,
		      int expected, const char *what)
{
	int status;

	ASSERT_EQ(pid, wait_for(pid, &status, 0)) {
		TH_LOG("%s: waitpid: %m", what);
	}
	ASSERT_TRUE(WIFSTOPPED(status)) {
		TH_LOG("%s: status %#x is not a stop", what, status);
	}
	ASSERT_EQ(expected, status >> 8) {
		TH_LOG("%s: status %#x", what, status);
	}
}

static void wait_exit(struct __test_metadata *_metadata, pid_t pid,
		      int code, const char *what)
{
	int status;

	ASSERT_EQ(pid, wait_for(pid, &status, 0)) {
		TH_LOG("%s: waitpid: %m", what);
	}
	ASSERT_TRUE(WIFEXITED(status)) {
		TH_LOG("%s: status %#x is not an exit", what, status);
	}
	ASSERT_EQ(code, WEXITSTATUS(status)) {
		TH_LOG("%s: status %#x", what, status);
	}
}

/* Nothing to report: no stop, no exit of @pid (-1: of any child). */
static void expect_no_report(struct __test_metadata *_metadata, pid_t pid,
			     const char *what)
{
	int status = 0;

	EXPECT_EQ(0, wait_for(pid, &status, WNOHANG)) {
		TH_LOG("%s: unexpected report, status %#x", what, status);
	}
}

/* Read a report; a tracee that died early must not hang the test. */
static void read_report(struct __test_metadata *_metadata, int fd,
			void *buf, size_t len, const char *what)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;

	ASSERT_EQ(1, poll(&pfd, 1, REPORT_TIMEOUT_MS)) {
		TH_LOG("%s: no report from the tracee", what);
	}
	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	ASSERT_EQ((ssize_t)len, n) {
		TH_LOG("%s: read from tracee: %m", what);
	}
}

static void send_go(struct __test_metadata *_metadata, int fd)
{
	ASSERT_EQ(1, write(fd, "g", 1)) {
		TH_LOG("write go: %m");
	}
}

/* After a NOSTOP attach: nothing to wait for, and we are the tracer. */
static void expect_attached_running(struct __test_metadata *_metadata,
				    pid_t pid)
{
	expect_no_report(_metadata, pid, "after PTRACE_ATTACH_NOSTOP");
	EXPECT_EQ(getpid(), tracer_of(pid, pid));
}

/* The system calls a tracee sleeps in, by number */

/* glibc calls the p-variants where the plain syscall does not exist. */
static const long epoll_wait_nrs[] = {
#ifdef __NR_epoll_wait
	__NR_epoll_wait,
#endif
	__NR_epoll_pwait,
#ifdef __NR_epoll_pwait2
	__NR_epoll_pwait2,
#endif
};

static const long futex_nrs[] = {
	__NR_futex,
#ifdef __NR_futex_time64
	__NR_futex_time64,
#endif
};

static const long read_nrs[] = { __NR_read };

/* PTRACE_GET_SYSCALL_INFO at a syscall stop of @tid */
static void syscall_info(struct __test_metadata *_metadata, pid_t tid,
			 struct ptrace_syscall_info *info)
{
	memset(info, 0, sizeof(*info));
	ASSERT_LT(0, ptrace_err(PTRACE_GET_SYSCALL_INFO, tid, sizeof(*info),
				(unsigned long)info)) {
		TH_LOG("PTRACE_GET_SYSCALL_INFO of %d: %m", tid);
	}
}

/* Wait for a syscall stop of @tid; return its PTRACE_SYSCALL_INFO_* op. */
static int wait_syscall_stop(struct __test_metadata *_metadata, pid_t tid,
			     struct ptrace_syscall_info *info, const char *what)
{
	wait_stop(_metadata, tid, SYSCALL_STOP, what);
	syscall_info(_metadata, tid, info);
	return info->op;
}

#endif /* __PTRACE_NOSTOP_HELPERS_H */
