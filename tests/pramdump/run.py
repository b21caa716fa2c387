#!/usr/bin/env python3
"""make test-pramdump (tests/pramdump/pramdump.mk): pramdump against what the
firmware itself wrote and saw.

  1. V1 of tests/update (update_fw.c) on fresh RAM on QEMU leaves its .noinit
     in v1.noinit.bin: every container must read valid, each value exactly
     what update_fw.c's pattern() derives from the name, each record too.
  2. Updates of V1 (upd-<name>.elf on v1.noinit.bin: migrated, checked by the
     firmware, their .noinit left in after-<name>.bin): pramdump with the
     update's ELF must give what the update's checks expect of each container.
  3. Damage: one container of v1.noinit.bin at a time (a byte of a cell's
     value, of the log's control block, of a record's payload): pramdump must
     see exactly that container change, and V1 booted on the damaged image
     (QEMU) must fail exactly that container's check.
  4. A firmware that crashed (pd_crash_fw.c): the reboot record and crash
     pramdump decodes must equal what the firmware printed at the next boot,
     and the ring must end with the handler's line for that pc.
  5. An ELF64 host program (pd_host_fw.c): every shape of container, the
     8-byte manifest pointers, the default base from the lowest container's
     section.
  6. Bad input under ASan+UBSan: usage errors (2), missing, empty, truncated
     and mutated ELFs, hand-crafted bad manifest entries, truncated and
     mutated images: exit 0 or 1 as documented, never a crash or a
     sanitizer report; every --json output parses (json.load).
  7. The manifest gate (examples/tools/check_elf.sh): passes the firmware,
     rejects one whose .pram_manifest was made allocated.
  8. The GDB command pram-dump (src/host/pramdump/pram_gdb.py) in
     gdb-multiarch on QEMU's gdbstub, stopped where the crash firmware is
     about to write its dump: the same report as pramdump on that dump
     (skipped, and said so, without gdb-multiarch).

Environment: PRAMDUMP, PRAMDUMP_ASAN, QEMU, READELF, OBJCOPY, UPD_DIR,
UPD_NAMES, CRASH_ELF, HOST_ELF, GDB (default gdb-multiarch).  Argument: the output directory."""
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import time

T0 = time.time()
OUT = os.path.abspath(sys.argv[1])
ENV = os.environ
PD = os.path.abspath(ENV["PRAMDUMP"])
PDA = os.path.abspath(ENV["PRAMDUMP_ASAN"])
QEMU = ENV.get("QEMU", "qemu-system-arm")
UPD = os.path.abspath(ENV["UPD_DIR"])
UPD_NAMES = ENV["UPD_NAMES"].split()
CRASH_ELF = os.path.abspath(ENV["CRASH_ELF"])
HOST_ELF = os.path.abspath(ENV["HOST_ELF"])
V1_ELF = os.path.join(UPD, "upd-same.elf")

SAN_ENV = dict(ENV, ASAN_OPTIONS="exitcode=86:detect_leaks=1",
               UBSAN_OPTIONS="exitcode=87:halt_on_error=1:print_stacktrace=1")
failures = []
counts = {"runs": 0, "json": 0}


def fail(msg):
    failures.append(msg)
    print("test-pramdump: FAIL " + msg)


def check(cond, msg):
    if not cond:
        fail(msg)
    return cond


def run(args, tool=PD, env=None):
    counts["runs"] += 1
    p = subprocess.run([tool] + args, capture_output=True, env=env)
    return p.returncode, p.stdout.decode("latin-1"), p.stderr.decode("latin-1")


def dump_json(elf, image, extra=(), tool=PD, want_rc=0, what=""):
    rc, out, err = run([elf, image, "--json"] + list(extra), tool=tool,
                       env=SAN_ENV if tool == PDA else None)
    check(rc == want_rc, "%s: exit %d, not %d: %s" % (what or image, rc, want_rc, err.strip()[:300]))
    try:
        doc = json.loads(out)
        counts["json"] += 1
    except ValueError as e:
        fail("%s: --json output does not parse: %s" % (what or image, e))
        return None
    return doc


def qemu(elf, log, load=None, timeout=10):
    args = [QEMU, "-M", "mps2-an385", "-nographic", "-semihosting-config", "enable=on,target=native",
            "-kernel", elf]
    if load:
        args += ["-device", "loader,file=%s,addr=0x20400000" % load]
    with open(log, "wb") as f:
        subprocess.run(args, cwd=OUT, stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT,
                       timeout=timeout)
    with open(log, encoding="latin-1") as f:
        return f.read()


