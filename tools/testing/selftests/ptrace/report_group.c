// SPDX-License-Identifier: GPL-2.0
/*
 * PTRACE_REPORT of a thread group attached with PTRACE_ATTACH_NOSTOP, and
 * the threads it creates: a thread created while its creator is arrested,
 * or about to be, must not run user code before it stops too, and a new
 * thread takes a report its creator has pending.
 *
 * Every test skips when the kernel does not know PTRACE_ATTACH_NOSTOP or
 * PTRACE_REPORT.  Only pipes, waitpid() and bounded polling of /proc are
 * used for synchronisation: no test sleeps.
 */

#include "report_helpers.h"

#define NOSTOP_NEEDS		report_supported
#define NOSTOP_NEEDS_NAME	"PTRACE_REPORT"
#include "nostop_fixture.h"

#define FAIL_CLONE	"/sys/kernel/debug/fail_ptrace_clone"

/*
 * The parking storm: spawner threads creating threads that block.  A
 * round catches a clone() in the window about one time in four (x86_64,
 * TCG, unfixed kernel: 6 of 24 rounds).
 */
#define STORM_SPAWNERS		4
#define STORM_ROUND_SEC		5	/* one round */
#define STORM_MAX_TIDS		4096
#define PARK_ROUNDS		40
#define PARK_BUDGET_SEC		12	/* all rounds, far below the timeout */
#define PARK_PER_SPAWNER	250

/* ------------------------------------------------------------------ */
/* Tracee side: never ASSERT here, it would only end this process.    */
/* ------------------------------------------------------------------ */

/* Parked threads wait on park_word forever; interrupted, they wait again. */
static void *park(void *arg)
{
	for (;;)
		syscall(__NR_futex, &park_word, FUTEX_WAIT_PRIVATE, 0, NULL,
			NULL, 0);
	return arg;
}

static void *park_spawner(void *arg)
{
	pthread_attr_t attr;
	pthread_t thread;
	int i;

	if (small_stack(&attr))
		return NULL;
	for (i = 0; i < PARK_PER_SPAWNER; i++)
		pthread_create(&thread, &attr, park, NULL);
	return park(arg);
}

/*
 * Spawner threads create PARK_PER_SPAWNER threads each, as fast as they
 * can, which block for good, as the spawners do then: no thread exits.
 */
static void body_park_storm(const struct chan *c)
{
	pthread_attr_t attr;
	pthread_t thread;
	int i;

	if (small_stack(&attr))
		_exit(TRACEE_SETUP_FAILED);
	for (i = 0; i < STORM_SPAWNERS; i++)
		if (pthread_create(&thread, &attr, park_spawner, NULL))
			_exit(TRACEE_SETUP_FAILED);
	say(c, 'r');
	hear(c);
	_exit(0);
}

static void *thread_says_n(void *arg)
{
	say(arg, 'n');
	hear(arg);
	return NULL;
}

static void *thread_tid_then_clone(void *arg)
{
	pthread_t thread;

	say_int(arg, sys_gettid());
	hear(arg);
	if (pthread_create(&thread, NULL, thread_says_n, arg))
		_exit(TRACEE_SETUP_FAILED);
	hear(arg);
	return NULL;
}

/*
 * With SIGCONT blocked (so that it stays pending and no new thread takes
 * it), start a thread that reports its tid and, after a go, creates a
 * thread that says 'n'; the leader sleeps in pause().
 */
static void body_clone_on_go(const struct chan *c)
{
	pthread_t thread;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCONT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) ||
	    pthread_create(&thread, NULL, thread_tid_then_clone, (void *)c))
		_exit(TRACEE_SETUP_FAILED);
	for (;;)
		pause();
}

/* ------------------------------------------------------------------ */
/* Tracer side                                                        */
/* ------------------------------------------------------------------ */

/*
 * One round of the parking storm: attach the group while threads come,
 * arrest it with a group PTRACE_REPORT_INTERRUPT, then every thread,
 * those born after the call included, must stop: none may go on to park.
 * Return false if the kernel has no PTRACE_REPORT.
 */
static bool park_round(struct __test_metadata *_metadata,
		       struct _test_data_nostop *self, int round)
{
	static pid_t tids[STORM_MAX_TIDS], stopped[STORM_MAX_TIDS];
	int i, n, nstopped = 0, status;
	long long deadline;
	struct task_info ti;
	pid_t tid, running;
	long ret;

