/* maker_proto.c: the decoder's output (maker_proto.h), read strictly:
 * it comes from a process that has just decoded hostile bytes, so every
 * number is bounded and every length checked against what arrived. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "maker/maker_proto.h"

#define PROTO_LINE	128
#define PROTO_MAX_SIDE	100000
#define PROTO_MAX_VARIANTS 32

struct cursor {
	const unsigned char	*p;
	const unsigned char	*end;
};

/* The next line, without its newline, into line; -1 if none or too long. */
static int S_line(struct cursor *c, char *line, size_t linesz)
{
	const unsigned char *nl;
	size_t n;

	nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
	if (nl == NULL || (n = (size_t)(nl - c->p)) >= linesz)
		return -1;
	memcpy(line, c->p, n);
	line[n] = '\0';
	if (strlen(line) != n)	/* a NUL inside */
		return -1;
	c->p = nl + 1;
	return 0;
}

static int S_side_ok(int v)
{
	return v >= 1 && v <= PROTO_MAX_SIDE;
}

static int S_size(struct cursor *c, struct media_made *m)
{
	char line[PROTO_LINE], tail;

	if (S_line(c, line, sizeof(line)) != 0 ||
	    sscanf(line, "size %d %d%c", &m->width, &m->height, &tail) != 2)
		return -1;
	return S_side_ok(m->width) && S_side_ok(m->height) ? 0 : -1;
}

static int S_format_ok(const char *f)
{
	return strcmp(f, "webp") == 0 || strcmp(f, "jpeg") == 0 ||
	    strcmp(f, "png") == 0;
}

/* Two variants of one format and width would have one file name. */
static int S_duplicate(const struct media_made *m, const struct media_variant *v)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->v[i].width == v->width &&
		    strcmp(m->v[i].format, v->format) == 0)
			return 1;
	return 0;
}

/* One "variant" header and its bytes, appended to m. */
static int S_variant(struct cursor *c, const char *line, struct media_made *m)
{
	struct media_variant v;
	unsigned long long n;
	char tail;

	memset(&v, 0, sizeof(v));
	if (sscanf(line, "variant %7s %d %d %llu%c", v.format, &v.width,
	    &v.height, &n, &tail) != 4 || !S_format_ok(v.format) ||
	    !S_side_ok(v.width) || !S_side_ok(v.height) || n == 0 ||
	    n > (unsigned long long)(c->end - c->p) || S_duplicate(m, &v) ||
	    m->n >= PROTO_MAX_VARIANTS)
		return -1;
	v.data = c->p;
	v.len = (size_t)n;
	c->p += n;
	m->v = xrealloc(m->v, (m->n + 1) * sizeof(*m->v));
	m->v[m->n++] = v;
	return 0;
}

static int S_fail(struct media_made *m, char *err, size_t errlen,
    const char *why)
{
	maker_proto_free(m);
	snprintf(err, errlen, "%s", why);
	return -1;
}

int maker_proto_parse(const unsigned char *out, size_t len,
    struct media_made *m, char *err, size_t errlen)
{
	struct cursor c = { out, out + len };
	char line[PROTO_LINE];

	memset(m, 0, sizeof(*m));
	if (S_size(&c, m) != 0)
		return S_fail(m, err, errlen, "no valid size line");
	for (;;) {
		if (S_line(&c, line, sizeof(line)) != 0)
			return S_fail(m, err, errlen, "output cut short");
		if (strcmp(line, "end") == 0)
			break;
		if (S_variant(&c, line, m) != 0)
			return S_fail(m, err, errlen, "a bad variant line");
	}
	if (c.p != c.end)
		return S_fail(m, err, errlen, "bytes after the end line");
	if (m->n == 0)
		return S_fail(m, err, errlen, "no variants");
	return 0;
}

/* s[0..n) without a last character cut in the middle. */
static size_t S_whole_utf8(const char *s, size_t n)
{
	size_t lead = n;
	unsigned char c;

	while (lead > 0 && ((unsigned char)s[lead - 1] & 0xc0) == 0x80)
		lead--;
	if (lead == 0 || (c = (unsigned char)s[lead - 1]) < 0x80)
		return n;
	lead--;		/* the lead byte's index */
	return n - lead >= (c >= 0xf0 ? 4u : c >= 0xe0 ? 3u : 2u) ? n : lead;
}

int maker_proto_refused(const unsigned char *out, size_t len,
    char *problem, size_t problemlen)
{
	static const char word[] = "refused ";
	size_t i, n = 0;

	if (problemlen == 0 || len <= sizeof(word) - 1 ||
	    memcmp(out, word, sizeof(word) - 1) != 0)
		return -1;
	for (i = sizeof(word) - 1; i < len && out[i] != '\n' &&
	    n + 1 < problemlen; i++)	/* UTF-8 kept; controls dropped */
		if (out[i] >= 0x20 && out[i] != 0x7f)
			problem[n++] = (char)out[i];
	if (i < len && out[i] != '\n')	/* cut short */
		n = S_whole_utf8(problem, n);
	problem[n] = '\0';
	return n > 0 ? 0 : -1;
}

void maker_proto_free(struct media_made *m)
{
	free(m->v);
	m->v = NULL;
	m->n = 0;
}
