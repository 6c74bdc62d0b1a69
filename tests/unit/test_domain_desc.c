/* Boot-time domain descriptions: syntax, defaults, errors, module resolution. */
#include "unit.h"

#include <stdio.h>
#include <string.h>
#include <lares/domain_desc.h>
#include <lares/errno.h>

static struct domain_desc d;
static char err[160];

static int parse(const char *v)
{
    return domain_desc_parse(v, &d, err, sizeof(err));
}

static void full_description(void **state)
{
    assert_int_equal(
        parse("web,kernel=vmlinux,initrd=1,memory=256M,vcpus=2,"
              "cmdline=\"console=hvc0 a=b,c\",timeout=30,weight=512,cap=50,on_crash=destroy"),
        0);
    assert_string_equal(d.name, "web");
    assert_string_equal(d.kernel, "vmlinux");
    assert_string_equal(d.initrd, "1");
    assert_int_equal(d.memory, 256ull << 20);
    assert_int_equal(d.vcpus, 2);
    assert_true(d.has_cmdline);
    assert_string_equal(d.cmdline, "console=hvc0 a=b,c");
    assert_int_equal(d.timeout, 30);
    assert_int_equal(d.weight, 512);
    assert_int_equal(d.cap, 50);
    assert_int_equal(d.on_crash, ACTION_DESTROY);
    assert_int_equal(parse("a,kernel=0,on_reboot=destroy,on_crash=restart"), 0);
    assert_int_equal(d.on_reboot, ACTION_DESTROY);
    assert_int_equal(d.on_crash, ACTION_RESTART);
    assert_int_equal(parse("a,kernel=0,on_crash=preserve"), 0);
    assert_int_equal(d.on_crash, ACTION_PRESERVE);
    assert_int_equal(d.cpus, 0); /* any CPU */
}

static void scheduling_options(void **state)
{
    assert_int_equal(parse("a,kernel=0,weight=1,cap=0,cpus=1"), 0);
    assert_int_equal(d.weight, 1);
    assert_int_equal(d.cpus, 1u << 1);
    assert_int_equal(parse("a,kernel=0,weight=65535,cap=1600,cpus=\"0,2-3,63\""), 0);
    assert_int_equal(d.weight, 65535);
    assert_int_equal(d.cap, 1600);
    assert_int_equal(d.cpus, (1ull << 0) | (1ull << 2) | (1ull << 3) | (1ull << 63));
    assert_int_equal(parse("a,kernel=0,cpus=0-1"), 0);
    assert_int_equal(d.cpus, 3);

    assert_int_equal(parse("a,kernel=0,weight=0"), -EINVAL);
    assert_non_null(strstr(err, "weight=0: must be a number from 1 to 65535"));
    assert_int_equal(parse("a,kernel=0,weight=65536"), -EINVAL);
    assert_int_equal(parse("a,kernel=0,cap=1601"), -EINVAL);
    assert_non_null(strstr(err, "cap=1601"));
    assert_int_equal(parse("a,kernel=0,cap=-1"), -EINVAL);
    static const char *const bad_cpus[] = {
        "", "x", "64", "1-", "-1", "3-1", "0,,1", "0,", "0-64", "1 2", "99999999999999999999"};
    for (unsigned i = 0; i < sizeof(bad_cpus) / sizeof(bad_cpus[0]); i++) {
        char opt[64];

        snprintf(opt, sizeof(opt), "a,kernel=0,cpus=\"%s\"", bad_cpus[i]);
        assert_int_equal(parse(opt), -EINVAL);
        assert_non_null(strstr(err, "cpus="));
    }
}

static void defaults(void **state)
{
    assert_int_equal(parse("a,kernel=0"), 0);
    assert_int_equal(d.memory, DOMAIN_MEM_DEFAULT);
    assert_int_equal(d.vcpus, 1);
    assert_false(d.has_cmdline);
    assert_string_equal(d.initrd, "");
    assert_int_equal(d.weight, DOMAIN_WEIGHT_DEFAULT);
    assert_int_equal(d.timeout, 0);
    assert_int_equal(d.on_reboot, ACTION_RESTART);
    assert_int_equal(d.on_crash, ACTION_DESTROY);
}

