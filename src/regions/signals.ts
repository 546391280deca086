import * as fs from "node:fs";
import { z } from "zod";
import { zodIssueLine, zodIssuePath } from "../config/zod-issue";
import { UserInputError } from "../errors";
import { normalizeLocation, normalizeResourceType } from "./normalize";

/**
 * The signals region selection decides on, as plain data. Live gathering (./sources) produces it, a
 * snapshot file stores it (`regions --save-snapshot`), evaluation (./evaluate) reads only this. A value
 * of `null` with an `…Error` string next to it means "could not be read": evaluation then fails open and
 * says "unknown" in the reason, instead of inventing a verdict.
 */

export const SNAPSHOT_FORMAT = "azure-mlflow-lab/region-signals@1";

/** One row of `GET …/Microsoft.Compute/locations/{loc}/usages`: `name.value`, `currentValue`, `limit`. */
export interface UsageRow {
  name: string;
  currentValue: number;
  limit: number;
}

export interface SkuRestriction {
  /** `Location` | `Zone` (spec); anything else is treated as blocking. */
  type: string;
  /** `NotAvailableForSubscription` | `QuotaId` | … */
  reasonCode?: string;
  /** For `Zone` restrictions: the restricted zones (`restrictionInfo.zones`). */
  zones?: string[];
}

/** A virtual-machine size as Microsoft.Compute/skus lists it for one location. */
export interface SkuRow {
  name: string;
  family: string;
  vCPUs: number;
  /** `locationInfo[].zones` for this location (empty: a zoneless region). */
  zones: string[];
  restrictions: SkuRestriction[];
}

export interface RegionSignals {
  /** Programmatic name (`eastus2`). */
  name: string;
  displayName?: string;
  /** ARM's `metadata.geographyGroup` ("Europe", "US"); absent: the dated table in geography.ts decides. */
  geography?: string;
  /** null: could not be read (see usagesError). */
  usages: UsageRow[] | null;
  usagesError?: string;
  /** Virtual-machine sizes only. null: could not be read (see skusError). */
  skus: SkuRow[] | null;
  skusError?: string;
  /**
   * Azure ML's own quota rows (`GET …/Microsoft.MachineLearningServices/locations/{loc}/usages`,
   * subscription-level rows only), which managed online endpoints draw on. Absent: not read (a stack
   * without managed endpoints does not need them); null: could not be read (see mlUsagesError).
   */
  mlUsages?: UsageRow[] | null;
  mlUsagesError?: string;
}

export interface SubscriptionSignals {
  id: string;
  displayName?: string;
  /** `Enabled` | `Warned` | `PastDue` | `Disabled` | `Deleted`. */
  state: string;
  /** `subscriptionPolicies.quotaId`, e.g. `FreeTrial_2014-09-01`, `AzureForStudents_2018-01-01`. */
  quotaId?: string | null;
}

export interface ModelServingSignals {
  /** Regions where Databricks Core Model Serving is expected to work (programmatic names). */
  regions: string[];
  retrievedAt: string;
  source: string;
  note?: string;
}

export interface PolicySignals {
  /**
   * The intersection of every enforced allowed-locations assignment's `listOfAllowedLocations`;
   * null = no such assignment (unrestricted).
   */
  allowedLocations: string[] | null;
  /** The assignments the intersection came from (names only, for explanations). */
  assignments?: string[];
  /** Set when the assignments could not be read; allowedLocations is then null and treated as unknown. */
  error?: string;
}

export interface RegionSignalsSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  capturedAt: string;
  /** Present on example data: says so in every output that uses it. */
  example?: { label: string };
  subscription: SubscriptionSignals;
  regions: RegionSignals[];
  /** Resource type → the programmatic locations where it is offered; null: could not be read. */
  resourceTypes: Record<string, string[] | null>;
  resourceTypesError?: string;
  /** Provider namespace → `registrationState`. A missing namespace is unknown. */
  providers: Record<string, string>;
  providersError?: string;
  policy: PolicySignals;
  modelServing: ModelServingSignals;
}

// ---------------------------------------------------------------------------------------------------
// Validation. Numbers may arrive as strings (`az vm list-usage` prints them so); names may be the raw
// ARM shapes (`name: {value, localizedValue}`, display-name locations). Both are normalised here.

const count = z.union([z.number(), z.string().regex(/^-?\d+$/)]).transform((v) => Number(v));

const usageRowSchema = z.object({
  name: z.union([z.string().min(1), z.object({ value: z.string().min(1) }).transform((n) => n.value)]),
  currentValue: count,
  limit: count,
});

const restrictionSchema = z.object({
  type: z.string().min(1),
  reasonCode: z.string().optional(),
  zones: z.array(z.string()).optional(),
});

const skuRowSchema = z.object({
  name: z.string().min(1),
  family: z.string().min(1),
  vCPUs: count,
  zones: z.array(z.string()).default([]),
  restrictions: z.array(restrictionSchema).default([]),
});

const regionSchema = z.object({
  name: z.string().min(1).transform(normalizeLocation),
  displayName: z.string().optional(),
  geography: z.string().min(1).optional(),
  usages: z.array(usageRowSchema).nullable(),
  usagesError: z.string().optional(),
  skus: z.array(skuRowSchema).nullable(),
  skusError: z.string().optional(),
  mlUsages: z.array(usageRowSchema).nullable().optional(),
  mlUsagesError: z.string().optional(),
});

