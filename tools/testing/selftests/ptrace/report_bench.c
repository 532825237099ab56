// SPDX-License-Identifier: GPL-2.0
/*
 * PTRACE_INTERRUPT against PTRACE_REPORT, in one run:
 *
 * (a) which blocking system calls of a tracee fail with EINTR after the
 *     arrest and a PTRACE_CONT, and how many of NR_THREADS threads asleep
 *     in epoll_wait() see EINTR;
 * (b) how long it takes from the request until waitpid() returns the stop
 *     of a tracee spinning in user mode: the median over NR_SAMPLES.
 *
 * On a kernel without PTRACE_REPORT only the INTERRUPT columns are shown.
 * Synchronisation is done with pipes, waitpid(), a shared counter and
 * /proc/PID/syscall polling; nothing sleeps for a fixed time.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
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
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/futex.h>
/* Not <sys/ptrace.h>: glibc's copy of the constants clashes with the uapi. */
#include <linux/ptrace.h>

#ifndef PTRACE_REPORT
#define PTRACE_REPORT			0x4214
#endif
#ifndef PTRACE_EVENTMSG_REPORT
#define PTRACE_EVENTMSG_REPORT		3
#endif

#define EVENT_STOP_OF(sig)	((PTRACE_EVENT_STOP << 8) | (sig))

#define NSEC_PER_USEC		1000LL
#define NSEC_PER_MSEC		1000000LL
#define NSEC_PER_SEC		1000000000LL

/* Timeout of the timed calls; doubled for a run whose request came late. */
#define CALL_TIMEOUT_MS		200
#define MAX_TIMEOUT_MS		3200
#define WAIT_TIMEOUT_SEC	10

#define NR_THREADS		1000
#define THREAD_STACK		0x40000
#define NR_SAMPLES		200

#define TRACEE_SETUP_FAILED	91
#define TRACEE_PIPE_FAILED	92

#define ARRAY_LEN(a)		(sizeof(a) / sizeof((a)[0]))

/* Set before fork() for the tracee bodies. */
static const struct blocking_call *cur_call;
static int cur_timeout_ms;
static int cur_semid = -1;
static int cur_efd = -1;
static unsigned long *spin_counter;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "report_bench: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static void ms_to_timespec(struct timespec *ts, int ms)
{
	ts->tv_sec = ms / 1000;
	ts->tv_nsec = (ms % 1000) * NSEC_PER_MSEC;
}

static long ptrace_err(long request, pid_t pid, unsigned long addr,
		       unsigned long data)
{
	long ret = syscall(__NR_ptrace, request, pid, addr, data);

	return ret == -1 ? -errno : ret;
}

static pid_t wait_for(pid_t pid, int *status, int options)
{
	pid_t ret;

	do
		ret = waitpid(pid, status, options | __WALL);
	while (ret < 0 && errno == EINTR);
	return ret;
}

static void xread(int fd, void *buf, size_t len, const char *what)
{
	ssize_t n;

	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)len)
		die("%s: read from tracee: %zd (%m)", what, n);
}

/* Tracee side: no one to complain to, just exit. */
static void xwrite(int fd, const void *buf, size_t len)
{
	if (write(fd, buf, len) != (ssize_t)len)
		_exit(TRACEE_PIPE_FAILED);
}

/* Tracer side: tell the tracee to go on. */
static void send_go(int fd)
{
	if (write(fd, "g", 1) != 1)
		die("write to tracee: %m");
}

static void xptrace(long request, pid_t pid, unsigned long data,
		    const char *what)
{
	long ret = ptrace_err(request, pid, 0, data);

	if (ret < 0)
		die("%s of %d: %s", what, pid, strerror(-ret));
}

static unsigned long event_msg(pid_t pid)
{
	unsigned long msg = -1UL;

	xptrace(PTRACE_GETEVENTMSG, pid, (unsigned long)&msg, "GETEVENTMSG");
	return msg;
}

