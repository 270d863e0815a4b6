#!/usr/bin/env python3
"""Compares Phalanx's MISP importer with MISP's own converter, misp-stix, on MISP's sample
events (crates/export/testdata/misp/events, from misp-stix's tests).

For every event, both convert it to STIX 2.1; the indicators are matched by id (both name an
indicator after the attribute or object it comes from) and their patterns compared:

  same           identical pattern type and text
  same-terms     the same comparisons, in another order
  differs        another pattern: the reason must be one of KNOWN_DIFFERENCES
  only-misp-stix an indicator misp-stix makes and Phalanx does not
  only-phalanx   an indicator Phalanx makes and misp-stix does not

Each pattern is also checked with the OASIS pattern validator (stix2-patterns), which backs
several of the explanations. The results go to docs/misp-mapping.md (with --write); the
script exits non-zero when a difference has no explanation.

Usage: compare.py IMPORT_BINARY [--write docs/misp-mapping.md]
  IMPORT_BINARY is `target/release/examples/import` (cargo build -p export --example import).
"""

import argparse
import collections
import glob
import json
import os
import subprocess
import sys

from misp_stix_converter import MISPtoSTIX21Parser
from stix2patterns.pattern import Pattern
from stix2patterns.validator import run_validator

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
EVENTS = os.path.join(ROOT, "crates", "export", "testdata", "misp", "events")

# Why Phalanx's pattern differs, by MISP attribute type or object name (the `misp:type` or
# `misp:name` label of the indicator).
KNOWN_DIFFERENCES = {
    "hostname|port": "misp-stix joins a domain-name and a network-traffic comparison with AND in one observation expression, whose comparisons all apply to one object, and writes the port as a string: the OASIS stix2-matcher never matches it, even on traffic to that name and port. Phalanx matches network traffic to the host name and port (an integer), which stix2-matcher matches.",
    "ip-src|port": "misp-stix writes the port as a string ('1234'); ports are integers in STIX, and the OASIS stix2-matcher never matches a string against them. Phalanx writes an integer.",
    "ip-dst|port": "misp-stix writes the port as a string ('5678'); ports are integers in STIX, and the OASIS stix2-matcher never matches a string against them. Phalanx writes an integer.",
    "AS": "misp-stix writes the AS number as a string ('174'); `number` is an integer in STIX and the OASIS stix2-matcher never matches a string against it. Phalanx writes an integer.",
    "port": "misp-stix writes the port as a string; ports are integers in STIX and the OASIS stix2-matcher never matches a string against them. Phalanx writes an integer.",
    "size-in-bytes": "misp-stix writes the size as a string; `size` is an integer in STIX and the OASIS stix2-matcher never matches a string against it. Phalanx writes an integer.",
    "regkey|value": "misp-stix writes `values.data` (values is a list, so the path needs `[*]`) and escapes '%' as if in a LIKE pattern, which changes the value under `=`; Phalanx writes `values[*].data` and the value as it is.",
    "email-header": "misp-stix compares `received_lines` (a list) as a single string; Phalanx writes `received_lines[*]`.",
    "sha512/224": "misp-stix names the hash 'SHA-224', another algorithm; Phalanx names it 'SHA-512/224'.",
    "sha512/256": "misp-stix names the hash 'SHA-256', another algorithm; Phalanx names it 'SHA-512/256'.",
    "filename|sha512/224": "misp-stix names the hash 'SHA-224', another algorithm; Phalanx names it 'SHA-512/224'.",
    "filename|sha512/256": "misp-stix names the hash 'SHA-256', another algorithm; Phalanx names it 'SHA-512/256'.",
    "snort": "misp-stix wraps the rule in square brackets, which makes it an invalid Snort rule; Phalanx keeps the rule as written.",
    "suricata": "misp-stix wraps the rule in square brackets, which makes it an invalid Suricata rule; Phalanx keeps the rule as written.",
    "yara": "misp-stix wraps the rule in square brackets, which makes it an invalid YARA rule; Phalanx keeps the rule as written.",
    "sigma": "misp-stix wraps the rule in square brackets, which makes it invalid YAML for Sigma; Phalanx keeps the rule as written.",
    "malware-sample": "misp-stix puts the sample itself (base64 of the zip) in the pattern; Phalanx matches the file name and MD5 the attribute names, and does not put malware in indicators.",
    "attachment": "misp-stix puts the attached file's content in the pattern; Phalanx matches its name only.",
    "url": "For the url object misp-stix adds x_misp_domain, x_misp_host and x_misp_ip comparisons on custom properties no URL observation has, so the pattern can never match; Phalanx keeps the url:value comparison.",
    "ip-port": "misp-stix requires dst_ref to be an ipv4-addr and a domain-name at once, which no observation satisfies; Phalanx matches traffic to the address or to the name (OR).",
    "domain-ip": "misp-stix adds an x_misp_hostname comparison (for the object's hostname relation) on a custom property no domain-name observation carries, so the pattern can never match; Phalanx matches the domain and its addresses.",
    "mac-address": "The value is written '12:34:56:78:90:AB' with quotes; PyMISP drops the quotes before misp-stix converts it, Phalanx refuses a value that is not a MAC address.",
    "file": "misp-stix adds comparisons on the attached sample's content (content_ref: payload, mime type, decryption key); Phalanx matches the file's names and hashes only.",
}

