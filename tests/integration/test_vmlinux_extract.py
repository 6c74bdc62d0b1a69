"""vmlinux-extract on synthetic bzImages (every codec and error path) and on
Debian's real kernel. The payloads are made by the real compressor CLIs,
with the options the kernel build uses."""
import struct
import subprocess

import pytest

from guest_images import VMLINUX_EXTRACT, build_tools, linux_images  # noqa: F401

PVH_ENTRY = 0x1000850
RELOCS = b"\0\0\0\0" + b"R" * 100  # the kernel appends its relocation table to vmlinux

# exit codes (tools/vmlinux-extract/status.h)
OK, USAGE, NOT_BZIMAGE, OLD_PROTOCOL, UNSUPPORTED, CORRUPT, NOT_ELF, NO_PVH = range(8)


@pytest.fixture(scope="module", autouse=True)
def tool():
    build_tools()


def make_elf(pvh_note=True, machine=62):
    """A minimal ELF64 with a PT_LOAD and a PT_NOTE carrying Xen notes."""
    notes = b""
    # An unrelated Xen note first (XEN_ELFNOTE_GUEST_OS), then the PVH entry.
    notes += struct.pack("<III", 4, 8, 6) + b"Xen\0" + b"linux\0\0\0"
    if pvh_note:
        notes += struct.pack("<III", 4, 8, 18) + b"Xen\0" + struct.pack("<Q", PVH_ENTRY)
    text = bytes(range(256)) * 16
    phoff, note_off = 64, 64 + 2 * 56
    text_off = note_off + len(notes)
    ehdr = (b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
            + struct.pack("<HHIQQQIHHHHHH", 2, machine, 1, 0x1000000, phoff, 0, 0, 64, 56, 2,
                          64, 0, 0))
    load = struct.pack("<IIQQQQQQ", 1, 5, text_off, 0xffffffff81000000, 0x1000000, len(text),
                       len(text) + 0x1000, 0x1000)
    note = struct.pack("<IIQQQQQQ", 4, 4, note_off, 0, 0, len(notes), len(notes), 4)
    return ehdr + load + note + notes + text


def compress(codec, data):
    cmd = {
        # scripts/xz_wrap.sh: BCJ x86 filter + LZMA2, CRC32 check
        "xz": ["xz", "--check=crc32", "--x86", "--lzma2=dict=1MiB", "-c"],
        "lz4": ["lz4", "-l", "-9", "-c"],  # legacy frame, as the kernel's cmd_lz4
        "zstd": ["zstd", "--ultra", "-22", "-c", "-q"],
        "gzip": ["gzip", "-9", "-n", "-c"],
        "lzma": ["xz", "--format=lzma", "-9", "-c"],
        "bzip2": ["bzip2", "-9", "-c"],
    }[codec]
    out = subprocess.run(cmd, input=data, capture_output=True, check=True).stdout
    # The kernel build appends the uncompressed size; gzip's own trailer already is that.
    return out if codec == "gzip" else out + struct.pack("<I", len(data))


def make_bzimage(payload, setup_sects=30, version=0x020F, payload_offset=0x2CC, flag=0xAA55,
                 magic=b"HdrS"):
    pm_start = ((setup_sects or 4) + 1) * 512
    img = bytearray(pm_start + payload_offset)
    img[0x1F1] = setup_sects
    struct.pack_into("<H", img, 0x1FE, flag)
    img[0x202:0x206] = magic
    struct.pack_into("<H", img, 0x206, version)
    struct.pack_into("<II", img, 0x248, payload_offset, len(payload))
    return bytes(img) + payload + b"\0" * 64  # bzImages are padded after the payload


def run(tmp_path, image):
    src, out = tmp_path / "vmlinuz", tmp_path / "vmlinux"
    src.write_bytes(image)
    p = subprocess.run([str(VMLINUX_EXTRACT), str(src), str(out)], capture_output=True,
                       text=True, timeout=60)
    return p, out


