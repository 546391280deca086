import * as fs from "node:fs";
import Table from "cli-table3";
import { tableHead } from "../../cleanup/results";
import { createArmClient } from "../../azure/arm-client";
import { systemClock } from "../../azure/clock";
import { armScope } from "../../azure/credentials";
import { createSdkClients, sdkContextFromEnv } from "../../azure/sdk-clients";
import { classDown } from "../../classroom/class-down";
import { buildClassPlan, classSetup, classSignals, subscriptionOptions, type ClassOptions, type ClassSetup, type LiveReader } from "../../classroom/class-plan";
import { classStatus } from "../../classroom/class-status";
import { classUp } from "../../classroom/class-up";
import { armWritesPerLab } from "../../classroom/lab-writes";
import type { ClassPlan } from "../../classroom/plan";
import { planJson, planReport } from "../../classroom/render";
import { writeRosterFiles } from "../../classroom/roster-out";
import { classStateFile, ClassStateStore } from "../../classroom/state";
import { parseShards } from "../../classroom/units";
import { ArmBudget } from "../../azure/arm-budget";
import { resolveRunMode } from "../../cleanup/run-guards";
import { fileJournalStore } from "../../deploy/teardown";
import { stateDir } from "../../config/state-dir";
import { SdkLabArm } from "../../deploy/lab-arm";
import { loadDeployer } from "../../deploy/load-deployer";
import { ownerFromAccessToken } from "../../deploy/owner";
import type { PricesMode } from "../../plan/sources/retail-prices";
import { BlocklistStore, defaultBlocklistFile } from "../../regions/blocklist-store";
import { needsAzureMlQuota } from "../../regions/stack-vms";
import { classProgress } from "../class-progress";
import { OperationFailedError, UserInputError } from "../../errors";
import { useColor } from "../output-mode";
import { databricksClientFactory } from "../../deploy/teardown-target";
import { readLive } from "./regions";

/** `mlflow-lab class plan|up|status|down` (options: ./register/class.ts). */
export interface ClassCommandOptions extends ClassOptions {
  subscription?: string[];
  fromSnapshot?: string[];
  json?: boolean;
  prices?: string;
  plan?: string;
  shards?: string;
  shard?: string;
  concurrency?: string;
  owner?: string;
  out?: string;
  dryRun?: boolean;
  yes?: boolean;
}