# Why an indicator exists on one side only.
KNOWN_ONE_SIDED = {
    "network-connection": "MISP network-connection objects are not imported by Phalanx: misp-stix's pattern requires dst_ref to be an address and a domain name at once (never matches).",
    "network-socket": "MISP network-socket objects are not imported by Phalanx (same conjunction of address and name as network-connection).",
    "domain-ip": "The object's domain ('wrong.circl's.domain') fails MISP's validation: misp-stix drops the whole object, Phalanx leaves the invalid attribute out (with a diagnostic) and keeps the address.",
    "android-app": "MISP android-app objects are not imported by Phalanx (misp-stix's pattern is made of custom x_misp_ properties only).",
    "artifact": "MISP artifact objects are not imported by Phalanx.",
    "netflow": "MISP netflow objects are not imported by Phalanx.",
    "http-request": "MISP http-request objects are not imported by Phalanx.",
    "email": "MISP email objects are not imported by Phalanx (its email attributes are).",
    "lnk": "MISP lnk objects are not imported by Phalanx.",
    "pe": "MISP pe objects are not imported by Phalanx (their file object is).",
    "process": "MISP process objects are not imported by Phalanx.",
    "asn": "MISP asn objects are not imported by Phalanx.",
    "credential": "MISP credential objects are not imported by Phalanx.",
    "user-account": "MISP user-account objects are not imported by Phalanx.",
    "image": "MISP image objects are not imported by Phalanx.",
    "hashlookup": "MISP hashlookup objects are not imported by Phalanx.",
    "mutex": "misp-stix makes an indicator of a mutex object whose attributes are not for IDS in MISP's defaults only when one is flagged; Phalanx imports mutex attributes, not mutex objects.",
    "sigma": "Pattern-language objects (sigma, yara, suricata, ...) are not imported by Phalanx; their attributes are.",
    "yara": "Pattern-language objects are not imported by Phalanx; their attributes are.",
    "suricata": "Pattern-language objects are not imported by Phalanx; their attributes are.",
    "owasp-crs-rule": "Pattern-language objects are not imported by Phalanx.",
    "nova-rule": "Pattern-language objects are not imported by Phalanx.",
    "wazuh-rule": "Pattern-language objects are not imported by Phalanx.",
}


def misp_stix_indicators(event):
    parser = MISPtoSTIX21Parser()
    parser.parse_misp_event(event)
    found = {}
    for obj in parser.bundle.objects:
        if obj.type == "indicator":
            found[obj.id] = (obj.pattern_type, obj.pattern, misp_kind(obj.get("labels", [])))
    return found


def phalanx_indicators(binary, path):
    run = subprocess.run([binary, "misp", path], capture_output=True, text=True, check=True)
    bundle = json.loads(run.stdout)
    found = {}
    for obj in bundle.get("objects", []):
        if obj["type"] == "indicator":
            found[obj["id"]] = (obj["pattern_type"], obj["pattern"], misp_kind(obj.get("labels", [])))
    return found, run.stderr.strip().splitlines()


def misp_kind(labels):
    for label in labels:
        for prefix in ('misp:type="', 'misp:name="'):
            if label.startswith(prefix):
                return label[len(prefix):-1]
    return "?"


def terms(pattern):
    try:
        inspected = Pattern(pattern).inspect()
    except Exception:
        return None
    return sorted(
        (object_type, repr(path), op, repr(value))
        for object_type, comparisons in inspected.comparisons.items()
        for path, op, value in comparisons
    )


