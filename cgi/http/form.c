/* form.c: application/x-www-form-urlencoded, as browsers send it: pairs
 * split by '&', name and value by '=', '+' for a space, %XX for a byte
 * (https://url.spec.whatwg.org/#application/x-www-form-urlencoded). */
#include <string.h>
#include <strings.h>

#include "http/form.h"

static int S_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Appends the decoded s; a broken escape is kept as it was typed. */
static void S_decode(struct buf *out, const char *s, size_t n)
{
	size_t i;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if (s[i] == '+') {
			buf_putc(out, ' ');
		} else if (s[i] == '%' && i + 2 < n &&
		    (hi = S_hex(s[i + 1])) >= 0 && (lo = S_hex(s[i + 2])) >= 0) {
			buf_putc(out, (char)(hi * 16 + lo));
			i += 2;
		} else if (s[i] != '%' || i + 2 < n) {
			buf_putc(out, s[i]);
		}
		/* a '%' in the last two bytes: a body cut at the limit */
	}
}

static void S_pair(const char *s, size_t n, struct form_field *fields,
    size_t nf)
{
	const char *eq = memchr(s, '=', n);
	size_t namelen = eq ? (size_t)(eq - s) : n, i;

	for (i = 0; i < nf; i++) {
		if (fields[i].seen || strlen(fields[i].name) != namelen ||
		    memcmp(fields[i].name, s, namelen) != 0)
			continue;
		fields[i].seen = 1;
		if (eq != NULL)
			S_decode(&fields[i].value, eq + 1, n - namelen - 1);
		return;
	}
}

void form_parse(const char *body, size_t len, struct form_field *fields,
    size_t n)
{
	const char *p = body, *end = body + len, *amp;

	while (p < end) {
		amp = memchr(p, '&', (size_t)(end - p));
		if (amp == NULL)
			amp = end;
		S_pair(p, (size_t)(amp - p), fields, n);
		p = amp + 1;
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
