import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as resources from "@pulumi/azure-native/resources";
import type { LabConfig } from "../config/lab-config";
import { deriveSuffix } from "../config/suffix";
import { MlWorkspace } from "./azureml/workspace";
import { DatabricksLab } from "./databricks";
import type { DatasetFetcher } from "./databricks/assets";
import { grantLearnersReader } from "./class-access";
import { AciEndpoint } from "./endpoints/aci";
import { AksInference, KubernetesEndpoint } from "./endpoints/aks";
import { ManagedEndpoint } from "./endpoints/managed";
import type { ServedEndpoint } from "./endpoints/online";
import { LabLease } from "./lease";
import { labNames, type LabNames } from "./naming";
import { labTagsOutput } from "./tags";

export type { DatasetFetcher } from "./databricks/assets";
export { fetchVerifiedDataset } from "./databricks/dataset";

export interface BuildLabOptions {
  /**
   * Supplies the dataset's base64 content. `src/index.ts` downloads and verifies it at deploy time; the
   * offline plan and the tests pass a placeholder so they never touch the network.
   */
  fetchDataset: DatasetFetcher;
}

export interface EndpointOutput {
  kind: "aci" | "aks" | "managed" | "databricks";
  scoringUri: string;
}

/** The stack outputs (src/index.ts exports them as they are). */
export interface LabOutputs {
  region: string;
  labId: string;
  resourceGroupName: pulumi.Output<string>;
  workspaceUrl: pulumi.Output<string>;
  /** Absent on serverless compute, which has no cluster. */
  clusterId?: pulumi.Output<string>;
  catalogMode: LabConfig["catalogMode"];
  compute: LabConfig["compute"];
  /** The data file as the notebook reads it: a Unity Catalog volume path, or the DBFS root path (legacy). */
  dataPath: string;
  /** The model the notebook registers and the Databricks serving endpoint serves. */
  registeredModel: string;
  amlWorkspaceName?: pulumi.Output<string>;
  /** ARM id of the Azure ML workspace: where `mlflow-lab push-model --stack` registers models. */
  amlWorkspaceId?: pulumi.Output<string>;
  mlflowTrackingUri?: pulumi.Output<string>;
  endpoints: pulumi.Output<Record<string, EndpointOutput>>;
  /** Secret: endpoint name → key (Databricks serving uses workspace tokens and has none here). */
  endpointKeys: pulumi.Output<Record<string, string>>;
  createdAt: pulumi.Output<string>;
  expiresAt: pulumi.Output<string>;
}

/**
 * The whole lab as ComponentResources. A plain async function: the Pulumi CLI (src/index.ts), the offline
 * plan (src/plan) and the tests all run it. The config must already be validated (parseLabConfig), so
 * nothing is registered for a bad config.
 */
export async function buildLab(config: LabConfig, options: BuildLabOptions): Promise<LabOutputs> {
  const client = await authorization.getClientConfig();
  const suffix = config.suffix ?? deriveSuffix(pulumi.getProject(), pulumi.getStack(), client.subscriptionId);
  const names = labNames(suffix);
  const lab = new MlflowLab("lab", { config, names, client, fetchDataset: options.fetchDataset });
  return lab.outputs;
}

interface MlflowLabArgs {
  config: LabConfig;
  names: LabNames;
  client: { subscriptionId: string; tenantId: string };
  fetchDataset: DatasetFetcher;
}

export class MlflowLab extends pulumi.ComponentResource {
  readonly outputs: LabOutputs;

