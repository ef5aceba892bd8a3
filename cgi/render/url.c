/* url.c: the one rule for the URLs of an article's links and images,
 * checked on cmark's output before it renders (see url.h). */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "lib/text.h"
#include "render/url.h"

#define URL_MAX	2048	/* the Nu checker refuses longer URLs */

static bool S_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool S_is_hex(char c)
{
	return text_hex_value(c) >= 0;
}

static bool S_is_host_char(char c)
{
	return S_is_digit(c) || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || c == '.' || c == '-';
}

/*
 * URLs.  cmark percent-encodes everything in an href but the characters
 * below and % and #, so what the Nu checker could still refuse is a bad
 * %-escape, a second #, a scheme it does not know or a bad host.  The
 * rule is strict on purpose: an article needs http(s), mailto, tel and
 * relative links, and a refused link still shows its text.
 */

/* Four decimal parts 0..255, no leading zeros (those read as octal). */
static bool S_ipv4_ok(const char *s, size_t n)
{
	size_t i = 0, part, start;
	unsigned v;

	for (part = 0; part < 4; part++) {
		if (part > 0 && (i >= n || s[i++] != '.'))
			return false;
		start = i;
		for (v = 0; i < n && S_is_digit(s[i]) && i - start < 3; i++)
			v = v * 10 + (unsigned)(s[i] - '0');
		if (i == start || v > 255 || (s[start] == '0' && i - start > 1))
			return false;
	}
	return i == n;
}

/* Empty, or ':' and a port number. */
static bool S_port_ok(const char *s, size_t n)
{
	unsigned long v = 0;
	size_t i;

	if (n == 0)
		return true;
	if (s[0] != ':' || n < 2 || n > 6)
		return false;
	for (i = 1; i < n; i++) {
		if (!S_is_digit(s[i]))
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	return v <= 65535;
}

/* Letters, digits, dots and hyphens, no empty label but a final dot.
 * The URL standard reads a host whose last label is a number (0x1F too)
 * as IPv4: one whose last label starts with a digit must be a plain
 * dotted quad. */
static bool S_host_ok(const char *s, size_t n)
{
	size_t i, last = 0;

	if (n == 0 || s[0] == '.')
		return false;
	for (i = 0; i < n; i++) {
		if (!S_is_host_char(s[i]))
			return false;
		if (s[i] != '.' || i + 1 == n)
			continue;
		if (s[i + 1] == '.')
			return false;
		last = i + 1;
	}
	return !S_is_digit(s[last]) || S_ipv4_ok(s, n);
}

/* The authority after "//": a host and maybe a port.  No [IPv6]: cmark
 * writes the brackets as %5B %5D, which no host may hold.  No
 * user:password@, which only serves to disguise a host. */
static bool S_authority_ok(const char *a)
{
	size_t n = strcspn(a, "/?#"), h;

	for (h = 0; h < n && a[h] != ':'; h++)
		continue;
	return S_host_ok(a, h) && S_port_ok(a + h, n - h);
}

/* No byte a browser would strip or the Nu checker refuses (space,
 * controls, backslash, < > "), every % starts an escape, one # at most. */
static bool S_url_chars_ok(const char *s, size_t n)
{
	size_t i;
	bool fragment = false;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c == 0x7F || c == '\\' || c == '<' ||
		    c == '>' || c == '"')
			return false;
		if (c == '%' && (i + 2 >= n || !S_is_hex(s[i + 1]) ||
		    !S_is_hex(s[i + 2])))
			return false;
		if (c == '#' && fragment)
			return false;
		if (c == '#')
			fragment = true;
	}
	return true;
}

static bool S_scheme_is(const char *s, size_t n, const char *name)
{
	return n == strlen(name) && strncasecmp(s, name, n) == 0;
}

/* A ':' before any '/', '?' or '#' ends a scheme, which must be ours;
 * without one the URL is relative.  Leading spaces and controls a
 * browser would trim never get here: S_url_chars_ok refused them. */
static bool S_url_scheme_ok(const char *url)
{
	size_t n = strcspn(url, ":/?#");

	if (url[n] != ':')
		return url[0] != '/' || url[1] != '/' ||
		    S_authority_ok(url + 2);
	if (S_scheme_is(url, n, "http") || S_scheme_is(url, n, "https"))
		return url[n + 1] == '/' && url[n + 2] == '/' &&
		    S_authority_ok(url + n + 3);
	return S_scheme_is(url, n, "mailto") || S_scheme_is(url, n, "tel");
}

bool url_is_safe(const char *url)
{
	size_t n;

	if (url == NULL)
		return false;
	n = strnlen(url, URL_MAX + 1);
	if (n == 0 || n > URL_MAX)
		return false;
	return S_url_chars_ok(url, n) && S_url_scheme_ok(url);
}
