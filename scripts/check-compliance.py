#!/usr/bin/env python3
"""Fails when docs/compliance.md does not hold against a run of the tests.

Usage: check-compliance.py [--ignored-ok] [--matrix FILE] [--stamp FILE] LOG [LOG...]
       check-compliance.py --self-test

Reads the output of `cargo test` (the LOGs) for the tests that ran, by test binary (the
`Running ... (.../deps/<binary>-<hash>)` line before them) and name (`test <name> ... ok`), then
every table of the matrix whose header has the columns ID, Status and Tests. Each row must have
a known status; a row that is not `done` must say in its last column what is missing or why; a
`done` row must name a test; every test it names (`<binary>::<name>` in backticks in the Tests
column, see the top of docs/compliance.md) must be in a log and have passed in one of them. With
`--ignored-ok`, a named test that every log shows as ignored is accepted (the first CI pass, where
the PostgreSQL-only tests are ignored; the second pass, with the PostgreSQL log, checks them).
Also checked: IDs are unique, every obligation id and X1-X8 have a row, and the Totals table
agrees with the rows. Run by .ci/run, so renaming or deleting a test breaks the build until the
matrix follows. With `--stamp FILE`, a successful check writes when it held and at which commit
(JSON), which `anumodan compliance report --verified FILE` prints as the last verification.
"""
import pathlib
import re
import sys

STATUSES = ("done", "partial", "missing", "n/a", "departs")
# Test binaries of the workspace, as cargo names them in its `Running` lines.
BINARIES = ("it", "anumodan", "anumodan_core", "anumodan_ledger", "anumodan_store", "anumodan_server", "anumodan_pdf",
            "lifecycle_props", "conformance_merkle", "merkle_properties", "signed_note_vector", "verify_log")
# Rows the matrix must keep: the obligations of dpdp-obligations.md and the review's contradictions.
REQUIRED_IDS = (["N-%d" % i for i in range(1, 7)] + ["W-%d" % i for i in range(1, 7)]
                + ["CM-%d" % i for i in range(1, 6)] + ["S-%d" % i for i in range(1, 7)]
                + ["B-%d" % i for i in range(1, 4)] + ["R-%d" % i for i in range(1, 6)]
                + ["C-%d" % i for i in range(1, 4)] + ["G-%d" % i for i in range(1, 6)]
                + ["A-%d" % i for i in range(1, 5)] + ["X%d" % i for i in range(1, 9)]
                + ["DG-%d" % i for i in range(1, 27)])

RUNNING = re.compile(r"^\s*Running (?:unittests )?\S+ \((?:.*/)?([A-Za-z0-9_]+)-[0-9a-f]+(?:\.exe)?\)")
DOCTESTS = re.compile(r"^\s*Doc-tests (\S+)")
TEST = re.compile(r"^test (\S+) \.\.\. (ok|FAILED|ignored)\b")


def read_logs(paths):
    """{(binary, name): set of results} over every log."""
    results = {}
    for path in paths:
        binary = None
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                m = RUNNING.match(line)
                if m:
                    binary = m.group(1)
                    continue
                m = DOCTESTS.match(line)
                if m:
                    binary = "doc-tests " + m.group(1)
                    continue
                m = TEST.match(line)
                if m and binary:
                    results.setdefault((binary, m.group(1)), set()).add(m.group(2))
    return results


def cells(line):
    """The cells of a Markdown table row; `\\|` is a pipe inside a cell."""
    parts = re.split(r"(?<!\\)\|", line.strip())
    return [c.strip().replace("\\|", "|") for c in parts[1:-1]]


def read_matrix(path):
    """Rows of the checked tables, and the Totals table: (rows, totals)."""
    rows, totals = [], {}
    header, part, in_totals = None, None, False
    for n, line in enumerate(pathlib.Path(path).read_text(encoding="utf-8").splitlines(), 1):
        m = re.match(r"^## ([A-Z])\. ", line)
        if m:
            part = m.group(1)
        if line.startswith("## "):
            in_totals = line.strip() == "## Totals"
        if not line.startswith("|"):
            header = None
            continue
        c = cells(line)
        if header is None:
            header = [h.lower() for h in c]
            continue
        if all(re.fullmatch(r":?-+:?", x) for x in c):
            continue
        if in_totals and header[:2] == ["part", "rows"]:
            totals[c[0]] = dict(zip(header[1:], c[1:]))
            continue
        if "id" in header and "status" in header and "tests" in header:
            row = dict(zip(header, c))
            rows.append({"line": n, "part": part, "id": row.get("id", ""), "status": row.get("status", ""),
                         "tests": row.get("tests", ""), "note": c[-1] if len(c) == len(header) else "",
                         "cells": len(c), "width": len(header)})
    return rows, totals


