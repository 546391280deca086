import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MlflowRegistryClient } from "../../../src/models/registry-client";
import { resolveModelSource, type ResolvedModel } from "../../../src/models/sources";

/**
 * A run whose artifact_uri is `mlflow-artifacts://<host>/...` names the server that proxies its files.
 * The tracking server's credentials go there too (as in MLflow's Python client): this server answers
 * 401 to any request without the bearer token.
 */
const TOKEN = "proxy-token-123";
const RUN_ID = "0123456789abcdef0123456789abcdef";
const MLMODEL = "artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.sklearn\n";

let server: http.Server;
let port: number;
const requests: Array<{ url: string; authorization?: string }> = [];
const resolved: ResolvedModel[] = [];

function json(res: http.ServerResponse, body: unknown): void {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests.push({ url: req.url ?? "", authorization: req.headers.authorization });
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401, { "content-type": "application/json" });
      res.end(JSON.stringify({ error_code: "UNAUTHENTICATED", message: "no credentials" }));
      return;
    }
    const url = new URL(req.url ?? "/", "http://localhost");
    const root = `0/${RUN_ID}/artifacts`;
    if (url.pathname === "/api/2.0/mlflow/runs/get") {
      return json(res, { run: { info: { run_id: RUN_ID, experiment_id: "0", artifact_uri: `mlflow-artifacts://127.0.0.1:${port}/${root}` }, data: {} } });
    }
    if (url.pathname === "/api/2.0/mlflow/artifacts/list") {
      return json(res, { files: [{ path: "model/MLmodel", is_dir: false, file_size: MLMODEL.length }] });
    }
    if (url.pathname === "/api/2.0/mlflow-artifacts/artifacts" && url.searchParams.get("path") === `${root}/model`) {
      return json(res, { files: [{ path: "MLmodel", is_dir: false, file_size: MLMODEL.length }] });
    }
    if (url.pathname === `/api/2.0/mlflow-artifacts/artifacts/${root}/model/MLmodel`) {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.end(MLMODEL);
      return;
    }
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error_code: "RESOURCE_DOES_NOT_EXIST", message: `no route ${url.pathname}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const model of resolved) await model.cleanup();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("a model behind mlflow-artifacts://<host>/ on an authenticated server", () => {
  it("is listed and downloaded with the tracking server's credentials", async () => {
    // The tracking URI says localhost, the artifact URI 127.0.0.1: a second client is built for the proxy.
    const model = await resolveModelSource(`runs:/${RUN_ID}/model`, { trackingUri: `http://localhost:${port}`, env: { MLFLOW_TRACKING_TOKEN: TOKEN } });
    resolved.push(model);
    expect(fs.readFileSync(path.join(model.dir, "MLmodel"), "utf8")).toBe(MLMODEL);
    expect(model.downloadedBytes).toBe(MLMODEL.length);
    const proxied = requests.filter((r) => r.url.startsWith("/api/2.0/mlflow-artifacts/"));
    expect(proxied.length).toBe(2);
    expect(proxied.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });
});

describe("MlflowRegistryClient.withBaseUrl", () => {
  it("keeps the credentials and the injected fetch, and names the new server", async () => {
    const seen: Array<{ url: string; authorization?: string }> = [];
    const fetchImpl = (async (url: URL | string, init?: RequestInit) => {
      seen.push({ url: String(url), authorization: (init?.headers as Record<string, string> | undefined)?.authorization });
      return new Response(JSON.stringify({ files: [] }));
    }) as typeof fetch;
    const client = new MlflowRegistryClient({ trackingUri: "https://alice:secret@mlflow.example/prefix", fetch: fetchImpl, timeoutMs: 1234 });
    const other = client.withBaseUrl("https://artifacts.example:8443");
    expect(other.baseUrl).toBe("https://artifacts.example:8443");
    await other.listProxiedArtifacts("0/run/artifacts");
    expect(seen).toEqual([
      {
        url: "https://artifacts.example:8443/api/2.0/mlflow-artifacts/artifacts?path=0%2Frun%2Fartifacts",
        authorization: `Basic ${Buffer.from("alice:secret").toString("base64")}`,
      },
    ]);
  });
});
