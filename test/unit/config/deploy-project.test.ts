import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { projectRoot, pulumiProjectDir } from "../../../src/config/stack-settings";

/**
 * Which Pulumi project `mlflow-lab deploy` opens. Run from the sources (a clone), the repository's own:
 * Pulumi.yaml with the TypeScript program through tsx. The compiled form (dist/, an installed package) is
 * checked by test/integration/package/package.test.ts against the built package.
 */
describe("the Pulumi project deploy runs, from the sources", () => {
  it("is the repository root, whose Pulumi.yaml runs src/index.ts through tsx", () => {
    expect(pulumiProjectDir()).toBe(projectRoot());
    const project = parse(fs.readFileSync(path.join(pulumiProjectDir(), "Pulumi.yaml"), "utf8"));
    expect(project.runtime.options.nodeargs).toBe("--import tsx");
    expect(fs.existsSync(path.join(pulumiProjectDir(), project.main))).toBe(true);
  });
});
