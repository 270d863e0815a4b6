#!/usr/bin/env python3
"""Drives the OASIS TAXII 2.1 client (taxii2-client, unchanged) against a running Phalanx node.

Every operation the client offers is used and its answer checked: discovery, API root
information, collections (as seen by each principal), add objects with status polling,
paging with as_pages, every filter, manifest, versions, get and delete one object. The error
cases of the specification are then sent as real HTTP requests (406, 415, 401, 403/404, 413,
422), each must answer with a TAXII error message, and none may store anything. Every object
the server returns is checked with the OASIS stix2-validator.

Run by .ci/steps/50-taxii-interop.sh, which creates the participants, users, tokens and
collections named in the arguments and starts `phalanx serve`.
"""

import argparse
import json
import sys
import uuid

import requests
from stix2validator import ValidationOptions, validate_instance
from taxii2client.v21 import ApiRoot, Collection, Server, as_pages

TAXII = "application/taxii+json;version=2.1"


class Bearer(requests.auth.AuthBase):
    """HTTP Bearer authentication, handed to the client through its `auth` parameter."""

    def __init__(self, token):
        self.token = token

    def __call__(self, request):
        request.headers["Authorization"] = "Bearer " + self.token
        return request


class Checks:
    """Counts checks and remembers failures, so that one run reports every problem."""

    def __init__(self):
        self.n_checks = 0
        self.failures = []

    def that(self, condition, what):
        self.n_checks += 1
        if not condition:
            self.failures.append(what)
            print("FAIL: " + what)
        return condition

    def equal(self, actual, expected, what):
        return self.that(actual == expected, f"{what}: expected {expected!r}, got {actual!r}")


def indicator(n, modified="2024-01-01T00:00:00.000Z", object_id=None):
    return {
        "type": "indicator",
        "spec_version": "2.1",
        "id": object_id or f"indicator--{uuid.uuid4()}",
        "created": "2024-01-01T00:00:00.000Z",
        "modified": modified,
        "name": f"interop indicator {n}",
        "indicator_types": ["malicious-activity"],
        "pattern": f"[domain-name:value = 'host{n}.interop.example']",
        "pattern_type": "stix",
        "valid_from": "2024-01-01T00:00:00Z",
    }


def malware():
    return {
        "type": "malware",
        "spec_version": "2.1",
        "id": f"malware--{uuid.uuid4()}",
        "created": "2024-01-01T00:00:00.000Z",
        "modified": "2024-01-01T00:00:00.000Z",
        "name": "interop malware",
        "is_family": True,
    }


def same_instant(left, right):
    """Compares two STIX timestamps as instants (precision may differ)."""

    def micros(text):
        text = text.rstrip("Z")
        whole, _, fraction = text.partition(".")
        return whole, (fraction + "000000")[:6]

    return micros(left) == micros(right)


