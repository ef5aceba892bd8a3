/* request.h: one HTTP request as articled sees it, whatever carried it
 * (FastCGI or CGI).  The few
 * parameters articled uses are read once from the environment array and
 * validated here, so handlers only ever see a clean, decoded path. */
#ifndef ARTICLED_REQUEST_H
#define ARTICLED_REQUEST_H

#include <stddef.h>

#include "lib/buf.h"

#define REQUEST_URI_MAX		2048	/* longer: 414 */
#define REQUEST_BODY_MAX	(64 * 1024)	/* a POST's body read */

enum method {
	METHOD_GET,
	METHOD_HEAD,
	METHOD_POST,	/* the question form's only (pages_comments.c) */
	METHOD_OTHER,
};

struct request {
	enum method	 method;
	const char	*uri;		/* REQUEST_URI as sent, for logs */
	char		 root[256];	/* CGI: the script's own path, which
					 * every link of ours starts with */
	char		 path[REQUEST_URI_MAX + 1];	/* decoded, canonical */
	int		 redirect;	/* the sent path was not canonical */
	const char	*query;		/* after '?' as sent, "" if none */
	long long	 content_length;
	int		 has_length;	/* CONTENT_LENGTH was sent */
	/* A POST's: what the transport read of the body (at most
	 * REQUEST_BODY_MAX bytes; body_cut when there was more), and the
	 * headers the question form checks.  remote_addr only ever feeds the
	 * FastCGI rate limiter's keyed hash in memory (ratelimit.h). */
	const char	*body;
	size_t		 body_len;
	int		 body_cut;
	const char	*content_type;	/* NULL when absent */
	const char	*origin;
	const char	*sec_fetch_site;
	const char	*host;
	const char	*https;
	const char	*remote_addr;
	const char	*user_agent;	/* "" when absent, never NULL */
	const char	*sec_purpose;
	const char	*purpose;
	const char	*x_moz;
	const char	*x_purpose;
	const char	*if_none_match;	/* NULL when absent */
	const char	*if_modified_since;
	int		 status;	/* 0, or 400/414: the request is bad */
	const char	*error;		/* why, for the error page */
};

/* Reads the request from a NULL-terminated "NAME=value" array (FastCGI's
 * envp, or environ for CGI).  Never fails: a bad request is returned
 * with status set.  The strings point into envp.  Under CGI (cgi set)
 * the script may sit below the site's root (/cgi-bin/articled/post/x):
 * its path, SCRIPT_NAME, goes to root and the rest is routed. */
void	request_parse(struct request *r, char *const *envp, int cgi);

#endif
