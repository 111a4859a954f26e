#!/usr/bin/env python3
"""Writes the upgrade fixture: a store written by an older `anumodan`, for the upgrade test.

    scripts/make-upgrade-fixture.py OLD_BINARY OLD_COMMIT OUT_DIR POSTGRES_URL

OLD_BINARY is `anumodan` built from the commit whose store the fixture keeps (for
`crates/cli/tests/fixtures/pre-issue-17`: 834bfce, the last commit before issue 17). The
script runs it twice with the same keys, on the embedded store and on a new PostgreSQL schema,
drives each over HTTP through the same scenario, records every validation answer the old code
gives, and writes:

    OUT_DIR/keys/             the keys both stores were written with (test keys, not secrets)
    OUT_DIR/anumodan.db       the embedded store (checkpointed: no WAL beside it; the derived
                              principal index is left out and rebuilt on open)
    OUT_DIR/postgres.sql      pg_dump of the PostgreSQL schema, its name replaced by @SCHEMA@
    OUT_DIR/fixture.json      per store: the fiduciary, its API key, the notice, the
                              artefacts and the answers the old code gave

The upgrade test (crates/cli/tests/it/upgrade.rs) opens these with the current code.
"""

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request

SCHEMA = "anumodan_fixture_pre17"

TEXT = {
    "title": "Registration notice",
    "summary": "We collect your name, mobile, e-mail and PAN for the purposes listed.",
    "rights": "You may access, correct and erase your data, withdraw consent, nominate, and complain.",
    "retention_policy": "Kept while the purpose lasts, then deleted; tax records 8 years.",
    "withdrawal_policy": "Withdraw any time from the dashboard.",
    "grievance_contact": "grievance@example.in",
}
PURPOSES = ["account", "marketing", "analytics", "tax_records"]
PRINCIPALS = ["citizen-a", "citizen-b", "citizen-c", "citizen-d", "citizen-e", "child-f", "nobody-g"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Api:
    def __init__(self, url, key):
        self.url, self.key = url, key

    def call(self, method, path, body=None, token=None, ok=(200, 201, 204)):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Authorization", "Bearer " + (token or self.key))
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req) as r:
                status, text = r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read().decode()
        if status not in ok:
            raise SystemExit(f"{method} {path}: {status} {text}")
        return json.loads(text) if text else None

    def post(self, path, body=None, **kw):
        return self.call("POST", path, body if body is not None else {}, **kw)


def scenario(api):
    """The same requests on either store; returns what the test needs to know."""
    for code, name in [("name", "Name"), ("mobile", "Mobile number"), ("email", "E-mail"), ("pan", "PAN")]:
        api.post("/v1/data-items", {"code": code, "name": {"en": name, "hi": name}, "category": "contact",
                                    "sensitive": code == "pan"})
    for code, days, items, basis in [("account", 365, ["name", "mobile"], "consent"),
                                     ("marketing", 365, ["email"], "consent"),
                                     ("analytics", 365, ["mobile"], "consent"),
                                     ("tax_records", 365, ["name", "pan"], "legal_obligation")]:
        p = {"code": code, "mandatory": code == "account", "validity_days": days, "retention_days": days,
             "legal_basis": basis, "data_items": items, "name": {"en": code, "hi": code},
             "description": {"en": code, "hi": code}}
        if basis == "legal_obligation":
            p["legal_reference"] = "Income-tax Act, 1961"
        api.post("/v1/purposes", p)
    notice = api.post("/v1/notices", {"code": "registration", "purposes": PURPOSES,
                                      "texts": {"en": TEXT, "hi": TEXT}})
    nid = notice["id"]
    api.post(f"/v1/notices/{nid}/publish")

    def collect(principal, decisions, **extra):
        body = {"principal_id": principal, "notice_id": nid, "notice_version": 1, "language": "en",
                "decisions": decisions, "method": "web", "session_id": "sess-fixture"}
        body.update(extra)
        return api.post("/v1/consents", body)["id"]

    granted = {p: "granted" for p in PURPOSES}
    ids = {}
    ids["a"] = collect("citizen-a", granted)
    ids["b"] = collect("citizen-b", dict(granted, marketing="denied"))
    api.post(f"/v1/consents/{ids['b']}/withdraw", {"purposes": ["analytics"]})
    # Issue 17's scenario: two artefacts, marketing withdrawn in the newer, then a renewal of
    # another purpose of the older. The old code answers `active` for marketing afterwards.
    ids["c1"] = collect("citizen-c", granted)
    ids["c2"] = collect("citizen-c", granted)
    api.post(f"/v1/consents/{ids['c2']}/withdraw", {"purposes": ["marketing"]})
    api.post(f"/v1/consents/{ids['c1']}/renew", {"purposes": ["analytics"]})
    ids["d"] = collect("citizen-d", granted)
    api.post("/v1/principals/contacts", {"principal_id": "citizen-d", "contact": "+919876543210"}, ok=(204,))
    api.post("/v1/principal-tokens", {"principal_id": "citizen-d"})
    api.post(f"/v1/consents/{ids['d']}/update", {"decisions": {"analytics": "denied"}})
    ids["e"] = collect("citizen-e", granted)
    api.post("/v1/principals/erase", {"principal_id": "citizen-e"})
    ids["f"] = collect("child-f", dict(granted, marketing="denied"), requires_guardian=True,
                       guardian={"principal_id": "parent-f", "relationship": "parent",
                                 "verification_method": "digilocker", "verification_ref": "DL-1"})
    answers = []
    for p in PRINCIPALS:
        for purpose in PURPOSES:
            v = api.post("/v1/consents/validate", {"principal_id": p, "purpose": purpose})
            answers.append({"principal_id": p, "purpose": purpose, "valid": v["valid"], "reason": v["reason"],
                            "consent_id": v["consent_id"]})
    return {"notice_id": nid, "artefacts": ids, "answers": answers}


