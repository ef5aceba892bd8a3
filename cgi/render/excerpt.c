/* excerpt.c: the plain text of an article's first block, whitespace
 * collapsed and cut at a space, and its word count.  Fed text by the
 * Markdown walk (markdown.c); knows nothing of cmark. */
#include <stdbool.h>
#include <string.h>

#include "lib/buf.h"
#include "render/excerpt.h"
#include "lib/text.h"

static bool S_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' ||
	    c == '\f' || c == '\r';
}

void excerpt_count_words(struct word_count *wc, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		if (S_is_space(*s)) {
			wc->in_word = false;
		} else if (!wc->in_word) {
			wc->in_word = true;
			wc->words++;
		}
	}
}

/* Appends s, collapsing whitespace, until one code point too many. */
void excerpt_put(struct excerpt *ex, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n = s == NULL ? 0 : strlen(s), len;
	unsigned cp;

	while (i < n && ex->cps <= EXCERPT_MAX) {
		if (S_is_space(s[i])) {
			ex->space = ex->text.len > 0;
			i++;
			continue;
		}
		if (ex->space) {
			buf_putc(&ex->text, ' ');
			ex->space = false;
			if (++ex->cps > EXCERPT_MAX)
				break;
		}
		/* Literals are clean, so len is 0 only for a bug's bytes. */
		if ((len = text_utf8_next(u + i, n - i, &cp)) == 0)
			len = 1;
		buf_put(&ex->text, s + i, len);
		ex->cps++;
		i += len;
	}
}

/* Text too long is cut at its last space, or else before its extra code
 * point, and marked with an ellipsis. */
void excerpt_finish(const struct excerpt *ex, struct buf *out)
{
	const char *s = ex->text.data;
	size_t cut = ex->text.len;

	if (ex->cps <= EXCERPT_MAX) {
		buf_put(out, s, cut);
		return;
	}
	while (cut > 0 && s[cut - 1] != ' ')
		cut--;
	if (cut > 0) {
		cut--;
	} else {
		cut = ex->text.len;
		do
			cut--;
		while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80);
	}
	buf_put(out, s, cut);
	buf_puts(out, "\xE2\x80\xA6");
}
