#!/usr/bin/env bash
# The demo: the embedded emulator (SQLite file under .state/) + `pulumi up` of the root project
# (Pulumi.yaml -> examples/daily-report) with a local file backend. Safe to run again: it reuses a
# running emulator and the existing stack.
#   scripts/demo.sh up|preview|destroy|stop|env
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=${PY:-.venv/bin/python}
VENV_BIN="$(cd "$(dirname "$PY")" && pwd)"
STATE="${QODER_DEMO_STATE:-$ROOT/.state}"
PORT=${QODER_EMULATOR_PORT:-8080}
TOKEN=${QODER_DEMO_TOKEN:-demo-token}   # the local emulator's account; not a secret
BASE_URL="http://127.0.0.1:$PORT/api/v1/cloud"
STACK=${DEMO_STACK:-demo}
mkdir -p "$STATE/backend" "$STATE/pulumi-home"

BIN=$(bash scripts/get-engine.sh 2>/dev/null | tail -n1)
[ -x "$BIN/pulumi" ] || { echo "demo: no Pulumi engine; run 'make engine' and read its error" >&2; exit 1; }

cat >"$STATE/env.sh" <<ENV
# source .state/env.sh  -> run pulumi against the demo emulator from this shell
export PATH="$BIN:$VENV_BIN:\$PATH"
export PULUMI_HOME="$STATE/pulumi-home"
export PULUMI_BACKEND_URL="file://$STATE/backend"
export PULUMI_CONFIG_PASSPHRASE="demo"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_PYTHON_CMD="$VENV_BIN/python"
export QODER_BASE_URL="$BASE_URL"
export QODER_PAT="$TOKEN"
ENV
# shellcheck disable=SC1091
source "$STATE/env.sh"

emulator() { "$PY" scripts/demo_emulator.py "$@"; }   # HTTP checks from one short process

start_emulator() {
  local found=0
  emulator probe "$PORT" || found=$?
  case $found in
    0) echo "demo: emulator already running at $BASE_URL"; return ;;
    2) echo "demo: port $PORT is taken by another program (not a Qoder emulator); $(emulator clash-advice "$PORT")" >&2
       exit 1 ;;
  esac
  nohup "$VENV_BIN/qoder-emulator" serve --host 127.0.0.1 --port "$PORT" \
    --db "$STATE/emulator.db" --token "$TOKEN" >"$STATE/emulator.log" 2>&1 &
  local pid=$!
  echo "$pid" >"$STATE/emulator.pid"
  # Polls the health endpoint every 0.1 s; stops at once if the process dies (e.g. a port clash).
  if ! emulator wait "$PORT" "$pid" "$STATE/emulator.log" 60; then
    kill "$pid" 2>/dev/null || true   # one that hangs is not left behind
    rm -f "$STATE/emulator.pid"
    exit 1
  fi
  echo "demo: emulator started at $BASE_URL (log: $STATE/emulator.log)"
}

stop_emulator() {
  if [ -f "$STATE/emulator.pid" ] && kill "$(cat "$STATE/emulator.pid")" 2>/dev/null; then
    echo "demo: emulator stopped (data kept in .state/emulator.db)"
  else
    echo "demo: no emulator started by the demo is running"
  fi
  rm -f "$STATE/emulator.pid"
}

select_stack() { pulumi stack select "$STACK" --create --non-interactive >/dev/null; }

case "${1:-up}" in
  up)
    start_emulator
    select_stack
    pulumi up --yes --skip-preview --non-interactive --stack "$STACK"
    pulumi stack output --json --stack "$STACK" | "$PY" scripts/demo_summary.py
    cat <<MSG

Next steps (from this directory):
  source .state/env.sh                    # point pulumi at the demo emulator
  pulumi config set cron "0 10 * * 1-5"   # or edit examples/daily-report/__main__.py
  pulumi preview --diff                   # the change, property by property and in words
  pulumi preview --json --show-sames | pulumi-qoder schedule-report --format markdown
                                          # runs gained and lost, DST, clashes (text without --format)
  pulumi up                               # apply the change
  pulumi config rm cron && pulumi up      # back to 09:00 every day
  make demo-destroy                       # archive everything the demo created
  make emulator-stop                      # stop the emulator (state stays in .state/)
MSG
    ;;
  preview) start_emulator; select_stack; pulumi preview --diff --non-interactive --stack "$STACK" ;;
  destroy) start_emulator; select_stack; pulumi destroy --yes --skip-preview --non-interactive --stack "$STACK" ;;
  stop) stop_emulator ;;
  env) echo "$STATE/env.sh" ;;
  *) echo "usage: scripts/demo.sh up|preview|destroy|stop|env" >&2; exit 2 ;;
esac
