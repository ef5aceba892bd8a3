/* response.h: the answer a page handler fills (status, extra headers,
 * body) and the header block a transport sends before the body. */
#ifndef ARTICLED_RESPONSE_H
#define ARTICLED_RESPONSE_H

#include "lib/buf.h"

struct response {
	int		 status;
	struct buf	 headers;	/* extra "Name: value\r\n" lines */
	struct buf	 body;
	int		 head_only;	/* HEAD: send the headers only */
	const char	*content_type;	/* NULL: text/html; charset=utf-8 */
	const char	*cache_control;	/* NULL: no-cache */
};

void	response_init(struct response *resp);
void	response_reset(struct response *resp);
void	response_free(struct response *resp);
void	response_header(struct response *resp, const char *name,
	    const char *value);
/* The CGI/FastCGI header block (Status:, Content-Type, Content-Length,
 * security headers, extra headers, blank line) for resp into out. */
void	response_head(const struct response *resp, struct buf *out);
const char *response_reason(int status);

#endif
