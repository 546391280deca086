/**
 * Standalone ARM test server:
 *   npm run arm-test-server -- --seed inventory.json [--port N] [--time-scale 0.01] [--no-throttle]
 * Prints the URL, where the CA certificate was written, and the environment that points the CLI here.
 */
import { copyFileSync } from "node:fs";
import { resolve } from "node:path";
import { startArmTestServer } from "./server";

function usage(message?: string): never {
  if (message) process.stderr.write(`arm-test-server: ${message}\n`);
  process.stderr.write(
    "usage: npm run arm-test-server -- --seed <inventory.json> [--port N] [--time-scale S] [--no-throttle] [--graph-lag-ms MS] [--ca-out FILE] [--log FILE]\n",
  );
  process.exit(2);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opts: Record<string, string | boolean> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith("--")) usage(`unexpected argument '${a}'`);
    const key = a.slice(2);
    if (key === "no-throttle" || key === "help") opts[key] = true;
    else {
      const v = args[++i];
      if (v === undefined) usage(`--${key} needs a value`);
      opts[key] = v;
    }
  }
  if (opts.help) usage();
  if (typeof opts.seed !== "string") usage("--seed <inventory.json> is required");
  const num = (k: string) => {
    if (opts[k] === undefined) return undefined;
    const n = Number(opts[k]);
    if (!Number.isFinite(n) || n < 0) usage(`--${k} must be a non-negative number`);
    return n;
  };
  let server;
  try {
    server = await startArmTestServer({
      seed: resolve(opts.seed),
      port: num("port"),
      timeScale: num("time-scale"),
      graphLagMs: num("graph-lag-ms"),
      throttle: opts["no-throttle"] ? false : undefined,
      logFile: typeof opts.log === "string" ? resolve(opts.log) : undefined,
    });
  } catch (e) {
    usage((e as Error).message);
  }
  let caFile = server.caCertFile;
  if (typeof opts["ca-out"] === "string") {
    caFile = resolve(opts["ca-out"]);
    copyFileSync(server.caCertFile, caFile);
  }
  process.stdout.write(
    [
      `ARM test server listening on ${server.url}`,
      `CA certificate (PEM): ${caFile}`,
      "Point the CLI at it:",
      `  export MLFLOW_LAB_ARM_ENDPOINT=${server.url}`,
      "  export MLFLOW_LAB_ACCESS_TOKEN=anything",
      `  export NODE_EXTRA_CA_CERTS=${caFile}`,
      "Ctrl-C stops it.",
      "",
    ].join("\n"),
  );
  const stop = () => {
    void server.stop().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

void main();
