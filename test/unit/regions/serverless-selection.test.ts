import { describe, expect, it } from "vitest";
import type { BlockEntry } from "../../../src/regions/blocklist";
import { demandFromConfig } from "../../../src/regions/demand";
import { NoEligibleRegionError, selectRegion } from "../../../src/regions/evaluate";
import { runSelection } from "../../../src/regions/select";
import { SERVERLESS_OVERRIDE_ENV, SERVERLESS_REGIONS_RETRIEVED_AT, SERVERLESS_WORKSPACE_REGIONS, serverlessWorkspaceSignals } from "../../../src/regions/serverless-regions";
import { demandText, selectionReport } from "../../../src/regions/render";
import { region, snapshot } from "./snapshot-builder";

/**
 * A serverless lab runs no VM of the subscription: region selection ignores vCPU quota and VM sizes, and
 * requires a region where Serverless workspaces exist (the dated list, or its environment override).
 */
const now = new Date("2026-11-23T12:00:00Z");
const serverless = demandFromConfig({ compute: "serverless", nodeType: "Standard_DS3_v2", nodeTypeFallbacks: ["Standard_D4ds_v5"] });
const list = (...regions: string[]) => ({ regions, retrievedAt: "2026-12-03", source: "test" });

// Every region out of quota: fatal for a classic lab.
const noQuota = (name: string) => region({ name, cores: [4, 4], families: { standardDSv2Family: [10, 10], standardDDSv5Family: [10, 10] } });

describe("region selection for a serverless lab", () => {
  it("ignores vCPU quota, where a classic lab finds no region at all", () => {
    const signals = snapshot([noQuota("eastus"), noQuota("westeurope")]);
    expect(() => selectRegion(signals, demandFromConfig({ nodeType: "Standard_DS3_v2" }), { seed: 1, now })).toThrow(NoEligibleRegionError);
    const result = selectRegion(signals, serverless, { seed: 1, now, serverlessWorkspaces: list("eastus", "westeurope") });
    expect(result.verdicts.map((v) => [v.region, v.eligible, v.reasons, v.headroom])).toEqual(
      expect.arrayContaining([
        ["eastus", true, [], null],
        ["westeurope", true, [], null],
      ]),
    );
    expect(result.choice.why).toBe("serverless compute uses no VM quota: seeded pick among 2 regions with serverless workspaces (spreads a classroom)");
    // Nor does it need the lab's VM sizes offered anywhere.
    const noSizes = selectRegion(snapshot([region({ name: "eastus", skus: [] })]), serverless, { seed: 1, now, serverlessWorkspaces: list("eastus") });
    expect(noSizes.choice.region).toBe("eastus");
  });

  it("excludes regions without serverless workspaces, naming why", () => {
    const result = selectRegion(snapshot([noQuota("eastus"), noQuota("germanywestcentral")]), serverless, { seed: 1, now, serverlessWorkspaces: list("eastus") });
    expect(result.choice.region).toBe("eastus");
    const excluded = result.verdicts.find((v) => v.region === "germanywestcentral")!;
    expect(excluded.reasons).toEqual([{ constraint: "serverless", text: "no serverless workspaces" }]);
  });

  it("still needs model serving, policy and the Databricks offering in the region", () => {
    const signals = snapshot([region({ name: "eastus" }), region({ name: "uksouth" })], {
      modelServing: { regions: ["eastus"], retrievedAt: "2026-11-23", source: "test" },
    });
    const result = selectRegion(signals, serverless, { seed: 1, now, serverlessWorkspaces: list("eastus", "uksouth") });
    expect(result.verdicts.find((v) => v.region === "uksouth")!.reasons.map((r) => r.constraint)).toEqual(["serving"]);
  });

  it("says what to do in one line when no region has serverless workspaces", () => {
    const attempt = () => selectRegion(snapshot([noQuota("germanywestcentral")]), serverless, { seed: 1, now, serverlessWorkspaces: list("eastus") });
    expect(attempt).toThrow(
      "no eligible region for a serverless lab among 1 regions (excluded by serverless 1); pick a region with serverless workspaces, correct the list with MLFLOW_LAB_SERVERLESS_REGIONS, or use compute classic",
    );
  });

  it("is not blocked by an earlier quota or size failure, only by one of the whole region", () => {
    const block = (extra: Partial<BlockEntry>): BlockEntry => ({ region: "eastus", reason: "earlier", code: "X", createdAt: "2026-11-23T11:00:00Z", expiresAt: "2026-11-23T13:00:00Z", ...extra });
    const signals = snapshot([region({ name: "eastus" }), region({ name: "westeurope" })]);
    const options = { seed: 1, now, serverlessWorkspaces: list("eastus", "westeurope") };
    const quota = selectRegion(signals, { ...serverless, preferredRegion: "eastus" }, { ...options, blocklist: [block({ family: "cores" }), block({ nodeType: "Standard_DS3_v2" })] });
    expect(quota.choice.region).toBe("eastus");
    const whole = selectRegion(signals, { ...serverless, preferredRegion: "eastus" }, { ...options, blocklist: [block({})] });
    expect(whole.choice.region).toBe("westeurope");
  });

  it("needs no Microsoft.Compute registration, which only cluster VMs need", () => {
    expect(serverless.providers).toEqual(["Microsoft.Databricks", "Microsoft.Storage"]);
    expect(demandFromConfig({ nodeType: "Standard_DS3_v2" }).providers).toContain("Microsoft.Compute");
  });

  it("says which compute the stack uses and why quota does not matter", () => {
    const signals = snapshot([region({ name: "eastus" })]);
    const result = selectRegion(signals, serverless, { seed: 1, now, serverlessWorkspaces: list("eastus") });
    const report = selectionReport(result, signals, { kind: "example" }, serverless);
    expect(report).toContain("Compute:      serverless: no cluster; Databricks runs the notebook on serverless compute, so no VM of your subscription runs and vCPU quota does not matter");
    expect(report).toContain("Choice:       eastus: serverless compute uses no VM quota");
    expect(demandText(serverless)).toMatch(/^serverless compute \(no VMs\), a region with serverless workspaces;/);
  });
});

describe("the serverless workspace region list", () => {
  it("is dated, bundled, and replaced by MLFLOW_LAB_SERVERLESS_REGIONS", () => {
    expect(SERVERLESS_REGIONS_RETRIEVED_AT).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(serverlessWorkspaceSignals({}).regions).toEqual([...SERVERLESS_WORKSPACE_REGIONS]);
    expect(SERVERLESS_WORKSPACE_REGIONS).toContain("eastus");
    const overridden = serverlessWorkspaceSignals({ [SERVERLESS_OVERRIDE_ENV]: "eastus, WestEurope" });
    expect(overridden.regions).toEqual(["eastus", "westeurope"]);
    expect(overridden.source).toContain(SERVERLESS_OVERRIDE_ENV);
  });

  it("is what runSelection honours, the override included", () => {
    const signals = snapshot([region({ name: "eastus" }), region({ name: "germanywestcentral" })]);
    expect(() => runSelection(signals, { ...serverless, preferredRegion: undefined }, { seed: 1, now, env: { [SERVERLESS_OVERRIDE_ENV]: "swedencentral" } })).toThrow(
      /excluded by serverless 2/,
    );
    const chosen = runSelection(signals, serverless, { seed: 1, now, env: { [SERVERLESS_OVERRIDE_ENV]: "germanywestcentral" } });
    expect(chosen.choice.region).toBe("germanywestcentral");
  });
});
