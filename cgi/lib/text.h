/* text.h: the byte-level rules for text that reaches a page or comes from
 * a URL.  Every string from the database passes text_escape_html (or
 * text_sanitize) on its way out, so invalid UTF-8 and code points HTML
 * forbids never reach a browser; URLs are decoded strictly. */
#ifndef ARTICLED_TEXT_H
#define ARTICLED_TEXT_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

/* Appends s with every invalid UTF-8 sequence, NUL, control character
 * other than TAB LF FF CR, DEL, C1 control and noncharacter replaced by
 * U+FFFD. */
void	text_sanitize(struct buf *out, const char *s, size_t n);

/* Like text_sanitize, and escapes & < > " ' as character references:
 * safe in element content and in quoted attribute values. */
void	text_escape_html(struct buf *out, const char *s, size_t n);

/* True if s is valid UTF-8 with no code point text_sanitize replaces. */
bool	text_is_clean(const char *s, size_t n);

/* Decodes %XX escapes of src into dst (which may be src; the result is
 * never longer).  Returns the decoded length, or -1 for a malformed
 * escape or an encoded NUL.  '+' is left as it is (paths, not forms). */
long	text_url_decode(char *dst, const char *src, size_t n);

/* The value of hex digit c (either case), or -1. */
int	text_hex_value(char c);

/* How text_url_encode writes what it keeps: a path keeps '/'; a form
 * value (a query string's) writes a space as '+'. */
enum text_url { TEXT_URL_PATH, TEXT_URL_FORM };
/* Appends s with every byte outside RFC 3986's unreserved set (and, in
 * a path, '/') percent-encoded: safe for a Location header or an href. */
void	text_url_encode(struct buf *out, const char *s, size_t n,
	    enum text_url how);

/* Length of the UTF-8 sequence starting s (1..4) if it is valid and
 * allowed, else 0.  Sets *cp to the code point. */
size_t	text_utf8_next(const unsigned char *s, size_t n, unsigned *cp);

#endif
