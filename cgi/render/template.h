/* template.h: a small Mustache subset, parsed once at start-up and
 * rendered on every request.  The kind of a value, not the tag, decides
 * how it is written: TEXT is always escaped, HTML (built by our code) is
 * copied, so a template cannot make text leak into a page unescaped.
 *
 * Syntax: {{name}}, {{{name}}} (raw; checked by tmpl_check), {{#name}}
 * ... {{/name}}, {{^name}} ... {{/name}}, {{! comment }}.  Names are
 * [A-Za-z0-9_.-], at most 64 bytes; sections nest at most 16 deep; a
 * template is at most 1 MiB. */
#ifndef ARTICLED_TEMPLATE_H
#define ARTICLED_TEMPLATE_H

#include <stddef.h>

struct buf;

struct tmpl;					/* parsed template; owns its memory */

enum tval_kind { TVAL_TEXT, TVAL_HTML, TVAL_SLOT, TVAL_LIST, TVAL_BOOL, TVAL_TMPL };

struct tctx;

/* One named value.  {{name}} writes TEXT escaped, HTML as is, records
 * out->len for SLOT, renders a TMPL inline with the current context, and
 * writes nothing for LIST or BOOL.  {{{name}}} writes the same way: raw is
 * only ever honoured for HTML.
 * {{#name}} renders its inside once per LIST item, or once if the value is
 * BOOL true, non-empty TEXT or HTML, a SLOT or a non-NULL TMPL; {{^name}}
 * renders it exactly when {{#name}} would not (missing, false, empty). */
struct tval {
	const char		*name;
	enum tval_kind		 kind;
	const char		*s;	/* TEXT, HTML */
	size_t			 n;	/* TEXT, HTML: length of s */
	const struct tctx	*items;	/* LIST */
	size_t			 nitems;/* LIST */
	int			 b;	/* BOOL */
	int			 slot;	/* SLOT: index into the slots array given to tmpl_render */
	const struct tmpl	*tmpl;	/* TMPL */
};

/* A scope of values.  For a LIST item, parent is ignored: the renderer
 * chains the item to the context the section is rendered in. */
struct tctx {
	const struct tval	*vals;
	size_t			 nvals;
	const struct tctx	*parent;	/* lookup continues here when a name is not found */
};

/* Parses text (need not be NUL-terminated).  On error returns NULL and
 * writes "NAME:LINE: what is wrong" into err (NAME is the name argument,
 * e.g. the file name). */
struct tmpl	*tmpl_parse(const char *name, const char *text, size_t len, char *err, size_t errlen);

/* Reads and parses a file; errors like tmpl_parse, or "PATH: strerror"
 * for I/O. */
struct tmpl	*tmpl_load(const char *path, char *err, size_t errlen);

void		 tmpl_free(struct tmpl *t);

/* Fails (returns -1, message "NAME:LINE: unknown name 'x'" or
 * "NAME:LINE: {{{x}}} not allowed: only ... may be raw") when the template
 * uses a name not in names[] (NULL-terminated) or uses {{{x}}} for a name
 * not in raw_names[] (NULL-terminated; may be NULL for none).  names[] is
 * the whole vocabulary, so a raw name belongs in both lists.  A typo in a
 * template thus stops the server at start-up, not at the first request.
 * Returns 0 if fine. */
int		 tmpl_check(const struct tmpl *t, const char *const *names, const char *const *raw_names, char *err, size_t errlen);

/* Renders into out (appending).  slots[i] receives out->len at the moment
 * SLOT value i is rendered (slot indices must be < nslots; others are
 * ignored).  Returns 0, or -1 if rendering nests TMPL values deeper than 4
 * (a loop); out is then truncated back to its length on entry and slots
 * may hold offsets past it.  A missing name renders nothing.  Allocates
 * nothing but out's growth. */
int		 tmpl_render(const struct tmpl *t, const struct tctx *ctx, struct buf *out, size_t *slots, size_t nslots);

#endif
