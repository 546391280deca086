/**
 * Generators of resource-group records for the cleanup policy tests. Each record is built from facets
 * whose eligibility is known by construction (an allowed subscription, our managed-by marker, a date
 * past the grace, ...), so the expected verdict comes from how the record was made, not from a second
 * copy of the policy.
 */
import fc from "fast-check";
import { MANAGED_BY } from "../../../src/config/lab-tags";
import type { LockRecord, ResourceGroupRecord } from "../../../src/removal/records";

export const ALLOWED_A = "0b1f6471-1bf0-4dda-aec3-111122223333";
export const ALLOWED_B = "5c2e9a10-77aa-4f0e-9d5b-444455556666";
export const OTHER = "9d8c7b6a-1111-4222-8333-777788889999";
/** One hex digit away from ALLOWED_A. */
export const LOOKALIKE = "0b1f6471-1bf0-4dda-aec3-111122223334";
export const ALLOWED = [ALLOWED_A, ALLOWED_B];

export type Expected = "delete" | "await-deletion" | "keep";

export interface GeneratedGroup {
  record: ResourceGroupRecord;
  expected: Expected;
  /** Which facets were made not eligible (for failure messages). */
  notEligible: string[];
}

interface Facet<T> {
  value: T;
  ok: boolean;
  label: string;
}

const facet = <T>(label: string, value: T, ok: boolean): Facet<T> => ({ label, value, ok });

/**
 * Eligible facets five times as often as ineligible ones: with ten facets about one group in five is
 * eligible, and most ineligible groups fail exactly one rule, which is where a policy bug would hide.
 */
function mix<T>(eligible: fc.Arbitrary<Facet<T>>, ineligible: fc.Arbitrary<Facet<T>>): fc.Arbitrary<Facet<T>> {
  return fc.oneof({ weight: 5, arbitrary: eligible }, { weight: 1, arbitrary: ineligible });
}

const subscriptionFacet = mix(
  fc.constantFrom(
    facet("allowed A", ALLOWED_A, true),
    facet("allowed A upper-case", ALLOWED_A.toUpperCase(), true),
    facet("allowed B", ALLOWED_B, true),
  ),
  fc.constantFrom(facet("other subscription", OTHER, false), facet("look-alike subscription", LOOKALIKE, false)),
);

/** Short lower-case suffixes; constantFrom keeps generation cheap over tens of thousands of groups. */
const suffixArb = fc.tuple(fc.constantFrom("a1b2", "x9y8z7", "abcd", "q0w9e8r7", "lab7", "m3n4"), fc.nat(999)).map(([s, n]) => `${s}${n}`);

type NameFacet = Facet<(suffix: string) => string>;
const nameFacet: fc.Arbitrary<NameFacet> = mix(
  fc.constantFrom(
    facet("lab name", (s: string) => `msl-${s}`, true),
    facet("lab-ish name", (s: string) => `lab-${s}`, true),
  ),
  fc.constantFrom(
    facet("databricks managed name", (s: string) => `databricks-rg-msl-${s}-x7q`, false),
    facet("AKS node group name", (s: string) => `MC_msl-${s}_aks_eastus`, false),
    facet("network watcher", () => "NetworkWatcherRG", false),
    facet("cloud shell storage", (s: string) => `cloud-shell-storage-${s}`, false),
  ),
);

type IdFacet = Facet<(sub: string, name: string) => string>;
const idFacet: fc.Arbitrary<IdFacet> = mix(
  fc.constantFrom(
    facet("canonical id", (sub: string, name: string) => `/subscriptions/${sub}/resourceGroups/${name}`, true),
    facet("lower-case id", (sub: string, name: string) => `/subscriptions/${sub}/resourcegroups/${name}`.toLowerCase(), true),
  ),
  fc.constantFrom(
    facet("id of another subscription", (_sub: string, name: string) => `/subscriptions/${OTHER}/resourceGroups/${name}`, false),
    facet("id of another group", (sub: string, name: string) => `/subscriptions/${sub}/resourceGroups/${name}-2`, false),
  ),
);

type Tags = Record<string, unknown>;
type TagFacet = Facet<Tags>;

