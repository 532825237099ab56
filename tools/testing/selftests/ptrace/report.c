// SPDX-License-Identifier: GPL-2.0
/*
 * PTRACE_REPORT, the non-interrupting arrest: the tracee stops on its way
 * back to user mode, after its current system call has returned exactly
 * what it would have returned untraced.  PTRACE_INTERRUPT, the interrupting
 * arrest, makes a sleeping epoll_wait(), semtimedop(), sigtimedwait() or
 * recv() fail with EINTR; PTRACE_REPORT must not.
 *
 * Tracees are PTRACE_SEIZEd; a few are attached with PTRACE_ATTACH_NOSTOP.
 * Every test that needs a new request probes for it first and is skipped
 * on a kernel without it.
 *
 * Synchronisation is done with pipes, waitpid() and a shared counter only.
 * Where a tracee must be asleep in a system call before the tracer acts,
 * the tracer polls /proc/PID/stat and /proc/PID/syscall with sched_yield()
 * in a bounded loop.  Tracer and tracee share CLOCK_MONOTONIC: a stop seen
 * before a timeout could have expired is a failure, a slow machine is not.
 */

#include "report_helpers.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
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
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/auxvec.h>
#include <linux/futex.h>
#include <linux/io_uring.h>
#if defined(__aarch64__) || (defined(__riscv) && __riscv_xlen == 64) || \
	defined(__x86_64__)
#include <linux/kvm.h>
#define HAVE_KVM_GUEST		1	/* we have guest code for it */
#else
#define HAVE_KVM_GUEST		0
#endif
#include <linux/perf_event.h>

#if defined(__x86_64__)
#include <sys/user.h>
#endif

#ifndef NT_PRSTATUS
#define NT_PRSTATUS		1
#endif

/* Re-executing ourselves with this argument just exits with this code. */
#define EXEC_HELPER_ARG		"--report-exec-helper"
#define EXEC_HELPER_CODE	42

/*
 * How long the timed system calls sleep.  INTERRUPT gets more, so that it
 * certainly lands while the call still sleeps even on a slow machine.  A
 * run whose request came after the timeout proves nothing: it is repeated
 * with a timeout four times as long, up to MAX_TIMEOUT_MS.
 */
#define REPORT_TIMEOUT_MS	300
#define INTERRUPT_TIMEOUT_MS	1000
#define MAX_TIMEOUT_MS		5000

/* spin_loop() is a few instructions; any PC beyond this is elsewhere. */
#define SPIN_LOOP_MAX		4096

/* Written into the return register at a report stop. */
#define POKED_RET		42

/*
 * The thread counts of the threads fixture: a group arrest, one call, shows
 * its scale on many; the one-by-one arrests, a system call and a stop each,
 * on fewer, so that the program stays within the runner's default timeout
 * on an emulated machine.
 */
#define NR_THREADS_GROUP	300
#define NR_THREADS_EACH		100
#define THREAD_STACK		0x40000
/* the runner's default timeout for the whole program: more would never fire */
#define THREADS_TIMEOUT_SEC	45

#define URING_USER_DATA		0x7265706fUL

/* Every fixture holds one of these; the helpers take it. */
struct tracee_ctx {
	pid_t pid;	/* the tracee; teardown kills and reaps it */
	pid_t other;	/* a helper tracer; same fate */
	int go[2];	/* tracer -> tracee: go on; EOF ends the tracee */
	int report[2];	/* tracee -> tracer: readiness and results */
	int semid;	/* semtimedop()'s semaphore, or -1 */
};

/* Filled in by the tracer before fork() for the bodies that need them. */
static pid_t helper_target;
static unsigned long *spin_counter;	/* MAP_SHARED: the tracer reads it */
static const struct blocking_call *cur_call;
static int cur_timeout_ms;
static int cur_semid = -1;
static int threads_efd = -1;

static void ms_to_timespec(struct timespec *ts, int ms)
{
	ts->tv_sec = ms / 1000;
	ts->tv_nsec = (ms % 1000) * NSEC_PER_MSEC;
}

/* ------------------------------------------------------------------ */
/* Register access                                                    */
/* ------------------------------------------------------------------ */

#if defined(__x86_64__)
#define HAVE_TRACEE_REGS	1
struct tracee_regs {
	struct user_regs_struct r;
};

#define REGS_PC(p)		((p)->r.rip)
#define REGS_RET(p)		((p)->r.rax)
#elif defined(__aarch64__)
#define HAVE_TRACEE_REGS	1
struct tracee_regs {
	struct user_pt_regs r;
};

#define REGS_PC(p)		((p)->r.pc)
#define REGS_RET(p)		((p)->r.regs[0])
#elif defined(__riscv) && __riscv_xlen == 64
#define HAVE_TRACEE_REGS	1
struct tracee_regs {
	struct user_regs_struct r;
};

#define REGS_PC(p)		((p)->r.pc)
#define REGS_RET(p)		((p)->r.a0)
#elif defined(__s390x__)
#define HAVE_TRACEE_REGS	1
struct tracee_regs {
	s390_regs r;
};

#define REGS_PC(p)		((p)->r.psw.addr)
#define REGS_RET(p)		((p)->r.gprs[2])
#elif defined(__powerpc64__)
#define HAVE_TRACEE_REGS	1
struct tracee_regs {
	struct pt_regs r;
};

#define REGS_PC(p)		((p)->r.nip)
#define REGS_RET(p)		((p)->r.gpr[3])
#define REGS_SYSRET(p)		regs_sysret(p)

/* sc returns a positive errno with CR0.SO set, scv a negative one */
static long regs_sysret(const struct tracee_regs *p)
{
	long r3 = p->r.gpr[3];

	return p->r.ccr & 0x10000000 ? -r3 : r3;
}
#else
#define HAVE_TRACEE_REGS	0
struct tracee_regs {
	unsigned long r[2];
};

#define REGS_PC(p)		((p)->r[0])
#define REGS_RET(p)		((p)->r[1])
#endif
/* The system call's result, as the C library sees it: 0, a value or -errno */
#ifndef REGS_SYSRET
#define REGS_SYSRET(p)		((long)REGS_RET(p))
#endif

/* PTRACE_GETREGSET NT_PRSTATUS; false where this test cannot decode it */
static bool get_regs(pid_t pid, struct tracee_regs *regs)
{
	struct iovec iov = { .iov_base = regs, .iov_len = sizeof(*regs) };

	memset(regs, 0, sizeof(*regs));
	if (!HAVE_TRACEE_REGS)
		return false;
	return !ptrace_err(PTRACE_GETREGSET, pid, NT_PRSTATUS,
			   (unsigned long)&iov);
}

static bool set_regs(pid_t pid, struct tracee_regs *regs)
{
	struct iovec iov = { .iov_base = regs, .iov_len = sizeof(*regs) };

	if (!HAVE_TRACEE_REGS)
		return false;
	return !ptrace_err(PTRACE_SETREGSET, pid, NT_PRSTATUS,
			   (unsigned long)&iov);
}

/* ------------------------------------------------------------------ */
/* Tracee side: never ASSERT here, it would only end this process.    */
/* ------------------------------------------------------------------ */

/*
 * The user-mode spinner.  It is only ever called through spin_fn, loaded
 * atomically, so the compiler cannot inline it: the PC of a spinning
 * tracee lies in [spin_loop, spin_loop + SPIN_LOOP_MAX).  It stores
 * rather than adds: an atomic add may call a helper (arm64's outline
 * atomics) and put the PC out of that range.
 */
static void spin_loop(unsigned long *counter)
{
	unsigned long n = 0;

	for (;;)
		__atomic_store_n(counter, ++n, __ATOMIC_RELAXED);
}

static void (*spin_fn)(unsigned long *counter) = spin_loop;

static bool pc_in_spin_loop(unsigned long pc)
{
	return pc - (unsigned long)spin_loop < SPIN_LOOP_MAX;
}

static void body_spin(const struct chan *c)
{
	void (*fn)(unsigned long *counter);

	fn = __atomic_load_n(&spin_fn, __ATOMIC_RELAXED);
	say(c, 'r');
	fn(spin_counter);
}

/* Announce ourselves and exit 0 on a go. */
static void body_idle(const struct chan *c)
{
	say(c, 'r');
	hear(c);
	_exit(0);
}

/* One raw read() of the go pipe, not retried: its result is our exit code. */
static void body_raw_read(const struct chan *c)
{
	long n;
	char msg;

	say(c, 'r');
	n = syscall(__NR_read, c->go, &msg, 1);
	_exit(n == 1 ? 0 : n < 0 ? 100 + errno : n);
}

static void body_traceme_stop_exit3(const struct chan *c)
{
	(void)c;
	if (ptrace_err(PTRACE_TRACEME, 0, 0, 0))
		_exit(TRACEE_SETUP_FAILED);
	kill(getpid(), SIGSTOP);
	_exit(3);
}

static void body_exec_on_go(const struct chan *c)
{
	say(c, 'r');
	hear(c);
	execl("/proc/self/exe", "report", EXEC_HELPER_ARG, (char *)NULL);
	_exit(TRACEE_EXEC_FAILED);
}

/* A second tracer: seize helper_target, report -errno, stay around. */
static void body_seize_and_stay(const struct chan *c)
{
	say_int(c, ptrace_err(PTRACE_SEIZE, helper_target, 0, 0));
	for (;;)
		pause();
}

/*
 * A second tracer that leaves a report pending behind: seize helper_target,
 * which is in a group stop, see its stop, PTRACE_REPORT it, exit.  Reports
 * 0, or the step that failed.
 */
static void body_report_and_exit(const struct chan *c)
{
	pid_t pid = helper_target;
	int status = 0, step = 0;

	if (ptrace_err(PTRACE_SEIZE, pid, 0, 0))
		step = 1;
	else if (wait_for(pid, &status, 0) != pid || !WIFSTOPPED(status) ||
		 status >> 8 != EVENT_STOP_OF(SIGSTOP))
		step = 2;
	else if (ptrace_err(PTRACE_REPORT, pid, 0, 0))
		step = 3;
	say_int(c, step);
	_exit(0);
}

/* ------------------------------------------------------------------ */
/* Blocking system calls, made raw so the return register is known    */
/* ------------------------------------------------------------------ */

struct call_state {
	int fd;
	int sock[2];
	unsigned int futex_word;
	char byte;
	struct timespec ts;
	struct epoll_event ev;
	struct pollfd pfd;
	sigset_t set;
};

struct blocking_call {
	const char *name;
	long nr;	/* what /proc/PID/syscall shows while it sleeps */
	bool timed;	/* it ends by its timeout, else by the tracer's go */
	bool eintr;	/* INTERRUPT + CONT certainly make it fail with EINTR */
	bool sysv_sem;	/* it needs cur_semid */
	bool jiffies;	/* its timeout counts jiffies, not an hrtimer */
	int slack_ms;	/* how much earlier than asked it may time out */
	long natural;	/* its raw return value, left in the return register */
	int (*prepare)(struct call_state *st, const struct chan *c, int ms);
	long (*block)(struct call_state *st, int ms);
};

/* What a blocking tracee reports once its call returned. */
struct call_result {
	long ret;		/* libc-level: -1 and errno on failure */
	long err;
	long long elapsed_ns;	/* from before the call to after it */
	long long tick_ms;	/* the same, by tick_ms() */
};

