import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assignUnits, drawOf, placeKey, type AssignInput, type Candidate, type Pool, type UnitRequest } from "../../../src/classroom/assign";

/**
 * The assignment's promises over generated classes: it never draws more from a quota pool than it has,
 * it places every learner when the regions' capacity adds up to the class, it is the same for a seed
 * (whatever order the candidates come in), and it fills regions evenly and inside the wanted geography.
 */

const GEOGRAPHIES = ["US", "Europe", "Asia Pacific"];

interface World {
  pools: Pool[];
  candidates: Candidate[];
  /** Learners each place can take with the primary node type alone. */
  capacity: Map<string, number>;
}

/** Regions with a family row and `cores`; one 4-vCPU node type (optionally a 4-vCPU fallback of another family). */
const worldArb = fc
  .record({
    subscriptions: fc.integer({ min: 1, max: 2 }),
    regions: fc.array(fc.record({ family: fc.integer({ min: 0, max: 40 }), fallbackFamily: fc.integer({ min: 0, max: 40 }), cores: fc.integer({ min: 0, max: 60 }), geography: fc.constantFrom(...GEOGRAPHIES) }), { minLength: 1, maxLength: 8 }),
    fallback: fc.boolean(),
    perUnit: fc.constantFrom(0, 0, 8),
  })
  .map(({ subscriptions, regions, fallback, perUnit }): World => {
    const pools: Pool[] = [];
    const candidates: Candidate[] = [];
    const capacity = new Map<string, number>();
    for (let s = 0; s < subscriptions; s++) {
      const subscription = `sub-${s}`;
      regions.forEach((r, i) => {
        const region = `region${i}`;
        const pool = (row: string, free: number): string => {
          const key = `${subscription}|${region}|${row}`;
          pools.push({ key, subscription, region, row, free, limit: free + 2 });
          return key;
        };
        const family = pool("standardDSv2Family", r.family);
        const cores = pool("cores", r.cores);
        candidates.push({ subscription, region, geography: r.geography, nodeType: "Standard_DS3_v2", nodeTypeRank: 0, draws: [{ pool: family, perLearner: 4, perUnit }, { pool: cores, perLearner: 4, perUnit }] });
        if (fallback) {
          const other = pool("standardDDSv5Family", r.fallbackFamily);
          candidates.push({ subscription, region, geography: r.geography, nodeType: "Standard_D4ds_v5", nodeTypeRank: 1, draws: [{ pool: other, perLearner: 4, perUnit }, { pool: cores, perLearner: 4, perUnit }] });
        }
        capacity.set(placeKey(subscription, region), perUnit === 0 ? Math.floor(Math.min(r.family, r.cores) / 4) : 0);
      });
    }
    return { pools, candidates, capacity };
  });

const units = (n: number, size = 1): UnitRequest[] => Array.from({ length: n }, (_, i) => ({ key: `learner${i}@contoso.edu`, size }));

function used(input: AssignInput, result: ReturnType<typeof assignUnits>): Map<string, number> {
  const byUnit = new Map(input.units.map((u) => [u.key, u] as const));
  const drawn = new Map<string, number>();
  for (const p of result.placements) {
    const c = input.candidates.find((x) => x.subscription === p.subscription && x.region === p.region && x.nodeType === p.nodeType)!;
    for (const d of c.draws) drawn.set(d.pool, (drawn.get(d.pool) ?? 0) + drawOf(d, byUnit.get(p.unit)!.size));
  }
  return drawn;
}

