import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Demand } from "../../../src/regions/demand";
import { NoEligibleRegionError, selectRegion, type SelectionResult } from "../../../src/regions/evaluate";
import type { RegionSignals, RegionSignalsSnapshot, SkuRow } from "../../../src/regions/signals";
import { D4DS, DS3, snapshot } from "./snapshot-builder";

/**
 * Property-based checks of the pure evaluation against an independent, deliberately naive oracle of
 * "this region can host this node type": the chosen region always satisfies every constraint, nothing
 * eligible is reported excluded (and vice versa), fallback happens only when the first type fits
 * nowhere, and a seed fixes the choice.
 */

const now = new Date("2026-11-23T12:00:00Z");
const SIZES = [DS3, D4DS];

const restriction = fc.constantFrom<SkuRow["restrictions"]>(
  [],
  [],
  [],
  [],
  [{ type: "Location", reasonCode: "NotAvailableForSubscription" }],
  [{ type: "Zone", reasonCode: "NotAvailableForSubscription", zones: ["1"] }],
  [{ type: "Zone", reasonCode: "NotAvailableForSubscription", zones: ["1", "2", "3"] }],
  [{ type: "Capacity", reasonCode: "NotAvailableForSubscription" }],
);

const anyQuota = fc.record({ used: fc.integer({ min: 0, max: 12 }), limit: fc.integer({ min: 0, max: 12 }) });
const roomyQuota = fc.record({ used: fc.integer({ min: 0, max: 4 }), limit: fc.integer({ min: 8, max: 12 }) });
/** Half the rows leave room for a 4-vCPU node; arbitrary rows alone make a region fit too rarely. */
const quotaRow = fc.oneof(roomyQuota, anyQuota);
/** Every name two times in three, else an arbitrary subset: otherwise few regions pass serving, Databricks and policy at once. */
/** True three times in four. */
const likely = fc.oneof(fc.constant(true), fc.boolean());
const mostOf = (names: string[]) => fc.oneof({ arbitrary: fc.constant(names), weight: 2 }, { arbitrary: fc.subarray(names), weight: 1 });

const regionArb = (name: string) =>
  fc.record({
    cores: quotaRow,
    families: fc.tuple(fc.option(quotaRow, { nil: undefined }), fc.option(quotaRow, { nil: undefined })),
    offered: fc.tuple(likely, likely),
    restrictions: fc.tuple(restriction, restriction),
    usagesUnknown: fc.boolean(),
    skusUnknown: fc.boolean(),
  }).map((spec): RegionSignals => ({
    name,
    usages: spec.usagesUnknown ? null : [
      { name: "cores", currentValue: spec.cores.used, limit: spec.cores.limit },
      ...SIZES.flatMap((size, i) => (spec.families[i] ? [{ name: size.family, currentValue: spec.families[i]!.used, limit: spec.families[i]!.limit }] : [])),
    ],
    skus: spec.skusUnknown ? null : SIZES.flatMap((size, i) => (spec.offered[i] ? [{ ...size, zones: ["1", "2", "3"], restrictions: spec.restrictions[i]! }] : [])),
  }));

const NAMES = ["eastus", "eastus2", "westus", "westus2", "northeurope", "westeurope", "uksouth", "centralus"];

const scenario = fc
  .integer({ min: 1, max: NAMES.length })
  .chain((n) => {
    const names = NAMES.slice(0, n);
    return fc.record({
      regions: fc.tuple(...names.map(regionArb)),
      policy: fc.option(mostOf(names), { nil: null, freq: 3 }),
      serving: mostOf(names),
      databricks: mostOf(names),
      registered: fc.boolean(),
      subscriptionState: fc.constantFrom("Enabled", "Enabled", "Enabled", "Warned", "Disabled"),
      preferred: fc.option(fc.constantFrom(...names), { nil: undefined }),
      nodeTypes: fc.constantFrom([DS3.name, D4DS.name], [D4DS.name, DS3.name], [DS3.name]),
      seed: fc.integer(),
    });
  })
  .filter((s) => s.regions.some((r) => r.skus !== null && r.skus.length > 0)) // node types must be known somewhere
  .map((s) => {
    const base = snapshot([...s.regions]);
    const snap: RegionSignalsSnapshot = {
      ...base,
      subscription: { ...base.subscription, state: s.subscriptionState },
      policy: { allowedLocations: s.policy },
      modelServing: { ...base.modelServing, regions: s.serving },
      resourceTypes: { "microsoft.databricks/workspaces": s.databricks },
      providers: { ...base.providers, "microsoft.databricks": s.registered ? "Registered" : "NotRegistered" },
    };
    const demand: Demand = {
      nodeTypes: [...s.nodeTypes],
      nodes: 1,
      resourceTypes: ["Microsoft.Databricks/workspaces"],
      providers: ["Microsoft.Databricks", "Microsoft.Compute"],
      servingRequired: true,
      servingReason: "test",
      preferredRegion: s.preferred,
    };
    return { snap, demand, seed: s.seed };
  })
  .filter(({ snap, demand }) => demand.nodeTypes.every((t) => snap.regions.some((r) => r.skus?.some((k) => k.name === t))));

