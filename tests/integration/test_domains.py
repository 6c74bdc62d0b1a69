"""Boot-time PVH domains on SVM: the test guests from tests/guests run as
domains; each guest's own verdict line is checked, plus the hypervisor's
report of how each domain ended and that all memory came back.

Every run exits QEMU through isa-debug-exit with 33 when the hypervisor
itself is healthy, whatever the guests did; guest verdicts come from their
own "(name) Test result: ..." lines.
"""
import re

import pytest

from lares import BUILD, EXIT_OK, EXIT_UNSUPPORTED, boot

GUESTS = BUILD / "guests"
CPUS = {"max": "max", "qemu64": "qemu64,+svm,+npt"}

# Guests that end with their own SUCCESS verdict and a poweroff.
PASSING = ["hello", "xen_version", "hypercall_buffers", "cpuid", "msr", "shared_info",
           "port_e9", "hypercall_page", "compat_hypercall", "xenstore_params", "sysctl", "debug_state"]
# Guests whose domain must be crashed (and reported) by the hypervisor.
CRASHING = {
    "shutdown_crash": r"shut down: crash",
    "triple_fault": r"crashed: v0: triple fault",
    "bad_memory": r"crashed: v0: read of guest-physical 0x7f0000100, outside",
}

FREE_RE = re.compile(r"boot domains: all ended; free memory (\d+) pages, (\d+) before")


def run(request, domains, smp=1, cpu="max", extra="", timeout=120, accel="tcg"):
    """Boot with one domain per (name, guest[, more options]); each guest ELF is a module."""
    modules = []
    opts = []
    for name, guest, *more in domains:
        path = GUESTS / f"{guest}.elf"
        if str(path) not in modules:
            modules.append(str(path))
        opts.append(",".join([f"domain={name},kernel={guest}.elf,memory=8M"] + more))
    append = " ".join(opts + ([extra] if extra else []))
    return boot(request, smp=smp, cpu=CPUS[cpu], append=append, modules=modules,
                timeout=timeout, accel=accel)


def verdict(r, name):
    lines = r.lines(rf"^\[[ \d.]+\] \({re.escape(name)}\) Test result: ")
    assert len(lines) == 1, f"{name}: expected one result line\n{r}"
    return lines[0].split("Test result: ", 1)[1].strip()


def ended(r, name, how):
    assert r.lines(rf"d\d+ \({re.escape(name)}\):? {how}"), f"{name}: no '{how}'\n{r}"


def memory_returned(r):
    lines = r.lines(FREE_RE.pattern)
    assert len(lines) == 1, r
    after, before = map(int, FREE_RE.search(lines[0]).groups())
    assert after == before, f"free pages {after} after the domains, {before} before\n{r}"


@pytest.mark.parametrize("cpu", CPUS)
@pytest.mark.parametrize("guest", PASSING)
def test_guest_succeeds(request, guest, cpu):
    r = run(request, [(guest, guest)], cpu=cpu)
    assert r.rc == EXIT_OK, r
    assert verdict(r, guest) == "SUCCESS", r
    ended(r, guest, "shut down: poweroff")
    memory_returned(r)


@pytest.mark.parametrize("cpu", CPUS)
@pytest.mark.parametrize("guest", CRASHING)
def test_misbehaving_guest_is_crashed_and_reported(request, guest, cpu):
    r = run(request, [(guest, guest)], cpu=cpu)
    assert r.rc == EXIT_OK, r
    ended(r, guest, CRASHING[guest])
    assert r.lines(r"d\d+: ended \(crash, crashed\)"), r
    memory_returned(r)


def test_crash_report_has_registers_trace_and_console(request):
    r = run(request, [("tf", "triple_fault")])
    assert r.rc == EXIT_OK, r
    assert r.lines(r"^\[[ \d.]+\]   rip 0008:[0-9a-f]{16}  rflags"), r
    assert r.lines(r"cr0 [0-9a-f]{16}  cr2 "), r
    assert r.lines(r"last \d+ of \d+ exits/hypercalls"), r
    assert r.lines(r"exit SHUTDOWN"), r
    assert r.lines(r"\| loading an empty IDT and executing ud2"), r


@pytest.mark.parametrize("smp", [1, 2])
@pytest.mark.parametrize("cpu", CPUS)
def test_crashing_domains_do_not_stop_the_others(request, smp, cpu):
    domains = [("ok1", "hello"), ("tf", "triple_fault"), ("ok2", "xen_version"),
               ("bad", "bad_memory"), ("ok3", "hypercall_buffers"), ("sc", "shutdown_crash")]
    r = run(request, domains, smp=smp, cpu=cpu)
    assert r.rc == EXIT_OK, r
    for name in ("ok1", "ok2", "ok3"):
        assert verdict(r, name) == "SUCCESS", r
        ended(r, name, "shut down: poweroff")
    for name in ("tf", "bad", "sc"):
        ended(r, name, "shut down: crash")
    memory_returned(r)


@pytest.mark.parametrize("cpu", CPUS)
def test_four_domains_at_once_on_two_cpus(request, cpu):
    domains = [(f"d{i}", g) for i, g in enumerate(["hello", "cpuid", "shared_info", "msr"])]
    r = run(request, domains, smp=2, cpu=cpu)
    assert r.rc == EXIT_OK, r
    for name, _ in domains:
        assert verdict(r, name) == "SUCCESS", r
    assert len(r.lines(r"d\d+: destroyed")) == 4, r
    memory_returned(r)


