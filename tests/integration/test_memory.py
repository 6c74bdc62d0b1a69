"""Memory: the sanitised map, RAM totals for several machine sizes, reservations, paging."""
import re

import pytest

from lares import EXIT_OK, boot

PAGE = 4096
E820_RE = re.compile(r"e820: \[(0x[0-9a-f]+)-(0x[0-9a-f]+)\) (.+)$")
MEMORY_RE = re.compile(r"Memory: (\d+) MiB RAM, (\d+) MiB free \((\d+) KiB RAM, (\d+) KiB free")
SIZES = {"128M": 128 << 20, "1G": 1 << 30, "4G": 4 << 30}


def e820(r):
    ranges = []
    for line in r.lines(r"e820: \["):
        start, end, kind = E820_RE.search(line).groups()
        ranges.append((int(start, 16), int(end, 16), kind.strip()))
    assert ranges, r
    return ranges


def memory_line(r):
    lines = r.lines(r"Memory: \d+ MiB RAM")
    assert len(lines) == 1, r
    mib_ram, mib_free, kib_ram, kib_free = map(int, MEMORY_RE.search(lines[0]).groups())
    assert mib_ram == kib_ram // 1024 and mib_free == kib_free // 1024
    return kib_ram * 1024, kib_free * 1024


def whole_pages(start, end):
    first, last = -(-start // PAGE), end // PAGE
    return max(0, last - first) * PAGE


@pytest.mark.parametrize("mem", ["128M", "1G", "4G"])
def test_ram_total_matches_the_firmware_map(request, mem):
    r = boot(request, mem=mem)
    assert r.rc == EXIT_OK, r
    ranges = e820(r)
    # Sanitised: sorted and non-overlapping.
    for (s0, e0, _), (s1, _, _) in zip(ranges, ranges[1:]):
        assert e0 <= s1, r
    expected = sum(whole_pages(s, e) for s, e, kind in ranges if kind == "RAM")
    ram, free = memory_line(r)
    assert ram == expected, r
    # QEMU's holes (EBDA, BIOS area, the top 128 KiB below 4G or the PCI hole) are small.
    size = SIZES[mem]
    assert size - (2 << 20) <= ram <= size, r
    if mem == "4G":
        # The PC machine moves RAM above the 3 GiB PCI hole to 4 GiB and up; it must count.
        assert any(kind == "RAM" and s >= 1 << 32 for s, _, kind in ranges), r
    # Free is RAM less low memory, the image and the allocator's own metadata.
    max_pfn = max(e for _, e, kind in ranges if kind == "RAM") // PAGE
    overhead = (1 << 20) + (2 << 20) + 12 * max_pfn + (256 << 10)
    assert ram - overhead <= free < ram, r


def test_all_memory_is_usable_including_above_4g(request):
    r = boot(request, mem="4G", append="mm_selftest", timeout=240)
    assert r.rc == EXIT_OK, r
    m = re.search(r"mm_selftest: passed \(largest block order (\d+); (\d+) pages .* "
                  r"highest page (0x[0-9a-f]+)\)", r.serial)
    assert m, r
    largest, pages, highest = int(m.group(1)), int(m.group(2)), int(m.group(3), 16)
    assert largest >= 18, r  # 1 GiB blocks exist on a 4 GiB machine
    assert highest >= 1 << 32, r
    _, free = memory_line(r)
    assert pages * PAGE == free, r


def test_selftest_on_a_small_machine_without_1g_pages(request):
    r = boot(request, mem="128M", cpu="qemu64,+svm,+npt", append="mm_selftest")
    assert r.rc == EXIT_OK, r
    # ioremap reaches the local APIC (QEMU's reports version 0x14).
    assert r.lines(r"local APIC version register 0x[0-9a-f]*14 \(via ioremap at 0xffff82"), r
    assert r.lines(r"low_memory_is_free: page 0 0, 0x7000 1, 0x9f000 0, 0xa0000 0$"), r
    assert r.lines(r"arch_selftest: passed"), r
    assert r.lines(r"mm_selftest: passed \(largest block order (9|1\d)"), r
    assert r.lines(r"Paging: direct map \d+ MiB \(0 x 1 GiB, [1-9]\d* x 2 MiB"), r


def test_1g_pages_are_used_when_the_cpu_has_them(request):
    r = boot(request, mem="4G", cpu="max")
    assert r.rc == EXIT_OK, r
    m = re.search(r"Paging: direct map (\d+) MiB \((\d+) x 1 GiB", r.serial)
    assert m and int(m.group(2)) >= 1, r


def test_boot_modules_are_kept_out_of_the_allocator(request, tmp_path):
    module = tmp_path / "big.bin"
    module.write_bytes(b"\xa5" * (8 << 20))
    plain = boot(request, mem="256M")
    with_module = boot(request, mem="256M", modules=[module])
    assert plain.rc == EXIT_OK and with_module.rc == EXIT_OK, with_module
    _, free_plain = memory_line(plain)
    _, free_module = memory_line(with_module)
    assert free_plain - free_module >= 8 << 20, with_module
