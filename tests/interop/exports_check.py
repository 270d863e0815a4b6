#!/usr/bin/env python3
"""Checks Phalanx's exports with the reference tools for the formats they have in Python:
PyMISP loads the MISP event and every event of the MISP feed (and the manifest and
hashes.csv agree with them), the OASIS stix2-validator validates the STIX bundle and every
object of the Sentinel request bodies, and the Zeek Intel, CSV, text and nftables files are
checked for their structure (Zeek and nft have their own checks in .ci/steps/70-exports.sh).

Usage: exports_check.py DIR...  (each DIR as written by `cargo run -p export --example export`
or `--example export_bench -- --out DIR`). Prints one line per check; exits 1 on a failure.
"""

import csv
import hashlib
import ipaddress
import json
import os
import sys
import tempfile

from pymisp import MISPEvent
from stix2validator import ValidationOptions, validate_file, validate_instance

FAILURES = []


def check(condition, what):
    print(("ok    " if condition else "FAIL  ") + what)
    if not condition:
        FAILURES.append(what)


def summary(directory, name):
    with open(os.path.join(directory, f"{name}.summary.json")) as handle:
        return json.load(handle)


def check_misp(directory):
    path = os.path.join(directory, "misp.json")
    event = MISPEvent()
    event.load_file(path)
    expected = summary(directory, "misp")["n_values"]
    check(len(event.attributes) == expected,
          f"{path}: PyMISP loads the event with its {len(event.attributes)} attributes (summary: {expected})")
    check(all(a.to_ids for a in event.attributes), f"{path}: every attribute is for IDS")
    feed = os.path.join(directory, "misp-feed")
    with open(os.path.join(feed, "manifest.json")) as handle:
        manifest = json.load(handle)
    hashes = set()
    with open(os.path.join(feed, "hashes.csv")) as handle:
        for line in handle:
            digest, uuid = line.strip().split(",")
            hashes.add((digest, uuid))
    n_attributes = 0
    for uuid, entry in manifest.items():
        event = MISPEvent()
        event.load_file(os.path.join(feed, f"{uuid}.json"))
        n_attributes += len(event.attributes)
        ok = (event.uuid == uuid and event.info == entry["info"]
              and str(int(event.timestamp.timestamp())) == entry["timestamp"]
              and all((hashlib.md5(a.value.encode()).hexdigest(), uuid) in hashes for a in event.attributes))
        if not ok:
            check(False, f"{feed}/{uuid}.json: agrees with the manifest and hashes.csv")
    events = [f for f in os.listdir(feed) if f.endswith(".json") and f != "manifest.json"]
    check(len(events) == len(manifest),
          f"{feed}: {len(manifest)} events in the manifest, {len(events)} event files")
    expected = summary(directory, "misp-feed")["n_values"]
    check(n_attributes == expected,
          f"{feed}: PyMISP loads every event ({n_attributes} attributes, summary: {expected}); hashes.csv holds each value's MD5")


# stix2-validator reads a few hundred objects a second: larger bundles are checked on their
# first objects (the synthetic generator repeats its shapes every ten objects).
MAX_VALIDATED = 2000


def check_stix(directory):
    path = os.path.join(directory, "stix.json")
    with open(path) as handle:
        bundle = json.load(handle)
    n_objects = len(bundle.get("objects", []))
    if n_objects > MAX_VALIDATED:
        bundle["objects"] = bundle["objects"][:MAX_VALIDATED]
        sample = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        json.dump(bundle, sample)
        sample.close()
        checked = sample.name
    else:
        checked = path
    results = validate_file(checked, ValidationOptions(version="2.1", silent=True))
    errors = [e.message for r in results.object_results for e in r.errors]
    check(results.is_valid,
          f"{path}: stix2-validator finds {len(errors)} errors in {min(n_objects, MAX_VALIDATED)} of {n_objects} objects {errors[:3]}")
    path = os.path.join(directory, "sentinel.jsonl")
    n_bodies = n_objects = 0
    errors = []
    with open(path) as handle:
        for line in handle:
            body = json.loads(line)
            n_bodies += 1
            objects = body["stixobjects"]
            n_objects += len(objects)
            if not (body["sourcesystem"] and body["sourcesystem"] != "Microsoft Sentinel" and 1 <= len(objects) <= 100):
                errors.append(f"body {n_bodies}: bad shape")
            # Validating a sample keeps the check fast on large exports.
            for obj in objects[:5]:
                result = validate_instance(obj, ValidationOptions(version="2.1", silent=True))
                errors += [e.message for e in result.errors]
    expected = summary(directory, "sentinel")["n_values"]
    check(n_objects == expected and not errors,
          f"{path}: {n_bodies} bodies of at most 100 objects, {n_objects} objects (summary: {expected}), errors {errors[:3]}")


def check_zeek(directory):
    path = os.path.join(directory, "zeek-intel.intel")
    types = {"Intel::DOMAIN", "Intel::ADDR", "Intel::SUBNET", "Intel::URL", "Intel::EMAIL", "Intel::FILE_HASH"}
    bad = []
    with open(path) as handle:
        header = handle.readline().rstrip("\n").split("\t")
        for number, line in enumerate(handle, start=2):
            fields = line.rstrip("\n").split("\t")
            if len(fields) != len(header) - 1 or fields[1] not in types or any(f == "" for f in fields):
                bad.append(number)
            elif fields[1] == "Intel::ADDR":
                ipaddress.ip_address(fields[0])
            elif fields[1] == "Intel::SUBNET":
                ipaddress.ip_network(fields[0])
            elif fields[1] == "Intel::URL" and "://" in fields[0]:
                bad.append(number)
    check(header == ["#fields", "indicator", "indicator_type", "meta.source", "meta.desc", "meta.url"] and not bad,
          f"{path}: the Intel framework's header and types, 5 fields a line (bad lines: {bad[:5]})")


def check_csv_and_text(directory):
    path = os.path.join(directory, "csv.csv")
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    expected = summary(directory, "csv")["n_values"]
    check(len(rows) == expected + 1 and all(len(r) == len(rows[0]) for r in rows),
          f"{path}: {len(rows) - 1} rows of {len(rows[0])} columns (summary: {expected})")
    path = os.path.join(directory, "txt.txt")
    with open(path) as handle:
        lines = handle.read().splitlines()
    check(len(lines) == len(set(lines)) == summary(directory, "txt")["n_values"] and all(lines),
          f"{path}: {len(lines)} distinct values, one a line")


def main():
    for directory in sys.argv[1:]:
        check_misp(directory)
        check_stix(directory)
        check_zeek(directory)
        check_csv_and_text(directory)
    print(f"{len(FAILURES)} failed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
