import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { captureCliOutput } from "../../support/cli-output";
import { main } from "../../../src/cli/main";
import { parseLabConfig } from "../../../src/config/lab-config";
import { demandForStack } from "../../../src/regions/stack-demand";

/** --node-type and --region are checked by the same rules, with the same words, as the config keys. */
let dir: string;
let stackFile: string;
const stdio = captureCliOutput();

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-demand-"));
  stackFile = path.join(dir, "Pulumi.test.yaml");
  fs.writeFileSync(stackFile, "config:\n  azure-mlflow-lab:owner: learner@example.com\n");
  process.env.MLFLOW_LAB_STATE_DIR = path.join(dir, "state");
  process.env.AZURE_CONFIG_DIR = path.join(dir, "no-azure");
  delete process.env.MLFLOW_LAB_ACCESS_TOKEN;
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function configError(raw: Record<string, unknown>): string {
  try {
    parseLabConfig({ owner: "learner@example.com", ...raw });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("config was accepted");
}

const GPU_PROBLEM = "'Standard_NC6s_v3' is a GPU size; the lab cluster runs on CPU sizes such as Standard_DS3_v2";

describe("--node-type", () => {
  it("rejects a GPU size as the config does, with the flag in place of the key", () => {
    expect(configError({ nodeType: "Standard_NC6s_v3" })).toBe(`config azure-mlflow-lab:nodeType ${GPU_PROBLEM}`);
    expect(() => demandForStack(stackFile, { nodeType: "Standard_NC6s_v3" })).toThrow(`--node-type ${GPU_PROBLEM}`);
  });

  it("mlflow-lab regions --node-type Standard_NC6s_v3 exits 2 with that one line", async () => {
    expect(await main(["regions", "--stack", stackFile, "--seed", "1", "--node-type", "Standard_NC6s_v3"])).toBe(2);
    expect(stdio.err).toBe(`error: --node-type ${GPU_PROBLEM}\n`);
    expect(stdio.out).toBe("");
  });

  it("rejects what is not a VM size name in the config's words; accepts a CPU size", () => {
    expect(configError({ nodeType: "Basic_A1" })).toMatch(/^config azure-mlflow-lab:nodeType 'Basic_A1' is not a VM size name; /);
    expect(() => demandForStack(stackFile, { nodeType: "Basic_A1" })).toThrow(
      `--node-type ${configError({ nodeType: "Basic_A1" }).replace("config azure-mlflow-lab:nodeType ", "")}`,
    );
    expect(demandForStack(stackFile, { nodeType: "Standard_D4ds_v5" }).demand.nodeTypes).toEqual(["Standard_D4ds_v5", "Standard_D4ads_v5"]);
  });
});

describe("--region", () => {
  it("is normalised and checked against the known regions, like the config's region", () => {
    expect(demandForStack(stackFile, { region: "West Europe" }).demand.preferredRegion).toBe("westeurope");
    expect(() => demandForStack(stackFile, { region: "eastsu" })).toThrow("--region 'eastsu' is not an Azure region; did you mean eastus?");
    expect(configError({ region: "eastsu" })).toMatch(/^config azure-mlflow-lab:region 'eastsu' is not an Azure region name; did you mean 'eastus'\?/);
  });
});
