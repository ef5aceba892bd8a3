/* phone.c: tel: URIs from phone numbers as written (see phone.h). */
#include <ctype.h>
#include <stdio.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "render/phone.h"

struct tel {
	char	*out;
	size_t	 len, cap;
	int	 full;		/* out was too small */
};

static void S_put(struct tel *t, char c)
{
	if (t->len + 1 >= t->cap) {
		t->full = 1;
		return;
	}
	t->out[t->len++] = c;
	t->out[t->len] = '\0';
}

static int S_is_separator(char c)
{
	return c == ' ' || c == '-' || c == '.' || c == '/' || c == '\t';
}

/* If s starts an extension marker, returns where its digits start. */
static const char *S_extension(const char *s)
{
	static const char *const marks[] = { "extension", "ext", "x", "#" };
	size_t i, n;

	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		n = strlen(marks[i]);
		if (strncasecmp(s, marks[i], n) != 0)
			continue;
		s += n;
		while (*s == '.' || *s == ':' || *s == ' ')
			s++;
		return isdigit((unsigned char)*s) ? s : NULL;
	}
	return NULL;
}

/* "(0)", with optional spaces inside: the trunk prefix of E.123's
 * international-and-national form.  Returns what follows it. */
static const char *S_trunk_zero(const char *s)
{
	if (*s++ != '(')
		return NULL;
	while (*s == ' ')
		s++;
	if (*s++ != '0')
		return NULL;
	while (*s == ' ')
		s++;
	return *s == ')' ? s + 1 : NULL;
}

/* The number's own digits, up to an extension or anything unexpected;
 * returns where it stopped. */
static const char *S_digits(struct tel *t, const char *s, int global)
{
	const char *next;
	int ndigits = 0;

	for (; *s != '\0'; s++) {
		if (isdigit((unsigned char)*s)) {
			S_put(t, *s);
			ndigits++;
		} else if (global && ndigits > 0 &&
		    (next = S_trunk_zero(s)) != NULL) {
			s = next - 1;
		} else if (!S_is_separator(*s) && *s != '(' && *s != ')') {
			break;
		}
	}
	return s;
}

int phone_tel_uri(const char *phone, char *out, size_t outlen)
{
	struct tel t = { out, 0, outlen, 0 };
	const char *s = phone, *ext;
	int global = 0;

	if (outlen == 0)
		return -1;
	out[0] = '\0';
	for (const char *p = "tel:"; *p != '\0'; p++)
		S_put(&t, *p);
	/* "+44", "(+44)" and "0044" all start an international number. */
	while (*s == ' ' || *s == '\t' || *s == '(')
		s++;
	if (*s == '+') {
		global = 1;
		s++;
	} else if (s[0] == '0' && s[1] == '0') {
		global = 1;
		s += 2;
	} else {
		s = phone;	/* "(01234) …": the parenthesis is a separator */
	}
	if (global)
		S_put(&t, '+');
	s = S_digits(&t, s, global);
	while (S_is_separator(*s) || *s == ',' || *s == ';')
		s++;
	if (*s != '\0' && (ext = S_extension(s)) != NULL) {
		for (const char *p = ";ext="; *p != '\0'; p++)
			S_put(&t, *p);
		while (isdigit((unsigned char)*ext))
			S_put(&t, *ext++);
	}
	if (t.full) {
		snprintf(out, outlen, "%s", outlen > 4 ? "tel:" : "");
		return -1;
	}
	return 0;
}
