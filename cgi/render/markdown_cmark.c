/* markdown_cmark.c: the allocator every cmark node of a render comes
 * from (markdown_cmark.h), apart so that markdown.c and the files that
 * add nodes to its tree (markdown_pictures.c, alerts.c) share it
 * without depending on each other. */
#include "render/bound.h"
#include "render/markdown_cmark.h"

/* cmark's allocations go to the render bound's arena (bound.h), ours
 * too: cmark_node_free frees a tree with its root's allocator. */
static cmark_mem S_mem = { bound_calloc, bound_realloc, bound_free };

cmark_mem *md_mem(void)
{
	return &S_mem;
}
