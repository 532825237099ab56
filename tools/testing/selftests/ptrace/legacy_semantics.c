// SPDX-License-Identifier: GPL-2.0
/*
 * Pin down what ptrace(2) does today, request by request, so that a series
 * adding new requests can show that the old ones behave exactly as before.
 *
 * Every expectation below was read off kernel/ptrace.c and kernel/signal.c
 * of Linux 6.12 and 7.3, not off the man page.  The test must pass
 * unchanged on the unpatched and on the patched kernel.
 *
 * Synchronisation is done with pipes and waitpid() only.  Where a tracee must
 * be asleep in a system call before the tracer acts, the tracer polls
 * /proc/PID/stat and /proc/PID/syscall with sched_yield() in a bounded loop.
 */

#include "ptrace_helpers.h"

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
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* include/uapi/linux/sched.h, for libcs that do not define them */
#ifndef CLONE_PTRACE
#define CLONE_PTRACE		0x00002000
#endif
#ifndef CLONE_UNTRACED
#define CLONE_UNTRACED		0x00800000
#endif

/*
 * An architecture-independent request number (0x4200-0x42ff) that no
 * architecture's arch_ptrace() handles (6.12 to 7.3).
 */
#define UNKNOWN_REQUEST		0x4280

/*
 * An option bit that can never become valid: options are stored shifted by
 * PT_OPT_FLAG_SHIFT (3) in the 32-bit task->ptrace, so bit 30 has no room.
 */
#define BAD_OPTION		0x40000000UL

/* valid_signal() rejects anything above _NSIG (64, 128 on MIPS). */
#define BAD_SIGNAL		1000

/* Re-executing ourselves with this argument just exits with this code. */
#define EXEC_HELPER_ARG		"--legacy-exec-helper"
#define EXEC_HELPER_CODE	42

/*
 * Peeked and poked by the tracer at the same address in the tracee; read
 * with __atomic_load_n() because only the tracer ever writes it.
 */
static unsigned long legacy_word = 0x1ea9ac1e;
#define POKED_WORD		0xc0ffee11UL

/* Filled in by the tracer before fork() for helpers that need a target. */
static pid_t helper_target;
static unsigned long helper_options;

/* Filled in by the tracer before fork() for body_raw_clone_on_go(). */
static unsigned long clone_flags_on_go;

/* ------------------------------------------------------------------ */
/* Tracee side: never ASSERT here, it would only end this process.    */
/* ------------------------------------------------------------------ */

static void stop_self(void)
{
	kill(getpid(), SIGSTOP);
}

static void exec_helper(void)
{
	execl("/proc/self/exe", "legacy_semantics", EXEC_HELPER_ARG,
	      (char *)NULL);
	_exit(TRACEE_EXEC_FAILED);
}

/* Announce ourselves and idle until told to exit. */
static void body_idle(const struct chan *c)
{
	say(c, 'r');
	hear(c);
	_exit(0);
}

/* Prove we run after a go: echo it back, then idle. */
static void body_echo(const struct chan *c)
{
	say(c, 'r');
	hear(c);
	say(c, 'a');
	hear(c);
	_exit(0);
}

/* One read() of the go pipe, not retried: its result is our exit code. */
static void body_read_once(const struct chan *c)
{
	ssize_t n;
	char msg;

	say(c, 'r');
	n = read(c->go, &msg, 1);
	_exit(n == 1 ? 0 : n < 0 ? errno : 100);
}

/*
 * Sleep in epoll_wait() with no timeout on the go pipe; exit 0 when it
 * reported the pipe readable, with errno when it failed.
 */
static void body_epoll(const struct chan *c)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int ep, n;

	ep = epoll_create1(0);
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, c->go, &ev))
		_exit(TRACEE_SETUP_FAILED);
	say(c, 'r');
	n = epoll_wait(ep, &ev, 1, -1);
	_exit(n == 1 ? 0 : n < 0 ? errno : 100 + n);
}

static void body_traceme_twice(const struct chan *c)
{
	long first = ptrace_err(PTRACE_TRACEME, 0, 0, 0);
	long second = ptrace_err(PTRACE_TRACEME, 0, 0, 0);

	(void)c;
	if (first)
		_exit(TRACEE_SETUP_FAILED);
	_exit(second == -EPERM ? 0 : 1);
}

static void body_traceme_stop_exit3(const struct chan *c)
{
	(void)c;
	if (ptrace_err(PTRACE_TRACEME, 0, 0, 0))
		_exit(TRACEE_SETUP_FAILED);
	stop_self();
	_exit(3);
}

/* Stop, then make exactly one known syscall right after resuming. */
static void body_getppid(const struct chan *c)
{
	pid_t self = getpid();

	(void)c;
	if (ptrace_err(PTRACE_TRACEME, 0, 0, 0))
		_exit(TRACEE_SETUP_FAILED);
	syscall(__NR_kill, self, SIGSTOP);
	syscall(__NR_getppid);
	_exit(0);
}

static void body_sigusr1(const struct chan *c)
{
	(void)c;
	if (ptrace_err(PTRACE_TRACEME, 0, 0, 0))
		_exit(TRACEE_SETUP_FAILED);
	kill(getpid(), SIGUSR1);
	_exit(0);
}

/* Stop so the tracer can rewrite legacy_word, then report what we see. */
static void body_peek_poke(const struct chan *c)
{
	(void)c;
	if (ptrace_err(PTRACE_TRACEME, 0, 0, 0))
		_exit(TRACEE_SETUP_FAILED);
	stop_self();
	_exit(__atomic_load_n(&legacy_word, __ATOMIC_RELAXED) == POKED_WORD ?
	      0 : 1);
}

/* Written by the handler, read after it ran: hence __atomic. */
static int usr1_count;
static int usr1_code;
static int usr1_pid;

static void usr1_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	__atomic_fetch_add(&usr1_count, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&usr1_code, si->si_code, __ATOMIC_RELAXED);
	__atomic_store_n(&usr1_pid, si->si_pid, __ATOMIC_RELAXED);
}

/*
 * Count SIGUSR1 deliveries; exit 0 only for exactly one, which looks like
 * a kill() from our parent.
 */
static void body_usr1_handler(const struct chan *c)
{
	struct sigaction sa = {
		.sa_sigaction = usr1_handler,
		.sa_flags = SA_SIGINFO | SA_RESTART,
	};
	int count;

	if (sigaction(SIGUSR1, &sa, NULL))
		_exit(TRACEE_SETUP_FAILED);
	say(c, 'r');
	hear(c);
	count = __atomic_load_n(&usr1_count, __ATOMIC_RELAXED);
	if (count != 1)
		_exit(10 + count);
	if (__atomic_load_n(&usr1_code, __ATOMIC_RELAXED) != SI_USER)
		_exit(20);
	_exit(__atomic_load_n(&usr1_pid, __ATOMIC_RELAXED) == getppid() ?
	      0 : 21);
}

static void *thread_report_tid(void *arg)
{
	const struct chan *c = arg;

	say_int(c, syscall(__NR_gettid));
	return NULL;
}

/* After a go, start one thread that reports its tid, then idle. */
static void body_clone_on_go(const struct chan *c)
{
	pthread_t thread;

	say(c, 'r');
	hear(c);
	if (pthread_create(&thread, NULL, thread_report_tid, (void *)c))
		_exit(TRACEE_SETUP_FAILED);
	pthread_join(thread, NULL);
	hear(c);
	_exit(0);
}

static void *thread_exec(void *arg)
{
	const struct chan *c = arg;

	say_int(c, syscall(__NR_gettid));
	exec_helper();
	return NULL;
}

/* After a go, exec from a thread that is not the group leader. */
static void body_exec_thread_on_go(const struct chan *c)
{
	pthread_t thread;

	say(c, 'r');
	hear(c);
	if (pthread_create(&thread, NULL, thread_exec, (void *)c))
		_exit(TRACEE_SETUP_FAILED);
	pthread_join(thread, NULL);
	_exit(TRACEE_BODY_RETURNED);
}

static void body_exec_on_go(const struct chan *c)
{
	say(c, 'r');
	hear(c);
	exec_helper();
}

/* After a go, fork a child that exits at once; report its pid. */
static void body_fork_on_go(const struct chan *c)
{
	pid_t child;

	say(c, 'r');
	hear(c);
	child = fork();
	if (child == 0)
		_exit(0);
	say_int(c, child);
	hear(c);
	_exit(0);
}

