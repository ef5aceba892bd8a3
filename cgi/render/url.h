/* url.h: which link and image URLs an article may keep.  The rule is
 * strict on purpose: an article needs http(s), mailto, tel and relative
 * links, and a refused link still shows its text. */
#ifndef ARTICLED_URL_H
#define ARTICLED_URL_H

#include <stdbool.h>

/* True if url, as cmark leaves it in a link or image node (percent-encoded
 * but for % and #), is one the Nu checker accepts and we allow:
 *  - not NULL, 1 to 2048 bytes;
 *  - no space, control (<= 0x20, 0x7F), backslash, < > or ": nothing a
 *    browser would strip; every % starts a %XX escape; one # at most;
 *  - a scheme (a ':' before any '/', '?' or '#') that is, in any case,
 *    http or https followed by "//" and an authority, or mailto or tel;
 *    or no scheme (relative), where a leading "//" must be followed by an
 *    authority;
 *  - an authority (up to the first '/', '?' or '#') is a host and an
 *    optional ":port" (1 to 5 digits, at most 65535); no user@, no
 *    [IPv6];
 *  - a host is letters, digits, dots and hyphens, no empty label but an
 *    optional final dot; if its last label starts with a digit it must be
 *    a dotted quad of four decimal parts 0..255 without leading zeros. */
bool	url_is_safe(const char *url);

#endif
