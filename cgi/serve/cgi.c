/* cgi.c: the CGI transport.  Started by a CGI server with the request in
 * its environment, articled answers on stdout and exits; the same pages
 * and the same counting as under FastCGI.  With no master to fold the
 * counters, each run folds after it has answered, without waiting for a
 * held lock: the next run folds what this one could not. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/buf.h"
#include "serve/fold.h"
#include "pages/pages.h"
#include "http/request.h"
#include "http/response.h"
#include "serve/transport.h"

extern char **environ;

#define CGI_DRAIN_MAX	(1024 * 1024)

/* Reads the request body (no page takes one) before answering: Apache's
 * mod_cgid gives a socket, and closing it with unread bytes resets the
 * connection, so the server loses the answer.  Bounded: a larger body
 * is left to the server. */
static void S_drain_body(void)
{
	const char *cl = getenv("CONTENT_LENGTH");
	char chunk[8192];
	long long left;
	ssize_t n;

	left = cl != NULL ? strtoll(cl, NULL, 10) : 0;
	if (left > CGI_DRAIN_MAX)
		left = CGI_DRAIN_MAX;
	while (left > 0 && (n = read(STDIN_FILENO, chunk,
	    left < (long long)sizeof(chunk) ? (size_t)left : sizeof(chunk))) > 0)
		left -= n;
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
	struct buf head = BUF_INIT;
	uint64_t moved;
	sigset_t term;
	int rc = 0;

	S_drain_body();		/* a SIGTERM while it waits still stops it */
	/* lighttpd and mod_cgid send SIGTERM as soon as they have the whole
	 * answer (by its Content-Length, or when the output closes): held
	 * off from before it is written until exit, so the fold (bounded: it
	 * waits at most CGI_FOLD_BUSY_MS for a lock) is not cut short and the
	 * counts keep up. */
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, NULL);
	request_parse(&r, environ, 1);
	response_init(&resp);
	pages_handle(p, &r, &resp);
	response_head(&resp, &head);
	if (fwrite(head.data, 1, head.len, stdout) != head.len ||
	    (!resp.head_only && resp.body.len > 0 &&
	    fwrite(resp.body.data, 1, resp.body.len, stdout) !=
	    resp.body.len) || fflush(stdout) != 0)
		rc = -1;
	fclose(stdout);	/* the server may finish the answer now */
	fold_run(f, CGI_FOLD_BUSY_MS, &moved);
	response_free(&resp);
	buf_free(&head);
	return rc;
}
