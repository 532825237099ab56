/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the ptrace selftests share: the tracee's end of the fixture pipes
 * and the tracer's, ptrace() and waitpid() wrappers, and readers of /proc.
 */
#ifndef __PTRACE_HELPERS_H
#define __PTRACE_HELPERS_H

#include "../kselftest_harness.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Not <sys/ptrace.h>: glibc's copy of the constants clashes with the uapi. */
#include <linux/ptrace.h>

/* include/linux/sched.h; shown in the flags field of /proc/PID/stat */
#define PF_KTHREAD		0x00200000

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
#define READ_TIMEOUT_MS		10000

/* The tracee's end of the fixture pipes. */
struct chan {
	int go;		/* read: the tracer says "go on" */
	int report;	/* write: readiness, tids, results */
};

typedef void (*body_fn)(const struct chan *c);

static inline long sys_ptrace(long request, pid_t pid, unsigned long addr,
			      unsigned long data)
{
	return syscall(__NR_ptrace, request, pid, addr, data);
}

/* ptrace() returning -errno on failure, so one ASSERT_EQ() checks both. */
static inline long ptrace_err(long request, pid_t pid, unsigned long addr,
			      unsigned long data)
{
	long ret = sys_ptrace(request, pid, addr, data);

	return ret == -1 ? -errno : ret;
}

static inline long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/*
 * The kernel's jiffies in ms, as times() counts them: the clock a jiffies
 * timeout (SO_RCVTIMEO) runs on.  Only a difference of two means anything.
 */
static inline long long tick_ms(void)
{
	struct tms tms;

	return (long long)(unsigned long)times(&tms) * 1000 /
	       sysconf(_SC_CLK_TCK);
}

/* waitpid() for threads and traced non-children too, immune to EINTR. */
static inline pid_t wait_for(pid_t pid, int *status, int options)
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
static inline void kill_if_ours(pid_t pid)
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
static inline void kill_and_reap(pid_t a, pid_t b)
{
	kill_if_ours(a);
	kill_if_ours(b);
	while (wait_for(-1, NULL, 0) > 0)
		;
}

static inline void close_pair(int fds[2])
{
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	fds[0] = -1;
	fds[1] = -1;
}

static inline ssize_t read_proc(const char *path, char *buf, size_t size)
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
static inline bool proc_stat(pid_t tid, char *state, unsigned long *flags)
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

static inline char proc_state(pid_t tid)
{
	unsigned long flags;
	char state;

	return proc_stat(tid, &state, &flags) ? state : 0;
}

/* The syscall @tid sleeps in, or -1 if it is running or unknown. */
static inline long proc_syscall_nr(pid_t tid)
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

static inline bool have_proc_syscall(void)
{
	return access("/proc/self/syscall", R_OK) == 0;
}

static inline bool blocked_in(pid_t tid, const long *nrs, size_t count)
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
 * Wait until @tid sleeps in one of the syscalls @nrs.  Acting earlier would
 * test a tracee that has not entered the syscall yet.
 */
static inline void wait_blocked(struct __test_metadata *_metadata, pid_t tid,
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

static inline bool is_kthread(pid_t pid)
{
	unsigned long flags;
	char state;

	return proc_stat(pid, &state, &flags) && (flags & PF_KTHREAD);
}

/* kthreadd is pid 2, unless a pid namespace hides it; then look around. */
static inline pid_t find_kthread(void)
{
	struct dirent *de;
	pid_t found = 0;
	DIR *dir;

	if (is_kthread(2))
		return 2;
	dir = opendir("/proc");
	if (!dir)
		return 0;
	while (!found && (de = readdir(dir))) {
		pid_t pid = strtol(de->d_name, NULL, 10);

		if (pid > 0 && is_kthread(pid))
			found = pid;
	}
	closedir(dir);
	return found;
}

/* ------------------------------------------------------------------ */
/* Tracee side: never ASSERT here, it would only end this process.    */
/* ------------------------------------------------------------------ */

static inline void say_buf(const struct chan *c, const void *buf, size_t len)
{
	if (write(c->report, buf, len) != (ssize_t)len)
		_exit(TRACEE_PIPE_FAILED);
}

static inline void say(const struct chan *c, char msg)
{
	say_buf(c, &msg, 1);
}

static inline void say_int(const struct chan *c, int val)
{
	say_buf(c, &val, sizeof(val));
}

static inline void hear_buf(const struct chan *c, void *buf, size_t len)
{
	ssize_t n;

	do
		n = read(c->go, buf, len);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)len)
		_exit(TRACEE_PIPE_FAILED);
}

/* Wait for the tracer's go. */
static inline void hear(const struct chan *c)
{
	char msg;

	hear_buf(c, &msg, 1);
}

