#!/usr/bin/env bash
# Matcher benchmark (release build), issue 5: N indicators (default 1,000,000) against ~1 GB
# of Zeek dns.log and ~1 GB of Suricata EVE JSON generated with a known set of planted matches
# (crates/matcher/examples/corpus.rs). Measures:
#   - index build (bundle read, pattern compile, insert) and the index's heap per indicator,
#     counted by a counting allocator (crates/matcher/examples/index_build.rs);
#   - scan throughput on one core: the log read into memory first, then scanned on one thread;
#     wall time and the thread's own CPU time (crates/matcher/examples/scan_bench.rs);
#   - `phalanx match --threads 1` and `--threads 2` end to end (index from the bundle, file
#     reading, JSON match lines), wall and CPU time (user+sys) and peak RSS;
#   - `grep -F -f domains.txt` and `rg -F -f domains.txt` on the same logs (substring matches
#     of the domain indicators: a weaker question, but what people use), wall and CPU time.
# Every matcher run's matches are compared with the planted set; a difference fails the run.
#
# Usage: bench/matcher/run.sh [N_INDICATORS] [ZEEK_LINES] [EVE_LINES]
# Data goes to $PHALANX_BENCH_DATA (default /tmp/phalanx-bench-matcher) and is deleted at the
# end unless KEEP_DATA=1. PHALANX_BIN=path uses a phalanx binary built before instead of
# building one; NO_BUILD=1 uses the matcher examples built before. Record the output in bench/results/matcher.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
N_INDICATORS=${1:-1000000}
ZEEK_LINES=${2:-5800000}
EVE_LINES=${3:-2100000}
SEED=${SEED:-20241115}
DATA=${PHALANX_BENCH_DATA:-/tmp/phalanx-bench-matcher}
TARGET=${CARGO_TARGET_DIR:-target}/release