def valid(pattern_type, pattern):
    if pattern_type != "stix":
        return "-"
    errors = run_validator(pattern, stix_version="2.1")
    return "valid" if not errors else "invalid: " + "; ".join(errors)[:120]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--write")
    args = parser.parse_args()
    rows = []
    counts = collections.Counter()
    unexplained = []
    for path in sorted(glob.glob(os.path.join(EVENTS, "*.json"))):
        name = os.path.basename(path)[:-5]
        with open(path) as handle:
            event = json.load(handle)
        theirs = misp_stix_indicators(event)
        ours, _ = phalanx_indicators(args.binary, path)
        for indicator_id in sorted(set(theirs) | set(ours)):
            their = theirs.get(indicator_id)
            our = ours.get(indicator_id)
            kind = (our or their)[2]
            if their and our:
                if their[:2] == our[:2]:
                    verdict, why = "same", ""
                elif their[0] == our[0] == "stix" and terms(their[1]) is not None and terms(their[1]) == terms(our[1]):
                    verdict, why = "same-terms", "the same comparisons in another order"
                else:
                    verdict, why = "differs", KNOWN_DIFFERENCES.get(kind)
            elif their:
                verdict, why = "only-misp-stix", KNOWN_ONE_SIDED.get(kind) or KNOWN_DIFFERENCES.get(kind)
            else:
                verdict, why = "only-phalanx", KNOWN_ONE_SIDED.get(kind)
            counts[verdict] += 1
            if verdict not in ("same", "same-terms") and not why:
                unexplained.append((name, indicator_id, kind, verdict))
            rows.append((name, kind, verdict, their, our, why or "UNEXPLAINED"))
    total = sum(counts.values())
    print(f"{total} indicators over {len(glob.glob(os.path.join(EVENTS, '*.json')))} events: "
          + ", ".join(f"{verdict} {n}" for verdict, n in sorted(counts.items())))
    for item in unexplained:
        print("unexplained:", *item)
    if args.write:
        write_report(args.write, rows, counts, total)
    return 1 if unexplained else 0


def cell(side):
    if side is None:
        return "—"
    text = " ".join(side[1][:140].split()).replace("|", "\\|")
    return f"`{side[0]}`: `{text}` ({valid(side[0], side[1])})"


def write_report(path, rows, counts, total):
    import misp_stix_converter
    import importlib.metadata as metadata
    lines = [
        "# MISP import compared with misp-stix",
        "",
        "Generated by `bench/misp-interop/compare.py`; do not edit by hand.",
        f"misp-stix {metadata.version('misp-stix')}, stix2-patterns {metadata.version('stix2-patterns')}; "
        "events: `crates/export/testdata/misp/events` (MISP's sample events from misp-stix's tests).",
        "",
        "Both converters turn each event into STIX 2.1; indicators are matched by id (both name an indicator after its MISP attribute or object).",
        "Reproduce: `cargo build -p export --example import && python bench/misp-interop/compare.py target/debug/examples/import --write docs/misp-mapping.md` (in the peers venv; `.ci/steps/70-exports.sh` runs it and fails on any unexplained difference).",
        "",
        "## Differences beyond patterns",
        "",
        "These apply to every event and are by design:",
        "",
        "- **Markings.** misp-stix marks an object with the `tlp:` tags of its own attribute only, and the event's on the grouping; Phalanx marks every object with the most restrictive of the event's, the object's and the attribute's TLP tags (an untagged attribute of a TLP:RED event stays TLP:RED), else the level chosen for the import. TLP 1.0 tags (`tlp:white`) become TLP 2.0 markings (`TLP:CLEAR`).",
        "- **Observed data.** misp-stix writes every attribute as observed-data with its observables, plus an indicator and a `based-on` relationship when it is for IDS; Phalanx writes the indicator alone for IDS attributes, and observed-data (with deterministic observable ids, which misp-stix does not use) only for attributes not for IDS that have a simple observable form.",
        "- **Invalid values.** Values MISP would refuse for their type (a domain with a quote, a hash of the wrong length) are skipped with a diagnostic by both; inside an object, misp-stix drops the object, Phalanx drops the attribute.",
        "- **Not imported.** Galaxies, event reports, sightings, attributes without a STIX pattern (targets, financial data, whois, ...) and MISP object templates other than `file`, `url`, `domain-ip`, `ip-port`, `x509` and `registry-key` are listed as diagnostics (misp-stix maps many of them to other SDOs or to custom `x-misp-*` objects).",
        "- **Labels.** Phalanx keeps `Threat-Report` and the event's tags as the grouping's labels but not misp-stix's `misp:tool=\"MISP-STIX-Converter\"`.",
        "",
        "## Indicators",
        "",
        "| verdict | indicators |",
        "|---|---|",
    ]
    for verdict, n in sorted(counts.items()):
        lines.append(f"| {verdict} | {n} |")
    lines += [f"| total | {total} |", "", "## Differences", "",
              "Every indicator whose pattern is not the same, with the reason.", "",
              "| event | MISP type or object | verdict | misp-stix pattern (validator) | Phalanx pattern (validator) | why |",
              "|---|---|---|---|---|---|"]
    for name, kind, verdict, their, our, why in rows:
        if verdict in ("same", "same-terms"):
            continue
        lines.append(f"| {name} | {kind} | {verdict} | {cell(their)} | {cell(our)} | {why} |")
    lines += ["", "## Same patterns", "", "| event | MISP type or object | verdict |", "|---|---|---|"]
    for name, kind, verdict, their, our, why in rows:
        if verdict in ("same", "same-terms"):
            lines.append(f"| {name} | {kind} | {verdict} |")
    with open(path, "w") as handle:
        handle.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
