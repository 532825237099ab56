/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fixture of the tests of a tracee asleep in a system call: one call
 * of several kinds, each a variant, made by a tracee that reports the
 * call's result, how long it took and how often it slept, to compare with
 * what the call returns untraced.
 *
 * A program whose tests need a request on top of PTRACE_ATTACH_NOSTOP
 * defines NOSTOP_NEEDS, a probe for it that takes the test's _metadata
 * and returns whether the kernel has it, and NOSTOP_NEEDS_NAME, before it
 * includes this: every test of the fixture then skips on a kernel without
 * it.
 */
#ifndef __PTRACE_NOSTOP_BLOCKED_H
#define __PTRACE_NOSTOP_BLOCKED_H

#include "nostop_helpers.h"

/* --- One blocking call, its result reported to the tracer --- */

enum blocker_kind {
	BLOCK_EPOLL_TIMEOUT,
	BLOCK_EPOLL_PIPE,
	BLOCK_SEMTIMEDOP,
	BLOCK_SIGTIMEDWAIT,
	BLOCK_RECV_TIMEO,
	BLOCK_FUTEX,
	BLOCK_NANOSLEEP,
	BLOCK_PIPE_READ,
	BLOCK_POLL,
};

/*
 * Timeout of the calls a tracee is attached in.  The tracer has this long
 * to see it asleep and attach; a slower machine makes the test skip.
 */
#define CALL_TIMEOUT_MS		400
/*
 * Jiffies-based timeouts (SO_RCVTIMEO) may end up to one tick early, on
 * the tick count they are measured on; an early return caused by the
 * attach would be far shorter than the timeout minus this.
 */
#define CALL_SLACK_MS		20

/* Filled in by the tracer before fork() for body_blocker(). */
static int blocker;
static int blocker_semid;

struct block_result {
	long ret;
	int err;
	int data_ok;		/* what the call saw is what the tracer sent */
	long long elapsed_ns;
	long long tick_ms;	/* the same, by tick_ms() */
	long sleeps;		/* voluntary context switches in the call */
};

/* Times this thread went to sleep: a woken sleeper adds one more. */
static inline long voluntary_switches(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_THREAD, &ru) ? -1 : ru.ru_nvcsw;
}

/* Only ever compared with 0 by FUTEX_WAIT: nobody writes it. */
static int futex_word;

/*
 * Set up what body_blocker()'s call needs, then report the time the call
 * starts, make the call once, and report its result.
 */
static inline void body_blocker(const struct chan *c)
{
	struct timespec ts = {
		.tv_sec = CALL_TIMEOUT_MS / 1000,
		.tv_nsec = (CALL_TIMEOUT_MS % 1000) * NSEC_PER_MSEC,
	};
	struct timeval tv = {
		.tv_sec = CALL_TIMEOUT_MS / 1000,
		.tv_usec = (CALL_TIMEOUT_MS % 1000) * 1000,
	};
	struct epoll_event ev = { .events = EPOLLIN };
	struct pollfd pfd = { .fd = c->go, .events = POLLIN };
	struct sembuf sop = { .sem_num = 0, .sem_op = -1 };
	struct block_result res = { .data_ok = 1 };
	int ep = -1, sv[2] = { -1, -1 };
	long long start, tick0;
	char byte = 0;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		_exit(TRACEE_SETUP_FAILED);
	if (blocker == BLOCK_EPOLL_TIMEOUT || blocker == BLOCK_EPOLL_PIPE) {
		ep = epoll_create1(0);
		if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, c->go, &ev))
			_exit(TRACEE_SETUP_FAILED);
	}
	if (blocker == BLOCK_RECV_TIMEO) {
		/* sv[1] stays open: no EOF, only the timeout ends recv() */
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) ||
		    setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
			_exit(TRACEE_SETUP_FAILED);
	}

	start = now_ns();
	say_buf(c, &start, sizeof(start));
	res.sleeps = voluntary_switches();
	tick0 = tick_ms();
	switch (blocker) {
	case BLOCK_EPOLL_TIMEOUT:
		res.ret = epoll_wait(ep, &ev, 1, CALL_TIMEOUT_MS);
		break;
	case BLOCK_EPOLL_PIPE:
		res.ret = epoll_wait(ep, &ev, 1, -1);
		break;
	case BLOCK_SEMTIMEDOP:
		res.ret = semtimedop(blocker_semid, &sop, 1, &ts);
		break;
	case BLOCK_SIGTIMEDWAIT:
		res.ret = sigtimedwait(&set, NULL, &ts);
		break;
	case BLOCK_RECV_TIMEO:
		res.ret = recv(sv[0], &byte, 1, 0);
		break;
	case BLOCK_FUTEX:
		res.ret = syscall(__NR_futex, &futex_word, FUTEX_WAIT_PRIVATE,
				  0, &ts, NULL, 0);
		break;
	case BLOCK_NANOSLEEP:
		res.ret = nanosleep(&ts, NULL);
		break;
	case BLOCK_PIPE_READ:
		res.ret = read(c->go, &byte, 1);
		break;
	case BLOCK_POLL:
		res.ret = poll(&pfd, 1, CALL_TIMEOUT_MS);
		break;
	default:
		_exit(TRACEE_SETUP_FAILED);
	}
	res.err = res.ret < 0 ? errno : 0;
	res.tick_ms = tick_ms() - tick0;
	res.sleeps = voluntary_switches() - res.sleeps;
	res.elapsed_ns = now_ns() - start;

	if (blocker == BLOCK_EPOLL_PIPE)
		res.data_ok = res.ret == 1 && ev.events == EPOLLIN;
	if (blocker == BLOCK_PIPE_READ)
		res.data_ok = res.ret == 1 && byte == 'g';
	say_buf(c, &res, sizeof(res));
	_exit(0);
}

