import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PYTHON_ENVS, type PythonEnvName, type PythonEnvSpec } from "./python-envs";

/**
 * The Python environments the tests run real code in (MLflow servers, the lab notebook on local Spark,
 * the ACI scorer recipe). Each one is described by a single constraints file (every package pinned,
 * compiled from its requirements.in by `npm run lock:python`), and built once per content of that file
 * and base interpreter version: the venv lives in a cache directory named after that hash, so a clean
 * clone on the same machine (CI) reuses it, and a changed file builds a new one next to it.
 */

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
const MIN_PYTHON: [number, number] = [3, 10];

export interface PythonEnv {
  /** Absolute path of the venv's python. */
  python: string;
  /** The venv's directory. */
  dir: string;
  /** Absolute path of a console script installed in the venv (e.g. `mlflow`). */
  bin(name: string): string;
  /** Environment for child processes: venv first on PATH, quiet Python. */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
}

/** Where venvs are kept: MLFLOW_LAB_VENV_ROOT, else ~/.cache/azure-mlflow-lab/venvs. */
export function venvRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.MLFLOW_LAB_VENV_ROOT ?? path.join(os.homedir(), ".cache", "azure-mlflow-lab", "venvs");
}

function venvBinDir(venv: string): string {
  return process.platform === "win32" ? path.join(venv, "Scripts") : path.join(venv, "bin");
}

function pythonVersionOf(executable: string): [number, number, number] | undefined {
  const probe = spawnSync(executable, ["-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"], {
    encoding: "utf8",
  });
  if (probe.status !== 0) return undefined;
  const parts = probe.stdout.trim().split(".").map(Number);
  return parts.length === 3 && parts.every(Number.isFinite) ? (parts as [number, number, number]) : undefined;
}

function atLeastMin(v: [number, number, number]): boolean {
  return v[0] > MIN_PYTHON[0] || (v[0] === MIN_PYTHON[0] && v[1] >= MIN_PYTHON[1]);
}

/** The interpreter that builds the venvs: MLFLOW_LAB_PYTHON, else the first python3.x ≥ 3.10 on PATH. */
export function findBasePython(env: NodeJS.ProcessEnv = process.env): { executable: string; version: string } {
  const candidates = env.MLFLOW_LAB_PYTHON
    ? [env.MLFLOW_LAB_PYTHON]
    : ["python3", "python3.13", "python3.12", "python3.11", "python3.10", "python"];
  for (const candidate of candidates) {
    const version = pythonVersionOf(candidate);
    if (version && atLeastMin(version)) return { executable: candidate, version: version.join(".") };
  }
  throw new Error(
    `the tests need Python >= ${MIN_PYTHON.join(".")} to build their venvs; tried ${candidates.join(", ")} ` +
      "(set MLFLOW_LAB_PYTHON to an interpreter path)",
  );
}

let basePython: { executable: string; version: string } | undefined;
function base(): { executable: string; version: string } {
  basePython ??= findBasePython();
  return basePython;
}

/** The venv directory for a spec: its name plus a hash of its constraints file and the base Python version. */
export function venvDirFor(spec: PythonEnvSpec, baseVersion = base().version): string {
  const content = fs.readFileSync(spec.constraintsFile);
  const hash = createHash("sha256").update(content).update(`\npython ${baseVersion}\n`).digest("hex").slice(0, 16);
  return path.join(venvRoot(), `${spec.name}-${hash}`);
}

function run(command: string, args: string[], logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const log = fs.openSync(logFile, "a");
    const child = spawn(command, args, { stdio: ["ignore", log, log], env: { ...process.env, PIP_NO_INPUT: "1" } });
    child.on("error", (error) => {
      fs.closeSync(log);
      reject(error);
    });
    child.on("exit", (code) => {
      fs.closeSync(log);
      if (code === 0) resolve();
      else reject(new Error(`${path.basename(command)} ${args.join(" ")} failed (exit ${code}); see ${logFile}`));
    });
  });
}

