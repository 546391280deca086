import { systemClock, type Clock } from "../azure/clock";
import type { ItemResult } from "../removal/results";
import { OperationFailedError } from "../errors";
import { LabTag } from "../config/lab-tags";
import type { BlockEntry } from "../regions/blocklist";
import type { Demand } from "../regions/demand";
import { NoEligibleRegionError, providersToRegister, type SelectionResult } from "../regions/evaluate";
import { blockEntryFor, classifyFailure, type ArmErrorLike, type FailoverDecision } from "../regions/failover";
import { runSelection } from "../regions/select";
import { stackVmFacts } from "../regions/stack-quota";
import type { RegionSignalsSnapshot } from "../regions/signals";
import { randomSuffix } from "../config/suffix";
import { labNames } from "../lab/naming";
import { DeploymentError, type Deployer, type StackConfig } from "./deployer";
import type { LabArm, WorkspaceState } from "./lab-arm";

/**
 * Deploy with failover: choose a region, `up`, and on a create failure decide by the error's scope —
 * block the region (or size, or family) and move on, register a provider and retry, wait out throttling,
 * or stop at once. A failed attempt is destroyed and its resource group verified gone over ARM before the
 * next region is tried, so a failover never leaves a lab behind; the lab's soft-deletable items are deleted
 * for good (Azure ML, Log Analytics) or purged (Key Vault) on the way, so the next attempt, which reuses
 * the suffix and so the names, does not fail on a name soft delete still holds. Re-running the same stack resumes: the
 * suffix lives in the stack config and a stack whose resource group exists stays in its region.
 */

export const CONFIG_KEY = {
  region: "azure-mlflow-lab:region",
  nodeType: "azure-mlflow-lab:nodeType",
  suffix: "azure-mlflow-lab:suffix",
  azureMl: "azure-mlflow-lab:azureMl",
  subscriptionId: "azure-native:subscriptionId",
} as const;

export interface BlocklistLike {
  load(now?: Date): BlockEntry[];
  add(entry: BlockEntry, now?: Date): BlockEntry[];
}

export interface SelectionInput {
  snapshot: RegionSignalsSnapshot;
  seed: string;
  env?: NodeJS.ProcessEnv;
}

export interface DeployWithFailoverArgs {
  deployer: Deployer;
  stack: string;
  demand: Demand;
  selection: SelectionInput;
  blocklist: BlocklistLike;
  arm: LabArm;
  /** Written to the stack as azure-native:subscriptionId, so the engine deploys where selection looked. */
  subscriptionId?: string;
  canRegisterProviders?: boolean;
  clock?: Clock;
  /** Region attempts before giving up (default 6). */
  maxAttempts?: number;
  /** Unrecognised failures tolerated before stopping (default 2): a bug must not burn every region. */
  maxUnrecognised?: number;
  workspaceTimeoutMs?: number;
  resourceGroupTimeoutMs?: number;
  pollMs?: number;
  onProgress?: (line: string) => void;
}

export interface AttemptRecord {
  region: string;
  nodeType: string;
  outcome: "succeeded" | FailoverDecision["action"];
  code?: string;
  reason?: string;
}

export interface DeployOutcome {
  stack: string;
  suffix: string;
  region: string;
  /** What runs the notebook; nodeType only means something for classic compute. */
  compute: "classic" | "serverless";
  nodeType: string;
  resourceGroup: string;
  workspaceName: string;
  workspaceUrl?: string;
  expiresAt?: string;
  resumed: boolean;
  attempts: AttemptRecord[];
  teardownCommand: string;
}

const MAX_RETRIES_SAME_REGION = 3;

