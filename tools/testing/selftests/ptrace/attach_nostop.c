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
 *    progress the first stop, of every thread and of new ones, and
 *    PTRACE_DETACH_NOSTOP lets running and stopped threads go without a
 *    wake-up, a stop or a signal.
 *
 * Every test skips when the kernel does not know the request.  Only pipes,
 * waitpid() and bounded polling of /proc are used for synchronisation: no
 * test sleeps, only the timeouts of the calls under test run down.
 */

#include "nostop_helpers.h"

/* include/linux/sched.h; shown in the flags field of /proc/PID/stat */
#define PF_USER_WORKER		0x00004000

/* A flag bit of PTRACE_ATTACH_NOSTOP that is not defined. */
#define BAD_FLAG		0x80000000UL

/*
 * An option bit that can never become valid: options are stored shifted by
 * PT_OPT_FLAG_SHIFT (3) in the 32-bit task->ptrace, so bit 30 has no room.
 */
#define BAD_OPTION		0x40000000UL

/* Re-executing ourselves with this argument runs exec_helper(). */
#define EXEC_HELPER_ARG		"--nostop-exec-helper"

/* A helper that could not become "nobody" reports this instead. */
#define PRIV_DROP_FAILED	(-100000)
#define NOBODY_ID		65534

/* Stack of the tracees' threads: hundreds of them must fit anywhere. */
#define THREAD_STACK_SIZE	(64 * 1024)

/* body_threads() reports the tids of at most this many threads. */
#define MAX_REPORTED_TIDS	16

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
/*
 * The parking storm: spawner threads creating threads that block.  A
 * round catches a clone() in the window about one time in four (x86_64,
 * TCG, unfixed kernel: 6 of 24 rounds).
 */
#define PARK_ROUNDS		40
#define PARK_BUDGET_SEC		12	/* all rounds, far below the timeout */
#define PARK_PER_SPAWNER	250

/* Threads of the tracee that keep taking its cred_guard_mutex */
#define HAMMER_THREADS		2
#define HAMMER_ROUNDS		20	/* attaches that must all succeed */
#define HAMMER_EXECS		20	/* failed execs before each one */

#ifndef MFD_EXEC
#define MFD_EXEC		0x0010U
#endif

#define YAMA_SCOPE		"/proc/sys/kernel/yama/ptrace_scope"

/* Filled in by the tracer before fork() for bodies that need them. */
static pid_t helper_target;
static unsigned long helper_options;
static pid_t yama_ptracer;
static int threads_wanted;
static int threads_leader_exits;
static int hammer_fd = -1;
static unsigned long *hammer_execs;
static int exec_child_go[2], exec_child_report[2];

static pid_t sys_gettid(void)
{
	return syscall(__NR_gettid);
}

static int small_stack(pthread_attr_t *attr)
{
	long min = sysconf(_SC_THREAD_STACK_MIN);
	size_t size = THREAD_STACK_SIZE;

	if (min > 0 && (size_t)min > size)
		size = min;
	if (pthread_attr_init(attr))
		return -1;
	return pthread_attr_setstacksize(attr, size);
}

/* ------------------------------------------------------------------ */
/* /proc                                                              */
/* ------------------------------------------------------------------ */

/* Wait until /proc/@tid/stat shows @state. */
static void wait_state(struct __test_metadata *_metadata, pid_t tid,
		       char state)
{
	long long deadline = now_ns() + BLOCK_TIMEOUT_SEC * NSEC_PER_SEC;

	while (proc_state(tid) != state) {
		ASSERT_GT(deadline, now_ns()) {
			TH_LOG("%d never reached state %c (state %c)",
			       tid, state, proc_state(tid));
		}
		sched_yield();
	}
}

static bool tid_in(const pid_t *tids, int n, pid_t tid)
{
	int i;

	for (i = 0; i < n; i++)
		if (tids[i] == tid)
			return true;
	return false;
}

