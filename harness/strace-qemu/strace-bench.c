// SPDX-License-Identifier: GPL-2.0
/*
 * strace-bench N STRACE...: how long "STRACE -f -p PID" takes to attach
 * to every thread of a process of N threads asleep in futex waits (from
 * its start until it prints "Process PID attached with N threads", and
 * until /proc shows every thread traced by it and none stopped), and to
 * detach from them (from its SIGINT until it exited), for each STRACE
 * in turn on the same process; then the ratios of the first STRACE's
 * times to each other's.  After each detach every thread must be running
 * or asleep, untraced.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int futex_word;

static void *sleeper(void *arg)
{
	for (;;)
		syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0, NULL,
			NULL, 0);
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static pid_t start_target(int n)
{
	int fds[2];
	pid_t pid;
	char c = 0;

	if (pipe(fds))
		exit(1);
	pid = fork();
	if (pid == 0) {
		pthread_attr_t attr;
		pthread_t t;

		pthread_attr_init(&attr);
		pthread_attr_setstacksize(&attr, 64 * 1024);
		for (int i = 1; i < n; i++)
			if (pthread_create(&t, &attr, sleeper, NULL)) {
				perror("pthread_create");
				_exit(1);
			}
		if (write(fds[1], &c, 1) != 1)
			_exit(1);
		sleeper(NULL);
	}
	close(fds[1]);
	if (read(fds[0], &c, 1) != 1) {
		fprintf(stderr, "strace-bench: the target failed\n");
		exit(1);
	}
	close(fds[0]);
	return pid;
}

/*
 * Threads of pid that are traced or stopped; with tracer, those that are
 * not traced by tracer, or stopped.
 */
static int count_held(pid_t pid, pid_t tracer)
{
	char path[300], line[256];
	struct dirent *de;
	int held = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((de = readdir(dir))) {
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/status", pid,
			 de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			char st = 0;

			if ((sscanf(line, "State: %c", &st) == 1 &&
			     (st == 't' || st == 'T')) ||
			    (!strncmp(line, "TracerPid:", 10) &&
			     atoi(line + 10) != tracer)) {
				held++;
				break;
			}
		}
		fclose(f);
	}
	closedir(dir);
	return held;
}

static int run(const char *strace, pid_t pid, int n, double *msg,
	       double *att, double *det)
{
	char pidstr[16], want[64], buf[4096];
	size_t len = 0;
	int fds[2], status;
	pid_t s;
	double t0;

	snprintf(pidstr, sizeof(pidstr), "%d", pid);
	snprintf(want, sizeof(want), "Process %d attached with %d threads",
		 pid, n);
	if (pipe(fds))
		return -1;
	t0 = now();
	s = fork();
	if (s == 0) {
		dup2(fds[1], 2);
		close(fds[0]);
		execl(strace, strace, "-f", "-o", "/dev/null", "-p", pidstr,
		      (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		ssize_t r = read(fds[0], buf + len, sizeof(buf) - 1 - len);

		if (r <= 0) {
			fprintf(stderr, "strace-bench: %s: no \"%s\"\n",
				strace, want);
			return -1;
		}
		len += r;
		buf[len] = 0;
		if (strstr(buf, want))
			break;
		if (len > sizeof(buf) / 2) {	/* keep the tail */
			memmove(buf, buf + len - 128, 128);
			len = 128;
		}
	}
	*msg = now() - t0;
	/* Until every thread is traced, and none stopped */
	while (count_held(pid, s))
		;
	*att = now() - t0;
	sleep(1);
	t0 = now();
	kill(s, SIGINT);
	/* Drain its messages, "Process N detached" for each thread */
	while (read(fds[0], buf, sizeof(buf)) > 0)
		;
	waitpid(s, &status, 0);
	*det = now() - t0;
	close(fds[0]);
	usleep(200000);
	return count_held(pid, 0);
}

int main(int argc, char **argv)
{
	double msg[8], att[8], det[8];
	int n, held, fail = 0;
	pid_t pid;

	if (argc < 3 || argc > 10) {
		fprintf(stderr, "usage: strace-bench N STRACE...\n");
		return 2;
	}
	n = atoi(argv[1]);
	pid = start_target(n);
	for (int i = 2; i < argc; i++) {
		held = run(argv[i], pid, n, &msg[i - 2], &att[i - 2],
			   &det[i - 2]);
		printf("strace-bench: %s: %d threads: \"attached\" after %.3f s, all traced and running after %.3f s, detached in %.3f s, %d left traced or stopped\n",
		       argv[i], n, msg[i - 2], att[i - 2], det[i - 2], held);
		if (held)
			fail = 1;
	}
	for (int i = 3; i < argc; i++)
		printf("strace-bench: %s / %s: attach %.1f (until \"attached\": %.1f), detach %.1f\n",
		       argv[2], argv[i], att[0] / att[i - 2],
		       msg[0] / msg[i - 2], det[0] / det[i - 2]);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return fail;
}
