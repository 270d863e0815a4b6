#!/usr/bin/env bash
# IOC extraction (crate `extract`, `phalanx extract`):
# 1. every case of ../shared/conformance/ioc_cases.jsonl, with the pass rate per source tool and
#    per type, ours next to the peer that wrote the cases (ioc-finder and iocextract run on the
#    same cases from the peers virtualenv); fails under 95 % overall or when a type is under its
#    peer because of a case not in crates/extract/testdata/conformance-disagreements.tsv;
#    failing cases are listed in $CARGO_TARGET_DIR/ioc-conformance/failures.jsonl;
# 2. our own cases (crates/extract/testdata/cases.jsonl: CVEs, ATT&CK/ATLAS ids, HTML/PDF/Markdown
#    documents), all of which must pass;
# 3. `phalanx extract --stix` on the report fixtures in testdata/reports, checked with the OASIS
#    stix2-validator.
set -euo pipefail
cd "$(dirname "$0")/../.."
PHALANX_SHARED=${PHALANX_SHARED:-$(cd .. && pwd)/shared}
cases="$PHALANX_SHARED/conformance/ioc_cases.jsonl"
if [ ! -f "$cases" ]; then
  echo "40-ioc-extraction: $cases is absent: the shared folder (PHALANX_SHARED=$PHALANX_SHARED) is needed"
  exit 1
fi
source .ci/lib.sh
venv=$(peers_venv)
target=${CARGO_TARGET_DIR:-target}
out="$target/ioc-conformance"
mkdir -p "$out"

echo "--- peers on their own cases (ioc-finder, iocextract)"
"$venv/bin/python" bench/extract/peers_cases.py "$cases" > "$out/peers.jsonl" 2> "$out/peers.log"
echo "$(wc -l < "$out/peers.jsonl") peer outputs"

cargo build --locked -q -p extract --example ioc_conformance
cargo build --locked -q -p phalanx
runner="$target/debug/examples/ioc_conformance"

echo "--- shared conformance cases"
"$runner" "$cases" --peers "$out/peers.jsonl" --failures "$out/failures.jsonl" \
  --known crates/extract/testdata/conformance-disagreements.tsv --min-overall 95

echo "--- our own cases"
"$runner" crates/extract/testdata/cases.jsonl --failures "$out/own-failures.jsonl" --min-overall 100

echo "--- STIX bundles from the report fixtures, checked with stix2-validator"
attack=()
[ -f "$PHALANX_SHARED/data/attack/enterprise-attack-18.1.json" ] && attack+=(--attack "$PHALANX_SHARED/data/attack/enterprise-attack-18.1.json")
[ -f "$PHALANX_SHARED/data/atlas/stix-atlas.json" ] && attack+=(--attack "$PHALANX_SHARED/data/atlas/stix-atlas.json")
for report in testdata/reports/briefing.txt testdata/reports/briefing.pdf testdata/reports/advisory.html testdata/reports/apt-report.md; do
  bundle="$out/$(basename "$report").stix.json"
  "$target/debug/phalanx" extract --stix "${attack[@]}" --published 2026-01-01T00:00:00Z "$report" > "$bundle"
  if ! "$venv/bin/stix2_validator" "$bundle" > "$bundle.validation" 2>&1; then
    cat "$bundle.validation"
    echo "stix2-validator rejected the bundle of $report"
    exit 1
  fi
  n_objects=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["objects"]))' "$bundle")
  echo "$report: $n_objects objects, valid ($(grep -c 'Warning' "$bundle.validation" || true) warnings)"
done
