/**
 * startArmTestServer(): an HTTPS ARM fake on 127.0.0.1 with a CA made at start, seeded from an
 * inventory. Returns the URL, the CA certificate (PEM and file), state accessors for assertions and
 * fault injection. See README.md.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FaultHandle, FaultSpec } from "./core/faults";
import { loadInventoryFile, parseInventory, type Inventory, type InventoryInput } from "./core/inventory";
import type { Operation } from "./core/lro";
import type { PagingOptions } from "./core/paging";
import type { LoggedRequest } from "./core/request-log";
import type { ResourceTypeHooks } from "./core/resource-types";
import type { RouteDef } from "./core/router";
import { ServerCore, type Durations } from "./core/server-core";
import type { ArmState, DeletedItemState, DeletedKind, ResourceGroupState, ResourceState } from "./core/state";
import type { ThrottleOptions } from "./core/throttle";
import { makeTestCertificates } from "./core/tls";
import { allHooks } from "./resource-types";
import * as routeModules from "./routes";
import { settleRegistrations } from "./routes/providers";

export interface ArmTestServerOptions {
  /** The inventory: an object, or the path of a JSON file. */
  seed: InventoryInput | Inventory | string;
  /** Default 0 (any free port). */
  port?: number;
  host?: string;
  /** Token buckets; false disables throttling. Defaults: reads 250/25 s⁻¹, writes and deletes 200/10 s⁻¹. */
  throttle?: ThrottleOptions | false;
  faults?: FaultSpec[];
  /** Real seconds per simulated second (0.01 = 100× faster). Default 1. */
  timeScale?: number;
  /** Time moves only through advanceTime(). */
  manualClock?: boolean;
  /** Request log file (JSON lines). Default: $ARM_TEST_SERVER_LOG. */
  logFile?: string;
  paging?: Partial<PagingOptions>;
  durations?: Partial<Durations>;
  /** Simulated ms before changes show in Resource Graph. */
  graphLagMs?: number;
  /** Simulated ms clients are told to wait between LRO polls (Retry-After). Default 10 000. */
  pollIntervalMs?: number;
  /** Seed of the random used for fault probabilities and duration ranges. */
  randomSeed?: number;
  /** Extra routes (tests may add one without a module). */
  routes?: RouteDef[];
  hooks?: ResourceTypeHooks[];
}

export interface ArmTestServer {
  /** e.g. https://127.0.0.1:43121 (no trailing slash): the ARM endpoint. */
  readonly url: string;
  readonly port: number;
  /** The CA that signed the server certificate. */
  readonly caCertPem: string;
  /** The same PEM written to a file (for NODE_EXTRA_CA_CERTS). */
  readonly caCertFile: string;
  /** Environment for a child process (CLI) to talk to this server. */
  env(): Record<string, string>;
  stop(): Promise<void>;
  /** Direct access for assertions; reads settle time-driven changes first. */
  readonly core: ServerCore;
  state(): ArmState;
  resourceGroup(subscriptionId: string, name: string): ResourceGroupState | undefined;
  resource(id: string): ResourceState | undefined;
  deletedItems(kind?: DeletedKind): DeletedItemState[];
  operations(): Operation[];
  /** Every request received (headers without Authorization), in order. */
  requests(): LoggedRequest[];
  injectFault(spec: FaultSpec): FaultHandle;
  clearFaults(): void;
  /** Moves simulated time forward (any clock) and settles. */
  advanceTime(simMs: number): void;
  now(): number;
}

function resolveInventory(seed: ArmTestServerOptions["seed"]): Inventory {
  if (typeof seed === "string") return loadInventoryFile(seed);
  return parseInventory(seed);
}

export async function startArmTestServer(options: ArmTestServerOptions): Promise<ArmTestServer> {
  const inventory = resolveInventory(options.seed);
  const routes: RouteDef[] = [...Object.values(routeModules).flatMap((m) => m.routes), ...(options.routes ?? [])];
  const core = new ServerCore({
    inventory,
    timeScale: options.timeScale,
    manualClock: options.manualClock,
    throttle: options.throttle,
    faults: options.faults,
    logFile: options.logFile ?? process.env.ARM_TEST_SERVER_LOG,
    paging: options.paging,
    durations: options.durations,
    graphLagMs: options.graphLagMs,
    pollIntervalMs: options.pollIntervalMs,
    randomSeed: options.randomSeed,
    routes,
    hooks: [...allHooks, ...(options.hooks ?? [])],
  });
  core.onSettle((now) => settleRegistrations(core, now));

  const certs = await makeTestCertificates();
  const server: Server = createServer({ key: certs.keyPem, cert: certs.certPem }, (req, res) => {
    core.handle(req, res).catch((e) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "InternalServerError", message: `ARM test server bug: ${(e as Error).message}` } }));
    });
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;
  core.baseUrl = url;

  const dir = mkdtempSync(join(tmpdir(), "arm-test-server-"));
  const caCertFile = join(dir, "ca.pem");
  writeFileSync(caCertFile, certs.caCertPem);

  const settled = <T>(fn: () => T): T => {
    core.settle();
    return fn();
  };

  return {
    url,
    port,
    caCertPem: certs.caCertPem,
    caCertFile,
    core,
    env: () => ({ MLFLOW_LAB_ARM_ENDPOINT: url, MLFLOW_LAB_ACCESS_TOKEN: "arm-test-server-token", NODE_EXTRA_CA_CERTS: caCertFile }),
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      rmSync(dir, { recursive: true, force: true });
    },
    state: () => settled(() => core.state),
    resourceGroup: (sub, name) => settled(() => core.state.resourceGroup(core.state.subscription(sub), name)),
    resource: (id) => settled(() => core.state.findResource(id)),
    deletedItems: (kind) => settled(() => core.state.deletedItems(kind)),
    operations: () => settled(() => core.lro.all()),
    requests: () => [...core.log.entries],
    injectFault: (spec) => core.faults.add(spec),
    clearFaults: () => core.faults.clear(),
    advanceTime: (ms) => {
      core.clock.advance(ms);
      core.settle();
    },
    now: () => core.clock.now(),
  };
}
