// SPDX-License-Identifier: GPL-2.0
/*
 * PTRACE_DETACH_NOSTOP: let a tracee go, running or stopped, one thread or
 * a whole thread group, without a stop, a wake-up or a signal it did not
 * have untraced, and leave nothing behind for the next tracer.
 *
 * What is checked, besides the error codes:
 *  - one call detaches every thread of a process, resumes the one in a
 *    ptrace-stop and wakes no other, unless a group stop is to be joined;
 *  - a tracee asleep in a system call, with syscall stops armed and a
 *    PTRACE_REPORT pending, is not woken and stops for no next tracer;
 *  - detached in a stop the tracer has not waited for, a tracee keeps the
 *    signals that are its own and loses those that were for the tracer:
 *    the SIGTRAP of a syscall stop, of an exec, of a single-step, the
 *    SIGSTOP of PTRACE_ATTACH;
 *  - a tracee that runs with a step, a PTRACE_SYSEMU or a watchpoint the
 *    tracer set is not detached running (EBUSY);
 *  - a ptrace notification that finds its tracer gone, detached or
 *    exited, is a no-op (fail_ptrace_notify of the debug kernel holds it);
 *  - threads created during a group detach are detached too
 *    (fail_ptrace_walk of the debug kernel).
 *
 * Every test skips when the kernel does not know PTRACE_ATTACH_NOSTOP or
 * PTRACE_DETACH_NOSTOP.  Only pipes, waitpid() and bounded polling of
 * /proc are used for synchronisation: no test sleeps, only the timeouts of
 * the calls under test run down.
 */

#include "detach_helpers.h"
#include "report_helpers.h"

#define NOSTOP_NEEDS		detach_nostop_supported
#define NOSTOP_NEEDS_NAME	"PTRACE_DETACH_NOSTOP of a running tracee"
#include "nostop_fixture.h"
#include "nostop_blocked.h"

/* A flag bit of PTRACE_DETACH_NOSTOP that is not defined. */
#define BAD_FLAG		0x80000000UL

#define FAIL_NOTIFY	"/sys/kernel/debug/fail_ptrace_notify"

/* ------------------------------------------------------------------ */
/* Tracee side: never ASSERT here, it would only end this process.    */
/* ------------------------------------------------------------------ */

static int usr1_fd;

static void usr1_say(int sig)
{
	(void)sig;
	if (write(usr1_fd, "u", 1) != 1)
		_exit(TRACEE_PIPE_FAILED);
}

/* Say 'u' on SIGUSR1; exit 0 on a go. */
static void body_usr1(const struct chan *c)
{
	struct sigaction sa = { .sa_handler = usr1_say, .sa_flags = SA_RESTART };

	usr1_fd = c->report;
	if (sigaction(SIGUSR1, &sa, NULL))
		_exit(TRACEE_SETUP_FAILED);
	say(c, 'r');
	hear(c);
	_exit(0);
}

/* The signal body_self_signal() sends itself, and its si_code */
static int self_sig, self_sig_code;

static void self_sig_say(int sig)
{
	(void)sig;
	if (write(usr1_fd, "h", 1) != 1)
		_exit(TRACEE_PIPE_FAILED);
}

/*
 * On a go, send ourselves self_sig with si_code self_sig_code (allowed to
 * oneself only), say 'h' in its handler; exit 0 on the next go.
 */
static void body_self_signal(const struct chan *c)
{
	struct sigaction sa = { .sa_handler = self_sig_say };
	siginfo_t info = { .si_signo = self_sig, .si_code = self_sig_code };

	usr1_fd = c->report;
	if (sigaction(self_sig, &sa, NULL))
		_exit(TRACEE_SETUP_FAILED);
	say(c, 'r');
	hear(c);
	info.si_pid = getpid();
	if (syscall(__NR_rt_tgsigqueueinfo, getpid(), syscall(__NR_gettid),
		    self_sig, &info))
		_exit(TRACEE_SETUP_FAILED);
	hear(c);
	_exit(0);
}

/* On a go, exec exec_helper(). */
static void body_exec_on_go(const struct chan *c)
{
	struct exec_args a;

	exec_helper_args(c, &a);
	say(c, 'r');
	hear(c);
	exec_helper_image(&a);
}

/* Sleep in epoll_wait() on nothing; say 'i' for each EINTR. */
static void *epoll_sleeper(void *arg)
{
	const struct chan *c = arg;
	struct epoll_event ev;
	int epfd = epoll_create1(0);

	if (epfd < 0)
		_exit(TRACEE_SETUP_FAILED);
	say_int(c, sys_gettid());
	for (;;) {
		if (epoll_wait(epfd, &ev, 1, -1) < 0 && errno == EINTR)
			say(c, 'i');
	}
	return NULL;
}

/* The leader reads the go pipe; a thread sleeps in epoll_wait(). */
static void body_epoll_sleeper(const struct chan *c)
{
	pthread_attr_t attr;
	pthread_t thread;

	if (small_stack(&attr) ||
	    pthread_create(&thread, &attr, epoll_sleeper, (void *)c))
		_exit(TRACEE_SETUP_FAILED);
	hear(c);
	_exit(0);
}

/* ------------------------------------------------------------------ */
/* Tracer side                                                        */
/* ------------------------------------------------------------------ */

/*
 * PTRACE_DETACH_NOSTOP of a whole process, named by one of its threads:
 * one thread is in a ptrace-stop and resumes; the others sleep on and are
 * not woken (their voluntary context switches stay as they were).
 */
