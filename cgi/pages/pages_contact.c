/* pages_contact.c: /contact, the clinic's facts in one place: its
 * address, phones, email, booking link, whether it takes new patients,
 * its week's hours and closures, and its map as a picture from media (no
 * third-party embed: the CSP stays strict).  Statuses: 200, 500, 503. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/buf.h"
#include "pages/cache.h"
#include "pages/clinic_week.h"
#include "pages/handler.h"
#include "pages/handlers.h"
#include "pages/layout.h"
#include "pages/pages_int.h"
#include "render/jsonld_clinic.h"
#include "render/phone.h"
#include "render/picture.h"
#include "http/views.h"
#include "store/store.h"

static const char *const S_address_keys[] = { "street_address", "locality",
    "region", "postcode" };
#define ADDRESS_LINES	4

struct contact_page {
	struct clinic_week	 week;
	struct tval		 avals[ADDRESS_LINES][1];
	struct tctx		 lines[ADDRESS_LINES];
	size_t			 nlines;
	char			 mailto[400];
	char			 new_patients[96];
	struct buf		 map;
	struct buf		 jsonld;
};

static void S_address(const struct site *site, struct contact_page *cp)
{
	const char *v;
	size_t i;

	for (i = 0; i < ADDRESS_LINES; i++) {
		if ((v = store_clinic_get(site, S_address_keys[i])) == NULL)
			continue;
		cp->avals[cp->nlines][0] = tv_text("line", v);
		cp->lines[cp->nlines].vals = cp->avals[cp->nlines];
		cp->lines[cp->nlines].nvals = 1;
		cp->lines[cp->nlines].parent = NULL;
		cp->nlines++;
	}
}

static void S_facts(struct pages *p, struct contact_page *cp)
{
	const struct site *site = &p->site.settings;
	const char *email = store_clinic_get(site, "email");
	const char *np = store_clinic_get(site, "new_patients");
	const char *map = store_clinic_get(site, "map");
	struct picture_page pg = { p->site.store, p->look.root, NULL, 0, 0 };

	S_address(site, cp);
	clinic_week(site, p->site.today, &cp->week);
	if (email != NULL)
		snprintf(cp->mailto, sizeof(cp->mailto), "mailto:%s", email);
	if (np != NULL)
		snprintf(cp->new_patients, sizeof(cp->new_patients), "%s",
		    strcmp(np, "yes") == 0 ? "We are taking new patients." :
		    "We are not taking new patients at the moment.");
	if (map != NULL)
		picture_draw(&pg, map, "", PICTURE_BODY, &cp->map);
	buf_puts(&cp->jsonld, "{\"@context\":\"https://schema.org\","
	    "\"@type\":\"ContactPage\",\"mainEntity\":");
	jsonld_clinic(site, &cp->jsonld);
	buf_putc(&cp->jsonld, '}');
}

static size_t S_values(struct pages *p, struct contact_page *cp,
    struct tval *v)
{
	const struct site *site = &p->site.settings;
	const char *booking = store_clinic_get(site, "booking_url");
	const char *email = store_clinic_get(site, "email");
	size_t n = 0;

	v[n++] = tv_list("address", cp->lines, cp->nlines);
	v[n++] = tv_bool("has_address", cp->nlines > 0);
	v[n++] = tv_text("email", email ? email : "");
	v[n++] = tv_text("mailto", cp->mailto);
	v[n++] = tv_text("booking_url", booking ? booking : "");
	v[n++] = tv_text("new_patients", cp->new_patients);
	v[n++] = tv_html("map", buf_cstr(&cp->map), cp->map.len);
	n += clinic_week_values(&cp->week, v + n);
	return n;
}

/* 0, or -1 when the page cannot be drawn. */
static int S_render(struct pages *p, struct cached_page *e)
{
	struct contact_page *cp = xcalloc(1, sizeof(*cp));
	struct page_head head = { 0 };
	struct tval v[8 + CLINIC_WEEK_VALS];
	size_t n, slot = SIZE_MAX;
	char title[256];
	int rc;

	S_facts(p, cp);
	n = S_values(p, cp, v);
	snprintf(title, sizeof(title), "Contact %s", p->site.settings.name);
	head.title = title;
	head.description = "Address, opening hours, phones and map.";
	head.path = "/contact";
	head.jsonld = buf_cstr(&cp->jsonld);
	rc = layout_render(&p->look, p->tmpl->contact, v, n, &head, &e->page,
	    &slot, 1);
	buf_free(&cp->map);
	buf_free(&cp->jsonld);
	free(cp);
	e->status = 200;
	e->nslots = 0;
	return rc;
}

/* 200 with the clinic's facts; 500; 503 when the database cannot be
 * read. */
void pages_contact(struct pages *p, const struct page_req *q)
{
	struct cached_page *e;

	if (pages_down(p, q))
		return;
	if ((e = cache_get(p->cache, "contact")) == NULL) {
		e = cache_claim(p->cache, "contact");
		if (S_render(p, e) != 0) {
			cache_abandon(p->cache, e);
			pages_error(p, q, 500, NULL);
			return;
		}
		e = cache_done(p->cache, e);
	}
	pages_answer(q, e, VIEW_NONE);
}
