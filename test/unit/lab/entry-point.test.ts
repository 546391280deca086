import { createHash } from "node:crypto";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { PROJECT_NAME } from "../../../src/config/lab-config";
import { PlanMocks } from "../../../src/plan/mocks";
import { makeTestCertificates } from "../../support/arm-test-server/core/tls";
import { trustTestCa } from "../../support/tls";

/**
 * src/index.ts as `pulumi up` runs it: stack config in the runtime's config bag (strings, as the CLI passes
 * them), the exported function called, resources registered with the mocks. A lab stack builds the lab
 * with the real dataset fetcher (served over local HTTPS here, never the network); a janitor stack builds the
 * janitor and nothing of a lab; a bad key fails before anything is registered.
 */
const CSV = Buffer.from("Island,CulmenLength,CulmenDepth,FlipperLength,BodyMass,Species\nBiscoe,48.7,14.1,210,4450,1\n");
const SHA = createHash("sha256").update(CSV).digest("hex");
let server: https.Server;
let datasetUrl = "";

const registered: Array<{ type: string; inputs: Record<string, any> }> = [];
const mocks = new PlanMocks();

beforeAll(async () => {
  const certs = await makeTestCertificates();
  trustTestCa(certs.caCertPem);
  server = https.createServer({ cert: certs.certPem, key: certs.keyPem }, (req, res) => (req.url === "/penguins.csv" ? res.end(CSV) : (res.writeHead(404), res.end())));
  await new Promise<void>((resolve) => server.listen(0, "localhost", resolve));
  datasetUrl = `https://localhost:${(server.address() as AddressInfo).port}/penguins.csv`;
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push({ type: args.type, inputs: args.inputs });
        return mocks.newResource(args);
      },
      call: (args) => mocks.call(args),
    },
    PROJECT_NAME,
    "entry",
  );
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function runEntryPoint(config: Record<string, string>): Promise<Record<string, unknown>> {
  registered.length = 0;
  pulumi.runtime.setAllConfig(config);
  // `export =` arrives as the module's default export through vitest's ESM interop.
  const loaded = (await import("../../../src/index")) as unknown as { default: () => Promise<Record<string, unknown>> };
  const outputs = await loaded.default();
  // Let pending registrations reach the mocks before the test looks at them.
  await new Promise((resolve) => setTimeout(resolve, 50));
  return outputs;
}

/** Resolves once no registration has arrived for 200 ms (at most 5 s). */
async function quiet(): Promise<void> {
  const giveUp = Date.now() + 5000;
  let seen = -1;
  while (seen !== registered.length && Date.now() < giveUp) {
    seen = registered.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("the Pulumi entry point", () => {
  it("builds a lab from azure-mlflow-lab:* keys, with the dataset fetched and verified at deploy time", async () => {
    const outputs = await runEntryPoint({
      "azure-mlflow-lab:owner": "learner@contoso.com",
      "azure-mlflow-lab:region": "westeurope",
      "azure-mlflow-lab:suffix": "abc1234",
      "azure-mlflow-lab:datasetUrl": datasetUrl,
      "azure-mlflow-lab:datasetSha256": SHA,
    });
    expect(outputs.region).toBe("westeurope");
    expect(outputs.labId).toBe("msl-abc1234");
    const types = registered.map((r) => r.type);
    expect(types).toContain("azure-native:databricks:Workspace");
    expect(types).not.toContain("azure-native:app:Job");
    // The file registers once its content has been downloaded and checked, in the lab's volume (unity).
    const dataset = await vi.waitFor(
      () => {
        const found = registered.find((r) => r.type === "databricks:index/file:File");
        if (!found) throw new Error("the dataset file is not registered yet");
        return found;
      },
      { timeout: 5000 },
    );
    expect(dataset.inputs.path).toBe("/Volumes/databricks-abc1234/mlflow_lab/data/penguins.csv");
    expect(Buffer.from(dataset.inputs.contentBase64, "base64").equals(CSV)).toBe(true);
  });

  it("builds the janitor, and no lab, when the stack carries mlflow-lab-janitor:* keys", async () => {
    const outputs = await runEntryPoint({
      "azure-native:location": "eastus",
      "mlflow-lab-janitor:location": "eastus",
      "mlflow-lab-janitor:allowedSubscriptions": JSON.stringify(["0b1f6471-1bf0-4dda-aec3-111122223333"]),
      "mlflow-lab-janitor:image": "myregistry.azurecr.io/azure-mlflow-lab:1.0",
    });
    const types = registered.map((r) => r.type);
    expect(types).toContain("azure-native:app:Job");
    expect(types).not.toContain("azure-native:databricks:Workspace");
    expect(outputs).not.toHaveProperty("labId");
  });

  it("refuses a misspelt lab key before registering anything", async () => {
    // The earlier tests' stragglers must not land in this test's window.
    await quiet();
    await expect(runEntryPoint({ "azure-mlflow-lab:owner": "learner@contoso.com", "azure-mlflow-lab:nodetype": "Standard_DS3_v2" })).rejects.toThrow(/nodetype/);
    // Registrations reach the mocks asynchronously: a resource constructed before the config error
    // would show up after the rejection, so watch for a while rather than look once.
    const watchUntil = Date.now() + 500;
    while (Date.now() < watchUntil) {
      expect(registered).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(registered).toEqual([]);
  });
});
