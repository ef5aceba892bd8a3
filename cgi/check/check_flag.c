/* check_flag.c: the problems of the article being checked (check_int.h),
 * each as "kind\tdetail", which check.c prints and then forgets. */
#include <stdarg.h>
#include <stdio.h>

#include "check/check_int.h"
#include "lib/alloc.h"
#include "lib/buf.h"

void check_flag(struct check_ctx *c, const char *kind, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	char detail[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	buf_printf(&b, "%s\t%s", kind, detail);
	c->problems = xrealloc(c->problems,
	    (c->nproblems + 1) * sizeof(*c->problems));
	c->problems[c->nproblems++] = xstrdup(buf_cstr(&b));
	buf_free(&b);
}
