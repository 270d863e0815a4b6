#!/usr/bin/env python3
"""Puts the findings of `phalanx extract --json` and of the peers side by side: distinct values
per type for each tool, and a sample of the values one tool found and the other did not.

    compare.py PHALANX.json OUT_DIR [SAMPLE]
"""
import json
import sys


def main():
    ours_path, out_dir = sys.argv[1], sys.argv[2]
    sample = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    ours = {}
    for line in open(ours_path, encoding="utf-8"):
        for finding in json.loads(line)["findings"]:
            ours.setdefault(finding["type"], set()).add(finding["value"])
    peers = {}
    for tool in ("ioc-finder", "iocextract"):
        try:
            values = json.load(open(f"{out_dir}/{tool}.values.json", encoding="utf-8"))
        except FileNotFoundError:
            values = {}
        peers[tool] = {k: set(v) for k, v in values.items()}
    kinds = sorted(set(ours) | {k for p in peers.values() for k in p})
    print("| type | phalanx | ioc-finder | iocextract |")
    print("|---|---:|---:|---:|")
    for kind in kinds:
        counts = [len(ours.get(kind, ())), len(peers["ioc-finder"].get(kind, ())), len(peers["iocextract"].get(kind, ()))]
        print(f"| {kind} | " + " | ".join(str(c) if c else "-" for c in counts) + " |")
    print()
    for tool in ("ioc-finder", "iocextract"):
        for kind in ("urls", "domains", "ipv4s", "emails", "md5s", "sha256s", "cves", "file_paths", "registry_key_paths"):
            theirs = peers[tool].get(kind, set())
            mine = ours.get(kind, set())
            if not theirs:
                continue
            only_theirs = sorted(theirs - mine)[:sample]
            only_ours = sorted(mine - theirs)[:sample]
            print(f"- {kind}, only {tool} ({len(theirs - mine)}): " + ", ".join(f"`{v[:80]}`" for v in only_theirs))
            print(f"- {kind}, only phalanx vs {tool} ({len(mine - theirs)}): " + ", ".join(f"`{v[:80]}`" for v in only_ours))


if __name__ == "__main__":
    main()
