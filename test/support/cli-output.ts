import { afterEach, beforeEach, vi } from "vitest";

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
