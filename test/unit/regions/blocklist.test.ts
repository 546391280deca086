import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addEntry, matchingBlocks, type BlockEntry } from "../../../src/regions/blocklist";
import { BlocklistStore, defaultBlocklistFile } from "../../../src/regions/blocklist-store";
import { demandFromConfig } from "../../../src/regions/demand";
import { selectRegion } from "../../../src/regions/evaluate";
import { region, snapshot } from "./snapshot-builder";

const t0 = new Date("2026-11-23T12:00:00Z");
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const entry = (over: Partial<BlockEntry>): BlockEntry => ({
  region: "eastus",
  reason: "test",
  createdAt: t0.toISOString(),
  expiresAt: later(30).toISOString(),
  ...over,
});

describe("blocklist scopes", () => {
  const q = { region: "eastus", nodeType: "Standard_DS3_v2", family: "standardDSv2Family", servingRequired: true };

  it("a size block matches only that size; a family block every size of the family; cores and region blocks everything", () => {
    expect(matchingBlocks([entry({ nodeType: "Standard_DS3_v2" })], q, t0)).toHaveLength(1);
    expect(matchingBlocks([entry({ nodeType: "Standard_D4ds_v5" })], q, t0)).toHaveLength(0);
    expect(matchingBlocks([entry({ family: "Standard DSv2 Family" })], q, t0)).toHaveLength(1);
    expect(matchingBlocks([entry({ family: "standardDDSv5Family" })], q, t0)).toHaveLength(0);
    expect(matchingBlocks([entry({ family: "cores" })], q, t0)).toHaveLength(1);
    expect(matchingBlocks([entry({})], q, t0)).toHaveLength(1);
    expect(matchingBlocks([entry({ region: "westus" })], q, t0)).toHaveLength(0);
  });

  it("entries expire", () => {
    expect(matchingBlocks([entry({})], q, later(31))).toHaveLength(0);
  });

  it("a serving block matters only when serving is required", () => {
    expect(matchingBlocks([entry({ feature: "serving" })], q, t0)).toHaveLength(1);
    expect(matchingBlocks([entry({ feature: "serving" })], { ...q, servingRequired: false }, t0)).toHaveLength(0);
  });

  it("adding the same scope keeps one entry with the later expiry", () => {
    const list = addEntry(addEntry([], entry({ nodeType: "X", expiresAt: later(60).toISOString() })), entry({ nodeType: "X", expiresAt: later(10).toISOString() }));
    expect(list).toHaveLength(1);
    expect(list[0]!.expiresAt).toBe(later(60).toISOString());
  });

  it("evaluation excludes a blocked region and says until when and why", () => {
    const result = selectRegion(
      snapshot([region({ name: "eastus" }), region({ name: "westus" })]),
      demandFromConfig({ nodeType: "Standard_DS3_v2" }),
      { seed: 1, now: t0, blocklist: [entry({ nodeType: "Standard_DS3_v2", reason: "Standard_DS3_v2 in eastus is not available now" })] },
    );
    expect(result.choice.region).toBe("westus");
    expect(result.verdicts.find((v) => v.region === "eastus")!.reasons.map((r) => r.text)).toEqual([
      "blocked until 2026-11-23 12:30Z after an earlier attempt: Standard_DS3_v2 in eastus is not available now",
    ]);
  });
});

describe("blocklist file", () => {
  let dir: string;
  let warnings: string[];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "blocklist-"));
    warnings = [];
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("lives in the state directory", () => {
    expect(defaultBlocklistFile({ MLFLOW_LAB_STATE_DIR: dir })).toBe(path.join(dir, "region-blocklist.json"));
  });

  it("persists entries between runs and drops expired ones", () => {
    const file = path.join(dir, "nested", "region-blocklist.json");
    new BlocklistStore(file).add(entry({ nodeType: "A" }), t0);
    new BlocklistStore(file).add(entry({ nodeType: "B", expiresAt: later(5).toISOString() }), t0);
    expect(new BlocklistStore(file).load(later(1)).map((e) => e.nodeType)).toEqual(["A", "B"]);
    expect(new BlocklistStore(file).load(later(10)).map((e) => e.nodeType)).toEqual(["A"]);
  });

  it("a missing file is an empty blocklist", () => {
    expect(new BlocklistStore(path.join(dir, "none.json")).load(t0)).toEqual([]);
  });

  it.each([
    ["not JSON", "{oops", /not valid JSON/],
    ["the wrong shape", JSON.stringify({ format: "azure-mlflow-lab/region-blocklist@1", entries: [{ region: "eastus" }] }), /field entries\.0\.reason/],
  ])("a file that is %s is moved aside with a warning and replaced by an empty list", (_what, content, why) => {
    const file = path.join(dir, "region-blocklist.json");
    fs.writeFileSync(file, content);
    const store = new BlocklistStore(file, (line) => warnings.push(line));
    expect(store.load(t0)).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(why);
    expect(warnings[0]).toMatch(/moved it to .*corrupt-2026-11-23.* and started an empty blocklist/);
    expect(fs.readdirSync(dir).some((f) => f.includes(".corrupt-"))).toBe(true);
    store.add(entry({}), t0);
    expect(store.load(t0)).toHaveLength(1);
  });
});
