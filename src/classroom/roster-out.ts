import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The class roster as it came out: one row per learner with their workspace URL, region, expiry and
 * status, as CSV (for a spreadsheet or a mail merge) and JSON (for scripts). Formatting is pure; the
 * writer puts both files next to each other.
 */
export interface RosterRow {
  learner: string;
  workspaceUrl: string;
  region: string;
  expiresAt: string;
  status: string;
  subscription: string;
  resourceGroup: string;
  stack: string;
}

export const ROSTER_OUT_COLUMNS: ReadonlyArray<keyof RosterRow> = ["learner", "workspaceUrl", "region", "expiresAt", "status", "subscription", "resourceGroup", "stack"];

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function rosterCsv(rows: readonly RosterRow[]): string {
  const lines = [ROSTER_OUT_COLUMNS.join(","), ...rows.map((row) => ROSTER_OUT_COLUMNS.map((c) => csvCell(row[c])).join(","))];
  return `${lines.join("\n")}\n`;
}

export function writeRosterFiles(dir: string, baseName: string, rows: readonly RosterRow[]): { csv: string; json: string } {
  fs.mkdirSync(dir, { recursive: true });
  const csv = path.join(dir, `${baseName}.roster.csv`);
  const json = path.join(dir, `${baseName}.roster.json`);
  fs.writeFileSync(csv, rosterCsv(rows));
  fs.writeFileSync(json, `${JSON.stringify(rows, null, 2)}\n`);
  return { csv, json };
}
