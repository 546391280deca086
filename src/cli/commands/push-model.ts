import * as fs from "node:fs";
import Table from "cli-table3";
import { createArmClient, createCredential } from "../../azure";
import { UserInputError } from "../../errors";
import { progressBar } from "../output-mode";
import { registerUriCredentials } from "../../secrets/redact";
import { parseWorkspaceId, type WorkspaceRef } from "../../models/push/azureml-assets";
import { pushModel, type PushResult } from "../../models/push/push-model";
import { configSetCommand, setEndpointModel, StackConfigError } from "../../models/push/stack-config";
import { stackFilePath, stackNameOf } from "../../config/stack-settings";
import { outputsFromFile } from "../../scoring/endpoint-lookup";
import { readStackOutputs } from "../../deploy/load-deployer";

/** `mlflow-lab push-model`: what runs once the command is chosen (options: ./register/push-model.ts). */
export interface PushOptions {
  name: string;
  version?: string;
  trackingUri?: string;
  runId?: string;
  artifactPath?: string;
  workspace?: string;
  resourceGroup?: string;
  subscription?: string;
  stack?: string;
  outputs?: string;
  deploy?: string;
  json?: boolean;
}

/** Workspace from the stack outputs: the lab program exports the Azure ML workspace's ARM id. */
function workspaceFromOutputs(outputs: Record<string, unknown>): string | undefined {
  return typeof outputs.amlWorkspaceId === "string" && outputs.amlWorkspaceId ? outputs.amlWorkspaceId : undefined;
}

export async function resolveWorkspace(options: PushOptions, env: NodeJS.ProcessEnv = process.env): Promise<WorkspaceRef> {
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
    const outputs = options.outputs
      ? await outputsFromFile(options.outputs)().catch((e: Error) => {
          throw new UserInputError(e.message);
        })
      : await readStackOutputs(stackNameOf(options.stack!), env);
    const id = workspaceFromOutputs(outputs);
    const ref = id ? parseWorkspaceId(id) : undefined;
    if (!ref) throw new UserInputError(`${source} names no Azure ML workspace (output amlWorkspaceId); is azureMl enabled in the stack?`);
    return ref;
  }
  throw new UserInputError("push-model needs a workspace: --stack <stack>, --outputs <file>, or --workspace <ARM id> (or <name> --resource-group <rg>)");
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e6 ? 3 : 1)} MB`;
}

function deploy(result: PushResult, options: PushOptions): { message: string; file?: string; command?: string } {
  const modelRef = `${result.name}:${result.version}`;
  if (!options.stack) {
    return { message: `no --stack given; to serve ${modelRef} from endpoint "${options.deploy}" run`, command: `${configSetCommand("N", modelRef)}   # N = position of "${options.deploy}" in endpoints; then: pulumi up` };
  }
  const file = stackFilePath(options.stack);
  if (!fs.existsSync(file)) {
    return { message: `${file} does not exist; run`, command: `${configSetCommand("N", modelRef, options.stack)}   # N = position of "${options.deploy}"; then: pulumi up --stack ${options.stack}` };
  }
  try {
    const updated = setEndpointModel(fs.readFileSync(file, "utf8"), options.deploy!, modelRef, file);
    fs.writeFileSync(file, updated.text);
    return { message: `${file}: endpoint "${options.deploy}" now serves ${modelRef}${updated.previous ? ` (was ${updated.previous})` : ""}; apply with: pulumi up --stack ${stackNameOf(options.stack)}`, file };
  } catch (error) {
    if (error instanceof StackConfigError) throw new UserInputError(error.message);
    throw error;
  }
}

export async function runPushModel(source: string, options: PushOptions): Promise<void> {
  const trackingUri = options.trackingUri ?? process.env.MLFLOW_TRACKING_URI;
  // The URI's password becomes basic auth in the registry client; masked by value in anything printed too.
  registerUriCredentials(trackingUri);
  const workspace = await resolveWorkspace(options);
  const arm = createArmClient();
  // For a person at a terminal only; scripts (--json, CI logs) get the result and nothing else.
  const bar = progressBar({ format: "uploading [{bar}] {percentage}% {value}/{total} MB", hideCursor: true });
  const result = await pushModel({
    source,
    name: options.name,
    version: options.version,
    workspace,
    arm,
    credential: createCredential(),
    // A user:password@ in the URI becomes basic auth inside the registry client (never part of a message).
    resolve: { trackingUri, runId: options.runId, artifactPath: options.artifactPath },
    onProgress: (p) => {
      if (!bar || p.total === 0) return;
      const toMb = (n: number) => Math.round(n / 1e5) / 10;
      bar.update(toMb(p.sent), toMb(p.total));
    },
  }).finally(() => bar?.stop());

  const deployed = options.deploy ? deploy(result, options) : undefined;
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ ...result, ...(deployed ? { deploy: deployed } : {}) }, null, 2)}\n`);
    return;
  }
  const table = new Table({ style: { head: [], border: [] } });
  table.push(
    { model: `${result.name}:${result.version}` },
    { status: result.status === "unchanged" ? "unchanged (same content already registered)" : "registered" },
    { uploaded: `${mb(result.uploadedBytes)} of ${mb(result.totalBytes)} in ${result.files} files` },
    { path: `${result.datastore}/${result.path}` },
    ...(result.servingPackagesAdded.length > 0 ? [{ "added for Azure ML serving": result.servingPackagesAdded.join(", ") }] : []),
    { id: result.id },
  );
  process.stdout.write(`${table.toString()}\n`);
  if (deployed) process.stdout.write(`${deployed.message}${deployed.command ? `\n  ${deployed.command}` : ""}\n`);
}
