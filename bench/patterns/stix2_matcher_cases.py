"""Replays pattern test cases with the OASIS stix2-matcher, the way `phalanx pattern test` does.

Reads JSON lines with "pattern", "observed_data" and optionally "stix_version" (default 2.1),
and prints one answer per line: {"matched": true|false} or {"error": "..."}.
Usage: python stix2_matcher_cases.py CASES.jsonl > answers.jsonl
"""

import json
import sys

from stix2matcher.matcher import match


def main(path):
    out = sys.stdout
    with open(path, encoding="utf-8") as cases:
        for line in cases:
            if not line.strip():
                continue
            case = json.loads(line)
            try:
                matched = bool(match(case["pattern"], case["observed_data"],
                                     stix_version=case.get("stix_version") or "2.1"))
                answer = {"matched": matched}
            except Exception as error:  # the matcher raises several exception types
                answer = {"error": f"{type(error).__name__}: {error}"}
            out.write(json.dumps(answer) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
