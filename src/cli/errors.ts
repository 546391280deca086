/**
 * Errors the CLI turns into exit codes. Every message is one line that names the field, file or
 * resource at fault and says what is accepted or what to do next.
 */

/** Bad input from the user (flags, config, files): exit code 2, nothing was created. */
export class UserInputError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = "UserInputError";
  }
}

/** The operation ran but failed (Azure said no, a deployment failed): exit code 1. */
export class OperationFailedError extends Error {
  readonly exitCode = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "OperationFailedError";
  }
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof UserInputError) return 2;
  return 1;
}

/** One line, never a stack trace: newlines folded so scripts can grep the message. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*\n\s*/g, " ").trim();
}
