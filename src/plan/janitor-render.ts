import type { JanitorPlanJson } from "./janitor-plan";
import { DEPLOY_TIME } from "./markers";
import { renderOutputs, renderTree } from "./render";

/** The janitor's plan for people: what runs when, with which role, and what the program creates. Pure. */
export function renderJanitorPlan(plan: JanitorPlanJson): string {
  const lines: string[] = [];
  lines.push(`Plan for stack '${plan.stack}': the scheduled cleanup job (offline: nothing is created, no credentials used)`);
  lines.push("");
  lines.push(`Schedule:  ${plan.schedule.cron} (${plan.schedule.timeZone})`);
  lines.push(`Runs:      ${plan.schedule.command.join(" ")}`);
  lines.push("");
  lines.push(`Resources (${plan.resources.length}):`);
  lines.push(...renderTree(plan.resources));
  lines.push("");
  lines.push(`Custom role '${plan.role.name}' (${plan.role.actions.length} actions; reads, deletes of what lab groups hold, purges; nothing that writes):`);
  for (const action of plan.role.actions) lines.push(`  ${action}`);
  lines.push("");
  lines.push("Role assignments (the job's identity):");
  for (const assignment of plan.assignments) lines.push(`  ${assignment.role} on ${assignment.scope}`);
  lines.push("");
  lines.push("Outputs:");
  lines.push(renderOutputs(plan.outputs));
  lines.push("");
  lines.push("Notes:");
  lines.push(`  - ${DEPLOY_TIME} marks values only known once deployed.`);
  lines.push("  - The role's delete actions are derived from every resource type the lab program registers (docs/cleanup-safety.md).");
  return lines.join("\n") + "\n";
}