/* glibc's epoll_wait() is epoll_pwait() where there is no epoll_wait. */
#ifdef __NR_epoll_wait
#define NR_EPOLL_WAIT		__NR_epoll_wait
#else
#define NR_EPOLL_WAIT		__NR_epoll_pwait
#endif

#ifdef __NR_poll
#define NR_POLL			__NR_poll
#else
#define NR_POLL			__NR_ppoll
#endif

static long raw_epoll_wait(int ep, struct epoll_event *ev, int ms)
{
#ifdef __NR_epoll_wait
	return syscall(__NR_epoll_wait, ep, ev, 1, ms);
#else
	return syscall(__NR_epoll_pwait, ep, ev, 1, ms, NULL, 0);
#endif
}

static int prep_epoll(struct call_state *st, const struct chan *c, int ms)
{
	st->fd = epoll_create1(EPOLL_CLOEXEC);
	return st->fd < 0;
}

static long block_epoll(struct call_state *st, int ms)
{
	return raw_epoll_wait(st->fd, &st->ev, ms);
}

static int prep_sem(struct call_state *st, const struct chan *c, int ms)
{
	ms_to_timespec(&st->ts, ms);
	st->fd = cur_semid;
	return st->fd < 0;
}

/* The semaphore stays 0: a decrement waits until the timeout. */
static long block_sem(struct call_state *st, int ms)
{
	struct sembuf op = { .sem_num = 0, .sem_op = -1, .sem_flg = 0 };

	return syscall(__NR_semtimedop, st->fd, &op, 1, &st->ts);
}

static int prep_sigtimedwait(struct call_state *st, const struct chan *c,
			     int ms)
{
	ms_to_timespec(&st->ts, ms);
	sigemptyset(&st->set);
	sigaddset(&st->set, SIGUSR2);
	return sigprocmask(SIG_BLOCK, &st->set, NULL);
}

/* Nobody sends SIGUSR2. */
static long block_sigtimedwait(struct call_state *st, int ms)
{
	return syscall(__NR_rt_sigtimedwait, &st->set, NULL, &st->ts,
		       _NSIG / 8);
}

static int prep_recv(struct call_state *st, const struct chan *c, int ms)
{
	struct timeval tv = {
		.tv_sec = ms / 1000,
		.tv_usec = (ms % 1000) * 1000,
	};

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, st->sock))
		return 1;
	return setsockopt(st->sock[0], SOL_SOCKET, SO_RCVTIMEO, &tv,
			  sizeof(tv));
}

/* Nobody writes to the other end, which stays open. */
static long block_recv(struct call_state *st, int ms)
{
	return syscall(__NR_recvfrom, st->sock[0], &st->byte, 1, 0, NULL,
		       NULL);
}

static int prep_timeout(struct call_state *st, const struct chan *c, int ms)
{
	ms_to_timespec(&st->ts, ms);
	return 0;
}

/* Nobody wakes the futex word, which stays 0. */
static long block_futex(struct call_state *st, int ms)
{
	return syscall(__NR_futex, &st->futex_word, FUTEX_WAIT_PRIVATE, 0,
		       &st->ts, NULL, 0);
}

static long block_nanosleep(struct call_state *st, int ms)
{
	return syscall(__NR_nanosleep, &st->ts, NULL);
}

static int prep_read(struct call_state *st, const struct chan *c, int ms)
{
	st->fd = c->go;
	return 0;
}

/* The go pipe: the tracer writes to it when the test says so. */
static long block_read(struct call_state *st, int ms)
{
	return syscall(__NR_read, st->fd, &st->byte, 1);
}

static int prep_poll(struct call_state *st, const struct chan *c, int ms)
{
	ms_to_timespec(&st->ts, ms);
	st->pfd.fd = c->go;
	st->pfd.events = POLLIN;
	return 0;
}

/* The go pipe stays empty while poll() runs. */
static long block_poll(struct call_state *st, int ms)
{
#ifdef __NR_poll
	return syscall(__NR_poll, &st->pfd, 1, ms);
#else
	return syscall(__NR_ppoll, &st->pfd, 1, &st->ts, NULL, 0);
#endif
}

/*
 * fs/eventpoll.c ep_poll(), ipc/sem.c do_semtimedop(), kernel/signal.c
 * do_sigtimedwait() and sock_intr_errno() with a finite SO_RCVTIMEO return
 * -EINTR: never restarted.  futex_wait(), hrtimer_nanosleep() and poll()
 * with a timeout return -ERESTART_RESTARTBLOCK and pipe_read() returns
 * -ERESTARTSYS: with no handler to run, all restarted transparently.
 */
static const struct blocking_call call_epoll_wait = {
	.name = "epoll_wait",
	.nr = NR_EPOLL_WAIT,
	.timed = true,
	.eintr = true,
	.natural = 0,
	.prepare = prep_epoll,
	.block = block_epoll,
};

static const struct blocking_call call_semtimedop = {
	.name = "semtimedop",
	.nr = __NR_semtimedop,
	.timed = true,
	.eintr = true,
	.sysv_sem = true,
	.natural = -EAGAIN,
	.prepare = prep_sem,
	.block = block_sem,
};

static const struct blocking_call call_sigtimedwait = {
	.name = "sigtimedwait",
	.nr = __NR_rt_sigtimedwait,
	.timed = true,
	.eintr = true,
	.natural = -EAGAIN,
	.prepare = prep_sigtimedwait,
	.block = block_sigtimedwait,
};

/*
 * SO_RCVTIMEO is counted in jiffies, and a schedule_timeout() of n jiffies
 * can end n - 1 ticks and a bit after it started: allow two ticks at
 * HZ=100, on the tick count, which is what the kernel counts the timeout
 * on.  All the others are hrtimers, which never expire early.
 */
static const struct blocking_call call_recv = {
	.name = "recv",
	.nr = __NR_recvfrom,
	.timed = true,
	.eintr = true,
	.jiffies = true,
	.slack_ms = 20,
	.natural = -EAGAIN,
	.prepare = prep_recv,
	.block = block_recv,
};

static const struct blocking_call call_futex_wait = {
	.name = "futex_wait",
	.nr = __NR_futex,
	.timed = true,
	.natural = -ETIMEDOUT,
	.prepare = prep_timeout,
	.block = block_futex,
};

static const struct blocking_call call_nanosleep = {
	.name = "nanosleep",
	.nr = __NR_nanosleep,
	.timed = true,
	.natural = 0,
	.prepare = prep_timeout,
	.block = block_nanosleep,
};

static const struct blocking_call call_pipe_read = {
	.name = "pipe_read",
	.nr = __NR_read,
	.timed = false,
	.natural = 1,
	.prepare = prep_read,
	.block = block_read,
};

static const struct blocking_call call_poll = {
	.name = "poll",
	.nr = NR_POLL,
	.timed = true,
	.natural = 0,
	.prepare = prep_poll,
	.block = block_poll,
};

/*
 * Make cur_call with cur_timeout_ms: send the start time, sleep in the
 * call, send a struct call_result, exit 0.
 */
static void body_blocking(const struct chan *c)
{
	const struct blocking_call *call = cur_call;
	struct call_result res;
	struct call_state st;
	long long t0, tick0;

	memset(&st, 0, sizeof(st));
	memset(&res, 0, sizeof(res));
	if (call->prepare(&st, c, cur_timeout_ms))
		_exit(TRACEE_SETUP_FAILED);
	t0 = now_ns();
	say_buf(c, &t0, sizeof(t0));
	tick0 = tick_ms();
	res.ret = call->block(&st, cur_timeout_ms);
	res.err = res.ret < 0 ? errno : 0;
	res.tick_ms = tick_ms() - tick0;
	res.elapsed_ns = now_ns() - t0;
	say_buf(c, &res, sizeof(res));
	_exit(0);
}

/*
 * Before this time the call, started at @t0 with a timeout of @ms, cannot
 * have returned by itself.
 */
static long long call_deadline(const struct blocking_call *call,
			       long long t0, int ms)
{
	if (!call->timed)
		return LLONG_MAX;
	return t0 + (ms - call->slack_ms) * NSEC_PER_MSEC;
}

/* Did the call return what it returns untraced, at the libc level? */
static bool result_natural(const struct blocking_call *call,
			   const struct call_result *res)
{
	if (call->natural < 0)
		return res->ret == -1 && res->err == -call->natural;
	return res->ret == call->natural;
}

static const char *classify(const struct blocking_call *call,
			    const struct call_result *res)
{
	if (res->ret == -1 && res->err == EINTR)
		return "EINTR";
	return result_natural(call, res) ? "ok" : "other";
}

/* ------------------------------------------------------------------ */
/* Tracer side                                                        */
/* ------------------------------------------------------------------ */

