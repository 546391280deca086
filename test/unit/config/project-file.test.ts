import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { CONFIG_KEYS, parseLabConfig, PROJECT_NAME } from "../../../src/config/lab-config";
import { PRESET_STACKS, projectRoot, readStackSettings } from "../../../src/config/stack-settings";

const project = parse(fs.readFileSync(path.join(projectRoot(), "Pulumi.yaml"), "utf8"));

describe("Pulumi.yaml", () => {
  it("names the project, its program and where the stack files live", () => {
    expect(project.name).toBe(PROJECT_NAME);
    expect(project.runtime.name).toBe("nodejs");
    expect(project.main).toBe("src/index.ts");
    expect(fs.existsSync(path.join(projectRoot(), project.main))).toBe(true);
    expect(project.stackConfigDir).toBe("stacks");
  });

  it("declares exactly the keys the program reads, each with its type, default and description", () => {
    expect(Object.keys(project.config).sort()).toEqual(CONFIG_KEYS.map((k) => k.key).sort());
    for (const spec of CONFIG_KEYS) {
      const declared = project.config[spec.key];
      expect(declared.description, spec.key).toBe(spec.description);
      expect(declared.type, spec.key).toBe(spec.pulumiType);
      expect(declared.default, spec.key).toEqual(spec.default);
      if (spec.pulumiType === "array") expect(declared.items, spec.key).toEqual({ type: "string" });
    }
  });

  it("has defaults the program accepts and agrees with", () => {
    const defaults = Object.fromEntries(
      Object.entries(project.config as Record<string, { default?: unknown }>)
        .filter(([, declaration]) => declaration.default !== undefined)
        .map(([key, declaration]) => [key, declaration.default]),
    );
    expect(parseLabConfig({ ...defaults, owner: "a@b.co" })).toEqual(parseLabConfig({ owner: "a@b.co" }));
  });
});

describe("stack presets", () => {
  const load = (stack: string) => parseLabConfig({ ...readStackSettings(stack).config, owner: "learner@contoso.com" });

  it("all parse", () => {
    for (const stack of PRESET_STACKS) expect(() => load(stack), stack).not.toThrow();
  });

  it("lab: the seed lab, Databricks only", () => {
    const config = load("lab");
    expect(config.azureMl).toBe(false);
    expect(config.endpoints).toEqual([]);
    expect(config.databricksServing.enabled).toBe(false);
  });

  it("course: Azure ML and one ACI endpoint", () => {
    const config = load("course");
    expect(config.azureMl).toBe(true);
    expect(config.endpoints.map((e) => e.kind)).toEqual(["aci"]);
  });

  it("full: serving plus all three Azure endpoint kinds", () => {
    const config = load("full");
    expect(config.databricksServing).toMatchObject({ enabled: true, name: "predict-penguin", size: "Small", scaleToZero: true });
    expect(config.endpoints.map((e) => e.kind).sort()).toEqual(["aci", "aks", "managed"]);
  });

  it("lab, course and full: Unity Catalog on a classic cluster, the default", () => {
    for (const stack of ["lab", "course", "full"]) expect(load(stack), stack).toMatchObject({ catalogMode: "unity", compute: "classic" });
    expect(load("full").databricksServing.model).toEqual({ name: "penguin_predictor", version: "1" });
  });

  it("serverless: Unity Catalog on serverless compute, Databricks only", () => {
    const config = load("serverless");
    expect(config).toMatchObject({ catalogMode: "unity", compute: "serverless", azureMl: false, endpoints: [] });
    expect(config.databricksServing.enabled).toBe(false);
  });

  it("leave owner and region to the person deploying (no shared identity, no classroom pile-up)", () => {
    for (const stack of PRESET_STACKS) {
      const settings = readStackSettings(stack).config;
      expect(settings, stack).not.toHaveProperty("owner");
      expect(settings, stack).not.toHaveProperty("region");
      expect(settings, stack).not.toHaveProperty("suffix");
    }
  });
});

/**
 * The README's config table is CONFIG_KEYS as people read it: one row per key, in the same order, with its
 * type, default and meaning. When a key changes, this test prints the rows to paste.
 */
function readmeRow(spec: (typeof CONFIG_KEYS)[number]): string {
  const type = spec.pulumiType ?? (Array.isArray(spec.default) ? "list of objects" : "object");
  const fallback = spec.default === undefined ? "—" : `\`${JSON.stringify(spec.default)}\``;
  const meaning = spec.description.replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return `| \`${spec.key}\` | ${type} | ${fallback} | ${meaning} |`;
}

describe("README config table", () => {
  it("shows every key of CONFIG_KEYS with its type, default and meaning, and nothing else", () => {
    const readme = fs.readFileSync(path.join(projectRoot(), "README.md"), "utf8").split("\n");
    const header = readme.indexOf("| Key | Type | Default | Meaning |");
    expect(header, "the README has the config table").toBeGreaterThan(0);
    const rows: string[] = [];
    for (let i = header + 2; i < readme.length && readme[i]!.startsWith("|"); i++) rows.push(readme[i]!);
    expect(rows.join("\n")).toBe(CONFIG_KEYS.map(readmeRow).join("\n"));
  });
});
