// SPDX-License-Identifier: GPL-2.0
/*
 * PTRACE_ATTACH_NOSTOP: attach to a thread, or to a whole thread group, with
 * the seized-style semantics of PTRACE_SEIZE but without any stop, signal or
 * wake-up of the tracee.
 *
 * What is checked, besides the error codes:
 *  - a tracee asleep in a system call stays asleep (nostop_blocked checks,
 *    call by call, that it returns what it returns untraced);
 *  - PTRACE_NOSTOP_THREAD_GROUP attaches every live thread, all or nothing;
 *    with the option PTRACE_O_TRACETHREADS new threads are traced from
 *    birth, even during a clone storm, never with a stop the tracer is not
 *    told of; PTRACE_SETOPTIONS sets and clears it, PTRACE_SEIZE takes it,
 *    and a new process inherits it like every option;
 *  - a job-control-stopped tracee stays stopped and is not reported;
 *  - a tracee blocked in de_thread() does not make the call hang;
 *  - passive tracing: PTRACE_NOSTOP_SYSCALL makes the end of the call in
 *    progress the first stop, of every thread and of new ones.
 *
 * Every test skips when the kernel does not know the request.  Only pipes,
 * waitpid() and bounded polling of /proc are used for synchronisation: no
 * test sleeps, only the timeouts of the calls under test run down.
 */

#include "nostop_fixture.h"

/* include/linux/sched.h; shown in the flags field of /proc/PID/stat */
#define PF_USER_WORKER		0x00004000

/* A flag bit of PTRACE_ATTACH_NOSTOP that is not defined. */
#define BAD_FLAG		0x80000000UL

/*
 * An option bit that can never become valid: options are stored shifted by
 * PT_OPT_FLAG_SHIFT (3) in the 32-bit task->ptrace, so bit 30 has no room.
 */
#define BAD_OPTION		0x40000000UL

/* A helper that could not become "nobody" reports this instead. */
#define PRIV_DROP_FAILED	(-100000)
#define NOBODY_ID		65534

#define GROUP_THREADS		300

/* The clone storm: spawner threads creating and joining short threads. */
#define STORM_ROUNDS		20
#define STORM_SPAWNERS		4
#define STORM_BUDGET_SEC	12	/* all rounds, far below the timeout */
#define STORM_ROUND_SEC		5	/* one round */
#define STORM_TRACEE_SEC	20	/* the storm stops by itself after this */
#define STORM_NEW_TIDS		3	/* threads born after the attach to see */
#define STORM_AFTER		8	/* threads a spawner creates after it */
#define STORM_MAX_TIDS		4096

/* Threads of the tracee that keep taking its cred_guard_mutex */
#define HAMMER_THREADS		2
#define HAMMER_ROUNDS		20	/* attaches that must all succeed */
#define HAMMER_EXECS		20	/* failed execs before each one */

#ifndef MFD_EXEC
#define MFD_EXEC		0x0010U
#endif

/* Filled in by the tracer before fork() for bodies that need them. */
static pid_t helper_target;
static unsigned long helper_options;
static pid_t yama_ptracer;
static int hammer_fd = -1;
static unsigned long *hammer_execs;
static int exec_child_go[2], exec_child_report[2];

/* ------------------------------------------------------------------ */
/* Tracee side: never ASSERT here, it would only end this process.    */
/* ------------------------------------------------------------------ */

/* Become uid/gid "nobody", still traceable by other "nobody" processes. */
static bool drop_privileges(void)
{
	if (setgroups(0, NULL) ||
	    setresgid(NOBODY_ID, NOBODY_ID, NOBODY_ID) ||
	    setresuid(NOBODY_ID, NOBODY_ID, NOBODY_ID))
		return false;
	/* The uid change cleared both of these. */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) ||
	    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0))
		return false;
	return true;
}

static void body_exit_at_once(const struct chan *c)
{
	(void)c;
	_exit(0);
}

/* --- Multi-threaded tracees --- */

/*
 * After a go, create a thread with CLONE_VFORK, which runs on our stack
 * while we wait for it, as a vfork() child would, and exits at once; say
 * 'v' once it is gone, exit 0 on the next go.
 */
static void body_vfork_thread_on_go(const struct chan *c)
{
	say(c, 'r');
	hear(c);
	if (raw_clone(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
		      CLONE_THREAD | CLONE_VFORK) == 0)
		syscall(__NR_exit, 0);
	say(c, 'v');
	hear(c);
	_exit(0);
}

/*
 * After a go, fork a child that runs body_thread_on_go() past its first
 * go: its thread reports its tid and, on the next go, exits, and so does
 * the child.  Say 'w' once the child is reaped, exit 0 on the next go.
 */
static void body_fork_thread_on_go(const struct chan *c)
{
	pthread_t thread;
	pid_t child;

	say(c, 'r');
	hear(c);
	child = fork();
	if (child < 0)
		_exit(TRACEE_SETUP_FAILED);
	if (!child) {
		if (pthread_create(&thread, NULL, thread_tid_then_wait,
				   (void *)c))
			_exit(TRACEE_SETUP_FAILED);
		pthread_join(thread, NULL);
		_exit(0);
	}
	if (waitpid(child, NULL, 0) != child)
		_exit(TRACEE_SETUP_FAILED);
	say(c, 'w');
	hear(c);
	_exit(0);
}

static void *storm_short(void *arg)
{
	return arg;
}

/*
 * The phase of the storm, set by the tracer in memory it shares with the
 * tracee: on through the attach, held while the tracer looks at the
 * threads, then a last few threads.
 */
enum { STORM_ON, STORM_HOLD, STORM_LAST };
static int *storm_phase;

static void *storm_spawner(void *arg)
{
	const struct timespec hold = { .tv_sec = 1 };
	const long long *deadline = arg;
	pthread_attr_t attr;
	pthread_t thread;
	int phase, last = 0;

	if (small_stack(&attr))
		return NULL;
	while (last < STORM_AFTER && now_ns() < *deadline) {
		phase = __atomic_load_n(storm_phase, __ATOMIC_ACQUIRE);
		if (phase == STORM_HOLD) {
			syscall(__NR_futex, storm_phase, FUTEX_WAIT, STORM_HOLD,
				&hold, NULL, 0);
			continue;
		}
		if (pthread_create(&thread, &attr, storm_short, NULL))
			continue;
		pthread_join(thread, NULL);
		last += phase == STORM_LAST;
	}
	return NULL;
}

/*
 * Spawner threads create and join short-lived threads as fast as they can
 * while the tracer attaches, hold while it looks, then create STORM_AFTER
 * each and exit; STORM_TRACEE_SEC at most.  The leader stays until the
 * test kills it.  Traced threads that exit stay zombies until we reap
 * them: on a slow (debug) kernel a storm that went on while we look
 * would fill the thread table with them.
 */
static void body_storm(const struct chan *c)
{
	long long deadline = now_ns() + STORM_TRACEE_SEC * NSEC_PER_SEC;
	pthread_t spawners[STORM_SPAWNERS];
	pthread_attr_t attr;
	int i;

	if (small_stack(&attr))
		_exit(TRACEE_SETUP_FAILED);
	for (i = 0; i < STORM_SPAWNERS; i++)
		if (pthread_create(&spawners[i], &attr, storm_spawner,
				   &deadline))
			_exit(TRACEE_SETUP_FAILED);
	say(c, 'r');
	for (i = 0; i < STORM_SPAWNERS; i++)
		pthread_join(spawners[i], NULL);
	hear(c);
	_exit(0);
}

/* --- Helpers: a second tracer, possibly unprivileged --- */

/* A second tracer: seize helper_target, report -errno, stay around. */
static void body_seize_and_stay(const struct chan *c)
{
	say_int(c, ptrace_err(PTRACE_SEIZE, helper_target, 0, 0));
	hear(c);
	_exit(0);
}

/* A second tracer: NOSTOP-attach helper_target, report, exit. */
static void body_nostop_and_exit(const struct chan *c)
{
	say_int(c, nostop(helper_target, 0, helper_options));
	_exit(0);
}

/* As "nobody", try both kinds of attach on helper_target. */
static void body_unpriv_nostop(const struct chan *c)
{
	if (!drop_privileges()) {
		say_int(c, PRIV_DROP_FAILED);
		_exit(TRACEE_SETUP_FAILED);
	}
	say_int(c, nostop(helper_target, 0, 0));
	say_int(c, nostop(helper_target, PTRACE_NOSTOP_THREAD_GROUP, 0));
	hear(c);
	_exit(0);
}

/* As "nobody", attach to the pid the tracer sends, report, idle. */
static void body_yama_tracer(const struct chan *c)
{
	pid_t target;

	if (!drop_privileges()) {
		say_int(c, PRIV_DROP_FAILED);
		_exit(TRACEE_SETUP_FAILED);
	}
	say_int(c, 0);
	target = hear_int(c);
	say_int(c, nostop(target, 0, 0));
	hear(c);
	_exit(0);
}

