#!/usr/bin/env python3
"""Generates the data of the TAXII benchmark into a directory:

- bundle-1m.json: a STIX 2.1 bundle of N indicators (1,000,000 by default), for
  `phalanx ingest` into one collection;
- medallion-10k.json: a medallion data file (API root `api`, one collection) with the first
  10,000 of those indicators, each with a manifest record, loaded by medallion's memory
  backend and imported into Phalanx with `phalanx import medallion`, so that both servers
  hold the same objects with the same date_added;
- ids-1m.txt, ids-10k.txt: the object ids, one a line, for the random reads;
- envelopes/NNNN.json: TAXII envelopes of 1,000 new indicators each, for the POST runs.

Indicators are deterministic (ids from their number), so runs are comparable.
"""

import argparse
import json
import os
import random

COLLECTION_ID = "2f5b6a1c-9d4e-4c3b-8a7f-6e5d4c3b2a19"


def indicator(n, rng):
    kind = n % 3
    if kind == 0:
        pattern = f"[domain-name:value = 'c2-{n}.bench.example']"
    elif kind == 1:
        pattern = f"[ipv4-addr:value = '10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}']"
    else:
        pattern = f"[file:hashes.'SHA-256' = '{rng.getrandbits(256):064x}']"
    return {
        "type": "indicator",
        "spec_version": "2.1",
        "id": f"indicator--00000000-0000-4000-8000-{n:012x}",
        "created": "2024-01-01T00:00:00.000Z",
        "modified": "2024-01-01T00:00:00.000Z",
        "name": f"benchmark indicator {n}",
        "description": "Generated for the TAXII benchmark of Phalanx and medallion.",
        "indicator_types": ["malicious-activity"],
        "pattern": pattern,
        "pattern_type": "stix",
        "valid_from": "2024-01-01T00:00:00Z",
        "labels": ["benchmark"],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out")
    parser.add_argument("--objects", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--envelopes", type=int, default=400)
    parser.add_argument("--envelope-size", type=int, default=1000)
    args = parser.parse_args()
    os.makedirs(os.path.join(args.out, "envelopes"), exist_ok=True)
    rng = random.Random(20261121)

    with open(os.path.join(args.out, "bundle-1m.json"), "w") as bundle, open(
        os.path.join(args.out, "ids-1m.txt"), "w"
    ) as ids:
        bundle.write('{"type":"bundle","id":"bundle--6f1d3c2b-0a9e-4d8c-b7a6-5e4d3c2b1a09","objects":[')
        for n in range(args.objects):
            obj = indicator(n, rng)
            if n:
                bundle.write(",")
            bundle.write(json.dumps(obj, separators=(",", ":")))
            ids.write(obj["id"] + "\n")
        bundle.write("]}")

    rng = random.Random(20261121)
    small = [indicator(n, rng) for n in range(args.small)]
    # One date_added per object, a millisecond apart, as medallion would have given them.
    manifest = [
        {
            "id": obj["id"],
            "date_added": f"2024-02-01T{n // 3_600_000 % 24:02d}:{n // 60_000 % 60:02d}:{n // 1000 % 60:02d}.{n % 1000:03d}000Z",
            "version": obj["modified"],
            "media_type": "application/stix+json;version=2.1",
        }
        for n, obj in enumerate(small)
    ]
    data = {
        "/discovery": {
            "title": "medallion benchmark",
            "default": "http://127.0.0.1/api/",
            "api_roots": ["http://127.0.0.1/api/"],
        },
        "api": {
            "information": {
                "title": "Benchmark API root",
                "versions": ["application/taxii+json;version=2.1"],
                "max_content_length": 104857600,
            },
            "status": [],
            "collections": [
                {
                    "id": COLLECTION_ID,
                    "title": "Benchmark indicators",
                    "can_read": True,
                    "can_write": True,
                    "media_types": ["application/stix+json;version=2.1"],
                    "objects": small,
                    "manifest": manifest,
                }
            ],
        },
    }
    with open(os.path.join(args.out, "medallion-10k.json"), "w") as out:
        json.dump(data, out, separators=(",", ":"))
    with open(os.path.join(args.out, "ids-10k.txt"), "w") as ids:
        ids.writelines(obj["id"] + "\n" for obj in small)

    base = 10 * args.objects
    for e in range(args.envelopes):
        objects = [indicator(base + e * args.envelope_size + i, rng) for i in range(args.envelope_size)]
        with open(os.path.join(args.out, "envelopes", f"{e:04d}.json"), "w") as out:
            json.dump({"objects": objects}, out, separators=(",", ":"))


if __name__ == "__main__":
    main()
