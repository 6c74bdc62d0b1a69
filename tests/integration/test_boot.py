"""Lares boots under QEMU, reads its command line and exits cleanly."""
import re

from lares import EXIT_OK, boot


def test_boots_and_exits(request):
    r = boot(request, append="loglvl=all")
    assert r.rc == EXIT_OK, r
    assert "Lares" in r.serial


def test_unknown_option_warns_and_boot_continues(request):
    r = boot(request, append="no_such_option=1")
    assert r.rc == EXIT_OK, r
    assert r.lines(r"unknown option 'no_such_option' ignored"), r


def test_malformed_value_names_the_option(request):
    r = boot(request, append="loglvl=banana")
    assert r.rc == EXIT_OK, r
    assert r.lines(r"option 'loglvl': invalid value 'banana'"), r


def test_modules_are_listed_with_their_command_lines(request, tmp_path):
    a = tmp_path / "first.bin"
    a.write_bytes(b"x" * 5000)
    b = tmp_path / "second.img"
    b.write_bytes(b"y" * 100)
    r = boot(request, modules=[f"{a} hello world", b])
    assert r.rc == EXIT_OK, r
    m0 = r.lines(r"Module 0: .* first\.bin hello world")
    m1 = r.lines(r"Module 1: .* second\.img$")
    assert m0 and m1, r
    # Sizes are reported from the loader's start/end addresses.
    start, end = (int(x, 16) for x in re.search(r"Module 0: (0x[0-9a-f]+)-(0x[0-9a-f]+)", m0[0]).groups())
    assert end - start == 5000
