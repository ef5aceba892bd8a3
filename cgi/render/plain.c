/* plain.c: Markdown as plain text for snippets (plain.h).  Line by line,
 * without a parser: a snippet is a window of the source that may start
 * or end anywhere, so what cmark would make of it is not the point; what
 * a reader must not see is the syntax. */
#include <ctype.h>
#include <string.h>

#include "render/alerts.h"
#include "render/plain.h"

/* Past one block marker at p ("> ", "- ", "1. ", "## "), or p. */
static const char *S_block_marker(const char *p)
{
	const char *q = p;

	if (*q == '>')
		return q[1] == ' ' ? q + 2 : q + 1;
	if ((*q == '-' || *q == '*' || *q == '+') && (q[1] == ' ' || q[1] == '\t'))
		return q + 2;
	while (isdigit((unsigned char)*q) && q - p < 9)
		q++;
	if (q > p && (*q == '.' || *q == ')') && q[1] == ' ')
		return q + 2;
	for (q = p; *q == '#' && q - p < 6; q++)
		;
	return q > p && (*q == ' ' || *q == '\0') ? q + (*q == ' ') : p;
}

/* A rule or setext underline: only - = * _ and spaces, three or more. */
static int S_is_rule(const char *p, size_t n)
{
	size_t i, marks = 0;

	for (i = 0; i < n; i++) {
		if (strchr("-=*_", p[i]) != NULL)
			marks++;
		else if (p[i] != ' ' && p[i] != '\t')
			return 0;
	}
	return marks >= 3;
}

static void S_inline(const char *p, const char *end, struct buf *out);

/* "[text](url)" or "![alt](url)" at p: its text into out, the end. */
static const char *S_link(const char *p, const char *end, struct buf *out)
{
	const char *close = memchr(p, ']', (size_t)(end - p)), *paren;

	if (close == NULL || close + 1 >= end || close[1] != '(' ||
	    (paren = memchr(close, ')', (size_t)(end - close))) == NULL)
		return NULL;
	S_inline(p + 1, close, out);
	return paren + 1;
}

/* How many bytes of emphasis or code marks start at p (0: none). */
static size_t S_marks(const char *p, const char *end)
{
	if (*p == '*' || *p == '`')
		return 1;
	return *p == '_' && p + 1 < end && p[1] == '_' ? 2 : 0;
}

static void S_inline(const char *p, const char *end, struct buf *out)
{
	const char *next;

	while (p < end) {
		if (*p == '!' && p + 1 < end && p[1] == '[')
			p++;
		if (*p == '[' && (next = S_link(p, end, out)) != NULL) {
			p = next;
		} else if (S_marks(p, end) > 0) {
			p += S_marks(p, end);
		} else {
			if (*p == '\\' && p + 1 < end &&
			    ispunct((unsigned char)p[1]))
				p++;	/* an escaped character, as itself */
			buf_putc(out, *p++);
		}
	}
}

static void S_line(const char *p, const char *end, struct buf *out)
{
	const char *q;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (p < end && (q = S_block_marker(p)) != p)
		for (p = q; p < end && (*p == ' ' || *p == '\t'); p++)
			;
	if (S_is_rule(p, (size_t)(end - p)) ||
	    alerts_level(p, (size_t)(end - p)) >= 0 || p == end)
		return;
	if (out->len > 0 && out->data[out->len - 1] != ' ')
		buf_putc(out, ' ');
	S_inline(p, end, out);
}

void plain_markdown(struct buf *out, const char *s)
{
	const char *nl;

	for (; (nl = strchr(s, '\n')) != NULL; s = nl + 1)
		S_line(s, nl, out);
	S_line(s, s + strlen(s), out);
}
