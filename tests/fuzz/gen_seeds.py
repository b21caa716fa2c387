#!/usr/bin/env python3
"""Seed inputs for the fuzz harnesses (make fuzz-corpus): a few structured
inputs per harness that reach each memory kind, geometry and operation, in
the byte encodings the harnesses read (see the comments at the top of each
tests/fuzz/fuzz_*.c).  Usage: gen_seeds.py <harness> <out-dir>."""
import os
import random
import struct
import sys

rng = random.Random(14)


def u16(v):
    return struct.pack("<H", v & 0xFFFF)


def u32(v):
    return struct.pack("<I", v & 0xFFFFFFFF)


def rnd(n):
    return bytes(rng.randrange(256) for _ in range(n))


# ---- fuzz_cell: [geometry x mode][kind][schema | slacks][storage][ops] -------
GEOMS = [(4, 12), (8, 16), (12, 12), (40, 12), (40, 16)]


def cell_storage(g, ab, kind, misc):
    size, vo = GEOMS[g]
    ss = ((16 + size + 7) & ~7) if vo == 16 else ((12 + size + 3) & ~3)
    if kind != 6:
        ss += ((misc >> 6) & 3) * 4
    return ss * (2 if ab else 1)


def cell_script(size):
    v = lambda: rnd(size)
    s = b""
    s += b"\x00" + v()                      # set
    s += b"\x0f"                            # observe
    s += b"\x01" + v()                      # set again (A/B: the other slot)
    s += b"\x03\x00"                        # edit begin KEEP
    s += b"\x04" + bytes([1, 4]) + rnd(4)   # write 4 bytes at 1
    s += b"\x06"                            # commit
    s += b"\x03\x01"                        # edit begin ZERO
    s += b"\x05" + bytes([0, 8]) + rnd(8)
    s += b"\x07"                            # abort
    s += b"\x02"                            # invalidate
    s += b"\x08" + bytes([3, 0]) + v()      # set cut at store 4
    s += b"\x08" + bytes([5, 6]) + v()      # set cut at store 6, torn
    s += b"\x09" + bytes([0, 0])            # invalidate cut at store 1
    s += b"\x03\x00" + b"\x0a" + bytes([2, 9])  # begin, commit cut
    for w in range(12):
        s += b"\x0e" + bytes([w])           # misuse
    s += b"\x0c" + bytes([0]) + u16(7) + rnd(64)      # craft: ours
    s += b"\x0d" + bytes([3]) + u16(9) + rnd(64)      # craft: other schema, slot 1
    s += b"\x0c" + bytes([12]) + u16(1) + bytes([5]) + rnd(64)  # craft: span
    s += b"\x0b" + bytes([8, 0x55])         # stray
    s += b"\x03\xf3"                        # begin with unknown flags
    return s


def gen_cell(out):
    seeds = []
    for g in range(len(GEOMS)):
        for ab in (0, 1):
            for kind in ((g + ab) % 7, (g + ab + 3) % 7):
                misc = rng.randrange(256)
                st = cell_storage(g, ab, kind, misc)
                img = bytes(st) if kind % 2 else rnd(st)
                seeds.append(bytes([g * 2 + ab, kind, misc]) + img + cell_script(GEOMS[g][0]))
    return seeds


# ---- fuzz_buf: [ring | kind][size][schema | slack][style][image...][ops] ----------

def buf_ops():
    s = b""
    for n in (0, 5, 12, 33, 1, 60):
        s += b"\x00" + bytes([n]) + rnd(min(n, 16))         # append
    s += b"\x0a"                                            # full check
    s += b"\x10\x10\x12\x13"                                # kept iterators, saved record
    s += b"\x04" + b"\x05" + bytes([7]) + rnd(7) + b"\x06" + bytes([20]) + rnd(16) + b"\x07"  # stream
    s += b"\x04" + b"\x05" + bytes([3]) + rnd(3) + b"\x0c"  # stream, takeover
    s += b"\x04" + b"\x00" + bytes([4]) + rnd(4) + b"\x08"  # append while streaming, cancel
    s += b"\x0d" + bytes([2]) + b"\x01" + bytes([9]) + rnd(9)  # interrupt during an append
    s += b"\x0e" + bytes([4, 0, 10]) + rnd(10)              # append cut at store 5
    s += b"\x0e" + bytes([2, 3, 2]) + rnd(2)                # append cut, torn
    s += b"\x0f" + bytes([0, 0])                            # clear cut at store 1
    s += b"\x0b"                                            # reboot
    s += b"\x00" + bytes([0xF0]) + u16(300) + rnd(16)       # a long record
    s += b"\x09\x0a"                                        # clear, check
    for w in range(10):
        s += b"\x15" + bytes([w])                           # misuse
    s += b"\x14" + u16(60) + bytes([0x77]) + b"\x0a\x0b"    # stray, check, reboot
    return s