static void body_vfork_on_go(const struct chan *c)
{
	pid_t child;

	say(c, 'r');
	hear(c);
	child = vfork();
	if (child == 0)
		_exit(0);
	say_int(c, child);
	hear(c);
	_exit(0);
}

/*
 * After a go, clone() with clone_flags_on_go, as fork() does (no new stack,
 * no CLONE_VM); report the child's pid.  The child exits 7 at once, but an
 * untraced one lives as long as we do: its exit would stop us with SIGCHLD.
 */
static void body_raw_clone_on_go(const struct chan *c)
{
	pid_t parent = getpid();
	long child;

	say(c, 'r');
	hear(c);
	child = raw_clone(clone_flags_on_go | SIGCHLD);
	if (child == 0) {
		if (clone_flags_on_go & CLONE_UNTRACED) {
			/* Hold no pipe of the test runner, and die with us. */
			close(STDOUT_FILENO);
			close(STDERR_FILENO);
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != parent)
				_exit(0);
			for (;;)
				pause();
		}
		_exit(7);
	}
	say_int(c, child);
	hear(c);
	_exit(0);
}

/* After a go, fork a child that forks a grandchild; both exit 0. */
static void body_fork_twice_on_go(const struct chan *c)
{
	pid_t child;

	say(c, 'r');
	hear(c);
	child = fork();
	if (child == 0) {
		pid_t grandchild = fork();

		if (grandchild == 0)
			_exit(0);
		_exit(grandchild > 0 && waitpid(grandchild, NULL, 0) ==
		      grandchild ? 0 : TRACEE_SETUP_FAILED);
	}
	say_int(c, child);
	hear(c);
	_exit(0);
}

static void *thread_pause(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

/* Two threads: the second pauses; the first echoes every go. */
static void body_two_threads_echo(const struct chan *c)
{
	pthread_t thread;

	if (pthread_create(&thread, NULL, thread_pause, NULL))
		_exit(TRACEE_SETUP_FAILED);
	say(c, 'r');
	for (;;) {
		hear(c);
		say(c, 'a');
	}
}

/*
 * A second tracer that seizes every thread of helper_target, reports 0 or
 * -errno, then stays out of the way as a debugger does: it passes signals
 * on, keeps group stops with PTRACE_LISTEN and resumes the other traps.
 * Any other stop makes it exit TRACEE_SETUP_FAILED.
 */
static void body_transparent_tracer(const struct chan *c)
{
	struct dirent *de;
	char path[64];
	int status, err = -ENOENT;
	pid_t tid;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", helper_target);
	dir = opendir(path);
	while (dir && (de = readdir(dir))) {
		tid = strtol(de->d_name, NULL, 10);
		if (tid > 0)
			err = ptrace_err(PTRACE_SEIZE, tid, 0, 0);
		if (err && err != -ENOENT)
			break;
	}
	if (dir)
		closedir(dir);
	say_int(c, err);
	for (;;) {
		tid = wait_for(-1, &status, 0);
		if (tid < 0)
			_exit(0);
		if (!WIFSTOPPED(status))
			continue;
		if (status >> 8 == EVENT_STOP_OF(SIGTRAP))
			ptrace_err(PTRACE_CONT, tid, 0, 0);
		else if (status >> 16 == PTRACE_EVENT_STOP)
			ptrace_err(PTRACE_LISTEN, tid, 0, 0);
		else if (status >> 8 == WSTOPSIG(status))
			ptrace_err(PTRACE_CONT, tid, 0, WSTOPSIG(status));
		else
			_exit(TRACEE_SETUP_FAILED);
	}
}

/* A second tracer: seize helper_target, report -errno, stay around. */
static void body_seize_and_stay(const struct chan *c)
{
	say_int(c, ptrace_err(PTRACE_SEIZE, helper_target, 0, helper_options));
	for (;;)
		pause();
}

/* A second tracer: seize helper_target, report -errno, exit. */
static void body_seize_and_exit(const struct chan *c)
{
	say_int(c, ptrace_err(PTRACE_SEIZE, helper_target, 0, helper_options));
	_exit(0);
}

/* ------------------------------------------------------------------ */
/* Tracer side                                                        */
/* ------------------------------------------------------------------ */

static void get_siginfo(struct __test_metadata *_metadata, pid_t pid,
			siginfo_t *si)
{
	memset(si, 0, sizeof(*si));
	ASSERT_EQ(0, ptrace_err(PTRACE_GETSIGINFO, pid, 0, (unsigned long)si)) {
		TH_LOG("PTRACE_GETSIGINFO: %m");
	}
}

/*
 * Seize @pid and take it through a SIGSTOP group stop: first the
 * signal-delivery-stop, then, once the tracer lets SIGSTOP through, the
 * PTRACE_EVENT_STOP a seize-aware tracer sees for the group stop.
 */
static void seize_group_stop(struct __test_metadata *_metadata, pid_t pid)
{
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, pid, 0, 0)) {
		TH_LOG("PTRACE_SEIZE: %m");
	}
	ASSERT_EQ(0, kill(pid, SIGSTOP));
	wait_stop(_metadata, pid, SIGSTOP, "SIGSTOP signal-delivery-stop");
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, pid, 0, SIGSTOP));
	wait_stop(_metadata, pid, EVENT_STOP_OF(SIGSTOP), "group stop");
}

#define WAIT_BLOCKED(pid, nrs, what) \
	wait_blocked(_metadata, pid, nrs, sizeof(nrs) / sizeof(long), what)

/* ------------------------------------------------------------------ */
/* Attach checks, for PTRACE_ATTACH and PTRACE_SEIZE alike            */
/* ------------------------------------------------------------------ */

FIXTURE(attach_checks) {
	pid_t pid;	/* a would-be tracee; teardown kills and reaps it */
	pid_t helper;	/* a competing tracer; killed and reaped too */
	int go[2];	/* tracer -> tracee: go on; EOF ends the tracee */
	int report[2];	/* tracee -> tracer: readiness and results */
};

FIXTURE_VARIANT(attach_checks) {
	long request;
};

FIXTURE_VARIANT_ADD(attach_checks, attach) {
	.request = PTRACE_ATTACH,
};

FIXTURE_VARIANT_ADD(attach_checks, seize) {
	.request = PTRACE_SEIZE,
};

