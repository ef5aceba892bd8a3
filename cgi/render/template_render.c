/* template_render.c: renders a parsed template (template_ops.h) per
 * request with one loop over its ops.  Rendering does no allocation of
 * its own: literal spans and names point into the template's copy of its
 * source, and only the output buffer grows. */
#include <string.h>

#include "lib/buf.h"
#include "render/template.h"
#include "render/template_ops.h"
#include "lib/text.h"

#define TMPL_MAX_DEPTH	4		/* TMPL values nested in TMPLs */

struct render_state {
	struct buf	*out;
	size_t		*slots;
	size_t		 nslots;
	int		 depth;	/* TMPL values entered */
};

static int S_render_ops(struct render_state *, const struct tmpl *,
    size_t, size_t, const struct tctx *);

static const struct tval *S_lookup(const struct tctx *ctx, const char *s,
    size_t n)
{
	const struct tval *v;
	size_t i;

	for (; ctx != NULL; ctx = ctx->parent) {
		for (i = 0; i < ctx->nvals; i++) {
			v = &ctx->vals[i];
			if (v->name != NULL && strncmp(v->name, s, n) == 0 &&
			    v->name[n] == '\0')
				return v;
		}
	}
	return NULL;
}

/* Whether {{#name}} renders its inside (and {{^name}} does not). */
static int S_truthy(const struct tval *v)
{
	if (v == NULL)
		return 0;
	switch (v->kind) {
	case TVAL_TEXT:
	case TVAL_HTML:
		return v->n > 0;
	case TVAL_LIST:
		return v->nitems > 0;
	case TVAL_BOOL:
		return v->b != 0;
	case TVAL_SLOT:
		return 1;
	case TVAL_TMPL:
		return v->tmpl != NULL;
	}
	return 0;
}

/* Writes one value for {{name}} or {{{name}}}: both go by the value's
 * kind, so raw output is only ever trusted HTML. */
static int S_render_value(struct render_state *st, const struct tval *v,
    const struct tctx *ctx)
{
	int rc;

	switch (v->kind) {
	case TVAL_TEXT:
		if (v->n > 0)
			text_escape_html(st->out, v->s, v->n);
		return 0;
	case TVAL_HTML:
		buf_put(st->out, v->s, v->n);
		return 0;
	case TVAL_SLOT:
		if (v->slot >= 0 && (size_t)v->slot < st->nslots)
			st->slots[v->slot] = st->out->len;
		return 0;
	case TVAL_TMPL:
		if (v->tmpl == NULL)
			return 0;
		if (st->depth == TMPL_MAX_DEPTH)
			return -1;
		st->depth++;
		rc = S_render_ops(st, v->tmpl, 0, v->tmpl->nops, ctx);
		st->depth--;
		return rc;
	case TVAL_LIST:
	case TVAL_BOOL:
		return 0;
	}
	return 0;
}

/* Renders the inside of the section whose SECTION op is t->ops[i]: per
 * item for a list, with the item chained to ctx on the stack. */
static int S_render_section(struct render_state *st, const struct tmpl *t,
    size_t i, const struct tctx *ctx)
{
	const struct op *op = &t->ops[i];
	const struct tval *v = S_lookup(ctx, op->s, op->n);
	struct tctx item;
	size_t k;

	if (!S_truthy(v))
		return 0;
	if (v->kind != TVAL_LIST)
		return S_render_ops(st, t, i + 1, op->end, ctx);
	for (k = 0; k < v->nitems; k++) {
		item.vals = v->items[k].vals;
		item.nvals = v->items[k].nvals;
		item.parent = ctx;
		if (S_render_ops(st, t, i + 1, op->end, &item) == -1)
			return -1;
	}
	return 0;
}

/* Renders t->ops[from..to).  A section's inside is rendered by a nested
 * call, so recursion is bounded by the parser's nesting limit times the
 * TMPL depth limit. */
static int S_render_ops(struct render_state *st, const struct tmpl *t,
    size_t from, size_t to, const struct tctx *ctx)
{
	const struct op *op;
	const struct tval *v;
	size_t i = from;

	while (i < to) {
		op = &t->ops[i];
		switch (op->kind) {
		case OP_TEXT:
			buf_put(st->out, op->s, op->n);
			break;
		case OP_VAR:
		case OP_RAW:
			v = S_lookup(ctx, op->s, op->n);
			if (v != NULL && S_render_value(st, v, ctx) == -1)
				return -1;
			break;
		case OP_SECTION:
			if (S_render_section(st, t, i, ctx) == -1)
				return -1;
			i = op->end;
			break;
		case OP_INVERTED:
			v = S_lookup(ctx, op->s, op->n);
			if (!S_truthy(v) &&
			    S_render_ops(st, t, i + 1, op->end, ctx) == -1)
				return -1;
			i = op->end;
			break;
		case OP_END:
			break;	/* not reached: sections jump past theirs */
		}
		i++;
	}
	return 0;
}

int tmpl_render(const struct tmpl *t, const struct tctx *ctx,
    struct buf *out, size_t *slots, size_t nslots)
{
	struct render_state st;
	size_t start = out->len;

	st.out = out;
	st.slots = slots;
	st.nslots = nslots;
	st.depth = 0;
	if (S_render_ops(&st, t, 0, t->nops, ctx) == -1) {
		out->len = start;
		return -1;
	}
	return 0;
}
