/* test_template.c: the template engine's behaviour, one test per rule:
 * escaping, sections, slots, layouts, every parse error and the start-up
 * check.  Prints TAP-style lines and exits 1 if any test failed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/buf.h"
#include "render/template.h"
#include "runner.h"

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
#define CTX(vals)	{ (vals), NELEM(vals), NULL }

/* Fails the current test with the condition's text and line. */
static struct tmpl *S_parse(const char *src)
{
	char err[256];
	struct tmpl *t;

	t = tmpl_parse("t.html", src, strlen(src), err, sizeof(err));
	if (t == NULL)
		printf("# unexpected parse error: %s\n", err);
	return t;
}

static int S_same(const char *what, const char *got, const char *want)
{
	if (strcmp(got, want) == 0)
		return 1;
	printf("# %s\n#   got:  \"%s\"\n#   want: \"%s\"\n", what, got, want);
	return 0;
}

/* Parses src, renders it with ctx and compares the whole output. */
static int S_renders(const char *src, const struct tctx *ctx,
    const char *want)
{
	struct buf out = BUF_INIT;
	struct tmpl *t;
	int ok;

	if ((t = S_parse(src)) == NULL)
		return 0;
	ok = tmpl_render(t, ctx, &out, NULL, 0) == 0 &&
	    S_same(src, buf_cstr(&out), want);
	buf_free(&out);
	tmpl_free(t);
	return ok;
}

/* Parses src[0..len), which must fail with exactly the message want. */
static int S_parse_fails_n(const char *src, size_t len, const char *want)
{
	char err[256] = "";
	struct tmpl *t;

	t = tmpl_parse("t.html", src, len, err, sizeof(err));
	if (t != NULL) {
		printf("# parsed, but should fail with \"%s\"\n", want);
		tmpl_free(t);
		return 0;
	}
	return S_same("parse error", err, want);
}

static int S_parse_fails(const char *src, const char *want)
{
	return S_parse_fails_n(src, strlen(src), want);
}

/* Parses src and runs tmpl_check, which must fail with want ("" for
 * success). */
static int S_check(const char *src, const char *const *names,
    const char *const *raw, const char *want)
{
	char err[256] = "";
	struct tmpl *t;
	int rc;

	if ((t = S_parse(src)) == NULL)
		return 0;
	rc = tmpl_check(t, names, raw, err, sizeof(err));
	tmpl_free(t);
	if ((rc == 0) != (*want == '\0')) {
		printf("# tmpl_check returned %d (%s)\n", rc, err);
		return 0;
	}
	return S_same("check error", err, want);
}

/* Escaping */

static int test_text_escapes_script_tag(void)
{
	struct tval v[] = { TEXT("t", "<script>alert(1)</script>") };
	struct tctx c = CTX(v);

	return S_renders("<p>{{t}}</p>", &c,
	    "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");
}

static int test_text_escapes_quotes_and_ampersand(void)
{
	struct tval v[] = { TEXT("t", "a\"b'c&d") };
	struct tctx c = CTX(v);

	return S_renders("<a title=\"{{t}}\">", &c,
	    "<a title=\"a&quot;b&#39;c&amp;d\">");
}

static int test_html_value_is_copied_unescaped(void)
{
	struct tval v[] = { HTML("h", "<em>\"x\" & y</em>") };
	struct tctx c = CTX(v);

	return S_renders("{{h}}", &c, "<em>\"x\" & y</em>");
}

static int test_raw_tag_copies_html(void)
{
	struct tval v[] = { HTML("body", "<p>hi</p>") };
	struct tctx c = CTX(v);

	return S_renders("{{{body}}}", &c, "<p>hi</p>");
}

static int test_raw_tag_still_escapes_text(void)
{
	struct tval v[] = { TEXT("body", "<p>hi</p>") };
	struct tctx c = CTX(v);

	return S_renders("{{{body}}}", &c, "&lt;p&gt;hi&lt;/p&gt;");
}

