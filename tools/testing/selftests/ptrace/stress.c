// SPDX-License-Identifier: GPL-2.0
/*
 * A randomized stress of the ptrace requests, old and new, with invariants
 * checked while it runs: what fixed interleavings of the other tests miss.
 *
 * Tracers attach, arrest, resume and detach at random, with every request,
 * the threads of tracee processes that sleep in timed calls, clone, exit
 * and exec (from any thread: de_thread()), while a third party stops,
 * continues, freezes and kills them.  Checked while it runs:
 *
 *  - no ptrace() call takes longer than CALL_BOUND_SEC, and no tracer
 *    stays in one longer (it is killed, and the run fails);
 *  - after a group PTRACE_DETACH_NOSTOP, or the tracer's exit, no thread
 *    is still traced by it, and none is left in a ptrace-stop untraced;
 *  - after a group PTRACE_REPORT_INTERRUPT of a process attached with
 *    PTRACE_O_TRACETHREADS, every thread the tracer traces stops, those
 *    created during the call too;
 *  - no tracee dies of a signal but the SIGKILL the third party sends,
 *    and in the mixed variant a SIGTRAP, which legacy PTRACE_ATTACH and
 *    PTRACE_DETACH may leave pending (counted: its handler runs, or it
 *    kills a tracee in exec());
 *  - in the "quiet" variant (only the requests that promise not to perturb:
 *    PTRACE_ATTACH_NOSTOP, PTRACE_SEIZE, PTRACE_REPORT without interrupt,
 *    resuming, PTRACE_DETACH_NOSTOP; the third party only kills): no timed
 *    call of a tracee fails with EINTR or ends before its timeout, no
 *    SIGTRAP reaches it, and every PTRACE_REPORT gives a stop, within
 *    REPORT_BOUND_SEC of its thread running, unless the thread exits or
 *    is detached first (a quiet tracer sees its reports come before it
 *    detaches);
 *  - at the end, with the tracers gone, every tracee process runs again,
 *    untraced, and every child is reaped.
 *
 * A kernel report (KASAN, lockdep, hung task, WARN) in the kernel log
 * is the other half of the result: run it on a kernel that has them.
 *
 * Environment: STRESS_DURATION, seconds per variant (default 20);
 * STRESS_SEED, the seed (default: from the clock); STRESS_OPS, a mask of
 * the requests (enum op) it may make, to narrow a failure down.  The seed
 * is printed; the same seed starts the same random sequences, but the
 * choices also follow what the threads did meanwhile: a replay is likely
 * to take another path, and a narrower STRESS_OPS is what repeats a
 * failure.
 * Not a default target ("make stress"): it runs for as long as it is told.
 */
#define _GNU_SOURCE
#include "detach_helpers.h"
#include "report_helpers.h"

#include <stdarg.h>
#include <sys/mount.h>
#include <sys/stat.h>

#define MAX_TRACEES	5
#define MAX_TRACERS	3
#define MAX_THREADS	16	/* per tracee process */
#define MAX_STOPS	256	/* stops a tracer holds at once */
#define MAX_LEGACY	4096	/* PTRACE_ATTACHes in a tracer's life */
#define CALL_BOUND_SEC	30	/* a ptrace() call, on a slow debug kernel */
#define REPORT_BOUND_SEC 10	/* a report, once its thread runs */
#define TRACER_LIFE_MS	3000	/* a tracer exits after at most this */
#define END_BOUND_SEC	30	/* the tracees run again after the end */
#define SLACK_MS	20	/* a jiffies timeout may end this early */
#define MAX_SAID	20	/* violations printed in full */

enum op {
	OP_NOSTOP_GROUP, OP_NOSTOP_ONE, OP_SEIZE, OP_ATTACH, OP_INTERRUPT,
	OP_REPORT_ONE, OP_REPORT_GROUP, OP_ARREST, OP_LISTEN, OP_CONT,
	OP_SYSCALL, OP_SYSEMU, OP_STEP, OP_DETACH, OP_DETACH_NOSTOP_ONE,
	OP_DETACH_NOSTOP_GROUP, NR_OPS
};

static const char *const op_name[NR_OPS] = {
	"ATTACH_NOSTOP group", "ATTACH_NOSTOP", "SEIZE", "ATTACH",
	"INTERRUPT", "REPORT", "REPORT group", "REPORT group interrupt",
	"LISTEN", "CONT", "SYSCALL", "SYSEMU", "SINGLESTEP", "DETACH",
	"DETACH_NOSTOP", "DETACH_NOSTOP group",
};

/* The requests of the quiet variant, which must not perturb the tracee. */
static const bool op_quiet[NR_OPS] = {
	[OP_NOSTOP_GROUP] = true, [OP_NOSTOP_ONE] = true, [OP_SEIZE] = true,
	[OP_REPORT_ONE] = true, [OP_REPORT_GROUP] = true, [OP_CONT] = true,
	[OP_SYSCALL] = true, [OP_STEP] = true,
	[OP_DETACH_NOSTOP_ONE] = true, [OP_DETACH_NOSTOP_GROUP] = true,
};

static const int errnos[] = { ESRCH, EPERM, EBUSY, EIO, EINVAL, EAGAIN, EINTR };
static const char *const errno_names[] = {
	"ESRCH", "EPERM", "EBUSY", "EIO", "EINVAL", "EAGAIN", "EINTR", "other",
};

#define NR_ERRS (ARRAY_SIZE(errnos) + 1)

struct op_stat {
	unsigned long ok;
	unsigned long err[NR_ERRS];	/* as errnos[], then any other */
};

struct tracee_slot {
	pid_t pid;
	unsigned long beat;	/* its threads' loops */
	unsigned long calls;	/* timed calls made */
	unsigned long eintr;	/* timed calls that failed with EINTR */
	unsigned long early;	/* timed calls that ended early */
	unsigned long sigtrap;	/* SIGTRAP handler runs */
	unsigned long execs, clones;
};

struct tracer_slot {
	pid_t pid;
	int op;			/* the request it is in, or -1 */
	long long since;	/* and since when */
};

struct shared {
	int stop;		/* the end: tracers detach and exit */
	int quiet;
	unsigned int ops_mask;	/* STRESS_OPS: the requests it may make */
	unsigned int seed;
	bool freezer;		/* cgroup.freeze works */
	int frozen;		/* the third party froze a tracee */
	struct tracee_slot tracee[MAX_TRACEES];
	struct tracer_slot tracer[MAX_TRACERS];
	struct op_stat ops[NR_OPS];
	unsigned long violations;
	unsigned long kills, stops, freezes, tracer_exits, respawns;
	unsigned long arrests, reports_seen, trap_deaths;
};