export async function deployWithFailover(args: DeployWithFailoverArgs): Promise<DeployOutcome> {
  const { deployer, stack, arm, demand } = args;
  const clock = args.clock ?? systemClock;
  const say = args.onProgress ?? (() => undefined);
  const pollMs = args.pollMs ?? 10_000;
  const maxAttempts = args.maxAttempts ?? 6;
  const maxUnrecognised = args.maxUnrecognised ?? 2;
  const teardownCommand = `mlflow-lab teardown --stack ${stack}`;
  const now = () => new Date(clock.now());
  const compute = demand.compute ?? "classic";
  const machine = (nodeType: string) => (compute === "serverless" ? "serverless compute" : nodeType);

  await deployer.ensureStack(stack);
  const existing = await deployer.getConfig(stack);
  let suffix = existing[CONFIG_KEY.suffix]?.value;
  // Only an earlier run of an Azure ML stack can have left a vault of this suffix in soft delete.
  const mayHoldVault = suffix !== undefined && existing[CONFIG_KEY.azureMl]?.value === "true";
  if (!suffix) {
    suffix = randomSuffix();
    await deployer.setConfig(stack, { [CONFIG_KEY.suffix]: { value: suffix } });
    say(`new lab ${labNames(suffix).labId} in stack ${stack}`);
  }
  const { resourceGroup, databricksWorkspace: workspaceName, labId } = labNames(suffix);
  const previousRegion = existing[CONFIG_KEY.region]?.value;

  const waitGroupGone = async (why: string) => {
    const deadline = clock.now() + (args.resourceGroupTimeoutMs ?? 30 * 60_000);
    let deleteRequested = false;
    for (;;) {
      const group = await arm.resourceGroup(resourceGroup);
      if (group.state === "absent") return;
      if (group.state === "present" && !deleteRequested) {
        // The engine finished without removing it (or never tracked it): delete it ourselves, by tag.
        say(`resource group ${resourceGroup} still exists after ${why}; deleting it over ARM`);
        // Its wait ends with this one: the group must be gone within resourceGroupTimeoutMs in all.
        await arm.deleteLabResourceGroup(resourceGroup, { timeoutMs: Math.max(0, deadline - clock.now()) });
        deleteRequested = true;
      }
      if (clock.now() >= deadline) {
        throw new OperationFailedError(`resource group ${resourceGroup} still exists after ${why}; not trying another region until it is gone (check it in the portal, then re-run)`);
      }
      await clock.sleep(pollMs);
    }
  };

  // Resume: a stack whose group exists stays where it is (moving it would leave the first lab behind).
  let pinned: { region: string; nodeType: string } | undefined;
  const group = await arm.resourceGroup(resourceGroup);
  if (group.state === "deleting") {
    say(`resource group ${resourceGroup} is being deleted; waiting before deploying`);
    await waitGroupGone("an earlier deletion");
  } else if (group.state === "present") {
    const region = group.location ?? previousRegion;
    if (region) {
      pinned = { region, nodeType: existing[CONFIG_KEY.nodeType]?.value ?? demand.nodeTypes[0]! };
      say(`resuming stack ${stack}: ${resourceGroup} exists in ${region}`);
    }
  }
  const resumed = pinned !== undefined;

  if (!pinned && mayHoldVault) {
    // A run that stopped between destroying a failed attempt and purging its Key Vault left the vault's
    // global name held; this lab's own deleted vaults (by their tags) are purged before it is needed again.
    const held = reportRemains(await arm.purgeSoftDeletedVaults(labId), say);
    if (held.length > 0) {
      throw new OperationFailedError(`soft delete still holds ${held.join(", ")}, which this lab needs; nothing was deployed (purge it, or wait until its retention ends)`);
    }
  }
  if (!pinned) {
    const missing = providersToRegister(args.selection.snapshot, demand);
    if (missing.length > 0 && args.canRegisterProviders !== false) await arm.registerProviders(missing, say);
  }

  const preferredDemand: Demand = { ...demand, preferredRegion: demand.preferredRegion ?? previousRegion };
  const choose = (): { region: string; nodeType: string; family?: string } => {
    let result: SelectionResult;
    try {
      result = runSelection(args.selection.snapshot, preferredDemand, {
        seed: args.selection.seed,
        now: now(),
        blocklist: args.blocklist.load(now()),
        env: args.selection.env,
        canRegisterProviders: args.canRegisterProviders,
      });
    } catch (error) {
      if (error instanceof NoEligibleRegionError && attempts.length > 0) {
        throw new OperationFailedError(`${error.message}; tried: ${attemptsText(attempts)}`);
      }
      throw error;
    }
    say(`region ${result.choice.region} with ${machine(result.choice.nodeType)}: ${result.choice.why}`);
    return { region: result.choice.region, nodeType: result.choice.nodeType, family: result.choice.headroom.family?.name };
  };

  // A failure of the AKS node pool or a managed deployment blocks its own size or quota family.
  const stackVms = stackVmFacts(args.selection.snapshot.regions, demand.stackVms ?? []);
  const attempts: AttemptRecord[] = [];
  const registered = new Set<string>();
  let unrecognised = 0;
  let retries = 0;
  let current: { region: string; nodeType: string; family?: string } | undefined = pinned;

  while (attempts.length < maxAttempts) {
    const target = current ?? choose();
    const config: StackConfig = {
      [CONFIG_KEY.region]: { value: target.region },
      [CONFIG_KEY.nodeType]: { value: target.nodeType },
      ...(args.subscriptionId ? { [CONFIG_KEY.subscriptionId]: { value: args.subscriptionId } } : {}),
    };
    await deployer.setConfig(stack, config);
    say(`deploying stack ${stack} to ${target.region} (${machine(target.nodeType)}), attempt ${attempts.length + 1}`);

    let failure: ArmErrorLike[];
    try {
      const up = await deployer.up(stack, { onProgress: say });
      const workspace = await waitWorkspace(arm, resourceGroup, workspaceName, clock, pollMs, args.workspaceTimeoutMs ?? 30 * 60_000, say);
      if (workspace.provisioningState.toLowerCase() === "succeeded") {
        attempts.push({ region: target.region, nodeType: target.nodeType, outcome: "succeeded" });
        const rg = await arm.resourceGroup(resourceGroup);
        const tags = rg.state === "absent" ? {} : rg.tags;
        const outputUrl = typeof up.outputs.workspaceUrl?.value === "string" ? up.outputs.workspaceUrl.value : undefined;
        const host = workspace.workspaceUrl ?? outputUrl;
        return {
          stack,
          suffix,
          region: target.region,
          compute,
          nodeType: target.nodeType,
          resourceGroup,
          workspaceName,
          workspaceUrl: host ? (host.startsWith("https://") ? host : `https://${host}`) : undefined,
          expiresAt: tags[LabTag.expiresAt],
          resumed,
          attempts,
          teardownCommand,
        };
      }
      failure = [{ code: "WorkspaceNotSucceeded", message: `Databricks workspace ${workspaceName} is ${workspace.provisioningState} after the deployment` }];
    } catch (error) {
      if (!(error instanceof DeploymentError)) throw error;
      failure = error.armErrors.length > 0 ? [...error.armErrors] : [{ code: "", message: error.message }];
    }

    const decision = classifyFailure(failure, { region: target.region, nodeType: target.nodeType, family: target.family, stackVms });
    attempts.push({ region: target.region, nodeType: target.nodeType, outcome: decision.action, code: decision.code, reason: decision.reason });
    say(`attempt in ${target.region} failed: ${decision.reason}`);

    switch (decision.action) {
      case "stop":
        throw new OperationFailedError(`${decision.reason}; stopped without trying other regions (anything created is in stack ${stack}: '${teardownCommand}' removes it)`);
      case "register":
        if (registered.has(decision.namespace) || args.canRegisterProviders === false) {
          throw new OperationFailedError(`provider ${decision.namespace} is still not usable after registering it (${decision.reason}); ask a subscription admin`);
        }
        registered.add(decision.namespace);
        await arm.registerProviders([decision.namespace], say);
        current = target;
        continue;
      case "retry":
        if (++retries > MAX_RETRIES_SAME_REGION) {
          throw new OperationFailedError(`${target.region} kept failing with ${decision.code} after ${MAX_RETRIES_SAME_REGION} retries; re-run later ('${teardownCommand}' removes what exists)`);
        }
        await clock.sleep(decision.afterMs);
        current = target;
        continue;
      case "failover": {
        args.blocklist.add(blockEntryFor(decision, now()), now());
        say(`cleaning up the failed attempt in ${target.region} before trying another region`);
        // The next attempt reuses this suffix, so the same Key Vault, Azure ML and Log Analytics names:
        // none may be left held by soft delete. The workspaces can only be freed while the group exists.
        const held = reportRemains(await arm.deleteSoftDeletableWorkspaces(resourceGroup, labId), say);
        try {
          await deployer.destroy(stack, { onProgress: say });
        } catch (error) {
          if (!(error instanceof DeploymentError)) throw error;
          say(`engine destroy failed (${error.message}); deleting ${resourceGroup} over ARM`);
        }
        await waitGroupGone(`destroying the attempt in ${target.region}`);
        say(`resource group ${resourceGroup} is gone`);
        held.push(...reportRemains(await arm.purgeSoftDeletedVaults(labId), say));
        if (held.length > 0) {
          throw new OperationFailedError(
            `the failed attempt in ${target.region} is removed, but soft delete still holds ${held.join(", ")}; not trying another region, ` +
              `where the lab would need the same name (tried: ${attemptsText(attempts)})`,
          );
        }
        if (decision.unrecognised && ++unrecognised >= maxUnrecognised) {
          throw new OperationFailedError(`${unrecognised} attempts failed with errors the toolkit does not recognise (last: ${decision.reason}); stopped instead of trying every region. Tried: ${attemptsText(attempts)}`);
        }
        current = undefined;
        retries = 0;
        continue;
      }
    }
  }
  throw new OperationFailedError(`gave up after ${attempts.length} attempts: ${attemptsText(attempts)}`);
}