static int test_invalid_utf8_in_text_becomes_replacement(void)
{
	struct tval v[] = { TEXT("t", "a\xFF" "b\xC3") };
	struct tctx c = CTX(v);

	return S_renders("{{t}}", &c, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
}

/* Variables */

static int test_missing_name_renders_nothing(void)
{
	struct tval v[] = { TEXT("a", "A") };
	struct tctx c = CTX(v);

	return S_renders("[{{nope}}|{{{nope}}}|{{a}}]", &c, "[||A]") &&
	    S_renders("[{{nope}}]", NULL, "[]");
}

static int test_whitespace_inside_tags_is_allowed(void)
{
	struct tval v[] = { TEXT("a", "A"), BOOL("on", 1) };
	struct tctx c = CTX(v);

	return S_renders("{{ a }}{{{\ta\t}}}{{# on }}x{{/ on }}"
	    "{{ ^on }}y{{/on}}", &c, "AAx");
}

static int test_comments_render_nothing(void)
{
	return S_renders("a{{! a comment with { and } }}b{{!\n}}c", NULL,
	    "abc");
}

static int test_literal_text_is_kept_as_is(void)
{
	return S_renders("}} { } \xFF <b>&amp;</b>", NULL,
	    "}} { } \xFF <b>&amp;</b>");
}

static int test_list_and_bool_values_render_nothing_as_variables(void)
{
	struct tctx items[] = { { NULL, 0, NULL } };
	struct tval v[] = { LIST("l", items, 1), BOOL("b", 1) };
	struct tctx c = CTX(v);

	return S_renders("[{{l}}{{b}}]", &c, "[]");
}

static int test_text_need_not_be_nul_terminated(void)
{
	const char src[] = "ab{{x}}cd";
	struct tval v[] = { TEXT("x", "X") };
	struct tctx c = CTX(v);
	struct buf out = BUF_INIT;
	struct tmpl *t;
	char err[128];
	int ok;

	/* Only "ab{{x}}": the parser must not read on to the NUL. */
	t = tmpl_parse("t.html", src, 7, err, sizeof(err));
	EXPECT(t != NULL);
	ok = tmpl_render(t, &c, &out, NULL, 0) == 0 &&
	    S_same("prefix", buf_cstr(&out), "abX");
	buf_free(&out);
	tmpl_free(t);
	return ok;
}

/* Sections */

static int test_list_section_renders_each_item_with_parent_lookup(void)
{
	struct tval a[] = { TEXT("title", "One") };
	struct tval b[] = { TEXT("title", "Two & more") };
	struct tctx items[] = { { a, 1, NULL }, { b, 1, NULL } };
	struct tval v[] = { LIST("articles", items, 2), TEXT("site", "S") };
	struct tctx c = CTX(v);

	return S_renders("<ul>{{#articles}}<li>{{title}} ({{site}})</li>"
	    "{{/articles}}</ul>", &c,
	    "<ul><li>One (S)</li><li>Two &amp; more (S)</li></ul>");
}

static int test_list_item_shadows_outer_name(void)
{
	struct tval a[] = { TEXT("name", "inner") };
	struct tctx items[] = { { a, 1, NULL } };
	struct tval v[] = { TEXT("name", "outer"), LIST("l", items, 1) };
	struct tctx c = CTX(v);

	return S_renders("{{name}}{{#l}}/{{name}}{{/l}}/{{name}}", &c,
	    "outer/inner/outer");
}

static int test_empty_list_section_is_skipped(void)
{
	struct tval v[] = { LIST("l", NULL, 0) };
	struct tctx c = CTX(v);

	return S_renders("[{{#l}}x{{/l}}]", &c, "[]");
}

static int test_bool_section_follows_value(void)
{
	struct tval v[] = { BOOL("yes", 1), BOOL("no", 0) };
	struct tctx c = CTX(v);

	return S_renders("{{#yes}}Y{{/yes}}{{#no}}N{{/no}}", &c, "Y");
}

static int test_text_section_renders_once_when_non_empty(void)
{
	struct tval v[] = { TEXT("full", "x"), TEXT("empty", ""),
	    HTML("h", "<b>"), HTML("eh", "") };
	struct tctx c = CTX(v);

	return S_renders("{{#full}}F{{full}}{{/full}}{{#empty}}E{{/empty}}"
	    "{{#h}}H{{/h}}{{#eh}}e{{/eh}}{{#missing}}M{{/missing}}", &c,
	    "FxH");
}

static int test_inverted_section_renders_when_value_is_absent(void)
{
	struct tctx one[] = { { NULL, 0, NULL } };
	struct tval v[] = { BOOL("f", 0), TEXT("e", ""), LIST("el", NULL, 0),
	    BOOL("t", 1), TEXT("x", "x"), LIST("l", one, 1) };
	struct tctx c = CTX(v);

	return S_renders("{{^missing}}1{{/missing}}{{^f}}2{{/f}}{{^e}}3{{/e}}"
	    "{{^el}}4{{/el}}{{^t}}5{{/t}}{{^x}}6{{/x}}{{^l}}7{{/l}}", &c,
	    "1234");
}

static int test_nested_sections_see_every_enclosing_item(void)
{
	struct tval t1[] = { TEXT("tag", "c") };
	struct tval t2[] = { TEXT("tag", "go") };
	struct tctx tags[] = { { t1, 1, NULL }, { t2, 1, NULL } };
	struct tval a1[] = { TEXT("title", "A"), LIST("tags", tags, 2),
	    BOOL("new", 1) };
	struct tval a2[] = { TEXT("title", "B"), LIST("tags", NULL, 0),
	    BOOL("new", 0) };
	struct tctx arts[] = { { a1, NELEM(a1), NULL },
	    { a2, NELEM(a2), NULL } };
	struct tval v[] = { LIST("arts", arts, 2), TEXT("sep", ",") };
	struct tctx c = CTX(v);

	return S_renders("{{#arts}}{{title}}{{#new}}*{{/new}}:"
	    "{{#tags}}{{title}}-{{tag}}{{sep}}{{/tags}}"
	    "{{^tags}}none{{/tags}};{{/arts}}", &c,
	    "A*:A-c,A-go,;B:none;");
}

static int test_slot_and_tmpl_values_count_as_present(void)
{
	struct tmpl *t, *x;
	struct buf out = BUF_INIT;
	int ok;

	EXPECT((x = S_parse("x")) != NULL);
	EXPECT((t = S_parse("{{#s}}S{{/s}}{{^s}}s{{/s}}"
	    "{{#t}}T{{t}}{{/t}}{{^t}}t{{/t}}"
	    "{{#nt}}N{{/nt}}{{^nt}}n{{nt}}{{/nt}}")) != NULL);
	{
		struct tval v[] = { SLOT("s", 0), TMPL("t", x),
		    TMPL("nt", NULL) };
		struct tctx c = CTX(v);

		ok = tmpl_render(t, &c, &out, NULL, 0) == 0 &&
		    S_same("present", buf_cstr(&out), "STxn");
	}
	buf_free(&out);
	tmpl_free(t);
	tmpl_free(x);
	return ok;
}

/* Slots */

static int test_slot_records_offset_and_writes_nothing(void)
{
	struct tval v[] = { SLOT("here", 1), TEXT("t", "<") };
	struct tctx c = CTX(v);
	struct buf out = BUF_INIT;
	size_t slots[2] = { 99, 99 };
	struct tmpl *t;
	int ok;

	EXPECT((t = S_parse("ab{{t}}{{here}}cd")) != NULL);
	buf_puts(&out, "xyz");		/* offsets count what out held */
	ok = tmpl_render(t, &c, &out, slots, 2) == 0 &&
	    S_same("output", buf_cstr(&out), "xyzab&lt;cd");
	buf_free(&out);
	tmpl_free(t);
	EXPECT(ok);
	EXPECT(slots[0] == 99);
	EXPECT(slots[1] == 9);
	return 1;
}

static int test_slot_out_of_range_is_ignored(void)
{
	struct tval v[] = { SLOT("a", 2), SLOT("b", -1), SLOT("c", 0) };
	struct tctx c = CTX(v);
	struct buf out = BUF_INIT;
	size_t slots[2] = { 99, 99 };
	struct tmpl *t;
	int rc;

	EXPECT((t = S_parse("x{{a}}{{b}}{{c}}")) != NULL);
	rc = tmpl_render(t, &c, &out, slots, 2);
	buf_free(&out);
	tmpl_free(t);
	EXPECT(rc == 0);
	EXPECT(slots[0] == 1);
	EXPECT(slots[1] == 99);
	return 1;
}

static int test_slot_inside_list_records_each_item(void)
{
	struct tval a[] = { SLOT("mark", 0) };
	struct tval b[] = { SLOT("mark", 1) };
	struct tctx items[] = { { a, 1, NULL }, { b, 1, NULL } };
	struct tval v[] = { LIST("l", items, 2) };
	struct tctx c = CTX(v);
	struct buf out = BUF_INIT;
	size_t slots[2] = { 99, 99 };
	struct tmpl *t;
	int rc;

	EXPECT((t = S_parse("<ul>{{#l}}<li>{{mark}}</li>{{/l}}</ul>")) != NULL);
	rc = tmpl_render(t, &c, &out, slots, 2);
	buf_free(&out);
	tmpl_free(t);
	EXPECT(rc == 0);
	EXPECT(slots[0] == 8);		/* after "<ul><li>" */
	EXPECT(slots[1] == 17);		/* after "...</li><li>" */
	return 1;
}

static int test_slot_inside_sub_template_counts_layout_output(void)
{
	struct tmpl *layout, *page;
	struct buf out = BUF_INIT;
	size_t slots[1] = { 99 };
	int ok;

	EXPECT((layout = S_parse("<html>{{content}}</html>")) != NULL);
	EXPECT((page = S_parse("<p>{{mark}}x</p>")) != NULL);
	{
		struct tval v[] = { TMPL("content", page), SLOT("mark", 0) };
		struct tctx c = CTX(v);

		ok = tmpl_render(layout, &c, &out, slots, 1) == 0 &&
		    S_same("layout", buf_cstr(&out),
		    "<html><p>x</p></html>");
	}
	buf_free(&out);
	tmpl_free(layout);
	tmpl_free(page);
	EXPECT(ok);
	EXPECT(slots[0] == 9);		/* after "<html><p>" */
	return 1;
}

/* Layouts */

static int test_layout_renders_content_with_current_context(void)
{
	struct tmpl *layout, *page;
	struct buf out = BUF_INIT;
	int ok;

	EXPECT((layout = S_parse("<title>{{title}}</title>"
	    "<main>{{content}}</main>")) != NULL);
	EXPECT((page = S_parse("<h1>{{title}}</h1>")) != NULL);
	{
		struct tval v[] = { TEXT("title", "A<B"),
		    TMPL("content", page) };
		struct tctx c = CTX(v);

		ok = tmpl_render(layout, &c, &out, NULL, 0) == 0 &&
		    S_same("layout", buf_cstr(&out), "<title>A&lt;B</title>"
		    "<main><h1>A&lt;B</h1></main>");
	}
	buf_free(&out);
	tmpl_free(layout);
	tmpl_free(page);
	return ok;
}

static int test_tmpl_nesting_four_deep_renders(void)
{
	struct tmpl *t[5];
	struct buf out = BUF_INIT;
	size_t i;
	int ok;

	/* t0 includes t1 ... includes t4: four TMPL values deep. */
	EXPECT((t[0] = S_parse("0{{n1}}")) != NULL);
	EXPECT((t[1] = S_parse("1{{n2}}")) != NULL);
	EXPECT((t[2] = S_parse("2{{n3}}")) != NULL);
	EXPECT((t[3] = S_parse("3{{n4}}")) != NULL);
	EXPECT((t[4] = S_parse("4")) != NULL);
	{
		struct tval v[] = { TMPL("n1", t[1]), TMPL("n2", t[2]),
		    TMPL("n3", t[3]), TMPL("n4", t[4]) };
		struct tctx c = CTX(v);

		ok = tmpl_render(t[0], &c, &out, NULL, 0) == 0 &&
		    S_same("nested", buf_cstr(&out), "01234");
	}
	buf_free(&out);
	for (i = 0; i < NELEM(t); i++)
		tmpl_free(t[i]);
	return ok;
}

static int test_tmpl_loop_fails_and_keeps_output(void)
{
	struct tmpl *t;
	struct buf out = BUF_INIT;
	int rc, ok;

	EXPECT((t = S_parse("<{{self}}>")) != NULL);
	buf_puts(&out, "before");
	{
		struct tval v[] = { TMPL("self", t) };
		struct tctx c = CTX(v);

		rc = tmpl_render(t, &c, &out, NULL, 0);
	}
	ok = S_same("after a failed render", buf_cstr(&out), "before");
	buf_free(&out);
	tmpl_free(t);
	EXPECT(rc == -1);
	return ok;
}

static int test_tmpl_loop_inside_sections_fails(void)
{
	struct tctx items[] = { { NULL, 0, NULL } };
	struct tmpl *t;
	struct buf out = BUF_INIT;
	size_t len;
	int rc;

	EXPECT((t = S_parse("{{#l}}{{^no}}<{{self}}>{{/no}}{{/l}}")) != NULL);
	{
		struct tval v[] = { TMPL("self", t), LIST("l", items, 1) };
		struct tctx c = CTX(v);

		rc = tmpl_render(t, &c, &out, NULL, 0);
	}
	len = out.len;
	buf_free(&out);
	tmpl_free(t);
	EXPECT(rc == -1);
	EXPECT(len == 0);
	return 1;
}

/* Parse errors */

static int test_error_unclosed_tag(void)
{
	return S_parse_fails("a\nb\n{{name",
	    "t.html:3: unclosed tag: '{{' without '}}'") &&
	    S_parse_fails("\n{{{body}}",
	    "t.html:2: unclosed tag: '{{{' without '}}}'") &&
	    S_parse_fails("{{! never ends }",
	    "t.html:1: unclosed tag: '{{' without '}}'");
}

static int test_error_mismatched_section(void)
{
	const char *src = "{{#a}}\n{{#b}}\n{{/a}}";

	return S_parse_fails(src,
	    "t.html:3: '{{/a}}' does not close '{{#b}}' from line 2");
}

static int test_error_close_without_open(void)
{
	return S_parse_fails("x\n{{/a}}",
	    "t.html:2: '{{/a}}' closes no section");
}

static int test_error_unclosed_section_names_its_line(void)
{
	const char *src = "{{#a}}\n\n{{^b}}x{{/b}}\n{{^c}}";

	return S_parse_fails(src, "t.html:4: '{{^c}}' is never closed");
}

static int test_error_unknown_tag_kind(void)
{
	return S_parse_fails("ok\n\n{{>x}}",
	    "t.html:3: unknown tag kind '>'") &&
	    S_parse_fails("{{&x}}", "t.html:1: unknown tag kind '&'") &&
	    S_parse_fails("{{=<% %>=}}", "t.html:1: unknown tag kind '='");
}

static int test_error_bad_names(void)
{
	char name[70], src[80];

	memset(name, 'n', 65);
	name[65] = '\0';
	snprintf(src, sizeof(src), "{{%s}}", name);
	return S_parse_fails("{{}}", "t.html:1: empty tag") &&
	    S_parse_fails("{{ }}", "t.html:1: empty tag") &&
	    S_parse_fails("{{#}}", "t.html:1: tag has no name") &&
	    S_parse_fails("{{a b}}",
	    "t.html:1: unexpected 'b' after name 'a'") &&
	    S_parse_fails("{{a{{b}}",
	    "t.html:1: unexpected '{' after name 'a'") &&
	    S_parse_fails("{{#$}}",
	    "t.html:1: bad character '$' in tag name") &&
	    S_parse_fails("{{{#a}}}",
	    "t.html:1: bad character '#' in tag name") &&
	    S_parse_fails(src, "t.html:1: name longer than 64 bytes");
}

static int test_error_shows_unprintable_byte_in_hex(void)
{
	return S_parse_fails("{{a\x01}}",
	    "t.html:1: unexpected byte 0x01 after name 'a'") &&
	    S_parse_fails("{{\xC3\xA9}}", "t.html:1: unknown tag kind byte 0xC3");
}

static int test_name_of_64_bytes_is_allowed(void)
{
	char name[70], src[80];

	memset(name, 'n', 64);
	name[64] = '\0';
	snprintf(src, sizeof(src), "{{%s}}", name);
	return S_renders(src, NULL, "");
}

static int test_error_sections_deeper_than_16(void)
{
	struct buf src = BUF_INIT;
	int i, ok;

	for (i = 0; i < 16; i++)
		buf_puts(&src, "{{#a}}\n");
	for (i = 0; i < 16; i++)
		buf_puts(&src, "{{/a}}");
	ok = S_renders(buf_cstr(&src), NULL, "");	/* 16 is fine */
	buf_reset(&src);
	for (i = 0; i < 17; i++)
		buf_puts(&src, "{{#a}}\n");
	ok = ok && S_parse_fails_n(src.data, src.len,
	    "t.html:17: sections nested deeper than 16");
	buf_free(&src);
	return ok;
}

static int test_error_template_larger_than_1_mib(void)
{
	size_t max = 1024 * 1024;
	char *src = malloc(max + 1);
	struct tmpl *t;
	char err[128];
	int ok;

	EXPECT(src != NULL);
	memset(src, 'x', max + 1);
	t = tmpl_parse("t.html", src, max, err, sizeof(err));
	ok = t != NULL;
	tmpl_free(t);
	ok = ok && S_parse_fails_n(src, max + 1,
	    "t.html:1: template larger than 1048576 bytes");
	free(src);
	return ok;
}

static int test_error_lines_count_newlines_inside_tags(void)
{
	const char *src = "{{!\n\n}}{{ a\n}}\n{{>x}}";

	return S_parse_fails(src, "t.html:5: unknown tag kind '>'");
}

static int test_error_is_truncated_to_errlen(void)
{
	char err[8];
	struct tmpl *t;

	memset(err, '#', sizeof(err));
	t = tmpl_parse("t.html", "{{>x}}", 6, err, sizeof(err));
	EXPECT(t == NULL);
	EXPECT(strcmp(err, "t.html:") == 0);
	EXPECT(tmpl_parse("t.html", "{{>x}}", 6, NULL, 0) == NULL);
	return 1;
}

/* tmpl_check */

static int test_check_accepts_known_names(void)
{
	const char *const names[] = { "title", "articles", "body", NULL };
	const char *const raw[] = { "body", NULL };

	return S_check("{{title}}{{#articles}}{{{body}}}{{/articles}}"
	    "{{^articles}}{{/articles}}", names, raw, "");
}

static int test_check_rejects_unknown_name_with_line(void)
{
	const char *const names[] = { "title", NULL };

	return S_check("{{title}}\n{{titel}}", names, NULL,
	    "t.html:2: unknown name 'titel'") &&
	    S_check("\n\n{{#items}}{{/items}}", names, NULL,
	    "t.html:3: unknown name 'items'");
}

static int test_check_rejects_raw_name_not_allowed(void)
{
	const char *const names[] = { "title", "body", "toc", NULL };
	const char *const raw[] = { "body", "toc", NULL };
	const char *const none[] = { NULL };

	return S_check("{{{body}}}\n{{{title}}}", names, raw,
	    "t.html:2: {{{title}}} not allowed: only body, toc may be raw") &&
	    S_check("{{{body}}}", names, none,
	    "t.html:1: {{{body}}} not allowed: no name may be raw") &&
	    S_check("{{{body}}}", names, NULL,
	    "t.html:1: {{{body}}} not allowed: no name may be raw");
}

/* tmpl_load */

static int test_load_missing_file_names_path_and_errno(void)
{
	char err[256];

	EXPECT(tmpl_load("/nonexistent/t.html", err, sizeof(err)) == NULL);
	return S_same("load error", err,
	    "/nonexistent/t.html: No such file or directory");
}

/* Writes s to a new temporary file named in path (a mkstemp template). */
static int S_write_temp(char *path, const char *s)
{
	FILE *f;
	int fd, ok;

	if ((fd = mkstemp(path)) == -1)
		return 0;
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		unlink(path);
		return 0;
	}
	ok = fputs(s, f) != EOF;
	ok = fclose(f) == 0 && ok;
	return ok;
}