static int read_int_file(const char *path)
{
	char buf[32], *end;
	long val;

	if (read_proc(path, buf, sizeof(buf)) <= 0)
		return -1;
	val = strtol(buf, &end, 10);
	return end == buf ? -1 : (int)val;
}

static bool write_int_file(const char *path, int val)
{
	char buf[32];
	int fd, len;
	bool ok;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	len = snprintf(buf, sizeof(buf), "%d\n", val);
	ok = write(fd, buf, len) == len;
	close(fd);
	return ok;
}

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

/* Announce ourselves and idle until told to exit. */
static void body_idle(const struct chan *c)
{
	say(c, 'r');
	hear(c);
	_exit(0);
}

/* Prove we run after a go: echo it back, then exit 0 on the next one. */
static void body_echo(const struct chan *c)
{
	say(c, 'r');
	hear(c);
	say(c, 'a');
	hear(c);
	_exit(0);
}

static void body_exit_at_once(const struct chan *c)
{
	(void)c;
	_exit(0);
}

/* --- Passive tracing --- */

#define READERS			4

/* One pipe per reader thread: a byte wakes exactly that one. */
static int reader_pipes[READERS][2];

/* Wait for a byte, make one getppid() and wait again; exit on a 'q'. */
static void *thread_reader(void *arg)
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
static void body_readers(const struct chan *c)
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

/* The pipes of exec_helper(), by number */
struct exec_args {
	char go[16], report[16];
};

/* The new image talks to the tracer on copies that survive exec. */
static void exec_helper_args(const struct chan *c, struct exec_args *a)
{
	int go_fd = dup(c->go), report_fd = dup(c->report);

	if (go_fd < 0 || report_fd < 0)
		_exit(TRACEE_SETUP_FAILED);
	snprintf(a->go, sizeof(a->go), "%d", go_fd);
	snprintf(a->report, sizeof(a->report), "%d", report_fd);
}

/* Exec exec_helper(), which says 'e' and exits 0 on a go. */
static void exec_helper_image(const struct exec_args *a)
{
	execl("/proc/self/exe", "attach_nostop", EXEC_HELPER_ARG, a->go,
	      a->report, (char *)NULL);
	_exit(TRACEE_EXEC_FAILED);
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

/* --- Multi-threaded tracees --- */

static pthread_barrier_t threads_barrier;

/* Never woken: FUTEX_WAIT on it sleeps until the process dies. */
static int park_word;

static void park_forever(void)
{
	for (;;)
		syscall(__NR_futex, &park_word, FUTEX_WAIT_PRIVATE, 0,
			NULL, NULL, 0);
}

static void *thread_sleep(void *arg)
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
static void body_threads(const struct chan *c)
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

static void *thread_tid_then_wait(void *arg)
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
static void body_thread_on_go(const struct chan *c)
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

/* Parked threads wait on it forever; interrupted, they wait again. */
static int park_word;

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

/* The exec'd image: say 'e', exit 0 on the next go. */
static int exec_helper(const char *go_arg, const char *report_arg)
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

/* ------------------------------------------------------------------ */
/* Everything else                                                    */
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
static void start(struct __test_metadata *_metadata,
		  struct _test_data_nostop *self, body_fn body, bool ready)
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
static bool start_threads(struct __test_metadata *_metadata,
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

/* /proc/PID/wchan names functions only with CONFIG_KALLSYMS, else "0". */
static bool have_kallsyms(void)
{
	return !access("/proc/kallsyms", F_OK);
}

static void read_wchan(pid_t pid, char *wchan, size_t size)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/wchan", pid);
	if (read_proc(path, wchan, size) <= 0)
		snprintf(wchan, size, "(unreadable)");
}

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
	if (traced)
		ASSERT_EQ(1, ptrace_err(PTRACE_DETACH_NOSTOP, traced, 0, 0));
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
/* Passive tracing: syscall stops armed at attach, detach unstopped   */
/* ------------------------------------------------------------------ */

static long detach_nostop(pid_t pid, unsigned long flags)
{
	return ptrace_err(PTRACE_DETACH_NOSTOP, pid, flags, 0);
}

/*
 * PTRACE_NOSTOP_SYSCALL on a whole process: the first stop of every thread
 * is the end of the read() it slept in, with its result; then each of its
 * calls stops at entry and exit.  One PTRACE_DETACH_NOSTOP lets them all
 * go while they sleep again.
 */
TEST_F(nostop, syscall_stops_every_thread)
{
	int step[READERS] = { 0 }, done = 0, i, status;
	struct ptrace_syscall_info info;
	pid_t tids[READERS], tid;

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
			done++;
			break;
		default:
			ASSERT_TRUE(false) {
				TH_LOG("thread %d: stop %d, op %d", tid,
				       step[i], info.op);
			}
		}
		ASSERT_EQ(0, ptrace_err(PTRACE_SYSCALL, tid, 0, 0));
	}
	for (i = 0; i < READERS; i++)
		wait_blocked(_metadata, tids[i], read_nrs, 1, "read again");

	ASSERT_EQ(READERS, detach_nostop(self->pid,
					 PTRACE_NOSTOP_THREAD_GROUP));
	for (i = 0; i < READERS; i++)
		EXPECT_EQ(0, tracer_of(self->pid, tids[i]));
	/* the leader reads pipe 0 */
	ASSERT_EQ(1, write(reader_pipes[0][1], "q", 1));
	wait_exit(_metadata, self->pid, 0, "detached tracee");
}

