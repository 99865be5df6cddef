#!/usr/bin/env bash
# Obtain the Pulumi CLI (the engine), from an existing install or the Go module proxy only.
#
#   scripts/get-engine.sh            -> prints the bin directory holding pulumi + shims (stdout)
#   scripts/get-engine.sh --version  -> prints the version it builds and the oldest one it accepts
#
# 1. A `pulumi` on PATH at MIN_VERSION or newer is used as is (no build).
# 2. Otherwise a cached build of VERSION, or
# 3. a build from the Go module proxy with a throwaway wrapper module (pkg/go.mod carries a local
#    `replace`, so `go install` refuses it) into a cache outside the repository, keyed by version.
# Long work reports its phase and elapsed time on stderr at least every 20 s.
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"

VERSION="${PULUMI_ENGINE_VERSION:-v3.274.1}"
# The oldest CLI the provider accepts: v3.139.0 is the first engine that hands Python dynamic
# providers the whole stack config and the first SDK that calls ResourceProvider.configure
# (pulumi/pulumi#17673), which is how `qoder:token` / `qoder:baseUrl` reach the provider.
MIN_VERSION="v3.139.0"
CACHE_ROOT="${PULUMI_QODER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-qoder}"
ENGINE_DIR="$CACHE_ROOT/engine-$VERSION"
BIN="$ENGINE_DIR/bin"
HEARTBEAT="${PULUMI_QODER_HEARTBEAT:-15}"   # seconds between progress lines
LOG() { printf 'engine: %s\n' "$*" >&2; }

if [ "${1:-}" = "--version" ]; then
  echo "builds $VERSION; uses an installed pulumi >= $MIN_VERSION"
  exit 0
fi

install_extras() {  # $1: bin directory
  write_python_shims "$1"
  # The Python language host, for a plain `pulumi up` in a project directory (cheap; always refreshed).
  "$SCRIPT_DIR/get-language-host.sh" "$VERSION" "$1" >&2 || \
    LOG "language host not available: plain 'pulumi up' needs it; the Automation API inline path works without"
}

write_python_shims() {
  # The engine starts dynamic providers through this executable, looked up next to `pulumi`. It
  # passes the project's runtime options as PULUMI_RUNTIME_*: the provider runs in the program's
  # environment, as with the official shim.
  cat >"$1/pulumi-resource-pulumi-python" <<'SH'
#!/bin/sh
venv="${PULUMI_RUNTIME_VIRTUALENV:-}"
case "${PULUMI_RUNTIME_TOOLCHAIN:-pip}" in
  uv) venv="${venv:-${UV_PROJECT_ENVIRONMENT:-.venv}}" ;;
  poetry) [ -n "$venv" ] || exec "$(poetry env info --executable)" -u -m pulumi.dynamic "$@" ;;
esac
[ -n "$venv" ] && exec "$venv/bin/python" -u -m pulumi.dynamic "$@"
exec "${PULUMI_PYTHON_CMD:-python3}" -u -m pulumi.dynamic "$@"
SH
  chmod +x "$1/pulumi-resource-pulumi-python"
}

version_of() { "$1" version 2>/dev/null | head -n1 | tr -d '[:space:]'; }