/* As "nobody", let only yama_ptracer (none if 0) trace us, then idle. */
static void body_yama_target(const struct chan *c)
{
	if (!drop_privileges() ||
	    prctl(PR_SET_PTRACER, yama_ptracer, 0, 0, 0)) {
		say_int(c, PRIV_DROP_FAILED);
		_exit(TRACEE_SETUP_FAILED);
	}
	say_int(c, 0);
	hear(c);
	_exit(0);
}

/* --- exec() stuck in de_thread() --- */

static void *thread_traceme(void *arg)
{
	long *ret = arg;

	*ret = ptrace_err(PTRACE_TRACEME, 0, 0, 0);
	return NULL;
}

/*
 * A thread makes our parent its tracer and exits: a traced zombie that
 * nobody but the tracer can reap.  Then exec, which waits in de_thread(),
 * holding cred_guard_mutex, until the tracer reaps that zombie.
 */
static void body_exec_after_traced_thread(const struct chan *c)
{
	struct exec_args a;
	pthread_t thread;
	long traceme = -1;

	if (pthread_create(&thread, NULL, thread_traceme, &traceme) ||
	    pthread_join(thread, NULL) || traceme)
		_exit(TRACEE_SETUP_FAILED);
	exec_helper_args(c, &a);
	say(c, 'r');
	exec_helper_image(&a);
}

/* --- cred_guard_mutex taken over and over --- */

static pthread_barrier_t hammer_barrier;