static struct shared *sh;

static void violation(const char *fmt, ...)
{
	unsigned long n = __atomic_add_fetch(&sh->violations, 1,
					     __ATOMIC_RELAXED);
	va_list ap;

	if (n > MAX_SAID)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "# stress: VIOLATION: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

#define ADD(field) __atomic_add_fetch(&(field), 1, __ATOMIC_RELAXED)

static unsigned int rnd(unsigned int *r, unsigned int n)
{
	/* xorshift32: the same on every libc */
	*r ^= *r << 13;
	*r ^= *r >> 17;
	*r ^= *r << 5;
	return *r % n;
}

/* The thread group of @tid, -1 once it is gone. */
static pid_t tgid_of(pid_t tid)
{
	char path[64], buf[1024], *p;

	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	if (read_proc(path, buf, sizeof(buf)) <= 0)
		return -1;
	p = strstr(buf, "\nTgid:");
	return p ? strtol(p + strlen("\nTgid:"), NULL, 10) : -1;
}

/* ------------------------------------------------------------------ */
/* Tracees                                                            */
/* ------------------------------------------------------------------ */

static int tracee_idx, tracee_memfd, tracee_threads;
static unsigned int tracee_seed;

static void on_sigtrap(int sig)
{
	ADD(sh->tracee[tracee_idx].sigtrap);
}

/* One timed call that nobody ends early; count what disturbed it. */
static void timed_call(unsigned int *r, int ep, int sock, int *word)
{
	struct tracee_slot *me = &sh->tracee[tracee_idx];
	int ms = 1 + rnd(r, 30), kind = rnd(r, 4);
	long long t0 = now_ns(), tick0 = tick_ms(), took;
	struct timespec ts = { 0, ms * NSEC_PER_MSEC };
	struct epoll_event ev;
	struct timeval tv = { 0, ms * 1000 };
	long ret;
	char c;

	switch (kind) {
	case 0:
		ret = epoll_wait(ep, &ev, 1, ms);
		break;
	case 1:
		ret = syscall(__NR_futex, word, FUTEX_WAIT_PRIVATE, 0, &ts,
			      NULL, 0);
		if (ret < 0 && errno == ETIMEDOUT)
			ret = 0;
		break;
	case 2:
		if (setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
			return;
		ret = recv(sock, &c, 1, 0);
		if (ret < 0 && errno == EAGAIN)
			ret = 0;
		break;
	default:
		ret = nanosleep(&ts, NULL);
		break;
	}
	ADD(me->calls);
	if (ret < 0 && errno == EINTR) {
		ADD(me->eintr);
		if (sh->quiet)
			violation("tracee %d, thread %d: EINTR in a %d ms call (kind %d)",
				  getpid(), gettid(), ms, kind);
		return;
	}
	took = kind == 2 ? tick_ms() - tick0 :
	       (now_ns() - t0) / NSEC_PER_MSEC;
	if (took < ms - (kind == 2 ? SLACK_MS : 0)) {
		ADD(me->early);
		if (sh->quiet)
			violation("tracee %d, thread %d: %d ms call (kind %d) over after %lld",
				  getpid(), gettid(), ms, kind, took);
	}
}

static void tracee_exec(void)
{
	char env[64], *argv[] = { "stress", NULL }, *envp[] = { env, NULL };

	snprintf(env, sizeof(env), "STRESS_TRACEE=%d:%d:%u", tracee_idx,
		 tracee_memfd, tracee_seed + 1);
	ADD(sh->tracee[tracee_idx].execs);
	execve("/proc/self/exe", argv, envp);
	_exit(TRACEE_EXEC_FAILED);
}

static void *tracee_thread(void *arg);

static void tracee_clone(void)
{
	pthread_t t;

	if (__atomic_add_fetch(&tracee_threads, 1, __ATOMIC_RELAXED) >
	    MAX_THREADS || pthread_create(&t, NULL, tracee_thread, NULL)) {
		__atomic_sub_fetch(&tracee_threads, 1, __ATOMIC_RELAXED);
		return;
	}
	pthread_detach(t);
	ADD(sh->tracee[tracee_idx].clones);
}

/* Timed calls, with now and then a new thread, an exit or an exec. */
static void *tracee_thread(void *arg)
{
	unsigned int r = tracee_seed ^ (gettid() * 2654435761u);
	int ep = epoll_create1(EPOLL_CLOEXEC), sv[2], word = 0, n;
	bool leader = arg;

	if (ep < 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		_exit(TRACEE_SETUP_FAILED);
	for (;;) {
		ADD(sh->tracee[tracee_idx].beat);
		n = rnd(&r, 1000);
		if (n < 20) {
			tracee_clone();
		} else if (n < 30 && !leader) {
			tracee_clone();
			break;
		} else if (n < 31) {
			tracee_exec();
		} else {
			timed_call(&r, ep, sv[0], &word);
		}
	}
	close(ep);
	close_pair(sv);
	__atomic_sub_fetch(&tracee_threads, 1, __ATOMIC_RELAXED);
	return NULL;
}

static void tracee_main(void)
{
	struct sigaction sa = { .sa_handler = on_sigtrap };
	int i;

	sigaction(SIGTRAP, &sa, NULL);
	tracee_threads = 1;
	for (i = 0; i < 3; i++)
		tracee_clone();
	tracee_thread((void *)1);
	_exit(TRACEE_BODY_RETURNED);
}

/* An exec()ed tracee goes on here, before the harness's main(). */
static void __attribute__((constructor)) tracee_after_exec(void)
{
	const char *env = getenv("STRESS_TRACEE");

	if (!env || sscanf(env, "%d:%d:%u", &tracee_idx, &tracee_memfd,
			   &tracee_seed) != 3)
		return;
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED,
		  tracee_memfd, 0);
	if (sh == MAP_FAILED)
		_exit(TRACEE_SETUP_FAILED);
	tracee_main();
}

/* ------------------------------------------------------------------ */
/* Tracers                                                            */
/* ------------------------------------------------------------------ */

struct stop {
	pid_t tid;
	int status;
	int inject;	/* the signal of a signal-delivery-stop */
	long long since;
};

struct tracer {
	int idx;
	unsigned int r;
	struct stop stops[MAX_STOPS];
	int nstops;
	pid_t legacy[MAX_LEGACY];	/* threads attached with PTRACE_ATTACH */
	int nlegacy;
	pid_t sysemu[MAX_STOPS];	/* last resumed with PTRACE_SYSEMU */
	int nsysemu;
	pid_t report_tid[MAX_STOPS];	/* quiet: reports not seen yet */
	long long report_at[MAX_STOPS];
	int nreports;
};

static void forget(struct tracer *t, pid_t tid);

static long traced_call(struct tracer *t, int op, long request, pid_t pid,
			unsigned long addr, unsigned long data)
{
	struct tracer_slot *me = &sh->tracer[t->idx];
	long long t0 = now_ns();
	long ret;
	size_t i;

	__atomic_store_n(&me->since, t0, __ATOMIC_RELAXED);
	__atomic_store_n(&me->op, op, __ATOMIC_RELEASE);
	ret = ptrace_err(request, pid, addr, data);
	__atomic_store_n(&me->op, -1, __ATOMIC_RELEASE);
	if (now_ns() - t0 > CALL_BOUND_SEC * NSEC_PER_SEC)
		violation("%s of %d took %lld ms", op_name[op], pid,
			  (now_ns() - t0) / NSEC_PER_MSEC);
	if (ret >= 0) {
		ADD(sh->ops[op].ok);
		return ret;
	}
	/* not ours, or not stopped any more: what we knew is stale */
	if (ret == -ESRCH)
		forget(t, pid);
	for (i = 0; i < NR_ERRS - 1 && errnos[i] != -ret; i++)
		;
	ADD(sh->ops[op].err[i]);
	return ret;
}

static int find_stop(struct tracer *t, pid_t tid)
{
	int i;

	for (i = 0; i < t->nstops; i++)
		if (t->stops[i].tid == tid)
			return i;
	return -1;
}

static void drop_stop(struct tracer *t, int i)
{
	t->stops[i] = t->stops[--t->nstops];
}

static void drop_report(struct tracer *t, pid_t tid)
{
	int i;

	for (i = 0; i < t->nreports; i++)
		if (t->report_tid[i] == tid) {
			t->report_tid[i] = t->report_tid[--t->nreports];
			t->report_at[i] = t->report_at[t->nreports];
			i--;
		}
}

static bool is_legacy(struct tracer *t, pid_t tid);

/*
 * The threads we last resumed with PTRACE_SYSEMU (PTRACE_LISTEN keeps
 * that), as the kernel's SYSCALL_EMU work: is one of @pid, or @pid
 * itself, running with it?  Detached, it could skip a call on its way.
 */
static bool in_sysemu(struct tracer *t, pid_t pid)
{
	int i;

	for (i = 0; i < t->nsysemu; i++)
		if ((t->sysemu[i] == pid || tgid_of(t->sysemu[i]) == pid) &&
		    find_stop(t, t->sysemu[i]) < 0)
			return true;
	return false;
}

static bool in_sysemu_tid(struct tracer *t, pid_t tid)
{
	int i;

	for (i = 0; i < t->nsysemu; i++)
		if (t->sysemu[i] == tid)
			return true;
	return false;
}

static void sysemu_set(struct tracer *t, pid_t tid, bool on)
{
	int i;

	for (i = 0; i < t->nsysemu && t->sysemu[i] != tid; i++)
		;
	if (i < t->nsysemu && !on)
		t->sysemu[i] = t->sysemu[--t->nsysemu];
	else if (i == t->nsysemu && on && t->nsysemu < MAX_STOPS)
		t->sysemu[t->nsysemu++] = tid;
}

/* Whatever we know of @tid: it is gone, or starts anew with us. */
static void forget(struct tracer *t, pid_t tid)
{
	int i;

	i = find_stop(t, tid);
	if (i >= 0)
		drop_stop(t, i);
	drop_report(t, tid);
	sysemu_set(t, tid, false);
	for (i = 0; i < t->nlegacy; i++)
		if (t->legacy[i] == tid)
			t->legacy[i--] = t->legacy[--t->nlegacy];
}

/*
 * An exec by thread @old of a multi-threaded process: it goes on as the
 * leader, with the leader's tid @tid, and the old leader is gone without
 * an exit we could see (de_thread()).  Move what we know.
 */
static void renamed(struct tracer *t, pid_t old, pid_t tid)
{
	bool legacy = is_legacy(t, old), emu = in_sysemu_tid(t, old);
	int i;

	if (old == tid || old <= 0)
		return;
	for (i = 0; i < t->nreports; i++)
		if (t->report_tid[i] == old)
			t->report_tid[i] = tid;
	forget(t, old);
	forget(t, tid);
	if (legacy && t->nlegacy < MAX_LEGACY)
		t->legacy[t->nlegacy++] = tid;
	sysemu_set(t, tid, emu);
}

static bool is_legacy(struct tracer *t, pid_t tid)
{
	int i;

	for (i = 0; i < t->nlegacy; i++)
		if (t->legacy[i] == tid)
			return true;
	return false;
}

/* For a violation: the threads of @pid, and what we know of them. */
static void show_threads(struct tracer *t, pid_t pid)
{
	char path[64], wchan[64];
	pid_t tids[MAX_THREADS * 2];
	int i, n = list_tasks(pid, tids, MAX_THREADS * 2);
	struct task_info ti;

	for (i = 0; i < n; i++) {
		if (!task_info(pid, tids[i], &ti))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/wchan", tids[i]);
		if (read_proc(path, wchan, sizeof(wchan)) <= 0)
			snprintf(wchan, sizeof(wchan), "?");
		fprintf(stderr, "#   thread %d: state %c, tracer %d, wchan %s%s%s%s\n",
			tids[i], ti.state, ti.tracer, wchan,
			find_stop(t, tids[i]) >= 0 ? ", stop held" : "",
			is_legacy(t, tids[i]) ? ", PTRACE_ATTACH" : "",
			in_sysemu(t, tids[i]) ? ", PTRACE_SYSEMU" : "");
	}
}

/*
 * A syscall-entry stop of @tid, last resumed with PTRACE_SYSEMU, is one
 * whose call the kernel skips: make the thread run the call when it goes
 * on, or it fails where it never could untraced.
 */
static void sysemu_undo(struct tracer *t, pid_t tid)
{
#ifdef __x86_64__
	struct ptrace_syscall_info info;
	struct user_regs_struct regs;
	int i;

	for (i = 0; i < t->nsysemu && t->sysemu[i] != tid; i++)
		;
	if (i == t->nsysemu ||
	    ptrace_err(PTRACE_GET_SYSCALL_INFO, tid, sizeof(info),
		       (unsigned long)&info) <= 0 ||
	    info.op != PTRACE_SYSCALL_INFO_ENTRY ||
	    ptrace_err(PTRACE_GETREGS, tid, 0, (unsigned long)&regs))
		return;
	regs.rip -= 2;		/* the syscall instruction, again */
	regs.rax = regs.orig_rax;
	ptrace_err(PTRACE_SETREGS, tid, 0, (unsigned long)&regs);
#endif
}

/* Let held stop @i go on with PTRACE_CONT, and its signal. */
static void cont_stop(struct tracer *t, int i)
{
	pid_t tid = t->stops[i].tid;

	if (!ptrace_err(PTRACE_CONT, tid, 0, t->stops[i].inject))
		sysemu_set(t, tid, false);
	drop_stop(t, i);
}

/* Collect what the tracees report; keep the stops for the requests. */
static void collect(struct tracer *t)
{
	unsigned long msg;
	int status, i, sig;
	struct stop st;
	pid_t tid;

	while ((tid = waitpid(-1, &status, WNOHANG | __WALL)) > 0) {
		if (!WIFSTOPPED(status)) {
			forget(t, tid);
			continue;
		}
		sig = WSTOPSIG(status);
		st.tid = tid;
		st.status = status;
		st.inject = 0;
		st.since = now_ns();
		msg = 0;
		if (status >> 16)
			ptrace_err(PTRACE_GETEVENTMSG, tid, 0, (unsigned long)&msg);
		if (status >> 16 == PTRACE_EVENT_EXEC)
			renamed(t, msg, tid);
		if (sig == (SIGTRAP | 0x80))
			sysemu_undo(t, tid);
		/*
		 * PTRACE_ATTACH sets no options: without TRACESYSGOOD a
		 * syscall stop would look like a SIGTRAP, and sysemu_undo()
		 * would not know it; without TRACEEXEC, renamed() would not
		 * know of an exec.  Its first stop is not a syscall stop.
		 */
		if (is_legacy(t, tid))
			ptrace_err(PTRACE_SETOPTIONS, tid, 0,
				   PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC);
		if (status >> 16 == PTRACE_EVENT_STOP &&
		    msg == PTRACE_EVENTMSG_REPORT) {
			ADD(sh->reports_seen);
			drop_report(t, tid);
		} else if (!(status >> 16) && sig != SIGTRAP &&
			   sig != (SIGTRAP | 0x80)) {
			siginfo_t si;

			/* a group-stop of PTRACE_ATTACH has no siginfo */
			if (!ptrace_err(PTRACE_GETSIGINFO, tid, 0,
					(unsigned long)&si))
				st.inject = sig;
		}
		i = find_stop(t, tid);
		if (i < 0 && t->nstops == MAX_STOPS) {
			/* let it go on; it is ours to detach later */
			if (!ptrace_err(PTRACE_CONT, tid, 0, st.inject))
				sysemu_set(t, tid, false);
			continue;
		}
		if (i < 0)
			i = t->nstops++;
		t->stops[i] = st;
	}
}

/*
 * A stop held longer than a second goes on: a sibling may wait for the
 * thread (a lock in libc), and a report for its turn to run.
 */
static void release_old_stops(struct tracer *t)
{
	long long old = now_ns() - NSEC_PER_SEC;
	int i;

	for (i = t->nstops - 1; i >= 0; i--)
		if (t->stops[i].since < old)
			cont_stop(t, i);
}

/* A thread of tracee process @slot, or its pid; 0 if there is none. */
static pid_t pick_thread(struct tracer *t, int slot)
{
	pid_t pid = sh->tracee[slot].pid, tids[MAX_THREADS * 2];
	int n;

	if (!pid)
		return 0;
	if (rnd(&t->r, 3) == 0)
		return pid;
	n = list_tasks(pid, tids, MAX_THREADS * 2);
	return n > 0 ? tids[rnd(&t->r, n)] : pid;
}

/*
 * After its group detach, or its exit: no thread of @pid is traced by
 * @tracer, or stopped for a tracer without one.
 */
static void check_released(pid_t pid, pid_t tracer, const char *after)
{
	pid_t tids[MAX_THREADS * 2];
	struct task_info ti;
	int i, n, again;

	n = list_tasks(pid, tids, MAX_THREADS * 2);
	for (i = 0; i < n; i++) {
		if (!task_info(pid, tids[i], &ti))
			continue;
		if (tracer ? ti.tracer == tracer : ti.tracer != 0) {
			violation("thread %d of %d still traced by %d after %s",
				  tids[i], pid, ti.tracer, after);
			continue;
		}
		/* another tracer may stop it and detach between the lines */
		for (again = 0; again < 3 && ti.state == 't' && !ti.tracer;
		     again++) {
			usleep(100000);
			if (!task_info(pid, tids[i], &ti))
				break;
		}
		if (again == 3)
			violation("thread %d of %d in a ptrace-stop, untraced, after %s",
				  tids[i], pid, after);
	}
}

/*
 * A group PTRACE_REPORT_INTERRUPT of a process we group-attached with
 * PTRACE_O_TRACETHREADS: every thread we trace stops, those cloned
 * during the call included (threads we attached with PTRACE_ATTACH are
 * not seized, and not arrested).
 */
static void group_arrest(struct tracer *t, int slot)
{
	pid_t pid = sh->tracee[slot].pid, tids[MAX_THREADS * 2], running;
	long long deadline;
	struct task_info ti;
	int i, n;

	if (traced_call(t, OP_ARREST, PTRACE_REPORT, pid,
			PTRACE_NOSTOP_THREAD_GROUP | PTRACE_REPORT_INTERRUPT,
			0) < 0)
		return;
	ADD(sh->arrests);
	deadline = now_ns() + CALL_BOUND_SEC * NSEC_PER_SEC;
	for (;;) {
		collect(t);
		n = list_tasks(pid, tids, MAX_THREADS * 2);
		running = 0;
		for (i = 0; i < n && !running; i++) {
			if (find_stop(t, tids[i]) >= 0 ||
			    is_legacy(t, tids[i]) ||
			    !task_info(pid, tids[i], &ti) ||
			    ti.tracer != getpid() || ti.state == 't' ||
			    ti.state == 'Z' || ti.state == 'X')
				continue;
			running = tids[i];
		}
		if (!running || sh->tracee[slot].pid != pid)
			return;
		/* frozen, it stops once thawed */
		if (__atomic_load_n(&sh->frozen, __ATOMIC_ACQUIRE))
			deadline = now_ns() + CALL_BOUND_SEC * NSEC_PER_SEC;
		if (now_ns() > deadline) {
			violation("thread %d of %d (state %c) escaped a group arrest",
				  running, pid, ti.state);
			show_threads(t, pid);
			return;
		}
		usleep(1000);
	}
}

static void resume(struct tracer *t, int op)
{
	static const long req[NR_OPS] = {
		[OP_LISTEN] = PTRACE_LISTEN, [OP_CONT] = PTRACE_CONT,
		[OP_SYSCALL] = PTRACE_SYSCALL,
#ifdef __x86_64__
		[OP_SYSEMU] = PTRACE_SYSEMU,
#endif
		[OP_STEP] = PTRACE_SINGLESTEP, [OP_DETACH] = PTRACE_DETACH,
	};
	long ret;
	pid_t tid;
	int i;

	if (!t->nstops)
		return;
	i = rnd(&t->r, t->nstops);
	tid = t->stops[i].tid;
#ifndef __x86_64__
	/* only here does sysemu_undo() know how to run the call again */
	if (op == OP_SYSEMU)
		op = OP_SYSCALL;
#endif
	/* on ESRCH, traced_call() forgets the stop with the rest */
	ret = traced_call(t, op, req[op], tid, 0, t->stops[i].inject);
	if (ret)
		return;
	drop_stop(t, i);
	if (op == OP_DETACH)
		forget(t, tid);
	else if (op != OP_LISTEN)
		sysemu_set(t, tid, op == OP_SYSEMU);
}

/* PTRACE_INTERRUPT every thread of @pid that we trace. */
static void interrupt_all(struct tracer *t, pid_t pid)
{
	pid_t tids[MAX_THREADS * 2];
	int i, n = list_tasks(pid, tids, MAX_THREADS * 2);

	for (i = 0; i < n; i++)
		if (tracer_of(pid, tids[i]) == getpid())
			traced_call(t, OP_INTERRUPT, PTRACE_INTERRUPT, tids[i],
				    0, 0);
}

/* A thread of @pid that we trace, 0 if none. */
static pid_t traced_thread(pid_t pid)
{
	pid_t tids[MAX_THREADS * 2];
	int i, n = list_tasks(pid, tids, MAX_THREADS * 2);

	for (i = 0; i < n; i++)
		if (tracer_of(pid, tids[i]) == getpid())
			return tids[i];
	return 0;
}

/* @tid is a thread of @pid, or gone: one read of /proc. */
static bool of_or_gone(pid_t tid, pid_t pid)
{
	pid_t tgid = tgid_of(tid);

	return tgid == pid || tgid < 0;
}

/*
 * Let every thread of @slot go.  A thread we left stepping, or in
 * PTRACE_SYSEMU, is not detached while it runs (EBUSY): it stops soon,
 * for its trap or its next system call, and is detached then.
 */
static void detach_group(struct tracer *t, int slot)
{
	pid_t pid = sh->tracee[slot].pid, tid;
	long long deadline = now_ns() + CALL_BOUND_SEC * NSEC_PER_SEC;
	long ret = -ESRCH;
	int i;

	if (!pid)
		return;
	/*
	 * A thread on its way to a PTRACE_SYSEMU stop: let it get there (a
	 * listener with it only once PTRACE_INTERRUPT stops it).
	 */
	while (in_sysemu(t, pid) && now_ns() < deadline) {
		if (!sh->quiet)
			interrupt_all(t, pid);
		usleep(1000);
		collect(t);
	}
	deadline = now_ns() + CALL_BOUND_SEC * NSEC_PER_SEC;
	/* it names a thread we trace; a thread may exit meanwhile */
	while ((tid = traced_thread(pid))) {
		ret = traced_call(t, OP_DETACH_NOSTOP_GROUP,
				  PTRACE_DETACH_NOSTOP, tid,
				  PTRACE_NOSTOP_THREAD_GROUP, 0);
		if (ret >= 0)
			break;
		if (now_ns() > deadline) {
			violation("group detach of %d: %s for %d s", pid,
				  strerror(-ret), CALL_BOUND_SEC);
			show_threads(t, pid);
			return;
		}
		if (ret == -EBUSY) {
			usleep(1000);
			/* a listener stays in its group stop: stop it */
			if (!sh->quiet)
				interrupt_all(t, pid);
			/* a stepping thread may wait for a lock of one held */
			for (i = t->nstops - 1; i >= 0; i--)
				if (tgid_of(t->stops[i].tid) == pid)
					cont_stop(t, i);
		}
		collect(t);
	}
	for (i = t->nstops - 1; i >= 0; i--)
		if (of_or_gone(t->stops[i].tid, pid))
			drop_stop(t, i);
	if (ret >= 0) {
		for (i = 0; i < t->nsysemu; i++)
			if (of_or_gone(t->sysemu[i], pid))
				sysemu_set(t, t->sysemu[i--], false);
		for (i = 0; i < t->nreports; i++)
			if (of_or_gone(t->report_tid[i], pid))
				drop_report(t, t->report_tid[i--]);
		check_released(pid, getpid(), "its group detach");
	}
}

static void one_op(struct tracer *t)
{
	int slot = rnd(&t->r, MAX_TRACEES), op;
	pid_t pid = sh->tracee[slot].pid, tid;
	unsigned long opts;

	do
		op = rnd(&t->r, NR_OPS);
	while (!(sh->ops_mask & (1u << op)));
	if (!pid)
		return;
	tid = pick_thread(t, slot);
	opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC;
	if (rnd(&t->r, 2))
		opts |= PTRACE_O_TRACETHREADS;
	switch (op) {
	case OP_NOSTOP_GROUP:
		traced_call(t, op, PTRACE_ATTACH_NOSTOP, tid,
			    PTRACE_NOSTOP_THREAD_GROUP |
			    (rnd(&t->r, 2) ? PTRACE_NOSTOP_SYSCALL : 0), opts);
		break;
	case OP_NOSTOP_ONE:
		if (traced_call(t, op, PTRACE_ATTACH_NOSTOP, tid,
				rnd(&t->r, 2) ? PTRACE_NOSTOP_SYSCALL : 0,
				opts) > 0)
			forget(t, tid);
		break;
	case OP_SEIZE:
		if (!traced_call(t, op, PTRACE_SEIZE, tid, 0,
				 opts & ~PTRACE_O_TRACETHREADS))
			forget(t, tid);
		break;
	case OP_ATTACH:
		/* collect() must know them all */
		if (t->nlegacy < MAX_LEGACY &&
		    !traced_call(t, op, PTRACE_ATTACH, tid, 0, 0)) {
			forget(t, tid);
			t->legacy[t->nlegacy++] = tid;
		}
		break;
	case OP_INTERRUPT:
		traced_call(t, op, PTRACE_INTERRUPT, tid, 0, 0);
		break;
	case OP_REPORT_ONE:
		if (!traced_call(t, op, PTRACE_REPORT, tid, 0, 0) &&
		    sh->quiet && t->nreports < MAX_STOPS) {
			t->report_tid[t->nreports] = tid;
			t->report_at[t->nreports++] = now_ns();
		}
		break;
	case OP_REPORT_GROUP:
		traced_call(t, op, PTRACE_REPORT, tid,
			    PTRACE_NOSTOP_THREAD_GROUP, 0);
		break;
	case OP_ARREST:
		group_arrest(t, slot);
		break;
	case OP_DETACH_NOSTOP_ONE:
		if (in_sysemu(t, tid))
			break;
		if (traced_call(t, op, PTRACE_DETACH_NOSTOP, tid, 0, 0) > 0)
			forget(t, tid);
		break;
	case OP_DETACH_NOSTOP_GROUP:
		detach_group(t, slot);
		break;
	default:
		resume(t, op);
		break;
	}
}

/*
 * A report asked in the quiet variant comes within REPORT_BOUND_SEC of
 * its thread running (a held stop puts it off), unless the thread is gone
 * or not ours any more; @all: now, for every report still asked.
 */
static void check_reports(struct tracer *t, bool all)
{
	long long now = now_ns();
	int i;

	for (i = 0; i < t->nreports; i++) {
		pid_t tid = t->report_tid[i];

		if (find_stop(t, tid) >= 0) {
			t->report_at[i] = now;
			continue;
		}
		if (!all &&
		    now - t->report_at[i] < REPORT_BOUND_SEC * NSEC_PER_SEC)
			continue;
		if (tgid_of(tid) > 0 && tracer_of(tgid_of(tid), tid) == getpid())
			violation("no report from %d %d s after PTRACE_REPORT",
				  tid, REPORT_BOUND_SEC);
		drop_report(t, tid);
		i--;
	}
}

/* The end of a quiet tracer: every report it asked for comes first. */
static void settle_reports(struct tracer *t)
{
	long long deadline = now_ns() + REPORT_BOUND_SEC * NSEC_PER_SEC;

	while (t->nreports && now_ns() < deadline) {
		collect(t);
		while (t->nstops)
			cont_stop(t, 0);
		usleep(1000);
	}
	collect(t);
	check_reports(t, true);
}

/*
 * An attach waits for the cred_guard_mutex of an exec(), whose
 * de_thread() waits for its other threads to be reaped: by us, if we
 * trace them, or by another tracer that waits for an exec of ours.  A
 * real tracer reaps from another thread; so do we.
 */
static void *reaper(void *arg)
{
	struct tracer_slot *me = arg;
	siginfo_t si;
	int op;

	for (;;) {
		op = __atomic_load_n(&me->op, __ATOMIC_ACQUIRE);
		if (op >= OP_NOSTOP_GROUP && op <= OP_ATTACH &&
		    now_ns() - me->since > 100 * NSEC_PER_MSEC) {
			si.si_pid = 0;
			while (!waitid(P_ALL, 0, &si, WEXITED | WNOHANG | __WALL) &&
			       si.si_pid)
				si.si_pid = 0;
		}
		usleep(10000);
	}
	return NULL;
}

static void tracer_main(int idx, unsigned int seed)
{
	struct tracer *t = calloc(1, sizeof(*t));
	long long end;
	pthread_t th;
	int slot;

	if (!t || pthread_create(&th, NULL, reaper, &sh->tracer[idx]))
		_exit(TRACEE_SETUP_FAILED);
	t->idx = idx;
	t->r = seed | 1;
	end = now_ns() + (100 + rnd(&t->r, TRACER_LIFE_MS)) * NSEC_PER_MSEC;
	while (!__atomic_load_n(&sh->stop, __ATOMIC_ACQUIRE) &&
	       now_ns() < end) {
		collect(t);
		one_op(t);
		release_old_stops(t);
		check_reports(t, false);
	}
	/*
	 * The quiet variant detaches first; the other one now and then, and
	 * always with a thread that may be on its way to a PTRACE_SYSEMU
	 * stop: untraced, the call would be skipped.
	 */
	collect(t);
	if (sh->quiet)
		settle_reports(t);
	if (sh->quiet || sh->stop || t->nsysemu || rnd(&t->r, 2))
		for (slot = 0; slot < MAX_TRACEES; slot++)
			detach_group(t, slot);
	_exit(0);
}

/* ------------------------------------------------------------------ */
/* The third party, and the run                                       */
/* ------------------------------------------------------------------ */

#define CGROUP_DIR	"/sys/fs/cgroup/ptrace-stress"

static bool write_file(const char *path, const char *what)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = write(fd, what, strlen(what)) == (ssize_t)strlen(what);
	close(fd);
	return ok;
}

/* Nothing in @path, a directory. */
static bool dir_empty(const char *path)
{
	DIR *dir = opendir(path);
	struct dirent *de;
	bool empty = true;

	if (!dir)
		return false;
	while (empty && (de = readdir(dir)))
		empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
	closedir(dir);
	return empty;
}

/*
 * cgroup v2 with its freezer: mounted here only on an empty
 * /sys/fs/cgroup (a bare test machine), else as the system has it.
 */
static bool freezer_setup(void)
{
	if (access("/sys/fs/cgroup/cgroup.procs", F_OK) &&
	    (!dir_empty("/sys/fs/cgroup") ||
	     mount("cgroup2", "/sys/fs/cgroup", "cgroup2", 0, NULL)))
		return false;
	if (mkdir(CGROUP_DIR, 0755) && errno != EEXIST)
		return false;
	return access(CGROUP_DIR "/cgroup.freeze", W_OK) == 0;
}

static void set_frozen(bool on)
{
	write_file(CGROUP_DIR "/cgroup.freeze", on ? "1" : "0");
}

/* Stops, continues, freezes and kills tracees; the quiet variant: kills. */
static void third_party(unsigned int seed)
{
	unsigned int r = seed | 1;
	bool frozen = false;
	int n;
	char buf[32];
	pid_t pid;

	while (!__atomic_load_n(&sh->stop, __ATOMIC_ACQUIRE)) {
		usleep(1000 * (1 + rnd(&r, 50)));
		if (frozen) {
			set_frozen(false);
			__atomic_store_n(&sh->frozen, 0, __ATOMIC_RELEASE);
			frozen = false;
		}
		n = rnd(&r, 100);
		pid = sh->tracee[rnd(&r, MAX_TRACEES)].pid;
		if (!pid)
			continue;
		if (n < 3) {
			ADD(sh->kills);
			kill(pid, SIGKILL);
		} else if (sh->quiet) {
			continue;
		} else if (n < 30) {
			ADD(sh->stops);
			kill(pid, SIGSTOP);
		} else if (n < 60) {
			kill(pid, SIGCONT);
		} else if (n < 70 && sh->freezer) {
			/* it stays in the cgroup: the next freeze takes it too */
			snprintf(buf, sizeof(buf), "%d", pid);
			if (!write_file(CGROUP_DIR "/cgroup.procs", buf))
				continue;
			__atomic_store_n(&sh->frozen, 1, __ATOMIC_RELEASE);
			ADD(sh->freezes);
			set_frozen(true);
			frozen = true;
		}
	}
	set_frozen(false);
	_exit(0);
}

static pid_t spawn_tracee(int idx, int memfd)
{
	pid_t pid = fork();

	if (pid == 0) {
		tracee_idx = idx;
		tracee_memfd = memfd;
		tracee_seed = sh->seed ^ (idx * 7919u + sh->respawns);
		tracee_main();
	}
	return pid > 0 ? pid : 0;
}

static pid_t spawn_tracer(int idx)
{
	unsigned int seed = sh->seed ^ (idx * 104729u + sh->tracer_exits);
	pid_t pid;

	sh->tracer[idx].op = -1;
	pid = fork();
	if (pid == 0)
		tracer_main(idx, seed);
	return pid > 0 ? pid : 0;
}

/* The tracer in a request for too long: say where, and kill it. */
static void check_tracers(void)
{
	char path[64], buf[4096];
	int i, op;

	for (i = 0; i < MAX_TRACERS; i++) {
		struct tracer_slot *s = &sh->tracer[i];

		op = __atomic_load_n(&s->op, __ATOMIC_ACQUIRE);
		if (!s->pid || op < 0 ||
		    now_ns() - s->since < CALL_BOUND_SEC * NSEC_PER_SEC)
			continue;
		violation("tracer %d blocked in %s for %d s", s->pid,
			  op_name[op], CALL_BOUND_SEC);
		snprintf(path, sizeof(path), "/proc/%d/stack", s->pid);
		if (read_proc(path, buf, sizeof(buf)) > 0)
			fprintf(stderr, "# %s", buf);
		kill(s->pid, SIGKILL);
		s->op = -1;
	}
}

/* A child of ours ended: start another, check what a tracer left. */
static void reaped(pid_t pid, int status, int memfd, bool respawn)
{
	int i;

	for (i = 0; i < MAX_TRACEES; i++) {
		if (sh->tracee[i].pid != pid)
			continue;
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGTRAP &&
		    !sh->quiet)
			ADD(sh->trap_deaths);
		else if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL)
			violation("tracee %d killed by signal %d", pid,
				  WTERMSIG(status));
		if (WIFEXITED(status))
			violation("tracee %d exited with %d", pid,
				  WEXITSTATUS(status));
		sh->tracee[i].pid = 0;
		ADD(sh->respawns);
		if (respawn)
			sh->tracee[i].pid = spawn_tracee(i, memfd);
		return;
	}
	for (i = 0; i < MAX_TRACERS; i++) {
		if (sh->tracer[i].pid != pid)
			continue;
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			violation("tracer %d ended with status %#x", pid,
				  status);
		for (int j = 0; j < MAX_TRACEES; j++)
			if (sh->tracee[j].pid)
				check_released(sh->tracee[j].pid, pid,
					       "its tracer's exit");
		ADD(sh->tracer_exits);
		sh->tracer[i].pid = respawn ? spawn_tracer(i) : 0;
		return;
	}
}

