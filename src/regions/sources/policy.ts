import type { PolicyClient } from "@azure/arm-policy";
import { normalizeLocation } from "../normalize";
import type { PolicySignals } from "../signals";

/**
 * Policy-allowed locations: the built-in "Allowed locations" definition (or the Azure for Students
 * `sys.regionrestriction` assignment) assigned at the subscription or inherited from management groups.
 * Several such assignments all apply, so their lists intersect. `DoNotEnforce` assignments are ignored.
 */
export const ALLOWED_LOCATIONS_DEFINITION = "e56962a6-4747-49cd-b67b-bf8b01975c4c";

interface AssignmentLike {
  name?: string;
  policyDefinitionId?: string;
  enforcementMode?: string;
  parameters?: Record<string, { value?: unknown }>;
}

export function allowedLocationsFrom(assignments: readonly AssignmentLike[]): PolicySignals {
  let allowed: string[] | undefined;
  const names: string[] = [];
  for (const assignment of assignments) {
    const byDefinition = assignment.policyDefinitionId?.toLowerCase().endsWith(`/${ALLOWED_LOCATIONS_DEFINITION}`) ?? false;
    const byName = assignment.name?.toLowerCase() === "sys.regionrestriction";
    if (!byDefinition && !byName) continue;
    if (assignment.enforcementMode?.toLowerCase() === "donotenforce") continue;
    const value: unknown = assignment.parameters?.listOfAllowedLocations?.value;
    if (!Array.isArray(value)) continue;
    const locations = value.filter((v): v is string => typeof v === "string").map(normalizeLocation);
    allowed = allowed === undefined ? [...new Set(locations)] : allowed.filter((l) => locations.includes(l));
    if (assignment.name) names.push(assignment.name);
  }
  return allowed === undefined ? { allowedLocations: null } : { allowedLocations: allowed.sort(), assignments: names };
}

export async function readPolicy(policy: PolicyClient): Promise<PolicySignals> {
  const assignments: AssignmentLike[] = [];
  for await (const assignment of policy.policyAssignments.list({ filter: "atScope()" })) assignments.push(assignment);
  return allowedLocationsFrom(assignments);
}