FIXTURE_SETUP(attach_checks)
{
	self->pid = 0;
	self->helper = 0;
	ASSERT_EQ(0, pipe2(self->go, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(self->report, O_CLOEXEC));
}

FIXTURE_TEARDOWN(attach_checks)
{
	kill_and_reap(self->pid, self->helper);
	close_pair(self->go);
	close_pair(self->report);
}

/* ptrace_attach(): same_thread_group() */
TEST_F(attach_checks, self_eperm)
{
	EXPECT_EQ(-EPERM, ptrace_err(variant->request, getpid(), 0, 0));
}

static void *thread_park(void *arg)
{
	const struct chan *c = arg;
	int tid = syscall(__NR_gettid);
	char msg;

	/* Not a tracee: only report failure by returning early. */
	if (write(c->report, &tid, sizeof(tid)) != sizeof(tid))
		return NULL;
	while (read(c->go, &msg, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

/* ptrace_attach(): same_thread_group(), for another thread of ours */
TEST_F(attach_checks, own_thread_eperm)
{
	struct chan c = { .go = self->go[0], .report = self->report[1] };
	pthread_t thread;
	int tid = 0;

	ASSERT_EQ(0, pthread_create(&thread, NULL, thread_park, &c));
	read_report(_metadata, self->report[0], &tid, sizeof(tid), "tid");
	EXPECT_NE(getpid(), tid);
	EXPECT_EQ(-EPERM, ptrace_err(variant->request, tid, 0, 0));
	send_go(_metadata, self->go[1]);
	pthread_join(thread, NULL);
}

/* ptrace_attach(): "if (task->ptrace) return -EPERM" */
TEST_F(attach_checks, traced_task_eperm)
{
	int seized = 1;

	self->pid = spawn(body_idle, self->go, self->report);
	ASSERT_LT(0, self->pid);
	wait_ready(_metadata, self->report[0]);

	helper_target = self->pid;
	helper_options = 0;
	self->helper = spawn(body_seize_and_stay, self->go, self->report);
	ASSERT_LT(0, self->helper);
	read_report(_metadata, self->report[0], &seized, sizeof(seized),
		    "helper seize");
	ASSERT_EQ(0, seized);

	EXPECT_EQ(-EPERM, ptrace_err(variant->request, self->pid, 0, 0));
}

/* ptrace_attach(): PF_KTHREAD, checked before any permission check */
TEST_F(attach_checks, kthread_eperm)
{
	pid_t kthread = find_kthread();

	if (!kthread)
		SKIP(return, "no kernel thread visible in /proc");
	EXPECT_EQ(-EPERM, ptrace_err(variant->request, kthread, 0, 0)) {
		TH_LOG("kernel thread %d", kthread);
	}
}

/* ptrace_attach(): "if (unlikely(task->exit_state)) return -EPERM" */
TEST_F(attach_checks, zombie_eperm)
{
	siginfo_t si = { 0 };

	self->pid = spawn(body_exit5_on_go, self->go, self->report);
	ASSERT_LT(0, self->pid);
	wait_ready(_metadata, self->report[0]);
	send_go(_metadata, self->go[1]);
	/* WNOWAIT: wait until it is a zombie, but leave it one */
	ASSERT_EQ(0, waitid(P_PID, self->pid, &si, WEXITED | WNOWAIT));
	ASSERT_EQ(self->pid, si.si_pid);

	EXPECT_EQ(-EPERM, ptrace_err(variant->request, self->pid, 0, 0));
}

/* sys_ptrace(): find_get_task_by_vpid() fails */
TEST_F(attach_checks, reaped_pid_esrch)
{
	pid_t pid = spawn(body_exit5_on_go, self->go, self->report);

	ASSERT_LT(0, pid);
	wait_ready(_metadata, self->report[0]);
	send_go(_metadata, self->go[1]);
	wait_exit(_metadata, pid, 5, "reaped child");

	EXPECT_EQ(-ESRCH, ptrace_err(variant->request, pid, 0, 0));
}

/* ------------------------------------------------------------------ */
/* Everything else: one tracee, sometimes a helper                    */
/* ------------------------------------------------------------------ */

FIXTURE(tracee) {
	pid_t pid;	/* the tracee; teardown kills and reaps it */
	pid_t other;	/* a helper tracer or a traced grandchild, same fate */
	int go[2];	/* tracer -> tracee: go on; EOF ends the tracee */
	int report[2];	/* tracee -> tracer: readiness, tids, results */
};

FIXTURE_SETUP(tracee)
{
	self->pid = 0;
	self->other = 0;
	ASSERT_EQ(0, pipe2(self->go, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(self->report, O_CLOEXEC));
}

FIXTURE_TEARDOWN(tracee)
{
	kill_and_reap(self->pid, self->other);
	close_pair(self->go);
	close_pair(self->report);
}

/* Fork @body as self->pid; wait for its 'r' if @ready. */
static void start(struct __test_metadata *_metadata,
		  struct _test_data_tracee *self, body_fn body, bool ready)
{
	self->pid = spawn(body, self->go, self->report);
	ASSERT_LT(0, self->pid) {
		TH_LOG("fork: %m");
	}
	if (ready)
		wait_ready(_metadata, self->report[0]);
}

/* --- PTRACE_TRACEME --- */

TEST_F(tracee, traceme_sigstop_stop)
{
	start(_metadata, self, body_traceme_stop_exit3, false);
	/* a plain signal-delivery-stop: no event bits above the signal */
	wait_stop(_metadata, self->pid, SIGSTOP, "SIGSTOP after TRACEME");
}

/* ptrace_traceme(): "if (!current->ptrace)", else -EPERM */
TEST_F(tracee, traceme_twice_eperm)
{
	start(_metadata, self, body_traceme_twice, false);
	wait_exit(_metadata, self->pid, 0, "second TRACEME gave EPERM");
}

/* --- PTRACE_ATTACH --- */

TEST_F(tracee, attach_sigstop_stop)
{
	start(_metadata, self, body_idle, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_ATTACH, self->pid, 0, 0));
	wait_stop(_metadata, self->pid, SIGSTOP, "attach stop");
}

/* ptrace_set_stopped(): send_signal_locked(SIGSTOP, SEND_SIG_PRIV, ...) */
TEST_F(tracee, attach_stop_siginfo_si_kernel)
{
	siginfo_t si;

	start(_metadata, self, body_idle, true);
	attach_stopped(_metadata, self->pid);
	get_siginfo(_metadata, self->pid, &si);
	EXPECT_EQ(SIGSTOP, si.si_signo);
	EXPECT_EQ(SI_KERNEL, si.si_code);
	EXPECT_EQ(0, si.si_pid);
}

/* The attach SIGSTOP interrupts a blocked epoll_wait(), never restarted. */
TEST_F(tracee, attach_epoll_wait_eintr)
{
	if (!have_proc_syscall())
		SKIP(return, "no /proc/PID/syscall");
	start(_metadata, self, body_epoll, true);
	WAIT_BLOCKED(self->pid, epoll_wait_nrs, "epoll_wait");
	attach_stopped(_metadata, self->pid);
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	wait_exit(_metadata, self->pid, EINTR, "epoll_wait result");
}

/* --- PTRACE_SEIZE --- */

TEST_F(tracee, seize_no_stop)
{
	char msg = 0;

	start(_metadata, self, body_echo, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, self->pid, 0, 0));
	send_go(_metadata, self->go[1]);
	read_report(_metadata, self->report[0], &msg, 1, "echo after seize");
	EXPECT_EQ('a', msg);
	expect_no_report(_metadata, self->pid, "after seize");
}

/* SEIZE sends no signal: a blocked epoll_wait() completes normally. */
TEST_F(tracee, seize_epoll_wait_undisturbed)
{
	if (!have_proc_syscall())
		SKIP(return, "no /proc/PID/syscall");
	start(_metadata, self, body_epoll, true);
	WAIT_BLOCKED(self->pid, epoll_wait_nrs, "epoll_wait");
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, self->pid, 0, 0));
	send_go(_metadata, self->go[1]);
	wait_exit(_metadata, self->pid, 0, "epoll_wait result");
}

/* ptrace_attach(): "if (addr != 0) return -EIO", nothing attached */
TEST_F(tracee, seize_addr_nonzero_eio)
{
	start(_metadata, self, body_idle, true);
	EXPECT_EQ(-EIO, ptrace_err(PTRACE_SEIZE, self->pid, 1, 0));
	EXPECT_EQ(0, ptrace_err(PTRACE_SEIZE, self->pid, 0, 0));
}

/*
 * ptrace_attach() checks the option mask itself and returns -EIO, unlike
 * PTRACE_SETOPTIONS (-EINVAL); nothing is attached.
 */
TEST_F(tracee, seize_unknown_option_eio)
{
	start(_metadata, self, body_idle, true);
	EXPECT_EQ(-EIO, ptrace_err(PTRACE_SEIZE, self->pid, 0, BAD_OPTION));
	EXPECT_EQ(0, ptrace_err(PTRACE_SEIZE, self->pid, 0, 0));
}

/* SEIZE's data are options: TRACESYSGOOD marks the next syscall stop. */
TEST_F(tracee, seize_data_sets_options)
{
	start(_metadata, self, body_idle, true);
	seize_interrupted(_metadata, self->pid, PTRACE_O_TRACESYSGOOD);
	ASSERT_EQ(0, ptrace_err(PTRACE_SYSCALL, self->pid, 0, 0));
	wait_stop(_metadata, self->pid, SYSCALL_STOP, "syscall stop");
}

/* ptrace_event(): the legacy exec SIGTRAP is for non-seized tracees only */
TEST_F(tracee, seize_exec_no_sigtrap)
{
	start(_metadata, self, body_exec_on_go, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, self->pid, 0, 0));
	send_go(_metadata, self->go[1]);
	wait_exit(_metadata, self->pid, EXEC_HELPER_CODE, "exec'd helper");
}

/* --- PTRACE_INTERRUPT --- */

/* ptrace_request(): "if (unlikely(!seized ...)) break;" with ret -EIO */
TEST_F(tracee, interrupt_attached_eio)
{
	start(_metadata, self, body_idle, true);
	attach_stopped(_metadata, self->pid);
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	EXPECT_EQ(-EIO, ptrace_err(PTRACE_INTERRUPT, self->pid, 0, 0));
}

/* Still -EIO for a stopped legacy tracee, here a TRACEME one. */
TEST_F(tracee, interrupt_traceme_eio)
{
	start(_metadata, self, body_traceme_stop_exit3, false);
	wait_stop(_metadata, self->pid, SIGSTOP, "SIGSTOP after TRACEME");
	EXPECT_EQ(-EIO, ptrace_err(PTRACE_INTERRUPT, self->pid, 0, 0));
}

