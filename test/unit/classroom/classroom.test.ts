import { describe, expect, it } from "vitest";
import { notThisClass } from "../../../src/classroom/class-down";
import { subscriptionOptions } from "../../../src/classroom/class-plan";
import { labStatus } from "../../../src/classroom/class-status";
import { classCost } from "../../../src/classroom/cost";
import { rosterCsv } from "../../../src/classroom/roster-out";
import { parseRoster } from "../../../src/classroom/roster";
import { plannedStarts } from "../../../src/classroom/start-gate";
import { classIdFor, classUnits, inShard, parseLayout, parseShards, unitStack, unitSuffix } from "../../../src/classroom/units";
import { parseLabConfig } from "../../../src/config/lab-config";
import { PRICE_TABLE } from "../../../src/plan/cost";
import { linuxVmPrices, regionPriceTable, retailPricesFilter } from "../../../src/plan/retail-prices";

const roster = (text: string) => parseRoster(text, "class.csv");

describe("roster", () => {
  it("reads learners with their optional columns, in any case and order", () => {
    const r = roster("Region,learner,OBJECTID,subscription\nWest Europe,Ann@Contoso.edu,0000000A-0000-4000-8000-000000000001,\n,bob@contoso.edu,,10000000-0000-4000-8000-00000000000A\n");
    expect(r.learners).toEqual([
      { learner: "Ann@Contoso.edu", line: 2, region: "westeurope", objectId: "0000000a-0000-4000-8000-000000000001" },
      { learner: "bob@contoso.edu", line: 3, subscription: "10000000-0000-4000-8000-00000000000a" },
    ]);
  });

  it.each([
    ["name\nann@contoso.edu\n", "roster class.csv line 1, column 1: unknown column 'name'; the header may name learner, objectId, subscription, region (learner is required)"],
    ["objectId\n00000000-0000-4000-8000-000000000001\n", "roster class.csv line 1: the header has no 'learner' column"],
    ["learner\nann@contoso.edu\nann@CONTOSO.edu\n", "roster class.csv line 3, column 1: 'ann@CONTOSO.edu' is already on line 2; each learner gets one lab"],
    ["learner,region\nann@contoso.edu,westeurop\n", "roster class.csv line 2, column 2: region 'westeurop' is not an Azure region; did you mean westeurope?"],
    ["learner,subscription\nann@contoso.edu,abc\n", "roster class.csv line 2, column 2: subscription 'abc' is not a subscription id (a GUID)"],
    ["learner\nann\n", "roster class.csv line 2, column 1: 'ann' is not a user principal name or email"],
    ["learner\nann@contoso.edu,extra\n", "roster class.csv line 2, column 2: 2 fields, but the header names 1 columns"],
    ["learner\n\"ann@contoso.edu\n", "roster class.csv line 2: not valid CSV"],
    ["", "roster class.csv is empty"],
    ["learner\n", "roster class.csv has a header but no learners"],
  ])("rejects %j with one line naming the file, line and column", (text, message) => {
    let error: unknown;
    try {
      roster(text);
    } catch (e) {
      error = e;
    }
    expect((error as Error).message.startsWith(message)).toBe(true);
    expect((error as Error).message).not.toContain("\n");
    expect((error as { exitCode?: number }).exitCode).toBe(2);
  });
});

describe("units, ids and shards", () => {
  const learners = roster(`learner,subscription\n${Array.from({ length: 12 }, (_, i) => `l${i}@x.edu,${i >= 10 ? "10000000-0000-4000-8000-00000000000a" : ""}`).join("\n")}\n`).learners;

  it("shared workspaces fill in roster order, separately per subscription pin", () => {
    const units = classUnits(learners, parseLayout("shared", "4"));
    expect(units.map((u) => [u.key, u.learners.length, u.subscription ?? ""])).toEqual([
      ["ws-001", 4, ""],
      ["ws-002", 4, ""],
      ["ws-003", 2, ""],
      ["ws-004", 2, "10000000-0000-4000-8000-00000000000a"],
    ]);
  });

  it("derives class ids, stacks and suffixes that are the same on every machine", () => {
    expect(classIdFor(undefined, "/tmp/ML 101 (Spring).csv")).toBe("ml-101-spring");
    expect(unitSuffix("ml101", "ann@x.edu")).toMatch(/^[0-9a-z]{7}$/);
    expect(unitSuffix("ml101", "ann@x.edu")).toBe(unitSuffix("ml101", "ann@x.edu"));
    expect(unitSuffix("ml101", "ann@x.edu")).not.toBe(unitSuffix("ml102", "ann@x.edu"));
    expect(unitStack("ml101", "ann@x.edu")).toMatch(/^ml101-ann-[0-9a-z]{4}$/);
    expect(() => classIdFor("ML_101", "x.csv")).toThrow("--class 'ML_101' is not a class id");
  });

  it("puts every unit in exactly one shard", () => {
    const keys = Array.from({ length: 200 }, (_, i) => `learner${i}@x.edu`);
    for (const shards of [1, 2, 3, 7]) {
      const counts = keys.map((k) => Array.from({ length: shards }, (_, i) => inShard(k, { shards, shard: i + 1 })).filter(Boolean).length);
      expect(counts.every((c) => c === 1)).toBe(true);
    }
    expect(() => parseShards("2", undefined)).toThrow("--shards N and --shard I go together");
    expect(() => parseShards("2", "3")).toThrow("--shard '3' is not a whole number from 1 to 2");
    expect(() => parseLayout("shared", undefined)).toThrow("--layout shared needs --per-workspace K");
  });
});

