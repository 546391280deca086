import * as http from "node:http";
import type { AddressInfo } from "node:net";
import Module from "node:module";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  endpointPutBody,
  TRAFFIC_API_VERSION,
  trafficDiff,
  trafficProvider,
  type TrafficInputs,
} from "../../../src/lab/endpoints/traffic";

const ENDPOINT_ID =
  "/subscriptions/sub-1/resourceGroups/msl-abc1234/providers/Microsoft.MachineLearningServices/workspaces/mlw-msl-abc1234/onlineEndpoints/penguin-managed-abc1234";

function endpointResource(traffic: Record<string, number> = {}) {
  return {
    id: ENDPOINT_ID,
    name: "penguin-managed-abc1234",
    type: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
    location: "eastus",
    tags: { "lab-id": "msl-abc1234" },
    identity: { type: "SystemAssigned", principalId: "p-1", tenantId: "t-1" },
    systemData: { createdBy: "someone" },
    properties: {
      authMode: "Key",
      description: "lab endpoint",
      provisioningState: "Succeeded",
      scoringUri: "https://penguin-managed-abc1234.eastus.inference.ml.azure.com/score",
      swaggerUri: "https://penguin-managed-abc1234.eastus.inference.ml.azure.com/swagger.json",
      publicNetworkAccess: "Enabled",
      traffic,
    },
  };
}

/** A fake of the two ARM calls the provider makes, with an Azure-AsyncOperation LRO. */
interface FakeArm {
  url: string;
  puts: Array<{ body: any; authorization?: string }>;
  pollsBeforeDone: number;
  throttleFirst: number;
  operationOutcome: "Succeeded" | "Failed";
  endpointExists: boolean;
  /** "async": the PUT answers with Azure-AsyncOperation; "state": with no header, the resource's provisioningState. */
  lro: "async" | "state";
  /** When set, every poll after the PUT (operation or resource GET) answers with this status and an ARM error. */
  pollFailure?: number;
  close(): Promise<void>;
}

async function startFakeArm(): Promise<FakeArm> {
  const state = {
    puts: [] as FakeArm["puts"],
    pollsBeforeDone: 1,
    throttleFirst: 0,
    operationOutcome: "Succeeded" as FakeArm["operationOutcome"],
    endpointExists: true,
    lro: "async" as FakeArm["lro"],
    pollFailure: undefined as number | undefined,
    putDone: false,
    polls: 0,
    traffic: {} as Record<string, number>,
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(body === undefined ? "" : JSON.stringify(body));
    };
    if (req.headers.authorization !== "Bearer test-token") return send(401, { error: { code: "AuthenticationFailed", message: "no token" } });
    if (state.throttleFirst > 0) {
      state.throttleFirst--;
      return send(429, { error: { code: "TooManyRequests", message: "slow down" } }, { "retry-after": "0" });
    }
    if (state.pollFailure !== undefined && state.putDone && req.method === "GET") {
      return send(state.pollFailure, { error: { code: "AuthorizationFailed", message: "no access to the operation" } }, { "retry-after": "0" });
    }
    if (url.pathname === "/operations/op-1") {
      state.polls++;
      if (state.polls <= state.pollsBeforeDone) return send(200, { status: "InProgress" }, { "retry-after": "0" });
      return send(200, state.operationOutcome === "Succeeded" ? { status: "Succeeded" } : { status: "Failed", error: { message: "deployment blue not found" } });
    }
    if (url.pathname !== ENDPOINT_ID || url.searchParams.get("api-version") !== TRAFFIC_API_VERSION) return send(404, { error: { code: "NotFound", message: url.pathname } });
    if (!state.endpointExists) return send(404, { error: { code: "ResourceNotFound", message: "gone" } });
    if (req.method === "GET") return send(200, endpointResource(state.traffic));
    if (req.method === "PUT") {
      let text = "";
      req.on("data", (chunk) => (text += chunk));
      req.on("end", () => {
        const body = JSON.parse(text);
        state.puts.push({ body, authorization: req.headers.authorization });
        state.traffic = body.properties.traffic;
        state.putDone = true;
        const address = server.address() as AddressInfo;
        send(201, { ...body, properties: { ...body.properties, provisioningState: "Updating" } }, {
          ...(state.lro === "async" ? { "azure-asyncoperation": `http://127.0.0.1:${address.port}/operations/op-1` } : {}),
          "retry-after": "0",
        });
      });
      return;
    }
    send(405);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.defineProperties(
    { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) } as FakeArm,
    {
      puts: { get: () => state.puts },
      pollsBeforeDone: { get: () => state.pollsBeforeDone, set: (v) => (state.pollsBeforeDone = v) },
      throttleFirst: { get: () => state.throttleFirst, set: (v) => (state.throttleFirst = v) },
      operationOutcome: { get: () => state.operationOutcome, set: (v) => (state.operationOutcome = v) },
      endpointExists: { get: () => state.endpointExists, set: (v) => (state.endpointExists = v) },
      lro: { get: () => state.lro, set: (v) => (state.lro = v) },
      pollFailure: { get: () => state.pollFailure, set: (v) => (state.pollFailure = v) },
    },
  );
}

const inputs = (traffic: Record<string, number>, revision = "r1"): TrafficInputs => ({
  endpointId: ENDPOINT_ID,
  traffic,
  apiVersion: TRAFFIC_API_VERSION,
  endpointRevision: revision,
});

