import Table from "cli-table3";
import type { ClassPlan } from "./plan";
import type { SignalsSource } from "./class-plan";

/** The class plan for people: the assignment table, the regions, who does not fit and why, and the cost. */

/** Long tables: no line between rows. */
const plain = {
  style: { head: [] as string[], border: [] as string[] },
  chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
};

function subscriptionLabel(id: string): string {
  return id.length > 13 ? `${id.slice(0, 8)}…` : id;
}

export function planReport(plan: ClassPlan, sources: readonly SignalsSource[]): string {
  const lines: string[] = [];
  const fitted = plan.assignments.length;
  lines.push(
    `class ${plan.classId}: ${plan.learners} learners, stack ${plan.stack}, layout ${plan.layout}${plan.perWorkspace ? ` (up to ${plan.perWorkspace} per workspace)` : ""}, seed ${plan.seed}`,
  );
  for (const s of sources) lines.push(`signals: subscription ${s.subscription} from ${s.kind === "file" ? `snapshot ${s.detail}` : "Azure (live)"}, captured ${s.capturedAt}${s.example ? ` — ${s.example}` : ""}`);
  for (const note of plan.notes) lines.push(`note: ${note}`);

  if (plan.assignments.length > 0) {
    const table = new Table({ head: ["Learner", "Subscription", "Region", "Node type", "Workspace"], ...plain });
    for (const a of plan.assignments) table.push([a.learner, subscriptionLabel(a.subscription), a.region, a.nodeType, a.workspace]);
    lines.push(table.toString());
  }
  if (plan.regions.length > 0) {
    const table = new Table({ head: ["Subscription", "Region", "Learners", "Workspaces"], ...plain });
    for (const r of plan.regions) table.push([subscriptionLabel(r.subscription), r.region, String(r.learners), String(r.workspaces)]);
    lines.push(`spread over ${plan.regions.length} region(s):`, table.toString());
  }
  if (plan.unassigned.length > 0) {
    lines.push(`does not fit: ${fitted} of ${plan.learners} learners fit; ${plan.unassigned.length} do not:`);
    const table = new Table({ head: ["Learner", "Why"], ...plain, wordWrap: true, colWidths: [34, 80] });
    for (const u of plan.unassigned) table.push([u.learner, u.reason]);
    lines.push(table.toString());
    if (plan.exhausted.length > 0) {
      const shown = plan.exhausted.slice(0, 12).map((e) => `${e.region} ${e.row} ${e.free} of ${e.limit} free`);
      lines.push(`quota runs out at: ${shown.join("; ")}${plan.exhausted.length > shown.length ? `; and ${plan.exhausted.length - shown.length} more` : ""}`);
    }
    for (const r of plan.requests) {
      lines.push(`request: subscription ${r.subscription}, ${r.region}, ${r.row}: limit ${r.limit} → ${r.newLimit} (for ${r.learners} more learner(s) on ${r.nodeType}; https://aka.ms/ProdportalCRP), or add a subscription (--subscription)`);
    }
  }
  if (plan.cost) {
    // Regions grouped by where their prices came from and when: "live 2026-12-03T08:00:00Z (12 regions)".
    const groups = new Map<string, string[]>();
    for (const p of plan.cost.prices) {
      const key = `${p.source === "bundled" ? "bundled table" : p.source === "live" ? "live Retail Prices API" : "cached Retail Prices API"} ${p.retrievedAt}`;
      groups.set(key, [...(groups.get(key) ?? []), p.region]);
    }
    const origin = [...groups.entries()].map(([key, regions]) => `${key} (${regions.length <= 4 ? regions.join(", ") : `${regions.length} regions`})`).join("; ");
    lines.push(`cost: $${plan.costPerHour.toFixed(2)}/hour for the whole class with every cluster running; prices: ${origin || "none needed"}`);
    const problems = [...new Set(plan.cost.prices.filter((p) => p.problem).map((p) => p.problem!))];
    if (problems.length > 0) lines.push(`live prices could not be read (${problems.slice(0, 2).join("; ")}), so the cache or the bundled table was used`);
    if (plan.cost.unpriced.length > 0) lines.push(`not priced (left out): ${plan.cost.unpriced.join(", ")}`);
  }
  return `${lines.join("\n")}\n`;
}

/** The JSON `class plan --json` prints: the plan plus where its signals came from. */
export function planJson(plan: ClassPlan, sources: readonly SignalsSource[]): unknown {
  return { ...plan, signals: sources };
}
