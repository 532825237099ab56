// SPDX-License-Identifier: GPL-2.0
/*
 * What attaching to every thread of a big process costs, and what it does
 * to the threads.
 *
 * A target process runs N threads (argv[1], default 4000), all asleep in
 * epoll_wait() without a timeout.  For each method, on a fresh target, the
 * time to have all threads traced is measured with CLOCK_MONOTONIC:
 *
 *  - PTRACE_ATTACH_NOSTOP with PTRACE_NOSTOP_THREAD_GROUP: one call;
 *  - PTRACE_SEIZE of each tid in /proc/PID/task, re-read until it shows no
 *    new thread, as gdb does;
 *  - PTRACE_ATTACH of each tid and waitpid() for its stop, as older tools
 *    do; this one needs the threads detached again, which is not timed;
 *  - and, as a unit of cost, N getppid() calls.
 *
 * With "nostop" as argv[2], the two loops are left out: for tens of
 * thousands of threads they take minutes under emulation.
 *
 * Then the threads are released (the epoll set becomes readable) and count
 * the epoll_wait() calls that failed with EINTR: the price the tracee pays.
 *
 * The group attach and PTRACE_DETACH_NOSTOP take tasklist_lock for
 * writing, a batch of threads at a time; a tracer's exit (exit_ptrace())
 * holds it while it detaches all its tracees.  What a hold costs the rest
 * of the system is measured from another CPU: a probe thread there calls
 * setpgid(), which takes tasklist_lock for writing, in a loop, and "max
 * wait" is its slowest call during each method (during the getppid()
 * calls: the probe's own noise).  The exit of a tracer that seized the N
 * threads is measured as the precedent.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Not <sys/ptrace.h>: glibc's copy of the constants clashes with the uapi. */
#include <linux/ptrace.h>

#ifndef PTRACE_ATTACH_NOSTOP
#define PTRACE_ATTACH_NOSTOP		0x4213
#endif
#ifndef PTRACE_DETACH_NOSTOP
#define PTRACE_DETACH_NOSTOP		0x4215
#endif
#ifndef PTRACE_NOSTOP_THREAD_GROUP
#define PTRACE_NOSTOP_THREAD_GROUP	0x00000001
#endif

#define DEFAULT_THREADS		4000
#define THREAD_STACK_SIZE	(64 * 1024)
/* for the target to start its threads: per 4000 threads, 30 s at least */
#define SETTLE_TIMEOUT_SEC	30
#define NSEC_PER_SEC		1000000000LL

/* Written by the target's threads, read by the benchmark. */
struct shared {
	int ready;		/* threads about to sleep in epoll_wait() */
	int eintr;		/* epoll_wait() calls failed with EINTR */
	int errors;		/* other failures of epoll_wait() */
	int created;		/* threads created before a failure */
	int create_err;		/* that failure, an errno */
};

static struct shared *shared;
static int target_epoll;

struct result {
	const char *name;
	bool done;		/* measured */
	long attached;		/* threads attached, -1 if not applicable */
	double ms;
	long eintr;		/* -1 if not applicable */
	long stops;		/* unexpected stops while reaping */
	double wait_us;		/* the probe's slowest call, -1 if none */
};

struct target {
	pid_t pid;
	int release;		/* write end: a byte wakes every thread */
};

