import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

/** The scheduled workflow's promises, checked on the file itself. */
const workflow = parse(readFileSync(join(__dirname, "../../../.github/workflows/cleanup.yml"), "utf8"));
const job = workflow.jobs.cleanup;
const steps: Array<Record<string, any>> = job.steps;

describe(".github/workflows/cleanup.yml", () => {
  it("runs on a cron schedule, on pull requests and by hand, never two at once", () => {
    expect(workflow.on.schedule[0].cron).toMatch(/^\S+ \S+ \S+ \S+ \S+$/);
    expect(workflow.on.pull_request).toBeDefined();
    expect(workflow.on.workflow_dispatch.inputs.delete.default).toBe(false);
    expect(workflow.concurrency["cancel-in-progress"]).toBe(false);
  });

  it("logs in with OIDC (id-token: write, no secret) from repository variables", () => {
    expect(workflow.permissions).toEqual({ "id-token": "write", contents: "read" });
    const login = steps.find((s) => String(s.uses).startsWith("azure/login@"));
    expect(login?.with).toEqual({ "client-id": "${{ vars.AZURE_CLIENT_ID }}", "tenant-id": "${{ vars.AZURE_TENANT_ID }}", "subscription-id": "${{ vars.AZURE_SUBSCRIPTION_ID }}" });
    expect(JSON.stringify(workflow)).not.toMatch(/secrets\./);
  });

  it("deletes only on the schedule (or a deliberate manual run) and dry-runs pull requests", () => {
    expect(job.env.MODE).toBe("${{ (github.event_name == 'schedule' || (github.event_name == 'workflow_dispatch' && inputs.delete)) && '--yes' || '--dry-run' }}");
    expect(job.env.MLFLOW_LAB_CLEANUP_SUBSCRIPTIONS).toBe("${{ vars.MLFLOW_LAB_CLEANUP_SUBSCRIPTIONS }}");
    const run = steps.find((s) => String(s.run ?? "").includes("cleanup"))?.run as string;
    expect(run).toContain('cleanup "$MODE"');
    expect(run).toContain("--max");
  });
});
