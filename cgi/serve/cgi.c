/* cgi.c: the CGI transport.  Started by a CGI server with the request in
 * its environment, articled answers on stdout and exits; the same pages
 * and the same counting as under FastCGI.  With no master to fold the
 * counters, each run folds after it has answered, waiting only briefly
 * for a held lock: the next run folds what this one could not. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/log.h"
#include "serve/fold.h"
#include "pages/pages.h"
#include "http/request.h"
#include "http/response.h"
#include "serve/transport.h"

extern char **environ;

#define CGI_DRAIN_MAX	(1024 * 1024)
#define CGI_READ_WAIT_MS	5000

/* A POST without CONTENT_LENGTH (sent chunked: Apache's CGI modules pass
 * it on without a length) is refused, but its body is still read to its
 * end, up to the bound: under mod_cgid an unread body resets the
 * connection and the refusal would be lost. */
static long long S_unsized(void)
{
	const char *m = getenv("REQUEST_METHOD");

	return m != NULL && strcmp(m, "POST") == 0 ? CGI_DRAIN_MAX : 0;
}

/* Waits at most CGI_READ_WAIT_MS for the body's next bytes (or its end),
 * so a server that never closes it cannot hold the run. */
static int S_readable(void)
{
	struct pollfd pf = { STDIN_FILENO, POLLIN, 0 };

	return poll(&pf, 1, CGI_READ_WAIT_MS) > 0;
}

/* Reads the request body before answering: the question form's POST
 * keeps its first REQUEST_BODY_MAX bytes in body (one more, if there are
 * more: a body over the limit); the rest is drained, since Apache's
 * mod_cgid gives a socket, and closing it with unread bytes resets the
 * connection, so the server loses the answer.  Bounded: a larger body
 * is left to the server. */
static void S_read_body(struct buf *body)
{
	const char *cl = getenv("CONTENT_LENGTH");
	char chunk[8192];
	long long left;
	ssize_t n;
	size_t keep;

	left = cl != NULL ? strtoll(cl, NULL, 10) : S_unsized();
	if (left > CGI_DRAIN_MAX)
		left = CGI_DRAIN_MAX;
	while (left > 0 && S_readable() && (n = read(STDIN_FILENO, chunk,
	    left < (long long)sizeof(chunk) ? (size_t)left : sizeof(chunk))) > 0) {
		left -= n;
		keep = REQUEST_BODY_MAX + 1 - (body->len < REQUEST_BODY_MAX + 1 ?
		    body->len : REQUEST_BODY_MAX + 1);
		buf_put(body, chunk, (size_t)n < keep ? (size_t)n : keep);
	}
}

/* Ends the answer for the server (its end of the pipe or socket reads
 * EOF) while descriptor 1 stays open, on /dev/null.  Never fclose it: a
 * free descriptor 1 is the next file opened, the fold's connection to
 * the database, which SQLite will not keep below 3 and closes at once,
 * and closing any descriptor of the database drops every POSIX lock this
 * process holds on it, the pages' connection's SHARED lock included.  A
 * sqlite3 shell closing meanwhile then took itself for the last
 * connection, checkpointed and deleted the WAL and its index, and the
 * fold's commit went into the deleted WAL: views lost for good. */
static void S_end_answer(void)
{
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

	if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
		log_line("CGI: ending the answer early: /dev/null: %s (the "
		    "server sees its end when this run exits)",
		    strerror(errno));
	if (fd >= 0)
		close(fd);
}

/* The answer is already sent when the fold runs, so a short wait for
 * the write lock costs the reader nothing; with none at all, another
 * run's checkpoint on close or the picture maker's short transaction
 * made the fold skip, and a quiet site's last views stayed unfolded
 * until its next request (tests/e2e/test_cgi_servers.py saw it under
 * load).  Short, so the owner's long transaction still only defers it. */
#define CGI_FOLD_BUSY_MS	200

int cgi_serve(struct pages *p, struct fold *f)
{
	struct request r;
	struct response resp;
	struct buf head = BUF_INIT, body = BUF_INIT;
	uint64_t moved;
	sigset_t term;
	int rc = 0;

	S_read_body(&body);	/* a SIGTERM while it waits still stops it */
	/* lighttpd and mod_cgid send SIGTERM as soon as they have the whole
	 * answer (by its Content-Length, or when the output closes): held
	 * off from before it is written until exit, so the fold (bounded: it
	 * waits at most CGI_FOLD_BUSY_MS for a lock) is not cut short and the
	 * counts keep up. */
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, NULL);
	request_parse(&r, environ, 1);
	if (r.method == METHOD_POST) {
		r.body_cut = body.len > REQUEST_BODY_MAX;
		r.body_len = r.body_cut ? REQUEST_BODY_MAX : body.len;
		r.body = body.len ? body.data : "";
	}
	response_init(&resp);
	pages_handle(p, &r, &resp);
	response_head(&resp, &head);
	if (fwrite(head.data, 1, head.len, stdout) != head.len ||
	    (!resp.head_only && resp.body.len > 0 &&
	    fwrite(resp.body.data, 1, resp.body.len, stdout) !=
	    resp.body.len) || fflush(stdout) != 0)
		rc = -1;
	S_end_answer();	/* the server may finish the answer now */
	fold_run(f, CGI_FOLD_BUSY_MS, &moved);
	response_free(&resp);
	buf_free(&head);
	buf_free(&body);
	return rc;
}
