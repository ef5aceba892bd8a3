/* viewtail_out.c: viewtail's output, rendered into a buf and written
 * whole: the table (columns fitted to the terminal, a 14-day sparkline),
 * the same as JSON, and the lines printed while following. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/text.h"
#include "viewtail/viewtail_data.h"
#include "viewtail/viewtail_out.h"

#define VT_WEEK		7	/* days in the "7 DAYS" column */
#define VT_COLUMNS	80	/* width when neither COLUMNS nor a tty says */
#define VT_MIN_TEXT	20	/* columns kept for slug and title */

static const char S_ellipsis[] = "\xE2\x80\xA6";	/* U+2026 */
static const char *const S_bars[8] = {
	"\xE2\x96\x81", "\xE2\x96\x82", "\xE2\x96\x83", "\xE2\x96\x84",
	"\xE2\x96\x85", "\xE2\x96\x86", "\xE2\x96\x87", "\xE2\x96\x88",
};

/* -- text for a terminal and for JSON --------------------------------- */

/* s as a terminal should get it, into term (reset): text_sanitize turns
 * controls and invalid UTF-8 into U+FFFD, and the white space it keeps
 * becomes a space, so no title can move the cursor or send an escape
 * sequence. */
static void S_term_text(struct buf *term, const char *s, size_t n)
{
	size_t i;

	buf_reset(term);
	text_sanitize(term, s, n);
	for (i = 0; i < term->len; i++)
		if (term->data[i] == '\t' || term->data[i] == '\n' ||
		    term->data[i] == '\r' || term->data[i] == '\f')
			term->data[i] = ' ';
}

/* Bytes of the code point starting s in cleaned (valid) UTF-8. */
static size_t S_char_len(const char *s, size_t n)
{
	size_t len = 1;

	while (len < n && ((unsigned char)s[len] & 0xC0) == 0x80)
		len++;
	return len;
}

/* Width in columns of cleaned text, one a code point (wide characters
 * are not measured). */
static size_t S_clean_width(const char *s, size_t n)
{
	size_t i, w = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			w++;
	return w;
}

static size_t S_term_width(const char *s, size_t n)
{
	struct buf term = BUF_INIT;
	size_t w;

	S_term_text(&term, s, n);
	w = S_clean_width(term.data, term.len);
	buf_free(&term);
	return w;
}

/* Appends s in width columns: cut with an ellipsis when longer, padded
 * with spaces when pad is set. */
static void S_put_cell(struct buf *out, const char *s, size_t n,
    size_t width, int pad)
{
	struct buf term = BUF_INIT;
	size_t i = 0, len, used = 0;
	int cut;

	S_term_text(&term, s, n);
	cut = S_clean_width(term.data, term.len) > width;
	for (; i < term.len && used < width; i += len, used++) {
		if (cut && used + 1 == width) {
			buf_puts(out, S_ellipsis);
			used++;
			break;
		}
		len = S_char_len(term.data + i, term.len - i);
		buf_put(out, term.data + i, len);
	}
	for (; pad && used < width; used++)
		buf_putc(out, ' ');
	buf_free(&term);
}

/* A C1 control in UTF-8 (U+0080..U+009F), which JSON escapes. */
static int S_is_c1(const unsigned char *s, size_t n)
{
	return s[0] == 0xC2 && n > 1 && s[1] >= 0x80 && s[1] <= 0x9F;
}

/* Appends s as a JSON string.  Controls are escaped (C1 included); the
 * rest of the non-ASCII goes through text_sanitize, so invalid UTF-8 and
 * noncharacters become U+FFFD. */
static void S_json_string(struct buf *out, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, start;

	buf_putc(out, '"');
	while (i < n) {
		if (s[i] == '"' || s[i] == '\\') {
			buf_putc(out, '\\');
			buf_putc(out, (char)s[i++]);
		} else if (s[i] == '\n') {
			buf_puts(out, "\\n"), i++;
		} else if (s[i] == '\t') {
			buf_puts(out, "\\t"), i++;
		} else if (s[i] == '\r') {
			buf_puts(out, "\\r"), i++;
		} else if (s[i] < 0x20 || s[i] == 0x7F) {
			buf_printf(out, "\\u%04x", s[i++]);
		} else if (s[i] < 0x80) {
			buf_putc(out, (char)s[i++]);
		} else if (S_is_c1(s + i, n - i)) {
			buf_printf(out, "\\u%04x", s[i + 1]);
			i += 2;
		} else {
			/* A run of non-ASCII up to the next ASCII byte or C1:
			 * no UTF-8 sequence spans either. */
			start = i++;
			while (i < n && s[i] >= 0x80 && !S_is_c1(s + i, n - i))
				i++;
			text_sanitize(out, str + start, i - start);
		}
	}
	buf_putc(out, '"');
}

