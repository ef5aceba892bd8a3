/* maker_run.c: the decoder as a child process (maker_run.h).  The bytes
 * go in and the variants come out through two pipes polled together (a
 * decoder that writes before it has read everything must not deadlock
 * us), with a wall-clock deadline on top of the decoder's own CPU-time
 * limit: a decoder blocked on something, using no CPU, is killed too. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "maker/maker_run.h"

#define RUN_ERR_KEPT	2048	/* of its stderr, for the log */

struct run {
	pid_t			 pid;
	int			 in;	/* its stdin, ours to write; -1: closed */
	int			 out;	/* its stdout; -1: at EOF */
	int			 err;	/* its stderr; -1: at EOF */
	const unsigned char	*data;
	size_t			 len;
	size_t			 off;
	long long		 deadline;	/* CLOCK_MONOTONIC ms */
};

static long long S_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void S_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* In the child: the pipes as stdin and stdout, then the decoder.  It
 * dies with the maker (a maker killed mid-work leaves no decoder); a
 * maker killed between fork and prctl sends no death signal, so the
 * child checks it still has its parent once the signal is set. */
static void S_child(const char *decoder, const struct maker_limits *lim,
    int in, int out, int err, pid_t maker)
{
	char px[32], mem[32], cpu[32];
	sigset_t none;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != maker)
		_exit(127);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (dup2(in, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 ||
	    dup2(err, STDERR_FILENO) < 0)
		_exit(127);
	snprintf(px, sizeof(px), "%ld", lim->max_pixels);
	snprintf(mem, sizeof(mem), "%d", lim->max_memory_mib);
	snprintf(cpu, sizeof(cpu), "%d", lim->max_cpu_s);
	execl(decoder, decoder, "--max-pixels", px, "--max-memory", mem,
	    "--max-cpu", cpu, (char *)NULL);
	fprintf(stderr, "articled: cannot run the picture maker %s: %s\n",
	    decoder, strerror(errno));
	_exit(127);
}

static int S_start(struct run *rn, const char *decoder,
    const struct maker_limits *lim, char *err, size_t errlen)
{
	int p[6], i;
	pid_t maker;

	if (pipe2(p, O_CLOEXEC) != 0 || pipe2(p + 2, O_CLOEXEC) != 0 ||
	    pipe2(p + 4, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;	/* at most two pipes left open: EMFILE */
	}
	maker = getpid();
	if ((rn->pid = fork()) < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		for (i = 0; i < 6; i++)
			close(p[i]);
		return -1;
	}
	if (rn->pid == 0)
		S_child(decoder, lim, p[0], p[3], p[5], maker);
	close(p[0]), close(p[3]), close(p[5]);
	rn->in = p[1];
	rn->out = p[2];
	rn->err = p[4];
	fcntl(rn->in, F_SETFL, O_NONBLOCK);
	fcntl(rn->out, F_SETFL, O_NONBLOCK);
	fcntl(rn->err, F_SETFL, O_NONBLOCK);
	return 0;
}

/* Feeds what the pipe takes; closes it at the end (the decoder reads to
 * EOF) or when the decoder stopped reading (EPIPE: it will say why). */
static void S_feed(struct run *rn)
{
	ssize_t n = write(rn->in, rn->data + rn->off, rn->len - rn->off);

	if (n > 0)
		rn->off += (size_t)n;
	else if (n < 0 && errno != EAGAIN && errno != EINTR)
		S_close(&rn->in);
	if (rn->off == rn->len)
		S_close(&rn->in);
}

/* Reads what fd has into out (at most keep bytes kept; the rest read
 * and dropped). */
static void S_drain(int *fd, struct buf *out, size_t keep)
{
	char scrap[4096];
	ssize_t n;

	if (out->len < keep) {
		buf_grow(out, 65536);
		n = read(*fd, out->data + out->len, out->cap - out->len);
	} else {
		n = read(*fd, scrap, sizeof(scrap));
	}
	if (n > 0 && out->len < keep)
		out->len += (size_t)n;
	else if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		S_close(fd);
}

/* One poll of both pipes, for at most a second (*stop is looked at). */
static void S_step(struct run *rn, struct run_result *r)
{
	struct pollfd fds[3] = { { rn->out, POLLIN, 0 },
	    { rn->err, POLLIN, 0 }, { rn->in, POLLOUT, 0 } };
	long long left = rn->deadline - S_now_ms();

	/* A closed end is -1, which poll() skips. */
	if (poll(fds, 3, left > 1000 ? 1000 : left < 0 ? 0 : (int)left) <= 0)
		return;
	if (fds[0].revents != 0)
		S_drain(&rn->out, &r->out, (size_t)-1);
	if (fds[1].revents != 0)
		S_drain(&rn->err, &r->err, RUN_ERR_KEPT);
	if (rn->in >= 0 && fds[2].revents != 0)
		S_feed(rn);
}

/* Waits for the child's exit until the deadline; 0 when reaped. */
static int S_wait(struct run *rn, int *status, volatile sig_atomic_t *stop)
{
	pid_t got;

	while ((got = waitpid(rn->pid, status, WNOHANG)) == 0 &&
	    S_now_ms() < rn->deadline && !*stop)
		usleep(10000);
	return got == rn->pid ? 0 : -1;
}

static void S_kill(struct run *rn, struct run_result *r, enum run_end how)
{
	int status;

	kill(rn->pid, SIGKILL);
	while (waitpid(rn->pid, &status, 0) < 0 && errno == EINTR)
		;
	r->how = how;
	r->code = SIGKILL;
}

static void S_ended(struct run_result *r, int status)
{
	if (WIFSIGNALED(status)) {
		r->how = RUN_SIGNALED;
		r->code = WTERMSIG(status);
	} else {
		r->how = RUN_EXITED;
		r->code = WEXITSTATUS(status);
	}
}

/* The loop: feed and drain until its stdout ends, then reap it. */
static void S_talk(struct run *rn, const struct maker_limits *lim,
    volatile sig_atomic_t *stop, struct run_result *r)
{
	int status;

	while (rn->out >= 0 && !*stop && S_now_ms() < rn->deadline &&
	    r->out.len <= lim->max_output)
		S_step(rn, r);
	S_close(&rn->in);
	S_close(&rn->out);
	S_close(&rn->err);
	if (*stop)
		S_kill(rn, r, RUN_STOPPED);
	else if (r->out.len > lim->max_output)
		S_kill(rn, r, RUN_TOO_MUCH);
	else if (S_wait(rn, &status, stop) != 0)
		S_kill(rn, r, *stop ? RUN_STOPPED : RUN_TIMEOUT);
	else
		S_ended(r, status);
}

int maker_run(const char *decoder, const struct maker_limits *lim,
    const unsigned char *in, size_t len, volatile sig_atomic_t *stop,
    struct run_result *r, char *err, size_t errlen)
{
	struct run rn = { 0, -1, -1, -1, in, len, 0, 0 };

	buf_init(&r->out);
	buf_init(&r->err);
	rn.deadline = S_now_ms() + (long long)lim->wall_s * 1000;
	if (S_start(&rn, decoder, lim, err, errlen) != 0)
		return -1;
	if (len == 0)
		S_close(&rn.in);
	S_talk(&rn, lim, stop, r);
	return 0;
}

void maker_run_free(struct run_result *r)
{
	buf_free(&r->out);
	buf_free(&r->err);
}
