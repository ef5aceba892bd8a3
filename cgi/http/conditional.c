/* conditional.c: ETag, Last-Modified and the 304 decision (see
 * conditional.h).  The ETag is FNV-1a over the body rather than the
 * site's rev, so that every worker gives the same one for the same bytes
 * and a rev change that leaves the document alone keeps readers' copies. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "http/conditional.h"

void cond_etag(const char *body, size_t n, char out[COND_ETAG_MAX])
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)body[i];
		h *= 1099511628211ULL;
	}
	snprintf(out, COND_ETAG_MAX, "\"%016llx\"", (unsigned long long)h);
}

static int S_parse_iso(const char *iso, time_t *t)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm);
	if (end == NULL || tm.tm_year < 1970 - 1900)
		return -1;
	*t = timegm(&tm);
	return 0;
}

void cond_http_date(const char *iso, char out[COND_DATE_MAX])
{
	struct tm tm;
	time_t t;

	out[0] = '\0';
	if (S_parse_iso(iso, &t) != 0 || gmtime_r(&t, &tm) == NULL)
		return;
	strftime(out, COND_DATE_MAX, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/* An entity-tag list (RFC 9110, 8.8.3): "*" or tags separated by commas,
 * compared weakly (W/ ignored), as If-None-Match requires. */
static int S_etag_listed(const char *list, const char *etag)
{
	size_t n = strlen(etag);
	const char *p = list;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return 1;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (strncmp(p, etag, n) == 0 &&
		    (p[n] == '\0' || p[n] == ',' || p[n] == ' ' || p[n] == '\t'))
			return 1;
		while (*p != '\0' && *p != ',')
			p++;
	}
	return 0;
}

static int S_parse_http_date(const char *s, time_t *t)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	*t = timegm(&tm);
	return 0;
}

int cond_not_modified(const char *if_none_match,
    const char *if_modified_since, const char *etag,
    const char *last_modified)
{
	time_t since, mod;

	if (if_none_match != NULL)
		return S_etag_listed(if_none_match, etag);
	if (if_modified_since == NULL || last_modified == NULL ||
	    S_parse_http_date(if_modified_since, &since) != 0 ||
	    S_parse_http_date(last_modified, &mod) != 0)
		return 0;
	return mod <= since;
}
