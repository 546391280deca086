import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { parseLabConfig, PROJECT_NAME } from "../../../src/config/lab-config";
import { readStackSettings } from "../../../src/config/stack-settings";
import { deriveSuffix } from "../../../src/config/suffix";
import { labArgsFromConfig, MlflowLab, resolveLabArgs, type MlflowLabArgs } from "../../../src/lab";
import { runProgram, type RecordedResource } from "../../../src/plan/engine";
import { DEPLOY_TIME, SECRET } from "../../../src/plan/markers";
import { OWNER, runConfig } from "./lab-runs";

/** MlflowLab as a library user writes it: named instances, parented, with args and defaults as documented. */
const placeholder = () => "ZGF0YQ==";

class Classroom extends pulumi.ComponentResource {
  constructor(name: string) {
    super("school:index:Classroom", name, {});
  }
}

/** A lab's resources with the lab's prefix taken off their names. */
function rolesOf(resources: RecordedResource[], prefix: string): string[] {
  return resources.filter((r) => r.name.startsWith(prefix)).map((r) => `${r.type}::${r.name.slice(prefix.length)}`).sort();
}

describe("two MlflowLab instances in one program, under a user's component", () => {
  // The same learner in both labs: their users, clusters, folders and role assignments must not collide either.
  const learners = [{ learner: "linus@contoso.edu", objectId: "00000000-0000-4000-9000-000000000001" }];
  const teamA: MlflowLabArgs = { owner: "ada@contoso.com", region: "westeurope", classId: "ml104", learners, fetchDataset: placeholder };
  const teamB: MlflowLabArgs = {
    owner: "grace@contoso.com",
    classId: "ml104",
    learners,
    compute: "serverless",
    azureMl: true,
    endpoints: [{ name: "penguin-aci", kind: "aci", model: "penguin-classifier:1" }],
    fetchDataset: placeholder,
  };
  const run = runProgram("classroom", async () => {
    const room = new Classroom("room");
    const a = new MlflowLab("team-a", teamA, { parent: room });
    const b = new MlflowLab("team-b", teamB, { parent: room });
    return { a: await a.outputs, b: await b.outputs };
  });

  it("gives every resource a distinct name, each lab's prefixed with its own, all under the user's component", async () => {
    const { resources } = await run;
    const names = resources.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    expect(resources.filter((r) => r.parent === null).map((r) => `${r.type}::${r.name}`)).toEqual(["school:index:Classroom::room"]);
    const labs = resources.filter((r) => r.type === "azure-mlflow-lab:index:Lab");
    expect(labs.map((r) => [r.name, r.parent])).toEqual([
      ["team-a", "room"],
      ["team-b", "room"],
    ]);
    for (const resource of resources.filter((r) => r.parent !== null && r.name !== "team-a" && r.name !== "team-b")) {
      expect(resource.name, resource.type).toMatch(/^team-[ab]-/);
    }
  });

  it("builds each lab completely: the same resources as the Pulumi program's lab with the same settings", async () => {
    const { resources } = await run;
    for (const [prefix, args] of [["team-a-", teamA], ["team-b-", teamB]] as const) {
      const { fetchDataset: _f, ...raw } = args;
      const alone = await runConfig(raw as Record<string, unknown>);
      const expected = alone.resources.filter((r) => r.parent !== null).map((r) => `${r.type}::${r.name}`).sort();
      expect(rolesOf(resources, prefix)).toEqual(expected);
    }
  });

  it("derives a different suffix for each lab (Azure names cannot collide), stable for the stack", async () => {
    const { resources, outputs } = await run;
    const groups = resources.filter((r) => r.type === "azure-native:resources:ResourceGroup").map((r) => r.inputs.resourceGroupName);
    const suffixA = deriveSuffix(PROJECT_NAME, "classroom/team-a", DEPLOY_TIME);
    const suffixB = deriveSuffix(PROJECT_NAME, "classroom/team-b", DEPLOY_TIME);
    expect(suffixA).not.toBe(suffixB);
    expect(groups).toEqual([`msl-${suffixA}`, `msl-${suffixB}`]);
    // The program's own lab keeps the suffix it always had.
    expect(suffixA).not.toBe(deriveSuffix(PROJECT_NAME, "classroom", DEPLOY_TIME));
    expect(outputs).toMatchObject({
      a: { labId: `msl-${suffixA}`, region: "westeurope", compute: "classic", endpoints: {} },
      b: { labId: `msl-${suffixB}`, region: "eastus", compute: "serverless", endpoints: { "penguin-aci": { kind: "aci" } }, endpointKeys: SECRET },
    });
    expect(outputs.b).not.toHaveProperty("clusterId");
  });
});

describe("MlflowLab's outputs as component properties", () => {
  it("are Outputs a program can export: plain settings, deploy-time values, undefined where the lab has none, keys secret", async () => {
    const read = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply((value) => resolve(value)));
    const recorded = runProgram("props", async () => {
      const lab = new MlflowLab("solo", { owner: OWNER, suffix: "abc1234", compute: "serverless", fetchDataset: placeholder });
      return {
        labId: await read(lab.labId),
        region: await read(lab.region),
        workspaceUrl: await read(lab.workspaceUrl),
        clusterId: await read(lab.clusterId),
        amlWorkspaceId: await read(lab.amlWorkspaceId),
        dataPath: await read(lab.dataPath),
        keysSecret: await pulumi.isSecret(lab.endpointKeys),
        urlSecret: await pulumi.isSecret(lab.workspaceUrl),
        settings: lab.settings.ttl,
      };
    });
    expect((await recorded).outputs).toEqual({
      labId: "msl-abc1234",
      region: "eastus",
      workspaceUrl: DEPLOY_TIME,
      dataPath: "/Volumes/databricks-abc1234/mlflow_lab/data/penguins.csv",
      keysSecret: true,
      urlSecret: false,
      settings: "8h",
    });
  });
});