/* execve() a file that is no executable, for ever, and count the ENOEXECs. */
static void *thread_exec_hammer(void *arg)
{
	char *const argv[] = { "hammer", NULL };

	pthread_barrier_wait(&hammer_barrier);
	for (;;) {
		syscall(__NR_execveat, hammer_fd, "", argv, &argv[1],
			AT_EMPTY_PATH);
		if (errno == ENOEXEC)
			__atomic_add_fetch(hammer_execs, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/*
 * Each failed exec takes cred_guard_mutex after setting up its bprm and
 * drops it once no binary format took the file: the mutex is held most
 * of the time, by one thread or the other.  The threads start together:
 * clone() fails with EAGAIN while a thread of the process is in execve().
 */
static void body_exec_hammer(const struct chan *c)
{
	pthread_t thread;
	int i;

	if (pthread_barrier_init(&hammer_barrier, NULL, HAMMER_THREADS + 1))
		_exit(TRACEE_SETUP_FAILED);
	for (i = 0; i < HAMMER_THREADS; i++)
		if (pthread_create(&thread, NULL, thread_exec_hammer, NULL))
			_exit(TRACEE_SETUP_FAILED);
	pthread_barrier_wait(&hammer_barrier);
	say(c, 'r');
	for (;;)
		hear(c);
}

/*
 * Whether the task of @wchan_path (/proc/.../wchan) is seen asleep in
 * ptrace() within BLOCK_TIMEOUT_SEC.
 */
static bool wait_asleep_in_ptrace(const char *wchan_path)
{
	long long deadline = now_ns() + BLOCK_TIMEOUT_SEC * NSEC_PER_SEC;
	char wchan[128];

	do {
		sched_yield();
		if (read_proc(wchan_path, wchan, sizeof(wchan)) > 0 &&
		    strstr(wchan, "ptrace"))
			return true;
	} while (now_ns() < deadline);
	return false;
}

/*
 * Fork body_exec_after_traced_thread(), so that we, not the test, are the
 * tracer its exec waits for, and tell the test its pid.  On the next go,
 * reap its zombie thread once the test sleeps in ptrace(), or after
 * BLOCK_TIMEOUT_SEC; tell whether it did.  /proc/PID/wchan names the
 * first caller outside the scheduler and locking functions; not
 * /proc/PID/syscall, which Yama may deny us on our parent.
 */
static void body_exec_parent(const struct chan *c)
{
	pid_t child = spawn(body_exec_after_traced_thread, exec_child_go,
			    exec_child_report);
	char path[64];
	bool slept;

	if (child < 0)
		_exit(TRACEE_SETUP_FAILED);
	say_int(c, child);
	hear(c);
	snprintf(path, sizeof(path), "/proc/%d/wchan", getppid());
	slept = wait_asleep_in_ptrace(path);
	if (wait_for(-1, NULL, 0) <= 0)
		_exit(TRACEE_SETUP_FAILED);
	say(c, slept ? 'b' : 'n');
	hear(c);
	_exit(0);
}

/* ------------------------------------------------------------------ */
/* Tracer side                                                        */
/* ------------------------------------------------------------------ */

static void send_int(struct __test_metadata *_metadata, int fd, int val)
{
	ASSERT_EQ((ssize_t)sizeof(val), write(fd, &val, sizeof(val))) {
		TH_LOG("write to helper: %m");
	}
}

/* --- Basics --- */

/* No stop and no report; the tracee goes on; its exit is all we see. */
TEST_F(nostop, no_stop_returns_one)
{
	char msg = 0;

	start(_metadata, self, body_echo, true);
	ASSERT_EQ(1, nostop(self->pid, 0, 0));
	expect_attached_running(_metadata, self->pid);
	send_go(_metadata, self->go[1]);
	read_report(_metadata, self->report[0], &msg, 1, "echo after attach");
	EXPECT_EQ('a', msg);
	expect_no_report(_metadata, self->pid, "after echo");
	send_go(_metadata, self->go[1]);
	wait_exit(_metadata, self->pid, 0, "tracee");
}

/* data holds PTRACE_O_* options, as for PTRACE_SEIZE. */
TEST_F(nostop, options_like_seize)
{
	start(_metadata, self, body_exit5_on_go, true);
	ASSERT_EQ(1, nostop(self->pid, 0, PTRACE_O_TRACEEXIT));
	expect_attached_running(_metadata, self->pid);
	send_go(_metadata, self->go[1]);
	wait_stop(_metadata, self->pid, EVENT_TRAP(PTRACE_EVENT_EXIT),
		  "exit event");
	/* W_EXITCODE(5, 0) */
	EXPECT_EQ(5UL << 8, event_msg(_metadata, self->pid));
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	wait_exit(_metadata, self->pid, 5, "exit after exit event");
}

/* Without PTRACE_NOSTOP_THREAD_GROUP only the given thread is attached. */
TEST_F(nostop, single_thread_only)
{
	pid_t tids[3];
	int i;

	if (!start_threads(_metadata, self, 3, false, tids))
		return;
	EXPECT_EQ(1, nostop(tids[1], 0, 0));
	EXPECT_EQ(getpid(), tracer_of(self->pid, tids[1]));
	for (i = 0; i < 3; i++) {
		if (i == 1)
			continue;
		EXPECT_EQ(0, tracer_of(self->pid, tids[i])) {
			TH_LOG("thread %d", tids[i]);
		}
	}
	expect_no_report(_metadata, -1, "after attach");
}

/* --- Thread groups --- */

/*
 * Take the state of every thread of @pid, false unless all sleep.  A
 * thread woken since an earlier snapshot is either still awake or has
 * slept once more, so comparing the two shows any wake-up.
 */
static bool sleep_snapshot(pid_t pid, pid_t *tids, struct task_info *ti,
			   int *count)
{
	int i;

	*count = list_tasks(pid, tids, STORM_MAX_TIDS);
	for (i = 0; i < *count; i++)
		if (!task_info(pid, tids[i], &ti[i]) || ti[i].state != 'S')
			return false;
	return *count > 0;
}

/* Every thread of a big group, in one call that counts them and wakes none. */
TEST_F(nostop, group_300_threads)
{
	static struct task_info before[STORM_MAX_TIDS], after[STORM_MAX_TIDS];
	static pid_t tids[STORM_MAX_TIDS], tids_after[STORM_MAX_TIDS];
	long long deadline;
	int i, n, n_after;

	if (!start_threads(_metadata, self, GROUP_THREADS, false, NULL))
		return;
	deadline = now_ns() + BLOCK_TIMEOUT_SEC * NSEC_PER_SEC;
	while (!sleep_snapshot(self->pid, tids, before, &n)) {
		ASSERT_GT(deadline, now_ns()) {
			TH_LOG("the threads never all slept");
		}
		sched_yield();
	}
	ASSERT_EQ(GROUP_THREADS, n);

	EXPECT_EQ(GROUP_THREADS,
		  nostop(self->pid, PTRACE_NOSTOP_THREAD_GROUP, 0));

	sleep_snapshot(self->pid, tids_after, after, &n_after);
	ASSERT_EQ(n, n_after);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(tids[i], tids_after[i]);
		EXPECT_EQ(getpid(), after[i].tracer) {
			TH_LOG("thread %d not traced", tids[i]);
		}
		EXPECT_EQ('S', after[i].state) {
			TH_LOG("thread %d woken", tids[i]);
		}
		EXPECT_EQ(before[i].sleeps, after[i].sleeps) {
			TH_LOG("thread %d woken", tids[i]);
		}
	}
	expect_no_report(_metadata, -1, "after group attach");
}

/* The pid may be any thread: the whole group is attached. */
TEST_F(nostop, group_via_thread_tid)
{
	pid_t tids[4];
	int i;

	if (!start_threads(_metadata, self, 4, false, tids))
		return;
	EXPECT_EQ(4, nostop(tids[2], PTRACE_NOSTOP_THREAD_GROUP, 0));
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(getpid(), tracer_of(self->pid, tids[i])) {
			TH_LOG("thread %d", tids[i]);
		}
	}
	expect_no_report(_metadata, -1, "after group attach");
}

/* A leader gone by pthread_exit() is a zombie: not attached, not counted. */
TEST_F(nostop, group_zombie_leader_not_counted)
{
	pid_t tids[4];
	int i;

	if (!start_threads(_metadata, self, 4, true, tids))
		return;
	wait_state(_metadata, self->pid, 'Z');
	EXPECT_EQ(3, nostop(tids[1], PTRACE_NOSTOP_THREAD_GROUP, 0));
	for (i = 1; i < 4; i++) {
		EXPECT_EQ(getpid(), tracer_of(self->pid, tids[i])) {
			TH_LOG("thread %d", tids[i]);
		}
	}
	expect_no_report(_metadata, -1, "after group attach");
}

/*
 * One round of the clone storm: attach the group while threads come and
 * go, then every thread we can see must be ours, including those born
 * after the call.
 */
static void storm_round(struct __test_metadata *_metadata,
			struct _test_data_nostop *self, int round)
{
	static pid_t seen[STORM_MAX_TIDS], now[STORM_MAX_TIDS];
	static pid_t born[STORM_MAX_TIDS];
	int i, n, nseen, nborn = 0, reaped_new = 0, status;
	long long deadline;
	struct task_info ti;
	pid_t tid;
	long ret;

	__atomic_store_n(storm_phase, STORM_ON, __ATOMIC_RELEASE);
	start(_metadata, self, body_storm, true);
	ret = nostop(self->pid, PTRACE_NOSTOP_THREAD_GROUP,
		     PTRACE_O_TRACETHREADS);
	__atomic_store_n(storm_phase, STORM_HOLD, __ATOMIC_RELEASE);
	ASSERT_LE(1 + STORM_SPAWNERS, ret) {
		TH_LOG("round %d: %ld (%s)", round, ret,
		       ret < 0 ? strerror(-ret) : "too few threads");
	}

	/* Right away: whatever lives now lived at the call or is new. */
	nseen = list_tasks(self->pid, seen, STORM_MAX_TIDS);
	ASSERT_LT(0, nseen);
	for (i = 0; i < nseen; i++) {
		/* exited meanwhile, or an untraced thread on its way out */
		if (!task_info(self->pid, seen[i], &ti) || ti.state == 'X')
			continue;
		ASSERT_EQ(getpid(), ti.tracer) {
			TH_LOG("round %d: thread %d (state %c) not traced",
			       round, seen[i], ti.state);
		}
	}

	/*
	 * Threads born after the call: traced ones are reported to us when
	 * they exit (untraced ones are reaped silently), and live or zombie
	 * ones show us in TracerPid.  Those of the last phase cannot be in
	 * seen[].
	 */
	__atomic_store_n(storm_phase, STORM_LAST, __ATOMIC_RELEASE);
	syscall(__NR_futex, storm_phase, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
	deadline = now_ns() + STORM_ROUND_SEC * NSEC_PER_SEC;
	while (reaped_new < STORM_NEW_TIDS) {
		ASSERT_GT(deadline, now_ns()) {
			TH_LOG("round %d: %d new threads seen, %d reaped",
			       round, nborn, reaped_new);
		}
		n = list_tasks(self->pid, now, STORM_MAX_TIDS);
		for (i = 0; i < n && nborn < STORM_MAX_TIDS; i++) {
			if (tid_in(seen, nseen, now[i]) ||
			    tid_in(born, nborn, now[i]))
				continue;
			if (!task_info(self->pid, now[i], &ti) ||
			    ti.state == 'X')
				continue;
			ASSERT_EQ(getpid(), ti.tracer) {
				TH_LOG("round %d: new thread %d not traced",
				       round, now[i]);
			}
			born[nborn++] = now[i];
		}
		while ((tid = wait_for(-1, &status, WNOHANG)) > 0) {
			ASSERT_FALSE(WIFSTOPPED(status)) {
				TH_LOG("round %d: %d stopped, status %#x",
				       round, tid, status);
			}
			ASSERT_NE(self->pid, tid);
			if (tid_in(seen, nseen, tid))
				continue;
			reaped_new++;
			if (!tid_in(born, nborn, tid) && nborn < STORM_MAX_TIDS)
				born[nborn++] = tid;
		}
		sched_yield();
	}
	kill_and_reap(self->pid, 0);
	self->pid = 0;
}

TEST_F(nostop, group_clone_storm)
{
	long long budget = now_ns() + STORM_BUDGET_SEC * NSEC_PER_SEC;
	int round;

	storm_phase = mmap(NULL, sizeof(*storm_phase), PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, storm_phase);
	for (round = 0; round < STORM_ROUNDS; round++) {
		if (round && now_ns() > budget) {
			TH_LOG("time budget used up after %d rounds", round);
			break;
		}
		storm_round(_metadata, self, round);
	}
}

/*
 * body_thread_on_go() runs as self->pid, attached: let it create a thread
 * and see who traces it: we if @traced, and then it runs without a stop
 * and is ours to reap when it exits; nobody otherwise.
 */
static void new_thread_after_attach(struct __test_metadata *_metadata,
				    struct _test_data_nostop *self,
				    bool traced)
{
	char msg = 0;
	int tid = 0;

	send_go(_metadata, self->go[1]);
	read_report(_metadata, self->report[0], &tid, sizeof(tid), "tid");
	EXPECT_EQ(traced ? getpid() : 0, tracer_of(self->pid, tid));
	EXPECT_EQ(getpid(), tracer_of(self->pid, self->pid));
	expect_no_report(_metadata, -1, "new thread running");
	send_go(_metadata, self->go[1]);
	if (traced)
		wait_exit(_metadata, tid, 0, "new thread");
	read_report(_metadata, self->report[0], &msg, 1, "join");
	EXPECT_EQ('j', msg);
	expect_no_report(_metadata, -1, "after join");
	send_go(_metadata, self->go[1]);
	wait_exit(_metadata, self->pid, 0, "tracee");
}

/*
 * With PTRACE_O_TRACETHREADS, a thread created after the attach is traced
 * and never stops.
 */
TEST_F(nostop, group_new_thread_no_stop)
{
	start(_metadata, self, body_thread_on_go, true);
	ASSERT_EQ(1, nostop(self->pid, PTRACE_NOSTOP_THREAD_GROUP,
			    PTRACE_O_TRACETHREADS));
	new_thread_after_attach(_metadata, self, true);
}

/* Without PTRACE_O_TRACETHREADS, a thread created later is not traced. */
TEST_F(nostop, group_new_thread_untraced)
{
	start(_metadata, self, body_thread_on_go, true);
	ASSERT_EQ(1, nostop(self->pid, PTRACE_NOSTOP_THREAD_GROUP, 0));
	new_thread_after_attach(_metadata, self, false);
}

/* PTRACE_O_TRACETHREADS on one thread: the threads it creates. */
TEST_F(nostop, new_threads_of_one_thread)
{
	start(_metadata, self, body_thread_on_go, true);
	ASSERT_EQ(1, nostop(self->pid, 0, PTRACE_O_TRACETHREADS));
	new_thread_after_attach(_metadata, self, true);
}

/* PTRACE_SEIZE takes the option too. */
TEST_F(nostop, seize_tracethreads)
{
	start(_metadata, self, body_thread_on_go, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, self->pid, 0,
				PTRACE_O_TRACETHREADS));
	new_thread_after_attach(_metadata, self, true);
}

/* Stop self->pid with PTRACE_INTERRUPT, set @options, resume it. */
static void interrupt_setoptions(struct __test_metadata *_metadata,
				 pid_t pid, unsigned long options)
{
	ASSERT_EQ(0, ptrace_err(PTRACE_INTERRUPT, pid, 0, 0));
	wait_stop(_metadata, pid, EVENT_STOP_OF(SIGTRAP), "interrupt");
	/* the option is the last one: the next bit is still unknown */
	EXPECT_EQ(-EINVAL, ptrace_err(PTRACE_SETOPTIONS, pid, 0,
				      PTRACE_O_TRACETHREADS << 1));
	ASSERT_EQ(0, ptrace_err(PTRACE_SETOPTIONS, pid, 0, options));
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, pid, 0, 0));
}

