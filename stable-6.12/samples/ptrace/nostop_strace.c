// SPDX-License-Identifier: GPL-2.0
/*
 * nostop_strace - a minimal "strace -p PID" that never perturbs its tracee
 *
 * Usage: nostop_strace PID
 *
 * Prints one line per system call stop of every thread of process PID on
 * stdout, until the process exits or the tracer gets SIGINT or SIGTERM.
 *
 * PTRACE_ATTACH, or PTRACE_SEIZE followed by PTRACE_INTERRUPT, stops each
 * thread: a thread asleep in a system call is woken up and the call is
 * restarted or fails with EINTR, and the threads have to be attached one
 * by one from /proc/PID/task, racing with the ones being created.  Here:
 *
 *  - one PTRACE_ATTACH_NOSTOP call attaches every thread of the process
 *    (PTRACE_NOSTOP_THREAD_GROUP) and every thread they create from then
 *    on (PTRACE_O_TRACETHREADS), with no signal, no stop, no wake-up;
 *
 *  - PTRACE_NOSTOP_SYSCALL arms the system call stops as PTRACE_SYSCALL
 *    would, so the first stop of each thread is its next system call: a
 *    call in progress at attach time (say a blocked epoll_wait()) finishes
 *    untouched, and is only seen as an exit stop, "<... resumed>".  A new
 *    thread's first stop is likewise the exit of its clone();
 *
 *  - signals are passed on, and a group-stop is left in effect with
 *    PTRACE_LISTEN, so the process behaves as if it were not traced;
 *
 *  - on SIGINT or SIGTERM, one PTRACE_DETACH_NOSTOP call detaches every
 *    thread, running or stopped, again without a signal, a stop or EINTR;
 *
 *  - PTRACE_O_EXITKILL is not set: should the tracer die, the process is
 *    detached and goes on.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* Not <sys/ptrace.h>: glibc's copy of the constants clashes with the uapi. */
#include <linux/ptrace.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define ATTACH_FLAGS	(PTRACE_NOSTOP_THREAD_GROUP | PTRACE_NOSTOP_SYSCALL)
#define ATTACH_OPTIONS	(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACETHREADS)

/* PID_MAX_LIMIT: no thread id is larger */
#define MAX_TID		(4 * 1024 * 1024)

/* The threads that stopped at a system call entry and not yet at its exit */
static bool in_syscall[MAX_TID];

/* The signal asking the tracer to detach, 0 until then */
static atomic_int stop_signal;

static const char * const signames[] = {
	[SIGHUP] = "SIGHUP",	[SIGINT] = "SIGINT",	[SIGQUIT] = "SIGQUIT",
	[SIGILL] = "SIGILL",	[SIGTRAP] = "SIGTRAP",	[SIGABRT] = "SIGABRT",
	[SIGBUS] = "SIGBUS",	[SIGFPE] = "SIGFPE",	[SIGKILL] = "SIGKILL",
	[SIGUSR1] = "SIGUSR1",	[SIGSEGV] = "SIGSEGV",	[SIGUSR2] = "SIGUSR2",
	[SIGPIPE] = "SIGPIPE",	[SIGALRM] = "SIGALRM",	[SIGTERM] = "SIGTERM",
	[SIGCHLD] = "SIGCHLD",	[SIGCONT] = "SIGCONT",	[SIGSTOP] = "SIGSTOP",
	[SIGTSTP] = "SIGTSTP",	[SIGTTIN] = "SIGTTIN",	[SIGTTOU] = "SIGTTOU",
	[SIGURG] = "SIGURG",	[SIGXCPU] = "SIGXCPU",	[SIGXFSZ] = "SIGXFSZ",
	[SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF", [SIGWINCH] = "SIGWINCH",
	[SIGIO] = "SIGIO",	[SIGPWR] = "SIGPWR",	[SIGSYS] = "SIGSYS",
};

static const char *signame(int sig)
{
	static char buf[16];

	if (sig > 0 && sig < (int)ARRAY_SIZE(signames) && signames[sig])
		return signames[sig];
	snprintf(buf, sizeof(buf), "SIG%d", sig);
	return buf;
}

static long xptrace(int request, pid_t tid, unsigned long addr,
		    unsigned long data)
{
	return syscall(SYS_ptrace, request, tid, addr, data);
}

static void set_in_syscall(pid_t tid, bool in)
{
	if (tid > 0 && tid < MAX_TID)
		in_syscall[tid] = in;
}

static bool was_in_syscall(pid_t tid)
{
	return tid > 0 && tid < MAX_TID && in_syscall[tid];
}

static void on_signal(int sig)
{
	atomic_store(&stop_signal, sig);
}

static void print_syscall(pid_t tid)
{
	struct ptrace_syscall_info info;
	int i;

	if (xptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof(info),
		    (unsigned long)&info) < 0)
		return;		/* killed meanwhile */

	switch (info.op) {
	case PTRACE_SYSCALL_INFO_ENTRY:
		printf("%d %lld(", tid, (long long)info.entry.nr);
		for (i = 0; i < 6; i++)
			printf("%s%#llx", i ? ", " : "",
			       (unsigned long long)info.entry.args[i]);
		printf(")\n");
		set_in_syscall(tid, true);
		break;
	case PTRACE_SYSCALL_INFO_EXIT:
		/* No entry: in progress at attach time, or a new thread */
		printf("%d %s= %lld\n", tid,
		       was_in_syscall(tid) ? "" : "<... resumed> ",
		       (long long)info.exit.rval);
		set_in_syscall(tid, false);
		break;
	}
}

