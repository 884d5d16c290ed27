#!/usr/bin/env bash
# Runs every test: formatting and lints, native unit tests, the wrangler config check,
# and the end-to-end suites (API and headless Chromium) against `wrangler dev`.
# Installs whatever is missing first, Chromium included.
set -euo pipefail
cd "$(dirname "$0")/.."
export WRANGLER_SEND_METRICS=false
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

bash scripts/setup.sh
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  say "installing Chromium and ChromeDriver from Debian's packages"
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd=sudo
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium chromium-driver
fi

say "format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p shared-types -p edge-api -p widget -p console -p console-core -p console-lazy --target wasm32-unknown-unknown -- -D warnings

say "native unit tests"
cargo test -p shared-types -p edge-api -p widget -p console -p console-core -p console-lazy -p webhook-receiver
node --test widget/tools/ scripts/lib/

say "release build"
bash scripts/build.sh

say "wrangler configuration"
for env in "" staging production; do
  CHATFLOW_SKIP_BUILD=1 node_modules/.bin/wrangler deploy --dry-run --outdir "$(mktemp -d)" ${env:+--env "$env"} \
    >/dev/null
done

say "end-to-end tests"
cargo test -p chatflow-e2e --test e2e
