// `wrangler dev` without its DevTools inspector, for the benchmarks.
//
// `wrangler dev` always attaches an inspector proxy to the runtime and turns on its
// Network domain; the proxy then POSTs every runtime event (four or so per subrequest,
// and a Durable Object call is a subrequest) to wrangler's node process as a debug log,
// and keeps each one in a buffer that only an attached DevTools drains. Measured with
// the tenants bench at 240 messages/s: node took 69% of a core and the proxy's workerd
// 42%, against 62% for the worker itself, on a 2-core machine. Production has none of
// that, and the CLI has no switch for it, so the benchmarks start the same dev server
// through wrangler's `unstable_startWorker` (what `wrangler dev` runs) with
// `dev.inspector: false`. The end-to-end suite keeps the CLI.
//
//   node scripts/lib/dev-without-inspector.mjs --config <wrangler.toml> --ip 127.0.0.1
//     --port <n> --persist-to <dir> [--var NAME:value]... [--test-scheduled]
//
// It takes the CLI's spelling of the flags the harness passes, and refuses any other.
import { fileURLToPath } from "node:url";

/** The startWorker input for `argv` (the CLI's flags). Throws on a flag it does not
 * know, a flag without its value, or a missing --config, --port or --persist-to. */
export function startInput(argv) {
  const flags = { vars: {}, testScheduled: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) {
        throw new Error(`${flag} needs a value`);
      }
      return v;
    };
    switch (flag) {
      case "--config":
        flags.config = value();
        break;
      case "--ip":
        flags.ip = value();
        break;
      case "--port":
        flags.port = Number(value());
        if (!Number.isInteger(flags.port) || flags.port <= 0 || flags.port > 65535) {
          throw new Error(`--port must be a port number, not ${argv[i]}`);
        }
        break;
      case "--persist-to":
        flags.persist = value();
        break;
      case "--var": {
        const pair = value();
        const at = pair.indexOf(":");
        if (at <= 0) {
          throw new Error(`--var takes NAME:value, not ${pair}`);
        }
        flags.vars[pair.slice(0, at)] = pair.slice(at + 1);
        break;
      }
      case "--test-scheduled":
        flags.testScheduled = true;
        break;
      default:
        throw new Error(`unknown flag ${flag}`);
    }
  }
  for (const [name, given] of [
    ["--config", flags.config],
    ["--port", flags.port],
    ["--persist-to", flags.persist],
  ]) {
    if (given === undefined) {
      throw new Error(`${name} is required`);
    }
  }
  const bindings = Object.fromEntries(
    Object.entries(flags.vars).map(([name, value]) => [name, { type: "plain_text", value }]),
  );
  return {
    config: flags.config,
    bindings,
    dev: {
      inspector: false,
      persist: flags.persist,
      watch: false,
      testScheduled: flags.testScheduled,
      server: { hostname: flags.ip ?? "127.0.0.1", port: flags.port },
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { unstable_startWorker } = await import("wrangler");
  const worker = await unstable_startWorker(startInput(process.argv.slice(2)));
  await worker.ready;
  // wrangler logs "Ready on <url>" itself; the harness waits for that line.
  const stop = async () => {
    await worker.dispose();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