/* PTRACE_SETOPTIONS sets PTRACE_O_TRACETHREADS ... */
TEST_F(nostop, setoptions_sets_tracethreads)
{
	start(_metadata, self, body_thread_on_go, true);
	ASSERT_EQ(1, nostop(self->pid, 0, 0));
	interrupt_setoptions(_metadata, self->pid, PTRACE_O_TRACETHREADS);
	new_thread_after_attach(_metadata, self, true);
}

/*
 * ... and clears it, alone: new threads are not followed any more, and
 * the options set with it stay.
 */
TEST_F(nostop, setoptions_clears_tracethreads)
{
	start(_metadata, self, body_thread_on_go, true);
	ASSERT_EQ(1, nostop(self->pid, PTRACE_NOSTOP_THREAD_GROUP,
			    PTRACE_O_TRACETHREADS | PTRACE_O_TRACESYSGOOD));
	interrupt_setoptions(_metadata, self->pid, PTRACE_O_TRACESYSGOOD);
	new_thread_after_attach(_metadata, self, false);
}

/*
 * A PTRACE_ATTACH tracee with PTRACE_O_TRACETHREADS: its new thread is
 * traced and starts without a stop too (no SIGSTOP, which a task a
 * PTRACE_ATTACH tracer's event attaches starts with).
 */
TEST_F(nostop, attach_tracethreads_no_stop)
{
	start(_metadata, self, body_thread_on_go, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_ATTACH, self->pid, 0, 0));
	wait_stop(_metadata, self->pid, SIGSTOP, "attach");
	ASSERT_EQ(0, ptrace_err(PTRACE_SETOPTIONS, self->pid, 0,
				PTRACE_O_TRACETHREADS));
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	new_thread_after_attach(_metadata, self, true);
}

/*
 * A thread created with CLONE_VFORK: with PTRACE_O_TRACECLONE but not
 * PTRACE_O_TRACEVFORK its creator reports no event, so it must not stop
 * either (it would leave its creator waiting for it, and the tracer a
 * stop of a thread it was never told of).
 */
TEST_F(nostop, new_vfork_thread_no_eventless_stop)
{
	int status = 0;
	char msg = 0;
	pid_t tid;

	start(_metadata, self, body_vfork_thread_on_go, true);
	ASSERT_EQ(1, nostop(self->pid, PTRACE_NOSTOP_THREAD_GROUP,
			    PTRACE_O_TRACETHREADS | PTRACE_O_TRACECLONE));
	send_go(_metadata, self->go[1]);
	read_report(_metadata, self->report[0], &msg, 1, "vfork thread done");
	ASSERT_EQ('v', msg);
	/* traced from birth, it is a zombie for us to reap */
	tid = wait_for(-1, &status, 0);
	ASSERT_LT(0, tid);
	EXPECT_NE(self->pid, tid);
	EXPECT_TRUE(WIFEXITED(status)) {
		TH_LOG("vfork thread %d: status %#x", tid, status);
	}
	send_go(_metadata, self->go[1]);
	wait_exit(_metadata, self->pid, 0, "tracee");
}

/*
 * Take @pid's @event stop and the first stop of the task it reports, which
 * we trace; resume both.  Return: the new task.
 */
static pid_t take_new_task_event(struct __test_metadata *_metadata,
				 pid_t pid, int event, const char *what)
{
	pid_t new;

	wait_stop(_metadata, pid, EVENT_TRAP(event), what);
	new = event_msg(_metadata, pid);
	wait_stop(_metadata, new, EVENT_STOP_OF(SIGTRAP), "new task");
	EXPECT_EQ(getpid(), tracer_of(new, new));
	EXPECT_EQ(0, ptrace_err(PTRACE_CONT, new, 0, 0));
	EXPECT_EQ(0, ptrace_err(PTRACE_CONT, pid, 0, 0));
	return new;
}

/*
 * PTRACE_O_TRACETHREADS is inherited by a new process, like every option:
 * the threads of the child PTRACE_O_TRACEFORK attaches are traced too.
 */
TEST_F(nostop, fork_child_inherits_tracethreads)
{
	char msg = 0;
	int tid = 0;
	pid_t child;

	start(_metadata, self, body_fork_thread_on_go, true);
	ASSERT_EQ(1, nostop(self->pid, PTRACE_NOSTOP_THREAD_GROUP,
			    PTRACE_O_TRACETHREADS | PTRACE_O_TRACEFORK));
	send_go(_metadata, self->go[1]);
	child = take_new_task_event(_metadata, self->pid, PTRACE_EVENT_FORK,
				    "fork event");
	self->helper = child;
	read_report(_metadata, self->report[0], &tid, sizeof(tid),
		    "tid of the child's thread");
	ASSERT_EQ(getpid(), tracer_of(child, tid)) {
		TH_LOG("thread %d of fork child %d not traced", tid, child);
	}
	expect_no_report(_metadata, -1, "child's thread running");
	send_go(_metadata, self->go[1]);
	/* its zombie is ours to reap, or it holds up the child's exit */
	wait_exit(_metadata, tid, 0, "fork child's thread");
	wait_exit(_metadata, child, 0, "fork child");
	/* a tracee stops for every signal, its child's SIGCHLD too */
	wait_stop(_metadata, self->pid, SIGCHLD, "SIGCHLD");
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	read_report(_metadata, self->report[0], &msg, 1, "child reaped");
	EXPECT_EQ('w', msg);
	send_go(_metadata, self->go[1]);
	wait_exit(_metadata, self->pid, 0, "tracee");
}

/* With PTRACE_O_TRACECLONE, clone events as for PTRACE_SEIZE. */
TEST_F(nostop, group_traceclone_events)
{
	int reported = 0;
	char msg = 0;
	pid_t tid;

	start(_metadata, self, body_thread_on_go, true);
	ASSERT_EQ(1, nostop(self->pid, PTRACE_NOSTOP_THREAD_GROUP,
			    PTRACE_O_TRACECLONE));
	expect_no_report(_metadata, -1, "after group attach");
	send_go(_metadata, self->go[1]);
	tid = take_new_task_event(_metadata, self->pid, PTRACE_EVENT_CLONE,
				  "clone event");
	read_report(_metadata, self->report[0], &reported, sizeof(reported),
		    "tid");
	EXPECT_EQ(tid, reported);
	send_go(_metadata, self->go[1]);
	wait_exit(_metadata, tid, 0, "new thread");
	read_report(_metadata, self->report[0], &msg, 1, "join");
	EXPECT_EQ('j', msg);
}

/* One thread traced by someone else: -EPERM and no thread attached. */
TEST_F(nostop, group_all_or_nothing)
{
	int seized = 1, i;
	pid_t tids[4];

	if (!start_threads(_metadata, self, 4, false, tids))
		return;
	helper_target = tids[2];
	self->helper = spawn(body_seize_and_stay, self->hgo, self->hreport);
	ASSERT_LT(0, self->helper);
	read_report(_metadata, self->hreport[0], &seized, sizeof(seized),
		    "helper seize");
	ASSERT_EQ(0, seized);

	EXPECT_EQ(-EPERM, nostop(self->pid, PTRACE_NOSTOP_THREAD_GROUP, 0));
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(i == 2 ? self->helper : 0,
			  tracer_of(self->pid, tids[i])) {
			TH_LOG("thread %d", tids[i]);
		}
	}
}

/* --- Errors --- */

TEST_F(nostop, unknown_flag_einval)
{
	start(_metadata, self, body_idle, true);
	EXPECT_EQ(-EINVAL, nostop(self->pid, BAD_FLAG, 0));
	EXPECT_EQ(-EINVAL, nostop(self->pid,
				  PTRACE_NOSTOP_THREAD_GROUP | BAD_FLAG, 0));
	/* the lowest bit that is not a flag of this request */
	EXPECT_EQ(-EINVAL, nostop(self->pid, PTRACE_NOSTOP_SYSCALL << 1, 0));
	EXPECT_EQ(0, tracer_of(self->pid, self->pid));
	/* nothing was attached */
	EXPECT_EQ(1, nostop(self->pid, 0, 0));
}

/* -EIO, as PTRACE_SEIZE says; nothing attached. */
TEST_F(nostop, unknown_option_eio)
{
	start(_metadata, self, body_idle, true);
	EXPECT_EQ(-EIO, nostop(self->pid, 0, BAD_OPTION));
	EXPECT_EQ(-EIO, ptrace_err(PTRACE_SEIZE, self->pid, 0, BAD_OPTION));
	/* the bit after PTRACE_O_TRACETHREADS, the last option */
	EXPECT_EQ(-EIO, nostop(self->pid, 0, PTRACE_O_TRACETHREADS << 1));
	EXPECT_EQ(-EIO, ptrace_err(PTRACE_SEIZE, self->pid, 0,
				   PTRACE_O_TRACETHREADS << 1));
	EXPECT_EQ(0, tracer_of(self->pid, self->pid));
	EXPECT_EQ(1, nostop(self->pid, 0, 0));
}