	start(_metadata, self, body_park_storm, true);
	ret = nostop(self->pid, PTRACE_NOSTOP_THREAD_GROUP,
		     PTRACE_O_TRACETHREADS);
	ASSERT_LE(1 + STORM_SPAWNERS, ret) {
		TH_LOG("round %d: %ld", round, ret);
	}
	ret = ptrace_err(PTRACE_REPORT, self->pid, PTRACE_NOSTOP_THREAD_GROUP |
			 PTRACE_REPORT_INTERRUPT, 0);
	if (ret == -EIO)
		return false;
	ASSERT_LE(1 + STORM_SPAWNERS, ret) {
		TH_LOG("round %d: %ld", round, ret);
	}

	deadline = now_ns() + STORM_ROUND_SEC * NSEC_PER_SEC;
	for (;;) {
		while ((tid = wait_for(-1, &status, WNOHANG)) > 0) {
			ASSERT_EQ(EVENT_STOP_OF(SIGTRAP), status >> 8) {
				TH_LOG("round %d: %d: status %#x", round, tid,
				       status);
			}
			ASSERT_GT(STORM_MAX_TIDS, nstopped);
			stopped[nstopped++] = tid;
		}
		/* A thread is listed before its creator stops. */
		n = list_tasks(self->pid, tids, STORM_MAX_TIDS);
		ASSERT_LT(0, n);
		running = 0;
		for (i = 0; i < n && !running; i++)
			if (!tid_in(stopped, nstopped, tids[i]))
				running = tids[i];
		if (!running)
			break;
		ASSERT_GT(deadline, now_ns()) {
			ti.state = '?';
			task_info(self->pid, running, &ti);
			TH_LOG("round %d: thread %d (state %c) not arrested, %d of %d stopped",
			       round, running, ti.state, nstopped, n);
		}
		sched_yield();
	}
	kill_and_reap(self->pid, 0);
	self->pid = 0;
	return true;
}

/*
 * A group PTRACE_REPORT_INTERRUPT during a clone storm: a clone() that
 * passed its early signal check before the arrest creates its thread
 * after the arrest walked the group; that thread must inherit the trap,
 * not run user code once every thread the call asked has stopped.
 */
TEST_F(nostop, group_interrupt_clone_storm)
{
	long long budget = now_ns() + PARK_BUDGET_SEC * NSEC_PER_SEC;
	int round;

	for (round = 0; round < PARK_ROUNDS; round++) {
		if (round && now_ns() > budget) {
			TH_LOG("time budget used up after %d rounds", round);
			break;
		}
		if (!park_round(_metadata, self, round))
			SKIP(return, "no PTRACE_REPORT here");
	}
}

/*
 * A group PTRACE_REPORT counts, and does not ask again, a thread whose
 * trap is pending already: SIGCONT's (@sig SIGCONT) or that of a group
 * stop it has still to join (@sig SIGSTOP).  If that thread is in a
 * clone() past its signal check, the thread it creates must stop before
 * any user code too: with the arrest it inherits, or in the group stop
 * it joins.  The fault injection holds the clone() there until its
 * creator is asked to stop.  With @sig SIGSTOP the new thread joins the
 * group stop as it did before PTRACE_REPORT: that case checks the count
 * and that the thread stops once, and it passes without the inheritance
 * of the arrest that the SIGCONT case needs.
 */
static void group_report_clone_held(struct __test_metadata *_metadata,
				    struct _test_data_nostop *self, int sig)
{
	int trap = sig == SIGSTOP ? SIGSTOP : SIGTRAP;
	struct pollfd pfd = { .fd = self->report[0], .events = POLLIN };
	long long deadline;
	int status, tid = 0;
	char msg = 0;
	pid_t new;
	long ret;

	if (!have_kallsyms())
		SKIP(return, "no CONFIG_KALLSYMS: wchan names no function");
	start(_metadata, self, body_clone_on_go, false);
	read_report(_metadata, self->report[0], &tid, sizeof(tid), "tid");
	ASSERT_EQ(2, nostop(self->pid, PTRACE_NOSTOP_THREAD_GROUP,
			    PTRACE_O_TRACETHREADS));
	if (!hold_next(FAIL_CLONE, tid))
		SKIP(return, "no fail_ptrace_clone (CONFIG_FAIL_PTRACE_CLONE)");
	send_go(_metadata, self->go[1]);
	wait_wchan(_metadata, tid, "ptrace_clone_delay");

