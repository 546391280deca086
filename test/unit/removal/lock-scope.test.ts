import { describe, expect, it } from "vitest";
import { describeScopeLocked, lockPlace } from "../../../src/removal/lock-scope";

const SUB = "0b1f6471-1bf0-4dda-aec3-111122223333";
const GROUP = `/subscriptions/${SUB}/resourceGroups/msl-abc1234`;
const lock = (scope: string, name: string) => `${scope}/providers/Microsoft.Authorization/locks/${name}`;

describe("where a lock is", () => {
  it("reads subscription, group and resource locks, nested resources included", () => {
    expect(lockPlace(lock(`/subscriptions/${SUB}`, "freeze"))).toEqual({ where: "subscription", lockName: "freeze" });
    expect(lockPlace(lock(GROUP, "hold"))).toEqual({ where: "group", group: "msl-abc1234", lockName: "hold" });
    expect(lockPlace(lock(`${GROUP}/providers/Microsoft.MachineLearningServices/workspaces/mlw/onlineEndpoints/ep`, "x"))).toEqual({
      where: "resource",
      group: "msl-abc1234",
      resource: "Microsoft.MachineLearningServices/workspaces/mlw/onlineEndpoints/ep",
      lockName: "x",
    });
    // A locked scope without a lock name (how ARM may quote it) reads the same way.
    expect(lockPlace(`${GROUP}/providers/Microsoft.KeyVault/vaults/kv-1`)).toEqual({ where: "resource", group: "msl-abc1234", resource: "Microsoft.KeyVault/vaults/kv-1" });
    expect(lockPlace("nonsense").where).toBe("unknown");
  });

  it("turns ARM's ScopeLocked text into words, with lock ids or locked scopes", () => {
    const withIds = `The scope '${GROUP}' cannot perform delete operation because following scope(s) are locked: '${lock(GROUP, "exam")}','${lock(`${GROUP}/providers/Microsoft.KeyVault/vaults/kv-1`, "kv")}'. Please remove the lock and try again.`;
    expect(describeScopeLocked(withIds, "msl-abc1234")).toBe(
      "a lock was placed during this run on the group ('exam'), on Microsoft.KeyVault/vaults/kv-1 ('kv'); cleanup never removes locks, so the group stays until the lock is removed",
    );
    const withScopes = `The scope '${GROUP}' cannot perform delete operation because following scope(s) are locked: '/subscriptions/${SUB}'. Please remove the lock and try again.`;
    expect(describeScopeLocked(withScopes, "msl-abc1234")).toMatch(/^a lock was placed during this run on the subscription;/);
    expect(describeScopeLocked("something else entirely", "msl-abc1234")).toBeUndefined();
  });
});
