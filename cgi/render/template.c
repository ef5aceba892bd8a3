/* template.c: parses a Mustache subset into a flat array of ops once
 * (template_render.c renders it per request), loads template files and
 * checks the names a template uses against its vocabulary. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/buf.h"
#include "render/template.h"
#include "render/template_ops.h"
#include "lib/text.h"

#define TMPL_MAX_SIZE	(1024 * 1024)	/* bytes of source */
#define TMPL_MAX_NEST	16		/* sections inside sections */
#define TMPL_MAX_NAME	64		/* bytes of a name */

struct parser {
	struct tmpl	*t;
	size_t		 len;	/* of t->text */
	size_t		 pos;
	size_t		 line;	/* line of pos, from 1 */
	size_t		 open[TMPL_MAX_NEST]; /* unclosed sections */
	size_t		 nopen;
	char		*err;
	size_t		 errlen;
};

/* Writes "NAME:LINE: message" into err, truncating to errlen. */
static void __attribute__((format(printf, 5, 6)))
S_errorf(char *err, size_t errlen, const char *name, size_t line,
    const char *fmt, ...)
{
	va_list ap;
	int n;

	if (err == NULL || errlen == 0)
		return;
	n = snprintf(err, errlen, "%s:%zu: ", name, line);
	if (n < 0 || (size_t)n >= errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

/* The sigil of an open section, for messages. */
static const char *S_sigil(enum op_kind kind)
{
	return kind == OP_INVERTED ? "^" : "#";
}

/* Shows a byte of a bad tag readably: 'x', or 0xNN for the rest. */
static const char *S_show(char c, char *tmp, size_t tmpsz)
{
	unsigned char u = (unsigned char)c;

	if (u > 0x20 && u < 0x7F)
		snprintf(tmp, tmpsz, "'%c'", c);
	else
		snprintf(tmp, tmpsz, "byte 0x%02X", u);
	return tmp;
}

static int S_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int S_is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

static size_t S_skip_space(const char *s, size_t i, size_t end)
{
	while (i < end && S_is_space(s[i]))
		i++;
	return i;
}

static size_t S_count_lines(const char *s, size_t n)
{
	const char *end = s + n, *q;
	size_t lines = 0;

	while (s < end && (q = memchr(s, '\n', (size_t)(end - s))) != NULL) {
		lines++;
		s = q + 1;
	}
	return lines;
}

/* Offset of the first needle in s[from..len), or len if there is none. */
static size_t S_find(const char *s, size_t len, size_t from,
    const char *needle)
{
	size_t n = strlen(needle);
	const char *q;

	while (from + n <= len) {
		q = memchr(s + from, needle[0], len - from - n + 1);
		if (q == NULL)
			break;
		from = (size_t)(q - s);
		if (memcmp(s + from, needle, n) == 0)
			return from;
		from++;
	}
	return len;
}

static size_t S_add_op(struct tmpl *t, enum op_kind kind, const char *s,
    size_t n, size_t line)
{
	struct op *op;

	if (t->nops == t->opcap) {
		t->opcap = t->opcap ? t->opcap * 2 : 32;
		t->ops = xrealloc(t->ops, t->opcap * sizeof(*t->ops));
	}
	op = &t->ops[t->nops];
	op->kind = kind;
	op->s = s;
	op->n = n;
	op->end = 0;
	op->line = line;
	return t->nops++;
}

static int S_same_name(const struct op *op, const char *s, size_t n)
{
	return op->n == n && memcmp(op->s, s, n) == 0;
}

/* Records a section tag, keeping the stack of open sections. */
static int S_add_section(struct parser *p, enum op_kind kind,
    const char *s, size_t n, size_t line)
{
	struct tmpl *t = p->t;
	const struct op *open;
	size_t begin, end;

	if (kind != OP_END) {
		if (p->nopen == TMPL_MAX_NEST) {
			S_errorf(p->err, p->errlen, t->name, line,
			    "sections nested deeper than %d", TMPL_MAX_NEST);
			return -1;
		}
		p->open[p->nopen++] = S_add_op(t, kind, s, n, line);
		return 0;
	}
	if (p->nopen == 0) {
		S_errorf(p->err, p->errlen, t->name, line,
		    "'{{/%.*s}}' closes no section", (int)n, s);
		return -1;
	}
	begin = p->open[p->nopen - 1];
	open = &t->ops[begin];
	if (!S_same_name(open, s, n)) {
		S_errorf(p->err, p->errlen, t->name, line,
		    "'{{/%.*s}}' does not close '{{%s%.*s}}' from line %zu",
		    (int)n, s, S_sigil(open->kind), (int)open->n, open->s,
		    open->line);
		return -1;
	}
	p->nopen--;
	end = S_add_op(t, OP_END, s, n, line);
	t->ops[begin].end = end;
	return 0;
}

/* Parses the name that fills text[a..b) after the sigil, then adds the
 * op.  Whitespace may surround the name but nothing else may. */
static int S_parse_name(struct parser *p, enum op_kind kind, size_t a,
    size_t b, size_t line)
{
	const char *text = p->t->text;
	size_t start, n;
	char tmp[16];

	a = S_skip_space(text, a, b);
	start = a;
	while (a < b && S_is_name_char(text[a]))
		a++;
	n = a - start;
	a = S_skip_space(text, a, b);
	if (n == 0 && a < b) {
		S_errorf(p->err, p->errlen, p->t->name, line,
		    "bad character %s in tag name",
		    S_show(text[a], tmp, sizeof(tmp)));
		return -1;
	}
	if (n == 0) {
		S_errorf(p->err, p->errlen, p->t->name, line,
		    "tag has no name");
		return -1;
	}
	if (n > TMPL_MAX_NAME) {
		S_errorf(p->err, p->errlen, p->t->name, line,
		    "name longer than %d bytes", TMPL_MAX_NAME);
		return -1;
	}
	if (a < b) {
		S_errorf(p->err, p->errlen, p->t->name, line,
		    "unexpected %s after name '%.*s'",
		    S_show(text[a], tmp, sizeof(tmp)), (int)n, text + start);
		return -1;
	}
	if (kind == OP_VAR || kind == OP_RAW) {
		S_add_op(p->t, kind, text + start, n, line);
		return 0;
	}
	return S_add_section(p, kind, text + start, n, line);
}

/* Parses what lies between "{{" and "}}" in text[a..b). */
static int S_parse_inside(struct parser *p, size_t a, size_t b,
    size_t line)
{
	const char *text = p->t->text;
	char tmp[16];

	a = S_skip_space(text, a, b);
	if (a == b) {
		S_errorf(p->err, p->errlen, p->t->name, line, "empty tag");
		return -1;
	}
	switch (text[a]) {
	case '!':
		return 0;
	case '#':
		return S_parse_name(p, OP_SECTION, a + 1, b, line);
	case '^':
		return S_parse_name(p, OP_INVERTED, a + 1, b, line);
	case '/':
		return S_parse_name(p, OP_END, a + 1, b, line);
	default:
		break;
	}
	if (!S_is_name_char(text[a])) {
		S_errorf(p->err, p->errlen, p->t->name, line,
		    "unknown tag kind %s", S_show(text[a], tmp, sizeof(tmp)));
		return -1;
	}
	return S_parse_name(p, OP_VAR, a, b, line);
}

/* Parses the tag starting with "{{" at p->pos and moves past it.  The
 * tag ends at the first "}}" ("}}}" for a raw tag): a comment cannot
 * contain one, and a stray "{{" inside a tag is an error, not text. */
static int S_parse_tag(struct parser *p)
{
	const char *text = p->t->text;
	size_t start = p->pos, line = p->line, a, b, end;
	int raw;

	raw = start + 2 < p->len && text[start + 2] == '{';
	a = start + (raw ? 3 : 2);
	b = S_find(text, p->len, a, raw ? "}}}" : "}}");
	if (b == p->len) {
		S_errorf(p->err, p->errlen, p->t->name, line,
		    "unclosed tag: '%s' without '%s'",
		    raw ? "{{{" : "{{", raw ? "}}}" : "}}");
		return -1;
	}
	end = b + (raw ? 3 : 2);
	p->line += S_count_lines(text + start, end - start);
	p->pos = end;
	if (raw)
		return S_parse_name(p, OP_RAW, a, b, line);
	return S_parse_inside(p, a, b, line);
}

/* Adds the literal text from p->pos up to end. */
static void S_parse_text(struct parser *p, size_t end)
{
	const char *s = p->t->text + p->pos;
	size_t n = end - p->pos;

	if (n == 0)
		return;
	S_add_op(p->t, OP_TEXT, s, n, p->line);
	p->line += S_count_lines(s, n);
	p->pos = end;
}

static int S_parse(struct parser *p)
{
	const struct op *open;
	size_t next;

	while (p->pos < p->len) {
		next = S_find(p->t->text, p->len, p->pos, "{{");
		S_parse_text(p, next);
		if (next < p->len && S_parse_tag(p) == -1)
			return -1;
	}
	if (p->nopen > 0) {
		open = &p->t->ops[p->open[p->nopen - 1]];
		S_errorf(p->err, p->errlen, p->t->name, open->line,
		    "'{{%s%.*s}}' is never closed", S_sigil(open->kind),
		    (int)open->n, open->s);
		return -1;
	}
	return 0;
}

struct tmpl *tmpl_parse(const char *name, const char *text, size_t len,
    char *err, size_t errlen)
{
	struct parser p;
	struct tmpl *t;

	if (len > TMPL_MAX_SIZE) {
		S_errorf(err, errlen, name, 1,
		    "template larger than %d bytes", TMPL_MAX_SIZE);
		return NULL;
	}
	t = xcalloc(1, sizeof(*t));
	t->name = xstrdup(name);
	t->text = xmalloc(len);
	if (len > 0)
		memcpy(t->text, text, len);

	memset(&p, 0, sizeof(p));
	p.t = t;
	p.len = len;
	p.line = 1;
	p.err = err;
	p.errlen = errlen;
	if (S_parse(&p) == -1) {
		tmpl_free(t);
		return NULL;
	}
	return t;
}

/* Reads at most one byte more than a template may have, so that an
 * oversized file fails in tmpl_parse without being read whole. */
static int S_read_file(FILE *f, struct buf *b)
{
	const size_t chunk = 8192;
	size_t n;

	while (b->len <= TMPL_MAX_SIZE) {
		buf_grow(b, chunk);
		n = fread(b->data + b->len, 1, chunk, f);
		b->len += n;
		if (n < chunk)
			return ferror(f) ? -1 : 0;
	}
	return 0;
}

struct tmpl *tmpl_load(const char *path, char *err, size_t errlen)
{
	struct buf b = BUF_INIT;
	struct tmpl *t;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (S_read_file(f, &b) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		fclose(f);
		buf_free(&b);
		return NULL;
	}
	fclose(f);
	t = tmpl_parse(path, b.data, b.len, err, errlen);
	buf_free(&b);
	return t;
}

void tmpl_free(struct tmpl *t)
{
	if (t == NULL)
		return;
	free(t->name);
	free(t->text);
	free(t->ops);
	free(t);
}

static int S_in_list(const char *const *list, const char *s, size_t n)
{
	if (list == NULL)
		return 0;
	for (; *list != NULL; list++)
		if (strncmp(*list, s, n) == 0 && (*list)[n] == '\0')
			return 1;
	return 0;
}

static void S_raw_error(const struct tmpl *t, const struct op *op,
    const char *const *raw_names, char *err, size_t errlen)
{
	struct buf b = BUF_INIT;

	for (; raw_names != NULL && *raw_names != NULL; raw_names++) {
		if (b.len > 0)
			buf_puts(&b, ", ");
		buf_puts(&b, *raw_names);
	}
	if (b.len == 0)
		S_errorf(err, errlen, t->name, op->line,
		    "{{{%.*s}}} not allowed: no name may be raw",
		    (int)op->n, op->s);
	else
		S_errorf(err, errlen, t->name, op->line,
		    "{{{%.*s}}} not allowed: only %s may be raw",
		    (int)op->n, op->s, buf_cstr(&b));
	buf_free(&b);
}

int tmpl_check(const struct tmpl *t, const char *const *names,
    const char *const *raw_names, char *err, size_t errlen)
{
	const struct op *op;
	size_t i;

	for (i = 0; i < t->nops; i++) {
		op = &t->ops[i];
		if (op->kind == OP_TEXT || op->kind == OP_END)
			continue;
		if (!S_in_list(names, op->s, op->n)) {
			S_errorf(err, errlen, t->name, op->line,
			    "unknown name '%.*s'", (int)op->n, op->s);
			return -1;
		}
		if (op->kind == OP_RAW && !S_in_list(raw_names, op->s, op->n)) {
			S_raw_error(t, op, raw_names, err, errlen);
			return -1;
		}
	}
	return 0;
}