TEST_F(nostop, detach_nostop_group)
{
	const int n = 8;
	struct task_info ti[8];
	pid_t tids[8];
	long sleeps;
	int i;

	if (!start_threads(_metadata, self, n, false, tids))
		return;
	for (i = 1; i < n; i++)
		wait_blocked(_metadata, tids[i], futex_nrs,
			     sizeof(futex_nrs) / sizeof(long), "futex");
	wait_blocked(_metadata, tids[0], read_nrs, 1, "read");
	ASSERT_EQ(n, nostop(self->pid, PTRACE_NOSTOP_THREAD_GROUP, 0));
	ASSERT_EQ(0, ptrace_err(PTRACE_INTERRUPT, tids[1], 0, 0));
	wait_stop(_metadata, tids[1], EVENT_STOP_OF(SIGTRAP), "interrupted");
	for (i = 0; i < n; i++)
		ASSERT_TRUE(task_info(self->pid, tids[i], &ti[i]));

	ASSERT_EQ(n, detach_nostop(tids[2], PTRACE_NOSTOP_THREAD_GROUP));
	wait_state(_metadata, tids[1], 'S');
	for (i = 0; i < n; i++) {
		sleeps = ti[i].sleeps;
		ASSERT_TRUE(task_info(self->pid, tids[i], &ti[i]));
		EXPECT_EQ(0, ti[i].tracer);
		if (i != 1)
			EXPECT_EQ(sleeps, ti[i].sleeps) {
				TH_LOG("thread %d woken", tids[i]);
			}
	}
	expect_no_report(_metadata, -1, "after the detach");
}

/*
 * Detached in a signal-delivery-stop the tracer has not waited for (so
 * does not know the signal of), the tracee gets the signal, as if it had
 * never been traced.
 */
TEST_F(nostop, detach_nostop_signal_stop_keeps_signal)
{
	char msg = 0;

	start(_metadata, self, body_usr1, true);
	ASSERT_EQ(1, nostop(self->pid, 0, 0));
	ASSERT_EQ(0, kill(self->pid, SIGUSR1));
	wait_state(_metadata, self->pid, 't');
	ASSERT_EQ(1, detach_nostop(self->pid, 0));
	read_report(_metadata, self->report[0], &msg, 1, "handler");
	EXPECT_EQ('u', msg);
	send_go(_metadata, self->go[1]);
	wait_exit(_metadata, self->pid, 0, "tracee");
}

/*
 * A signal-delivery-stop whose si_code equals its signal number (SIGTRAP
 * with TRAP_UNK, SIGILL with ILL_ILLTRP, SIGFPE with FPE_FLTSUB) looks
 * like a syscall or event stop from the siginfo alone: detached there
 * unwaited, the tracee must get the signal all the same.
 */
TEST_F(nostop, detach_nostop_signal_stop_any_si_code)
{
	static const int sigs[][2] = {
		{ SIGTRAP, TRAP_UNK }, { SIGILL, ILL_ILLTRP },
		{ SIGFPE, FPE_FLTSUB },
	};
	unsigned int i;
	char msg;

	for (i = 0; i < ARRAY_SIZE(sigs); i++) {
		self_sig = sigs[i][0];
		self_sig_code = sigs[i][1];
		start(_metadata, self, body_self_signal, true);
		ASSERT_EQ(1, nostop(self->pid, 0, 0));
		send_go(_metadata, self->go[1]);
		wait_state(_metadata, self->pid, 't');
		ASSERT_EQ(1, detach_nostop(self->pid, 0));
		msg = 0;
		read_report(_metadata, self->report[0], &msg, 1, "handler");
		EXPECT_EQ('h', msg) {
			TH_LOG("signal %d, si_code %d", sigs[i][0],
			       sigs[i][1]);
		}
		send_go(_metadata, self->go[1]);
		wait_exit(_metadata, self->pid, 0, "tracee");
		self->pid = 0;
	}
}

/*
 * An exec of a tracee attached with PTRACE_ATTACH, without
 * PTRACE_O_TRACEEXEC, sends it a SIGTRAP for its tracer.  Detached with
 * PTRACE_DETACH_NOSTOP while that SIGTRAP is pending (at the exit of
 * execve(), with @syscall) or in its signal-delivery-stop the tracer has
 * not waited for, the tracee must not get it: untraced, it would die of
 * it.
 */
static void detach_after_legacy_exec(struct __test_metadata *_metadata,
				     struct _test_data_nostop *self,
				     bool syscall)
{
	struct ptrace_syscall_info info;
	bool in_exec = false;
	char msg = 0;
	int i;

	start(_metadata, self, body_exec_on_go, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_ATTACH, self->pid, 0, 0));
	wait_stop(_metadata, self->pid, SIGSTOP, "attach");
	ASSERT_EQ(0, ptrace_err(PTRACE_SETOPTIONS, self->pid, 0,
				PTRACE_O_TRACESYSGOOD));
	send_go(_metadata, self->go[1]);
	for (i = 0; syscall; i++) {
		ASSERT_GT(100, i);
		ASSERT_EQ(0, ptrace_err(PTRACE_SYSCALL, self->pid, 0, 0));
		if (wait_syscall_stop(_metadata, self->pid, &info, "exec") ==
		    PTRACE_SYSCALL_INFO_ENTRY)
			in_exec = info.entry.nr == __NR_execve;
		else if (in_exec)
			break;
	}
	if (!syscall) {
		ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
		wait_state(_metadata, self->pid, 't');
	}
	ASSERT_EQ(1, detach_nostop(self->pid, 0));
	read_report(_metadata, self->report[0], &msg, 1, "new image");
	EXPECT_EQ('e', msg);
	send_go(_metadata, self->go[1]);
	wait_exit(_metadata, self->pid, 0, "detached tracee");
}

TEST_F(nostop, detach_nostop_legacy_exec_sigtrap_pending)
{
	detach_after_legacy_exec(_metadata, self, true);
}

TEST_F(nostop, detach_nostop_legacy_exec_sigtrap_stop)
{
	detach_after_legacy_exec(_metadata, self, false);
}

/*
 * The SIGSTOP of PTRACE_ATTACH is for the tracer.  Detached before the
 * tracer waited for its stop, pending or in the signal-delivery-stop
 * (@stopped), it is dropped: the process does not stop, and the tracee
 * echoes the next go.
 */
static void detach_before_attach_stop(struct __test_metadata *_metadata,
				      struct _test_data_nostop *self,
				      bool stopped)
{
	char msg = 0;

	start(_metadata, self, body_echo, true);
	wait_blocked(_metadata, self->pid, read_nrs, 1, "read");
	ASSERT_EQ(0, ptrace_err(PTRACE_ATTACH, self->pid, 0, 0));
	if (stopped)
		wait_state(_metadata, self->pid, 't');
	ASSERT_EQ(1, detach_nostop(self->pid, 0));
	send_go(_metadata, self->go[1]);
	read_report(_metadata, self->report[0], &msg, 1, "echo");
	EXPECT_EQ('a', msg);
	send_go(_metadata, self->go[1]);
	wait_exit(_metadata, self->pid, 0, "detached tracee");
}

