"""Times `phalanx pattern test` and the OASIS stix2-matcher on the same cases; see run.sh.

Each tool reads the same JSON-lines file and writes one answer per line; the answers are
compared (matched / not matched / error) before any figure is reported. Wall-clock and CPU
time (user + system of the child) are measured per run; the best run of each tool is kept.
"""

import argparse
import datetime
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def timed(argv, stdout_path):
    """Runs argv with stdout to a file; returns (wall seconds, cpu seconds)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with open(stdout_path, "w", encoding="utf-8") as out:
        subprocess.run(argv, stdout=out, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def outcome(line):
    answer = json.loads(line)
    return "error" if "error" in answer else answer["matched"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--phalanx", required=True)
    parser.add_argument("--python", required=True)
    parser.add_argument("--cases", action="append", required=True)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", required=True)
    parser.add_argument("--command", required=True)
    args = parser.parse_args()

    lines = []
    for path in args.cases:
        with open(path, encoding="utf-8") as f:
            lines.extend(line for line in f if line.strip())
    n_cases = len(lines) * args.repeats

    with tempfile.TemporaryDirectory() as tmp:
        cases = os.path.join(tmp, "cases.jsonl")
        with open(cases, "w", encoding="utf-8") as f:
            for _ in range(args.repeats):
                f.writelines(lines)
        tools = {
            "phalanx pattern test": [args.phalanx, "pattern", "test", cases],
            "stix2-matcher 3.0.0": [args.python, os.path.join(HERE, "stix2_matcher_cases.py"), cases],
        }
        results = {}
        answers = {}
        load_before = os.getloadavg()
        for name, argv in tools.items():
            runs = []
            for run in range(args.runs):
                out = os.path.join(tmp, f"{len(results)}-{run}.jsonl")
                runs.append(timed(argv, out))
            # The best wall time and the best CPU time, each over all runs (on a shared machine
            # the two need not come from the same run).
            results[name] = (min(wall for wall, _ in runs), min(cpu for _, cpu in runs))
            with open(out, encoding="utf-8") as f:
                answers[name] = [outcome(line) for line in f]
            wall, cpu = results[name]
            print(f"{name}: best of {args.runs}: {wall:.3f} s wall, {cpu:.3f} s CPU, "
                  f"{n_cases / wall:,.0f} cases/s", file=sys.stderr)

    load_after = os.getloadavg()
    ours, theirs = answers["phalanx pattern test"], answers["stix2-matcher 3.0.0"]
    if len(ours) != n_cases or len(theirs) != n_cases:
        sys.exit(f"answer counts differ: {len(ours)} and {len(theirs)} for {n_cases} cases")
    n_different = sum(1 for a, b in zip(ours, theirs) if a != b)
    if n_different:
        sys.exit(f"{n_different} answers differ between the tools; no figures recorded")

    (our_wall, our_cpu) = results["phalanx pattern test"]
    (py_wall, py_cpu) = results["stix2-matcher 3.0.0"]
    version = subprocess.run([args.phalanx, "--version"], capture_output=True, text=True).stdout.strip()
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    py_version = subprocess.run([args.python, "--version"], capture_output=True, text=True).stdout.strip()
    cpu_model = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    report = f"""# Pattern evaluation: `phalanx pattern test` against the OASIS stix2-matcher

Recorded {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} by `{args.command}`.

- Machine: {platform.machine()}, {os.cpu_count()} cores ({cpu_model}), Linux {platform.release()}; other jobs shared the machine: load average (1, 5, 15 min) {load_before[0]:.2f}, {load_before[1]:.2f}, {load_before[2]:.2f} before the runs and {load_after[0]:.2f}, {load_after[1]:.2f}, {load_after[2]:.2f} after, so wall-clock times are inflated and CPU times are the steadier figure.
- Phalanx: `{version}`, release build, {rustc}.
- Peer: stix2-matcher 3.0.0 (stix2-patterns 2.1.2, antlr4 runtime) on {py_version}, from `../shared/peers/requirements.txt`.
- Cases: `matcher_cases.jsonl` and `matcher_error_cases.jsonl` of `../shared/conformance` ({len(lines)} cases: patterns, observed data, STIX 2.0 and 2.1), repeated {args.repeats} times: {n_cases:,} cases in one file.
- Each tool parses every pattern and every case's observed data, evaluates, and writes one JSON answer per line; both gave the same {n_cases:,} answers (matched / not matched / error) in this run.
- Best of {args.runs} runs per tool (best wall time and best CPU time, each over the runs); CPU is user + system time of the process, start-up included.

| tool | wall (s) | CPU (s) | cases/s (wall) |
|---|---:|---:|---:|
| phalanx pattern test | {our_wall:.3f} | {our_cpu:.3f} | {n_cases / our_wall:,.0f} |
| stix2-matcher 3.0.0 | {py_wall:.3f} | {py_cpu:.3f} | {n_cases / py_wall:,.0f} |

**Ratio: {py_wall / our_wall:,.0f}× faster in wall-clock time, {py_cpu / max(our_cpu, 1e-9):,.0f}× in CPU time** (goal: at least 100×).
"""
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(report)
    print(report)


if __name__ == "__main__":
    main()
