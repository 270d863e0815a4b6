#!/usr/bin/env python3
"""Writes the extraction benchmark corpus: the descriptions of every object of ATT&CK
Enterprise 18.1 and the texts of the TRAM reports (train and dev), documents separated by a
blank line.

    make_corpus.py SHARED_DIR OUT.txt
"""
import json
import sys


def main():
    shared, out_path = sys.argv[1], sys.argv[2]
    n_docs = 0
    with open(out_path, "w", encoding="utf-8") as out:
        bundle = json.load(open(f"{shared}/data/attack/enterprise-attack-18.1.json", encoding="utf-8"))
        for obj in bundle["objects"]:
            description = obj.get("description")
            if description:
                out.write(description.replace("\n\n", "\n") + "\n\n")
                n_docs += 1
        for name in ("reports_train.jsonl", "reports_dev.jsonl"):
            for line in open(f"{shared}/data/tram/{name}", encoding="utf-8"):
                out.write(json.loads(line)["text"].replace("\n\n", "\n") + "\n\n")
                n_docs += 1
    print(n_docs)


if __name__ == "__main__":
    main()
