#!/usr/bin/env bash
# TAXII 2.1 benchmark: Phalanx with 1,000,000 indicators in one collection, then Phalanx and
# the OASIS reference server medallion (memory backend) with the same 10,000, in one run.
#
# Each server gets the same requests from bench/taxii/loadgen (one thread, CLIENTS concurrent
# clients, SECONDS per scenario):
#   walk      one client pages through the whole collection with limit=1000 and checks that
#             no object is skipped or repeated (Phalanx 1M only: the correctness check at scale)
#   pages     chains of pages with limit=1000: each client follows `next` to the end
#   page100   chains of pages with limit=100 that start at a random added_after
#   get       GET .../objects/{id}/ of random ids
#   post      POST of 1,000-object envelopes, end to end (a pending status is polled until
#             complete)
# and writes bench/results/taxii.md (machine, versions, command, figures, ratios).
#
# Usage: bench/taxii/run.sh [SECONDS] [CLIENTS] [OBJECTS]   (defaults 20, 64, 1000000)
# Environment: PHALANX_BIN (a phalanx release binary to use), PHALANX_BENCH_DATA (data dir).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PHALANX_SHARED=${PHALANX_SHARED:-$(cd .. && pwd)/shared}
source .ci/lib.sh

SECONDS_PER_RUN=${1:-20}
CLIENTS=${2:-64}
N_OBJECTS=${3:-1000000}
venv=$(peers_venv)
target=${CARGO_TARGET_DIR:-target}

# PHALANX_BIN: a release build to measure instead of building one here (the shared tree may
# hold others' work in progress).
if [ -n "${PHALANX_BIN:-}" ]; then
  phalanx=$PHALANX_BIN
else
  cargo build --release --locked --quiet -p phalanx
  phalanx="$target/release/phalanx"
fi
CARGO_TARGET_DIR="$target/bench-loadgen" cargo build --release --quiet \
  --manifest-path bench/taxii/loadgen/Cargo.toml
loadgen="$target/bench-loadgen/release/taxii-loadgen"

data=${PHALANX_BENCH_DATA:-/tmp/phalanx-bench-taxii-$N_OBJECTS}
if [ ! -f "$data/.complete" ]; then
  echo "generating $N_OBJECTS indicators into $data"
  rm -rf "$data"
  "$venv/bin/python" bench/taxii/generate.py "$data" --objects "$N_OBJECTS"
  touch "$data/.complete"
fi

work=$(mktemp -d /tmp/phalanx-bench-taxii-run.XXXXXX)
server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
trap 'stop_server; rm -rf "$work"' EXIT
results="$work/results.jsonl"
: >"$results"

free_port() {
  "$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for() {
  for _ in $(seq 1 600); do
    if curl -s -o /dev/null "$1"; then return 0; fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "the server exited" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "the server did not answer at $1" >&2
  return 1
}

# cpu_ticks PID: user + system CPU time of a process so far, in clock ticks (all threads).
cpu_ticks() {
  sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}
clock_ticks=$(getconf CLK_TCK)

# record SERVER N_LOADED SCENARIO LOADGEN-ARGS...: runs the load generator, tags its JSON line
# with the server's CPU time during the run and the load average at its start (the machine is
# shared, so wall-clock figures depend on what else runs).
record() {
  local server=$1 loaded=$2 scenario=$3
  shift 3
  local line before after load
  load=$(cut -d' ' -f1 /proc/loadavg)
  before=$(cpu_ticks "$server_pid")
  line=$("$loadgen" "$@")
  after=$(cpu_ticks "$server_pid")
  echo "$server $loaded $scenario: $line (server CPU ticks $((after - before)), load $load)"
  "$venv/bin/python" -c 'import json,sys; d=json.loads(sys.argv[4]); d.update(server=sys.argv[1], loaded=int(sys.argv[2]), scenario=sys.argv[3], server_cpu_s=int(sys.argv[5])/int(sys.argv[6]), load=float(sys.argv[7])); print(json.dumps(d))' \
    "$server" "$loaded" "$scenario" "$line" "$((after - before))" "$clock_ticks" "$load" >>"$results"
}

# scenarios SERVER N_LOADED OBJECTS_URL AUTH IDS FIRST LAST STATUS_URL ENVELOPE_DIR
scenarios() {
  local server=$1 loaded=$2 url=$3 auth=$4 ids=$5 first=$6 last=$7 status_url=$8 envelopes=$9
  record "$server" "$loaded" pages pages "$url" "$auth" 1000 "$CLIENTS" "$SECONDS_PER_RUN"
  record "$server" "$loaded" page100 pages "$url" "$auth" 100 "$CLIENTS" "$SECONDS_PER_RUN" "$first" "$last"
  record "$server" "$loaded" get get "$url" "$auth" "$ids" "$CLIENTS" "$SECONDS_PER_RUN"
  record "$server" "$loaded" post post "$url" "$auth" "$envelopes" "$CLIENTS" "$SECONDS_PER_RUN" "$status_url"
}

