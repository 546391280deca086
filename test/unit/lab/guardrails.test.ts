import { describe, expect, it } from "vitest";
import { checkGuardrails, describeViolation, type ResourceRecord } from "../../../src/plan/guardrails";
import { DEPLOY_TIME } from "../../../src/plan/markers";
import { KEY_VARIABLE, PROXY_CONTAINER, SCORER_CONTAINER } from "../../../src/lab/endpoints/aci-containers";
import { runConfig, runPreset, type Json } from "./lab-runs";

/** A deep copy of one recorded resource with its inputs changed, everything else as registered. */
async function broken(name: string, change: (inputs: Json) => void, stack: "full" | "serverless" = "full"): Promise<ResourceRecord[]> {
  const { run } = await runPreset(stack);
  return run.resources.map((resource) => {
    const copy = { type: resource.type, name: resource.name, inputs: structuredClone(resource.inputs) as Json };
    if (resource.name === name) change(copy.inputs);
    return copy;
  });
}

/** Each broken (resource, rule) pair once, however many problems it has. */
function rulesBroken(records: ResourceRecord[]): string[] {
  return [...new Set(checkGuardrails(records).map((v) => `${v.resource}:${v.rule}`))];
}

const proxyOf = (inputs: Json) => inputs.containers.find((c: Json) => c.name === PROXY_CONTAINER);

describe("guardrails over the presets", () => {
  it.each(["lab", "course", "full", "serverless"] as const)("%s breaks no guardrail", async (stack) => {
    const { run } = await runPreset(stack);
    expect(checkGuardrails(run.resources)).toEqual([]);
  });
});