describe("MlflowLab args", () => {
  it("are validated before anything is registered, the one-line error naming the lab and the key", async () => {
    const registered: string[] = [];
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push(args.name);
          return { id: "x", state: args.inputs };
        },
        call: () => ({}),
      },
      PROJECT_NAME,
      "bad",
    );
    expect(() => new MlflowLab("team-a", { owner: OWNER, ttl: "forever" })).toThrow(
      "MlflowLab 'team-a': config azure-mlflow-lab:ttl 'forever' is not a duration; use e.g. 30m, 8h, 2d or 1h30m",
    );
    expect(() => new MlflowLab("team-b", { owner: OWNER, endpoints: [{ name: "x1-aci", kind: "aci", model: "m:1" }] })).toThrow(
      /^MlflowLab 'team-b': config azure-mlflow-lab:azureMl is false but endpoints are configured/,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(registered).toEqual([]);
  });

  it("document their defaults (TSDoc @default) as the config parser applies them", () => {
    const source = fs.readFileSync(path.join(__dirname, "..", "..", "..", "src", "lab", "lab-args.ts"), "utf8");
    const documented = new Map<string, Map<string, string | undefined>>();
    for (const block of source.matchAll(/export interface (\w+) \{([\s\S]*?)\n\}/g)) {
      const fields = new Map<string, string | undefined>();
      for (const field of block[2]!.matchAll(/\/\*\*([\s\S]*?)\*\/\s*(\w+)(\??):/g)) {
        const text = field[1]!.replace(/^\s*\* ?/gm, "").trim();
        const value = /@default (.+)/.exec(text)?.[1];
        if (field[3] === "?") expect(value, `${block[1]}.${field[2]} has no @default`).toBeDefined();
        fields.set(field[2]!, value);
      }
      documented.set(block[1]!, fields);
    }
    const json = (text: string | undefined) => {
      try {
        return { value: JSON.parse(text!) as unknown };
      } catch {
        return undefined;
      }
    };
    const labFields = documented.get("MlflowLabArgs")!;
    expect([...labFields.keys()].sort()).toEqual(
      ["owner", "region", "suffix", "ttl", "catalogMode", "catalog", "compute", "nodeType", "sparkVersion", "autoterminationMinutes", "databricksServing", "azureMl", "endpoints", "datasetUrl", "datasetSha256", "classId", "learners", "fetchDataset"].sort(),
    );
    const defaults = resolveLabArgs("lab", { owner: OWNER }) as unknown as Record<string, unknown>;
    let checked = 0;
    for (const [field, text] of labFields) {
      const parsed = json(text);
      if (!parsed) continue;
      if (field === "databricksServing") expect(defaults[field], field).toMatchObject(parsed.value as object);
      else expect(defaults[field], field).toEqual(parsed.value);
      checked++;
    }
    expect(checked).toBe(13);
    for (const [field, text] of documented.get("DatabricksServingArgs")!) {
      const parsed = json(text);
      if (parsed) expect((defaults.databricksServing as Record<string, unknown>)[field], field).toEqual(parsed.value);
    }
    const withEndpoint = resolveLabArgs("lab", { owner: OWNER, azureMl: true, endpoints: [{ name: "x1-aci", kind: "aci", model: "m:1" }] });
    expect(withEndpoint.endpoints[0]!.size).toEqual(json(documented.get("EndpointArgs")!.get("size"))!.value);
    expect(withEndpoint.databricksServing.model).toEqual({ name: "penguin_predictor", version: "1" });
    expect(resolveLabArgs("lab", { owner: OWNER, catalogMode: "legacy" }).databricksServing.model).toEqual({ name: "Penguin Predictor", version: "1" });
  });

  it("give back the Pulumi program's parsed config exactly (buildLab passes it through them)", () => {
    const raws: Array<Record<string, unknown>> = [
      ...(["lab", "course", "full", "serverless"] as const).map((stack) => readStackSettings(stack).config),
      { catalogMode: "legacy", databricksServing: { enabled: true, size: "medium" }, ttl: "90m", region: "West Europe" },
      { owner: "0B1F6471-1BF0-4DDA-AEC3-111122223333", suffix: "abc1234", catalog: "main", autoterminationMinutes: "45", datasetSha256: "CD482E6A864DC8796271948C031EEEE8987146DFAF4B1A40451FAB967B2A334A" },
      { azureMl: "true", endpoints: [{ name: "big-managed", kind: "managed", model: "a.b-c:12", size: "large" }], nodeTypeFallbacks: ["Standard_D8ds_v5"] },
      { classId: "ml104", learners: [{ learner: "linus@contoso.edu", objectId: "00000000-0000-4000-9000-000000000001" }, { learner: "ada@contoso.edu" }] },
    ];
    for (const raw of raws) {
      const { nodeTypeFallbacks: _fallbacks, ...config } = parseLabConfig({ owner: OWNER, ...raw });
      expect(resolveLabArgs("lab", labArgsFromConfig(config))).toEqual(config);
    }
  });
});