TEST_F(nostop, self_eperm)
{
	EXPECT_EQ(-EPERM, nostop(getpid(), 0, 0));
	EXPECT_EQ(-EPERM, nostop(getpid(), PTRACE_NOSTOP_THREAD_GROUP, 0));
}

/*
 * Start io_uring's SQPOLL thread, a user worker in our thread group, report
 * io_uring_setup()'s -errno (0 if it worked) and wait for the go.
 */
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
 * A user worker never returns to user mode, so it would never take a stop:
 * a group attach leaves it out, and does not count it.  It can still be
 * attached on its own, as PTRACE_SEIZE may.
 */
TEST_F(nostop, group_skips_user_workers)
{
	unsigned long flags = 0;
	pid_t tids[4], worker;
	char state;
	int err = 1;

	start(_metadata, self, body_sqpoll, false);
	read_report(_metadata, self->report[0], &err, sizeof(err),
		    "io_uring_setup");
	if (err)
		SKIP(return, "no SQPOLL io_uring: %s", strerror(-err));
	ASSERT_EQ(2, list_tasks(self->pid, tids, 4));
	worker = tids[0] == self->pid ? tids[1] : tids[0];
	ASSERT_TRUE(proc_stat(worker, &state, &flags));
	ASSERT_TRUE(flags & PF_USER_WORKER) {
		TH_LOG("thread %d, flags %#lx: not the SQPOLL worker",
		       worker, flags);
	}

	EXPECT_EQ(1, nostop(self->pid, PTRACE_NOSTOP_THREAD_GROUP, 0));
	EXPECT_EQ(getpid(), tracer_of(self->pid, self->pid));
	EXPECT_EQ(0, tracer_of(self->pid, worker));

	ASSERT_EQ(1, nostop(worker, 0, 0));
	EXPECT_EQ(getpid(), tracer_of(self->pid, worker));
	expect_no_report(_metadata, -1, "after the attach");
}

static void *thread_park(void *arg)
{
	const struct chan *c = arg;
	int tid = sys_gettid();
	char msg;

	/* Not a tracee: only report failure by returning early. */
	if (write(c->report, &tid, sizeof(tid)) != sizeof(tid))
		return NULL;
	while (read(c->go, &msg, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

TEST_F(nostop, own_thread_eperm)
{
	struct chan c = { .go = self->go[0], .report = self->report[1] };
	pthread_t thread;
	int tid = 0;

	ASSERT_EQ(0, pthread_create(&thread, NULL, thread_park, &c));
	read_report(_metadata, self->report[0], &tid, sizeof(tid), "tid");
	EXPECT_NE(getpid(), tid);
	EXPECT_EQ(-EPERM, nostop(tid, 0, 0));
	EXPECT_EQ(-EPERM, nostop(tid, PTRACE_NOSTOP_THREAD_GROUP, 0));
	send_go(_metadata, self->go[1]);
	pthread_join(thread, NULL);
}

TEST_F(nostop, kthread_eperm)
{
	pid_t kthread = find_kthread();

	if (!kthread)
		SKIP(return, "no kernel thread visible in /proc");
	EXPECT_EQ(-EPERM, nostop(kthread, 0, 0)) {
		TH_LOG("kernel thread %d", kthread);
	}
	EXPECT_EQ(-EPERM, nostop(kthread, PTRACE_NOSTOP_THREAD_GROUP, 0));
}

TEST_F(nostop, already_seized_eperm)
{
	start(_metadata, self, body_idle, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, self->pid, 0, 0));
	EXPECT_EQ(-EPERM, nostop(self->pid, 0, 0));
	EXPECT_EQ(-EPERM, nostop(self->pid, PTRACE_NOSTOP_THREAD_GROUP, 0));
}

TEST_F(nostop, twice_eperm)
{
	start(_metadata, self, body_idle, true);
	ASSERT_EQ(1, nostop(self->pid, 0, 0));
	EXPECT_EQ(-EPERM, nostop(self->pid, 0, 0));
	EXPECT_EQ(-EPERM, nostop(self->pid, PTRACE_NOSTOP_THREAD_GROUP, 0));
	EXPECT_EQ(-EPERM, ptrace_err(PTRACE_SEIZE, self->pid, 0, 0));
}

TEST_F(nostop, traced_by_other_eperm)
{
	int seized = 1;

	start(_metadata, self, body_idle, true);
	helper_target = self->pid;
	self->helper = spawn(body_seize_and_stay, self->hgo, self->hreport);
	ASSERT_LT(0, self->helper);
	read_report(_metadata, self->hreport[0], &seized, sizeof(seized),
		    "helper seize");
	ASSERT_EQ(0, seized);
	EXPECT_EQ(-EPERM, nostop(self->pid, 0, 0));
	EXPECT_EQ(self->helper, tracer_of(self->pid, self->pid));
}

TEST_F(nostop, reaped_pid_esrch)
{
	pid_t pid = spawn(body_exit_at_once, self->go, self->report);

	ASSERT_LT(0, pid);
	wait_exit(_metadata, pid, 0, "reaped child");
	EXPECT_EQ(-ESRCH, nostop(pid, 0, 0));
	EXPECT_EQ(-ESRCH, nostop(pid, PTRACE_NOSTOP_THREAD_GROUP, 0));
}

/* A helper running as "nobody" attaches to self->pid: EPERM, twice. */
static void expect_unpriv_eperm(struct __test_metadata *_metadata,
				struct _test_data_nostop *self)
{
	int single = 1, group = 1;

	helper_target = self->pid;
	self->helper = spawn(body_unpriv_nostop, self->hgo, self->hreport);
	ASSERT_LT(0, self->helper);
	read_report(_metadata, self->hreport[0], &single, sizeof(single),
		    "unprivileged attach");
	if (single == PRIV_DROP_FAILED)
		SKIP(return, "cannot switch to uid %d", NOBODY_ID);
	read_report(_metadata, self->hreport[0], &group, sizeof(group),
		    "unprivileged group attach");
	EXPECT_EQ(-EPERM, single);
	EXPECT_EQ(-EPERM, group);
}

/* ptrace_may_access(): "nobody" may not trace a root process. */
TEST_F(nostop, other_uid_eperm)
{
	if (geteuid())
		SKIP(return, "must be root to run a tracer as another uid");
	start(_metadata, self, body_idle, true);
	expect_unpriv_eperm(_metadata, self);
	EXPECT_EQ(0, tracer_of(self->pid, self->pid));
}

/*
 * Yama ptrace_scope 1: an unprivileged tracer that is not an ancestor of
 * the target needs the target's PR_SET_PTRACER.  Both run as "nobody", so
 * only Yama can refuse.
 */
static void yama_case(struct __test_metadata *_metadata,
		      struct _test_data_nostop *self, bool allow)
{
	int scope, ok = -1, result = 0;

	if (geteuid())
		SKIP(return, "must be root to set " YAMA_SCOPE);
	scope = read_int_file(YAMA_SCOPE);
	if (scope < 0)
		SKIP(return, "Yama is not enabled");
	if (scope != 1) {
		if (!write_int_file(YAMA_SCOPE, 1))
			SKIP(return, "cannot set ptrace_scope 1 (it is %d)",
			     scope);
		self->yama_saved = scope;
	}

	self->helper = spawn(body_yama_tracer, self->hgo, self->hreport);
	ASSERT_LT(0, self->helper);
	read_report(_metadata, self->hreport[0], &ok, sizeof(ok), "tracer");
	if (ok == PRIV_DROP_FAILED)
		SKIP(return, "cannot switch to uid %d", NOBODY_ID);
	ASSERT_EQ(0, ok);

	yama_ptracer = allow ? self->helper : 0;
	start(_metadata, self, body_yama_target, false);
	read_report(_metadata, self->report[0], &ok, sizeof(ok), "target");
	if (ok == PRIV_DROP_FAILED)
		SKIP(return, "cannot switch to uid %d", NOBODY_ID);
	ASSERT_EQ(0, ok);

	send_int(_metadata, self->hgo[1], self->pid);
	read_report(_metadata, self->hreport[0], &result, sizeof(result),
		    "attach by a sibling");
	if (allow) {
		EXPECT_EQ(1, result);
		EXPECT_EQ(self->helper, tracer_of(self->pid, self->pid));
	} else {
		EXPECT_EQ(-EPERM, result);
		EXPECT_EQ(0, tracer_of(self->pid, self->pid));
	}
}

TEST_F(nostop, yama_non_descendant_eperm)
{
	yama_case(_metadata, self, false);
}

TEST_F(nostop, yama_pr_set_ptracer_allows)
{
	yama_case(_metadata, self, true);
}

/* --- Seized-style requests on a NOSTOP tracee --- */

/*
 * After SIGCONT, a seized-style tracee first traps to tell the tracer
 * (PTRACE_EVENT_STOP, SIGTRAP); then, being traced, it does not ignore
 * the queued SIGCONT but stops to deliver it.  Let both go on.
 */
static void continue_after_sigcont(struct __test_metadata *_metadata,
				   pid_t pid)
{
	wait_stop(_metadata, pid, EVENT_STOP_OF(SIGTRAP), "trap after SIGCONT");
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, pid, 0, 0));
	wait_stop(_metadata, pid, SIGCONT, "SIGCONT signal-delivery-stop");
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, pid, 0, SIGCONT));
}

