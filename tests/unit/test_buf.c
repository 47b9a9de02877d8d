/*
 * test_buf.c - growable byte buffers (buf_)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"

/* buf_printf appends after what is there, whole, however long */
static void test_printf(void **state)
{
	struct buf b = BUF_INIT;
	char big[5000];

	(void)state;
	buf_add(&b, "ab", 2);
	buf_printf(&b, "%s=%d;", "x", 42);
	assert_int_equal(buf_avail(&b), 7);
	assert_memory_equal(buf_ptr(&b), "abx=42;", 7);
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	buf_printf(&b, "[%s]", big);
	assert_int_equal(buf_avail(&b), 7 + 2 + sizeof(big) - 1);
	assert_int_equal(buf_ptr(&b)[buf_avail(&b) - 1], ']');
	assert_int_equal(buf_ptr(&b)[7 + 1 + 4998], 'z');
	/* after a consume, it still appends at the end */
	buf_consume(&b, 7);
	buf_printf(&b, "%s", "");
	buf_printf(&b, "%c", '!');
	assert_int_equal(buf_avail(&b), 2 + sizeof(big) - 1 + 1);
	assert_int_equal(buf_ptr(&b)[buf_avail(&b) - 1], '!');
	assert_int_equal(buf_ptr(&b)[0], '[');
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_printf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