/** Says what happened to each soft-deletable item; returns the ones of this lab whose names stay held. */
function reportRemains(rows: readonly ItemResult[], say: (line: string) => void): string[] {
  const held: string[] = [];
  for (const row of rows) {
    say(`${row.kind} ${row.name}: ${row.outcome} (${row.reason})`);
    // A workspace whose tags do not make it this lab's is left to the group delete: not ours to free.
    if (row.outcome === "failed" || (row.outcome === "kept" && !row.notOurs)) {
      held.push(`${row.kind} ${row.name} (${row.reason})`);
    }
  }
  return held;
}

function attemptsText(attempts: readonly AttemptRecord[]): string {
  return attempts.map((a) => `${a.region}/${a.nodeType} ${a.outcome}${a.code ? ` (${a.code})` : ""}`).join(", ");
}

async function waitWorkspace(
  arm: LabArm,
  resourceGroup: string,
  name: string,
  clock: Clock,
  pollMs: number,
  timeoutMs: number,
  say: (line: string) => void,
): Promise<WorkspaceState> {
  const deadline = clock.now() + timeoutMs;
  let last = "";
  for (;;) {
    const state = await arm.workspace(resourceGroup, name);
    // After a successful `up` the workspace must exist; missing is a failure, not something to wait for.
    if (!state) return { provisioningState: "NotFound" };
    const current = state.provisioningState;
    if (["succeeded", "failed", "canceled", "cancelled"].includes(current.toLowerCase())) return state;
    if (current !== last) say(`Databricks workspace ${name}: ${current}`);
    last = current;
    if (clock.now() >= deadline) return { provisioningState: `${current} (still, after ${Math.round(timeoutMs / 60_000)} minutes)` };
    await clock.sleep(pollMs);
  }
}
