#!/usr/bin/env bash
# ATT&CK Enterprise through the store: `phalanx ingest` must store all 24,771 objects,
# `phalanx export --format stix` must give them all back, and the OASIS stix2-validator must
# accept the export. (The JSON equality of every exported object with its input is checked by
# `cargo test -p phalanx`, test attack_enterprise_ingests_and_exports_json_equal.)
set -euo pipefail
cd "$(dirname "$0")/../.."
export PHALANX_SHARED=${PHALANX_SHARED:-$(cd .. && pwd)/shared}
source .ci/lib.sh

ATTACK="$PHALANX_SHARED/data/attack/enterprise-attack-18.1.json"
EXPECTED=24771
if [ ! -f "$ATTACK" ]; then
  echo "ATT&CK bundle not found at $ATTACK: ../shared is absent, cannot run this step"
  exit 1
fi

cargo build --quiet --locked -p phalanx
BIN="${CARGO_TARGET_DIR:-target}/debug/phalanx"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$BIN" --data-dir "$work/data" --json ingest "$ATTACK" > "$work/ingest.json"
"$BIN" --data-dir "$work/data" --json export --format stix --out "$work/export.json" > "$work/export-summary.json"

venv=$(peers_venv)
validator_status=0
"$venv/bin/stix2_validator" "$work/export.json" > "$work/validator.log" 2>&1 || validator_status=$?

"$venv/bin/python" - "$work" "$EXPECTED" "$validator_status" <<'PY'
import json, sys
work, expected, validator_status = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ingest = json.loads(open(f"{work}/ingest.json").readline())
summary = json.load(open(f"{work}/export-summary.json"))
log = open(f"{work}/validator.log").read()
n_warnings = log.count("[!] Warning")
valid = validator_status == 0 and "[+] STIX JSON: Valid" in log and "[X]" not in log
print(f"ingest: {ingest['n_added']} added, {ingest['n_rejected']} rejected (expected {expected} added)")
print(f"export: {summary['n_objects']} objects, {summary['n_bytes']} bytes")
print(f"stix2-validator on the export: {'valid' if valid else 'INVALID'} ({n_warnings} warnings, exit {validator_status})")
ok = ingest["n_added"] == expected and ingest["n_rejected"] == 0 and summary["n_objects"] == expected and valid
if not valid:
    print("\n".join(line for line in log.splitlines() if "[X]" in line or "Error" in line)[:5000])
sys.exit(0 if ok else 1)
PY
