import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from "vitest";
import { labInventory, startLabServer, SUB, type LabServer } from "../regions/lab-inventory";
import { runDeployCli, type CliResult } from "./run-deploy-cli";

/**
 * `mlflow-lab deploy` settles the lab owner before it creates or seeds the stack: without one (no owner
 * in the stack, no --owner, a sign-in token that names nobody) it stops and leaves no stack behind.
 * The recording deployer stands in for the Pulumi CLI; the ARM test server's token is not a JWT.
 */
let lab: LabServer;
let dir: string;
beforeAll(async () => {
  lab = await startLabServer(labInventory({ regions: ["eastus", "westeurope"] }), { durations: { databricksCreate: 2_000 } });
});
afterAll(async () => {
  await lab?.server.stop();
});
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "deploy-owner-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function deploy(stackYaml: string, args: string[] = []): Promise<CliResult> {
  return runDeployCli(lab, dir, "Pulumi.ownerless.yaml", stackYaml, ["--seed", "3", ...args]);
}

const recordedStacks = () => {
  const file = path.join(dir, "engine", "stacks.json");
  return fs.existsSync(file) ? Object.keys(JSON.parse(fs.readFileSync(file, "utf8"))) : [];
};
const recordedOps = () => {
  const file = path.join(dir, "engine", "calls.jsonl");
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l).op as string) : [];
};

describe("deploy and the lab owner", () => {
  it("with no owner anywhere: exit 2, one line naming --owner, and no stack created or configured", async () => {
    const result = await deploy("config:\n  azure-mlflow-lab:ttl: 8h\n");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/error: stack ownerless has no owner and the sign-in does not name one; pass --owner you@contoso\.com \(nothing was created\)\n$/);
    expect(recordedStacks()).toEqual([]);
    expect(recordedOps().filter((op) => op === "ensureStack" || op === "setConfig" || op === "up")).toEqual([]);
    expect([...lab.server.state().subscription(SUB).resourceGroups.values()].filter((g) => g.name.startsWith("msl-"))).toEqual([]);
  });

  const storedOwner = () => JSON.parse(fs.readFileSync(path.join(dir, "engine", "stacks.json"), "utf8")).ownerless["azure-mlflow-lab:owner"];

  it("--owner is written to the new stack", async () => {
    const result = await deploy("config:\n  azure-mlflow-lab:ttl: 8h\n", ["--owner", "teacher@example.edu"]);
    expect(result.code, result.stderr).toBe(0);
    expect(storedOwner()).toEqual({ value: "teacher@example.edu" });
  });

  it("an owner in the stack file wins over --owner", async () => {
    const result = await deploy("config:\n  azure-mlflow-lab:owner: learner@example.com\n", ["--owner", "teacher@example.edu"]);
    expect(result.code, result.stderr).toBe(0);
    expect(storedOwner()).toEqual({ value: "learner@example.com" });
  });
});

describe("deploy with a stack file outside the toolkit's stacks/", () => {
  const stored = () => JSON.parse(fs.readFileSync(path.join(dir, "engine", "stacks.json"), "utf8")).ownerless as Record<string, { value: string }>;

  it("an edit to the file (here ttl) reaches the engine's config on the next deploy", async () => {
    const first = await deploy("config:\n  azure-mlflow-lab:owner: learner@example.com\n  azure-mlflow-lab:ttl: 8h\n  azure-mlflow-lab:region: westeurope\n");
    expect(first.code, first.stderr).toBe(0);

    const second = await deploy("config:\n  azure-mlflow-lab:owner: learner@example.com\n  azure-mlflow-lab:ttl: 4h\n  azure-mlflow-lab:region: westeurope\n");
    expect(second.code, second.stderr).toBe(0);
    expect(stored()["azure-mlflow-lab:ttl"]).toEqual({ value: "4h" });
  });
});
