/* fastcgi.c: the FastCGI transport, the only user of libfcgi.
 *
 * Two libfcgi behaviours matter (docs/design.md): its lingering close
 * waits for nginx after every response, which halves throughput, so it
 * is switched off through LIBFCGI_OS_CLOSE_POLL_TIMEOUT before FCGX_Init
 * reads it; and with it off a request body must be read to the end
 * before the response is finished, or the close can reset the
 * connection and lose the answer. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "lib/buf.h"
#include "serve/heartbeat.h"
#include "lib/log.h"
#include "pages/pages.h"
#include "http/request.h"
#include "http/response.h"
#include "serve/transport.h"

static int S_listen_unix(const char *path, unsigned mode, int backlog,
    char *err, size_t errlen)
{
	struct sockaddr_un sa;
	struct stat st;
	mode_t old;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "%s: socket path too long", path);
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	/* A stale socket from a killed run goes; any other file stays (bind
	 * then fails), so a mistyped --socket cannot delete, say, the
	 * database. */
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	old = umask(0777 & ~mode);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    chmod(path, mode) != 0 || listen(fd, backlog) != 0) {
		snprintf(err, errlen, "listen on %s: %s", path,
		    strerror(errno));
		umask(old);
		close(fd);
		return -1;
	}
	umask(old);
	return fd;
}

static int S_listen_tcp(const char *where, int backlog, char *err,
    size_t errlen)
{
	struct addrinfo hints, *res, *ai;
	char host[256];
	const char *colon = strrchr(where, ':');
	int fd = -1, on = 1, rc;

	if (colon == NULL || (size_t)(colon - where) >= sizeof(host)) {
		snprintf(err, errlen, "%s: expected a socket path or HOST:PORT",
		    where);
		return -1;
	}
	memcpy(host, where, (size_t)(colon - where));
	host[colon - where] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if ((rc = getaddrinfo(host[0] ? host : NULL, colon + 1, &hints,
	    &res)) != 0) {
		snprintf(err, errlen, "%s: %s", where, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, backlog) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		snprintf(err, errlen, "listen on %s: %s", where,
		    strerror(errno));
	return fd;
}

int fastcgi_listen(const char *where, unsigned mode, int backlog,
    char *err, size_t errlen)
{
	if (strchr(where, '/') != NULL)
		return S_listen_unix(where, mode, backlog, err, errlen);
	return S_listen_tcp(where, backlog, err, errlen);
}

int fastcgi_is_socket(int fd)
{
	struct stat st;
	int type, listening;
	socklen_t len = sizeof(type), llen = sizeof(listening);

	if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode))
		return 0;
	/* Only a listening socket: Apache's mod_cgid hands a CGI program a
	 * connected Unix stream socket as stdin, which is a CGI run. */
	return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 &&
	    type == SOCK_STREAM &&
	    getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &llen) == 0 &&
	    listening;
}

/* The worker's own end of a self-pipe: its SIGTERM handler writes a
 * byte, which wakes the poll() below even when the signal came just
 * before it blocked. */
static int S_wake[2] = { -1, -1 };

void fastcgi_shutdown(void)
{
	int saved = errno;

	if (S_wake[1] >= 0)
		(void)!write(S_wake[1], "x", 1);
	errno = saved;
}

/* Reads and discards the request body (POST to a page, say). */
static void S_drain(FCGX_Stream *in)
{
	char sink[4096];

	while (FCGX_GetStr(sink, sizeof(sink), in) > 0)
		;
}

/* A POST's body, up to REQUEST_BODY_MAX bytes (the question form's; a
 * longer one is cut and marked so, and the rest drained after). */
static void S_read_body(FCGX_Stream *in, struct request *r, struct buf *b)
{
	int n;

	buf_reset(b);
	buf_grow(b, REQUEST_BODY_MAX + 1);
	while (b->len <= REQUEST_BODY_MAX && (n = FCGX_GetStr(b->data + b->len,
	    (int)(REQUEST_BODY_MAX + 1 - b->len), in)) > 0)
		b->len += (size_t)n;
	r->body_cut = b->len > REQUEST_BODY_MAX;
	r->body_len = r->body_cut ? REQUEST_BODY_MAX : b->len;
	r->body = b->data;
}