/* ptrace_check_attach(): not our tracee, whatever its state */
TEST_F(tracee, interrupt_untraced_esrch)
{
	start(_metadata, self, body_idle, true);
	EXPECT_EQ(-ESRCH, ptrace_err(PTRACE_INTERRUPT, self->pid, 0, 0));
}

/* do_jobctl_trap(): no group stop, so the stop is SIGTRAP|EVENT_STOP */
TEST_F(tracee, interrupt_event_stop)
{
	start(_metadata, self, body_idle, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, self->pid, 0, 0));
	ASSERT_EQ(0, ptrace_err(PTRACE_INTERRUPT, self->pid, 0, 0));
	wait_stop(_metadata, self->pid, EVENT_STOP_OF(SIGTRAP),
		  "interrupt stop");
	EXPECT_EQ(0UL, event_msg(_metadata, self->pid));
}

/* A thread of @pid other than its leader, or 0. */
static pid_t other_thread(pid_t pid)
{
	struct dirent *de;
	char path[64];
	pid_t tid, found = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return 0;
	while (!found && (de = readdir(dir))) {
		tid = strtol(de->d_name, NULL, 10);
		if (tid > 0 && tid != pid)
			found = tid;
	}
	closedir(dir);
	return found;
}

/*
 * ptrace_request() never looks at addr and data for PTRACE_INTERRUPT: any
 * value is taken, and only the thread named is trapped, not the other
 * seized thread of its process, which goes on echoing.
 */
TEST_F(tracee, interrupt_ignores_addr_data)
{
	char msg = 0;
	pid_t tid;

	start(_metadata, self, body_two_threads_echo, true);
	tid = other_thread(self->pid);
	ASSERT_LT(0, tid);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, self->pid, 0, 0));
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, tid, 0, 0));
	ASSERT_EQ(0, ptrace_err(PTRACE_INTERRUPT, tid, 1, 1));
	wait_stop(_metadata, tid, EVENT_STOP_OF(SIGTRAP), "interrupt stop");
	EXPECT_EQ(0UL, event_msg(_metadata, tid));
	/* trapped, the leader could not echo: the trap is set before return */
	send_go(_metadata, self->go[1]);
	read_report(_metadata, self->report[0], &msg, 1, "leader's echo");
	EXPECT_EQ('a', msg);
	expect_no_report(_metadata, self->pid, "leader");
}

/* ptrace_do_notify(): the siginfo a tracer reads at an interrupt stop */
TEST_F(tracee, interrupt_event_stop_siginfo)
{
	siginfo_t si;

	start(_metadata, self, body_idle, true);
	seize_interrupted(_metadata, self->pid, 0);
	get_siginfo(_metadata, self->pid, &si);
	EXPECT_EQ(SIGTRAP, si.si_signo);
	EXPECT_EQ(EVENT_STOP_OF(SIGTRAP), si.si_code);
	EXPECT_EQ(self->pid, si.si_pid);
	EXPECT_EQ(getuid(), si.si_uid);
}

/* INTERRUPT sets TIF_SIGPENDING: epoll_wait() fails with EINTR. */
TEST_F(tracee, interrupt_epoll_wait_eintr)
{
	if (!have_proc_syscall())
		SKIP(return, "no /proc/PID/syscall");
	start(_metadata, self, body_epoll, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, self->pid, 0, 0));
	WAIT_BLOCKED(self->pid, epoll_wait_nrs, "epoll_wait");
	ASSERT_EQ(0, ptrace_err(PTRACE_INTERRUPT, self->pid, 0, 0));
	wait_stop(_metadata, self->pid, EVENT_STOP_OF(SIGTRAP),
		  "interrupt stop");
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	wait_exit(_metadata, self->pid, EINTR, "epoll_wait result");
}

/* A pipe read() gets -ERESTARTSYS and, with no handler, is restarted. */
TEST_F(tracee, interrupt_pipe_read_restarts)
{
	if (!have_proc_syscall())
		SKIP(return, "no /proc/PID/syscall");
	start(_metadata, self, body_read_once, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, self->pid, 0, 0));
	WAIT_BLOCKED(self->pid, read_nrs, "read");
	ASSERT_EQ(0, ptrace_err(PTRACE_INTERRUPT, self->pid, 0, 0));
	wait_stop(_metadata, self->pid, EVENT_STOP_OF(SIGTRAP),
		  "interrupt stop");
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	WAIT_BLOCKED(self->pid, read_nrs, "restarted read");
	send_go(_metadata, self->go[1]);
	wait_exit(_metadata, self->pid, 0, "read result");
}

/*
 * INTERRUPT of a trapped tracee does not disturb the current trap; the
 * next trap follows PTRACE_CONT.
 */
TEST_F(tracee, interrupt_while_stopped_traps_after_cont)
{
	start(_metadata, self, body_idle, true);
	seize_interrupted(_metadata, self->pid, 0);
	ASSERT_EQ(0, ptrace_err(PTRACE_INTERRUPT, self->pid, 0, 0));
	expect_no_report(_metadata, self->pid, "second interrupt");
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	wait_stop(_metadata, self->pid, EVENT_STOP_OF(SIGTRAP),
		  "deferred interrupt stop");
}

/* --- PTRACE_LISTEN --- */

/* LISTEN leaves a group-stopped tracee stopped; SIGCONT re-traps it. */
TEST_F(tracee, listen_group_stop_sigcont_retraps)
{
	start(_metadata, self, body_idle, true);
	seize_group_stop(_metadata, self->pid);
	ASSERT_EQ(0, ptrace_err(PTRACE_LISTEN, self->pid, 0, 0));
	expect_no_report(_metadata, self->pid, "listening");
	EXPECT_EQ('t', proc_state(self->pid));
	ASSERT_EQ(0, kill(self->pid, SIGCONT));
	/* the group stop is over, so the re-trap reports SIGTRAP */
	wait_stop(_metadata, self->pid, EVENT_STOP_OF(SIGTRAP),
		  "trap after SIGCONT");
}

/* LISTEN only checks for a PTRACE_EVENT_STOP trap, group stop or not. */
TEST_F(tracee, listen_interrupt_stop_ok)
{
	start(_metadata, self, body_idle, true);
	seize_interrupted(_metadata, self->pid, 0);
	EXPECT_EQ(0, ptrace_err(PTRACE_LISTEN, self->pid, 0, 0));
	expect_no_report(_metadata, self->pid, "listening");
	EXPECT_EQ('t', proc_state(self->pid));
}

/* INTERRUPT clears LISTEN and re-traps the tracee. */
TEST_F(tracee, interrupt_ends_listen)
{
	start(_metadata, self, body_idle, true);
	seize_interrupted(_metadata, self->pid, 0);
	ASSERT_EQ(0, ptrace_err(PTRACE_LISTEN, self->pid, 0, 0));
	ASSERT_EQ(0, ptrace_err(PTRACE_INTERRUPT, self->pid, 0, 0));
	wait_stop(_metadata, self->pid, EVENT_STOP_OF(SIGTRAP),
		  "re-trap after listen");
}

/* ptrace_freeze_traced() refuses a listening tracee: not "stopped". */
TEST_F(tracee, listening_peek_esrch)
{
	unsigned long word;

	start(_metadata, self, body_idle, true);
	seize_group_stop(_metadata, self->pid);
	ASSERT_EQ(0, ptrace_err(PTRACE_LISTEN, self->pid, 0, 0));
	EXPECT_EQ(-ESRCH, ptrace_err(PTRACE_PEEKDATA, self->pid,
				     (unsigned long)&legacy_word,
				     (unsigned long)&word));
}

TEST_F(tracee, listen_attached_eio)
{
	start(_metadata, self, body_idle, true);
	attach_stopped(_metadata, self->pid);
	EXPECT_EQ(-EIO, ptrace_err(PTRACE_LISTEN, self->pid, 0, 0));
}

/* si_code of a syscall stop is SIGTRAP|0x80, not an EVENT_STOP */
TEST_F(tracee, listen_syscall_stop_eio)
{
	start(_metadata, self, body_idle, true);
	seize_interrupted(_metadata, self->pid, PTRACE_O_TRACESYSGOOD);
	ASSERT_EQ(0, ptrace_err(PTRACE_SYSCALL, self->pid, 0, 0));
	wait_stop(_metadata, self->pid, SYSCALL_STOP, "syscall stop");
	EXPECT_EQ(-EIO, ptrace_err(PTRACE_LISTEN, self->pid, 0, 0));
}

