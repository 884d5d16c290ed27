// node --test scripts/lib/
import assert from "node:assert/strict";
import { test } from "node:test";
import { startInput } from "./dev-without-inspector.mjs";

const REQUIRED = ["--config", "/w/wrangler.toml", "--port", "8790", "--persist-to", "/tmp/p"];

test("the harness's flags become a dev server without the inspector", () => {
  const input = startInput([
    ...REQUIRED,
    "--ip", "127.0.0.1",
    "--var", "ADMIN_TOKEN:a:b",
    "--var", "EMPTY:",
    "--test-scheduled",
  ]);
  assert.equal(input.config, "/w/wrangler.toml");
  assert.deepEqual(input.bindings, {
    ADMIN_TOKEN: { type: "plain_text", value: "a:b" },
    EMPTY: { type: "plain_text", value: "" },
  });
  assert.deepEqual(input.dev, {
    inspector: false,
    persist: "/tmp/p",
    watch: false,
    testScheduled: true,
    server: { hostname: "127.0.0.1", port: 8790 },
  });
});

test("a flag it does not know is refused, not dropped", () => {
  assert.throws(() => startInput([...REQUIRED, "--inspector-port", "9229"]), /unknown flag --inspector-port/);
});

test("a flag without its value, a bad port and a bad var are refused", () => {
  assert.throws(() => startInput(["--config"]), /--config needs a value/);
  assert.throws(() => startInput(["--config", "--port", "1"]), /--config needs a value/);
  assert.throws(() => startInput([...REQUIRED, "--port", "http"]), /--port must be a port number/);
  assert.throws(() => startInput([...REQUIRED, "--var", "NOVALUE"]), /NAME:value/);
  assert.throws(() => startInput([...REQUIRED, "--var", ":x"]), /NAME:value/);
});

test("config, port and persistence are required", () => {
  assert.throws(() => startInput(["--port", "1", "--persist-to", "/p"]), /--config is required/);
  assert.throws(() => startInput(["--config", "c", "--persist-to", "/p"]), /--port is required/);
  assert.throws(() => startInput(["--config", "c", "--port", "1"]), /--persist-to is required/);
});
