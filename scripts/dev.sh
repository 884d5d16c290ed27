#!/usr/bin/env bash
# Builds everything, applies the D1 migrations locally, starts `wrangler dev` (local
# D1/KV/R2/Durable Objects/Queues under .wrangler/state), provisions a demo workspace
# once, and prints where to look. Ctrl-C stops the server.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${PORT:-8787}"
export WRANGLER_SEND_METRICS=false
wrangler=node_modules/.bin/wrangler

bash scripts/setup.sh
bash scripts/build.sh
"$wrangler" d1 migrations apply DB --local

CHATFLOW_SKIP_BUILD=1 "$wrangler" dev --ip 127.0.0.1 --port "$PORT" \
  --show-interactive-dev-session=false &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT INT TERM

base="http://127.0.0.1:$PORT"
for _ in $(seq 1 120); do
  curl -fsS "$base/v1/health" >/dev/null 2>&1 && break
  kill -0 $server 2>/dev/null || { echo "wrangler dev exited" >&2; exit 1; }
  sleep 1
done

# The demo workspace is made once and remembered beside the local state; a remembered
# key that no longer works (state wiped) means provisioning again.
demo=.wrangler/chatflow-demo.env
if [ -f "$demo" ]; then
  # shellcheck disable=SC1090
  . "$demo"
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer ${API_KEY:-}" "$base/v1/agents")
  # A workspace remembered from before the console had passwords is made again.
  [ "$code" = 200 ] && [ -n "${CONSOLE_PASSWORD:-}" ] || rm -f "$demo"
fi
if [ ! -f "$demo" ]; then
  admin_token=$(sed -n 's/^ADMIN_TOKEN=//p' .dev.vars)
  password=$(node -e 'console.log(require("crypto").randomBytes(9).toString("base64url"))')
  curl -fsS -X POST "$base/v1/admin/workspaces" \
    -H "Authorization: Bearer $admin_token" -H 'Content-Type: application/json' \
    -d "{\"name\":\"Demo Shop\",\"owner\":{\"name\":\"Sara\",\"email\":\"sara@demo.chatflow.uz\",\"password\":\"$password\"}}" \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);
        console.log(`WORKSPACE_ID=${r.workspace.id}\nAPI_KEY=${r.api_key}\nCONSOLE_EMAIL=${r.agent.email}`)})' > "$demo"
  echo "CONSOLE_PASSWORD=$password" >> "$demo"
  # shellcheck disable=SC1090
  . "$demo"
fi

cat <<MSG

  ChatFlow is running at $base
  Demo page:     $base/demo/$WORKSPACE_ID
  Workspace id:  $WORKSPACE_ID
  API key:       $API_KEY
  Console:       $base/console/   ($CONSOLE_EMAIL / $CONSOLE_PASSWORD)

  Try: curl -H "Authorization: Bearer $API_KEY" $base/v1/widget/config

MSG
wait $server