/* Wait for the PTRACE_EVENT_STOP of @pid with @msg. */
static void wait_event_stop(pid_t pid, unsigned long msg)
{
	int status;

	if (wait_for(pid, &status, 0) != pid)
		die("waitpid %d: %m", pid);
	if (!WIFSTOPPED(status) || status >> 8 != EVENT_STOP_OF(SIGTRAP))
		die("%d: status %#x is not the arrest", pid, status);
	if (event_msg(pid) != msg)
		die("%d: event message %#lx, not %#lx", pid, event_msg(pid),
		    msg);
}

/* Kill @pid and reap it and whatever else is left. */
static void kill_and_reap(pid_t pid)
{
	if (pid > 0)
		kill(pid, SIGKILL);
	while (wait_for(-1, NULL, 0) > 0)
		;
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

/* Is @tid asleep ('S') in system call @nr? */
static bool blocked_in(pid_t tid, long nr)
{
	char path[64], buf[1024], *p, *end;

	snprintf(path, sizeof(path), "/proc/%d/stat", tid);
	if (read_proc(path, buf, sizeof(buf)) <= 0)
		return false;
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || p[2] != 'S')
		return false;
	snprintf(path, sizeof(path), "/proc/%d/syscall", tid);
	if (read_proc(path, buf, sizeof(buf)) <= 0)
		return false;
	return strtol(buf, &end, 10) == nr && end != buf;
}

static void wait_blocked(pid_t tid, long nr, const char *what)
{
	long long deadline = now_ns() + WAIT_TIMEOUT_SEC * NSEC_PER_SEC;

	while (!blocked_in(tid, nr)) {
		if (now_ns() > deadline)
			die("%d never slept in %s", tid, what);
		sched_yield();
	}
}

/* ------------------------------------------------------------------ */
/* Blocking calls, as in report.c                                     */
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
	bool timed;	/* ends by its timeout, else by the tracer's write */
	int slack_ms;	/* it may time out this much early (jiffies) */
	long natural;	/* its raw result when left alone */
	int (*prepare)(struct call_state *st, int go, int ms);
	long (*block)(struct call_state *st, int ms);
};

struct call_result {
	long ret;
	long err;
	long long elapsed_ns;
};

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

static int prep_epoll(struct call_state *st, int go, int ms)
{
	st->fd = epoll_create1(EPOLL_CLOEXEC);
	return st->fd < 0;
}

static long block_epoll(struct call_state *st, int ms)
{
	return raw_epoll_wait(st->fd, &st->ev, ms);
}

static int prep_sem(struct call_state *st, int go, int ms)
{
	ms_to_timespec(&st->ts, ms);
	st->fd = cur_semid;
	return st->fd < 0;
}

static long block_sem(struct call_state *st, int ms)
{
	struct sembuf op = { .sem_num = 0, .sem_op = -1, .sem_flg = 0 };

	return syscall(__NR_semtimedop, st->fd, &op, 1, &st->ts);
}

static int prep_sigtimedwait(struct call_state *st, int go, int ms)
{
	ms_to_timespec(&st->ts, ms);
	sigemptyset(&st->set);
	sigaddset(&st->set, SIGUSR2);
	return sigprocmask(SIG_BLOCK, &st->set, NULL);
}

static long block_sigtimedwait(struct call_state *st, int ms)
{
	return syscall(__NR_rt_sigtimedwait, &st->set, NULL, &st->ts,
		       _NSIG / 8);
}

static int prep_recv(struct call_state *st, int go, int ms)
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

static long block_recv(struct call_state *st, int ms)
{
	return syscall(__NR_recvfrom, st->sock[0], &st->byte, 1, 0, NULL,
		       NULL);
}

static int prep_timeout(struct call_state *st, int go, int ms)
{
	ms_to_timespec(&st->ts, ms);
	return 0;
}

static long block_futex(struct call_state *st, int ms)
{
	return syscall(__NR_futex, &st->futex_word, FUTEX_WAIT_PRIVATE, 0,
		       &st->ts, NULL, 0);
}

static long block_nanosleep(struct call_state *st, int ms)
{
	return syscall(__NR_nanosleep, &st->ts, NULL);
}

static int prep_read(struct call_state *st, int go, int ms)
{
	st->fd = go;
	return 0;
}

