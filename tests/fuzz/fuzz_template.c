/* fuzz_template.c: libFuzzer harness for the template engine.  Parses the
 * input as a template, checks it, and renders it twice with a fixed
 * context holding every kind of value.  Besides crashes, it aborts when
 * an escaped TEXT value reaches the output raw, when a slot points past
 * the output, or when two renders differ. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "render/template.h"

#define TEXT(nm, str)	{ .name = (nm), .kind = TVAL_TEXT, \
			  .s = (str), .n = sizeof(str) - 1 }
#define HTML(nm, str)	{ .name = (nm), .kind = TVAL_HTML, \
			  .s = (str), .n = sizeof(str) - 1 }
#define BOOL(nm, v)	{ .name = (nm), .kind = TVAL_BOOL, .b = (v) }
#define SLOT(nm, i)	{ .name = (nm), .kind = TVAL_SLOT, .slot = (i) }
#define LIST(nm, it, k)	{ .name = (nm), .kind = TVAL_LIST, \
			  .items = (it), .nitems = (k) }
#define TMPL(nm, t)	{ .name = (nm), .kind = TVAL_TMPL, .tmpl = (t) }
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* TEXT that must only ever appear escaped; no HTML value contains it. */
#define MARKER	"xss"
#define HOSTILE	"<" MARKER "'\"&>"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const S_names[] = { "title", "body", "empty", "name",
    "inner", "list", "once", "none", "yes", "no", "here", "far", "neg",
    "part", "loop", "null", NULL };
static const char *const S_raw[] = { "body", NULL };

/* Fixed sub-templates, parsed once: "loop" includes itself, so any
 * {{loop}} must end in tmpl_render's depth limit. */
static struct tmpl *S_part, *S_loop;

/* Inside a list item "list" names an empty list, so nested sections
 * multiply the output by at most two and every input renders quickly. */
static const struct tval S_item0[] = { TEXT("name", "one<"),
    LIST("list", NULL, 0), SLOT("here", 1) };
static const struct tval S_item1[] = { HTML("name", "<b>two</b>"),
    LIST("list", NULL, 0) };
static const struct tctx S_items[] = { { S_item0, NELEM(S_item0), NULL },
    { S_item1, NELEM(S_item1), NULL } };
static const struct tval S_onceval[] = { TEXT("inner", "&inner") };
static const struct tctx S_once[] = { { S_onceval, 1, NULL } };

static size_t S_count(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle), i, c = 0;

	for (i = 0; i + k <= n; i++)
		if (memcmp(s + i, needle, k) == 0)
			c++;
	return c;
}

static void S_init(void)
{
	static const char part[] = "[{{title}}{{#list}}{{name}}{{here}}"
	    "{{/list}}]";
	static const char loop[] = "<{{loop}}>";
	char err[256];

	if (S_part != NULL)
		return;
	S_part = tmpl_parse("part", part, sizeof(part) - 1, err, sizeof(err));
	S_loop = tmpl_parse("loop", loop, sizeof(loop) - 1, err, sizeof(err));
	if (S_part == NULL || S_loop == NULL)
		abort();
}

/* Renders t into out.  A failed render leaves out as it was (empty); a
 * successful one leaves every slot within the output. */
static int S_render(const struct tmpl *t, struct buf *out, const char *title)
{
	const struct tval vals[] = {
		TEXT("title", title),
		HTML("body", "<p>body</p>"),
		TEXT("empty", ""),
		LIST("list", S_items, NELEM(S_items)),
		LIST("once", S_once, NELEM(S_once)),
		LIST("none", NULL, 0),
		BOOL("yes", 1),
		BOOL("no", 0),
		SLOT("here", 0),
		SLOT("far", 99),
		SLOT("neg", -1),
		TMPL("part", S_part),
		TMPL("loop", S_loop),
		TMPL("null", NULL),
	};
	const struct tctx ctx = { vals, NELEM(vals), NULL };
	size_t slots[2] = { 0, 0 };
	int rc;

	rc = tmpl_render(t, &ctx, out, slots, NELEM(slots));
	if (rc == -1 && out->len != 0)
		abort();
	if (rc == 0 && (slots[0] > out->len || slots[1] > out->len))
		abort();
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct tmpl *t;
	char err[256];
	int rc;

	S_init();
	t = tmpl_parse("fuzz", (const char *)data, size, err, sizeof(err));
	if (t == NULL)
		return 0;
	(void)tmpl_check(t, S_names, S_raw, err, sizeof(err));
	rc = S_render(t, &a, HOSTILE);
	if (S_render(t, &b, HOSTILE) != rc || a.len != b.len ||
	    (a.len > 0 && memcmp(a.data, b.data, a.len) != 0))
		abort();
	/* "<xss" may come from the template's own text, even in pieces
	 * ("<x{{!}}ss") or repeated by a section; the same template with a
	 * harmless title shows as many.  More with the hostile one means
	 * the value went out unescaped. */
	buf_reset(&b);
	S_render(t, &b, "harmless");
	if (S_count(a.data, a.len, "<" MARKER) >
	    S_count(b.data, b.len, "<" MARKER))
		abort();
	buf_free(&a);
	buf_free(&b);
	tmpl_free(t);
	return 0;
}
