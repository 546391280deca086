import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UserInputError } from "../../../src/errors";
import { StackNotFoundError } from "../../../src/deploy/deployer";
import { PulumiDeployer } from "../../../src/deploy/pulumi-deployer";
import { fakeStackOpener } from "../../support/fake-stack-opener";

/** Which PulumiDeployer calls may create a stack: only ensureStack (and up after it). */
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-deployer-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const deployerWith = (opener: ReturnType<typeof fakeStackOpener>) => new PulumiDeployer({ opener, projectDir: dir, env: { MLFLOW_LAB_STATE_DIR: dir } });

describe("PulumiDeployer and missing stacks", () => {
  it("reading config or outputs, setting config and destroying select the stack and never create one", async () => {
    const opener = fakeStackOpener();
    const deployer = deployerWith(opener);
    for (const call of [() => deployer.getConfig("lab"), () => deployer.outputs("lab"), () => deployer.setConfig("lab", { k: { value: "v" } }), () => deployer.destroy("lab")]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StackNotFoundError);
      expect(error).toBeInstanceOf(UserInputError);
      expect((error as Error).message).toBe("there is no stack named lab ('mlflow-lab deploy --stack lab' creates it)");
    }
    expect(opener.opens.every((o) => o === "select lab")).toBe(true);
    expect(opener.stacks.has("lab")).toBe(false);
  });

  it("ensureStack creates the stack, also after a read found it missing; reads then see it", async () => {
    const opener = fakeStackOpener();
    const deployer = deployerWith(opener);
    await expect(deployer.getConfig("lab")).rejects.toBeInstanceOf(StackNotFoundError);
    await deployer.ensureStack("lab");
    await deployer.setConfig("lab", { "azure-mlflow-lab:owner": { value: "a@b.c" } });
    expect(await deployer.getConfig("lab")).toEqual({ "azure-mlflow-lab:owner": { value: "a@b.c" } });
    expect(opener.opens).toEqual(["select lab", "createOrSelect lab"]);
  });

  it("an existing stack's outputs are read without creating anything", async () => {
    const opener = fakeStackOpener({ lab: { outputs: { labId: "msl-abc1234" } } });
    expect(await deployerWith(opener).outputs("lab")).toEqual({ labId: { value: "msl-abc1234", secret: false } });
    expect(opener.opens).toEqual(["select lab"]);
  });

  it("other engine errors come through unchanged (not taken for a missing stack)", async () => {
    const opener = fakeStackOpener();
    opener.failWith = new Error("spawn pulumi ENOENT");
    const error = await deployerWith(opener).outputs("lab").catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(StackNotFoundError);
    expect((error as Error).message).toBe("spawn pulumi ENOENT");
  });
});
