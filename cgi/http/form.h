/* form.h: an application/x-www-form-urlencoded body (the question form's
 * POST) read into the few fields articled knows.  Never fails: a field
 * that is missing or broken off (a body cut at the limit, a bad escape)
 * is kept as far as it could be read, so the patient's text can always
 * be shown back to them. */
#ifndef ARTICLED_FORM_H
#define ARTICLED_FORM_H

#include <stddef.h>

#include "lib/buf.h"

/* The fields by name; an unknown name is ignored, a repeated one keeps
 * its first value. */
struct form_field {
	const char	*name;
	struct buf	 value;	/* decoded, NUL-terminated by buf_cstr */
	int		 seen;
};

/* Decodes body into fields (n of them, names set, values empty). */
void	form_parse(const char *body, size_t len, struct form_field *fields,
	    size_t n);
void	form_free(struct form_field *fields, size_t n);

/* True if a Content-Type value is application/x-www-form-urlencoded
 * (any case, parameters after ';' allowed). */
int	form_is_urlencoded(const char *content_type);

#endif
