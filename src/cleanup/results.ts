/**
 * What a cleanup or teardown run did, as data (for `--json` and tests) and as tables for people.
 */
import Table from "cli-table3";
import type { RunMode } from "./run-guards";

export type GroupOutcome =
  /** Deleted and verified gone (404). */
  | "deleted"
  /** Dry run: every rule holds; `--yes` would delete it. */
  | "would-delete"
  /** Dry run: an earlier run's delete is still running; `--yes` would wait for it. */
  | "deleting"
  /** Gone before this run touched it (deleted by an earlier run or someone else). */
  | "gone"
  /** A rule said no (or ARM refused because of a lock); never an error. */
  | "kept"
  /** The delete was tried and did not succeed. */
  | "failed";

export interface GroupResult {
  subscriptionId: string;
  name: string;
  outcome: GroupOutcome;
  reason: string;
  /** ARM error code when ARM said no. */
  code?: string;
  labId?: string;
  expiresAt?: string;
}

export type ItemOutcome = "purged" | "would-purge" | "deleted" | "would-delete" | "kept" | "failed" | "gone";

/** A soft-deleted item purged, or a resource deleted before its group (endpoints, purge-on-delete). */
export interface ItemResult {
  kind: string;
  subscriptionId: string;
  name: string;
  outcome: ItemOutcome;
  reason: string;
  code?: string;
  /**
   * Set where the purge rules keep the item because it is not the run's to act on (purge-policy.ts,
   * isNotOurs): another lab's item, or no lab item at all. Before a group delete, every resource the
   * rules keep is "left to the group delete" and carries it too. Callers filter on this field, never
   * on `reason`, which is for people and may be reworded.
   */
  notOurs?: true;
}

export interface CleanupReport {
  mode: RunMode;
  subscriptions: string[];
  graceMs: number;
  startedAt: string;
  finishedAt: string;
  groups: GroupResult[];
  /** Groups without any lab tag (the subscription's other workloads): never touched, not listed. */
  ignored: number;
  items: ItemResult[];
  counts: Record<GroupOutcome, number>;
  /** Requests ARM answered with 429 and that were sent again later (none failed because of it). */
  throttled: { reads: number; deletes: number };
  failed: boolean;
  /** Dry run only: the message a real run would have aborted with (more than --max deletes). */
  capExceeded?: string;
}

const OUTCOME_ORDER: GroupOutcome[] = ["failed", "deleted", "would-delete", "deleting", "gone", "kept"];

export function countOutcomes(groups: readonly GroupResult[]): Record<GroupOutcome, number> {
  const counts = Object.fromEntries(OUTCOME_ORDER.map((o) => [o, 0])) as Record<GroupOutcome, number>;
  for (const g of groups) counts[g.outcome]++;
  return counts;
}

/** Failures first, then what changed, then what was left alone; by name within each. */
export function sortGroups(groups: readonly GroupResult[]): GroupResult[] {
  return [...groups].sort(
    (a, b) => OUTCOME_ORDER.indexOf(a.outcome) - OUTCOME_ORDER.indexOf(b.outcome) || a.name.localeCompare(b.name),
  );
}

const shortSub = (id: string) => id.slice(0, 8);

/** Plain borders and headings when the output is not a terminal (files, pipes, CI logs). */
export function tableStyle() {
  return process.stdout.isTTY ? {} : { style: { head: [], border: [] } };
}

export function renderGroupTable(groups: readonly GroupResult[]): string {
  const table = new Table({ head: ["resource group", "subscription", "outcome", "reason"], wordWrap: true, colWidths: [null, null, null, 70], ...tableStyle() });
  for (const g of sortGroups(groups)) {
    table.push([g.name, shortSub(g.subscriptionId), g.outcome, g.code ? `${g.reason} [${g.code}]` : g.reason]);
  }
  return table.toString();
}

export function renderItemTable(items: readonly ItemResult[]): string {
  const table = new Table({ head: ["item", "kind", "subscription", "outcome", "reason"], wordWrap: true, colWidths: [null, null, null, null, 60], ...tableStyle() });
  for (const i of items) table.push([i.name, i.kind, shortSub(i.subscriptionId), i.outcome, i.code ? `${i.reason} [${i.code}]` : i.reason]);
  return table.toString();
}

export function summaryLine(report: CleanupReport): string {
  const c = report.counts;
  const parts =
    report.mode === "dry-run"
      ? [`${c["would-delete"]} would be deleted`, `${c.deleting} already deleting`, `${c.kept} kept`]
      : [`${c.deleted} deleted`, `${c.failed} failed`, `${c.kept} kept`, `${c.gone} already gone`];
  const purged = report.items.filter((i) => i.outcome === "purged" || i.outcome === "would-purge").length;
  const itemFailures = report.items.filter((i) => i.outcome === "failed").length;
  const tail = report.mode === "dry-run" ? "dry run: nothing was changed; pass --yes to delete" : `${purged} soft-deleted item(s) purged${itemFailures ? `, ${itemFailures} item failure(s)` : ""}`;
  const others = report.ignored > 0 ? `; ${report.ignored} group(s) without lab tags ignored` : "";
  return `${parts.join(", ")}${others}; ${tail}`;
}
