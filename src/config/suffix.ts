import { createHash } from "node:crypto";

/**
 * The 7-character lab suffix: `msl-<suffix>` (resource group), `databricks-<suffix>` (workspace), and the
 * globally unique names (storage, Key Vault, registry) are built from it.
 *
 * setup.ps1 draws it at random on every run, so a re-run makes a second lab. Here it is stable for a
 * stack: taken from config when set, else derived from project, stack and subscription. The subscription
 * is part of the input so two subscriptions using the same stack name (a classroom all running `lab`)
 * don't collide on global names, and soft-deleted names from a destroyed lab are predictable for purge.
 */
export const SUFFIX_LENGTH = 7;
export const SUFFIX_PATTERN = /^[0-9a-z]{7}$/;
const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

export function deriveSuffix(project: string, stack: string, subscriptionId: string): string {
  const digest = createHash("sha256").update(`${project}\n${stack}\n${subscriptionId.toLowerCase()}`).digest();
  let suffix = "";
  for (let i = 0; i < SUFFIX_LENGTH; i++) suffix += ALPHABET[digest[i] % ALPHABET.length];
  return suffix;
}