static long block_read(struct call_state *st, int ms)
{
	return syscall(__NR_read, st->fd, &st->byte, 1);
}

static int prep_poll(struct call_state *st, int go, int ms)
{
	ms_to_timespec(&st->ts, ms);
	st->pfd.fd = go;
	st->pfd.events = POLLIN;
	return 0;
}

static long block_poll(struct call_state *st, int ms)
{
#ifdef __NR_poll
	return syscall(__NR_poll, &st->pfd, 1, ms);
#else
	return syscall(__NR_ppoll, &st->pfd, 1, &st->ts, NULL, 0);
#endif
}

static const struct blocking_call calls[] = {
	{
		.name = "epoll_wait",
		.nr = NR_EPOLL_WAIT,
		.timed = true,
		.natural = 0,
		.prepare = prep_epoll,
		.block = block_epoll,
	}, {
		.name = "semtimedop",
		.nr = __NR_semtimedop,
		.timed = true,
		.natural = -EAGAIN,
		.prepare = prep_sem,
		.block = block_sem,
	}, {
		.name = "sigtimedwait",
		.nr = __NR_rt_sigtimedwait,
		.timed = true,
		.natural = -EAGAIN,
		.prepare = prep_sigtimedwait,
		.block = block_sigtimedwait,
	}, {
		.name = "recv SO_RCVTIMEO",
		.nr = __NR_recvfrom,
		.timed = true,
		.slack_ms = 20,
		.natural = -EAGAIN,
		.prepare = prep_recv,
		.block = block_recv,
	}, {
		.name = "futex wait",
		.nr = __NR_futex,
		.timed = true,
		.natural = -ETIMEDOUT,
		.prepare = prep_timeout,
		.block = block_futex,
	}, {
		.name = "nanosleep",
		.nr = __NR_nanosleep,
		.timed = true,
		.natural = 0,
		.prepare = prep_timeout,
		.block = block_nanosleep,
	}, {
		.name = "pipe read",
		.nr = __NR_read,
		.timed = false,
		.natural = 1,
		.prepare = prep_read,
		.block = block_read,
	}, {
		.name = "poll",
		.nr = NR_POLL,
		.timed = true,
		.natural = 0,
		.prepare = prep_poll,
		.block = block_poll,
	},
};

/* Sleep in cur_call; send the start time, then a struct call_result. */
static void body_blocking(int go, int report)
{
	const struct blocking_call *call = cur_call;
	struct call_result res;
	struct call_state st;
	long long t0;

	memset(&st, 0, sizeof(st));
	memset(&res, 0, sizeof(res));
	if (call->prepare(&st, go, cur_timeout_ms))
		_exit(TRACEE_SETUP_FAILED);
	t0 = now_ns();
	xwrite(report, &t0, sizeof(t0));
	res.ret = call->block(&st, cur_timeout_ms);
	res.err = res.ret < 0 ? errno : 0;
	res.elapsed_ns = now_ns() - t0;
	xwrite(report, &res, sizeof(res));
	_exit(0);
}

typedef void (*body_fn)(int go, int report);

struct tracee {
	pid_t pid;
	int go;		/* our write end */
	int report;	/* our read end */
};

static void spawn(struct tracee *t, body_fn body)
{
	int go[2], report[2];

	if (pipe2(go, O_CLOEXEC) || pipe2(report, O_CLOEXEC))
		die("pipe: %m");
	t->pid = fork();
	if (t->pid < 0)
		die("fork: %m");
	if (t->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		body(go[0], report[1]);
		_exit(0);
	}
	close(go[0]);
	close(report[1]);
	t->go = go[1];
	t->report = report[0];
}

static void finish(struct tracee *t)
{
	kill_and_reap(t->pid);
	close(t->go);
	close(t->report);
}

/* ------------------------------------------------------------------ */
/* (a) EINTR table                                                    */
/* ------------------------------------------------------------------ */

/*
 * Arrest a tracee asleep in @call with @req, PTRACE_CONT it, describe what
 * the call returned in @out.  False if the request came after the timeout.
 */
