import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UserInputError } from "../../../src/errors";
import { formatDuration, parseDurationSeconds } from "../../../src/config/duration";
import { LAB_DATASET_SHA256, LAB_DATASET_URL, parseLabConfig } from "../../../src/config/lab-config";

const OWNER = { owner: "learner@contoso.com" };

function errorOf(raw: Record<string, unknown>): UserInputError {
  try {
    parseLabConfig(raw);
  } catch (error) {
    if (error instanceof UserInputError) return error;
    throw error;
  }
  throw new Error("expected a UserInputError");
}

describe("parseLabConfig defaults", () => {
  it("fills in the lab's defaults from an owner alone", () => {
    expect(parseLabConfig(OWNER)).toEqual({
      region: "eastus",
      owner: "learner@contoso.com",
      ownerKind: "user",
      ttl: "8h",
      ttlSeconds: 28_800,
      catalogMode: "unity",
      compute: "classic",
      nodeType: "Standard_DS3_v2",
      nodeTypeFallbacks: ["Standard_D4ds_v5", "Standard_D4ads_v5"],
      sparkVersion: "16.4.x-cpu-ml-scala2.12",
      autoterminationMinutes: 20,
      databricksServing: {
        enabled: false,
        name: "predict-penguin",
        model: { name: "penguin_predictor", version: "1" },
        size: "Small",
        scaleToZero: true,
      },
      azureMl: false,
      endpoints: [],
      datasetUrl: LAB_DATASET_URL,
      datasetSha256: LAB_DATASET_SHA256,
      learners: [],
    });
  });

  it("reads values as the Pulumi runtime hands them over: everything a string, objects as JSON", () => {
    const config = parseLabConfig({
      ...OWNER,
      region: "West Europe",
      autoterminationMinutes: "30",
      azureMl: "true",
      nodeTypeFallbacks: '["Standard_D4ds_v5"]',
      databricksServing: '{"enabled":true}',
      endpoints: '[{"name":"penguin-aci","kind":"ACI","model":"penguin:2"}]',
      ttl: "90m",
    });
    expect(config).toMatchObject({
      region: "westeurope",
      autoterminationMinutes: 30,
      azureMl: true,
      nodeTypeFallbacks: ["Standard_D4ds_v5"],
      ttl: "1h30m",
      databricksServing: { enabled: true, name: "predict-penguin", size: "Small" },
      endpoints: [{ name: "penguin-aci", kind: "aci", model: { name: "penguin", version: "2" }, size: "small" }],
    });
  });

  it("takes a service principal's application id as owner", () => {
    expect(parseLabConfig({ owner: "6A1B2C3D-0000-4000-8000-00000000ABCD" })).toMatchObject({
      owner: "6a1b2c3d-0000-4000-8000-00000000abcd",
      ownerKind: "servicePrincipal",
    });
  });

  it("does not need a serving model while serving is off", () => {
    expect(parseLabConfig({ ...OWNER, databricksServing: { enabled: false, model: "" } }).databricksServing.model).toEqual({
      name: "penguin_predictor",
      version: "1",
    });
  });

  it("serves the notebook's model of the catalog mode when config names none", () => {
    expect(parseLabConfig({ ...OWNER, catalogMode: "legacy" })).toMatchObject({
      catalogMode: "legacy",
      databricksServing: { model: { name: "Penguin Predictor", version: "1" } },
    });
    expect(parseLabConfig({ ...OWNER, catalogMode: "unity" }).databricksServing.model).toEqual({ name: "penguin_predictor", version: "1" });
  });

  it("takes three-level Unity Catalog model names, a catalog override and serverless compute", () => {
    const config = parseLabConfig({
      ...OWNER,
      compute: "Serverless",
      catalog: "main",
      databricksServing: { enabled: true, model: "main.ml_models.penguin_predictor:3" },
    });
    expect(config).toMatchObject({
      catalogMode: "unity",
      catalog: "main",
      compute: "serverless",
      databricksServing: { enabled: true, model: { name: "main.ml_models.penguin_predictor", version: "3" } },
    });
    // Hyphens are valid in Unity Catalog names (a workspace catalog is named after its workspace).
    expect(parseLabConfig({ ...OWNER, catalog: "databricks-abc1234" }).catalog).toBe("databricks-abc1234");
  });
});

