import { afterEach, describe, expect, it, vi } from "vitest";
import { progressBar, setJsonOutput } from "../../../src/cli/output-mode";

const wasTTY = process.stderr.isTTY;
function asTerminal(on: boolean): void {
  Object.defineProperty(process.stderr, "isTTY", { value: on, configurable: true, writable: true });
}

afterEach(() => {
  asTerminal(wasTTY);
  setJsonOutput(false);
  vi.restoreAllMocks();
});

describe("progressBar", () => {
  it("is undefined when stderr is not a terminal, or with --json at one", () => {
    asTerminal(false);
    expect(progressBar({ format: "{bar}" })).toBeUndefined();
    asTerminal(true);
    setJsonOutput(true);
    expect(progressBar({ format: "{bar}" })).toBeUndefined();
  });

  it("draws nothing before the first event, starts on it, and stop() before a start is a no-op", () => {
    asTerminal(true);
    let written = "";
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((written += String(chunk)), true));
    const bar = progressBar({ format: "step {bar} {value}/{total}", shades: true })!;
    bar.stop();
    expect(written).toBe("");
    bar.update(1, 4);
    bar.update(2, 4);
    expect(written).toContain("/4");
    bar.stop();
    bar.stop();
  });
});
