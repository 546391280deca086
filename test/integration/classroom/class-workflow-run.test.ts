import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLASS_ID_TAG } from "../../../src/config/lab-tags";
import { startDatabricksTestServer, type DatabricksTestServer } from "../../support/databricks-test-server/server";
import { evaluateJson, loadWorkflow, runJob, stepLabel, type Contexts, type JobResult, type WorkflowStep } from "../../support/github-workflow";
import type { RecordedCall } from "../deploy/recording-deployer";
import { labInventory, startLabServer, SUB, type LabServer } from "../regions/lab-inventory";

/**
 * .github/workflows/class.yml run for real, job by job, the way GitHub's runner runs it: its own bash
 * steps with their `${{ }}` expressions evaluated by GitHub's expression library (test/support/
 * github-workflow.ts), against the ARM test server standing in for Azure after `azure/login` and the
 * recording deployer standing in for the Pulumi CLI. Each job gets its own checkout (no local state is
 * shared between jobs, as on separate runners); the plan job's plan.json travels to the shards as the
 * artifact would. Dispatched three times: up (plan, then two shards as two processes at once), status,
 * and down with delete ticked. Only the steps that download tools (npm ci, the Pulumi CLI) are not run.
 */
const repo = path.resolve(__dirname, "../../..");
const workflow = loadWorkflow(path.join(repo, ".github/workflows/class.yml"));
const REGIONS = ["eastus", "eastus2", "westus2", "westeurope", "northeurope", "uksouth"];
const LEARNERS = 8;

/** Steps the runner does here by other means: packages are installed already; the Pulumi CLI cannot be. */
const notRunHere = (step: WorkflowStep) => step.run?.trim() === "npm ci" || /^Install the Pulumi CLI/.test(step.name ?? "");

let dir: string;
let lab: LabServer;
let dbx: DatabricksTestServer;
let caFile: string;
const ran = new Set<string>();

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "class-workflow-"));
  lab = await startLabServer(
    labInventory({
      regions: REGIONS,
      usages: [
        { name: "cores", currentValue: 0, limit: 40 },
        { name: "standardDSv2Family", currentValue: 0, limit: 20 },
        { name: "standardDDSv5Family", currentValue: 0, limit: 20 },
        { name: "standardDSv5Family", currentValue: 0, limit: 20 },
      ],
    }),
    { durations: { databricksCreate: 20_000, databricksDelete: 10_000, resourceGroupDelete: 10_000, managedResourceGroupRemoval: 5_000 } },
  );
  dbx = await startDatabricksTestServer({ endpoints: [] });
  // The child processes trust both test servers' CAs.
  caFile = path.join(dir, "test-cas.pem");
  fs.writeFileSync(caFile, `${fs.readFileSync(lab.server.env().NODE_EXTRA_CA_CERTS!, "utf8")}\n${dbx.caCertPem}`);
}, 60_000);

