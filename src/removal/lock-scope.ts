/**
 * Where a management lock sits, in words: on the subscription, on the group, or on one resource in it.
 * A lock's ARM id is its scope followed by `/providers/Microsoft.Authorization/locks/<name>`; ARM's
 * ScopeLocked refusal quotes the locked scopes (or the locks' ids), and both read the same way here.
 */
import type { LockRecord } from "./records";

const LOCK_SUFFIX = /\/providers\/Microsoft\.Authorization\/locks\/([^/]+)$/i;

export interface LockPlace {
  where: "subscription" | "group" | "resource" | "unknown";
  /** The group's name (group and resource locks). */
  group?: string;
  /** `Microsoft.KeyVault/vaults/kv-1` for a resource lock (nested types keep their path). */
  resource?: string;
  /** The lock's name, when the id names one. */
  lockName?: string;
}

/** Reads a lock id or a locked scope's id. */
export function lockPlace(id: string): LockPlace {
  const named = LOCK_SUFFIX.exec(id);
  const scope = named ? id.slice(0, named.index) : id;
  const lockName = named?.[1];
  const parts = scope.split("/").filter(Boolean);
  const base = lockName ? { lockName } : {};
  if (parts.length === 2 && /^subscriptions$/i.test(parts[0]!)) return { where: "subscription", ...base };
  if (parts.length >= 4 && /^subscriptions$/i.test(parts[0]!) && /^resourceGroups$/i.test(parts[2]!)) {
    const group = parts[3]!;
    if (parts.length === 4) return { where: "group", group, ...base };
    // .../resourceGroups/<g>/providers/<namespace>/<type>/<name>[/<type>/<name>...]
    if (/^providers$/i.test(parts[4]!) && parts.length >= 8) return { where: "resource", group, resource: parts.slice(5).join("/"), ...base };
  }
  return { where: "unknown", ...base };
}

/** "on the subscription", "on the group", "on group other-rg", "on Microsoft.KeyVault/vaults/kv-1". */
export function describePlace(place: LockPlace, groupName?: string): string {
  switch (place.where) {
    case "subscription":
      return "on the subscription";
    case "group":
      return groupName && place.group?.toLowerCase() !== groupName.toLowerCase() ? `on group ${place.group}` : "on the group";
    case "resource":
      return `on ${place.resource}`;
    default:
      return "";
  }
}

/** "CanNotDelete 'hold' on the group": a lock with its level, name and, when its id is known, place. */
export function describeLock(lock: LockRecord, groupName?: string): string {
  const where = lock.id ? describePlace(lockPlace(lock.id), groupName) : "";
  return `${lock.level} '${lock.name}'${where ? ` ${where}` : ""}`;
}

/**
 * ARM's ScopeLocked refusal in words: "a lock placed during this run on the group ('hold')". Quoted
 * ids after "locked:" are read; when none can be read, undefined (the caller keeps ARM's text).
 */
export function describeScopeLocked(message: string, groupName: string): string | undefined {
  const after = message.split(/locked:/i)[1];
  if (!after) return undefined;
  const places = [...after.matchAll(/'([^']+)'/g)].map((m) => lockPlace(m[1]!)).filter((p) => p.where !== "unknown");
  if (places.length === 0) return undefined;
  const described = places.map((p) => `${describePlace(p, groupName)}${p.lockName ? ` ('${p.lockName}')` : ""}`);
  return `a lock was placed during this run ${described.join(", ")}; cleanup never removes locks, so the group stays until the lock is removed`;
}
