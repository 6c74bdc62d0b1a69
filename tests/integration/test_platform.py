"""Firmware discovery: ACPI from the BIOS area or the boot loader, and the MP-table fallback."""
import shutil
import subprocess

import pytest

from lares import EXIT_OK, LARES, boot


def test_acpi_from_bios_area(request):
    r = boot(request, smp=4, append="loglvl=all")
    assert r.rc == EXIT_OK, r
    assert r.lines(r"ACPI: RSDP from the BIOS area, revision \d+, OEM 'BOCHS ', RSDT"), r
    assert r.lines(r"ACPI: 4 CPUs listed, 4 enabled; 1 IO-APICs; 5 interrupt overrides; "
                   r"local APIC at 0xfee00000"), r
    assert r.lines(r"ACPI: HPET at 0xfed00000"), r
    assert len(r.lines(r"  CPU: APIC id \d, UID \d, enabled")) == 4, r
    assert r.lines(r"  IRQ 0 -> GSI 2, flags 0"), r


def test_no_acpi_falls_back_to_mp_table(request):
    # SeaBIOS's MP table lists the boot CPU only.
    r = boot(request, smp=2, machine="pc,acpi=off")
    assert r.rc == EXIT_OK, r
    assert r.lines(r"ACPI: no RSDP found; trying the MP table$"), r
    assert r.lines(r"MP table: 1 CPUs listed, 1 enabled; 1 IO-APICs"), r
    assert r.lines(r"smp: all 1 CPUs online"), r
    # Without ACPI there is no HPET table either.
    assert r.lines(r"calibrated against PIT"), r


@pytest.mark.skipif(not shutil.which("grub-mkrescue"), reason="needs grub-mkrescue")
def test_multiboot2_rsdp_from_grub(request, tmp_path):
    root = tmp_path / "iso"
    (root / "boot/grub").mkdir(parents=True)
    shutil.copy(LARES, root / "boot/lares.elf")
    (root / "boot/grub/grub.cfg").write_text(
        "set timeout=0\nserial --unit=0 --speed=115200\nterminal_output serial\n"
        "menuentry lares {\n  multiboot2 /boot/lares.elf qemu_exit smp_selftest\n  boot\n}\n")
    iso = tmp_path / "lares.iso"
    subprocess.run(["grub-mkrescue", "-o", str(iso), str(root)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    r = boot(request, smp=2, iso=iso)
    assert r.rc == EXIT_OK, r
    assert r.lines(r"\(Multiboot 2\)"), r
    assert r.lines(r"ACPI: RSDP from the boot loader"), r
    assert r.lines(r"smp: all 2 CPUs online"), r


def test_acpi_off_uses_the_mp_table(request):
    r = boot(request, smp=2, append="acpi=off")
    assert r.rc == EXIT_OK, r
    assert r.lines(r"ACPI: disabled \(acpi=off\); trying the MP table$"), r
    assert r.lines(r"MP table: 1 CPUs listed"), r


def test_without_any_tables_runs_on_the_boot_cpu(request):
    r = boot(request, smp=4, append="acpi=off mptable=off smp_selftest timer_selftest")
    assert r.rc == EXIT_OK, r
    assert r.lines(r"MP table: disabled \(mptable=off\); running on the boot CPU only$"), r
    assert r.lines(r"boot CPU only: 1 CPUs listed, 1 enabled"), r
    assert r.lines(r"smp: all 1 CPUs online$"), r
    assert r.lines(r"timer self-test: passed"), r
    assert r.lines(r"IPI self-test: passed \(1 CPUs"), r
