/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fixture of the PTRACE_ATTACH_NOSTOP tests, for every program that
 * checks what becomes of a tracee attached that way: the tracee (and maybe
 * a second tracer) forked with pipes to talk to it, the bodies more than
 * one program runs, and a group request held between two batches of its
 * walk of the thread group (fail_ptrace_walk of the debug kernel).
 *
 * A program whose tests need a request on top of PTRACE_ATTACH_NOSTOP
 * defines NOSTOP_NEEDS, a probe for it that takes the test's _metadata
 * and returns whether the kernel has it, and NOSTOP_NEEDS_NAME, before it
 * includes this: every test of the fixture then skips on a kernel without
 * it.
 */
#ifndef __PTRACE_NOSTOP_FIXTURE_H
#define __PTRACE_NOSTOP_FIXTURE_H

#include "nostop_helpers.h"

/* Re-executing ourselves with this argument runs exec_helper(). */
#define EXEC_HELPER_ARG		"--nostop-exec-helper"

/* body_threads() reports the tids of at most this many threads. */
#define MAX_REPORTED_TIDS	16

#define YAMA_SCOPE		"/proc/sys/kernel/yama/ptrace_scope"

/* Filled in by the tracer before fork() for bodies that need them. */
static int threads_wanted;
static int threads_leader_exits;

/* ------------------------------------------------------------------ */
/* Tracee side: never ASSERT here, it would only end this process.    */
/* ------------------------------------------------------------------ */

/* Announce ourselves and idle until told to exit. */
static inline void body_idle(const struct chan *c)
{
	say(c, 'r');
	hear(c);
	_exit(0);
}

/* Prove we run after a go: echo it back, then exit 0 on the next one. */
static inline void body_echo(const struct chan *c)
{
	say(c, 'r');
	hear(c);
	say(c, 'a');
	hear(c);
	_exit(0);
}

/* --- Passive tracing --- */

#define READERS			4

/* One pipe per reader thread: a byte wakes exactly that one. */
static int reader_pipes[READERS][2];

/* Wait for a byte, make one getppid() and wait again; exit on a 'q'. */
static inline void *thread_reader(void *arg)
{
	int fd = reader_pipes[(long)arg][0];
	char b;

	for (;;) {
		if (read(fd, &b, 1) != 1)
			_exit(TRACEE_PIPE_FAILED);
		if (b == 'q')
			_exit(0);
		syscall(__NR_getppid);
	}
	return NULL;
}

/* READERS threads, main included, each in thread_reader() on its pipe */
static inline void body_readers(const struct chan *c)
{
	pthread_attr_t attr;
	pthread_t thread;
	long i;

	if (small_stack(&attr))
		_exit(TRACEE_SETUP_FAILED);
	for (i = 1; i < READERS; i++) {
		if (pthread_create(&thread, &attr, thread_reader, (void *)i))
			_exit(TRACEE_SETUP_FAILED);
	}
	say(c, 'r');
	thread_reader((void *)0);
}

/* --- exec() --- */

/* The pipes of exec_helper(), by number */
struct exec_args {
	char go[16], report[16];
};

/* The new image talks to the tracer on copies that survive exec. */
static inline void exec_helper_args(const struct chan *c,
				    struct exec_args *a)
{
	int go_fd = dup(c->go), report_fd = dup(c->report);

	if (go_fd < 0 || report_fd < 0)
		_exit(TRACEE_SETUP_FAILED);
	snprintf(a->go, sizeof(a->go), "%d", go_fd);
	snprintf(a->report, sizeof(a->report), "%d", report_fd);
}

/* Exec exec_helper(), which says 'e' and exits 0 on a go. */
static inline void exec_helper_image(const struct exec_args *a)
{
	execl("/proc/self/exe", "nostop_exec_helper", EXEC_HELPER_ARG, a->go,
	      a->report, (char *)NULL);
	_exit(TRACEE_EXEC_FAILED);
}

/* The exec'd image: say 'e', exit 0 on the next go. */
static inline int exec_helper(const char *go_arg, const char *report_arg)
{
	int go = strtol(go_arg, NULL, 10);
	int report = strtol(report_arg, NULL, 10);
	char msg = 'e';

	if (write(report, &msg, 1) != 1)
		return TRACEE_PIPE_FAILED;
	while (read(go, &msg, 1) < 0 && errno == EINTR)
		;
	return 0;
}

/* What main() of a program of the fixture does: the tests, or the image */
static inline int nostop_main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], EXEC_HELPER_ARG))
		return exec_helper(argv[2], argv[3]);
	return test_harness_run(argc, argv);
}