static int test_load_reads_a_template_file(void)
{
	char path[] = "/tmp/test_template.XXXXXX";
	struct tval v[] = { TEXT("x", "<") };
	struct tctx c = CTX(v);
	struct buf out = BUF_INIT;
	struct tmpl *t;
	char err[256];
	int ok;

	EXPECT(S_write_temp(path, "<p>{{x}}</p>\n"));
	t = tmpl_load(path, err, sizeof(err));
	unlink(path);
	ok = t != NULL && tmpl_render(t, &c, &out, NULL, 0) == 0 &&
	    S_same("loaded", buf_cstr(&out), "<p>&lt;</p>\n");
	buf_free(&out);
	tmpl_free(t);
	return ok;
}

static int test_load_reports_parse_errors_by_path(void)
{
	char path[] = "/tmp/test_template.XXXXXX", want[64];
	char err[256];
	struct tmpl *t;

	EXPECT(S_write_temp(path, "<p>{{x}}</p>\n{{>bad}}\n"));
	t = tmpl_load(path, err, sizeof(err));
	unlink(path);
	EXPECT(t == NULL);
	snprintf(want, sizeof(want), "%s:2: unknown tag kind '>'", path);
	return S_same("load parse error", err, want);
}

static int test_load_refuses_file_larger_than_1_mib(void)
{
	char path[] = "/tmp/test_template.XXXXXX", want[128];
	size_t n = 1024 * 1024 + 1;
	char *big = malloc(n + 1);
	struct tmpl *t;
	char err[256];
	int ok;

	EXPECT(big != NULL);
	memset(big, 'x', n);
	big[n] = '\0';
	ok = S_write_temp(path, big);
	free(big);
	EXPECT(ok);
	t = tmpl_load(path, err, sizeof(err));
	unlink(path);
	EXPECT(t == NULL);
	snprintf(want, sizeof(want), "%s:1: template larger than 1048576 bytes",
	    path);
	return S_same("load size error", err, want);
}

