/* test_counter.c: counter_base and counter_live, the one live-count
 * formula the article page and viewtail both use (counter.h). */
#include <stdint.h>
#include <stdio.h>

#include "lib/counter.h"
#include "runner.h"

static int test_same_file_counts_total_minus_folded_plus_counter(void)
{
	/* 120 stored, 20 of them folded from this file's counter of 25:
	 * 5 views are not folded yet, and the page shows 125. */
	EXPECT(counter_base(120, 20, 1) == 100);
	EXPECT(counter_live(counter_base(120, 20, 1), 25) == 125);
	return 1;
}

static int test_new_file_counts_total_plus_counter(void)
{
	/* A new counter file starts from 0: nothing of it is folded. */
	EXPECT(counter_base(120, 20, 0) == 120);
	EXPECT(counter_live(counter_base(120, 20, 0), 3) == 123);
	return 1;
}

static int test_a_fold_leaves_the_live_count_unchanged(void)
{
	/* Before: total 100, folded 10, counter 15.  The fold moves the 5
	 * to total and folded alike: total 105, folded 15. */
	EXPECT(counter_live(counter_base(100, 10, 1), 15) ==
	    counter_live(counter_base(105, 15, 1), 15));
	return 1;
}

static int test_owner_typed_extremes_saturate(void)
{
	EXPECT(counter_base(INT64_MAX, -1, 1) == INT64_MAX);
	EXPECT(counter_base(INT64_MIN, 1, 1) == INT64_MIN);
	EXPECT(counter_live(INT64_MAX, 1) == INT64_MAX);
	EXPECT(counter_live(0, UINT64_MAX) == INT64_MAX);
	return 1;
}

static const struct test S_tests[] = {
	T(test_same_file_counts_total_minus_folded_plus_counter),
	T(test_new_file_counts_total_plus_counter),
	T(test_a_fold_leaves_the_live_count_unchanged),
	T(test_owner_typed_extremes_saturate),
};

RUNNER_MAIN(S_tests)
