import * as pulumi from "@pulumi/pulumi";
import type { ArmResponse } from "../../azure/arm-client";
import { isRunning, operationFromResponse, waitForOperation } from "../../azure/operation";
import { fetchJson } from "../../azure/fetch-json";
import { isRetryableStatus, networkErrorCode, parseRetryAfterMs, retrying } from "../../azure/retry";

/**
 * Routes an Azure ML online endpoint's traffic to its deployment once the deployment exists.
 *
 * ARM rejects `traffic` naming a deployment that does not exist yet, and the deployment needs the
 * endpoint first, so the endpoint is created without traffic and this small dynamic resource (which
 * depends on the deployment) GETs the endpoint and PUTs it back with `properties.traffic` set
 * (Azure/azureml-examples#2905 sets traffic in a separate `az ml online-endpoint update --traffic` step).
 * `onlineEndpoints.beginUpdate` in the SDK patches only tags/identity, hence the full
 * PUT. On delete it sets traffic to {} so the deployment can be deleted.
 *
 * The provider is serialized by Pulumi and runs in its own process: the helpers below use only their
 * arguments, globals (fetch, process) and the toolkit's pure ARM modules (the LRO poller and the retry
 * loop, src/azure/operation.ts and retry.ts, which Pulumi serializes along), and load @azure/identity
 * at run time through `process.getBuiltinModule("node:module")`, never through a captured `require`.
 * Credentials follow src/azure/credentials.ts: MLFLOW_LAB_ACCESS_TOKEN if set, else DefaultAzureCredential;
 * MLFLOW_LAB_ARM_ENDPOINT overrides https://management.azure.com.
 */
export const TRAFFIC_API_VERSION = "2024-10-01";

export interface TrafficInputs {
  /** ARM id of the online endpoint. */
  endpointId: string;
  /** Deployment name → percent (sums to 100). */
  traffic: Record<string, number>;
  apiVersion: string;
  /**
   * Anything whose change means Pulumi PUT the endpoint again (its tags): a PUT without `traffic` may
   * clear it, so a change here re-applies the routing.
   */
  endpointRevision: string;
}

type Json = Record<string, any>;

/** The PUT body for an endpoint read with GET, read-only fields removed and traffic replaced. */
export function endpointPutBody(resource: Json, traffic: Record<string, number>): Json {
  const readOnly = new Set(["provisioningState", "scoringUri", "swaggerUri"]);
  const properties: Json = {};
  for (const [key, value] of Object.entries(resource.properties ?? {})) {
    if (!readOnly.has(key)) properties[key] = value;
  }
  properties.traffic = { ...traffic };
  const body: Json = { location: resource.location, properties };
  if (resource.tags) body.tags = resource.tags;
  if (resource.kind) body.kind = resource.kind;
  if (resource.sku) body.sku = resource.sku;
  if (resource.identity?.type) {
    const identity: Json = { type: resource.identity.type };
    const assigned = resource.identity.userAssignedIdentities;
    if (assigned && typeof assigned === "object") {
      identity.userAssignedIdentities = Object.fromEntries(Object.keys(assigned).map((id) => [id, {}]));
    }
    body.identity = identity;
  }
  return body;
}

export function trafficDiff(
  olds: TrafficInputs,
  news: TrafficInputs,
): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
  const canonical = (traffic: Record<string, number>) =>
    JSON.stringify(Object.keys(traffic ?? {}).sort().map((key) => [key, traffic[key]]));
  const replaces = olds.endpointId !== news.endpointId ? ["endpointId"] : [];
  const changes =
    replaces.length > 0 ||
    canonical(olds.traffic) !== canonical(news.traffic) ||
    olds.apiVersion !== news.apiVersion ||
    olds.endpointRevision !== news.endpointRevision;
  return { changes, replaces, deleteBeforeReplace: false };
}

async function armToken(armBase: string): Promise<string> {
  const fromEnv = process.env.MLFLOW_LAB_ACCESS_TOKEN;
  if (fromEnv) return fromEnv;
  const { createRequire } = process.getBuiltinModule("node:module");
  const identity = createRequire(`${process.cwd()}/`)("@azure/identity");
  const token = await new identity.DefaultAzureCredential().getToken(`${armBase}/.default`);
  if (!token?.token) throw new Error("no Azure access token (sign in with `az login`)");
  return token.token as string;
}

