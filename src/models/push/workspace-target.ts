/**
 * Where `mlflow-lab push-model` registers a model, and what `--deploy` changes afterwards: the Azure ML
 * workspace from --workspace, an outputs file or a deployed stack's outputs (read through the caller's
 * reader, so this module needs no engine), and the stack file edit that points an endpoint at the pushed
 * version. The command parses its options and calls these; pushModel (./push-model.ts) does the push.
 */
import * as fs from "node:fs";
import { stackFilePath, stackNameOf } from "../../config/stack-settings";
import { UserInputError } from "../../errors";
import { parseWorkspaceId, type WorkspaceRef } from "./azureml-assets";
import type { PushResult } from "./push-model";
import { configSetCommand, setEndpointModel, StackConfigError } from "./stack-config";

export interface WorkspaceOptions {
  workspace?: string;
  resourceGroup?: string;
  subscription?: string;
  stack?: string;
  outputs?: string;
}

/** Reads stack outputs as plain values: from `pulumi stack output --json` saved to a file, or from the engine. */
export interface StackOutputsReader {
  fromFile(file: string): Promise<Record<string, unknown>>;
  fromStack(stack: string): Promise<Record<string, unknown>>;
}

/** Workspace from the stack outputs: the lab program exports the Azure ML workspace's ARM id. */
function workspaceFromOutputs(outputs: Record<string, unknown>): string | undefined {
  return typeof outputs.amlWorkspaceId === "string" && outputs.amlWorkspaceId ? outputs.amlWorkspaceId : undefined;
}

export async function resolveWorkspace(options: WorkspaceOptions, outputs: StackOutputsReader, env: NodeJS.ProcessEnv = process.env): Promise<WorkspaceRef> {
  if (options.workspace) {
    const byId = parseWorkspaceId(options.workspace);
    if (byId) return byId;
    if (options.workspace.startsWith("/")) {
      throw new UserInputError(`--workspace ${options.workspace} is not an Azure ML workspace id (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.MachineLearningServices/workspaces/<name>)`);
    }
    const subscriptionId = options.subscription ?? env.AZURE_SUBSCRIPTION_ID;
    if (!options.resourceGroup) throw new UserInputError("--workspace <name> needs --resource-group <rg> (or pass the workspace's full ARM id)");
    if (!subscriptionId) throw new UserInputError("--workspace <name> needs --subscription <id> or AZURE_SUBSCRIPTION_ID");
    return { subscriptionId, resourceGroup: options.resourceGroup, workspace: options.workspace };
  }
  if (options.outputs || options.stack) {
    const source = options.outputs ? `--outputs ${options.outputs}` : `stack ${options.stack}`;
    const values = options.outputs
      ? await outputs.fromFile(options.outputs).catch((e: Error) => {
          throw new UserInputError(e.message);
        })
      : await outputs.fromStack(stackNameOf(options.stack!));
    const id = workspaceFromOutputs(values);
    const ref = id ? parseWorkspaceId(id) : undefined;
    if (!ref) throw new UserInputError(`${source} names no Azure ML workspace (output amlWorkspaceId); is azureMl enabled in the stack?`);
    return ref;
  }
  throw new UserInputError("push-model needs a workspace: --stack <stack>, --outputs <file>, or --workspace <ARM id> (or <name> --resource-group <rg>)");
}

export interface EndpointDeployment {
  message: string;
  /** The stack file that was changed. */
  file?: string;
  /** The command to run when no stack file could be changed. */
  command?: string;
}

/**
 * `--deploy <endpoint>`: points the endpoint of the stack file at the pushed version (the next `pulumi up`
 * serves it), or says which command does it when there is no stack file to edit.
 */
export function deployToEndpoint(result: Pick<PushResult, "name" | "version">, endpoint: string, stack: string | undefined): EndpointDeployment {
  const modelRef = `${result.name}:${result.version}`;
  if (!stack) {
    return { message: `no --stack given; to serve ${modelRef} from endpoint "${endpoint}" run`, command: `${configSetCommand("N", modelRef)}   # N = position of "${endpoint}" in endpoints; then: pulumi up` };
  }
  const file = stackFilePath(stack);
  if (!fs.existsSync(file)) {
    return { message: `${file} does not exist; run`, command: `${configSetCommand("N", modelRef, stack)}   # N = position of "${endpoint}"; then: pulumi up --stack ${stack}` };
  }
  try {
    const updated = setEndpointModel(fs.readFileSync(file, "utf8"), endpoint, modelRef, file);
    fs.writeFileSync(file, updated.text);
    return { message: `${file}: endpoint "${endpoint}" now serves ${modelRef}${updated.previous ? ` (was ${updated.previous})` : ""}; apply with: pulumi up --stack ${stackNameOf(stack)}`, file };
  } catch (error) {
    if (error instanceof StackConfigError) throw new UserInputError(error.message);
    throw error;
  }
}
