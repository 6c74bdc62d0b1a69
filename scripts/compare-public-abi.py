#!/usr/bin/python3
"""Compare include/public/ with Xen's own public headers.

usage: compare-public-abi.py XEN_PUBLIC_DIR

XEN_PUBLIC_DIR holds Xen's xen.h, io/, hvm/, arch-x86/ (a Xen source
tree's xen/include/public, or /usr/include/xen from Debian's libxen-dev).

Checks, for every struct and union our headers define that Xen also has:
the total size, and the offset and size of every named member Xen has
(nested ones too; padding names excepted). Then every numeric macro both
define must have the same value. Layouts come from the compiler's debug
information (gdb's "ptype /o"), so nothing is parsed out of C by hand.
Exit status 0 when everything matches.
"""
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OURS = ROOT / "include" / "public"
# Our headers and the Xen headers that declare the same things.
HEADERS = ["xen.h", "features.h", "version.h", "sched.h", "event_channel.h", "memory.h",
           "vcpu.h", "grant_table.h", "hvm/params.h", "hvm/hvm_op.h", "hvm/hvm_vcpu.h", "io/ring.h",
           "io/console.h", "io/xs_wire.h", "arch-x86/cpuid.h"]
PAD = re.compile(r"(^|_)(pad|rsvd|spacer|_spacer|_pad)\d*$|^_?pad|^__")
# Deliberate differences: Xen members that are native pointers.
NOT_IN_LARES = {"vcpu_register_runstate_memory_area.addr.v", "vcpu_register_time_memory_area.addr.v"}
# Shared pages whose structure Xen extends at the end over releases (older
# headers are shorter; every member they have must still match).
GROWS_AT_END = {"xencons_interface", "xenstore_domain_interface"}
MACRO_PREFIX = re.compile(r"^(__HYPERVISOR_|XEN|VIRQ_|NR_VIRQS|DOMID_|VMASST_|CONSOLEIO_|"
                          r"SCHEDOP_|SHUTDOWN_|EVTCHN|BIND_|VCPU|RUNSTATE_|GNT|GTF_|HVM|"
                          r"XS_|MASK_)")


def type_names():
    structs, unions = set(), set()
    for h in HEADERS:
        text = (OURS / h).read_text()
        structs |= set(re.findall(r"^struct (\w+) \{", text, re.M))
        unions |= set(re.findall(r"^union (\w+) \{", text, re.M))
    return sorted(structs), sorted(unions)


def compile_program(tmp, tag, include_line, includes, decls):
    src = Path(tmp) / f"{tag}.c"
    src.write_text("#include <stdint.h>\n#include <stddef.h>\n" +
                   "".join(include_line(h) for h in includes) + decls +
                   "int main(void) { return 0; }\n")
    exe = Path(tmp) / tag
    subprocess.run(["gcc", "-g", "-O0", "-w", "-D__XEN_TOOLS__", "-I", str(ROOT / "include"),
                    "-I", str(Path(tmp) / "inc"), str(src), "-o", str(exe)], check=True)
    return exe


def layouts(exe, kinds):
    """{type: (size, {member path: (offset, size)})} from gdb."""
    args = []
    for kind, name in kinds:
        args += ["-ex", f"ptype /o {kind} {name}"]
    out = subprocess.run(["gdb", "-batch", "-nx", *args, str(exe)], capture_output=True,
                         text=True).stdout
    result, stack, name = {}, [], None
    member = re.compile(r"^/\*\s*(?:(\d+)\s*\|)?\s*(\d+)\s*\*/\s*(.*)$")
    for line in out.splitlines():
        m = re.search(r"type = (?:struct|union) (\w+) \{$", line)
        if m:
            name = m.group(1)
            stack = [{"off": 0, "size": None, "members": []}]
            continue
        if not stack:
            continue
        m = member.match(line.strip())
        if m:
            off = int(m.group(1)) if m.group(1) else stack[-1]["off"]
            size, decl = int(m.group(2)), m.group(3)
            if decl.endswith("{"):
                stack.append({"off": off, "size": size, "members": []})
            else:
                ident = re.search(r"(\w+)(\[\d*\])*;$", decl)
                if ident:
                    stack[-1]["members"].append((ident.group(1), off, size))
            continue
        m = re.match(r"^\s*/\* total size \(bytes\):\s*(\d+) \*/", line)
        if m:
            stack[-1]["size"] = int(m.group(1))
            continue
        m = re.match(r"^\s*\}\s*(\w*)", line)
        if m:
            frame = stack.pop()
            if stack:
                sub = m.group(1)
                stack[-1]["members"].append((sub, frame["off"], frame["size"]))
                stack[-1]["members"] += [(f"{sub}.{n}", o, s) for n, o, s in frame["members"]]
            else:
                result[name] = (frame["size"], {n: (o, s) for n, o, s in frame["members"]})
                name = None
    return result


