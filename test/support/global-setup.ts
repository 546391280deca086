import { ensurePythonEnv } from "./python-env";
import { PYTHON_ENVS } from "./python-envs";

/**
 * vitest globalSetup for the `integration` project: one-time preparation that is cheap to reuse (the
 * Python venvs, each keyed by its constraints file). Services (MLflow servers, Azurite, the ARM test
 * server, Caddy) are started by the test files that need them.
 */
export async function setup(): Promise<void> {
  const log = (line: string) => process.stderr.write(`[global-setup] ${line}\n`);
  const started = Date.now();
  // Installs are mostly downloads and unpacking: building them side by side saves minutes on a clean machine.
  const results = await Promise.all(Object.values(PYTHON_ENVS).map((spec) => ensurePythonEnv(spec, log)));
  const built = results.filter((r) => !r.reused).length;
  if (built > 0) log(`${built} venv(s) built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