/* --- Multi-threaded tracees --- */

static pthread_barrier_t threads_barrier;

/* Never woken: FUTEX_WAIT on it sleeps until the process dies. */
static int park_word;

static inline void park_forever(void)
{
	for (;;)
		syscall(__NR_futex, &park_word, FUTEX_WAIT_PRIVATE, 0,
			NULL, NULL, 0);
}

static inline void *thread_sleep(void *arg)
{
	pid_t *slot = arg;

	*slot = sys_gettid();
	pthread_barrier_wait(&threads_barrier);
	park_forever();
	return NULL;
}

/*
 * Run as threads_wanted threads, main included, all parked on a futex.
 * Report the count (or -error of pthread_create()) and, for a few threads,
 * their tids, main's first.  Then idle or, if threads_leader_exits, leave
 * the leader a zombie with pthread_exit().
 */
static inline void body_threads(const struct chan *c)
{
	int n = threads_wanted, i, err;
	pthread_attr_t attr;
	pthread_t thread;
	pid_t *tids;

	tids = calloc(n, sizeof(*tids));
	if (!tids || small_stack(&attr) ||
	    pthread_barrier_init(&threads_barrier, NULL, n))
		_exit(TRACEE_SETUP_FAILED);
	tids[0] = getpid();
	for (i = 1; i < n; i++) {
		err = pthread_create(&thread, &attr, thread_sleep, &tids[i]);
		if (err) {
			say_int(c, -err);
			_exit(TRACEE_SETUP_FAILED);
		}
	}
	/* the barrier also makes the tids visible here */
	pthread_barrier_wait(&threads_barrier);
	say_int(c, n);
	if (n <= MAX_REPORTED_TIDS)
		say_buf(c, tids, n * sizeof(*tids));
	if (threads_leader_exits)
		pthread_exit(NULL);
	hear(c);
	_exit(0);
}

static inline void *thread_tid_then_wait(void *arg)
{
	const struct chan *c = arg;

	say_int(c, sys_gettid());
	hear(c);
	return NULL;
}

/*
 * After a go, start one thread that reports its tid and exits after the
 * next go; say 'j' once it is joined, and exit 0 after a third go.
 */
static inline void body_thread_on_go(const struct chan *c)
{
	pthread_t thread;

	say(c, 'r');
	hear(c);
	if (pthread_create(&thread, NULL, thread_tid_then_wait, (void *)c))
		_exit(TRACEE_SETUP_FAILED);
	pthread_join(thread, NULL);
	say(c, 'j');
	hear(c);
	_exit(0);
}

/* --- A group walk held between two batches --- */

#define FAIL_WALK	"/sys/kernel/debug/fail_ptrace_walk"

/* The threads of body_walk(): more than a group walk visits in one batch. */
#define WALK_THREADS	100

static int walk_cmd[2];		/* body_walk(): leader -> last thread */

static inline void *thread_idle(void *arg)
{
	for (;;)
		pause();
	return NULL;
}

static inline void *thread_tid_idle(void *arg)
{
	say_int(arg, sys_gettid());
	return thread_idle(arg);
}

/*
 * The last thread of body_walk(): say 'r', all threads being there; on
 * 't', trace itself (PTRACE_TRACEME) and report 0 or the errno; on 'c',
 * create a thread that reports its tid.
 */
static inline void *thread_walk_last(void *arg)
{
	pthread_t thread;
	char cmd;

	say(arg, 'r');
	while (read(walk_cmd[0], &cmd, 1) == 1) {
		if (cmd == 't')
			say_int(arg, sys_ptrace(PTRACE_TRACEME, 0, 0, 0) ?
				     errno : 0);
		else if (pthread_create(&thread, NULL, thread_tid_idle, arg))
			_exit(TRACEE_SETUP_FAILED);
	}
	_exit(TRACEE_SETUP_FAILED);
}

/*
 * WALK_THREADS threads: the leader first in the group's list, the one
 * that says 'r' last, idle ones between.  Then for each command
 * heard, the leader passes it to the last thread and, on 'c', creates a
 * thread that reports its tid too.
 */
