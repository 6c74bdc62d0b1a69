"""A CPU without SVM or nested paging gets a clear refusal (status 37), never a crash."""
import pytest

from lares import EXIT_OK, EXIT_UNSUPPORTED, boot


@pytest.mark.parametrize("cpu, says", [
    ("qemu64", r"has SVM but no nested paging \(NPT\)"),
    ("qemu64,+svm", r"has SVM but no nested paging \(NPT\)"),
    ("qemu64,-svm", r"does not report AMD SVM"),
    ("Nehalem", r"This is an Intel CPU: Lares needs AMD SVM"),
])
def test_refused_with_advice(request, cpu, says):
    r = boot(request, cpu=cpu, smp=2)
    assert r.rc == EXIT_UNSUPPORTED, r
    assert r.lines(r"CPU0 \(\w+\) cannot run Lares:"), r
    assert r.lines(says), r
    assert r.lines(r"use -cpu max or -cpu qemu64,\+svm,\+npt"), r
    assert not r.lines(r"Panic|fatal exception"), r


@pytest.mark.parametrize("cpu", ["max", "qemu64,+svm,+npt"])
def test_accepted(request, cpu):
    r = boot(request, cpu=cpu, smp=2)
    assert r.rc == EXIT_OK, r
    assert r.lines(r"SVM: AMD SVM with nested paging, \d+ ASIDs"), r
    assert r.lines(r"smp: all 2 CPUs online"), r
