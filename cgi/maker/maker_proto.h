/* maker_proto.h: reading what the decoder (bin/articled-picture) writes
 * on its stdout: "size W H", then per variant "variant FORMAT W H N" and
 * N bytes, then "end"; or, for a picture it refuses, "refused SENTENCE". */
#ifndef ARTICLED_MAKER_PROTO_H
#define ARTICLED_MAKER_PROTO_H

#include <stddef.h>

#include "store/store_media.h"

/* Parses out[0..len) into m, whose variants point into out (m->v is
 * allocated: maker_proto_free).  0, or -1 with what was wrong in err. */
int	maker_proto_parse(const unsigned char *out, size_t len,
	    struct media_made *m, char *err, size_t errlen);
/* The sentence of a "refused ..." line, cleaned for the database and
 * the log (printable, at most problemlen - 1 bytes).  0, or -1 if out is
 * no such line. */
int	maker_proto_refused(const unsigned char *out, size_t len,
	    char *problem, size_t problemlen);
void	maker_proto_free(struct media_made *m);

#endif
