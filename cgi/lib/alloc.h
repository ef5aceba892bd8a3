/* alloc.h: allocation that cannot fail.  Out of memory is not an error a
 * page handler can answer; like cmark's allocator, these abort with a
 * message instead of returning NULL. */
#ifndef ARTICLED_ALLOC_H
#define ARTICLED_ALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
