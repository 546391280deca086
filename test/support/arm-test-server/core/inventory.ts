/**
 * The seed inventory (JSON), validated with zod. The format is documented in ../README.md; keep the
 * two in step. Shorthands keep inventories small: usage rows need only name/currentValue/limit, SKUs
 * need only name/family/vCPUs, and `defaults` apply to every subscription that does not say otherwise.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { zodIssueLine } from "../../../../src/config/zod-issue";

const Tags = z.record(z.string(), z.string());

export const UsageRowSchema = z.object({
  name: z.string(),
  localizedValue: z.string().optional(),
  currentValue: z.number().int().nonnegative(),
  limit: z.number().int().nonnegative(),
  unit: z.string().optional(),
});

/**
 * A row of Azure ML's regional quota (`…/Microsoft.MachineLearningServices/locations/{loc}/usages`).
 * `type` defaults to the per-family type; the regional total is `…/dedicatedCores/usages`, and rows of
 * workspaces repeat the family names with `…/workspaces/usages`.
 */
export const MlUsageRowSchema = UsageRowSchema.extend({
  type: z.string().default("Microsoft.MachineLearningServices/vmFamily/usages"),
});

export const SkuRestrictionSchema = z.object({
  type: z.enum(["Location", "Zone"]).or(z.string()),
  reasonCode: z.enum(["NotAvailableForSubscription", "QuotaId"]).or(z.string()),
  /** Zone restrictions: which zones (default: all the SKU's zones). */
  zones: z.array(z.string()).optional(),
});

export const SkuSchema = z.object({
  name: z.string(),
  resourceType: z.string().default("virtualMachines"),
  family: z.string().optional(),
  tier: z.string().default("Standard"),
  size: z.string().optional(),
  vCPUs: z.number().int().positive().optional(),
  memoryGB: z.number().positive().optional(),
  zones: z.array(z.string()).default([]),
  restrictions: z.array(SkuRestrictionSchema).default([]),
  /** Extra capabilities as name → value (strings, as ARM sends them). */
  capabilities: z.record(z.string(), z.string()).optional(),
});

export const ProviderResourceTypeSchema = z.object({
  resourceType: z.string(),
  /** Display names ("East US 2"), as ARM returns them. */
  locations: z.array(z.string()).default([]),
  apiVersions: z.array(z.string()).optional(),
});

export const ProviderSchema = z.object({
  namespace: z.string(),
  registrationState: z.enum(["Registered", "NotRegistered", "Registering", "Unregistering"]).default("Registered"),
  registrationPolicy: z.string().default("RegistrationRequired"),
  resourceTypes: z.array(ProviderResourceTypeSchema).default([]),
});

export const PolicyAssignmentSchema = z.object({
  name: z.string(),
  displayName: z.string().optional(),
  policyDefinitionId: z.string(),
  /** Default: the subscription. A management group scope makes it "inherited". */
  scope: z.string().optional(),
  enforcementMode: z.enum(["Default", "DoNotEnforce"]).default("Default"),
  /** Shorthand for parameters.listOfAllowedLocations.value. */
  allowedLocations: z.array(z.string()).optional(),
  parameters: z.record(z.string(), z.object({ value: z.unknown() })).optional(),
});

export const LockSchema = z.object({
  name: z.string(),
  level: z.enum(["CanNotDelete", "ReadOnly"]).default("CanNotDelete"),
  notes: z.string().optional(),
});

export const ResourceSchema = z.object({
  type: z.string(),
  name: z.string(),
  location: z.string().optional(),
  tags: Tags.default({}),
  properties: z.record(z.string(), z.unknown()).default({}),
  sku: z.record(z.string(), z.unknown()).optional(),
  kind: z.string().optional(),
  managedBy: z.string().optional(),
  locks: z.array(LockSchema).default([]),
});

export const ResourceGroupSchema = z.object({
  name: z.string(),
  location: z.string(),
  tags: Tags.default({}),
  managedBy: z.string().optional(),
  provisioningState: z.enum(["Succeeded", "Deleting"]).default("Succeeded"),
  locks: z.array(LockSchema).default([]),
  resources: z.array(ResourceSchema).default([]),
});

export const DeletedItemSchema = z.object({
  kind: z.enum(["machineLearningWorkspace", "keyVault", "logAnalyticsWorkspace"]),
  name: z.string(),
  resourceGroup: z.string(),
  location: z.string(),
  tags: Tags.default({}),
  deletedAt: z.string().optional(),
  scheduledPurgeAt: z.string().optional(),
  purgeProtection: z.boolean().default(false),
});