TEST_F(nostop, interrupt_event_stop)
{
	char msg = 0;

	start(_metadata, self, body_echo, true);
	ASSERT_EQ(1, nostop(self->pid, 0, 0));
	ASSERT_EQ(0, ptrace_err(PTRACE_INTERRUPT, self->pid, 0, 0));
	wait_stop(_metadata, self->pid, EVENT_STOP_OF(SIGTRAP),
		  "interrupt stop");
	EXPECT_EQ(0UL, event_msg(_metadata, self->pid));
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	send_go(_metadata, self->go[1]);
	read_report(_metadata, self->report[0], &msg, 1, "echo after CONT");
	EXPECT_EQ('a', msg);
}

/* SIGSTOP: the seized-style group stop, which PTRACE_LISTEN accepts. */
TEST_F(nostop, group_stop_listen)
{
	char msg = 0;

	start(_metadata, self, body_echo, true);
	ASSERT_EQ(1, nostop(self->pid, 0, 0));
	ASSERT_EQ(0, kill(self->pid, SIGSTOP));
	wait_stop(_metadata, self->pid, SIGSTOP, "signal-delivery-stop");
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, SIGSTOP));
	wait_stop(_metadata, self->pid, EVENT_STOP_OF(SIGSTOP), "group stop");
	ASSERT_EQ(0, ptrace_err(PTRACE_LISTEN, self->pid, 0, 0));
	expect_no_report(_metadata, self->pid, "listening");
	EXPECT_EQ('t', proc_state(self->pid));
	ASSERT_EQ(0, kill(self->pid, SIGCONT));
	continue_after_sigcont(_metadata, self->pid);
	send_go(_metadata, self->go[1]);
	read_report(_metadata, self->report[0], &msg, 1, "echo after CONT");
	EXPECT_EQ('a', msg);
}

TEST_F(nostop, detach_after_interrupt)
{
	char msg = 0;

	start(_metadata, self, body_echo, true);
	ASSERT_EQ(1, nostop(self->pid, 0, 0));
	ASSERT_EQ(0, ptrace_err(PTRACE_INTERRUPT, self->pid, 0, 0));
	wait_stop(_metadata, self->pid, EVENT_STOP_OF(SIGTRAP),
		  "interrupt stop");
	ASSERT_EQ(0, ptrace_err(PTRACE_DETACH, self->pid, 0, 0));
	EXPECT_EQ(0, tracer_of(self->pid, self->pid));
	send_go(_metadata, self->go[1]);
	read_report(_metadata, self->report[0], &msg, 1, "echo after detach");
	EXPECT_EQ('a', msg);
	send_go(_metadata, self->go[1]);
	wait_exit(_metadata, self->pid, 0, "detached tracee");
}

/* As for PTRACE_SEIZE, DETACH needs a ptrace-stop. */
TEST_F(nostop, detach_running_esrch)
{
	start(_metadata, self, body_idle, true);
	ASSERT_EQ(1, nostop(self->pid, 0, 0));
	EXPECT_EQ(-ESRCH, ptrace_err(PTRACE_DETACH, self->pid, 0, 0));
	EXPECT_EQ(getpid(), tracer_of(self->pid, self->pid));
}

/* A helper attaches with PTRACE_O_EXITKILL and exits: the tracee dies. */
TEST_F(nostop, exitkill_tracer_exit_kills)
{
	int attached = 0;

	start(_metadata, self, body_idle, true);
	helper_target = self->pid;
	helper_options = PTRACE_O_EXITKILL;
	self->helper = spawn(body_nostop_and_exit, self->hgo, self->hreport);
	ASSERT_LT(0, self->helper);
	read_report(_metadata, self->hreport[0], &attached, sizeof(attached),
		    "helper attach");
	ASSERT_EQ(1, attached);
	wait_exit(_metadata, self->helper, 0, "helper tracer");
	wait_killed(_metadata, self->pid, SIGKILL, "tracee of dead tracer");
}

/* --- Job-control stop --- */

