#!/usr/bin/env python3
"""Runs the peers on the IOC conformance cases they wrote, so that their pass rates are
measured with the same comparison as ours (crates/extract/examples/ioc_conformance.rs).

    peers_cases.py CASES.jsonl > peers.jsonl

Writes one line per case: {"id", "tool", "output": {type: [values]}} with the peer's raw
output, as the case's options ask (ioc-finder's find_iocs keyword options; iocextract's
function and refang flag). iocsearcher is not among the peers installed here: its cases get
no line. Run it with the peers virtualenv (.ci/lib.sh peers_venv).
"""
import json
import sys

import ioc_finder
import iocextract

IOC_FINDER_OPTIONS = {
    "included_ioc_types",
    "parse_domain_from_url",
    "parse_from_url_path",
    "parse_urls_without_scheme",
    "parse_domain_from_email_address",
    "parse_domain_name_from_xmpp_address",
    "parse_address_from_cidr",
}

# The name each iocextract function's output has in the cases.
IOCEXTRACT_TYPES = {
    "extract_urls": "urls",
    "extract_encoded_urls": "urls",
    "extract_emails": "emails",
    "extract_ipv4s": "ipv4s",
    "extract_ipv6s": "ipv6s",
    "extract_ips": "ips",
    "extract_md5_hashes": "md5s",
    "extract_sha1_hashes": "sha1s",
    "extract_sha256_hashes": "sha256s",
    "extract_sha512_hashes": "sha512s",
    "extract_hashes": "hashes",
    "extract_yara_rules": "yara_rules",
    "extract_telephone_nums": "phone_numbers",
    "extract_iocs": "any",
}


# The cases name e-mail types as the ioc-finder test suite does.
IOC_FINDER_NAMES = {
    "email_addresses": "emails",
    "email_addresses_complete": "emails_complete",
}


def run_ioc_finder(case):
    options = {k: v for k, v in case["options"].items() if k in IOC_FINDER_OPTIONS}
    # ioc-finder 9 looks for a few types by default; its test suite (where the cases come
    # from) asks for all of them unless a case names some.
    options.setdefault("included_ioc_types", ioc_finder.SUPPORTED_IOC_TYPES)
    result = ioc_finder.find_iocs(case["text"], **options)
    return {IOC_FINDER_NAMES.get(kind, kind): values for kind, values in result.items()}


def run_iocextract(case):
    options = case["options"]
    function = options.get("iocextract_function", "extract_iocs")
    kwargs = {}
    if options.get("refang"):
        kwargs["refang"] = True
    if function == "extract_telephone_nums":
        values = list(iocextract.extract_telephone_nums(case["text"]))
    else:
        values = list(getattr(iocextract, function)(case["text"], **kwargs))
    return {IOCEXTRACT_TYPES[function]: values}


def main():
    for line in open(sys.argv[1], encoding="utf-8"):
        case = json.loads(line)
        tool = case["tool"].split(" ")[0]
        try:
            if tool == "ioc-finder":
                output = run_ioc_finder(case)
            elif tool == "iocextract":
                output = run_iocextract(case)
            else:
                continue
        except Exception as error:  # a peer crash counts as empty output, and is reported
            print(f"{case['id']}: {tool} failed: {error!r}", file=sys.stderr)
            output = {}
        print(json.dumps({"id": case["id"], "tool": tool, "output": output}, default=list))


if __name__ == "__main__":
    main()