static void errors_name_the_problem(void **state)
{
    assert_int_equal(parse(""), -EINVAL);
    assert_non_null(strstr(err, "name"));
    assert_int_equal(parse("bad name,kernel=0"), -EINVAL);
    assert_non_null(strstr(err, "not a valid name"));
    assert_int_equal(parse("kernel=0"), -EINVAL);
    assert_non_null(strstr(err, "not a valid name"));
    assert_int_equal(parse("a,memory=64M"), -EINVAL);
    assert_string_equal(err, "kernel= is missing");
    assert_int_equal(parse("a,kernel=0,memory=lots"), -EINVAL);
    assert_non_null(strstr(err, "memory=lots"));
    assert_int_equal(parse("a,kernel=0,memory=1M"), -EINVAL);
    assert_non_null(strstr(err, "between"));
    assert_int_equal(parse("a,kernel=0,memory=5000"), -EINVAL);
    assert_int_equal(parse("a,kernel=0,vcpus=0"), -EINVAL);
    assert_non_null(strstr(err, "vcpus=0"));
    assert_int_equal(parse("a,kernel=0,vcpus=99"), -EINVAL);
    assert_int_equal(parse("a,kernel=0,colour=red"), -EINVAL);
    assert_string_equal(err, "unknown key 'colour'");
    assert_int_equal(parse("a,kernel=0,kernel=1"), -EINVAL);
    assert_string_equal(err, "kernel= given twice");
    assert_int_equal(parse("a,kernel=0,vcpus"), -EINVAL);
    assert_non_null(strstr(err, "not key=value"));
    assert_int_equal(parse("a,kernel=0,timeout=0"), -EINVAL);
    assert_non_null(strstr(err, "timeout=0"));
    assert_int_equal(parse("a,kernel=0,timeout=1h"), -EINVAL);
    assert_int_equal(parse("a,kernel=0,on_reboot=explode"), -EINVAL);
    assert_non_null(strstr(err, "on_reboot=explode"));
    assert_int_equal(parse("a,kernel=0,on_crash=Destroy"), -EINVAL);
    assert_int_equal(parse("a,kernel="), -EINVAL);
}

static void resolves_modules_by_index_and_name(void **state)
{
    static struct boot_module mods[3];

    strcpy(mods[0].name, "hello.elf");
    strcpy(mods[0].args, "from-module");
    strcpy(mods[1].name, "initrd.cpio");
    strcpy(mods[2].name, "");

    assert_int_equal(parse("a,kernel=hello.elf,initrd=initrd.cpio"), 0);
    assert_int_equal(domain_desc_resolve(&d, mods, 3, err, sizeof(err)), 0);
    assert_int_equal(d.kernel_module, 0);
    assert_int_equal(d.initrd_module, 1);
    assert_string_equal(domain_desc_cmdline(&d, mods), "from-module");

    assert_int_equal(parse("a,kernel=2,cmdline=\"own\""), 0);
    assert_int_equal(domain_desc_resolve(&d, mods, 3, err, sizeof(err)), 0);
    assert_int_equal(d.kernel_module, 2);
    assert_int_equal(d.initrd_module, -1);
    assert_string_equal(domain_desc_cmdline(&d, mods), "own");

    assert_int_equal(parse("a,kernel=3"), 0);
    assert_int_equal(domain_desc_resolve(&d, mods, 3, err, sizeof(err)), -ENOENT);
    assert_non_null(strstr(err, "kernel=3"));
    assert_int_equal(parse("a,kernel=0,initrd=nope.img"), 0);
    assert_int_equal(domain_desc_resolve(&d, mods, 3, err, sizeof(err)), -ENOENT);
    assert_non_null(strstr(err, "initrd=nope.img"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_description),
        cmocka_unit_test(defaults),
        cmocka_unit_test(scheduling_options),
        cmocka_unit_test(errors_name_the_problem),
        cmocka_unit_test(resolves_modules_by_index_and_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