static void stop_untraced(struct __test_metadata *_metadata, pid_t pid)
{
	int status;

	ASSERT_EQ(0, kill(pid, SIGSTOP));
	ASSERT_EQ(pid, wait_for(pid, &status, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(status));
	ASSERT_EQ(SIGSTOP, WSTOPSIG(status));
}

/*
 * A job-stopped process is moved, as PTRACE_SEIZE moves it, from its
 * job-control stop ('T') to the group-stop trap ('t'), reported once, that
 * PTRACE_LISTEN accepts: no tracee is left in TASK_STOPPED.
 */
TEST_F(nostop, job_stopped_like_seize)
{
	start(_metadata, self, body_echo, true);
	stop_untraced(_metadata, self->pid);
	ASSERT_EQ(1, nostop(self->pid, 0, 0));
	wait_stop(_metadata, self->pid, EVENT_STOP_OF(SIGSTOP), "group stop");
	EXPECT_EQ('t', proc_state(self->pid));
	expect_no_report(_metadata, self->pid, "reported once");
	EXPECT_EQ(0, ptrace_err(PTRACE_LISTEN, self->pid, 0, 0));
}

/* Every thread of a job-stopped group, in one call. */
TEST_F(nostop, job_stopped_group_like_seize)
{
	pid_t tids[4];
	int i;

	if (!start_threads(_metadata, self, 4, false, tids))
		return;
	stop_untraced(_metadata, self->pid);
	ASSERT_EQ(4, nostop(self->pid, PTRACE_NOSTOP_THREAD_GROUP, 0));
	for (i = 0; i < 4; i++) {
		wait_stop(_metadata, tids[i], EVENT_STOP_OF(SIGSTOP),
			  "group stop of a thread");
		EXPECT_EQ('t', proc_state(tids[i]));
	}
	expect_no_report(_metadata, -1, "reported once");
}

/*
 * As for PTRACE_SEIZE, the call hides the move from the group stop to the
 * group-stop trap: right after it, a wait with WNOHANG finds every thread
 * in its trap, not only the one named.
 */
TEST_F(nostop, job_stopped_group_wnohang)
{
	pid_t tids[MAX_REPORTED_TIDS];
	int i, status;

	if (!start_threads(_metadata, self, MAX_REPORTED_TIDS, false,
			   tids))
		return;
	stop_untraced(_metadata, self->pid);
	ASSERT_EQ(MAX_REPORTED_TIDS,
		  nostop(self->pid, PTRACE_NOSTOP_THREAD_GROUP, 0));
	for (i = 0; i < MAX_REPORTED_TIDS; i++) {
		status = 0;
		EXPECT_EQ(tids[i], wait_for(tids[i], &status, WNOHANG)) {
			TH_LOG("thread %d (%d) not in its trap yet", i, tids[i]);
		}
		EXPECT_EQ(EVENT_STOP_OF(SIGSTOP), status >> 8) {
			TH_LOG("thread %d: status %#x", tids[i], status);
		}
	}
}

/* SIGCONT resumes it, as a seized tracee; the notification trap follows. */
TEST_F(nostop, job_stopped_sigcont_resumes)
{
	char msg = 0;

	start(_metadata, self, body_echo, true);
	stop_untraced(_metadata, self->pid);
	ASSERT_EQ(1, nostop(self->pid, 0, 0));
	wait_stop(_metadata, self->pid, EVENT_STOP_OF(SIGSTOP), "group stop");
	ASSERT_EQ(0, ptrace_err(PTRACE_LISTEN, self->pid, 0, 0));
	ASSERT_EQ(0, kill(self->pid, SIGCONT));
	continue_after_sigcont(_metadata, self->pid);
	send_go(_metadata, self->go[1]);
	read_report(_metadata, self->report[0], &msg, 1, "echo after CONT");
	EXPECT_EQ('a', msg);
	expect_no_report(_metadata, self->pid, "running again");
}

/* --- exec() --- */

/*
 * Whether @pid waits in de_thread(): its wchan names de_thread(), or
 * begin_new_exec() where it is inlined.  That needs CONFIG_KALLSYMS;
 * wchan is "0" while the task runs.  (/proc/PID/syscall would block on
 * cred_guard_mutex.)
 */
static bool exec_stuck(pid_t pid, char *wchan, size_t size)
{
	read_wchan(pid, wchan, size);
	return strstr(wchan, "de_thread") || strstr(wchan, "begin_new_exec");
}

/* Whether @pid's exec gets stuck in de_thread() within BLOCK_TIMEOUT_SEC */
static bool wait_exec_stuck(pid_t pid, char *wchan, size_t size)
{
	long long deadline = now_ns() + BLOCK_TIMEOUT_SEC * NSEC_PER_SEC;

	while (!exec_stuck(pid, wchan, size) && now_ns() < deadline)
		sched_yield();
	return exec_stuck(pid, wchan, size);
}

/* Start body_exec_after_traced_thread(); wait until its exec is stuck. */
static void start_exec_stuck(struct __test_metadata *_metadata,
			     struct _test_data_nostop *self)
{
	char wchan[128] = "";

	start(_metadata, self, body_exec_after_traced_thread, true);
	ASSERT_TRUE(wait_exec_stuck(self->pid, wchan, sizeof(wchan))) {
		TH_LOG("the exec does not wait in de_thread(): wchan %s, state %c",
		       wchan, proc_state(self->pid));
	}
}

/*
 * The tracee's exec waits in de_thread(), holding cred_guard_mutex, for
 * us to reap its traced zombie thread.  A call that waited for the mutex
 * would never return; it must fail with -EAGAIN instead, at once, and
 * succeed once the exec is over.
 */
TEST_F_TIMEOUT(nostop, exec_in_de_thread_no_hang, 20)
{
	long long before, after;
	char wchan[128] = "";
	int status = 0;
	char msg = 0;
	long first;
	pid_t tid;

	if (!have_kallsyms())
		SKIP(return, "no CONFIG_KALLSYMS: wchan names no function");
	start_exec_stuck(_metadata, self);

	before = now_ns();
	first = nostop(self->pid, 0, 0);
	after = now_ns();
	ASSERT_EQ(-EAGAIN, first) {
		TH_LOG("PTRACE_ATTACH_NOSTOP during exec: %ld", first);
	}
	EXPECT_GT(2 * NSEC_PER_SEC, after - before);
	/* Still there: the failed call did not disturb the exec. */
	EXPECT_TRUE(exec_stuck(self->pid, wchan, sizeof(wchan))) {
		TH_LOG("wchan %s after the call", wchan);
	}

	/* reap the zombie thread: de_thread() and the exec go on */
	tid = wait_for(-1, &status, 0);
	ASSERT_LT(0, tid);
	ASSERT_NE(self->pid, tid);
	EXPECT_TRUE(WIFEXITED(status)) {
		TH_LOG("zombie thread %d: status %#x", tid, status);
	}
	read_report(_metadata, self->report[0], &msg, 1, "exec done");
	ASSERT_EQ('e', msg);

	ASSERT_EQ(1, nostop(self->pid, 0, 0));
	expect_attached_running(_metadata, self->pid);
	send_go(_metadata, self->go[1]);
	wait_exit(_metadata, self->pid, 0, "exec'd tracee");
}

/*
 * Fork body_exec_parent(), whose child's exec waits in de_thread() for it
 * to reap a zombie thread; wait until the exec is stuck there.
 */
static void start_exec_for_other_tracer(struct __test_metadata *_metadata,
					struct _test_data_nostop *self)
{
	char wchan[128] = "";

	memcpy(exec_child_go, self->go, sizeof(exec_child_go));
	memcpy(exec_child_report, self->report, sizeof(exec_child_report));
	self->helper = spawn(body_exec_parent, self->hgo, self->hreport);
	ASSERT_LT(0, self->helper);
	read_report(_metadata, self->hreport[0], &self->pid,
		    sizeof(self->pid), "pid of the exec child");
	wait_ready(_metadata, self->report[0]);
	ASSERT_TRUE(wait_exec_stuck(self->pid, wchan, sizeof(wchan))) {
		TH_LOG("the exec does not wait in de_thread(): wchan %s", wchan);
	}
}

/*
 * The call that waited for that exec returned @ret: it must have waited
 * until the other tracer reaped the zombie, then attached the exec'd task.
 */
static void finish_exec_for_other_tracer(struct __test_metadata *_metadata,
					 struct _test_data_nostop *self,
					 long ret)
{
	char msg = 0;

	read_report(_metadata, self->hreport[0], &msg, 1, "zombie reaped");
	EXPECT_EQ('b', msg) {
		TH_LOG("the call did not wait for the exec");
	}
	ASSERT_EQ(1, ret) {
		TH_LOG("PTRACE_ATTACH_NOSTOP: %ld", ret);
	}
	read_report(_metadata, self->report[0], &msg, 1, "exec done");
	ASSERT_EQ('e', msg);
	EXPECT_EQ(getpid(), tracer_of(self->pid, self->pid));
	send_go(_metadata, self->go[1]);
	wait_exit(_metadata, self->pid, 0, "exec'd tracee");
}

/*
 * An exec that waits for another tracer to reap its zombie is no reason to
 * fail: as PTRACE_SEIZE does, wait for it (the mutex), and attach once the
 * exec is over.
 */
TEST_F_TIMEOUT(nostop, exec_for_other_tracer_waits, 30)
{
	long ret;

	if (!have_kallsyms())
		SKIP(return, "no CONFIG_KALLSYMS: wchan names no function");
	start_exec_for_other_tracer(_metadata, self);
	send_go(_metadata, self->hgo[1]);
	ret = nostop(self->pid, 0, 0);
	finish_exec_for_other_tracer(_metadata, self, ret);
}

static int wait_signalled;

static void on_wait_signal(int sig)
{
	__atomic_store_n(&wait_signalled, 1, __ATOMIC_RELAXED);
}

struct interrupter {
	pid_t tid;		/* the thread that waits in ptrace() */
	int go;			/* then tell the exec's tracer to go on */
	bool ptrace_wchan;	/* it was seen asleep in ptrace() */
	bool handled;		/* its handler ran before the exec went on */
};

/*
 * Wait until @arg's thread sleeps in ptrace(), signal it, and wait for its
 * handler, which runs only if the sleep is interruptible; then let the
 * exec go on, in any case, so that nothing hangs.
 */
static void *interrupt_wait(void *arg)
{
	struct interrupter *in = arg;
	long long deadline = now_ns() + BLOCK_TIMEOUT_SEC * NSEC_PER_SEC;
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/task/%d/wchan", in->tid);
	in->ptrace_wchan = wait_asleep_in_ptrace(path);
	syscall(__NR_tgkill, getpid(), in->tid, SIGUSR1);
	while (!__atomic_load_n(&wait_signalled, __ATOMIC_RELAXED) &&
	       now_ns() < deadline)
		sched_yield();
	in->handled = __atomic_load_n(&wait_signalled, __ATOMIC_RELAXED);
	if (write(in->go, "g", 1) != 1)
		return NULL;
	return arg;
}

/*
 * The wait for the mutex is interruptible, as PTRACE_SEIZE's: a signal's
 * handler runs while the call waits (not with mutex_lock_killable()), and
 * the call is restarted after it (-ERESTARTNOINTR): the caller never sees
 * EINTR, and the call still waits for the exec and attaches once it is
 * over.
 */
TEST_F_TIMEOUT(nostop, exec_for_other_tracer_wait_interruptible, 30)
{
	struct interrupter in = { .tid = sys_gettid(), .go = self->hgo[1] };
	struct sigaction sa = { .sa_handler = on_wait_signal };
	pthread_t thread;
	long ret;

	if (!have_kallsyms())
		SKIP(return, "no CONFIG_KALLSYMS: wchan names no function");
	start_exec_for_other_tracer(_metadata, self);
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	ASSERT_EQ(0, pthread_create(&thread, NULL, interrupt_wait, &in));

	ret = nostop(self->pid, 0, 0);
	pthread_join(thread, NULL);
	EXPECT_TRUE(in.ptrace_wchan);
	EXPECT_TRUE(in.handled) {
		TH_LOG("the handler did not run before the exec went on");
	}
	finish_exec_for_other_tracer(_metadata, self, ret);
}

/*
 * Start body_exec_hammer(); with @trace_thread, seize one of its hammering
 * threads, so that the calls take the path of a tracer of the group.  Then
 * attach its main thread HAMMER_ROUNDS times, each after HAMMER_EXECS
 * failed execs: every call must succeed.
 */
static void hammered_attaches(struct __test_metadata *_metadata,
			      struct _test_data_nostop *self,
			      bool trace_thread)
{
	static const char garbage[] = "not an executable\n";
	pid_t tids[HAMMER_THREADS + 1], traced = 0;
	unsigned long before, now;
	long long deadline;
	char path[64];
	int i, n, fd;
	long ret;

	hammer_execs = mmap(NULL, sizeof(*hammer_execs),
			    PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, hammer_execs);
	fd = memfd_create("attach_nostop_hammer", MFD_EXEC);
	if (fd < 0)
		SKIP(return, "memfd_create: %m");
	ASSERT_EQ((ssize_t)strlen(garbage), write(fd, garbage, strlen(garbage)));
	/* no writer may be left: exec would fail with ETXTBSY */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	hammer_fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, hammer_fd);
	close(fd);

	start(_metadata, self, body_exec_hammer, true);
	if (trace_thread) {
		n = list_tasks(self->pid, tids, HAMMER_THREADS + 1);
		ASSERT_EQ(HAMMER_THREADS + 1, n);
		for (i = 0; i < n && !traced; i++)
			if (tids[i] != self->pid)
				traced = tids[i];
		ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, traced, 0, 0));
	}
	for (i = 0; i < HAMMER_ROUNDS; i++) {
		before = __atomic_load_n(hammer_execs, __ATOMIC_RELAXED);
		deadline = now_ns() + BLOCK_TIMEOUT_SEC * NSEC_PER_SEC;
		do {
			sched_yield();
			now = __atomic_load_n(hammer_execs, __ATOMIC_RELAXED);
		} while (now - before < HAMMER_EXECS && now_ns() < deadline);
		ASSERT_LE(HAMMER_EXECS, now - before) {
			TH_LOG("the execs do not fail with ENOEXEC");
		}

		ret = nostop(self->pid, 0, 0);
		ASSERT_EQ(1, ret) {
			TH_LOG("round %d, after %lu failed execs: %ld",
			       i, now, ret);
		}
		ASSERT_EQ(0, ptrace_err(PTRACE_INTERRUPT, self->pid, 0, 0));
		wait_stop(_metadata, self->pid, EVENT_STOP_OF(SIGTRAP),
			  "interrupted");
		ASSERT_EQ(0, ptrace_err(PTRACE_DETACH, self->pid, 0, 0));
	}
	close(hammer_fd);
	munmap(hammer_execs, sizeof(*hammer_execs));
}

