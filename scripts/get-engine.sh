#!/usr/bin/env bash
# Obtain the Pulumi CLI (the engine) at the pinned version, from the Go module proxy only.
#
#   scripts/get-engine.sh            -> prints the bin directory holding pulumi + shims
#
# An existing `pulumi` on PATH is used only when its version matches. Otherwise the CLI is built
# with a throwaway wrapper module (pkg/go.mod carries a local `replace`, so `go install` refuses
# it) into a cache outside the repository keyed by version, and rebuilt only when missing.
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"

VERSION="${PULUMI_ENGINE_VERSION:-v3.274.1}"
CACHE_ROOT="${PULUMI_QODER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-qoder}"
ENGINE_DIR="$CACHE_ROOT/engine-$VERSION"
BIN="$ENGINE_DIR/bin"
LOG() { printf 'engine: %s\n' "$*" >&2; }

install_extras() {
  write_python_shims
  # The Python language host, for a plain `pulumi up` in a project directory (cheap; always refreshed).
  "$SCRIPT_DIR/get-language-host.sh" "$VERSION" "$BIN" >&2 || \
    LOG "language host not available: plain 'pulumi up' needs it; the Automation API inline path works without"
}

write_python_shims() {
  # The engine starts dynamic providers through this executable, looked up next to `pulumi`.
  cat >"$BIN/pulumi-resource-pulumi-python" <<'SH'
#!/bin/sh
exec "${PULUMI_PYTHON_CMD:-python3}" -u -m pulumi.dynamic "$@"
SH
  chmod +x "$BIN/pulumi-resource-pulumi-python"
}

version_of() { "$1" version 2>/dev/null | tr -d '[:space:]'; }

# 1. A matching pulumi on PATH wins (no build at all).
if existing=$(command -v pulumi 2>/dev/null) && [ "$(version_of "$existing")" = "$VERSION" ] \
   && [ "$(dirname "$existing")" != "$BIN" ]; then
  LOG "using $existing ($VERSION) from PATH"
  mkdir -p "$BIN"
  ln -sf "$existing" "$BIN/pulumi"
  for f in pulumi-language-python pulumi-language-python-exec; do
    [ -e "$(dirname "$existing")/$f" ] && ln -sf "$(dirname "$existing")/$f" "$BIN/$f"
  done
  install_extras
  echo "$BIN"
  exit 0
fi

# 2. Cached build.
if [ -x "$BIN/pulumi" ] && [ "$(version_of "$BIN/pulumi")" = "$VERSION" ]; then
  install_extras
  LOG "cached $BIN/pulumi ($VERSION)"
  echo "$BIN"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  cat >&2 <<MSG
engine: ERROR: no 'pulumi' $VERSION on PATH and no 'go' toolchain to build it.
engine: Install the CLI with the official installer, then re-run:
engine:     curl -fsSL https://get.pulumi.com | sh -s -- --version ${VERSION#v}
engine: or install Go (https://go.dev/dl/) so that this script can build it from the module proxy.
MSG
  exit 1
fi

# 3. Build from the Go module proxy.
export GOFLAGS="${GOFLAGS:--buildvcs=false} -mod=mod"
export CGO_ENABLED=0
# A go.mod asking for a newer Go than this machine has: fetch that toolchain from the module proxy.
export GOTOOLCHAIN="${GOTOOLCHAIN_FOR_ENGINE:-auto}"
start=$(date +%s)
WORK="$ENGINE_DIR/wrapper"
mkdir -p "$WORK" "$BIN"
cd "$WORK"
LOG "building pulumi $VERSION from the Go module proxy (measured here: ~3.5 min with an empty Go cache, ~15 s with a warm one)"

pkg_mod=$(go mod download -json "github.com/pulumi/pulumi/pkg/v3@$VERSION" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["GoMod"])')
go_line=$(grep -m1 '^go ' "$pkg_mod")
# Every non-local replace of upstream pkg/go.mod must be repeated in the wrapper.
replaces=$(grep -E '^replace ' "$pkg_mod" | grep -vE '=>[[:space:]]*\.{1,2}/' || true)

cat >go.mod <<MOD
module pulumi-qoder/engine

$go_line

require (
	github.com/pulumi/pulumi/pkg/v3 $VERSION
	github.com/pulumi/pulumi/sdk/v3 $VERSION
)

tool github.com/pulumi/pulumi/pkg/v3/cmd/pulumi

$replaces
MOD
go mod tidy >&2
go build -trimpath \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$VERSION" \
  -o "$BIN/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
mv "$BIN/pulumi.tmp" "$BIN/pulumi"
install_extras
LOG "built $BIN/pulumi in $(( $(date +%s) - start ))s ($(du -h "$BIN/pulumi" | cut -f1))"

echo "$BIN"