/* Right after the attach: pending, or in its stop, whichever it is in. */
TEST_F(nostop, detach_nostop_attach_sigstop_early)
{
	detach_before_attach_stop(_metadata, self, false);
}

TEST_F(nostop, detach_nostop_attach_sigstop_stop)
{
	detach_before_attach_stop(_metadata, self, true);
}

/*
 * A sleeping thread is not woken by the detach, unless a group stop is
 * in effect, which it must join: then it is woken, as on the tracer's
 * exit, and epoll_wait(), which is not restarted after a stop, fails
 * with EINTR once the process is continued.
 */
TEST_F(nostop, detach_nostop_group_stop_wakes_sleeper)
{
	int status, i;
	char msg = 0;
	pid_t tid = 0, t;

	start(_metadata, self, body_epoll_sleeper, false);
	read_report(_metadata, self->report[0], &tid, sizeof(tid), "tid");
	wait_blocked(_metadata, tid, epoll_wait_nrs, ARRAY_SIZE(epoll_wait_nrs),
		     "epoll_wait");
	ASSERT_EQ(2, nostop(self->pid, PTRACE_NOSTOP_THREAD_GROUP, 0));

	/* a group stop, which wakes the sleeper: its first EINTR */
	ASSERT_EQ(0, kill(self->pid, SIGSTOP));
	t = wait_for(-1, &status, 0);
	ASSERT_TRUE(t > 0 && WIFSTOPPED(status) && status >> 8 == SIGSTOP) {
		TH_LOG("%d: status %#x", t, status);
	}
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, t, 0, SIGSTOP));
	for (i = 0; i < 2; i++) {
		t = wait_for(-1, &status, 0);
		ASSERT_EQ(EVENT_STOP_OF(SIGSTOP), status >> 8) {
			TH_LOG("%d: status %#x", t, status);
		}
	}
	/* let the sleeper alone go back to sleep, the group still stopped */
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, tid, 0, 0));
	read_report(_metadata, self->report[0], &msg, 1, "first EINTR");
	ASSERT_EQ('i', msg);
	wait_blocked(_metadata, tid, epoll_wait_nrs, ARRAY_SIZE(epoll_wait_nrs),
		     "epoll_wait again");

	ASSERT_EQ(2, detach_nostop(self->pid, PTRACE_NOSTOP_THREAD_GROUP));
	wait_state(_metadata, tid, 'T');
	ASSERT_EQ(0, kill(self->pid, SIGCONT));
	read_report(_metadata, self->report[0], &msg, 1, "second EINTR");
	EXPECT_EQ('i', msg);
}

/*
 * The group detach of syscall_stops_every_thread (attach_nostop): every
 * thread, its syscall stops armed, sleeps in read() again, and one
 * PTRACE_DETACH_NOSTOP lets them all go there.
 */
TEST_F(nostop, detach_nostop_group_syscall_stops)
{
	pid_t tids[READERS];
	int i;

	readers_syscall_stops(_metadata, self, tids, PTRACE_SYSCALL);
	ASSERT_EQ(READERS, detach_nostop(self->pid,
					 PTRACE_NOSTOP_THREAD_GROUP));
	for (i = 0; i < READERS; i++)
		EXPECT_EQ(0, tracer_of(self->pid, tids[i]));
	/* the leader reads pipe 0 */
	ASSERT_EQ(1, write(reader_pipes[0][1], "q", 1));
	wait_exit(_metadata, self->pid, 0, "detached tracee");
}

/*
 * A notification looks at ->ptrace without a lock, then takes the
 * siglock: a PTRACE_DETACH_NOSTOP in between must make it a no-op, not
 * a SIGTRAP (the exit code of a syscall stop without
 * PTRACE_O_TRACESYSGOOD) the untraced tracee sends itself and dies of.
 * The fault injection holds the tracee in that window.
 */
TEST_F(nostop, detach_nostop_notify_in_flight)
{
	char msg = 0;

	if (!have_kallsyms())
		SKIP(return, "no CONFIG_KALLSYMS: wchan names no function");
	start(_metadata, self, body_echo, true);
	wait_blocked(_metadata, self->pid, read_nrs, 1, "read");
	if (!hold_next(FAIL_NOTIFY, self->pid))
		SKIP(return, "no fail_ptrace_notify (CONFIG_FAIL_PTRACE_NOTIFY)");
	ASSERT_EQ(1, nostop(self->pid, PTRACE_NOSTOP_SYSCALL, 0));
	send_go(_metadata, self->go[1]);
	wait_wchan(_metadata, self->pid, "ptrace_notify");
	ASSERT_EQ(1, detach_nostop(self->pid, 0));
	read_report(_metadata, self->report[0], &msg, 1, "echo");
	EXPECT_EQ('a', msg);
	/* the fault fired once: the notification was held, not skipped */
	EXPECT_EQ(0, read_int_file(FAIL_NOTIFY "/times"));
	send_go(_metadata, self->go[1]);
	wait_exit(_metadata, self->pid, 0, "detached tracee");
}

/*
 * The same window, closed by the tracer's exit (exit_ptrace()): legacy
 * requests only, and the tracee is no more killed by the SIGTRAP of a
 * syscall stop its tracer did not live to see.  The tracer, a child of
 * ours, seizes the tracee asleep in read(), arrests it and resumes it
 * with PTRACE_SYSCALL: the read() restarts, and its syscall-entry
 * notification is held until the tracer is killed.
 */
