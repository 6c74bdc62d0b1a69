"""XTF (the Xen Test Framework, andyhhp/xtf) test kernels as boot-time
domains. XTF is not part of this repository: build it yourself (see
docs/xtf.md) and point XTF_DIR at its tree; without it these tests skip.

Each XTF kernel prints "Test result: <verdict>" as its last line and then
shuts its domain down; the verdict is read from the domain's own output.
"""
import os
from pathlib import Path

import pytest

from lares import EXIT_OK, boot

XTF_DIR = os.environ.get("XTF_DIR", "")
ENVS = ["hvm64", "hvm32", "hvm32pae", "hvm32pse"]


def xtf_binary(test, env):
    if not XTF_DIR:
        pytest.skip("XTF_DIR is not set (docs/xtf.md explains how to build XTF)")
    path = Path(XTF_DIR) / "tests" / test / f"test-{env}-{test}"
    if not path.exists():
        pytest.skip(f"{path} was not built")
    return path


def run_xtf(request, test, env, cpu="max"):
    binary = xtf_binary(test, env)
    r = boot(request, cpu=cpu, append="domain=xtf,kernel=0,memory=32M", modules=[str(binary)])
    assert r.rc == EXIT_OK, r
    results = r.lines(r"\(xtf\) Test result: ")
    assert len(results) == 1, r
    return results[0].split("Test result: ", 1)[1].strip(), r


@pytest.mark.parametrize("cpu", ["max", "qemu64,+svm,+npt"])
@pytest.mark.parametrize("env", ENVS)
def test_example(request, env, cpu):
    verdict, r = run_xtf(request, "example", env, cpu)
    assert verdict == "SUCCESS", r
    assert r.lines(r"\(xtf\) Hello World"), r
    assert r.lines(r"d1 \(xtf\): shut down: poweroff"), r
