#!/usr/bin/env bash
# The whole `phalanx export` command from the store: COUNT synthetic indicators (the same as
# export_bench's) are written as a STIX bundle, ingested into a fresh embedded (SQLite) store,
# then exported once in every format with /usr/bin/time (wall, user and system CPU seconds,
# and the load average at the start, since the machine may be shared).
# Usage: bench/export/command.sh [COUNT] [PHALANX_BINARY]
# PHALANX_BINARY defaults to target/release/phalanx (cargo build --release -p phalanx).
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT=${1:-1000000}
TARGET=${CARGO_TARGET_DIR:-target}/release
PHALANX=${2:-$TARGET/phalanx}
if [ ! -x "$PHALANX" ]; then
  echo "export command bench: $PHALANX is missing (cargo build --release -p phalanx)" >&2
  exit 1
fi
cargo build --quiet --locked --release -p export --example export_bench
WORK=$(mktemp -d /tmp/phalanx-export-command.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
"$TARGET/examples/export_bench" --count "$COUNT" --format stix --out "$WORK" >/dev/null 2>&1
/usr/bin/time -f "ingest: wall %e s, user %U s, system %S s" \
  "$PHALANX" --data-dir "$WORK/store" ingest "$WORK/stix.json" >/dev/null 2>"$WORK/ingest.err" \
  || { cat "$WORK/ingest.err" >&2; exit 1; }
tail -n 1 "$WORK/ingest.err"
rm "$WORK/stix.json"
echo "| format | objects | exported | values | MB | wall s | user s | system s | load (1 min) | objects/s (wall) | objects per CPU s |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for format in txt csv zeek-intel rpz nftables suricata-datasets suricata misp misp-feed sentinel stix; do
  load=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -f "%e %U %S" -o "$WORK/time" \
    "$PHALANX" --data-dir "$WORK/store" --json export --format "$format" --out "$WORK/out.$format" \
    > "$WORK/summary.json"
  read -r wall user system < "$WORK/time"
  python3 - "$format" "$wall" "$user" "$system" "$load" "$WORK/summary.json" <<'PY'
import json, sys
fmt, wall, user, system, load, path = sys.argv[1:]
s = json.load(open(path))
wall, cpu = float(wall), float(user) + float(system)
n = s.get("n_objects", s.get("objects", 0))
print(f"| {fmt} | {n} | {s.get('n_exported', '')} | {s.get('n_values', '')} | "
      f"{s.get('n_bytes', 0) / 1e6:.1f} | {wall:.2f} | {float(user):.2f} | {float(system):.2f} | "
      f"{load} | {n / wall:.0f} | {n / cpu:.0f} |")
PY
  rm -rf "$WORK/out.$format"
done
