/* picture_webp.h: the metadata chunks taken out of a WebP file. */
#ifndef ARTICLED_PICTURE_WEBP_H
#define ARTICLED_PICTURE_WEBP_H

#include <stddef.h>

/* Removes the EXIF, XMP and ICCP chunks of the WebP file in p (len
 * bytes), in place, and clears their flags in VP8X.  Returns the new
 * length, or 0 if p is not a well-formed WebP container. */
size_t	picture_webp_strip(unsigned char *p, size_t len);

#endif