describe("parseLabConfig rejects bad config with one line naming the key", () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ["unknown region", { region: "eastuss" }, "config azure-mlflow-lab:region 'eastuss' is not an Azure region name; did you mean 'eastus'?"],
    ["region far from any name", { region: "atlantis" }, "config azure-mlflow-lab:region 'atlantis' is not an Azure region name (use ARM names"],
    ["malformed node type", { nodeType: "DS3_v2" }, "config azure-mlflow-lab:nodeType 'DS3_v2' is not a VM size name; use the Standard_<size> form"],
    ["lowercase node type", { nodeType: "standard_ds3_v2" }, "config azure-mlflow-lab:nodeType 'standard_ds3_v2' is not a VM size name"],
    ["GPU node type", { nodeType: "Standard_NC6s_v3" }, "config azure-mlflow-lab:nodeType 'Standard_NC6s_v3' is a GPU size"],
    ["malformed fallback", { nodeTypeFallbacks: ["Standard_D4ds_v5", "D4"] }, "config azure-mlflow-lab:nodeTypeFallbacks[1] 'D4' is not a VM size name"],
    ["ttl that is not a duration", { ttl: "8 hours" }, "config azure-mlflow-lab:ttl '8 hours' is not a duration; use e.g. 30m, 8h, 2d or 1h30m"],
    ["ttl of zero", { ttl: "0h" }, "config azure-mlflow-lab:ttl '0h' is not a duration"],
    ["ttl of months", { ttl: "90d" }, "config azure-mlflow-lab:ttl '90d' is longer than 30d"],
    ["endpoint name too short", { azureMl: true, endpoints: [{ name: "p", kind: "aci", model: "m:1" }] }, "config azure-mlflow-lab:endpoints[0].name 'p' is not 3-24"],
    ["unknown endpoint kind", { azureMl: true, endpoints: [{ name: "penguin", kind: "acs", model: "m:1" }] }, "config azure-mlflow-lab:endpoints[0].kind 'acs' is not an endpoint kind; use aci, aks, managed"],
    ["model ref without version", { azureMl: true, endpoints: [{ name: "penguin", kind: "aci", model: "penguin" }] }, "config azure-mlflow-lab:endpoints[0].model 'penguin' is not 'name:version'"],
    ["model ref with a word for a version", { databricksServing: { enabled: true, model: "Penguin Predictor:latest" } }, "config azure-mlflow-lab:databricksServing.model 'Penguin Predictor:latest' is not 'name:version'"],
    ["Azure ML model name with a space", { azureMl: true, endpoints: [{ name: "penguin", kind: "managed", model: "Penguin Predictor:1" }] }, "config azure-mlflow-lab:endpoints[0].model 'Penguin Predictor' is not an Azure ML model name"],
    ["duplicate endpoint names", { azureMl: true, endpoints: [{ name: "penguin", kind: "aci", model: "m:1" }, { name: "penguin", kind: "aks", model: "m:1" }] }, "config azure-mlflow-lab:endpoints[1].name 'penguin' is already used by endpoints[0]; endpoint names must be unique"],
    ["serving endpoint without a model", { databricksServing: { enabled: true, model: "" } }, "config azure-mlflow-lab:databricksServing.model serving endpoint 'predict-penguin' has no model"],
    ["Azure endpoint without a model", { azureMl: true, endpoints: [{ name: "penguin", kind: "aci" }] }, "config azure-mlflow-lab:endpoints[0].model endpoint 'penguin' has no model"],
    ["endpoints without Azure ML", { endpoints: [{ name: "penguin", kind: "aci", model: "m:1" }] }, "config azure-mlflow-lab:azureMl is false but endpoints are configured (penguin)"],
    ["unknown endpoint size", { azureMl: true, endpoints: [{ name: "penguin", kind: "aci", model: "m:1", size: "xl" }] }, "config azure-mlflow-lab:endpoints[0].size 'xl' is not a size; use small, medium, large"],
    ["unknown serving size", { databricksServing: { size: "Tiny" } }, "config azure-mlflow-lab:databricksServing.size 'Tiny' is not a workload size; use Small, Medium, Large"],
    ["endpoint list that is not a list", { azureMl: true, endpoints: "penguin" }, "config azure-mlflow-lab:endpoints must be a list, got text that is not JSON"],
    ["bad owner", { owner: "bob" }, "config azure-mlflow-lab:owner 'bob' is neither a user principal name (user@domain) nor a service principal application id (GUID)"],
    ["missing owner", { owner: undefined }, "config azure-mlflow-lab:owner is not set; set it to your user principal name"],
    ["bad suffix", { suffix: "ABC" }, "config azure-mlflow-lab:suffix 'ABC' is not 7 lowercase letters or digits"],
    ["misspelt key", { regoin: "eastus" }, "config azure-mlflow-lab:regoin is not a known key; known keys: region, owner"],
    ["autotermination outside Databricks' range", { autoterminationMinutes: 5 }, "config azure-mlflow-lab:autoterminationMinutes 5 is outside 10-10000 minutes"],
    ["autotermination not a number", { autoterminationMinutes: "soon" }, "config azure-mlflow-lab:autoterminationMinutes must be a whole number, got 'soon'"],
    ["non-ML runtime", { sparkVersion: "16.4.x-scala2.12" }, "config azure-mlflow-lab:sparkVersion '16.4.x-scala2.12' is not a CPU ML runtime"],
    ["dataset over plain http", { datasetUrl: "http://example.com/penguins.csv" }, "config azure-mlflow-lab:datasetUrl 'http://example.com/penguins.csv' is not an https URL"],
    ["dataset hash that is not sha256", { datasetSha256: "abc" }, "config azure-mlflow-lab:datasetSha256 is not a sha256 hex digest"],
    ["unknown catalog mode", { catalogMode: "hive" }, "config azure-mlflow-lab:catalogMode 'hive' is not a catalog mode; use unity or legacy"],
    ["unknown compute", { compute: "gpu" }, "config azure-mlflow-lab:compute 'gpu' is not a compute kind; use classic or serverless"],
    ["catalog name with a dot", { catalog: "main.lab" }, "config azure-mlflow-lab:catalog 'main.lab' is not a Unity Catalog catalog name"],
  ];

  it.each(cases)("%s", (_label, raw, message) => {
    const error = errorOf({ ...OWNER, ...raw });
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(message);
    expect(error.message).not.toContain("\n");
  });
});

