import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { captureCliOutput } from "../../support/cli-output";
import { OperationFailedError, UserInputError } from "../../../src/errors";
import { runDeploy } from "../../../src/cli/commands/deploy";
import { runTeardownCommand } from "../../../src/cli/commands/teardown";
import { main } from "../../../src/cli/main";
import type { Deployer, StackConfig } from "../../../src/deploy/deployer";
import { EXAMPLE_SNAPSHOT_FILE } from "../../../src/regions/example";
import type { ArmTestServer } from "../../support/arm-test-server";
import { LOCATIONS, startServer } from "../cleanup/helpers";

/**
 * Failures a user runs into, told in one line that names what failed and what to do: a Databricks
 * workspace teardown cannot reach, a snapshot path that cannot be written, a --model that is not
 * there, deploy without --yes and without a terminal (refused before any Azure call).
 */
const stdio = captureCliOutput();
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-failures-"));
  process.env.MLFLOW_LAB_STATE_DIR = path.join(dir, "state");
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("teardown", () => {
  const SUB = "0b1f6471-1bf0-4dda-aec3-44445555aaaa";
  const LAB = "msl-unreach";
  let server: ArmTestServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it("names the Databricks workspace it cannot reach, exits 1, and destroys nothing", async () => {
    const tags = { "managed-by": "azure-mlflow-lab", "lab-id": LAB, "lab-expires-at": "2030-01-01T00:00:00Z" };
    server = await startServer({
      seed: {
        locations: LOCATIONS,
        subscriptions: [
          {
            subscriptionId: SUB,
            displayName: "labs",
            resourceGroups: [
              {
                name: LAB,
                location: "eastus",
                tags,
                resources: [
                  {
                    type: "Microsoft.Databricks/workspaces",
                    name: `databricks-${LAB}`,
                    tags,
                    properties: { managedResourceGroupId: `/subscriptions/${SUB}/resourceGroups/databricks-rg-unreach`, workspaceUrl: "adb-1.1.azuredatabricks.net", workspaceId: "1" },
                  },
                ],
              },
            ],
          },
        ],
      },
    });
    Object.assign(process.env, server.env(), {
      MLFLOW_LAB_DATABRICKS_ENDPOINT: `https://127.0.0.1:${await closedPort()}`,
      MLFLOW_LAB_DATABRICKS_TOKEN: "dbx-token-for-the-test",
    });
    const calls: string[] = [];
    const deployer: Deployer = {
      ensureStack: async () => undefined,
      getConfig: async (): Promise<StackConfig> => ({ "azure-native:subscriptionId": { value: SUB } }),
      setConfig: async () => undefined,
      up: async () => {
        throw new Error("teardown never deploys");
      },
      outputs: async () => ({ labId: { value: LAB, secret: false }, resourceGroupName: { value: LAB, secret: false } }),
      destroy: async (stack) => {
        calls.push(`destroy ${stack}`);
      },
    };
    const error = await runTeardownCommand({ stack: "lab", yes: true }, deployer).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationFailedError);
    expect((error as Error).message).toMatch(/^Databricks workspace 127\.0\.0\.1:\d+ could not be reached \(ECONNREFUSED\); .*run teardown again/);
    expect(calls).toEqual([]);
    expect(server.resourceGroup(SUB, LAB)).toBeDefined();
  });
});

describe("regions --save-snapshot", () => {
  it("a path in a missing folder is refused with exit 2 before any signals are read", async () => {
    const target = path.join(dir, "no-such-folder", "signals.json");
    expect(await main(["regions", "--from-snapshot", path.join(dir, "missing.json"), "--save-snapshot", target])).toBe(2);
    expect(stdio.err).toBe(`error: --save-snapshot ${target} cannot be written (its folder does not exist); give a file path in a folder you can write to\n`);
  });

  it("a readable snapshot saved to a good path works", async () => {
    const target = path.join(dir, "signals.json");
    expect(await main(["regions", "--from-snapshot", EXAMPLE_SNAPSHOT_FILE, "--save-snapshot", target, "--seed", "1", "--json"]), stdio.err).toBe(0);
    expect(fs.existsSync(target)).toBe(true);
  });
});

describe("score --model", () => {
  it("a missing model names the flag and what it takes, exit 2", async () => {
    const data = path.join(dir, "rows.csv");
    fs.writeFileSync(data, "x\n1\n");
    expect(await main(["score", "--url", "http://127.0.0.1:9", "--data", data, "--model", path.join(dir, "nope")])).toBe(2);
    expect(stdio.err).toBe(`error: --model ${path.join(dir, "nope")} does not exist (give an MLflow model folder or its MLmodel file)\n`);
  });
});

describe("push-model <source>", () => {
  it("a source that does not exist is exit 2 with one line listing the forms it takes", async () => {
    const missing = path.join(dir, "no-such-model");
    const workspace = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws";
    expect(await main(["push-model", missing, "--name", "m", "--workspace", workspace])).toBe(2);
    expect(stdio.err).toBe(
      `error: ${missing} does not exist; the source is a model folder (with an MLmodel file), an mlruns folder, runs:/<run_id>/<path>, models:/<name>/<version> or models:/<name>@<alias>\n`,
    );
  });
});

describe("deploy without --yes and without a terminal", () => {
  it("stops before reading Azure or touching a stack", async () => {
    const input = Object.assign(new PassThrough(), { isTTY: false });
    const output = new PassThrough();
    // No credentials, no engine: any Azure or stack call would fail differently.
    const env = { MLFLOW_LAB_STATE_DIR: path.join(dir, "state"), MLFLOW_LAB_ARM_ENDPOINT: `https://127.0.0.1:${await closedPort()}`, MLFLOW_LAB_ACCESS_TOKEN: "t" };
    const error = await runDeploy({ stack: "lab", subscription: "00000000-0000-4000-8000-000000000001" }, env, { input, output }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserInputError);
    expect((error as Error).message).toBe("deploy needs a confirmation and there is no terminal to ask on; pass --yes");
    expect(output.read()).toBeNull();
  });
});
