import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { engineStackFile, projectRoot, readStackSettings, resolveStackFile, stackFilePath, stacksDir } from "../../../src/config/stack-settings";
import { deriveSuffix, SUFFIX_PATTERN } from "../../../src/config/suffix";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-settings-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function stackFile(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe("stack settings files", () => {
  it("finds presets by name in stacks/", () => {
    expect(resolveStackFile("course")).toBe(path.join(stacksDir(), "Pulumi.course.yaml"));
  });

  it("reads this project's keys without their prefix and ignores provider keys", () => {
    const file = stackFile(
      "Pulumi.dev.yaml",
      "config:\n  azure-native:location: westeurope\n  azure-mlflow-lab:ttl: 2d\n  azure-mlflow-lab:endpoints:\n    - name: a\n",
    );
    expect(readStackSettings(file)).toEqual({ stack: "dev", file, config: { ttl: "2d", endpoints: [{ name: "a" }] } });
  });

  it("reads stacks from the toolkit's own stacks/ wherever it is run from, or from MLFLOW_LAB_PROJECT_DIR's", () => {
    const saved = process.env.MLFLOW_LAB_PROJECT_DIR;
    const cwd = process.cwd();
    try {
      delete process.env.MLFLOW_LAB_PROJECT_DIR;
      process.chdir(dir);
      expect(stackFilePath("course")).toBe(path.join(projectRoot(), "stacks", "Pulumi.course.yaml"));
      fs.mkdirSync(path.join(dir, "other", "stacks"), { recursive: true });
      fs.writeFileSync(path.join(dir, "other", "stacks", "Pulumi.course.yaml"), "config:\n  azure-mlflow-lab:ttl: 3h\n");
      process.env.MLFLOW_LAB_PROJECT_DIR = path.join(dir, "other");
      expect(stacksDir()).toBe(path.join(dir, "other", "stacks"));
      expect(readStackSettings("course")).toEqual({ stack: "course", file: path.join(dir, "other", "stacks", "Pulumi.course.yaml"), config: { ttl: "3h" } });
      // The engine keeps reading the toolkit's stacks/; deploy seeds the stack from the other file.
      expect(engineStackFile("course")).toBe(path.join(projectRoot(), "stacks", "Pulumi.course.yaml"));
    } finally {
      process.chdir(cwd);
      if (saved === undefined) delete process.env.MLFLOW_LAB_PROJECT_DIR;
      else process.env.MLFLOW_LAB_PROJECT_DIR = saved;
    }
  });

  it("says which presets exist when a stack has no file", () => {
    expect(() => resolveStackFile("staging")).toThrow("--stack 'staging' has no settings file stacks/Pulumi.staging.yaml; presets: lab, course, full");
  });

  it("rejects encrypted values, broken YAML and a missing file with the file's name", () => {
    const secure = stackFile("Pulumi.sec.yaml", "config:\n  azure-mlflow-lab:owner:\n    secure: v1:abc\n");
    expect(() => readStackSettings(secure)).toThrow(`config azure-mlflow-lab:owner in ${secure} is encrypted`);
    const broken = stackFile("Pulumi.bad.yaml", "config:\n  azure-mlflow-lab:ttl: [8h\n");
    expect(() => readStackSettings(broken)).toThrow(`stack file ${broken} is not valid YAML`);
    expect(() => readStackSettings(path.join(dir, "Pulumi.none.yaml"))).toThrow("does not exist");
  });
});

describe("deriveSuffix", () => {
  it("is 7 characters of [0-9a-z], the same for the same stack and subscription", () => {
    const suffix = deriveSuffix("azure-mlflow-lab", "lab", "11111111-2222-3333-4444-555555555555");
    expect(suffix).toMatch(SUFFIX_PATTERN);
    expect(deriveSuffix("azure-mlflow-lab", "lab", "11111111-2222-3333-4444-555555555555")).toBe(suffix);
    // Subscription ids are case-insensitive in Azure.
    expect(deriveSuffix("azure-mlflow-lab", "lab", "11111111-2222-3333-4444-555555555555".toUpperCase())).toBe(suffix);
  });

  it("differs between subscriptions using the same stack name and between stacks", () => {
    const suffixes = new Set<string>();
    for (let i = 0; i < 200; i++) suffixes.add(deriveSuffix("azure-mlflow-lab", "lab", `sub-${i}`));
    for (const stack of ["course", "full"]) suffixes.add(deriveSuffix("azure-mlflow-lab", stack, "sub-0"));
    expect(suffixes.size).toBe(202);
  });
});
