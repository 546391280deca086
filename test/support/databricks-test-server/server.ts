/**
 * A small fake of one Azure Databricks workspace's serving-endpoints REST API (a test double of an
 * external service, like the ARM test server): HTTPS with a CA made at start, bearer auth required,
 * and the documented shapes of `/api/2.0/serving-endpoints`:
 *
 *   GET    /api/2.0/serving-endpoints          → 200 {"endpoints": [ServingEndpoint...]}  (no paging)
 *   GET    /api/2.0/serving-endpoints/{name}   → 200 ServingEndpointDetailed | 404 RESOURCE_DOES_NOT_EXIST
 *   POST   /api/2.0/serving-endpoints          → 200 ServingEndpointDetailed (409 RESOURCE_ALREADY_EXISTS)
 *   DELETE /api/2.0/serving-endpoints/{name}   → 200 {} | 404 RESOURCE_DOES_NOT_EXIST
 *   GET    /api/2.1/unity-catalog/current-metastore-assignment → 200 {workspace_id, metastore_id,
 *          default_catalog_name} | 404 METASTORE_DOES_NOT_EXIST "No metastore assigned for the current
 *          workspace." (the text terraform-provider-databricks#1632 reports)
 *   GET    /api/2.1/unity-catalog/catalogs         → 200 {"catalogs": [CatalogInfo...]}
 *   GET    /api/2.1/unity-catalog/catalogs/{name}  → 200 CatalogInfo | 404 CATALOG_DOES_NOT_EXIST
 *          (both 404 METASTORE_DOES_NOT_EXIST without a metastore)
 *
 * Errors use the Databricks REST error body `{"error_code": "...", "message": "..."}`. Tests seed
 * endpoints "created in the UI" with `createEndpoint()` and read `requests()` to count calls.
 */
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { makeTestCertificates } from "../arm-test-server/core/tls";

export interface ServingEndpoint {
  name: string;
  id: string;
  creator: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  state: { ready: "READY" | "NOT_READY"; config_update: "NOT_UPDATING" | "IN_PROGRESS" | "UPDATE_FAILED" | "UPDATE_CANCELED" };
  config?: { served_entities?: Array<Record<string, unknown>>; traffic_config?: Record<string, unknown> };
  tags?: Array<{ key: string; value?: string }>;
  task?: string;
}

export interface LoggedDatabricksRequest {
  method: string;
  path: string;
  /** Whether an Authorization header came with it (its value is never kept). */
  authorized: boolean;
}

/** The workspace's Unity Catalog: a metastore and its catalogs, or none (an account without automatic enablement). */
export interface UnityCatalogSeed {
  metastoreId: string;
  catalogs: string[];
}

export interface DatabricksTestServer {
  /** e.g. https://127.0.0.1:40123 — what a client uses instead of https://adb-….azuredatabricks.net */
  readonly url: string;
  readonly caCertPem: string;
  createEndpoint(name: string, creator?: string, config?: ServingEndpoint["config"]): ServingEndpoint;
  endpoints(): ServingEndpoint[];
  requests(): LoggedDatabricksRequest[];
  stop(): Promise<void>;
}

const NAME = /^[A-Za-z0-9_-]{1,63}$/;