def validate_objects(checks, objects, what):
    options = ValidationOptions(version="2.1")
    for obj in objects:
        result = validate_instance(obj, options)
        checks.that(
            result.is_valid,
            f"{what}: stix2-validator refuses {obj.get('id')}: "
            + "; ".join(str(error) for error in result.errors),
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True, help="the discovery URL (.../taxii2/)")
    parser.add_argument("--writer-token", required=True, help="analyst of participant A")
    parser.add_argument("--writer-user", required=True)
    parser.add_argument("--writer-password", required=True)
    parser.add_argument("--reader-token", required=True, help="reader of participant B")
    parser.add_argument("--outsider-token", required=True, help="analyst of participant C")
    parser.add_argument("--collection", required=True, help="read A,B; write A")
    parser.add_argument("--drop-box", required=True, help="write A only")
    parser.add_argument("--title", required=True)
    parser.add_argument("--max-content-length", type=int, required=True)
    args = parser.parse_args()
    checks = Checks()
    writer = Bearer(args.writer_token)

    # --- discovery and API root ---
    server = Server(args.url, auth=writer)
    checks.equal(server.title, args.title, "discovery title")
    checks.that(len(server.api_roots) >= 1, "discovery lists API roots")
    api_root = server.default
    checks.that(api_root is not None, "discovery names a default API root")
    checks.that(api_root.url.endswith("/taxii2/default/"), f"default API root URL {api_root.url}")
    checks.equal(api_root.versions, [TAXII], "API root versions")
    checks.equal(api_root.max_content_length, args.max_content_length, "max_content_length")
    basic = Server(args.url, user=args.writer_user, password=args.writer_password)
    checks.equal(basic.title, args.title, "discovery with HTTP Basic")

    # --- collections as each principal sees them ---
    seen = {c.id: c for c in api_root.collections}
    checks.that(args.collection in seen, "the writer sees the shared collection")
    checks.that(args.drop_box in seen, "the writer sees its drop box")
    if args.collection in seen:
        checks.equal((seen[args.collection].can_read, seen[args.collection].can_write), (True, True), "writer's rights on the shared collection")
    if args.drop_box in seen:
        checks.equal((seen[args.drop_box].can_read, seen[args.drop_box].can_write), (False, True), "writer's rights on the drop box")
    reader_root = ApiRoot(api_root.url, auth=Bearer(args.reader_token))
    reader_seen = {c.id: c for c in reader_root.collections}
    checks.equal(sorted(reader_seen), [args.collection], "the reader sees only the shared collection")
    if args.collection in reader_seen:
        checks.equal((reader_seen[args.collection].can_read, reader_seen[args.collection].can_write), (True, False), "reader's rights")
    outsider_root = ApiRoot(api_root.url, auth=Bearer(args.outsider_token))
    checks.equal(outsider_root.collections, [], "the outsider sees no collection")

    collection = Collection(f"{api_root.url}collections/{args.collection}/", auth=writer)
    checks.equal(collection.id, args.collection, "collection id")
    checks.equal(collection.media_types, ["application/stix+json;version=2.1"], "collection media types")

    # --- add objects: a large envelope goes to the background, the status is polled ---
    versioned_id = f"indicator--{uuid.uuid4()}"
    versions = ["2024-01-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z", "2024-03-01T00:00:00.000Z"]
    bulk = [indicator(n) for n in range(250)]
    the_malware = malware()
    relationship = {
        "type": "relationship",
        "spec_version": "2.1",
        "id": f"relationship--{uuid.uuid4()}",
        "created": "2024-01-01T00:00:00.000Z",
        "modified": "2024-01-01T00:00:00.000Z",
        "relationship_type": "indicates",
        "source_ref": versioned_id,
        "target_ref": the_malware["id"],
    }
    invalid = indicator(999)
    del invalid["pattern_type"]
    first = bulk + [indicator(1000, versions[0], versioned_id), the_malware, relationship, invalid]
    status = collection.add_objects({"objects": first}, wait_for_completion=False)
    checks.equal(status.status, "pending", "a 254-object envelope is processed in the background")
    checks.equal(status.total_count, len(first), "pending status total_count")
    checks.equal(status.pending_count, len(first), "pending status pending_count")
    status.wait_until_final(poll_interval=0.2, timeout=120)
    checks.equal(status.status, "complete", "the status completes")
    checks.equal(status.success_count, len(first) - 1, "successes")
    checks.equal(status.failure_count, 1, "failures")
    checks.equal(status.pending_count, 0, "nothing pending")
    if status.failures:
        failure = status.failures[0]
        checks.equal(failure["id"], invalid["id"], "the invalid object fails alone")
        checks.that(f"$.objects[{len(first) - 1}]" in failure.get("message", ""), f"the failure names the JSON path: {failure}")
    again = reader_root.get_status  # the reader is another participant: it may not read it
    try:
        again(status.id)
        checks.that(False, "another participant reads a status")
    except requests.exceptions.HTTPError as error:
        checks.equal(error.response.status_code, 404, "another participant's status")
    polled = api_root.get_status(status.id)
    checks.equal(polled.success_count, status.success_count, "Get Status through the API root")
    small = collection.add_objects(
        {"objects": [indicator(1001, versions[1], versioned_id), indicator(1002, versions[2], versioned_id)]},
        poll_interval=0.2,
    )
    checks.equal((small.status, small.success_count), ("complete", 2), "a small envelope completes at once")
    again = collection.add_objects({"objects": [the_malware]})
    checks.equal((again.success_count, again.failure_count), (1, 0), "adding a present object again succeeds")

    n_objects = len(bulk) + 3  # last versions: the bulk, the versioned indicator, malware, relationship

    # --- paging with as_pages ---
    pages = list(as_pages(collection.get_objects, per_request=37))
    ids = [obj["id"] for page in pages for obj in page.get("objects", [])]
    checks.equal(len(pages), -(-n_objects // 37), "number of pages of 37")
    checks.equal(len(ids), n_objects, "objects paged")
    checks.equal(len(set(ids)), n_objects, "no object repeated across pages")
    checks.that(all(page.get("more") for page in pages[:-1]) and not pages[-1].get("more"), "more on every page but the last")
    all_objects = [obj for page in pages for obj in page.get("objects", [])]
    validate_objects(checks, all_objects, "objects")
    default_page = collection.get_objects()
    checks.that(default_page.get("more") is True and len(default_page["objects"]) < n_objects, "a request without limit gets the default page size")

    manifest_pages = list(as_pages(collection.get_manifest, per_request=50))
    records = [record for page in manifest_pages for record in page.get("objects", [])]
    checks.equal([record["id"] for record in records], ids, "the manifest lists the objects in the same order")
    dates = [record["date_added"] for record in records]
    checks.that(dates == sorted(dates) and len(set(dates)) == len(dates), "date_added strictly increases")
    checks.that(all(len(date) == len("2024-01-01T00:00:00.000000Z") for date in dates), "date_added has microseconds")
    checks.that(all(record["media_type"] == "application/stix+json;version=2.1" for record in records), "manifest media types")

    # --- every filter ---
    def ids_of(envelope):
        return [obj["id"] for obj in envelope.get("objects", [])]

    checks.equal(ids_of(collection.get_objects(type="malware")), [the_malware["id"]], "match[type]")
    checks.equal(len(ids_of(collection.get_objects(type=["malware", "relationship"]))), 2, "match[type] with two types")
    by_id = collection.get_objects(id=versioned_id)
    checks.that(len(by_id["objects"]) == 1 and same_instant(by_id["objects"][0]["modified"], versions[2]), "match[id] gives the last version")
    checks.that(same_instant(collection.get_objects(id=versioned_id, version="first")["objects"][0]["modified"], versions[0]), "match[version]=first")
    checks.equal(len(collection.get_objects(id=versioned_id, version="all")["objects"]), 3, "match[version]=all")
    checks.equal(len(collection.get_objects(id=versioned_id, version=["first", "last"])["objects"]), 2, "match[version]=first,last")
    at = collection.get_objects(id=versioned_id, version=versions[1])["objects"]
    checks.that(len(at) == 1 and same_instant(at[0]["modified"], versions[1]), "match[version]=<timestamp>")
    checks.equal(len(ids_of(collection.get_objects(spec_version="2.1", limit=1000))), n_objects, "match[spec_version]=2.1")
    checks.equal(collection.get_objects(spec_version="2.0"), {}, "match[spec_version]=2.0 is an empty envelope")
    cut = records[-10]["date_added"]
    after = collection.get_objects(added_after=cut, limit=1000)
    checks.equal(ids_of(after), ids[-9:], "added_after")
    manifest_of_type = collection.get_manifest(type="malware")
    checks.equal([r["id"] for r in manifest_of_type.get("objects", [])], [the_malware["id"]], "manifest with match[type]")

    # --- one object, its versions, delete ---
    one = collection.get_object(versioned_id)
    checks.that(len(one["objects"]) == 1 and same_instant(one["objects"][0]["modified"], versions[2]), "get an object: its last version")
    checks.equal(len(collection.get_object(versioned_id, version="all")["objects"]), 3, "get an object, every version")
    listed = collection.object_versions(versioned_id)
    checks.that(len(listed.get("versions", [])) == 3 and all(same_instant(a, b) for a, b in zip(listed["versions"], versions)), f"object versions: {listed}")
    validate_objects(checks, collection.get_object(versioned_id, version="all")["objects"], "versions")
    collection.delete_object(versioned_id, version=versions[0])
    checks.equal(len(collection.object_versions(versioned_id).get("versions", [])), 2, "delete one version")
    collection.delete_object(versioned_id)
    try:
        collection.get_object(versioned_id)
        checks.that(False, "a deleted object is still served")
    except requests.exceptions.HTTPError as error:
        checks.equal(error.response.status_code, 404, "a deleted object is not found")
    n_objects -= 1

    # --- error cases over HTTP, each with a TAXII error message and nothing stored ---
    objects_url = collection.objects_url
    writer_headers = {"Authorization": "Bearer " + args.writer_token}

    def count():
        return len(ids_of(collection.get_objects(limit=1000)))

    def expect_error(response, status, what):
        checks.equal(response.status_code, status, what)
        checks.equal(response.headers.get("Content-Type"), TAXII, f"{what}: TAXII media type")
        try:
            body = response.json()
        except ValueError:
            checks.that(False, f"{what}: the body is not JSON: {response.text[:200]!r}")
            return
        checks.that(isinstance(body.get("title"), str), f"{what}: error message has a title: {body}")
        checks.equal(body.get("http_status"), str(status), f"{what}: http_status")

    envelope = json.dumps({"objects": [indicator(2000)]})
    stored = count()
    expect_error(requests.get(objects_url, headers={**writer_headers, "Accept": "application/json"}), 406, "wrong Accept")
    expect_error(requests.get(objects_url, headers={**writer_headers, "Accept": "application/taxii+json;version=2.0"}), 406, "TAXII 2.0 Accept")
    expect_error(requests.post(objects_url, data=envelope, headers={**writer_headers, "Accept": TAXII, "Content-Type": "application/json"}), 415, "wrong Content-Type")
    expect_error(requests.get(objects_url, headers={"Accept": TAXII}), 401, "no credentials")
    expect_error(requests.get(objects_url, headers={"Accept": TAXII, "Authorization": "Bearer phx_0000000000000000_forged"}), 401, "bad token")
    expect_error(requests.get(objects_url, headers={"Accept": TAXII}, auth=(args.writer_user, "not the password")), 401, "bad password")
    expect_error(requests.post(objects_url, data=envelope, headers={"Accept": TAXII, "Content-Type": TAXII}), 401, "POST without credentials")
    outsider = {"Authorization": "Bearer " + args.outsider_token, "Accept": TAXII}
    expect_error(requests.get(objects_url, headers=outsider), 404, "no grant: the collection does not exist")
    expect_error(requests.post(objects_url, data=envelope, headers={**outsider, "Content-Type": TAXII}), 404, "no grant: POST")
    reader = {"Authorization": "Bearer " + args.reader_token, "Accept": TAXII}
    expect_error(requests.post(objects_url, data=envelope, headers={**reader, "Content-Type": TAXII}), 403, "a reader may not write")
    drop_box_url = f"{api_root.url}collections/{args.drop_box}/objects/"
    expect_error(requests.get(drop_box_url, headers={**writer_headers, "Accept": TAXII}), 403, "write-only collection: no read")
    expect_error(requests.get(drop_box_url, headers=reader), 404, "the reader has no grant on the drop box")
    too_large = json.dumps({"objects": [indicator(3000)], "padding": "x" * args.max_content_length})
    expect_error(requests.post(objects_url, data=too_large, headers={**writer_headers, "Accept": TAXII, "Content-Type": TAXII}), 413, "oversized body")
    for body, what in [
        ("[1, 2]", "a list is not an envelope"),
        ('{"objects": "indicator"}', "objects is not a list"),
        ('{"objects": [{"type": "indicator"}]}', "an object without id"),
    ]:
        expect_error(requests.post(objects_url, data=body, headers={**writer_headers, "Accept": TAXII, "Content-Type": TAXII}), 422, what)
    expect_error(requests.post(objects_url, data='{"objects": [', headers={**writer_headers, "Accept": TAXII, "Content-Type": TAXII}), 400, "not JSON")
    expect_error(requests.get(objects_url + "?limit=-1", headers={**writer_headers, "Accept": TAXII}), 400, "bad limit")
    expect_error(requests.get(objects_url.rstrip("/"), headers={**writer_headers, "Accept": TAXII}), 404, "URL without its trailing slash")
    checks.equal(count(), stored, "nothing was stored by the refused requests")

    print(f"taxii interop: {checks.n_checks} checks, {len(checks.failures)} failed")
    return 1 if checks.failures else 0


if __name__ == "__main__":
    sys.exit(main())
