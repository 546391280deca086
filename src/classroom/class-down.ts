import type { ArmClient } from "../azure/arm-client";
import type { Clock } from "../azure/clock";
import { Semaphore } from "../azure/rate-limit";
import type { ArmBudget } from "../azure/arm-budget";
import type { WaitOptions } from "../removal/group-deletion";
import type { RunMode } from "../removal/results";
import type { DatabricksServingClient } from "../removal/serving-endpoints";
import { lookupTag } from "../removal/tags";
import { runTeardown, TeardownRefusedError, type JournalStore, type TeardownReport } from "../deploy/teardown";
import { CLASS_ID_TAG, LabTag } from "../config/lab-tags";
import { StackNotFoundError, type Deployer, type DeployEvents } from "../deploy/deployer";
import type { LabArm } from "../deploy/lab-arm";
import { labNames } from "../lab/naming";
import { listClassGroups, type ClassGroup } from "./sources/class-groups";
import { unitStack, unitSuffix, type ClassUnit } from "./units";

/**
 * `class down`: every lab of the class torn down with teardown's own steps and rules (src/cleanup/
 * teardown.ts: endpoints first, soft-deletables freed, the stack destroyed, vaults purged, the groups
 * verified gone; the group must carry the toolkit's marker and exactly its lab's id, with no lock, no
 * managing resource, no do-not-delete tag), and only labs whose own `class-id` tag names this class.
 * A lab found in Azure whose stack is gone (local state lost) has its group deleted over ARM by the same
 * rules. A group tagged with the class but no learner of the roster's lab is reported and left: without
 * the roster that made it, nothing says which stack it is.
 */
export interface ClassDownDeps {
  client: ArmClient;
  clock: Clock;
  budget: ArmBudget;
  deployer: Deployer;
  journal: JournalStore;
  databricks(workspaceUrl: string): DatabricksServingClient;
  labArm(subscription: string): LabArm;
}

export interface LabDownResult {
  resourceGroup: string;
  subscription: string;
  learners: string[];
  outcome: "deleted" | "would-delete" | "kept" | "failed";
  reason: string;
  report?: TeardownReport;
}

/** Why a group is not this class's to take down (its own tag decides), or undefined when it is. Pure. */
export function notThisClass(group: Pick<ClassGroup, "tags">, classId: string): string | undefined {
  const tag = lookupTag(group.tags, CLASS_ID_TAG);
  if (tag.kind === "value" && tag.value === classId) return undefined;
  return `belongs to another class (${CLASS_ID_TAG} ${tag.kind === "value" ? `'${tag.value}'` : tag.kind}, not '${classId}')`;
}

/** A deployer whose destroy deletes the lab's group over ARM when the engine has no stack for it. */
function destroyOrDeleteGroup(deployer: Deployer, arm: LabArm, resourceGroup: string): Deployer {
  return {
    ...deployer,
    ensureStack: (s) => deployer.ensureStack(s),
    getConfig: (s) => deployer.getConfig(s),
    setConfig: (s, c) => deployer.setConfig(s, c),
    up: (s, e) => deployer.up(s, e),
    outputs: (s) => deployer.outputs(s),
    async destroy(stack: string, events?: DeployEvents) {
      try {
        await deployer.destroy(stack, events);
      } catch (error) {
        if (!(error instanceof StackNotFoundError)) throw error;
        events?.onProgress?.(`no stack ${stack} here; deleting ${resourceGroup} over ARM by teardown's rules`);
        await arm.deleteLabResourceGroup(resourceGroup);
      }
    },
  };
}

export async function classDown(
  deps: ClassDownDeps,
  options: {
    classId: string;
    units: readonly ClassUnit[];
    subscriptions: readonly string[];
    mode: RunMode;
    concurrency: number;
    wait?: Partial<WaitOptions>;
    onStep?: (lab: string, line: string) => void;
  },
): Promise<{ labs: LabDownResult[]; failed: boolean }> {
  const groups = (await Promise.all(options.subscriptions.map((s) => listClassGroups(deps.budget, s, options.classId)))).flat();
  const unitOf = new Map(options.units.map((u) => [labNames(unitSuffix(options.classId, u.key)).resourceGroup.toLowerCase(), u] as const));
  const slots = new Semaphore(options.concurrency);
  const labs = await Promise.all(
    groups.map((group) =>
      slots.run(async (): Promise<LabDownResult> => {
        const unit = unitOf.get(group.name.toLowerCase());
        const base = { resourceGroup: group.name, subscription: group.subscription, learners: unit?.learners.map((l) => l.learner) ?? [] };
        const other = notThisClass(group, options.classId);
        if (other) return { ...base, outcome: "kept", reason: other };
        if (!unit) return { ...base, outcome: "kept", reason: `tagged with class ${options.classId} but no learner of this roster has it (take it down with the roster that made it, or 'mlflow-lab teardown')` };
        const labId = lookupTag(group.tags, LabTag.id);
        const target = {
          stack: unitStack(options.classId, unit.key),
          subscriptionId: group.subscription,
          resourceGroup: group.name,
          labId: labId.kind === "value" ? labId.value : group.name,
        };
        try {
          const report = await runTeardown(
            { client: deps.client, clock: deps.clock, budget: deps.budget, journal: deps.journal, databricks: deps.databricks, deployer: destroyOrDeleteGroup(deps.deployer, deps.labArm(group.subscription), group.name) },
            target,
            { mode: options.mode, ...(options.wait ? { wait: options.wait } : {}), onStep: (line) => options.onStep?.(group.name, line) },
          );
          if (options.mode === "dry-run") return { ...base, outcome: "would-delete", reason: `lab ${target.labId}: ${report.steps.length} steps would run`, report };
          return report.failed
            ? { ...base, outcome: "failed", reason: "teardown did not finish cleanly; run class down again (it picks up where it stopped)", report }
            : { ...base, outcome: "deleted", reason: "verified gone (404)", report };
        } catch (error) {
          if (error instanceof TeardownRefusedError) return { ...base, outcome: "kept", reason: error.message };
          return { ...base, outcome: "failed", reason: (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, " ") };
        }
      }),
    ),
  );
  labs.sort((a, b) => a.resourceGroup.localeCompare(b.resourceGroup));
  return { labs, failed: labs.some((l) => l.outcome === "failed") };
}
