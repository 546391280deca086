import { redactSecrets } from "./redact";

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
 * Masks secrets (see redact.ts) in everything written to `stream` until the returned function is called.
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
