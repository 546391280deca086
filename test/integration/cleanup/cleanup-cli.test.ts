/**
 * `mlflow-lab cleanup` as a user runs it: a child process pointed at an ARM test server seeded with the
 * "expired labs" inventory (expired labs, and groups that must survive for a reason each).
 */
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ArmTestServer } from "../../support/arm-test-server";
import { COURSE_SUB, EXPIRED_LABS, groupDeletes, OTHER_SUB, remainingGroups, startServer } from "./helpers";

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(server: ArmTestServer, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const tsx = join(process.cwd(), "node_modules/.bin/tsx");
  return new Promise((resolve) => {
    execFile(
      tsx,
      ["src/cli/main.ts", "cleanup", ...args],
      {
        cwd: process.cwd(),
        env: { ...process.env, ...server.env(), MLFLOW_LAB_STATE_DIR: mkdtempSync(join(tmpdir(), "cleanup-cli-")), MLFLOW_LAB_CLEANUP_SUBSCRIPTIONS: "", ...env },
        timeout: 100_000,
      },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let server: ArmTestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const KEPT = ["msl-baddate", "msl-casing", "msl-dnd001", "msl-future1", "msl-locked1", "msl-nodate1", "msl-otherowner", "msl-reslock"];

describe("mlflow-lab cleanup against the expired-labs inventory", () => {
  it("prints the table in a dry run and changes nothing", async () => {
    server = await startServer({ seed: EXPIRED_LABS, timeScale: 1 });
    const result = await cli(server, ["--subscription", COURSE_SUB]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const row = (name: string) => result.stdout.split("\n").find((line) => line.includes(` ${name} `)) ?? "";
    // A row with its wrapped continuation lines, borders and spaces taken out.
    const squeezed = (name: string) => {
      const lines = result.stdout.split("\n");
      const start = lines.findIndex((line) => line.includes(` ${name} `));
      const end = lines.findIndex((line, i) => i > start && /^[├└]/.test(line));
      return lines.slice(start, end).join("").replace(/[│\s]/g, "");
    };
    // The inventory's dates are fixed, so the age grows with the calendar; its wording is unit-tested.
    expect(row("msl-a1b2c3")).toMatch(/would-delete .*expired \d+d/);
    expect(row("msl-d4e5f6")).toMatch(/would-delete/);
    // Where each lock is: on the group itself, or on one resource in it.
    expect(row("msl-locked1")).toMatch(/kept .*locked \(CanNotDelete 'keep-for-grading' on the group\)/);
    expect(squeezed("msl-reslock")).toContain("kept" + "locked(CanNotDelete'nodelete'onMicrosoft.Storage/storageAccounts/stmslreslock)");
    expect(squeezed("msl-baddate")).toContain("expires-at'nexttuesday'isnotadate;writeaUTCdate-time");
    // Subscriptions in full, and no colour codes for a pipe.
    expect(row("msl-locked1")).toContain(COURSE_SUB);
    expect(result.stdout).not.toContain("\u001b[");
    expect(row("msl-dnd001")).toMatch(/tagged 'do-not-delete'/);
    expect(row("kv-msl-old001")).toMatch(/would-purge/);
    expect(row("kv-msl-protect")).toMatch(/kept .*purge protection is on/);
    expect(row("log-msl-old001")).toMatch(/kept .*Azure offers no purge for a soft-deleted Log Analytics/);
    expect(result.stdout).not.toContain("prod-data");
    expect(result.stdout).not.toContain("kv-team-shared");
    expect(result.stdout).toMatch(/2 would be deleted, 0 already deleting, 9 kept; 2 group\(s\) without lab tags ignored; dry run: nothing was changed/);
    expect([...groupDeletes(server).keys()]).toEqual([]);
    expect(server.requests().filter((r) => r.method !== "GET" && !r.path.endsWith("/providers/Microsoft.ResourceGraph/resources"))).toEqual([]);
  });

  it("gives the same data as JSON", async () => {
    server = await startServer({ seed: EXPIRED_LABS, timeScale: 1 });
    const result = await cli(server, ["--subscription", COURSE_SUB, "--json"]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.mode).toBe("dry-run");
    expect(report.counts["would-delete"]).toBe(2);
    const outcome = Object.fromEntries(report.groups.map((g: { name: string; outcome: string }) => [g.name, g.outcome]));
    for (const name of KEPT) expect(outcome[name], name).toBe("kept");
  });

  it("deletes exactly the expired labs with --yes, purges their lab-tagged vault, and keeps the rest", async () => {
    server = await startServer({ seed: EXPIRED_LABS, timeScale: 0.002 });
    const result = await cli(server, ["--subscription", COURSE_SUB, "--yes", "--json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.counts).toMatchObject({ deleted: 2, failed: 0 });
    const remaining = remainingGroups(server, COURSE_SUB);
    expect(remaining).not.toContain("msl-a1b2c3");
    expect(remaining).not.toContain("msl-d4e5f6");
    for (const name of [...KEPT, "msl-lookalike", "prod-data"]) expect(remaining, name).toContain(name);
    expect(remainingGroups(server, OTHER_SUB)).toEqual(["msl-zz9999"]);
    expect([...groupDeletes(server).keys()].sort()).toEqual(["msl-a1b2c3", "msl-d4e5f6"]);
    const vaults = server.deletedItems("keyVault").map((d) => d.name).sort();
    expect(vaults).toContain("kv-team-shared");
    expect(vaults).toContain("kv-msl-protect");
    expect(vaults).not.toContain("kv-msl-old001");
  });

  it("refuses to run without an allowlist (exit 2) and outside it", async () => {
    server = await startServer({ seed: EXPIRED_LABS, timeScale: 1 });
    const none = await cli(server, ["--yes"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^error: no subscription is allowed for cleanup: pass --subscription <id>, set MLFLOW_LAB_CLEANUP_SUBSCRIPTIONS/);
    const outside = await cli(server, ["--subscription", OTHER_SUB, "--yes"], { MLFLOW_LAB_CLEANUP_SUBSCRIPTIONS: COURSE_SUB });
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(/--subscription 5b1c0a1e-7d4f-4c2a-9e3b-00000000c002 is not on the allowlist from MLFLOW_LAB_CLEANUP_SUBSCRIPTIONS/);
    expect(groupDeletes(server).size).toBe(0);
  });

  it("aborts before any delete when more than --max groups would go", async () => {
    server = await startServer({ seed: EXPIRED_LABS, timeScale: 1 });
    const result = await cli(server, ["--yes", "--max", "1"], { MLFLOW_LAB_CLEANUP_SUBSCRIPTIONS: COURSE_SUB });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cleanup would delete 2 resource groups, more than --max 1; nothing was deleted/);
    expect(server.requests().filter((r) => r.method === "DELETE" || r.method === "POST" && r.path.endsWith("/purge"))).toEqual([]);
  });

  it("returns within --group-wait when one group's delete never ends: exit 1, that group still deleting, the other deleted and its vault purged", async () => {
    // The server runs 1,000 times faster than real time: everything the other lab needs (its workspaces'
    // deletes, the group's, the purge) takes well under 0.5 s, a tenth of the 5 s the CLI waits per group.
    server = await startServer({ seed: EXPIRED_LABS, timeScale: 0.001 });
    server.injectFault({ kind: "lro-stuck", match: { method: "DELETE", path: "/resourcegroups/msl-d4e5f6$" } });
    const result = await cli(server, ["--subscription", COURSE_SUB, "--yes", "--group-wait", "5s"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("error: cleanup finished with failures (0 group(s) failed, 1 still deleting after the 5s wait); see the table\n");
    const row = (name: string) => result.stdout.split("\n").find((line) => line.includes(` ${name} `)) ?? "";
    expect(row("msl-d4e5f6")).toMatch(/still-deleting .*still being deleted after the 5s wait/);
    expect(row("msl-a1b2c3")).toMatch(/ deleted /);
    expect(row("kv-msl-a1b2c3")).toMatch(/purged/);
    expect(result.stdout).toMatch(/1 deleted, 1 still deleting, 0 failed, \d+ kept/);
    expect(remainingGroups(server, COURSE_SUB)).toContain("msl-d4e5f6");
  });
});
