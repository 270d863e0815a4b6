# Helpers for .ci/run and the scripts in .ci/steps/ (sourced, not run).

CI_STARTED=$(date +%s)
CI_STEPS=()

# Runs a named step, timing it; stops CI on failure.
step() {
  local name=$1; shift
  local started=$(date +%s)
  echo "::: ${name}"
  if "$@"; then
    CI_STEPS+=("ok    $(( $(date +%s) - started ))s  ${name}")
  else
    local status=$?
    CI_STEPS+=("FAIL  $(( $(date +%s) - started ))s  ${name}")
    summary
    echo "CI failed in step: ${name} (exit ${status})"
    exit "$status"
  fi
}

summary() {
  echo
  echo "::: summary ($(( $(date +%s) - CI_STARTED ))s)"
  printf '%s\n' "${CI_STEPS[@]}"
}

# Creates (once) a virtualenv with the reference tools of ../shared/peers/requirements.txt and
# prints its path.
peers_venv() {
  local venv=${PHALANX_PEERS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/phalanx-ci/venv-peers}
  local stamp="$venv/.requirements.sha256"
  local want
  want=$(sha256sum "$PHALANX_SHARED/peers/requirements.txt" | cut -d' ' -f1)
  if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    rm -rf "$venv"
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet -r "$PHALANX_SHARED/peers/requirements.txt" >&2
    echo "$want" > "$stamp"
  fi
  echo "$venv"
}

# Starts a throwaway PostgreSQL cluster on a loopback port and exports
# PHALANX_TEST_DATABASE_URL; installs PostgreSQL from Debian when it is missing.
start_postgres() {
  local bindir
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    echo "installing PostgreSQL from Debian"
    if [ "$(id -u)" = 0 ]; then
      DEBIAN_FRONTEND=noninteractive apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    else
      sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  local pgdir port run_as=()
  pgdir=$(mktemp -d /tmp/phalanx-ci-pg.XXXXXX)
  port=$(( 20000 + RANDOM % 20000 ))
  if [ "$(id -u)" = 0 ]; then
    chown postgres:postgres "$pgdir"
    run_as=(runuser -u postgres --)
  fi
  "${run_as[@]}" "$bindir/initdb" -D "$pgdir/data" -A trust -U phalanx --no-sync >/dev/null
  "${run_as[@]}" "$bindir/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w \
    -o "-p $port -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200" \
    start >/dev/null
  "${run_as[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U phalanx phalanx_test
  export PHALANX_TEST_DATABASE_URL="postgres://phalanx@127.0.0.1:$port/phalanx_test"
  CI_PG_STOP=("${run_as[@]}" "$bindir/pg_ctl" -D "$pgdir/data" -m immediate stop)
  trap 'stop_postgres' EXIT
  echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on $PHALANX_TEST_DATABASE_URL"
}

stop_postgres() {
  if [ -n "${CI_PG_STOP+x}" ]; then
    "${CI_PG_STOP[@]}" >/dev/null 2>&1 || true
  fi
}