TEST_F(nostop, tracer_exit_notify_in_flight)
{
	int to_tracer[2], from_tracer[2], status;
	char msg = 0;
	pid_t tracer;

	if (!have_kallsyms())
		SKIP(return, "no CONFIG_KALLSYMS: wchan names no function");
	start(_metadata, self, body_echo, true);
	wait_blocked(_metadata, self->pid, read_nrs, 1, "read");
	ASSERT_EQ(0, pipe2(to_tracer, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(from_tracer, O_CLOEXEC));
	tracer = fork();
	ASSERT_LE(0, tracer);
	if (tracer == 0) {
		if (sys_ptrace(PTRACE_SEIZE, self->pid, 0, 0) ||
		    sys_ptrace(PTRACE_INTERRUPT, self->pid, 0, 0) ||
		    waitpid(self->pid, &status, __WALL) != self->pid ||
		    write(from_tracer[1], "s", 1) != 1 ||
		    read(to_tracer[0], &msg, 1) != 1 ||
		    sys_ptrace(PTRACE_SYSCALL, self->pid, 0, 0))
			_exit(1);
		/* killed by us, or gone with the tracee if the test fails */
		while (waitpid(self->pid, &status, __WALL) == self->pid &&
		       WIFSTOPPED(status))
			;
		_exit(1);
	}
	read_report(_metadata, from_tracer[0], &msg, 1, "tracer");
	if (!hold_next(FAIL_NOTIFY, self->pid)) {
		kill(tracer, SIGKILL);
		wait_for(tracer, NULL, 0);
		SKIP(return, "no fail_ptrace_notify (CONFIG_FAIL_PTRACE_NOTIFY)");
	}
	ASSERT_EQ(1, write(to_tracer[1], "g", 1));
	wait_wchan(_metadata, self->pid, "ptrace_notify");
	ASSERT_EQ(0, kill(tracer, SIGKILL));
	ASSERT_EQ(tracer, wait_for(tracer, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

	send_go(_metadata, self->go[1]);
	read_report(_metadata, self->report[0], &msg, 1, "echo");
	EXPECT_EQ('a', msg);
	EXPECT_EQ(0, read_int_file(FAIL_NOTIFY "/times"));
	send_go(_metadata, self->go[1]);
	wait_exit(_metadata, self->pid, 0, "untraced tracee");
	close(to_tracer[0]);
	close(to_tracer[1]);
	close(from_tracer[0]);
	close(from_tracer[1]);
}

/*
 * A group PTRACE_DETACH_NOSTOP unlinks a batch of tracees at a time.  The
 * threads that traced ones create meanwhile, traced at birth
 * (PTRACE_O_TRACETHREADS), are detached too: of the leader and the last
 * thread, which are not unlinked in the same batch, one is traced still
 * and its new thread with it, the other not.
 */
TEST_F(nostop, group_detach_clone_in_walk)
{
	struct walk_act act;
	long ret;

	start(_metadata, self, body_walk, true);
	ASSERT_EQ(WALK_THREADS, nostop(self->pid, PTRACE_NOSTOP_THREAD_GROUP,
				       PTRACE_O_TRACETHREADS));
	if (!walk_request(_metadata, self, PTRACE_DETACH_NOSTOP,
			  PTRACE_NOSTOP_THREAD_GROUP, 0, 'c', 2, &act, &ret))
		return;
	EXPECT_EQ(WALK_THREADS + 1, ret);
	expect_tracers(_metadata, self->pid, WALK_THREADS + 2, 0);
	expect_no_report(_metadata, -1, "after the detach");
}

/*
 * Without PTRACE_O_TRACESYSGOOD, a syscall stop has SIGTRAP for exit code
 * until the tracer waits for it; detached there, the tracee must not get
 * that SIGTRAP, which kills it.
 */
TEST_F(nostop, detach_nostop_syscall_stop_no_sigtrap)
{
	char msg = 0;

	start(_metadata, self, body_echo, true);
	wait_blocked(_metadata, self->pid, read_nrs, 1, "read");
	ASSERT_EQ(1, nostop(self->pid, PTRACE_NOSTOP_SYSCALL, 0));
	send_go(_metadata, self->go[1]);
	wait_state(_metadata, self->pid, 't');
	ASSERT_EQ(1, detach_nostop(self->pid, 0));
	read_report(_metadata, self->report[0], &msg, 1, "echo");
	EXPECT_EQ('a', msg);
	send_go(_metadata, self->go[1]);
	wait_exit(_metadata, self->pid, 0, "detached tracee");
}

/*
 * Say ready, hear a go, then epoll_wait() 100 ms for nothing; say how it
 * ended: 0 for the timeout, else -errno.
 */
static void body_go_epoll(const struct chan *c)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev;
	long ret;

	if (ep < 0)
		_exit(TRACEE_SETUP_FAILED);
	say(c, 'r');
	hear(c);
	ret = epoll_wait(ep, &ev, 1, 100);
	say_int(c, ret < 0 ? -errno : (int)ret);
	_exit(0);
}

/*
 * Detached in the syscall-entry stop of epoll_wait(), the tracee goes on
 * into the call as PTRACE_CONT lets it, not with TIF_SIGPENDING set by
 * the wake-up: the call times out, it does not fail with EINTR.
 */
TEST_F(nostop, detach_nostop_syscall_entry_no_eintr)
{
	struct ptrace_syscall_info info;
	int i, res = 1;
	size_t j;

	start(_metadata, self, body_go_epoll, true);
	wait_blocked(_metadata, self->pid, read_nrs, 1, "read");
	ASSERT_EQ(1, nostop(self->pid, PTRACE_NOSTOP_SYSCALL,
			    PTRACE_O_TRACESYSGOOD));
	send_go(_metadata, self->go[1]);
	for (i = 0;; i++) {
		ASSERT_GT(100, i);
		if (wait_syscall_stop(_metadata, self->pid, &info,
				      "epoll_wait") == PTRACE_SYSCALL_INFO_ENTRY)
			for (j = 0; j < ARRAY_SIZE(epoll_wait_nrs); j++)
				if (info.entry.nr == (__u64)epoll_wait_nrs[j])
					goto entry;
		ASSERT_EQ(0, ptrace_err(PTRACE_SYSCALL, self->pid, 0, 0));
	}
entry:
	ASSERT_EQ(1, detach_nostop(self->pid, 0));
	read_report(_metadata, self->report[0], &res, sizeof(res),
		    "epoll_wait");
	EXPECT_EQ(0, res) {
		TH_LOG("epoll_wait() after the detach: %s",
		       res < 0 ? strerror(-res) : "an event");
	}
	wait_exit(_metadata, self->pid, 0, "detached tracee");
}

/*
 * Start @body, which says ready and blocks in read() for a go, attach it
 * with its syscall stops armed, give it the go and leave it in the
 * syscall-exit stop of that read().
 */
static void go_to_read_exit(struct __test_metadata *_metadata,
			    struct _test_data_nostop *self, body_fn body,
			    struct ptrace_syscall_info *info)
{
	start(_metadata, self, body, true);
	wait_blocked(_metadata, self->pid, read_nrs, 1, "read");
	ASSERT_EQ(1, nostop(self->pid, PTRACE_NOSTOP_SYSCALL,
			    PTRACE_O_TRACESYSGOOD));
	send_go(_metadata, self->go[1]);
	ASSERT_EQ(PTRACE_SYSCALL_INFO_EXIT,
		  wait_syscall_stop(_metadata, self->pid, info, "read"));
}

#ifdef PTRACE_SYSEMU
/*
 * Say ready, hear a go, then write 'w' to the report pipe with the raw
 * system call, and say what it returned: 'w' arrives only if the write was
 * made.
 */
static void body_go_write(const struct chan *c)
{
	long ret;

	say(c, 'r');
	hear(c);
	ret = syscall(__NR_write, c->report, "w", 1);
	say_int(c, ret < 0 ? -errno : (int)ret);
	_exit(0);
}
#endif

/*
 * In the syscall-entry stop of PTRACE_SYSEMU, the call is the tracer's to
 * emulate: detached there, the tracee goes on as after PTRACE_CONT, past
 * the call, which is not made and returns what the tracer left in the
 * return register, not what the call would have.
 */
TEST_F(nostop, detach_nostop_sysemu_entry_skips_call)
{
#ifdef PTRACE_SYSEMU
	struct pollfd pfd = { .fd = self->report[0], .events = POLLIN };
	struct ptrace_syscall_info info;
	int res = 0;
	long ret;

	go_to_read_exit(_metadata, self, body_go_write, &info);
	ret = ptrace_err(PTRACE_SYSEMU, self->pid, 0, 0);
	if (ret == -EIO)
		SKIP(return, "no PTRACE_SYSEMU here");
	ASSERT_EQ(0, ret);
	ASSERT_EQ(PTRACE_SYSCALL_INFO_ENTRY,
		  wait_syscall_stop(_metadata, self->pid, &info, "write"));
	ASSERT_EQ(__NR_write, info.entry.nr);

	ASSERT_EQ(1, detach_nostop(self->pid, 0));
	read_report(_metadata, self->report[0], &res, sizeof(res),
		    "write's result");
	wait_exit(_metadata, self->pid, 0, "detached tracee");
	/* nothing behind the result: no 'w' came first */
	EXPECT_EQ(0, poll(&pfd, 1, 0));
	EXPECT_NE(1, res);
#else
	SKIP(return, "no PTRACE_SYSEMU here");
#endif
}

/*
 * Attach @body, body_echo() or one that runs it, with its syscall stops
 * armed, let it echo a go, and leave it in the syscall-entry stop of its
 * next read().
 */
static void echo_to_next_read_entry(struct __test_metadata *_metadata,
				    struct _test_data_nostop *self,
				    body_fn body)
{
	struct ptrace_syscall_info info;
	char msg = 0;
	int i;

	go_to_read_exit(_metadata, self, body, &info);
	/* on to the entry of the next read(), after the echo */
	for (i = 0;; i++) {
		ASSERT_GT(100, i);
		ASSERT_EQ(0, ptrace_err(PTRACE_SYSCALL, self->pid, 0, 0));
		if (wait_syscall_stop(_metadata, self->pid, &info, "echo") ==
		    PTRACE_SYSCALL_INFO_ENTRY && info.entry.nr == __NR_read)
			break;
	}
	read_report(_metadata, self->report[0], &msg, 1, "echo");
	EXPECT_EQ('a', msg);
}

/*
 * echo_to_next_read_entry(), then resume self->pid with PTRACE_SINGLESTEP
 * into that read(): false if the architecture cannot step.
 */
static bool step_into_next_read(struct __test_metadata *_metadata,
				struct _test_data_nostop *self, body_fn body)
{
	long ret;

	echo_to_next_read_entry(_metadata, self, body);
	ret = ptrace_err(PTRACE_SINGLESTEP, self->pid, 0, 0);
	if (ret == -EIO)
		SKIP(return false, "no PTRACE_SINGLESTEP here");
	ASSERT_EQ(0, ret);
	return true;
}

/*
 * A tracee single-stepped into a blocking call runs with the step flag:
 * it cannot be detached running (EBUSY, still traced); it stops after the
 * call and can be detached then.
 */
TEST_F(nostop, detach_nostop_stepping_ebusy)
{
	int status;

	if (!step_into_next_read(_metadata, self, body_echo))
		return;
	wait_blocked(_metadata, self->pid, read_nrs, 1, "read, stepping");

	EXPECT_EQ(-EBUSY, detach_nostop(self->pid, 0));
	EXPECT_EQ(getpid(), tracer_of(self->pid, self->pid));
	send_go(_metadata, self->go[1]);
	ASSERT_EQ(self->pid, wait_for(self->pid, &status, 0));
	ASSERT_TRUE(WIFSTOPPED(status) && WSTOPSIG(status) == SIGTRAP) {
		TH_LOG("status %#x", status);
	}
	/* the step's SIGTRAP, which PTRACE_DETACH can drop */
	ASSERT_EQ(0, ptrace_err(PTRACE_DETACH, self->pid, 0, 0));
	wait_exit(_metadata, self->pid, 0, "detached tracee");
}

/*
 * The SIGTRAP of a step, in the signal-delivery-stop the tracer has not
 * waited for: it was for the tracer, and would kill the tracee untraced.
 * PTRACE_DETACH_NOSTOP drops it.
 */
TEST_F(nostop, detach_nostop_unwaited_step_sigtrap)
{
	siginfo_t si = { 0 };

	if (!step_into_next_read(_metadata, self, body_echo))
		return;
	send_go(_metadata, self->go[1]);
	/* see the stop, but leave it unwaited for */
	ASSERT_EQ(0, waitid(P_PID, self->pid, &si,
			    WSTOPPED | WNOWAIT | __WALL)) {
		TH_LOG("waitid: %m");
	}
	ASSERT_EQ(CLD_TRAPPED, si.si_code);
	ASSERT_EQ(SIGTRAP, si.si_status);

	ASSERT_EQ(1, detach_nostop(self->pid, 0));
	/* its read() returned: untraced, it exits, not killed by SIGTRAP */
	wait_exit(_metadata, self->pid, 0, "detached tracee");
}

/*
 * step_into_next_read() with @body, then trap the tracee with
 * PTRACE_INTERRUPT while it sleeps in read(): the interrupted read() is
 * restarted, and its exit, stepped, raises the SIGTRAP of the step, left
 * pending behind the trap, which is taken before a signal is dequeued.
 * False, after a SKIP, where no step SIGTRAP is raised at a system call
 * exit.
 */
static bool step_trap_pending(struct __test_metadata *_metadata,
			      struct _test_data_nostop *self, body_fn body)
{
	struct ptrace_peeksiginfo_args args = { .nr = 1 };
	siginfo_t si = { 0 };

	if (!step_into_next_read(_metadata, self, body))
		return false;
	wait_blocked(_metadata, self->pid, read_nrs, 1, "read, stepping");
	ASSERT_EQ(0, ptrace_err(PTRACE_INTERRUPT, self->pid, 0, 0));
	wait_stop(_metadata, self->pid, EVENT_STOP_OF(SIGTRAP),
		  "interrupt trap");
	if (ptrace_err(PTRACE_PEEKSIGINFO, self->pid, (unsigned long)&args,
		       (unsigned long)&si) != 1)
		SKIP(return false, "no step SIGTRAP at a system call exit here");
	ASSERT_EQ(SIGTRAP, si.si_signo);
	return true;
}

/*
 * The SIGTRAP of a step may still be pending when the tracee stops for
 * something else first: PTRACE_DETACH_NOSTOP drops it there too.
 */
TEST_F(nostop, detach_nostop_pending_step_sigtrap)
{
	if (!step_trap_pending(_metadata, self, body_echo))
		return;
	ASSERT_EQ(1, detach_nostop(self->pid, 0));
	send_go(_metadata, self->go[1]);
	/* untraced, it exits, not killed by SIGTRAP */
	wait_exit(_metadata, self->pid, 0, "detached tracee");
}

/*
 * The SIGTRAP of a step stays the tracer's after the tracer resumed the
 * tracee with PTRACE_CONT: detached in the signal-delivery-stop of that
 * SIGTRAP, which it has not waited for, the tracee does not get it.
 */
TEST_F(nostop, detach_nostop_step_sigtrap_after_cont)
{
	siginfo_t si = { 0 };

	if (!step_trap_pending(_metadata, self, body_echo))
		return;
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	ASSERT_EQ(0, waitid(P_PID, self->pid, &si,
			    WSTOPPED | WNOWAIT | __WALL)) {
		TH_LOG("waitid: %m");
	}
	ASSERT_EQ(CLD_TRAPPED, si.si_code);
	ASSERT_EQ(SIGTRAP, si.si_status);

	ASSERT_EQ(1, detach_nostop(self->pid, 0));
	send_go(_metadata, self->go[1]);
	wait_exit(_metadata, self->pid, 0, "detached tracee");
}

static void trap_say(int sig)
{
	(void)sig;
	if (write(usr1_fd, "t", 1) != 1)
		_exit(TRACEE_PIPE_FAILED);
}

/* body_echo(), saying 't' on SIGTRAP */
static void body_echo_trap(const struct chan *c)
{
	struct sigaction sa = { .sa_handler = trap_say, .sa_flags = SA_RESTART };

	usr1_fd = c->report;
	if (sigaction(SIGTRAP, &sa, NULL))
		_exit(TRACEE_SETUP_FAILED);
	body_echo(c);
}

/*
 * A SIGTRAP that tgkill() sent a tracee while it steps is not the step's:
 * PTRACE_DETACH_NOSTOP in its signal-delivery-stop leaves it to the
 * tracee, whose handler runs.
 */
TEST_F(nostop, detach_nostop_stepping_sent_sigtrap_kept)
{
	siginfo_t si = { 0 };
	char msg = 0;

	if (!step_into_next_read(_metadata, self, body_echo_trap))
		return;
	ASSERT_EQ(0, syscall(__NR_tgkill, self->pid, self->pid, SIGTRAP));
	ASSERT_EQ(0, waitid(P_PID, self->pid, &si,
			    WSTOPPED | WNOWAIT | __WALL)) {
		TH_LOG("waitid: %m");
	}
	ASSERT_EQ(CLD_TRAPPED, si.si_code);
	ASSERT_EQ(SIGTRAP, si.si_status);
	ASSERT_EQ(0, ptrace_err(PTRACE_GETSIGINFO, self->pid, 0,
				(unsigned long)&si));
	ASSERT_EQ(SI_TKILL, si.si_code);

	ASSERT_EQ(1, detach_nostop(self->pid, 0));
	read_report(_metadata, self->report[0], &msg, 1, "SIGTRAP handler");
	EXPECT_EQ('t', msg);
	send_go(_metadata, self->go[1]);
	wait_exit(_metadata, self->pid, 0, "detached tracee");
}

/*
 * A SIGTRAP that tgkill() sends while the step's is pending merges into
 * it, as a second SIGTRAP does: the pending one is then the tracee's too,
 * and PTRACE_DETACH_NOSTOP leaves it, so that the handler runs.
 */
TEST_F(nostop, detach_nostop_sent_sigtrap_on_pending_step_kept)
{
	char msg = 0;

	if (!step_trap_pending(_metadata, self, body_echo_trap))
		return;
	ASSERT_EQ(0, syscall(__NR_tgkill, self->pid, self->pid, SIGTRAP));
	ASSERT_EQ(1, detach_nostop(self->pid, 0));
	read_report(_metadata, self->report[0], &msg, 1, "SIGTRAP handler");
	EXPECT_EQ('t', msg);
	send_go(_metadata, self->go[1]);
	wait_exit(_metadata, self->pid, 0, "detached tracee");
}

/*
 * A tracee resumed with PTRACE_SYSEMU may be on its way to skip its next
 * system call for us: it cannot be detached running (EBUSY, still
 * traced).  Once stopped, then resumed with PTRACE_CONT, it can.
 */
TEST_F(nostop, detach_nostop_sysemu_ebusy)
{
#ifdef PTRACE_SYSEMU
	int status;
	long ret;

	echo_to_next_read_entry(_metadata, self, body_echo);
	/* read() was entered without emulation: it blocks */
	ret = ptrace_err(PTRACE_SYSEMU, self->pid, 0, 0);
	if (ret == -EIO)
		SKIP(return, "no PTRACE_SYSEMU here");
	ASSERT_EQ(0, ret);
	wait_blocked(_metadata, self->pid, read_nrs, 1, "read, emulating");

	EXPECT_EQ(-EBUSY, detach_nostop(self->pid, 0));
	EXPECT_EQ(getpid(), tracer_of(self->pid, self->pid));

	ASSERT_EQ(0, ptrace_err(PTRACE_INTERRUPT, self->pid, 0, 0));
	ASSERT_EQ(self->pid, wait_for(self->pid, &status, 0));
	ASSERT_EQ(EVENT_STOP_OF(SIGTRAP), status >> 8) {
		TH_LOG("status %#x", status);
	}
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	wait_blocked(_metadata, self->pid, read_nrs, 1, "read again");
	EXPECT_EQ(1, detach_nostop(self->pid, 0));
	EXPECT_EQ(0, tracer_of(self->pid, self->pid));
	send_go(_metadata, self->go[1]);
	wait_exit(_metadata, self->pid, 0, "detached tracee");
#else
	SKIP(return, "no PTRACE_SYSEMU here");
#endif
}

/*
 * A tracee that listens (PTRACE_LISTEN) may run at any time, so it is
 * not frozen in its stop: resumed to step before it, it cannot be
 * detached (EBUSY, still traced).  In the trap that SIGCONT gives it, it
 * can, and leaves without the step.
 */
TEST_F(nostop, detach_nostop_listening_stepped_ebusy)
{
	char msg = 0;
	long ret;

	start(_metadata, self, body_echo, true);
	ASSERT_EQ(1, nostop(self->pid, 0, 0));
	ASSERT_EQ(0, kill(self->pid, SIGSTOP));
	wait_stop(_metadata, self->pid, SIGSTOP, "signal-delivery-stop");
	ret = ptrace_err(PTRACE_SINGLESTEP, self->pid, 0, SIGSTOP);
	if (ret == -EIO)
		SKIP(return, "no PTRACE_SINGLESTEP here");
	ASSERT_EQ(0, ret);
	wait_stop(_metadata, self->pid, EVENT_STOP_OF(SIGSTOP), "group stop");
	ASSERT_EQ(0, ptrace_err(PTRACE_LISTEN, self->pid, 0, 0));

	EXPECT_EQ(-EBUSY, detach_nostop(self->pid, 0));
	EXPECT_EQ(getpid(), tracer_of(self->pid, self->pid));

	ASSERT_EQ(0, kill(self->pid, SIGCONT));
	wait_stop(_metadata, self->pid, EVENT_STOP_OF(SIGTRAP),
		  "trap after SIGCONT");
	EXPECT_EQ(1, detach_nostop(self->pid, 0));
	EXPECT_EQ(0, tracer_of(self->pid, self->pid));
	send_go(_metadata, self->go[1]);
	read_report(_metadata, self->report[0], &msg, 1, "echo");
	EXPECT_EQ('a', msg);
	send_go(_metadata, self->go[1]);
	wait_exit(_metadata, self->pid, 0, "detached tracee");
}

static int watched;

/* Write @watched after each of two gos, and echo the first. */
static void body_write_watched(const struct chan *c)
{
	say(c, 'r');
	hear(c);
	__atomic_add_fetch(&watched, 1, __ATOMIC_RELAXED);
	say(c, 'a');
	hear(c);
	__atomic_add_fetch(&watched, 1, __ATOMIC_RELAXED);
	_exit(0);
}

/*
 * Set a hardware watchpoint on the writes of the int at @addr in stopped
 * @pid, as a debugger does; -EOPNOTSUPP where this test cannot.
 */
#if defined(__x86_64__)
static long set_debugreg(pid_t pid, int n, unsigned long val)
{
	return ptrace_err(PTRACE_POKEUSR, pid,
			  offsetof(struct user, u_debugreg) + n * sizeof(long),
			  val);
}

static long set_write_watchpoint(pid_t pid, int *addr)
{
	/* DR7: DR0 enabled (L0), to trap writes (R/W0 01) of 4 bytes (LEN0 11) */
	long ret = set_debugreg(pid, 0, (unsigned long)addr);

	return ret ?: set_debugreg(pid, 7, 1UL | 1UL << 16 | 3UL << 18);
}
#elif defined(__aarch64__)
static long set_write_watchpoint(pid_t pid, int *addr)
{
	struct user_hwdebug_state st = { 0 };
	struct iovec iov = { &st, sizeof(st) };

	if (ptrace_err(PTRACE_GETREGSET, pid, NT_ARM_HW_WATCH,
		       (unsigned long)&iov) || !(st.dbg_info & 0xff))
		return -EOPNOTSUPP;
	/* 4 bytes (BAS 0xf), stores (LSC 2), EL0 (PAC 2), enabled */
	st.dbg_regs[0].addr = (unsigned long)addr;
	st.dbg_regs[0].ctrl = 0xf << 5 | 2 << 3 | 2 << 1 | 1;
	iov.iov_len = offsetof(struct user_hwdebug_state, dbg_regs[1]);
	return ptrace_err(PTRACE_SETREGSET, pid, NT_ARM_HW_WATCH,
			  (unsigned long)&iov);
}
#else
static long set_write_watchpoint(pid_t pid, int *addr)
{
	return -EOPNOTSUPP;
}
#endif

/*
 * A hardware watchpoint the tracer set would SIGTRAP the tracee once
 * untraced: DETACH_NOSTOP refuses a running tracee that has one (EBUSY,
 * still traced), and clears it in a stopped one, which then writes the
 * watched variable unharmed.
 */
TEST_F(nostop, detach_nostop_watchpoint)
{
	char msg = 0;
	long ret;

	start(_metadata, self, body_write_watched, true);
	ASSERT_EQ(1, nostop(self->pid, 0, 0));
	ASSERT_EQ(0, ptrace_err(PTRACE_INTERRUPT, self->pid, 0, 0));
	wait_stop(_metadata, self->pid, EVENT_STOP_OF(SIGTRAP),
		  "interrupt stop");
	ret = set_write_watchpoint(self->pid, &watched);
	if (ret == -EOPNOTSUPP)
		SKIP(return, "no hardware watchpoint set through ptrace here");
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));

	EXPECT_EQ(-EBUSY, detach_nostop(self->pid, 0));
	EXPECT_EQ(getpid(), tracer_of(self->pid, self->pid));
	send_go(_metadata, self->go[1]);
	wait_stop(_metadata, self->pid, SIGTRAP, "watchpoint hit");

	/* the SIGTRAP we waited for is gone, and so is the watchpoint */
	EXPECT_EQ(1, detach_nostop(self->pid, 0));
	EXPECT_EQ(0, tracer_of(self->pid, self->pid));
	read_report(_metadata, self->report[0], &msg, 1, "echo");
	EXPECT_EQ('a', msg);
	send_go(_metadata, self->go[1]);
	wait_exit(_metadata, self->pid, 0, "detached tracee");
}

