/*
 * selftest_failure: a test that fails on purpose, so that the harness is
 * seen to detect failures and not only successes. Results ratchet:
 * SKIP, then FAILURE, then ERROR and SUCCESS must still end as FAILURE,
 * and every message must be printed.
 */
#include <guest.h>

const char test_title[] = "selftest_failure: a deliberate FAILURE";

void test_main(void)
{
    test_skip("deliberate skip %d", 1);
    test_failure("deliberate failure %s", "two");
    test_error("deliberate error %#x", 3);
    check(1 + 1 == 3, "deliberate check %d", 4);
    test_success();
}
