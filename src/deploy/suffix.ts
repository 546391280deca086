import { randomInt } from "node:crypto";

/**
 * A new lab's suffix: 7 characters from [0-9a-z] (setup.ps1's alphabet, so `msl-<suffix>` names look
 * the same), chosen with a cryptographic generator and stored in the stack config, so a re-run of the
 * same stack reuses it and resumes instead of creating a second lab.
 */
const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

export function randomSuffix(random: (max: number) => number = (max) => randomInt(0, max)): string {
  let suffix = "";
  for (let i = 0; i < 7; i++) suffix += ALPHABET[random(ALPHABET.length)];
  return suffix;
}

export const SUFFIX_PATTERN = /^[0-9a-z]{7}$/;

export function labResourceGroup(suffix: string): string {
  return `msl-${suffix}`;
}

export function labWorkspace(suffix: string): string {
  return `databricks-${suffix}`;
}
