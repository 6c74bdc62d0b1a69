#!/usr/bin/python3
"""Capture the firmware tables a QEMU machine gives Lares, as unit-test data.

Boots build/lares.elf under QEMU (TCG) with the given machine options, dumps
guest RAM through the monitor once Lares has halted, and writes the pieces
the platform parsers read (BIOS data area, RSDP, RSDT/XSDT and every table
they list, the MP floating pointer and its configuration table) to a
"physical memory image" file:

    8 bytes   magic "LARESPHY"
    then records until end of file:
      u64 physical address, u32 length, u32 zero, <length> bytes

usage: capture-firmware-tables.py OUT.phys -- <extra qemu args, e.g. -M q35 -smp 4>
"""
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEM = 128 << 20


def run_and_dump(extra, dump):
    with tempfile.TemporaryDirectory() as tmp:
        sock = os.path.join(tmp, "mon.sock")
        cmd = ["qemu-system-x86_64", "-accel", "tcg", "-cpu", "max", "-m", "128M",
               "-display", "none", "-no-reboot", "-nic", "none", "-serial", "stdio",
               "-monitor", f"unix:{sock},server=on,wait=off",
               "-kernel", str(ROOT / "build/lares.elf")] + extra
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            out = b""
            deadline = time.monotonic() + 120
            os.set_blocking(p.stdout.fileno(), False)
            while b"halted" not in out:
                if time.monotonic() > deadline or p.poll() is not None:
                    raise SystemExit(f"Lares did not halt: {out.decode(errors='replace')}")
                time.sleep(0.1)
                out += p.stdout.read() or b""
            s = socket.socket(socket.AF_UNIX)
            s.connect(sock)
            s.settimeout(0.2)
            s.sendall(f"pmemsave 0 {MEM} \"{dump}\"\n".encode())
            # The monitor echoes every keystroke; keep reading so it never stalls.
            while not (os.path.exists(dump) and os.path.getsize(dump) == MEM):
                if time.monotonic() > deadline:
                    raise SystemExit("pmemsave did not complete")
                try:
                    s.recv(65536)
                except socket.timeout:
                    pass
            s.close()
        finally:
            p.kill()
            p.wait()


def csum_ok(b):
    return sum(b) & 0xff == 0


def main():
    out_path = sys.argv[1]
    extra = sys.argv[3:] if sys.argv[2] == "--" else sys.argv[2:]
    with tempfile.TemporaryDirectory() as tmp:
        dump = os.path.join(tmp, "ram.bin")
        run_and_dump(extra, dump)
        ram = open(dump, "rb").read()

    records = {}

    def take(pa, length):
        records[pa] = ram[pa:pa + length]

    take(0x400, 0x100)  # BIOS data area (EBDA segment at 0x40e)

    rsdps = [a for a in range(0xE0000, 0x100000, 16)
             if ram[a:a + 8] == b"RSD PTR " and csum_ok(ram[a:a + 20])]
    roots = []
    if rsdps:
        rsdp = rsdps[0]
        rev = ram[rsdp + 15]
        take(rsdp, 36 if rev >= 2 else 20)
        roots.append((struct.unpack_from("<I", ram, rsdp + 16)[0], 4))
        if rev >= 2:
            roots.append((struct.unpack_from("<Q", ram, rsdp + 24)[0], 8))
    for root, width in roots:
        if not root:
            continue
        length = struct.unpack_from("<I", ram, root + 4)[0]
        take(root, length)
        for off in range(36, length, width):
            pa = int.from_bytes(ram[root + off:root + off + width], "little")
            tlen = struct.unpack_from("<I", ram, pa + 4)[0]
            take(pa, tlen)

    mp = [a for a in range(0xF0000, 0x100000, 16)
          if ram[a:a + 4] == b"_MP_" and csum_ok(ram[a:a + 16])]
    if mp:
        take(mp[0], 16)
        cfg = struct.unpack_from("<I", ram, mp[0] + 4)[0]
        if cfg:
            base_len, = struct.unpack_from("<H", ram, cfg + 4)
            ext_len, = struct.unpack_from("<H", ram, cfg + 40)
            take(cfg, base_len + ext_len)

    with open(out_path, "wb") as f:
        f.write(b"LARESPHY")
        for pa in sorted(records):
            data = records[pa]
            f.write(struct.pack("<QII", pa, len(data), 0))
            f.write(data)
    names = []
    for pa in sorted(records):
        sig = records[pa][:4]
        names.append(f"{pa:#x}:{sig.decode(errors='replace') if sig.isalnum() or sig == b'_MP_' else len(records[pa])}")
    print(out_path, " ".join(names))


if __name__ == "__main__":
    main()
