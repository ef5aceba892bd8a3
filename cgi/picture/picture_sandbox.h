/* picture_sandbox.h: articled-picture's own seccomp filter, loaded once
 * libvips is started and before any untrusted byte is decoded
 * (docs/security.md, "The picture maker"). */
#ifndef ARTICLED_PICTURE_SANDBOX_H
#define ARTICLED_PICTURE_SANDBOX_H

#include <stddef.h>

/* Sets no_new_privs and loads the filter on every thread of the
 * process.  0, or -1 with the reason in err. */
int	picture_sandbox_enter(char *err, size_t errlen);

#endif