# phalanx_node DIR: creates a participant, an analyst with a token and a collection; prints
# "TOKEN COLLECTION_ID".
phalanx_node() {
  local dir=$1
  "$phalanx" --data-dir "$dir" participant add BENCH --country FR --kind government >/dev/null
  "$phalanx" --data-dir "$dir" user add bench --participant BENCH --role analyst >/dev/null
  "$phalanx" --data-dir "$dir" --json token create --user bench |
    "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

start_phalanx() {
  local dir=$1 port
  port=$(free_port)
  cat >"$work/phalanx.toml" <<EOF
version = 1
listen = "127.0.0.1:$port"

[limits]
max_content_length = 104857600
max_page_size = 1000
requests_per_minute = 0
EOF
  "$phalanx" --data-dir "$dir" serve --config "$work/phalanx.toml" >"$work/serve.log" 2>&1 &
  server_pid=$!
  phalanx_url="http://127.0.0.1:$port/taxii2"
  wait_for "$phalanx_url/"
}

# --- Phalanx, N_OBJECTS indicators ---
big="$work/phalanx-big"
token=$(phalanx_node "$big")
collection=$("$phalanx" --data-dir "$big" --json collection create "Benchmark" --read BENCH --write BENCH |
  "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
started=$(date +%s%N)
"$phalanx" --data-dir "$big" ingest --collection "$collection" --default-tlp green "$data/bundle-1m.json" >"$work/ingest.log"
ingest_ms=$(( ($(date +%s%N) - started) / 1000000 ))
ingest_seconds=$(( ingest_ms / 1000 )).$(printf %03d $(( ingest_ms % 1000 )))
echo "ingested $N_OBJECTS indicators in ${ingest_seconds}s"
start_phalanx "$big"
auth="Bearer $token"
objects_url="$phalanx_url/default/collections/$collection/objects/"
record phalanx "$N_OBJECTS" walk walk "$objects_url" "$auth" 1000
first=$(curl -s -D - -o /dev/null -H "Authorization: $auth" -H 'Accept: application/taxii+json;version=2.1' "$objects_url?limit=1" |
  tr -d '\r' | awk -F': ' 'tolower($1)=="x-taxii-date-added-first"{print $2}')
last=$(curl -s -H "Authorization: $auth" -H 'Accept: application/taxii+json;version=2.1' \
  "$phalanx_url/default/collections/$collection/manifest/?limit=1&match%5Bid%5D=$(tail -n 1 "$data/ids-1m.txt")" |
  "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["objects"][0]["date_added"])')
scenarios phalanx "$N_OBJECTS" "$objects_url" "$auth" "$data/ids-1m.txt" "$first" "$last" \
  "$phalanx_url/default/status/" "$data/envelopes"
stop_server

# --- Phalanx, the 10,000 of medallion's file, imported with their date_added ---
small="$work/phalanx-small"
token=$(phalanx_node "$small")
"$phalanx" --data-dir "$small" import medallion "$data/medallion-10k.json" --grant BENCH >"$work/import.log"
start_phalanx "$small"
auth="Bearer $token"
objects_url="$phalanx_url/api/collections/2f5b6a1c-9d4e-4c3b-8a7f-6e5d4c3b2a19/objects/"
first="2024-02-01T00:00:00.000000Z"
last="2024-02-01T00:00:09.999000Z"
scenarios phalanx 10000 "$objects_url" "$auth" "$data/ids-10k.txt" "$first" "$last" \
  "$phalanx_url/api/status/" "$data/envelopes"
stop_server

# --- medallion (memory backend), the same 10,000 ---
port=$(free_port)
cat >"$work/medallion.json" <<EOF
{
  "backend": {"module": "medallion.backends.memory_backend", "module_class": "MemoryBackend",
              "filename": "$data/medallion-10k.json"},
  "users": {"bench": "bench-password"},
  "taxii": {"max_page_size": 1000}
}
EOF
"$venv/bin/medallion" --host 127.0.0.1 --port "$port" "$work/medallion.json" >"$work/medallion.log" 2>&1 &
server_pid=$!
medallion_url="http://127.0.0.1:$port"
wait_for "$medallion_url/taxii2/"
auth="Basic $(printf 'bench:bench-password' | base64)"
objects_url="$medallion_url/api/collections/2f5b6a1c-9d4e-4c3b-8a7f-6e5d4c3b2a19/objects/"
scenarios medallion 10000 "$objects_url" "$auth" "$data/ids-10k.txt" "$first" "$last" \
  "$medallion_url/api/status/" "$data/envelopes"
stop_server

"$venv/bin/python" bench/taxii/report.py "$results" \
  --out bench/results/taxii.md \
  --command "bench/taxii/run.sh $SECONDS_PER_RUN $CLIENTS $N_OBJECTS" \
  --ingest-seconds "$ingest_seconds" --objects "$N_OBJECTS" \
  --medallion "$("$venv/bin/pip" show medallion 2>/dev/null | awk '/^Version/{print $2}')"
echo "wrote bench/results/taxii.md"