const snapshotSchema = z.object({
  format: z.literal(SNAPSHOT_FORMAT),
  capturedAt: z.string().min(1),
  example: z.object({ label: z.string().min(1) }).optional(),
  subscription: z.object({
    id: z.string().min(1),
    displayName: z.string().optional(),
    state: z.string().min(1),
    quotaId: z.string().nullable().optional(),
  }),
  regions: z.array(regionSchema).min(1),
  resourceTypes: z.record(z.string(), z.array(z.string()).nullable()),
  resourceTypesError: z.string().optional(),
  providers: z.record(z.string(), z.string()),
  providersError: z.string().optional(),
  policy: z.object({
    allowedLocations: z.array(z.string()).nullable(),
    assignments: z.array(z.string()).optional(),
    error: z.string().optional(),
  }),
  modelServing: z.object({
    regions: z.array(z.string()),
    retrievedAt: z.string().min(1),
    source: z.string().min(1),
    note: z.string().optional(),
  }),
});

function issueText(error: z.ZodError, input: unknown): string {
  const issue = error.issues[0]!;
  if (issue.code === "invalid_value" && zodIssuePath(issue.path) === "format") {
    return `field format must be "${SNAPSHOT_FORMAT}" (this is not a region-signals snapshot, or a newer format)`;
  }
  return zodIssueLine(error, input, { indexes: "brackets", subject: (path) => `field ${path || "(top level)"}` });
}

/** Validates parsed JSON; one-line UserInputError naming the source and the first bad field. */
export function validateSnapshot(data: unknown, source: string): RegionSignalsSnapshot {
  const parsed = snapshotSchema.safeParse(data);
  if (!parsed.success) {
    throw new UserInputError(`snapshot ${source}: ${issueText(parsed.error, data)}`);
  }
  return normalizeSnapshot(parsed.data as RegionSignalsSnapshot);
}

/**
 * One canonical form for evaluation: lower-case resource types and provider namespaces, programmatic
 * location names everywhere (provider lists arrive as display names). Idempotent.
 */
export function normalizeSnapshot(snapshot: RegionSignalsSnapshot): RegionSignalsSnapshot {
  const resourceTypes: Record<string, string[] | null> = {};
  for (const [type, locations] of Object.entries(snapshot.resourceTypes)) {
    resourceTypes[normalizeResourceType(type)] = locations === null ? null : locations.map(normalizeLocation);
  }
  const providers: Record<string, string> = {};
  for (const [namespace, state] of Object.entries(snapshot.providers)) providers[namespace.toLowerCase()] = state;
  return {
    ...snapshot,
    regions: snapshot.regions.map((region) => ({ ...region, name: normalizeLocation(region.name) })),
    resourceTypes,
    providers,
    policy: {
      ...snapshot.policy,
      allowedLocations: snapshot.policy.allowedLocations?.map(normalizeLocation) ?? null,
    },
    modelServing: { ...snapshot.modelServing, regions: snapshot.modelServing.regions.map(normalizeLocation) },
  };
}

export function parseSnapshot(text: string, source: string): RegionSignalsSnapshot {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new UserInputError(`snapshot ${source} is not valid JSON (${detail}); pass a file written by 'mlflow-lab regions --save-snapshot'`);
  }
  return validateSnapshot(data, source);
}

export function loadSnapshotFile(file: string): RegionSignalsSnapshot {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "does not exist" : code === "EISDIR" ? "is a directory" : `cannot be read (${code ?? "error"})`;
    throw new UserInputError(`snapshot file ${file} ${why}; pass a file written by 'mlflow-lab regions --save-snapshot'`);
  }
  return parseSnapshot(text, file);
}

/**
 * Stable, reviewable JSON for --save-snapshot: 2-space indent, but every flat object (a usage row, a
 * restriction) and every list of plain values on one line, so a snapshot of 60 regions stays readable.
 */
export function serializeSnapshot(snapshot: RegionSignalsSnapshot): string {
  return `${formatJson(snapshot, "")}\n`;
}

function isFlat(value: unknown): boolean {
  if (Array.isArray(value)) return value.every((item) => item === null || typeof item !== "object");
  if (value !== null && typeof value === "object") {
    return Object.values(value).every((item) => item === null || typeof item !== "object" || (Array.isArray(item) && isFlat(item)));
  }
  return true;
}

function formatJson(value: unknown, indent: string): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (isFlat(value)) {
    if (Array.isArray(value)) return `[${value.map((item) => JSON.stringify(item)).join(", ")}]`;
    const fields = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{ ${fields.map(([k, v]) => `${JSON.stringify(k)}: ${formatJson(v, indent)}`).join(", ")} }`;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    return `[\n${value.map((item) => inner + formatJson(item, inner)).join(",\n")}\n${indent}]`;
  }
  const fields = Object.entries(value).filter(([, v]) => v !== undefined);
  return `{\n${fields.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJson(v, inner)}`).join(",\n")}\n${indent}}`;
}
