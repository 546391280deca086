import Table from "cli-table3";
import { createArmClient, createCredential } from "../../azure";
import { progressBar } from "../output-mode";
import { registerUriCredentials } from "../../secrets/redact";
import { pushModel } from "../../models/push/push-model";
import { deployToEndpoint, resolveWorkspace, type StackOutputsReader } from "../../models/push/workspace-target";
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

/** Stack outputs from a saved `pulumi stack output --json` file, or from the deployed stack through the engine. */
export function stackOutputsReader(env: NodeJS.ProcessEnv = process.env): StackOutputsReader {
  return { fromFile: (file) => outputsFromFile(file)(), fromStack: (stack) => readStackOutputs(stack, env) };
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e6 ? 3 : 1)} MB`;
}

export async function runPushModel(source: string, options: PushOptions): Promise<void> {
  const trackingUri = options.trackingUri ?? process.env.MLFLOW_TRACKING_URI;
  // The URI's password becomes basic auth in the registry client; masked by value in anything printed too.
  registerUriCredentials(trackingUri);
  const workspace = await resolveWorkspace(options, stackOutputsReader());
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

  const deployed = options.deploy ? deployToEndpoint(result, options.deploy, options.stack) : undefined;
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
