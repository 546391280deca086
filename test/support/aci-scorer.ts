import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { readScorerFiles } from "../../src/lab/endpoints/aci-files";
import { freePort, startService, type RunningService } from "./mlflow/process";
import { venvRoot } from "./python-env";

/**
 * The ACI scorer recipe run here as in Azure: the same files (src/lab/endpoints/aci/, laid out flat as
 * the group's secret volume has them), the same start script with `sh`, the same Caddyfile with the
 * Debian package's Caddy. What differs is only what the environment names: a local MLflow tracking
 * server instead of the Azure ML workspace, free ports instead of 80/443, `tls internal` (a local CA)
 * instead of Let's Encrypt, and a scorer root that keeps its environments between runs.
 */

/** The secret volume as a folder: file name → the repository's content. */
export function writeScorerFiles(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(readScorerFiles())) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

/**
 * Where the scorer keeps its environments in tests: next to the test venvs, so a second run (and CI on
 * the same machine) reuses them, as SCORER_ROOT allows. A fresh root measures a cold start (the bench).
 */
export function sharedScorerRoot(): string {
  return path.join(venvRoot(), "aci-scorer");
}

export interface ScorerRun extends RunningService {
  /** Everything the start script and the scoring server printed (phases, warnings, access log). */
  log(): string;
}

export async function startScorer(options: {
  files: string;
  root: string;
  modelUri: string;
  trackingUri: string;
  logFile: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}): Promise<ScorerRun> {
  const port = await freePort();
  // The scorer's environments carry MLflow: the test process's own MLflow settings must not leak in.
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("MLFLOW_") && key !== "VIRTUAL_ENV"));
  const service = await startService({
    name: "ACI scorer (start-scorer.sh)",
    command: "sh",
    args: [path.join(options.files, "start-scorer.sh")],
    env: {
      ...base,
      SCORER_FILES: options.files,
      SCORER_ROOT: options.root,
      SCORER_PORT: String(port),
      SCORER_DOWNLOAD_TRIES: "1",
      MODEL_URI: options.modelUri,
      MLFLOW_TRACKING_URI: options.trackingUri,
      MLFLOW_DISABLE_TELEMETRY: "true",
      DO_NOT_TRACK: "true",
      ...options.env,
    },
    cwd: path.dirname(options.logFile),
    port,
    readyUrl: `http://127.0.0.1:${port}/ping`,
    logFile: options.logFile,
    timeoutMs: options.timeoutMs ?? 600_000,
  });
  return { ...service, log: () => fs.readFileSync(options.logFile, "utf8") };
}

export interface CaddyRun {
  httpsUrl: string;
  httpUrl: string;
  /** The local CA's root certificate (PEM) that `tls internal` signs with: the client trusts only it. */
  rootCa: string;
  log(): string;
  stop(): Promise<void>;
}

/** Caddy with the repository's Caddyfile, in front of a scorer on 127.0.0.1:<scorerPort>. */
export async function startCaddy(options: { files: string; key: string; scorerPort: number; dataDir: string; logFile: string }): Promise<CaddyRun> {
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: options.dataDir,
    XDG_DATA_HOME: path.join(options.dataDir, "data"),
    XDG_CONFIG_HOME: path.join(options.dataDir, "config"),
    MLFLOW_LAB_SITE: "localhost",
    MLFLOW_LAB_TLS_ISSUER: "internal",
    MLFLOW_LAB_HTTP_PORT: String(httpPort),
    MLFLOW_LAB_HTTPS_PORT: String(httpsPort),
    MLFLOW_LAB_ENDPOINT_KEY: options.key,
    MLFLOW_LAB_SCORER_ADDRESS: `127.0.0.1:${options.scorerPort}`,
  };
  const service = await startService({
    name: "caddy",
    command: "caddy",
    args: ["run", "--config", path.join(options.files, "Caddyfile"), "--adapter", "caddyfile"],
    env,
    cwd: options.dataDir,
    port: httpPort,
    // Port 80's only answer to a request is the redirect to HTTPS.
    readyUrl: `http://localhost:${httpPort}/`,
    readyStatus: (status) => status === 308 || status === 301,
    logFile: options.logFile,
    timeoutMs: 30_000,
  });
  const rootFile = path.join(env.XDG_DATA_HOME, "caddy", "pki", "authorities", "local", "root.crt");
  for (let i = 0; i < 100 && !fs.existsSync(rootFile); i++) await new Promise((r) => setTimeout(r, 100));
  return {
    httpsUrl: `https://localhost:${httpsPort}`,
    httpUrl: `http://localhost:${httpPort}`,
    rootCa: fs.readFileSync(rootFile, "utf8"),
    log: () => fs.readFileSync(options.logFile, "utf8"),
    stop: service.stop,
  };
}

/** Whether Caddy is installed (CI installs the Debian package in .ci/run). */
export function caddyVersion(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("caddy", ["version"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.on("error", () => reject(new Error("caddy is not installed (Debian: apt-get install -y caddy; .ci/run installs it)")));
    child.on("exit", () => resolve(out.trim()));
  });
}