def check(matrix, logs, ignored_ok=False):
    """(problems, summary lines)."""
    results = read_logs(logs)
    if not results:
        return ["no test results in " + ", ".join(map(str, logs))], []
    rows, totals = read_matrix(matrix)
    problems = []
    seen = {}
    counts = {}
    named = set()
    deferred = set()
    for r in rows:
        where = f"{matrix}:{r['line']}: {r['id'] or '(no id)'}"
        if r["cells"] != r["width"]:
            problems.append(f"{where}: {r['cells']} cells, the header has {r['width']}")
            continue
        if not r["id"]:
            problems.append(f"{where}: no id")
        elif r["id"] in seen:
            problems.append(f"{where}: id already used on line {seen[r['id']]}")
        seen.setdefault(r["id"], r["line"])
        status = r["status"].strip("`* ").lower()
        if status not in STATUSES:
            problems.append(f"{where}: status {r['status']!r} is not one of {', '.join(STATUSES)}")
        counts.setdefault(r["part"], {}).setdefault(status, 0)
        counts[r["part"]][status] += 1
        refs = re.findall(r"`([^`]+)`", r["tests"])
        if re.sub(r"`[^`]*`|[,;\s]", "", r["tests"]):
            problems.append(f"{where}: the Tests column holds something other than test names in backticks")
        if status == "done" and not refs:
            problems.append(f"{where}: done without a test")
        if status != "done" and status in STATUSES and not r["note"].strip(" -—"):
            problems.append(f"{where}: {status} without saying what is missing or why")
        for ref in refs:
            binary, _, name = ref.partition("::")
            if binary not in BINARIES or not name:
                problems.append(f"{where}: {ref!r} is not <binary>::<test> with a known binary")
                continue
            named.add(ref)
            got = results.get((binary, name))
            if not got:
                problems.append(f"{where}: {ref} is not in the test log")
            elif "FAILED" in got:
                problems.append(f"{where}: {ref} FAILED")
            elif "ok" not in got:
                if ignored_ok:
                    deferred.add(ref)
                else:
                    problems.append(f"{where}: {ref} did not run (ignored)")
    for rid in REQUIRED_IDS:
        if rid not in seen:
            problems.append(f"{matrix}: no row for {rid}")
    for key, want in totals.items():
        part = key.split(".")[0]
        got = counts.get(part, {})
        computed = {"rows": sum(got.values()), **{s: got.get(s, 0) for s in STATUSES}}
        for col, val in want.items():
            if col in computed and str(computed[col]) != val:
                problems.append(f"{matrix}: Totals, {key}, {col}: says {val}, the rows give {computed[col]}")
    summary = []
    for part in sorted(counts):
        got = counts[part]
        summary.append(f"part {part}: {sum(got.values())} rows, " + ", ".join(
            f"{s} {got.get(s, 0)}" for s in STATUSES))
    summary.append(f"tests named: {len(named)}, all found" + (
        f"; {len(deferred)} ignored in this run, to be checked with the PostgreSQL log" if deferred else ""))
    return problems, summary


