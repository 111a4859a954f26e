#!/usr/bin/env bash
# The API contract, tested from outside (issue 19, item 7): starts `anumodan demo` on a free
# port with a fresh data directory, checks the OpenAPI document it serves with
# openapi-spec-validator, then runs Schemathesis (configured by schemathesis.toml) against it:
# no 5xx, every status, content type, header and body as documented, schema-valid requests
# accepted and schema-violating ones refused. Builds nothing.
#
#   scripts/contract-test.sh [path/to/anumodan]
#
# Default binary: $CARGO_TARGET_DIR/debug/anumodan (CARGO_TARGET_DIR defaults to ./target).
# Needs: python3 with schemathesis==4.32.5 and openapi-spec-validator (see .ci/run), curl.
# Env: CONTRACT_SEED (default fixed), CONTRACT_MAX_EXAMPLES (per operation and phase),
# CONTRACT_MAX_TIME (seconds for Schemathesis), CONTRACT_REPORT_DIR (keep the JUnit and NDJSON
# reports there; default: removed with the run's temporary directory).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bin=${1:-${CARGO_TARGET_DIR:-$root/target}/debug/anumodan}
[ -x "$bin" ] || { echo "contract-test: no binary at $bin (build it first: cargo build)" >&2; exit 2; }
# Through python3 -m: a pip install into a pyenv Python has no `st` shim until `pyenv rehash`.
python3 -m schemathesis.cli --version 2>/dev/null | grep -q 'version 4\.' \
  || { echo "contract-test: schemathesis 4 is not installed (python3 -m pip install 'schemathesis==4.32.5')" >&2; exit 2; }
python3 -c 'import openapi_spec_validator' 2>/dev/null \
  || { echo "contract-test: openapi-spec-validator is not installed (python3 -m pip install 'openapi-spec-validator==0.9.0')" >&2; exit 2; }

seed=${CONTRACT_SEED:-20250119}
max_examples=${CONTRACT_MAX_EXAMPLES:-50}
# 121 operations, 50 examples each, on 2 shared cores take about 250 s (measured 2026-12-08:
# fuzzing 300 s and coverage 150 s of scenario time across the 2 workers); the cap leaves room.
max_time=${CONTRACT_MAX_TIME:-420}

fail() {
  echo "contract-test: FAILED: $*" >&2
  exit 1
}

work=$(mktemp -d /tmp/anumodan-contract.XXXXXX)
server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
mkdir "$work/data"
"$bin" demo --listen "127.0.0.1:$port" --data-dir "$work/data" >"$work/demo.log" 2>&1 &
server_pid=$!

for _ in $(seq 1 100); do
  curl -fsS "$url/healthz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/demo.log" >&2; fail "the demo exited"; }
  sleep 0.2
done
curl -fsS "$url/healthz" >/dev/null || { cat "$work/demo.log" >&2; fail "the demo did not answer /healthz"; }
api_key=$(grep -o 'anm_[A-Za-z0-9_-]*' "$work/demo.log" | head -n1)
[ -n "$api_key" ] || fail "no API key in the demo's output"

echo "== openapi-spec-validator $url/openapi.json"
curl -fsS "$url/openapi.json" -o "$work/openapi.json" || fail "no /openapi.json"
python3 -m openapi_spec_validator "$work/openapi.json" || fail "openapi-spec-validator found errors in the document"

# One consent of the demo's principal, and a principal token for them: the consent routes and
# /v1/me get real data (schemathesis.toml).
notice_id=$(grep -o 'notice:.*id [0-9a-f-]*' "$work/demo.log" | head -n1 | awk '{print $NF}')
consent_id=$(curl -fsS -X POST "$url/v1/consents" -H "Authorization: Bearer $api_key" -H 'Content-Type: application/json' \
  -d "{\"principal_id\":\"citizen-42\",\"notice_id\":\"$notice_id\",\"notice_version\":1,\"language\":\"en\",\"method\":\"web\",\"decisions\":{\"property_tax\":\"granted\",\"sms_alerts\":\"granted\",\"feedback_survey\":\"denied\"}}" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])') || fail "the demo consent was not collected"
principal_token=$(curl -fsS -X POST "$url/v1/principal-tokens" -H "Authorization: Bearer $api_key" \
  -H 'Content-Type: application/json' -d '{"principal_id":"citizen-42"}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])') || fail "no principal token"

echo "== schemathesis (seed $seed, at most $max_examples examples per operation, stopped after ${max_time}s)"
export ANUMODAN_API_KEY=$api_key ANUMODAN_PRINCIPAL_TOKEN=$principal_token ANUMODAN_CONSENT_ID=$consent_id
export SCHEMATHESIS_HOOKS="$root/scripts/contract_hooks.py"
set +e
timeout --kill-after=10 "$max_time" python3 -m schemathesis.cli --config-file "$root/schemathesis.toml" --no-color run "$url/openapi.json" \
  --checks all --seed "$seed" --max-examples "$max_examples" \
  --workers 2 --report junit,ndjson --report-dir "${CONTRACT_REPORT_DIR:-$work/report}"
status=$?
set -e
if [ "$status" -ne 0 ]; then
  # The server's log after its banner (the banner holds the demo's API key).
  echo "== server log" >&2
  sed -n '/Press Ctrl-C to stop/,$p' "$work/demo.log" | tail -n 40 >&2
  if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    fail "Schemathesis did not finish within ${max_time}s"
  fi
  fail "Schemathesis found failures (exit $status; its report is above)"
fi
echo "contract-test: OK"
