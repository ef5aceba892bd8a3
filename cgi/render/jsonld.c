/* jsonld.c: JSON-LD for a post and for a person of the clinic.  Every
 * string goes through one escape (jsonld_text.c). */
#include <stdio.h>
#include <string.h>

#include "lib/buf.h"
#include "render/jsonld.h"
#include "render/jsonld_clinic.h"
#include "render/jsonld_text.h"
#include "lib/text.h"

#define S_key	jsonld_key

static void S_str(struct buf *out, const char *s)
{
	jsonld_string(out, s, strlen(s));
}

void jsonld_image_url(const struct site *site, struct buf *out)
{
	if (site->image[0] == '/')
		buf_puts(out, site->base_url);
	buf_puts(out, site->image);
}

/* base + frag as a JSON string: a node's @id. */
static void S_id(struct buf *out, const char *base, const char *frag)
{
	struct buf b = BUF_INIT;

	buf_puts(&b, base);
	buf_puts(&b, frag);
	S_str(out, buf_cstr(&b));
	buf_free(&b);
}

static void S_ref(struct buf *out, const char *key, const char *base,
    const char *frag)
{
	buf_printf(out, ",\"%s\":{\"@id\":", key);
	S_id(out, base, frag);
	buf_putc(out, '}');
}

static void S_registration(const struct person *p, struct buf *out)
{
	buf_puts(out, "{\"@type\":\"EducationalOccupationalCredential\","
	    "\"credentialCategory\":\"Professional registration\"");
	S_key(out, "name", p->reg_number[0] != '\0' ? p->reg_number :
	    p->reg_body);
	buf_puts(out, ",\"recognizedBy\":{\"@type\":\"Organization\"");
	S_key(out, "name", p->reg_body);
	if (p->reg_url[0] != '\0')
		S_key(out, "url", p->reg_url);
	buf_puts(out, "}}");
}

/* A person of the clinic: their page, role, credentials as written and
 * their registration, as credential and as membership. */
void jsonld_person(const struct site *site, const struct person *p,
    struct buf *out)
{
	struct buf url = BUF_INIT;

	buf_printf(&url, "%s/people/%s", site->base_url, p->slug);
	buf_puts(out, "{\"@type\":\"Person\"");
	S_key(out, "name", p->name);
	S_key(out, "url", buf_cstr(&url));
	if (p->role[0] != '\0')
		S_key(out, "jobTitle", p->role);
	buf_puts(out, ",\"hasCredential\":[");
	if (p->credentials[0] != '\0') {
		buf_puts(out, "{\"@type\":\"EducationalOccupationalCredential\"");
		S_key(out, "name", p->credentials);
		buf_puts(out, p->reg_body[0] != '\0' ? "}," : "}");
	}
	if (p->reg_body[0] != '\0')
		S_registration(p, out);
	buf_putc(out, ']');
	if (p->reg_body[0] != '\0') {
		buf_puts(out, ",\"memberOf\":{\"@type\":\"Organization\"");
		S_key(out, "name", p->reg_body);
		if (p->reg_url[0] != '\0')
			S_key(out, "url", p->reg_url);
		buf_putc(out, '}');
	}
	S_ref(out, "worksFor", site->base_url, "/#clinic");
	buf_putc(out, '}');
	buf_free(&url);
}

/* The BlogPosting: the article itself, by its author (the clinic when it
 * names none), published by the clinic.  One function, so that what a
 * post adds (comments) is added in one place. */
static void S_blogposting(const struct site *site, const struct article *a,
    const char *description, const char *url, const char *image,
    const struct jsonld_people *pp, const char *more, struct buf *out)
{
	buf_puts(out, "{\"@type\":\"BlogPosting\"");
	buf_puts(out, ",\"@id\":");
	S_id(out, url, "#article");
	S_key(out, "headline", a->title);
	S_key(out, "description", description);
	S_key(out, "url", url);
	S_ref(out, "mainEntityOfPage", url, "#page");
	S_key(out, "datePublished", a->published_at);
	S_key(out, "dateModified", a->updated_at);
	S_key(out, "inLanguage", site->lang);
	if (image[0] != '\0')
		S_key(out, "image", image);
	buf_puts(out, ",\"author\":");
	if (pp->author != NULL && pp->author->slug != NULL) {
		jsonld_person(site, pp->author, out);
	} else {
		buf_puts(out, "{\"@type\":\"Organization\"");
		S_key(out, "name", site->name);
		buf_putc(out, '}');
	}
	S_ref(out, "publisher", site->base_url, "/#clinic");
	if (more != NULL)
		buf_puts(out, more);
	buf_putc(out, '}');
}

/* The page: medical information for patients, when it was last reviewed
 * and by whom, about the BlogPosting. */
static void S_webpage(const struct site *site, const struct article *a,
    const char *url, const struct jsonld_people *pp, struct buf *out)
{
	buf_puts(out, "{\"@type\":\"MedicalWebPage\",\"@id\":");
	S_id(out, url, "#page");
	S_key(out, "url", url);
	S_key(out, "name", a->title);
	S_key(out, "inLanguage", site->lang);
	buf_puts(out, ",\"medicalAudience\":{\"@type\":\"Patient\"}");
	S_ref(out, "mainEntity", url, "#article");
	S_ref(out, "publisher", site->base_url, "/#clinic");
	if (a->reviewed_on[0] != '\0')
		S_key(out, "lastReviewed", a->reviewed_on);
	if (pp->reviewer != NULL && pp->reviewer->slug != NULL) {
		buf_puts(out, ",\"reviewedBy\":");
		jsonld_person(site, pp->reviewer, out);
	} else if (a->reviewed_by[0] != '\0') {
		buf_puts(out, ",\"reviewedBy\":{\"@type\":\"Person\"");
		S_key(out, "name", a->reviewed_by);
		buf_putc(out, '}');
	}
	buf_putc(out, '}');
}

void jsonld_post(const struct site *site, const struct article *a,
    const char *description, const char *path, const char *cover,
    const struct jsonld_people *pp, const char *more, struct buf *out)
{
	struct buf url = BUF_INIT, image = BUF_INIT;

	buf_puts(&url, site->base_url);
	buf_puts(&url, path);
	if (cover != NULL)
		buf_puts(&image, cover);
	else
		jsonld_image_url(site, &image);
	buf_puts(out, "{\"@context\":\"https://schema.org\",\"@graph\":[");
	S_webpage(site, a, buf_cstr(&url), pp, out);
	buf_putc(out, ',');
	S_blogposting(site, a, description, buf_cstr(&url), buf_cstr(&image),
	    pp, more, out);
	buf_putc(out, ',');
	jsonld_clinic(site, out);
	buf_puts(out, "]}");
	buf_free(&url);
	buf_free(&image);
}