@pytest.mark.parametrize("smp", [1, 2])
@pytest.mark.parametrize("cpu", CPUS)
def test_spinning_guest_is_preempted_and_stopped_at_its_time_limit(request, smp, cpu):
    domains = [("spin", "infinite_loop", "timeout=3"), ("ok1", "hello"), ("ok2", "xen_version"),
               ("ok3", "hypercall_buffers")]
    r = run(request, domains, smp=smp, cpu=cpu)
    assert r.rc == EXIT_OK, r
    assert r.lines(r"\(spin\) spinning forever with interrupts off"), r
    for name in ("ok1", "ok2", "ok3"):
        assert verdict(r, name) == "SUCCESS", r
        ended(r, name, "shut down: poweroff")
    assert r.lines(r"d1: still running after its time limit of 3 s: stopping it"), r
    ended(r, "spin", "shut down: watchdog")
    # The others finished long before the spinning domain was stopped.
    last_ok = max(r.serial.index(f"({n}) Test result") for n in ("ok1", "ok2", "ok3"))
    assert last_ok < r.serial.index("still running after its time limit"), r
    memory_returned(r)


@pytest.mark.parametrize("cpu", CPUS)
def test_fpu_registers_survive_other_guests_on_the_same_cpu(request, cpu):
    # Three guests share one CPU, each spinning 300 ms with its own pattern in
    # XMM/YMM0-15 (YMM and XSETBV where the CPU has AVX): 10 ms slices switch
    # between them many times.
    domains = [(n, "fpu_state") for n in ("f1", "f2", "f3")]
    r = run(request, domains, smp=1, cpu=cpu)
    assert r.rc == EXIT_OK, r
    for name, _ in domains:
        assert verdict(r, name) == "SUCCESS", r
        assert r.lines(rf"\({name}\) all 16 [XY]MM registers intact"), r
    if cpu == "max":
        assert r.lines(r"\(f1\) YMM registers loaded"), r
    memory_returned(r)


def test_domains_get_ids_from_one(request):
    r = run(request, [("first", "hello"), ("second", "hello")])
    assert r.rc == EXIT_OK, r
    assert r.lines(r"d1 \(first\): built"), r
    assert r.lines(r"d2 \(second\): built"), r


def test_invalid_descriptions_are_rejected_and_the_rest_start(request):
    hello = GUESTS / "hello.elf"
    append = ("domain=good,kernel=hello.elf,memory=8M "
              "domain=bad,kernel=hello.elf,memory=banana "
              "domain=nokernel,memory=8M "
              "domain=missing,kernel=nosuch.elf "
              "domain=good,kernel=0,memory=8M "
              "domain=colour,kernel=0,colour=red")
    r = boot(request, append=append, modules=[str(hello)])
    assert r.rc == EXIT_OK, r
    assert r.lines(r"domain=bad,.*: memory=banana: not a size"), r
    assert r.lines(r"domain=nokernel,.*: kernel= is missing; not started"), r
    assert r.lines(r"domain=missing,.*: kernel=nosuch.elf: no such boot module"), r
    assert r.lines(r"domain=good,kernel=0.*: a domain with that name exists already"), r
    assert r.lines(r"domain=colour,.*: unknown key 'colour'"), r
    assert verdict(r, "good") == "SUCCESS", r
    assert len(r.lines(r"d\d+: destroyed")) == 1, r


def test_domains_that_cannot_be_built_are_reported_and_freed(request, tmp_path):
    blob = tmp_path / "notelf.bin"
    blob.write_bytes(b"this is not an ELF file\n" * 100)
    hello = GUESTS / "hello.elf"
    append = ("domain=junk,kernel=notelf.bin,memory=8M "
              "domain=huge,kernel=hello.elf,memory=3G "
              "domain=ok,kernel=hello.elf,memory=8M")
    r = boot(request, append=append, modules=[str(blob), str(hello)])
    assert r.rc == EXIT_OK, r
    assert r.lines(r"domain junk: .*; not started"), r
    assert r.lines(r"domain huge: not enough free memory for the guest's RAM; not started"), r
    assert verdict(r, "ok") == "SUCCESS", r
    memory_returned(r)


def test_kernel_command_line_defaults_to_the_module_arguments(request):
    hello = GUESTS / "hello.elf"
    r = boot(request, append="domain=h,kernel=hello.elf,memory=8M",
             modules=[f"{hello} console=hvc0 marker=module-args"])
    assert r.rc == EXIT_OK, r
    assert verdict(r, "h") == "SUCCESS", r
    assert r.lines(r"d1 \(h\): built:.*cmdline \"console=hvc0 marker=module-args\""), r


def test_no_nested_paging_is_reported(request):
    hello = GUESTS / "hello.elf"
    r = boot(request, cpu="qemu64,+svm", append="domain=h,kernel=0,memory=8M",
             modules=[str(hello)])
    assert r.rc == EXIT_UNSUPPORTED, r
    assert r.lines(r"no nested paging \(NPT\), which Lares requires"), r
    assert not r.lines(r"built:"), r


def test_without_domains_the_hypervisor_just_finishes(request):
    r = boot(request)
    assert r.rc == EXIT_OK, r
    assert not r.lines(r"svm: enabled"), r
