#!/usr/bin/env bash
# Regenerates chatflow-api.d.ts from a running server's document:
#   bash examples/typescript/generate.sh http://127.0.0.1:8787
# The e2e suite (tests/e2e/openapi.rs) fails when the shipped file is not what the
# served document generates.
set -euo pipefail
cd "$(dirname "$0")"
base="${1:-http://127.0.0.1:8787}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
curl -fsS "$base/v1/openapi.json" -o "$tmp/openapi.json"
../../node_modules/.bin/openapi-typescript "$tmp/openapi.json" -o chatflow-api.d.ts
