"""pram-dump: pramdump on a live target, from GDB (gdb-multiarch, or any GDB
with Python and the target's architecture).

    (gdb) source src/host/pramdump/pram_gdb.py
    (gdb) pram-dump                 # the report, as pramdump prints it
    (gdb) pram-dump --json --raw    # pramdump's options are passed on
    (gdb) pram-dump --elf fw.elf --pramdump /path/to/pramdump

What it does: asks pramdump which containers the loaded ELF's manifest
describes and where the image would start (pramdump ELF <empty image>
--json: the addresses, and the base it takes from the ELF), reads that
span of the target's memory (gdb.selected_inferior().read_memory: the
containers as the target holds them now, through the debugger), writes it
to a temporary file and runs pramdump on it with --base.  So the report is
pramdump's own, with its checks; nothing here reads a container.

pramdump is looked for in this order: --pramdump PATH, $PRAMDUMP,
build/host/pramdump beside this file's source tree, then the PATH.
The ELF: --elf PATH, else the program GDB has loaded (file / -ex file).
docs/pramdump.md has the rest."""
import json
import os
import shlex
import shutil
import subprocess
import tempfile

import gdb


def _pramdump_path(given):
    if given:
        return given
    if os.environ.get("PRAMDUMP"):
        return os.environ["PRAMDUMP"]
    # GDB's `source` sets no __file__: this function's code knows its file.
    here = os.path.dirname(os.path.abspath(_pramdump_path.__code__.co_filename))
    tree = os.path.normpath(os.path.join(here, "..", "..", "..", "build", "host", "pramdump"))
    if os.access(tree, os.X_OK):
        return tree
    found = shutil.which("pramdump")
    if found:
        return found
    raise gdb.GdbError("pram-dump: no pramdump (build it with `make pramdump`, or give --pramdump PATH)")


def _elf_path(given):
    if given:
        return given
    name = gdb.current_progspace().filename
    if not name:
        raise gdb.GdbError("pram-dump: no program loaded (use `file FIRMWARE.elf`, or --elf PATH)")
    return name


class PramDump(gdb.Command):
    """Print every pram container of the loaded firmware as the target's RAM
holds it now, through pramdump (docs/pramdump.md).
Usage: pram-dump [--json] [--raw] [--elf PATH] [--pramdump PATH]"""

    def __init__(self):
        super(PramDump, self).__init__("pram-dump", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        args = shlex.split(arg)
        passed, elf, tool = [], None, None
        i = 0
        while i < len(args):
            if args[i] in ("--json", "--raw"):
                passed.append(args[i])
            elif args[i] in ("--elf", "--pramdump") and i + 1 < len(args):
                if args[i] == "--elf":
                    elf = args[i + 1]
                else:
                    tool = args[i + 1]
                i += 1
            else:
                raise gdb.GdbError("pram-dump: unknown argument %s (--json, --raw, --elf PATH, --pramdump PATH)"
                                   % args[i])
            i += 1
        elf = _elf_path(elf)
        tool = _pramdump_path(tool)

        # Where the containers are: pramdump's reading of the ELF, with an
        # empty image (it reports every container outside it, exit 1).
        with tempfile.TemporaryDirectory(prefix="pram-dump-") as tmp:
            empty = os.path.join(tmp, "empty.bin")
            open(empty, "wb").close()
            p = subprocess.run([tool, elf, empty, "--json"], capture_output=True, text=True)
            try:
                layout = json.loads(p.stdout)
            except ValueError:
                raise gdb.GdbError("pram-dump: %s could not read %s: %s" % (tool, elf, p.stderr.strip()))
            if "error" in layout:
                raise gdb.GdbError("pram-dump: %s: %s" % (elf, layout["error"]))
            base = int(layout["base"], 16)
            ends = [int(c["address"], 16) + c["storage_size"] for c in layout["containers"]]
            end = max(ends + [base])
            if end <= base:
                gdb.write("pram-dump: %s defines no containers\n" % elf)
                return
            try:
                data = gdb.selected_inferior().read_memory(base, end - base)
            except gdb.MemoryError as e:
                raise gdb.GdbError("pram-dump: reading 0x%x..0x%x: %s" % (base, end, e))
            image = os.path.join(tmp, "target-0x%08x.bin" % base)
            with open(image, "wb") as f:
                f.write(bytes(data))
            p = subprocess.run([tool, elf, image, "--base", "0x%x" % base] + passed, capture_output=True,
                               text=True)
            gdb.write(p.stdout)
            for line in p.stderr.splitlines():
                if "note: the image is" not in line:  # the span read, not the whole .noinit: expected
                    gdb.write(line + "\n", gdb.STDERR)
            if p.returncode != 0:
                raise gdb.GdbError("pram-dump: pramdump exited with %d" % p.returncode)


PramDump()