  constructor(name: string, args: MlflowLabArgs, opts?: pulumi.ComponentResourceOptions) {
    super("azure-mlflow-lab:index:Lab", name, {}, opts);
    const { config, names, client } = args;

    const lease = new LabLease("lab-lease", { ttl: config.ttl, ttlSeconds: config.ttlSeconds }, { parent: this });
    const tags = labTagsOutput(names.labId, config.owner, lease, config.classId);

    const group = new resources.ResourceGroup(
      "resource-group",
      { resourceGroupName: names.resourceGroup, location: config.region, tags },
      { parent: this },
    );
    const common = { resourceGroupName: group.name, location: config.region, tags };
    grantLearnersReader("learner-reader", { learners: config.learners, resourceGroupId: group.id, subscriptionId: client.subscriptionId }, { parent: this });

    const databricksLab = new DatabricksLab(
      "databricks",
      {
        config,
        names,
        resourceGroupName: group.name,
        subscriptionId: client.subscriptionId,
        tags,
        fetchDataset: args.fetchDataset,
      },
      { parent: this },
    );

    const served: Record<string, ServedEndpoint> = {};
    let ml: MlWorkspace | undefined;
    if (config.azureMl) {
      ml = new MlWorkspace(
        "azureml",
        {
          names,
          ...common,
          tenantId: client.tenantId,
          withContainerRegistry: config.endpoints.some((e) => e.kind === "managed" || e.kind === "aks"),
        },
        { parent: this },
      );
      const workspace = ml.workspace;
      const onWorkspace = { ...common, workspaceName: workspace.name, workspaceId: workspace.id };

      const aksEndpoints = config.endpoints.filter((e) => e.kind === "aks");
      const aks =
        aksEndpoints.length > 0
          ? new AksInference(
              "aks",
              { names, ...common, workspaceName: workspace.name, sizes: aksEndpoints.map((e) => e.size) },
              { parent: this },
            )
          : undefined;

      for (const endpoint of config.endpoints) {
        const endpointArgs = { endpoint, azureName: names.endpoint(endpoint.name), ...onWorkspace };
        const componentName = `endpoint-${endpoint.name}`;
        if (endpoint.kind === "managed") {
          served[endpoint.name] = new ManagedEndpoint(componentName, endpointArgs, { parent: this }).served;
        } else if (endpoint.kind === "aks") {
          served[endpoint.name] = new KubernetesEndpoint(
            componentName,
            { ...endpointArgs, computeId: aks!.compute.id },
            { parent: aks },
          ).served;
        } else {
          served[endpoint.name] = new AciEndpoint(
            componentName,
            {
              endpoint,
              azureName: names.endpoint(endpoint.name),
              ...common,
              subscriptionId: client.subscriptionId,
              mlflowTrackingUri: ml.mlflowTrackingUri,
              workspaceId: workspace.id,
              storageAccountId: ml.storageAccount.id,
              storageAccountName: ml.storageAccount.name,
            },
            { parent: this },
          ).served;
        }
      }
    }

    const endpointUris: Record<string, pulumi.Output<EndpointOutput>> = {};
    for (const [endpointName, endpoint] of Object.entries(served)) {
      endpointUris[endpointName] = endpoint.scoringUri.apply((scoringUri) => ({ kind: endpoint.kind, scoringUri }));
    }
    if (databricksLab.servingUrl) {
      endpointUris[config.databricksServing.name] = databricksLab.servingUrl.apply((scoringUri) => ({
        kind: "databricks" as const,
        scoringUri,
      }));
    }
    const keys = Object.fromEntries(Object.entries(served).map(([endpointName, e]) => [endpointName, e.key]));

    this.outputs = {
      region: config.region,
      labId: names.labId,
      resourceGroupName: group.name,
      workspaceUrl: databricksLab.workspaceUrl,
      ...(databricksLab.cluster ? { clusterId: databricksLab.cluster.id } : {}),
      catalogMode: config.catalogMode,
      compute: config.compute,
      dataPath: databricksLab.layout.dataPath,
      registeredModel: databricksLab.layout.modelName,
      ...(ml ? { amlWorkspaceName: ml.workspace.name, amlWorkspaceId: ml.workspace.id, mlflowTrackingUri: ml.mlflowTrackingUri } : {}),
      endpoints: pulumi.output(endpointUris) as pulumi.Output<Record<string, EndpointOutput>>,
      endpointKeys: pulumi.secret(pulumi.output(keys)) as pulumi.Output<Record<string, string>>,
      createdAt: lease.createdAt,
      expiresAt: lease.expiresAt,
    };
    this.registerOutputs({ labId: names.labId, expiresAt: lease.expiresAt });
  }
}
