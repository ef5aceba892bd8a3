/* test_maker_proto.c: maker_proto_parse and maker_proto_refused on the
 * decoder's output (cgi/maker_proto.h), good and hostile: the output
 * comes from a process that has just decoded untrusted bytes. */
#include <stdio.h>
#include <string.h>

#include "maker/maker_proto.h"
#include "runner.h"

static int S_parse(const char *out, size_t len, struct media_made *m)
{
	char err[128];

	return maker_proto_parse((const unsigned char *)out, len, m, err,
	    sizeof(err));
}

/* Fails the test when text (a literal) parses. */
#define REFUSED(text) do {						\
	struct media_made m_;						\
	if (S_parse((text), sizeof(text) - 1, &m_) == 0) {		\
		printf("# %s:%d: should not parse: %s\n", __FILE__,	\
		    __LINE__, #text);					\
		maker_proto_free(&m_);					\
		return 0;						\
	}								\
} while (0)

static int test_a_good_answer_gives_each_variant_and_its_bytes(void)
{
	static const char out[] = "size 800 600\n"
	    "variant webp 480 360 3\nabc"
	    "variant jpeg 480 360 3\n\n\0\xff"
	    "end\n";
	struct media_made m;

	if (S_parse(out, sizeof(out) - 1, &m) != 0 || m.width != 800 ||
	    m.height != 600 || m.n != 2 || strcmp(m.v[0].format, "webp") ||
	    m.v[0].len != 3 || memcmp(m.v[0].data, "abc", 3) ||
	    strcmp(m.v[1].format, "jpeg") || m.v[1].width != 480 ||
	    m.v[1].height != 360 || m.v[1].len != 3 ||
	    memcmp(m.v[1].data, "\n\0\xff", 3)) {
		printf("# the good answer was misread\n");
		return 0;
	}
	maker_proto_free(&m);
	return 1;
}

static int test_an_answer_cut_short_is_refused(void)
{
	REFUSED("");
	REFUSED("size 800 600\n");
	REFUSED("size 800 600\nvariant webp 480 360 10\nabc");
	REFUSED("size 800 600\nvariant webp 480 360 3\nabc");
	REFUSED("size 800 600\nvariant webp 480 360 3\nabcend");
	return 1;
}

static int test_anything_after_end_is_refused(void)
{
	REFUSED("size 800 600\nvariant webp 480 360 1\naend\nx");
	REFUSED("size 800 600\nvariant webp 480 360 1\naend\nend\n");
	return 1;
}

static int test_bad_sizes_and_formats_are_refused(void)
{
	REFUSED("size 0 600\nvariant webp 480 360 1\naend\n");
	REFUSED("size 800 -1\nvariant webp 480 360 1\naend\n");
	REFUSED("size 800 600 7\nvariant webp 480 360 1\naend\n");
	REFUSED("size 800 600\nvariant gif 480 360 1\naend\n");
	REFUSED("size 800 600\nvariant ../x 480 360 1\naend\n");
	REFUSED("size 800 600\nvariant webp 0 360 1\naend\n");
	REFUSED("size 800 600\nvariant webp 480 1000001 1\naend\n");
	REFUSED("size 800 600\nvariant webp 480 360 0\nend\n");
	REFUSED("size 800 600\nvariant webp 480 360 -1\naend\n");
	REFUSED("size 800 600\nvariant webp 480 360 1 2\naend\n");
	return 1;
}

static int test_no_variant_or_the_same_file_twice_is_refused(void)
{
	REFUSED("size 800 600\nend\n");
	REFUSED("size 800 600\nvariant webp 480 360 1\na"
	    "variant webp 480 300 1\nbend\n");
	return 1;
}

static int test_a_nul_or_an_endless_line_is_refused(void)
{
	static char long_line[400];

	REFUSED("size 800\0 600\nvariant webp 480 360 1\naend\n");
	memset(long_line, '7', sizeof(long_line) - 1);
	memcpy(long_line, "size ", 5);
	REFUSED(long_line);
	return 1;
}

static int test_a_refusal_gives_its_sentence_without_controls(void)
{
	static const char out[] = "refused the picture is \x1b[31mbig\n";
	char problem[64], small[8];

	if (maker_proto_refused((const unsigned char *)out, sizeof(out) - 1,
	    problem, sizeof(problem)) != 0 ||
	    strcmp(problem, "the picture is [31mbig") != 0) {
		printf("# refused line misread\n");
		return 0;
	}
	if (maker_proto_refused((const unsigned char *)out, sizeof(out) - 1,
	    small, sizeof(small)) != 0 || strcmp(small, "the pic") != 0 ||
	    maker_proto_refused((const unsigned char *)"refused \n", 9,
	    problem, sizeof(problem)) == 0 ||
	    maker_proto_refused((const unsigned char *)"size 1 1\n", 9,
	    problem, sizeof(problem)) == 0) {
		printf("# refused: bounds or empty sentence\n");
		return 0;
	}
	return 1;
}

static int test_a_long_sentence_is_cut_between_characters(void)
{
	/* "× ×": U+00D7 is two bytes. */
	static const char out[] = "refused \xc3\x97 \xc3\x97 pixels\n";
	char four[5], five[6];

	if (maker_proto_refused((const unsigned char *)out, sizeof(out) - 1,
	    four, sizeof(four)) != 0 || strcmp(four, "\xc3\x97 ") != 0 ||
	    maker_proto_refused((const unsigned char *)out, sizeof(out) - 1,
	    five, sizeof(five)) != 0 ||
	    strcmp(five, "\xc3\x97 \xc3\x97") != 0) {
		printf("# cut: '%s' '%s'\n", four, five);
		return 0;
	}
	return 1;
}

static const struct test S_tests[] = {
	T(test_a_long_sentence_is_cut_between_characters),
	T(test_a_good_answer_gives_each_variant_and_its_bytes),
	T(test_an_answer_cut_short_is_refused),
	T(test_anything_after_end_is_refused),
	T(test_bad_sizes_and_formats_are_refused),
	T(test_no_variant_or_the_same_file_twice_is_refused),
	T(test_a_nul_or_an_endless_line_is_refused),
	T(test_a_refusal_gives_its_sentence_without_controls),
};

RUNNER_MAIN(S_tests)
