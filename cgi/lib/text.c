/* text.c: UTF-8 cleaning, HTML escaping and strict URL decoding. */
#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"
#include "lib/text.h"

static const char S_replacement[] = "\xEF\xBF\xBD";	/* U+FFFD */

/* Code points the HTML standard forbids in a document even as
 * character references: controls other than ASCII whitespace, and the
 * noncharacters. */
static bool S_forbidden(unsigned cp)
{
	if (cp < 0x20)
		return !(cp == '\t' || cp == '\n' || cp == '\f' || cp == '\r');
	if (cp >= 0x7F && cp <= 0x9F)
		return true;
	if (cp >= 0xFDD0 && cp <= 0xFDEF)
		return true;
	return (cp & 0xFFFE) == 0xFFFE;
}

size_t text_utf8_next(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0], v, min;
	size_t len, i;

	if (c < 0x80) {
		len = 1, v = c, min = 0;
	} else if (c >= 0xC2 && c <= 0xDF) {
		len = 2, v = c & 0x1F, min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3, v = c & 0x0F, min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	if (S_forbidden(v))
		return 0;
	*cp = v;
	return len;
}

/* Length of the invalid run to replace by one U+FFFD: the lead byte and
 * any continuation bytes that follow it, so one broken character gives
 * one replacement. */
static size_t S_invalid_len(const unsigned char *s, size_t n)
{
	size_t i = 1;

	while (i < n && i < 4 && (s[i] & 0xC0) == 0x80)
		i++;
	return i;
}

static void S_clean(struct buf *out, const char *str, size_t n, bool escape)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, start = 0, len;
	const char *ent;
	unsigned cp;

	while (i < n) {
		ent = NULL;
		if (s[i] >= 0x20 && s[i] < 0x7F) {
			if (escape) {
				switch (s[i]) {
				case '&': ent = "&amp;"; break;
				case '<': ent = "&lt;"; break;
				case '>': ent = "&gt;"; break;
				case '"': ent = "&quot;"; break;
				case '\'': ent = "&#39;"; break;
				default: break;
				}
			}
			if (ent == NULL) {
				i++;
				continue;
			}
			len = 1;
		} else if ((len = text_utf8_next(s + i, n - i, &cp)) != 0) {
			i += len;
			continue;
		} else {
			ent = S_replacement;
			len = s[i] < 0x80 ? 1 : S_invalid_len(s + i, n - i);
		}
		buf_put(out, s + start, i - start);
		buf_puts(out, ent);
		i += len;
		start = i;
	}
	buf_put(out, s + start, i - start);
}

void text_sanitize(struct buf *out, const char *s, size_t n)
{
	S_clean(out, s, n, false);
}

void text_escape_html(struct buf *out, const char *s, size_t n)
{
	S_clean(out, s, n, true);
}

bool text_is_clean(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, len;
	unsigned cp;

	while (i < n) {
		if (s[i] >= 0x20 && s[i] < 0x7F) {	/* printable ASCII */
			i++;
			continue;
		}
		if ((len = text_utf8_next(s + i, n - i, &cp)) == 0)
			return false;
		i += len;
	}
	return true;
}

int text_hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long text_url_decode(char *dst, const char *src, size_t n)
{
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if (src[i] != '%') {
			if (src[i] == '\0')
				return -1;
			dst[o++] = src[i];
			continue;
		}
		if (i + 2 >= n)
			return -1;
		hi = text_hex_value(src[i + 1]);
		lo = text_hex_value(src[i + 2]);
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
			return -1;
		dst[o++] = (char)(hi << 4 | lo);
		i += 2;
	}
	return (long)o;
}

void text_url_encode(struct buf *out, const char *s, size_t n,
    enum text_url how)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char c;
	size_t i;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~' || (c == '/' && how == TEXT_URL_PATH)) {
			buf_putc(out, (char)c);
		} else if (c == ' ' && how == TEXT_URL_FORM) {
			buf_putc(out, '+');
		} else {
			buf_putc(out, '%');
			buf_putc(out, hex[c >> 4]);
			buf_putc(out, hex[c & 15]);
		}
	}
}
