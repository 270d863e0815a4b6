#!/usr/bin/env bash
# Checks every export format with a real tool where one exists, and the MISP importer against
# misp-stix:
#   - the golden case (private and --public) and 20 000 synthetic indicators are exported in
#     every format (crates/export/examples/export.rs and export_bench.rs);
#   - the RPZ zone passes named-checkzone (Debian bind9-utils), the nftables script passes
#     `nft -c -f` (Debian nftables; in a user and network namespace when not root), the
#     Suricata rules (the first 100 of the synthetic set) and dataset rules pass
#     suricata-check (PyPI, in this step's own venv) with no issue above INFO and every rule
#     read, PyMISP loads the MISP event and feed, the
#     STIX bundle and Sentinel bodies pass stix2-validator (tests/interop/exports_check.py);
#   - bench/misp-interop/compare.py converts MISP's sample events with both and fails when
#     an indicator differs without an explanation.
# Prints what it checked; exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
source .ci/lib.sh
export PHALANX_SHARED=${PHALANX_SHARED:-$(cd .. && pwd)/shared}
if [ ! -f "$PHALANX_SHARED/peers/requirements.txt" ]; then
  echo "exports: $PHALANX_SHARED/peers/requirements.txt is absent; the shared folder must sit beside the checkout (or set PHALANX_SHARED)" >&2
  exit 1
fi

WORK=$(mktemp -d /tmp/phalanx-exports.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# Installs a Debian package when its command is missing.
need() {
  local command=$1 package=$2
  if ! command -v "$command" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$command" ]; then
    echo "installing $package from Debian"
    if [ "$(id -u)" = 0 ]; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
    else
      sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
    fi
  fi
}
need named-checkzone bind9-utils
need nft nftables
PATH=$PATH:/usr/sbin

# suricata-check is not among the peers' requirements: a venv of its own.
EXPORTS_VENV=${XDG_CACHE_HOME:-$HOME/.cache}/phalanx-ci/venv-exports
SURICATA_CHECK_VERSION=0.9.3b0
if [ ! -x "$EXPORTS_VENV/bin/suricata-check" ] || \
   [ "$("$EXPORTS_VENV/bin/pip" show suricata-check 2>/dev/null | awk '/^Version/ {print $2}')" != "$SURICATA_CHECK_VERSION" ]; then
  rm -rf "$EXPORTS_VENV"
  python3 -m venv "$EXPORTS_VENV" >&2
  "$EXPORTS_VENV/bin/pip" install --quiet "suricata-check==$SURICATA_CHECK_VERSION" >&2
fi
PEERS=$(peers_venv)

cargo build --quiet --locked -p export --example export --example export_bench --example import
EXAMPLES=${CARGO_TARGET_DIR:-target}/debug/examples
GOLDEN=crates/export/testdata/golden/mixed/input.json
"$EXAMPLES/export" "$GOLDEN" "$WORK/golden" --now 2024-06-01T00:00:00Z 2>/dev/null
"$EXAMPLES/export" "$GOLDEN" "$WORK/public" --now 2024-06-01T00:00:00Z --public 2>/dev/null
"$EXAMPLES/export_bench" --count 20000 --out "$WORK/synthetic" >/dev/null 2>&1

fail=0
for case in golden public synthetic; do
  dir=$WORK/$case
  echo "--- $case"
  named-checkzone -q rpz.phalanx.invalid "$dir/rpz.zone" \
    && echo "ok    named-checkzone $(grep -c ' CNAME ' "$dir/rpz.zone") records" \
    || { echo "FAIL  named-checkzone rejects $case/rpz.zone"; named-checkzone rpz.phalanx.invalid "$dir/rpz.zone" || true; fail=1; }
  if nft_out=$(nft -c -f "$dir/nftables.nft" 2>&1) || nft_out=$(unshare -rn nft -c -f "$dir/nftables.nft" 2>&1); then
    echo "ok    nft -c -f $(grep -c '^	[0-9a-f]' "$dir/nftables.nft") elements"
  elif echo "$nft_out" | grep -qi "operation not permitted\|permission denied"; then
    echo "SKIP  nft -c -f needs privileges here (not root, no user namespaces): $nft_out"
  else
    echo "FAIL  nft -c -f: $nft_out"; fail=1
  fi
  # suricata-check takes about a third of a second per rule: the synthetic set is checked on
  # its first 100 rules (every rule shape of the generator appears in them).
  head -n 101 "$dir/suricata.rules" > "$WORK/$case-sample.rules"
  for rules in "$WORK/$case-sample.rules" "$dir/suricata-datasets/phalanx-datasets.rules"; do
    out=$WORK/suricata-check-$case-$(basename "$rules")
    "$EXPORTS_VENV/bin/suricata-check" -r "$rules" -o "$out" --log-level ERROR >/dev/null 2>&1 || true
    n_rules=$(grep -c '^alert ' "$rules")
    n_read=$(grep -c . "$out/suricata-check.jsonl" 2>/dev/null || echo 0)
    n_serious=$(grep -c '(WARNING)\|(ERROR)\|(CRITICAL)' "$out/suricata-check-fast.log" 2>/dev/null || true)
    n_info=$(grep -c '(INFO)' "$out/suricata-check-fast.log" 2>/dev/null || true)
    if [ "$n_read" = "$n_rules" ] && [ "$n_serious" = 0 ]; then
      echo "ok    suricata-check $(basename "$rules"): $n_rules rules read, no warning or error ($n_info INFO notes)"
    else
      echo "FAIL  suricata-check $(basename "$rules"): $n_read of $n_rules rules read, $n_serious warnings or errors"
      grep '(WARNING)\|(ERROR)\|(CRITICAL)' "$out/suricata-check-fast.log" | head -5 || true
      fail=1
    fi
  done
done
"$PEERS/bin/python" tests/interop/exports_check.py "$WORK/golden" "$WORK/public" "$WORK/synthetic" || fail=1

echo "--- MISP import against misp-stix"
"$PEERS/bin/python" bench/misp-interop/compare.py "$EXAMPLES/import" 2>/dev/null || fail=1
exit $fail
