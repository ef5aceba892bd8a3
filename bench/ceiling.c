/* bench/ceiling.c: the FastCGI ceiling for the benchmark.  The least a
 * libfcgi program can do per request: answer from memory with bytes read
 * beforehand.  articled is measured against it (docs/benchmarks.md).
 *
 *   ceiling SOCKET WORKERS FILE
 *   ceiling SOCKET WORKERS --pages FILE
 *
 * FILE holds the page's body (the article page's exact bytes), the answer
 * to every request.  With --pages, FILE holds records "URI<TAB>LENGTH\n"
 * followed by LENGTH bytes, each URI's own page fetched from articled
 * (bench/tail.py): a request is answered with its REQUEST_URI's bytes, 404
 * and no body for a URI not in FILE.  Each answer is Status, Content-Type
 * and Content-Length, then the bytes.  The master
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

struct page {
	const char	*uri;
	char		 head[128];
	int		 headlen;
	const char	*body;
	size_t		 bodylen;
};

static struct page *pages;	/* sorted by uri */
static size_t npages;

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

static void page_head(struct page *p, const char *status)
{
	p->headlen = snprintf(p->head, sizeof(p->head), "Status: %s\r\n"
	    "Content-Type: text/html; charset=utf-8\r\n"
	    "Content-Length: %zu\r\n\r\n", status, p->bodylen);
}

static int page_cmp(const void *a, const void *b)
{
	return strcmp(((const struct page *)a)->uri,
	    ((const struct page *)b)->uri);
}

/* --pages FILE: the records, in place in data (each URI's tab becomes its
 * end); 0, or -1 for a malformed file. */
static int pages_parse(char *data, size_t len)
{
	size_t off = 0, cap = 0;
	char *tab, *nl, *end;

	while (off < len) {
		tab = memchr(data + off, '\t', len - off);
		nl = tab ? memchr(tab, '\n', len - (size_t)(tab - data)) : NULL;
		if (nl == NULL)
			return -1;
		if (npages == cap) {
			cap = cap ? cap * 2 : 1024;
			if ((pages = realloc(pages, cap * sizeof(*pages))) == NULL)
				exit(1);
		}
		*tab = '\0';
		pages[npages].uri = data + off;
		pages[npages].bodylen = strtoul(tab + 1, &end, 10);
		pages[npages].body = nl + 1;
		if (end != nl || pages[npages].bodylen > len - (size_t)(nl + 1 - data))
			return -1;
		page_head(&pages[npages], "200 OK");
		off = (size_t)(nl + 1 - data) + pages[npages].bodylen;
		npages++;
	}
	qsort(pages, npages, sizeof(*pages), page_cmp);
	return 0;
}

static const struct page *page_for(FCGX_Request *req, const struct page *one,
    const struct page *missing)
{
	struct page key;
	const struct page *p;

	if (pages == NULL)
		return one;
	key.uri = FCGX_GetParam("REQUEST_URI", req->envp);
	if (key.uri == NULL)
		return missing;
	p = bsearch(&key, pages, npages, sizeof(*pages), page_cmp);
	return p ? p : missing;
}

static void worker(int fd, const struct page *one)
{
	FCGX_Request req;
	struct page missing = { "", "", 0, "", 0 };
	const struct page *p;
	char sink[4096];

	page_head(&missing, "404 Not Found");
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	setenv("LIBFCGI_OS_CLOSE_POLL_TIMEOUT", "0", 1);
	if (FCGX_Init() != 0)
		_exit(1);
	FCGX_InitRequest(&req, fd, 0);
	while (FCGX_Accept_r(&req) >= 0) {
		while (FCGX_GetStr(sink, sizeof(sink), req.in) > 0)
			;
		p = page_for(&req, one, &missing);
		FCGX_PutStr(p->head, p->headlen, req.out);
		FCGX_PutStr(p->body, (int)p->bodylen, req.out);
		FCGX_Finish_r(&req);
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	pid_t pids[MAX_WORKERS];
	struct page one = { "", "", 0, NULL, 0 };
	const char *file;
	char *data;
	size_t len;
	int fd, n, i, left, many;

	many = argc == 5 && strcmp(argv[3], "--pages") == 0;
	if ((argc != 4 && !many) || (n = atoi(argv[2])) < 1 ||
	    n > MAX_WORKERS) {
		fprintf(stderr, "usage: ceiling SOCKET WORKERS(1-%d) "
		    "[--pages] FILE\n", MAX_WORKERS);
		return 2;
	}
	file = argv[argc - 1];
	if ((data = read_file(file, &len)) == NULL) {
		fprintf(stderr, "ceiling: %s: %s\n", file, strerror(errno));
		return 1;
	}
	if (many && pages_parse(data, len) != 0) {
		fprintf(stderr, "ceiling: %s: not URI<TAB>LENGTH records\n",
		    file);
		return 1;
	}
	one.body = data;
	one.bodylen = len;
	page_head(&one, "200 OK");
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
			worker(fd, &one);
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
