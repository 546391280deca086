import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../../src/config/stack-settings";
import { importsOf, layeringViolations, parseLayerTable, sourceImports, type SourceImport } from "./import-graph";

/** docs/architecture.md's dependency rule, checked against every import in src/. */
const root = projectRoot();
const layers = parseLayerTable(fs.readFileSync(path.join(root, "docs", "architecture.md"), "utf8"));
const entries = fs.readdirSync(path.join(root, "src"), { withFileTypes: true }).filter((e) => e.isDirectory() || /\.ts$/.test(e.name)).map((e) => e.name);

describe("docs/architecture.md layers", () => {
  it("puts the error wording at the bottom and the CLI on top, with the layers between in order", () => {
    expect(layers.get("errors.ts")).toBe(1);
    const order = ["errors.ts", "config", "azure", "lab", "regions", "deploy", "index.ts", "cli"].map((entry) => layers.get(entry));
    expect(order).toEqual([...order].sort((a, b) => a! - b!));
    expect(new Set(order).size).toBe(order.length);
    expect(Math.max(...layers.values())).toBe(layers.get("cli"));
  });

  it("assigns every folder and file of src/ to a layer, and every import in src/ points down or sideways", () => {
    expect(layeringViolations(sourceImports(root), layers, entries).map((v) => v.text)).toEqual([]);
  });

  it("has nothing outside src/cli/ importing src/cli/", () => {
    const intoCli = sourceImports(root).filter((imp) => imp.target === "cli" && !imp.file.startsWith("src/cli/"));
    expect(intoCli).toEqual([]);
  });
});

describe("the layering check", () => {
  const imp = (file: string, specifier: string, target: string): SourceImport => ({ file, line: 3, specifier, target });

  it("finds every kind of import, type-only ones and require() included", () => {
    const text = [
      `import { a } from "../azure/arm-client";`,
      `import type { B } from "../cli/output-mode";`,
      `export * from "./lro";`,
      `const c = require("../../deploy/teardown");`,
      `const d = await import("../plan/plan");`,
      `import * as fs from "node:fs";`,
    ].join("\n");
    expect(importsOf(text)).toEqual([
      { specifier: "../azure/arm-client", line: 1 },
      { specifier: "../cli/output-mode", line: 2 },
      { specifier: "./lro", line: 3 },
      { specifier: "../../deploy/teardown", line: 4 },
      { specifier: "../plan/plan", line: 5 },
    ]);
  });

  it("fails an import that points up a layer, naming the file, line and target", () => {
    const found = layeringViolations([imp("src/lab/endpoints/aci.ts", "../../cli/output-mode", "cli")], layers, ["lab", "cli"]);
    expect(found).toEqual([{ kind: "upward", text: `src/lab/endpoints/aci.ts:3 imports '../../cli/output-mode' (cli, layer ${layers.get("cli")}) from layer ${layers.get("lab")}` }]);
    expect(layeringViolations([imp("src/azure/retry.ts", "../errors", "errors.ts")], layers, ["azure", "errors.ts"])).toEqual([]);
  });

  it("fails a folder the doc does not place, and folders of one layer that import each other in a circle", () => {
    expect(layeringViolations([], layers, ["widgets"]).map((v) => v.kind)).toEqual(["unassigned"]);
    const circle = layeringViolations([imp("src/scoring/a.ts", "../models/b", "models"), imp("src/models/b.ts", "../scoring/a", "scoring")], layers, ["models", "scoring"]);
    expect(circle.map((v) => v.text)).toEqual(["models → scoring → models import each other within one layer"]);
    expect(layeringViolations([imp("src/scoring/a.ts", "../models/b", "models")], layers, ["models", "scoring"])).toEqual([]);
  });
});
