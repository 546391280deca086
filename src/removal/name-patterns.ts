/**
 * Resource-group name patterns that cleanup never touches, whatever their tags say. Patterns are globs
 * (`*` any run of characters, `?` one character) matched against the whole name without regard to case,
 * because ARM resource-group names are case-insensitive.
 */
export const DEFAULT_PROTECTED_NAME_PATTERNS: readonly string[] = [
  // Groups that Azure services create and manage for themselves.
  "databricks-rg-*",
  "MC_*",
  "NetworkWatcherRG",
  "DefaultResourceGroup-*",
  "cloud-shell-storage-*",
  "AzureBackupRG*",
  "ME_*",
];

export function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`, "i");
}

const compiled = new Map<string, RegExp>();

/** The first pattern that matches the name, if any. */
export function matchingPattern(name: string, patterns: readonly string[]): string | undefined {
  return patterns.find((pattern) => {
    let regExp = compiled.get(pattern);
    if (!regExp) compiled.set(pattern, (regExp = globToRegExp(pattern)));
    return regExp.test(name);
  });
}
