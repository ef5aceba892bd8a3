/* test_form.c: the question form's body (form.c) and SipHash-2-4
 * (siphash.c), against the published test vector. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "http/form.h"
#include "lib/siphash.h"
#include "runner.h"

enum { F_TOKEN, F_NAME, F_TEXT, F__MAX };

static void S_parse(const char *body, struct form_field *f)
{
	memset(f, 0, F__MAX * sizeof(*f));
	f[F_TOKEN].name = "token";
	f[F_NAME].name = "name";
	f[F_TEXT].name = "question";
	form_parse(body, strlen(body), f, F__MAX);
}

#define EXPECT_FIELD(f, want) do {					\
	if (strcmp(buf_cstr(&(f).value), (want)) != 0) {		\
		printf("# %s:%d: %s is \"%s\", not \"%s\"\n", __FILE__,	\
		    __LINE__, (f).name, buf_cstr(&(f).value), (want));	\
		form_free(fields, F__MAX);				\
		return 0;						\
	}								\
} while (0)

static int test_fields_are_decoded_plus_and_escapes(void)
{
	struct form_field fields[F__MAX];

	S_parse("name=Ann+Lee&question=caf%C3%A9%3F%0D%0Aok&other=x&token=1-ab",
	    fields);
	EXPECT_FIELD(fields[F_NAME], "Ann Lee");
	EXPECT_FIELD(fields[F_TEXT], "caf\xC3\xA9?\r\nok");
	EXPECT_FIELD(fields[F_TOKEN], "1-ab");
	form_free(fields, F__MAX);
	return 1;
}

static int test_a_repeated_field_keeps_its_first_value(void)
{
	struct form_field fields[F__MAX];

	S_parse("name=first&name=second", fields);
	EXPECT_FIELD(fields[F_NAME], "first");
	form_free(fields, F__MAX);
	return 1;
}

static int test_a_broken_escape_is_kept_and_a_cut_one_dropped(void)
{
	struct form_field fields[F__MAX];

	S_parse("question=100%25+sure+50%+off%zz&name=cut%4", fields);
	EXPECT_FIELD(fields[F_TEXT], "100% sure 50% off%zz");
	EXPECT_FIELD(fields[F_NAME], "cut4");
	form_free(fields, F__MAX);
	return 1;
}

static int test_content_types(void)
{
	if (!form_is_urlencoded("application/x-www-form-urlencoded") ||
	    !form_is_urlencoded("Application/X-WWW-Form-Urlencoded; charset=UTF-8") ||
	    form_is_urlencoded("multipart/form-data; boundary=x") ||
	    form_is_urlencoded("application/x-www-form-urlencodedx") ||
	    form_is_urlencoded(NULL)) {
		printf("# form_is_urlencoded is wrong\n");
		return 0;
	}
	return 1;
}

/* SipHash-2-4's paper, appendix A: key 00..0f, message 00..0e. */
static int test_siphash_reference_vector(void)
{
	unsigned char key[16], msg[15];
	size_t i;

	for (i = 0; i < 16; i++)
		key[i] = (unsigned char)i;
	for (i = 0; i < 15; i++)
		msg[i] = (unsigned char)i;
	if (siphash24(key, msg, sizeof(msg)) != 0xa129ca6149be45e5ULL) {
		printf("# siphash24 gives %016llx\n",
		    (unsigned long long)siphash24(key, msg, sizeof(msg)));
		return 0;
	}
	return 1;
}

static const struct test S_tests[] = {
	T(test_fields_are_decoded_plus_and_escapes),
	T(test_a_repeated_field_keeps_its_first_value),
	T(test_a_broken_escape_is_kept_and_a_cut_one_dropped),
	T(test_content_types),
	T(test_siphash_reference_vector),
};

RUNNER_MAIN(S_tests)