/*
 * A tracee resumed to step into its exit is a zombie, which never
 * returns to user mode: it is detached, and left to its parent (us).
 */
TEST_F(nostop, detach_nostop_stepped_zombie)
{
	struct ptrace_syscall_info info;
	siginfo_t si;
	long ret;

	echo_to_next_read_entry(_metadata, self, body_echo);
	ASSERT_EQ(0, ptrace_err(PTRACE_SYSCALL, self->pid, 0, 0));
	send_go(_metadata, self->go[1]);
	ASSERT_EQ(PTRACE_SYSCALL_INFO_EXIT,
		  wait_syscall_stop(_metadata, self->pid, &info, "read"));
	ASSERT_EQ(0, ptrace_err(PTRACE_SYSCALL, self->pid, 0, 0));
	ASSERT_EQ(PTRACE_SYSCALL_INFO_ENTRY,
		  wait_syscall_stop(_metadata, self->pid, &info, "exit"));
	EXPECT_EQ(__NR_exit_group, info.entry.nr);
	ret = ptrace_err(PTRACE_SINGLESTEP, self->pid, 0, 0);
	if (ret == -EIO)
		SKIP(return, "no PTRACE_SINGLESTEP here");
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, waitid(P_PID, self->pid, &si, WEXITED | WNOWAIT));
	EXPECT_EQ(CLD_EXITED, si.si_code);

	EXPECT_EQ(1, detach_nostop(self->pid, 0));
	EXPECT_EQ(0, tracer_of(self->pid, self->pid));
	wait_exit(_metadata, self->pid, 0, "zombie");
}