# True when $1 (e.g. v3.280.0 or v3.280.0-dev.0) is a version at or above MIN_VERSION.
at_least_min() {
  local v="${1#v}"; v="${v%%[-+]*}"
  [[ "$v" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || return 1
  printf '%s\n%s\n' "${MIN_VERSION#v}" "$v" | sort -V -C
}

# 1. An installed pulumi at or above the floor wins (no build at all). It is linked into a
#    directory of its own, next to the shims, so the cached build is never overwritten.
# The real file: PATH may hold one of our own link directories (e.g. the demo's env.sh).
if existing=$(command -v pulumi 2>/dev/null) && existing=$(readlink -f "$existing") \
   && [ "$(dirname "$existing")" != "$BIN" ]; then
  found=$(version_of "$existing")
  if at_least_min "$found" && [ -f "$(dirname "$existing")/pulumi_language_python_host.py" ]; then
    # One of our own engine directories (another cache, or a PATH set up by the demo): as is.
    install_extras "$(dirname "$existing")"
    LOG "using $existing ($found) from PATH"
    dirname "$existing"
    exit 0
  fi
  if at_least_min "$found"; then
    LINKS="$CACHE_ROOT/installed-$found/bin"
    LOG "using $existing ($found, >= $MIN_VERSION) from PATH"
    mkdir -p "$LINKS"
    ln -sf "$existing" "$LINKS/pulumi"
    for f in pulumi-language-python pulumi-language-python-exec pulumi-resource-pulumi-python; do
      [ -e "$(dirname "$existing")/$f" ] && ln -sf "$(dirname "$existing")/$f" "$LINKS/$f"
    done
    [ -e "$LINKS/pulumi-resource-pulumi-python" ] || write_python_shims "$LINKS"
    if [ ! -e "$LINKS/pulumi-language-python" ] || [ -f "$LINKS/pulumi_language_python_host.py" ]; then
      install_extras "$LINKS"   # no official language host beside it: bundle ours
    fi
    echo "$LINKS"
    exit 0
  fi
  LOG "ignoring $existing: it reports '${found:-nothing}', older than $MIN_VERSION (or not a version)"
fi

# 2. Cached build.
if [ -x "$BIN/pulumi" ] && [ "$(version_of "$BIN/pulumi")" = "$VERSION" ]; then
  install_extras "$BIN"
  LOG "cached $BIN/pulumi ($VERSION)"
  echo "$BIN"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  cat >&2 <<MSG
engine: ERROR: no 'pulumi' $MIN_VERSION or newer on PATH and no 'go' toolchain to build $VERSION.
engine: Install the CLI with the official installer, then re-run:
engine:     curl -fsSL https://get.pulumi.com | sh
engine: or install Go (https://go.dev/dl/) so that this script can build it from the module proxy.
MSG
  exit 1
fi

# 3. Build from the Go module proxy, with a progress line at least every HEARTBEAT seconds.
export GOFLAGS="${GOFLAGS:--buildvcs=false} -mod=mod"
export CGO_ENABLED=0
# A go.mod asking for a newer Go than this machine has: fetch that toolchain from the module proxy.
export GOTOOLCHAIN="${GOTOOLCHAIN_FOR_ENGINE:-auto}"
start=$(date +%s)
WORK="$ENGINE_DIR/wrapper"
mkdir -p "$WORK" "$BIN"
BUILD_LOG="$ENGINE_DIR/build.log"   # everything go prints; the heartbeat summarises it
STATE="$ENGINE_DIR/.phase"
: >"$BUILD_LOG"
MAIN_PKG=github.com/pulumi/pulumi/pkg/v3/cmd/pulumi

elapsed() { echo "$(( $(date +%s) - start ))s"; }
phase() { echo "$1" >"$STATE"; LOG "$1 ($(elapsed))"; }

progress() {  # one line: the phase and what the build log says about it
  local p; p=$(cat "$STATE" 2>/dev/null || true)
  case "$p" in
    "downloading modules"*)
      echo "$p: $(grep -c '^go: downloading' "$BUILD_LOG" || true) modules fetched" ;;
    compiling*)
      local done_; done_=$(grep -cv '^go: ' "$BUILD_LOG.compile" 2>/dev/null || true)
      if [ "$(tail -n1 "$BUILD_LOG.compile" 2>/dev/null)" = "$MAIN_PKG" ]; then
        echo "linking the pulumi binary"
      else
        echo "compiling: $done_ of $(cat "$STATE.total" 2>/dev/null || echo '?') packages"
      fi ;;
    *) echo "$p" ;;
  esac
}

heartbeat() {
  # Waits on a FIFO nobody writes instead of `sleep`: no child process outlives the script
  # holding its stdout/stderr open.
  exec 3<>"$STATE.fifo"
  while ! read -r -t "$HEARTBEAT" -u 3 _; do LOG "$(progress), $(elapsed) elapsed"; done
}
rm -f "$STATE.fifo"; mkfifo "$STATE.fifo"
heartbeat >/dev/null &
HEARTBEAT_PID=$!
trap 'kill "$HEARTBEAT_PID" 2>/dev/null || true; rm -f "$STATE" "$STATE.total" "$STATE.fifo"' EXIT

fail() {
  LOG "ERROR: $1 failed after $(elapsed); the last lines of $BUILD_LOG:"
  tail -n 30 "$BUILD_LOG" "$BUILD_LOG.compile" 2>/dev/null | sed 's/^/engine:   /' >&2
  exit 1
}

cd "$WORK"
LOG "building pulumi $VERSION from the Go module proxy into $BIN"
LOG "measured on 2 cores: ~3.5 min on a quiet machine with empty caches, up to 25 min under load; seconds once cached (log: $BUILD_LOG)"

phase "downloading modules"
pkg_mod=$(go mod download -json "github.com/pulumi/pulumi/pkg/v3@$VERSION" 2>>"$BUILD_LOG" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["GoMod"])') || fail "go mod download"
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

tool $MAIN_PKG

$replaces
MOD
go mod tidy >>"$BUILD_LOG" 2>&1 || fail "go mod tidy"
LOG "downloaded $(grep -c '^go: downloading' "$BUILD_LOG" || true) modules ($(elapsed))"

phase "listing packages"
TOTAL=$(go list -deps "$MAIN_PKG" 2>>"$BUILD_LOG" | wc -l | tr -d ' ') || TOTAL="?"
echo "$TOTAL" >"$STATE.total"

# `go build -v` names each package as it is compiled: the heartbeat counts them; the main
# package comes last, then the link.
phase "compiling $TOTAL packages"
go build -v -trimpath \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$VERSION" \
  -o "$BIN/pulumi.tmp" "$MAIN_PKG" 2>"$BUILD_LOG.compile" || { cat "$BUILD_LOG.compile" >>"$BUILD_LOG"; fail "go build"; }
cat "$BUILD_LOG.compile" >>"$BUILD_LOG"; rm -f "$BUILD_LOG.compile"
mv "$BIN/pulumi.tmp" "$BIN/pulumi"
install_extras "$BIN"
LOG "built $BIN/pulumi in $(elapsed) ($(du -h "$BIN/pulumi" | cut -f1))"

echo "$BIN"
