/* check_text.c: the body's words as articled check reads them (check.h):
 * phrases that advertising rules flag in health claims, each with its
 * sentence, from the text of the stored render; and, from the Markdown
 * as the owner wrote it (the render levels headings and drops empty
 * ones), headings that skip a level or say nothing, and urgent-care
 * markers written wrongly. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "check/check_int.h"
#include "lib/alloc.h"
#include "render/alerts.h"
#include "store/store.h"

static const char *const S_default_phrases[] = {
	"cure", "cures", "cured", "curing", "guaranteed", "guarantee", "100%",
	"treats", "miracle", "permanent relief", "proven to",
	"clinically proven", "no side effects",
};

static void S_phrase(struct check_ctx *c, const char *p, size_t n)
{
	char *w;
	size_t i;

	while (n > 0 && isspace((unsigned char)*p))
		p++, n--;
	while (n > 0 && isspace((unsigned char)p[n - 1]))
		n--;
	if (n == 0)
		return;
	w = xstrndup(p, n);
	for (i = 0; i < n; i++)
		w[i] = (char)tolower((unsigned char)w[i]);
	c->phrases = xrealloc(c->phrases, (c->nphrases + 1) * sizeof(w));
	c->phrases[c->nphrases++] = w;
}

void check_phrases(struct check_ctx *c)
{
	const char *more = store_clinic_get(c->site, "claim_words"), *comma;
	size_t i;

	for (i = 0; i < sizeof(S_default_phrases) / sizeof(*S_default_phrases);
	    i++)
		S_phrase(c, S_default_phrases[i], strlen(S_default_phrases[i]));
	for (; more != NULL && *more != '\0'; more = comma + 1) {
		comma = strchr(more, ',');
		S_phrase(c, more, comma ? (size_t)(comma - more) : strlen(more));
		if (comma == NULL)
			break;
	}
}

/* html's text: no tags, no pictures' markers, the few entities cmark
 * writes decoded. */
static void S_text(const char *html, size_t len, struct buf *out)
{
	static const char *const ent[][2] = { { "&amp;", "&" },
	    { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" } };
	size_t i, k;

	for (i = 0; i < len; i++) {
		if (html[i] == '<' || html[i] == '\001') {
			i += strcspn(html + i, html[i] == '<' ? ">" : "\003");
			buf_putc(out, ' ');
			continue;
		}
		for (k = 0; k < 4 && strncmp(html + i, ent[k][0],
		    strlen(ent[k][0])) != 0; k++)
			;
		if (k == 4) {
			buf_putc(out, html[i]);
			continue;
		}
		buf_puts(out, ent[k][1]);
		i += strlen(ent[k][0]) - 1;
	}
}

static int S_word_char(char ch)
{
	return isalnum((unsigned char)ch) || (ch & 0x80) != 0;
}

/* The sentence around at in text (lower: the same, lower case). */
static void S_sentence(struct check_ctx *c, const char *text, size_t at,
    const char *phrase)
{
	size_t a = at, z = at, n;

	while (a > 0 && strchr(".!?\n", text[a - 1]) == NULL)
		a--;
	while (text[z] != '\0' && strchr(".!?\n", text[z]) == NULL)
		z++;
	while (a < z && isspace((unsigned char)text[a]))
		a++;
	if (text[z] != '\0' && text[z] != '\n')
		z++;		/* the sentence's own full stop */
	n = z - a > 300 ? 300 : z - a;
	check_flag(c, "health-claim", "\"%s\" in: %.*s", phrase, (int)n,
	    text + a);
}

void check_claims(struct check_ctx *c, const char *html, size_t len)
{
	struct buf text = BUF_INIT;
	char *lower, *p;
	size_t i, k, n;

	S_text(html, len, &text);
	lower = xstrdup(buf_cstr(&text));
	for (p = lower; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	for (k = 0; k < c->nphrases; k++) {
		n = strlen(c->phrases[k]);
		for (p = lower; (p = strstr(p, c->phrases[k])) != NULL; p += n) {
			i = (size_t)(p - lower);
			if ((i > 0 && S_word_char(lower[i - 1])) ||
			    S_word_char(p[n]))
				continue;
			S_sentence(c, text.data, i, c->phrases[k]);
		}
	}
	free(lower);
	buf_free(&text);
}

/* ---- the Markdown as written ------------------------------------------ */

struct md_lines {
	int	 fenced;
	int	 prev;		/* the last heading's level, 0: none yet */
	size_t	 line;
};

static void S_heading(struct check_ctx *c, struct md_lines *m,
    const char *p, size_t n)
{
	int level = 0;

	while ((size_t)level < n && p[level] == '#')
		level++;
	if (level > 6 || ((size_t)level < n && p[level] != ' ' &&
	    p[level] != '\t'))
		return;
	p += level;
	n -= (size_t)level;
	while (n > 0 && (isspace((unsigned char)*p) || *p == '#'))
		p++, n--;
	if (n == 0)
		check_flag(c, "empty-heading", "line %zu: a heading with no "
		    "words", m->line);
	else if (m->prev > 0 && level > m->prev + 1)
		check_flag(c, "heading-skips", "line %zu: the heading \"%.*s\" "
		    "skips from level %d to %d", m->line, (int)(n > 80 ? 80 : n),
		    p, m->prev, level);
	m->prev = n > 0 ? level : m->prev;
}

/* "[!..." at p (n bytes), in a quote or not. */
static void S_marker(struct check_ctx *c, struct md_lines *m,
    const char *p, size_t n, int quoted)
{
	while (n > 0 && isspace((unsigned char)p[n - 1]))
		n--;
	if (quoted && alerts_level(p, n) >= 0)
		return;
	check_flag(c, "urgent-marker", "line %zu: \"%.*s\" is no urgent-care "
	    "box: write > [!999], > [!111] or > [!GP] alone on the first line "
	    "of a quote", m->line, (int)(n > 40 ? 40 : n), p);
}

static void S_md_line(struct check_ctx *c, struct md_lines *m,
    const char *p, size_t n)
{
	int quoted = 0;

	while (n > 0 && (*p == ' ' || *p == '\t' || *p == '>')) {
		quoted |= *p == '>';
		p++, n--;
	}
	if (n >= 3 && (strncmp(p, "```", 3) == 0 || strncmp(p, "~~~", 3) == 0))
		m->fenced = !m->fenced;
	if (m->fenced || n == 0)
		return;
	if (*p == '#' && !quoted)
		S_heading(c, m, p, n);
	else if (n >= 2 && p[0] == '[' && p[1] == '!')
		S_marker(c, m, p, n, quoted);
}

void check_markdown(struct check_ctx *c, const char *md, size_t len)
{
	struct md_lines m = { 0, 0, 0 };
	const char *p = md, *end = md + len, *nl;

	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		m.line++;
		S_md_line(c, &m, p, (size_t)(nl - p));
	}
}