/*
 * Threads of the target that take its cred_guard_mutex over and over, here
 * with failing execs, cannot keep the call failing or waiting: a mutex
 * waiter gets its turn.  A call that only tried the mutex would fail with
 * EAGAIN in most of these rounds.
 */
TEST_F_TIMEOUT(nostop, cred_guard_hammered_attaches, 60)
{
	hammered_attaches(_metadata, self, false);
}

/*
 * The same when we trace a thread of the target: the call does not sleep
 * on the mutex, which an exec in de_thread() may hold waiting for us, but
 * an exec that fails before de_thread() waits for nobody.  The call must
 * wait for its turn here too, not fail with EAGAIN as a mere trylock did
 * in most of these rounds.
 */
TEST_F_TIMEOUT(nostop, cred_guard_hammered_attaches_tracing_thread, 60)
{
	hammered_attaches(_metadata, self, true);
}

/*
 * Permission comes first: a caller that may not trace the target gets
 * EPERM, not the EAGAIN that would tell it the target is in execve().
 */
TEST_F_TIMEOUT(nostop, exec_in_de_thread_other_uid_eperm, 20)
{
	if (geteuid())
		SKIP(return, "must be root to run a tracer as another uid");
	if (!have_kallsyms())
		SKIP(return, "no CONFIG_KALLSYMS: wchan names no function");
	start_exec_stuck(_metadata, self);
	expect_unpriv_eperm(_metadata, self);
	/* we may trace it: for us the exec is what fails the call */
	EXPECT_EQ(-EAGAIN, nostop(self->pid, 0, 0));
}

/* ------------------------------------------------------------------ */
/* Passive tracing: syscall stops armed at attach                     */
/* ------------------------------------------------------------------ */

/*
 * PTRACE_NOSTOP_SYSCALL on a whole process: the first stop of every thread
 * is the end of the read() it slept in, with its result; then each of its
 * calls stops at entry and exit.  Detached at the entry of the next read(),
 * every thread sleeps there untraced.
 */
TEST_F(nostop, syscall_stops_every_thread)
{
	pid_t tids[READERS];
	int i;

	readers_syscall_stops(_metadata, self, tids, PTRACE_DETACH);
	for (i = 0; i < READERS; i++)
		EXPECT_EQ(0, tracer_of(self->pid, tids[i]));
	/* the leader reads pipe 0 */
	ASSERT_EQ(1, write(reader_pipes[0][1], "q", 1));
	wait_exit(_metadata, self->pid, 0, "detached tracee");
}

/*
 * A thread created later takes the syscall tracing of its creator: it
 * reports the exit of its clone() (where the architecture reports it for a
 * new task: not arm64), then the entry of its first call.  The creator,
 * resumed from the entry of the clone(), stops at its exit.
 */
TEST_F(nostop, new_thread_inherits_syscall)
{
	int status, cstep = 0, tstep = 0;
	struct ptrace_syscall_info info;
	pid_t tid = 0, child = 0, t;

	to_clone_entry(_metadata, self);
	ASSERT_EQ(0, ptrace_err(PTRACE_SYSCALL, self->pid, 0, 0));

	while (cstep < 1 || tstep < 2) {
		t = wait_for(-1, &status, 0);
		ASSERT_LT(0, t);
		ASSERT_TRUE(WIFSTOPPED(status)) {
			TH_LOG("%d: status %#x", t, status);
		}
		if (t != self->pid) {
			if (!tid)
				tid = t;
			ASSERT_EQ(tid, t);
		}
		ASSERT_EQ(SYSCALL_STOP, status >> 8) {
			TH_LOG("%d: status %#x", t, status);
		}
		syscall_info(_metadata, t, &info);
		if (t == self->pid) {
			/* the exit of the clone(); then no more stops */
			ASSERT_EQ(0, cstep);
			ASSERT_EQ(PTRACE_SYSCALL_INFO_EXIT, info.op);
			child = info.exit.rval;
			cstep = 1;
			ASSERT_EQ(0, ptrace_err(PTRACE_CONT, t, 0, 0));
			continue;
		}
		if (info.op == PTRACE_SYSCALL_INFO_EXIT) {
			/* the exit of the clone(), before anything else */
			ASSERT_EQ(0, tstep) {
				TH_LOG("%d: a system call exit before an entry",
				       t);
			}
			ASSERT_EQ(0, info.exit.rval);
			tstep = 1;
			ASSERT_EQ(0, ptrace_err(PTRACE_SYSCALL, t, 0, 0));
			continue;
		}
		/* the entry of its first call: traced from birth */
		ASSERT_EQ(PTRACE_SYSCALL_INFO_ENTRY, info.op);
		tstep = 2;
		ASSERT_EQ(0, ptrace_err(PTRACE_CONT, t, 0, 0));
	}
	finish_new_thread(_metadata, self, tid, child);
}

/* ------------------------------------------------------------------ */
/* A group attach held between two batches                            */
/* ------------------------------------------------------------------ */

/*
 * A group PTRACE_ATTACH_NOSTOP takes tasklist_lock for a batch of threads
 * at a time: cred_guard_mutex keeps out every other attach but
 * PTRACE_TRACEME, which a thread not reached yet may call meanwhile.  It
 * fails with EPERM, as if the attach had reached that thread first, and
 * the attach gets every thread.
 */
TEST_F(nostop, group_attach_keeps_traceme_out)
{
	struct walk_act act;
	long ret;

	start(_metadata, self, body_walk, true);
	if (!walk_request(_metadata, self, PTRACE_ATTACH_NOSTOP,
			  PTRACE_NOSTOP_THREAD_GROUP, 0, 't', 1, &act, &ret))
		return;
	EXPECT_EQ(EPERM, act.vals[0]) {
		TH_LOG("PTRACE_TRACEME: %s", strerror(act.vals[0]));
	}
	EXPECT_EQ(WALK_THREADS, ret);
	expect_tracers(_metadata, self->pid, WALK_THREADS, getpid());
	expect_no_report(_metadata, -1, "after the attach");
}

/*
 * Threads created during a group PTRACE_ATTACH_NOSTOP, between two
 * batches of its walk, are attached too, whether their creator was
 * attached already (without PTRACE_O_TRACETHREADS its thread is not
 * traced at birth) or not yet.
 */
TEST_F(nostop, group_attach_clone_in_walk)
{
	struct walk_act act;
	long ret;

	start(_metadata, self, body_walk, true);
	if (!walk_request(_metadata, self, PTRACE_ATTACH_NOSTOP,
			  PTRACE_NOSTOP_THREAD_GROUP, 0, 'c', 2, &act, &ret))
		return;
	EXPECT_EQ(WALK_THREADS + 2, ret);
	expect_tracers(_metadata, self->pid, WALK_THREADS + 2, getpid());
	expect_no_report(_metadata, -1, "after the attach");
}

int main(int argc, char **argv)
{
	/* Re-executed by exec_in_de_thread_no_hang. */
	return nostop_main(argc, argv);
}
