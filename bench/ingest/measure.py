"""Times Phalanx ingest (SQLite, PostgreSQL) and export against the OASIS stix2 parse of the
same file, and writes a Markdown report. Run through bench/ingest/run.sh."""

import argparse
import datetime
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse


def cpu_seconds(who):
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def timed(command, **kwargs):
    """Runs a command; returns (wall seconds, CPU seconds of the child, completed process)."""
    cpu_before = cpu_seconds(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    completed = subprocess.run(command, check=True, capture_output=True, **kwargs)
    wall = time.perf_counter() - started
    return wall, cpu_seconds(resource.RUSAGE_CHILDREN) - cpu_before, completed


def fresh_database(url, name):
    """Creates database `name` on the server of `url` and returns its URL."""
    parts = urllib.parse.urlsplit(url)
    subprocess.run(
        ["psql", url, "-q", "-c", f"DROP DATABASE IF EXISTS {name}", "-c", f"CREATE DATABASE {name}"],
        check=True,
        capture_output=True,
    )
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def ingest(phalanx, attack, store_args):
    wall, cpu, completed = timed([phalanx, *store_args, "--json", "ingest", attack])
    report = json.loads(completed.stdout.decode().splitlines()[0])
    assert report["n_added"] == 24771 and report["n_rejected"] == 0, report
    return wall, cpu


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--phalanx", required=True)
    parser.add_argument("--attack", required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", required=True)
    parser.add_argument("--command", required=True)
    args = parser.parse_args()
    size = os.path.getsize(args.attack)

    sqlite_runs, postgres_runs, export_runs = [], [], []
    export_bytes = 0
    load_before = os.getloadavg()[0]
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as work:
            data_dir = os.path.join(work, "data")
            sqlite_runs.append(ingest(args.phalanx, args.attack, ["--data-dir", data_dir]))
            out = os.path.join(work, "export.json")
            wall, cpu, _ = timed(
                [args.phalanx, "--data-dir", data_dir, "export", "--format", "stix", "--out", out]
            )
            export_runs.append((wall, cpu))
            export_bytes = os.path.getsize(out)
        url = fresh_database(args.database_url, f"phalanx_bench_{run}")
        postgres_runs.append(ingest(args.phalanx, args.attack, ["--database-url", url]))
        print(
            f"run {run + 1}: sqlite {sqlite_runs[-1]}, postgres {postgres_runs[-1]}, "
            f"export {export_runs[-1]} (wall s, CPU s)",
            file=sys.stderr,
        )

    # The peer: the OASIS stix2 library parsing the same file, once.
    import stix2

    with open(args.attack, encoding="utf-8") as file:
        text = file.read()
    cpu_before = cpu_seconds(resource.RUSAGE_SELF)
    started = time.perf_counter()
    bundle = stix2.parse(text, allow_custom=True)
    stix2_seconds = time.perf_counter() - started
    stix2_cpu = cpu_seconds(resource.RUSAGE_SELF) - cpu_before
    load_after = os.getloadavg()[0]
    assert len(bundle.objects) == 24771
    print(f"stix2.parse: {stix2_seconds:.2f} s", file=sys.stderr)

    median = lambda runs, idx: statistics.median(run[idx] for run in runs)
    sqlite, sqlite_cpu = median(sqlite_runs, 0), median(sqlite_runs, 1)
    postgres, postgres_cpu = median(postgres_runs, 0), median(postgres_runs, 1)
    export, export_cpu = median(export_runs, 0), median(export_runs, 1)
    export_mb_s = export_bytes / 1e6 / export
    export_cpu_mb_s = export_bytes / 1e6 / export_cpu
    phalanx_version = subprocess.run(
        [args.phalanx, "--version"], check=True, capture_output=True, text=True
    ).stdout.strip()
    postgres_version = subprocess.run(
        ["psql", args.database_url, "-tAc", "SHOW server_version"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    cpu = next(
        (line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
        platform.processor(),
    )
    fmt = lambda runs: ", ".join(f"{wall:.2f} / {cpu:.2f}" for wall, cpu in runs)
    report = f"""# Ingest and export benchmark

Recorded {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} by `{args.command}`.

## Machine and versions

- CPU: {cpu}, {os.cpu_count()} cores (shared with other work while this ran); Linux {platform.release()}
- {phalanx_version} (release build), {rustc}
- SQLite bundled with sqlx 0.9 (WAL, synchronous=NORMAL); PostgreSQL {postgres_version} (throwaway cluster from `.ci/lib.sh`, fsync off)
- Python {platform.python_version()}, stix2 {stix2.__version__}
- Input: `enterprise-attack-18.1.json`, {size / 1e6:.1f} MB, 24,771 objects

## Figures

Each Phalanx figure is the median of {args.runs} runs of the whole command (process start, read, parse, validate, store, commit), each on a fresh store; the stix2 figure is one call of `stix2.parse(text, allow_custom=True)` on text already in memory.
Wall-clock time depends on what else the machine runs (load average {load_before:.1f} at the start, {load_after:.1f} at the end), so CPU time (user + system, all threads of the measured process) is given too; Phalanx uses several threads, stix2 one, and the PostgreSQL server's own CPU time is not counted.

| measurement | wall s | CPU s | runs (wall / CPU s) | ratio (wall) | ratio (CPU) |
| --- | ---: | ---: | --- | ---: | ---: |
| `phalanx ingest` into SQLite | {sqlite:.2f} | {sqlite_cpu:.2f} | {fmt(sqlite_runs)} | **{stix2_seconds / sqlite:.1f}x** faster than stix2.parse | {stix2_cpu / sqlite_cpu:.1f}x |
| `phalanx ingest` into PostgreSQL | {postgres:.2f} | {postgres_cpu:.2f} | {fmt(postgres_runs)} | {stix2_seconds / postgres:.1f}x faster than stix2.parse | {stix2_cpu / postgres_cpu:.1f}x |
| `phalanx export --format stix` (SQLite) | {export:.2f} | {export_cpu:.2f} | {fmt(export_runs)} | **{export_mb_s:.0f} MB/s** | {export_cpu_mb_s:.0f} MB per CPU second |
| `stix2.parse(..., allow_custom=True)` | {stix2_seconds:.2f} | {stix2_cpu:.2f} | | 1.0 | 1.0 |

Export writes {export_bytes / 1e6:.1f} MB (compact JSON; the input is indented).
Goals (issue 2), on wall-clock time: ingest into SQLite at least 10x faster than the stix2 parse: {'met' if stix2_seconds / sqlite >= 10 else 'NOT met'}; export at least 100 MB/s: {'met' if export_mb_s >= 100 else 'NOT met'}.
"""
    with open(args.out, "w", encoding="utf-8") as file:
        file.write(report)
    print(report)


if __name__ == "__main__":
    main()
