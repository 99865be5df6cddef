#!/usr/bin/env bash
# A typed SDK for the native provider, from its schema (`pulumi package get-schema`):
#   scripts/gen-sdk.sh python|nodejs OUT_DIR
# `pulumi package gen-sdk` needs the language hosts' code generators (pulumi-language-python /
# -nodejs), which the Go module proxy does not serve (untagged modules, 403). The generators
# themselves are in github.com/pulumi/pulumi/pkg/v3 (tagged): scripts/sdkgen/main.go calls them.
# It is built once into the cache beside the engine, reusing the engine build's module list.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LANG_="${1:?usage: gen-sdk.sh python|nodejs OUT_DIR}"; OUT="${2:?usage: gen-sdk.sh python|nodejs OUT_DIR}"
VERSION="${PULUMI_ENGINE_VERSION:-v3.274.1}"
CACHE_ROOT="${PULUMI_QODER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-qoder}"
TOOL_DIR="$CACHE_ROOT/sdkgen-$VERSION"
PY="${PY:-$ROOT/.venv/bin/python}"
LOG() { printf 'gen-sdk: %s\n' "$*" >&2; }

if [ ! -x "$TOOL_DIR/sdkgen" ] || [ "$ROOT/scripts/sdkgen/main.go" -nt "$TOOL_DIR/sdkgen" ]; then
  command -v go >/dev/null 2>&1 || { LOG "needs a Go toolchain to build the code generator"; exit 1; }
  mkdir -p "$TOOL_DIR"
  cp "$ROOT/scripts/sdkgen/main.go" "$TOOL_DIR/main.go"
  WRAPPER="$CACHE_ROOT/engine-$VERSION/wrapper"
  if [ -f "$WRAPPER/go.mod" ] && [ -f "$WRAPPER/go.sum" ]; then
    sed 's#^module .*#module pulumi-qoder/sdkgen#' "$WRAPPER/go.mod" >"$TOOL_DIR/go.mod"   # same versions as the engine
    cp "$WRAPPER/go.sum" "$TOOL_DIR/go.sum"
  else
    (cd "$TOOL_DIR" && rm -f go.mod go.sum && go mod init pulumi-qoder/sdkgen >/dev/null 2>&1 \
      && go get "github.com/pulumi/pulumi/pkg/v3@$VERSION" >&2 && go mod tidy >&2)
  fi
  LOG "building the code generator (pkg/v3 $VERSION; minutes on a cold Go cache)"
  (cd "$TOOL_DIR" && GOFLAGS=-mod=mod go build -o sdkgen .)
fi
SCHEMA=$(mktemp)
trap 'rm -f "$SCHEMA"' EXIT
"$PY" -c 'import json; from pulumi_qoder.native.__main__ import plugin_version; from pulumi_qoder.native.schema import build_schema; print(json.dumps(build_schema(plugin_version())))' >"$SCHEMA"
rm -rf "$OUT"
"$TOOL_DIR/sdkgen" "$LANG_" "$SCHEMA" "$OUT"
# The generators leave the package version to the release build: stamp the provider's.
PLUGIN_VERSION=$("$PY" -c 'from pulumi_qoder.native.__main__ import plugin_version; print(plugin_version())')
[ "$LANG_" = python ] && sed -i "s/^VERSION = \"0.0.0\"/VERSION = \"$PLUGIN_VERSION\"/" "$OUT/setup.py"
[ "$LANG_" = nodejs ] && sed -i "s/\"version\": \"\${VERSION}\"/\"version\": \"$PLUGIN_VERSION\"/" "$OUT/package.json"
LOG "wrote the $LANG_ SDK to $OUT"
