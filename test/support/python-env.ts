import { spawnSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The Python environment the integration tests use for real MLflow. It is created by the tests
 * themselves (CI starts from a clean clone), pinned by test/support/requirements-mlflow.txt, and reused
 * while a stamp of that file's hash (plus the base interpreter's version) matches, because a fresh
 * install of MLflow takes minutes.
 */

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const VENV_DIR = path.join(REPO_ROOT, ".venv-test");
export const REQUIREMENTS_FILE = path.join(__dirname, "requirements-mlflow.txt");
const STAMP_FILE = path.join(VENV_DIR, ".requirements-stamp");
const MIN_PYTHON: [number, number] = [3, 10];

export interface PythonEnv {
  /** Absolute path of the venv's python. */
  python: string;
  /** Absolute path of a console script installed in the venv (e.g. `mlflow`). */
  bin(name: string): string;
  /** Environment for child processes: venv first on PATH, quiet Python. */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
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

/** The interpreter that builds the venv: MLFLOW_LAB_PYTHON, else the first python3.x ≥ 3.10 on PATH. */
export function findBasePython(env: NodeJS.ProcessEnv = process.env): { executable: string; version: string } {
  const candidates = env.MLFLOW_LAB_PYTHON
    ? [env.MLFLOW_LAB_PYTHON]
    : ["python3", "python3.13", "python3.12", "python3.11", "python3.10", "python"];
  for (const candidate of candidates) {
    const version = pythonVersionOf(candidate);
    if (version && atLeastMin(version)) return { executable: candidate, version: version.join(".") };
  }
  throw new Error(
    `the integration tests need Python >= ${MIN_PYTHON.join(".")} to install MLflow; tried ${candidates.join(", ")} ` +
      "(set MLFLOW_LAB_PYTHON to an interpreter path)",
  );
}

function stampFor(baseVersion: string): string {
  const requirements = fs.readFileSync(REQUIREMENTS_FILE);
  return createHash("sha256").update(requirements).update(`\npython ${baseVersion}\n`).digest("hex");
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

/**
 * Creates (or reuses) .venv-test/. Returns how long the install took (0 when reused) so the setup can
 * print it: the figure matters to whoever runs the suite for the first time.
 */
export async function ensurePythonEnv(
  log: (line: string) => void = () => undefined,
): Promise<{ env: PythonEnv; installSeconds: number; reused: boolean }> {
  const base = findBasePython();
  const stamp = stampFor(base.version);
  const env = wrap(VENV_DIR);
  if (fs.existsSync(STAMP_FILE) && fs.readFileSync(STAMP_FILE, "utf8").trim() === stamp && fs.existsSync(env.python)) {
    return { env, installSeconds: 0, reused: true };
  }
  const started = Date.now();
  log(`creating ${path.relative(REPO_ROOT, VENV_DIR)}/ with Python ${base.version} (MLflow install takes a few minutes)`);
  fs.rmSync(VENV_DIR, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(VENV_DIR), { recursive: true });
  const logFile = path.join(REPO_ROOT, ".venv-test.install.log");
  fs.writeFileSync(logFile, "");
  await run(base.executable, ["-m", "venv", VENV_DIR], logFile);
  await run(env.python, ["-m", "pip", "install", "--disable-pip-version-check", "--upgrade", "pip"], logFile);
  await run(
    env.python,
    ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "-r", REQUIREMENTS_FILE],
    logFile,
  );
  fs.writeFileSync(STAMP_FILE, `${stamp}\n`);
  const installSeconds = (Date.now() - started) / 1000;
  log(`.venv-test/ ready in ${installSeconds.toFixed(0)} s`);
  return { env, installSeconds, reused: false };
}

/** The venv as it is now, for helpers used inside test files (global setup already made it). */
export function pythonEnv(): PythonEnv {
  const env = wrap(VENV_DIR);
  if (!fs.existsSync(env.python)) {
    throw new Error(".venv-test/ is missing: run the tests through vitest's integration project (its global setup builds it)");
  }
  return env;
}
