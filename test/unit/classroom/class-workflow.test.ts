import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildProgram } from "../../../src/cli/main";

/** .github/workflows/class.yml: its promises checked on the file, and its own snippets run. */
const workflow = parse(readFileSync(join(__dirname, "../../../.github/workflows/class.yml"), "utf8"));
type Step = Record<string, any>;
const stepsOf = (job: string): Step[] => workflow.jobs[job].steps;

describe(".github/workflows/class.yml", () => {
  it("logs in with OIDC in every job and keeps Pulumi state in Azure Blob Storage (azblob://)", () => {
    expect(workflow.permissions).toEqual({ "id-token": "write", contents: "read" });
    for (const job of Object.keys(workflow.jobs)) {
      const login = stepsOf(job).find((s) => String(s.uses).startsWith("azure/login@"));
      expect(login?.with, job).toEqual({ "client-id": "${{ vars.AZURE_CLIENT_ID }}", "tenant-id": "${{ vars.AZURE_TENANT_ID }}", "subscription-id": "${{ vars.AZURE_SUBSCRIPTION_ID }}" });
    }
    expect(workflow.env.PULUMI_BACKEND_URL).toBe("azblob://${{ vars.MLFLOW_LAB_STATE_CONTAINER }}?storage_account=${{ vars.MLFLOW_LAB_STATE_ACCOUNT }}");
    expect(workflow.env.PULUMI_CONFIG_PASSPHRASE).toBe("${{ secrets.PULUMI_CONFIG_PASSPHRASE }}");
  });

  it("plans once and runs the shards as a matrix of that plan, never cancelling a shard for another's failure", () => {
    const up = workflow.jobs.up;
    expect(up.needs).toBe("plan");
    expect(up.strategy.matrix.shard).toBe("${{ fromJSON(needs.plan.outputs.shards) }}");
    expect(up.strategy["fail-fast"]).toBe(false);
    const run = stepsOf("up").find((s) => String(s.run ?? "").includes("class up"))!.run as string;
    expect(run).toContain("--plan plan.json --shards ${{ inputs.shards }} --shard ${{ matrix.shard }}");
    expect(workflow.concurrency["cancel-in-progress"]).toBe(false);
  });

  it("its shard list snippet gives 1..N", () => {
    const run = stepsOf("plan").find((s) => s.id === "shards")!.run as string;
    const script = /node -e '([^']+)'/.exec(run)![1]!;
    expect(execFileSync(process.execPath, ["-e", script, "4"], { encoding: "utf8" }).trim()).toBe("[1,2,3,4]");
  });

  it("calls only options the CLI has", () => {
    const program = buildProgram();
    const group = program.commands.find((c) => c.name() === "class")!;
    const runs = Object.keys(workflow.jobs).flatMap((job) => stepsOf(job).map((s) => String(s.run ?? "")));
    const lines = runs.join("\n").replace(/\\\n\s*/g, " ").split("\n").filter((l) => l.includes("src/cli/main.ts class"));
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) {
      const sub = /class (\w+|\$\{\{ inputs\.action \}\})/.exec(line)![1]!;
      const names = sub.startsWith("$") ? ["status", "down"] : [sub];
      for (const name of names) {
        const command = group.commands.find((c) => c.name() === name)!;
        const known = new Set(command.options.map((o) => o.long));
        for (const flag of line.match(/--[a-z-]+/g) ?? []) expect(known.has(flag), `${name} ${flag}`).toBe(true);
      }
    }
  });
});
