import * as readline from "node:readline/promises";
import { UserInputError } from "../errors";
import type { SubscriptionSummary } from "../regions/sources/subscription";

/**
 * The two questions deploy may ask, only on a terminal: which subscription (when several are usable and
 * none was named), and whether to go ahead (unless --yes). Without a terminal they are input errors
 * that name the flag to pass, so hosted labs never hang on a prompt.
 */
export interface PromptIO {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
}

/** Asks which of several usable subscriptions (regions/sources/live.ts chooseSubscription decides when). */
export async function pickSubscription(subscriptions: readonly SubscriptionSummary[], io: PromptIO): Promise<string> {
  if (!io.input.isTTY) {
    throw new UserInputError(`several subscriptions are usable (${subscriptions.map((s) => s.id).join(", ")}); pass --subscription ID`);
  }
  const rl = readline.createInterface({ input: io.input, output: io.output });
  try {
    subscriptions.forEach((s, i) => io.output.write(`[${i}]: ${s.displayName ?? s.id} (ID = ${s.id})\n`));
    for (;;) {
      const answer = (await rl.question(`Enter 0 to ${subscriptions.length - 1}: `)).trim();
      const index = /^\d+$/.test(answer) ? Number(answer) : -1;
      if (index >= 0 && index < subscriptions.length) return subscriptions[index]!.id;
      io.output.write("Please enter a valid subscription number.\n");
    }
  } finally {
    rl.close();
  }
}

export async function confirm(question: string, io: PromptIO): Promise<boolean> {
  if (!io.input.isTTY) throw new UserInputError("deploy needs a confirmation and there is no terminal to ask on; pass --yes");
  const rl = readline.createInterface({ input: io.input, output: io.output });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}