/* -- the table ---------------------------------------------------------- */

static int S_by_views(const void *pa, const void *pb)
{
	const struct vt_article *a = pa, *b = pb;
	size_t n = a->slug_len < b->slug_len ? a->slug_len : b->slug_len;
	int c;

	if (a->live != b->live)
		return a->live > b->live ? -1 : 1;
	if ((c = memcmp(a->slug, b->slug, n)) != 0)
		return c;
	return a->slug_len < b->slug_len ? -1 : a->slug_len > b->slug_len;
}

static int64_t S_last7(const struct vt_article *a)
{
	int64_t sum = 0;
	int i;

	for (i = VT_DAYS - VT_WEEK; i < VT_DAYS; i++)
		sum = vtdata_add(sum, a->days[i]);
	return sum;
}

void vtout_sort(struct snapshot *s)
{
	if (s->n > 0)
		qsort(s->art, s->n, sizeof(*s->art), S_by_views);
}

static size_t S_max(size_t a, size_t b)
{
	return a > b ? a : b;
}

static size_t S_digits(int64_t v)
{
	char tmp[32];

	return (size_t)snprintf(tmp, sizeof(tmp), "%" PRId64, v);
}

/* A day with no views is a blank; any other gets at least the lowest bar,
 * the article's best day the full one. */
static void S_put_spark(struct buf *out, const int64_t *days)
{
	int64_t max = 0;
	double scaled;
	int i, level;

	for (i = 0; i < VT_DAYS; i++)
		if (days[i] > max)
			max = days[i];
	for (i = 0; i < VT_DAYS; i++) {
		if (days[i] <= 0) {
			buf_putc(out, ' ');
			continue;
		}
		scaled = (double)days[i] * 8.0 / (double)max;
		level = (int)scaled;
		if (level < scaled)
			level++;
		level = level < 1 ? 1 : level > 8 ? 8 : level;
		buf_puts(out, S_bars[level - 1]);
	}
}

size_t vtout_columns(void)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;
	long n;

	if (env != NULL && (n = strtol(env, NULL, 10)) > 0 && n < 10000)
		return (size_t)n;
	if (isatty(STDOUT_FILENO) &&
	    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return VT_COLUMNS;
}

/* The title as shown: drafts say so first.  Into tmp, which is reset. */
static void S_shown_title(struct buf *tmp, const struct vt_article *a)
{
	buf_reset(tmp);
	if (a->draft)
		buf_puts(tmp, "(draft) ");
	buf_put(tmp, a->title, a->title_len);
}

struct widths {
	size_t	slug, title, total, today, week;
};

/* Numbers are never cut.  Slug and title share what is left; when both
 * do not fit, the title keeps at least half of it (or all it needs) and
 * each is cut with an ellipsis. */
static void S_table_widths(const struct snapshot *s, size_t columns,
    struct widths *w)
{
	struct buf tmp = BUF_INIT;
	const struct vt_article *a;
	size_t i, slugs = 4, titles = 5, fixed, left;

	w->total = 5, w->today = 5, w->week = 6;
	for (i = 0; i < s->n; i++) {
		a = &s->art[i];
		S_shown_title(&tmp, a);
		titles = S_max(titles, S_term_width(tmp.data, tmp.len));
		slugs = S_max(slugs, S_term_width(a->slug, a->slug_len));
		w->total = S_max(w->total, S_digits(a->live));
		w->today = S_max(w->today, S_digits(a->days[VT_DAYS - 1]));
		w->week = S_max(w->week, S_digits(S_last7(a)));
	}
	buf_free(&tmp);
	fixed = w->total + w->today + w->week + VT_DAYS + 5 * 2;
	left = columns > fixed + VT_MIN_TEXT ? columns - fixed : VT_MIN_TEXT;
	if (slugs + titles <= left) {
		w->slug = slugs, w->title = titles;
		return;
	}
	w->title = titles < left / 2 ? titles : left / 2;
	if (left - w->title > slugs)
		w->title = left - slugs;
	w->slug = left - w->title;
}

void vtout_table(struct buf *out, const struct snapshot *s,
    size_t columns)
{
	struct buf tmp = BUF_INIT;
	const struct vt_article *a;
	struct widths w;
	size_t i;

	S_table_widths(s, columns, &w);
	buf_printf(out, "%-*s  %-*s  %*s  %*s  %*s  %s\n", (int)w.slug, "SLUG",
	    (int)w.title, "TITLE", (int)w.total, "TOTAL", (int)w.today,
	    "TODAY", (int)w.week, "7 DAYS", "LAST 14 DAYS");
	for (i = 0; i < s->n; i++) {
		a = &s->art[i];
		S_put_cell(out, a->slug, a->slug_len, w.slug, 1);
		buf_puts(out, "  ");
		S_shown_title(&tmp, a);
		S_put_cell(out, tmp.data, tmp.len, w.title, 1);
		buf_printf(out, "  %*" PRId64 "  %*" PRId64 "  %*" PRId64 "  ",
		    (int)w.total, a->live, (int)w.today, a->days[VT_DAYS - 1],
		    (int)w.week, S_last7(a));
		S_put_spark(out, a->days);
		buf_putc(out, '\n');
	}
	buf_free(&tmp);
}

