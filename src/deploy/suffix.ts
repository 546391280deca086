import { labNames } from "../lab/naming";

/**
 * The lab's resource group name. Only an alias of labNames(suffix).resourceGroup, kept because
 * src/cli/commands/deploy.ts imports it; new code uses labNames (src/lab/naming.ts) directly.
 */
export function labResourceGroup(suffix: string): string {
  return labNames(suffix).resourceGroup;
}
