/* Parsing the hypervisor command line against the options declared with lares/param.h. */
#include <lares/cmdline.h>
#include <lares/console.h>
#include <lares/param.h>

extern const struct kernel_param __params_start[], __params_end[];

int parse_cmdline(const char *cmdline)
{
    static struct cmdline_opt opt; /* large: keep it off the boot stack */
    const char *p = cmdline;
    int problems = 0;

    while (cmdline_next(&p, &opt)) {
        int rc;

        if (opt.truncated) {
            pr_err("cmdline: option '%s' is too long; ignored\n", opt.key);
            problems++;
            continue;
        }
        rc = param_apply(__params_start, __params_end, opt.key, opt.value, opt.has_value);
        if (rc == -ENOENT) {
            pr_warn("cmdline: unknown option '%s' ignored\n", opt.key);
            problems++;
        } else if (rc) {
            pr_err("cmdline: option '%s': invalid value '%s'\n", opt.key, opt.value);
            problems++;
        }
    }
    return problems;
}
