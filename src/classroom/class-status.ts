import type { ArmBudget } from "../azure/arm-budget";
import { LabTag } from "../config/lab-tags";
import { labNames } from "../lab/naming";
import { listClassGroups, readClassWorkspace, type ClassGroup } from "./sources/class-groups";
import { unitStack, unitSuffix, type ClassUnit } from "./units";

/**
 * `class status`: every learner's lab as Azure has it now, found by the class's tag and the lab's
 * name (both follow from the class id), never from local state alone, and the class's labs that no
 * learner of the roster accounts for.
 */
export type LabStatus = "ready" | "deploying" | "failed" | "deleting" | "missing";

export interface LearnerStatus {
  learner: string;
  workspace: string;
  status: LabStatus;
  subscription: string;
  region: string;
  resourceGroup: string;
  workspaceUrl: string;
  expiresAt: string;
  stack: string;
  detail: string;
}

export interface ClassStatus {
  classId: string;
  learners: LearnerStatus[];
  /** Groups tagged with the class that no roster learner's lab is. */
  others: Array<{ subscription: string; resourceGroup: string; region: string; labId: string }>;
  counts: Record<LabStatus, number>;
}

/** A lab's state from its group and workspace, in one word and a detail. Pure. */
export function labStatus(group: ClassGroup | undefined, workspace: { provisioningState: string } | undefined): { status: LabStatus; detail: string } {
  if (!group) return { status: "missing", detail: "no resource group in Azure (not deployed, or torn down)" };
  if ((group.provisioningState ?? "").toLowerCase() === "deleting") return { status: "deleting", detail: "the resource group is being deleted" };
  if (!workspace) return { status: "deploying", detail: "the resource group exists, the Databricks workspace does not (yet)" };
  const state = workspace.provisioningState.toLowerCase();
  if (state === "succeeded") return { status: "ready", detail: "workspace Succeeded" };
  if (state === "failed" || state === "canceled") return { status: "failed", detail: `workspace ${workspace.provisioningState}` };
  return { status: "deploying", detail: `workspace ${workspace.provisioningState}` };
}

export async function classStatus(budget: ArmBudget, classId: string, units: readonly ClassUnit[], subscriptions: readonly string[]): Promise<ClassStatus> {
  const groups = (await Promise.all(subscriptions.map((s) => listClassGroups(budget, s, classId)))).flat();
  const byName = new Map(groups.map((g) => [g.name.toLowerCase(), g] as const));
  const claimed = new Set<string>();
  const learners: LearnerStatus[] = [];
  await Promise.all(
    units.map(async (unit) => {
      const names = labNames(unitSuffix(classId, unit.key));
      const group = byName.get(names.resourceGroup.toLowerCase());
      if (group) claimed.add(group.name.toLowerCase());
      const workspace = group ? await readClassWorkspace(budget, group.subscription, group.name, names.databricksWorkspace) : undefined;
      const { status, detail } = labStatus(group, workspace);
      for (const l of unit.learners) {
        learners.push({
          learner: l.learner,
          workspace: unit.key,
          status,
          subscription: group?.subscription ?? "",
          region: group?.location ?? "",
          resourceGroup: group?.name ?? names.resourceGroup,
          workspaceUrl: workspace && "workspaceUrl" in workspace ? (workspace.workspaceUrl ?? "") : "",
          expiresAt: group?.tags[LabTag.expiresAt] ?? "",
          stack: unitStack(classId, unit.key),
          detail,
        });
      }
    }),
  );
  const line = new Map(units.flatMap((u) => u.learners.map((l) => [l.learner, l.line] as const)));
  learners.sort((a, b) => line.get(a.learner)! - line.get(b.learner)!);
  const others = groups
    .filter((g) => !claimed.has(g.name.toLowerCase()))
    .map((g) => ({ subscription: g.subscription, resourceGroup: g.name, region: g.location ?? "", labId: g.tags[LabTag.id] ?? "" }));
  const counts: Record<LabStatus, number> = { ready: 0, deploying: 0, failed: 0, deleting: 0, missing: 0 };
  for (const l of learners) counts[l.status]++;
  return { classId, learners, others, counts };
}
