/* picture_webp.c: metadata out of a WebP file, by hand.
 *
 * libvips 8.14.1's WebP saver ignores strip=TRUE for EXIF: it writes an
 * EXIF chunk made afresh (orientation, resolution, size) even when the
 * image carries no metadata.  Nothing private is in it, but a variant
 * must carry no metadata at all, so the container's EXIF, XMP and ICCP
 * chunks are cut out here and VP8X's flags for them cleared (RIFF
 * layout: https://developers.google.com/speed/webp/docs/riff_container).
 */
#include <stdint.h>
#include <string.h>

#include "picture/picture_webp.h"

#define S_FLAG_ICC	0x20
#define S_FLAG_EXIF	0x08
#define S_FLAG_XMP	0x04

static uint32_t S_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void S_put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static int S_metadata(const unsigned char *fourcc)
{
	return memcmp(fourcc, "EXIF", 4) == 0 ||
	    memcmp(fourcc, "XMP ", 4) == 0 || memcmp(fourcc, "ICCP", 4) == 0;
}

size_t picture_webp_strip(unsigned char *p, size_t len)
{
	size_t pos = 12, chunk;

	if (len < 12 || memcmp(p, "RIFF", 4) != 0 ||
	    memcmp(p + 8, "WEBP", 4) != 0 || S_le32(p + 4) != len - 8)
		return 0;
	while (pos < len) {
		if (len - pos < 8)
			return 0;
		chunk = 8 + (size_t)S_le32(p + pos + 4);
		chunk += chunk & 1;			/* padded to even */
		if (chunk > len - pos)
			return 0;
		if (memcmp(p + pos, "VP8X", 4) == 0 && chunk >= 9)
			p[pos + 8] &= (unsigned char)~(S_FLAG_ICC |
			    S_FLAG_EXIF | S_FLAG_XMP);
		if (!S_metadata(p + pos)) {
			pos += chunk;
			continue;
		}
		memmove(p + pos, p + pos + chunk, len - pos - chunk);
		len -= chunk;
	}
	S_put_le32(p + 4, (uint32_t)(len - 8));
	return len;
}
