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
    expect(run).toContain('--plan plan.json --shards "$CLASS_SHARDS" --shard "$SHARD"');
    expect(stepsOf("up").find((s) => String(s.run ?? "").includes("class up"))!.env).toEqual({ SHARD: "${{ matrix.shard }}" });
    expect(workflow.env.CLASS_SHARDS).toBe("${{ inputs.shards }}");
    expect(workflow.concurrency["cancel-in-progress"]).toBe(false);
  });

  it("its shard list snippet gives 1..N", () => {
    const run = stepsOf("plan").find((s) => s.id === "shards")!.run as string;
    const script = /node -e '([^']+)'/.exec(run)![1]!;
    expect(execFileSync(process.execPath, ["-e", script, "4"], { encoding: "utf8" }).trim()).toBe("[1,2,3,4]");
  });

  it("never splices an input into a shell script: inputs reach the steps as environment variables", () => {
    for (const job of Object.keys(workflow.jobs)) {
      for (const step of stepsOf(job)) expect(String(step.run ?? ""), `${job}: ${step.name ?? step.run}`).not.toMatch(/\$\{\{/);
    }
    for (const input of Object.keys(workflow.on.workflow_dispatch.inputs).filter((i) => i !== "delete")) {
      expect(Object.values(workflow.env), input).toContain(`\${{ inputs.${input} }}`);
    }
  });

  it("scripts/class-workflow-args.sh keeps each input one argument, whatever it holds", () => {
    const args = (env: Record<string, string>) =>
      execFileSync(join(__dirname, "../../../scripts/class-workflow-args.sh"), { env: { PATH: process.env.PATH, ...env }, encoding: "utf8" }).split("\0").slice(0, -1);
    const hostile = 'classes/x.csv"; touch /tmp/pwned; echo "';
    expect(args({ CLASS_ROSTER: hostile, CLASS_STACK: "lab $(id)", CLASS_SUBSCRIPTIONS: " a , b,", CLASS_LAYOUT: "shared:5" })).toEqual([
      "--roster", hostile, "--stack", "lab $(id)", "--subscription", "a", "--subscription", "b", "--layout", "shared", "--per-workspace", "5",
    ]);
    expect(args({ CLASS_ROSTER: "r.csv", CLASS_STACK: "lab", CLASS_ID: "ml104" })).toEqual(["--roster", "r.csv", "--stack", "lab", "--class", "ml104"]);
    expect(() => execFileSync(join(__dirname, "../../../scripts/class-workflow-args.sh"), { env: { PATH: process.env.PATH, CLASS_ROSTER: "r.csv", CLASS_STACK: "lab", CLASS_LAYOUT: "pairs" }, stdio: "pipe" })).toThrow(/layout 'pairs': use per-learner or shared:K/);
  });

  it("calls only options the CLI has", () => {
    const program = buildProgram();
    const group = program.commands.find((c) => c.name() === "class")!;
    const runs = Object.keys(workflow.jobs).flatMap((job) => stepsOf(job).map((s) => String(s.run ?? "")));
    const script = readFileSync(join(__dirname, "../../../scripts/class-workflow-args.sh"), "utf8");
    const shared = (script.match(/--[a-z-]+/g) ?? []).join(" ");
    const lines = runs.join("\n").replaceAll('"${args[@]}"', shared).replace(/\\\n\s*/g, " ").split("\n").filter((l) => l.includes("src/cli/main.ts class"));
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) {
      const sub = /class (\w+|"\$CLASS_ACTION")/.exec(line)![1]!;
      const names = sub.startsWith('"') ? ["status", "down"] : [sub];
      for (const name of names) {
        const command = group.commands.find((c) => c.name() === name)!;
        const known = new Set(command.options.map((o) => o.long));
        for (const flag of line.match(/--[a-z-]+/g) ?? []) expect(known.has(flag), `${name} ${flag}`).toBe(true);
      }
    }
  });
});
