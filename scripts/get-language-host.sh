#!/usr/bin/env bash
# Install a Python language host next to the engine so that `pulumi up` works in a project directory.
#   scripts/get-language-host.sh VERSION BIN_DIR
# The Go host (module github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3) is never
# tagged; it can only be fetched at a commit pseudo-version, which the module proxy here refuses.
# We try it, and otherwise install our own host (scripts/pulumi_language_python_host.py) that speaks
# the same gRPC protocol through the SDK's Automation API language server.
set -euo pipefail
VERSION="$1"; BIN="$2"
SCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"
MOD=github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3

if command -v go >/dev/null 2>&1 && go list -m -versions "$MOD" >/dev/null 2>&1; then
  echo "language host: the module proxy lists $MOD; building it is not automated yet" >&2
fi
cp "$SCRIPT_DIR/pulumi_language_python_host.py" "$BIN/pulumi_language_python_host.py"
cat >"$BIN/pulumi-language-python" <<'SH'
#!/bin/sh
# Python language host (see pulumi_language_python_host.py beside this file).
here=$(dirname "$(readlink -f "$0")")   # also when linked from elsewhere
py="${PULUMI_PYTHON_CMD:-}"
if [ -z "$py" ]; then
  if [ -x ./.venv/bin/python ]; then py=./.venv/bin/python; else py=python3; fi
fi
exec "$py" -u "$here/pulumi_language_python_host.py" "$@"
SH
chmod +x "$BIN/pulumi-language-python"
echo "language host: installed the Python language host into $BIN (the Go host is not served by the module proxy)" >&2
