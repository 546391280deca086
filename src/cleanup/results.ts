/**
 * What a cleanup run did, as data (for `--json` and tests), and the tables people read for cleanup and
 * teardown. The row types themselves are removal's (src/removal/results.ts).
 */
import Table from "cli-table3";
import type { GroupOutcome, GroupResult, ItemResult, RunMode } from "../removal/results";

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

const OUTCOME_ORDER: GroupOutcome[] = ["failed", "still-deleting", "deleted", "would-delete", "deleting", "gone", "kept"];

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

/**
 * A table's headings, bold when the caller says so. The escape codes are written here rather than left to
 * cli-table3's colour styles: those go through @colors/colors, which decides on its own from the process's
 * terminal and environment and so drops them whenever output is piped, whatever the caller asked for.
 */
export function tableHead(head: readonly string[], color: boolean) {
  return { head: color ? head.map((text) => `\u001b[1m${text}\u001b[22m`) : [...head], style: { head: [], border: [] } };
}

export interface RenderOptions {
  /** Only for a person at a terminal, never with NO_COLOR (the CLI decides: output-mode.ts useColor). */
  color: boolean;
}

const REASON_WIDTH = 70;

/**
 * A cell's text as lines of at most `width` characters, nothing cut: words wrap at spaces, and a word
 * longer than a line (an ARM id in a managed-by reason) breaks after one of its `/`, or mid-word only
 * when a single segment is too long.
 */
export function wrapText(text: string, width: number): string {
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    const push = () => {
      lines.push(line);
      line = "";
    };
    for (const word of paragraph.split(" ")) {
      if (line && line.length + 1 + word.length <= width) {
        line += ` ${word}`;
        continue;
      }
      if (line) push();
      let rest = word;
      while (rest.length > width) {
        const cut = rest.lastIndexOf("/", width - 1);
        const at = cut > 0 ? cut + 1 : width;
        lines.push(rest.slice(0, at));
        rest = rest.slice(at);
      }
      line = rest;
    }
    push();
  }
  return lines.join("\n");
}

const reasonCell = (reason: string, code?: string) => wrapText(code ? `${reason} [${code}]` : reason, REASON_WIDTH - 2);

/** Subscriptions in full: two subscriptions can share their first characters. */
export function renderGroupTable(groups: readonly GroupResult[], options: RenderOptions): string {
  const table = new Table({ ...tableHead(["resource group", "subscription", "outcome", "reason"], options.color), colWidths: [null, null, null, REASON_WIDTH] });
  for (const g of sortGroups(groups)) {
    table.push([g.name, g.subscriptionId, g.outcome, reasonCell(g.reason, g.code)]);
  }
  return table.toString();
}

export function renderItemTable(items: readonly ItemResult[], options: RenderOptions): string {
  const table = new Table({ ...tableHead(["item", "kind", "subscription", "outcome", "reason"], options.color), colWidths: [null, null, null, null, REASON_WIDTH] });
  for (const i of items) table.push([i.name, i.kind, i.subscriptionId, i.outcome, reasonCell(i.reason, i.code)]);
  return table.toString();
}

export function summaryLine(report: CleanupReport): string {
  const c = report.counts;
  const parts =
    report.mode === "dry-run"
      ? [`${c["would-delete"]} would be deleted`, `${c.deleting} already deleting`, `${c.kept} kept`]
      : [`${c.deleted} deleted`, ...(c["still-deleting"] > 0 ? [`${c["still-deleting"]} still deleting`] : []), `${c.failed} failed`, `${c.kept} kept`, `${c.gone} already gone`];
  const purged = report.items.filter((i) => i.outcome === "purged" || i.outcome === "would-purge").length;
  const itemFailures = report.items.filter((i) => i.outcome === "failed").length;
  const tail = report.mode === "dry-run" ? "dry run: nothing was changed; pass --yes to delete" : `${purged} soft-deleted item(s) purged${itemFailures ? `, ${itemFailures} item failure(s)` : ""}`;
  const others = report.ignored > 0 ? `; ${report.ignored} group(s) without lab tags ignored` : "";
  return `${parts.join(", ")}${others}; ${tail}`;
}
