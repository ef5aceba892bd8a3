/* request.c: FastCGI/CGI parameters to a validated struct request.  The
 * path is decoded strictly (a bad %xx or %00 is a 400, not something to
 * guess at) and made canonical: one slash between segments, no dot
 * segments, no trailing slash.  A path that was not canonical is answered
 * by a redirect to the one that is, so each page has exactly one address. */
#include <stdlib.h>
#include <string.h>

#include "http/request.h"
#include "lib/text.h"

static const char *S_param(char *const *envp, const char *name,
    size_t namelen)
{
	for (; *envp != NULL; envp++)
		if (strncmp(*envp, name, namelen) == 0 &&
		    (*envp)[namelen] == '=')
			return *envp + namelen + 1;
	return NULL;
}

/* Each parameter articled uses, read in one pass over envp: libfcgi's
 * FCGX_GetParam would scan the whole array once per name.  A name is
 * matched by its length first, so most of the ~25 parameters nginx sends
 * cost one strchr and no comparison. */
static void S_read_params(struct request *r, char *const *envp,
    const char **method, const char **uri, const char **clen)
{
	const char *e, *eq;

	for (; *envp != NULL; envp++) {
		e = *envp;
		if (e[0] != 'R' && e[0] != 'C' && e[0] != 'H')
			continue;
		if ((eq = strchr(e, '=')) == NULL)
			continue;
#define IS(name) ((size_t)(eq - e) == sizeof(name) - 1 && \
	memcmp(e, name, sizeof(name) - 1) == 0)
		switch (eq - e) {
		case 5:
			if (IS("HTTPS"))
				r->https = eq + 1;
			break;
		case 9:
			if (IS("HTTP_HOST"))
				r->host = eq + 1;
			break;
		case 10:
			if (IS("HTTP_X_MOZ"))
				r->x_moz = eq + 1;
			break;
		case 11:
			if (IS("REQUEST_URI"))
				*uri = eq + 1;
			else if (IS("HTTP_ORIGIN"))
				r->origin = eq + 1;
			else if (IS("REMOTE_ADDR"))
				r->remote_addr = eq + 1;
			break;
		case 12:
			if (IS("HTTP_PURPOSE"))
				r->purpose = eq + 1;
			else if (IS("CONTENT_TYPE"))
				r->content_type = eq + 1;
			break;
		case 14:
			if (IS("REQUEST_METHOD"))
				*method = eq + 1;
			else if (IS("CONTENT_LENGTH"))
				*clen = eq + 1;
			else if (IS("HTTP_X_PURPOSE"))
				r->x_purpose = eq + 1;
			break;
		case 15:
			if (IS("HTTP_USER_AGENT"))
				r->user_agent = eq + 1;
			break;
		case 16:
			if (IS("HTTP_SEC_PURPOSE"))
				r->sec_purpose = eq + 1;
			break;
		case 19:
			if (IS("HTTP_SEC_FETCH_SITE"))
				r->sec_fetch_site = eq + 1;
			break;
		case 18:
			if (IS("HTTP_IF_NONE_MATCH"))
				r->if_none_match = eq + 1;
			break;
		case 22:
			if (IS("HTTP_IF_MODIFIED_SINCE"))
				r->if_modified_since = eq + 1;
			break;
		}
#undef IS
	}
}

static int S_bad(struct request *r, int status, const char *why)
{
	r->status = status;
	r->error = why;
	return -1;
}

/* Removes empty and "." segments, resolves "..", drops a trailing
 * slash: "/a//b/./c/../" becomes "/a/b".  Fails on ".." above the root. */
static int S_canonical(char *path, size_t *len)
{
	char *out = path, *seg, *end = path + *len;
	char *p = path;

	while (p < end) {
		while (p < end && *p == '/')
			p++;
		seg = p;
		while (p < end && *p != '/')
			p++;
		if (p == seg || (p - seg == 1 && seg[0] == '.'))
			continue;
		if (p - seg == 2 && seg[0] == '.' && seg[1] == '.') {
			if (out == path)
				return -1;
			while (out > path && *--out != '/')
				;
			continue;
		}
		*out++ = '/';
		memmove(out, seg, (size_t)(p - seg));
		out += p - seg;
	}
	if (out == path)
		*out++ = '/';
	*len = (size_t)(out - path);
	path[*len] = '\0';
	return 0;
}

/* Whether raw (the path as sent) is exactly how the decoded canonical
 * path is written: escapes of letters, digits or '/' ("%73", "%2F") and
 * lower-case hex are other spellings of the same address. */