static inline void body_walk(const struct chan *c)
{
	pthread_attr_t attr;
	pthread_t thread;
	char cmd;
	int i;

	if (pipe(walk_cmd) || small_stack(&attr))
		_exit(TRACEE_SETUP_FAILED);
	for (i = 2; i < WALK_THREADS; i++) {
		if (pthread_create(&thread, &attr, thread_idle, NULL))
			_exit(TRACEE_SETUP_FAILED);
	}
	if (pthread_create(&thread, &attr, thread_walk_last, (void *)c))
		_exit(TRACEE_SETUP_FAILED);
	for (;;) {
		hear_buf(c, &cmd, 1);
		if (cmd == 'c' &&
		    pthread_create(&thread, &attr, thread_tid_idle, (void *)c))
			_exit(TRACEE_SETUP_FAILED);
		if (write(walk_cmd[1], &cmd, 1) != 1)
			_exit(TRACEE_SETUP_FAILED);
	}
}

/* What a second thread of the tracer does while the first is held. */
struct walk_act {
	pid_t caller;		/* the tracer's thread in the group request */
	int go, report;		/* to and from the tracee */
	char cmd;		/* for body_walk() */
	int nr;			/* the ints it reports for @cmd */
	int vals[2];
	const char *err;	/* what went wrong, or NULL */
};

static inline void walk_act_sig(int sig)
{
}

/*
 * Wait for the group request of @a->caller to be held between two batches
 * (fail_ptrace_walk), have the tracee do @a->cmd meanwhile, read what it
 * reports, and end the hold with a signal.  Not a test thread: no ASSERT.
 */