static int S_send(FCGX_Request *req, const struct response *resp,
    struct buf *head)
{
	buf_reset(head);
	response_head(resp, head);
	if (FCGX_PutStr(head->data, (int)head->len, req->out) < 0)
		return -1;
	if (!resp->head_only && resp->body.len > 0 &&
	    FCGX_PutStr(resp->body.data, (int)resp->body.len, req->out) < 0)
		return -1;
	return 0;
}

/* Waits for a connection and accepts it; -1 when *stop was set or the
 * wait was cut short.  The worker accepts, not libfcgi: libfcgi would
 * block in accept() where a stop cannot reach it, and its reads of a
 * request fail on EINTR, which lost requests at every SIGHUP. */
static int S_accept(int lfd, struct heartbeat *hb,
    volatile sig_atomic_t *stop)
{
	struct pollfd pf[2];
	int conn;

	while (!*stop) {
		heartbeat_idle(hb);	/* alive, and holding no request */
		conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (conn >= 0) {
			heartbeat_busy(hb);
			return conn;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR && errno != ECONNABORTED) {
			log_line("accept: %s", strerror(errno));
			sleep(1);	/* do not spin on a broken socket */
			continue;
		}
		pf[0].fd = lfd;
		pf[0].events = POLLIN;
		pf[1].fd = S_wake[0];
		pf[1].events = POLLIN;
		/* Woken now and then to beat: the master takes a worker
		 * silent for too long for a stuck one. */
		if (poll(pf, 2, HEARTBEAT_IDLE_MS) < 0 && errno != EINTR) {
			log_line("poll: %s", strerror(errno));
			sleep(1);
		}
	}
	return -1;
}

/* Hands an accepted connection to libfcgi to read the request from.
 * keepConnection set keeps FCGX_Accept_r's opening FCGX_Finish_r from
 * closing it; the request's own flags replace it once read.  With no
 * listening socket (-1) libfcgi can never block in accept() itself. */
static int S_read_request(FCGX_Request *req, int conn)
{
	req->ipcFd = conn;
	req->keepConnection = 1;
	return FCGX_Accept_r(req);
}

int fastcgi_prepare(int fd)
{
	int flags;

	if (getenv("LIBFCGI_OS_CLOSE_POLL_TIMEOUT") == NULL)
		setenv("LIBFCGI_OS_CLOSE_POLL_TIMEOUT", "0", 1);
	if (FCGX_Init() != 0) {
		log_line("FCGX_Init failed");
		return -1;
	}
	if (pipe2(S_wake, O_CLOEXEC | O_NONBLOCK) != 0 ||
	    (flags = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
		log_line("worker set-up: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int fastcgi_serve(struct pages *p, int fd, struct heartbeat *hb,
    volatile sig_atomic_t *stop)
{
	FCGX_Request req;
	struct request r;
	struct response resp;
	struct buf head = BUF_INIT, body = BUF_INIT;
	int conn;

	FCGX_InitRequest(&req, -1, 0);
	response_init(&resp);
	while ((conn = S_accept(fd, hb, stop)) >= 0) {
		if (S_read_request(&req, conn) < 0) {
			/* Not a request: libfcgi closed it, or we do. */
			FCGX_Free(&req, req.ipcFd >= 0);
			continue;
		}
		request_parse(&r, req.envp, 0);
		if (r.method == METHOD_POST)
			S_read_body(req.in, &r, &body);
		response_reset(&resp);
		pages_handle(p, &r, &resp);
		if (r.method != METHOD_GET || r.content_length > 0)
			S_drain(req.in);
		S_send(&req, &resp, &head);	/* a gone client is not ours to log */
		FCGX_Finish_r(&req);
		pages_idle(p);
	}
	FCGX_Free(&req, req.ipcFd >= 0);
	response_free(&resp);
	buf_free(&head);
	buf_free(&body);
	return 0;
}