/** The naive oracle: every constraint spelled out once, unknowns pass (fail open). */
function fits(snap: RegionSignalsSnapshot, regionName: string, nodeType: string): boolean {
  const r = snap.regions.find((x) => x.name === regionName)!;
  if (!["Enabled", "Warned"].includes(snap.subscription.state)) return false;
  if (snap.policy.allowedLocations && !snap.policy.allowedLocations.includes(regionName)) return false;
  if (!snap.modelServing.regions.includes(regionName)) return false;
  if (!snap.resourceTypes["microsoft.databricks/workspaces"]!.includes(regionName)) return false;
  const size = SIZES.find((s) => s.name === nodeType)!;
  if (r.skus !== null) {
    const row = r.skus.find((k) => k.name === nodeType);
    if (!row) return false;
    for (const x of row.restrictions) {
      if (x.type !== "Zone") return false; // Location, and any type the spec does not name
      if (x.type === "Zone" && ["1", "2", "3"].every((z) => x.zones!.includes(z))) return false;
    }
  }
  if (r.usages !== null) {
    const cores = r.usages.find((u) => u.name === "cores")!;
    if (cores.limit - cores.currentValue < size.vCPUs) return false;
    const family = r.usages.find((u) => u.name === size.family);
    if (family && family.limit - family.currentValue < size.vCPUs) return false;
  }
  return true;
}

function run(snap: RegionSignalsSnapshot, demand: Demand, seed: number): SelectionResult | NoEligibleRegionError {
  try {
    return selectRegion(snap, demand, { seed, now });
  } catch (error) {
    if (error instanceof NoEligibleRegionError) return error;
    throw error;
  }
}

const RUNS = { numRuns: 400 };
/**
 * How many of the 400 runs must reach each assertion; the generator is biased so that typically about
 * 200 choose a region, 190 find none, 12 fall back, 80 have a fitting preferred region and 60 of those
 * another fitting region too. Far enough below those that a run of bad luck does not fail.
 */
const MIN = { chosen: 120, error: 100, fallback: 3, preferredFits: 40, contested: 25 };

describe("region evaluation properties", () => {
  it("a chosen region always satisfies every constraint for the chosen node type", () => {
    let checked = 0;
    fc.assert(
      fc.property(scenario, ({ snap, demand, seed }) => {
        const result = run(snap, demand, seed);
        if (result instanceof NoEligibleRegionError) return;
        checked++;
        expect(fits(snap, result.choice.region, result.choice.nodeType)).toBe(true);
      }),
      RUNS,
    );
    // Most runs must choose something, or the property proves little (about half do).
    expect(checked).toBeGreaterThanOrEqual(MIN.chosen);
  });

  it("nothing eligible is reported excluded, and nothing excluded is reported eligible", () => {
    fc.assert(
      fc.property(scenario, ({ snap, demand, seed }) => {
        const result = run(snap, demand, seed);
        const verdictSets = result instanceof NoEligibleRegionError ? Object.values(result.verdictsByNodeType) : [result.verdicts];
        for (const verdicts of verdictSets) {
          expect(verdicts).toHaveLength(snap.regions.length);
          for (const verdict of verdicts) {
            expect(verdict.eligible).toBe(fits(snap, verdict.region, verdict.nodeType));
            expect(verdict.eligible).toBe(verdict.reasons.length === 0);
          }
        }
      }),
      RUNS,
    );
  });

  it("falls back to a later node type only when every earlier one fits nowhere; errors only when none fits", () => {
    const seen = { error: 0, chosen: 0, fallback: 0 };
    fc.assert(
      fc.property(scenario, ({ snap, demand, seed }) => {
        const result = run(snap, demand, seed);
        const fitsSomewhere = (t: string) => snap.regions.some((r) => fits(snap, r.name, t));
        if (result instanceof NoEligibleRegionError) {
          seen.error++;
          expect(demand.nodeTypes.some(fitsSomewhere)).toBe(false);
          return;
        }
        seen.chosen++;
        const index = demand.nodeTypes.indexOf(result.choice.nodeType);
        expect(index).toBeGreaterThanOrEqual(0);
        if (index > 0) seen.fallback++;
        for (const earlier of demand.nodeTypes.slice(0, index)) expect(fitsSomewhere(earlier)).toBe(false);
        expect(result.nodeTypesTried.map((t) => t.nodeType)).toEqual(demand.nodeTypes.slice(0, index + 1));
      }),
      RUNS,
    );
    expect(seen.error).toBeGreaterThanOrEqual(MIN.error);
    expect(seen.chosen).toBeGreaterThanOrEqual(MIN.chosen);
    expect(seen.fallback).toBeGreaterThanOrEqual(MIN.fallback);
  });

  it("the preferred region wins whenever it fits the chosen node type", () => {
    const seen = { preferredFits: 0, contested: 0 };
    fc.assert(
      fc.property(scenario, ({ snap, demand, seed }) => {
        const result = run(snap, demand, seed);
        if (result instanceof NoEligibleRegionError || !demand.preferredRegion) return;
        const preferred = demand.preferredRegion;
        if (!fits(snap, preferred, result.choice.nodeType)) return;
        seen.preferredFits++;
        // Another region fits as well: the preference, not the constraints, decides.
        if (snap.regions.some((r) => r.name !== preferred && fits(snap, r.name, result.choice.nodeType))) seen.contested++;
        expect(result.choice.region).toBe(preferred);
      }),
      RUNS,
    );
    expect(seen.preferredFits).toBeGreaterThanOrEqual(MIN.preferredFits);
    expect(seen.contested).toBeGreaterThanOrEqual(MIN.contested);
  });

  it("the same seed gives the same result", () => {
    fc.assert(
      fc.property(scenario, ({ snap, demand, seed }) => {
        const a = run(snap, demand, seed);
        const b = run(structuredClone(snap), { ...demand }, seed);
        if (a instanceof NoEligibleRegionError) expect(b).toBeInstanceOf(NoEligibleRegionError);
        else expect(b).toEqual(a);
      }),
      RUNS,
    );
  });
});
