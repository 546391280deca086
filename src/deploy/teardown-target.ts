/**
 * What `mlflow-lab teardown` needs before it can run: which lab the stack is, and a client for the serving
 * endpoints of its Databricks workspace. The command parses its options and calls these with its deployer
 * and journal; the teardown itself is runTeardown (./teardown.ts).
 */
import { createCredential, StaticTokenCredential } from "../azure/credentials";
import { PROJECT_NAME } from "../config/lab-config";
import { deriveSuffix } from "../config/suffix";
import { GUID_PATTERN } from "../config/guid";
import { OperationFailedError, UserInputError } from "../errors";
import { labNames } from "../lab/naming";
import { DatabricksServingClient } from "../removal/serving-endpoints";
import { StackNotFoundError, type Deployer, type StackOutputs } from "./deployer";
import type { JournalStore, TeardownTarget } from "./teardown";

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
  options: { stack: string; subscription?: string },
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

/**
 * The serving client teardown opens for a lab's workspace URL. MLFLOW_LAB_DATABRICKS_TOKEN: a Databricks
 * token for hosted labs and tests; otherwise an Entra token for the Azure Databricks resource from the
 * usual credential chain. MLFLOW_LAB_DATABRICKS_ENDPOINT points every workspace at one host (tests).
 */
export function databricksClientFactory(env: NodeJS.ProcessEnv): (workspaceUrl: string) => DatabricksServingClient {
  const credential = env.MLFLOW_LAB_DATABRICKS_TOKEN ? new StaticTokenCredential(env.MLFLOW_LAB_DATABRICKS_TOKEN) : createCredential(env);
  return (workspaceUrl: string) =>
    new WorkspaceServingClient(env.MLFLOW_LAB_DATABRICKS_ENDPOINT ?? `https://${workspaceUrl.replace(/^https?:\/\//, "")}`, credential);
}
