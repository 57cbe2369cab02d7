#!/usr/bin/env python3
"""newc-node.py PATH c|b MAJOR MINOR MODE: writes to stdout a cpio (newc) archive holding one
device node, so that appliance/build needs neither root nor mknod for the initramfs's
/dev/console (the kernel unpacks concatenated archives: Documentation/driver-api/early-userspace/
buffer-format.rst)."""
import sys

def entry(name, mode, rmaj=0, rmin=0, ino=1, nlink=1):
    n = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, nlink, 0, 0, 0, 0, rmaj, rmin, len(n), 0]
    head = b"070701" + b"".join(b"%08X" % f for f in fields) + n
    return head + b"\0" * (-len(head) % 4)

def main(argv):
    if len(argv) != 6 or argv[2] not in ("c", "b"):
        sys.exit(__doc__)
    path, kind, major, minor, mode = argv[1], argv[2], int(argv[3]), int(argv[4]), int(argv[5], 8)
    kind_bits = 0o020000 if kind == "c" else 0o060000
    out = entry(path, kind_bits | mode, major, minor) + entry("TRAILER!!!", 0, ino=0, nlink=1)
    out += b"\0" * (-len(out) % 512)
    sys.stdout.buffer.write(out)

main(sys.argv)
