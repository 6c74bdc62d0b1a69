"""include/public/ against Xen's own public headers (Debian's libxen-dev).

scripts/compare-public-abi.py compares the size of every structure, the
offset and size of every member, and the value of every macro both
define, from the compiler's debug information. Skipped when the Debian
mirror is unreachable.
"""
import subprocess
import sys

import pytest

from lares import ROOT

pytestmark = pytest.mark.xen


def test_public_headers_match_xen():
    fetch = subprocess.run([str(ROOT / "scripts" / "fetch-xen-reference.sh"), "headers"],
                           capture_output=True, text=True, timeout=600)
    if fetch.returncode:
        pytest.skip(f"no Xen headers: {fetch.stderr.strip()}")
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "compare-public-abi.py"),
                        str(ROOT / fetch.stdout.strip())], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "compared" in r.stdout, r.stdout