static inline int hear_int(const struct chan *c)
{
	int val;

	hear_buf(c, &val, sizeof(val));
	return val;
}

/*
 * clone() without a new stack, through the system call: s390 takes the
 * stack first and the flags second (CLONE_BACKWARDS2).
 */
static inline long raw_clone(unsigned long flags)
{
#ifdef __s390__
	return syscall(__NR_clone, 0, flags, NULL, NULL, 0);
#else
	return syscall(__NR_clone, flags, 0, NULL, NULL, 0);
#endif
}

static inline void body_exit5_on_go(const struct chan *c)
{
	say(c, 'r');
	hear(c);
	_exit(5);
}

static inline pid_t spawn(body_fn body, const int go[2], const int report[2])
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
static inline void wait_stop(struct __test_metadata *_metadata, pid_t pid,
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

/* WUNTRACED: a job control stop shows up instead of hanging the test. */
static inline void wait_exit(struct __test_metadata *_metadata, pid_t pid,
			     int code, const char *what)
{
	int status;

	ASSERT_EQ(pid, wait_for(pid, &status, WUNTRACED)) {
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
static inline void expect_no_report(struct __test_metadata *_metadata, pid_t pid,
				    const char *what)
{
	int status = 0;

	EXPECT_EQ(0, wait_for(pid, &status, WNOHANG)) {
		TH_LOG("%s: unexpected report, status %#x", what, status);
	}
}

/* Read a report; a tracee that died early must not hang the test. */
static inline void read_report(struct __test_metadata *_metadata, int fd,
			       void *buf, size_t len, const char *what)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;

	ASSERT_EQ(1, poll(&pfd, 1, READ_TIMEOUT_MS)) {
		TH_LOG("%s: no report from the tracee", what);
	}
	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	ASSERT_EQ((ssize_t)len, n) {
		TH_LOG("%s: read from tracee: %m", what);
	}
}

static inline void wait_ready(struct __test_metadata *_metadata, int fd)
{
	char msg = 0;

	read_report(_metadata, fd, &msg, 1, "readiness");
	ASSERT_EQ('r', msg);
}

static inline void send_go(struct __test_metadata *_metadata, int fd)
{
	ASSERT_EQ(1, write(fd, "g", 1)) {
		TH_LOG("write go: %m");
	}
}

/* WUNTRACED: a job control stop shows up instead of hanging the test. */
static inline void wait_killed(struct __test_metadata *_metadata, pid_t pid,
			       int sig, const char *what)
{
	int status;

	ASSERT_EQ(pid, wait_for(pid, &status, WUNTRACED)) {
		TH_LOG("%s: waitpid: %m", what);
	}
	ASSERT_TRUE(WIFSIGNALED(status)) {
		TH_LOG("%s: status %#x is not a death by signal", what, status);
	}
	ASSERT_EQ(sig, WTERMSIG(status)) {
		TH_LOG("%s: status %#x", what, status);
	}
}

/* PTRACE_GETEVENTMSG; an ASSERT, as callers may wait on the result */
static inline unsigned long event_msg(struct __test_metadata *_metadata, pid_t pid)
{
	unsigned long msg = -1UL;

	ASSERT_EQ(0, ptrace_err(PTRACE_GETEVENTMSG, pid, 0,
				(unsigned long)&msg)) {
		TH_LOG("PTRACE_GETEVENTMSG: %m");
	}
	return msg;
}

/* PTRACE_ATTACH and consume the SIGSTOP stop it causes. */
static inline void attach_stopped(struct __test_metadata *_metadata, pid_t pid)
{
	ASSERT_EQ(0, ptrace_err(PTRACE_ATTACH, pid, 0, 0)) {
		TH_LOG("PTRACE_ATTACH: %m");
	}
	wait_stop(_metadata, pid, SIGSTOP, "attach stop");
}

/* PTRACE_SEIZE with @options and trap the tracee with PTRACE_INTERRUPT. */
static inline void seize_interrupted(struct __test_metadata *_metadata, pid_t pid,
				     unsigned long options)
{
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, pid, 0, options)) {
		TH_LOG("PTRACE_SEIZE: %m");
	}
	ASSERT_EQ(0, ptrace_err(PTRACE_INTERRUPT, pid, 0, 0)) {
		TH_LOG("PTRACE_INTERRUPT: %m");
	}
	wait_stop(_metadata, pid, EVENT_STOP_OF(SIGTRAP), "interrupt stop");
	EXPECT_EQ(0UL, event_msg(_metadata, pid));
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

static const long read_nrs[] = { __NR_read };

#endif /* __PTRACE_HELPERS_H */