def macros(tmp, tag, include_line, includes):
    src = "".join(include_line(h) for h in includes)
    p = subprocess.run(["gcc", "-E", "-dM", "-D__XEN_TOOLS__", "-I", str(ROOT / "include"),
                        "-I", str(Path(tmp) / "inc"), "-x", "c", "-"], input="#include <stdint.h>\n" + src,
                       capture_output=True, text=True)
    if p.returncode:
        sys.exit(f"preprocessing the {tag} headers failed:\n{p.stderr}")
    out = p.stdout
    return {m.group(1) for m in re.finditer(r"^#define (\w+) ", out, re.M)}


def macro_values(tmp, tag, include_line, includes, names):
    body = "".join(f'printf("%s %lld\\n", "{n}", (long long)({n}));\n' for n in names)
    src = Path(tmp) / f"m_{tag}.c"
    src.write_text("#include <stdio.h>\n#include <stdint.h>\n" +
                   "".join(include_line(h) for h in includes) +
                   f"int main(void) {{\n{body}return 0;\n}}\n")
    exe = Path(tmp) / f"m_{tag}"
    subprocess.run(["gcc", "-w", "-D__XEN_TOOLS__", "-I", str(ROOT / "include"), "-I", str(Path(tmp) / "inc"),
                    str(src), "-o", str(exe)], check=True)
    out = subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout
    return dict(line.split() for line in out.splitlines())


def main():
    if len(sys.argv) != 2 or not (Path(sys.argv[1]) / "xen.h").is_file():
        sys.exit(__doc__)
    xen_dir = Path(sys.argv[1]).resolve()
    structs, unions = type_names()
    kinds = [("struct", s) for s in structs] + [("union", u) for u in unions]
    decls = "".join(f"{k} {n} var_{k}_{n};\n" for k, n in kinds)
    ours_inc = lambda h: f"#include <public/{h}>\n"
    xen_inc = lambda h: f"#include <xen/{h}>\n"
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        inc = Path(tmp) / "inc"
        inc.mkdir()
        os.symlink(xen_dir, inc / "xen")
        ours = layouts(compile_program(tmp, "ours", ours_inc, HEADERS, decls), kinds)
        # Xen lacks some of our helper types: declare only the ones it has.
        have = [(k, n) for k, n in kinds if subprocess.run(
            ["gcc", "-fsyntax-only", "-w", "-D__XEN_TOOLS__", "-I", str(Path(tmp) / "inc"), "-x", "c", "-"],
            input="#include <stdint.h>\n#include <stddef.h>\n" +
                  "".join(xen_inc(h) for h in HEADERS) + f"{k} {n} v;\n",
            capture_output=True, text=True).returncode == 0]
        xdecls = "".join(f"{k} {n} var_{k}_{n};\n" for k, n in have)
        xen = layouts(compile_program(tmp, "xen", xen_inc, HEADERS, xdecls), have)
        for _, name in kinds:
            if name not in xen:
                print(f"  only in Lares: {name}")
                continue
            osize, omembers = ours[name]
            xsize, xmembers = xen[name]
            if osize != xsize and not (name in GROWS_AT_END and osize > xsize):
                problems.append(f"{name}: size {osize}, Xen {xsize}")
            elif osize != xsize:
                print(f"  {name}: {osize} bytes, these Xen headers have the older {xsize}")
            for path, where in xmembers.items():
                if any(PAD.search(p) for p in path.split(".")) or f"{name}.{path}" in NOT_IN_LARES:
                    continue
                if path in omembers and omembers[path] != where:
                    problems.append(f"{name}.{path}: (offset, size) {omembers[path]}, Xen {where}")
                elif path not in omembers and not any(p.startswith(path + ".") for p in omembers):
                    problems.append(f"{name}.{path}: missing (Xen has it at {where})")
        common = sorted(n for n in macros(tmp, "ours", ours_inc, HEADERS) &
                        macros(tmp, "xen", xen_inc, HEADERS)
                        if MACRO_PREFIX.match(n) and not n.endswith("_H"))
        ov = macro_values(tmp, "ours", ours_inc, HEADERS, common)
        xv = macro_values(tmp, "xen", xen_inc, HEADERS, common)
        problems += [f"macro {n}: {ov[n]}, Xen {xv[n]}" for n in common if ov[n] != xv[n]]
    print(f"compared {len(xen)} structures/unions and {len(common)} macros with {xen_dir}")
    for p in problems:
        print("MISMATCH", p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
