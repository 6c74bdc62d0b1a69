/*
 * selftest_noresult: a test that returns without reporting anything must
 * end as ERROR (a silent test is never a pass).
 */
#include <guest.h>

const char test_title[] = "selftest_noresult: no report means ERROR";

void test_main(void)
{
    printk("returning without a result\n");
}