static void ctx_init(struct __test_metadata *_metadata, struct tracee_ctx *t)
{
	t->pid = 0;
	t->other = 0;
	t->semid = -1;
	ASSERT_EQ(0, pipe2(t->go, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(t->report, O_CLOEXEC));
}

/* Kill what a test left behind and reap it, threads and tracees included. */
static void ctx_fini(struct tracee_ctx *t)
{
	kill_if_ours(t->pid);
	kill_if_ours(t->other);
	while (wait_for(-1, NULL, 0) > 0)
		;
	close_pair(t->go);
	close_pair(t->report);
	if (t->semid >= 0)
		semctl(t->semid, 0, IPC_RMID);
}

/* Fresh pipes for a second tracee in the same test. */
static void ctx_new_pipes(struct __test_metadata *_metadata,
			  struct tracee_ctx *t)
{
	close_pair(t->go);
	close_pair(t->report);
	ASSERT_EQ(0, pipe2(t->go, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(t->report, O_CLOEXEC));
}

/* Fork @body as t->pid; wait for its 'r' if @ready. */
static void start(struct __test_metadata *_metadata, struct tracee_ctx *t,
		  body_fn body, bool ready)
{
	t->pid = spawn(body, t->go, t->report);
	ASSERT_LT(0, t->pid) {
		TH_LOG("fork: %m");
	}
	if (ready)
		wait_ready(_metadata, t->report[0]);
}

/* @status is the report stop: SIGTRAP, PTRACE_EVENT_STOP, REPORT's msg. */
static void check_report_stop(struct __test_metadata *_metadata, pid_t pid,
			      int status, const char *what)
{
	ASSERT_TRUE(WIFSTOPPED(status)) {
		TH_LOG("%s: status %#x is not a stop", what, status);
	}
	EXPECT_EQ(SIGTRAP, WSTOPSIG(status)) {
		TH_LOG("%s: status %#x", what, status);
	}
	ASSERT_EQ(PTRACE_EVENT_STOP, status >> 16) {
		TH_LOG("%s: status %#x", what, status);
	}
	ASSERT_EQ(PTRACE_EVENTMSG_REPORT, event_msg(_metadata, pid)) {
		TH_LOG("%s: not the report stop", what);
	}
}

static void wait_report_stop(struct __test_metadata *_metadata, pid_t pid,
			     const char *what)
{
	int status = 0;

	ASSERT_EQ(pid, wait_for(pid, &status, 0)) {
		TH_LOG("%s: waitpid: %m", what);
	}
	check_report_stop(_metadata, pid, status, what);
}

static unsigned long peek(struct __test_metadata *_metadata, pid_t pid,
			  const void *addr)
{
	unsigned long word = 0;

	/* the raw syscall stores the word at data, unlike glibc's wrapper */
	ASSERT_EQ(0, ptrace_err(PTRACE_PEEKDATA, pid, (unsigned long)addr,
				(unsigned long)&word)) {
		TH_LOG("PTRACE_PEEKDATA: %m");
	}
	return word;
}

/* Wait until the spinner's shared counter is above @floor. */
static void wait_spinning(struct __test_metadata *_metadata,
			  unsigned long floor)
{
	long long deadline = now_ns() + BLOCK_TIMEOUT_SEC * NSEC_PER_SEC;

	while (__atomic_load_n(spin_counter, __ATOMIC_RELAXED) <= floor) {
		ASSERT_GT(deadline, now_ns()) {
			TH_LOG("the spinner made no progress past %lu", floor);
		}
		sched_yield();
	}
}

static ssize_t read_file(const char *path, void *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size);
	close(fd);
	return n;
}

#define WAIT_BLOCKED(pid, nrs, what) \
	wait_blocked(_metadata, pid, nrs, sizeof(nrs) / sizeof(long), what)

/* The value of @type in /proc/@pid/auxv */
static bool proc_auxv(pid_t pid, unsigned long type, unsigned long *val)
{
	unsigned long auxv[512];
	char path[64];
	ssize_t n;
	size_t i;

	snprintf(path, sizeof(path), "/proc/%d/auxv", pid);
	n = read_file(path, auxv, sizeof(auxv));
	if (n <= 0)
		return false;
	for (i = 0; i + 1 < n / sizeof(auxv[0]); i += 2) {
		if (auxv[i] == type) {
			*val = auxv[i + 1];
			return true;
		}
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* Running a blocking call under INTERRUPT and under REPORT           */
/* ------------------------------------------------------------------ */

static void start_blocking(struct __test_metadata *_metadata,
			   struct tracee_ctx *t,
			   const struct blocking_call *call, int ms,
			   long long *t0)
{
	cur_call = call;
	cur_timeout_ms = ms;
	cur_semid = t->semid;
	start(_metadata, t, body_blocking, false);
	read_report(_metadata, t->report[0], t0, sizeof(*t0), "start time");
}

/* Kill a tracee whose run proved nothing, and reap it. */
static void discard_tracee(struct __test_metadata *_metadata,
			   struct tracee_ctx *t)
{
	int status;

	ASSERT_EQ(0, kill(t->pid, SIGKILL));
	while (wait_for(t->pid, &status, 0) == t->pid && WIFSTOPPED(status))
		;
	t->pid = 0;
	ctx_new_pipes(_metadata, t);
}

/*
 * INTERRUPT @call, sleeping with a timeout of @ms, PTRACE_CONT, collect
 * what it returned.  False if the INTERRUPT may have come too late.
 */
static bool try_interrupt(struct __test_metadata *_metadata,
			  struct tracee_ctx *t,
			  const struct blocking_call *call, int ms,
			  struct call_result *res)
{
	long long t0;

	start_blocking(_metadata, t, call, ms, &t0);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, t->pid, 0, 0));
	wait_blocked(_metadata, t->pid, &call->nr, 1, call->name);
	ASSERT_EQ(0, ptrace_err(PTRACE_INTERRUPT, t->pid, 0, 0));
	if (now_ns() >= call_deadline(call, t0, ms)) {
		discard_tracee(_metadata, t);
		return false;
	}
	wait_stop(_metadata, t->pid, EVENT_STOP_OF(SIGTRAP), "interrupt stop");
	EXPECT_EQ(0UL, event_msg(_metadata, t->pid));
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, t->pid, 0, 0));
	if (!call->timed)
		send_go(_metadata, t->go[1]);
	read_report(_metadata, t->report[0], res, sizeof(*res), call->name);
	wait_exit(_metadata, t->pid, 0, call->name);
	t->pid = 0;
	return true;
}

static void run_interrupt(struct __test_metadata *_metadata,
			  struct tracee_ctx *t,
			  const struct blocking_call *call,
			  struct call_result *res)
{
	int ms = INTERRUPT_TIMEOUT_MS;

	while (!try_interrupt(_metadata, t, call, ms, res)) {
		TH_LOG("%s: INTERRUPT came after the %d ms timeout, again",
		       call->name, ms);
		ms *= 4;
		ASSERT_GE(MAX_TIMEOUT_MS, ms) {
			TH_LOG("%s: machine too slow", call->name);
		}
	}
}

/*
 * Attach to @call's tracee with @attach once it sleeps, PTRACE_REPORT it
 * and check everything Documentation/userspace-api/ptrace-report.rst
 * promises: no stop and no wake-up while the call sleeps, then the report
 * stop with the call's natural return value in the return register, and
 * no EINTR, no short timeout after the CONT.
 * False if the REPORT may have come after the call returned by itself.
 */
static bool try_report(struct __test_metadata *_metadata,
		       struct tracee_ctx *t,
		       const struct blocking_call *call, long attach, int ms,
		       struct call_result *res)
{
	long long t0, deadline, now;
	struct tracee_regs regs;
	int status = 0;
	bool asleep;
	pid_t ret;

	start_blocking(_metadata, t, call, ms, &t0);
	wait_blocked(_metadata, t->pid, &call->nr, 1, call->name);
	/* attaching to a sleeper: neither attach request may disturb it */
	ASSERT_EQ(attach == PTRACE_SEIZE ? 0 : 1,
		  ptrace_err(attach, t->pid, 0, 0)) {
		TH_LOG("attach request %#lx: %m", attach);
	}
	expect_no_report(_metadata, t->pid, "after the attach");
	deadline = call_deadline(call, t0, ms);

	ASSERT_EQ(0, ptrace_err(PTRACE_REPORT, t->pid, 0, 0));
	/* before the deadline only REPORT could have woken the sleeper */
	asleep = blocked_in(t->pid, &call->nr, 1);
	now = now_ns();
	if (now >= deadline) {
		discard_tracee(_metadata, t);
		return false;
	}
	EXPECT_TRUE(asleep) {
		TH_LOG("%s: PTRACE_REPORT woke the tracee (state %c)",
		       call->name, proc_state(t->pid));
	}
	ret = wait_for(t->pid, &status, WNOHANG);
	now = now_ns();
	if (ret == 0) {
		if (!call->timed)
			send_go(_metadata, t->go[1]);
		ASSERT_EQ(t->pid, wait_for(t->pid, &status, 0));
	} else {
		ASSERT_EQ(t->pid, ret);
		ASSERT_LE(deadline, now) {
			TH_LOG("%s: stopped (status %#x) while it still slept",
			       call->name, status);
		}
	}
	check_report_stop(_metadata, t->pid, status, call->name);

	if (get_regs(t->pid, &regs)) {
		EXPECT_EQ(call->natural, REGS_SYSRET(&regs)) {
			TH_LOG("%s: return register at the report stop",
			       call->name);
		}
	} else {
		TH_LOG("%s: no register check on this architecture",
		       call->name);
	}

	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, t->pid, 0, 0));
	read_report(_metadata, t->report[0], res, sizeof(*res), call->name);
	wait_exit(_metadata, t->pid, 0, call->name);
	t->pid = 0;

	EXPECT_NE(EINTR, res->err) {
		TH_LOG("%s: EINTR after PTRACE_REPORT", call->name);
	}
	EXPECT_TRUE(result_natural(call, res)) {
		TH_LOG("%s: returned %ld, errno %ld, expected %ld",
		       call->name, res->ret, res->err, call->natural);
	}
	if (call->timed) {
		long long took = call->jiffies ? res->tick_ms :
				 res->elapsed_ns / NSEC_PER_MSEC;

		EXPECT_LE(ms - call->slack_ms, took) {
			TH_LOG("%s: timeout cut short: %lld ms, %lld by the tick",
			       call->name, res->elapsed_ns / NSEC_PER_MSEC,
			       res->tick_ms);
		}
	}
	return true;
}

static void run_report(struct __test_metadata *_metadata,
		       struct tracee_ctx *t,
		       const struct blocking_call *call, long attach,
		       struct call_result *res)
{
	int ms = REPORT_TIMEOUT_MS;

	while (!try_report(_metadata, t, call, attach, ms, res)) {
		TH_LOG("%s: REPORT came after the %d ms timeout, again",
		       call->name, ms);
		ms *= 4;
		ASSERT_GE(MAX_TIMEOUT_MS, ms) {
			TH_LOG("%s: machine too slow", call->name);
		}
	}
}

/* ------------------------------------------------------------------ */
/* Probe results, for the log                                         */
/* ------------------------------------------------------------------ */

TEST(probe)
{
	long report = probe_report();
	bool nostop = nostop_supported();

	ASSERT_LE(0, report);
	ksft_print_msg("PTRACE_REPORT: %s, PTRACE_ATTACH_NOSTOP: %s\n",
		       report ? "supported" : "not supported",
		       nostop ? "supported" : "not supported");
}

/* ------------------------------------------------------------------ */
/* One seized tracee                                                  */
/* ------------------------------------------------------------------ */

FIXTURE(report) {
	struct tracee_ctx t;
};

FIXTURE_SETUP(report)
{
	if (!report_supported(_metadata))
		SKIP(return, "PTRACE_REPORT not supported");
	spin_counter = mmap(NULL, sizeof(*spin_counter),
			    PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, spin_counter);
	ctx_init(_metadata, &self->t);
}

FIXTURE_TEARDOWN(report)
{
	ctx_fini(&self->t);
	munmap(spin_counter, sizeof(*spin_counter));
}

/* Seize the spinner and REPORT it once it spins. */
static void report_spinner(struct __test_metadata *_metadata,
			   struct tracee_ctx *t)
{
	start(_metadata, t, body_spin, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, t->pid, 0, 0));
	wait_spinning(_metadata, 0);
	ASSERT_EQ(0, ptrace_err(PTRACE_REPORT, t->pid, 0, 0));
}

/* A user-mode spinner stops: SIGTRAP, PTRACE_EVENT_STOP, REPORT's msg */
TEST_F(report, spin_stop_event)
{
	struct tracee_ctx *t = &self->t;
	int status = 0;

	report_spinner(_metadata, t);
	ASSERT_EQ(t->pid, wait_for(t->pid, &status, 0));
	EXPECT_TRUE(WIFSTOPPED(status));
	EXPECT_EQ(SIGTRAP, WSTOPSIG(status));
	EXPECT_EQ(PTRACE_EVENT_STOP, status >> 16);
	EXPECT_EQ(PTRACE_EVENTMSG_REPORT, event_msg(_metadata, t->pid));
}

TEST_F(report, spin_stop_siginfo)
{
	struct tracee_ctx *t = &self->t;
	siginfo_t si;

	report_spinner(_metadata, t);
	wait_report_stop(_metadata, t->pid, "report stop");
	memset(&si, 0, sizeof(si));
	ASSERT_EQ(0, ptrace_err(PTRACE_GETSIGINFO, t->pid, 0,
				(unsigned long)&si));
	EXPECT_EQ(SIGTRAP, si.si_signo);
	EXPECT_EQ(EVENT_STOP_OF(SIGTRAP), si.si_code);
}