afterAll(async () => {
  await lab?.server.stop();
  await dbx?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh checkout of the repository for one job (the code linked, the committed roster copied). */
function checkout(name: string): string {
  const workspace = path.join(dir, name);
  fs.mkdirSync(path.join(workspace, "classes"), { recursive: true });
  for (const entry of ["src", "scripts", "node_modules", "package.json", "tsconfig.json"]) fs.symlinkSync(path.join(repo, entry), path.join(workspace, entry));
  const lines = ["learner,objectId", ...Array.from({ length: LEARNERS }, (_, i) => `learner${i + 1}@contoso.edu,00000000-0000-4000-9000-${String(i + 1).padStart(12, "0")}`)];
  fs.writeFileSync(path.join(workspace, "classes", "ml104.csv"), `${lines.join("\n")}\n`);
  return workspace;
}

function contexts(inputs: Record<string, unknown>, workspace: string, extra: Contexts = {}): Contexts {
  return {
    inputs: { action: "plan", roster: "classes/roster.csv", class: "", stack: "lab", layout: "per-learner", shards: "4", delete: false, ...inputs },
    vars: {
      AZURE_CLIENT_ID: "00000000-0000-4000-8000-0000000000c1",
      AZURE_TENANT_ID: "00000000-0000-4000-8000-0000000000c2",
      AZURE_SUBSCRIPTION_ID: SUB,
      MLFLOW_LAB_CLASS_SUBSCRIPTIONS: `${SUB},`,
      MLFLOW_LAB_STATE_ACCOUNT: "mlflowlabstate",
      MLFLOW_LAB_STATE_CONTAINER: "class-state",
    },
    secrets: { PULUMI_CONFIG_PASSPHRASE: "test passphrase" },
    github: { workspace, run_id: "4242", event_name: "workflow_dispatch" },
    ...extra,
  };
}

/** What azure/login and the Pulumi CLI would give a job; the engine's state for this job in `engine`. */
function machineEnv(engine: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "",
    HOME: dir,
    ...lab.server.env(),
    NODE_EXTRA_CA_CERTS: caFile,
    MLFLOW_LAB_DEPLOYER_MODULE: path.join(repo, "test/integration/deploy/recording-deployer.ts"),
    MLFLOW_LAB_RECORDING_DIR: path.join(dir, engine),
    MLFLOW_LAB_RECORDING_POLL_MS: "20",
    MLFLOW_LAB_CLASS_POLL_MS: "20",
    MLFLOW_LAB_MODEL_SERVING_REGIONS: REGIONS.join(","),
    // No network here: the live Retail Prices API is unreachable, so the plan says it used the bundled table.
    MLFLOW_LAB_RETAIL_PRICES_URL: "http://127.0.0.1:9/api/retail/prices",
    MLFLOW_LAB_DATABRICKS_ENDPOINT: dbx.url,
    MLFLOW_LAB_DATABRICKS_TOKEN: "dbx-test-token",
  };
}

async function job(name: string, workspace: string, ctx: Contexts, engine: string): Promise<JobResult> {
  const result = await runJob({ workflow, job: name, workspace, contexts: ctx, baseEnv: machineEnv(engine), skip: notRunHere });
  for (const step of result.steps) ran.add(`${name}: ${step.step}`);
  return result;
}

function failure(result: JobResult): string {
  return result.failed ? `${result.failed.step} exited ${result.failed.code}\n${result.failed.stdout.slice(-2000)}\n${result.failed.stderr.slice(-4000)}` : "";
}

function calls(engine: string): RecordedCall[] {
  const file = path.join(dir, engine, "calls.jsonl");
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as RecordedCall) : [];
}

const classGroups = () => [...lab.server.state().subscription(SUB).resourceGroups.values()].filter((g) => g.tags?.[CLASS_ID_TAG] === "ml104" && !g.managedBy);

