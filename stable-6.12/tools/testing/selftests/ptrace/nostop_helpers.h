/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the PTRACE_ATTACH_NOSTOP selftests share, on top of ptrace_helpers.h:
 * the uapi of the request for headers without it, a probe for it, what a
 * tracer of it looks at in /proc, and the fault injection of the debug
 * kernel (fail_ptrace_*) that holds a task where a tracer can overtake it.
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

/* The uapi of PTRACE_ATTACH_NOSTOP; an unpatched header lacks it. */
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

/* Stack of the tracees' threads: hundreds of them must fit anywhere. */
#define THREAD_STACK_SIZE	(64 * 1024)

static inline long nostop(pid_t pid, unsigned long flags, unsigned long options)
{
	return ptrace_err(PTRACE_ATTACH_NOSTOP, pid, flags, options);
}

/*
 * A child that sleeps in read() until the write end of @fds is closed: a
 * tracee for the probes.  kill_sleeper() ends it and closes @fds, also
 * after a failure (-1).
 */
static inline pid_t fork_sleeper(int fds[2])
{
	pid_t pid;
	char msg;

	fds[0] = -1;
	fds[1] = -1;
	if (pipe2(fds, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(fds[1]);
		_exit(read(fds[0], &msg, 1) < 0);
	}
	close(fds[0]);
	fds[0] = -1;
	return pid;
}

static inline void kill_sleeper(pid_t pid, int fds[2])
{
	int status;

	if (pid > 0) {
		kill(pid, SIGKILL);
		while (wait_for(pid, &status, 0) == pid && WIFSTOPPED(status))
			;
	}
	close_pair(fds);
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

	pid = fork_sleeper(fds);
	if (pid < 0) {
		kill_sleeper(pid, fds);
		return true;	/* let the test itself fail on this */
	}
	ret = nostop(pid, 0, 0);
	kill_sleeper(pid, fds);
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

static inline pid_t sys_gettid(void)
{
	return syscall(__NR_gettid);
}

/* Thread attributes for THREAD_STACK_SIZE, or the minimum if larger */
static inline int small_stack(pthread_attr_t *attr)
{
	long min = sysconf(_SC_THREAD_STACK_MIN);
	size_t size = THREAD_STACK_SIZE;

	if (min > 0 && (size_t)min > size)
		size = min;
	if (pthread_attr_init(attr))
		return -1;
	return pthread_attr_setstacksize(attr, size);
}

static inline bool tid_in(const pid_t *tids, int n, pid_t tid)
{
	int i;

	for (i = 0; i < n; i++)
		if (tids[i] == tid)
			return true;
	return false;
}

/* Wait until /proc/@tid/stat shows @state. */
static inline void wait_state(struct __test_metadata *_metadata, pid_t tid,
			      char state)
{
	long long deadline = now_ns() + BLOCK_TIMEOUT_SEC * NSEC_PER_SEC;

	while (proc_state(tid) != state) {
		ASSERT_GT(deadline, now_ns()) {
			TH_LOG("%d never reached state %c (state %c)",
			       tid, state, proc_state(tid));
		}
		sched_yield();
	}
}

static inline int read_int_file(const char *path)
{
	char buf[32], *end;
	long val;

	if (read_proc(path, buf, sizeof(buf)) <= 0)
		return -1;
	val = strtol(buf, &end, 10);
	return end == buf ? -1 : (int)val;
}

static inline bool write_int_file(const char *path, int val)
{
	char buf[32];
	int fd, len;
	bool ok;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	len = snprintf(buf, sizeof(buf), "%d\n", val);
	ok = write(fd, buf, len) == len;
	close(fd);
	return ok;
}

/* /proc/PID/wchan names functions only with CONFIG_KALLSYMS, else "0". */
static inline bool have_kallsyms(void)
{
	return !access("/proc/kallsyms", F_OK);
}

static inline void read_wchan(pid_t pid, char *wchan, size_t size)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/wchan", pid);
	if (read_proc(path, wchan, size) <= 0)
		snprintf(wchan, size, "(unreadable)");
}

/*
 * Wait until @pid sleeps uninterruptibly (not in a ptrace-stop) where
 * /proc/@pid/wchan names a function that starts with @fn.
 */
static inline void wait_wchan(struct __test_metadata *_metadata, pid_t pid,
			      const char *fn)
{
	long long deadline = now_ns() + BLOCK_TIMEOUT_SEC * NSEC_PER_SEC;
	char wchan[128];

	for (;;) {
		read_wchan(pid, wchan, sizeof(wchan));
		if (!strncmp(wchan, fn, strlen(fn)) && proc_state(pid) == 'D')
			break;
		ASSERT_GT(deadline, now_ns()) {
			TH_LOG("%d never in %s (wchan %s)", pid, fn, wchan);
		}
		sched_yield();
	}
}

/*
 * Arm the fault injection of directory @fail, one of the
 * /sys/kernel/debug/fail_ptrace_* of CONFIG_FAIL_PTRACE_* (the debug
 * kernel), for the next event of task @pid it hooks: the task then waits
 * where a tracer can overtake it.  False if the kernel cannot.
 */
static inline bool hold_next(const char *fail, pid_t pid)
{
	static const struct {
		const char *name;
		int val;
	} attrs[] = {
		{ "task-filter", 1 },
		{ "verbose", 0 },
		{ "interval", 1 },
		{ "probability", 100 },
		{ "times", 1 },		/* the last: this arms it */
	};
	char path[128];
	size_t i;

	if (access(fail, F_OK))
		syscall(__NR_mount, "debugfs", "/sys/kernel/debug", "debugfs",
			0, NULL);
	snprintf(path, sizeof(path), "/proc/%d/make-it-fail", pid);
	if (access(fail, F_OK) || !write_int_file(path, 1))
		return false;
	for (i = 0; i < ARRAY_SIZE(attrs); i++) {
		snprintf(path, sizeof(path), "%s/%s", fail, attrs[i].name);
		if (!write_int_file(path, attrs[i].val))
			return false;
	}
	return true;
}

#endif /* __PTRACE_NOSTOP_HELPERS_H */
