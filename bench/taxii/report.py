#!/usr/bin/env python3
"""Writes bench/results/taxii.md from the JSON lines of bench/taxii/run.sh."""

import argparse
import datetime
import json
import os
import platform
import subprocess


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo") as meminfo:
            kib = int(meminfo.readline().split()[1])
            memory = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    load = os.getloadavg()[0]
    return f"{os.cpu_count()} cores ({model}){memory}, load average {load:.1f} at the end of the run, {platform.system()} {platform.release()}"


def rustc():
    try:
        return subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "rustc (unknown)"


def per_cpu(row):
    """Requests completed per second of server CPU time."""
    cpu = row.get("server_cpu_s", 0)
    completed = row["requests_per_second"] * row.get("seconds", 0)
    return completed / cpu if cpu else 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("results")
    parser.add_argument("--out", required=True)
    parser.add_argument("--command", required=True)
    parser.add_argument("--ingest-seconds", required=True)
    parser.add_argument("--objects", type=int, required=True)
    parser.add_argument("--medallion", default="?")
    args = parser.parse_args()
    rows = [json.loads(line) for line in open(args.results) if line.strip()]
    by = {(row["server"], row["loaded"], row["scenario"]): row for row in rows}

    lines = [
        "# TAXII 2.1: Phalanx and the OASIS reference server medallion",
        "",
        f"Command: `{args.command}` (release build; load generator `bench/taxii/loadgen`, one thread, on the same machine).",
        f"Machine: {machine()}.",
        f"Versions: {rustc()}, Phalanx (this commit, SQLite store), medallion {args.medallion} (memory backend, Flask development server, Python {platform.python_version()}).",
        f"Date: {datetime.date.today().isoformat()}.",
        "",
        f"Phalanx holds {args.objects:,} indicators in one collection (one `phalanx ingest` of one bundle: {float(args.ingest_seconds):.1f} s), then the same 10,000 as medallion (imported from medallion's data file with `phalanx import medallion`, keeping their date_added).",
        "Authentication: a Bearer token for Phalanx, HTTP Basic for medallion.",
        "Scenarios: `pages` = chains of pages with limit=1000, each client following `next` to the end; `page100` = chains of limit=100 pages starting at a random `added_after`; `get` = GET `.../objects/{id}/` of random ids; `post` = POST of 1,000-object envelopes, timed until the status is complete (Phalanx processes envelopes of more than 100 objects in the background; the time includes polling every 20 ms).",
        "",
    ]
    walk = by.get(("phalanx", args.objects, "walk"))
    if walk:
        lines += [
            f"**Paging through all {args.objects:,} with limit=1000** (one client): {walk['pages']:,} pages in {walk['seconds']:.1f} s, "
            f"{walk['distinct_objects']:,} distinct objects, {walk['repeated_objects']} repeated, {walk['pages_out_of_order']} pages out of date_added order, "
            f"p50 {walk['p50_ms']:.1f} ms, p99 {walk['p99_ms']:.1f} ms per page, errors: {walk['errors']}.",
            "",
        ]
    lines += [
        "Server CPU s is the user + system CPU time of the server process during the run (all its threads; the load generator's is not counted); requests per CPU s divides the requests completed by it, which depends less on what else the shared machine runs than requests/s. Load is the 1-minute load average at the start of the run.",
        "",
        "| server | objects loaded | scenario | clients | requests/s | objects/s | p50 ms | p99 ms | errors | server CPU s | requests per CPU s | load |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        if row["scenario"] == "walk":
            continue
        lines.append(
            f"| {row['server']} | {row['loaded']:,} | {row['scenario']} | {row['clients']} | {row['requests_per_second']:,.1f} | {row['items_per_second']:,.0f} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} | {row['errors']} | {row.get('server_cpu_s', 0):.1f} | {per_cpu(row):,.1f} | {row.get('load', 0):.1f} |"
        )
    lines += ["", "## At equal data (10,000 objects): Phalanx / medallion", ""]
    lines += ["| scenario | throughput ratio (requests/s) | ratio of requests per server CPU s | p99 ratio (medallion / Phalanx) |", "|---|---:|---:|---:|"]
    for scenario in ["pages", "page100", "get", "post"]:
        ours = by.get(("phalanx", 10000, scenario))
        theirs = by.get(("medallion", 10000, scenario))
        if not ours or not theirs:
            continue
        ratio = ours["requests_per_second"] / theirs["requests_per_second"] if theirs["requests_per_second"] else float("inf")
        cpu_ratio = per_cpu(ours) / per_cpu(theirs) if per_cpu(theirs) else float("inf")
        p99 = theirs["p99_ms"] / ours["p99_ms"] if ours["p99_ms"] else float("inf")
        lines.append(f"| {scenario} | {ratio:,.1f}x | {cpu_ratio:,.1f}x | {p99:,.1f}x |")
    lines += ["", "A ratio of inf means medallion completed no request of that scenario within the run (requests still running 20 s after its end are abandoned and counted as errors)."]
    page100 = by.get(("phalanx", args.objects, "page100"))
    if page100:
        verdict = "met" if page100["p99_ms"] < 25 else "NOT met"
        lines += ["", f"Goal p99 under 25 ms for a page of 100 with {args.objects:,} objects: {page100['p99_ms']:.1f} ms ({verdict})."]
    errors = [row for row in rows if row.get("first_error")]
    if errors:
        lines += ["", "First error of each run that had errors:", ""]
        for row in errors:
            lines.append(f"- {row['server']} {row['loaded']:,} {row['scenario']}: {row['errors']} errors; first: `{row['first_error'][:300]}`")
    with open(args.out, "w") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