describe("bad combinations of keys give one line naming both keys", () => {
  const cases: Array<[string, Record<string, unknown>, string[]]> = [
    ["serverless with the legacy catalog", { compute: "serverless", catalogMode: "legacy" }, ["config azure-mlflow-lab:catalogMode 'legacy' cannot be used with config azure-mlflow-lab:compute 'serverless'", "Unity Catalog only"]],
    ["a catalog in legacy mode", { catalogMode: "legacy", catalog: "main" }, ["config azure-mlflow-lab:catalog 'main' is set but config azure-mlflow-lab:catalogMode is 'legacy'"]],
    ["a workspace-registry model in unity mode", { databricksServing: { enabled: true, model: "Penguin Predictor:1" } }, ["config azure-mlflow-lab:databricksServing.model 'Penguin Predictor' is not a Unity Catalog model name, which config azure-mlflow-lab:catalogMode 'unity' serves"]],
    ["a two-level model in unity mode", { databricksServing: { model: "mlflow_lab.penguin_predictor:1" } }, ["config azure-mlflow-lab:databricksServing.model 'mlflow_lab.penguin_predictor' is not a Unity Catalog model name, which config azure-mlflow-lab:catalogMode 'unity' serves"]],
    ["a Unity Catalog model in legacy mode", { catalogMode: "legacy", databricksServing: { model: "main.mlflow_lab.penguin_predictor:1" } }, ["config azure-mlflow-lab:databricksServing.model 'main.mlflow_lab.penguin_predictor' is a Unity Catalog name", "config azure-mlflow-lab:catalogMode is 'legacy'"]],
  ];

  it.each(cases)("%s", (_label, raw, parts) => {
    const error = errorOf({ ...OWNER, ...raw });
    expect(error.exitCode).toBe(2);
    for (const part of parts) expect(error.message).toContain(part);
    expect(error.message).not.toContain("\n");
  });
});

describe("durations", () => {
  it("reads the forms the README shows", () => {
    expect(parseDurationSeconds("30m")).toBe(1800);
    expect(parseDurationSeconds("8h")).toBe(28_800);
    expect(parseDurationSeconds("2d")).toBe(172_800);
    expect(parseDurationSeconds("1h30m")).toBe(5400);
    for (const bad of ["", "h", "1.5h", "30s", "1m1h", "-1h", "8 h"]) expect(parseDurationSeconds(bad), bad).toBeUndefined();
  });

  it("formats every duration canonically, and reading the text back gives the same seconds", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 5000 }), (d, h, m) => {
        fc.pre(d + h + m > 0);
        const seconds = parseDurationSeconds(`${d}d${h}h${m}m`)!;
        expect(seconds).toBe(d * 86_400 + h * 3600 + m * 60);
        expect(parseDurationSeconds(formatDuration(seconds))).toBe(seconds);
      }),
    );
  });
});
