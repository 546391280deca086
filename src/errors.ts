/**
 * The toolkit's error types and their one-line wording. Every message is one line that names the field,
 * file or resource at fault and says what is accepted or what to do next. No imports: every layer may
 * throw these. `exitCode` is what each kind means to a script; the CLI turns any error into its exit
 * code (src/cli/errors.ts).
 */

/** Bad input from the user (flags, config, files): nothing was created. The CLI exits with 2. */
export class UserInputError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = "UserInputError";
  }
}

/** The operation ran but failed (Azure said no, a deployment failed). The CLI exits with 1. */
export class OperationFailedError extends Error {
  readonly exitCode = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "OperationFailedError";
  }
}

/** One line, never a stack trace: newlines folded so scripts can grep the message. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*\n\s*/g, " ").trim();
}