def pattern(name, gen, n):
    """tests/update/update_fw.c's pattern(): the bytes a container holds."""
    h = 2166136261
    for c in name.encode():
        h = ((h ^ c) * 16777619) & 0xFFFFFFFF
    return bytes(((h >> ((i % 4) * 8)) & 0xFF) ^ ((i * 7 + gen) & 0xFF) for i in range(n))


def by_name(doc):
    return {c["name"]: c for c in doc["containers"]} if doc else {}


# What V1 wrote: cells set twice (gen 0 then 1: the value is gen 1), the
# ring "log" three 12-byte records (gen 0, 1, 2).  Returns what differs.
def v1_problems(c, what):
    name = c["name"]
    if c["status"] != "valid":
        return ["%s: %s is %s, not valid" % (what, name, c["status"])]
    bad = []
    if c["kind"] == "cell":
        want = pattern(name, 1, c["value_size"]).hex()
        if c["value"] != want:
            bad.append("%s: %s = %s, V1 wrote %s" % (what, name, c["value"], want))
        if c["mode"] == "ab" and (c["slot"], c["seq"]) != (1, 2):
            bad.append("%s: %s in slot %d seq %d, not B 2 (set twice)" % (what, name, c["slot"], c["seq"]))
    else:
        recs = c["records"]
        if [r["seq"] for r in recs] != [0, 1, 2]:
            bad.append("%s: %s records seq %s" % (what, name, [r["seq"] for r in recs]))
        for i, r in enumerate(recs):
            if r["hex"] != pattern(name, i, 12).hex() or r["text"].encode("latin-1") != pattern(name, i, 12):
                bad.append("%s: %s record %d = %s" % (what, name, i, r["hex"]))
    return bad


def v1_intact(c, what):
    for b in v1_problems(c, what):
        fail(b)


def section(path, name):
    """(offset, size, flags) of a section of a little-endian ELF32 file."""
    d = open(path, "rb").read()
    shoff, = struct.unpack_from("<I", d, 32)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", d, 46)
    def sh(i):
        return struct.unpack_from("<IIIIII", d, shoff + i * shentsize)
    stro = sh(shstrndx)[4]
    for i in range(shnum):
        nm, typ, flags, addr, off, size = sh(i)
        if d[stro + nm:d.index(b"\0", stro + nm)].decode() == name:
            return off, size, flags
    raise KeyError(name)


os.makedirs(OUT, exist_ok=True)
for f in os.listdir(OUT):
    p = os.path.join(OUT, f)
    shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)

# ---- 1. V1 ----------------------------------------------------------------------------
log = qemu(V1_ELF, os.path.join(OUT, "v1.log"))
V1 = os.path.join(OUT, "v1.noinit.bin")
if not check(os.path.exists(V1) and "containers written" in log, "V1 did not leave v1.noinit.bin:\n" + log):
    sys.exit(1)
doc = dump_json(V1_ELF, V1, what="V1")
v1 = by_name(doc)
check(sorted(v1) == ["boot", "crash", "log", "metrics"], "V1: containers %s" % sorted(v1))
check(doc["complete"] and doc["base"] == "0x20000000" and doc["elf_class"] == 32,
      "V1: complete/base/class %s %s %s" % (doc["complete"], doc["base"], doc["elf_class"]))
for c in v1.values():
    v1_intact(c, "V1")
rc, text, err = run([V1_ELF, V1])
check(rc == 0 and "boot: cell, A/B, 0x200000c8" in text and "valid (slot B, seq 2)" in text
      and "  valid: 3 records, 60 of 256 bytes, seq 0..2" in text, "V1: text report:\n" + text)
rc, raw, err = run([V1_ELF, V1, "--raw"])
check(rc == 0 and raw.count("  raw:") == 4, "V1: --raw")
print("test-pramdump: V1 on QEMU: 4 containers valid, every value and record exactly as update_fw.c wrote it")

