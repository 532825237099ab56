// SPDX-License-Identifier: GPL-2.0
/*
 * What the PTRACE_REPORT hook in the exit-to-user loop costs a task that
 * is not traced: the round trip of a cheap system call, of a signal sent
 * to itself and handled, and of a fork() whose child exits at once and is
 * reaped.  Each is timed in ROUNDS rounds; the median round is printed,
 * per operation, on one line that the harness compares between the
 * unpatched and the patched kernel booted the same way:
 *
 *   entry_bench: getppid_ns=N signal_ns=N fork_exit_us=N
 *
 * These paths do not set TIF_NOTIFY_RESUME, so the hook is not evaluated
 * on them: the numbers show that the common exits did not change.
 */

#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS		15
#define NR_SYSCALLS	100000
#define NR_SIGNALS	20000
#define NR_FORKS	300

static int handled;	/* __atomic builtins: the handler counts */

static void on_usr1(int sig)
{
	__atomic_fetch_add(&handled, 1, __ATOMIC_RELAXED);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/* The median over ROUNDS of the time of @n calls of @op, per call, in ns */
static long long median_ns(void (*op)(void), int n)
{
	long long t[ROUNDS];
	int r, i;

	for (r = 0; r < ROUNDS; r++) {
		long long t0 = now_ns();

		for (i = 0; i < n; i++)
			op();
		t[r] = (now_ns() - t0) / n;
	}
	qsort(t, ROUNDS, sizeof(t[0]), cmp_ll);
	return t[ROUNDS / 2];
}

static void op_getppid(void)
{
	syscall(SYS_getppid);
}

static void op_signal(void)
{
	syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1);
}

static void op_fork(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (!pid)
		_exit(0);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
		fprintf(stderr, "entry_bench: child %d not reaped\n", pid);
		exit(1);
	}
}

int main(void)
{
	struct sigaction sa;
	long long sys, sig, frk;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	if (sigaction(SIGUSR1, &sa, NULL)) {
		perror("sigaction");
		return 1;
	}

	sys = median_ns(op_getppid, NR_SYSCALLS);
	sig = median_ns(op_signal, NR_SIGNALS);
	frk = median_ns(op_fork, NR_FORKS);
	if (__atomic_load_n(&handled, __ATOMIC_RELAXED) != ROUNDS * NR_SIGNALS) {
		fprintf(stderr, "entry_bench: %d of %d signals handled\n",
			__atomic_load_n(&handled, __ATOMIC_RELAXED),
			ROUNDS * NR_SIGNALS);
		return 1;
	}
	printf("entry_bench: getppid_ns=%lld signal_ns=%lld fork_exit_us=%lld\n",
	       sys, sig, frk / 1000);
	return 0;
}
