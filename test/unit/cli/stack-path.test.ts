import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { captureCliOutput } from "../../support/cli-output";
import { main } from "../../../src/cli/main";
import { stackOutputsReader } from "../../../src/cli/commands/push-model";
import { resolveWorkspace } from "../../../src/models/push/workspace-target";
import { stackNameOf } from "../../../src/config/stack-settings";

/**
 * `--stack path/to/Pulumi.<name>.yaml` names stack <name> for score and push-model too, as it does for
 * plan, regions and deploy: the outputs are asked of the engine for <name>, not for the path.
 */
const stdio = captureCliOutput();
const WORKSPACE_ID = "/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/resourceGroups/msl-abc1234/providers/Microsoft.MachineLearningServices/workspaces/mlw-msl-abc1234";

let dir: string;
let stackFile: string;
let engineEnv: NodeJS.ProcessEnv;
let endpoint: http.Server;
const scored: Array<{ authorization?: string }> = [];

function askedStacks(): string[] {
  const log = path.join(dir, "asked.log");
  return fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [];
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-path-"));
  fs.mkdirSync(path.join(dir, "elsewhere"));
  stackFile = path.join(dir, "elsewhere", "Pulumi.course.yaml");
  fs.writeFileSync(stackFile, "config:\n  azure-mlflow-lab:region: westeurope\n");
  endpoint = http.createServer((req, res) => {
    scored.push({ authorization: req.headers.authorization });
    req.resume();
    req.on("end", () => res.end('{"predictions": [1]}'));
  });
  await new Promise<void>((resolve) => endpoint.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/invocations`;
  // The engine seam (MLFLOW_LAB_DEPLOYER_MODULE), as plain CommonJS: it reports outputs for stack
  // "course" only and writes down every stack name it is asked for.
  const outputs = {
    course: {
      amlWorkspaceId: { value: WORKSPACE_ID, secret: false },
      endpoints: { value: { "churn-aci": { kind: "aci", scoringUri: url } }, secret: false },
      endpointKeys: { value: { "churn-aci": "stack-key" }, secret: true },
    },
  };
  const deployer = path.join(dir, "engine.cjs");
  fs.writeFileSync(
    deployer,
    `const fs = require("node:fs");
exports.createDeployer = () => ({
  async outputs(stack) {
    fs.appendFileSync(${JSON.stringify(path.join(dir, "asked.log"))}, stack + "\\n");
    return (${JSON.stringify(outputs)})[stack] ?? {};
  },
});
`,
  );
  engineEnv = { MLFLOW_LAB_DEPLOYER_MODULE: deployer };
});

afterEach(() => fs.rmSync(path.join(dir, "asked.log"), { force: true }));

afterAll(async () => {
  await new Promise<void>((resolve) => endpoint.close(() => resolve()));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("--stack <path> for the commands that read a deployed stack", () => {
  it("stackNameOf: a path names the stack of its Pulumi.<name>.yaml, a name stays as given, a missing file is an input error", () => {
    expect(stackNameOf(stackFile)).toBe("course");
    expect(stackNameOf("course")).toBe("course");
    expect(stackNameOf("not-in-stacks")).toBe("not-in-stacks");
    expect(() => stackNameOf(path.join(dir, "Pulumi.nope.yaml"))).toThrow(`stack file ${path.join(dir, "Pulumi.nope.yaml")} does not exist`);
  });

  it("score finds the endpoint in the outputs of the stack the file names", async () => {
    Object.assign(process.env, engineEnv);
    const data = path.join(dir, "rows.csv");
    fs.writeFileSync(data, "a,b\n1,2\n");
    expect(await main(["score", "churn-aci", "--stack", stackFile, "--data", data, "--json"]), stdio.err).toBe(0);
    expect(askedStacks()).toEqual(["course"]);
    expect(JSON.parse(stdio.out).predictions).toEqual([1]);
    expect(scored.at(-1)?.authorization).toBe("Bearer stack-key");
  });

  it("push-model takes the workspace from the outputs of the stack the file names", async () => {
    expect(await resolveWorkspace({ stack: stackFile }, stackOutputsReader(engineEnv), engineEnv)).toEqual({
      subscriptionId: "0b1f6471-1bf0-4dda-aec3-111122223333",
      resourceGroup: "msl-abc1234",
      workspace: "mlw-msl-abc1234",
    });
    expect(askedStacks()).toEqual(["course"]);
  });
});
