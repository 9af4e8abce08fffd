#!/usr/bin/python3
"""tally fmt on damaged definitions: every .tally file of the repository with bytes cut out or
put in (a comment mark, a quote, a line end, a brace...) at places drawn with a fixed seed. Each
must either format (exit 0) or be refused as not parsing (exit 2): never an internal error (exit
3: the formatted text would have meant something else, or formatting it again would change it)
and never a crash.

usage: fmt_mutations.py PATH/TO/tally REPO [SEED]
"""
import glob
import os
import random
import subprocess
import sys
import tempfile

tally, repo = sys.argv[1], sys.argv[2]
random.seed(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
files = sorted(glob.glob(os.path.join(repo, "examples/**/*.tally"), recursive=True) +
               glob.glob(os.path.join(repo, "stdlib/**/*.tally"), recursive=True) +
               glob.glob(os.path.join(repo, "tests/golden/**/*.tally"), recursive=True))
inserts = [b"#", b'"', b"\n", b" and ", b"(", b")", b"{", b"}", b"# x\n", b"\r\n", b" ", b"."]
folder = tempfile.mkdtemp(prefix="tally-fmt-")
bad = runs = 0
for f in files:
    data = open(f, "rb").read()
    variants = []
    for _ in range(4):
        i = random.randrange(len(data) + 1)
        variants.append(data[:i] + data[min(len(data), i + random.randrange(1, 12)):])
        variants.append(data[:i] + random.choice(inserts) + data[i:])
    for v in variants:
        path = os.path.join(folder, "m.tally")
        with open(path, "wb") as out:
            out.write(v)
        r = subprocess.run([tally, "fmt", path], capture_output=True, timeout=60)
        runs += 1
        if r.returncode not in (0, 2):
            bad += 1
            kept = os.path.join(folder, "bad%d.tally" % bad)
            with open(kept, "wb") as out:
                out.write(v)
            print("%s: exit %d on a variant kept in %s\n%s" %
                  (os.path.relpath(f, repo), r.returncode, kept, r.stderr.decode(errors="replace")),
                  file=sys.stderr)
print("fmt_mutations.py: %d variants, %d refused as unsafe or crashed" % (runs, bad))
sys.exit(1 if bad else 0)