/* si_code of a signal-delivery-stop is the signal's, not an EVENT_STOP */
TEST_F(tracee, listen_signal_stop_eio)
{
	start(_metadata, self, body_idle, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, self->pid, 0, 0));
	ASSERT_EQ(0, kill(self->pid, SIGSTOP));
	wait_stop(_metadata, self->pid, SIGSTOP, "signal-delivery-stop");
	EXPECT_EQ(-EIO, ptrace_err(PTRACE_LISTEN, self->pid, 0, 0));
}

/* --- PTRACE_DETACH --- */

TEST_F(tracee, detach_resumes)
{
	start(_metadata, self, body_idle, true);
	attach_stopped(_metadata, self->pid);
	ASSERT_EQ(0, ptrace_err(PTRACE_DETACH, self->pid, 0, 0));
	send_go(_metadata, self->go[1]);
	wait_exit(_metadata, self->pid, 0, "detached tracee");
}

/* The detach signal replaces SIGSTOP and is delivered once, as SI_USER. */
TEST_F(tracee, detach_signal_delivered)
{
	start(_metadata, self, body_usr1_handler, true);
	attach_stopped(_metadata, self->pid);
	ASSERT_EQ(0, ptrace_err(PTRACE_DETACH, self->pid, 0, SIGUSR1));
	send_go(_metadata, self->go[1]);
	wait_exit(_metadata, self->pid, 0, "SIGUSR1 handler report");
}

TEST_F(tracee, detach_sigterm_kills)
{
	start(_metadata, self, body_idle, true);
	attach_stopped(_metadata, self->pid);
	ASSERT_EQ(0, ptrace_err(PTRACE_DETACH, self->pid, 0, SIGTERM));
	wait_killed(_metadata, self->pid, SIGTERM, "detached with SIGTERM");
}

/* ptrace_detach(): valid_signal() first; the tracee stays attached */
TEST_F(tracee, detach_invalid_signal_eio)
{
	start(_metadata, self, body_idle, true);
	attach_stopped(_metadata, self->pid);
	EXPECT_EQ(-EIO, ptrace_err(PTRACE_DETACH, self->pid, 0, BAD_SIGNAL));
	EXPECT_EQ(0, ptrace_err(PTRACE_DETACH, self->pid, 0, 0));
}

/* ptrace_check_attach(): DETACH needs a stopped tracee */
TEST_F(tracee, detach_running_esrch)
{
	start(_metadata, self, body_idle, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, self->pid, 0, 0));
	EXPECT_EQ(-ESRCH, ptrace_err(PTRACE_DETACH, self->pid, 0, 0));
}

/* --- Syscall stops --- */

TEST_F(tracee, syscall_stop_sysgood)
{
	struct ptrace_syscall_info info;
	long size;

	start(_metadata, self, body_getppid, false);
	wait_stop(_metadata, self->pid, SIGSTOP, "SIGSTOP after TRACEME");
	ASSERT_EQ(0, ptrace_err(PTRACE_SETOPTIONS, self->pid, 0,
				PTRACE_O_TRACESYSGOOD));

	ASSERT_EQ(0, ptrace_err(PTRACE_SYSCALL, self->pid, 0, 0));
	wait_stop(_metadata, self->pid, SYSCALL_STOP, "getppid entry");
	size = ptrace_err(PTRACE_GET_SYSCALL_INFO, self->pid, sizeof(info),
			  (unsigned long)&info);
	ASSERT_LT(0, size);
	EXPECT_EQ(PTRACE_SYSCALL_INFO_ENTRY, info.op);
	EXPECT_EQ((__u64)__NR_getppid, info.entry.nr);

	ASSERT_EQ(0, ptrace_err(PTRACE_SYSCALL, self->pid, 0, 0));
	wait_stop(_metadata, self->pid, SYSCALL_STOP, "getppid exit");
	size = ptrace_err(PTRACE_GET_SYSCALL_INFO, self->pid, sizeof(info),
			  (unsigned long)&info);
	ASSERT_LT(0, size);
	EXPECT_EQ(PTRACE_SYSCALL_INFO_EXIT, info.op);
	EXPECT_EQ(getpid(), info.exit.rval);
	EXPECT_EQ(0, info.exit.is_error);
}

/*
 * Without TRACESYSGOOD a syscall stop is a bare SIGTRAP, and
 * ptrace_get_syscall_info() keys on si_code SIGTRAP|0x80, so it reports
 * PTRACE_SYSCALL_INFO_NONE; GETEVENTMSG still tells entry from exit.
 */
TEST_F(tracee, syscall_stop_without_sysgood)
{
	struct ptrace_syscall_info info;

	start(_metadata, self, body_getppid, false);
	wait_stop(_metadata, self->pid, SIGSTOP, "SIGSTOP after TRACEME");
	ASSERT_EQ(0, ptrace_err(PTRACE_SYSCALL, self->pid, 0, 0));
	wait_stop(_metadata, self->pid, SIGTRAP, "getppid entry");
	EXPECT_EQ((unsigned long)PTRACE_EVENTMSG_SYSCALL_ENTRY,
		  event_msg(_metadata, self->pid));
	ASSERT_LT(0, ptrace_err(PTRACE_GET_SYSCALL_INFO, self->pid,
				sizeof(info), (unsigned long)&info));
	EXPECT_EQ(PTRACE_SYSCALL_INFO_NONE, info.op);
	if (have_proc_syscall())
		EXPECT_EQ(__NR_getppid, proc_syscall_nr(self->pid));
}

/* --- Event stops --- */

/* GETEVENTMSG at a clone event is the new thread's tid. */
TEST_F(tracee, clone_event_msg_tid)
{
	unsigned long tid;
	int reported = 0;

	start(_metadata, self, body_clone_on_go, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, self->pid, 0,
				PTRACE_O_TRACECLONE));
	send_go(_metadata, self->go[1]);
	wait_stop(_metadata, self->pid, EVENT_TRAP(PTRACE_EVENT_CLONE),
		  "clone event");
	tid = event_msg(_metadata, self->pid);
	wait_stop(_metadata, tid, EVENT_STOP_OF(SIGTRAP), "new thread");
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, tid, 0, 0));
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	read_report(_metadata, self->report[0], &reported, sizeof(reported),
		    "thread tid");
	EXPECT_EQ((unsigned long)reported, tid);
}

/* ptrace_init_task(): a new thread of a non-seized tracee gets SIGSTOP */
TEST_F(tracee, clone_attached_thread_starts_sigstop)
{
	unsigned long tid;

	start(_metadata, self, body_clone_on_go, true);
	attach_stopped(_metadata, self->pid);
	ASSERT_EQ(0, ptrace_err(PTRACE_SETOPTIONS, self->pid, 0,
				PTRACE_O_TRACECLONE));
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	send_go(_metadata, self->go[1]);
	wait_stop(_metadata, self->pid, EVENT_TRAP(PTRACE_EVENT_CLONE),
		  "clone event");
	tid = event_msg(_metadata, self->pid);
	wait_stop(_metadata, tid, SIGSTOP, "new thread");
}

/* ptrace_init_task(): a new thread of a seized tracee gets a STOP trap */
TEST_F(tracee, clone_seized_thread_starts_event_stop)
{
	unsigned long tid;

	start(_metadata, self, body_clone_on_go, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, self->pid, 0,
				PTRACE_O_TRACECLONE));
	send_go(_metadata, self->go[1]);
	wait_stop(_metadata, self->pid, EVENT_TRAP(PTRACE_EVENT_CLONE),
		  "clone event");
	tid = event_msg(_metadata, self->pid);
	wait_stop(_metadata, tid, EVENT_STOP_OF(SIGTRAP), "new thread");
}

TEST_F(tracee, fork_event_msg_pid)
{
	unsigned long child;
	int reported = 0;

	start(_metadata, self, body_fork_on_go, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, self->pid, 0,
				PTRACE_O_TRACEFORK));
	send_go(_metadata, self->go[1]);
	wait_stop(_metadata, self->pid, EVENT_TRAP(PTRACE_EVENT_FORK),
		  "fork event");
	child = event_msg(_metadata, self->pid);
	self->other = child;
	wait_stop(_metadata, child, EVENT_STOP_OF(SIGTRAP), "forked child");
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	read_report(_metadata, self->report[0], &reported, sizeof(reported),
		    "fork() result");
	EXPECT_EQ((unsigned long)reported, child);
}

