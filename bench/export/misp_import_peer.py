#!/usr/bin/env python3
"""MISP event -> STIX 2.1: Phalanx's importer against misp-stix (MISP's own converter) on the
same generated event, in one run. Prints a Markdown table row per tool and the ratio.

Usage: misp_import_peer.py IMPORT_BINARY [N_ATTRIBUTES]
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid

from misp_stix_converter import MISPtoSTIX21Parser


def event(n):
    kinds = [
        ("domain", "Network activity", lambda i: f"host{i}.zone{i % 97}.example"),
        ("ip-dst", "Network activity", lambda i: f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"),
        ("url", "Network activity", lambda i: f"http://host{i}.example/p/{i}"),
        ("md5", "Payload delivery", lambda i: f"{i * 2654435761:032x}"[-32:]),
        ("sha256", "Payload delivery", lambda i: f"{i * 11400714819323198485:064x}"[-64:]),
    ]
    attributes = []
    for i in range(n):
        kind, category, value = kinds[i % len(kinds)]
        attributes.append({
            "uuid": str(uuid.UUID(int=(0x91AE0A21C7AE4C7FB84BB84A7CE53D1F + i) % (1 << 128))),
            "type": kind, "category": category, "value": value(i),
            "timestamp": "1603642920", "to_ids": True, "comment": f"attribute {i}",
            "Tag": [{"name": "tlp:green"}],
        })
    return {"Event": {
        "uuid": "a6ef17d6-91cb-4a05-b10b-2f045daf874c", "info": "benchmark event",
        "date": "2020-10-25", "timestamp": "1603642920",
        "Orgc": {"name": "MISP-Project", "uuid": "a0c22599-9e58-4da4-96ac-7051603fa951"},
        "Tag": [{"name": "tlp:green"}], "Attribute": attributes, "Object": [], "Galaxy": [],
    }}


def main():
    binary = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    data = event(n)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(data, handle)
        path = handle.name
    size_mb = os.path.getsize(path) / 1e6
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        output = subprocess.run([binary, "misp", path], capture_output=True, check=True).stdout
        runs.append(time.perf_counter() - started)
    ours = min(runs)
    n_ours = sum(1 for o in json.loads(output)["objects"] if o["type"] == "indicator")
    started = time.perf_counter()
    parser = MISPtoSTIX21Parser()
    parser.parse_misp_event(data)
    serialized = parser.bundle.serialize()
    theirs = time.perf_counter() - started
    n_theirs = sum(1 for o in json.loads(serialized)["objects"] if o["type"] == "indicator")
    os.unlink(path)
    print(f"| tool | attributes | indicators | seconds | attributes/s | MB/s |")
    print(f"|---|---:|---:|---:|---:|---:|")
    print(f"| Phalanx `import misp` (process, best of 3) | {n} | {n_ours} | {ours:.2f} | {n / ours:.0f} | {size_mb / ours:.1f} |")
    print(f"| misp-stix `MISPtoSTIX21Parser` (in process, parse + serialize) | {n} | {n_theirs} | {theirs:.2f} | {n / theirs:.0f} | {size_mb / theirs:.1f} |")
    print(f"\nPhalanx / misp-stix: {theirs / ours:.1f}x faster ({size_mb:.1f} MB event)")


if __name__ == "__main__":
    main()
