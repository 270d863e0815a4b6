#!/usr/bin/env bash
# Pattern evaluation benchmark, in one run: `phalanx pattern test` (release build) against the
# OASIS `stix2-matcher` (the peers virtualenv) on the same cases, the OASIS matcher's own
# conformance cases (matcher_cases.jsonl and matcher_error_cases.jsonl, read in place from
# ../shared) repeated to a few seconds of work. Checks that both tools give the same answers,
# prints the figures and the ratio, and writes bench/results/patterns.md.
#
# Usage: bench/patterns/run.sh [REPEATS] [RUNS]
#   REPEATS: copies of the 440 cases (default 40: 17,600 cases, about 6 to 8 s of CPU time
#   for the Python matcher, so that our start-up is a small part of our figure);
#   RUNS: timed runs of each tool, the best one is kept (default 3).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PHALANX_SHARED=${PHALANX_SHARED:-$(cd .. && pwd)/shared}
source .ci/lib.sh

REPEATS=${1:-40}
RUNS=${2:-3}
CONF="$PHALANX_SHARED/conformance"
for name in matcher_cases.jsonl matcher_error_cases.jsonl; do
  if [ ! -f "$CONF/$name" ]; then
    echo "$CONF/$name is absent: ../shared must sit beside the checkout (or set PHALANX_SHARED)" >&2
    exit 1
  fi
done

cargo build --release --locked --quiet -p phalanx
BIN="${CARGO_TARGET_DIR:-target}/release/phalanx"
venv=$(peers_venv)
python3 bench/patterns/measure.py \
  --phalanx "$BIN" --python "$venv/bin/python" \
  --cases "$CONF/matcher_cases.jsonl" --cases "$CONF/matcher_error_cases.jsonl" \
  --repeats "$REPEATS" --runs "$RUNS" --out bench/results/patterns.md \
  --command "bench/patterns/run.sh $REPEATS $RUNS"
