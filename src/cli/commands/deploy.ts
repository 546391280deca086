import Table from "cli-table3";
import { sdkContextFromEnv } from "../../azure/sdk-clients";
import { deployLab, type DeployRequest } from "../../deploy/deploy-lab";
import type { DeployOutcome } from "../../deploy/failover-flow";
import { loadDeployer } from "../../deploy/load-deployer";
import type { PromptIO } from "../../deploy/prompt";
import { parseSeed } from "./regions";

/**
 * `mlflow-lab deploy`: select a region on live signals, then deploy the stack with failover and print
 * where the lab is, when it expires and how to remove it. Cloud Shell's setup scripts end here.
 * Options: ./register/deploy.ts.
 */
export type DeployCommandOptions = Omit<DeployRequest, "seed"> & {
  /** --seed as typed (checked by parseSeed). */
  seed?: string;
};

export function outcomeReport(outcome: DeployOutcome): string {
  const lines = [
    `Lab ready: stack ${outcome.stack}, resource group ${outcome.resourceGroup}${outcome.resumed ? " (resumed)" : ""}`,
    `  Workspace:  ${outcome.workspaceUrl ?? "(the engine reported no URL; see the portal)"}`,
    `  Region:     ${outcome.region} (${outcome.compute === "serverless" ? "serverless compute, no cluster" : outcome.nodeType})`,
    `  Expires:    ${outcome.expiresAt ?? "(no lab-expires-at tag found)"}`,
    `  Tear down:  ${outcome.teardownCommand}`,
  ];
  if (outcome.attempts.length > 1) {
    const table = new Table({ head: ["Region", "Node type", "Outcome", "Reason"], style: { head: [], border: [] }, wordWrap: true, colWidths: [16, 18, 11, 70] });
    for (const a of outcome.attempts) table.push([a.region, a.nodeType, a.outcome, a.reason ?? ""]);
    lines.push("Attempts:", table.toString());
  }
  return `${lines.join("\n")}\n`;
}

export async function runDeploy(options: DeployCommandOptions, env: NodeJS.ProcessEnv = process.env, io: PromptIO = { input: process.stdin, output: process.stderr }): Promise<DeployOutcome> {
  const outcome = await deployLab({ ...options, seed: parseSeed(options.seed) }, { env, io, sdkContext: () => sdkContextFromEnv(env), loadDeployer: () => loadDeployer(env) });
  if (options.json) process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
  else process.stdout.write(outcomeReport(outcome));
  return outcome;
}
