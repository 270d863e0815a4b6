#!/usr/bin/env bash
# Validation of the ATT&CK Enterprise bundle: Phalanx (criterion, crates/stix/benches/validate.rs)
# against the OASIS stix2-validator and the stix2 library's parse, in the same run.
# Usage: bench/stix-validate.sh   (needs ../shared and the peers virtualenv)
set -euo pipefail
cd "$(dirname "$0")/.."
export PHALANX_SHARED=${PHALANX_SHARED:-$(cd .. && pwd)/shared}
FILE="$PHALANX_SHARED/data/attack/enterprise-attack-18.1.json"
source .ci/lib.sh
VENV=$(peers_venv)
cargo bench -q -p stix --bench validate
"$VENV/bin/python" - "$FILE" <<'PY'
import contextlib, io, json, sys, time
import stix2
from stix2validator import ValidationOptions, validate_file
path = sys.argv[1]
start = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    result = validate_file(path, ValidationOptions())
print(f"stix2-validator {time.perf_counter() - start:.2f} s (valid={result.is_valid})")
data = json.load(open(path))
start = time.perf_counter()
stix2.parse(data, allow_custom=True)
print(f"stix2.parse {time.perf_counter() - start:.2f} s")
PY
