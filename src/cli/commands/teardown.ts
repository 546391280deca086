import Table from "cli-table3";
import { createArmClient } from "../../azure/arm-client";
import { systemClock } from "../../azure/clock";
import { createCredential, StaticTokenCredential } from "../../azure/credentials";
import { PROJECT_NAME } from "../../config/lab-config";
import { stateDir } from "../../config/state-dir";
import { deriveSuffix } from "../../config/suffix";
import { GUID_PATTERN } from "../../config/guid";
import { StackNotFoundError, type Deployer, type StackOutputs } from "../../deploy/deployer";
import { labNames } from "../../lab/naming";
import { loadDeployer } from "../../deploy/load-deployer";
import { renderGroupTable, renderItemTable, tableStyle } from "../../cleanup/results";
import { resolveRunMode } from "../../cleanup/run-guards";
import { DatabricksServingClient } from "../../removal/serving-endpoints";
import { fileJournalStore, runTeardown, TeardownRefusedError, type JournalStore, type TeardownTarget } from "../../deploy/teardown";
import { OperationFailedError, UserInputError } from "../../errors";
import { useColor } from "../output-mode";

/** `mlflow-lab teardown`: what runs once the command is chosen (options: ./register/teardown.ts). */
export interface TeardownCommandOptions {
  stack: string;
  subscription?: string;
  yes?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

/** A read of a stack that may not exist (never deployed, or already removed); every other engine error surfaces. */
async function unlessMissing<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof StackNotFoundError) return undefined;
    throw error;
  }
}

function outputString(outputs: StackOutputs | undefined, key: string): string | undefined {
  const value = outputs?.[key]?.value;
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * Which lab the stack is: its outputs when it was deployed, else its config (suffix), else the suffix the
 * program derives from project, stack and subscription; a journal from an interrupted teardown fills
 * in what is gone already.
 */
export async function resolveTeardownTarget(
  deployer: Deployer,
  journal: JournalStore,
  options: Pick<TeardownCommandOptions, "stack" | "subscription">,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TeardownTarget> {
  const stack = options.stack;
  const previous = journal.load(stack)?.target;
  const config = await unlessMissing(() => deployer.getConfig(stack));
  const outputs = config ? await unlessMissing(() => deployer.outputs(stack)) : undefined;
  const subscriptionId =
    options.subscription ??
    config?.["azure-native:subscriptionId"]?.value ??
    env.AZURE_SUBSCRIPTION_ID ??
    env.ARM_SUBSCRIPTION_ID ??
    previous?.subscriptionId;
  if (!subscriptionId) {
    throw new UserInputError(`teardown needs the subscription of stack ${stack}: pass --subscription <id> or set AZURE_SUBSCRIPTION_ID`);
  }
  if (!GUID_PATTERN.test(subscriptionId)) throw new UserInputError(`--subscription '${subscriptionId}' is not a subscription id (a GUID)`);
  const suffix = config?.[`${PROJECT_NAME}:suffix`]?.value ?? deriveSuffix(PROJECT_NAME, stack, subscriptionId);
  const labId = outputString(outputs, "labId") ?? previous?.labId ?? labNames(suffix).labId;
  const resourceGroup = outputString(outputs, "resourceGroupName") ?? previous?.resourceGroup ?? labId;
  return { stack, subscriptionId, resourceGroup, labId };
}

/** Says which workspace could not be listed, and that a re-run resumes, instead of a bare socket error. */
class WorkspaceServingClient extends DatabricksServingClient {
  override async list(): ReturnType<DatabricksServingClient["list"]> {
    try {
      return await super.list();
    } catch (error) {
      const e = error as { name?: string; statusCode?: number; code?: string; message?: string };
      const host = new URL(this.baseUrl).host;
      const problem = e.name === "RestError" && e.statusCode === undefined ? `could not be reached (${e.code ?? e.message})` : `refused to list its serving endpoints (${e.message})`;
      throw new OperationFailedError(`Databricks workspace ${host} ${problem}; nothing more was changed: check access to the workspace and run teardown again (it picks up where it stopped)`);
    }
  }
}

function databricksClientFactory(env: NodeJS.ProcessEnv) {
  // MLFLOW_LAB_DATABRICKS_TOKEN: a Databricks token for hosted labs and tests; otherwise an Entra token
  // for the Azure Databricks resource from the usual credential chain.
  const credential = env.MLFLOW_LAB_DATABRICKS_TOKEN ? new StaticTokenCredential(env.MLFLOW_LAB_DATABRICKS_TOKEN) : createCredential(env);
  return (workspaceUrl: string) =>
    new WorkspaceServingClient(env.MLFLOW_LAB_DATABRICKS_ENDPOINT ?? `https://${workspaceUrl.replace(/^https?:\/\//, "")}`, credential);
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
    const steps = new Table({ head: ["step"], ...tableStyle(color) });
    for (const s of report.steps) steps.push([s]);
    process.stdout.write(`${steps.toString()}\n`);
    if (report.items.length > 0) process.stdout.write(`${renderItemTable(report.items, { color })}\n`);
    if (report.groups.length > 0) process.stdout.write(`${renderGroupTable(report.groups, { color })}\n`);
    if (mode === "dry-run") process.stdout.write("dry run: nothing was changed; pass --yes to tear the lab down\n");
  }
  if (report.failed) throw new OperationFailedError(`teardown of ${target.labId} did not finish cleanly; run it again (it picks up where it stopped)`);
}