# ---- 2. updates -------------------------------------------------------------------------
# update_fw.c's expectations after each update (KEEP unless named).
expect = {
    "same": {},
    "add_buf": {"events": "formatted"},       # EMPTY, then opened by the update: formatted, 0 records
    "grow": {"boot": ("invalid", "layout_changed"), "crash": ("layout_changed",)},
    "schema": {"crash": ("layout_changed",)},
    "remove": {"crash": None},                 # not in this firmware
    "ring_grow": {"log": "formatted"},         # REFORMED, then formatted by the update's open
}
for n in UPD_NAMES:
    elf = os.path.join(UPD, "upd-%s.elf" % n)
    ulog = qemu(elf, os.path.join(OUT, "%s.log" % n), load="v1.noinit.bin")
    after = os.path.join(OUT, "after-%s.bin" % n)
    if not check("update %s: ok" % n in ulog and os.path.exists(after), "update %s did not pass:\n%s" % (n, ulog)):
        continue
    got = by_name(dump_json(elf, after, what="after-" + n))
    exp = expect.get(n, {})
    for name in set(v1) | set(exp):
        e = exp.get(name, "keep")
        c = got.get(name)
        if e is None:
            check(c is None, "after-%s: %s should not be in this firmware" % (n, name))
        elif c is None:
            fail("after-%s: %s missing" % (n, name))
        elif e == "keep":
            v1_intact(c, "after-" + n)
        elif e == "formatted":
            check(c["status"] == "valid" and c["records"] == [], "after-%s: %s %s, not formatted and empty"
                  % (n, name, c["status"]))
        else:
            check(c["status"] in e, "after-%s: %s is %s, not %s" % (n, name, c["status"], "/".join(e)))
# Before migrating: an update's ELF on V1's image, where nothing moved,
# shows what that firmware's containers read as.
pre = {"schema": ("crash", "layout_changed", "a committed value of another size or schema"),
       "ring_grow": ("log", "layout_changed", "the control block says 256 bytes of data, this firmware 512")}
for n, (name, state, detail) in pre.items():
    if n in UPD_NAMES:
        c = by_name(dump_json(os.path.join(UPD, "upd-%s.elf" % n), V1, what="V1 read by %s" % n)).get(name, {})
        check(c.get("status") == state and detail in c.get("detail", ""),
              "V1 read by upd-%s: %s %s (%s)" % (n, name, c.get("status"), c.get("detail")))
print("test-pramdump: %d updates on QEMU (%s): each container as the update's own checks expect; "
      "a changed schema and a grown ring read as layout changed before migrating"
      % (len(UPD_NAMES), " ".join(UPD_NAMES)))

