/* jsonld_clinic.c: the clinic as schema.org's MedicalClinic, from its
 * settings, written once for every page that names it: address, place,
 * phones, opening hours by weekday, whether it takes new patients and its
 * specialty; whatever the owner has not set is left out. */
#include <string.h>

#include "lib/buf.h"
#include "render/jsonld_clinic.h"
#include "render/jsonld_text.h"
#include "store/store.h"

static const char *const S_days[7][2] = {
	{ "mon", "Monday" }, { "tue", "Tuesday" }, { "wed", "Wednesday" },
	{ "thu", "Thursday" }, { "fri", "Friday" }, { "sat", "Saturday" },
	{ "sun", "Sunday" },
};

static void S_opt(struct buf *out, const struct site *site, const char *key,
    const char *name)
{
	const char *v = store_clinic_get(site, name);

	if (v != NULL && v[0] != '\0')
		jsonld_key(out, key, v);
}

static void S_address(const struct site *site, struct buf *out)
{
	if (store_clinic_get(site, "street_address") == NULL &&
	    store_clinic_get(site, "postcode") == NULL)
		return;
	buf_puts(out, ",\"address\":{\"@type\":\"PostalAddress\"");
	S_opt(out, site, "streetAddress", "street_address");
	S_opt(out, site, "addressLocality", "locality");
	S_opt(out, site, "addressRegion", "region");
	S_opt(out, site, "postalCode", "postcode");
	S_opt(out, site, "addressCountry", "country");
	buf_putc(out, '}');
}

static void S_geo(const struct site *site, struct buf *out)
{
	const char *lat = store_clinic_get(site, "latitude");
	const char *lon = store_clinic_get(site, "longitude");

	if (lat == NULL || lon == NULL)
		return;
	/* As text, which schema.org takes too: "053.1" is no JSON number. */
	buf_puts(out, ",\"geo\":{\"@type\":\"GeoCoordinates\"");
	jsonld_key(out, "latitude", lat);
	jsonld_key(out, "longitude", lon);
	buf_putc(out, '}');
}

/* "09:00-12:30,14:00-18:00": one specification per range. */
static void S_range(const char *day, const char *r, size_t n,
    struct buf *out)
{
	buf_printf(out, "%s{\"@type\":\"OpeningHoursSpecification\","
	    "\"dayOfWeek\":\"https://schema.org/%s\","
	    "\"opens\":\"%.5s\",\"closes\":\"%.5s\"}", n > 0 ? "," : "", day,
	    r, r + 6);
}

/* "09:00-12:30,14:00-18:00": one specification per range. */
static void S_day(const char *day, const char *hours, size_t *n,
    struct buf *out)
{
	const char *r;

	for (r = hours; strlen(r) >= 11; r += 12) {
		S_range(day, r, (*n)++, out);
		if (r[11] != ',')
			break;
	}
}

static void S_hours(const struct site *site, struct buf *out)
{
	char key[16];
	const char *v;
	size_t i, n = 0;

	buf_puts(out, ",\"openingHoursSpecification\":[");
	for (i = 0; i < 7; i++) {
		memcpy(key, "hours.", 6);
		memcpy(key + 6, S_days[i][0], 4);
		if ((v = store_clinic_get(site, key)) != NULL &&
		    strcmp(v, "closed") != 0)
			S_day(S_days[i][1], v, &n, out);
	}
	buf_putc(out, ']');
}

/* The closures not yet over, each a day range with no opening hours
 * (00:00 to 00:00: closed, as schema.org says it). */
static void S_closure(const struct closure *c, struct buf *out)
{
	buf_puts(out, "{\"@type\":\"OpeningHoursSpecification\","
	    "\"opens\":\"00:00\",\"closes\":\"00:00\"");
	jsonld_key(out, "validFrom", c->starts);
	jsonld_key(out, "validThrough", c->ends);
	buf_putc(out, '}');
}

static void S_closures(const struct site *site, struct buf *out)
{
	size_t i;

	for (i = 0; i < site->nclosures; i++) {
		buf_puts(out, i > 0 ? "," : ",\"specialOpeningHoursSpecification\":[");
		S_closure(&site->closures[i], out);
	}
	if (site->nclosures > 0)
		buf_putc(out, ']');
}

static void S_phones(const struct site *site, struct buf *out)
{
	size_t i;

	for (i = 0; i < site->ncontacts; i++) {
		buf_puts(out, i > 0 ? "," : ",\"telephone\":[");
		jsonld_string(out, site->contacts[i].phone,
		    strlen(site->contacts[i].phone));
	}
	if (site->ncontacts > 0)
		buf_putc(out, ']');
}

void jsonld_clinic(const struct site *site, struct buf *out)
{
	const char *np = store_clinic_get(site, "new_patients");
	struct buf id = BUF_INIT;

	buf_puts(&id, site->base_url);
	buf_puts(&id, "/#clinic");
	buf_puts(out, "{\"@type\":\"MedicalClinic\"");
	jsonld_key(out, "@id", buf_cstr(&id));
	buf_free(&id);
	jsonld_key(out, "name", site->name);
	jsonld_key(out, "url", site->base_url);
	S_phones(site, out);
	S_opt(out, site, "email", "email");
	S_address(site, out);
	S_geo(site, out);
	S_hours(site, out);
	S_closures(site, out);
	if (np != NULL)
		buf_printf(out, ",\"isAcceptingNewPatients\":%s",
		    strcmp(np, "yes") == 0 ? "true" : "false");
	S_opt(out, site, "medicalSpecialty", "specialty");
	buf_putc(out, '}');
}