def run(binary, data_dir, db_url):
    extra = ["--database-url", db_url] if db_url else []
    out = subprocess.run([binary, "fiduciary", "create", "--name", "Fixture Municipal Corporation",
                          "--data-dir", data_dir] + extra, check=True, capture_output=True, text=True)
    created = json.loads(out.stdout)
    port = free_port()
    server = subprocess.Popen([binary, "serve", "--data-dir", data_dir, "--listen", f"127.0.0.1:{port}"] + extra,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(url + "/healthz").read()
                break
            except OSError:
                time.sleep(0.05)
        facts = scenario(Api(url, created["api_key"]))
    finally:
        server.terminate()
        server.wait(timeout=30)
    facts.update({"fiduciary_id": created["id"], "api_key": created["api_key"]})
    return facts


def main():
    binary, commit, out, pg = sys.argv[1:5]
    if os.path.exists(out):
        raise SystemExit(f"{out} exists")
    lite = os.path.join(out, "embedded")
    os.makedirs(lite)
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
    facts = {"written_by": f"{version} at commit {commit}"}
    facts["embedded"] = run(binary, lite, None)
    db = sqlite3.connect(os.path.join(lite, "anumodan.db"))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    # PostgreSQL: the same keys, a schema of its own.
    pgdir = os.path.join(out, "pg")
    shutil.copytree(os.path.join(lite, "keys"), os.path.join(pgdir, "keys"))
    psql = ["psql", pg, "-q", "-v", "ON_ERROR_STOP=1", "-c"]
    subprocess.run(psql + [f"SET client_min_messages = warning; DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}"], check=True)
    sep = "&" if "?" in pg else "?"
    facts["postgres"] = run(binary, pgdir, f"{pg}{sep}options=-c%20search_path%3D{SCHEMA}")
    dump = subprocess.run(["pg_dump", "--no-owner", "--no-privileges", "--inserts", "--schema", SCHEMA, pg],
                          check=True, capture_output=True, text=True).stdout
    subprocess.run(psql + [f"SET client_min_messages = warning; DROP SCHEMA {SCHEMA} CASCADE"], check=True)
    # Only what a restore into another schema needs: no settings that name this server's version.
    # (`\\restrict` and the like are psql meta-commands.)
    lines = [l for l in dump.splitlines() if not l.startswith(("SET ", "SELECT pg_catalog.set_config", "--", "\\"))]
    # (Blank lines stay: string values, such as signed checkpoints, span lines.)
    dump = "\n".join(lines).replace(SCHEMA, "@SCHEMA@") + "\n"
    with open(os.path.join(out, "postgres.sql"), "w") as f:
        f.write(dump)
    # One keys directory, one embedded store (without the lock file and the principal index,
    # which is derived and rebuilt when missing), one dump.
    shutil.move(os.path.join(lite, "keys"), os.path.join(out, "keys"))
    shutil.move(os.path.join(lite, "anumodan.db"), os.path.join(out, "anumodan.db"))
    shutil.rmtree(lite)
    shutil.rmtree(pgdir)
    with open(os.path.join(out, "fixture.json"), "w") as f:
        json.dump(facts, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