/* ------------------------------------------------------------------ */
/* A tracee asleep in a system call                                   */
/* ------------------------------------------------------------------ */

static const long semtimedop_nrs[] = {
	__NR_semtimedop,
#ifdef __NR_semtimedop_time64
	__NR_semtimedop_time64,
#endif
#ifdef __NR_ipc
	__NR_ipc,
#endif
};

static const long sigtimedwait_nrs[] = {
	__NR_rt_sigtimedwait,
#ifdef __NR_rt_sigtimedwait_time64
	__NR_rt_sigtimedwait_time64,
#endif
};

static const long recv_nrs[] = {
	__NR_recvfrom,
#ifdef __NR_recv
	__NR_recv,
#endif
#ifdef __NR_socketcall
	__NR_socketcall,
#endif
};

/* glibc's nanosleep() is clock_nanosleep() nowadays. */
static const long nanosleep_nrs[] = {
#ifdef __NR_nanosleep
	__NR_nanosleep,
#endif
	__NR_clock_nanosleep,
#ifdef __NR_clock_nanosleep_time64
	__NR_clock_nanosleep_time64,
#endif
};

static const long poll_nrs[] = {
#ifdef __NR_poll
	__NR_poll,
#endif
	__NR_ppoll,
#ifdef __NR_ppoll_time64
	__NR_ppoll_time64,
#endif
};

FIXTURE(blocked) {
	pid_t pid;	/* the tracee; teardown kills and reaps it */
	int go[2];	/* tracer -> tracee: data for the blocking call */
	int report[2];	/* tracee -> tracer: start time, result */
	int semid;	/* for semtimedop(); removed by teardown */
};

FIXTURE_VARIANT(blocked) {
	int kind;		/* enum blocker_kind */
	const char *call;
	const long *nrs;	/* syscalls /proc/PID/syscall may show */
	size_t nr_count;
	int timed;		/* ends by timeout, not by the tracer's data */
	long ret;		/* what the call returns untraced */
	int err;		/* and its errno, when ret is -1 */
};

FIXTURE_VARIANT_ADD(blocked, epoll_wait_timeout) {
	.kind = BLOCK_EPOLL_TIMEOUT,
	.call = "epoll_wait",
	.nrs = epoll_wait_nrs,
	.nr_count = sizeof(epoll_wait_nrs) / sizeof(long),
	.timed = 1,
	.ret = 0,
};

FIXTURE_VARIANT_ADD(blocked, epoll_wait_pipe) {
	.kind = BLOCK_EPOLL_PIPE,
	.call = "epoll_wait",
	.nrs = epoll_wait_nrs,
	.nr_count = sizeof(epoll_wait_nrs) / sizeof(long),
	.timed = 0,
	.ret = 1,
};

FIXTURE_VARIANT_ADD(blocked, semtimedop_timeout) {
	.kind = BLOCK_SEMTIMEDOP,
	.call = "semtimedop",
	.nrs = semtimedop_nrs,
	.nr_count = sizeof(semtimedop_nrs) / sizeof(long),
	.timed = 1,
	.ret = -1,
	.err = EAGAIN,
};

FIXTURE_VARIANT_ADD(blocked, sigtimedwait_timeout) {
	.kind = BLOCK_SIGTIMEDWAIT,
	.call = "sigtimedwait",
	.nrs = sigtimedwait_nrs,
	.nr_count = sizeof(sigtimedwait_nrs) / sizeof(long),
	.timed = 1,
	.ret = -1,
	.err = EAGAIN,
};

