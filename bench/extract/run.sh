#!/usr/bin/env bash
# Extraction benchmark: `phalanx extract` against ioc-finder and iocextract (peers virtualenv) on
# the same corpus (ATT&CK Enterprise descriptions and TRAM reports from ../shared/data), in one
# run, with their findings side by side. Writes bench/out/extract/ and prints a Markdown report
# (copy it into bench/results/extract.md).
#
#   bench/extract/run.sh            # from the repository root
set -euo pipefail
cd "$(dirname "$0")/../.."
PHALANX_SHARED=${PHALANX_SHARED:-$(cd .. && pwd)/shared}
source .ci/lib.sh
venv=$(peers_venv)
out=bench/out/extract
mkdir -p "$out"
target=${CARGO_TARGET_DIR:-target}

n_docs=$(python3 bench/extract/make_corpus.py "$PHALANX_SHARED" "$out/corpus.txt")
n_bytes=$(wc -c < "$out/corpus.txt")
cargo build --release --locked -q -p phalanx -p extract --example extract_file

echo "# Extraction benchmark ($(date -u +%Y-%m-%dT%H:%MZ))"
echo
echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- corpus: $n_docs documents, $n_bytes bytes (ATT&CK Enterprise 18.1 descriptions + TRAM reports)"
echo "- phalanx: $(git rev-parse --short HEAD), release build, $(rustc --version)"
echo "- peers: $("$venv/bin/python" --version), ioc-finder $("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("ioc-finder"))'), iocextract $("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("iocextract"))')"
echo
echo "## Throughput (CPU time of the extraction, one core)"
echo
extractor=$("$target/release/examples/extract_file" "$out/corpus.txt" 8)
/usr/bin/time -f '%U %S %e' -o "$out/phalanx.time" "$target/release/phalanx" --json extract "$out/corpus.txt" > "$out/phalanx.json"
read -r user sys wall < "$out/phalanx.time"
peers=$("$venv/bin/python" bench/extract/peers_bench.py "$out/corpus.txt" "$out")
python3 - "$n_bytes" "$extractor" "$user" "$sys" "$wall" "$peers" <<'PY'
import json, sys
n_bytes = int(sys.argv[1])
extractor = json.loads(sys.argv[2])
cli_cpu = float(sys.argv[3]) + float(sys.argv[4])
peers = [json.loads(line) for line in sys.argv[6].splitlines() if line.strip()]
ours = extractor["mb_per_s_cpu"]
print("| tool | how | CPU s | MB/s per core | phalanx extractor / tool |")
print("|---|---|---:|---:|---:|")
print(f"| phalanx extractor | `extract::Extractor::extract`, whole corpus, best of 8 | {extractor['best_cpu_seconds']:.3f} | {ours:.1f} | 1 |")
print(f"| phalanx extract --json | CLI end to end (read, extract, JSON to file) | {cli_cpu:.2f} | {n_bytes / cli_cpu / 1e6:.1f} | {ours / (n_bytes / cli_cpu / 1e6):.1f} |")
for peer in peers:
    print(f"| {peer['tool']} {peer['version']} | one call per document, all types | {peer['cpu_seconds']:.2f} | {peer['mb_per_s']:.3f} | {ours / peer['mb_per_s']:.0f}x |")
PY
echo
echo "## Findings side by side (distinct values per type)"
echo
python3 bench/extract/compare.py "$out/phalanx.json" "$out" 5