/* VFORK when the child is woken, VFORK_DONE once it has let go of the mm */
TEST_F(tracee, vfork_and_vfork_done_events)
{
	unsigned long child;

	start(_metadata, self, body_vfork_on_go, true);
	attach_stopped(_metadata, self->pid);
	ASSERT_EQ(0, ptrace_err(PTRACE_SETOPTIONS, self->pid, 0,
				PTRACE_O_TRACEVFORK |
				PTRACE_O_TRACEVFORKDONE));
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	send_go(_metadata, self->go[1]);
	wait_stop(_metadata, self->pid, EVENT_TRAP(PTRACE_EVENT_VFORK),
		  "vfork event");
	child = event_msg(_metadata, self->pid);
	self->other = child;
	wait_stop(_metadata, child, SIGSTOP, "vfork child");
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, child, 0, 0));
	wait_exit(_metadata, child, 0, "vfork child");
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	wait_stop(_metadata, self->pid, EVENT_TRAP(PTRACE_EVENT_VFORK_DONE),
		  "vfork done event");
	EXPECT_EQ(child, event_msg(_metadata, self->pid));
}

TEST_F(tracee, exec_event_msg_pid)
{
	start(_metadata, self, body_exec_on_go, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, self->pid, 0,
				PTRACE_O_TRACEEXEC));
	send_go(_metadata, self->go[1]);
	wait_stop(_metadata, self->pid, EVENT_TRAP(PTRACE_EVENT_EXEC),
		  "exec event");
	EXPECT_EQ((unsigned long)self->pid, event_msg(_metadata, self->pid));
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	wait_exit(_metadata, self->pid, EXEC_HELPER_CODE, "exec'd helper");
}

/*
 * A non-leader thread execs: de_thread() gives it the leader's pid, the
 * old leader vanishes unreported, and GETEVENTMSG is the former tid.
 */
TEST_F(tracee, exec_from_thread_msg_former_tid)
{
	unsigned long tid;
	int reported = 0;

	start(_metadata, self, body_exec_thread_on_go, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, self->pid, 0,
				PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC));
	send_go(_metadata, self->go[1]);
	wait_stop(_metadata, self->pid, EVENT_TRAP(PTRACE_EVENT_CLONE),
		  "clone event");
	tid = event_msg(_metadata, self->pid);
	wait_stop(_metadata, tid, EVENT_STOP_OF(SIGTRAP), "new thread");
	/* leader first: once the thread execs, the leader is being killed */
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, tid, 0, 0));
	read_report(_metadata, self->report[0], &reported, sizeof(reported),
		    "thread tid");
	ASSERT_EQ((unsigned long)reported, tid);

	wait_stop(_metadata, self->pid, EVENT_TRAP(PTRACE_EVENT_EXEC),
		  "exec event");
	EXPECT_EQ(tid, event_msg(_metadata, self->pid));
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	wait_exit(_metadata, self->pid, EXEC_HELPER_CODE, "exec'd helper");
}

/* ptrace_event(): a legacy tracee gets a send_sig(SIGTRAP) after exec */
TEST_F(tracee, exec_without_option_sigtrap)
{
	siginfo_t si;

	start(_metadata, self, body_exec_on_go, true);
	attach_stopped(_metadata, self->pid);
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	send_go(_metadata, self->go[1]);
	wait_stop(_metadata, self->pid, SIGTRAP, "post-exec SIGTRAP");
	get_siginfo(_metadata, self->pid, &si);
	EXPECT_EQ(SIGTRAP, si.si_signo);
	EXPECT_EQ(SI_USER, si.si_code);
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	wait_exit(_metadata, self->pid, EXEC_HELPER_CODE, "exec'd helper");
}

/* do_exit(): GETEVENTMSG at the exit event is the wait status to come */
TEST_F(tracee, exit_event_msg_exit_status)
{
	start(_metadata, self, body_exit5_on_go, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, self->pid, 0,
				PTRACE_O_TRACEEXIT));
	send_go(_metadata, self->go[1]);
	wait_stop(_metadata, self->pid, EVENT_TRAP(PTRACE_EVENT_EXIT),
		  "exit event");
	/* W_EXITCODE(5, 0) */
	EXPECT_EQ(5UL << 8, event_msg(_metadata, self->pid));
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	wait_exit(_metadata, self->pid, 5, "exit after exit event");
}

TEST_F(tracee, tracee_exit_wifexited)
{
	start(_metadata, self, body_traceme_stop_exit3, false);
	wait_stop(_metadata, self->pid, SIGSTOP, "SIGSTOP after TRACEME");
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	wait_exit(_metadata, self->pid, 3, "tracee exit");
}

/* --- Group stop as seen by ATTACH and SEIZE tracers --- */

/* do_jobctl_trap(): ptrace_stop(signr, ...) for a non-seized tracee */
TEST_F(tracee, group_stop_attached_plain_sigstop)
{
	start(_metadata, self, body_idle, true);
	attach_stopped(_metadata, self->pid);
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	ASSERT_EQ(0, kill(self->pid, SIGSTOP));
	wait_stop(_metadata, self->pid, SIGSTOP, "signal-delivery-stop");
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, SIGSTOP));
	wait_stop(_metadata, self->pid, SIGSTOP, "group stop");
}

/* The legacy way to tell a group stop: it has no siginfo (-EINVAL). */
TEST_F(tracee, group_stop_attached_getsiginfo_einval)
{
	siginfo_t si;

	start(_metadata, self, body_idle, true);
	attach_stopped(_metadata, self->pid);
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	ASSERT_EQ(0, kill(self->pid, SIGSTOP));
	wait_stop(_metadata, self->pid, SIGSTOP, "signal-delivery-stop");
	get_siginfo(_metadata, self->pid, &si);
	EXPECT_EQ(SI_USER, si.si_code);
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, SIGSTOP));
	wait_stop(_metadata, self->pid, SIGSTOP, "group stop");
	EXPECT_EQ(-EINVAL, ptrace_err(PTRACE_GETSIGINFO, self->pid, 0,
				      (unsigned long)&si));
}

/* do_jobctl_trap(): a seized tracee reports SIGSTOP|EVENT_STOP << 8 */
TEST_F(tracee, group_stop_seized_event_stop)
{
	start(_metadata, self, body_idle, true);
	seize_group_stop(_metadata, self->pid);
	EXPECT_EQ(0UL, event_msg(_metadata, self->pid));
}

TEST_F(tracee, group_stop_seized_siginfo)
{
	siginfo_t si;

	start(_metadata, self, body_idle, true);
	seize_group_stop(_metadata, self->pid);
	get_siginfo(_metadata, self->pid, &si);
	EXPECT_EQ(SIGSTOP, si.si_signo);
	EXPECT_EQ(EVENT_STOP_OF(SIGSTOP), si.si_code);
	EXPECT_EQ(self->pid, si.si_pid);
}

/* --- Job control --- */

/* SIGSTOP @pid, untraced, and take its job control stop as its parent. */
static void job_stop(struct __test_metadata *_metadata, pid_t pid)
{
	int status = 0;

	ASSERT_EQ(0, kill(pid, SIGSTOP));
	ASSERT_EQ(pid, wait_for(pid, &status, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP) {
		TH_LOG("status %#x is not the SIGSTOP stop", status);
	}
	ASSERT_EQ('T', proc_state(pid));
}

/*
 * ptrace_set_stopped(): a task in a group stop is moved to TRACED, where
 * it reports the group stop (no siginfo), then the SIGSTOP that
 * PTRACE_ATTACH queued (SI_KERNEL).
 */
TEST_F(tracee, attach_job_stopped)
{
	siginfo_t si;

	start(_metadata, self, body_idle, true);
	job_stop(_metadata, self->pid);
	ASSERT_EQ(0, ptrace_err(PTRACE_ATTACH, self->pid, 0, 0));
	wait_stop(_metadata, self->pid, SIGSTOP, "group stop, attached");
	EXPECT_EQ('t', proc_state(self->pid));
	EXPECT_EQ(-EINVAL, ptrace_err(PTRACE_GETSIGINFO, self->pid, 0,
				      (unsigned long)&si));
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	wait_stop(_metadata, self->pid, SIGSTOP, "SIGSTOP of the attach");
	get_siginfo(_metadata, self->pid, &si);
	EXPECT_EQ(SI_KERNEL, si.si_code);
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	send_go(_metadata, self->go[1]);
	wait_exit(_metadata, self->pid, 0, "resumed tracee");
}

/* The same for PTRACE_SEIZE: no SIGSTOP, the group stop as a trap. */
TEST_F(tracee, seize_job_stopped)
{
	siginfo_t si;

	start(_metadata, self, body_idle, true);
	job_stop(_metadata, self->pid);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, self->pid, 0, 0));
	wait_stop(_metadata, self->pid, EVENT_STOP_OF(SIGSTOP),
		  "group stop, seized");
	EXPECT_EQ('t', proc_state(self->pid));
	get_siginfo(_metadata, self->pid, &si);
	EXPECT_EQ(EVENT_STOP_OF(SIGSTOP), si.si_code);
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	send_go(_metadata, self->go[1]);
	wait_exit(_metadata, self->pid, 0, "resumed tracee");
}

