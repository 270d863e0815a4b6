"""Times Phalanx ingest (SQLite, PostgreSQL) and export against the OASIS stix2 parse of the
same file, and writes a Markdown report. Run through bench/ingest/run.sh."""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse


def timed(command, **kwargs):
    started = time.perf_counter()
    completed = subprocess.run(command, check=True, capture_output=True, **kwargs)
    return time.perf_counter() - started, completed


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
    seconds, completed = timed([phalanx, *store_args, "--json", "ingest", attack])
    report = json.loads(completed.stdout.decode().splitlines()[0])
    assert report["n_added"] == 24771 and report["n_rejected"] == 0, report
    return seconds


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
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as work:
            data_dir = os.path.join(work, "data")
            sqlite_runs.append(ingest(args.phalanx, args.attack, ["--data-dir", data_dir]))
            out = os.path.join(work, "export.json")
            seconds, _ = timed(
                [args.phalanx, "--data-dir", data_dir, "export", "--format", "stix", "--out", out]
            )
            export_runs.append(seconds)
            export_bytes = os.path.getsize(out)
        url = fresh_database(args.database_url, f"phalanx_bench_{run}")
        postgres_runs.append(ingest(args.phalanx, args.attack, ["--database-url", url]))
        print(
            f"run {run + 1}: sqlite {sqlite_runs[-1]:.2f} s, postgres {postgres_runs[-1]:.2f} s, "
            f"export {export_runs[-1]:.2f} s",
            file=sys.stderr,
        )

    # The peer: the OASIS stix2 library parsing the same file, once.
    import stix2

    with open(args.attack, encoding="utf-8") as file:
        text = file.read()
    started = time.perf_counter()
    bundle = stix2.parse(text, allow_custom=True)
    stix2_seconds = time.perf_counter() - started
    assert len(bundle.objects) == 24771
    print(f"stix2.parse: {stix2_seconds:.2f} s", file=sys.stderr)

    sqlite = statistics.median(sqlite_runs)
    postgres = statistics.median(postgres_runs)
    export = statistics.median(export_runs)
    export_mb_s = export_bytes / 1e6 / export
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
    fmt = lambda runs: ", ".join(f"{seconds:.2f}" for seconds in runs)
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

| measurement | seconds | runs (s) | ratio |
| --- | ---: | --- | --- |
| `phalanx ingest` into SQLite | {sqlite:.2f} | {fmt(sqlite_runs)} | **{stix2_seconds / sqlite:.1f}x** faster than stix2.parse |
| `phalanx ingest` into PostgreSQL | {postgres:.2f} | {fmt(postgres_runs)} | {stix2_seconds / postgres:.1f}x faster than stix2.parse |
| `phalanx export --format stix` (SQLite) | {export:.2f} | {fmt(export_runs)} | **{export_mb_s:.0f} MB/s** ({export_bytes / 1e6:.1f} MB written) |
| `stix2.parse(..., allow_custom=True)` | {stix2_seconds:.2f} | | 1.0 |

Goals (issue 2): ingest into SQLite at least 10x faster than the stix2 parse: {'met' if stix2_seconds / sqlite >= 10 else 'NOT met'}; export at least 100 MB/s: {'met' if export_mb_s >= 100 else 'NOT met'}.
"""
    with open(args.out, "w", encoding="utf-8") as file:
        file.write(report)
    print(report)


if __name__ == "__main__":
    main()
