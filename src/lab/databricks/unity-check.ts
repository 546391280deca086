import { fetchJson } from "../../azure/fetch-json";
import { networkErrorCode, parseRetryAfterMs, retrying } from "../../azure/retry";

/**
 * "Is Unity Catalog really there?", asked of the new workspace before any Unity Catalog object is
 * created. A workspace is only Unity-Catalog-enabled when a metastore is assigned to it; an account that
 * predates automatic enablement (or has no metastore in the region) gets a workspace without one, and
 * every schema, volume and grant would then fail one by one after a ten-minute deploy. This dynamic
 * resource sits between the workspace and those objects (they depend on it): its create asks the
 * workspace for its metastore assignment and for the lab's catalog, and fails with a message that starts
 * with a stable code the deploy flow recognises (src/regions/failover.ts): no failover, no blocklist
 * entry, one line that says how to use `catalogMode: legacy` instead.
 *
 * Why a resource of the program rather than two `pulumi up`s with `--target`: a targeted up must name
 * every dependency of the workspace by URN (the lease its tags come from, the resource group, their
 * components) or Pulumi refuses to create it untargeted; it costs a second engine run on every deploy;
 * and a plain `pulumi up` (instructors, CI) would skip the check. Inside the program the engine orders it
 * for us, on every runner.
 *
 * APIs: `GET /api/2.1/unity-catalog/current-metastore-assignment` ("Gets the metastore assignment for the
 * workspace being accessed"; 404 "No metastore assigned for the current workspace." when there is none,
 * databricks/terraform-provider-databricks#1632) and `GET /api/2.1/unity-catalog/catalogs[/{name}]`
 * (docs.databricks.com/api/uc-metastores/v1/metastore-assignment, read 2026-12-03).
 *
 * This module imports only the toolkit's retry loop (src/azure/retry.ts, pure), so the deploy flow reads
 * its codes without loading Pulumi; the resource class is in ./unity-catalog.ts. The provider is
 * serialized by Pulumi and runs in its own process: every helper uses only its arguments, globals and
 * that pure module, and loads @azure/identity at run time (the same rule as src/lab/endpoints/traffic.ts).
 * Token: MLFLOW_LAB_DATABRICKS_TOKEN (an Entra token for Azure Databricks, for hosted labs and tests), else
 * DefaultAzureCredential for the Azure Databricks application's scope.
 */
export const UNITY_CATALOG_MISSING = "UnityCatalogNotEnabled";
export const LAB_CATALOG_MISSING = "LabCatalogNotFound";

export interface UnityCheckInputs {
  /** `https://adb-….azuredatabricks.net` */
  host: string;
  catalog: string;
  workspaceName: string;
}

export interface UnityCheckOutputs extends UnityCheckInputs {
  metastoreId: string;
}

type Json = Record<string, any>;

async function databricksToken(): Promise<string> {
  const fromEnv = process.env.MLFLOW_LAB_DATABRICKS_TOKEN;
  if (fromEnv) return fromEnv;
  const { createRequire } = process.getBuiltinModule("node:module");
  const identity = createRequire(`${process.cwd()}/`)("@azure/identity");
  // The Azure Databricks first-party application (learn.microsoft.com/azure/databricks/dev-tools/auth/user-aad-token).
  const token = await new identity.DefaultAzureCredential().getToken("2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default");
  if (!token?.token) throw new Error("no Azure access token for Azure Databricks (sign in with `az login`)");
  return token.token as string;
}

/**
 * GET a workspace API path. A workspace that just reported Succeeded may not resolve in DNS or answer yet,
 * and the API throttles with 429: those are retried by the toolkit's retry loop for up to `patienceMs`
 * (waits from 1 s doubling to 30 s, or the Retry-After); any other answer is returned.
 */
