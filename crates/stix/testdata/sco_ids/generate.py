#!/usr/bin/env python3
"""Generates sco_ids.jsonl: observables built by the OASIS `stix2` library (3.0.2), each with
the deterministic id the library computed for it (STIX 2.1 section 2.9).

Run once with the peers virtualenv:

    python generate.py > sco_ids.jsonl

The values are made up by this script from a seeded random generator, so the file is the
same on every run. Each line is {"object": <the serialized observable>} whose "id" the Rust
test recomputes from the other properties.
"""
import json
import random

import stix2

rng = random.Random(20261121)


def word(n=8):
    letters = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(rng.choice(letters) for _ in range(n))


def hexstr(n):
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def unicode_word():
    return rng.choice(["déjà-vu", "日本語", "naïve", "Ωmega", "emoji-😀", "tab\tquote\"back\\slash", "ﬁle"])


def ref(kind):
    return stix2.v21.IPv4Address(value="198.51.100.%d" % rng.randrange(256)).id if kind == "ipv4-addr" else None


def hashes():
    choice = rng.randrange(6)
    if choice == 0:
        return {"MD5": hexstr(32)}
    if choice == 1:
        return {"SHA-256": hexstr(64), "MD5": hexstr(32)}
    if choice == 2:
        return {"SHA-1": hexstr(40), "SHA-512": hexstr(128)}
    if choice == 3:
        return {"SHA-512": hexstr(128)}
    if choice == 4:
        return {"SHA-256": hexstr(64)}
    return {"SHA3-256": hexstr(64)}


def objects():
    for _ in range(12):
        yield stix2.v21.IPv4Address(value="%d.%d.%d.%d" % tuple(rng.randrange(256) for _ in range(4)))
        yield stix2.v21.IPv6Address(value="2001:db8::%x" % rng.randrange(65536))
        yield stix2.v21.DomainName(value=word() + ".example")
        yield stix2.v21.URL(value="https://%s.example/%s?q=%s" % (word(), word(4), unicode_word()))
        yield stix2.v21.EmailAddress(value="%s@%s.example" % (word(5), word(6)))
        yield stix2.v21.MACAddress(value=":".join(hexstr(2) for _ in range(6)))
        yield stix2.v21.Mutex(name=unicode_word() + word(3))
        yield stix2.v21.AutonomousSystem(number=rng.randrange(1, 4_000_000_000))
        yield stix2.v21.Directory(path="C:\\Users\\%s\\%s" % (word(5), unicode_word()))
        yield stix2.v21.File(name=word() + ".exe", hashes=hashes())
        yield stix2.v21.File(hashes=hashes())
        yield stix2.v21.File(name=unicode_word() + ".txt")
        directory = stix2.v21.Directory(path="/tmp/" + word())
        yield stix2.v21.File(name=word() + ".zip", parent_directory_ref=directory.id,
                             extensions={"archive-ext": {"contains_refs": [stix2.v21.File(name="a").id]}})
        yield stix2.v21.Software(name=word(), vendor=word(5), version="%d.%d" % (rng.randrange(10), rng.randrange(10)))
        yield stix2.v21.Software(name=word(), cpe="cpe:2.3:a:%s:%s:1.0:*:*:*:*:*:*:*" % (word(4), word(4)))
        yield stix2.v21.UserAccount(user_id=str(rng.randrange(100000)), account_login=word(6))
        yield stix2.v21.UserAccount(account_type="unix", user_id=word(4))
        yield stix2.v21.WindowsRegistryKey(key="HKEY_LOCAL_MACHINE\\Software\\" + word())
        yield stix2.v21.WindowsRegistryKey(
            key="HKEY_CURRENT_USER\\" + word(),
            values=[{"name": word(4), "data": word(6), "data_type": "REG_SZ"}],
        )
        yield stix2.v21.X509Certificate(serial_number=":".join(hexstr(2) for _ in range(8)))
        yield stix2.v21.X509Certificate(hashes=hashes(), serial_number=hexstr(10))
        yield stix2.v21.Artifact(payload_bin="aGVsbG8gd29ybGQ=", mime_type="text/plain")
        yield stix2.v21.Artifact(url="https://%s.example/a.bin" % word(), hashes=hashes())
        sender = stix2.v21.EmailAddress(value=word(4) + "@example.com")
        yield stix2.v21.EmailMessage(is_multipart=False, from_ref=sender.id, subject=unicode_word(), body=word(20))
        yield stix2.v21.EmailMessage(is_multipart=False, subject="Re: " + word())
        src = stix2.v21.IPv4Address(value="203.0.113.%d" % rng.randrange(256))
        dst = stix2.v21.DomainName(value=word() + ".example")
        yield stix2.v21.NetworkTraffic(src_ref=src.id, dst_ref=dst.id, src_port=rng.randrange(65536),
                                       dst_port=443, protocols=["ipv4", "tcp", "tls"])
        yield stix2.v21.NetworkTraffic(src_ref=src.id, protocols=["ipv4", "udp"],
                                       start="2024-03-0%dT12:00:00.123Z" % rng.randrange(1, 9),
                                       extensions={"socket-ext": {"address_family": "AF_INET", "is_listening": True}})


def main():
    for observable in objects():
        print(json.dumps({"object": json.loads(observable.serialize())}, sort_keys=True, ensure_ascii=False))


if __name__ == "__main__":
    main()