def gen_buf(out):
    seeds = []
    for kind in range(6):
        for ring in (0, 1):
            d = rng.choice([4, 10, 30, 100])
            b2 = rng.randrange(128)
            style = rng.choice([1, 2, 3])
            head = b""
            if style == 3:
                head += bytes([rng.randrange(256)])
            if style in (1, 3):
                flags = rng.choice([0, 16, 32, 64, 96])
                nrec = rng.randrange(1, 8)
                head += bytes([1]) + u16(0) + bytes([rng.randrange(4), nrec, flags]) + u16(rng.randrange(65536))
                if flags & 16:
                    head += u16(0) + bytes([1])
                for _ in range(nrec):
                    head += bytes([rng.randrange(40), 0])
                if flags & 64:
                    head += u16(16) + bytes([1, 2])
            seeds.append(bytes([(kind << 1) | ring, d, b2, style]) + head + buf_ops())
    # raw images: garbage, and the zero-size-control cases
    for kind in (0, 2):
        seeds.append(bytes([kind << 1, 6, 0, 0]) + rnd(48 + 32) + buf_ops())
    return seeds


# ---- fuzz_region: [kind][style][image or crafted header][ops] ---------------------

def region_ops():
    s = b""
    for k in range(5):
        s += bytes([k << 3])                                  # boot map k
        s += bytes([(k << 3) | 3, 1]) + rnd(16)               # set a cell
        s += bytes([(k << 3) | 5, 10]) + rnd(10)              # append
    s += bytes([2])                                           # request clear (map 0)
    s += bytes([0])                                           # boot: CLEARED
    s += bytes([(1 << 3) | 0])                                # boot map 1: RELAYOUT
    s += bytes([6, 30, 3])                                    # damage
    s += bytes([7])                                           # boot 0 then 1
    return s


def gen_region(out):
    seeds = []
    for kind in range(5):
        for style in (1, 2, 4 | 1, 4 | 0x20 | 1, 4 | 0x80 | 2, 0):
            body = b""
            if (style & 3) == 0:
                body += rnd(256)
            else:
                body += bytes([rng.randrange(256)])
            if style & 4:
                if style & 0x40:
                    body += u32(rng.randrange(1 << 32))
                if style & 0x80:
                    body += bytes([1])
                if style & 0x20:
                    body += rnd(48)
            seeds.append(bytes([kind, style]) + body + region_ops())
    return seeds


# ---- fuzz_migrate: image mode and history mode -----------------------------------

def gen_migrate(out):
    seeds = []
    # image mode: [even][extra][flags][image or g][directory][journal slots]
    for flags in (0, 2, 6, 2 | 8, 2 | 16, 6 | 8 | 16, 0x80 | 8):
        body = bytes([0, rng.randrange(64), flags, rng.randrange(256)])
        if flags & 2:
            cnt = 4
            body += bytes([cnt])
            for i in range(cnt):
                body += bytes([rng.randrange(0xC0), 0x10 + i, 1])
        for i in range(2):
            if flags & (8 << i):
                body += bytes([3, rng.randrange(5), rng.randrange(8), 5]) + u16(i + 1)
        seeds.append(body)
    seeds.append(bytes([0, 4, 1]) + rnd(700))
    # history mode: [odd][ngen][per gen: 8 spec bytes + shrink][per boot: cut, tear, (next)]
    #               [after a boot: one byte per container, flips]
    for n in range(8):
        ngen = rng.randrange(3)
        body = bytes([1, ngen])
        for _ in range(ngen + 2):
            body += bytes(rng.randrange(256) | 1 if rng.random() < 0.6 else 0 for _ in range(8))
            body += bytes([rng.choice([0, 0, 0xC4])])
        for _ in range(ngen + 3):
            cut = rng.choice([0xFF, 0xFF, rng.randrange(0x60)])
            body += bytes([cut, rng.randrange(16)])
            if cut < 0x60:
                body += bytes([rng.randrange(2)])
            else:
                body += rnd(8) + bytes([0])
        seeds.append(body)
    return seeds


GEN = {"fuzz_cell": gen_cell, "fuzz_buf": gen_buf, "fuzz_region": gen_region, "fuzz_migrate": gen_migrate}

if __name__ == "__main__":
    name, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    for i, s in enumerate(GEN[name](out)):
        with open(os.path.join(out, "seed-%02d" % i), "wb") as f:
            f.write(s)