FIXTURE_VARIANT_ADD(blocked, recv_rcvtimeo) {
	.kind = BLOCK_RECV_TIMEO,
	.call = "recv",
	.nrs = recv_nrs,
	.nr_count = sizeof(recv_nrs) / sizeof(long),
	.timed = 1,
	.ret = -1,
	.err = EAGAIN,
};

FIXTURE_VARIANT_ADD(blocked, futex_wait_timeout) {
	.kind = BLOCK_FUTEX,
	.call = "futex",
	.nrs = futex_nrs,
	.nr_count = sizeof(futex_nrs) / sizeof(long),
	.timed = 1,
	.ret = -1,
	.err = ETIMEDOUT,
};

FIXTURE_VARIANT_ADD(blocked, nanosleep) {
	.kind = BLOCK_NANOSLEEP,
	.call = "nanosleep",
	.nrs = nanosleep_nrs,
	.nr_count = sizeof(nanosleep_nrs) / sizeof(long),
	.timed = 1,
	.ret = 0,
};

FIXTURE_VARIANT_ADD(blocked, pipe_read) {
	.kind = BLOCK_PIPE_READ,
	.call = "read",
	.nrs = read_nrs,
	.nr_count = sizeof(read_nrs) / sizeof(long),
	.timed = 0,
	.ret = 1,
};

FIXTURE_VARIANT_ADD(blocked, poll_timeout) {
	.kind = BLOCK_POLL,
	.call = "poll",
	.nrs = poll_nrs,
	.nr_count = sizeof(poll_nrs) / sizeof(long),
	.timed = 1,
	.ret = 0,
};

FIXTURE_SETUP(blocked)
{
	self->pid = 0;
	self->semid = -1;
	self->go[0] = -1;
	self->go[1] = -1;
	self->report[0] = -1;
	self->report[1] = -1;
	if (!nostop_supported())
		SKIP(return, "PTRACE_ATTACH_NOSTOP not supported");
#ifdef NOSTOP_NEEDS
	if (!NOSTOP_NEEDS(_metadata))
		SKIP(return, "%s not supported", NOSTOP_NEEDS_NAME);
#endif
	ASSERT_EQ(0, pipe2(self->go, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(self->report, O_CLOEXEC));
}

FIXTURE_TEARDOWN(blocked)
{
	kill_and_reap(self->pid, 0);
	close_pair(self->go);
	close_pair(self->report);
	if (self->semid >= 0)
		semctl(self->semid, 0, IPC_RMID);
}

/* Start body_blocker() and wait for it to sleep in the call; false: skip */
static inline bool start_blocker(struct __test_metadata *_metadata,
				 struct _test_data_blocked *self,
				 const struct _fixture_variant_blocked *variant,
				 long long *start)
{
	if (!have_proc_syscall())
		SKIP(return false, "no /proc/PID/syscall");
	if (variant->kind == BLOCK_SEMTIMEDOP) {
		self->semid = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
		if (self->semid < 0)
			SKIP(return false, "no SysV semaphores: %m");
	}
	blocker = variant->kind;
	blocker_semid = self->semid;
	self->pid = spawn(body_blocker, self->go, self->report);
	ASSERT_LT(0, self->pid);
	read_report(_metadata, self->report[0], start, sizeof(*start),
		    "start time");
	wait_blocked(_metadata, self->pid, variant->nrs, variant->nr_count,
		     variant->call);
	return true;
}

/*
 * The result of body_blocker()'s call is what it is untraced; a timed one
 * ran to its timeout.
 */
static inline void
expect_natural_result(struct __test_metadata *_metadata,
		      const struct _fixture_variant_blocked *variant,
		      const struct block_result *res)
{
	EXPECT_EQ(variant->ret, res->ret);
	EXPECT_EQ(variant->ret < 0 ? variant->err : 0, res->err) {
		TH_LOG("%s: errno %d (%s)", variant->call, res->err,
		       strerror(res->err));
	}
	EXPECT_TRUE(res->data_ok);
	if (variant->timed) {
		long long took = variant->kind == BLOCK_RECV_TIMEO ?
				 res->tick_ms : res->elapsed_ns / NSEC_PER_MSEC;

		EXPECT_LE(CALL_TIMEOUT_MS - CALL_SLACK_MS, took) {
			TH_LOG("%s returned after %lld ms (%lld by the tick) of %d",
			       variant->call, res->elapsed_ns / NSEC_PER_MSEC,
			       res->tick_ms, CALL_TIMEOUT_MS);
		}
	}
}

/* Only an attach before a timed call ran out tests anything. */
static inline bool
attached_in_time(const struct _fixture_variant_blocked *variant,
		 long long start)
{
	return !variant->timed ||
	       now_ns() - start < (CALL_TIMEOUT_MS - CALL_SLACK_MS) * NSEC_PER_MSEC;
}

#endif /* __PTRACE_NOSTOP_BLOCKED_H */