# ---- 3. damage --------------------------------------------------------------------------
v1bytes = open(V1, "rb").read()
base = 0x20000000
def cell_value_at(c):
    slot = c["slot"] if c["mode"] == "ab" else 0
    return c["offset"] + slot * (c["storage_size"] // (2 if c["mode"] == "ab" else 1)) + c["value_offset"]
lg = v1["log"]["offset"]
damage = [  # (what, byte offsets in the image, the container they hit)
    ("boot value", [cell_value_at(v1["boot"]) + 3], "boot"),
    ("crash value", [cell_value_at(v1["crash"]) + 17], "crash"),
    ("metrics value", [cell_value_at(v1["metrics"])], "metrics"),
    # the head word of both control slots (the retired one holds nothing)
    ("log control block", [lg + 12 + 4, lg + 24 + 12 + 4], "log"),
    ("log record 1 payload", [lg + 48 + v1["log"]["records"][1]["pos"] + 8 + 5], "log"),
]
for what, ats, victim in damage:
    img = bytearray(v1bytes)
    for at in ats:
        img[at] ^= 0x5A
    path = os.path.join(OUT, "damaged-%s.bin" % what.replace(" ", "_"))
    open(path, "wb").write(img)
    got = by_name(dump_json(V1_ELF, path, what=what))
    changed = {name for name, c in got.items() if v1_problems(c, what)}
    check(changed == {victim}, "damaged %s: pramdump sees %s changed, not just %s" % (what, sorted(changed), victim))
    c = got.get(victim, {})
    if "record" in what:
        check(c.get("status") == "valid" and len(c.get("records", [])) == 1,
              "damaged %s: %s should keep 1 record" % (what, victim))
    else:
        check(c.get("status") == "invalid", "damaged %s: %s is %s, not invalid" % (what, victim, c.get("status")))
    # The firmware's own verdict on the same bytes: V1 booted on them.
    flog = qemu(V1_ELF, os.path.join(OUT, "damaged-%s.log" % what.replace(" ", "_")),
                load=os.path.basename(path))
    fw_failed = {l.split(" FAIL ")[1].split()[0] for l in flog.splitlines() if " FAIL " in l}
    check(fw_failed == {victim}, "damaged %s: the firmware fails %s, pramdump changed %s:\n%s"
          % (what, sorted(fw_failed), sorted(changed), flog))
print("test-pramdump: %d damaged images: pramdump and V1 itself (on QEMU) fault the same container, "
      "only it" % len(damage))

# ---- 4. a crash ---------------------------------------------------------------------------
clog = qemu(CRASH_ELF, os.path.join(OUT, "crash.log"), timeout=20)
kv = {}
for l in clog.splitlines():
    if l.startswith("pd-crash: ") and "=" in l:
        k, v = l[10:].split("=", 1)
        kv[k] = int(v, 16)
cimg = os.path.join(OUT, "pd-crash.noinit.bin")
if check("pd-crash: dumped" in clog and os.path.exists(cimg), "the crash firmware did not dump:\n" + clog):
    doc = dump_json(CRASH_ELF, cimg, what="crash image")
    rb = doc["reboot"] or {}
    cr = rb.get("crash", {})
    for k in ("boots", "crashes", "unexpected", "has_crash"):
        check(rb.get(k) == kv[k], "crash: reboot %s %s, the firmware printed %s" % (k, rb.get(k), kv[k]))
    for k in ("kind", "reason", "pc", "lr", "sp", "xpsr", "exc_return", "exception", "cfsr", "hfsr", "bfar",
              "boot", "flags", "stack_words"):
        check(cr.get(k) == kv[k], "crash: %s %s, the firmware printed %s" % (k, cr.get(k), kv[k]))
    check(cr.get("kind_name") == "fault" and cr.get("reason_name") == "PRECISERR" and rb.get("crash_new") == 0,
          "crash: kind/reason names or crash_new: %s" % rb)
    got = by_name(doc)
    lg = got["pd_log"]
    check(lg["status"] == "valid" and len(lg["records"]) == kv["records"], "crash: pd_log %s" % lg["status"])
    line = "fault PRECISERR pc=0x%08x lr=0x%08x sp=0x%08x addr=0xa0000000" % (kv["pc"], kv["lr"], kv["sp"])
    check(lg["records"] and lg["records"][-1]["text"] == line,
          "crash: the ring's last record is not the handler's line %r" % line)
    check(got["pd_counter"]["value"] == "0100ed5e", "crash: pd_counter %s" % got["pd_counter"].get("value"))
    rc, text, err = run([CRASH_ELF, cimg])
    check("unacknowledged crash (boot 1): fault, PRECISERR (precise data bus error), BusFault" in text and
          "pc=0x%08x lr=0x%08x" % (kv["pc"], kv["lr"]) in text, "crash: text report:\n" + text)
    print("test-pramdump: a crash on QEMU: reboot record and crash (pc 0x%08x, CFSR 0x%08x) decoded as the "
          "firmware reported them, the handler's log line last in the ring" % (kv["pc"], kv["cfsr"]))

# ---- 5. ELF64 -------------------------------------------------------------------------
himg = os.path.join(OUT, "host.bin")
p = subprocess.run([HOST_ELF, himg], capture_output=True, text=True)
hv = dict(l.split("=", 1) for l in p.stdout.split())
if check(p.returncode == 0, "pd_host_fw failed: %s" % p.stderr):
    for extra in ([], ["--base", hv["base"]], ["--base", str(int(hv["base"], 16))]):
        doc = dump_json(HOST_ELF, himg, extra, what="ELF64 %s" % extra)
        h = by_name(doc)
        check(doc["elf_class"] == 64 and doc["base"] == "0x%08x" % int(hv["base"], 16) and doc["complete"],
              "ELF64: class/base/complete %s %s %s" % (doc["elf_class"], doc["base"], doc["complete"]))
        check(h["h_single"]["status"] == "valid" and h["h_single"]["value"] == hv["h_single"], "ELF64: h_single")
        w = h["h_wide"]
        check(w["status"] == "valid" and w["value"] == hv["h_wide"] and w["value_offset"] == 16 and w["slot"] == 1,
              "ELF64: h_wide %s" % w)
        check(h["h_gone"]["status"] == "invalid", "ELF64: h_gone %s" % h["h_gone"]["status"])
        check(h["h_never"]["status"] == "never_written", "ELF64: h_never %s" % h["h_never"]["status"])
        check([r["text"] for r in h["h_lin"].get("records", [])] == ["first", "", "\"quoted\\\"\n"],
              "ELF64: h_lin records %s" % h["h_lin"].get("records"))
        check([(r["seq"], r["text"]) for r in h["h_ring"].get("records", [])] == [(3, "ring 3"), (4, "ring 4")],
              "ELF64: h_ring records %s" % h["h_ring"].get("records"))
        rb = doc["reboot"] or {}
        cr = rb.get("crash", {})
        check(rb.get("boots") == 1 and rb.get("crashes") == 1 and rb.get("mark_name") == "user" and
              rb.get("mark_arg") == 42 and rb.get("crash_new") == 1 and cr.get("pc") == 0x08001234 and
              cr.get("reason_name") == "UNDEFINSTR" and cr.get("stack") == [0xAAAA5555, 0x12345678],
              "ELF64: reboot record %s" % rb)
    print("test-pramdump: ELF64 host program: 6 containers of every shape and the reboot record, "
          "base from the lowest container's section and from --base")

# ---- 6. bad input, under ASan+UBSan ------------------------------------------------
san_runs = 0
def bad(args, want, what):
    global san_runs
    san_runs += 1
    rc, out, err = run(args, tool=PDA, env=SAN_ENV)
    if "Sanitizer" in err or "runtime error" in err or rc not in want:
        fail("%s: exit %d (want %s)%s" % (what, rc, want, (":\n" + err[-2000:]) if err else ""))
    if "--json" in args and out:
        try:
            json.loads(out)
            counts["json"] += 1
        except ValueError as e:
            fail("%s: --json output does not parse: %s" % (what, e))
    return rc, out, err

for args, what in (([], "no arguments"), ([V1_ELF], "one file"), ([V1_ELF, V1, V1], "three files"),
                   ([V1_ELF, V1, "--base"], "--base without address"), ([V1_ELF, V1, "--base", "0xZZ"], "bad --base"),
                   ([V1_ELF, V1, "--base", "-1"], "negative --base"), ([V1_ELF, V1, "--bogus"], "unknown option")):
    bad(args, (2,), what)
rc, out, err = bad(["--help"], (0,), "--help")
check("usage: pramdump" in out, "--help prints no usage")
bad([os.path.join(OUT, "missing.elf"), V1], (1,), "missing ELF")
bad([V1_ELF, os.path.join(OUT, "missing.bin")], (1,), "missing image")
bad([V1, V1], (1,), "an image as the ELF")
empty = os.path.join(OUT, "empty")
open(empty, "wb").close()
bad([empty, V1], (1,), "empty ELF")
rc, out, err = bad([V1_ELF, empty, "--json"], (1,), "empty image")
check("empty image" in err, "empty image: no message")

rnd = random.Random(14)
elf_bytes = open(V1_ELF, "rb").read()
moff, msize, mflags = section(V1_ELF, ".pram_manifest")
check(mflags & 2 == 0, ".pram_manifest is SHF_ALLOC in %s" % V1_ELF)
shoff, = struct.unpack_from("<I", elf_bytes, 32)
cuts = sorted(set([1, 4, 5, 16, 51, 52, 53, moff, moff + 50, moff + msize - 1, shoff, shoff + 39, shoff + 41,
                   len(elf_bytes) - 1] + [rnd.randrange(len(elf_bytes)) for _ in range(40)]))
for n in cuts:
    path = os.path.join(OUT, "cut.elf")
    open(path, "wb").write(elf_bytes[:n])
    bad([path, V1, "--json"], (1,), "ELF cut to %d bytes" % n)

def mutate(data, regions, flips):
    d = bytearray(data)
    for _ in range(flips):
        lo, hi = rnd.choice(regions)
        i = rnd.randrange(lo, hi)
        d[i] = rnd.choice([0, 0xFF, d[i] ^ (1 << rnd.randrange(8)), rnd.randrange(256)])
    return bytes(d)

hot = [(0, 64), (moff, moff + msize), (shoff, len(elf_bytes))]
outcome = {0: 0, 1: 0}
for k in range(300):
    path = os.path.join(OUT, "mut.elf")
    open(path, "wb").write(mutate(elf_bytes, hot, rnd.randrange(1, 6)))
    rc, out, err = bad([path, V1, "--json"] if k % 2 else [path, V1], (0, 1), "mutated ELF %d" % k)
    if rc in outcome:
        outcome[rc] += 1
host_bytes = open(HOST_ELF, "rb").read()
for k in range(60):
    path = os.path.join(OUT, "mut64.elf")
    d = bytearray(host_bytes)
    for _ in range(rnd.randrange(1, 4)):
        i = rnd.randrange(0, 64) if k % 3 == 0 else rnd.randrange(len(d) - 64 * 40, len(d))
        d[i] = rnd.randrange(256)
    open(path, "wb").write(d)
    bad([path, himg, "--json"], (0, 1), "mutated ELF64 %d" % k)
for n in (40, 63, 64, len(host_bytes) // 2, len(host_bytes) - 1):
    path = os.path.join(OUT, "cut64.elf")
    open(path, "wb").write(host_bytes[:n])
    bad([path, himg], (1,), "ELF64 cut to %d bytes" % n)

# Hand-made bad manifest entries (ELF32: 100-byte entries), each refused.
def entry_patch(what, off, fmt, value, want=(1,), text=None):
    counts["entries"] = counts.get("entries", 0) + 1
    d = bytearray(elf_bytes)
    struct.pack_into(fmt, d, moff + off, value)
    path = os.path.join(OUT, "entry.elf")
    open(path, "wb").write(d)
    rc, out, err = bad([path, V1], want, "manifest entry: " + what)
    if text:
        check(text in err, "manifest entry %s: message %r not in %r" % (what, text, err))

entry_patch("version 2", 0, "<I", 0x4D525002, text="version 2")
entry_patch("not an entry", 0, "<I", 0x12345678, text="no entry at offset 0")
entry_patch("entry size 96", 4, "<H", 96, text="not 100 bytes")
entry_patch("kind 9", 6, "<B", 9, text="unknown kind")
entry_patch("mode 7", 7, "<B", 7)
entry_patch("value offset 20", 10, "<H", 20)
entry_patch("value size 0", 12, "<I", 0)
entry_patch("value size 2^32-1", 12, "<I", 0xFFFFFFFF)
entry_patch("slot size", 16, "<I", 0x10000)
entry_patch("storage size", 24, "<I", 0xFFFFFFF0)
entry_patch("misaligned", 32, "<I", 0x200000F2, text="misaligned")
entry_patch("name unterminated", 36, "<64s", b"x" * 64, text="not terminated")
entry_patch("name not an identifier", 36, "<6s", b"cr sh\0", text="not a C identifier")
entry_patch("address past the image", 32, "<I", 0x2FFFFFF0, text="outside the image")
entry_patch("address below the image", 32, "<I", 0x1FFFFF00, text="outside the image")
entry_patch("address at the top", 32, "<I", 0xFFFFFFF8, text="outside the image")
# The buffer's entry ("log"): a capacity that is not its storage's.
log_entry = [i for i in range(0, msize, 100) if elf_bytes[moff + i + 36:moff + i + 40] == b"log\0"][0]
entry_patch("buffer capacity", log_entry + 20, "<I", 64, text="storage size")
entry_patch("buffer mode", log_entry + 7, "<B", 2, text="neither linear nor ring")

# Images: truncated (exit 1, what is there still reported), garbage and mutated (exit 0).
for n in (1, 3, 0xC8, 0x100, 0x12F, 0x250, 0x287):
    path = os.path.join(OUT, "cut.bin")
    open(path, "wb").write(v1bytes[:n])
    rc, out, err = bad([V1_ELF, path, "--json"], (1,), "image cut to %d bytes" % n)
    if out:
        doc = json.loads(out)
        check(doc["complete"] is False and any(c["status"] == "outside_image" for c in doc["containers"]),
              "image cut to %d: not marked incomplete" % n)
path = os.path.join(OUT, "cut.bin")
open(path, "wb").write(v1bytes[:0x288])
rc, out, err = bad([V1_ELF, path, "--json"], (0,), "image cut after the last container")
check("note: the image is 648 bytes, the ELF's .noinit 2048" in err, "image cut after the last container: no note")
for k in range(120):
    path = os.path.join(OUT, "mut.bin")
    if k < 10:
        img = bytes(rnd.randrange(256) for _ in range(len(v1bytes)))
    else:
        img = mutate(v1bytes, [(0xC8, 0x288)], rnd.randrange(1, 12))
    open(path, "wb").write(img)
    bad([V1_ELF, path, "--json", "--raw"] if k % 2 else [V1_ELF, path], (0,), "mutated image %d" % k)
print("test-pramdump: bad input under ASan+UBSan: %d runs (usage, missing/empty files, %d truncated ELFs, "
      "300 mutated ELF32 (%d read, %d refused) and 60 ELF64, %d crafted manifest entries, truncated, garbage "
      "and mutated images): exit status as documented, no sanitizer report"
      % (san_runs, len(cuts), outcome[0], outcome[1], counts["entries"]))

# ---- 7. the manifest gate -----------------------------------------------------------------
readelf = ENV.get("READELF", "arm-none-eabi-readelf")
gate = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "tools", "check_elf.sh")
p = subprocess.run(["sh", gate, CRASH_ELF], capture_output=True, text=True, env=dict(ENV, READELF=readelf))
check(p.returncode == 0 and ".pram_manifest (" in p.stdout and "not allocated, in no segment" in p.stdout,
      "check_elf.sh on the crash firmware:\n" + p.stdout + p.stderr)
allocd = os.path.join(OUT, "manifest-alloc.elf")
p = subprocess.run([ENV.get("OBJCOPY", "arm-none-eabi-objcopy"), "--set-section-flags",
                    ".pram_manifest=alloc,contents,readonly", CRASH_ELF, allocd], capture_output=True, text=True)
if check(p.returncode == 0, "objcopy: " + p.stderr):
    p = subprocess.run(["sh", gate, allocd], capture_output=True, text=True, env=dict(ENV, READELF=readelf))
    check(p.returncode == 1 and ".pram_manifest is allocated" in p.stdout,
          "check_elf.sh accepted an allocated .pram_manifest:\n" + p.stdout + p.stderr)
print("test-pramdump: the ELF gate passes the manifest as built, rejects it allocated")

# ---- 8. pram-dump in GDB, on QEMU's gdbstub -------------------------------------------------
gdbx = shutil.which(ENV.get("GDB", "gdb-multiarch"))
script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "host", "pramdump",
                      "pram_gdb.py")