describe("guardrails catch a deliberately broken lab", () => {
  it("a Standard workspace", async () => {
    const records = await broken("databricks-workspace", (i) => (i.sku = { name: "standard" }));
    expect(rulesBroken(records)).toEqual(["databricks-workspace:premium-workspace"]);
  });

  it("Photon switched on, by engine or by runtime", async () => {
    expect(rulesBroken(await broken("databricks-cluster", (i) => (i.runtimeEngine = "PHOTON")))).toEqual([
      "databricks-cluster:no-photon",
    ]);
    expect(
      rulesBroken(await broken("databricks-cluster", (i) => (i.sparkVersion = "16.4.x-photon-scala2.12"))),
    ).toEqual(["databricks-cluster:no-photon"]);
  });

  it("auto-termination of 120 minutes, or none at all", async () => {
    const late = checkGuardrails(await broken("databricks-cluster", (i) => (i.autoterminationMinutes = 120)));
    expect(late.map(describeViolation)).toEqual([
      "databricks-cluster (databricks:index/cluster:Cluster) breaks autotermination: autoterminationMinutes is 120, at most 60",
    ]);
    expect(rulesBroken(await broken("databricks-cluster", (i) => (i.autoterminationMinutes = 0)))).toEqual([
      "databricks-cluster:autotermination",
    ]);
  });

  it("a missing or unparseable expires-at tag, or no tags at all", async () => {
    expect(rulesBroken(await broken("aml-storage", (i) => delete i.tags["lab-expires-at"]))).toEqual(["aml-storage:lab-tags"]);
    expect(rulesBroken(await broken("aml-storage", (i) => (i.tags["lab-expires-at"] = "tomorrow")))).toEqual([
      "aml-storage:lab-tags",
    ]);
    expect(rulesBroken(await broken("resource-group", (i) => delete i.tags))).toEqual(["resource-group:lab-tags"]);
    expect(rulesBroken(await broken("databricks-cluster", (i) => delete i.customTags["lab-id"]))).toEqual([
      "databricks-cluster:lab-tags",
    ]);
    expect(rulesBroken(await broken("databricks-serving", (i) => (i.tags = [])))).toEqual(["databricks-serving:lab-tags"]);
  });

  it("reads expires-at as strictly as cleanup: a local time or another offset breaks the rule, with what to write instead", async () => {
    for (const value of ["2026-11-23T22:00:00+02:00", "2026-11-23T22:00:00", "2026-11-23"]) {
      const records = await broken("aml-storage", (i) => (i.tags["lab-expires-at"] = value));
      const violations = checkGuardrails(records);
      expect(violations.map((v) => `${v.resource}:${v.rule}`), value).toEqual(["aml-storage:lab-tags"]);
      expect(violations[0]!.problem, value).toMatch(/UTC/);
    }
  });

  it("accepts a real ISO expiry as well as the deploy-time placeholder", async () => {
    const records = await broken("aml-storage", (i) => (i.tags["lab-expires-at"] = "2026-11-23T22:00:00Z"));
    expect(checkGuardrails(records)).toEqual([]);
    expect(DEPLOY_TIME).toBe("[deploy-time]");
  });

  it("an ACI endpoint without its key, with the key in plain text, or with the scorer exposed", async () => {
    const name = "endpoint-penguin-aci-group";
    const noKey = await broken(name, (i) => {
      const proxy = proxyOf(i);
      proxy.environmentVariables = proxy.environmentVariables.filter((v: Json) => v.name !== KEY_VARIABLE);
    });
    expect(checkGuardrails(noKey).map(describeViolation)).toEqual([
      `${name} (azure-native:containerinstance:ContainerGroup) breaks endpoint-auth: ${PROXY_CONTAINER} has no endpoint key (${KEY_VARIABLE} as a secure value)`,
    ]);
    const plain = await broken(name, (i) => {
      const key = proxyOf(i).environmentVariables.find((v: Json) => v.name === KEY_VARIABLE);
      key.value = "abc";
      delete key.secureValue;
    });
    expect(rulesBroken(plain)).toEqual([`${name}:endpoint-auth`]);
    const exposed = await broken(name, (i) => {
      i.containers.find((c: Json) => c.name === SCORER_CONTAINER).ports = [{ port: 80 }];
    });
    expect(checkGuardrails(exposed)[0].problem).toContain("bypassing the proxy");
    const noProxy = await broken(name, (i) => {
      i.containers = i.containers.filter((c: Json) => c.name !== PROXY_CONTAINER);
    });
    expect(rulesBroken(noProxy)).toEqual([`${name}:endpoint-auth`]);
    // A Caddyfile in the scorer files that proxies without the key check.
    const unchecked = await broken(name, (i) => {
      i.volumes.find((v: Json) => v.name === "scorer-files").secret.Caddyfile = Buffer.from(":443 {\n reverse_proxy 127.0.0.1:8080\n}\n").toString("base64");
    });
    expect(checkGuardrails(unchecked)[0].problem).toContain("does not check the Authorization header");
    const elsewhere = await broken(name, (i) => {
      proxyOf(i).command = ["caddy", "run", "--config", "/etc/caddy/Caddyfile"];
    });
    expect(checkGuardrails(elsewhere)[0].problem).toContain("does not check the Authorization header");
  });

  it("an Azure ML endpoint without key or token auth", async () => {
    const records = await broken("endpoint-penguin-managed-online", (i) => delete i.properties.authMode);
    expect(rulesBroken(records)).toEqual(["endpoint-penguin-managed-online:endpoint-auth"]);
  });

  it("a DBFS file in a Unity Catalog lab, but not in a legacy one", async () => {
    const { run } = await runPreset("full");
    const dbfs = { type: "databricks:index/dbfsFile:DbfsFile", name: "stray-dbfs-file", inputs: { path: "/mlflow_lab/penguins.csv" } };
    expect(checkGuardrails([...run.resources, dbfs]).map(describeViolation)).toEqual([
      "stray-dbfs-file (databricks:index/dbfsFile:DbfsFile) breaks unity-catalog-data: writes dbfs:/mlflow_lab/penguins.csv in a Unity Catalog lab; put the file in the lab's volume",
    ]);
    const legacy = await runConfig({ catalogMode: "legacy" });
    expect(legacy.resources.some((r) => r.type === dbfs.type)).toBe(true);
    expect(checkGuardrails(legacy.resources)).toEqual([]);
  });

  it("a cluster or a managed resource group in a serverless lab", async () => {
    const { run } = await runPreset("serverless");
    const { run: classic } = await runPreset("lab");
    const cluster = classic.resources.find((r) => r.name === "databricks-cluster")!;
    expect(rulesBroken([...run.resources, cluster])).toEqual(["databricks-cluster:serverless-compute"]);
    const withGroup = await broken("databricks-workspace", (i) => (i.managedResourceGroupId = "/subscriptions/s/resourceGroups/databricks-rg-x"), "serverless");
    expect(checkGuardrails(withGroup).map((v) => v.problem)).toEqual(["sets managedResourceGroupId, which ARM rejects on a Serverless workspace"]);
    const withVnet = await broken("databricks-workspace", (i) => (i.parameters = { customVirtualNetworkId: { value: "/subscriptions/s/vnet" } }), "serverless");
    expect(rulesBroken(withVnet)).toEqual(["databricks-workspace:serverless-compute"]);
  });

  it("a config with autotermination 120 builds a cluster the guardrails reject", async () => {
    const run = await runConfig({ autoterminationMinutes: 120 });
    expect(rulesBroken(run.resources)).toEqual(["databricks-cluster:autotermination"]);
  });
});