	/* the leader takes the trap or the group stop, the cloner cannot */
	if (sig == SIGSTOP) {
		ASSERT_EQ(0, syscall(__NR_tgkill, self->pid, self->pid, SIGSTOP));
		wait_stop(_metadata, self->pid, SIGSTOP, "SIGSTOP");
		ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, SIGSTOP));
	} else {
		ASSERT_EQ(0, kill(self->pid, SIGCONT));
	}
	wait_stop(_metadata, self->pid, EVENT_STOP_OF(trap), "leader's trap");

	/* the cloner alone is asked; its new thread is not in the group yet */
	ret = ptrace_err(PTRACE_REPORT, self->pid, PTRACE_NOSTOP_THREAD_GROUP, 0);
	if (ret == -EOPNOTSUPP)
		SKIP(return, "no PTRACE_REPORT here");
	ASSERT_EQ(1, ret);
	wait_stop(_metadata, tid, EVENT_STOP_OF(trap), "cloner's trap");
	/* the fault fired once: the clone() was held, not skipped */
	EXPECT_EQ(0, read_int_file(FAIL_CLONE "/times"));

	/* the new thread stops before it says anything */
	deadline = now_ns() + BLOCK_TIMEOUT_SEC * NSEC_PER_SEC;
	while (!(new = wait_for(-1, &status, WNOHANG))) {
		ASSERT_EQ(0, poll(&pfd, 1, 10)) {
			TH_LOG("the new thread ran user code: not arrested");
		}
		ASSERT_GT(deadline, now_ns()) {
			TH_LOG("the new thread never stopped");
		}
	}
	ASSERT_LT(0, new);
	EXPECT_NE(tid, new);
	EXPECT_NE(self->pid, new);
	ASSERT_TRUE(WIFSTOPPED(status)) {
		TH_LOG("new thread %d: status %#x is not a stop", new, status);
	}
	EXPECT_EQ(EVENT_STOP_OF(trap), status >> 8) {
		TH_LOG("new thread %d: status %#x", new, status);
	}
	expect_no_report(_metadata, -1, "after the new thread's stop");
	/* resumed, it runs user code: the check above could see it */
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, new, 0, 0));
	read_report(_metadata, self->report[0], &msg, 1, "new thread");
	EXPECT_EQ('n', msg);
}

TEST_F(nostop, group_report_sigcont_trap_clone)
{
	group_report_clone_held(_metadata, self, SIGCONT);
}

TEST_F(nostop, group_report_group_stop_clone)
{
	group_report_clone_held(_metadata, self, SIGSTOP);
}

/*
 * A thread created later takes the syscall tracing of its creator, and a
 * PTRACE_REPORT its creator has pending: it reports the exit of its clone()
 * (where the architecture reports it for a new task: not arm64), then the
 * report stop, before it runs any code of its own.  The creator, asked
 * while stopped at the entry of the clone, stops at its exit, then
 * reports too.
 */
TEST_F(nostop, new_thread_inherits_report)
{
	int status, cstep = 0, tstep = 0, *step;
	struct ptrace_syscall_info info;
	pid_t tid = 0, child = 0, t;
	long ret;

	to_clone_entry(_metadata, self);
	ret = ptrace_err(PTRACE_REPORT, self->pid, 0, 0);
	if (ret == -EOPNOTSUPP)
		SKIP(return, "no PTRACE_REPORT here");
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, ptrace_err(PTRACE_SYSCALL, self->pid, 0, 0));

	while (cstep < 2 || tstep < 2) {
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
		step = t == self->pid ? &cstep : &tstep;
		if (status >> 8 == SYSCALL_STOP) {
			ASSERT_EQ(0, *step) {
				TH_LOG("%d: a system call before the report",
				       t);
			}
			syscall_info(_metadata, t, &info);
			ASSERT_EQ(PTRACE_SYSCALL_INFO_EXIT, info.op);
			if (t == self->pid)
				child = info.exit.rval;
			else
				ASSERT_EQ(0, info.exit.rval);
			*step = 1;
			ASSERT_EQ(0, ptrace_err(PTRACE_SYSCALL, t, 0, 0));
			continue;
		}
		ASSERT_EQ(EVENT_STOP_OF(SIGTRAP), status >> 8) {
			TH_LOG("%d: status %#x", t, status);
		}
		ASSERT_EQ(PTRACE_EVENTMSG_REPORT, event_msg(_metadata, t));
		/* the creator's clone() reports its exit first */
		ASSERT_TRUE(t != self->pid || *step == 1);
		*step = 2;
		ASSERT_EQ(0, ptrace_err(PTRACE_CONT, t, 0, 0));
	}
	finish_new_thread(_metadata, self, tid, child);
}

TEST_HARNESS_MAIN
