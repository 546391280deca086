import { UserInputError } from "../errors";

/**
 * The exit code of a failed command: 2 for bad input (nothing was created), 1 for everything else.
 * The error types themselves live in src/errors.ts, below every layer.
 */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UserInputError) return 2;
  return 1;
}