describe("endpointPutBody", () => {
  it("sends back what ARM accepts: read-only fields removed, traffic replaced, identity without principal", () => {
    const body = endpointPutBody(endpointResource({ old: 100 }), { blue: 100 });
    expect(body).toEqual({
      location: "eastus",
      tags: { "lab-id": "msl-abc1234" },
      identity: { type: "SystemAssigned" },
      properties: { authMode: "Key", description: "lab endpoint", publicNetworkAccess: "Enabled", traffic: { blue: 100 } },
    });
  });

  it("keeps user-assigned identities by id only", () => {
    const resource = { ...endpointResource(), identity: { type: "UserAssigned", userAssignedIdentities: { "/id/1": { principalId: "x" } } } };
    expect(endpointPutBody(resource, {}).identity).toEqual({ type: "UserAssigned", userAssignedIdentities: { "/id/1": {} } });
  });
});

describe("trafficDiff", () => {
  it("sees no change when only the order of deployments differs", () => {
    expect(trafficDiff(inputs({ a: 50, b: 50 }), inputs({ b: 50, a: 50 })).changes).toBe(false);
  });

  it("updates in place for new percentages or an endpoint that was written again", () => {
    expect(trafficDiff(inputs({ blue: 100 }), inputs({ blue: 50, green: 50 }))).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect(trafficDiff(inputs({ blue: 100 }, "r1"), inputs({ blue: 100 }, "r2")).changes).toBe(true);
  });

  it("replaces when it points at another endpoint", () => {
    expect(trafficDiff(inputs({ blue: 100 }), { ...inputs({ blue: 100 }), endpointId: `${ENDPOINT_ID}-2` }).replaces).toEqual(["endpointId"]);
  });
});

describe("traffic provider against a fake ARM", () => {
  let arm: FakeArm;
  const saved = { endpoint: process.env.MLFLOW_LAB_ARM_ENDPOINT, token: process.env.MLFLOW_LAB_ACCESS_TOKEN };

  beforeAll(() => {
    process.env.MLFLOW_LAB_ACCESS_TOKEN = "test-token";
  });
  beforeEach(async () => {
    arm = await startFakeArm();
    process.env.MLFLOW_LAB_ARM_ENDPOINT = arm.url;
  });
  afterEach(() => arm.close());
  afterAll(() => {
    if (saved.endpoint === undefined) delete process.env.MLFLOW_LAB_ARM_ENDPOINT;
    else process.env.MLFLOW_LAB_ARM_ENDPOINT = saved.endpoint;
    if (saved.token === undefined) delete process.env.MLFLOW_LAB_ACCESS_TOKEN;
    else process.env.MLFLOW_LAB_ACCESS_TOKEN = saved.token;
  });

  it("create() PUTs the endpoint with the traffic and waits for the operation to succeed", async () => {
    arm.pollsBeforeDone = 2;
    const result = await trafficProvider.create(inputs({ blue: 100 }));
    expect(result.id).toBe(`${ENDPOINT_ID}/traffic`);
    expect(arm.puts).toHaveLength(1);
    expect(arm.puts[0].authorization).toBe("Bearer test-token");
    expect(arm.puts[0].body.properties).toMatchObject({ authMode: "Key", traffic: { blue: 100 } });
    expect(arm.puts[0].body.properties).not.toHaveProperty("scoringUri");
  });

  it("retries a throttled call after Retry-After", async () => {
    arm.throttleFirst = 2;
    await trafficProvider.update(`${ENDPOINT_ID}/traffic`, inputs({ blue: 100 }), inputs({ blue: 100 }, "r2"));
    expect(arm.puts).toHaveLength(1);
  });

  it("fails with the operation's message when ARM reports the update failed", async () => {
    arm.operationOutcome = "Failed";
    await expect(trafficProvider.create(inputs({ blue: 100 }))).rejects.toThrow("endpoint update failed: deployment blue not found");
  });

  it.each([
    ["Azure-AsyncOperation", 403, "async"],
    ["Azure-AsyncOperation", 404, "async"],
    ["provisioningState", 401, "state"],
  ] as const)("fails at once with ARM's error when a %s poll answers %i", async (_name, status, lro) => {
    arm.lro = lro;
    arm.pollFailure = status;
    await expect(trafficProvider.create(inputs({ blue: 100 }))).rejects.toThrow(
      "endpoint update: AuthorizationFailed: no access to the operation",
    );
  }, 3000);

  it("delete() clears the traffic so the deployment can be deleted, and tolerates a deleted endpoint", async () => {
    await trafficProvider.delete(`${ENDPOINT_ID}/traffic`, inputs({ blue: 100 }));
    expect(arm.puts[0].body.properties.traffic).toEqual({});
    arm.endpointExists = false;
    await expect(trafficProvider.delete(`${ENDPOINT_ID}/traffic`, inputs({ blue: 100 }))).resolves.toBeUndefined();
  });

  it("create() on a missing endpoint names the endpoint and ARM's error code", async () => {
    arm.endpointExists = false;
    await expect(trafficProvider.create(inputs({ blue: 100 }))).rejects.toThrow(
      `reading endpoint ${ENDPOINT_ID} failed: ResourceNotFound: gone`,
    );
  });

  it("is self-contained: Pulumi's serialized copy sets traffic on its own", async () => {
    const serialized = await pulumi.runtime.serializeFunction(() => trafficProvider, { allowSecrets: false });
    const module = new Module(path.join(process.cwd(), "serialized-traffic.js"));
    (module as unknown as { _compile(code: string, file: string): void })._compile(serialized.text, "serialized-traffic.js");
    const provider = (module.exports[serialized.exportName] as () => typeof trafficProvider)();
    await provider.create(inputs({ blue: 100 }));
    expect(arm.puts.map((p) => p.body.properties.traffic)).toEqual([{ blue: 100 }]);
  });
});
