/**
 * The checks on tags (and the allowlist) that cleanup's group rules (policy.ts) and the purge rules
 * (purge-policy.ts) both make, written once. Where both rules word a failure the same way the check
 * returns that reason; where their words differ (a group "is not a lab", an item's "preserved tags
 * lack" the marker) it returns what it found and each rule keeps its own wording. Every check fails
 * closed: a tag that is missing, not text or written twice with different values never passes.
 */
import { DO_NOT_DELETE_TAGS, LabTag, MANAGED_BY } from "../config/lab-tags";
import { lookupTag, presentTags, type TagLookup } from "./tags";
import { explainRejectedTimestamp, parseUtcTimestamp } from "../config/timestamps";
import { formatSpan } from "../config/duration";

type Tags = Readonly<Record<string, unknown>> | null | undefined;

/** Why a tag gives no usable value, or undefined when it has one (which may still be empty). */
export function tagProblem(lookup: TagLookup, tagName: string): string | undefined {
  switch (lookup.kind) {
    case "absent":
      return `no ${tagName} tag`;
    case "conflict":
      return `tag ${tagName} is written twice with different values (${lookup.writtenNames.join(", ")})`;
    case "not-text":
      return `tag ${tagName} is not text`;
    default:
      return undefined;
  }
}

/** Why the subscription is not on the allowlist (ids compared without regard to case), or undefined. */
export function subscriptionNotAllowed(allowedSubscriptions: readonly string[], subscriptionId: string): string | undefined {
  return allowedSubscriptions.some((allowed) => allowed.toLowerCase() === subscriptionId.toLowerCase())
    ? undefined
    : `subscription ${subscriptionId} is not on the allowlist`;
}

/** True when `managed-by` is exactly this toolkit's marker. */
export function hasLabMarker(tags: Tags): boolean {
  const lookup = lookupTag(tags, LabTag.managedBy);
  return lookup.kind === "value" && lookup.value === MANAGED_BY;
}

/** The lab id the tags name, when `lab-id` is text that is not blank. */
export function labIdOf(tags: Tags): string | undefined {
  const lookup = lookupTag(tags, LabTag.id);
  return lookup.kind === "value" && lookup.value.trim() !== "" ? lookup.value : undefined;
}

/** Why the tags do not name exactly lab `labId` ("belongs to another lab …"), or undefined when they do. */
export function notThisLab(tags: Tags, labId: string): string | undefined {
  const lookup = lookupTag(tags, LabTag.id);
  if (lookup.kind === "value" && lookup.value === labId) return undefined;
  return `belongs to another lab (lab-id ${lookup.kind === "value" ? `'${lookup.value}'` : "missing"}, not '${labId}')`;
}

/** Why a do-not-delete tag (any case, any value) protects the record, or undefined. */
export function doNotDeleteTagged(tags: Tags): string | undefined {
  const found = presentTags(tags, DO_NOT_DELETE_TAGS);
  return found.length === 0 ? undefined : `tagged '${found[0]}'`;
}

export type ExpiryReading =
  | { kind: "problem"; reason: string }
  | { kind: "date"; expiresAt: Date; text: string };

/** The `lab-expires-at` tag as a UTC moment, or why it cannot be read as one. */
export function readExpiry(tags: Tags): ExpiryReading {
  const lookup = lookupTag(tags, LabTag.expiresAt);
  const problem = tagProblem(lookup, LabTag.expiresAt);
  if (problem || lookup.kind !== "value") return { kind: "problem", reason: problem ?? `no ${LabTag.expiresAt} tag` };
  const expiresAt = parseUtcTimestamp(lookup.value);
  if (!expiresAt) return { kind: "problem", reason: `expires-at '${lookup.value}' ${explainRejectedTimestamp(lookup.value)}` };
  return { kind: "date", expiresAt, text: lookup.value };
}

export type ExpiryCheck =
  /** The tag cannot be read as a UTC moment (the reason says why). */
  | { kind: "problem"; reason: string }
  /** Expired more than `graceMs` ago. */
  | { kind: "expired" }
  /** Expires in `inMs` (zero included: not yet past). */
  | { kind: "not-yet"; inMs: number }
  /** Expired `pastMs` ago, but not more than the grace. */
  | { kind: "within-grace"; pastMs: number };

/** Whether the tags' `lab-expires-at` is more than `graceMs` before `now`. */
export function checkExpiry(tags: Tags, now: Date, graceMs: number): ExpiryCheck {
  const expiry = readExpiry(tags);
  if (expiry.kind === "problem") return expiry;
  const pastMs = now.getTime() - expiry.expiresAt.getTime();
  if (pastMs > graceMs) return { kind: "expired" };
  return pastMs <= 0 ? { kind: "not-yet", inMs: -pastMs } : { kind: "within-grace", pastMs };
}

/**
 * Why the expiry check keeps something, in words (undefined once it is past its grace): the `expired`
 * rule of both the group and the purge policies. `subject` starts the sentence ("" or "its lab "); the
 * grace is named when `graceMs` is given.
 */
export function expiryKeepReason(expiry: ExpiryCheck, wording: { subject: string; graceMs?: number }): string | undefined {
  switch (expiry.kind) {
    case "expired":
      return undefined;
    case "problem":
      return expiry.reason;
    case "not-yet":
      return `${wording.subject}expires in ${formatSpan(expiry.inMs)}`;
    case "within-grace":
      return `${wording.subject}expired ${formatSpan(expiry.pastMs)} ago, within the${wording.graceMs === undefined ? "" : ` ${formatSpan(wording.graceMs)}`} grace`;
  }
}
