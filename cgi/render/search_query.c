/* search_query.c: the patient's text to an FTS5 query, and the snippet's
 * marks to HTML (see search_query.h). */
#include <string.h>

#include "lib/buf.h"
#include "render/search_query.h"
#include "lib/text.h"

/* Decodes one form value of n bytes into raw (no NUL check yet). */
static void S_form_decode(struct buf *raw, const char *v, size_t n)
{
	size_t i;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if (v[i] == '+') {
			buf_putc(raw, ' ');
		} else if (v[i] == '%' && i + 2 < n &&
		    (hi = text_hex_value(v[i + 1])) >= 0 &&
		    (lo = text_hex_value(v[i + 2])) >= 0) {
			buf_putc(raw, (char)(hi * 16 + lo));
			i += 2;
		} else {
			buf_putc(raw, v[i]);
		}
	}
}

/* The value of name in query, or NULL; *n its length. */
static const char *S_param(const char *query, const char *name, size_t *n)
{
	size_t len = strlen(name);
	const char *p = query;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, name, len) == 0 && p[len] == '=') {
			p += len + 1;
			*n = strcspn(p, "&#");
			return p;
		}
		p = strchr(p, '&');
		if (p != NULL)
			p++;
	}
	return NULL;
}

/* Cuts buf at most max bytes, at a UTF-8 character's start. */
static void S_cut(struct buf *b, size_t max)
{
	if (b->len <= max)
		return;
	b->len = max;
	while (b->len > 0 && ((unsigned char)b->data[b->len] & 0xc0) == 0x80)
		b->len--;
}

static unsigned S_page(const char *v, size_t n)
{
	unsigned page = 0;
	size_t i;

	if (v == NULL)
		return 1;
	if (n == 0 || n > 2 || v[0] < '1' || v[0] > '9')
		return 0;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return 0;
		page = page * 10 + (unsigned)(v[i] - '0');
	}
	return page <= SEARCH_PAGES_MAX ? page : 0;
}

void search_args_parse(struct search_args *a, const char *query)
{
	struct buf raw = BUF_INIT;
	const char *v;
	size_t n = 0, i;

	buf_init(&a->text);
	buf_cstr(&a->text);
	v = S_param(query ? query : "", "p", &n);
	a->page = S_page(v, n);
	if ((v = S_param(query ? query : "", "q", &n)) == NULL)
		return;
	S_form_decode(&raw, v, n);
	for (i = 0; i < raw.len; i++)	/* NUL, tabs, newlines: spaces */
		if ((unsigned char)raw.data[i] < 0x20 || raw.data[i] == 0x7f)
			raw.data[i] = ' ';
	S_cut(&raw, SEARCH_TEXT_MAX);
	for (i = 0; i < raw.len && raw.data[i] == ' '; i++)
		;
	while (raw.len > i && raw.data[raw.len - 1] == ' ')
		raw.len--;
	text_sanitize(&a->text, raw.data ? raw.data + i : "", raw.len - i);
	S_cut(&a->text, SEARCH_TEXT_MAX + 2);	/* U+FFFD is 3 bytes */
	buf_cstr(&a->text);
	buf_free(&raw);
}

void search_args_free(struct search_args *a)
{
	buf_free(&a->text);
}

static int S_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

/* Whether the word has a letter or digit: ASCII alnum, or any byte of a
 * non-ASCII character (unicode61 decides what it is). */
static int S_wordy(const char *w, size_t n)
{
	size_t i;
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)w[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c >= 0x80)
			return 1;
	}
	return 0;
}

static void S_quoted(struct buf *out, const char *w, size_t n)
{
	size_t i;

	buf_putc(out, '"');
	for (i = 0; i < n; i++) {
		if (w[i] == '"')
			buf_putc(out, '"');
		buf_putc(out, w[i]);
	}
	buf_putc(out, '"');
}

/* Words too common in English titles to make two articles related. */
static int S_stopword(const char *w, size_t n)
{
	static const char *const stop[] = { "and", "the", "for", "with",
	    "what", "how", "why", "who", "can", "are", "was", "you", "your",
	    "our", "from", "that", "this", "its", "not", "but", "all", "any",
	    "has", "have", "does", "into", "about", "when", "than", "then",
	    "they", "them", "her", "his", "she", "will", "should", "help",
	    NULL };
	size_t i, j;

	for (i = 0; stop[i] != NULL; i++) {
		if (strlen(stop[i]) != n)
			continue;
		for (j = 0; j < n && (w[j] | 0x20) == stop[i][j]; j++)
			;
		if (j == n)
			return 1;
	}
	return 0;
}

/* Calls each word of text (runs without white space) with min_len
 * bytes or more and a letter or digit, up to SEARCH_TERMS_MAX. */
static size_t S_words(struct buf *out, const char *text, size_t min_len,
    const char *sep, int skip_stop)
{
	const char *p = text, *w;
	size_t n, count = 0;

	while (*p != '\0' && count < SEARCH_TERMS_MAX) {
		while (S_space(*p))
			p++;
		w = p;
		while (*p != '\0' && !S_space(*p))
			p++;
		n = (size_t)(p - w);
		if (n < min_len || n == 0 || !S_wordy(w, n) ||
		    (skip_stop && S_stopword(w, n)))
			continue;
		if (count++ > 0)
			buf_puts(out, sep);
		S_quoted(out, w, n);
	}
	return count;
}

size_t search_fts_query(struct buf *out, const char *text)
{
	return S_words(out, text, 1, " ", 0);
}

void search_title_query(struct buf *out, const char *title)
{
	S_words(out, title, 3, " ", 1);
}

void search_marked_html(struct buf *out, const char *s)
{
	const char *p = s, *run;
	int open = 0;

	while (*p != '\0') {
		run = p;
		p += strcspn(p, "\1\2");
		text_escape_html(out, run, (size_t)(p - run));
		if (*p == '\1' && !open && strchr(p, '\2') != NULL) {
			buf_puts(out, "<mark>");
			open = 1;
		} else if (*p == '\2' && open) {
			buf_puts(out, "</mark>");
			open = 0;
		}
		if (*p != '\0')
			p++;
	}
	if (open)
		buf_puts(out, "</mark>");
}
