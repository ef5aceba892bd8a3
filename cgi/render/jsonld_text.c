/* jsonld_text.c: JSON-LD's strings (jsonld_text.h).  Every string goes
 * through one escape, jsonld_string, which writes only ASCII: the script
 * element ends at the first "</script" whatever the JSON says, so "<"
 * never appears raw, and U+2028/2029 (line terminators to older
 * JavaScript) are escaped too. */
#include <stdio.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/text.h"
#include "render/jsonld_text.h"
#include "store/store.h"

static void S_code_point(struct buf *out, unsigned cp)
{
	if (cp >= 0x10000) {	/* a surrogate pair */
		cp -= 0x10000;
		buf_printf(out, "\\u%04x\\u%04x", 0xd800 + (cp >> 10),
		    0xdc00 + (cp & 0x3ff));
		return;
	}
	buf_printf(out, "\\u%04x", cp);
}

void jsonld_string(struct buf *out, const char *s, size_t n)
{
	struct buf clean = BUF_INIT;
	const unsigned char *p;
	size_t i, len;
	unsigned cp;

	text_sanitize(&clean, s, n);	/* every sequence is valid after */
	p = (const unsigned char *)(clean.data ? clean.data : "");
	buf_putc(out, '"');
	for (i = 0; i < clean.len; i += len) {
		len = text_utf8_next(p + i, clean.len - i, &cp);
		if (len == 0) {
			len = 1;
			cp = 0xfffd;
		}
		if (cp == '"' || cp == '\\') {
			buf_putc(out, '\\');
			buf_putc(out, (char)cp);
		} else if (cp >= 0x20 && cp < 0x7f && cp != '<' && cp != '>' &&
		    cp != '&' && cp != '\'') {
			buf_putc(out, (char)cp);
		} else {
			S_code_point(out, cp);
		}
	}
	buf_putc(out, '"');
	buf_free(&clean);
}

static void S_str(struct buf *out, const char *s)
{
	jsonld_string(out, s, strlen(s));
}

void jsonld_key(struct buf *out, const char *key, const char *value)
{
	buf_printf(out, ",\"%s\":", key);
	S_str(out, value);
}
