// SPDX-License-Identifier: GPL-2.0
/*
 * Passive tracing of a big process, today's way against the new one.
 *
 * A target process runs N threads (argv[1], default 1000) asleep in system
 * calls without a timeout: a third in epoll_wait(), a third in FUTEX_WAIT,
 * a third in read() of a pipe.  A thread that is released ("kicked")
 * returns from its call, makes one getppid() (the marker), and sleeps again
 * in the same call; a thread whose call fails with EINTR counts it and makes
 * the call again.
 *
 * For each method, on a fresh target, the bench
 *  - attaches to every thread, with syscall stops armed:
 *    today, as strace -p does: PTRACE_SEIZE, PTRACE_INTERRUPT, waitpid()
 *    for the PTRACE_EVENT_STOP and PTRACE_SYSCALL, for each tid of
 *    /proc/PID/task, read again until it shows no new thread;
 *    new: one PTRACE_ATTACH_NOSTOP of the thread group with
 *    PTRACE_NOSTOP_SYSCALL;
 *  - kicks every thread and resumes every stop with PTRACE_SYSCALL until
 *    each thread has been seen entering its marker;
 *  - detaches from every thread:
 *    today: PTRACE_INTERRUPT of each, then PTRACE_DETACH of each as its
 *    next stop comes;
 *    new: one PTRACE_DETACH_NOSTOP of the thread group;
 *  - kicks every thread again, waits for them to sleep, and reads the
 *    EINTRs the threads counted.
 * Attach and detach are timed with CLOCK_MONOTONIC.  The numbers are
 * reported, not checked.  On a kernel without PTRACE_ATTACH_NOSTOP only
 * today's column is shown.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/futex.h>
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
#ifndef PTRACE_DETACH_NOSTOP
#define PTRACE_DETACH_NOSTOP		0x4215
#endif

#define DEFAULT_THREADS		1000
#define THREAD_STACK_SIZE	(64 * 1024)
#define SETTLE_TIMEOUT_SEC	30	/* for the target's threads to sleep */
#define METHOD_TIMEOUT_SEC	60	/* attach, trace and detach */
#define NSEC_PER_SEC		1000000000LL
#define MAX_SHOWN		5	/* missing threads listed on a timeout */

#define SYSCALL_STOP		(SIGTRAP | 0x80)	/* PTRACE_O_TRACESYSGOOD */
#define MARKER_NR		__NR_getppid

#define NOSTOP_FLAGS		(PTRACE_NOSTOP_THREAD_GROUP | \
				 PTRACE_NOSTOP_SYSCALL)

/* Thread i of the target sleeps in call i % NR_KINDS. */
enum {
	KIND_EPOLL,
	KIND_FUTEX,
	KIND_READ,
	NR_KINDS
};

static const char * const kind_name[NR_KINDS] = {
	"epoll_wait", "futex", "read",
};

/* Written by the target's threads (and the kicks), read by the bench. */
struct shared {
	unsigned int futex_word;	/* bumped by each kick */
	int ready;		/* threads about to sleep for the first time */
	int markers;		/* marker syscalls made */
	int eintr[NR_KINDS];	/* calls failed with EINTR */
	int created;		/* threads created before a failure */
	int error;		/* errno of a failure of the target */
	int tids[];		/* of thread i */
};

/* What the bench knows of a tid, in tstate[] */
#define T_ATTACHED	0x01
#define T_SYSCALL	0x02	/* seen in a syscall stop */
#define T_MARKER	0x04	/* seen entering its marker */
#define T_DETACHED	0x08

struct target {
	pid_t pid;
	int efd;		/* eventfd that the epoll threads watch */
	int *pipes;		/* write ends, one per read thread */
	int npipes;
};

