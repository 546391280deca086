import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";

/**
 * Starting and stopping the real services the integration tests use (MLflow tracking server, MLflow
 * scoring server, Azurite): a free port, a readiness probe over HTTP, the child's output kept in a log
 * file for when a test fails, and a shutdown that waits for the process (and its workers) to exit.
 */

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface RunningService {
  url: string;
  port: number;
  logFile: string;
  stop(): Promise<void>;
}

export interface ServiceSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  port: number;
  /** URL that answers 2xx once the service is ready. */
  readyUrl: string;
  logFile: string;
  timeoutMs?: number;
  /** Which HTTP status means ready; default any 2xx. */
  readyStatus?: (status: number) => boolean;
}

/**
 * freePort() closes its probe before the service binds, so under a busy test run another process can take
 * the port in between. A service that exits because its port is taken (uvicorn exits 3, gunicorn says
 * "Connection in use") is started again on a new port, at most `attempts` times.
 */
export async function startOnFreePort(
  spec: (port: number) => ServiceSpec,
  attempts = 3,
): Promise<RunningService> {
  for (let attempt = 1; ; attempt++) {
    const built = spec(await freePort());
    try {
      return await startService(built);
    } catch (error) {
      const log = fs.existsSync(built.logFile) ? fs.readFileSync(built.logFile, "utf8") : "";
      if (attempt >= attempts || !PORT_TAKEN.test(log)) throw error;
      fs.appendFileSync(built.logFile, `\n--- port ${built.port} was taken; starting again on another port ---\n`);
    }
  }
}
const PORT_TAKEN = /address already in use|Connection in use|EADDRINUSE/i;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function tail(file: string, lines = 20): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Spawns the service in its own process group so stop() also ends gunicorn/uvicorn workers. */
export async function startService(spec: ServiceSpec): Promise<RunningService> {
  const log = fs.openSync(spec.logFile, "a");
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env ?? process.env,
    stdio: ["ignore", log, log],
    detached: process.platform !== "win32",
  });
  fs.closeSync(log);
  let exited = false;
  child.once("exit", () => (exited = true));
  const kill = (signal: NodeJS.Signals) => {
    if (child.pid === undefined || exited) return;
    try {
      if (process.platform !== "win32") process.kill(-child.pid, signal);
      else child.kill(signal);
    } catch {
      // already gone
    }
  };
  const stop = async () => {
    kill("SIGTERM");
    if (!(await waitForExit(child, 10_000))) {
      kill("SIGKILL");
      await waitForExit(child, 5_000);
    }
  };

  const deadline = Date.now() + (spec.timeoutMs ?? 90_000);
  for (;;) {
    if (exited) {
      throw new Error(`${spec.name} exited before it was ready; last log lines:\n${tail(spec.logFile)}`);
    }
    try {
      // A redirect is an answer too (Caddy's port 80 answers with one): it is not followed.
      const response = await fetch(spec.readyUrl, { signal: AbortSignal.timeout(2_000), redirect: "manual" });
      await response.arrayBuffer();
      if ((spec.readyStatus ?? ((s: number) => s >= 200 && s < 300))(response.status)) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${spec.name} was not ready at ${spec.readyUrl} in time; last log lines:\n${tail(spec.logFile)}`);
    }
    await sleep(250);
  }
  return { url: `http://127.0.0.1:${spec.port}`, port: spec.port, logFile: spec.logFile, stop };
}
