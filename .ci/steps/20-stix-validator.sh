#!/usr/bin/env bash
# Replays the OASIS stix2-validator conformance cases (../shared/conformance) against
# `phalanx validate` and prints the agreement overall and per source file, then every
# disagreement with its reason. Fails when a case decided by a MUST of the spec disagrees and
# is not a documented deviation (crates/stix/testdata/conformance/validator_deviations.jsonl;
# see docs/stix-validation.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
SHARED=${PHALANX_SHARED:-$(cd .. && pwd)/shared}
CASES="$SHARED/conformance/stix_validator_cases.jsonl"
if [ ! -f "$CASES" ]; then
  echo "stix-validator conformance: $CASES is absent; the shared folder must sit beside the checkout (or set PHALANX_SHARED)" >&2
  exit 1
fi
TESTDATA=crates/stix/testdata/conformance
cargo build --quiet --locked -p phalanx
"${CARGO_TARGET_DIR:-target}/debug/phalanx" validate \
  --cases "$CASES" \
  --decided-by "$TESTDATA/validator_cases_decided_by.jsonl" \
  --deviations "$TESTDATA/validator_deviations.jsonl"
