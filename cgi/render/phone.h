/* phone.h: a phone number as the owner writes it, as a tel: URI a
 * patient's phone dials correctly (RFC 3966, E.123 conventions). */
#ifndef ARTICLED_PHONE_H
#define ARTICLED_PHONE_H

#include <stddef.h>

/* Writes "tel:" and the number's digits to out (always terminated):
 *  - "+CC" or "00CC" (international) gives "+CC…"; a trunk "(0)" written
 *    after the country code is dropped, since it is not dialled from
 *    abroad ("+44 (0)1234 567890" is tel:+441234567890);
 *  - a national number keeps its digits ("(01234) 567 890" is
 *    tel:01234567890), so it dials from inside the country;
 *  - spaces, hyphens, dots, slashes and parentheses are visual
 *    separators and go;
 *  - an extension ("ext 12", "ext. 12", "extension 12", "x12", "#12")
 *    becomes ";ext=12".
 * Anything else (letters, a second '+') ends the number there: the
 * schema refuses such contacts, so this only guards the output.
 * Returns 0, or -1 if out was too small (out then holds "tel:"). */
int	phone_tel_uri(const char *phone, char *out, size_t outlen);

#endif
