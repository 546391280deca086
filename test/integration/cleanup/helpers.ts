/** Shared pieces of the cleanup integration tests: inventories, a server per test, the real executor. */
import { join } from "node:path";
import { ArmClient } from "../../../src/azure/arm-client";
import { systemClock } from "../../../src/azure/clock";
import { StaticTokenCredential } from "../../../src/azure/credentials";
import { runCleanup, type CleanupOptions } from "../../../src/cleanup/executor";
import { DEFAULT_PROTECTED_NAME_PATTERNS } from "../../../src/removal/name-patterns";
import type { TokenBucket } from "../../../src/azure/pacing";
import { startArmTestServer, type ArmTestServer, type ArmTestServerOptions } from "../../support/arm-test-server";
import { trustTestCa } from "../../support/tls";

export const EXPIRED_LABS = join(__dirname, "../../support/arm-test-server/inventories/expired-labs.json");
export const COURSE_SUB = "5b1c0a1e-7d4f-4c2a-9e3b-00000000c001";
export const OTHER_SUB = "5b1c0a1e-7d4f-4c2a-9e3b-00000000c002";

export const LOCATIONS = [{ name: "eastus", displayName: "East US" }];

export async function startServer(options: ArmTestServerOptions): Promise<ArmTestServer> {
  const server = await startArmTestServer({ timeScale: 0.002, pollIntervalMs: 10_000, ...options });
  trustTestCa(server.caCertPem);
  return server;
}

/** ARM's documented buckets in the server's real time (it runs `1 / timeScale` times faster). */
export function scaledBuckets(timeScale: number, sizes?: { reads?: TokenBucket; deletes?: TokenBucket }) {
  const scale = (b: TokenBucket): TokenBucket => ({ capacity: b.capacity, refillPerSecond: b.refillPerSecond / timeScale });
  return {
    reads: scale(sizes?.reads ?? { capacity: 250, refillPerSecond: 25 }),
    deletes: scale(sizes?.deletes ?? { capacity: 200, refillPerSecond: 10 }),
    writes: scale(sizes?.deletes ?? { capacity: 200, refillPerSecond: 10 }),
  };
}

export function clientFor(server: ArmTestServer): ArmClient {
  return new ArmClient({ credential: new StaticTokenCredential("test-token"), endpoint: server.url, maxConcurrency: 64, retry: { baseDelayMs: 20, maxDelayMs: 200 } });
}

export function cleanupOptions(over: Partial<CleanupOptions> & Pick<CleanupOptions, "subscriptions">, timeScale = 0.002): CleanupOptions {
  return {
    mode: "execute",
    graceMs: 3_600_000,
    max: 1000,
    protectedNamePatterns: DEFAULT_PROTECTED_NAME_PATTERNS,
    buckets: scaledBuckets(timeScale),
    wait: { defaultPollMs: 50, timeoutMs: 120_000, verifyAttempts: 20 },
    ...over,
  };
}

export function runAgainst(server: ArmTestServer, options: CleanupOptions) {
  return runCleanup({ client: clientFor(server), clock: systemClock }, options);
}

/** DELETE requests the server received for a resource group, by lower-case name. */
export function groupDeletes(server: ArmTestServer): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of server.requests()) {
    const m = /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)$/i.exec(r.path);
    if (r.method === "DELETE" && m) counts.set(m[1].toLowerCase(), (counts.get(m[1].toLowerCase()) ?? 0) + 1);
  }
  return counts;
}

export function remainingGroups(server: ArmTestServer, subscriptionId: string): string[] {
  server.core.settle();
  const sub = server.state().subscription(subscriptionId);
  return [...sub.resourceGroups.values()].map((g) => g.name).sort();
}
