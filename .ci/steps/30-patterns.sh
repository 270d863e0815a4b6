#!/usr/bin/env bash
# STIX patterning conformance (../shared/conformance, read in place), through the CLI:
# - every pattern of patterns_valid.txt passes `phalanx pattern check`;
# - every pattern of patterns_invalid.txt is refused;
# - every case of patterns_invalid_errors.jsonl (STIX 2.0 and 2.1) is refused, and the offset
#   we report is compared with the OASIS validator's column (printed, not required);
# - every case of matcher_cases.jsonl gives the OASIS matcher's answer and every case of
#   matcher_error_cases.jsonl is refused, through `phalanx pattern test`.
# Prints the counts, names every failure, and exits non-zero on any. Target: 100 %.
set -euo pipefail
cd "$(dirname "$0")/../.."
SHARED=${PHALANX_SHARED:-$(cd .. && pwd)/shared}
CONF="$SHARED/conformance"
for name in patterns_valid.txt patterns_invalid.txt patterns_invalid_errors.jsonl \
  matcher_cases.jsonl matcher_error_cases.jsonl; do
  if [ ! -f "$CONF/$name" ]; then
    echo "patterns conformance: $CONF/$name is absent; the shared folder must sit beside the checkout (or set PHALANX_SHARED)" >&2
    exit 1
  fi
done
cargo build --quiet --locked -p phalanx
PHALANX="${CARGO_TARGET_DIR:-target}/debug/phalanx"

python3 - "$PHALANX" "$CONF" <<'PY'
import json, subprocess, sys

phalanx, conf = sys.argv[1], sys.argv[2]
failed = False

def check(pattern, version="2.1"):
    run = subprocess.run([phalanx, "--json", "pattern", "check", "--stix-version", version, pattern],
                         capture_output=True, text=True)
    answer = json.loads(run.stdout)
    if answer["valid"] != (run.returncode == 0):
        raise SystemExit(f"exit code {run.returncode} contradicts {answer} for {pattern!r}")
    return answer

def lines(name):
    with open(f"{conf}/{name}", encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip()]

# Valid and invalid patterns.
for name, want_valid in (("patterns_valid.txt", True), ("patterns_invalid.txt", False)):
    patterns = lines(name)
    wrong = [(p, check(p)) for p in patterns]
    wrong = [(p, a) for p, a in wrong if a["valid"] != want_valid]
    print(f"{name}: {len(patterns) - len(wrong)}/{len(patterns)} {'parse' if want_valid else 'refused'}")
    for pattern, answer in wrong:
        failed = True
        print(f"  FAIL {pattern!r}: {answer.get('error', 'accepted: ' + str(answer.get('canonical')))}")

# Invalid patterns with the reference's error message, both versions.
cases = [json.loads(line) for line in lines("patterns_invalid_errors.jsonl")]
n_refused = n_compared = n_same_offset = 0
for case in cases:
    answer = check(case["pattern"], case["stix_version"])
    if answer["valid"]:
        failed = True
        print(f"  FAIL accepted ({case['stix_version']}) {case['pattern']!r}")
        continue
    n_refused += 1
    prefix = case["error_prefix"]
    marker = "FAIL: Error found at line 1:"
    if prefix.startswith(marker):
        column = prefix[len(marker):].split(".")[0]
        if column.isdigit():
            n_compared += 1
            if answer["offset"] == int(column):
                n_same_offset += 1
            else:
                print(f"  note: offset {answer['offset']} where the reference says {column}: {case['pattern']!r}")
print(f"patterns_invalid_errors.jsonl: {n_refused}/{len(cases)} refused; "
      f"offset equal to the reference's in {n_same_offset}/{n_compared} cases that give one")

# Matcher cases, through `phalanx pattern test` (which compares each answer with `expected`).
for name in ("matcher_cases.jsonl", "matcher_error_cases.jsonl"):
    run = subprocess.run([phalanx, "--json", "pattern", "test", f"{conf}/{name}"],
                         capture_output=True, text=True)
    summary = json.loads(run.stderr.strip().splitlines()[-1])
    total = summary["n_with_expectation"]
    bad = summary["disagreeing_lines"]
    print(f"{name}: {total - len(bad)}/{total} give the reference answer "
          f"({summary['n_matched']} matched, {summary['n_not_matched']} not matched, "
          f"{summary['n_errors']} refused)")
    if bad or run.returncode != 0 or total != len(lines(name)):
        failed = True
    answers = run.stdout.splitlines()
    with open(f"{conf}/{name}", encoding="utf-8") as f:
        physical = f.read().split("\n")
    for line_no in bad:
        case = json.loads(physical[line_no - 1])
        answer = answers[sum(1 for line in physical[:line_no - 1] if line.strip())]
        print(f"  FAIL line {line_no}: {case['pattern']!r} expected {case['expected']}, got {answer}")

sys.exit(1 if failed else 0)
PY
