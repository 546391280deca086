/**
 * A registered model version written as `name:version`, e.g. `Penguin Predictor:1` (Databricks workspace
 * registry) or `penguin-classifier:3` (Azure ML). The version is the registry's integer version.
 */
export interface ModelRef {
  name: string;
  version: string;
}

/**
 * Azure ML asset names: letters, digits, `-`, `_`, `.`, starting with a letter or digit, at most 255
 * characters. No spaces, unlike the Databricks workspace registry ("Penguin Predictor").
 */
export const AZURE_ML_MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;

/** Splits on the last colon so names may contain colons; returns undefined for anything else. */
export function parseModelRef(text: string): ModelRef | undefined {
  const at = text.lastIndexOf(":");
  if (at <= 0) return undefined;
  const name = text.slice(0, at).trim();
  const version = text.slice(at + 1).trim();
  if (name === "" || !/^[1-9]\d*$/.test(version)) return undefined;
  return { name, version };
}