static int S_spelled_canonically(const char *path, size_t n, const char *raw,
    size_t rawlen)
{
	struct buf enc = BUF_INIT;
	int same;

	text_url_encode(&enc, path, n, TEXT_URL_PATH);
	same = enc.len == rawlen && memcmp(enc.data, raw, rawlen) == 0;
	buf_free(&enc);
	return same;
}

static int S_parse_path(struct request *r, const char *uri)
{
	const char *p = uri, *q;
	size_t n, i, before, rawlen;
	long dec;

	if (strlen(uri) > REQUEST_URI_MAX)
		return S_bad(r, 414, "The address is too long.");
	/* An absolute-form request line ("GET http://host/x") */
	if (strncmp(p, "http://", 7) == 0 || strncmp(p, "https://", 8) == 0) {
		p = strstr(p, "//") + 2;
		p += strcspn(p, "/?#");	/* the authority ends there */
		if (*p != '/')		/* no path: a '/' in ?q=/x is not one */
			p = "/";
	}
	if (*p != '/')
		return S_bad(r, 400, "The address must start with a slash.");
	q = strpbrk(p, "?#");
	if (q != NULL && *q == '?')
		r->query = q + 1;
	n = q ? (size_t)(q - p) : strlen(p);
	rawlen = n;
	dec = text_url_decode(r->path, p, n);
	if (dec < 0)
		return S_bad(r, 400, "The address has a broken %-escape.");
	n = (size_t)dec;
	r->path[n] = '\0';
	for (i = 0; i < n; i++)
		if ((unsigned char)r->path[i] < 0x20 || r->path[i] == 0x7f)
			return S_bad(r, 400,
			    "The address holds a control character.");
	if (!text_is_clean(r->path, n))
		return S_bad(r, 400, "The address is not valid UTF-8.");
	before = n;
	if (S_canonical(r->path, &n) != 0)
		return S_bad(r, 400, "The address climbs above the site.");
	/* canonicalising only ever removes bytes; an escape that need not
	 * be one ("/post%2Fslug", "/%62log") is another address for the
	 * same page, so it is redirected too (without '%' nothing differs) */
	r->redirect = n != before || (memchr(p, '%', rawlen) != NULL &&
	    !S_spelled_canonically(r->path, n, p, rawlen));
	return 0;
}

/* A CGI server puts the script's path first in REQUEST_URI; take it off
 * (and remember it) so that the site's own paths remain. */
static const char *S_strip_script(struct request *r, char *const *envp,
    const char *uri)
{
	const char *script = S_param(envp, "SCRIPT_NAME", 11);
	size_t n;

	if (script == NULL || *script == '\0')
		return uri;
	n = strlen(script);
	if (n >= sizeof(r->root) || strncmp(uri, script, n) != 0 ||
	    (uri[n] != '\0' && uri[n] != '/' && uri[n] != '?'))
		return uri;
	memcpy(r->root, script, n + 1);
	uri += n;
	while (n > 0 && r->root[n - 1] == '/')	/* ScriptAlias / … */
		r->root[--n] = '\0';
	if (uri[-1] == '/')
		uri--;
	return *uri == '\0' ? "/" : uri;
}

void request_parse(struct request *r, char *const *envp, int cgi)
{
	const char *method = NULL, *uri = NULL, *clen = NULL;

	memset(r, 0, sizeof(*r));
	r->user_agent = r->sec_purpose = r->purpose = "";
	r->x_moz = r->x_purpose = "";
	r->query = "";
	S_read_params(r, envp, &method, &uri, &clen);
	if (uri == NULL)	/* a CGI server that sets no REQUEST_URI */
		uri = S_param(envp, "PATH_INFO", 9);
	r->uri = uri ? uri : "/";
	if (cgi)
		uri = S_strip_script(r, envp, r->uri);
	else
		uri = r->uri;
	if (clen != NULL && *clen != '\0') {
		r->content_length = strtoll(clen, NULL, 10);
		r->has_length = 1;
	}
	r->remote_addr = r->remote_addr ? r->remote_addr : "";
	if (method == NULL || strcmp(method, "GET") == 0)
		r->method = METHOD_GET;
	else if (strcmp(method, "HEAD") == 0)
		r->method = METHOD_HEAD;
	else if (strcmp(method, "POST") == 0)
		r->method = METHOD_POST;
	else
		r->method = METHOD_OTHER;
	strcpy(r->path, "/");
	if (*uri == '?')	/* "/cgi-bin/articled?x": the root itself */
		uri = "/";
	S_parse_path(r, uri);
}