/*
 * A thread created later takes the syscall tracing of its creator, and a
 * PTRACE_REPORT its creator has pending: it reports the exit of its clone()
 * (where the architecture reports it for a new task: not arm64), then the
 * report stop, before it runs any code of its own.  The creator, asked
 * while stopped at the entry of the clone, stops at its exit, then
 * reports too.
 */
TEST_F(nostop, new_thread_inherits_syscall_and_report)
{
	int status, cstep = 0, tstep = 0, i, *step;
	struct ptrace_syscall_info info;
	pid_t tid = 0, child = 0, t;
	char msg = 0;
	long ret;

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

#define FAIL_NOTIFY	"/sys/kernel/debug/fail_ptrace_notify"
#define FAIL_CLONE	"/sys/kernel/debug/fail_ptrace_clone"

/*
 * Arm the fault injection of directory @fail, fail_ptrace_notify or
 * fail_ptrace_clone (CONFIG_FAIL_PTRACE_*, the debug kernel), for the
 * next ptrace notification or clone() of task @pid: it then waits where a
 * tracer can overtake it.  False if the kernel cannot.
 */
static bool hold_next(const char *fail, pid_t pid)
{
	static const struct {
		const char *name;
		int val;
	} attrs[] = {
		{ "task-filter", 1 },
		{ "verbose", 0 },
		{ "interval", 1 },
		{ "probability", 100 },
		{ "times", 1 },		/* the last: this arms it */
	};
	char path[128];
	size_t i;

	if (access(fail, F_OK))
		syscall(__NR_mount, "debugfs", "/sys/kernel/debug", "debugfs",
			0, NULL);
	snprintf(path, sizeof(path), "/proc/%d/make-it-fail", pid);
	if (access(fail, F_OK) || !write_int_file(path, 1))
		return false;
	for (i = 0; i < ARRAY_SIZE(attrs); i++) {
		snprintf(path, sizeof(path), "%s/%s", fail, attrs[i].name);
		if (!write_int_file(path, attrs[i].val))
			return false;
	}
	return true;
}

/*
 * Wait until @pid sleeps uninterruptibly (not in a ptrace-stop) where
 * /proc/@pid/wchan names a function that starts with @fn.
 */
static void wait_wchan(struct __test_metadata *_metadata, pid_t pid,
		       const char *fn)
{
	long long deadline = now_ns() + BLOCK_TIMEOUT_SEC * NSEC_PER_SEC;
	char wchan[128];

	for (;;) {
		read_wchan(pid, wchan, sizeof(wchan));
		if (!strncmp(wchan, fn, strlen(fn)) && proc_state(pid) == 'D')
			break;
		ASSERT_GT(deadline, now_ns()) {
			TH_LOG("%d never in %s (wchan %s)", pid, fn, wchan);
		}
		sched_yield();
	}
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

#define FAIL_WALK	"/sys/kernel/debug/fail_ptrace_walk"

/* The threads of body_walk(): more than a group walk visits in one batch. */
#define WALK_THREADS	100

static int walk_cmd[2];		/* body_walk(): leader -> last thread */

static void *thread_idle(void *arg)
{
	for (;;)
		pause();
	return NULL;
}

static void *thread_tid_idle(void *arg)
{
	say_int(arg, sys_gettid());
	return thread_idle(arg);
}

/*
 * The last thread of body_walk(): say 'r', all threads being there; on
 * 't', trace itself (PTRACE_TRACEME) and report 0 or the errno; on 'c',
 * create a thread that reports its tid.
 */
static void *thread_walk_last(void *arg)
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
static void body_walk(const struct chan *c)
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

static void walk_act_sig(int sig)
{
}

/*
 * Wait for the group request of @a->caller to be held between two batches
 * (fail_ptrace_walk), have the tracee do @a->cmd meanwhile, read what it
 * reports, and end the hold with a signal.  Not a test thread: no ASSERT.
 */
static void *walk_act(void *arg)
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

/*
 * Hold the next group walk of this thread between two batches
 * (fail_ptrace_walk, the debug kernel), and start a thread that acts there
 * (walk_act()) with @cmd.  False if the kernel cannot.
 */
static bool walk_hold(struct _test_data_nostop *self, struct walk_act *a,
		      char cmd, int nr, pthread_t *thread)
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
 * With body_walk() as self->pid, make the group request (@attach: a
 * PTRACE_ATTACH_NOSTOP, else a PTRACE_DETACH_NOSTOP), held between two
 * batches while the tracee does @cmd and reports @nr ints in @a->vals;
 * fill @ret with what the request returned.  False if the test was
 * skipped.
 */
static bool walk_request(struct __test_metadata *_metadata,
			 struct _test_data_nostop *self, bool attach,
			 char cmd, int nr, struct walk_act *a, long *ret)
{
	pthread_t thread;

	if (!walk_hold(self, a, cmd, nr, &thread))
		SKIP(return false, "no fail_ptrace_walk (CONFIG_FAIL_PTRACE_WALK, KALLSYMS)");
	*ret = attach ? nostop(self->pid, PTRACE_NOSTOP_THREAD_GROUP, 0) :
			detach_nostop(self->pid, PTRACE_NOSTOP_THREAD_GROUP);
	pthread_join(thread, NULL);
	ASSERT_EQ(NULL, a->err) {
		TH_LOG("%s", a->err);
	}
	/* the fault fired once: the walk was held, not skipped */
	EXPECT_EQ(0, read_int_file(FAIL_WALK "/times"));
	return true;
}

/* The tracer of every thread of @pid, @nr of them, is @tracer. */
static void expect_tracers(struct __test_metadata *_metadata, pid_t pid,
			   int nr, pid_t tracer)
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
	if (!walk_request(_metadata, self, true, 't', 1, &act, &ret))
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
	if (!walk_request(_metadata, self, true, 'c', 2, &act, &ret))
		return;
	EXPECT_EQ(WALK_THREADS + 2, ret);
	expect_tracers(_metadata, self->pid, WALK_THREADS + 2, getpid());
	expect_no_report(_metadata, -1, "after the attach");
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
	if (!walk_request(_metadata, self, false, 'c', 2, &act, &ret))
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

int main(int argc, char **argv)
{
	/* Re-executed by exec_in_de_thread_no_hang. */
	if (argc == 4 && !strcmp(argv[1], EXEC_HELPER_ARG))
		return exec_helper(argv[2], argv[3]);
	return test_harness_run(argc, argv);
}