describe("class down and status rules", () => {
  it("takes down only labs whose own class-id tag names the class", () => {
    expect(notThisClass({ tags: { "class-id": "ml101" } }, "ml101")).toBeUndefined();
    expect(notThisClass({ tags: { "Class-ID": "ml101" } }, "ml101")).toBeUndefined();
    expect(notThisClass({ tags: { "class-id": "ml102" } }, "ml101")).toMatch(/belongs to another class/);
    expect(notThisClass({ tags: {} }, "ml101")).toMatch(/belongs to another class/);
    expect(notThisClass({ tags: { "class-id": "ml101", "CLASS-ID": "ml102" } }, "ml101")).toMatch(/belongs to another class/);
  });

  it("reads a lab's state from its group and workspace", () => {
    const group = { subscription: "s", name: "msl-x", tags: {} };
    expect(labStatus(undefined, undefined).status).toBe("missing");
    expect(labStatus({ ...group, provisioningState: "Deleting" }, undefined).status).toBe("deleting");
    expect(labStatus(group, undefined).status).toBe("deploying");
    expect(labStatus(group, { provisioningState: "Succeeded" }).status).toBe("ready");
    expect(labStatus(group, { provisioningState: "Failed" }).status).toBe("failed");
  });
});

describe("pacing, prices and cost", () => {
  it("starts labs at the write bucket's pace: 200 at once, then 10 writes a second", () => {
    const starts = plannedStarts(100, 3);
    expect(starts.slice(0, 66).every((t) => t === 0)).toBe(true);
    expect(starts[66]).toBeGreaterThan(0);
    expect(starts[99]).toBeCloseTo(((100 * 3 - 200) / 10) * 1000, -2);
  });

  it("keeps Linux pay-as-you-go hourly rows of the Retail Prices API, the latest first", () => {
    const prices = linuxVmPrices([
      { armSkuName: "Standard_DS3_v2", retailPrice: 0.29, priceType: "Consumption", unitOfMeasure: "1 Hour", productName: "Virtual Machines DSv2 Series", skuName: "DS3 v2", effectiveStartDate: "2024-01-01T00:00:00Z" },
      { armSkuName: "Standard_DS3_v2", retailPrice: 0.31, priceType: "Consumption", unitOfMeasure: "1 Hour", productName: "Virtual Machines DSv2 Series", skuName: "DS3 v2", effectiveStartDate: "2025-06-01T00:00:00Z" },
      { armSkuName: "Standard_DS3_v2", retailPrice: 0.05, priceType: "Consumption", unitOfMeasure: "1 Hour", productName: "Virtual Machines DSv2 Series", skuName: "DS3 v2 Spot" },
      { armSkuName: "Standard_DS3_v2", retailPrice: 0.5, priceType: "Consumption", unitOfMeasure: "1 Hour", productName: "Virtual Machines DSv2 Series Windows", skuName: "DS3 v2" },
      { armSkuName: "Standard_DS3_v2", retailPrice: 1500, priceType: "Reservation", unitOfMeasure: "1 Hour", productName: "Virtual Machines DSv2 Series", skuName: "DS3 v2" },
    ]);
    expect(prices).toEqual({ Standard_DS3_v2: 0.31 });
    expect(retailPricesFilter("westeurope", ["Standard_DS3_v2"])).toBe("serviceName eq 'Virtual Machines' and priceType eq 'Consumption' and armRegionName eq 'westeurope' and (armSkuName eq 'Standard_DS3_v2')");
  });

  it("prices a class per region; a shared workspace pays one cluster per learner", () => {
    const config = parseLabConfig({ owner: "t@x.edu" });
    const table = regionPriceTable(PRICE_TABLE, "westeurope", { Standard_DS3_v2: 1 }, { source: "live", retrievedAt: "2026-12-03T08:00:00Z" });
    const perLearner = classCost(config, [{ region: "westeurope", nodeType: "Standard_DS3_v2", learners: 1 }], () => table);
    expect(perLearner.costPerHour).toBeCloseTo(1 + 0.75 * 0.55, 2);
    const shared = classCost(config, [{ region: "westeurope", nodeType: "Standard_DS3_v2", learners: 5 }], () => table);
    expect(shared.costPerHour).toBeCloseTo(5 * (1 + 0.75 * 0.55), 1);
  });

  it("writes the roster out as CSV with its header", () => {
    expect(rosterCsv([{ learner: "a@x.edu", workspaceUrl: "https://adb-1.azuredatabricks.net", region: "eastus", expiresAt: "2026-12-03T16:00:00Z", status: "ready", subscription: "s", resourceGroup: "msl-a", stack: "c-a" }])).toBe(
      "learner,workspaceUrl,region,expiresAt,status,subscription,resourceGroup,stack\na@x.edu,https://adb-1.azuredatabricks.net,eastus,2026-12-03T16:00:00Z,ready,s,msl-a,c-a\n",
    );
  });

  it("takes --subscription ids in any case and refuses anything else in one line naming the flag", () => {
    expect(subscriptionOptions([" 10000000-0000-4000-8000-00000000000A"])).toEqual(["10000000-0000-4000-8000-00000000000a"]);
    expect(subscriptionOptions(undefined)).toEqual([]);
    expect(() => subscriptionOptions(["my-sub"])).toThrow(/^--subscription 'my-sub' is not a subscription id \(a GUID/);
  });
});