static void print_stats(double secs)
{
	unsigned long total = 0, calls = 0, eintr = 0, early = 0, trap = 0;
	unsigned long execs = 0, clones = 0;
	char line[256];
	size_t i, j;
	int len;

	for (i = 0; i < NR_OPS; i++) {
		unsigned long sum = sh->ops[i].ok;

		len = snprintf(line, sizeof(line), "%-24s ok %6lu", op_name[i],
			       sh->ops[i].ok);
		for (j = 0; j < NR_ERRS; j++) {
			sum += sh->ops[i].err[j];
			if (sh->ops[i].err[j])
				len += snprintf(line + len, sizeof(line) - len,
						"  %s %lu", errno_names[j],
						sh->ops[i].err[j]);
		}
		total += sum;
		if (sum)
			ksft_print_msg("%s\n", line);
	}
	for (i = 0; i < MAX_TRACEES; i++) {
		calls += sh->tracee[i].calls;
		eintr += sh->tracee[i].eintr;
		early += sh->tracee[i].early;
		trap += sh->tracee[i].sigtrap;
		execs += sh->tracee[i].execs;
		clones += sh->tracee[i].clones;
	}
	ksft_print_msg("%lu ptrace calls in %.0f s: %.0f per second\n",
		       total, secs, total / secs);
	ksft_print_msg("%lu group arrests, %lu reports seen\n", sh->arrests,
		       sh->reports_seen);
	ksft_print_msg("tracees: %lu timed calls, %lu EINTR, %lu early\n",
		       calls, eintr, early);
	ksft_print_msg("tracees: %lu SIGTRAP, %lu deaths of it\n", trap,
		       sh->trap_deaths);
	ksft_print_msg("tracees: %lu clones, %lu execs, %lu restarts\n",
		       clones, execs, sh->respawns);
	ksft_print_msg("third party: %lu SIGKILL, %lu SIGSTOP, %lu freezes%s\n",
		       sh->kills, sh->stops, sh->freezes,
		       sh->freezer ? "" : " (no cgroup freezer)");
	ksft_print_msg("%lu tracer exits\n", sh->tracer_exits);
	ksft_print_msg("violations: %lu\n", sh->violations);
}