if not gdbx:
    print("test-pramdump: SKIPPED the GDB command: no gdb-multiarch (apt-get install gdb-multiarch)")
elif os.path.exists(cimg):
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    q = subprocess.Popen([QEMU, "-M", "mps2-an385", "-nographic", "-semihosting-config", "enable=on,target=native",
                          "-kernel", CRASH_ELF, "-gdb", "tcp:127.0.0.1:%d" % port, "-S"], cwd=OUT,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # Stopped where boot 2 is about to write its dump: .noinit as in pd-crash.noinit.bin.
        p = subprocess.run([gdbx, "-nx", "-batch", "-ex", "target remote 127.0.0.1:%d" % port,
                            "-ex", "break fw_write_file", "-ex", "continue", "-ex", "source " + script,
                            "-ex", "pram-dump --json", "-ex", "pram-dump", CRASH_ELF],
                           capture_output=True, text=True, timeout=60,
                           env=dict(ENV, PRAMDUMP=PD))
    finally:
        q.kill()
        q.wait()
    o = p.stdout
    a, b = o.find('{"pramdump"'), o.rfind("}")
    try:
        live = json.loads(o[a:b + 1]) if a >= 0 else None
    except ValueError:
        live = None
    filed = dump_json(CRASH_ELF, cimg, what="crash image")
    if check(live is not None, "pram-dump in GDB printed no JSON:\n" + o + p.stderr):
        counts["json"] += 1
        check(live["containers"] == filed["containers"] and live["reboot"] == filed["reboot"],
              "pram-dump in GDB (live memory) differs from pramdump on the dumped file")
        check("unacknowledged crash (boot 1): fault, PRECISERR" in o, "pram-dump (text) in GDB:\n" + o)
        print("test-pramdump: pram-dump in gdb-multiarch on QEMU's gdbstub: the live target's containers, "
              "as pramdump reads the firmware's own dump")

if failures:
    print("test-pramdump: FAIL (%d checks)" % len(failures))
    sys.exit(1)
print("test-pramdump: ok: %d pramdump runs, %d --json outputs parsed, in %.1f s"
      % (counts["runs"], counts["json"], time.time() - T0))
