/* form.c: application/x-www-form-urlencoded, as browsers send it: pairs
 * split by '&', name and value by '=', '+' for a space, %XX for a byte
 * (https://url.spec.whatwg.org/#application/x-www-form-urlencoded). */
#include <string.h>
#include <strings.h>

#include "http/form.h"
#include "lib/text.h"

/* The byte of "%XX" at s (n bytes left), or -1. */
static int S_escape(const char *s, size_t n)
{
	int hi, lo;

	if (n < 3 || (hi = text_hex_value(s[1])) < 0 || (lo = text_hex_value(s[2])) < 0)
		return -1;
	return hi * 16 + lo;
}

/* Appends the decoded s; a broken escape is kept as it was typed, but
 * a '%' in the last two bytes is a body cut at the limit: dropped. */
static void S_decode(struct buf *out, const char *s, size_t n)
{
	size_t i;
	int c;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && (c = S_escape(s + i, n - i)) >= 0)
			i += 2;
		else if (s[i] == '%' && i + 2 >= n)
			continue;
		else
			c = s[i] == '+' ? ' ' : (unsigned char)s[i];
		buf_putc(out, (char)c);
	}
}

static void S_pair(const char *s, size_t n, struct form_field *fields,
    size_t nf)
{
	const char *eq = memchr(s, '=', n);
	size_t namelen = eq ? (size_t)(eq - s) : n, i;

	for (i = 0; i < nf; i++)
		if (!fields[i].seen && strlen(fields[i].name) == namelen &&
		    memcmp(fields[i].name, s, namelen) == 0)
			break;
	if (i == nf || (fields[i].seen = 1, eq == NULL))
		return;
	S_decode(&fields[i].value, eq + 1, n - namelen - 1);
}

void form_parse(const char *body, size_t len, struct form_field *fields,
    size_t n)
{
	const char *p = body, *end = body + len, *amp;

	for (; p < end; p = amp + 1) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		S_pair(p, (size_t)(amp - p), fields, n);
	}
}

void form_free(struct form_field *fields, size_t n)
{
	while (n > 0)
		buf_free(&fields[--n].value);
}

int form_is_urlencoded(const char *ct)
{
	static const char want[] = "application/x-www-form-urlencoded";
	size_t n = sizeof(want) - 1;

	if (ct == NULL || strncasecmp(ct, want, n) != 0)
		return 0;
	return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}