case "$DATA" in
"$PWD"/*) echo "PHALANX_BENCH_DATA must be outside the repository" >&2; exit 2 ;;
esac
if [ "${KEEP_DATA:-0}" != 1 ]; then
    trap 'rm -rf "$DATA"' EXIT
fi

if ! command -v rg >/dev/null; then
    echo "installing ripgrep (apt-get)" >&2
    apt-get install -y -qq ripgrep >/dev/null
fi
if [ ! -x /usr/bin/time ]; then
    echo "installing GNU time (apt-get)" >&2
    apt-get install -y -qq time >/dev/null
fi
command -v jq >/dev/null || { echo "jq is needed to compare matches" >&2; exit 2; }

if [ "${NO_BUILD:-0}" != 1 ]; then # NO_BUILD=1: the examples are built already
    cargo build --quiet --locked --release -p matcher \
        --example corpus --example index_build --example scan_bench
fi
if [ -n "${PHALANX_BIN:-}" ]; then
    PHALANX=$PHALANX_BIN # a phalanx binary built before (the shared tree may not build now)
    echo "phalanx binary: $PHALANX_BIN, built $(date -u -r "$PHALANX_BIN" +%FT%TZ)" >&2
else
    cargo build --quiet --locked --release -p phalanx
    PHALANX=$TARGET/phalanx
fi

echo "## Machine"
echo "date: $(date -u +%FT%TZ)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
echo "memory: $(free -g | awk '/Mem:/ {print $2}') GB; kernel $(uname -r)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared with other jobs)"
echo "rustc: $(rustc -V)"
echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet -- crates/matcher crates/phalanx/src/cmd/match_.rs bench/matcher || echo ' (+ local changes to the matcher)')"
echo "rg: $(rg --version | sed -n 1p)"
echo "grep: $(grep --version | sed -n 1p)"
echo

# Runs a command under GNU time; prints one JSON object with wall, user, sys and peak RSS to
# the script's output (fd 3), whatever the command's output is redirected to.
exec 3>&1
timed() {
    local label=$1
    shift
    local stats
    stats=$(mktemp)
    /usr/bin/time -o "$stats" -f '%e %U %S %M' "$@"
    read -r wall user sys rss <"$stats"
    rm -f "$stats"
    jq -cn --arg name "$label" --argjson wall "$wall" --argjson user "$user" \
        --argjson sys "$sys" --argjson rss "$rss" \
        '{run: $name, wall_s: $wall, cpu_s: ($user + $sys), user_s: $user, sys_s: $sys, peak_rss_mb: ($rss / 1024)}' |
        tee -a "$DATA/timings.jsonl" >&3
}

# Compares found matches (JSON lines with line, field, value, indicator) with the planted set.
check_matches() {
    local found=$1 expected=$2 label=$3
    local key='[.line, .field, .value, .indicator] | @json'
    if cmp -s <(jq -r "$key" "$found" | sort) <(jq -r "$key" "$expected" | sort); then
        echo "$label: matches equal the planted set ($(wc -l <"$expected") matches)"
    else
        echo "$label: MATCHES DIFFER FROM THE PLANTED SET" >&2
        diff <(jq -r "$key" "$found" | sort) <(jq -r "$key" "$expected" | sort) | head -20 >&2
        exit 1
    fi
}

echo "## Corpus: $N_INDICATORS indicators, $ZEEK_LINES Zeek dns.log lines, $EVE_LINES EVE lines (seed $SEED)"
rm -rf "$DATA"
mkdir -p "$DATA"
timed corpus "$TARGET/examples/corpus" "$DATA" "$SEED" "$N_INDICATORS" "$ZEEK_LINES" "$EVE_LINES"
ls -l "$DATA" | awk 'NR > 1 {print $5, $9}'
echo "domains.txt: $(wc -l <"$DATA/domains.txt") domain indicators"
echo

echo "## Index build (bundle read, compile on 1 and 2 threads, insert; heap counted by allocator)"
for threads in 1 2; do
    "$TARGET/examples/index_build" "$DATA/indicators.json" "$threads"
done
echo

for log in dns.log eve.json; do
    expected="$DATA/${log%.*}.expected.jsonl"
    size=$(stat -c %s "$DATA/$log")
    echo "## $log ($size bytes)"
    echo "### matcher, one thread, log in memory (best of 3 by thread CPU time)"
    SCAN_REPEAT=3 "$TARGET/examples/scan_bench" "$DATA/indicators.json" "$DATA/$log" "$DATA/found.jsonl" |
        tee "$DATA/scan.json"
    check_matches "$DATA/found.jsonl" "$expected" "scan_bench $log"
    for threads in 1 2; do
        echo "### phalanx match --threads $threads (end to end: bundle read, index build, scan)"
        timed "phalanx match --threads $threads" "$PHALANX" --json match \
            --indicators "$DATA/indicators.json" --threads "$threads" "$DATA/$log" \
            >"$DATA/match.jsonl"
        grep '^{"summary"' "$DATA/match.jsonl" |
            jq -c '.summary | {threads, lines, bytes, matches, malformed, scan_ms, mb_per_s, lines_per_s, build_ms: .index.build_ms, elapsed_ms}'
        grep -v '^{"summary"' "$DATA/match.jsonl" >"$DATA/found.jsonl"
        check_matches "$DATA/found.jsonl" "$expected" "phalanx match --threads $threads $log"
    done
    echo "### grep -F -f domains.txt (lines with a domain indicator as a substring)"
    timed "grep -F -f" sh -c "LC_ALL=C grep -F -f '$DATA/domains.txt' '$DATA/$log' | wc -l"
    echo "### rg -F -f domains.txt"
    timed "rg -F -f" sh -c "rg -F -f '$DATA/domains.txt' '$DATA/$log' | wc -l"
    echo "### ratios (CPU time of grep or rg over the matcher's one-thread scan CPU time)"
    jq -sc '(.[0].cpu_s) as $matcher | (.[1:] | map({(.run): (.cpu_s / $matcher)}) | add)' \
        "$DATA/scan.json" <(tail -n 2 "$DATA/timings.jsonl")
    echo
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
