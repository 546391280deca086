import { ensurePythonEnv } from "./python-env";

/**
 * vitest globalSetup for the `integration` project: a thin list of one-time preparation steps. Each
 * step prepares something cheap to reuse (the MLflow venv); services (MLflow servers, Azurite, the ARM
 * test server) are started by the test files that need them. Add a step by appending to `steps`.
 */

type Step = { name: string; run: (log: (line: string) => void) => Promise<void> };

const steps: Step[] = [
  {
    name: "python venv with MLflow (.venv-test/)",
    run: async (log) => {
      const { installSeconds, reused } = await ensurePythonEnv(log);
      if (!reused) log(`MLflow venv installed in ${installSeconds.toFixed(0)} s`);
    },
  },
];

export async function setup(): Promise<void> {
  const log = (line: string) => process.stderr.write(`[global-setup] ${line}\n`);
  for (const step of steps) {
    const started = Date.now();
    await step.run(log);
    const seconds = (Date.now() - started) / 1000;
    if (seconds > 1) log(`${step.name}: ${seconds.toFixed(1)} s`);
  }
}