/* The spinner stops before its next user instruction: still in the loop. */
TEST_F(report, spin_stop_pc_in_loop)
{
	struct tracee_ctx *t = &self->t;
	struct tracee_regs regs;

	if (!HAVE_TRACEE_REGS)
		SKIP(return, "no register layout for this architecture");
	report_spinner(_metadata, t);
	wait_report_stop(_metadata, t->pid, "report stop");
	ASSERT_TRUE(get_regs(t->pid, &regs));
	EXPECT_TRUE(pc_in_spin_loop(REGS_PC(&regs))) {
		TH_LOG("pc %#lx, spin_loop at %p",
		       (unsigned long)REGS_PC(&regs), spin_loop);
	}
}

/* PTRACE_CONT resumes it: the counter runs on, a second REPORT sees it. */
TEST_F(report, spin_cont_resumes)
{
	struct tracee_ctx *t = &self->t;
	unsigned long first, second;

	report_spinner(_metadata, t);
	wait_report_stop(_metadata, t->pid, "first report stop");
	first = peek(_metadata, t->pid, spin_counter);
	EXPECT_EQ(__atomic_load_n(spin_counter, __ATOMIC_RELAXED), first);
	expect_no_report(_metadata, t->pid, "first report stop");

	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, t->pid, 0, 0));
	wait_spinning(_metadata, first);
	ASSERT_EQ(0, ptrace_err(PTRACE_REPORT, t->pid, 0, 0));
	wait_report_stop(_metadata, t->pid, "second report stop");
	second = peek(_metadata, t->pid, spin_counter);
	EXPECT_LT(first, second);
}

/* Three REPORTs of a sleeper, one stop, then it runs to its exit. */
TEST_F(report, several_reports_one_stop)
{
	struct tracee_ctx *t = &self->t;

	if (!have_proc_syscall())
		SKIP(return, "no /proc/PID/syscall");
	start(_metadata, t, body_raw_read, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, t->pid, 0, 0));
	WAIT_BLOCKED(t->pid, read_nrs, "read");
	ASSERT_EQ(0, ptrace_err(PTRACE_REPORT, t->pid, 0, 0));
	ASSERT_EQ(0, ptrace_err(PTRACE_REPORT, t->pid, 0, 0));
	ASSERT_EQ(0, ptrace_err(PTRACE_REPORT, t->pid, 0, 0));
	expect_no_report(_metadata, t->pid, "reports while asleep");
	send_go(_metadata, t->go[1]);
	wait_report_stop(_metadata, t->pid, "report stop");
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, t->pid, 0, 0));
	wait_exit(_metadata, t->pid, 0, "read result");
}

/* REPORT during an INTERRUPT stop: the report stop follows the CONT. */
TEST_F(report, report_while_stopped)
{
	struct tracee_ctx *t = &self->t;

	start(_metadata, t, body_idle, true);
	seize_interrupted(_metadata, t->pid, 0);
	ASSERT_EQ(0, ptrace_err(PTRACE_REPORT, t->pid, 0, 0));
	expect_no_report(_metadata, t->pid, "report during a stop");
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, t->pid, 0, 0));
	wait_report_stop(_metadata, t->pid, "report stop after CONT");
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, t->pid, 0, 0));
	send_go(_metadata, t->go[1]);
	wait_exit(_metadata, t->pid, 0, "tracee after the report stop");
}

/*
 * Resumed while its group stop is in effect, the tracee reports the stop
 * signal in its report stop, as in the trap of PTRACE_INTERRUPT.
 */
TEST_F(report, group_stop_signal)
{
	struct tracee_ctx *t = &self->t;

	start(_metadata, t, body_idle, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, t->pid, 0, 0));
	ASSERT_EQ(0, kill(t->pid, SIGSTOP));
	wait_stop(_metadata, t->pid, SIGSTOP, "SIGSTOP delivery stop");
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, t->pid, 0, SIGSTOP));
	wait_stop(_metadata, t->pid, EVENT_STOP_OF(SIGSTOP), "group stop");

	ASSERT_EQ(0, ptrace_err(PTRACE_REPORT, t->pid, 0, 0));
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, t->pid, 0, 0));
	wait_stop(_metadata, t->pid, EVENT_STOP_OF(SIGSTOP), "report stop");
	EXPECT_EQ(PTRACE_EVENTMSG_REPORT, event_msg(_metadata, t->pid));

	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, t->pid, 0, 0));
	ASSERT_EQ(0, ptrace_err(PTRACE_INTERRUPT, t->pid, 0, 0));
	wait_stop(_metadata, t->pid, EVENT_STOP_OF(SIGSTOP), "interrupt stop");
	EXPECT_EQ(0UL, event_msg(_metadata, t->pid));
}

/*
 * The tracer's SIGCHLD for a report stop has the si_code of the one for
 * PTRACE_INTERRUPT's stop: both are PTRACE_EVENT_STOP traps.
 */
TEST_F(report, sigchld_like_interrupt)
{
	static const long requests[] = { PTRACE_REPORT, PTRACE_INTERRUPT };
	struct timespec ts = { .tv_sec = BLOCK_TIMEOUT_SEC }, zero = { 0 };
	struct tracee_ctx *t = &self->t;
	int codes[2] = { 0, 0 };
	sigset_t set;
	siginfo_t si;
	int i;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &set, NULL));
	start(_metadata, t, body_spin, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, t->pid, 0, 0));
	wait_spinning(_metadata, 0);
	for (i = 0; i < 2; i++) {
		while (sigtimedwait(&set, &si, &zero) == SIGCHLD)
			;
		ASSERT_EQ(0, ptrace_err(requests[i], t->pid, 0, 0));
		wait_stop(_metadata, t->pid, EVENT_STOP_OF(SIGTRAP),
			  i ? "interrupt stop" : "report stop");
		ASSERT_EQ(SIGCHLD, sigtimedwait(&set, &si, &ts));
		EXPECT_EQ(t->pid, si.si_pid);
		codes[i] = si.si_code;
		ASSERT_EQ(0, ptrace_err(PTRACE_CONT, t->pid, 0, 0));
	}
	EXPECT_EQ(codes[1], codes[0]) {
		TH_LOG("SIGCHLD si_code: %d for the report stop, %d for PTRACE_INTERRUPT's",
		       codes[0], codes[1]);
	}
}

/* The signal in PTRACE_CONT's data at a report stop is not delivered. */
TEST_F(report, cont_signal_ignored)
{
	struct tracee_ctx *t = &self->t;

	if (!have_proc_syscall())
		SKIP(return, "no /proc/PID/syscall");
	start(_metadata, t, body_raw_read, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, t->pid, 0, 0));
	WAIT_BLOCKED(t->pid, read_nrs, "read");
	ASSERT_EQ(0, ptrace_err(PTRACE_REPORT, t->pid, 0, 0));
	send_go(_metadata, t->go[1]);
	wait_report_stop(_metadata, t->pid, "report stop");
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, t->pid, 0, SIGTERM));
	wait_exit(_metadata, t->pid, 0, "tracee continued with SIGTERM");
}

/* At the report stop the tracer can rewrite the syscall's return value. */
TEST_F(report, return_register_writable)
{
	struct tracee_ctx *t = &self->t;
	struct tracee_regs regs;

	if (!HAVE_TRACEE_REGS)
		SKIP(return, "no register layout for this architecture");
	if (!have_proc_syscall())
		SKIP(return, "no /proc/PID/syscall");
	start(_metadata, t, body_raw_read, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, t->pid, 0, 0));
	WAIT_BLOCKED(t->pid, read_nrs, "read");
	ASSERT_EQ(0, ptrace_err(PTRACE_REPORT, t->pid, 0, 0));
	send_go(_metadata, t->go[1]);
	wait_report_stop(_metadata, t->pid, "report stop");
	ASSERT_TRUE(get_regs(t->pid, &regs));
	EXPECT_EQ(1, (long)REGS_RET(&regs));
	REGS_RET(&regs) = POKED_RET;
	ASSERT_TRUE(set_regs(t->pid, &regs));
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, t->pid, 0, 0));
	wait_exit(_metadata, t->pid, POKED_RET, "read() saw the new value");
}

/* SIGSTOP @pid, untraced, and take its job control stop as its parent. */
static void job_stop(struct __test_metadata *_metadata, pid_t pid)
{
	int status = 0;

	ASSERT_EQ(0, kill(pid, SIGSTOP));
	ASSERT_EQ(pid, wait_for(pid, &status, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP) {
		TH_LOG("status %#x is not the SIGSTOP stop", status);
	}
}

/*
 * @t->pid is back in its group stop after its tracer detached or died
 * with a report pending.  It has not been to user mode since, so a report
 * the kernel failed to cancel is still there: seize it again, end the
 * group stop, send the go and follow it to its exit.  No report stop may
 * come on the way, only the traps of SIGCONT.
 */
static void reseize_expect_no_report(struct __test_metadata *_metadata,
				     struct tracee_ctx *t)
{
	int status = 0, stops;

	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, t->pid, 0, 0)) {
		TH_LOG("PTRACE_SEIZE again: %m");
	}
	wait_stop(_metadata, t->pid, EVENT_STOP_OF(SIGSTOP), "seized again");
	ASSERT_EQ(0, kill(t->pid, SIGCONT));
	send_go(_metadata, t->go[1]);
	for (stops = 0;; stops++) {
		ASSERT_EQ(0, ptrace_err(PTRACE_CONT, t->pid, 0, 0));
		ASSERT_EQ(t->pid, wait_for(t->pid, &status, 0));
		if (!WIFSTOPPED(status))
			break;
		ASSERT_FALSE(status >> 16 == PTRACE_EVENT_STOP &&
			     event_msg(_metadata, t->pid) ==
			     PTRACE_EVENTMSG_REPORT) {
			TH_LOG("the report of the previous tracer came");
		}
		ASSERT_GT(8, stops) {
			TH_LOG("still stopping, status %#x", status);
		}
	}
	ASSERT_TRUE(WIFEXITED(status)) {
		TH_LOG("status %#x is not an exit", status);
	}
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/*
 * DETACH cancels a pending report.  The tracee is detached in a group
 * stop, so it goes back to that stop without passing the return to user
 * mode where a report left behind would be dropped as untraced: seized
 * again, it must not take it.
 */
TEST_F(report, detach_cancels_pending)
{
	struct tracee_ctx *t = &self->t;

	start(_metadata, t, body_idle, true);
	job_stop(_metadata, t->pid);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, t->pid, 0, 0));
	wait_stop(_metadata, t->pid, EVENT_STOP_OF(SIGSTOP), "seized");
	ASSERT_EQ(0, ptrace_err(PTRACE_REPORT, t->pid, 0, 0));
	ASSERT_EQ(0, ptrace_err(PTRACE_DETACH, t->pid, 0, 0));
	reseize_expect_no_report(_metadata, t);
}

/* The tracer exits with a report pending: as above, it is cancelled. */
TEST_F(report, tracer_exit_cancels_pending)
{
	struct tracee_ctx *t = &self->t;
	int step = -1;

	start(_metadata, t, body_idle, true);
	job_stop(_metadata, t->pid);
	helper_target = t->pid;
	t->other = spawn(body_report_and_exit, t->go, t->report);
	ASSERT_LT(0, t->other);
	read_report(_metadata, t->report[0], &step, sizeof(step), "helper");
	ASSERT_EQ(0, step) {
		TH_LOG("helper tracer failed at step %d", step);
	}
	wait_exit(_metadata, t->other, 0, "helper tracer");
	reseize_expect_no_report(_metadata, t);
}

