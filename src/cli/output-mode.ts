import type { SingleBar } from "cli-progress";
import { redactSecrets } from "../secrets/redact";

/**
 * Whether the running command was asked for --json. Progress (bars, step lines) is for people at a
 * terminal: it goes to stderr, and never when --json is set, so a script that captures both streams
 * gets the JSON document and nothing else. main.ts sets the mode before a command's action runs; code
 * that shows progress without seeing the command's options (the live region reader shared with `plan`)
 * asks here.
 */
let jsonOutput = false;

export function setJsonOutput(on: boolean): void {
  jsonOutput = on;
}

/** A progress bar only for a person at a terminal, and never with --json. */
export function showProgressBar(stream: { isTTY?: boolean } = process.stderr): boolean {
  return !jsonOutput && stream.isTTY === true;
}

/**
 * Colours only for a person at a terminal, and never when NO_COLOR is set to anything but "" (https://no-color.org:
 * "when present and not an empty string (regardless of its value), prevents the addition of ANSI color").
 */
export function useColor(stream: { isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

/** A progress bar that draws from its first event on; see progressBar(). */
export interface ProgressBar {
  /** Starts the bar at `value` of `total` when it is not running (first event, or after stop()); else moves it. */
  update(value: number, total: number, payload?: Record<string, unknown>): void;
  /** Stops (and clears) the bar if it is running. */
  stop(): void;
}

export interface ProgressBarOptions {
  /** cli-progress format, e.g. "uploading [{bar}] {percentage}% {value}/{total} MB". */
  format: string;
  /** cli-progress's shades_classic look (else its default). */
  shades?: boolean;
  hideCursor?: boolean;
}

/**
 * A progress bar on stderr for a person at a terminal (showProgressBar()); undefined otherwise, so callers
 * skip the work. cli-progress is loaded and the bar started only on the first event: a command that ends
 * before any progress (an error, nothing to do) draws nothing and never loads it.
 */
export function progressBar(options: ProgressBarOptions): ProgressBar | undefined {
  if (!showProgressBar()) return undefined;
  let bar: SingleBar | undefined;
  let running = false;
  return {
    update(value, total, payload) {
      if (running) {
        bar!.update(value, payload);
        return;
      }
      if (!bar) {
        // require, not import(): the CLI runs as CommonJS through tsx, which compiles on require.
        const progress = require("cli-progress") as typeof import("cli-progress");
        const settings = { format: options.format, clearOnComplete: true, stream: process.stderr, ...(options.hideCursor ? { hideCursor: true } : {}) };
        bar = options.shades ? new progress.SingleBar(settings, progress.Presets.shades_classic) : new progress.SingleBar(settings);
      }
      bar.start(total, value, payload);
      running = true;
    },
    stop() {
      if (!running) return;
      bar!.stop();
      running = false;
    },
  };
}

/**
 * Masks secrets (src/secrets/redact.ts) in everything written to `stream` until the returned function is called.
 * main() puts it on stderr for the whole command, so progress and log lines written from anywhere (deploy's
 * and teardown's step lines, a warning quoting a runtime's message, a progress bar's label) pass through
 * redactSecrets like the final error line does. stdout, which carries the command's result, is left as is.
 */
export function maskSecretsIn(stream: NodeJS.WritableStream = process.stderr): () => void {
  const write = stream.write;
  const masked = function (this: unknown, chunk: unknown, ...rest: unknown[]): boolean {
    return (write as (...args: unknown[]) => boolean).call(stream, typeof chunk === "string" ? redactSecrets(chunk) : chunk, ...rest);
  };
  stream.write = masked as typeof stream.write;
  return () => {
    if (stream.write === masked) stream.write = write;
  };
}
