/* vCPU start states: INIT + SIPI, and VCPUOP_initialise contexts with Xen's checks. */
#include "unit.h"

#include <string.h>
#include <lares/errno.h>
#include <lares/hvm_start.h>

static const struct hvm_start_limits limits = {
    .cr4_valid = 0x7ff | (1u << 18),                  /* VME..OSXMMEXCPT, OSXSAVE */
    .efer_valid = (1u << 0) | (1u << 8) | (1u << 11), /* SCE, LME, NXE */
};

static void sipi_gives_real_mode_at_the_vector(void **state)
{
    struct hvm_start_state st;

    memset(&st, 0xa5, sizeof(st));
    hvm_start_state_sipi(&st, 0x9a);
    assert_int_equal(st.cs.sel, 0x9a00);
    assert_int_equal(st.cs.base, 0x9a000);
    assert_int_equal(st.cs.limit, 0xffff);
    assert_int_equal(st.cs.attr, 0x9b);
    assert_int_equal(st.rip, 0);
    assert_int_equal(st.rflags, 2);
    assert_int_equal(st.cr0, 0x10); /* ET only: real mode, no paging */
    assert_int_equal(st.cr3 | st.cr4 | st.efer, 0);
    assert_int_equal(st.ds.attr, 0x93);
    assert_int_equal(st.ss.base, 0);
    assert_int_equal(st.tr.attr, 0x8b);
    assert_int_equal(st.ldtr.attr, 0x82);
    assert_int_equal(st.gdtr.limit, 0xffff);
    assert_int_equal(st.rax | st.rbx | st.rsp, 0);
}

static struct vcpu_hvm_context ctx64(void)
{
    struct vcpu_hvm_context c = {.mode = VCPU_HVM_MODE_64B};

    c.cpu_regs.x86_64.rip = 0xffffffff80001000ull;
    c.cpu_regs.x86_64.rsp = 0x200000;
    c.cpu_regs.x86_64.rdi = 42;
    c.cpu_regs.x86_64.rflags = 0x202;
    c.cpu_regs.x86_64.cr0 = 0x80010033;
    c.cpu_regs.x86_64.cr3 = 0x1000;
    c.cpu_regs.x86_64.cr4 = 0x20;
    c.cpu_regs.x86_64.efer = 0x100;
    return c;
}

static void context_64bit(void **state)
{
    struct vcpu_hvm_context c = ctx64();
    struct hvm_start_state st;
    const char *why;

    assert_int_equal(hvm_start_state_from_context(&c, &limits, &st, &why), 0);
    assert_int_equal(st.rip, 0xffffffff80001000ull);
    assert_int_equal(st.rdi, 42);
    assert_int_equal(st.rflags, 0x202);
    assert_int_equal(st.efer, 0x500); /* LMA follows LME + PG */
    assert_int_equal(st.cs.attr, 0xa9b);
    assert_int_equal(st.ss.attr, 0xc93);
    assert_int_equal(st.tr.attr, 0x8b);
    assert_int_equal(st.tr.limit, 0x67);

    c = ctx64();
    c.cpu_regs.x86_64.rip = 0x0000800000000000ull;
    assert_int_equal(hvm_start_state_from_context(&c, &limits, &st, &why), -EINVAL);
    assert_string_equal(why, "RIP is not canonical");
    c = ctx64();
    c.cpu_regs.x86_64.cr0 &= ~0x80000000u;
    assert_int_equal(hvm_start_state_from_context(&c, &limits, &st, &why), -EINVAL);
    c = ctx64();
    c.cpu_regs.x86_64.cr4 = 0;
    assert_int_equal(hvm_start_state_from_context(&c, &limits, &st, &why), -EINVAL);
    c = ctx64();
    c.cpu_regs.x86_64.efer = 0;
    assert_int_equal(hvm_start_state_from_context(&c, &limits, &st, &why), -EINVAL);
    c = ctx64();
    c.cpu_regs.x86_64.cr4 |= 1u << 12; /* LA57: not offered */
    assert_int_equal(hvm_start_state_from_context(&c, &limits, &st, &why), -EINVAL);
    c = ctx64();
    c.cpu_regs.x86_64.efer |= 1u << 12; /* SVME is the hypervisor's */
    assert_int_equal(hvm_start_state_from_context(&c, &limits, &st, &why), -EINVAL);
    c = ctx64();
    c.cpu_regs.x86_64.rflags = ~0ull; /* reserved bits are dropped, bit 1 kept */
    assert_int_equal(hvm_start_state_from_context(&c, &limits, &st, &why), 0);
    assert_int_equal(st.rflags, 0x3f7fd7);
}

/* XTF's flat 32-bit AP start (tests/xsa-472-3). */
static struct vcpu_hvm_context ctx32(void)
{
    struct vcpu_hvm_context c = {.mode = VCPU_HVM_MODE_32B};
    struct vcpu_hvm_x86_32 *r = &c.cpu_regs.x86_32;