/** How often to poll ARM operations (MLFLOW_LAB_CLASS_POLL_MS: tests and the benchmark run scaled time). */
function pollMs(env: NodeJS.ProcessEnv): number | undefined {
  const value = Number(env.MLFLOW_LAB_CLASS_POLL_MS);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

function parsePrices(text: string | undefined): PricesMode {
  const mode = (text ?? "auto").toLowerCase();
  if (mode === "auto" || mode === "live" || mode === "bundled") return mode;
  throw new UserInputError(`--prices '${text}' is not a price source; use auto, live or bundled`);
}

function parseConcurrency(text: string | undefined): number {
  if (text === undefined) return 8;
  if (!/^\d{1,4}$/.test(text) || Number(text) < 1) throw new UserInputError(`--concurrency '${text}' is not a whole number of at least 1`);
  return Number(text);
}

function liveReader(setup: ClassSetup, env: NodeJS.ProcessEnv): LiveReader {
  return (subscription) => readLive({ subscription, env, azureMlUsages: needsAzureMlQuota(setup.demand.stackVms) });
}

/** The class's subscriptions for status and down: the roster's and --subscription's, else the signed-in default. */
async function classSubscriptions(setup: ClassSetup, options: ClassCommandOptions, env: NodeJS.ProcessEnv): Promise<string[]> {
  const named = [...new Set([...subscriptionOptions(options.subscription), ...setup.roster.learners.map((l) => l.subscription).filter((s): s is string => !!s)])];
  if (named.length > 0) return named;
  const fromEnv = env.AZURE_SUBSCRIPTION_ID?.trim();
  if (fromEnv) return [fromEnv.toLowerCase()];
  const { chooseSubscription } = require("../../regions/sources/live") as typeof import("../../regions/sources/live");
  return [(await chooseSubscription(undefined, env, undefined)).toLowerCase()];
}

export async function runClassPlan(options: ClassCommandOptions, env: NodeJS.ProcessEnv = process.env): Promise<ClassPlan> {
  const setup = classSetup(options);
  const prices = parsePrices(options.prices);
  const { snapshots, sources } = await classSignals(setup, options, liveReader(setup, env));
  const blocklist = new BlocklistStore(defaultBlocklistFile(env)).load();
  const plan = await buildClassPlan(setup, snapshots, { env, blocklist, prices });
  if (options.json) process.stdout.write(`${JSON.stringify(planJson(plan, sources), null, 2)}\n`);
  else process.stdout.write(planReport(plan, sources));
  if (plan.unassigned.length > 0) {
    throw new OperationFailedError(`${plan.assignments.length} of ${plan.learners} learners fit; ${plan.unassigned.length} do not (${plan.requests.length > 0 ? "see the quota requests above" : "see the reasons above"})`);
  }
  return plan;
}

function readPlanFile(file: string, setup: ClassSetup): ClassPlan {
  let plan: ClassPlan;
  try {
    plan = JSON.parse(fs.readFileSync(file, "utf8")) as ClassPlan;
  } catch (error) {
    throw new UserInputError(`--plan ${file} cannot be read as a class plan (${(error as Error).message.split("\n")[0]}); write one with 'mlflow-lab class plan --json'`);
  }
  if (!Array.isArray(plan.assignments) || !Array.isArray(plan.unassigned)) throw new UserInputError(`--plan ${file} has no assignments/unassigned lists; write one with 'mlflow-lab class plan --json'`);
  if (plan.classId !== setup.classId) throw new UserInputError(`--plan ${file} is for class '${plan.classId}', not '${setup.classId}' (use --class ${plan.classId})`);
  if (plan.layout !== setup.layout.layout || (plan.perWorkspace ?? undefined) !== setup.layout.perWorkspace) throw new UserInputError(`--plan ${file} was made for layout ${plan.layout}${plan.perWorkspace ? ` --per-workspace ${plan.perWorkspace}` : ""}; pass the same layout`);
  return plan;
}

export async function runClassUp(options: ClassCommandOptions, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const setup = classSetup(options);
  const shard = parseShards(options.shards, options.shard);
  const concurrency = parseConcurrency(options.concurrency);
  const prices = parsePrices(options.prices);
  const ctx = sdkContextFromEnv(env);
  const { snapshots } = await classSignals(setup, options, liveReader(setup, env));
  const blocklist = new BlocklistStore(defaultBlocklistFile(env));
  const plan = options.plan ? readPlanFile(options.plan, setup) : await buildClassPlan(setup, snapshots, { env, blocklist: blocklist.load(), prices });

  let owner = options.owner;
  if (setup.layout.layout === "shared" && !owner) {
    const token = await ctx.credential.getToken(armScope(ctx.endpoint)).catch(() => null);
    owner = token ? ownerFromAccessToken(token.token) : undefined;
    if (!owner) throw new UserInputError("the shared layout needs an owner for its workspaces and the sign-in names none; pass --owner you@contoso.edu (nothing was created)");
  }
  const largest = setup.units.reduce((a, b) => (b.learners.length > a.learners.length ? b : a), setup.units[0]!);
  const writesPerLab = await armWritesPerLab({ ...setup.config, owner: owner ?? largest.learners[0]!.learner, classId: setup.classId, learners: largest.learners.map((l) => ({ learner: l.learner, ...(l.objectId ? { objectId: l.objectId } : {}) })) }, setup.stack);

  const deployer = await loadDeployer(env);
  const budget = new ArmBudget(createArmClient({ maxConcurrency: 32, env }), systemClock);
  const progress = classProgress(options.json === true);
  let result;
  try {
    result = await classUp(
      { deployer, budget, blocklist, labArm: (subscription) => new SdkLabArm(createSdkClients(ctx, subscription), pollMs(env) ? { pollMs: pollMs(env)! } : {}) },
      {
        setup,
        plan,
        snapshots: new Map(snapshots.map((s) => [s.subscription.id.toLowerCase(), s] as const)),
        shard,
        store: new ClassStateStore(classStateFile(setup.classId, shard, env)),
        concurrency,
        writesPerLab,
        ...(owner ? { owner } : {}),
        ...(pollMs(env) ? { pollMs: pollMs(env)! } : {}),
        onEvent: progress.onEvent,
      },
    );
  } finally {
    progress.stop();
  }
  const base = shard.shards > 1 ? `${setup.classId}.shard-${shard.shard}-of-${shard.shards}` : setup.classId;
  const files = writeRosterFiles(options.out ?? ".", base, result.rows);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ classId: setup.classId, shard, writesPerLab, counts: result.counts, roster: result.rows, files }, null, 2)}\n`);
  } else {
    const table = new Table(tableHead(["Learner", "Status", "Region", "Workspace URL", "Expires"], useColor()));
    for (const r of result.rows) table.push([r.learner, r.status, r.region, r.workspaceUrl, r.expiresAt]);
    process.stdout.write(`${table.toString()}\n`);
    const c = result.counts;
    process.stdout.write(`class ${setup.classId}${shard.shards > 1 ? ` shard ${shard.shard} of ${shard.shards}` : ""}: ${c.ready} deployed, ${c.skipped} already ready, ${c.failed} failed, ${c.unplaced} without a place; roster written to ${files.csv} and ${files.json}\n`);
  }
  const bad = result.units.filter((u) => u.status === "failed" || u.status === "unplaced");
  if (bad.length > 0) throw new OperationFailedError(`${bad.length} lab(s) of class ${setup.classId} are not ready (${bad[0]!.learners[0]}: ${bad[0]!.reason ?? bad[0]!.status}); run class up again to continue`);
}

export async function runClassStatus(options: ClassCommandOptions, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const setup = classSetup(options);
  const subscriptions = await classSubscriptions(setup, options, env);
  const budget = new ArmBudget(createArmClient({ maxConcurrency: 32, env }), systemClock);
  const status = await classStatus(budget, setup.classId, setup.units, subscriptions);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
    return;
  }
  const table = new Table(tableHead(["Learner", "Status", "Region", "Workspace URL", "Expires", "Detail"], useColor()));
  for (const l of status.learners) table.push([l.learner, l.status, l.region, l.workspaceUrl, l.expiresAt, l.detail]);
  process.stdout.write(`${table.toString()}\n`);
  const c = status.counts;
  process.stdout.write(`class ${setup.classId} in Azure: ${c.ready} ready, ${c.deploying} deploying, ${c.failed} failed, ${c.deleting} being deleted, ${c.missing} missing\n`);
  for (const o of status.others) process.stdout.write(`also tagged with this class: ${o.resourceGroup} (${o.region}, subscription ${o.subscription}) — no learner of this roster has it\n`);
}

export async function runClassDown(options: ClassCommandOptions, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const setup = classSetup(options);
  const mode = resolveRunMode(options);
  const concurrency = parseConcurrency(options.concurrency);
  const subscriptions = await classSubscriptions(setup, options, env);
  const ctx = sdkContextFromEnv(env);
  const client = createArmClient({ maxConcurrency: 32, env });
  const log = (lab: string, line: string) => {
    if (!options.json) process.stderr.write(`${lab}: ${line}\n`);
  };
  const result = await classDown(
    {
      client,
      clock: systemClock,
      budget: new ArmBudget(client, systemClock),
      deployer: await loadDeployer(env),
      journal: fileJournalStore(stateDir(env)),
      databricks: databricksClientFactory(env),
      labArm: (subscription) => new SdkLabArm(createSdkClients(ctx, subscription), pollMs(env) ? { pollMs: pollMs(env)! } : {}),
    },
    { classId: setup.classId, units: setup.units, subscriptions, mode, concurrency, ...(pollMs(env) ? { wait: { defaultPollMs: pollMs(env)! } } : {}), onStep: log },
  );
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ classId: setup.classId, mode, labs: result.labs.map(({ report: _report, ...lab }) => lab) }, null, 2)}\n`);
  } else {
    const table = new Table({ ...tableHead(["Resource group", "Learners", "Outcome", "Reason"], useColor()), wordWrap: true, colWidths: [16, 34, 14, 70] });
    for (const lab of result.labs) table.push([lab.resourceGroup, lab.learners.join(", "), lab.outcome, lab.reason]);
    process.stdout.write(`${table.toString()}\nclass ${setup.classId}: ${result.labs.length} lab(s) tagged with the class${mode === "dry-run" ? " (dry run: nothing was changed; pass --yes to tear them down)" : ""}\n`);
  }
  if (result.failed) throw new OperationFailedError(`class down of ${setup.classId} did not finish cleanly; run it again (it picks up where it stopped)`);
}