/* With the tracers gone, every tracee runs again, untraced. */
static void check_tracees_run(void)
{
	unsigned long beat[MAX_TRACEES];
	long long deadline = now_ns() + END_BOUND_SEC * NSEC_PER_SEC;
	int i, left;

	for (i = 0; i < MAX_TRACEES; i++) {
		beat[i] = __atomic_load_n(&sh->tracee[i].beat, __ATOMIC_ACQUIRE);
		if (sh->tracee[i].pid)
			check_released(sh->tracee[i].pid, 0, "the end");
	}
	do {
		usleep(10000);
		for (i = 0, left = 0; i < MAX_TRACEES; i++)
			if (sh->tracee[i].pid &&
			    __atomic_load_n(&sh->tracee[i].beat,
					    __ATOMIC_ACQUIRE) == beat[i])
				left++;
	} while (left && now_ns() < deadline);
	for (i = 0; i < MAX_TRACEES; i++)
		if (sh->tracee[i].pid &&
		    __atomic_load_n(&sh->tracee[i].beat, __ATOMIC_ACQUIRE) == beat[i])
			violation("tracee %d (state %c) does not run after the end",
				  sh->tracee[i].pid, proc_state(sh->tracee[i].pid));
}

FIXTURE(stress) {
	int memfd;
};

