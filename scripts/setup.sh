#!/usr/bin/env bash
# Installs what building and running ChatFlow needs, skipping whatever is already there:
# the wasm32 target, wasm-bindgen-cli at exactly the version in Cargo.lock, worker-build,
# trunk (builds the console), wasm-pack (builds the widget),
# the npm packages (wrangler, binaryen's wasm-opt, typescript, lighthouse, redoc,
# openapi-typescript), schemathesis in a virtual environment (target/schemathesis), and
# local secrets in .dev.vars.
set -euo pipefail
cd "$(dirname "$0")/.."

WORKER_BUILD_VERSION=0.8.7
TRUNK_VERSION=0.21.14
WASM_PACK_VERSION=0.15.1
SCHEMATHESIS_VERSION=4.32.5
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The CLI must match the wasm-bindgen crate in Cargo.lock byte for byte.
wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]; then
  say "installing wasm-bindgen-cli $wb_version"
  # --locked first; the registry mirror may lack a yanked transitive version, in which
  # case a fresh resolution of the same CLI version is the fallback.
  cargo install wasm-bindgen-cli --version "$wb_version" --locked \
    || cargo install wasm-bindgen-cli --version "$wb_version"
fi

if [ "$(worker-build --version 2>/dev/null)" != "$WORKER_BUILD_VERSION" ]; then
  say "installing worker-build $WORKER_BUILD_VERSION"
  cargo install worker-build --version "$WORKER_BUILD_VERSION" --locked \
    || cargo install worker-build --version "$WORKER_BUILD_VERSION"
fi

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

if [ "$(wasm-pack --version 2>/dev/null)" != "wasm-pack $WASM_PACK_VERSION" ]; then
  say "installing wasm-pack $WASM_PACK_VERSION"
  cargo install wasm-pack --version "$WASM_PACK_VERSION" --locked
fi

if [ ! -x node_modules/.bin/wrangler ] || [ ! -x node_modules/.bin/wasm-opt ] \
   || [ ! -x node_modules/.bin/tsc ] || [ ! -x node_modules/.bin/lighthouse ] \
   || [ ! -x node_modules/.bin/openapi-typescript ] || [ ! -f node_modules/redoc/bundles/redoc.standalone.js ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund
fi

# The API fuzzer (tests/e2e/openapi.rs) from PyPI, in its own environment under target/
# so that it is rebuilt with everything else and never touches the system's Python.
st=target/schemathesis/bin/st
if [ "$("$st" --version 2>/dev/null | awk '{print $NF}')" != "$SCHEMATHESIS_VERSION" ]; then
  say "installing schemathesis $SCHEMATHESIS_VERSION into target/schemathesis"
  if ! python3 -m venv target/schemathesis 2>/dev/null; then
    sudo_cmd=""
    [ "$(id -u)" = 0 ] || sudo_cmd=sudo
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq python3-venv
    python3 -m venv target/schemathesis
  fi
  target/schemathesis/bin/pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

# Each local secret is added when missing, so a .dev.vars from an older checkout gains
# the ones introduced since.
random_hex() { node -e "console.log(require('crypto').randomBytes($1).toString('hex'))"; }
touch .dev.vars
for pair in ADMIN_TOKEN:24 TOKEN_SECRET:32 ENCRYPTION_KEY:32; do
  name=${pair%%:*}
  if ! grep -q "^$name=" .dev.vars; then
    say "writing the local secret $name to .dev.vars"
    echo "$name=$(random_hex "${pair##*:}")" >> .dev.vars
  fi
done
# Local development delivers webhooks to loopback receivers; wrangler.toml's top level
# (what a bare deploy uses) refuses private addresses.
if ! grep -q "^ALLOW_PRIVATE_WEBHOOK_URLS=" .dev.vars; then
  say "allowing private webhook URLs in .dev.vars"
  echo "ALLOW_PRIVATE_WEBHOOK_URLS=true" >> .dev.vars
fi
