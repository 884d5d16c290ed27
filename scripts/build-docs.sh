#!/usr/bin/env bash
# The API reference page (dist/public/docs/): docs/api/index.html and Redoc's standalone
# renderer from node_modules. The page reads GET /v1/openapi.json, which the worker
# generates from the types, so nothing here is built from the document itself.
# Files are copied only when their bytes change, so a running `wrangler dev` is not
# reloaded for nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

renderer=node_modules/redoc/bundles/redoc.standalone.js
if [ ! -f "$renderer" ]; then
  echo "build-docs: $renderer is missing; run scripts/setup.sh (npm ci)" >&2
  exit 1
fi
mkdir -p dist/public/docs
for pair in "docs/api/index.html:index.html" "$renderer:redoc.standalone.js"; do
  from="${pair%%:*}"
  to="dist/public/docs/${pair##*:}"
  cmp -s "$from" "$to" || cp "$from" "$to"
done