def self_test():
    import tempfile
    import unittest

    log = """\
     Running unittests src/lib.rs (/t/debug/deps/anumodan_server-0123456789abcdef)
test web::i18n::tests::every_language_has_every_key ... ok
test a::b ... FAILED
     Running tests/it/main.rs (/t/debug/deps/it-fedcba9876543210)
test lifecycle::x::passes ... ok
test cluster::needs_pg ... ignored, needs PostgreSQL
test lifecycle::x::web ... ok
   Doc-tests anumodan_core
test crates/core/src/lib.rs - f (line 3) ... ok
"""
    head = "## A. Part\n\n| ID | Requirement | Status | Feature | Tests | Missing / why |\n|---|---|---|---|---|---|\n"

    class T(unittest.TestCase):
        def run_check(self, rows, ignored_ok=False, required=False, extra=""):
            d = pathlib.Path(tempfile.mkdtemp())
            (d / "log").write_text(log)
            (d / "m.md").write_text(head + rows + extra)
            global REQUIRED_IDS
            saved = REQUIRED_IDS
            if not required:
                REQUIRED_IDS = ()
            try:
                return check(d / "m.md", [d / "log"], ignored_ok)[0]
            finally:
                REQUIRED_IDS = saved

        def test_a_good_matrix_passes(self):
            self.assertEqual(self.run_check(
                "| 1 | r | done | f | `it::lifecycle::x::passes`, `anumodan_server::web::i18n::tests::every_language_has_every_key` | |\n"
                "| 2 | r | partial | f | | page missing |\n| 3 | r | n/a | | | no cookies |\n"), [])

        def test_done_without_a_test(self):
            self.assertIn("done without a test", self.run_check("| 1 | r | done | f | | |\n")[0])

        def test_missing_or_unknown_status(self):
            p = self.run_check("| 1 | r | | f | `it::lifecycle::x::passes` | x |\n| 2 | r | maybe | f | | x |\n")
            self.assertEqual(len(p), 2, p)
            self.assertTrue(all("status" in x for x in p), p)

        def test_partial_must_say_what_is_missing(self):
            self.assertIn("without saying", self.run_check("| 1 | r | partial | f | | |\n")[0])

        def test_a_test_not_in_the_log(self):
            self.assertIn("not in the test log", self.run_check("| 1 | r | done | f | `it::lifecycle::x::gone` | |\n")[0])

        def test_a_name_in_another_binary_is_not_found(self):
            self.assertIn("not in the test log",
                          self.run_check("| 1 | r | done | f | `anumodan_core::lifecycle::x::passes` | |\n")[0])

        def test_a_failed_test(self):
            self.assertIn("FAILED", self.run_check("| 1 | r | done | f | `anumodan_server::a::b` | |\n")[0])

        def test_an_ignored_test_only_with_ignored_ok(self):
            row = "| 1 | r | done | f | `it::cluster::needs_pg` | |\n"
            self.assertIn("did not run", self.run_check(row)[0])
            self.assertEqual(self.run_check(row, ignored_ok=True), [])

        def test_doc_tests_are_not_taken_for_the_crate_before_them(self):
            self.assertIn("not in the test log", self.run_check(
                "| 1 | r | done | f | `it::crates/core/src/lib.rs` | |\n")[0])

        def test_unknown_binary_and_stray_text(self):
            p = self.run_check("| 1 | r | done | f | `nope::x`, see above | |\n")
            self.assertEqual(len(p), 2, p)

        def test_duplicate_ids_and_required_ids(self):
            p = self.run_check("| N-1 | r | n/a | | | why |\n| N-1 | r | n/a | | | why |\n", required=True)
            self.assertTrue(any("already used" in x for x in p), p)
            self.assertTrue(any("no row for X8" in x for x in p), p)

        def test_pipes_in_code_and_totals(self):
            rows = "| 1 | r | done | `/a\\|b` | `it::lifecycle::x::passes` | |\n"
            totals = "\n## Totals\n\n| part | rows | done | partial |\n|---|---|---|---|\n| A. Part | 1 | 1 | 0 |\n"
            self.assertEqual(self.run_check(rows, extra=totals), [])
            bad = totals.replace("| 1 | 1 | 0 |", "| 2 | 1 | 0 |")
            self.assertIn("Totals", self.run_check(rows, extra=bad)[0])

    suite = unittest.defaultTestLoader.loadTestsFromTestCase(T)
    ok = unittest.TextTestRunner(verbosity=1).run(suite).wasSuccessful()
    sys.exit(0 if ok else 1)


def main(argv):
    if argv == ["--self-test"]:
        self_test()
    ignored_ok = "--ignored-ok" in argv
    argv = [a for a in argv if a != "--ignored-ok"]
    matrix = pathlib.Path(__file__).resolve().parent.parent / "docs" / "compliance.md"
    if "--matrix" in argv:
        i = argv.index("--matrix")
        matrix = pathlib.Path(argv[i + 1])
        del argv[i:i + 2]
    stamp = None
    if "--stamp" in argv:
        i = argv.index("--stamp")
        stamp = pathlib.Path(argv[i + 1])
        del argv[i:i + 2]
    if not argv:
        sys.exit(__doc__)
    problems, summary = check(matrix, argv, ignored_ok)
    if problems:
        print("the compliance matrix does not hold:", *problems, sep="\n  ", file=sys.stderr)
        sys.exit(1)
    print("compliance matrix: " + "; ".join(summary))
    if stamp:
        import datetime
        import json
        import subprocess
        try:
            commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=matrix.parent, capture_output=True,
                                    text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            commit = "unknown"
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        stamp.write_text(json.dumps({"verified_at": now.isoformat().replace("+00:00", "Z"), "commit": commit,
                                     "summary": summary}, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
