import { describe, expect, it } from "vitest";
import { renderGroupTable, renderItemTable, wrapText } from "../../../src/cleanup/results";
import type { GroupResult } from "../../../src/removal/results";
import { useColor } from "../../../src/cli/output-mode";

const SUB_A = "0b1f6471-1bf0-4dda-aec3-111122223333";
const SUB_B = "0b1f6471-9999-4dda-aec3-444455556666";
const MANAGED_BY = `/subscriptions/${SUB_A}/resourceGroups/msl-abc1234/providers/Microsoft.Databricks/workspaces/databricks-abc1234`;
const ESC = "\u001b[";

const groups: GroupResult[] = [
  { subscriptionId: SUB_A, name: "databricks-rg-abc1234", outcome: "kept", reason: `managed by ${MANAGED_BY}` },
  { subscriptionId: SUB_B, name: "msl-def5678", outcome: "would-delete", reason: "expired 2h ago" },
];

/** The table's text with borders, padding and line breaks taken out: what a reader can piece together. */
const joined = (table: string) => table.replace(/[│┌┐└┘├┤┬┴┼─\s]/g, "");

describe("cleanup tables people can read", () => {
  it("shows subscriptions in full (two can share their first characters)", () => {
    const table = renderGroupTable(groups, { color: false });
    expect(table).toContain(SUB_A);
    expect(table).toContain(SUB_B);
  });

  it("wraps a managed-by reason at its slashes instead of cutting it", () => {
    const table = renderGroupTable(groups, { color: false });
    expect(table).not.toContain("…");
    expect(joined(table)).toContain(`managedby${MANAGED_BY}`);
    for (const line of wrapText(`managed by ${MANAGED_BY}`, 68).split("\n")) expect(line.length).toBeLessThanOrEqual(68);
    expect(wrapText(`managed by ${MANAGED_BY}`, 68).split("\n")[1]).toMatch(/^\/subscriptions\/.*\/$/);
  });

  it("colours only when asked to", () => {
    expect(renderGroupTable(groups, { color: false })).not.toContain(ESC);
    expect(renderItemTable([{ kind: "Key Vault", subscriptionId: SUB_A, name: "kv-1", outcome: "purged", reason: "done" }], { color: false })).not.toContain(ESC);
    expect(renderGroupTable(groups, { color: true })).toContain(ESC);
  });
});

describe("when to colour", () => {
  it("only on a terminal, and never with NO_COLOR set to anything but empty (no-color.org)", () => {
    expect(useColor({ isTTY: true }, {})).toBe(true);
    expect(useColor({ isTTY: false }, {})).toBe(false);
    expect(useColor({}, {})).toBe(false);
    expect(useColor({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    expect(useColor({ isTTY: true }, { NO_COLOR: "0" })).toBe(false);
    expect(useColor({ isTTY: true }, { NO_COLOR: "" })).toBe(true);
  });
});