@pytest.mark.parametrize("codec", ["xz", "lz4", "zstd", "gzip", "lzma"])
def test_extracts_the_elf_from_each_codec(tmp_path, codec):
    elf = make_elf()
    p, out = run(tmp_path, make_bzimage(compress(codec, elf + RELOCS)))
    assert p.returncode == OK, p.stderr
    assert out.read_bytes() == elf  # relocation table dropped, ELF byte-exact
    assert f"{codec} payload" in p.stdout
    assert f"Xen PVH entry (PHYS32_ENTRY note) {PVH_ENTRY:#x}" in p.stdout
    assert f"{len(RELOCS)} trailing bytes dropped" in p.stdout


def test_zero_setup_sects_means_four(tmp_path):
    elf = make_elf()
    p, out = run(tmp_path, make_bzimage(compress("xz", elf), setup_sects=0))
    assert p.returncode == OK, p.stderr
    assert out.read_bytes() == elf


def test_lz4_with_several_blocks(tmp_path):
    # More than one 8 MiB legacy block, incompressible enough to be large.
    import random
    rnd = random.Random(1)
    big = make_elf() + bytes(rnd.getrandbits(8) for _ in range(1 << 16)) * 200
    p, out = run(tmp_path, make_bzimage(compress("lz4", big)))
    assert p.returncode == OK, p.stderr
    assert out.read_bytes() == make_elf()


@pytest.mark.parametrize("image, code, message", [
    (b"MZ" + bytes(4096), NOT_BZIMAGE, "boot_flag"),
    (b"\0" * 100, NOT_BZIMAGE, "too short"),
    (make_bzimage(b"x" * 8, magic=b"Hdr!"), NOT_BZIMAGE, "HdrS"),
    (make_bzimage(b"x" * 8, version=0x0206), OLD_PROTOCOL, "2.06"),
], ids=["pe-file", "short", "no-HdrS", "protocol-2.06"])
def test_rejects_non_bzimages(tmp_path, image, code, message):
    p, out = run(tmp_path, image)
    assert p.returncode == code, p.stderr
    assert message in p.stderr
    assert not out.exists()


@pytest.mark.parametrize("codec", ["bzip2", "lzo"])
def test_names_unsupported_compression(tmp_path, codec):
    payload = (b"\x89LZO\0\r\n\x1a\n" + bytes(64)) if codec == "lzo" else compress(codec, make_elf())
    p, out = run(tmp_path, make_bzimage(payload))
    assert p.returncode == UNSUPPORTED, p.stderr
    assert f"payload is {codec}-compressed" in p.stderr
    assert not out.exists()


def test_unknown_compression(tmp_path):
    p, _ = run(tmp_path, make_bzimage(b"\x11\x22\x33\x44" + bytes(60)))
    assert p.returncode == UNSUPPORTED
    assert "unknown compression (payload starts 11 22 33 44)" in p.stderr


