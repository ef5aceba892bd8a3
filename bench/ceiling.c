/* bench/ceiling.c: the FastCGI ceiling for the benchmark.  The least a
 * libfcgi program can do per request: answer every request with the same
 * bytes from memory.  articled is measured against it (docs/benchmarks.md).
 *
 *   ceiling SOCKET WORKERS FILE
 *
 * FILE holds the page's body (the article page's exact bytes); each answer
 * is Status, Content-Type and Content-Length, then those bytes.  The master
 * binds SOCKET (mode 0666), forks WORKERS workers and waits; SIGTERM or
 * SIGINT stops them all.  Tuned as articled is: libfcgi's lingering close
 * off (LIBFCGI_OS_CLOSE_POLL_TIMEOUT=0, read by FCGX_Init) and the request
 * body read to the end before finishing.  Built by bench/run:
 *   cc -O2 -o build/bench/ceiling bench/ceiling.c -lfcgi */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcgiapp.h>

#define MAX_WORKERS 64

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	size_t cap = 0, n = 0, got;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			if ((data = realloc(data, cap)) == NULL)
				exit(1);
		}
		got = fread(data + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	*len = n;
	return data;
}

static int listen_unix(const char *path)
{
	struct sockaddr_un sa;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
		return -1;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    chmod(path, 0666) != 0 || listen(fd, 1024) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void worker(int fd, const char *head, size_t headlen,
    const char *body, size_t bodylen)
{
	FCGX_Request req;
	char sink[4096];

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	setenv("LIBFCGI_OS_CLOSE_POLL_TIMEOUT", "0", 1);
	if (FCGX_Init() != 0)
		_exit(1);
	FCGX_InitRequest(&req, fd, 0);
	while (FCGX_Accept_r(&req) >= 0) {
		while (FCGX_GetStr(sink, sizeof(sink), req.in) > 0)
			;
		FCGX_PutStr(head, (int)headlen, req.out);
		FCGX_PutStr(body, (int)bodylen, req.out);
		FCGX_Finish_r(&req);
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	pid_t pids[MAX_WORKERS];
	char head[256];
	char *body;
	size_t bodylen;
	int fd, n, i, left, headlen;

	if (argc != 4 || (n = atoi(argv[2])) < 1 || n > MAX_WORKERS) {
		fprintf(stderr, "usage: ceiling SOCKET WORKERS(1-%d) FILE\n",
		    MAX_WORKERS);
		return 2;
	}
	if ((body = read_file(argv[3], &bodylen)) == NULL) {
		fprintf(stderr, "ceiling: %s: %s\n", argv[3], strerror(errno));
		return 1;
	}
	headlen = snprintf(head, sizeof(head), "Status: 200 OK\r\n"
	    "Content-Type: text/html; charset=utf-8\r\n"
	    "Content-Length: %zu\r\n\r\n", bodylen);
	if ((fd = listen_unix(argv[1])) < 0) {
		fprintf(stderr, "ceiling: listen on %s: %s\n", argv[1],
		    strerror(errno));
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < n; i++) {
		if ((pids[i] = fork()) < 0) {
			perror("ceiling: fork");
			n = i;
			stop = 1;
			break;
		}
		if (pids[i] == 0)
			worker(fd, head, (size_t)headlen, body, bodylen);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	while (!stop)
		pause();
	/* SIGTERM first (libfcgi's handler ends a blocked accept), so that a
	 * profiler sees the workers exit; SIGKILL what is left after 1 s. */
	for (i = 0; i < n; i++)
		kill(pids[i], SIGTERM);
	alarm(1);
	signal(SIGALRM, on_term);
	for (left = n; left > 0; ) {
		if (wait(NULL) > 0) {
			left--;
			continue;
		}
		if (errno != EINTR)
			break;
		for (i = 0; i < n; i++)
			kill(pids[i], SIGKILL);
	}
	unlink(argv[1]);
	return 0;
}
