/**
 * The janitor stack's config (stacks/Pulumi.janitor.yaml), under its own namespace `mlflow-lab-janitor:`
 * so it never mixes with a lab's keys. Validated with one-line, key-naming errors.
 */
import { z } from "zod";
import { parseSpan } from "../../config/duration";
import { GUID_PATTERN } from "../../config/guid";

export const JANITOR_NAMESPACE = "mlflow-lab-janitor";

/** Five fields: minute hour day-of-month month day-of-week (Container Apps jobs use UTC). */
const CRON = /^\s*(\S+\s+){4}\S+\s*$/;

export const JanitorConfigSchema = z
  .object({
    location: z.string().regex(/^[a-z0-9]+$/, "an ARM location name such as eastus").default("eastus"),
    resourceGroupName: z.string().min(1).max(90).default("mlflow-lab-janitor"),
    allowedSubscriptions: z.array(z.string().regex(GUID_PATTERN, "a subscription id (GUID)")).min(1, "list at least one subscription"),
    schedule: z.string().regex(CRON, "a 5-field cron expression such as '17 * * * *'").default("17 * * * *"),
    image: z.string().min(1, "the toolkit's container image, e.g. myregistry.azurecr.io/azure-mlflow-lab:1.0"),
    registryServer: z.string().optional(),
    // Passed to `mlflow-lab cleanup --grace`: accepted exactly when cleanup accepts it.
    grace: z.string().refine((text) => parseSpan(text) !== undefined, "a duration such as 1h, 30m or 2d").default("1h"),
    max: z.number().int().nonnegative().default(100),
    dryRun: z.boolean().default(false),
    cpu: z.number().positive().default(0.5),
    memory: z.string().regex(/^\d+(\.\d+)?Gi$/, "a size such as 1Gi").default("1Gi"),
    /** Seconds a run may take before Container Apps stops it. */
    timeoutSeconds: z.number().int().positive().default(3600),
  })
  .strict();

export type JanitorConfig = z.infer<typeof JanitorConfigSchema>;

export function parseJanitorConfig(raw: unknown): JanitorConfig {
  const parsed = JanitorConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue.path.length > 0 ? `${JANITOR_NAMESPACE}:${issue.path.join(".")}` : JANITOR_NAMESPACE;
    throw new Error(`${key}: ${issue.message}`);
  }
  return parsed.data;
}
