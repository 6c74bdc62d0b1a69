"""The host-CPUID collector (hv/lib/cpuid_table.c) runs on QEMU's CPU models
to completion (isa-debug-exit 33), and the captures the CPUID-policy unit
tests use still match what this QEMU reports."""
import subprocess

from lares import ROOT


def test_cpuid_captures_match_this_qemu():
    p = subprocess.run([str(ROOT / "scripts" / "capture-cpuid.sh"), "--check"],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "committed data match" in p.stdout
