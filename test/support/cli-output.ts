import { afterEach, beforeEach, vi } from "vitest";
import { main } from "../../src/cli/main";

export interface CliOutput {
  out: string;
  err: string;
}

/**
 * For tests that run the CLI's main() in process: collects what each test's run writes to stdout and
 * stderr, and afterwards puts back the real streams, the environment as it was when this was called, and
 * process.exitCode (main sets it). Call at the top of a test file; a test may reset `out`/`err` itself.
 */
export function captureCliOutput(): CliOutput {
  const captured: CliOutput = { out: "", err: "" };
  const savedEnv = { ...process.env };
  beforeEach(() => {
    captured.out = "";
    captured.err = "";
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((captured.out += String(chunk)), true));
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((captured.err += String(chunk)), true));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.env = { ...savedEnv };
    process.exitCode = undefined;
  });
  return captured;
}

/**
 * Runs the CLI's main() in process once, with `env` added to the environment for that run only, and
 * returns its exit code and what it wrote (for tests that run it a few times among other work).
 */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const saved = { ...process.env };
  Object.assign(process.env, env);
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += chunk.toString()), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += chunk.toString()), true)) as typeof process.stderr.write;
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.env = saved;
    process.exitCode = undefined;
  }
}