def corrupt_middle(data):
    b = bytearray(data)
    for i in range(len(b) // 3, len(b) // 3 + 16):
        b[i] ^= 0x5A
    return bytes(b)


@pytest.mark.parametrize("codec", ["xz", "zstd", "gzip"])
def test_corrupt_payload(tmp_path, codec):
    p, out = run(tmp_path, make_bzimage(corrupt_middle(compress(codec, make_elf() + RELOCS))))
    assert p.returncode == CORRUPT, (p.returncode, p.stderr)
    assert codec in p.stderr
    assert not out.exists()


def test_corrupt_lz4_block(tmp_path):
    # The legacy LZ4 frame has no checksum: damaged literals decode silently
    # (as in the kernel), but a damaged block structure is caught.
    data = bytearray(compress("lz4", make_elf() + RELOCS))
    struct.pack_into("<I", data, 4, 0x7FFFFFF)  # first block's compressed size
    p, out = run(tmp_path, make_bzimage(bytes(data)))
    assert p.returncode == CORRUPT, (p.returncode, p.stderr)
    assert "lz4 payload: block" in p.stderr
    data = bytearray(compress("lz4", make_elf() + RELOCS))
    data[8] = 0xFF  # first token claims more literals than the block holds
    data[9:14] = b"\xff" * 5
    p, out = run(tmp_path, make_bzimage(bytes(data)))
    assert p.returncode == CORRUPT, (p.returncode, p.stderr)
    assert "does not decode" in p.stderr


@pytest.mark.parametrize("codec", ["xz", "zstd", "gzip", "lz4"])
def test_truncated_payload(tmp_path, codec):
    data = compress(codec, make_elf())
    cut = data[: len(data) // 2] + data[-4:]  # keep a size trailer so only the stream is short
    p, _ = run(tmp_path, make_bzimage(cut))
    assert p.returncode == CORRUPT, (p.returncode, p.stderr)


def test_payload_beyond_end_of_file(tmp_path):
    image = make_bzimage(compress("xz", make_elf()))
    p, _ = run(tmp_path, image[:-200])
    assert p.returncode == CORRUPT
    assert "truncated bzImage" in p.stderr


def test_size_trailer_must_match(tmp_path):
    data = compress("xz", make_elf())
    p, _ = run(tmp_path, make_bzimage(data[:-4] + struct.pack("<I", 12345)))
    assert p.returncode == CORRUPT
    assert "records 12345" in p.stderr


def test_output_not_an_elf(tmp_path):
    p, out = run(tmp_path, make_bzimage(compress("xz", b"not an elf at all" * 100)))
    assert p.returncode == NOT_ELF
    assert "not an ELF" in p.stderr
    assert not out.exists()


def test_output_not_x86_64(tmp_path):
    p, _ = run(tmp_path, make_bzimage(compress("xz", make_elf(machine=183))))
    assert p.returncode == NOT_ELF
    assert "not x86-64" in p.stderr


def test_elf_without_pvh_note(tmp_path):
    p, out = run(tmp_path, make_bzimage(compress("zstd", make_elf(pvh_note=False))))
    assert p.returncode == NO_PVH, p.stderr
    assert "PHYS32_ENTRY" in p.stderr and "CONFIG_PVH" in p.stderr
    assert not out.exists()


def test_usage_and_io_errors(tmp_path):
    p = subprocess.run([str(VMLINUX_EXTRACT)], capture_output=True, text=True)
    assert p.returncode == USAGE and "usage:" in p.stderr
    p = subprocess.run([str(VMLINUX_EXTRACT), str(tmp_path / "missing"), str(tmp_path / "o")],
                       capture_output=True, text=True)
    assert p.returncode == USAGE and "cannot open" in p.stderr
    image = tmp_path / "vmlinuz"
    image.write_bytes(make_bzimage(compress("xz", make_elf())))
    p = subprocess.run([str(VMLINUX_EXTRACT), str(image), str(tmp_path / "no" / "dir")],
                       capture_output=True, text=True)
    assert p.returncode == USAGE and "cannot create" in p.stderr


@pytest.mark.linux
def test_debian_kernel(tmp_path, linux_images):
    """Our extraction of Debian's vmlinuz equals an independent xz decode of it."""
    out = tmp_path / "vmlinux"
    p = subprocess.run([str(VMLINUX_EXTRACT), str(linux_images.vmlinuz), str(out)],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == OK, p.stderr
    assert "xz payload" in p.stdout and "Xen PVH entry (PHYS32_ENTRY note) 0x10" in p.stdout
    image = linux_images.vmlinuz.read_bytes()
    setup_sects = image[0x1F1] or 4
    off, length = struct.unpack_from("<II", image, 0x248)
    start = (setup_sects + 1) * 512 + off
    ref = subprocess.run(["xz", "--single-stream", "-dc"], input=image[start:start + length],
                         capture_output=True, check=True).stdout
    elf = out.read_bytes()
    assert ref.startswith(elf) and len(ref) - len(elf) < (4 << 20)
    assert out.read_bytes() == linux_images.vmlinux.read_bytes()
