import * as pulumi from "@pulumi/pulumi";

/**
 * Routes an Azure ML online endpoint's traffic to its deployment once the deployment exists.
 *
 * ARM rejects `traffic` naming a deployment that does not exist yet, and the deployment needs the
 * endpoint first, so the endpoint is created without traffic and this small dynamic resource (which
 * depends on the deployment) GETs the endpoint and PUTs it back with `properties.traffic` set
 * (pulumi.md §5 #14). `onlineEndpoints.beginUpdate` in the SDK patches only tags/identity, hence the full
 * PUT. On delete it sets traffic to {} so the deployment can be deleted.
 *
 * The provider is serialized by Pulumi and runs in its own process: every helper below uses only its
 * arguments and globals (fetch, process), and loads @azure/identity at run time through
 * `process.getBuiltinModule("node:module")`, never through a captured `require`.
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

interface ArmResponse {
  status: number;
  headers: Headers;
  json: Json | undefined;
}

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

async function armRequest(method: string, url: string, token: string, body?: Json): Promise<ArmResponse> {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  let lastError = "";
  for (let attempt = 1; attempt <= 6; attempt++) {
    try {
      const response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { "content-type": "application/json" } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await response.text();
      const retryable = response.status === 429 || response.status === 408 || response.status >= 500;
      if (!retryable || attempt === 6) {
        let json: Json | undefined;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        return { status: response.status, headers: response.headers, json };
      }
      const retryAfter = Number(response.headers.get("retry-after"));
      lastError = `HTTP ${response.status}`;
      await sleep(Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : 2 ** attempt * 1000);
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
      if (attempt === 6) break;
      await sleep(2 ** attempt * 1000);
    }
  }
  throw new Error(`${method} ${new URL(url).pathname}: ${lastError}`);
}

function armErrorText(response: ArmResponse): string {
  const error = response.json?.error;
  return error?.code ? `${error.code}: ${error.message ?? ""}`.trim() : `HTTP ${response.status}`;
}

/** Follows an ARM PUT to its end: Azure-AsyncOperation, then Location, then the resource's provisioningState. */
async function waitForPut(put: ArmResponse, resourceUrl: string, token: string): Promise<void> {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const terminal = new Set(["succeeded", "failed", "canceled"]);
  const asyncUrl = put.headers.get("azure-asyncoperation");
  const locationUrl = put.headers.get("location");
  const initialState = String(put.json?.properties?.provisioningState ?? "").toLowerCase();
  if (!asyncUrl && !locationUrl && (put.status === 200 || put.status === 201) && (initialState === "" || terminal.has(initialState))) {
    if (initialState === "failed" || initialState === "canceled") throw new Error(`endpoint update ended ${initialState}`);
    return;
  }
  let delay = Number(put.headers.get("retry-after") ?? "5");
  const deadline = Date.now() + 60 * 60 * 1000;
  while (Date.now() < deadline) {
    await sleep((Number.isFinite(delay) && delay >= 0 ? delay : 5) * 1000);
    const poll = await armRequest("GET", asyncUrl ?? locationUrl ?? resourceUrl, token);
    delay = Number(poll.headers.get("retry-after") ?? "5");
    if (asyncUrl || !locationUrl) {
      // A 401/403/404 answer has no status or provisioningState to wait for: fail with ARM's error now.
      if (poll.status !== 200 && poll.status !== 201 && poll.status !== 202) {
        throw new Error(`endpoint update: ${armErrorText(poll)}`);
      }
    }
    if (asyncUrl) {
      const status = String(poll.json?.status ?? "").toLowerCase();
      if (status === "succeeded") return;
      if (status === "failed" || status === "canceled") {
        throw new Error(`endpoint update ${status}: ${poll.json?.error?.message ?? "no details"}`);
      }
    } else if (locationUrl) {
      if (poll.status === 200 || poll.status === 201 || poll.status === 204) return;
      if (poll.status !== 202) throw new Error(`endpoint update: ${armErrorText(poll)}`);
    } else {
      const state = String(poll.json?.properties?.provisioningState ?? "").toLowerCase();
      if (state === "succeeded") return;
      if (state === "failed" || state === "canceled") throw new Error(`endpoint update ended ${state}`);
    }
  }
  throw new Error("endpoint update did not finish within 60 minutes");
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
  if (current.status !== 200 || !current.json) {
    throw new Error(`reading endpoint ${endpointId} failed: ${armErrorText(current)}`);
  }
  const put = await armRequest("PUT", url, token, endpointPutBody(current.json, traffic));
  if (put.status === 404 && options.missingOk) return;
  if (put.status !== 200 && put.status !== 201 && put.status !== 202) {
    throw new Error(`setting traffic on ${endpointId} failed: ${armErrorText(put)}`);
  }
  await waitForPut(put, url, token);
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
