import { oneLine } from "../errors";
import { redactSecrets } from "../secrets/redact";

/**
 * The one line printed for an error: folded to a line, known low-level failures put in words a person
 * can act on, and secrets masked whatever layer wrote the message.
 */
const PULUMI_MISSING = /spawn pulumi ENOENT|pulumi: (command )?not found/i;

export function failureMessage(error: unknown, env: NodeJS.ProcessEnv = process.env): string {
  let text = oneLine(error);
  if (PULUMI_MISSING.test(text)) {
    text =
      "the Pulumi CLI is not installed or not on PATH: install it (https://www.pulumi.com/docs/iac/download-install/; in Cloud Shell scripts/setup.sh does) " +
      "— score and push-model can read the stack's outputs from --outputs <file> instead";
  }
  return redactSecrets(text, env);
}
