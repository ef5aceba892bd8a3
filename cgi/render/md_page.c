/* md_page.c: the plain parts of a rendered article (md_page.h), apart
 * from markdown.c, which alone includes cmark. */
#include <limits.h>

#include "lib/buf.h"
#include "render/md_page.h"

#define MD_WORDS_PER_MIN 200

void md_page_init(struct md_page *p)
{
	buf_init(&p->html);
	buf_init(&p->excerpt);
	p->words = 0;
}

void md_page_free(struct md_page *p)
{
	buf_free(&p->html);
	buf_free(&p->excerpt);
	p->words = 0;
}

unsigned md_reading_minutes(size_t words)
{
	size_t min = words / MD_WORDS_PER_MIN + (words % MD_WORDS_PER_MIN != 0);

	if (min == 0)
		return 1;
	return min > UINT_MAX ? UINT_MAX : (unsigned)min;
}
