import Module from "node:module";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it } from "vitest";
import { checkUnityCatalog, LAB_CATALOG_MISSING, UNITY_CATALOG_MISSING, unityCheckProvider } from "../../../src/lab/databricks/unity-check";
import { startDatabricksTestServer, type DatabricksTestServer, type UnityCatalogSeed } from "../../support/databricks-test-server/server";
import { trustTestCa } from "../../support/tls";

/**
 * The deploy-time Unity Catalog check against a Databricks workspace test server speaking the documented
 * shapes: with a metastore and the lab's catalog it passes; without a metastore, or without the catalog,
 * it fails with one coded line the deploy flow recognises.
 */
let server: DatabricksTestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function workspace(unityCatalog: UnityCatalogSeed | null): Promise<DatabricksTestServer> {
  server = await startDatabricksTestServer({ unityCatalog });
  trustTestCa(server.caCertPem);
  return server;
}

const inputs = (host: string, catalog = "databricks-abc1234") => ({ host, catalog, workspaceName: "databricks-abc1234" });

describe("checkUnityCatalog", () => {
  it("passes when a metastore is assigned and the catalog exists, with the bearer token sent", async () => {
    const dbx = await workspace({ metastoreId: "ms-1", catalogs: ["databricks-abc1234", "samples"] });
    await expect(checkUnityCatalog(inputs(dbx.url), "token-1")).resolves.toEqual({ metastoreId: "ms-1" });
    expect(dbx.requests().map((r) => `${r.method} ${r.path} ${r.authorized}`)).toEqual([
      "GET /api/2.1/unity-catalog/current-metastore-assignment true",
      "GET /api/2.1/unity-catalog/catalogs/databricks-abc1234 true",
    ]);
  });

  it("fails with UnityCatalogNotEnabled, one line, when no metastore is assigned", async () => {
    const dbx = await workspace(null);
    const failure = checkUnityCatalog(inputs(dbx.url), "token-1");
    await expect(failure).rejects.toThrow(
      `${UNITY_CATALOG_MISSING}: Databricks workspace databricks-abc1234 has no Unity Catalog metastore assigned (METASTORE_DOES_NOT_EXIST: No metastore assigned for the current workspace.)`,
    );
    await expect(failure).rejects.not.toThrow(/\n/);
  });

  it("fails with LabCatalogNotFound naming the catalogs that do exist", async () => {
    const dbx = await workspace({ metastoreId: "ms-1", catalogs: ["main", "samples"] });
    await expect(checkUnityCatalog(inputs(dbx.url), "token-1")).rejects.toThrow(
      `${LAB_CATALOG_MISSING}: catalog 'databricks-abc1234' does not exist in Databricks workspace databricks-abc1234 (catalogs there: main, samples); set config azure-mlflow-lab:catalog to one you may create schemas in`,
    );
  });

  it("waits for a workspace that does not answer yet, then gives up naming the path", async () => {
    // Nothing listens on this port: like a brand-new workspace whose DNS name does not resolve yet.
    await expect(checkUnityCatalog(inputs("https://127.0.0.1:9"), "token-1", 1_500)).rejects.toThrow(
      /^GET \/api\/2\.1\/unity-catalog\/current-metastore-assignment on https:\/\/127\.0\.0\.1:9 kept failing: /,
    );
  });
});

describe("the Unity Catalog check as Pulumi runs it", () => {
  it("is self-contained: Pulumi's serialized copy checks the workspace on its own, with the token from the environment", async () => {
    const dbx = await workspace({ metastoreId: "ms-7", catalogs: ["databricks-abc1234"] });
    const serialized = await pulumi.runtime.serializeFunction(() => unityCheckProvider, { allowSecrets: false });
    const module = new Module(path.join(process.cwd(), "serialized-unity-check.js"));
    (module as unknown as { _compile(code: string, file: string): void })._compile(serialized.text, "serialized-unity-check.js");
    const provider = (module.exports[serialized.exportName] as () => typeof unityCheckProvider)();
    process.env.MLFLOW_LAB_DATABRICKS_TOKEN = "token-from-env";
    try {
      const created = await provider.create(inputs(dbx.url));
      expect(created).toEqual({ id: "databricks-abc1234/ms-7", outs: { ...inputs(dbx.url), metastoreId: "ms-7" } });
    } finally {
      delete process.env.MLFLOW_LAB_DATABRICKS_TOKEN;
    }
    expect(dbx.requests().every((r) => r.authorized)).toBe(true);
  });

  it("asks again for another workspace or catalog, and not otherwise", async () => {
    const olds = { ...inputs("https://adb-1.azuredatabricks.net"), metastoreId: "ms-1" };
    await expect(unityCheckProvider.diff("id", olds, inputs("https://adb-1.azuredatabricks.net"))).resolves.toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    await expect(unityCheckProvider.diff("id", olds, inputs("https://adb-1.azuredatabricks.net", "main"))).resolves.toMatchObject({ changes: true, replaces: ["catalog"] });
  });
});
