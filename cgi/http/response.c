/* response.c: what a handler fills and a transport sends: the status,
 * extra headers and body, and the header block (Status:, the fixed
 * security headers, an exact Content-Length) built without printf. */
#include <string.h>

#include "lib/buf.h"
#include "http/response.h"

/* A body buffer larger than this is freed, not kept, after a request. */
#define RESPONSE_KEEP_MAX	(256 * 1024)

void response_init(struct response *resp)
{
	memset(resp, 0, sizeof(*resp));
	buf_init(&resp->headers);
	buf_init(&resp->body);
	resp->status = 200;
}

void response_reset(struct response *resp)
{
	buf_reset(&resp->headers);
	buf_reset(&resp->body);
	resp->status = 200;
	resp->head_only = 0;
	resp->content_type = NULL;
	resp->cache_control = NULL;
	/* A picture's bytes: not kept, so a worker's memory stays flat. */
	if (resp->body.cap > RESPONSE_KEEP_MAX)
		buf_free(&resp->body);
}

void response_free(struct response *resp)
{
	buf_free(&resp->headers);
	buf_free(&resp->body);
}

void response_header(struct response *resp, const char *name,
    const char *value)
{
	buf_puts(&resp->headers, name);
	buf_puts(&resp->headers, ": ");
	buf_puts(&resp->headers, value);
	buf_puts(&resp->headers, "\r\n");
}

const char *response_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 301: return "Moved Permanently";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 410: return "Gone";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "Error";
	}
}

/* The same headers on every page, whether nginx or a CGI server carries
 * it: no script may run, no frame may hold the page, nothing is cached
 * for long (the count changes with every view).  connect-src 'self' lets
 * crawlers' tools read /robots.txt from the page (Lighthouse fetches it
 * under the page's CSP); with no script allowed, nothing else connects. */
static const char S_html_type[] = "text/html; charset=utf-8";
static const char S_fixed_headers[] =
	"X-Content-Type-Options: nosniff\r\n"
	"Referrer-Policy: strict-origin-when-cross-origin\r\n"
	"Content-Security-Policy: default-src 'none'; style-src 'self'; "
	"img-src 'self' https: data:; base-uri 'none'; form-action 'self'; "
	"frame-ancestors 'none'; connect-src 'self'\r\n";

static void S_put_uint(struct buf *out, unsigned long long n)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do
		tmp[--i] = (char)('0' + n % 10);
	while ((n /= 10) != 0);
	buf_put(out, tmp + i, sizeof(tmp) - i);
}

/* No printf: this runs for every response. */
void response_head(const struct response *resp, struct buf *out)
{
	buf_put(out, "Status: ", 8);
	S_put_uint(out, (unsigned)resp->status);
	buf_putc(out, ' ');
	buf_puts(out, response_reason(resp->status));
	buf_put(out, "\r\nContent-Type: ", 16);
	buf_puts(out, resp->content_type ? resp->content_type : S_html_type);
	buf_put(out, "\r\nCache-Control: ", 17);
	buf_puts(out, resp->cache_control ? resp->cache_control : "no-cache");
	buf_put(out, "\r\n", 2);
	buf_put(out, S_fixed_headers, sizeof(S_fixed_headers) - 1);
	/* A 304 sends no Content-Length: it would have to be the 200's
	 * (RFC 9110, 8.6), and a wrong one can reach a cache. */
	if (resp->status != 304) {
		buf_put(out, "Content-Length: ", 16);
		S_put_uint(out, resp->body.len);
		buf_put(out, "\r\n", 2);
	}
	buf_put(out, resp->headers.data, resp->headers.len);
	buf_put(out, "\r\n", 2);
}
