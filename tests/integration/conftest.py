import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import lares  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line("markers", "linux: boots Debian's Linux kernel (slow)")
    config.addinivalue_line("markers", "slow: takes more than a minute")
    config.addinivalue_line("markers", "xen: boots Debian's real Xen as a reference (fetched)")


@pytest.fixture(scope="session", autouse=True)
def built():
    """Everything the tests boot is built once, up front."""
    subprocess.run(["make", "-s", "-C", str(lares.ROOT), "all"], check=True)
