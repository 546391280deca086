/**
 * The listings of soft-deleted items at the end of a cleanup run, against the "expired labs" inventory:
 * the Log Analytics one is informational (ARM cannot purge those workspaces), so its failure must not
 * cost the Key Vault purges or the report of the groups already deleted.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { ArmTestServer } from "../../support/arm-test-server";
import { cleanupOptions, COURSE_SUB, EXPIRED_LABS, runAgainst, startServer } from "./helpers";

let server: ArmTestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe("cleanup's listings of soft-deleted items", () => {
  it("a 403 listing soft-deleted Log Analytics workspaces becomes a failed row; the vaults are still purged and the report kept", async () => {
    server = await startServer({ seed: EXPIRED_LABS, timeScale: 0.002 });
    server.injectFault({
      kind: "status",
      status: 403,
      code: "AuthorizationFailed",
      message: "The client does not have authorization to perform action 'Microsoft.OperationalInsights/deletedWorkspaces/read'",
      match: { method: "GET", path: "/providers/Microsoft.OperationalInsights/deletedWorkspaces" },
    });
    const report = await runAgainst(server, cleanupOptions({ subscriptions: [COURSE_SUB] }));

    expect(report.counts).toMatchObject({ deleted: 2, failed: 0 });
    expect(report.items.find((i) => i.name === "kv-msl-old001")?.outcome).toBe("purged");
    expect(server.deletedItems("keyVault").map((d) => d.name)).not.toContain("kv-msl-old001");
    expect(report.items.filter((i) => i.kind === "Log Analytics workspace")).toEqual([
      {
        kind: "Log Analytics workspace",
        subscriptionId: COURSE_SUB,
        name: "(soft-deleted workspaces)",
        outcome: "failed",
        reason: expect.stringMatching(/^could not list soft-deleted Log Analytics workspaces \(.*deletedWorkspaces\/read.*\); they cannot be purged anyway/),
        code: "AuthorizationFailed",
      },
    ]);
    // A listing that failed is still a failure of the run (exit code 1), with everything else done.
    expect(report.failed).toBe(true);
  });
});