static bool try_arrest(const struct blocking_call *call, bool report,
		       int ms, char *out, size_t size)
{
	unsigned long msg = report ? PTRACE_EVENTMSG_REPORT : 0;
	long req = report ? PTRACE_REPORT : PTRACE_INTERRUPT;
	long long t0, deadline;
	struct call_result res;
	struct tracee t;

	cur_call = call;
	cur_timeout_ms = ms;
	spawn(&t, body_blocking);
	xread(t.report, &t0, sizeof(t0), call->name);
	xptrace(PTRACE_SEIZE, t.pid, 0, "PTRACE_SEIZE");
	wait_blocked(t.pid, call->nr, call->name);
	xptrace(req, t.pid, 0, "arrest");
	deadline = call->timed ? t0 + (ms - call->slack_ms) * NSEC_PER_MSEC :
		   LLONG_MAX;
	if (now_ns() >= deadline) {
		finish(&t);
		return false;
	}
	/* REPORT waits for the read to return, INTERRUPT does not */
	if (report && !call->timed)
		send_go(t.go);
	wait_event_stop(t.pid, msg);
	xptrace(PTRACE_CONT, t.pid, 0, "PTRACE_CONT");
	if (!report && !call->timed)
		send_go(t.go);
	xread(t.report, &res, sizeof(res), call->name);
	if (res.ret == -1 && res.err == EINTR)
		snprintf(out, size, "EINTR");
	else if (call->natural < 0 ? res.ret == -1 &&
		 res.err == -call->natural : res.ret == call->natural)
		snprintf(out, size, "ok");
	else
		snprintf(out, size, "%ld/%s", res.ret, strerror(res.err));
	finish(&t);
	return true;
}

static void arrest(const struct blocking_call *call, bool report, char *out,
		   size_t size)
{
	int ms;

	for (ms = CALL_TIMEOUT_MS; ms <= MAX_TIMEOUT_MS; ms *= 2)
		if (try_arrest(call, report, ms, out, size))
			return;
	snprintf(out, size, "too slow");
}

/* ------------------------------------------------------------------ */
/* (a) NR_THREADS threads in epoll_wait()                             */
/* ------------------------------------------------------------------ */

static int threads_counts[3];	/* EINTR, woken (returned 1), other */

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

static void body_threads(int go, int report)
{
	struct epoll_event ev = { .events = EPOLLIN };
	pthread_attr_t attr;
	pthread_t *threads;
	int counts[3];
	int ep, i, n;
	char msg;

	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, cur_efd, &ev))
		_exit(TRACEE_SETUP_FAILED);
	threads = calloc(NR_THREADS, sizeof(*threads));
	if (!threads || pthread_attr_init(&attr))
		_exit(TRACEE_SETUP_FAILED);
	pthread_attr_setstacksize(&attr, THREAD_STACK);
	for (n = 0; n < NR_THREADS; n++)
		if (pthread_create(&threads[n], &attr, thread_epoll,
				   (void *)(long)ep))
			break;
	xwrite(report, &n, sizeof(n));
	for (i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
	for (i = 0; i < 3; i++)
		counts[i] = __atomic_load_n(&threads_counts[i],
					    __ATOMIC_RELAXED);
	xwrite(report, counts, sizeof(counts));
	if (read(go, &msg, 1) < 0)
		_exit(TRACEE_PIPE_FAILED);
	_exit(0);
}

