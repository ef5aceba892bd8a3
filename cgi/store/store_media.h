/* store_media.h: the picture maker's side of the database (tables media
 * and media_variants): which pictures wait, one picture's bytes, and the
 * one transaction that stores what was made (or why it was refused).
 * Only the maker process opens it; the workers never write pictures. */
#ifndef ARTICLED_STORE_MEDIA_H
#define ARTICLED_STORE_MEDIA_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct media_store;

/* A picture waiting to be made (status 'pending'). */
struct media_pending {
	int64_t	id;
	int64_t	version;	/* media.version when it was listed */
	char	name[128];
};

/* One variant, as the decoder made it (data borrowed from its output). */
struct media_variant {
	char		 format[8];	/* webp, jpeg, png */
	int		 width;
	int		 height;
	const unsigned char *data;
	size_t		 len;
};

/* What the decoder made of one picture. */
struct media_made {
	int			 width;		/* as shown */
	int			 height;
	struct media_variant	*v;		/* owned by the maker */
	size_t			 n;
};

/* A variant row without its bytes (the folder's list). */
struct media_row {
	int64_t	media_id;
	int64_t	version;
	char	format[8];
	int	width;
	int64_t	len;		/* length(data) */
};
typedef void	 media_row_fn(const struct media_row *row, void *arg);

/* Opens the database (store_open) and prepares the maker's statements;
 * NULL with the reason in err. */
struct media_store *media_store_open(const char *db, char *err,
		    size_t errlen);
void		 media_store_close(struct media_store *ms);
/* site_version.rev: every change to media moves it. */
enum store_rc	 media_store_rev(struct media_store *ms, int64_t *rev);
/* The same on any connection, by a plain read.  Not store_site_rev,
 * whose own mapping of the WAL-index (made for a worker's lifetime) on a
 * connection closed soon after lost commits of other processes: found by
 * a CGI run that read it, then closed; a fold committed meanwhile by
 * another run was gone. */
enum store_rc	 media_site_rev(struct store *s, int64_t *rev);
/* Every pending picture, oldest first; *out owned by the caller (free). */
enum store_rc	 media_store_pending(struct media_store *ms,
		    struct media_pending **out, size_t *n);
/* The picture's original bytes, if it still has this version (else
 * STORE_NOTFOUND: replaced or deleted meanwhile).  *data: malloc'd. */
enum store_rc	 media_store_original(struct media_store *ms,
		    const struct media_pending *p, unsigned char **data,
		    size_t *len);
/* Stores the variants, status 'ready' and the size in one transaction,
 * dropping the picture's older rows; *stale = 1 (and nothing stored)
 * when the picture was replaced, deleted or refused meanwhile. */
enum store_rc	 media_store_made(struct media_store *ms,
		    const struct media_pending *p, const struct media_made *m,
		    int *stale);
/* Status 'refused' with the sentence in problem; *stale as above. */
enum store_rc	 media_store_refused(struct media_store *ms,
		    const struct media_pending *p, const char *problem,
		    int *stale);
/* Calls each(row, arg) for every variant row (never its bytes). */
enum store_rc	 media_store_rows(struct media_store *ms, media_row_fn *each,
		    void *arg);
/* One variant's bytes; *data: malloc'd.  STORE_NOTFOUND when gone. */
enum store_rc	 media_store_variant(struct media_store *ms,
		    const struct media_row *row, unsigned char **data,
		    size_t *len);
/* SQLite's last message, for the log. */
const char	*media_store_errmsg(const struct media_store *ms);

#endif