    r->eip = 0x104000;
    r->esp = 0x120000;
    r->cr0 = 0x11; /* PE, ET */
    r->cs_limit = r->ds_limit = r->ss_limit = r->es_limit = ~0u;
    r->tr_limit = 0x67;
    r->cs_ar = 0xc9b;
    r->ds_ar = r->ss_ar = r->es_ar = 0xc93;
    r->tr_ar = 0x08b;
    return c;
}

static void context_32bit(void **state)
{
    struct vcpu_hvm_context c = ctx32();
    struct vcpu_hvm_x86_32 *r = &c.cpu_regs.x86_32;
    struct hvm_start_state st;
    const char *why;

    assert_int_equal(hvm_start_state_from_context(&c, &limits, &st, &why), 0);
    assert_int_equal(st.rip, 0x104000);
    assert_int_equal(st.rsp, 0x120000);
    assert_int_equal(st.cs.limit, 0xffffffff);
    assert_int_equal(st.cs.attr, 0xc9b);
    assert_int_equal(st.tr.attr, 0x8b);
    assert_int_equal(st.rflags, 2);
    assert_int_equal(st.efer, 0);

    /* Accessed bits are added to present segments. */
    r->ds_ar = 0xc92;
    assert_int_equal(hvm_start_state_from_context(&c, &limits, &st, &why), 0);
    assert_int_equal(st.ds.attr, 0xc93);

    c = ctx32();
    r->cs_ar = 0xc93; /* data segment in CS */
    assert_int_equal(hvm_start_state_from_context(&c, &limits, &st, &why), -EINVAL);
    assert_string_equal(why, "CS is not a code segment");
    c = ctx32();
    r->ss_ar = 0xc9b;
    assert_int_equal(hvm_start_state_from_context(&c, &limits, &st, &why), -EINVAL);
    c = ctx32();
    r->ss_ar = 0xcf3; /* DPL 3 with a DPL 0 CS */
    assert_int_equal(hvm_start_state_from_context(&c, &limits, &st, &why), -EINVAL);
    assert_string_equal(why, "SS.DPL differs from CS.DPL");
    c = ctx32();
    r->ds_ar = 0; /* a null DS is allowed */
    assert_int_equal(hvm_start_state_from_context(&c, &limits, &st, &why), 0);
    c = ctx32();
    r->ds_ar = 0xc99; /* execute-only code in DS */
    assert_int_equal(hvm_start_state_from_context(&c, &limits, &st, &why), -EINVAL);
    c = ctx32();
    r->tr_ar = 0x089 & ~0x8; /* not a 32-bit TSS */
    assert_int_equal(hvm_start_state_from_context(&c, &limits, &st, &why), -EINVAL);
    c = ctx32();
    r->cs_limit = 0xfff;
    r->cs_ar = 0x09b; /* byte granular, 4 KiB */
    assert_int_equal(hvm_start_state_from_context(&c, &limits, &st, &why), -EINVAL);
    assert_string_equal(why, "EIP beyond the CS limit");
    c = ctx32();
    r->pad1 = 1;
    assert_int_equal(hvm_start_state_from_context(&c, &limits, &st, &why), -EINVAL);
    c = ctx32();
    r->cs_ar |= 0x1000;
    assert_int_equal(hvm_start_state_from_context(&c, &limits, &st, &why), -EINVAL);
    c = ctx32();
    r->efer = 1u << 10; /* LMA without LME */
    assert_int_equal(hvm_start_state_from_context(&c, &limits, &st, &why), -EINVAL);
    c = ctx32();
    r->cr0 = 0x80000011; /* paging, no LME: 32-bit paging */
    assert_int_equal(hvm_start_state_from_context(&c, &limits, &st, &why), 0);
    assert_int_equal(st.efer, 0);
    c = ctx32();
    r->cr0 = 0x60000011; /* CD + NW is fine; NW alone is not */
    assert_int_equal(hvm_start_state_from_context(&c, &limits, &st, &why), 0);
    r->cr0 = 0x20000011;
    assert_int_equal(hvm_start_state_from_context(&c, &limits, &st, &why), -EINVAL);
    /* Compatibility mode: LME with paging and PAE. */
    c = ctx32();
    r->cr0 = 0x80000011;
    r->cr4 = 0x20;
    r->efer = 1u << 8;
    assert_int_equal(hvm_start_state_from_context(&c, &limits, &st, &why), 0);
    assert_int_equal(st.efer, 0x500);
    r->cr4 = 0;
    assert_int_equal(hvm_start_state_from_context(&c, &limits, &st, &why), -EINVAL);
}

static void bad_mode_and_padding(void **state)
{
    struct vcpu_hvm_context c = ctx64();
    struct hvm_start_state st;
    const char *why;

    c.mode = 2;
    assert_int_equal(hvm_start_state_from_context(&c, &limits, &st, &why), -EINVAL);
    c = ctx64();
    c.pad = 1;
    assert_int_equal(hvm_start_state_from_context(&c, &limits, &st, &why), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sipi_gives_real_mode_at_the_vector),
        cmocka_unit_test(context_64bit),
        cmocka_unit_test(context_32bit),
        cmocka_unit_test(bad_mode_and_padding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