/*
 * prepare_signal(SIGCONT): a seized tracee gets JOBCTL_TRAP_NOTIFY and a
 * wake-up, so even a running one, in no group stop, traps with
 * PTRACE_EVENT_STOP and SIGTRAP; then SIGCONT itself has its ordinary
 * signal-delivery-stop.  The read() it interrupted is restarted.
 */
TEST_F(tracee, sigcont_running_seized_traps)
{
	start(_metadata, self, body_read_once, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, self->pid, 0, 0));
	ASSERT_EQ(0, kill(self->pid, SIGCONT));
	wait_stop(_metadata, self->pid, EVENT_STOP_OF(SIGTRAP),
		  "SIGCONT notification trap");
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	wait_stop(_metadata, self->pid, SIGCONT, "SIGCONT delivery");
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	send_go(_metadata, self->go[1]);
	wait_exit(_metadata, self->pid, 0, "read() restarted");
}

/* A trapped seized tracee stays in its trap; the notification follows. */
TEST_F(tracee, sigcont_trapped_seized_retraps_after_cont)
{
	start(_metadata, self, body_read_once, true);
	seize_interrupted(_metadata, self->pid, 0);
	ASSERT_EQ(0, kill(self->pid, SIGCONT));
	expect_no_report(_metadata, self->pid, "SIGCONT during the trap");
	EXPECT_EQ('t', proc_state(self->pid));
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	wait_stop(_metadata, self->pid, EVENT_STOP_OF(SIGTRAP),
		  "SIGCONT notification trap");
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	wait_stop(_metadata, self->pid, SIGCONT, "SIGCONT delivery");
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	send_go(_metadata, self->go[1]);
	wait_exit(_metadata, self->pid, 0, "read() restarted");
}

/*
 * do_notify_parent_cldstop(): the real parent of a traced process sees
 * its group stop complete, then its continuation, through waitpid() with
 * WUNTRACED and WCONTINUED, as if it were untraced: ptrace_stop() tells it
 * once every thread has stopped, and wait_task_stopped() reports the
 * group stop while the threads are in TASK_TRACED.
 */
TEST_F(tracee, group_stop_real_parent_view)
{
	int status = 0, seized = 1;
	char msg = 0;

	start(_metadata, self, body_two_threads_echo, true);
	helper_target = self->pid;
	self->other = spawn(body_transparent_tracer, self->go, self->report);
	ASSERT_LT(0, self->other);
	read_report(_metadata, self->report[0], &seized, sizeof(seized),
		    "helper's seize");
	ASSERT_EQ(0, seized);

	ASSERT_EQ(0, kill(self->pid, SIGSTOP));
	ASSERT_EQ(self->pid, wait_for(self->pid, &status, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(status)) {
		TH_LOG("status %#x is not a stop", status);
	}
	EXPECT_EQ(SIGSTOP, WSTOPSIG(status));
	EXPECT_EQ(0, wait_for(self->pid, &status, WUNTRACED | WNOHANG));

	ASSERT_EQ(0, kill(self->pid, SIGCONT));
	ASSERT_EQ(self->pid, wait_for(self->pid, &status, WCONTINUED));
	EXPECT_TRUE(WIFCONTINUED(status)) {
		TH_LOG("status %#x", status);
	}

	/* it runs again, still traced, and the helper saw nothing odd */
	send_go(_metadata, self->go[1]);
	read_report(_metadata, self->report[0], &msg, 1, "echo");
	EXPECT_EQ('a', msg);
	EXPECT_EQ(0, wait_for(self->other, &status, WNOHANG));
}

/* --- Inheritance --- */

/*
 * @pid, just resumed, runs to its exit with @code; on the way it may only
 * stop for the SIGCHLD of a child that exited, which is passed on.
 */
static void run_to_exit(struct __test_metadata *_metadata, pid_t pid,
			int code, const char *what)
{
	int status = 0, stops;

	for (stops = 0;; stops++) {
		ASSERT_EQ(pid, wait_for(pid, &status, 0)) {
			TH_LOG("%s: waitpid: %m", what);
		}
		if (!WIFSTOPPED(status))
			break;
		ASSERT_EQ(SIGCHLD, status >> 8) {
			TH_LOG("%s: status %#x", what, status);
		}
		ASSERT_GT(4, stops);
		ASSERT_EQ(0, ptrace_err(PTRACE_CONT, pid, 0, SIGCHLD));
	}
	ASSERT_TRUE(WIFEXITED(status)) {
		TH_LOG("%s: status %#x is not an exit", what, status);
	}
	EXPECT_EQ(code, WEXITSTATUS(status));
}

/*
 * PTRACE_O_TRACEFORK: the child is traced with the same options, so its
 * own fork reports PTRACE_EVENT_FORK too; each new task starts with the
 * PTRACE_EVENT_STOP of a seized tracee.
 */
TEST_F(tracee, tracefork_inherited)
{
	unsigned long child, grandchild;
	int reported = 0;

	start(_metadata, self, body_fork_twice_on_go, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, self->pid, 0,
				PTRACE_O_TRACEFORK));
	send_go(_metadata, self->go[1]);
	wait_stop(_metadata, self->pid, EVENT_TRAP(PTRACE_EVENT_FORK),
		  "fork event");
	child = event_msg(_metadata, self->pid);
	self->other = child;
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	read_report(_metadata, self->report[0], &reported, sizeof(reported),
		    "fork() result");
	EXPECT_EQ((unsigned long)reported, child);

	wait_stop(_metadata, child, EVENT_STOP_OF(SIGTRAP), "forked child");
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, child, 0, 0));
	wait_stop(_metadata, child, EVENT_TRAP(PTRACE_EVENT_FORK),
		  "the child's fork event");
	grandchild = event_msg(_metadata, child);
	wait_stop(_metadata, grandchild, EVENT_STOP_OF(SIGTRAP),
		  "forked grandchild");
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, grandchild, 0, 0));
	wait_exit(_metadata, grandchild, 0, "grandchild");
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, child, 0, 0));
	run_to_exit(_metadata, child, 0, "child");
	send_go(_metadata, self->go[1]);
	run_to_exit(_metadata, self->pid, 0, "tracee");
}

/* kernel_clone(): CLONE_UNTRACED beats PTRACE_O_TRACEFORK: no event. */
TEST_F(tracee, clone_untraced_no_event)
{
	int child = 0;

	clone_flags_on_go = CLONE_UNTRACED;
	start(_metadata, self, body_raw_clone_on_go, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, self->pid, 0,
				PTRACE_O_TRACEFORK));
	send_go(_metadata, self->go[1]);
	read_report(_metadata, self->report[0], &child, sizeof(child),
		    "clone() result");
	ASSERT_LT(0, child);
	/* a fork event stop would have come before the report */
	expect_no_report(_metadata, self->pid, "after clone(CLONE_UNTRACED)");
	/* and the child is not ours to wait for */
	EXPECT_EQ(-1, waitpid(child, NULL, WNOHANG | __WALL));
	EXPECT_EQ(ECHILD, errno);
}

/* ptrace_init_task(): CLONE_PTRACE traces the child without an option. */
TEST_F(tracee, clone_ptrace_seized_child_event_stop)
{
	int child = 0;

	clone_flags_on_go = CLONE_PTRACE;
	start(_metadata, self, body_raw_clone_on_go, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, self->pid, 0, 0));
	send_go(_metadata, self->go[1]);
	read_report(_metadata, self->report[0], &child, sizeof(child),
		    "clone() result");
	ASSERT_LT(0, child);
	self->other = child;
	expect_no_report(_metadata, self->pid, "no event without an option");
	wait_stop(_metadata, child, EVENT_STOP_OF(SIGTRAP), "CLONE_PTRACE child");
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, child, 0, 0));
	wait_exit(_metadata, child, 7, "CLONE_PTRACE child");
}

