#!/usr/bin/env python3
"""Times ioc-finder and iocextract on the benchmark corpus, one document at a time (documents are
separated by a blank line), and writes their findings per type.

    peers_bench.py CORPUS.txt OUT_DIR [TOOL...]

Prints one JSON line per tool: {"tool", "version", "bytes", "cpu_seconds", "mb_per_s",
"counts": {type: n}} and writes OUT_DIR/<tool>.values.json ({type: [distinct values]}).
Only the extraction calls are timed (process CPU time): imports and reading are not.
"""
import collections
import importlib.metadata
import json
import sys
import time

import ioc_finder
import iocextract

# iocextract's functions and the type names of ioc-finder (and of `phalanx extract`).
IOCEXTRACT = {
    "urls": iocextract.extract_urls,
    "emails": iocextract.extract_emails,
    "ipv4s": iocextract.extract_ipv4s,
    "ipv6s": iocextract.extract_ipv6s,
    "md5s": iocextract.extract_md5_hashes,
    "sha1s": iocextract.extract_sha1_hashes,
    "sha256s": iocextract.extract_sha256_hashes,
    "sha512s": iocextract.extract_sha512_hashes,
    "yara_rules": iocextract.extract_yara_rules,
}


def flatten(values):
    if isinstance(values, dict):
        return [v for inner in values.values() for v in inner]
    return list(values)


def run_ioc_finder(docs):
    values = collections.defaultdict(set)
    started = time.process_time()
    for doc in docs:
        result = ioc_finder.find_iocs(doc, included_ioc_types=ioc_finder.SUPPORTED_IOC_TYPES)
        for kind, found in result.items():
            name = {"email_addresses": "emails", "email_addresses_complete": "emails_complete"}.get(kind, kind)
            values[name].update(flatten(found))
    return time.process_time() - started, values


def run_iocextract(docs):
    values = collections.defaultdict(set)
    started = time.process_time()
    for doc in docs:
        for kind, function in IOCEXTRACT.items():
            values[kind].update(function(doc, refang=True) if kind in ("urls", "emails", "ipv4s") else function(doc))
    return time.process_time() - started, values


def main():
    corpus, out_dir = sys.argv[1], sys.argv[2]
    text = open(corpus, encoding="utf-8").read()
    docs = [doc for doc in text.split("\n\n") if doc.strip()]
    n_bytes = sum(len(doc.encode("utf-8")) for doc in docs)
    only = set(sys.argv[3:])
    for tool, runner in (("ioc-finder", run_ioc_finder), ("iocextract", run_iocextract)):
        if only and tool not in only:
            continue
        cpu, values = runner(docs)
        with open(f"{out_dir}/{tool}.values.json", "w", encoding="utf-8") as out:
            json.dump({kind: sorted(found) for kind, found in values.items()}, out)
        print(json.dumps({
            "tool": tool,
            "version": importlib.metadata.version(tool),
            "documents": len(docs),
            "bytes": n_bytes,
            "cpu_seconds": round(cpu, 3),
            "mb_per_s": round(n_bytes / cpu / 1e6, 3),
            "counts": {kind: len(found) for kind, found in sorted(values.items()) if found},
        }))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
