import { createHash, randomInt } from "node:crypto";

/**
 * The 7-character lab suffix: `msl-<suffix>` (resource group), `databricks-<suffix>` (workspace), and the
 * globally unique names (storage, Key Vault, registry) are built from it (src/lab/naming.ts labNames).
 *
 * setup.ps1 draws it at random on every run, so a re-run makes a second lab. Here it is stable for a
 * stack: taken from config when set, else derived from project, stack and subscription. The subscription
 * is part of the input so two subscriptions using the same stack name (a classroom all running `lab`)
 * don't collide on global names, and soft-deleted names from a destroyed lab are predictable for purge.
 * `mlflow-lab deploy` instead draws one at random for a new stack and stores it in the stack config, so a
 * re-run of that stack reuses it.
 */
export const SUFFIX_LENGTH = 7;
export const SUFFIX_PATTERN = /^[0-9a-z]{7}$/;
/** setup.ps1's alphabet, so `msl-<suffix>` names look the same. */
const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

export function deriveSuffix(project: string, stack: string, subscriptionId: string): string {
  const digest = createHash("sha256").update(`${project}\n${stack}\n${subscriptionId.toLowerCase()}`).digest();
  let suffix = "";
  for (let i = 0; i < SUFFIX_LENGTH; i++) suffix += ALPHABET[digest[i] % ALPHABET.length];
  return suffix;
}

/** A new suffix from a cryptographic generator (`random` is injectable for tests). */
export function randomSuffix(random: (max: number) => number = (max) => randomInt(0, max)): string {
  let suffix = "";
  for (let i = 0; i < SUFFIX_LENGTH; i++) suffix += ALPHABET[random(ALPHABET.length)];
  return suffix;
}