/* REPORT at the exit event stop: the tracee exits, nothing hangs. */
TEST_F(report, exit_with_pending)
{
	struct tracee_ctx *t = &self->t;

	start(_metadata, t, body_exit5_on_go, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, t->pid, 0, PTRACE_O_TRACEEXIT));
	send_go(_metadata, t->go[1]);
	wait_stop(_metadata, t->pid, EVENT_TRAP(PTRACE_EVENT_EXIT),
		  "exit event");
	ASSERT_EQ(0, ptrace_err(PTRACE_REPORT, t->pid, 0, 0));
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, t->pid, 0, 0));
	wait_exit(_metadata, t->pid, 5, "exit after the exit event");
}

/* SIGKILL of a sleeper with a report pending: it dies, nothing hangs. */
TEST_F(report, sigkill_with_pending)
{
	struct tracee_ctx *t = &self->t;

	if (!have_proc_syscall())
		SKIP(return, "no /proc/PID/syscall");
	start(_metadata, t, body_raw_read, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, t->pid, 0, 0));
	WAIT_BLOCKED(t->pid, read_nrs, "read");
	ASSERT_EQ(0, ptrace_err(PTRACE_REPORT, t->pid, 0, 0));
	ASSERT_EQ(0, kill(t->pid, SIGKILL));
	wait_killed(_metadata, t->pid, SIGKILL, "killed with a report pending");
}

/*
 * REPORT at the exec event stop: the report stop comes on the return from
 * execve(), to us, at the new image's entry with execve()'s 0 in the
 * return register.
 */
TEST_F(report, exec_with_pending)
{
	struct tracee_ctx *t = &self->t;
	unsigned long base = 1, entry = 0;
	struct tracee_regs regs;

	start(_metadata, t, body_exec_on_go, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, t->pid, 0, PTRACE_O_TRACEEXEC));
	send_go(_metadata, t->go[1]);
	wait_stop(_metadata, t->pid, EVENT_TRAP(PTRACE_EVENT_EXEC),
		  "exec event");
	ASSERT_EQ(0, ptrace_err(PTRACE_REPORT, t->pid, 0, 0));
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, t->pid, 0, 0));
	wait_report_stop(_metadata, t->pid, "report stop after exec");
	if (get_regs(t->pid, &regs)) {
		EXPECT_EQ(0, (long)REGS_RET(&regs));
		/* no interpreter (static): execution starts at AT_ENTRY */
		if (proc_auxv(t->pid, AT_BASE, &base) && !base &&
		    proc_auxv(t->pid, AT_ENTRY, &entry)) {
			EXPECT_EQ(entry, (unsigned long)REGS_PC(&regs));
		}
	}
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, t->pid, 0, 0));
	wait_exit(_metadata, t->pid, EXEC_HELPER_CODE, "exec'd helper");
}

/* --- Errors --- */

/* Not for a PTRACE_ATTACH tracee, stopped or not; here a running one. */
TEST_F(report, attach_tracee_eio)
{
	struct tracee_ctx *t = &self->t;

	start(_metadata, t, body_idle, true);
	attach_stopped(_metadata, t->pid);
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, t->pid, 0, 0));
	EXPECT_EQ(-EIO, ptrace_err(PTRACE_REPORT, t->pid, 0, 0));
}

TEST_F(report, traceme_tracee_eio)
{
	struct tracee_ctx *t = &self->t;

	start(_metadata, t, body_traceme_stop_exit3, false);
	wait_stop(_metadata, t->pid, SIGSTOP, "SIGSTOP after TRACEME");
	EXPECT_EQ(-EIO, ptrace_err(PTRACE_REPORT, t->pid, 0, 0));
}

TEST_F(report, untraced_esrch)
{
	struct tracee_ctx *t = &self->t;

	start(_metadata, t, body_idle, true);
	EXPECT_EQ(-ESRCH, ptrace_err(PTRACE_REPORT, t->pid, 0, 0));
}

TEST_F(report, other_tracers_tracee_esrch)
{
	struct tracee_ctx *t = &self->t;
	int seized = 1;

	start(_metadata, t, body_idle, true);
	helper_target = t->pid;
	t->other = spawn(body_seize_and_stay, t->go, t->report);
	ASSERT_LT(0, t->other);
	read_report(_metadata, t->report[0], &seized, sizeof(seized),
		    "helper seize");
	ASSERT_EQ(0, seized);
	EXPECT_EQ(-ESRCH, ptrace_err(PTRACE_REPORT, t->pid, 0, 0));
}

/*
 * Refused, so no report: the sleeper's read() returns and it exits.  The
 * top bit of addr, which no flag will ever be.
 */
TEST_F(report, addr_nonzero_einval)
{
	struct tracee_ctx *t = &self->t;

	start(_metadata, t, body_idle, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, t->pid, 0, 0));
	EXPECT_EQ(-EINVAL, ptrace_err(PTRACE_REPORT, t->pid, 0x80000000UL, 0));
	/* a flag of PTRACE_ATTACH_NOSTOP only */
	EXPECT_EQ(-EINVAL, ptrace_err(PTRACE_REPORT, t->pid,
				      PTRACE_NOSTOP_SYSCALL, 0));
	send_go(_metadata, t->go[1]);
	wait_exit(_metadata, t->pid, 0, "tracee after the refused report");
}

TEST_F(report, data_nonzero_einval)
{
	struct tracee_ctx *t = &self->t;

	start(_metadata, t, body_idle, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, t->pid, 0, 0));
	EXPECT_EQ(-EINVAL, ptrace_err(PTRACE_REPORT, t->pid, 0, 1));
	send_go(_metadata, t->go[1]);
	wait_exit(_metadata, t->pid, 0, "tracee after the refused report");
}

/* --- io_uring --- */

struct uring_result {
	long ret;		/* the waiting io_uring_enter() */
	long err;
	long long elapsed_ns;
	int cqes;		/* CQEs found after it returned */
	int cqe_res;
	unsigned long long user_data;
};

/*
 * Raw io_uring: queue one IORING_OP_TIMEOUT of cur_timeout_ms, submit
 * it, then wait for it in a second io_uring_enter(), whose result is not
 * masked by the submission count.  Reports io_uring_setup()'s errno (0 if
 * it worked), the start time, then a struct uring_result.
 */
static void body_io_uring(const struct chan *c)
{
	struct __kernel_timespec ts = {
		.tv_sec = cur_timeout_ms / 1000,
		.tv_nsec = (cur_timeout_ms % 1000) * NSEC_PER_MSEC,
	};
	unsigned int *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail;
	unsigned int *cq_mask, idx;
	struct io_uring_params p;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
	struct uring_result res;
	size_t sq_size, cq_size;
	char *sq, *cq;
	long long t0;
	int fd;

	memset(&p, 0, sizeof(p));
	memset(&res, 0, sizeof(res));
	fd = syscall(__NR_io_uring_setup, 4, &p);
	say_int(c, fd < 0 ? errno : 0);
	if (fd < 0)
		_exit(0);

	sq_size = p.sq_off.array + p.sq_entries * sizeof(unsigned int);
	cq_size = p.cq_off.cqes + p.cq_entries * sizeof(*cqes);
	if (p.features & IORING_FEAT_SINGLE_MMAP) {
		if (cq_size > sq_size)
			sq_size = cq_size;
		cq_size = sq_size;
	}
	sq = mmap(NULL, sq_size, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQ_RING);
	cq = sq;
	if (!(p.features & IORING_FEAT_SINGLE_MMAP))
		cq = mmap(NULL, cq_size, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_CQ_RING);
	sqes = mmap(NULL, p.sq_entries * sizeof(*sqes),
		    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
		    IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED)
		_exit(TRACEE_SETUP_FAILED);

	sq_tail = (unsigned int *)(sq + p.sq_off.tail);
	sq_mask = (unsigned int *)(sq + p.sq_off.ring_mask);
	sq_array = (unsigned int *)(sq + p.sq_off.array);
	cq_head = (unsigned int *)(cq + p.cq_off.head);
	cq_tail = (unsigned int *)(cq + p.cq_off.tail);
	cq_mask = (unsigned int *)(cq + p.cq_off.ring_mask);
	cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);

	idx = *sq_tail & *sq_mask;
	memset(&sqes[idx], 0, sizeof(sqes[idx]));
	sqes[idx].opcode = IORING_OP_TIMEOUT;
	sqes[idx].fd = -1;
	sqes[idx].addr = (unsigned long)&ts;
	sqes[idx].len = 1;
	sqes[idx].off = 0;	/* no completion count: a pure timeout */
	sqes[idx].user_data = URING_USER_DATA;
	sq_array[idx] = idx;
	__atomic_store_n(sq_tail, *sq_tail + 1, __ATOMIC_RELEASE);
	/* before the submission, which starts the timer */
	t0 = now_ns();
	if (syscall(__NR_io_uring_enter, fd, 1, 0, 0, NULL, 0) != 1)
		_exit(TRACEE_SETUP_FAILED);
	say_buf(c, &t0, sizeof(t0));
	res.ret = syscall(__NR_io_uring_enter, fd, 0, 1,
			  IORING_ENTER_GETEVENTS, NULL, 0);
	res.err = res.ret < 0 ? errno : 0;
	res.elapsed_ns = now_ns() - t0;
	while (*cq_head != __atomic_load_n(cq_tail, __ATOMIC_ACQUIRE)) {
		idx = *cq_head & *cq_mask;
		res.cqes++;
		res.cqe_res = cqes[idx].res;
		res.user_data = cqes[idx].user_data;
		__atomic_store_n(cq_head, *cq_head + 1, __ATOMIC_RELEASE);
	}
	say_buf(c, &res, sizeof(res));
	_exit(0);
}

/*
 * REPORT a tracee waiting in io_uring_enter() for a timeout of @ms.  1: done,
 * 0: the REPORT may have come too late, -errno: no io_uring here.
 */
static int try_io_uring(struct __test_metadata *_metadata,
			struct tracee_ctx *t, int ms)
{
	static const long nrs[] = { __NR_io_uring_enter };
	long long t0, deadline;
	struct uring_result res;
	struct tracee_regs regs;
	int err = -1, status = 0;
	bool asleep;
	pid_t ret;

	cur_timeout_ms = ms;
	start(_metadata, t, body_io_uring, false);
	read_report(_metadata, t->report[0], &err, sizeof(err), "setup");
	if (err) {
		wait_exit(_metadata, t->pid, 0, "tracee without io_uring");
		t->pid = 0;
		return -err;
	}
	read_report(_metadata, t->report[0], &t0, sizeof(t0), "start time");
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, t->pid, 0, 0));
	WAIT_BLOCKED(t->pid, nrs, "io_uring_enter");
	deadline = t0 + ms * NSEC_PER_MSEC;
	ASSERT_EQ(0, ptrace_err(PTRACE_REPORT, t->pid, 0, 0));
	asleep = blocked_in(t->pid, nrs, ARRAY_SIZE(nrs));
	if (now_ns() >= deadline) {
		discard_tracee(_metadata, t);
		return 0;
	}
	EXPECT_TRUE(asleep) {
		TH_LOG("PTRACE_REPORT woke the tracee (state %c)",
		       proc_state(t->pid));
	}
	ret = wait_for(t->pid, &status, WNOHANG);
	if (ret == 0) {
		ASSERT_EQ(t->pid, wait_for(t->pid, &status, 0));
	} else {
		ASSERT_EQ(t->pid, ret);
		ASSERT_LE(deadline, now_ns()) {
			TH_LOG("stopped (status %#x) while the wait slept",
			       status);
		}
	}
	check_report_stop(_metadata, t->pid, status, "io_uring_enter");
	if (get_regs(t->pid, &regs))
		EXPECT_EQ(0, (long)REGS_RET(&regs));
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, t->pid, 0, 0));
	read_report(_metadata, t->report[0], &res, sizeof(res), "result");
	wait_exit(_metadata, t->pid, 0, "io_uring tracee");
	t->pid = 0;

	EXPECT_EQ(0, res.ret) {
		TH_LOG("io_uring_enter: %ld, errno %ld", res.ret, res.err);
	}
	EXPECT_NE(EINTR, res.err);
	ASSERT_EQ(1, res.cqes);
	EXPECT_EQ(URING_USER_DATA, res.user_data);
	EXPECT_EQ(-ETIME, res.cqe_res);
	EXPECT_LE(ms * NSEC_PER_MSEC, res.elapsed_ns);
	return 1;
}