TEST_F(nostop, detach_nostop_errors)
{
	start(_metadata, self, body_idle, true);
	EXPECT_EQ(-ESRCH, detach_nostop(self->pid, 0));
	ASSERT_EQ(1, nostop(self->pid, 0, 0));
	EXPECT_EQ(-EINVAL, detach_nostop(self->pid, BAD_FLAG));
	/* the flags of the other requests are not its */
	EXPECT_EQ(-EINVAL, detach_nostop(self->pid, PTRACE_NOSTOP_SYSCALL));
	EXPECT_EQ(-EINVAL, detach_nostop(self->pid, PTRACE_NOSTOP_SYSCALL << 1));
	EXPECT_EQ(-EINVAL, ptrace_err(PTRACE_DETACH_NOSTOP, self->pid, 0,
				      SIGUSR1));
	EXPECT_EQ(getpid(), tracer_of(self->pid, self->pid));
	EXPECT_EQ(1, detach_nostop(self->pid, 0));
	EXPECT_EQ(0, tracer_of(self->pid, self->pid));
	EXPECT_EQ(-ESRCH, detach_nostop(self->pid, 0));
}

/*
 * PTRACE_DETACH_NOSTOP of a tracee asleep in the call, with syscall stops
 * armed and a PTRACE_REPORT pending: no wake-up, no stop, and nothing is
 * left behind for the next tracer, which attaches before the call ends
 * and must see no stop at all.
 */
