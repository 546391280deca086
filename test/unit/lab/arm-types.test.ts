import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseLabConfig } from "../../../src/config/lab-config";
import { projectRoot, readStackSettings } from "../../../src/config/stack-settings";
import { coverageOf, LAB_ARM_TYPES } from "../../../src/lab/arm-types";
import { JANITOR_ROLE_ACTIONS } from "../../../src/lab/janitor/role";
import { runLabProgram, type ProgramRun } from "../../../src/plan/engine";
import { isJanitorStack } from "../../../src/plan/janitor-plan";
import { OWNER, runConfig } from "./lab-runs";

/**
 * The janitor's role is derived from the lab program: every resource type any lab stack registers must
 * be classified in src/lab/arm-types.ts, and the role must hold the delete action of each Azure type a
 * lab group then contains (plus what Azure adds there on its own). A new resource type in the program
 * fails here, by name, instead of failing every scheduled cleanup with AuthorizationFailed.
 */
const roleActions = new Set(JANITOR_ROLE_ACTIONS.map((a) => a.toLowerCase()));

/** The registered types the role does not cover, each with why (an empty list is the pass). */
function uncovered(run: ProgramRun): string[] {
  const problems: string[] = [];
  for (const type of new Set(run.resources.map((r) => r.type))) {
    const coverage = coverageOf(type);
    if (coverage.kind === "unknown") {
      problems.push(`${type} is not classified in src/lab/arm-types.ts (add its ARM type to LAB_ARM_TYPES)`);
      continue;
    }
    if (coverage.kind !== "arm") continue;
    for (const armType of [coverage.type.armType, ...(coverage.type.addedByAzure ?? []).map((a) => a.armType)]) {
      if (!roleActions.has(`${armType}/delete`.toLowerCase())) problems.push(`${type}: the janitor role lacks ${armType}/delete`);
    }
  }
  return problems;
}

const labStacks = fs
  .readdirSync(path.join(projectRoot(), "stacks"))
  .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
  .filter((stack): stack is string => stack !== undefined && !isJanitorStack(stack))
  .sort();

describe("the janitor role covers what the lab program registers", () => {
  it("finds the lab stacks in stacks/", () => {
    expect(labStacks).toEqual(expect.arrayContaining(["course", "full", "lab"]));
  });

  it.each(labStacks)("stack %s: every registered type is covered", async (stack) => {
    const config = parseLabConfig({ ...readStackSettings(stack).config, owner: OWNER });
    const run = await runLabProgram(config, { stack, fetchDataset: () => "ZGF0YQ==" });
    expect(uncovered(run)).toEqual([]);
  });

  it("any mix of Azure ML, endpoints and serving: every registered type is covered", async () => {
    const endpoint = fc.record({ kind: fc.constantFrom("aci", "aks", "managed"), size: fc.constantFrom("small", "medium", "large") });
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(endpoint, { maxLength: 3 }), fc.boolean(), async (azureMl, endpoints, serving) => {
        const raw = {
          azureMl: azureMl || endpoints.length > 0,
          endpoints: endpoints.map((e, i) => ({ name: `ep-${e.kind}-${i}`, kind: e.kind, model: "m:1", size: e.size })),
          databricksServing: { enabled: serving },
        };
        expect(uncovered(await runConfig(raw))).toEqual([]);
      }),
      { numRuns: 12 },
    );
  });

  it("names a type the program would register without a classification", () => {
    const run = { resources: [{ type: "azure-native:web:WebApp" }] } as unknown as ProgramRun;
    expect(uncovered(run)).toEqual(["azure-native:web:WebApp is not classified in src/lab/arm-types.ts (add its ARM type to LAB_ARM_TYPES)"]);
  });

  it("adds what Azure creates next to Application Insights: the Failure Anomalies rule and its action group", () => {
    expect(JANITOR_ROLE_ACTIONS).toContain("Microsoft.AlertsManagement/smartDetectorAlertRules/delete");
    expect(JANITOR_ROLE_ACTIONS).toContain("Microsoft.Insights/actionGroups/delete");
    // The ACI scorer's Caddy /data share, and its account.
    expect(JANITOR_ROLE_ACTIONS).toContain("Microsoft.Storage/storageAccounts/fileServices/shares/delete");
    expect(JANITOR_ROLE_ACTIONS).toContain("Microsoft.Storage/storageAccounts/delete");
  });

  it("every entry of the table is an ARM type with a provider namespace", () => {
    for (const [token, entry] of Object.entries(LAB_ARM_TYPES)) {
      expect(token, token).toMatch(/^azure-native:/);
      expect(entry.armType, token).toMatch(/^Microsoft\.[A-Za-z]+\/[A-Za-z]+(\/[A-Za-z]+)*$/);
    }
  });
});
