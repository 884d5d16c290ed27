#!/usr/bin/env bash
# Builds the worker (edge-api → edge-api/build/worker), the widget, the agent console and
# the API reference page (→ dist/public), all in release mode. wrangler.toml runs this before `wrangler dev` and `deploy`.
set -euo pipefail
cd "$(dirname "$0")/.."

# The test harness builds once and then starts many servers.
if [ "${CHATFLOW_SKIP_BUILD:-}" = 1 ]; then
  exit 0
fi

export PATH="$HOME/.cargo/bin:$PATH"
export WASM_BINDGEN_BIN="${WASM_BINDGEN_BIN:-$(command -v wasm-bindgen)}"
export WASM_OPT_BIN="${WASM_OPT_BIN:-$PWD/node_modules/.bin/wasm-opt}"

(cd edge-api && worker-build --release)
bash scripts/build-widget.sh
bash scripts/build-console.sh
bash scripts/build-docs.sh