export async function startDatabricksTestServer(
  options: { endpoints?: Array<{ name: string; creator?: string }>; unityCatalog?: UnityCatalogSeed | null } = {},
): Promise<DatabricksTestServer> {
  const unity = options.unityCatalog === undefined ? { metastoreId: "11111111-2222-4333-8444-555555555555", catalogs: ["main", "samples"] } : options.unityCatalog;
  const endpoints = new Map<string, ServingEndpoint>();
  const log: LoggedDatabricksRequest[] = [];
  let counter = 0;

  const create = (name: string, creator = "learner@example.com", config?: ServingEndpoint["config"]): ServingEndpoint => {
    const now = Date.now();
    const endpoint: ServingEndpoint = {
      name,
      id: (++counter).toString(16).padStart(32, "0"),
      creator,
      creation_timestamp: now,
      last_updated_timestamp: now,
      state: { ready: "READY", config_update: "NOT_UPDATING" },
      config: config ?? { served_entities: [{ name: `${name}-1`, entity_name: "penguin_model", entity_version: "1", workload_size: "Small", scale_to_zero_enabled: true }] },
    };
    endpoints.set(name, endpoint);
    return endpoint;
  };
  for (const e of options.endpoints ?? []) create(e.name, e.creator);

  const certs = await makeTestCertificates();
  const server: Server = createServer({ key: certs.keyPem, cert: certs.certPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "https://localhost");
      const method = (req.method ?? "GET").toUpperCase();
      const auth = req.headers.authorization;
      log.push({ method, path: url.pathname, authorized: typeof auth === "string" && /^Bearer\s+\S+/i.test(auth) });
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      const error = (status: number, code: string, message: string) => reply(status, { error_code: code, message });
      if (!log[log.length - 1].authorized) return error(401, "UNAUTHENTICATED", "Credential was not sent or was of an unsupported type for this API.");

      const uc = "/api/2.1/unity-catalog";
      if (method === "GET" && url.pathname.startsWith(`${uc}/`)) {
        if (!unity) return error(404, "METASTORE_DOES_NOT_EXIST", "No metastore assigned for the current workspace.");
        if (url.pathname === `${uc}/current-metastore-assignment`) {
          return reply(200, { workspace_id: 1234567890123456, metastore_id: unity.metastoreId, default_catalog_name: "hive_metastore" });
        }
        const catalogInfo = (name: string) => ({ name, metastore_id: unity.metastoreId, catalog_type: "MANAGED_CATALOG", owner: "workspace admins" });
        if (url.pathname === `${uc}/catalogs`) return reply(200, { catalogs: unity.catalogs.map(catalogInfo) });
        const catalog = new RegExp(`^${uc}/catalogs/([^/]+)$`).exec(url.pathname);
        if (catalog) {
          const name = decodeURIComponent(catalog[1]);
          return unity.catalogs.includes(name) ? reply(200, catalogInfo(name)) : error(404, "CATALOG_DOES_NOT_EXIST", `Catalog '${name}' does not exist.`);
        }
      }

      const base = "/api/2.0/serving-endpoints";
      if (url.pathname === base && method === "GET") {
        return reply(200, { endpoints: [...endpoints.values()].map(({ config: _config, ...summary }) => summary) });
      }
      if (url.pathname === base && method === "POST") {
        let body: { name?: string; config?: ServingEndpoint["config"] };
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
        } catch {
          return error(400, "MALFORMED_REQUEST", "Could not parse request object.");
        }
        if (!body.name || !NAME.test(body.name)) return error(400, "INVALID_PARAMETER_VALUE", "Endpoint name must be alphanumeric characters, dashes and underscores.");
        if (endpoints.has(body.name)) return error(409, "RESOURCE_ALREADY_EXISTS", `Endpoint with name '${body.name}' already exists.`);
        return reply(200, create(body.name, "service-principal", body.config));
      }
      const m = new RegExp(`^${base}/([^/]+)$`).exec(url.pathname);
      if (m) {
        const name = decodeURIComponent(m[1]);
        const endpoint = endpoints.get(name);
        if (!endpoint) return error(404, "RESOURCE_DOES_NOT_EXIST", `Endpoint with name '${name}' does not exist.`);
        if (method === "GET") return reply(200, endpoint);
        if (method === "DELETE") {
          endpoints.delete(name);
          return reply(200, {});
        }
      }
      return error(404, "ENDPOINT_NOT_FOUND", `No API found for '${method} ${url.pathname}'`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    caCertPem: certs.caCertPem,
    createEndpoint: create,
    endpoints: () => [...endpoints.values()],
    requests: () => [...log],
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