describe("class assignment (property-based)", () => {
  it("never draws more from any region's quota pool than it has free", () => {
    fc.assert(
      fc.property(worldArb, fc.integer({ min: 0, max: 120 }), fc.integer({ min: 1, max: 4 }), fc.string(), (world, n, size, seed) => {
        const input: AssignInput = { units: units(n, size), candidates: world.candidates, pools: world.pools, seed };
        const result = assignUnits(input);
        const drawn = used(input, result);
        for (const pool of world.pools) expect(drawn.get(pool.key) ?? 0).toBeLessThanOrEqual(pool.free);
        expect(result.placements.length + result.unplaced.length).toBe(n);
        for (const pool of world.pools) expect(result.free.get(pool.key)).toBe(pool.free - (drawn.get(pool.key) ?? 0));
      }),
      { numRuns: 300 },
    );
  });

  it("places every learner when the regions' capacity adds up to the class", () => {
    fc.assert(
      fc.property(worldArb.filter((w) => [...w.capacity.values()].some((c) => c > 0)), fc.string(), (world, seed) => {
        const total = [...world.capacity.values()].reduce((a, b) => a + b, 0);
        const candidates = world.candidates.filter((c) => c.nodeTypeRank === 0 && c.draws.every((d) => d.perUnit === 0));
        if (candidates.length === 0) return;
        const result = assignUnits({ units: units(total), candidates, pools: world.pools, seed });
        expect(result.unplaced).toEqual([]);
        expect(result.placements).toHaveLength(total);
      }),
      { numRuns: 300 },
    );
  });

  it("is the same for the same seed, whatever order the candidates come in", () => {
    fc.assert(
      fc.property(worldArb, fc.integer({ min: 0, max: 60 }), fc.string(), fc.integer(), (world, n, seed, shuffleSeed) => {
        const input: AssignInput = { units: units(n), candidates: world.candidates, pools: world.pools, seed };
        const shuffled = [...world.candidates].sort((a, b) => ((placeKey(a.subscription, a.region).length * 31 + shuffleSeed) % 7) - ((placeKey(b.subscription, b.region).length * 17 + shuffleSeed) % 5));
        const first = assignUnits(input);
        expect(assignUnits(input).placements).toEqual(first.placements);
        expect(assignUnits({ ...input, candidates: shuffled }).placements).toEqual(first.placements);
      }),
      { numRuns: 200 },
    );
  });

  it("fills regions evenly: with room everywhere, no region gets two learners more than another", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 200 }), fc.string(), (regions, n, seed) => {
        const pools: Pool[] = [];
        const candidates: Candidate[] = [];
        for (let i = 0; i < regions; i++) {
          const key = `s|r${i}|cores`;
          pools.push({ key, subscription: "s", region: `r${i}`, row: "cores", free: 10_000, limit: 10_000 });
          candidates.push({ subscription: "s", region: `r${i}`, nodeType: "Standard_DS3_v2", nodeTypeRank: 0, draws: [{ pool: key, perLearner: 4, perUnit: 0 }] });
        }
        const result = assignUnits({ units: units(n), candidates, pools, seed });
        const counts = candidates.map((c) => result.placements.filter((p) => p.region === c.region).length);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it("keeps learners in the preferred geography while it has room, and only then goes elsewhere", () => {
    fc.assert(
      fc.property(worldArb, fc.constantFrom(...GEOGRAPHIES), fc.integer({ min: 1, max: 80 }), fc.string(), (world, geography, n, seed) => {
        const result = assignUnits({ units: units(n), candidates: world.candidates, pools: world.pools, seed, geography });
        const geographyOf = new Map(world.candidates.map((c) => [c.region, c.geography] as const));
        const outside = result.placements.findIndex((p) => geographyOf.get(p.region) !== geography);
        if (outside < 0) return;
        // Someone left the geography: then no candidate inside it had room for one more learner at that point,
        // and so none has room at the end either (pools only shrink).
        for (const c of world.candidates.filter((x) => x.geography === geography)) {
          expect(c.draws.some((d) => (result.free.get(d.pool) ?? 0) < drawOf(d, 1))).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("honours a learner's subscription pin and region preference", () => {
    const pools: Pool[] = ["a", "b"].flatMap((s) => ["r1", "r2"].map((r) => ({ key: `${s}|${r}|cores`, subscription: s, region: r, row: "cores", free: 40, limit: 40 })));
    const candidates: Candidate[] = pools.map((p) => ({ subscription: p.subscription, region: p.region, nodeType: "Standard_DS3_v2", nodeTypeRank: 0, draws: [{ pool: p.key, perLearner: 4, perUnit: 0 }] }));
    const result = assignUnits({
      units: [
        { key: "pinned@x.edu", size: 1, subscription: "b" },
        { key: "near@x.edu", size: 1, region: "r2" },
        { key: "both@x.edu", size: 1, subscription: "a", region: "r1" },
      ],
      candidates,
      pools,
      seed: 1,
    });
    const at = (unit: string) => result.placements.find((p) => p.unit === unit)!;
    expect(at("pinned@x.edu").subscription).toBe("b");
    expect(at("near@x.edu").region).toBe("r2");
    expect(at("both@x.edu")).toMatchObject({ subscription: "a", region: "r1" });
  });
});
