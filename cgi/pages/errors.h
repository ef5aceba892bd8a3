/* errors.h: error pages, drawn in the site's layout with a heading and
 * a sentence for each status. */
#ifndef ARTICLED_ERRORS_H
#define ARTICLED_ERRORS_H

#include <stddef.h>

struct buf;
struct layout;
struct response;

/* The page for status (message: NULL for the status's own sentence)
 * into out, replacing what it held. */
void	errors_render(const struct layout *l, int status, const char *message,
	    struct buf *out);
/* Answers resp with that page and the status's headers (405: Allow,
 * 503: Retry-After). */
void	errors_answer(const struct layout *l, struct response *resp,
	    int status, const char *message);
/* Writes DIR/NNN.html for the statuses nginx answers itself (400, 404,
 * 405, 413, 414, 500, 502, 503, 504 ...), each by rename, so nginx never
 * serves half a file.  0, or -1 with "PATH: why" in err. */
int	errors_write_files(const struct layout *l, const char *dir, char *err,
	    size_t errlen);

#endif
