#!/usr/bin/env python3
"""Fails when the documentation names an end-to-end test that does not exist.

Reads the output of `cargo test` (the files given) for the names of the `it` suite's tests
(`test <area>::<file>::<name> ... ok|ignored`), then every `<area>::...` reference in README.md
and docs/*.md: each must name a test, or a module that holds tests. Run by .ci/run after the
suite, so renaming or moving a test breaks the build until the documentation follows.
"""
import pathlib
import re
import sys

AREAS = ("attacks|cluster|consent_model|errors|events|faults|keys|ledger|lifecycle|openapi|ops|"
         "principals|privacy|process|staff|transport|upgrade|web|widget")
# Names in the docs that are code paths, not tests.
NOT_TESTS = {"lifecycle::latest_decision"}

names = set()
for log in sys.argv[1:]:
    for line in open(log, encoding="utf-8", errors="replace"):
        m = re.match(r"^test ((?:%s)::\S+) \.\.\. (?:ok|ignored|FAILED)" % AREAS, line)
        if m:
            names.add(m.group(1))
if not names:
    sys.exit("no test names in " + ", ".join(sys.argv[1:]))
root = pathlib.Path(__file__).resolve().parent.parent
ref = re.compile(r"(?<![\w:])(?:it::)?((?:%s)::[a-z0-9_:]*[a-z0-9_])" % AREAS)
bad = []
for f in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
    for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
        for m in ref.finditer(line):
            name = m.group(1)
            if name in NOT_TESTS or name in names or any(t.startswith(name + "::") for t in names):
                continue
            bad.append(f"{f.relative_to(root)}:{n}: {name}")
if bad:
    print("the documentation names tests that do not exist:", *bad, sep="\n  ", file=sys.stderr)
    sys.exit(1)
print(f"documentation test references: all found among {len(names)} tests")
