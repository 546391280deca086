import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserInputError } from "../../../src/errors";
import { resolveCleanupSettings } from "../../../src/cleanup/settings";

const A = "0b1f6471-1bf0-4dda-aec3-111122223333";
const B = "5c2e9a10-77aa-4f0e-9d5b-444455556666";
const C = "9d8c7b6a-1111-4222-8333-777788889999";

function stateWith(yaml?: string): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), "cleanup-settings-"));
  if (yaml !== undefined) writeFileSync(join(dir, "cleanup.yaml"), yaml);
  return { MLFLOW_LAB_STATE_DIR: dir };
}

describe("cleanup allowlist and defaults", () => {
  it("refuses to run with no allowlist anywhere", () => {
    expect(() => resolveCleanupSettings({}, stateWith())).toThrow(UserInputError);
    expect(() => resolveCleanupSettings({}, stateWith())).toThrow(/no subscription is allowed for cleanup/);
    expect(() => resolveCleanupSettings({}, stateWith("allowedSubscriptions: []\n"))).toThrow(/no subscription is allowed/);
  });

  it("reads the config file in the state directory, with defaults for the rest", () => {
    const settings = resolveCleanupSettings({}, stateWith(`allowedSubscriptions: [${A}]\nprotectedNamePatterns: ["keep-*"]\ngrace: 2h\nmax: 20\n`));
    expect(settings).toMatchObject({ subscriptions: [A], graceMs: 7_200_000, max: 20 });
    expect(settings.protectedNamePatterns).toContain("keep-*");
    expect(settings.protectedNamePatterns).toContain("databricks-rg-*");
  });

  it("lets the environment replace the file's list, and flags only narrow it", () => {
    const env = { ...stateWith(`allowedSubscriptions: [${C}]\n`), MLFLOW_LAB_CLEANUP_SUBSCRIPTIONS: `${A}, ${B}` };
    expect(resolveCleanupSettings({}, env).subscriptions).toEqual([A, B]);
    expect(resolveCleanupSettings({ subscription: [B.toUpperCase()] }, env).subscriptions).toEqual([B.toUpperCase()]);
    expect(() => resolveCleanupSettings({ subscription: [C] }, env)).toThrow(/is not on the allowlist from MLFLOW_LAB_CLEANUP_SUBSCRIPTIONS; --subscription can only narrow it/);
  });

  it("takes --subscription as the allowlist when nothing is configured", () => {
    expect(resolveCleanupSettings({ subscription: [`${A},${B}`] }, stateWith()).subscriptions).toEqual([A, B]);
  });

  it("names the field and what is accepted for bad input", () => {
    expect(() => resolveCleanupSettings({ subscription: ["prod"] }, stateWith())).toThrow(/--subscription: 'prod' is not a subscription id/);
    expect(() => resolveCleanupSettings({ subscription: [A], grace: "soon" }, stateWith())).toThrow(/--grace 'soon' is not a duration/);
    expect(() => resolveCleanupSettings({ subscription: [A], max: "lots" }, stateWith())).toThrow(/--max 'lots' is not a whole number/);
    expect(() => resolveCleanupSettings({}, stateWith("allowedSubscription: []\n"))).toThrow(/cleanup\.yaml: .*accepted keys: allowedSubscriptions/);
    expect(() => resolveCleanupSettings({ config: "/nope/cleanup.yaml" }, stateWith())).toThrow(/--config \/nope\/cleanup\.yaml: no such file/);
    expect(() => resolveCleanupSettings({ subscription: [A], groupWait: "forever" }, stateWith())).toThrow(/^--group-wait 'forever' is not a duration; use e\.g\. 20m/);
  });

  it("names the cleanup.yaml key, not a flag, when the file's value is bad", () => {
    const env = stateWith(`allowedSubscriptions: [${A}]\ngrace: banana\n`);
    const file = join(env.MLFLOW_LAB_STATE_DIR!, "cleanup.yaml");
    expect(() => resolveCleanupSettings({}, env)).toThrow(`${file}: grace 'banana' is not a duration; use e.g. 1h, 30m, 2d, 1h30m or 0`);
    // A flag given on the command line wins over the file, so the file's bad value is never used.
    expect(resolveCleanupSettings({ grace: "2h" }, env).graceMs).toBe(7_200_000);
    expect(() => resolveCleanupSettings({}, stateWith(`allowedSubscriptions: [${A}]\ngroupWait: ages\n`))).toThrow(/cleanup\.yaml: groupWait 'ages' is not a duration/);
  });

  it("waits 20 minutes per group unless cleanup.yaml or --group-wait says otherwise", () => {
    expect(resolveCleanupSettings({ subscription: [A] }, stateWith()).groupWaitMs).toBe(20 * 60_000);
    const env = stateWith(`allowedSubscriptions: [${A}]\ngroupWait: 45m\n`);
    expect(resolveCleanupSettings({}, env).groupWaitMs).toBe(45 * 60_000);
    expect(resolveCleanupSettings({ groupWait: "1h" }, env).groupWaitMs).toBe(60 * 60_000);
  });
});
