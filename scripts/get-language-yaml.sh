#!/usr/bin/env bash
# Install the Pulumi YAML language host next to the engine, so YAML programs (examples/yaml) run.
#   scripts/get-language-yaml.sh [BIN_DIR]     (default: the engine's bin directory)
# Built from the Go module proxy (a tagged module: plain `go install` works, about 2 minutes cold);
# idempotent: an existing host of the wanted version is kept. Needs `go`; without it, says how to
# get the host and exits 0 (YAML is optional: the Python programs do not need it).
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"
YAML_VERSION="${PULUMI_YAML_VERSION:-v1.25.0}"
MOD="github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
BIN="${1:-$("$SCRIPT_DIR/get-engine.sh" | tail -n1)}"
LOG() { printf 'language-yaml: %s\n' "$*" >&2; }
STAMP="$BIN/.pulumi-language-yaml-$YAML_VERSION"

if [ -x "$BIN/pulumi-language-yaml" ] && [ -e "$STAMP" ]; then
  echo "$BIN/pulumi-language-yaml"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  LOG "no go toolchain: install it with 'go install $MOD@$YAML_VERSION' or from a Pulumi CLI release"
  exit 0
fi
LOG "building $MOD@$YAML_VERSION (about 2 minutes cold)"
start=$(date +%s)
GOBIN="$BIN" go install "$MOD@$YAML_VERSION" &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
  sleep 1
  elapsed=$(( $(date +%s) - start ))
  if (( elapsed > 0 && elapsed % 15 == 0 )); then LOG "still building ($elapsed s)"; fi
done
wait "$pid"
rm -f "$BIN"/.pulumi-language-yaml-*
touch "$STAMP"
LOG "installed $BIN/pulumi-language-yaml in $(( $(date +%s) - start )) s"
echo "$BIN/pulumi-language-yaml"
