import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadSnapshotFile } from "../../../src/regions/signals";
import { ALLOWED_LOCATIONS, D4DS, D4S, DS3, labInventory, startLabServer, SUB, type LabServer } from "./lab-inventory";

/** `mlflow-lab regions` as a user runs it, with credentials: live signals from the ARM test server. */
const repo = path.resolve(__dirname, "../../..");
let lab: LabServer | undefined;
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "regions-cli-"));
});
afterEach(async () => {
  await lab?.server.stop();
  lab = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(repo, "scripts/mlflow-lab"), "regions", ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "", HOME: dir, MLFLOW_LAB_STATE_DIR: path.join(dir, "state"), MLFLOW_LAB_MODEL_SERVING_REGIONS: "eastus,westeurope,northeurope", ...lab!.server.env(), ...extraEnv },
      timeout: 60_000,
    }, (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }));
  });
}

describe("mlflow-lab regions with credentials", () => {
  it("reads live signals, prints the verdicts and saves a snapshot that evaluates the same offline", async () => {
    lab = await startLabServer(labInventory({
      subscription: { policyAssignments: [{ name: "sys.regionrestriction", policyDefinitionId: ALLOWED_LOCATIONS, allowedLocations: ["eastus", "westeurope", "uksouth"] }] },
      usagesByRegion: { eastus: [{ name: "cores", currentValue: 20, limit: 20 }, { name: "standardDSv2Family", currentValue: 0, limit: 10 }] },
    }));
    const saved = path.join(dir, "signals.json");
    const live = await cli(["--subscription", SUB, "--json", "--seed", "5", "--save-snapshot", saved]);
    expect(live.code, live.stderr).toBe(0);
    const json = JSON.parse(live.stdout);
    expect(json.signals).toMatchObject({ source: "live", detail: SUB });
    expect(json.signals.example).toBeUndefined();
    expect(json.choice.region).toBe("westeurope");
    const reasons = Object.fromEntries(json.verdicts.map((v: { region: string; reasons: { text: string }[] }) => [v.region, v.reasons.map((r) => r.text)]));
    expect(reasons).toMatchObject({
      eastus: ["cores: 0 of 20 free, need 4"],
      westus2: ["not allowed by policy (sys.regionrestriction)", expect.stringMatching(/^no model serving \(the docs have wrongly listed it unsupported before/)],
      uksouth: [expect.stringMatching(/^no model serving/)],
    });
    expect(loadSnapshotFile(saved).subscription.id).toBe(SUB);

    await lab.server.stop();
    const offline = await cli(["--from-snapshot", saved, "--json", "--seed", "5"]);
    expect(offline.code, offline.stderr).toBe(0);
    const again = JSON.parse(offline.stdout);
    expect(again.choice).toEqual(json.choice);
    expect(again.verdicts).toEqual(json.verdicts);
    lab = await startLabServer(labInventory({})); // for afterEach
  });

  it("--stack full excludes the regions where the AKS node pool or the managed endpoint cannot be created; the lab stack keeps them", async () => {
    lab = await startLabServer(labInventory({
      regions: ["eastus", "eastus2", "westeurope", "northeurope"],
      skusByRegion: { westeurope: [DS3, D4DS, { ...D4S, restrictions: [{ type: "Location", values: ["westeurope"], restrictionInfo: { locations: ["westeurope"] }, reasonCode: "NotAvailableForSubscription" }] }] },
      usagesByRegion: {
        eastus: [{ name: "cores", currentValue: 0, limit: 20 }, { name: "standardDSv2Family", currentValue: 0, limit: 10 }, { name: "standardDSv5Family", currentValue: 6, limit: 10 }],
      },
      mlUsagesByRegion: { eastus2: [{ name: "Total Cluster Dedicated Regional vCPUs", currentValue: 0, limit: 100, type: "Microsoft.MachineLearningServices/dedicatedCores/usages" }, { name: "Standard DSv2 Family Cluster Dedicated vCPUs", currentValue: 20, limit: 24 }] },
    }));
    const env = { MLFLOW_LAB_MODEL_SERVING_REGIONS: "eastus,eastus2,westeurope,northeurope" };
    const full = await cli(["--stack", "full", "--subscription", SUB, "--json", "--seed", "3"], env);
    expect(full.code, full.stderr).toBe(0);
    const json = JSON.parse(full.stdout);
    const reasons = Object.fromEntries(json.verdicts.map((v: { region: string; reasons: { text: string }[] }) => [v.region, v.reasons.map((r) => r.text)]));
    expect(reasons).toEqual({
      westeurope: ["AKS node pool: Standard_D4s_v5 NotAvailableForSubscription"],
      eastus: ["standardDSv5Family: 4 of 10 free, need 8 (AKS node pool, 2 x Standard_D4s_v5)"],
      eastus2: ["Azure ML standardDSv2Family dedicated vCPUs: 4 of 24 free, need 8 (managed endpoint penguin-managed, 2 x Standard_DS3_v2, with Azure ML's 20% upgrade reserve)"],
      northeurope: [],
    });
    expect(json.choice.region).toBe("northeurope");
    expect(json.demand.stackVms).toEqual([
      { role: "AKS node pool", vmSize: "Standard_D4s_v5", count: 2, quota: "compute" },
      { role: "managed endpoint penguin-managed", vmSize: "Standard_DS3_v2", count: 2, quota: "azureml" },
    ]);
    expect(lab.server.requests().filter((r) => /Microsoft\.MachineLearningServices\/locations\/[a-z0-9]+\/usages$/.test(r.path))).toHaveLength(4);

    const labStack = await cli(["--stack", "lab", "--subscription", SUB, "--json", "--seed", "3"], env);
    expect(labStack.code, labStack.stderr).toBe(0);
    expect(JSON.parse(labStack.stdout).verdicts.every((v: { eligible: boolean }) => v.eligible)).toBe(true);
  });

  it("prints the table with the choice on top", async () => {
    lab = await startLabServer(labInventory({ regions: ["eastus", "westeurope"] }));
    const result = await cli(["--subscription", SUB, "--seed", "1"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Signals: +live signals read /);
    expect(result.stdout).toMatch(/Subscription: Region test subscription \(10000000-0000-4000-8000-00000000000a\) Enabled/);
    expect(result.stdout).toMatch(/\n1 +(eastus +US|westeurope +Europe) +CHOSEN/);
  });
});
