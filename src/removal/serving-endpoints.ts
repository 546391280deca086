/**
 * Serving endpoints go first when a lab is taken down: they bill by the hour, a learner may have made
 * some by hand (Databricks UI, Azure ML studio) that Pulumi never knew about, and an Azure ML workspace
 * with online endpoints refuses deletion (409 CannotDeleteResource).
 *
 * - Azure ML: ARM `.../workspaces/{ws}/onlineEndpoints` list and delete (long-running).
 * - Databricks: the workspace's REST API `/api/2.0/serving-endpoints` with an Entra token for the
 *   Azure Databricks resource. Every endpoint in a lab's workspace belongs to the lab. Its client
 *   retries throttling (429), 5xx and network errors with the ARM client's retry loop.
 */
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  type HttpClient,
} from "@azure/core-rest-pipeline";
import type { TokenCredential } from "@azure/core-auth";
import type { RetryOptions } from "../azure/retry";
import { retryPipelinePolicy } from "../azure/retry-policy";
import { ReadPriority, type ArmBudget } from "../azure/arm-budget";
import { DEFAULT_WAIT, type WaitOptions } from "./group-deletion";
import type { ItemResult } from "./results";
import { ML_API_VERSION, runToCompletion } from "./soft-delete";
import type { LabResource } from "./records";

interface OnlineEndpointBody {
  id?: string;
  name?: string;
}

/** Lists an Azure ML workspace's online endpoints and deletes each (dry run: reports them). */
export async function deleteWorkspaceEndpoints(
  budget: ArmBudget,
  workspace: Pick<LabResource, "id" | "subscriptionId" | "name">,
  execute: boolean,
  wait: WaitOptions = DEFAULT_WAIT,
): Promise<ItemResult[]> {
  const { items: endpoints } = await budget.readAllPages<OnlineEndpointBody>(workspace.subscriptionId, ReadPriority.reRead, `${workspace.id}/onlineEndpoints`, ML_API_VERSION);
  return Promise.all(
    endpoints.map(async (endpoint): Promise<ItemResult> => {
      const row = { kind: "Azure ML online endpoint", subscriptionId: workspace.subscriptionId, name: `${workspace.name}/${endpoint.name ?? "?"}` };
      if (!execute) return { ...row, outcome: "would-delete", reason: "serving endpoint in the lab's Azure ML workspace" };
      const path = endpoint.id ?? `${workspace.id}/onlineEndpoints/${endpoint.name}`;
      return runToCompletion(budget, workspace.subscriptionId, { method: "DELETE", path, apiVersion: ML_API_VERSION }, wait, (c) => ({
        ...row,
        outcome: c.kind === "ok" ? "deleted" : c.kind,
        reason: c.kind === "ok" ? "serving endpoint deleted" : c.reason,
        ...(c.code ? { code: c.code } : {}),
      }));
    }),
  );
}

/** The Azure Databricks first-party application: Entra tokens for workspace REST APIs use this scope. */
export const DATABRICKS_SCOPE = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default";

export interface DatabricksEndpoint {
  name: string;
  creator?: string;
  state?: { ready?: string; config_update?: string };
}

/** A small client for the serving-endpoints REST API of one workspace. */
export class DatabricksServingClient {
  private readonly pipeline = createEmptyPipeline();
  private readonly http: HttpClient;

  constructor(
    /** `https://adb-….azuredatabricks.net` (scheme included). */
    readonly baseUrl: string,
    credential: TokenCredential,
    httpClient?: HttpClient,
    retry: Partial<RetryOptions> = {},
  ) {
    this.http = httpClient ?? createDefaultHttpClient();
    // One 429 or 5xx from the workspace must not stop a teardown: the requests are sent again by the
    // toolkit's retry loop (every retry is signed again: the Retry phase runs before Sign). DELETE is safe
    // to send again: a second one answers 404 ("gone").
    this.pipeline.addPolicy(retryPipelinePolicy({ name: "toolkitRetry", retry }), { phase: "Retry" });
    this.pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential, scopes: DATABRICKS_SCOPE }), { phase: "Sign" });
  }

  async list(): Promise<DatabricksEndpoint[]> {
    const response = await this.send("GET", "/api/2.0/serving-endpoints");
    const endpoints = (response.body as { endpoints?: DatabricksEndpoint[] } | undefined)?.endpoints;
    return Array.isArray(endpoints) ? endpoints : [];
  }

  /** Deletes one endpoint; a 404 (already gone) counts as done. */
  async delete(name: string): Promise<"deleted" | "gone"> {
    const response = await this.send("DELETE", `/api/2.0/serving-endpoints/${encodeURIComponent(name)}`, [404]);
    return response.status === 404 ? "gone" : "deleted";
  }

  private async send(method: "GET" | "DELETE", path: string, allow: number[] = []): Promise<{ status: number; body: unknown }> {
    const request = createPipelineRequest({
      url: `${this.baseUrl.replace(/\/+$/, "")}${path}`,
      method,
      headers: createHttpHeaders({ accept: "application/json" }),
    });
    const response = await this.pipeline.sendRequest(this.http, request);
    let body: unknown;
    try {
      body = response.bodyAsText ? JSON.parse(response.bodyAsText) : undefined;
    } catch {
      body = undefined;
    }
    if (response.status >= 400 && !allow.includes(response.status)) {
      const error = body as { error_code?: string; message?: string } | undefined;
      const code = error?.error_code ?? `Http${response.status}`;
      throw Object.assign(new Error(`Databricks ${method} ${path}: ${error?.message ?? `HTTP ${response.status}`}`), { code });
    }
    return { status: response.status, body };
  }
}

/** Deletes every serving endpoint in a lab's Databricks workspace (dry run: lists them). */
export async function deleteDatabricksEndpoints(
  client: DatabricksServingClient,
  workspaceName: string,
  subscriptionId: string,
  execute: boolean,
): Promise<ItemResult[]> {
  const endpoints = await client.list();
  return Promise.all(
    endpoints.map(async (endpoint): Promise<ItemResult> => {
      const row = { kind: "Databricks serving endpoint", subscriptionId, name: `${workspaceName}/${endpoint.name}` };
      const by = endpoint.creator ? ` (created by ${endpoint.creator})` : "";
      if (!execute) return { ...row, outcome: "would-delete", reason: `serving endpoint in the lab's Databricks workspace${by}` };
      try {
        const outcome = await client.delete(endpoint.name);
        return { ...row, outcome: outcome === "gone" ? "gone" : "deleted", reason: `serving endpoint deleted${by}` };
      } catch (error) {
        const code = (error as { code?: string }).code;
        return { ...row, outcome: "failed", reason: (error as Error).message, ...(code ? { code } : {}) };
      }
    }),
  );
}
