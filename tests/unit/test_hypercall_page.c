/* hypercall_page_fill(): Xen's 32-byte stub layout, byte for byte. */
#include "unit.h"

#include <string.h>
#include <lares/hypercall_page.h>

static const unsigned char vmmcall_stub_17[9] = {
    0xb8, 17, 0, 0, 0, 0x0f, 0x01, 0xd9, 0xc3, /* mov $17,%eax; vmmcall; ret */
};

static void check_page(const unsigned char *page, unsigned char trap_modrm)
{
    for (unsigned nr = 0; nr < HYPERCALL_PAGE_SLOTS; nr++) {
        const unsigned char *s = page + nr * HYPERCALL_STUB_SIZE;
        unsigned body = 9;

        if (nr == HYPERCALL_PAGE_IRET_SLOT) {
            assert_int_equal(s[0], 0x0f);
            assert_int_equal(s[1], 0x0b);
            body = 2;
        } else {
            unsigned imm = s[1] | s[2] << 8 | s[3] << 16 | (unsigned)s[4] << 24;
            assert_int_equal(s[0], 0xb8);
            assert_int_equal(imm, nr);
            assert_int_equal(s[5], 0x0f);
            assert_int_equal(s[6], 0x01);
            assert_int_equal(s[7], trap_modrm);
            assert_int_equal(s[8], 0xc3);
        }
        for (unsigned i = body; i < HYPERCALL_STUB_SIZE; i++)
            assert_int_equal(s[i], 0xcc);
    }
}

static void amd_page_matches_xen_layout(void **state)
{
    unsigned char page[HYPERCALL_PAGE_SIZE + 16];

    memset(page, 0x5a, sizeof(page));
    hypercall_page_fill(page, HYPERCALL_VMMCALL);
    check_page(page, 0xd9);
    assert_memory_equal(page + 17 * 32, vmmcall_stub_17, sizeof(vmmcall_stub_17));
    /* Not one byte past the page. */
    for (unsigned i = HYPERCALL_PAGE_SIZE; i < sizeof(page); i++)
        assert_int_equal(page[i], 0x5a);
}

static void intel_page_uses_vmcall(void **state)
{
    unsigned char page[HYPERCALL_PAGE_SIZE];

    hypercall_page_fill(page, HYPERCALL_VMCALL);
    check_page(page, 0xc1);
}

static void refill_overwrites_old_contents(void **state)
{
    unsigned char a[HYPERCALL_PAGE_SIZE], b[HYPERCALL_PAGE_SIZE];

    memset(a, 0, sizeof(a));
    hypercall_page_fill(a, HYPERCALL_VMCALL);
    hypercall_page_fill(a, HYPERCALL_VMMCALL);
    memset(b, 0xff, sizeof(b));
    hypercall_page_fill(b, HYPERCALL_VMMCALL);
    assert_memory_equal(a, b, sizeof(a));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(amd_page_matches_xen_layout),
        cmocka_unit_test(intel_page_uses_vmcall),
        cmocka_unit_test(refill_overwrites_old_contents),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
