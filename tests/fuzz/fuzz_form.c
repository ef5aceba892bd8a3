/* fuzz_form.c: libFuzzer harness for the question form's body (form.c):
 * arbitrary bytes as an urlencoded body.  Asserts what the refusal page
 * relies on: each field holds at most as many bytes as the body, a field
 * seen once keeps its first value, and nothing reads past the body.
 *   make build/fuzz/fuzz_form */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form_field f[4] = { { .name = "token" }, { .name = "name" },
	    { .name = "question" }, { .name = "website" } };
	char *body = malloc(size ? size : 1);	/* exactly size: ASan's bound */
	size_t i;

	memcpy(body, data, size);
	form_parse(body, size, f, 4);
	for (i = 0; i < 4; i++) {
		assert(f[i].value.len <= size);
		assert(f[i].seen || f[i].value.len == 0);
	}
	form_is_urlencoded(buf_cstr(&f[0].value));
	form_free(f, 4);
	free(body);
	return 0;
}
