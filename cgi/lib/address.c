/* address.c: the one place an article's address is written (address.h). */
#include <stdio.h>

#include "lib/address.h"

void address_post(char *out, size_t len, const char *root, const char *slug)
{
	snprintf(out, len, "%s" ADDRESS_POST "%s", root, slug);
}