/*
 * No stop until the timeout completes the wait, whose CQE then says
 * -ETIME, not -ECANCELED or -EINTR; the wait itself returns 0.
 */
TEST_F(report, io_uring_timeout)
{
	int ms = REPORT_TIMEOUT_MS, ret;

	if (!have_proc_syscall())
		SKIP(return, "no /proc/PID/syscall");
	while (!(ret = try_io_uring(_metadata, &self->t, ms))) {
		TH_LOG("REPORT came after the %d ms timeout, again", ms);
		ms *= 4;
		ASSERT_GE(MAX_TIMEOUT_MS, ms) {
			TH_LOG("machine too slow");
		}
	}
	if (ret < 0)
		SKIP(return, "io_uring_setup: %s", strerror(-ret));
}

/* --- uprobes --- */

#define UPROBE_ROUNDS		200
#define UPROBE_PMU_TYPE		"/sys/bus/event_source/devices/uprobe/type"

/*
 * The probed function.  Optimized even in a -O0 build of the test, so that
 * its first instruction is one that uprobes copies and single-steps out of
 * line (an add to memory, or a load): the prologue -O0 gives it starts
 * with a push, which x86's uprobes emulate instead.  powerpc's uprobes
 * emulate loads and adds too: there it starts with a read of the time
 * base, an mfspr they do not emulate.
 */
static __attribute__((optimize("O2"))) void uprobed(unsigned long *counter)
{
#ifdef __powerpc__
	unsigned long tb;

	__asm__ __volatile__("mfspr %0, 268" : "=r" (tb) : : "memory");
#endif
	++*counter;
}

static void (*uprobed_fn)(unsigned long *counter) = uprobed;

static void body_uprobed_spin(const struct chan *c)
{
	void (*fn)(unsigned long *counter);

	fn = __atomic_load_n(&uprobed_fn, __ATOMIC_RELAXED);
	say(c, 'r');
	for (;;)
		fn(spin_counter);
}

/*
 * The mapping of @pid that holds @addr (@addr 0: the one named @name):
 * its bounds, and the file and file offset of @addr.
 */
static bool find_mapping(pid_t pid, unsigned long addr, const char *name,
			 unsigned long *lo, unsigned long *hi,
			 char *file, size_t size, unsigned long *offset)
{
	unsigned long start, end, pgoff;
	char line[PATH_MAX + 128];
	bool found = false;
	FILE *maps;
	int n;

	snprintf(line, sizeof(line), "/proc/%d/maps", pid);
	maps = fopen(line, "re");
	if (!maps)
		return false;
	while (!found && fgets(line, sizeof(line), maps)) {
		n = 0;
		if (sscanf(line, "%lx-%lx %*s %lx %*s %*s %n",
			   &start, &end, &pgoff, &n) != 3 || !n)
			continue;
		line[strcspn(line, "\n")] = '\0';
		if (addr ? addr - start >= end - start :
			   strcmp(line + n, name))
			continue;
		*lo = start;
		*hi = end;
		if (file)
			snprintf(file, size, "%s", line + n);
		if (offset)
			*offset = addr - start + pgoff;
		found = true;
	}
	fclose(maps);
	return found;
}

/* A uprobe at @offset of @file, for @pid, through the uprobe PMU */
static int open_uprobe(pid_t pid, const char *file, unsigned long offset)
{
	struct perf_event_attr attr;
	char buf[32];

	if (read_proc(UPROBE_PMU_TYPE, buf, sizeof(buf)) <= 0)
		return -1;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = strtol(buf, NULL, 10);
	attr.config1 = (unsigned long)file;	/* uprobe_path */
	attr.config2 = offset;			/* probe_offset */
	return syscall(__NR_perf_event_open, &attr, pid, -1, -1,
		       PERF_FLAG_FD_CLOEXEC);
}

/*
 * A tracee that hits a uprobe runs a copy of the probed instruction out of
 * line, in the XOL area, single-stepping: the report stop waits until the
 * step is over, so the tracer never sees the PC there.  Without the wait,
 * a report that comes while the tracee enters the kernel on the probe's
 * breakpoint is taken right after uprobes moved the PC to the XOL area.
 * A smoke test: whether a report comes in that window is left to timing;
 * the stops found right past the probe, printed, are the ones that did.
 */
TEST_F(report, uprobe_xol_never_seen)
{
	unsigned long offset, lo, hi, pcs[UPROBE_ROUNDS];
	struct tracee_ctx *t = &self->t;
	unsigned long long hits = 0;
	struct tracee_regs regs;
	char file[PATH_MAX];
	int fd, i, in_xol = 0, past_probe = 0;

	if (!HAVE_TRACEE_REGS)
		SKIP(return, "no register layout for this architecture");
	if (access(UPROBE_PMU_TYPE, R_OK))
		SKIP(return, "no uprobe PMU (CONFIG_UPROBE_EVENTS)");
	ASSERT_TRUE(find_mapping(getpid(), (unsigned long)uprobed, NULL,
				 &lo, &hi, file, sizeof(file), &offset));
	start(_metadata, t, body_uprobed_spin, true);
	fd = open_uprobe(t->pid, file, offset);
	if (fd < 0 && (errno == EACCES || errno == EPERM))
		SKIP(return, "perf_event_open: %m");
	ASSERT_LE(0, fd) {
		TH_LOG("uprobe at %s+%#lx: %m", file, offset);
	}
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, t->pid, 0, 0));
	wait_spinning(_metadata, 0);

	for (i = 0; i < UPROBE_ROUNDS; i++) {
		/* a few hits first: the report comes anywhere in the loop */
		wait_spinning(_metadata,
			      __atomic_load_n(spin_counter, __ATOMIC_RELAXED) + 2);
		ASSERT_EQ(0, ptrace_err(PTRACE_REPORT, t->pid, 0, 0));
		wait_report_stop(_metadata, t->pid, "report stop");
		ASSERT_TRUE(get_regs(t->pid, &regs));
		pcs[i] = REGS_PC(&regs);
		ASSERT_EQ(0, ptrace_err(PTRACE_CONT, t->pid, 0, 0));
	}
	ASSERT_EQ((ssize_t)sizeof(hits), read(fd, &hits, sizeof(hits)));
	close(fd);
	ASSERT_LT(0, hits) {
		TH_LOG("the uprobe never fired");
	}
	/* mapped at the first hit */
	ASSERT_TRUE(find_mapping(t->pid, 0, "[uprobes]", &lo, &hi,
				 NULL, 0, NULL));
	for (i = 0; i < UPROBE_ROUNDS; i++) {
		in_xol += pcs[i] - lo < hi - lo;
		/* the deferred stops land here, right after the step */
		past_probe += pcs[i] - (unsigned long)uprobed - 1 < 15;
	}
	ksft_print_msg("report stops: %d of %d past the probe, %d in XOL (%llu hits)\n",
		       past_probe, UPROBE_ROUNDS, in_xol, hits);
	EXPECT_EQ(0, in_xol) {
		TH_LOG("%d of %d report stops in the XOL area %#lx-%#lx (%llu hits)",
		       in_xol, UPROBE_ROUNDS, lo, hi, hits);
	}
}

/* --- PTRACE_ATTACH_NOSTOP tracees --- */

TEST_F(report, nostop_spin_pc_in_loop)
{
	struct tracee_ctx *t = &self->t;
	struct tracee_regs regs;

	if (!nostop_supported())
		SKIP(return, "PTRACE_ATTACH_NOSTOP not supported");
	start(_metadata, t, body_spin, true);
	wait_spinning(_metadata, 0);
	ASSERT_EQ(1, ptrace_err(PTRACE_ATTACH_NOSTOP, t->pid, 0, 0));
	expect_no_report(_metadata, t->pid, "after ATTACH_NOSTOP");
	ASSERT_EQ(0, ptrace_err(PTRACE_REPORT, t->pid, 0, 0));
	wait_report_stop(_metadata, t->pid, "report stop");
	if (get_regs(t->pid, &regs)) {
		EXPECT_TRUE(pc_in_spin_loop(REGS_PC(&regs))) {
			TH_LOG("pc %#lx, spin_loop at %p",
			       (unsigned long)REGS_PC(&regs), spin_loop);
		}
	}
}

/* Neither ATTACH_NOSTOP nor REPORT disturbs an epoll_wait() in progress. */
TEST_F(report, nostop_epoll_wait_no_eintr)
{
	struct tracee_ctx *t = &self->t;
	struct call_result res;

	if (!nostop_supported())
		SKIP(return, "PTRACE_ATTACH_NOSTOP not supported");
	if (!have_proc_syscall())
		SKIP(return, "no /proc/PID/syscall");
	run_report(_metadata, t, &call_epoll_wait, PTRACE_ATTACH_NOSTOP,
		   &res);
}