static int test_load_directory_reports_errno(void)
{
	char err[256];

	EXPECT(tmpl_load("/tmp", err, sizeof(err)) == NULL);
	return S_same("load error", err, "/tmp: Is a directory");
}

static const struct test S_tests[] = {
	T(test_text_escapes_script_tag),
	T(test_text_escapes_quotes_and_ampersand),
	T(test_html_value_is_copied_unescaped),
	T(test_raw_tag_copies_html),
	T(test_raw_tag_still_escapes_text),
	T(test_invalid_utf8_in_text_becomes_replacement),
	T(test_missing_name_renders_nothing),
	T(test_whitespace_inside_tags_is_allowed),
	T(test_comments_render_nothing),
	T(test_literal_text_is_kept_as_is),
	T(test_list_and_bool_values_render_nothing_as_variables),
	T(test_text_need_not_be_nul_terminated),
	T(test_list_section_renders_each_item_with_parent_lookup),
	T(test_list_item_shadows_outer_name),
	T(test_empty_list_section_is_skipped),
	T(test_bool_section_follows_value),
	T(test_text_section_renders_once_when_non_empty),
	T(test_inverted_section_renders_when_value_is_absent),
	T(test_nested_sections_see_every_enclosing_item),
	T(test_slot_and_tmpl_values_count_as_present),
	T(test_slot_records_offset_and_writes_nothing),
	T(test_slot_out_of_range_is_ignored),
	T(test_slot_inside_list_records_each_item),
	T(test_slot_inside_sub_template_counts_layout_output),
	T(test_layout_renders_content_with_current_context),
	T(test_tmpl_nesting_four_deep_renders),
	T(test_tmpl_loop_fails_and_keeps_output),
	T(test_tmpl_loop_inside_sections_fails),
	T(test_error_unclosed_tag),
	T(test_error_mismatched_section),
	T(test_error_close_without_open),
	T(test_error_unclosed_section_names_its_line),
	T(test_error_unknown_tag_kind),
	T(test_error_bad_names),
	T(test_error_shows_unprintable_byte_in_hex),
	T(test_name_of_64_bytes_is_allowed),
	T(test_error_sections_deeper_than_16),
	T(test_error_template_larger_than_1_mib),
	T(test_error_lines_count_newlines_inside_tags),
	T(test_error_is_truncated_to_errlen),
	T(test_check_accepts_known_names),
	T(test_check_rejects_unknown_name_with_line),
	T(test_check_rejects_raw_name_not_allowed),
	T(test_load_missing_file_names_path_and_errno),
	T(test_load_reads_a_template_file),
	T(test_load_reports_parse_errors_by_path),
	T(test_load_refuses_file_larger_than_1_mib),
	T(test_load_directory_reports_errno),
};

RUNNER_MAIN(S_tests)
