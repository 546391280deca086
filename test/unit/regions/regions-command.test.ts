import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { captureCliOutput } from "../../support/cli-output";
import { main } from "../../../src/cli/main";
import { EXAMPLE_SNAPSHOT_FILE } from "../../../src/regions/example";
import { parseSnapshot, serializeSnapshot } from "../../../src/regions/signals";
import { region, snapshot } from "./snapshot-builder";

/** `mlflow-lab regions` in-process: what a user sees on stdout/stderr and the exit code. */
const LIVE_CREDENTIAL_VARIABLES = [
  "MLFLOW_LAB_ACCESS_TOKEN",
  "AZURE_CLIENT_ID",
  "AZURE_TENANT_ID",
  "AZURE_CLIENT_SECRET",
  "AZURE_CLIENT_CERTIFICATE_PATH",
  "AZURE_FEDERATED_TOKEN_FILE",
  "IDENTITY_ENDPOINT",
  "MSI_ENDPOINT",
];
let dir: string;
let stackFile: string;
const stdio = captureCliOutput();

async function cli(...args: string[]): Promise<number> {
  stdio.out = "";
  stdio.err = "";
  return main(["regions", "--stack", stackFile, ...args]);
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "regions-cli-"));
  stackFile = path.join(dir, "Pulumi.test.yaml");
  fs.writeFileSync(stackFile, "config:\n  azure-mlflow-lab:owner: learner@example.com\n");
  process.env.MLFLOW_LAB_STATE_DIR = path.join(dir, "state");
  // No live credentials: the example or a file is used even on a machine signed in to Azure or a CI
  // job with a service principal, workload identity or managed identity (what hasLiveCredentials reads).
  process.env.AZURE_CONFIG_DIR = path.join(dir, "no-azure");
  for (const name of LIVE_CREDENTIAL_VARIABLES) delete process.env[name];
  delete process.env.MLFLOW_LAB_MODEL_SERVING_REGIONS;
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("mlflow-lab regions", () => {
  it("prints the bundled example, labelled, with the choice on top and every region's verdict", async () => {
    expect(await cli("--seed", "7")).toBe(0);
    expect(stdio.out).toMatch(/^Signals: +EXAMPLE signals, made up .*2026-11-23/);
    expect(stdio.out).toMatch(/\nChoice: +\w+ with Standard_DS3_v2 /);
    const example = parseSnapshot(fs.readFileSync(EXAMPLE_SNAPSHOT_FILE, "utf8"), "example");
    for (const r of example.regions) expect(stdio.out).toContain(r.name);
    expect(stdio.out).toMatch(/eastus +US +excluded .*standardDSv2Family: 2 of 10 free, need 4/);
    expect(stdio.out).toMatch(/westeurope +Europe +excluded .*Standard_DS3_v2 NotAvailableForSubscription/);
    expect(stdio.out).toMatch(/\n1 +\w+ +[\w ]+? +CHOSEN/);
  });

  it("--json prints the same data; the same seed gives the same choice", async () => {
    await cli("--json", "--seed", "11");
    const first = JSON.parse(stdio.out);
    await cli("--json", "--seed", "11");
    expect(JSON.parse(stdio.out)).toEqual(first);
    expect(first.signals.source).toBe("example");
    expect(first.signals.example).toMatch(/^EXAMPLE/);
    expect(first.choice.nodeType).toBe("Standard_DS3_v2");
    expect(first.verdicts[0]).toMatchObject({ region: first.choice.region, rank: 1, eligible: true });
    expect(first.verdicts.find((v: { region: string }) => v.region === "centralus").reasons).toEqual([{ constraint: "quota", text: "cores: 0 of 20 free, need 4" }]);
  });

  it("--region takes an eligible region and explains when it cannot", async () => {
    await cli("--json", "--region", "westus3", "--seed", "1");
    expect(JSON.parse(stdio.out).choice.region).toBe("westus3");
    await cli("--json", "--region", "East US", "--seed", "1");
    expect(JSON.parse(stdio.out).choice.why).toMatch(/^eastus was asked for but is excluded \(standardDSv2Family: 2 of 10 free, need 4\)/);
  });

  it("with a preference in Europe chooses in Europe when Europe has an eligible region, whatever the seed", async () => {
    const europe = ["francecentral", "germanywestcentral", "italynorth", "northeurope", "swedencentral", "uksouth", "westeurope"];
    for (const seed of ["1", "2", "3", "4", "5", "6"]) {
      await cli("--json", "--region", "westeurope", "--seed", seed);
      const json = JSON.parse(stdio.out);
      expect(europe).toContain(json.choice.region);
      expect(json.verdicts[0].geography).toBe("Europe");
    }
    expect(await cli("--region", "westeurope", "--seed", "1")).toBe(0);
    expect(stdio.out).toMatch(/\nNear: +Europe \(the preferred region westeurope\): its regions rank first\n/);
    // The same from where the user is, with no region asked for.
    await cli("--json", "--near", "West Europe", "--seed", "9");
    expect(europe).toContain(JSON.parse(stdio.out).choice.region);
    await cli("--json", "--geography", "asia pacific", "--seed", "9");
    expect(JSON.parse(stdio.out).verdicts[0].geography).toBe("Asia Pacific");
  });

  it("--from-snapshot evaluates a saved file and --save-snapshot writes the raw signals", async () => {
    const file = path.join(dir, "snap.json");
    fs.writeFileSync(file, serializeSnapshot(snapshot([region({ name: "eastus" }), region({ name: "westus", cores: [20, 20] })])));
    expect(await cli("--from-snapshot", file, "--json", "--seed", "1", "--save-snapshot", path.join(dir, "copy.json"))).toBe(0);
    const json = JSON.parse(stdio.out);
    expect(json.signals).toMatchObject({ source: "file", detail: file });
    expect(json.choice.region).toBe("eastus");
    expect(parseSnapshot(fs.readFileSync(path.join(dir, "copy.json"), "utf8"), "copy")).toEqual(parseSnapshot(fs.readFileSync(file, "utf8"), "orig"));
  });

  it("exits 1 with a one-line reason when no region is eligible, after printing the table", async () => {
    const file = path.join(dir, "full.json");
    fs.writeFileSync(file, serializeSnapshot(snapshot([region({ name: "eastus", cores: [4, 4] }), region({ name: "westus", cores: [4, 4] })])));
    expect(await cli("--from-snapshot", file, "--seed", "1")).toBe(1);
    expect(stdio.out).toMatch(/Choice: +none/);
    // The header lines that say which subscription and serving list this was, and the seed, are there.
    expect(stdio.out).toMatch(/\nSubscription: .*\) Enabled/);
    expect(stdio.out).toMatch(/\nServing list: /);
    expect(stdio.out).toMatch(/\nSeed: +1 \(pass --seed 1/);
    expect(stdio.out).toMatch(/eastus +US +excluded .*cores: 0 of 4 free, need 4/);
    expect(stdio.err.trim().split("\n")).toHaveLength(1);
    expect(stdio.err).toMatch(/^error: no eligible region for Standard_DS3_v2, .* \(excluded by quota 2\); request a quota increase/);
  });

  it("a Disabled subscription is reported once, as the error, which says Disabled; no row repeats it", async () => {
    const file = path.join(dir, "disabled.json");
    const base = snapshot([region({ name: "eastus" }), region({ name: "westus" })]);
    fs.writeFileSync(file, serializeSnapshot({ ...base, subscription: { ...base.subscription, state: "Disabled" } }));
    expect(await cli("--from-snapshot", file, "--seed", "1")).toBe(1);
    expect(stdio.err).toBe(`error: subscription ${base.subscription.id} is Disabled: nothing can be deployed in it; use another subscription (az account list; --subscription ID)\n`);
    expect(stdio.out).toMatch(/\nSubscription: .*\) Disabled/);
    expect(stdio.out).toMatch(/\nChoice: +none: subscription .* is Disabled/);
    expect(stdio.out).toMatch(/\nSeed: +1 /);
    expect(stdio.out).not.toMatch(/eastus|westus/);
  });

  it("says a note that holds for every region once, and marks regions whose quota could not be read", async () => {
    const file = path.join(dir, "unknowns.json");
    const base = snapshot([region({ name: "eastus" }), { ...region({ name: "westus", cores: [20, 20] }), usages: null, usagesError: "HTTP 503 after 4 attempts" }]);
    fs.writeFileSync(file, serializeSnapshot({ ...base, policy: { allowedLocations: null, error: "AuthorizationFailed" } }));
    expect(await cli("--from-snapshot", file, "--seed", "1")).toBe(0);
    expect(stdio.out.match(/policy unknown \(AuthorizationFailed\)/g)).toHaveLength(1);
    expect(stdio.out).toMatch(/\nNotes: +policy unknown \(AuthorizationFailed\) \(every region\)/);
    expect(stdio.out).toMatch(/westus +US +unverified .*quota unknown \(HTTP 503 after 4 attempts\)/);
    expect(stdio.out).toMatch(/1 +eastus +US +CHOSEN /);
  });

  it.each([
    [["--region", "atlantis"], /--region 'atlantis' is not an Azure region/],
    [["--region", "eastsu"], /did you mean eastus\?/],
    [["--node-type", "Standard_Q9_v9"], /node type 'Standard_Q9_v9' is not listed in any region/],
    [["--node-type", "big"], /nodeType|not a VM size/],
    [["--seed", "abc"], /--seed 'abc' is not a whole number/],
    [["--geography", "Atlantis"], /--geography 'Atlantis' is neither a geography nor a region; use one of /],
    [["--from-snapshot", "/nonexistent/snap.json"], /snapshot file \/nonexistent\/snap\.json does not exist/],
  ])("bad input %j exits 2 with one line", async (args, message) => {
    expect(await cli(...(args as string[]))).toBe(2);
    expect(stdio.err.trim().split("\n")).toHaveLength(1);
    expect(stdio.err).toMatch(message);
  });

  it("a snapshot that is not JSON, or misses a field, exits 2 naming the file and field", async () => {
    const notJson = path.join(dir, "bad.json");
    fs.writeFileSync(notJson, "{{");
    expect(await cli("--from-snapshot", notJson)).toBe(2);
    expect(stdio.err).toMatch(/snapshot .*bad\.json is not valid JSON/);
    const missing = path.join(dir, "missing.json");
    const { policy: _p, ...rest } = snapshot([region({ name: "eastus" })]);
    fs.writeFileSync(missing, JSON.stringify(rest));
    expect(await cli("--from-snapshot", missing)).toBe(2);
    expect(stdio.err).toMatch(/snapshot .*missing\.json: field policy is missing/);
  });

  it("honours the persisted blocklist", async () => {
    const state = process.env.MLFLOW_LAB_STATE_DIR!;
    fs.mkdirSync(state, { recursive: true });
    const file = path.join(dir, "two.json");
    fs.writeFileSync(file, serializeSnapshot(snapshot([region({ name: "eastus" }), region({ name: "westus" })])));
    const expiresAt = new Date(Date.now() + 3600_000).toISOString();
    fs.writeFileSync(path.join(state, "region-blocklist.json"), JSON.stringify({
      format: "azure-mlflow-lab/region-blocklist@1",
      entries: [{ region: "eastus", nodeType: "Standard_DS3_v2", reason: "Standard_DS3_v2 in eastus is not available now", code: "SkuNotAvailable", createdAt: new Date().toISOString(), expiresAt }],
    }));
    await cli("--from-snapshot", file, "--json", "--region", "eastus", "--seed", "1");
    const json = JSON.parse(stdio.out);
    expect(json.choice.region).toBe("westus");
    expect(json.verdicts.find((v: { region: string }) => v.region === "eastus").reasons[0].text).toMatch(/^blocked until .* Standard_DS3_v2 in eastus is not available now$/);
  });
});

describe("plan's region decision", () => {
  it("falls back to the labelled example when live signals cannot be read", async () => {
    const { selectRegionForPlan } = await import("../../../src/regions/select");
    const { parseLabConfig } = await import("../../../src/config/lab-config");
    const config = parseLabConfig({ owner: "learner@example.com" });
    const failing = async () => {
      throw new Error("cannot read your subscriptions: HTTP 401");
    };
    const decision = await selectRegionForPlan(config, { MLFLOW_LAB_ACCESS_TOKEN: "token" }, { live: failing });
    expect(decision.source).toBe("example-snapshot");
    expect(decision.label).toMatch(/^EXAMPLE .*\(live signals could not be read: cannot read your subscriptions: HTTP 401\)$/);
    const again = await selectRegionForPlan(config, {}, {});
    expect(again.region).toBe(decision.region);
  });
});
