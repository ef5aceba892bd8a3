/* test_phone.c: phone_tel_uri, for the ways a UK or EU clinic writes its
 * numbers.  Prints TAP-style lines and a final "N passed, N failed";
 * exits 1 if any test failed. */
#include <stdio.h>
#include <string.h>

#include "render/phone.h"
#include "runner.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Fails the current test, naming the number and both URIs. */
#define TEL(phone, want) do {						\
	char got_[128];							\
	phone_tel_uri((phone), got_, sizeof(got_));			\
	if (strcmp(got_, (want)) != 0) {				\
		printf("# %s:%d: \"%s\" gave \"%s\", not \"%s\"\n",	\
		    __FILE__, __LINE__, (phone), got_, (want));		\
		return 0;						\
	}								\
} while (0)

static int test_national_numbers_keep_their_digits(void)
{
	TEL("01234 567890", "tel:01234567890");
	TEL("07872-645683", "tel:07872645683");
	TEL("(01234) 567 890", "tel:01234567890");
	TEL("020 7946 0000", "tel:02079460000");
	TEL("01234.567.890", "tel:01234567890");
	return 1;
}

static int test_international_numbers_start_with_plus(void)
{
	TEL("+44 1234 567890", "tel:+441234567890");
	TEL("+33 1 23 45 67 89", "tel:+33123456789");
	TEL("+39 06 1234 5678", "tel:+390612345678");	/* Italy keeps its 0 */
	TEL("(+44) 1234 567890", "tel:+441234567890");
	TEL("(+44) 123", "tel:+44123");
	return 1;
}

static int test_trunk_zero_after_a_country_code_is_dropped(void)
{
	TEL("+44 (0)1234 567890", "tel:+441234567890");
	TEL("+44 (0) 1234 567890", "tel:+441234567890");
	TEL("+44(0)20 7946 0000", "tel:+442079460000");
	TEL("+49 (0)30 1234567", "tel:+49301234567");
	return 1;
}

static int test_double_zero_is_the_international_prefix(void)
{
	TEL("0044 1234 567890", "tel:+441234567890");
	TEL("0044 (0)1234 567890", "tel:+441234567890");
	return 1;
}

static int test_a_parenthesised_area_code_is_not_a_trunk_zero(void)
{
	TEL("(0)1234 567890", "tel:01234567890");	/* no country code */
	TEL("(020) 7946 0000", "tel:02079460000");
	return 1;
}

static int test_extensions_become_ext_parameters(void)
{
	TEL("01234 567890 ext 12", "tel:01234567890;ext=12");
	TEL("01234 567890 ext. 12", "tel:01234567890;ext=12");
	TEL("01234 567890 Extension 345", "tel:01234567890;ext=345");
	TEL("+44 (0)1234 567890 x7", "tel:+441234567890;ext=7");
	TEL("01234 567890 #22", "tel:01234567890;ext=22");
	TEL("01234 567890, ext: 9", "tel:01234567890;ext=9");
	return 1;
}

static int test_leading_spaces_and_odd_text_do_not_leak_in(void)
{
	TEL("  01234 567890", "tel:01234567890");
	TEL("01234 567890 ext", "tel:01234567890");	/* no digits: no ext */
	TEL("+44 1234 + 5", "tel:+441234");
	TEL("", "tel:");
	return 1;
}

static int test_a_small_buffer_gives_a_bare_scheme(void)
{
	char out[8];

	if (phone_tel_uri("01234 567890", out, sizeof(out)) != -1 ||
	    strcmp(out, "tel:") != 0) {
		printf("# a small buffer should give -1 and \"tel:\", gave "
		    "\"%s\"\n", out);
		return 0;
	}
	return 1;
}

static const struct test S_tests[] = {
	T(test_national_numbers_keep_their_digits),
	T(test_international_numbers_start_with_plus),
	T(test_trunk_zero_after_a_country_code_is_dropped),
	T(test_double_zero_is_the_international_prefix),
	T(test_a_parenthesised_area_code_is_not_a_trunk_zero),
	T(test_extensions_become_ext_parameters),
	T(test_leading_spaces_and_odd_text_do_not_leak_in),
	T(test_a_small_buffer_gives_a_bare_scheme),
};

RUNNER_MAIN(S_tests)
