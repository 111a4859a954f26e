#!/usr/bin/env bash
# Checks the dependency tree against the RustSec advisory database and the licence allow-list
# in deny.toml, without network: the advisory database is the copy in ../shared/advisory-db
# (or $ANUMODAN_ADVISORY_DB). cargo-deny wants a git checkout, so the copy is committed into a
# throwaway repository under .deny/ first. Exits non-zero on any advisory or licence failure.
set -euo pipefail
cd "$(dirname "$0")/.."
src="${ANUMODAN_ADVISORY_DB:-../shared/advisory-db}"
[ -d "$src/crates" ] || { echo "no advisory database at $src" >&2; exit 1; }
command -v cargo-deny >/dev/null || { echo "cargo-deny is not installed (cargo install cargo-deny --locked)" >&2; exit 1; }
# The directory name cargo-deny derives from https://github.com/rustsec/advisory-db.
db=.deny/advisory-db-3157b0e258782691
rm -rf .deny && mkdir -p "$db"
cp -r "$src"/. "$db"/
snapshot=$(grep -o '20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]' "$src/SNAPSHOT.md" | head -n1 || true)
date="${snapshot:-$(date -u +%F)}T00:00:00Z"
(cd "$db" && git init -q && git add -A &&
  GIT_AUTHOR_DATE="$date" GIT_COMMITTER_DATE="$date" \
  git -c user.name=anumodan-ci -c user.email=ci@localhost -c commit.gpgsign=false commit -qm "advisory-db snapshot")
echo "advisory database: $src (snapshot of ${snapshot:-unknown date}), $(find "$db/crates" -name 'RUSTSEC-*.md' | wc -l) advisories"
# Every platform's dependencies are in the graph: fetch them first, so --offline finds them.
cargo fetch --locked -q
cargo deny --offline --locked --workspace check advisories licenses
