#!/usr/bin/env bash
# Build the installable plugin of the native provider:
#   dist/pulumi-resource-qoder-v<version>-<os>-<arch>.tar.gz
# holding the launcher `pulumi-resource-qoder`, the provider and its dependencies in lib/ (installed
# from the wheel of this tree for the Python that builds it), and PYTHON_VERSION. The launcher
# finds that Python version on PATH (no interpreter path is recorded) and runs the provider with
# lib/ first on sys.path. Install it with
#   pulumi plugin install resource qoder <version> --file dist/pulumi-resource-qoder-v<version>-<os>-<arch>.tar.gz
# Usage: scripts/build-plugin.sh [PYTHON]   (default: .venv/bin/python); prints the tarball path.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="${1:-$ROOT/.venv/bin/python}"
LOG() { printf 'plugin: %s\n' "$*" >&2; }

VERSION=$("$PY" -c 'import tomllib,sys; print(tomllib.load(open(sys.argv[1],"rb"))["project"]["version"])' "$ROOT/pyproject.toml")
PYVER=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
OS=$(uname -s | tr '[:upper:]' '[:lower:]')
case "$(uname -m)" in x86_64|amd64) ARCH=amd64 ;; aarch64|arm64) ARCH=arm64 ;; *) ARCH=$(uname -m) ;; esac
OUT="$ROOT/dist/pulumi-resource-qoder-v$VERSION-$OS-$ARCH.tar.gz"

STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
LOG "building the wheel of $ROOT (version $VERSION)"
"$PY" -m build --wheel --no-isolation --outdir "$STAGE/wheel" "$ROOT" >"$STAGE/build.log" 2>&1 \
  || { cat "$STAGE/build.log" >&2; exit 1; }
LOG "installing it and its dependencies for Python $PYVER into lib/ (package registry or pip cache)"
"$PY" -m pip install --quiet --disable-pip-version-check --no-compile --target "$STAGE/plugin/lib" "$STAGE"/wheel/*.whl
rm -rf "$STAGE/plugin/lib/bin"   # console scripts with this machine's interpreter path: not used
echo "$PYVER" >"$STAGE/plugin/PYTHON_VERSION"
cat >"$STAGE/plugin/pulumi-resource-qoder" <<'LAUNCHER'
#!/bin/sh
# The qoder provider plugin: runs the provider in lib/ beside this file with the Python version it
# was built for (PYTHON_VERSION), found on PATH; PULUMI_QODER_PYTHON names another interpreter.
here=$(cd "$(dirname "$0")" && pwd)
want=$(cat "$here/PYTHON_VERSION")
for py in "${PULUMI_QODER_PYTHON:-}" "python$want" python3; do
  [ -n "$py" ] && command -v "$py" >/dev/null 2>&1 || continue
  if "$py" -c "import sys; sys.exit('%d.%d' % sys.version_info[:2] != '$want')" 2>/dev/null; then
    PYTHONPATH="$here/lib${PYTHONPATH:+:$PYTHONPATH}" PYTHONNOUSERSITE=1 exec "$py" -u -m pulumi_qoder.native "$@"
  fi
done
echo "pulumi-resource-qoder: needs Python $want on PATH (python$want or python3), or PULUMI_QODER_PYTHON" >&2
exit 1
LAUNCHER
chmod +x "$STAGE/plugin/pulumi-resource-qoder"
mkdir -p "$ROOT/dist"
tar -C "$STAGE/plugin" -czf "$OUT" .
LOG "built $OUT ($(du -h "$OUT" | cut -f1))"
echo "$OUT"
