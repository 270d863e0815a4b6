#!/usr/bin/env bash
# Export benchmark (release build): every format on 1 000 000 synthetic indicators
# (crates/export/examples/export_bench.rs), then the MISP importer against misp-stix on one
# generated event (misp_import_peer.py). Usage: bench/export/run.sh [COUNT] [N_ATTRIBUTES]
# The whole `phalanx export` command from a store is timed by bench/export/command.sh.
# Record the output, the machine and the versions in bench/results/export.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
source .ci/lib.sh
export PHALANX_SHARED=${PHALANX_SHARED:-$(cd .. && pwd)/shared}
COUNT=${1:-1000000}
N_ATTRIBUTES=${2:-20000}
cargo build --quiet --locked --release -p export --example export_bench --example import
TARGET=${CARGO_TARGET_DIR:-target}/release/examples
echo "## Exports of $COUNT indicators"
"$TARGET/export_bench" --count "$COUNT"
echo
echo "## MISP event to STIX: Phalanx against misp-stix"
"$(peers_venv)/bin/python" bench/export/misp_import_peer.py "$TARGET/import" "$N_ATTRIBUTES"
