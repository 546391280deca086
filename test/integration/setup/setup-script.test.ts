import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { labInventory, startLabServer, SUB, type LabInventoryOptions, type LabServer } from "../regions/lab-inventory";

/**
 * scripts/setup.sh end to end in a child process, as a learner runs it in Cloud Shell: its argument
 * handling, the tool checks, and the hand-off to `mlflow-lab deploy`, which reads live signals from the
 * ARM test server and deploys through the recording deployer (the Pulumi CLI's stand-in, acting on the
 * server like the engine).
 */
const repo = path.resolve(__dirname, "../../..");
const setup = path.join(repo, "scripts/setup.sh");
const recordingDeployer = path.join(repo, "test/integration/deploy/recording-deployer.ts");

let lab: LabServer | undefined;
let dir: string;
let stackFile: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "setup-sh-"));
  stackFile = path.join(dir, "Pulumi.classroom.yaml");
  fs.writeFileSync(stackFile, "config:\n  azure-mlflow-lab:owner: learner@example.com\n  azure-mlflow-lab:ttl: 8h\n");
});
afterEach(async () => {
  await lab?.server.stop();
  lab = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      "bash",
      [setup, ...args],
      {
        cwd: dir,
        env: {
          PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`,
          HOME: dir,
          MLFLOW_LAB_STATE_DIR: path.join(dir, "state"),
          MLFLOW_LAB_DEPLOYER_MODULE: recordingDeployer,
          MLFLOW_LAB_RECORDING_DIR: path.join(dir, "engine"),
          MLFLOW_LAB_RECORDING_POLL_MS: "20",
          MLFLOW_LAB_MODEL_SERVING_REGIONS: "eastus,eastus2,westus2,westeurope,northeurope",
          ...(lab ? lab.server.env() : {}),
          ...env,
        },
        timeout: 120_000,
      },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

async function serve(options: LabInventoryOptions = {}) {
  lab = await startLabServer(labInventory(options), { durations: { databricksCreate: 20_000, databricksDelete: 10_000, resourceGroupDelete: 10_000, managedResourceGroupRemoval: 5_000 } });
}

function labGroups() {
  return [...lab!.server.state().subscription(SUB).resourceGroups.values()].filter((g) => g.name.startsWith("msl-") && g.provisioningState !== "Deleting");
}

describe("scripts/setup.sh", () => {
  it("--help prints the usage and exits 0", async () => {
    const result = await run(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^usage: setup\.sh \[REGION\] \[--region REGION\] \[--subscription ID\]/);
  });

  it.each([
    [["--bogus"], "setup.sh: unknown option '--bogus' (see --help)"],
    [["eastus", "westus"], "setup.sh: unexpected argument 'westus' (the region is already 'eastus') (see --help)"],
    [["--subscription"], "setup.sh: --subscription needs a value (see --help)"],
    [["--stack", "--yes"], "setup.sh: --stack needs a value (see --help)"],
  ])("bad arguments %j exit 2 with one line before anything runs", async (args, line) => {
    const result = await run(args as string[]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(line);
  });

  it("hosted-lab flags: deploys end to end, prints the workspace URL, region, expiry and teardown command", async () => {
    await serve();
    const result = await run(["--subscription", SUB, "--region", "westus2", "--stack", stackFile, "--yes"]);
    expect(result.stderr).toMatch(/setup: node v2[2-9]\./);
    expect(result.stderr).toMatch(/setup: engine: .*recording-deployer\.ts \(the Pulumi CLI is not needed\)/);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Lab ready: stack classroom, resource group msl-[0-9a-z]{7}\n/);
    expect(result.stdout).toMatch(/ {2}Workspace: {2}https:\/\/adb-\d+\.\d+\.azuredatabricks\.net\n/);
    expect(result.stdout).toMatch(/ {2}Region: {5}westus2 \(Standard_DS3_v2\)\n/);
    expect(result.stdout).toMatch(/ {2}Expires: {4}\d{4}-\d\d-\d\dT/);
    expect(result.stdout).toMatch(/ {2}Tear down: {2}mlflow-lab teardown --stack classroom\n/);
    expect(labGroups().map((g) => g.location)).toEqual(["westus2"]);
  });

  it("'setup.sh eastus' keeps meaning 'start in eastus'; a quota failure there fails over, the failed group is deleted first", async () => {
    await serve({ subscription: { createFailures: [{ resourceType: "Microsoft.Databricks/workspaces", location: "eastus", code: "QuotaExceeded", family: "standardDSv2Family", mode: "lro", count: 1 }] } });
    const result = await run(["eastus", "--subscription", SUB, "--stack", stackFile, "--yes"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/region eastus with Standard_DS3_v2 .*eastus was asked for and fits/);
    expect(result.stderr).toMatch(/attempt in eastus failed: quota exceeded for standardDSv2Family in eastus/);
    expect(result.stderr).toMatch(/resource group msl-[0-9a-z]{7} is gone/);
    expect(result.stdout).toMatch(/Attempts:[\s\S]*eastus[\s\S]*failover[\s\S]*succeeded/);
    const groups = labGroups();
    expect(groups).toHaveLength(1);
    expect(groups[0]!.location).not.toBe("eastus");
    // The block survives the process: the next run's selection knows eastus failed.
    const blocklist = JSON.parse(fs.readFileSync(path.join(dir, "state", "region-blocklist.json"), "utf8"));
    expect(blocklist.entries).toEqual([expect.objectContaining({ region: "eastus", family: "standardDSv2Family", code: "QuotaExceeded" })]);
  });

  it("in Cloud Shell, passes the shell's location (ACC_LOCATION) on, so the lab lands in the learner's geography", async () => {
    await serve();
    const result = await run(["--subscription", SUB, "--stack", stackFile, "--yes"], { ACC_LOCATION: "West Europe" });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/in Europe \(near westeurope, where the setup runs\)/);
    expect(["westeurope", "northeurope"]).toContain(labGroups()[0]!.location);
  });

  it("--geography is passed on, and a bad one is refused with one line before anything is created", async () => {
    await serve();
    const bad = await run(["--subscription", SUB, "--stack", stackFile, "--yes", "--geography", "Atlantis"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/error: --geography 'Atlantis' is neither a geography nor a region; use one of /);
    expect(labGroups()).toEqual([]);
    const us = await run(["--subscription", SUB, "--stack", stackFile, "--yes", "--geography", "US"], { ACC_LOCATION: "westeurope" });
    expect(us.code, us.stderr).toBe(0);
    expect(["eastus", "eastus2", "westus2"]).toContain(labGroups()[0]!.location);
  });

  it("running it again resumes the same lab instead of creating a second one", async () => {
    await serve();
    const first = await run(["--subscription", SUB, "--stack", stackFile, "--yes", "--region", "northeurope"]);
    expect(first.code, first.stderr).toBe(0);
    const second = await run(["--subscription", SUB, "--stack", stackFile, "--yes", "--region", "eastus"]);
    expect(second.code, second.stderr).toBe(0);
    const rg = /resource group (msl-[0-9a-z]{7})/.exec(first.stdout)![1];
    expect(second.stdout).toMatch(new RegExp(`^Lab ready: stack classroom, resource group ${rg} \\(resumed\\)`));
    expect(second.stdout).toMatch(/Region: {5}northeurope/);
    expect(labGroups().map((g) => g.name)).toEqual([rg]);
  });

  it("without --yes and without a terminal it stops before creating anything and names the flag", async () => {
    await serve();
    const result = await run(["--subscription", SUB, "--stack", stackFile]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/error: deploy needs a confirmation and there is no terminal to ask on; pass --yes\n$/);
    expect(labGroups()).toEqual([]);
  });

  it("with no eligible region it exits 1 naming the constraint, and creates nothing", async () => {
    await serve({ usages: [{ name: "cores", currentValue: 4, limit: 4 }, { name: "standardDSv2Family", currentValue: 4, limit: 4 }, { name: "standardDDSv5Family", currentValue: 0, limit: 4 }], quotaId: "FreeTrial_2014-09-01" });
    const result = await run(["--subscription", SUB, "--stack", stackFile, "--yes"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: no eligible region for Standard_DS3_v2, Standard_D4ds_v5, Standard_D4ads_v5 among 6 regions \(excluded by quota \d+.*\); this FreeTrial_2014-09-01 subscription cannot raise quota: use another subscription.*nothing was created/);
    expect(labGroups()).toEqual([]);
  });

  it("an unknown region is bad input (exit 2)", async () => {
    await serve();
    const result = await run(["atlantis", "--subscription", SUB, "--stack", stackFile, "--yes"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/error: --region 'atlantis' is not an Azure region/);
  });
});