/* The vfork child of body_vfork_wait(): ends its parent's wait on a go. */
static int vfork_child(void *arg)
{
	const struct chan *c = arg;
	char msg;

	while (read(c->go, &msg, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

/*
 * Wait in clone(CLONE_VFORK), killable only, until a go ends the child,
 * whose exit signal is 0 (no SIGCHLD, no signal-delivery-stop); then say
 * 'v' and exit 0 on the next go.
 */
static void body_vfork_wait(const struct chan *c)
{
	static char stack[64 * 1024];	/* clone() aligns its top */

	say(c, 'r');
	if (clone(vfork_child, stack + sizeof(stack), CLONE_VM | CLONE_VFORK,
		  (void *)c) < 0)
		_exit(TRACEE_SETUP_FAILED);
	say(c, 'v');
	hear(c);
	_exit(0);
}

/*
 * A thread with a PTRACE_INTERRUPT trap pending when a group report asks
 * it stops once, in that trap, which stands for its report: not again
 * when resumed.  A vfork wait, which the trap's wake-up does not end,
 * holds the trap pending.
 */
TEST_F(report, nostop_group_pending_trap_stops_once)
{
	long long deadline = now_ns() + BLOCK_TIMEOUT_SEC * NSEC_PER_SEC;
	struct tracee_ctx *t = &self->t;
	struct pollfd pfd = { .events = POLLIN };
	char msg = 0;

	if (!nostop_supported())
		SKIP(return, "PTRACE_ATTACH_NOSTOP not supported");
	start(_metadata, t, body_vfork_wait, true);
	while (proc_state(t->pid) != 'D') {
		ASSERT_GT(deadline, now_ns()) {
			TH_LOG("never in the vfork wait");
		}
		sched_yield();
	}
	ASSERT_EQ(1, ptrace_err(PTRACE_ATTACH_NOSTOP, t->pid,
				PTRACE_NOSTOP_THREAD_GROUP, 0));
	ASSERT_EQ(0, ptrace_err(PTRACE_INTERRUPT, t->pid, 0, 0));
	expect_no_report(_metadata, t->pid, "interrupted in the vfork wait");
	ASSERT_EQ(1, ptrace_err(PTRACE_REPORT, t->pid,
				PTRACE_NOSTOP_THREAD_GROUP, 0));
	send_go(_metadata, t->go[1]);
	wait_stop(_metadata, t->pid, EVENT_STOP_OF(SIGTRAP), "pending trap");
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, t->pid, 0, 0));
	/* a second stop holds the 'v' back: fail, do not hang */
	pfd.fd = t->report[0];
	ASSERT_EQ(1, poll(&pfd, 1, BLOCK_TIMEOUT_SEC * 1000)) {
		TH_LOG("no 'v' from the tracee: stopped again?");
	}
	read_report(_metadata, t->report[0], &msg, 1, "after the vfork");
	EXPECT_EQ('v', msg);
	expect_no_report(_metadata, t->pid, "after the trap");
	send_go(_metadata, t->go[1]);
	wait_exit(_metadata, t->pid, 0, "tracee");
}

/* ------------------------------------------------------------------ */
/* The blocking system calls, REPORT and INTERRUPT side by side       */
/* ------------------------------------------------------------------ */

FIXTURE(blocking) {
	struct tracee_ctx t;
};

FIXTURE_VARIANT(blocking) {
	const struct blocking_call *call;
};

FIXTURE_VARIANT_ADD(blocking, epoll_wait) {
	.call = &call_epoll_wait,
};

FIXTURE_VARIANT_ADD(blocking, semtimedop) {
	.call = &call_semtimedop,
};

FIXTURE_VARIANT_ADD(blocking, sigtimedwait) {
	.call = &call_sigtimedwait,
};

FIXTURE_VARIANT_ADD(blocking, recv_rcvtimeo) {
	.call = &call_recv,
};

FIXTURE_VARIANT_ADD(blocking, futex_wait) {
	.call = &call_futex_wait,
};

FIXTURE_VARIANT_ADD(blocking, nanosleep) {
	.call = &call_nanosleep,
};

FIXTURE_VARIANT_ADD(blocking, pipe_read) {
	.call = &call_pipe_read,
};

FIXTURE_VARIANT_ADD(blocking, poll) {
	.call = &call_poll,
};

FIXTURE_SETUP(blocking)
{
	if (!have_proc_syscall())
		SKIP(return, "no /proc/PID/syscall");
	ctx_init(_metadata, &self->t);
	if (variant->call->sysv_sem) {
		self->t.semid = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
		if (self->t.semid < 0)
			SKIP(return, "semget: %m");
	}
}

FIXTURE_TEARDOWN(blocking)
{
	ctx_fini(&self->t);
}

/* The call returns what it would untraced, then the report stop. */
TEST_F(blocking, report)
{
	struct call_result res;

	if (!report_supported(_metadata))
		SKIP(return, "PTRACE_REPORT not supported");
	run_report(_metadata, &self->t, variant->call, PTRACE_SEIZE, &res);
}

/*
 * INTERRUPT then REPORT, each on a fresh tracee; one table line.  The
 * INTERRUPT column is asserted only where it certainly is EINTR.
 */
TEST_F(blocking, interrupt_vs_report)
{
	const struct blocking_call *call = variant->call;
	struct call_result ires, rres;
	const char *icol, *rcol;
	bool have;

	run_interrupt(_metadata, &self->t, call, &ires);
	icol = classify(call, &ires);
	if (call->eintr) {
		EXPECT_STREQ("EINTR", icol) {
			TH_LOG("%s after INTERRUPT: %ld, errno %ld",
			       call->name, ires.ret, ires.err);
		}
	} else {
		EXPECT_STRNE("other", icol) {
			TH_LOG("%s after INTERRUPT: %ld, errno %ld",
			       call->name, ires.ret, ires.err);
		}
	}

	have = report_supported(_metadata);
	rcol = "unsupported";
	if (have) {
		ctx_new_pipes(_metadata, &self->t);
		run_report(_metadata, &self->t, call, PTRACE_SEIZE, &rres);
		rcol = classify(call, &rres);
	}
	ksft_print_msg("%-14s INTERRUPT: %-6s REPORT: %s\n",
		       call->name, icol, rcol);
	if (!have)
		SKIP(return, "PTRACE_REPORT not supported (INTERRUPT: %s)",
		     icol);
	EXPECT_STREQ("ok", rcol);
}

/* ------------------------------------------------------------------ */
/* A thousand threads asleep in epoll_wait()                          */
/* ------------------------------------------------------------------ */

static int threads_counts[3];	/* EINTR, woken (returned 1), other */
static int threads_nr;		/* how many body_threads() starts */

static void *thread_epoll(void *arg)
{
	struct epoll_event ev;
	long ret;
	int slot;

	ret = raw_epoll_wait((int)(long)arg, &ev, -1);
	slot = ret == 1 ? 1 : ret < 0 && errno == EINTR ? 0 : 2;
	__atomic_fetch_add(&threads_counts[slot], 1, __ATOMIC_RELAXED);
	return NULL;
}

/*
 * threads_nr threads sleep in epoll_wait() on threads_efd, with no
 * timeout.  Reports how many it started, then after all are joined the
 * counts.  The eventfd, once written, stays readable: all wake up.
 */
static void body_threads(const struct chan *c)
{
	struct epoll_event ev = { .events = EPOLLIN };
	pthread_attr_t attr;
	pthread_t *threads;
	int counts[3];
	int ep, i, n;

	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, threads_efd, &ev))
		_exit(TRACEE_SETUP_FAILED);
	threads = calloc(threads_nr, sizeof(*threads));
	if (!threads || pthread_attr_init(&attr))
		_exit(TRACEE_SETUP_FAILED);
	/* may fail where the minimum is larger: then the default it is */
	pthread_attr_setstacksize(&attr, THREAD_STACK);
	for (n = 0; n < threads_nr; n++)
		if (pthread_create(&threads[n], &attr, thread_epoll,
				   (void *)(long)ep))
			break;
	say_int(c, n);
	for (i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
	/* one write: the tracer reads all three at once */
	for (i = 0; i < 3; i++)
		counts[i] = __atomic_load_n(&threads_counts[i],
					    __ATOMIC_RELAXED);
	say_buf(c, counts, sizeof(counts));
	hear(c);
	_exit(0);
}

/* The tids of @pid's threads other than the leader; how many there are. */
static int list_threads(pid_t pid, pid_t *tids, int max)
{
	struct dirent *de;
	char path[64];
	int n = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((de = readdir(dir))) {
		long tid = strtol(de->d_name, NULL, 10);

		if (tid <= 0 || tid == pid)
			continue;
		if (n < max)
			tids[n] = tid;
		n++;
	}
	closedir(dir);
	return n;
}

/* Start io_uring's SQPOLL thread, report io_uring_setup()'s -errno, wait. */
static void body_sqpoll(const struct chan *c)
{
	struct io_uring_params p;
	long fd;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL;
	p.sq_thread_idle = 60 * 1000;
	fd = syscall(__NR_io_uring_setup, 4, &p);
	say_int(c, fd < 0 ? -errno : 0);
	hear(c);
	_exit(0);
}

/*
 * io_uring's SQPOLL thread, a user worker of the tracee, never returns to
 * user mode: PTRACE_REPORT refuses it rather than leave pending a stop
 * that would never come, and a group arrest leaves it out.
 */
TEST_F(report, user_worker_eperm)
{
	struct tracee_ctx *t = &self->t;
	pid_t worker = 0;
	int err = 1;

	start(_metadata, t, body_sqpoll, false);
	read_report(_metadata, t->report[0], &err, sizeof(err),
		    "io_uring_setup");
	if (err)
		SKIP(return, "no SQPOLL io_uring: %s", strerror(-err));
	ASSERT_EQ(1, list_threads(t->pid, &worker, 1));
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, worker, 0, 0));
	EXPECT_EQ(-EPERM, ptrace_err(PTRACE_REPORT, worker, 0, 0));
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, t->pid, 0, 0));
	EXPECT_EQ(0, ptrace_err(PTRACE_REPORT, t->pid, 0, 0));
	/* a group arrest asks the leader only, not the traced worker */
	EXPECT_EQ(1, ptrace_err(PTRACE_REPORT, t->pid,
				PTRACE_NOSTOP_THREAD_GROUP, 0));
}

/*
 * Collect one stop, with PTRACE_EVENT_STOP and @msg, from each of the @n
 * @tids, PTRACE_CONT each at once.  A thread that got going may exit
 * before the others stopped: that is reported too, and skipped.
 */
static void collect_stops(struct __test_metadata *_metadata,
			  const pid_t *tids, int n, unsigned long msg)
{
	bool *seen = calloc(n, sizeof(*seen));
	int stops = 0, status, i;
	pid_t tid;

	ASSERT_NE(NULL, seen);
	while (stops < n) {
		tid = wait_for(-1, &status, 0);
		ASSERT_LT(0, tid) {
			TH_LOG("waitpid after %d stops: %m", stops);
		}
		if (!WIFSTOPPED(status))
			continue;
		for (i = 0; i < n && tids[i] != tid; i++)
			;
		ASSERT_GT(n, i) {
			TH_LOG("stop of %d, not one of the threads", tid);
		}
		ASSERT_FALSE(seen[i]) {
			TH_LOG("second stop of thread %d", tid);
		}
		ASSERT_EQ(EVENT_STOP_OF(SIGTRAP), status >> 8) {
			TH_LOG("thread %d: status %#x", tid, status);
		}
		ASSERT_EQ(msg, event_msg(_metadata, tid));
		seen[i] = true;
		stops++;
		ASSERT_EQ(0, ptrace_err(PTRACE_CONT, tid, 0, 0));
	}
	free(seen);
}

/* ------------------------------------------------------------------ */
/* A vCPU thread                                                      */
/* ------------------------------------------------------------------ */

#define KVM_GUEST_BASE		0x10000UL
#define KVM_GUEST_SIZE		0x10000UL

#if HAVE_KVM_GUEST
#ifdef __x86_64__
/* Start @vcpu in real mode at a "jmp ." written to @code, KVM_GUEST_BASE */
static int kvm_spin_code(int vm, int vcpu, void *code)
{
	struct kvm_regs regs = { .rflags = 2 };	/* bit 1 is always set */
	struct kvm_sregs sregs;

	if (ioctl(vcpu, KVM_GET_SREGS, &sregs))
		return -errno;
	sregs.cs.base = KVM_GUEST_BASE;
	sregs.cs.selector = KVM_GUEST_BASE >> 4;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) ||
	    ioctl(vcpu, KVM_SET_REGS, &regs))
		return -errno;
	memcpy(code, "\xeb\xfe", 2);		/* jmp . */
	return 0;
}
#else
/* Start @vcpu at a branch to itself written to @code, KVM_GUEST_BASE */
static int kvm_spin_code(int vm, int vcpu, void *code)
{
	unsigned long pc = KVM_GUEST_BASE;
	struct kvm_one_reg reg = { .addr = (unsigned long)&pc };
	__u32 insn;

#ifdef __aarch64__
	struct kvm_vcpu_init init;

	if (ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init) ||
	    ioctl(vcpu, KVM_ARM_VCPU_INIT, &init))
		return -errno;
	insn = 0x14000000;		/* b . */
	reg.id = KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE |
		 KVM_REG_ARM_CORE_REG(regs.pc);
