/* buf.h: a growable byte buffer, the one way output is built.  Pages are
 * rendered into a buf and sent whole, so a failure late in a page becomes
 * a clean error page and Content-Length is always exact.  The buf owns
 * its data; buf_free releases it, buf_reset keeps it for reuse. */
#ifndef ARTICLED_BUF_H
#define ARTICLED_BUF_H

#include <stddef.h>

struct buf {
	char	*data;	/* not NUL-terminated unless buf_cstr was called */
	size_t	 len;
	size_t	 cap;
};

#define BUF_INIT { NULL, 0, 0 }

void	 buf_init(struct buf *b);
void	 buf_free(struct buf *b);
void	 buf_reset(struct buf *b);
void	 buf_grow(struct buf *b, size_t extra);
void	 buf_put(struct buf *b, const void *s, size_t n);
void	 buf_puts(struct buf *b, const char *s);
void	 buf_putc(struct buf *b, char c);
void	 buf_printf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Appends a NUL (not counted in len) and returns data, never NULL. */
char	*buf_cstr(struct buf *b);

#endif
