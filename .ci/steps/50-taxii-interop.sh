#!/usr/bin/env bash
# TAXII 2.1 interoperability: the OASIS taxii2-client (unchanged) against `phalanx serve`.
#
# Creates a data directory with three participants (A writes, B reads, C has no grant), their
# users and tokens, a shared collection and a write-only drop box, through the CLI; starts
# the node on a loopback port; runs tests/interop/taxii_interop.py, which drives the client
# through every operation and the error cases and checks the answers with stix2-validator.
set -euo pipefail

cd "$(dirname "$0")/../.."
source .ci/lib.sh
PHALANX_SHARED=${PHALANX_SHARED:-$(pwd)/../shared}
export PHALANX_SHARED
if [ ! -f "$PHALANX_SHARED/peers/requirements.txt" ]; then
  echo "taxii interop: $PHALANX_SHARED/peers/requirements.txt is absent; cannot install taxii2-client" >&2
  exit 1
fi
venv=$(peers_venv)

cargo build --quiet -p phalanx
target=${CARGO_TARGET_DIR:-target}
phalanx="$target/debug/phalanx"

work=$(mktemp -d /tmp/phalanx-taxii-interop.XXXXXX)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

data="$work/data"
px() { "$phalanx" --data-dir "$data" "$@"; }

px participant add CERT-A --country FR --kind government >/dev/null
px participant add CERT-B --country DE --kind government >/dev/null
px participant add CERT-C --country NL --kind government >/dev/null
password="interop-password-$(date +%s)"
echo "$password" | px user add alice --participant CERT-A --role analyst --password-stdin >/dev/null
px user add bob --participant CERT-B --role reader >/dev/null
px user add carol --participant CERT-C --role analyst >/dev/null
token() { px --json token create --user "$1" | "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["token"])'; }
alice_token=$(token alice)
bob_token=$(token bob)
carol_token=$(token carol)
collection_id() { "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])'; }
shared=$(px --json collection create "Interop shared" --read CERT-A,CERT-B --write CERT-A | collection_id)
drop_box=$(px --json collection create "Interop drop box" --write CERT-A | collection_id)

port=$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
max_content_length=1048576
title="Phalanx interop node"
cat > "$work/phalanx.toml" <<EOF
version = 1
listen = "127.0.0.1:$port"

[node]
title = "$title"

[limits]
max_content_length = $max_content_length
requests_per_minute = 0
EOF

px serve --config "$work/phalanx.toml" >"$work/serve.log" 2>&1 &
server_pid=$!
url="http://127.0.0.1:$port/taxii2/"
for _ in $(seq 1 100); do
  if curl -s -o /dev/null "$url"; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "taxii interop: phalanx serve exited:" >&2
    cat "$work/serve.log" >&2
    exit 1
  fi
  sleep 0.1
done

status=0
"$venv/bin/python" tests/interop/taxii_interop.py \
  --url "$url" \
  --title "$title" \
  --max-content-length "$max_content_length" \
  --writer-token "$alice_token" --writer-user alice --writer-password "$password" \
  --reader-token "$bob_token" \
  --outsider-token "$carol_token" \
  --collection "$shared" --drop-box "$drop_box" || status=$?
if [ "$status" -ne 0 ]; then
  echo "taxii interop: failed; the server's log:" >&2
  tail -n 50 "$work/serve.log" >&2
fi
exit "$status"