#else
	insn = 0x0000006f;		/* j . */
	reg.id = KVM_REG_RISCV | KVM_REG_SIZE_U64 | KVM_REG_RISCV_CORE |
		 KVM_REG_RISCV_CORE_REG(regs.pc);
#endif
	memcpy(code, &insn, sizeof(insn));
	if (ioctl(vcpu, KVM_SET_ONE_REG, &reg))
		return -errno;
	return 0;
}
#endif

/* A VM whose one vCPU branches to itself forever: the vCPU fd or -errno */
static int kvm_spin_vcpu(void)
{
	struct kvm_userspace_memory_region region = {
		.guest_phys_addr = KVM_GUEST_BASE,
		.memory_size = KVM_GUEST_SIZE,
	};
	int kvm, vm, vcpu, err;
	void *code;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return -errno;
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		return -errno;
	code = mmap(NULL, KVM_GUEST_SIZE, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (code == MAP_FAILED)
		return -errno;
	region.userspace_addr = (unsigned long)code;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region))
		return -errno;
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		return -errno;
	err = kvm_spin_code(vm, vcpu, code);
	return err ? err : vcpu;
}
#else
static int kvm_spin_vcpu(void)
{
	return -EOPNOTSUPP;
}
#endif

/*
 * Run the spinning vCPU, entering KVM_RUN again after each exit, as a VMM
 * does; report 0, or the -errno of the setup and wait.
 */
static void body_kvm(const struct chan *c)
{
	int vcpu = kvm_spin_vcpu();

	say_int(c, vcpu < 0 ? vcpu : 0);
	if (vcpu < 0) {
		hear(c);
		_exit(0);
	}
#if HAVE_KVM_GUEST
	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) && errno != EINTR)
			_exit(TRACEE_SETUP_FAILED);
	}
#endif
}

/* Field 43 of /proc/@tid/stat: clock ticks spent running a guest */
static long guest_ticks(pid_t tid)
{
	char path[64], buf[1024], *p;
	int field;

	snprintf(path, sizeof(path), "/proc/%d/stat", tid);
	if (read_proc(path, buf, sizeof(buf)) <= 0)
		return -1;
	p = strrchr(buf, ')');		/* field 2, comm, ends here */
	for (field = 2; p && field < 43; field++)
		p = strchr(p + 1, ' ');
	return p ? strtol(p + 1, NULL, 10) : -1;
}

/* Wait until @tid has run its guest for more than @floor ticks. */
static void wait_in_guest(struct __test_metadata *_metadata, pid_t tid,
			  long floor)
{
	long long deadline = now_ns() + BLOCK_TIMEOUT_SEC * NSEC_PER_SEC;

	while (guest_ticks(tid) <= floor) {
		ASSERT_GT(deadline, now_ns()) {
			TH_LOG("%d ran no guest code (%ld ticks)", tid,
			       guest_ticks(tid));
		}
		sched_yield();
	}
}

/*
 * A vCPU thread runs its guest inside KVM_RUN, whose guest entry work
 * clears TIF_NOTIFY_RESUME: the report must not be lost there.  The
 * thread leaves guest mode (KVM_RUN returns EINTR, as for a signal),
 * stops on its way to user mode, and runs the guest again after
 * PTRACE_CONT.  Needs KVM in the guest kernel (nested virtualization).
 */
TEST_F(report, kvm_vcpu_thread_stops)
{
	struct tracee_ctx *t = &self->t;
	int err = 1, status = 0;
	long long deadline;
	pid_t pid;
	long ticks;

	if (!HAVE_KVM_GUEST)
		SKIP(return, "no guest code for this architecture");
	start(_metadata, t, body_kvm, false);
	read_report(_metadata, t->report[0], &err, sizeof(err), "KVM setup");
	if (err)
		SKIP(return, "no KVM here: %s", strerror(-err));
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, t->pid, 0, 0));
	wait_in_guest(_metadata, t->pid, 0);

	ASSERT_EQ(0, ptrace_err(PTRACE_REPORT, t->pid, 0, 0));
	deadline = now_ns() + BLOCK_TIMEOUT_SEC * NSEC_PER_SEC;
	while (!(pid = wait_for(t->pid, &status, WNOHANG))) {
		ASSERT_GT(deadline, now_ns()) {
			TH_LOG("the vCPU thread never stopped (%ld ticks)",
			       guest_ticks(t->pid));
		}
		sched_yield();
	}
	ASSERT_EQ(t->pid, pid);
	check_report_stop(_metadata, t->pid, status, "vCPU thread");

	ticks = guest_ticks(t->pid);
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, t->pid, 0, 0));
	wait_in_guest(_metadata, t->pid, ticks);
	expect_no_report(_metadata, t->pid, "back in the guest");
}

FIXTURE(threads) {
	struct tracee_ctx t;
	int efd;
	pid_t *tids;
};

FIXTURE_VARIANT(threads) {
	bool nostop;	/* PTRACE_ATTACH_NOSTOP the group, else SEIZE each */
	bool report;	/* PTRACE_REPORT, else PTRACE_INTERRUPT */
	bool group;	/* one PTRACE_REPORT on the group, leader included */
	int nr;		/* threads besides the leader */
};

FIXTURE_VARIANT_ADD(threads, seize_report) {
	.nostop = false,
	.report = true,
	.nr = NR_THREADS_EACH,
};

FIXTURE_VARIANT_ADD(threads, nostop_group_report) {
	.nostop = true,
	.report = true,
	.nr = NR_THREADS_EACH,
};

FIXTURE_VARIANT_ADD(threads, seize_interrupt) {
	.nostop = false,
	.report = false,
	.nr = NR_THREADS_EACH,
};

FIXTURE_VARIANT_ADD(threads, nostop_group_report_one_call) {
	.nostop = true,
	.report = true,
	.group = true,
	.nr = NR_THREADS_GROUP,
};

FIXTURE_VARIANT_ADD(threads, nostop_group_interrupt_one_call) {
	.nostop = true,
	.report = false,
	.group = true,
	.nr = NR_THREADS_GROUP,
};

FIXTURE_SETUP(threads)
{
	if ((variant->report || variant->group) &&
	    !report_supported(_metadata))
		SKIP(return, "PTRACE_REPORT not supported");
	if (variant->nostop && !nostop_supported())
		SKIP(return, "PTRACE_ATTACH_NOSTOP not supported");
	if (!have_proc_syscall())
		SKIP(return, "no /proc/PID/syscall");
	ctx_init(_metadata, &self->t);
	self->efd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, self->efd);
	self->tids = calloc(variant->nr + 1, sizeof(*self->tids));
	ASSERT_NE(NULL, self->tids);
}

FIXTURE_TEARDOWN(threads)
{
	ctx_fini(&self->t);
	close(self->efd);
	free(self->tids);
}

/*
 * Arrest variant->nr sleeping threads one by one, or all in one call with
 * the leader, then wake them all.  REPORT: every epoll_wait() returns 1,
 * no EINTR.  INTERRUPT: all EINTR.  Each thread stops exactly once.
 */
TEST_F_TIMEOUT(threads, epoll_wait_eintr_count, THREADS_TIMEOUT_SEC)
{
	long req = variant->report ? PTRACE_REPORT : PTRACE_INTERRUPT;
	unsigned long msg = variant->report ? PTRACE_EVENTMSG_REPORT : 0;
	struct tracee_ctx *t = &self->t;
	unsigned long long one = 1;
	int created = 0, counts[3], i, n, status;
	pid_t pid;
	long ret;

	threads_efd = self->efd;
	threads_nr = variant->nr;
	start(_metadata, t, body_threads, false);
	read_report(_metadata, t->report[0], &created, sizeof(created),
		    "threads started");
	if (created < variant->nr)
		SKIP(return, "could start only %d threads", created);
	n = list_threads(t->pid, self->tids, variant->nr);
	ASSERT_EQ(variant->nr, n);
	for (i = 0; i < n; i++)
		WAIT_BLOCKED(self->tids[i], epoll_wait_nrs, "epoll_wait");

	if (variant->nostop) {
		ret = ptrace_err(PTRACE_ATTACH_NOSTOP, t->pid,
				 PTRACE_NOSTOP_THREAD_GROUP, 0);
		ASSERT_EQ(variant->nr + 1, ret);
	}
	for (i = 0; i < n && !variant->nostop; i++) {
		ret = ptrace_err(PTRACE_SEIZE, self->tids[i], 0, 0);
		ASSERT_EQ(0, ret) {
			TH_LOG("PTRACE_SEIZE of thread %d", self->tids[i]);
		}
	}
	for (i = 0; i < n && !variant->group; i++) {
		ret = ptrace_err(req, self->tids[i], 0, 0);
		ASSERT_EQ(0, ret) {
			TH_LOG("request %#lx on thread %d", req, self->tids[i]);
		}
	}
	if (variant->group) {
		ret = ptrace_err(PTRACE_REPORT, self->tids[0],
				 PTRACE_NOSTOP_THREAD_GROUP |
				 (variant->report ? 0 : PTRACE_REPORT_INTERRUPT),
				 0);
		ASSERT_EQ(variant->nr + 1, ret);
		/* the leader, asleep in pthread_join(), is asked too */
		self->tids[n] = t->pid;
	}

	if (variant->report) {
		/* all still asleep: nothing to report until they wake */
		pid = wait_for(-1, &status, WNOHANG);
		ASSERT_EQ(0, pid) {
			TH_LOG("%d stopped asleep, status %#x", pid, status);
		}
		ASSERT_EQ(sizeof(one), write(self->efd, &one, sizeof(one)));
		collect_stops(_metadata, self->tids, n + variant->group, msg);
	} else {
		collect_stops(_metadata, self->tids, n + variant->group, msg);
		ASSERT_EQ(sizeof(one), write(self->efd, &one, sizeof(one)));
	}

	read_report(_metadata, t->report[0], counts, sizeof(counts),
		    "counts");
	ksft_print_msg("%d threads, %s: %d EINTR, %d woken, %d other\n",
		       n, variant->report ? "REPORT" : "INTERRUPT",
		       counts[0], counts[1], counts[2]);
	if (variant->report) {
		EXPECT_EQ(0, counts[0]);
		EXPECT_EQ(variant->nr, counts[1]);
	} else {
		EXPECT_EQ(variant->nr, counts[0]);
	}
	EXPECT_EQ(0, counts[2]);

	send_go(_metadata, t->go[1]);
	while ((pid = wait_for(-1, &status, 0)) > 0) {
		if (pid == t->pid) {
			EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status)) {
				TH_LOG("threads tracee: status %#x", status);
			}
		}
	}
	t->pid = 0;
}

int main(int argc, char **argv)
{
	/* Re-executed by the exec tests: show that the new image ran. */
	if (argc == 2 && !strcmp(argv[1], EXEC_HELPER_ARG))
		return EXEC_HELPER_CODE;
	return test_harness_run(argc, argv);
}
