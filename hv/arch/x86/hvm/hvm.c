/* Choosing the virtualisation vendor and enabling it on each CPU. */
#include <lares/console.h>
#include <lares/errno.h>
#include <asm/hvm/fpu.h>
#include <asm/hvm/hvm.h>

const struct hvm_ops *hvm_ops;

const struct hvm_ops *svm_probe(void);

int hvm_init(void)
{
    hvm_ops = svm_probe();
    if (!hvm_ops)
        return -ENODEV;
    return hvm_cpu_up();
}

int hvm_cpu_up(void)
{
    if (!hvm_ops)
        return -ENODEV;
    hvm_fpu_cpu_init();
    return hvm_ops->cpu_up();
}