describe(".github/workflows/class.yml, run", () => {
  it("up: plans once, then two shards as two processes deploy every learner exactly once", async () => {
    const inputs = { action: "up", roster: "classes/ml104.csv", shards: "2" };
    const planSpace = checkout("up-plan");
    const plan = await job("plan", planSpace, contexts(inputs, planSpace), "engine-plan");
    expect(plan.failed, failure(plan)).toBeUndefined();
    expect(plan.outputs.shards).toBe("[1,2]");
    const planned = JSON.parse(fs.readFileSync(path.join(planSpace, "plan.json"), "utf8")) as { classId: string; assignments: unknown[]; unassigned: unknown[]; cost: { prices: Array<{ source: string }> } };
    expect(planned.classId).toBe("ml104");
    expect(planned.assignments).toHaveLength(LEARNERS);
    expect(planned.unassigned).toEqual([]);
    expect(planned.cost.prices.every((p) => p.source === "bundled")).toBe(true);
    const table = fs.readFileSync(path.join(planSpace, "plan.txt"), "utf8");
    expect(table).toContain("learner1@contoso.edu");
    expect(table).toMatch(/cost: \$\d+\.\d\d\/hour for the whole class .*prices: bundled table/);
    expect(lab.server.requests().filter((r) => r.method !== "GET")).toEqual([]);

    // The matrix, from the plan job's output, run at once: one process tree per shard, each in its own checkout.
    const needs = { plan: { outputs: plan.outputs } };
    const matrixExpression = /^\$\{\{(.*)\}\}$/.exec(String(workflow.jobs.up!.strategy!.matrix!.shard))![1]!.trim();
    const matrix = evaluateJson(matrixExpression, { needs }) as number[];
    expect(matrix).toEqual([1, 2]);
    const results = await Promise.all(
      matrix.map(async (shard) => {
        const space = checkout(`up-shard-${shard}`);
        fs.copyFileSync(path.join(planSpace, "plan.json"), path.join(space, "plan.json")); // actions/download-artifact
        return { shard, space, result: await job("up", space, contexts(inputs, space, { needs, matrix: { shard } }), `engine-${shard}`) };
      }),
    );
    for (const { result } of results) expect(result.failed, failure(result)).toBeUndefined();

    const rows = results.flatMap(({ shard, space }) => JSON.parse(fs.readFileSync(path.join(space, "class-roster", `ml104.shard-${shard}-of-2.roster.json`), "utf8")) as Array<{ learner: string; status: string }>);
    for (const { shard, space } of results) expect(fs.existsSync(path.join(space, "class-roster", `ml104.shard-${shard}-of-2.roster.csv`))).toBe(true);
    expect(rows.map((r) => r.learner).sort()).toEqual(Array.from({ length: LEARNERS }, (_, i) => `learner${i + 1}@contoso.edu`).sort());
    expect(rows.every((r) => r.status === "ready")).toBe(true);
    const ups = [...calls("engine-1"), ...calls("engine-2")].filter((c) => c.op === "up" && c.result === "ok");
    expect(ups).toHaveLength(LEARNERS);
    expect(new Set(ups.map((c) => c.stack)).size).toBe(LEARNERS);
    expect(calls("engine-1").filter((c) => c.op === "up").length).toBeGreaterThan(0);
    expect(calls("engine-2").filter((c) => c.op === "up").length).toBeGreaterThan(0);
    expect(classGroups()).toHaveLength(LEARNERS);
  }, 300_000);

  it("status: every learner's lab from Azure, from a job that has no local state", async () => {
    const inputs = { action: "status", roster: "classes/ml104.csv" };
    const planSpace = checkout("status-plan");
    const plan = await job("plan", planSpace, contexts(inputs, planSpace), "engine-status");
    expect(plan.failed, failure(plan)).toBeUndefined();
    expect(fs.existsSync(path.join(planSpace, "plan.json"))).toBe(false);
    const space = checkout("status");
    const status = await job("status-or-down", space, contexts(inputs, space, { needs: { plan: { outputs: plan.outputs } } }), "engine-status");
    expect(status.failed, failure(status)).toBeUndefined();
    expect(status.steps.at(-1)!.stdout).toContain(`class ml104 in Azure: ${LEARNERS} ready, 0 deploying, 0 failed, 0 being deleted, 0 missing`);
  }, 120_000);

  it("down with delete ticked: every lab of the class torn down and verified gone; every shell step of the workflow has run", async () => {
    const inputs = { action: "down", roster: "classes/ml104.csv", delete: true };
    const planSpace = checkout("down-plan");
    const plan = await job("plan", planSpace, contexts(inputs, planSpace), "engine-down");
    expect(plan.failed, failure(plan)).toBeUndefined();
    const space = checkout("down");
    const down = await job("status-or-down", space, contexts(inputs, space, { needs: { plan: { outputs: plan.outputs } } }), "engine-down");
    expect(down.failed, failure(down)).toBeUndefined();
    expect(down.steps.at(-1)!.stdout).toContain(`class ml104: ${LEARNERS} lab(s) tagged with the class`);
    expect(down.steps.at(-1)!.stdout).not.toContain("dry run");
    expect(classGroups()).toEqual([]);

    const all = Object.entries(workflow.jobs).flatMap(([name, j]) => j.steps.filter((s) => s.run !== undefined && !notRunHere(s)).map((s) => `${name}: ${stepLabel(s)}`));
    expect([...ran].sort()).toEqual(all.sort());
  }, 300_000);
});