/* The same under PTRACE_ATTACH: the child starts with a SIGSTOP. */
TEST_F(tracee, clone_ptrace_attached_child_sigstop)
{
	int child = 0;

	clone_flags_on_go = CLONE_PTRACE;
	start(_metadata, self, body_raw_clone_on_go, true);
	attach_stopped(_metadata, self->pid);
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	send_go(_metadata, self->go[1]);
	read_report(_metadata, self->report[0], &child, sizeof(child),
		    "clone() result");
	ASSERT_LT(0, child);
	self->other = child;
	wait_stop(_metadata, child, SIGSTOP, "CLONE_PTRACE child");
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, child, 0, 0));
	wait_exit(_metadata, child, 7, "CLONE_PTRACE child");
}

/* --- Signal injection --- */

/*
 * ptrace_event() ignores what ptrace_notify() returns: the signal given
 * to PTRACE_CONT at an event stop is dropped, SIGTERM does not kill.
 */
TEST_F(tracee, event_stop_signal_injection_ignored)
{
	unsigned long child;
	int reported = 0;

	start(_metadata, self, body_fork_on_go, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, self->pid, 0,
				PTRACE_O_TRACEFORK));
	send_go(_metadata, self->go[1]);
	wait_stop(_metadata, self->pid, EVENT_TRAP(PTRACE_EVENT_FORK),
		  "fork event");
	child = event_msg(_metadata, self->pid);
	self->other = child;
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, SIGTERM));
	read_report(_metadata, self->report[0], &reported, sizeof(reported),
		    "fork() result");
	EXPECT_EQ((unsigned long)reported, child);
	wait_stop(_metadata, child, EVENT_STOP_OF(SIGTRAP), "forked child");
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, child, 0, 0));
	wait_exit(_metadata, child, 0, "forked child");
	send_go(_metadata, self->go[1]);
	run_to_exit(_metadata, self->pid, 0, "tracee, SIGTERM dropped");
}

/* --- Tracer exit --- */

/* exit_ptrace(): PT_EXITKILL sends SIGKILL to the tracee */
TEST_F(tracee, exitkill_tracer_exit_kills)
{
	int seized = 1;

	start(_metadata, self, body_idle, true);
	helper_target = self->pid;
	helper_options = PTRACE_O_EXITKILL;
	self->other = spawn(body_seize_and_exit, self->go, self->report);
	ASSERT_LT(0, self->other);
	read_report(_metadata, self->report[0], &seized, sizeof(seized),
		    "helper seize");
	ASSERT_EQ(0, seized);
	wait_exit(_metadata, self->other, 0, "helper tracer");
	wait_killed(_metadata, self->pid, SIGKILL, "tracee of dead tracer");
}

/* exit_ptrace(): without EXITKILL the tracee is just detached */
TEST_F(tracee, tracer_exit_detaches)
{
	int seized = 1;

	start(_metadata, self, body_idle, true);
	helper_target = self->pid;
	helper_options = 0;
	self->other = spawn(body_seize_and_exit, self->go, self->report);
	ASSERT_LT(0, self->other);
	read_report(_metadata, self->report[0], &seized, sizeof(seized),
		    "helper seize");
	ASSERT_EQ(0, seized);
	wait_exit(_metadata, self->other, 0, "helper tracer");
	send_go(_metadata, self->go[1]);
	wait_exit(_metadata, self->pid, 0, "tracee of dead tracer");
}

/* --- Misc requests --- */

/* ptrace_request(): default case keeps ret = -EIO */
TEST_F(tracee, unknown_request_eio)
{
	start(_metadata, self, body_idle, true);
	attach_stopped(_metadata, self->pid);
	EXPECT_EQ(-EIO, ptrace_err(UNKNOWN_REQUEST, self->pid, 0, 0));
}

/* sys_ptrace(): ptrace_check_attach() runs before the request is known */
TEST_F(tracee, unknown_request_running_esrch)
{
	start(_metadata, self, body_idle, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, self->pid, 0, 0));
	EXPECT_EQ(-ESRCH, ptrace_err(UNKNOWN_REQUEST, self->pid, 0, 0));
}

TEST_F(tracee, peek_poke_roundtrip)
{
	unsigned long addr = (unsigned long)&legacy_word;
	unsigned long word = 0;

	start(_metadata, self, body_peek_poke, false);
	wait_stop(_metadata, self->pid, SIGSTOP, "SIGSTOP after TRACEME");
	/* the raw syscall stores the word at data, unlike glibc's wrapper */
	ASSERT_EQ(0, ptrace_err(PTRACE_PEEKDATA, self->pid, addr,
				(unsigned long)&word));
	EXPECT_EQ(legacy_word, word);
	ASSERT_EQ(0, ptrace_err(PTRACE_POKEDATA, self->pid, addr,
				POKED_WORD));
	ASSERT_EQ(0, ptrace_err(PTRACE_PEEKDATA, self->pid, addr,
				(unsigned long)&word));
	EXPECT_EQ(POKED_WORD, word);
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	wait_exit(_metadata, self->pid, 0, "tracee saw the poked word");
}

/* ptrace_check_attach(): a running tracee cannot be peeked */
TEST_F(tracee, peek_running_esrch)
{
	unsigned long word;

	start(_metadata, self, body_idle, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, self->pid, 0, 0));
	EXPECT_EQ(-ESRCH, ptrace_err(PTRACE_PEEKDATA, self->pid,
				     (unsigned long)&legacy_word,
				     (unsigned long)&word));
}

/* generic_ptrace_peekdata(): a short access is -EIO, not -EFAULT */
TEST_F(tracee, peek_unmapped_eio)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned long word;
	void *hole;

	/* a hole in our address space is a hole in the forked tracee's */
	hole = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(hole != MAP_FAILED);
	ASSERT_EQ(0, munmap(hole, page));

	start(_metadata, self, body_traceme_stop_exit3, false);
	wait_stop(_metadata, self->pid, SIGSTOP, "SIGSTOP after TRACEME");
	EXPECT_EQ(-EIO, ptrace_err(PTRACE_PEEKDATA, self->pid,
				   (unsigned long)hole, (unsigned long)&word));
}

TEST_F(tracee, getsiginfo_signal_stop)
{
	siginfo_t si;

	start(_metadata, self, body_sigusr1, false);
	wait_stop(_metadata, self->pid, SIGUSR1, "SIGUSR1 delivery stop");
	get_siginfo(_metadata, self->pid, &si);
	EXPECT_EQ(SIGUSR1, si.si_signo);
	EXPECT_EQ(SI_USER, si.si_code);
	EXPECT_EQ(self->pid, si.si_pid);
	EXPECT_EQ(getuid(), si.si_uid);
	/* suppress the signal: the tracee then exits normally */
	ASSERT_EQ(0, ptrace_err(PTRACE_CONT, self->pid, 0, 0));
	wait_exit(_metadata, self->pid, 0, "tracee after suppressed SIGUSR1");
}

/* check_ptrace_options(): -EINVAL, unlike SEIZE's -EIO */
TEST_F(tracee, setoptions_unknown_einval)
{
	start(_metadata, self, body_idle, true);
	attach_stopped(_metadata, self->pid);
	EXPECT_EQ(-EINVAL, ptrace_err(PTRACE_SETOPTIONS, self->pid, 0,
				      BAD_OPTION));
}

/* ptrace_resume(): valid_signal() */
TEST_F(tracee, cont_invalid_signal_eio)
{
	start(_metadata, self, body_idle, true);
	attach_stopped(_metadata, self->pid);
	EXPECT_EQ(-EIO, ptrace_err(PTRACE_CONT, self->pid, 0, BAD_SIGNAL));
}

/* PTRACE_KILL, like INTERRUPT, does not need a stopped tracee */
TEST_F(tracee, kill_request_running_tracee)
{
	start(_metadata, self, body_idle, true);
	ASSERT_EQ(0, ptrace_err(PTRACE_SEIZE, self->pid, 0, 0));
	ASSERT_EQ(0, ptrace_err(PTRACE_KILL, self->pid, 0, 0));
	wait_killed(_metadata, self->pid, SIGKILL, "PTRACE_KILL");
}

int main(int argc, char **argv)
{
	/* Re-executed by the exec tests: show that the new image ran. */
	if (argc == 2 && !strcmp(argv[1], EXEC_HELPER_ARG))
		return EXEC_HELPER_CODE;
	return test_harness_run(argc, argv);
}