function wrap(venv: string): PythonEnv {
  const binDir = venvBinDir(venv);
  return {
    dir: venv,
    python: path.join(binDir, process.platform === "win32" ? "python.exe" : "python"),
    bin: (name) => path.join(binDir, name),
    env: (extra = {}) => ({
      ...process.env,
      PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ""}`,
      VIRTUAL_ENV: venv,
      PYTHONUNBUFFERED: "1",
      PYTHONWARNINGS: "ignore",
      // Keep MLflow from phoning home or probing git during tests.
      MLFLOW_DISABLE_TELEMETRY: "true",
      DO_NOT_TRACK: "true",
      GIT_PYTHON_REFRESH: "quiet",
      ...extra,
    }),
  };
}

const READY_MARKER = ".ready";
/** A lock older than this belongs to a build that died (a venv install takes minutes, not an hour). */
const STALE_LOCK_MS = 60 * 60_000;

/**
 * Takes the build lock (a directory: mkdir is atomic). Another process building the same venv (a second
 * checkout's test run) is waited for; returns false when that build finished, so there is nothing to do.
 */
async function acquireLock(lock: string, done: () => boolean): Promise<boolean> {
  for (;;) {
    try {
      fs.mkdirSync(lock);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    if (done()) return false;
    const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > STALE_LOCK_MS) fs.rmSync(lock, { recursive: true, force: true });
    else await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

/**
 * Creates (or reuses) the venv of `spec`. It is built in a temporary directory and renamed into place
 * when complete, so an interrupted install never leaves a venv that looks ready. Returns how long the
 * install took (0 when reused): the figure matters to whoever runs the suite for the first time.
 */
export async function ensurePythonEnv(
  spec: PythonEnvSpec,
  log: (line: string) => void = () => undefined,
): Promise<{ env: PythonEnv; installSeconds: number; reused: boolean }> {
  const { executable, version } = base();
  const dir = venvDirFor(spec, version);
  if (fs.existsSync(path.join(dir, READY_MARKER))) return { env: wrap(dir), installSeconds: 0, reused: true };

  const started = Date.now();
  log(`building the ${spec.name} venv with Python ${version} from ${path.relative(REPO_ROOT, spec.constraintsFile)}`);
  fs.mkdirSync(venvRoot(), { recursive: true });
  // venvs hard-code their own path in their scripts, so the build happens at the final path under a lock
  // directory; a leftover half-built directory (no ready marker) is removed first.
  const lock = `${dir}.lock`;
  if (!(await acquireLock(lock, () => fs.existsSync(path.join(dir, READY_MARKER))))) {
    return { env: wrap(dir), installSeconds: 0, reused: true };
  }
  try {
    fs.rmSync(dir, { recursive: true, force: true });
    const logFile = `${dir}.install.log`;
    fs.writeFileSync(logFile, "");
    await run(executable, ["-m", "venv", dir], logFile);
    const python = wrap(dir).python;
    await run(python, ["-m", "pip", "install", "--disable-pip-version-check", "--upgrade", "pip"], logFile);
    await run(
      python,
      ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "-r", spec.constraintsFile],
      logFile,
    );
    // The file pins every package; `pip check` proves the set is consistent on this interpreter.
    await run(python, ["-m", "pip", "check"], logFile);
    fs.writeFileSync(path.join(dir, READY_MARKER), `${new Date().toISOString()}\n`);
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
  const installSeconds = (Date.now() - started) / 1000;
  log(`${spec.name} venv ready in ${installSeconds.toFixed(0)} s`);
  return { env: wrap(dir), installSeconds, reused: false };
}

/** A venv as it is now, for helpers used inside test files (the integration project's global setup built it). */
export function pythonEnv(name: PythonEnvName = "mlflow"): PythonEnv {
  const dir = venvDirFor(PYTHON_ENVS[name]);
  if (!fs.existsSync(path.join(dir, READY_MARKER))) {
    throw new Error(
      `the ${name} venv is missing (${dir}): run the tests through vitest's integration project, whose global setup builds it`,
    );
  }
  return wrap(dir);
}
