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
