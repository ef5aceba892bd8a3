/* transport.h: how requests arrive.  fastcgi.c (the only file that
 * includes libfcgi) serves a listening socket in a loop; cgi.c answers
 * the one request a CGI server put in the environment.  Both hand a
 * struct request to pages_handle and send the struct response back. */
#ifndef ARTICLED_TRANSPORT_H
#define ARTICLED_TRANSPORT_H

#include <signal.h>
#include <stddef.h>

struct fold;
struct heartbeat;
struct pages;

/* Creates the listening socket: a path (Unix socket, mode applied) or
 * HOST:PORT.  Returns the fd, or -1 with a message in err. */
int	fastcgi_listen(const char *where, unsigned mode, int backlog,
	    char *err, size_t errlen);
/* True if fd is a listening socket (as spawn-fcgi passes on fd 0). */
int	fastcgi_is_socket(int fd);
/* A worker's set-up before its sandbox: libfcgi, the self-pipe, fd made
 * non-blocking.  0, or -1 logged. */
int	fastcgi_prepare(int fd);
/* A worker: accepts and answers requests on fd until *stop is set, then
 * finishes the request in hand and returns 0.  Stamps hb (NULL: none)
 * when idle and at each request (heartbeat.h). */
int	fastcgi_serve(struct pages *p, int fd, struct heartbeat *hb,
	    volatile sig_atomic_t *stop);
/* Makes libfcgi's blocked accept return so the loop can see *stop. */
void	fastcgi_shutdown(void);

/* Answers the CGI request in environ on stdout, then folds the views
 * through f without waiting for a held lock; returns 0, or -1 if the
 * answer could not be written. */
int	cgi_serve(struct pages *p, struct fold *f);

#endif