/* -- patients' questions (comments) ------------------------------------ */

static void S_iso(char out[32], int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The keys --json gained: questions waiting on the article, and when
 * the oldest came (null: none). */
static void S_json_pending(struct buf *out, const struct vt_article *a)
{
	char when[32];

	buf_printf(out, ",\"pending_questions\":%" PRId64, a->pending);
	S_iso(when, a->oldest);
	buf_printf(out, a->oldest ? ",\"oldest_question\":\"%s\"" :
	    ",\"oldest_question\":null", when);
}

/* "3 d 4 h", "2 h 5 min", "12 min". */
static void S_age(char *out, size_t n, int64_t secs)
{
	if (secs >= 86400)
		snprintf(out, n, "%" PRId64 " d %" PRId64 " h", secs / 86400,
		    secs % 86400 / 3600);
	else if (secs >= 3600)
		snprintf(out, n, "%" PRId64 " h %" PRId64 " min", secs / 3600,
		    secs % 3600 / 60);
	else
		snprintf(out, n, "%" PRId64 " min", secs / 60);
}

void vtout_pending(struct buf *out, const struct snapshot *s, time_t now)
{
	char age[48];

	if (s->pending == 0) {
		buf_puts(out, "\nQuestions waiting: none\n");
		return;
	}
	S_age(age, sizeof(age), (int64_t)now - s->oldest);
	buf_printf(out, "\nQuestions waiting: %" PRId64 ", the oldest for %s "
	    "(SELECT id, slug, name, body FROM comments_pending;)\n",
	    s->pending, age);
}

void vtout_question(struct buf *out, const struct snapshot *s, time_t now,
    int json)
{
	char when[32];

	S_iso(when, now);
	if (json)
		buf_printf(out, "{\"time\":\"%s\",\"question\":true,"
		    "\"pending_questions\":%" PRId64 "}\n", when, s->pending);
	else
		buf_printf(out, "%.8s  a question arrived  %" PRId64
		    " waiting\n", when + 11, s->pending);
}

void vtout_json(struct buf *out, const struct snapshot *s)
{
	const struct vt_article *a;
	size_t i;
	int d;

	buf_putc(out, '[');
	for (i = 0; i < s->n; i++) {
		a = &s->art[i];
		buf_puts(out, i == 0 ? "\n{\"slug\":" : ",\n{\"slug\":");
		S_json_string(out, a->slug, a->slug_len);
		buf_puts(out, ",\"title\":");
		S_json_string(out, a->title, a->title_len);
		buf_printf(out, ",\"draft\":%s,\"total\":%" PRId64 ",\"today\":%"
		    PRId64 ",\"last7\":%" PRId64 ",\"days\":[",
		    a->draft ? "true" : "false", a->live,
		    a->days[VT_DAYS - 1], S_last7(a));
		for (d = 0; d < VT_DAYS; d++)
			buf_printf(out, "%s%" PRId64, d ? "," : "", a->days[d]);
		buf_putc(out, ']');
		S_json_pending(out, a);
		buf_putc(out, '}');
	}
	buf_puts(out, s->n ? "\n]\n" : "]\n");
}

int vtout_write(const struct buf *out)
{
	if ((out->len > 0 && fwrite(out->data, 1, out->len, stdout) !=
	    out->len) || fflush(stdout) != 0) {
		fprintf(stderr, "viewtail: write: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

void vtout_change(struct buf *out, const struct vt_article *a,
    int64_t delta, time_t now, int json)
{
	char when[32];
	struct tm tm;

	gmtime_r(&now, &tm);
	if (json) {
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		buf_printf(out, "{\"time\":\"%s\",\"slug\":", when);
		S_json_string(out, a->slug, a->slug_len);
		buf_printf(out, ",\"delta\":%" PRId64 ",\"total\":%" PRId64
		    "}\n", delta, a->live);
		return;
	}
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	buf_printf(out, "%s  %+" PRId64 "  %" PRId64 "  ", when, delta,
	    a->live);
	S_put_cell(out, a->slug, a->slug_len,
	    S_term_width(a->slug, a->slug_len), 0);
	buf_putc(out, '\n');
}
