/**
 * The environment contract: MLFLOW_LAB_ARM_ENDPOINT + MLFLOW_LAB_ACCESS_TOKEN point the shared
 * pipeline at the ARM test server, in-process (trustTestCa) and in a child process (NODE_EXTRA_CA_CERTS).
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createArmClient } from "../../../src/azure/arm-client";
import { startArmTestServer, type ArmTestServer } from "../../support/arm-test-server";
import { trustTestCa } from "../../support/tls";

const run = promisify(execFile);
const TRIAL = "5b1c0a1e-7d4f-4c2a-9e3b-00000000a001";

describe("createArmClient from the environment", () => {
  let server: ArmTestServer;
  beforeAll(async () => {
    server = await startArmTestServer({ seed: join(__dirname, "../../support/arm-test-server/inventories/trial-4-vcpu.json") });
    trustTestCa(server.caCertPem);
  });
  afterAll(async () => server.stop());

  it("talks to the server named by MLFLOW_LAB_ARM_ENDPOINT with the static token", async () => {
    // The request log never holds Authorization, so read the header where the server receives it.
    const sent: Array<string | undefined> = [];
    const handle = server.core.handle;
    server.core.handle = (req, res) => {
      sent.push(req.headers.authorization);
      return handle.call(server.core, req, res);
    };
    try {
      const client = createArmClient({ env: server.env() });
      const usages = await client.listAll<{ name: { value: string }; limit: number }>(
        `/subscriptions/${TRIAL}/providers/Microsoft.Compute/locations/eastus/usages`,
        "2026-04-01",
      );
      expect(usages.find((u) => u.name.value === "cores")?.limit).toBe(4);
    } finally {
      server.core.handle = handle;
    }
    expect(sent.length).toBeGreaterThan(0);
    expect(new Set(sent)).toEqual(new Set([`Bearer ${server.env().MLFLOW_LAB_ACCESS_TOKEN}`]));
  });

  it("works from a child process that trusts the CA through NODE_EXTRA_CA_CERTS", async () => {
    const script = [
      "const { createArmClient } = require('./src/azure/arm-client');",
      `createArmClient().request({ method: 'GET', path: '/subscriptions/${TRIAL}', apiVersion: '2022-12-01' })`,
      "  .then((r) => console.log(r.body.displayName)).catch((e) => { console.error(e.message); process.exit(1); });",
    ].join("\n");
    const tsx = join(process.cwd(), "node_modules/.bin/tsx");
    const { stdout } = await run(tsx, ["-e", script], { cwd: process.cwd(), env: { ...process.env, ...server.env() } });
    expect(stdout.trim()).toBe("Free Trial");
  });
});