FIXTURE_VARIANT(stress) {
	bool quiet;
};

FIXTURE_VARIANT_ADD(stress, mixed) {
	.quiet = false,
};

FIXTURE_VARIANT_ADD(stress, quiet) {
	.quiet = true,
};

/*
 * Wait for @child, reaping any other child meanwhile, and end as it ended:
 * the harness shares the test's result (_metadata) with every process.
 */
static void __noreturn
end_as(struct __test_metadata *_metadata, pid_t child)
{
	int status;
	pid_t pid;

	do
		pid = wait(&status);
	while (pid != child && (pid > 0 || errno == EINTR));
	if (pid < 0 || WIFSIGNALED(status)) {
		TH_LOG("test process %d: %s", child,
		       pid < 0 ? strerror(errno) : strsignal(WTERMSIG(status)));
		_metadata->exit_code = KSFT_FAIL;
	}
	_exit(pid > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : 0);
}

/*
 * The run in its own pid and mount namespaces, where it may make them:
 * whatever it leaves dies with the namespace, and the /proc it mounts,
 * and the cgroup2 it mounts if it does, are mounts of its own (the
 * cgroup it makes is not).  Its init only reaps: the test runs as pid 2,
 * where an assertion's abort() is not a signal init ignores.
 */
static void own_namespaces(struct __test_metadata *_metadata)
{
	pid_t init, test;

	if (unshare(CLONE_NEWPID | CLONE_NEWNS)) {
		ksft_print_msg("in the caller's namespaces: unshare: %s\n",
			       strerror(errno));
		return;
	}
	fflush(stdout);
	init = fork();
	ASSERT_LE(0, init);
	if (init)
		end_as(_metadata, init);
	test = fork();
	if (test < 0)
		_exit(KSFT_FAIL);
	if (test)
		end_as(_metadata, test);
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	ASSERT_EQ(0, mount("proc", "/proc", "proc", 0, NULL));
}