struct result {
	bool done;		/* measured */
	const char *why_not;	/* when not */
	long attached;
	double attach_ms;
	long attach_stops;	/* stops the attach waited for */
	double trace_ms;	/* from the kick to the last marker */
	long syscall_stops;
	long traced;		/* threads seen in a syscall stop */
	long other_stops;	/* ptrace-event stops while tracing */
	double detach_ms;
	long detached;
	long detach_stops;	/* stops the detach waited for */
	long signals;		/* signal-delivery stops, in every phase */
	long eintr_attach;	/* counted by the end of the trace phase */
	int eintr[NR_KINDS];	/* counted in all */
};

static int nthreads;
static size_t shared_size;
static struct shared *shared;
static unsigned char *tstate;	/* per tid */
static long pid_max;
static pid_t *traced;		/* tids attached today's way */
static long ntraced;
static int timed_out;		/* SIGALRM, once it came */

/* The target's copies, set before fork() */
static int target_efd;
static int *target_rfds;	/* read ends, one per read thread */

static long sys_ptrace(long request, pid_t pid, unsigned long addr,
		       unsigned long data)
{
	return syscall(__NR_ptrace, request, pid, addr, data);
}

static long sys_futex(unsigned int *uaddr, int op, unsigned int val)
{
	return syscall(__NR_futex, uaddr, op, val, NULL, NULL, 0);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static double ms_since(long long start)
{
	return (now_ns() - start) / 1e6;
}

/* ------------------------------------------------------------------ */
/* The target                                                         */
/* ------------------------------------------------------------------ */

/* No one to complain to but the bench: tell it why and end. */
static void target_fail(int err)
{
	__atomic_store_n(&shared->error, err ? err : EPROTO, __ATOMIC_RELEASE);
	_exit(1);
}

static void count_eintr(int kind)
{
	__atomic_fetch_add(&shared->eintr[kind], 1, __ATOMIC_RELAXED);
}

static void sleep_epoll(int ep)
{
	struct epoll_event ev;
	int n;

	for (;;) {
		n = epoll_wait(ep, &ev, 1, -1);
		if (n > 0)
			return;
		if (n < 0 && errno == EINTR)
			count_eintr(KIND_EPOLL);
		else if (n < 0)
			target_fail(errno);
	}
}

/* Until a kick bumps the futex word past *@gen */
static void sleep_futex(unsigned int *gen)
{
	unsigned int *word = &shared->futex_word;
	unsigned int now;

	for (;;) {
		if (sys_futex(word, FUTEX_WAIT, *gen) < 0) {
			if (errno == EINTR) {
				count_eintr(KIND_FUTEX);
				continue;
			}
			if (errno != EAGAIN)
				target_fail(errno);
		}
		now = __atomic_load_n(word, __ATOMIC_ACQUIRE);
		if (now != *gen) {
			*gen = now;
			return;
		}
	}
}

static void sleep_read(int fd)
{
	ssize_t n;
	char byte;

	for (;;) {
		n = read(fd, &byte, 1);
		if (n == 1)
			return;
		if (n < 0 && errno == EINTR)
			count_eintr(KIND_READ);
		else
			target_fail(n < 0 ? errno : EPIPE);
	}
}

static void *worker(void *arg)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET };
	long idx = (long)arg;
	int kind = idx % NR_KINDS;
	unsigned int gen;
	int fd = -1;

	/*
	 * Edge-triggered, and the eventfd is never read: each kick (a write
	 * to the eventfd) is one event for each epoll instance.
	 */
	if (kind == KIND_EPOLL) {
		fd = epoll_create1(EPOLL_CLOEXEC);
		if (fd < 0 || epoll_ctl(fd, EPOLL_CTL_ADD, target_efd, &ev))
			target_fail(errno);
	} else if (kind == KIND_READ) {
		fd = target_rfds[idx / NR_KINDS];
	}
	__atomic_store_n(&shared->tids[idx], syscall(__NR_gettid),
			 __ATOMIC_RELAXED);
	gen = __atomic_load_n(&shared->futex_word, __ATOMIC_ACQUIRE);
	__atomic_fetch_add(&shared->ready, 1, __ATOMIC_RELEASE);
	for (;;) {
		if (kind == KIND_EPOLL)
			sleep_epoll(fd);
		else if (kind == KIND_FUTEX)
			sleep_futex(&gen);
		else
			sleep_read(fd);
		syscall(MARKER_NR);
		__atomic_fetch_add(&shared->markers, 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

static void run_target(void)
{
	long min = sysconf(_SC_THREAD_STACK_MIN);
	size_t stack = THREAD_STACK_SIZE;
	pthread_attr_t attr;
	pthread_t thread;
	long i;
	int err;

	if (min > 0 && (size_t)min > stack)
		stack = min;
	err = pthread_attr_init(&attr);
	if (!err)
		err = pthread_attr_setstacksize(&attr, stack);
	if (err)
		target_fail(err);
	/* the main thread is worker 0 */
	for (i = 1; i < nthreads; i++) {
		err = pthread_create(&thread, &attr, worker, (void *)i);
		if (err) {
			__atomic_store_n(&shared->created, i,
					 __ATOMIC_RELAXED);
			target_fail(err);
		}
	}
	__atomic_store_n(&shared->created, nthreads, __ATOMIC_RELAXED);
	worker(NULL);
}

/* ------------------------------------------------------------------ */
/* Target handling                                                    */
/* ------------------------------------------------------------------ */

static char thread_state(pid_t pid, pid_t tid)
{
	char path[80], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

/* Wait until every thread of @pid sleeps; false after the deadline. */
static bool wait_all_asleep(pid_t pid, long long deadline)
{
	char path[64];
	struct dirent *de;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return false;
	while ((de = readdir(dir))) {
		pid_t tid = strtol(de->d_name, NULL, 10);

		if (tid <= 0)
			continue;
		while (thread_state(pid, tid) != 'S') {
			if (now_ns() > deadline) {
				closedir(dir);
				return false;
			}
			sched_yield();
		}
	}
	closedir(dir);
	return true;
}

static void on_alarm(int sig)
{
	__atomic_store_n(&timed_out, sig, __ATOMIC_RELAXED);
}

/*
 * SIGALRM at the deadline, then every 100 ms: one that comes just before
 * a waitpid() is followed by another.
 */
static void arm_timeout(int sec)
{
	struct itimerval it = {
		.it_interval = { .tv_sec = 0, .tv_usec = 100000 },
		.it_value = { .tv_sec = sec, .tv_usec = 0 },
	};

	__atomic_store_n(&timed_out, 0, __ATOMIC_RELAXED);
	setitimer(ITIMER_REAL, &it, NULL);
}

static void disarm_timeout(void)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
}

/* waitpid() that fails with ETIMEDOUT once the timeout has expired */
static pid_t wait_tracee(pid_t pid, int *status)
{
	pid_t ret;

	for (;;) {
		if (__atomic_load_n(&timed_out, __ATOMIC_RELAXED)) {
			errno = ETIMEDOUT;
			return -1;
		}
		ret = waitpid(pid, status, __WALL);
		if (ret >= 0 || errno != EINTR)
			return ret;
	}
}

static const char *wait_error(void)
{
	return errno == ETIMEDOUT ? "timed out" : strerror(errno);
}

static void kill_and_reap(pid_t pid)
{
	if (pid > 0)
		kill(pid, SIGKILL);
	while (waitpid(-1, NULL, __WALL) > 0 || errno == EINTR)
		;
}

static void end_target(struct target *t)
{
	int i;

	disarm_timeout();
	kill_and_reap(t->pid);
	close(t->efd);
	for (i = 0; i < t->npipes; i++)
		close(t->pipes[i]);
	free(t->pipes);
}

/* Report, kill the target, and exit with 1. */
static void fail(struct target *t, const char *fmt, ...)
{
	int err = __atomic_load_n(&shared->error, __ATOMIC_ACQUIRE);
	va_list ap;

	fflush(stdout);
	va_start(ap, fmt);
	fprintf(stderr, "passive_bench: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	if (err)
		fprintf(stderr, "passive_bench: the target failed: %s\n",
			strerror(err));
	end_target(t);
	exit(1);
}

static int *make_pipes(struct target *t)
{
	int *rfds, fds[2], i;

	t->npipes = nthreads / NR_KINDS;	/* threads 2, 5, 8... */
	t->pipes = calloc(t->npipes + 1, sizeof(*t->pipes));
	rfds = calloc(t->npipes + 1, sizeof(*rfds));
	if (!t->pipes || !rfds)
		return NULL;
	for (i = 0; i < t->npipes; i++) {
		if (pipe2(fds, O_CLOEXEC))
			return NULL;
		rfds[i] = fds[0];
		t->pipes[i] = fds[1];
	}
	return rfds;
}

/* Fork a target with nthreads threads, all asleep in their calls. */
static void start_target(struct target *t)
{
	long long deadline = now_ns() + SETTLE_TIMEOUT_SEC * NSEC_PER_SEC;
	int status, i;

	memset(shared, 0, shared_size);
	memset(t, 0, sizeof(*t));
	t->efd = eventfd(0, EFD_CLOEXEC);
	target_rfds = make_pipes(t);
	if (t->efd < 0 || !target_rfds) {
		perror("passive_bench: eventfd, pipes");
		exit(1);
	}
	target_efd = t->efd;
	t->pid = fork();
	if (t->pid < 0) {
		perror("passive_bench: fork");
		exit(1);
	}
	if (t->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		signal(SIGALRM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		for (i = 0; i < t->npipes; i++)
			close(t->pipes[i]);
		run_target();
	}
	for (i = 0; i < t->npipes; i++)
		close(target_rfds[i]);
	free(target_rfds);

	while (__atomic_load_n(&shared->ready, __ATOMIC_ACQUIRE) < nthreads) {
		if (waitpid(t->pid, &status, WNOHANG) == t->pid) {
			t->pid = 0;
			fprintf(stderr,
				"passive_bench: the target could create only %d of %d threads: %s\n"
				"Raise the limits (ulimit -u, ulimit -n, kernel.threads-max, kernel.pid_max, vm.max_map_count, memory) or ask for fewer threads: passive_bench N\n",
				shared->created, nthreads,
				strerror(shared->error));
			end_target(t);
			exit(1);
		}
		if (now_ns() > deadline)
			break;
		sched_yield();
	}
	if (!wait_all_asleep(t->pid, deadline))
		fail(t, "the target's threads did not all fall asleep within %d s",
		     SETTLE_TIMEOUT_SEC);
}

/*
 * Release every thread once: one event for each epoll instance, the
 * futex word bumped and woken, a byte in each pipe.
 */
static void kick_threads(struct target *t)
{
	unsigned long long one = 1;
	int i;

	if (write(t->efd, &one, sizeof(one)) != (ssize_t)sizeof(one))
		fail(t, "kick: eventfd: %m");
	__atomic_fetch_add(&shared->futex_word, 1, __ATOMIC_RELEASE);
	if (sys_futex(&shared->futex_word, FUTEX_WAKE, INT_MAX) < 0)
		fail(t, "kick: FUTEX_WAKE: %m");
	for (i = 0; i < t->npipes; i++)
		if (write(t->pipes[i], "k", 1) != 1)
			fail(t, "kick: pipe: %m");
}

/* Wait for @markers in all, then for every thread to sleep again. */
static void wait_settled(struct target *t, int markers)
{
	long long deadline = now_ns() + SETTLE_TIMEOUT_SEC * NSEC_PER_SEC;

	while (__atomic_load_n(&shared->markers, __ATOMIC_ACQUIRE) < markers) {
		if (now_ns() > deadline)
			fail(t, "only %d of %d markers within %d s after the detach",
			     shared->markers, markers, SETTLE_TIMEOUT_SEC);
		sched_yield();
	}
	if (!wait_all_asleep(t->pid, deadline))
		fail(t, "the threads did not all fall asleep again within %d s",
		     SETTLE_TIMEOUT_SEC);
}

/* Which threads were not seen entering their marker */
static void show_missing(struct target *t)
{
	int missing[NR_KINDS] = { 0 };
	int i, shown = 0;
	char state;
	pid_t tid;

	for (i = 0; i < nthreads; i++) {
		tid = __atomic_load_n(&shared->tids[i], __ATOMIC_RELAXED);
		if (tid > 0 && tid <= pid_max && tstate[tid] & T_MARKER)
			continue;
		missing[i % NR_KINDS]++;
		if (shown++ >= MAX_SHOWN)
			continue;
		state = thread_state(t->pid, tid);
		fprintf(stderr, "passive_bench: thread %d (%s): %s, state %c\n",
			tid, kind_name[i % NR_KINDS],
			tid > 0 && tid <= pid_max && tstate[tid] & T_SYSCALL ?
			"seen in syscall stops" : "no syscall stop",
			state ? state : '?');
	}
	fprintf(stderr,
		"passive_bench: no marker from %d epoll_wait, %d futex, %d read threads; the target counted %d markers\n",
		missing[KIND_EPOLL], missing[KIND_FUTEX], missing[KIND_READ],
		__atomic_load_n(&shared->markers, __ATOMIC_ACQUIRE));
}

/* Is @status a signal-delivery stop? */
static bool signal_stop(int status)
{
	return !(status >> 16) && WSTOPSIG(status) != SYSCALL_STOP;
}

/* ------------------------------------------------------------------ */
/* Attach                                                             */
/* ------------------------------------------------------------------ */

/* Wait for the PTRACE_EVENT_STOP of PTRACE_INTERRUPT of @tid. */
static void wait_interrupt_stop(struct target *t, pid_t tid,
				struct result *r)
{
	int status;

	for (;;) {
		if (wait_tracee(tid, &status) != tid)
			fail(t, "attach: waitpid(%d): %s", tid, wait_error());
		if (!WIFSTOPPED(status))
			fail(t, "attach: thread %d ended, status %#x", tid,
			     status);
		r->attach_stops++;
		if (status >> 16 == PTRACE_EVENT_STOP)
			return;
		if (!signal_stop(status))
			fail(t, "attach: unexpected stop of %d, status %#x",
			     tid, status);
		r->signals++;
		if (sys_ptrace(PTRACE_CONT, tid, 0, WSTOPSIG(status)))
			fail(t, "attach: PTRACE_CONT of %d: %m", tid);
	}
}

/*
 * As strace -p: seize, interrupt and resume to the next syscall each tid
 * of /proc/PID/task not attached yet; read the directory again until it
 * shows no new thread.
 */
static void attach_today(struct target *t, struct result *r)
{
	struct dirent *de;
	char path[64];
	long fresh;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", t->pid);
	do {
		fresh = 0;
		dir = opendir(path);
		if (!dir)
			fail(t, "%s: %m", path);
		while ((de = readdir(dir))) {
			pid_t tid = strtol(de->d_name, NULL, 10);

			if (tid <= 0 || tid > pid_max ||
			    tstate[tid] & T_ATTACHED)
				continue;
			if (ntraced == nthreads)
				fail(t, "attach: more than %d threads",
				     nthreads);
			if (sys_ptrace(PTRACE_SEIZE, tid, 0,
				       PTRACE_O_TRACESYSGOOD))
				fail(t, "PTRACE_SEIZE of %d: %m", tid);
			tstate[tid] |= T_ATTACHED;
			traced[ntraced++] = tid;
			fresh++;
			if (sys_ptrace(PTRACE_INTERRUPT, tid, 0, 0))
				fail(t, "PTRACE_INTERRUPT of %d: %m", tid);
			wait_interrupt_stop(t, tid, r);
			if (sys_ptrace(PTRACE_SYSCALL, tid, 0, 0))
				fail(t, "PTRACE_SYSCALL of %d: %m", tid);
		}
		closedir(dir);
	} while (fresh);
	r->attached = ntraced;
}

/* False if the kernel does not know the request or the flags. */
static bool attach_nostop(struct target *t, struct result *r)
{
	long ret;
	int err;

	ret = sys_ptrace(PTRACE_ATTACH_NOSTOP, t->pid, NOSTOP_FLAGS,
			 PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACETHREADS);
	err = errno;
	if (ret >= 0) {
		r->attached = ret;
		return true;
	}
	/* An unknown request meets ptrace_check_attach() first: -ESRCH. */
	if (err == ESRCH && !kill(t->pid, 0))
		r->why_not = "ESRCH, an unknown request";
	else if (err == EIO)
		r->why_not = "EIO";
	else if (err == EINVAL)
		r->why_not = "EINVAL, unknown flags";
	else
		fail(t, "PTRACE_ATTACH_NOSTOP: %s", strerror(err));
	return false;
}

/* ------------------------------------------------------------------ */
/* Trace                                                              */
/* ------------------------------------------------------------------ */

/*
 * Resume every stop with PTRACE_SYSCALL until each thread has been seen
 * entering its marker.
 */
static void trace_markers(struct target *t, struct result *r)
{
	struct ptrace_syscall_info info;
	int status, sig, markers = 0;
	pid_t tid;

	while (markers < nthreads) {
		tid = wait_tracee(-1, &status);
		if (tid < 0) {
			if (errno == ETIMEDOUT)
				show_missing(t);
			fail(t, "trace: waitpid() after %d of %d markers: %s",
			     markers, nthreads, wait_error());
		}
		if (!WIFSTOPPED(status))
			fail(t, "trace: thread %d ended, status %#x", tid,
			     status);
		if (tid > pid_max)
			fail(t, "trace: tid %d above pid_max", tid);
		sig = 0;
		if (status >> 16) {
			r->other_stops++;
		} else if (WSTOPSIG(status) != SYSCALL_STOP) {
			r->signals++;
			sig = WSTOPSIG(status);
		} else {
			r->syscall_stops++;
			if (!(tstate[tid] & T_SYSCALL))
				r->traced++;
			tstate[tid] |= T_SYSCALL;
			if (sys_ptrace(PTRACE_GET_SYSCALL_INFO, tid,
				       sizeof(info), (unsigned long)&info) <= 0)
				fail(t, "PTRACE_GET_SYSCALL_INFO of %d: %m",
				     tid);
			if (info.op == PTRACE_SYSCALL_INFO_ENTRY &&
			    info.entry.nr == MARKER_NR &&
			    !(tstate[tid] & T_MARKER)) {
				tstate[tid] |= T_MARKER;
				markers++;
			}
		}
		if (sys_ptrace(PTRACE_SYSCALL, tid, 0, sig))
			fail(t, "trace: PTRACE_SYSCALL of %d: %m", tid);
	}
}

/* ------------------------------------------------------------------ */
/* Detach                                                             */
/* ------------------------------------------------------------------ */

/*
 * Only a stopped tracee can be detached: interrupt each, and detach each
 * at its next stop, which may be a syscall stop on its way.
 */
static void detach_today(struct target *t, struct result *r)
{
	int status, sig;
	long i, left;
	pid_t tid;

	for (i = 0; i < ntraced; i++)
		if (sys_ptrace(PTRACE_INTERRUPT, traced[i], 0, 0))
			fail(t, "PTRACE_INTERRUPT of %d: %m", traced[i]);
	for (left = ntraced; left; left--) {
		tid = wait_tracee(-1, &status);
		if (tid < 0)
			fail(t, "detach: %ld of %ld threads did not stop: %s",
			     left, ntraced, wait_error());
		if (!WIFSTOPPED(status))
			fail(t, "detach: thread %d ended, status %#x", tid,
			     status);
		if (tid > pid_max || !(tstate[tid] & T_ATTACHED) ||
		    tstate[tid] & T_DETACHED)
			fail(t, "detach: unexpected stop of %d, status %#x",
			     tid, status);
		r->detach_stops++;
		sig = 0;
		if (signal_stop(status)) {
			r->signals++;
			sig = WSTOPSIG(status);
		}
		if (sys_ptrace(PTRACE_DETACH, tid, 0, sig))
			fail(t, "PTRACE_DETACH of %d: %m", tid);
		tstate[tid] |= T_DETACHED;
		r->detached++;
	}
}

static void detach_nostop(struct target *t, struct result *r)
{
	long ret;

	ret = sys_ptrace(PTRACE_DETACH_NOSTOP, t->pid,
			 PTRACE_NOSTOP_THREAD_GROUP, 0);
	if (ret < 0)
		fail(t, "PTRACE_DETACH_NOSTOP: %m");
	r->detached = ret;
}

/* ------------------------------------------------------------------ */

static long eintr_now(void)
{
	long sum = 0;
	int i;

	for (i = 0; i < NR_KINDS; i++)
		sum += __atomic_load_n(&shared->eintr[i], __ATOMIC_ACQUIRE);
	return sum;
}

/* One method on a fresh target; false if the kernel lacks it. */
static bool bench(bool nostop, struct result *r)
{
	struct target t;
	long long start;
	int i;

	start_target(&t);
	memset(tstate, 0, pid_max + 1);
	ntraced = 0;
	arm_timeout(METHOD_TIMEOUT_SEC);

	start = now_ns();
	if (nostop) {
		if (!attach_nostop(&t, r)) {
			end_target(&t);
			return false;
		}
	} else {
		attach_today(&t, r);
	}
	r->attach_ms = ms_since(start);

	start = now_ns();
	kick_threads(&t);
	trace_markers(&t, r);
	r->trace_ms = ms_since(start);
	r->eintr_attach = eintr_now();

	start = now_ns();
	if (nostop)
		detach_nostop(&t, r);
	else
		detach_today(&t, r);
	r->detach_ms = ms_since(start);
	disarm_timeout();

	/* the EINTRs show when the threads make their calls again */
	kick_threads(&t);
	wait_settled(&t, 2 * nthreads);
	for (i = 0; i < NR_KINDS; i++)
		r->eintr[i] = __atomic_load_n(&shared->eintr[i],
					      __ATOMIC_ACQUIRE);
	end_target(&t);
	r->done = true;
	return true;
}

/* ------------------------------------------------------------------ */

static bool show_new;

static void row(const char *label, const char *today, const char *nostop)
{
	if (show_new)
		printf("| %-26s | %-49s | %-42s |\n", label, today, nostop);
	else
		printf("| %-26s | %-49s |\n", label, today);
}

static void row_num(const char *label, long today, long nostop)
{
	char a[32], b[32];

	snprintf(a, sizeof(a), "%ld", today);
	snprintf(b, sizeof(b), "%ld", nostop);
	row(label, a, b);
}

static void row_ms(const char *label, double today, double nostop)
{
	char a[32], b[32];

	snprintf(a, sizeof(a), "%.3f", today);
	snprintf(b, sizeof(b), "%.3f", nostop);
	row(label, a, b);
}

static long eintr_sum(const struct result *r)
{
	return r->eintr[KIND_EPOLL] + r->eintr[KIND_FUTEX] +
	       r->eintr[KIND_READ];
}

static void eintr_split(char *buf, size_t size, const struct result *r)
{
	snprintf(buf, size, "%d / %d / %d", r->eintr[KIND_EPOLL],
		 r->eintr[KIND_FUTEX], r->eintr[KIND_READ]);
}

static void eintr_phases(char *buf, size_t size, const struct result *r)
{
	snprintf(buf, size, "%ld / %ld", r->eintr_attach,
		 eintr_sum(r) - r->eintr_attach);
}

static void print_ratio(const char *what, double today, double nostop)
{
	if (nostop > 0)
		printf("%s: today %.3f ms, new %.3f ms: %.1fx faster\n", what,
		       today, nostop, today / nostop);
	else
		printf("%s: today %.3f ms, new %.3f ms\n", what, today, nostop);
}

static void print_table(const struct result *o, const struct result *n)
{
	char a[64], b[64];
	struct utsname uts;

	if (uname(&uts))
		snprintf(uts.machine, sizeof(uts.machine), "?");
	show_new = n->done;
	printf("\npassive tracing of %d threads blocked in epoll_wait/futex/read (%s)\n",
	       nthreads, uts.machine);
	row("", "today (SEIZE+INTERRUPT+SYSCALL, INTERRUPT+DETACH)",
	    "new (ATTACH_NOSTOP+SYSCALL, DETACH_NOSTOP)");
	row("---", "---", "---");
	row_num("threads attached", o->attached, n->attached);
	row_ms("attach ms", o->attach_ms, n->attach_ms);
	row_num("stops at attach", o->attach_stops, n->attach_stops);
	row_ms("kick to last marker ms", o->trace_ms, n->trace_ms);
	row_num("syscall stops", o->syscall_stops, n->syscall_stops);
	row_num("syscalls traced (threads)", o->traced, n->traced);
	row_num("other stops while tracing", o->other_stops, n->other_stops);
	row_ms("detach ms", o->detach_ms, n->detach_ms);
	row_num("threads detached", o->detached, n->detached);
	row_num("stops at detach", o->detach_stops, n->detach_stops);
	row_num("EINTR seen by the tracee", eintr_sum(o), eintr_sum(n));
	eintr_split(a, sizeof(a), o);
	eintr_split(b, sizeof(b), n);
	row("EINTR epoll / futex / read", a, b);
	eintr_phases(a, sizeof(a), o);
	eintr_phases(b, sizeof(b), n);
	row("EINTR by attach / detach", a, b);
	row_num("signals", o->signals, n->signals);
	if (!n->done) {
		printf("new: not supported by this kernel (PTRACE_ATTACH_NOSTOP: %s)\n",
		       n->why_not);
		return;
	}
	print_ratio("attach", o->attach_ms, n->attach_ms);
	print_ratio("detach", o->detach_ms, n->detach_ms);
}

static long read_pid_max(void)
{
	char buf[32];
	long val = 0;
	ssize_t n;
	int fd;

	fd = open("/proc/sys/kernel/pid_max", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		if (n > 0) {
			buf[n] = '\0';
			val = strtol(buf, NULL, 10);
		}
		close(fd);
	}
	/* PID_MAX_LIMIT, should /proc not tell */
	return val > 0 ? val : 4 * 1024 * 1024;
}

/* Threads count against RLIMIT_NPROC, fds of both sides against NOFILE. */
static void raise_limits(void)
{
	rlim_t fds = 2 * (nthreads / NR_KINDS + 1) + 32;
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NPROC, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NPROC, &rl);
	}
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < fds) {
		rl.rlim_cur = rl.rlim_max < fds ? rl.rlim_max : fds;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int main(int argc, char **argv)
{
	struct result today, nostop;
	struct sigaction sa;

	memset(&today, 0, sizeof(today));
	memset(&nostop, 0, sizeof(nostop));
	nthreads = argc > 1 ? strtol(argv[1], NULL, 10) : DEFAULT_THREADS;
	if (nthreads < 1) {
		fprintf(stderr, "usage: %s [threads]\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	raise_limits();
	/* a kick of a dead target is an error, not a death */
	signal(SIGPIPE, SIG_IGN);
	/* no SA_RESTART: the timeout interrupts waitpid() */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);

	shared_size = sizeof(*shared) + nthreads * sizeof(shared->tids[0]);
	shared = mmap(NULL, shared_size, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_max = read_pid_max();
	tstate = calloc(pid_max + 1, 1);
	traced = calloc(nthreads, sizeof(*traced));
	if (shared == MAP_FAILED || !tstate || !traced) {
		perror("passive_bench: memory");
		return 1;
	}

	printf("passive_bench: %d threads, a fresh target per method\n",
	       nthreads);
	bench(false, &today);
	bench(true, &nostop);
	print_table(&today, &nostop);
	return 0;
}
