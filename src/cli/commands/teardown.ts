import Table from "cli-table3";
import { createArmClient } from "../../azure/arm-client";
import { systemClock } from "../../azure/clock";
import { stateDir } from "../../config/state-dir";
import type { Deployer } from "../../deploy/deployer";
import { loadDeployer } from "../../deploy/load-deployer";
import { renderGroupTable, renderItemTable, tableHead } from "../../cleanup/results";
import { resolveRunMode } from "../../cleanup/run-guards";
import { fileJournalStore, runTeardown, TeardownRefusedError } from "../../deploy/teardown";
import { databricksClientFactory, resolveTeardownTarget } from "../../deploy/teardown-target";
import { OperationFailedError } from "../../errors";
import { useColor } from "../output-mode";

/** `mlflow-lab teardown`: what runs once the command is chosen (options: ./register/teardown.ts). */
export interface TeardownCommandOptions {
  stack: string;
  subscription?: string;
  yes?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

export async function runTeardownCommand(options: TeardownCommandOptions, deployer?: Deployer): Promise<void> {
  deployer ??= await loadDeployer(process.env);
  const mode = resolveRunMode(options);
  const journal = fileJournalStore(stateDir());
  const target = await resolveTeardownTarget(deployer, journal, options);
  const log = (line: string) => {
    if (!options.json) process.stderr.write(`${line}\n`);
  };
  log(`teardown of stack ${target.stack}: lab ${target.labId}, resource group ${target.resourceGroup}, subscription ${target.subscriptionId}${mode === "dry-run" ? " (dry run)" : ""}`);
  let report;
  try {
    report = await runTeardown(
      { client: createArmClient({ maxConcurrency: 16 }), clock: systemClock, deployer, journal, databricks: databricksClientFactory(process.env) },
      target,
      { mode, onStep: log },
    );
  } catch (error) {
    if (error instanceof TeardownRefusedError) throw new OperationFailedError(error.message);
    throw error;
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const color = useColor();
    const steps = new Table(tableHead(["step"], color));
    for (const s of report.steps) steps.push([s]);
    process.stdout.write(`${steps.toString()}\n`);
    if (report.items.length > 0) process.stdout.write(`${renderItemTable(report.items, { color })}\n`);
    if (report.groups.length > 0) process.stdout.write(`${renderGroupTable(report.groups, { color })}\n`);
    if (mode === "dry-run") process.stdout.write("dry run: nothing was changed; pass --yes to tear the lab down\n");
  }
  if (report.failed) throw new OperationFailedError(`teardown of ${target.labId} did not finish cleanly; run it again (it picks up where it stopped)`);
}