export const CreateFailureSchema = z.object({
  /** e.g. "Microsoft.Databricks/workspaces". */
  resourceType: z.string(),
  location: z.string().optional(),
  /** Regex on the resource name. */
  namePattern: z.string().optional(),
  code: z.string().default("QuotaExceeded"),
  /** Default: ARM's quota message built from the usage row of `family` in that location. */
  message: z.string().optional(),
  family: z.string().optional(),
  additionalRequired: z.number().int().positive().optional(),
  /** "sync": the PUT itself is refused (409); "lro": the PUT is accepted and the operation fails. */
  mode: z.enum(["sync", "lro"]).default("lro"),
  /** How many creates fail (default: all). */
  count: z.number().int().positive().optional(),
});

const PerLocation = <T extends z.ZodTypeAny>(item: T) => z.record(z.string(), z.array(item));

export const SubscriptionSchema = z.object({
  subscriptionId: z.string(),
  displayName: z.string(),
  state: z.enum(["Enabled", "Disabled", "Warned", "PastDue", "Deleted"]).default("Enabled"),
  quotaId: z.string().default("PayAsYouGo_2014-09-01"),
  spendingLimit: z.enum(["On", "Off", "CurrentPeriodOff"]).default("Off"),
  /** Location names this subscription may use (default: every inventory location). */
  locations: z.array(z.string()).optional(),
  /** Usage rows per location name; "*" applies to locations without their own list. */
  usages: PerLocation(UsageRowSchema).optional(),
  /** Azure ML quota rows per location name; "*" applies to locations without their own list. */
  mlUsages: PerLocation(MlUsageRowSchema).optional(),
  skus: PerLocation(SkuSchema).optional(),
  providers: z.array(ProviderSchema).optional(),
  policyAssignments: z.array(PolicyAssignmentSchema).default([]),
  locks: z.array(LockSchema).default([]),
  resourceGroups: z.array(ResourceGroupSchema).default([]),
  deletedItems: z.array(DeletedItemSchema).default([]),
  createFailures: z.array(CreateFailureSchema).default([]),
});

export const LocationSchema = z.object({
  name: z.string(),
  displayName: z.string(),
  regionalDisplayName: z.string().optional(),
  regionType: z.enum(["Physical", "Logical"]).default("Physical"),
  regionCategory: z.enum(["Recommended", "Other", "Extended"]).default("Recommended"),
  geographyGroup: z.string().optional(),
  pairedRegion: z.string().optional(),
  physicalLocation: z.string().optional(),
  availabilityZones: z.array(z.string()).default([]),
});

export const InventorySchema = z.object({
  $schema: z.string().optional(),
  description: z.string().optional(),
  tenantId: z.string().default("72f988bf-0000-4000-8000-000000000001"),
  locations: z.array(LocationSchema).min(1),
  defaults: z
    .object({
      usages: PerLocation(UsageRowSchema).optional(),
      mlUsages: PerLocation(MlUsageRowSchema).optional(),
      skus: PerLocation(SkuSchema).optional(),
      providers: z.array(ProviderSchema).optional(),
    })
    .default({}),
  subscriptions: z.array(SubscriptionSchema).min(1),
});

export type Inventory = z.infer<typeof InventorySchema>;
export type InventoryInput = z.input<typeof InventorySchema>;
export type UsageRow = z.infer<typeof UsageRowSchema>;
export type MlUsageRow = z.infer<typeof MlUsageRowSchema>;
export type SkuSeed = z.infer<typeof SkuSchema>;
export type ProviderSeed = z.infer<typeof ProviderSchema>;
export type PolicyAssignmentSeed = z.infer<typeof PolicyAssignmentSchema>;
export type LockSeed = z.infer<typeof LockSchema>;
export type ResourceSeed = z.infer<typeof ResourceSchema>;
export type ResourceGroupSeed = z.infer<typeof ResourceGroupSchema>;
export type DeletedItemSeed = z.infer<typeof DeletedItemSchema>;
export type CreateFailureSeed = z.infer<typeof CreateFailureSchema>;
export type SubscriptionSeed = z.infer<typeof SubscriptionSchema>;
export type LocationSeed = z.infer<typeof LocationSchema>;

/** Validates an inventory object; errors name the first offending path. */
export function parseInventory(input: unknown, source = "inventory"): Inventory {
  const r = InventorySchema.safeParse(input);
  if (!r.success) {
    throw new Error(`${source}: ${zodIssueLine(r.error, input, { subject: (path) => path || "(root)" })}`);
  }
  return r.data;
}

export function loadInventoryFile(file: string): Inventory {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
  return parseInventory(raw, file);
}

/** The friendly English name ARM shows for common usage rows. */
export function localizedUsageName(name: string): string {
  const known: Record<string, string> = {
    cores: "Total Regional vCPUs",
    lowPriorityCores: "Total Regional Low-priority vCPUs",
    virtualMachines: "Virtual Machines",
    availabilitySets: "Availability Sets",
    virtualMachineScaleSets: "Virtual Machine Scale Sets",
  };
  if (known[name]) return known[name];
  const m = /^standard(.+)Family$/.exec(name);
  if (m) return `Standard ${m[1]} Family vCPUs`;
  return name;
}
