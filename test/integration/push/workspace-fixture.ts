import * as fs from "node:fs";
import * as path from "node:path";
import { BlobServiceClient, StorageSharedKeyCredential, type ContainerClient } from "@azure/storage-blob";
import { ArmClient, StaticTokenCredential } from "../../../src/azure";
import type { WorkspaceRef } from "../../../src/models/push/azureml-assets";
import { startArmTestServer, type ArmTestServer } from "../../support/arm-test-server";
import { startAzurite, type RunningAzurite } from "../../support/azurite";
import { trustTestCa } from "../../support/tls";

/**
 * An Azure ML workspace for push tests: the ARM test server holds the workspace, its default blob
 * datastore (account key from listSecrets) and the model registry; Azurite holds the blobs.
 */

export const WORKSPACE: WorkspaceRef = {
  subscriptionId: "5b1c0a1e-7d4f-4c2a-9e3b-00000000b004",
  resourceGroup: "msl-push01",
  workspace: "mlw-push01",
};
export const CONTAINER = "azureml-blobstore-5b1c0a1e";

export interface PushWorkspace {
  arm: ArmTestServer;
  azurite: RunningAzurite;
  client: ArmClient;
  container: ContainerClient;
  /** Environment for the CLI (in process or as a child). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startPushWorkspace(options: { persistence?: "memory" | "disk" } = {}): Promise<PushWorkspace> {
  const azurite = await startAzurite(options);
  const endpoint = new URL(azurite.blobEndpoint);
  const arm = await startArmTestServer({
    throttle: false,
    seed: {
      locations: [{ name: "westeurope", displayName: "West Europe" }],
      subscriptions: [
        {
          subscriptionId: WORKSPACE.subscriptionId,
          displayName: "push tests",
          resourceGroups: [
            {
              name: WORKSPACE.resourceGroup,
              location: "westeurope",
              resources: [
                { type: "Microsoft.MachineLearningServices/workspaces", name: WORKSPACE.workspace, properties: { mlFlowTrackingUri: "azureml://westeurope.api.azureml.ms/mlflow/v1.0" } },
                {
                  type: "Microsoft.MachineLearningServices/workspaces/datastores",
                  name: `${WORKSPACE.workspace}/workspaceblobstore`,
                  properties: {
                    datastoreType: "AzureBlob",
                    isDefault: true,
                    accountName: azurite.accountName,
                    containerName: CONTAINER,
                    endpoint: endpoint.host,
                    protocol: "http",
                    credentials: { credentialsType: "AccountKey", secrets: { secretsType: "AccountKey", key: azurite.accountKey } },
                  },
                },
              ],
            },
          ],
        },
      ],
    },
  });
  trustTestCa(arm.caCertPem);
  const service = new BlobServiceClient(azurite.blobEndpoint, new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey));
  const container = service.getContainerClient(CONTAINER);
  await container.create();
  const client = new ArmClient({ credential: new StaticTokenCredential("arm-test-server-token"), endpoint: arm.url, retry: { maxRetries: 1 } });
  return {
    arm,
    azurite,
    client,
    container,
    env: arm.env(),
    stop: async () => {
      await arm.stop();
      await azurite.stop();
    },
  };
}

export async function blobNames(container: ContainerClient, prefix: string): Promise<string[]> {
  const names: string[] = [];
  for await (const blob of container.listBlobsFlat({ prefix })) names.push(blob.name);
  return names.sort();
}

/** A small valid MLflow model folder (pyfunc flavor) with `extra` additional files. */
/**
 * A small hand-made MLflow model folder. Its requirements.txt names azureml-ai-monitoring, as models
 * logged for Azure ML no-code deployments now do (Azure/azureml-examples#3902), so push-model uploads it
 * as it is; `withoutMonitoring` leaves it out, as older models do.
 */
export function makeModelDir(root: string, name: string, options: { files?: number; fileBytes?: number; bigFileBytes?: number; seed?: string; withoutMonitoring?: boolean } = {}): string {
  const dir = path.join(root, name);
  fs.mkdirSync(path.join(dir, "data"), { recursive: true });
  fs.writeFileSync(
    path.join(dir, "MLmodel"),
    [
      "artifact_path: model",
      "flavors:",
      "  python_function:",
      "    loader_module: mlflow.pyfunc.model",
      "    python_version: 3.10",
      `mlflow_version: 2.10.0`,
      `run_id: ${(options.seed ?? "0").padEnd(32, "0")}`,
      "signature:",
      `  inputs: '[{"type": "double", "name": "x"}]'`,
      "",
    ].join("\n"),
  );
  fs.writeFileSync(path.join(dir, "requirements.txt"), `mlflow==2.10.0\n${options.withoutMonitoring ? "" : "azureml-ai-monitoring==1.0.0\n"}# ${options.seed ?? ""}\n`);
  const fileBytes = options.fileBytes ?? 64;
  for (let i = 0; i < (options.files ?? 0); i++) {
    const body = Buffer.alloc(fileBytes, `${options.seed ?? ""}${i}`);
    fs.writeFileSync(path.join(dir, "data", `part-${String(i).padStart(5, "0")}.bin`), body);
  }
  if (options.bigFileBytes) {
    const big = Buffer.alloc(options.bigFileBytes);
    for (let i = 0; i < big.length; i += 4096) big.writeUInt32LE((i * 2654435761) >>> 0, i);
    fs.writeFileSync(path.join(dir, "data", "weights.bin"), big);
  }
  return dir;
}