async function workspaceGet(host: string, path: string, token: string, patienceMs: number): Promise<{ status: number; body: Json | undefined }> {
  let problem = "";
  try {
    const answer = await retrying(
      () =>
        fetchJson(`${host.replace(/\/+$/, "")}${path}`, {
          headers: { authorization: `Bearer ${token}`, accept: "application/json" },
          timeoutMs: 30_000,
        }),
      (result) => {
        if ("error" in result) {
          problem = result.error instanceof Error ? result.error.message : String(result.error);
          // A request that ran into its own time limit is worth another try, like a refused connection.
          return { networkErrorCode: (result.error as Error)?.name === "TimeoutError" ? "ETIMEDOUT" : networkErrorCode(result.error) };
        }
        if (result.value.status !== 429 && result.value.status < 500) return undefined;
        problem = `HTTP ${result.value.status}`;
        return { status: result.value.status, retryAfterMs: parseRetryAfterMs((name) => result.value.headers[name], Date.now()) };
      },
      { retry: { maxRetries: Number.MAX_SAFE_INTEGER, baseDelayMs: 1_000, maxDelayMs: 30_000 }, deadline: Date.now() + patienceMs },
    );
    if (answer.status !== 429 && answer.status < 500) return { status: answer.status, body: answer.body };
  } catch (error) {
    problem ||= error instanceof Error ? error.message : String(error);
  }
  throw new Error(`GET ${path} on ${host} kept failing: ${problem}`);
}

function errorText(body: Json | undefined, status: number): string {
  const code = typeof body?.error_code === "string" ? body.error_code : `HTTP ${status}`;
  return typeof body?.message === "string" ? `${code}: ${body.message}` : code;
}

/** Resolves when the workspace has a metastore and the catalog exists; throws a coded one-line error otherwise. */
export async function checkUnityCatalog(inputs: UnityCheckInputs, token: string, patienceMs = 5 * 60_000): Promise<{ metastoreId: string }> {
  const assignment = await workspaceGet(inputs.host, "/api/2.1/unity-catalog/current-metastore-assignment", token, patienceMs);
  const metastoreId = typeof assignment.body?.metastore_id === "string" ? assignment.body.metastore_id : "";
  if (assignment.status === 404 || (assignment.status === 200 && metastoreId === "")) {
    throw new Error(
      `${UNITY_CATALOG_MISSING}: Databricks workspace ${inputs.workspaceName} has no Unity Catalog metastore assigned (${errorText(assignment.body, assignment.status)})`,
    );
  }
  if (assignment.status !== 200) {
    throw new Error(`cannot read the metastore assignment of Databricks workspace ${inputs.workspaceName}: ${errorText(assignment.body, assignment.status)}`);
  }
  const catalog = await workspaceGet(inputs.host, `/api/2.1/unity-catalog/catalogs/${encodeURIComponent(inputs.catalog)}`, token, patienceMs);
  if (catalog.status === 404) {
    const list = await workspaceGet(inputs.host, "/api/2.1/unity-catalog/catalogs", token, patienceMs);
    const names = Array.isArray(list.body?.catalogs) ? list.body.catalogs.map((c: Json) => String(c?.name)).filter((n: string) => n !== "undefined") : [];
    throw new Error(
      `${LAB_CATALOG_MISSING}: catalog '${inputs.catalog}' does not exist in Databricks workspace ${inputs.workspaceName} (catalogs there: ${names.join(", ") || "none"}); set config azure-mlflow-lab:catalog to one you may create schemas in`,
    );
  }
  if (catalog.status !== 200) {
    throw new Error(`cannot read catalog '${inputs.catalog}' in Databricks workspace ${inputs.workspaceName}: ${errorText(catalog.body, catalog.status)}`);
  }
  return { metastoreId };
}

export const unityCheckProvider = {
  async create(inputs: UnityCheckInputs): Promise<{ id: string; outs: UnityCheckOutputs }> {
    const { metastoreId } = await checkUnityCatalog(inputs, await databricksToken());
    return { id: `${inputs.workspaceName}/${metastoreId}`, outs: { ...inputs, metastoreId } };
  },
  async diff(_id: string, olds: UnityCheckOutputs, news: UnityCheckInputs) {
    // Another workspace or catalog is another question: ask it again.
    const replaces = (["host", "catalog", "workspaceName"] as const).filter((key) => olds[key] !== news[key]);
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
  },
};
