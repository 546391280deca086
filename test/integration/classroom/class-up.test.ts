import { execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ArmClient } from "../../../src/azure/arm-client";
import { systemClock } from "../../../src/azure/clock";
import { StaticTokenCredential } from "../../../src/azure/credentials";
import { createSdkClients } from "../../../src/azure/sdk-clients";
import { classDown } from "../../../src/classroom/class-down";
import { classSetup } from "../../../src/classroom/class-plan";
import { classStatus } from "../../../src/classroom/class-status";
import { unitStack, unitSuffix } from "../../../src/classroom/units";
import { ArmBudget } from "../../../src/azure/arm-budget";
import { DatabricksServingClient } from "../../../src/removal/serving-endpoints";
import { fileJournalStore } from "../../../src/deploy/teardown";
import { CLASS_ID_TAG } from "../../../src/config/lab-tags";
import { SdkLabArm } from "../../../src/deploy/lab-arm";
import { startDatabricksTestServer, type DatabricksTestServer } from "../../support/databricks-test-server/server";
import { trustTestCa } from "../../support/tls";
import { RecordingDeployer, type RecordedCall } from "../deploy/recording-deployer";
import { labInventory, startLabServer, SUB, type LabServer } from "../regions/lab-inventory";

/**
 * `mlflow-lab class up` for 30 learners, for real against the ARM test server: the CLI in a child
 * process with the recording deployer in place of the Pulumi CLI (the one fake, see recording-deployer.ts).
 * Each layout; a run killed half-way and run again; two shards as two processes; then status and down.
 */
const repo = path.resolve(__dirname, "../../..");
const REGIONS = ["eastus", "eastus2", "westus2", "westeurope", "northeurope", "uksouth"];
let lab: LabServer | undefined;
let dbx: DatabricksTestServer | undefined;
let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "class-up-"));
});
afterEach(async () => {
  await lab?.server.stop();
  await dbx?.stop();
  lab = undefined;
  dbx = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

async function startServer(): Promise<LabServer> {
  // 40 cores and 20 per family in each of 6 regions: room for 60 labs of 4 vCPUs, 10 per region.
  const usages = [
    { name: "cores", currentValue: 0, limit: 40 },
    { name: "standardDSv2Family", currentValue: 0, limit: 20 },
    { name: "standardDDSv5Family", currentValue: 0, limit: 20 },
    { name: "standardDSv5Family", currentValue: 0, limit: 20 },
  ];
  lab = await startLabServer(labInventory({ regions: REGIONS, usages }), {
    durations: { databricksCreate: 20_000, databricksDelete: 10_000, resourceGroupDelete: 10_000, managedResourceGroupRemoval: 5_000 },
  });
  return lab;
}

function writeRoster(learners: number, name = "ml101.csv"): string {
  const lines = ["learner,objectId", ...Array.from({ length: learners }, (_, i) => `learner${String(i + 1).padStart(2, "0")}@contoso.edu,00000000-0000-4000-9000-${String(i + 1).padStart(12, "0")}`)];
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

function cliEnv(engine: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "",
    HOME: dir,
    MLFLOW_LAB_STATE_DIR: path.join(dir, "state"),
    MLFLOW_LAB_DEPLOYER_MODULE: path.join(repo, "test/integration/deploy/recording-deployer.ts"),
    MLFLOW_LAB_RECORDING_DIR: path.join(dir, engine),
    MLFLOW_LAB_RECORDING_POLL_MS: "20",
    MLFLOW_LAB_CLASS_POLL_MS: "20",
    MLFLOW_LAB_MODEL_SERVING_REGIONS: REGIONS.join(","),
    ...lab!.server.env(),
  };
}

function classArgs(command: string, roster: string, extra: string[]): string[] {
  return [path.join(repo, "scripts/mlflow-lab"), "class", command, "--roster", roster, "--subscription", SUB, "--prices", "bundled", ...extra];
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: dir, env, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

function calls(engine: string): RecordedCall[] {
  const file = path.join(dir, engine, "calls.jsonl");
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as RecordedCall) : [];
}

function classGroups(classId: string) {
  // The labs' own groups (a workspace's managed group gets its tags too).
  return [...lab!.server.state().subscription(SUB).resourceGroups.values()].filter((g) => g.tags?.[CLASS_ID_TAG] === classId && !g.managedBy);
}

function readRoster(file: string): Array<Record<string, string>> {
  return JSON.parse(fs.readFileSync(file, "utf8")) as Array<Record<string, string>>;
}

/**
 * Runs `class up` in a child process and kills it (SIGKILL, no goodbye) as soon as its state file says
 * `ready` labs are ready; returns their stacks. Fails when the run ends on its own first.
 */
async function runUntilKilled(args: string[], env: NodeJS.ProcessEnv, stateFile: string, ready: number): Promise<string[]> {
  const child = spawn(process.execPath, args, { cwd: dir, env, stdio: "ignore" });
  const stacks = await new Promise<string[]>((resolve, reject) => {
    const timer = setInterval(() => {
      try {
        const state = JSON.parse(fs.readFileSync(stateFile, "utf8")) as { units: Record<string, { status: string; stack: string }> };
        const done = Object.values(state.units).filter((u) => u.status === "ready");
        if (done.length >= ready) {
          clearInterval(timer);
          child.kill("SIGKILL");
          resolve(done.map((u) => u.stack));
        }
      } catch {
        // not written yet
      }
    }, 25);
    child.on("exit", () => {
      clearInterval(timer);
      reject(new Error("class up finished before it could be killed"));
    });
  });
  await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.on("exit", resolve)));
  return stacks;
}

