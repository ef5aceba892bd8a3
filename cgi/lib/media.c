/* media.c: picture names, formats and the addresses of their sizes
 * (media.h).  The address is parsed strictly, one spelling per size, so
 * nginx's file and articled's answer are the same resource. */
#include <stdio.h>
#include <string.h>

#include "lib/media.h"
#include "lib/text.h"

static const char *const S_names[MEDIA_FORMAT__MAX] = {
	"webp", "jpeg", "png" };
static const char *const S_exts[MEDIA_FORMAT__MAX] = {
	"webp", "jpg", "png" };
static const char *const S_types[MEDIA_FORMAT__MAX] = {
	"image/webp", "image/jpeg", "image/png" };

int media_format_of(const char *name)
{
	int f;

	for (f = 0; f < MEDIA_FORMAT__MAX; f++)
		if (strcmp(name, S_names[f]) == 0)
			return f;
	return -1;
}

const char *media_format_name(enum media_format f)
{
	return S_names[f];
}

const char *media_format_ext(enum media_format f)
{
	return S_exts[f];
}

const char *media_format_type(enum media_format f)
{
	return S_types[f];
}

static int S_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

int media_name_valid(const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0 || n > MEDIA_NAME_MAX || !S_alnum(name[0]) ||
	    !S_alnum(name[n - 1]))
		return 0;
	for (i = 1; i < n; i++) {
		if (S_alnum(name[i]))
			continue;
		if (strchr("._-", name[i]) == NULL || !S_alnum(name[i - 1]))
			return 0;
	}
	return 1;
}

const char *media_url_name(const char *url)
{
	size_t n;

	if (url == NULL || strncmp(url, "/media/", 7) != 0)
		return NULL;
	n = strlen(url + 7);
	if (n == 0 || n > MEDIA_NAME_MAX || strpbrk(url + 7, "/?#") != NULL)
		return NULL;
	return url + 7;
}

/* 16 lower-case hex digits of a version (below 2^63). */
static const char *S_version(const char *p, int64_t *version)
{
	uint64_t v = 0;
	int i, d;

	for (i = 0; i < 16; i++) {
		/* Written one way only: lower case. */
		if ((p[i] >= 'A' && p[i] <= 'F') ||
		    (d = text_hex_value(p[i])) < 0)
			return NULL;
		v = v << 4 | (uint64_t)d;
	}
	if (v > INT64_MAX)
		return NULL;
	*version = (int64_t)v;
	return p + 16;
}

/* A width: digits, no leading zero, 1..MEDIA_WIDTH_MAX. */
static const char *S_width(const char *p, int *width)
{
	int w = 0, n = 0;

	if (*p < '1' || *p > '9')
		return NULL;
	for (; *p >= '0' && *p <= '9' && n < 6; p++, n++)
		w = w * 10 + (*p - '0');
	if (n == 6 || w > MEDIA_WIDTH_MAX)
		return NULL;
	*width = w;
	return p;
}

int media_key_parse(const char *rest, struct media_key *k)
{
	const char *p;
	int f;

	if ((p = S_version(rest, &k->version)) == NULL || *p++ != '-' ||
	    (p = S_width(p, &k->width)) == NULL || *p++ != '.')
		return 0;
	for (f = 0; f < MEDIA_FORMAT__MAX; f++)
		if (strcmp(p, S_exts[f]) == 0) {
			k->format = (enum media_format)f;
			return 1;
		}
	return 0;
}

void media_key_path(const struct media_key *k, char *out, size_t outlen)
{
	snprintf(out, outlen, "/media/v/%016llx-%d.%s",
	    (unsigned long long)k->version, k->width, S_exts[k->format]);
}
