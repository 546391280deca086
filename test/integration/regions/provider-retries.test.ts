import { afterEach, describe, expect, it } from "vitest";
import { gatherSignals } from "../../../src/regions/sources/gather";
import { labInventory, startLabServer, SUB, type LabServer } from "./lab-inventory";

/** How often gathering asks for a resource provider that keeps failing: each GET is retried once, not twice over. */
let lab: LabServer | undefined;
afterEach(async () => {
  await lab?.server.stop();
  lab = undefined;
});

describe("provider reads under a lasting 5xx", () => {
  it("retries each namespace GET by itself (1 + maxRetries requests), without retrying the whole provider read again", async () => {
    lab = await startLabServer(labInventory({}), {
      faults: [{ kind: "status", status: 503, code: "ServiceUnavailable", match: { path: "providers/Microsoft.ContainerService$" } }],
    });
    const snapshot = await gatherSignals({
      clients: lab.clients,
      subscriptionId: SUB,
      modelServing: { regions: ["eastus"], retrievedAt: "2026-11-23", source: "test" },
      persist: { retry: { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 40 } },
    });
    const paths = lab.server.requests().map((r) => r.path);
    expect(paths.filter((p) => /providers\/Microsoft\.ContainerService$/.test(p))).toHaveLength(4);
    // The namespaces that answered were each read once.
    expect(paths.filter((p) => /providers\/Microsoft\.Databricks$/.test(p))).toHaveLength(1);
    expect(snapshot.providersError).toMatch(/503/);
    expect(snapshot.resourceTypesError).toMatch(/503/);
  });
});
