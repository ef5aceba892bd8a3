/* template_ops.h: a parsed template, shared by the parser (template.c)
 * and the renderer (template_render.c) and by nothing else. */
#ifndef ARTICLED_TEMPLATE_OPS_H
#define ARTICLED_TEMPLATE_OPS_H

#include <stddef.h>

enum op_kind {
	OP_TEXT,	/* literal span */
	OP_VAR,		/* {{name}} */
	OP_RAW,		/* {{{name}}} */
	OP_SECTION,	/* {{#name}} */
	OP_INVERTED,	/* {{^name}} */
	OP_END		/* {{/name}} */
};

struct op {
	enum op_kind	 kind;
	const char	*s;	/* TEXT: the literal; others: the name */
	size_t		 n;	/* length of s */
	size_t		 end;	/* SECTION, INVERTED: its OP_END */
	size_t		 line;	/* of the tag, for tmpl_check */
};

struct tmpl {
	char		*name;	/* for messages */
	char		*text;	/* copy of the source; ops point in */
	struct op	*ops;
	size_t		 nops;
	size_t		 opcap;
};

#endif