/** One ARM request over fetch, retried by the toolkit's retry loop; error statuses come back as answers. */
async function armRequest(method: string, url: string, token: string, body?: Json): Promise<ArmResponse<Json | undefined>> {
  try {
    return await retrying(
      async () => ({ ...(await fetchJson(url, { method, headers: { authorization: `Bearer ${token}` }, body })), url }),
      (result) => {
        if ("error" in result) return { networkErrorCode: networkErrorCode(result.error) };
        if (!isRetryableStatus(result.value.status)) return undefined;
        return { status: result.value.status, retryAfterMs: parseRetryAfterMs((name) => result.value.headers[name], Date.now()) };
      },
    );
  } catch (error) {
    throw new Error(`${method} ${new URL(url).pathname}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function armErrorText(response: ArmResponse<Json | undefined>): string {
  const error = response.body?.error;
  return error?.code ? `${error.code}: ${error.message ?? ""}`.trim() : `HTTP ${response.status}`;
}

/**
 * Follows the endpoint PUT to its end with the toolkit's LRO poller (Operation-Location, Azure-AsyncOperation,
 * Location, else the endpoint's provisioningState), at most an hour. A poll refused with 401/403/404
 * fails at once with ARM's error.
 */
async function waitForPut(put: ArmResponse<Json | undefined>, token: string): Promise<void> {
  const clock = { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)) };
  const { state, step } = operationFromResponse("PUT", put, clock.now());
  if (step.error) throw new Error(`endpoint update ${step.status}: ${step.error.message}`);
  if (!isRunning(state)) return;
  const send = (req: { method: string; url?: string }) => armRequest(req.method, req.url!, token);
  const outcome = await waitForOperation(state, send, clock, { firstWaitMs: step.retryAfterMs, defaultPollMs: 5_000, timeoutMs: 60 * 60_000 });
  if (outcome.kind === "timeout") throw new Error("endpoint update did not finish within 60 minutes");
  if (outcome.kind === "failed") {
    const { error } = outcome;
    throw new Error(outcome.status >= 400 ? `endpoint update: ${error.code}: ${error.message}` : `endpoint update ${state.status}: ${error.message}`);
  }
}

/** GET the endpoint, PUT it back with the given traffic, wait for the operation. */
export async function setEndpointTraffic(
  endpointId: string,
  traffic: Record<string, number>,
  apiVersion: string,
  options: { missingOk?: boolean } = {},
): Promise<void> {
  const base = (process.env.MLFLOW_LAB_ARM_ENDPOINT || "https://management.azure.com").replace(/\/+$/, "");
  const token = await armToken(base);
  const url = `${base}${endpointId}?api-version=${apiVersion}`;
  const current = await armRequest("GET", url, token);
  if (current.status === 404 && options.missingOk) return;
  if (current.status !== 200 || !current.body) {
    throw new Error(`reading endpoint ${endpointId} failed: ${armErrorText(current)}`);
  }
  const put = await armRequest("PUT", url, token, endpointPutBody(current.body, traffic));
  if (put.status === 404 && options.missingOk) return;
  if (put.status !== 200 && put.status !== 201 && put.status !== 202) {
    throw new Error(`setting traffic on ${endpointId} failed: ${armErrorText(put)}`);
  }
  await waitForPut(put, token);
}

export const trafficProvider = {
  async create(inputs: TrafficInputs): Promise<{ id: string; outs: TrafficInputs }> {
    await setEndpointTraffic(inputs.endpointId, inputs.traffic, inputs.apiVersion);
    return { id: `${inputs.endpointId}/traffic`, outs: { ...inputs } };
  },
  async diff(_id: string, olds: TrafficInputs, news: TrafficInputs) {
    return trafficDiff(olds, news);
  },
  async update(_id: string, _olds: TrafficInputs, news: TrafficInputs): Promise<{ outs: TrafficInputs }> {
    await setEndpointTraffic(news.endpointId, news.traffic, news.apiVersion);
    return { outs: { ...news } };
  },
  async delete(_id: string, olds: TrafficInputs): Promise<void> {
    // An endpoint already gone (deleted with its group) has no traffic left to clear.
    await setEndpointTraffic(olds.endpointId, {}, olds.apiVersion, { missingOk: true });
  },
};

export interface EndpointTrafficArgs {
  endpointId: pulumi.Input<string>;
  traffic: pulumi.Input<Record<string, pulumi.Input<number>>>;
  endpointRevision: pulumi.Input<string>;
}

export class EndpointTraffic extends pulumi.dynamic.Resource {
  declare readonly traffic: pulumi.Output<Record<string, number>>;

  constructor(name: string, args: EndpointTrafficArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      trafficProvider as unknown as pulumi.dynamic.ResourceProvider,
      name,
      { ...args, apiVersion: TRAFFIC_API_VERSION },
      opts,
      "lab",
      "EndpointTraffic",
    );
  }
}