const managedByFacet: fc.Arbitrary<TagFacet> = mix(
  fc.constantFrom("managed-by", "Managed-By", "MANAGED-BY", "managed-By").map((k) => facet(`managed-by via ${k}`, { [k]: MANAGED_BY }, true)),
  fc.oneof(
    fc
      .constantFrom("Azure-MLflow-Lab", "azure-mlflow-lab ", " azure-mlflow-lab", "azure-mlflow-lab-old", "", "terraform", "azure_mlflow_lab")
      .map((v) => facet(`managed-by '${v}'`, { "managed-by": v }, false)),
    fc.constant(facet("no managed-by", {}, false)),
    fc.constant(facet("managed-by under another name", { managedby: MANAGED_BY, "managed_by": MANAGED_BY }, false)),
    fc.constant(facet("managed-by written twice", { "managed-by": MANAGED_BY, "Managed-By": "someone-else" }, false)),
    fc.constant(facet("managed-by not text", { "managed-by": 42 }, false)),
  ),
);

const labIdFacet: fc.Arbitrary<TagFacet> = mix(
  fc.tuple(fc.constantFrom("lab-id", "Lab-Id", "LAB-ID"), suffixArb).map(([k, v]) => facet(`lab id via ${k}`, { [k]: `msl-${v}` }, true)),
  fc.oneof(
    fc.constantFrom("", "   ").map((v) => facet(`empty lab id '${v}'`, { "lab-id": v }, false)),
    fc.constant(facet("no lab id", {}, false)),
    fc.constant(facet("lab id under another name", { labid: "msl-abcd", "lab_id": "msl-abcd" }, false)),
  ),
);

type ExpiryFacet = Facet<(now: number, grace: number) => Tags>;
const expiresKey = fc.constantFrom("lab-expires-at", "Lab-Expires-At", "LAB-EXPIRES-AT");
const iso = (ms: number) => new Date(ms).toISOString();

const expiryFacet: fc.Arbitrary<ExpiryFacet> = mix<(now: number, grace: number) => Tags>(
  // Past the grace: every accepted spelling. Dropping precision only moves the instant earlier, so these
  // stay eligible.
  fc
    .tuple(expiresKey, fc.integer({ min: 1_000, max: 40 * 86_400_000 }), fc.constantFrom("ms", "seconds", "minutes", "+00:00"))
    .map(([key, delta, style]) =>
      facet(`expired (${style})`, (now: number, grace: number) => {
        const text = iso(now - grace - delta);
        const spelled =
          style === "ms" ? text
          : style === "seconds" ? text.replace(/\.\d{3}Z$/, "Z")
          : style === "minutes" ? text.replace(/:\d{2}\.\d{3}Z$/, "Z")
          : text.replace(/Z$/, "+00:00");
        return { [key]: spelled };
      }, true),
    ),
  fc.oneof(
    fc.tuple(expiresKey, fc.double({ min: 0, max: 1, noNaN: true })).map(([key, fraction]) =>
      facet("within the grace", (now: number, grace: number) => ({ [key]: iso(now - Math.floor(grace * fraction)) }), false),
    ),
    fc.tuple(expiresKey, fc.integer({ min: 0, max: 60 * 86_400_000 })).map(([key, delta]) =>
      facet("in the future", (now: number) => ({ [key]: iso(now + delta) }), false),
    ),
    fc
      .constantFrom(
        "2026-13-01T00:00:00Z",
        "2026-02-30T00:00:00Z",
        "2025-02-29T10:00:00Z",
        "2026-11-23T24:00:00Z",
        "2026-11-23T18:60:00Z",
        "2026-11-23",
        "2026-11-23T18:00:00",
        "2026-11-23T18:00:00+02:00",
        "2026-11-23 18:00:00Z",
        "2026-11-23t18:00:00z",
        "1700000000",
        "yesterday",
        "",
        "Mon, 23 Nov 2026 18:00:00 GMT",
        "2020-01-01T00:00:00ZZ",
      )
      .map((text) => facet(`malformed expiry '${text}'`, () => ({ "lab-expires-at": text }), false)),
    fc.constant(facet("no expiry", () => ({}), false)),
    fc.constant(facet("expiry not text", () => ({ "lab-expires-at": 1_600_000_000_000 }), false)),
    fc.constant(
      facet(
        "expiry written twice",
        (now: number, grace: number) => ({
          "lab-expires-at": iso(now - grace - 86_400_000),
          "Lab-Expires-At": iso(now + 86_400_000),
        }),
        false,
      ),
    ),
  ),
);

const lockFacet: fc.Arbitrary<Facet<LockRecord[]>> = mix(
  fc.constant(facet("no locks", [] as LockRecord[], true)),
  fc
    .array(
      fc.record({ name: fc.constantFrom("hold", "keep-me", "exam"), level: fc.constantFrom("CanNotDelete", "ReadOnly", "canNotDelete") }),
      { minLength: 1, maxLength: 3 },
    )
    .map((locks) => facet(`${locks.length} lock(s)`, locks, false)),
);

