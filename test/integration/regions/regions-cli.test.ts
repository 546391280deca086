import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadSnapshotFile } from "../../../src/regions/signals";
import { ALLOWED_LOCATIONS, labInventory, startLabServer, SUB, type LabServer } from "./lab-inventory";

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

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(repo, "scripts/mlflow-lab"), "regions", ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "", HOME: dir, MLFLOW_LAB_STATE_DIR: path.join(dir, "state"), MLFLOW_LAB_MODEL_SERVING_REGIONS: "eastus,westeurope,northeurope", ...lab!.server.env() },
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

  it("prints the table with the choice on top", async () => {
    lab = await startLabServer(labInventory({ regions: ["eastus", "westeurope"] }));
    const result = await cli(["--subscription", SUB, "--seed", "1"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Signals: +live signals read /);
    expect(result.stdout).toMatch(/Subscription: Region test subscription \(10000000-0000-4000-8000-00000000000a\) Enabled/);
    expect(result.stdout).toMatch(/\n1 +(eastus +US|westeurope +Europe) +CHOSEN/);
  });
});