static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP ||
	       sig == SIGTTIN || sig == SIGTTOU;
}

static void handle_stop(pid_t tid, int status)
{
	int sig = WSTOPSIG(status);
	int event = status >> 16;

	if (sig == (SIGTRAP | 0x80)) {
		print_syscall(tid);
		sig = 0;
	} else if (event == PTRACE_EVENT_STOP) {
		/*
		 * With a stop signal, a group-stop: stay stopped, as the
		 * process would untraced, but listen for its end.  Else the
		 * end of a group-stop, or a PTRACE_REPORT stop (that this
		 * tracer never asks for) outside of one.
		 */
		if (is_stop_signal(sig)) {
			xptrace(PTRACE_LISTEN, tid, 0, 0);
			return;
		}
		sig = 0;
	} else if (event) {
		sig = 0;	/* no PTRACE_O_TRACE* option, not expected */
	} else {
		printf("%d --- %s ---\n", tid, signame(sig));
	}
	/* Fails with ESRCH if it was killed meanwhile: its exit follows. */
	xptrace(PTRACE_SYSCALL, tid, 0, sig);
}

static int detach(pid_t pid)
{
	long n;

	n = xptrace(PTRACE_DETACH_NOSTOP, pid, PTRACE_NOSTOP_THREAD_GROUP, 0);
	if (n < 0) {
		if (errno == EBUSY)
			fprintf(stderr, "PTRACE_DETACH_NOSTOP: a thread is single-stepping\n");
		else
			perror("ptrace(PTRACE_DETACH_NOSTOP)");
		return 1;
	}
	fprintf(stderr, "detached %ld threads\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	int status;
	pid_t pid, tid;
	char *end;
	long n;

	if (argc != 2) {
		fprintf(stderr, "usage: %s PID\n", argv[0]);
		return 1;
	}
	errno = 0;
	n = strtol(argv[1], &end, 10);
	if (errno || end == argv[1] || *end || n <= 0 || n >= MAX_TID) {
		fprintf(stderr, "%s: invalid PID '%s'\n", argv[0], argv[1]);
		return 1;
	}
	pid = n;

	/* No SA_RESTART: the signal makes waitpid() fail with EINTR. */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL)) {
		perror("sigaction");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	n = xptrace(PTRACE_ATTACH_NOSTOP, pid, ATTACH_FLAGS, ATTACH_OPTIONS);
	if (n < 0) {
		perror("ptrace(PTRACE_ATTACH_NOSTOP)");
		return 1;
	}
	fprintf(stderr, "attached %ld threads of %d\n", n, pid);

	/*
	 * A signal that comes after this test and before waitpid() blocks
	 * is only seen at the next stop (or the next SIGINT).
	 */
	while (!atomic_load(&stop_signal)) {
		tid = waitpid(-1, &status, __WALL);
		if (tid < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				return 0;
			perror("waitpid");
			return 1;
		}
		if (WIFSTOPPED(status)) {
			handle_stop(tid, status);
			continue;
		}
		if (WIFEXITED(status))
			printf("%d +++ exited with %d +++\n", tid,
			       WEXITSTATUS(status));
		else if (WIFSIGNALED(status))
			printf("%d +++ killed by %s +++\n", tid,
			       signame(WTERMSIG(status)));
		set_in_syscall(tid, false);
		/* The leader is reported last, once all the threads exited */
		if (tid == pid)
			return 0;
	}
	return detach(pid);
}