static inline void *walk_act(void *arg)
{
	long long deadline = now_ns() + BLOCK_TIMEOUT_SEC * NSEC_PER_SEC;
	struct walk_act *a = arg;
	struct pollfd pfd = { .fd = a->report, .events = POLLIN };
	char wchan[128];
	int i;

	for (;;) {
		read_wchan(a->caller, wchan, sizeof(wchan));
		if (!strncmp(wchan, "ptrace_walk_delay", 17) &&
		    proc_state(a->caller) == 'D')
			break;
		if (now_ns() > deadline) {
			a->err = "the walk was never held";
			goto out;
		}
		sched_yield();
	}
	if (write(a->go, &a->cmd, 1) != 1) {
		a->err = "cannot send the command";
		goto out;
	}
	for (i = 0; i < a->nr; i++) {
		if (poll(&pfd, 1, READ_TIMEOUT_MS) != 1 ||
		    read(a->report, &a->vals[i], sizeof(int)) != sizeof(int)) {
			a->err = "no answer from the tracee";
			goto out;
		}
	}
out:
	syscall(__NR_tgkill, getpid(), a->caller, SIGUSR1);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Tracer side                                                        */
/* ------------------------------------------------------------------ */

FIXTURE(nostop) {
	pid_t pid;	/* the tracee; teardown kills and reaps it */
	pid_t helper;	/* a second tracer; killed and reaped too */
	int go[2];	/* tracer -> tracee: go on */
	int report[2];	/* tracee -> tracer: readiness, tids, results */
	int hgo[2];	/* tracer -> helper */
	int hreport[2];	/* helper -> tracer */
	int yama_saved;	/* ptrace_scope to restore, -1 if untouched */
};

FIXTURE_SETUP(nostop)
{
	self->pid = 0;
	self->helper = 0;
	self->yama_saved = -1;
	if (!nostop_supported())
		SKIP(return, "PTRACE_ATTACH_NOSTOP not supported");
#ifdef NOSTOP_NEEDS
	if (!NOSTOP_NEEDS(_metadata))
		SKIP(return, "%s not supported", NOSTOP_NEEDS_NAME);
#endif
	ASSERT_EQ(0, pipe2(self->go, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(self->report, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(self->hgo, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(self->hreport, O_CLOEXEC));
}

FIXTURE_TEARDOWN(nostop)
{
	if (self->yama_saved >= 0)
		write_int_file(YAMA_SCOPE, self->yama_saved);
	kill_and_reap(self->pid, self->helper);
	close_pair(self->go);
	close_pair(self->report);
	close_pair(self->hgo);
	close_pair(self->hreport);
}

/* Fork @body as self->pid; wait for its 'r' if @ready. */
static inline void start(struct __test_metadata *_metadata,
			 struct _test_data_nostop *self, body_fn body,
			 bool ready)
{
	self->pid = spawn(body, self->go, self->report);
	ASSERT_LT(0, self->pid) {
		TH_LOG("fork: %m");
	}
	if (ready)
		wait_ready(_metadata, self->report[0]);
}

/*
 * Fork body_threads() with @n threads as self->pid; fill @tids, if @n is
 * small enough for them to be reported.  False if the test was skipped.
 */
static inline bool start_threads(struct __test_metadata *_metadata,
				 struct _test_data_nostop *self, int n,
				 bool leader_exits, pid_t *tids)
{
	int count = 0;

	threads_wanted = n;
	threads_leader_exits = leader_exits;
	start(_metadata, self, body_threads, false);
	read_report(_metadata, self->report[0], &count, sizeof(count),
		    "thread count");
	if (count == -EAGAIN)
		SKIP(return false, "cannot create %d threads (limits?)", n);
	ASSERT_EQ(n, count) {
		TH_LOG("pthread_create: %s", strerror(-count));
	}
	if (tids && n <= MAX_REPORTED_TIDS)
		read_report(_metadata, self->report[0], tids,
			    n * sizeof(*tids), "tids");
	return true;
}

/* --- Passive tracing --- */

/*
 * Start body_readers() and attach the whole process with
 * PTRACE_NOSTOP_SYSCALL while every thread sleeps in read(): the first
 * stop of each is the end of that read(), with its result; then its
 * getppid() stops at entry and exit, and the next read() at its entry.
 * There, resume it with @last, PTRACE_SYSCALL or PTRACE_DETACH, and wait
 * until it sleeps in that read().  Fill @tids.
 */
static inline void readers_syscall_stops(struct __test_metadata *_metadata,
					 struct _test_data_nostop *self,
					 pid_t tids[READERS], long last)
{
	int step[READERS] = { 0 }, done = 0, i, status;
	struct ptrace_syscall_info info;
	long request;
	pid_t tid;

	for (i = 0; i < READERS; i++)
		ASSERT_EQ(0, pipe2(reader_pipes[i], O_CLOEXEC));
	start(_metadata, self, body_readers, true);
	ASSERT_EQ(READERS, list_tasks(self->pid, tids, READERS));
	for (i = 0; i < READERS; i++)
		wait_blocked(_metadata, tids[i], read_nrs, 1, "read");
	ASSERT_EQ(READERS, nostop(self->pid,
				  PTRACE_NOSTOP_THREAD_GROUP |
				  PTRACE_NOSTOP_SYSCALL,
				  PTRACE_O_TRACESYSGOOD |
				  PTRACE_O_TRACETHREADS));
	expect_no_report(_metadata, -1, "after the attach");
	for (i = 0; i < READERS; i++)
		ASSERT_EQ(1, write(reader_pipes[i][1], "g", 1));

	while (done < READERS) {
		tid = wait_for(-1, &status, 0);
		ASSERT_LT(0, tid);
		for (i = 0; i < READERS && tids[i] != tid; i++)
			;
		ASSERT_GT(READERS, i) {
			TH_LOG("stop of %d, not a thread of %d", tid, self->pid);
		}
		ASSERT_EQ(SYSCALL_STOP, status >> 8) {
			TH_LOG("thread %d: status %#x", tid, status);
		}
		syscall_info(_metadata, tid, &info);
		request = PTRACE_SYSCALL;
		switch (step[i]++) {
		case 0:		/* the read() in progress at the attach */
			ASSERT_EQ(PTRACE_SYSCALL_INFO_EXIT, info.op);
			ASSERT_EQ(1, info.exit.rval);
			break;
		case 1:
			ASSERT_EQ(PTRACE_SYSCALL_INFO_ENTRY, info.op);
			ASSERT_EQ(__NR_getppid, info.entry.nr);
			break;
		case 2:
			ASSERT_EQ(PTRACE_SYSCALL_INFO_EXIT, info.op);
			ASSERT_EQ(getpid(), info.exit.rval);
			break;
		case 3:
			ASSERT_EQ(PTRACE_SYSCALL_INFO_ENTRY, info.op);
			ASSERT_EQ(__NR_read, info.entry.nr);
			request = last;
			done++;
			break;
		default:
			ASSERT_TRUE(false) {
				TH_LOG("thread %d: stop %d, op %d", tid,
				       step[i], info.op);
			}
		}
		ASSERT_EQ(0, ptrace_err(request, tid, 0, 0));
	}
	for (i = 0; i < READERS; i++)
		wait_blocked(_metadata, tids[i], read_nrs, 1, "read again");
}

/*
 * Start body_thread_on_go(), attach it with PTRACE_NOSTOP_SYSCALL asleep
 * in read(), give it the go and follow its system calls, from the end of
 * that read(), to the entry of the clone() of its thread, where it stays.
 */
static inline void to_clone_entry(struct __test_metadata *_metadata,
				  struct _test_data_nostop *self)
{
	struct ptrace_syscall_info info;
	int i;

	start(_metadata, self, body_thread_on_go, true);
	wait_blocked(_metadata, self->pid, read_nrs, 1, "read");
	ASSERT_EQ(1, nostop(self->pid,
			    PTRACE_NOSTOP_THREAD_GROUP | PTRACE_NOSTOP_SYSCALL,
			    PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACETHREADS));
	send_go(_metadata, self->go[1]);
	ASSERT_EQ(PTRACE_SYSCALL_INFO_EXIT,
		  wait_syscall_stop(_metadata, self->pid, &info, "read"));
	for (i = 0;; i++) {
		ASSERT_GT(1000, i) {
			TH_LOG("no clone() in %d system calls", i);
		}
		ASSERT_EQ(0, ptrace_err(PTRACE_SYSCALL, self->pid, 0, 0));
		if (wait_syscall_stop(_metadata, self->pid, &info,
				      "creator") != PTRACE_SYSCALL_INFO_ENTRY)
			continue;
#ifdef __NR_clone3
		if (info.entry.nr == __NR_clone3)
			break;
#endif
		if (info.entry.nr == __NR_clone)
			break;
	}
}

/*
 * After to_clone_entry(), both threads resumed for good: the new thread
 * @tid, which the creator's clone() returned as @child, reports its tid
 * and exits on a go, and so does the creator once it has joined it.
 */
static inline void finish_new_thread(struct __test_metadata *_metadata,
				     struct _test_data_nostop *self,
				     pid_t tid, pid_t child)
{
	char msg = 0;
	pid_t t = 0;

	EXPECT_EQ(tid, child);
	read_report(_metadata, self->report[0], &t, sizeof(t), "thread tid");
	EXPECT_EQ(tid, t);
	send_go(_metadata, self->go[1]);
	wait_exit(_metadata, tid, 0, "new thread");
	read_report(_metadata, self->report[0], &msg, 1, "joined");
	EXPECT_EQ('j', msg);
	send_go(_metadata, self->go[1]);
	wait_exit(_metadata, self->pid, 0, "tracee");
}

/* --- A group walk held between two batches --- */

/*
 * Hold the next group walk of this thread between two batches
 * (fail_ptrace_walk, the debug kernel), and start a thread that acts there
 * (walk_act()) with @cmd.  False if the kernel cannot.
 */
static inline bool walk_hold(struct _test_data_nostop *self,
			     struct walk_act *a, char cmd, int nr,
			     pthread_t *thread)
{
	struct sigaction sa = { .sa_handler = walk_act_sig };

	*a = (struct walk_act){
		.caller = sys_gettid(), .go = self->go[1],
		.report = self->report[0], .cmd = cmd, .nr = nr,
	};
	if (!have_kallsyms() || sigaction(SIGUSR1, &sa, NULL) ||
	    !hold_next(FAIL_WALK, a->caller) ||
	    /* long enough for any emulator: the signal ends it */
	    !write_int_file(FAIL_WALK "/delay_ms", 60000))
		return false;
	return !pthread_create(thread, NULL, walk_act, a);
}

/*
 * With body_walk() as self->pid, make the group request @request of
 * self->pid with @addr and @data, held between two batches while the
 * tracee does @cmd and reports @nr ints in @a->vals; fill @ret with what
 * the request returned.  False if the test was skipped.
 */
static inline bool walk_request(struct __test_metadata *_metadata,
				struct _test_data_nostop *self, long request,
				unsigned long addr, unsigned long data,
				char cmd, int nr, struct walk_act *a,
				long *ret)
{
	pthread_t thread;

	if (!walk_hold(self, a, cmd, nr, &thread))
		SKIP(return false, "no fail_ptrace_walk (CONFIG_FAIL_PTRACE_WALK, KALLSYMS)");
	*ret = ptrace_err(request, self->pid, addr, data);
	pthread_join(thread, NULL);
	ASSERT_EQ(NULL, a->err) {
		TH_LOG("%s", a->err);
	}
	/* the fault fired once: the walk was held, not skipped */
	EXPECT_EQ(0, read_int_file(FAIL_WALK "/times"));
	return true;
}

/* The tracer of every thread of @pid, @nr of them, is @tracer. */
static inline void expect_tracers(struct __test_metadata *_metadata,
				  pid_t pid, int nr, pid_t tracer)
{
	pid_t tids[WALK_THREADS + 2];
	int i, n;

	n = list_tasks(pid, tids, ARRAY_SIZE(tids));
	ASSERT_EQ(nr, n);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(tracer, tracer_of(pid, tids[i])) {
			TH_LOG("thread %d", tids[i]);
		}
	}
}

#endif /* __PTRACE_NOSTOP_FIXTURE_H */