static int list_threads(pid_t pid, pid_t *tids, int max)
{
	struct dirent *de;
	char path[64];
	int n = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		die("%s: %m", path);
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

/* One arrest stop from each thread, each continued at once. */
static void collect_stops(const pid_t *tids, int n, unsigned long msg)
{
	int stops = 0, status, i;
	pid_t tid;

	while (stops < n) {
		tid = wait_for(-1, &status, 0);
		if (tid < 0)
			die("waitpid after %d stops: %m", stops);
		if (!WIFSTOPPED(status))
			continue;
		for (i = 0; i < n && tids[i] != tid; i++)
			;
		if (i == n || status >> 8 != EVENT_STOP_OF(SIGTRAP) ||
		    event_msg(tid) != msg)
			die("unexpected stop of %d, status %#x", tid, status);
		stops++;
		xptrace(PTRACE_CONT, tid, 0, "PTRACE_CONT");
	}
}

/* How many of NR_THREADS sleeping threads saw EINTR after @req; -1: n/a */
static int threads_eintr(bool report, double *secs)
{
	unsigned long msg = report ? PTRACE_EVENTMSG_REPORT : 0;
	long req = report ? PTRACE_REPORT : PTRACE_INTERRUPT;
	unsigned long long one = 1;
	int created, counts[3], i, n;
	long long start;
	struct tracee t;
	pid_t *tids;

	cur_efd = eventfd(0, EFD_CLOEXEC);
	tids = calloc(NR_THREADS, sizeof(*tids));
	if (cur_efd < 0 || !tids)
		die("eventfd/calloc: %m");
	spawn(&t, body_threads);
	xread(t.report, &created, sizeof(created), "threads");
	if (created < NR_THREADS) {
		printf("only %d threads could be started\n", created);
		finish(&t);
		free(tids);
		close(cur_efd);
		return -1;
	}
	n = list_threads(t.pid, tids, NR_THREADS);
	if (n != NR_THREADS)
		die("%d threads in /proc", n);
	for (i = 0; i < n; i++)
		wait_blocked(tids[i], NR_EPOLL_WAIT, "epoll_wait");

	start = now_ns();
	for (i = 0; i < n; i++)
		xptrace(PTRACE_SEIZE, tids[i], 0, "PTRACE_SEIZE");
	for (i = 0; i < n; i++)
		xptrace(req, tids[i], 0, "arrest");
	if (report) {
		if (write(cur_efd, &one, sizeof(one)) != sizeof(one))
			die("eventfd write: %m");
		collect_stops(tids, n, msg);
	} else {
		collect_stops(tids, n, msg);
		if (write(cur_efd, &one, sizeof(one)) != sizeof(one))
			die("eventfd write: %m");
	}
	xread(t.report, counts, sizeof(counts), "counts");
	*secs = (double)(now_ns() - start) / NSEC_PER_SEC;
	finish(&t);
	free(tids);
	close(cur_efd);
	return counts[0];
}

/* ------------------------------------------------------------------ */
/* (b) stop latency on a user-mode spinner                            */
/* ------------------------------------------------------------------ */

static void spin_loop(unsigned long *counter)
{
	for (;;)
		__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

static void (*spin_fn)(unsigned long *counter) = spin_loop;

static void body_spin(int go, int report)
{
	void (*fn)(unsigned long *counter);

	fn = __atomic_load_n(&spin_fn, __ATOMIC_RELAXED);
	fn(spin_counter);
}

static void wait_spinning(unsigned long floor)
{
	long long deadline = now_ns() + WAIT_TIMEOUT_SEC * NSEC_PER_SEC;

	while (__atomic_load_n(spin_counter, __ATOMIC_RELAXED) <= floor) {
		if (now_ns() > deadline)
			die("the spinner does not spin");
		sched_yield();
	}
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* Median microseconds from @req on a running spinner to its stop. */
static double stop_latency_us(bool report)
{
	unsigned long msg = report ? PTRACE_EVENTMSG_REPORT : 0;
	long req = report ? PTRACE_REPORT : PTRACE_INTERRUPT;
	long long samples[NR_SAMPLES], t0;
	struct tracee t;
	int i;

	*spin_counter = 0;
	spawn(&t, body_spin);
	xptrace(PTRACE_SEIZE, t.pid, 0, "PTRACE_SEIZE");
	for (i = 0; i < NR_SAMPLES; i++) {
		/* spinning again in user mode since the last CONT */
		wait_spinning(__atomic_load_n(spin_counter, __ATOMIC_RELAXED));
		t0 = now_ns();
		xptrace(req, t.pid, 0, "arrest");
		wait_event_stop(t.pid, msg);
		samples[i] = now_ns() - t0;
		xptrace(PTRACE_CONT, t.pid, 0, "PTRACE_CONT");
	}
	finish(&t);
	qsort(samples, NR_SAMPLES, sizeof(samples[0]), cmp_ll);
	return (double)samples[NR_SAMPLES / 2] / NSEC_PER_USEC;
}

/* ------------------------------------------------------------------ */

/* An unpatched kernel fails PTRACE_REPORT on a stopped tracee with -EIO. */
static bool have_report(void)
{
	struct tracee t;
	long ret;

	spawn(&t, body_spin);
	xptrace(PTRACE_SEIZE, t.pid, 0, "PTRACE_SEIZE");
	xptrace(PTRACE_INTERRUPT, t.pid, 0, "PTRACE_INTERRUPT");
	wait_event_stop(t.pid, 0);
	ret = ptrace_err(PTRACE_REPORT, t.pid, 0, 0);
	finish(&t);
	if (ret && ret != -EIO && ret != -EOPNOTSUPP)
		die("PTRACE_REPORT probe: %s", strerror(-ret));
	return !ret;
}

int main(void)
{
	char icol[64], rcol[64];
	double isecs = 0, rsecs = 0;
	double ilat, rlat;
	int ieintr, reintr, sem_errno;
	long long start = now_ns();
	bool report;
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* a tracer write to a dead tracee's pipe: an error, not a death */
	signal(SIGPIPE, SIG_IGN);
	spin_counter = mmap(NULL, sizeof(*spin_counter),
			    PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (spin_counter == MAP_FAILED)
		die("mmap: %m");
	cur_semid = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
	sem_errno = errno;

	report = have_report();
	printf("PTRACE_REPORT: %s\n", report ? "supported" :
	       "not supported on this kernel, INTERRUPT columns only");

	printf("\n(a) blocking call arrested, then PTRACE_CONT: its result\n");
	printf("%-18s %-16s %s\n", "syscall", "INTERRUPT", "REPORT");
	for (i = 0; i < ARRAY_LEN(calls); i++) {
		if (calls[i].nr == __NR_semtimedop && cur_semid < 0) {
			printf("%-18s (no SysV IPC: %s)\n", calls[i].name,
			       strerror(sem_errno));
			continue;
		}
		arrest(&calls[i], false, icol, sizeof(icol));
		snprintf(rcol, sizeof(rcol), "-");
		if (report)
			arrest(&calls[i], true, rcol, sizeof(rcol));
		printf("%-18s %-16s %s\n", calls[i].name, icol, rcol);
	}
	if (cur_semid >= 0)
		semctl(cur_semid, 0, IPC_RMID);

	ieintr = threads_eintr(false, &isecs);
	reintr = report ? threads_eintr(true, &rsecs) : -1;
	printf("%-18s %-16s %s\n", "epoll_wait threads", "INTERRUPT",
	       "REPORT");
	snprintf(icol, sizeof(icol), "%d/%d EINTR", ieintr, NR_THREADS);
	snprintf(rcol, sizeof(rcol), "%d/%d EINTR", reintr, NR_THREADS);
	printf("%-18s %-16s %s\n", "1000 threads", ieintr < 0 ? "n/a" : icol,
	       reintr < 0 ? "-" : rcol);
	snprintf(icol, sizeof(icol), "%.2f s", isecs);
	snprintf(rcol, sizeof(rcol), "%.2f s", rsecs);
	printf("%-18s %-16s %s\n", "  arrest to counts", ieintr < 0 ? "-" : icol,
	       reintr < 0 ? "-" : rcol);

	printf("\n(b) stop latency, user-mode spinner, median of %d\n",
	       NR_SAMPLES);
	ilat = stop_latency_us(false);
	printf("INTERRUPT: %.1f us\n", ilat);
	if (report) {
		rlat = stop_latency_us(true);
		printf("REPORT:    %.1f us\n", rlat);
		printf("ratio REPORT/INTERRUPT: %.2f\n", rlat / ilat);
	} else {
		printf("REPORT:    not supported\n");
	}
	printf("\ntotal %.1f s\n", (double)(now_ns() - start) / NSEC_PER_SEC);
	return 0;
}