FIXTURE_SETUP(stress)
{
	if (!nostop_supported())
		SKIP(return, "PTRACE_ATTACH_NOSTOP not supported");
	own_namespaces(_metadata);
	self->memfd = memfd_create("ptrace-stress", 0);
	ASSERT_LE(0, self->memfd);
	ASSERT_EQ(0, ftruncate(self->memfd, sizeof(*sh)));
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED,
		  self->memfd, 0);
	ASSERT_NE(MAP_FAILED, sh);
}

FIXTURE_TEARDOWN(stress)
{
}

/* Bounded by STRESS_DURATION; the harness's own timeout is far above. */
TEST_F_TIMEOUT(stress, run, 24 * 3600)
{
	const char *d = getenv("STRESS_DURATION"), *s = getenv("STRESS_SEED");
	const char *o = getenv("STRESS_OPS");
	int duration = d ? atoi(d) : 20, status, i;
	long long t0 = now_ns(), end = t0 + duration * NSEC_PER_SEC, bound;
	pid_t pid, party;

	sh->quiet = variant->quiet;
	sh->seed = s ? strtoul(s, NULL, 0) : (unsigned int)t0;
	for (i = 0; i < NR_OPS; i++)
		if (!variant->quiet || op_quiet[i])
			sh->ops_mask |= 1u << i;
	if (o)
		sh->ops_mask &= strtoul(o, NULL, 0);
	if (!sh->ops_mask)
		SKIP(return, "no request left in STRESS_OPS");
	sh->freezer = !sh->quiet && freezer_setup();
	ksft_print_msg("%s: %d s, STRESS_SEED=%u STRESS_OPS=%#x\n",
		       variant->quiet ? "quiet" : "mixed", duration, sh->seed,
		       sh->ops_mask);
	/* the tracees are ours to reap; the tracers are not their parents */
	for (i = 0; i < MAX_TRACEES; i++)
		sh->tracee[i].pid = spawn_tracee(i, self->memfd);
	for (i = 0; i < MAX_TRACERS; i++)
		sh->tracer[i].pid = spawn_tracer(i);
	party = fork();
	if (party == 0)
		third_party(sh->seed ^ 0x5eed);
	ASSERT_LT(0, party);

	while (now_ns() < end) {
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			reaped(pid, status, self->memfd, true);
		check_tracers();
		usleep(10000);
	}

	/* the end: tracers detach and exit, the third party lets go */
	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELEASE);
	bound = now_ns() + 2 * CALL_BOUND_SEC * NSEC_PER_SEC;
	for (;;) {
		for (i = 0; i < MAX_TRACERS && !sh->tracer[i].pid; i++)
			;
		if (i == MAX_TRACERS && !party)
			break;
		if (now_ns() > bound) {
			violation("tracers or third party still there %d s after the end",
				  2 * CALL_BOUND_SEC);
			for (i = 0; i < MAX_TRACERS; i++)
				if (sh->tracer[i].pid)
					kill(sh->tracer[i].pid, SIGKILL);
			if (party)
				kill(party, SIGKILL);
			bound = LLONG_MAX;
		}
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			if (pid == party)
				party = 0;
			else
				reaped(pid, status, self->memfd, false);
		}
		check_tracers();
		usleep(10000);
	}
	/* what a legacy PTRACE_ATTACH left pending may stop them still */
	for (i = 0; i < MAX_TRACEES; i++)
		if (sh->tracee[i].pid && !sh->quiet)
			kill(sh->tracee[i].pid, SIGCONT);
	check_tracees_run();

	for (i = 0; i < MAX_TRACEES; i++)
		if (sh->tracee[i].pid)
			kill(sh->tracee[i].pid, SIGKILL);
	bound = now_ns() + END_BOUND_SEC * NSEC_PER_SEC;
	for (;;) {
		for (i = 0; i < MAX_TRACEES && !sh->tracee[i].pid; i++)
			;
		if (i == MAX_TRACEES)
			break;
		ASSERT_GT(bound, now_ns()) {
			TH_LOG("tracee %d not reaped %d s after SIGKILL",
			       sh->tracee[i].pid, END_BOUND_SEC);
		}
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			reaped(pid, status, self->memfd, false);
		usleep(10000);
	}
	if (sh->freezer)
		rmdir(CGROUP_DIR);
	print_stats((now_ns() - t0) / 1e9);
	EXPECT_EQ(0, sh->violations);
	if (variant->quiet) {
		unsigned long sum = 0;

		for (i = 0; i < MAX_TRACEES; i++)
			sum += sh->tracee[i].eintr + sh->tracee[i].early +
			       sh->tracee[i].sigtrap;
		EXPECT_EQ(0, sum);
	}
}

TEST_HARNESS_MAIN