TEST_F(blocked, detach_nostop_undisturbed)
{
	struct block_result res;
	long long start;
	long ret;

	if (!start_blocker(_metadata, self, variant, &start))
		return;
	ASSERT_EQ(1, nostop(self->pid, PTRACE_NOSTOP_SYSCALL,
			    PTRACE_O_TRACESYSGOOD));
	ret = ptrace_err(PTRACE_REPORT, self->pid, 0, 0);
	ASSERT_TRUE(ret == 0 || ret == -EOPNOTSUPP);
	ASSERT_EQ(1, ptrace_err(PTRACE_DETACH_NOSTOP, self->pid, 0, 0));
	EXPECT_EQ(0, tracer_of(self->pid, self->pid));
	ASSERT_EQ(1, nostop(self->pid, 0, 0));
	if (!attached_in_time(variant, start))
		SKIP(return, "too slow: attached after the call's timeout");
	if (!variant->timed)
		send_go(_metadata, self->go[1]);

	read_report(_metadata, self->report[0], &res, sizeof(res), "result");
	expect_natural_result(_metadata, variant, &res);
	/* One sleep: neither a wake-up nor a stop */
	EXPECT_EQ(1, res.sleeps);
	wait_exit(_metadata, self->pid, 0, "tracee");
}

int main(int argc, char **argv)
{
	/* Re-executed by detach_after_legacy_exec(). */
	return nostop_main(argc, argv);
}
