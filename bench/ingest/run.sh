#!/usr/bin/env bash
# Ingest and export benchmark, in one run:
#   - `phalanx ingest` of the ATT&CK Enterprise bundle into SQLite and into PostgreSQL
#     (release build, fresh store each time),
#   - `phalanx export --format stix` from the SQLite store (MB/s),
#   - the OASIS `stix2` Python library merely parsing the same file
#     (`stix2.parse(text, allow_custom=True)`),
# and the ratios. Writes bench/results/ingest.md (machine, versions, command, figures).
#
# Usage: bench/ingest/run.sh [RUNS]   (RUNS of each Phalanx measurement, default 3; the
# stix2 parse runs once: it is the slow side).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PHALANX_SHARED=${PHALANX_SHARED:-$(cd .. && pwd)/shared}
source .ci/lib.sh

RUNS=${1:-3}
ATTACK="$PHALANX_SHARED/data/attack/enterprise-attack-18.1.json"
if [ ! -f "$ATTACK" ]; then
  echo "ATT&CK bundle not found at $ATTACK: ../shared is absent" >&2
  exit 1
fi

cargo build --release --locked --quiet -p phalanx
BIN="${CARGO_TARGET_DIR:-target}/release/phalanx"
if [ -z "${PHALANX_TEST_DATABASE_URL:-}" ]; then
  start_postgres >&2
fi
venv=$(peers_venv)
"$venv/bin/python" bench/ingest/measure.py \
  --phalanx "$BIN" --attack "$ATTACK" --database-url "$PHALANX_TEST_DATABASE_URL" \
  --runs "$RUNS" --out bench/results/ingest.md \
  --command "bench/ingest/run.sh $RUNS"