static long sys_ptrace(long request, pid_t pid, unsigned long addr,
		       unsigned long data)
{
	return syscall(__NR_ptrace, request, pid, addr, data);
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
/* The probe of tasklist_lock                                         */
/* ------------------------------------------------------------------ */

/* Between the benchmark and its probe thread only, so not in *shared. */
static struct {
	pthread_t thread;
	bool on;		/* running */
	int armed;		/* it records its slowest call */
	int quit;
	long calls;		/* calls made while armed */
	long long max_ns;	/* the slowest one */
} probe_state;

/* Run on @cpu, or on any CPU if @cpu is -1. */
static void pin_to_cpu(int cpu)
{
	cpu_set_t set;
	int i;

	CPU_ZERO(&set);
	for (i = 0; i < CPU_SETSIZE; i++)
		if (cpu < 0 || i == cpu)
			CPU_SET(i, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/*
 * Time setpgid(0, getpgrp()), which takes tasklist_lock for writing and
 * changes nothing, in a loop on CPU 1; the benchmark runs on CPU 0.  A
 * thread, not a process: the benchmark reaps with waitpid(-1).
 */
static void *probe(void *arg)
{
	pid_t pgrp = getpgrp();
	long long t0, dt;

	pin_to_cpu(1);
	while (!__atomic_load_n(&probe_state.quit, __ATOMIC_RELAXED)) {
		t0 = now_ns();
		syscall(__NR_setpgid, 0, pgrp);
		dt = now_ns() - t0;
		if (!__atomic_load_n(&probe_state.armed, __ATOMIC_ACQUIRE))
			continue;
		if (dt > __atomic_load_n(&probe_state.max_ns, __ATOMIC_RELAXED))
			__atomic_store_n(&probe_state.max_ns, dt,
					 __ATOMIC_RELAXED);
		__atomic_fetch_add(&probe_state.calls, 1, __ATOMIC_RELEASE);
	}
	return arg;
}

/* No probe on a single CPU. */
static void start_probe(void)
{
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		printf("attach_bench: one CPU, no tasklist_lock probe\n");
		return;
	}
	pin_to_cpu(0);
	probe_state.on = !pthread_create(&probe_state.thread, NULL, probe, NULL);
}

static void stop_probe(void)
{
	if (!probe_state.on)
		return;
	__atomic_store_n(&probe_state.quit, 1, __ATOMIC_RELAXED);
	pthread_join(probe_state.thread, NULL);
}

/* Start recording, once the probe is seen calling. */
static void probe_arm(void)
{
	if (!probe_state.on)
		return;
	__atomic_store_n(&probe_state.max_ns, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&probe_state.calls, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&probe_state.armed, 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&probe_state.calls, __ATOMIC_ACQUIRE) < 2)
		sched_yield();
}

/* Stop recording after one more call; the slowest one, in us, or -1. */
static double probe_disarm(void)
{
	long calls;

	if (!probe_state.on)
		return -1;
	calls = __atomic_load_n(&probe_state.calls, __ATOMIC_ACQUIRE);
	while (__atomic_load_n(&probe_state.calls, __ATOMIC_ACQUIRE) < calls + 2)
		sched_yield();
	__atomic_store_n(&probe_state.armed, 0, __ATOMIC_RELEASE);
	return __atomic_load_n(&probe_state.max_ns, __ATOMIC_ACQUIRE) / 1e3;
}

/* Start timing a method, with the probe recording; returns the start. */
static long long measure_begin(void)
{
	probe_arm();
	return now_ns();
}

/* End the timing begun at @start into @r. */
static void measure_end(struct result *r, long long start)
{
	r->ms = ms_since(start);
	r->wait_us = probe_disarm();
}

/* ------------------------------------------------------------------ */
/* The target                                                         */
/* ------------------------------------------------------------------ */

/* Sleep in epoll_wait() until the release byte; count the EINTRs. */
static void *worker(void *arg)
{
	struct epoll_event ev;
	int n;

	__atomic_fetch_add(&shared->ready, 1, __ATOMIC_RELAXED);
	for (;;) {
		n = epoll_wait(target_epoll, &ev, 1, -1);
		if (n > 0)
			break;
		if (n < 0 && errno == EINTR) {
			__atomic_fetch_add(&shared->eintr, 1, __ATOMIC_RELAXED);
			continue;
		}
		__atomic_fetch_add(&shared->errors, 1, __ATOMIC_RELAXED);
		break;
	}
	return arg;
}

/*
 * The release pipe stays readable: epoll is level-triggered, and each
 * thread that gets the event wakes the next waiter, so one byte ends all.
 */
static void run_target(int nthreads, int release)
{
	struct epoll_event ev = { .events = EPOLLIN };
	pthread_attr_t attr;
	pthread_t *threads;
	long min = sysconf(_SC_THREAD_STACK_MIN);
	size_t stack = THREAD_STACK_SIZE;
	int i, err;

	if (min > 0 && (size_t)min > stack)
		stack = min;
	target_epoll = epoll_create1(0);
	threads = calloc(nthreads, sizeof(*threads));
	if (target_epoll < 0 || !threads ||
	    epoll_ctl(target_epoll, EPOLL_CTL_ADD, release, &ev) ||
	    pthread_attr_init(&attr) ||
	    pthread_attr_setstacksize(&attr, stack)) {
		shared->create_err = errno ? errno : ENOMEM;
		_exit(1);
	}
	/* the main thread is the last of the nthreads workers */
	for (i = 1; i < nthreads; i++) {
		err = pthread_create(&threads[i], &attr, worker, NULL);
		if (err) {
			__atomic_store_n(&shared->created, i, __ATOMIC_RELAXED);
			__atomic_store_n(&shared->create_err, err,
					 __ATOMIC_RELEASE);
			_exit(1);
		}
	}
	__atomic_store_n(&shared->created, nthreads, __ATOMIC_RELAXED);
	worker(NULL);
	for (i = 1; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	_exit(0);
}

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

/* Wait until every thread of @pid sleeps; false after the timeout. */
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

static void kill_and_reap(pid_t pid)
{
	kill(pid, SIGKILL);
	while (waitpid(-1, NULL, __WALL) > 0 || errno == EINTR)
		;
}

/* Fork a target with @nthreads threads, all asleep in epoll_wait(). */
static bool start_target(struct target *t, int nthreads)
{
	int settle_sec = SETTLE_TIMEOUT_SEC * ((nthreads + 3999) / 4000);
	long long deadline = now_ns() + settle_sec * NSEC_PER_SEC;
	int fds[2], status, err;

	memset(shared, 0, sizeof(*shared));
	if (pipe2(fds, O_CLOEXEC)) {
		perror("pipe");
		return false;
	}
	t->pid = fork();
	if (t->pid < 0) {
		perror("fork");
		return false;
	}
	if (t->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* for the tracer that is not our parent, under Yama */
		prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY);
		pin_to_cpu(-1);
		close(fds[1]);
		run_target(nthreads, fds[0]);
	}
	close(fds[0]);
	t->release = fds[1];

	while (__atomic_load_n(&shared->ready, __ATOMIC_RELAXED) < nthreads) {
		if (waitpid(t->pid, &status, WNOHANG) == t->pid) {
			err = __atomic_load_n(&shared->create_err,
					      __ATOMIC_ACQUIRE);
			fprintf(stderr,
				"attach_bench: the target could create only %d of %d threads: %s\n"
				"Raise the limits (ulimit -u, kernel.threads-max, kernel.pid_max, vm.max_map_count, memory) or ask for fewer threads: attach_bench N\n",
				shared->created, nthreads, strerror(err));
			close(t->release);
			return false;
		}
		if (now_ns() > deadline)
			break;
		sched_yield();
	}
	if (!wait_all_asleep(t->pid, deadline)) {
		fprintf(stderr,
			"attach_bench: the target's threads did not all fall asleep within %d s\n",
			settle_sec);
		kill_and_reap(t->pid);
		close(t->release);
		return false;
	}
	return true;
}

/*
 * Let the threads go and reap the target, traced threads included (each
 * is a zombie until its tracer reaps it).  Stops are not expected; should
 * one come, count it and continue the thread.
 */
static void release_target(struct target *t, struct result *r)
{
	int status;
	pid_t pid;

	if (write(t->release, "x", 1) != 1)
		kill(t->pid, SIGKILL);
	for (;;) {
		pid = waitpid(-1, &status, __WALL);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			break;
		if (WIFSTOPPED(status)) {
			r->stops++;
			sys_ptrace(PTRACE_CONT, pid, 0, 0);
		}
	}
	close(t->release);
	r->eintr = __atomic_load_n(&shared->eintr, __ATOMIC_RELAXED);
	if (__atomic_load_n(&shared->errors, __ATOMIC_RELAXED))
		fprintf(stderr, "attach_bench: %s: epoll_wait() failed in %d threads\n",
			r->name, shared->errors);
}

/* ------------------------------------------------------------------ */
/* The methods                                                        */
/* ------------------------------------------------------------------ */

/*
 * Attach each tid in /proc/@pid/task not attached yet; read the directory
 * again until it shows no new thread.  @wait_stop: PTRACE_ATTACH and wait
 * for the stop, else PTRACE_SEIZE.  Returns the number attached.
 */
static long attach_loop(pid_t pid, unsigned char *attached, bool wait_stop)
{
	long request = wait_stop ? PTRACE_ATTACH : PTRACE_SEIZE;
	long count = 0, fresh;
	struct dirent *de;
	char path[64];
	int status;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	do {
		fresh = 0;
		dir = opendir(path);
		if (!dir)
			return -1;
		while ((de = readdir(dir))) {
			pid_t tid = strtol(de->d_name, NULL, 10);

			if (tid <= 0 || attached[tid])
				continue;
			if (sys_ptrace(request, tid, 0, 0))
				continue;
			attached[tid] = 1;
			fresh++;
			if (!wait_stop)
				continue;
			while (waitpid(tid, &status, __WALL) < 0 &&
			       errno == EINTR)
				;
		}
		closedir(dir);
		count += fresh;
	} while (fresh);
	return count;
}

static void detach_all(unsigned char *attached, long pid_max)
{
	long tid;

	for (tid = 1; tid <= pid_max; tid++)
		if (attached[tid])
			sys_ptrace(PTRACE_DETACH, tid, 0, 0);
}

/*
 * Attach every thread in one call, then (@d) detach them in one call.
 * Returns false if the kernel does not know the request.
 */
static bool bench_nostop(int nthreads, struct result *r, struct result *d)
{
	struct target t;
	long long start;
	long ret;

	if (!start_target(&t, nthreads))
		exit(1);
	start = measure_begin();
	ret = sys_ptrace(PTRACE_ATTACH_NOSTOP, t.pid,
			 PTRACE_NOSTOP_THREAD_GROUP, 0);
	measure_end(r, start);
	if (ret < 0) {
		/* An unknown request meets ptrace_check_attach() first. */
		bool unknown = errno == ESRCH || errno == EIO;

		if (!unknown)
			fprintf(stderr, "attach_bench: PTRACE_ATTACH_NOSTOP: %s\n",
				strerror(errno));
		kill_and_reap(t.pid);
		close(t.release);
		return false;
	}
	r->attached = ret;
	r->done = true;

	start = measure_begin();
	ret = sys_ptrace(PTRACE_DETACH_NOSTOP, t.pid,
			 PTRACE_NOSTOP_THREAD_GROUP, 0);
	measure_end(d, start);
	if (ret >= 0) {
		d->attached = ret;
		d->done = true;
	}
	release_target(&t, r);
	return true;
}

static void bench_loop(int nthreads, bool wait_stop, unsigned char *attached,
		       long pid_max, struct result *r)
{
	struct target t;
	long long start;

	if (!start_target(&t, nthreads))
		exit(1);
	memset(attached, 0, pid_max + 1);
	start = measure_begin();
	r->attached = attach_loop(t.pid, attached, wait_stop);
	measure_end(r, start);
	r->done = true;
	/* only stopped tracees can be detached; SEIZE ones need not be */
	if (wait_stop)
		detach_all(attached, pid_max);
	release_target(&t, r);
}

static void bench_getppid(int n, struct result *r)
{
	long long start;
	int i;

	start = measure_begin();
	for (i = 0; i < n; i++)
		syscall(__NR_getppid);
	measure_end(r, start);
	r->done = true;
}

/*
 * The precedent: a tracer that seized every thread exits, and
 * exit_ptrace() detaches them all with tasklist_lock held.  Timed from
 * the go to the tracer's reaping.
 */
static void bench_tracer_exit(int nthreads, unsigned char *attached,
			      long pid_max, struct result *r)
{
	int ready[2], go[2];
	struct target t;
	long long start = 0;
	pid_t tracer;
	long count;

	if (!start_target(&t, nthreads))
		exit(1);
	if (pipe2(ready, O_CLOEXEC) || pipe2(go, O_CLOEXEC)) {
		perror("attach_bench: pipe");
		exit(1);
	}
	tracer = fork();
	if (tracer < 0) {
		perror("attach_bench: fork");
		exit(1);
	}
	if (tracer == 0) {
		close(ready[0]);
		close(go[1]);
		memset(attached, 0, pid_max + 1);
		count = attach_loop(t.pid, attached, false);
		if (write(ready[1], &count, sizeof(count)) != sizeof(count) ||
		    read(go[0], &count, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(ready[1]);
	close(go[0]);
	r->done = read(ready[0], &count, sizeof(count)) == sizeof(count);
	close(ready[0]);
	if (r->done) {
		r->attached = count;
		start = measure_begin();
	}
	close(go[1]);
	waitpid(tracer, NULL, 0);
	if (r->done)
		measure_end(r, start);
	release_target(&t, r);
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

/*
 * Raise a system limit to @min if it is lower and we may (root in the
 * test VM): tens of thousands of threads need more pids, tasks and
 * mappings (a stack and its guard each) than the defaults give.
 */
static void raise_sysctl(const char *path, long min)
{
	char buf[32];
	ssize_t n;
	int fd;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		if (strtol(buf, NULL, 10) < min) {
			n = snprintf(buf, sizeof(buf), "%ld", min);
			if (pwrite(fd, buf, n, 0) != n)
				fprintf(stderr, "attach_bench: cannot raise %s to %ld: %s\n",
					path, min, strerror(errno));
		}
	}
	close(fd);
}

static void print_result(const struct result *r, const struct result *unit)
{
	char attached[24], ratio[24], eintr[24], wait[24];

	if (!r->done) {
		printf("%-30s not supported by this kernel\n", r->name);
		return;
	}
	snprintf(attached, sizeof(attached), "%ld", r->attached);
	snprintf(eintr, sizeof(eintr), "%ld", r->eintr);
	if (unit->done && unit->ms > 0)
		snprintf(ratio, sizeof(ratio), "%.2f", r->ms / unit->ms);
	else
		snprintf(ratio, sizeof(ratio), "-");
	if (r->wait_us >= 0)
		snprintf(wait, sizeof(wait), "%.1f", r->wait_us);
	else
		snprintf(wait, sizeof(wait), "-");
	printf("%-30s %9s %11.3f %10s %7s %12s\n", r->name,
	       r->attached < 0 ? "-" : attached, r->ms, ratio,
	       r->eintr < 0 ? "-" : eintr, wait);
	if (r->stops)
		printf("%-30s %ld unexpected stops\n", "", r->stops);
}

int main(int argc, char **argv)
{
	struct result nostop = {
		.name = "PTRACE_ATTACH_NOSTOP group", .attached = -1, .eintr = -1,
	};
	struct result seize = {
		.name = "PTRACE_SEIZE /proc loop", .attached = -1, .eintr = -1,
	};
	struct result attach = {
		.name = "PTRACE_ATTACH+waitpid loop", .attached = -1, .eintr = -1,
	};
	struct result getppid_r = {
		.name = "getppid() x N", .attached = -1, .eintr = -1,
	};
	struct result detach = {
		.name = "PTRACE_DETACH_NOSTOP group", .attached = -1, .eintr = -1,
	};
	struct result tracer_exit = {
		.name = "exit of a SEIZE tracer", .attached = -1, .eintr = -1,
	};
	unsigned char *attached;
	struct rlimit rl;
	long pid_max;
	int nthreads;
	bool loops;

	nthreads = argc > 1 ? strtol(argv[1], NULL, 10) : DEFAULT_THREADS;
	loops = argc < 3;
	if (nthreads < 1 || argc > 3 || (!loops && strcmp(argv[2], "nostop"))) {
		fprintf(stderr, "usage: %s [threads [nostop]]\n", argv[0]);
		return 2;
	}
	/* two targets at a time, at most: the tracer's exit and the next */
	raise_sysctl("/proc/sys/kernel/pid_max", 2L * nthreads + 4096);
	raise_sysctl("/proc/sys/kernel/threads-max", 2L * nthreads + 4096);
	raise_sysctl("/proc/sys/vm/max_map_count", 4L * nthreads + 65536);
	/* Threads count against RLIMIT_NPROC: take what we may. */
	if (!getrlimit(RLIMIT_NPROC, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NPROC, &rl);
	}
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_max = read_pid_max();
	attached = calloc(pid_max + 1, 1);
	if (shared == MAP_FAILED || !attached) {
		perror("attach_bench: memory");
		return 1;
	}

	printf("attach_bench: %d threads asleep in epoll_wait(), a fresh target per method\n",
	       nthreads);
	start_probe();
	if (!bench_nostop(nthreads, &nostop, &detach))
		printf("attach_bench: no PTRACE_ATTACH_NOSTOP; measuring the others\n");
	if (loops) {
		bench_loop(nthreads, false, attached, pid_max, &seize);
		bench_loop(nthreads, true, attached, pid_max, &attach);
	}
	bench_tracer_exit(nthreads, attached, pid_max, &tracer_exit);
	bench_getppid(nthreads, &getppid_r);
	stop_probe();

	printf("%-30s %9s %11s %10s %7s %12s\n", "method", "attached", "ms",
	       "x NOSTOP", "EINTR", "max wait us");
	print_result(&nostop, &nostop);
	if (loops) {
		print_result(&seize, &nostop);
		print_result(&attach, &nostop);
	}
	print_result(&getppid_r, &nostop);
	printf("%-30s %9s\n", "", "detached");
	print_result(&detach, &nostop);
	print_result(&tracer_exit, &nostop);
	if (nostop.done && nostop.attached != nthreads)
		printf("attach_bench: PTRACE_ATTACH_NOSTOP attached %ld threads, expected %d\n",
		       nostop.attached, nthreads);
	if (nostop.done && nostop.eintr)
		printf("attach_bench: PTRACE_ATTACH_NOSTOP caused %ld EINTRs, expected 0\n",
		       nostop.eintr);
	return nostop.done && (nostop.eintr || nostop.stops ||
			       nostop.attached != nthreads) ? 1 : 0;
}
