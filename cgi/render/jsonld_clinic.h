/* jsonld_clinic.h: the clinic as a schema.org MedicalClinic
 * (jsonld_clinic.c), in a post's @graph and on /contact. */
#ifndef ARTICLED_JSONLD_CLINIC_H
#define ARTICLED_JSONLD_CLINIC_H

struct buf;
struct site;

/* The clinic as a MedicalClinic node, @id base_url + "/#clinic", from
 * its settings. */
void	jsonld_clinic(const struct site *site, struct buf *out);

#endif
