/**
 * The janitor stack's config (stacks/Pulumi.janitor.yaml), under its own namespace `mlflow-lab-janitor:`
 * so it never mixes with a lab's keys. Validated with one-line, key-naming errors.
 */
import { z } from "zod";
import { parseSpan } from "../../config/duration";
import { GUID_PATTERN } from "../../config/guid";
import { zodIssueLine } from "../../config/zod-issue";

export const JANITOR_NAMESPACE = "mlflow-lab-janitor";

/** Five fields: minute hour day-of-month month day-of-week (Container Apps jobs use UTC). */
const CRON = /^\s*(\S+\s+){4}\S+\s*$/;

/** `/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ContainerRegistry/registries/<name>`. */
const REGISTRY_ID = /^\/subscriptions\/([0-9a-f-]{36})\/resourceGroups\/[^/]+\/providers\/Microsoft\.ContainerRegistry\/registries\/([A-Za-z0-9]+)$/i;

/** The subscription and name a registry's ARM id names (the id must match REGISTRY_ID). */
export function parseRegistryId(id: string): { subscriptionId: string; name: string } {
  const match = REGISTRY_ID.exec(id);
  if (!match) throw new Error(`not a container registry id: ${id}`);
  return { subscriptionId: match[1]!, name: match[2]! };
}

const duration = (example: string) => z.string().refine((text) => parseSpan(text) !== undefined, `a duration such as ${example}`);

export const JanitorConfigSchema = z
  .object({
    location: z.string().regex(/^[a-z0-9]+$/, "an ARM location name such as eastus").default("eastus"),
    resourceGroupName: z.string().min(1).max(90).default("mlflow-lab-janitor"),
    allowedSubscriptions: z.array(z.string().regex(GUID_PATTERN, "a subscription id (GUID)")).min(1, "list at least one subscription"),
    schedule: z.string().regex(CRON, "a 5-field cron expression such as '17 * * * *'").default("17 * * * *"),
    image: z.string().min(1, "the toolkit's container image, e.g. myregistry.azurecr.io/azure-mlflow-lab:1.0"),
    /** Login server of a private registry the job pulls `image` from with its identity. */
    registryServer: z.string().min(1).optional(),
    /**
     * ARM id of that registry (`az acr show -n <name> --query id -o tsv`): the job's identity gets AcrPull
     * there. An id rather than a lookup by name, because the registry may live in another group or
     * subscription than the janitor.
     */
    registryId: z.string().regex(REGISTRY_ID, "a container registry's ARM id: /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ContainerRegistry/registries/<name>").optional(),
    // Passed to `mlflow-lab cleanup --grace` / `--group-wait`: accepted exactly when cleanup accepts them.
    grace: duration("1h, 30m or 2d").default("1h"),
    groupWait: duration("20m or 1h").default("20m"),
    max: z.number().int().nonnegative().default(100),
    dryRun: z.boolean().default(false),
    cpu: z.number().positive().default(0.5),
    memory: z.string().regex(/^\d+(\.\d+)?Gi$/, "a size such as 1Gi").default("1Gi"),
    /** Seconds a run may take before Container Apps stops it. */
    timeoutSeconds: z.number().int().positive().default(3600),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.registryServer && !config.registryId) {
      ctx.addIssue({ code: "custom", path: ["registryId"], message: "required with registryServer: the registry's ARM id (az acr show -n <name> --query id -o tsv), so the job's identity can be given AcrPull on it" });
    } else if (config.registryId && !config.registryServer) {
      ctx.addIssue({ code: "custom", path: ["registryServer"], message: "required with registryId: the registry's login server, e.g. myregistry.azurecr.io" });
    } else if (config.registryId && config.registryServer && REGISTRY_ID.test(config.registryId)) {
      // A login server is <name>.azurecr.io, or <name>-<hash>.azurecr.io with a domain name label scope.
      const name = parseRegistryId(config.registryId).name.toLowerCase();
      const label = config.registryServer.toLowerCase().split(".")[0]!;
      if (label !== name && !label.startsWith(`${name}-`)) {
        ctx.addIssue({ code: "custom", path: ["registryServer"], message: `'${config.registryServer}' is not the login server of registry '${name}' named by registryId` });
      }
    }
    // The job must be able to wait for a stuck group and still write its report before it is stopped.
    if ((parseSpan(config.groupWait) ?? 0) >= config.timeoutSeconds * 1000) {
      ctx.addIssue({ code: "custom", path: ["groupWait"], message: `must be shorter than timeoutSeconds (${config.timeoutSeconds} s), or Container Apps stops the run before its report` });
    }
  });

export type JanitorConfig = z.infer<typeof JanitorConfigSchema>;

export function parseJanitorConfig(raw: unknown): JanitorConfig {
  const parsed = JanitorConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new Error(zodIssueLine(parsed.error, raw ?? {}, { subject: (path) => (path ? `${JANITOR_NAMESPACE}:${path}` : JANITOR_NAMESPACE) }));
  }
  return parsed.data;
}