describe("class up against the ARM test server", () => {
  it("per-learner: 30 labs, killed half-way and run again, each learner deployed once, with Reader on their own group", async () => {
    await startServer();
    const roster = writeRoster(30);
    const env = cliEnv("engine");
    const args = classArgs("up", roster, ["--concurrency", "6", "--out", dir, "--json"]);
    const stateFile = path.join(dir, "state", "classes", "ml101", "state.json");

    // First run: killed (SIGKILL, no goodbye) once a third of the labs are ready.
    const readyBeforeCrash = await runUntilKilled(args, env, stateFile, 10);
    const upsBeforeRerun = calls("engine").length;
    expect(classGroups("ml101").length).toBeLessThan(30);

    // Second run: continues; the labs that were ready are not deployed again.
    const second = await run(args, env);
    expect(second.stderr).toBe("");
    expect(second.code).toBe(0);
    const out = JSON.parse(second.stdout) as { counts: Record<string, number>; writesPerLab: number; roster: Array<Record<string, string>> };
    expect(out.counts.skipped).toBeGreaterThanOrEqual(readyBeforeCrash.length);
    expect(out.counts.ready + out.counts.skipped).toBe(30);
    expect(out.writesPerLab).toBeGreaterThanOrEqual(3); // group, workspace, one Reader role

    const afterRerun = calls("engine").slice(upsBeforeRerun);
    for (const stack of readyBeforeCrash) expect(afterRerun.filter((c) => c.op === "up" && c.stack === stack)).toEqual([]);
    // One lab per learner, nothing more, spread over the regions; each group has its learner's Reader role.
    const groups = classGroups("ml101");
    expect(groups).toHaveLength(30);
    expect(new Set(groups.map((g) => g.name)).size).toBe(30);
    expect(new Set(groups.map((g) => g.location)).size).toBeGreaterThanOrEqual(3);
    const perRegion = REGIONS.map((r) => groups.filter((g) => g.location === r).length);
    expect(Math.max(...perRegion)).toBeLessThanOrEqual(10);
    const setup = classSetup({ roster, stack: "lab" });
    for (const unit of setup.units) {
      const group = `msl-${unitSuffix("ml101", unit.key)}`;
      const roles = lab!.server.requests().filter((r) => r.method === "PUT" && r.path.toLowerCase().includes(`/resourcegroups/${group}/providers/microsoft.authorization/roleassignments/`));
      expect(roles.map((r) => (r.body as { properties: { principalId: string } }).properties.principalId)).toContain(unit.learners[0]!.objectId);
    }

    // The roster written out: every learner, ready, with a workspace URL, region and expiry.
    const rows = readRoster(path.join(dir, "ml101.roster.json"));
    expect(rows.map((r) => r.learner).sort()).toEqual(setup.roster.learners.map((l) => l.learner).sort());
    for (const row of rows) {
      expect(row).toMatchObject({ status: "ready", subscription: SUB });
      expect(row.workspaceUrl).toMatch(/^https:\/\/adb-/);
      expect(REGIONS).toContain(row.region);
      expect(Date.parse(row.expiresAt)).toBeGreaterThan(Date.now());
    }
    expect(fs.readFileSync(path.join(dir, "ml101.roster.csv"), "utf8").split("\n")[0]).toBe("learner,workspaceUrl,region,expiresAt,status,subscription,resourceGroup,stack");

    // Status comes from Azure, not the state file (which is gone here, as Cloud Shell's can be).
    fs.rmSync(path.join(dir, "state"), { recursive: true, force: true });
    const budget = new ArmBudget(new ArmClient({ credential: new StaticTokenCredential("t"), endpoint: lab!.server.url }), systemClock);
    const status = await classStatus(budget, "ml101", setup.units, [SUB]);
    expect(status.counts).toMatchObject({ ready: 30, missing: 0 });

    // Down: every lab of the class, through teardown (endpoints, destroy, verified gone).
    dbx = await startDatabricksTestServer({ endpoints: [] });
    trustTestCa(dbx.caCertPem);
    const client = new ArmClient({ credential: new StaticTokenCredential("t"), endpoint: lab!.server.url });
    const deployer = new RecordingDeployer(path.join(dir, "engine"), lab!.ctx, SUB, 20);
    const down = await classDown(
      {
        client,
        clock: systemClock,
        budget: new ArmBudget(client, systemClock),
        deployer,
        journal: fileJournalStore(path.join(dir, "state")),
        databricks: () => new DatabricksServingClient(dbx!.url, new StaticTokenCredential("dbx")),
        labArm: (s) => new SdkLabArm(createSdkClients(lab!.ctx, s), { pollMs: 20 }),
      },
      { classId: "ml101", units: setup.units, subscriptions: [SUB], mode: "execute", concurrency: 10, wait: { defaultPollMs: 20, timeoutMs: 120_000, verifyAttempts: 20 } },
    );
    expect(down.labs.filter((l) => l.outcome !== "deleted").map((l) => `${l.resourceGroup}: ${l.reason} ${JSON.stringify(l.report?.items?.filter((i) => i.outcome === "failed"))} ${JSON.stringify(l.report?.groups)}`)).toEqual([]);
    expect(down.failed).toBe(false);
    expect(down.labs.map((l) => l.outcome)).toEqual(Array(30).fill("deleted"));
    expect(classGroups("ml101")).toEqual([]);
  }, 300_000);

  it("shared: 30 learners in workspaces of 4 (with the owner's cluster, a family row of 20 vCPUs holds 5 clusters), killed half-way and run again, each learner in the stack's learners with their object id", async () => {
    await startServer();
    const roster = writeRoster(30, "ml102.csv");
    const env = cliEnv("engine");
    const args = classArgs("up", roster, ["--layout", "shared", "--per-workspace", "4", "--owner", "teacher@contoso.edu", "--concurrency", "2", "--out", dir]);

    // First run: killed once two of the eight workspaces are ready.
    const readyBeforeCrash = await runUntilKilled(args, env, path.join(dir, "state", "classes", "ml102", "state.json"), 2);
    const upsBeforeRerun = calls("engine").length;
    expect(classGroups("ml102").length).toBeLessThan(8);

    // Second run: continues; the ready workspaces are neither deployed again nor made twice.
    const result = await run(args, env);
    expect(result.stderr).not.toMatch(/error/);
    expect(result.code).toBe(0);
    const summary = /class ml102: (\d+) deployed, (\d+) already ready, 0 failed, 0 without a place/.exec(result.stdout);
    expect(summary, result.stdout).not.toBeNull();
    expect(Number(summary![2])).toBeGreaterThanOrEqual(readyBeforeCrash.length);
    expect(Number(summary![1]) + Number(summary![2])).toBe(8);
    const afterRerun = calls("engine").slice(upsBeforeRerun);
    for (const stack of readyBeforeCrash) expect(afterRerun.filter((c) => c.op === "up" && c.stack === stack)).toEqual([]);
    const groups = classGroups("ml102");
    expect(groups).toHaveLength(8);
    expect(new Set(groups.map((g) => g.name)).size).toBe(8);
    const rows = readRoster(path.join(dir, "ml102.roster.json"));
    expect(rows).toHaveLength(30);
    expect(new Set(rows.map((r) => r.resourceGroup)).size).toBe(8);
    expect(rows.every((r) => r.status === "ready" && r.workspaceUrl.startsWith("https://"))).toBe(true);
    // The stacks carry the class: owner, class id and exactly their learners.
    const stacks = JSON.parse(fs.readFileSync(path.join(dir, "engine", "stacks.json"), "utf8")) as Record<string, Record<string, { value: string }>>;
    const setup = classSetup({ roster, stack: "lab", layout: "shared", perWorkspace: "4" });
    for (const unit of setup.units) {
      const config = stacks[unitStack("ml102", unit.key)]!;
      expect(config["azure-mlflow-lab:owner"]!.value).toBe("teacher@contoso.edu");
      expect(config["azure-mlflow-lab:classId"]!.value).toBe("ml102");
      expect(JSON.parse(config["azure-mlflow-lab:learners"]!.value)).toEqual(unit.learners.map((l) => ({ learner: l.learner, objectId: l.objectId })));
    }
  }, 300_000);

  it("two shards as two processes deploy every learner exactly once", async () => {
    await startServer();
    const roster = writeRoster(30, "ml103.csv");
    const [one, two] = await Promise.all(
      [1, 2].map((shard) => run(classArgs("up", roster, ["--shards", "2", "--shard", String(shard), "--out", dir, "--json"]), cliEnv(`engine-${shard}`))),
    );
    expect(one!.code, one!.stderr).toBe(0);
    expect(two!.code, two!.stderr).toBe(0);
    const first = readRoster(path.join(dir, "ml103.shard-1-of-2.roster.json"));
    const second = readRoster(path.join(dir, "ml103.shard-2-of-2.roster.json"));
    expect(first.length).toBeGreaterThan(0);
    expect(second.length).toBeGreaterThan(0);
    const all = [...first, ...second].map((r) => r.learner).sort();
    expect(all).toEqual(Array.from({ length: 30 }, (_, i) => `learner${String(i + 1).padStart(2, "0")}@contoso.edu`));
    const ups = [...calls("engine-1"), ...calls("engine-2")].filter((c) => c.op === "up" && c.result === "ok");
    expect(new Set(ups.map((c) => c.stack)).size).toBe(30);
    expect(ups).toHaveLength(30);
    expect(classGroups("ml103")).toHaveLength(30);
  }, 300_000);

  it("a bad roster is one line naming the file, line and column, exit 2, and nothing is created", async () => {
    await startServer();
    const roster = path.join(dir, "bad.csv");
    fs.writeFileSync(roster, "learner,objectId\nann@contoso.edu,not-a-guid\n");
    const result = await run(classArgs("up", roster, []), cliEnv("engine"));
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain(`roster ${roster} line 2, column 2: objectId 'not-a-guid' is not an Entra object id`);
    expect(calls("engine")).toEqual([]);
    expect(lab!.server.requests().filter((r) => r.method !== "GET")).toEqual([]);
  }, 120_000);
});
