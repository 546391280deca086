import * as pulumi from "@pulumi/pulumi";
import Module from "node:module";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { leaseProvider, type LeaseState } from "../../../src/lab/lease";

const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

describe("LabLease provider", () => {
  it("create() records the creation time once and the expiry ttl later", async () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const { id, outs } = await leaseProvider.create({ ttl: "8h", ttlSeconds: 8 * 3600 });
    const after = Date.now();
    expect(id).toMatch(/^lease-/);
    expect(outs.createdAt).toMatch(ISO_SECONDS);
    expect(outs.expiresAt).toMatch(ISO_SECONDS);
    const created = Date.parse(outs.createdAt);
    expect(created).toBeGreaterThanOrEqual(before);
    expect(created).toBeLessThanOrEqual(after);
    expect(Date.parse(outs.expiresAt) - created).toBe(8 * 3600 * 1000);
    expect(outs).toMatchObject({ ttl: "8h", ttlSeconds: 28_800 });
  });

  it("diff() reports nothing for an unchanged ttl, so `pulumi up` leaves the tags alone", async () => {
    const state: LeaseState = { ttl: "8h", ttlSeconds: 28_800, createdAt: "2026-11-23T10:00:00Z", expiresAt: "2026-11-23T18:00:00Z" };
    expect(await leaseProvider.diff("lease-1", state, { ttl: "8h", ttlSeconds: 28_800 })).toMatchObject({
      changes: false,
      replaces: [],
    });
  });

  it("diff() updates in place, never replaces, when the ttl changes; createdAt is stable", async () => {
    const state: LeaseState = { ttl: "8h", ttlSeconds: 28_800, createdAt: "2026-11-23T10:00:00Z", expiresAt: "2026-11-23T18:00:00Z" };
    const diff = await leaseProvider.diff("lease-1", state, { ttl: "2d", ttlSeconds: 172_800 });
    expect(diff).toEqual({ changes: true, replaces: [], stables: ["createdAt"], deleteBeforeReplace: false });
  });

  it("update() keeps createdAt and moves expiresAt to createdAt + the new ttl", async () => {
    const state: LeaseState = { ttl: "8h", ttlSeconds: 28_800, createdAt: "2026-11-23T10:00:00Z", expiresAt: "2026-11-23T18:00:00Z" };
    const { outs } = await leaseProvider.update("lease-1", state, { ttl: "1h30m", ttlSeconds: 5400 });
    expect(outs).toEqual({ ttl: "1h30m", ttlSeconds: 5400, createdAt: "2026-11-23T10:00:00Z", expiresAt: "2026-11-23T11:30:00Z" });
  });

  it("is self-contained: Pulumi's serialized copy runs on its own in a fresh module", async () => {
    const serialized = await pulumi.runtime.serializeFunction(() => leaseProvider, { allowSecrets: false });
    const module = new Module(path.join(process.cwd(), "serialized-lease.js"));
    (module as unknown as { _compile(code: string, file: string): void })._compile(serialized.text, "serialized-lease.js");
    const provider = (module.exports[serialized.exportName] as () => typeof leaseProvider)();
    const { outs } = await provider.create({ ttl: "30m", ttlSeconds: 1800 });
    expect(Date.parse(outs.expiresAt) - Date.parse(outs.createdAt)).toBe(1_800_000);
  });
});
