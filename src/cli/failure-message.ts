import { oneLine } from "./errors";
import { redactSecrets } from "./redact";

/**
 * The one line printed for an error: folded to a line, and secrets masked whatever layer wrote the
 * message.
 */
export function failureMessage(error: unknown, env: NodeJS.ProcessEnv = process.env): string {
  return redactSecrets(oneLine(error), env);
}