const managedByResourceFacet: fc.Arbitrary<Facet<string | null | undefined>> = mix(
  fc.constantFrom(facet<string | null | undefined>("managedBy null", null, true), facet("managedBy absent", undefined, true), facet("managedBy empty", "", true)),
  fc.constantFrom(
    facet<string | null | undefined>("managed by a Databricks workspace", `/subscriptions/${ALLOWED_A}/resourceGroups/msl-x/providers/Microsoft.Databricks/workspaces/ws`, false),
    facet("managedBy whitespace", " ", false),
  ),
);

const doNotDeleteFacet: fc.Arbitrary<TagFacet> = mix(
  fc.constant(facet<Tags>("no do-not-delete tag", {}, true)),
  fc
    .tuple(fc.constantFrom("do-not-delete", "DoNotDelete", "DONOTDELETE", "Do-Not-Delete", "donotdelete"), fc.constantFrom("true", "false", "", "yes"))
    .map(([k, v]) => facet<Tags>(`${k}=${v}`, { [k]: v }, false)),
);

type StateFacet = Facet<string | null | undefined> & { deleting: boolean };
const stateFacet: fc.Arbitrary<StateFacet> = fc.constantFrom(
  { label: "Succeeded", value: "Succeeded", ok: true, deleting: false },
  { label: "Failed", value: "Failed", ok: true, deleting: false },
  { label: "state absent", value: undefined, ok: true, deleting: false },
  { label: "state null", value: null, ok: true, deleting: false },
  { label: "Deleting", value: "Deleting", ok: true, deleting: true },
  { label: "deleting", value: "deleting", ok: true, deleting: true },
);

const noiseTags = fc.dictionary(fc.constantFrom("owner", "env", "cost-center", "lab-owner", "lab-created-at", "purpose"), fc.string({ maxLength: 12 }), {
  maxKeys: 3,
});

export interface PolicyWorld {
  now: number;
  graceMs: number;
}

export const worldArb: fc.Arbitrary<PolicyWorld> = fc.record({
  now: fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2030, 0, 1) }),
  graceMs: fc.constantFrom(0, 60_000, 3_600_000, 86_400_000, 7 * 86_400_000),
});

/** One group generated against a world (the same `now` and grace for the whole set). */
export function groupArb(world: PolicyWorld): fc.Arbitrary<GeneratedGroup> {
  return fc
    .record({
      sub: subscriptionFacet,
      name: nameFacet,
      suffix: suffixArb,
      id: idFacet,
      managedBy: managedByFacet,
      labId: labIdFacet,
      expiry: expiryFacet,
      locks: lockFacet,
      managedByResource: managedByResourceFacet,
      doNotDelete: doNotDeleteFacet,
      state: stateFacet,
      noise: noiseTags,
    })
    .map((f) => {
      const name = f.name.value(f.suffix);
      const record: ResourceGroupRecord = {
        subscriptionId: f.sub.value,
        name,
        id: f.id.value(f.sub.value, name),
        tags: { ...f.noise, ...f.managedBy.value, ...f.labId.value, ...f.expiry.value(world.now, world.graceMs), ...f.doNotDelete.value },
        managedBy: f.managedByResource.value,
        provisioningState: f.state.value,
        locks: f.locks.value,
      };
      const facets: Facet<unknown>[] = [f.sub, f.name, f.id, f.managedBy, f.labId, f.expiry, f.locks, f.managedByResource, f.doNotDelete, f.state];
      const notEligible = facets.filter((x) => !x.ok).map((x) => x.label);
      const expected: Expected = notEligible.length > 0 ? "keep" : f.state.deleting ? "await-deletion" : "delete";
      return { record, expected, notEligible };
    });
}

/** A resource set: one world and up to `maxLength` groups in it, names made unique. */
export function resourceSetArb(maxLength: number): fc.Arbitrary<{ world: PolicyWorld; groups: GeneratedGroup[] }> {
  return worldArb.chain((world) =>
    fc.array(groupArb(world), { minLength: 1, maxLength }).map((groups) => ({
      world,
      groups: groups.map((g, i) => uniqueName(g, i)),
    })),
  );
}

function uniqueName(group: GeneratedGroup, index: number): GeneratedGroup {
  // Keep names unique within a set without changing any facet: suffix the name and its id alike.
  const name = group.record.name === "NetworkWatcherRG" ? group.record.name : `${group.record.name}${index}`;
  const id = group.record.id.replace(new RegExp(`${escapeRe(group.record.name)}(-2)?$`, "i"), (_m, two) => `${name}${two ?? ""}`);
  return { ...group, record: { ...group.record, name, id } };
}

function escapeRe(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
