/* errors.c: error pages in the site's layout, for the statuses articled
 * answers and, written to files, for those nginx answers itself; when
 * even the error template fails, a bare page that is still valid HTML. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/buf.h"
#include "pages/errors.h"
#include "pages/layout.h"
#include "http/response.h"
#include "store/store.h"

static const char *S_error_heading(int status)
{
	switch (status) {
	case 301: return "Moved";
	case 400: return "Bad request";
	case 403: return "Forbidden";
	case 404: return "Page not found";
	case 405: return "Method not allowed";
	case 410: return "Article removed";
	case 408: return "Request timed out";
	case 413: return "Request too large";
	case 414: return "Address too long";
	case 429: return "Too many requests";
	case 503: return "Briefly unavailable";
	case 502:
	case 504: return "Briefly unavailable";
	default: return "Something went wrong";
	}
}

static const char *S_error_message(int status)
{
	switch (status) {
	case 301: return "This page has moved to a new address.";
	case 400: return "The address or the request was not understood.";
	case 403: return "This page is not open to visitors.";
	case 404: return "There is no page at this address. The link may be "
	    "mistyped, or the article may have moved.";
	case 405: return "This page only answers GET and HEAD requests "
	    "(the one form a patient sends is the question form under "
	    "an article).";
	case 410: return "This article has been removed by the clinic and "
	    "is no longer available.";
	case 408: return "The request took too long to arrive.";
	case 413: return "The request was larger than this site accepts. "
	    "Sending a question? Go back: your text is still in the form; "
	    "shorten it and send it again.";
	case 414: return "The address is longer than this site accepts.";
	case 429: return "Too many requests came at once. Please wait a "
	    "moment and try again.";
	case 502:
	case 503:
	case 504: return "The site cannot show this page just now. Please "
	    "try again in a minute.";
	default: return "Something went wrong on our side. Please try again "
	    "later.";
	}
}

/* The last resort when even the error template fails: still valid. */
static void S_bare_error(struct buf *out, int status)
{
	buf_reset(out);
	buf_printf(out, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><title>%d %s</title></head><body>"
	    "<h1>%d %s</h1></body></html>\n", status,
	    response_reason(status), status, response_reason(status));
}

void errors_render(const struct layout *l, int status, const char *message,
    struct buf *out)
{
	char code[12];	/* any int: -O1 cannot see status is 3 digits */
	struct tval v[7];
	const char *heading = S_error_heading(status);
	struct page_head h = { .title = heading, .description = heading };
	size_t nmr = status == 404 ? l->nmost_read : 0;

	snprintf(code, sizeof(code), "%d", status);
	v[0] = tv_text("status", code);
	v[1] = tv_text("heading", heading);
	v[2] = tv_text("message", message ? message : S_error_message(status));
	v[3] = tv_text("site_name", l->site->name);
	/* A reader who found nothing here may want what others read. */
	v[4] = tv_bool("is_404", status == 404);
	v[5] = tv_list("most_read", l->most_read, nmr);
	v[6] = tv_bool("has_most_read", nmr > 0);
	if (layout_render(l, l->tmpl->error, v, 7, &h, out, NULL, 0) != 0)
		S_bare_error(out, status);
}

void errors_answer(const struct layout *l, struct response *resp,
    int status, const char *message)
{
	resp->status = status;
	buf_reset(&resp->body);
	errors_render(l, status, message, &resp->body);
	if (status == 405)
		response_header(resp, "Allow", "GET, HEAD");
	if (status == 503)
		response_header(resp, "Retry-After", "30");
}

int errors_write_files(const struct layout *l, const char *dir, char *err,
    size_t errlen)
{
	static const int statuses[] = { 400, 403, 404, 405, 408, 413, 414,
	    429, 500, 502, 503, 504 };
	char path[4096], tmp[4200];
	struct buf out = BUF_INIT;
	size_t i;
	FILE *f;
	int ok;

	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		buf_reset(&out);
		errors_render(l, statuses[i], NULL, &out);
		snprintf(path, sizeof(path), "%s/%d.html", dir, statuses[i]);
		snprintf(tmp, sizeof(tmp), "%s.tmp", path);
		if ((f = fopen(tmp, "w")) == NULL) {
			snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
			buf_free(&out);
			return -1;
		}
		ok = fwrite(out.data, 1, out.len, f) == out.len;
		ok = (fclose(f) == 0) && ok;
		if (!ok || rename(tmp, path) != 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			unlink(tmp);
			buf_free(&out);
			return -1;
		}
	}
	buf_free(&out);
	return 0;
}
