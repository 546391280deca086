import * as pulumi from "@pulumi/pulumi";
import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as storage from "@pulumi/azure-native/storage";
import type { LabNames } from "../naming";
import type { TagMap } from "../tags";

export interface MlWorkspaceArgs {
  names: Pick<LabNames, "suffix" | "mlWorkspace" | "storageAccount" | "keyVault" | "logAnalytics" | "appInsights" | "containerRegistry">;
  /** Starts every child's Pulumi name (see childNamePrefix in ../naming.ts). */
  namePrefix: string;
  resourceGroupName: pulumi.Input<string>;
  location: string;
  tenantId: pulumi.Input<string>;
  tags: pulumi.Input<TagMap>;
  /** Azure ML online endpoints build their scoring image into the workspace registry. */
  withContainerRegistry: boolean;
}

/**
 * The course's Azure ML workspace with every dependency declared here. Left to itself, Azure ML (or the
 * portal) creates them implicitly: untagged, and with a "DefaultResourceGroup-<region>" holding a Log
 * Analytics workspace outside the lab's group, which teardown and the janitor would never find.
 */
export class MlWorkspace extends pulumi.ComponentResource {
  readonly workspace: machinelearningservices.Workspace;
  readonly storageAccount: storage.StorageAccount;
  readonly keyVault: keyvault.Vault;
  readonly containerRegistry?: containerregistry.Registry;
  readonly mlflowTrackingUri: pulumi.Output<string>;

  constructor(name: string, args: MlWorkspaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("azure-mlflow-lab:azureml:Workspace", name, {}, opts);
    const common = { resourceGroupName: args.resourceGroupName, location: args.location, tags: args.tags };
    const prefix = args.namePrefix;

    const logs = new operationalinsights.Workspace(
      `${prefix}aml-log-analytics`,
      { ...common, workspaceName: args.names.logAnalytics, sku: { name: "PerGB2018" }, retentionInDays: 30 },
      { parent: this },
    );

    const insights = new applicationinsights.Component(
      `${prefix}aml-app-insights`,
      {
        ...common,
        resourceName: args.names.appInsights,
        kind: "web",
        applicationType: "web",
        // Workspace-based: classic Application Insights is retired.
        workspaceResourceId: logs.id,
        ingestionMode: "LogAnalytics",
      },
      { parent: this },
    );

    this.storageAccount = new storage.StorageAccount(
      `${prefix}aml-storage`,
      {
        ...common,
        accountName: args.names.storageAccount,
        kind: "StorageV2",
        sku: { name: "Standard_LRS" },
        allowBlobPublicAccess: false,
        minimumTlsVersion: "TLS1_2",
        enableHttpsTrafficOnly: true,
        // Azure ML's default blob datastore does not work on a hierarchical namespace.
        isHnsEnabled: false,
      },
      { parent: this },
    );

    this.keyVault = new keyvault.Vault(
      `${prefix}aml-key-vault`,
      {
        ...common,
        vaultName: args.names.keyVault,
        properties: {
          tenantId: args.tenantId,
          sku: { family: "A", name: "standard" },
          // Access-policy mode: Azure ML adds its own policy for the workspace identity when it creates
          // the workspace, which is why later policy changes are ignored below.
          enableRbacAuthorization: false,
          accessPolicies: [],
          // Shortest retention so a torn-down lab's vault name is free again within a week. Purge
          // protection stays unset: Azure rejects an explicit false, and true would lock the name for
          // the whole retention period with no way to purge it.
          softDeleteRetentionInDays: 7,
        },
      },
      { parent: this, ignoreChanges: ["properties.accessPolicies"] },
    );

    if (args.withContainerRegistry) {
      this.containerRegistry = new containerregistry.Registry(
        `${prefix}aml-container-registry`,
        { ...common, registryName: args.names.containerRegistry, sku: { name: "Basic" }, adminUserEnabled: false },
        { parent: this },
      );
    }

    this.workspace = new machinelearningservices.Workspace(
      `${prefix}aml-workspace`,
      {
        ...common,
        workspaceName: args.names.mlWorkspace,
        friendlyName: `MLflow lab ${args.names.suffix}`,
        kind: "Default",
        sku: { name: "Basic", tier: "Basic" },
        identity: { type: "SystemAssigned" },
        storageAccount: this.storageAccount.id,
        keyVault: this.keyVault.id,
        applicationInsights: insights.id,
        ...(this.containerRegistry ? { containerRegistry: this.containerRegistry.id } : {}),
        publicNetworkAccess: "Enabled",
        v1LegacyMode: false,
      },
      { parent: this },
    );
    this.mlflowTrackingUri = this.workspace.mlFlowTrackingUri;
    this.registerOutputs({ workspaceName: this.workspace.name, mlflowTrackingUri: this.mlflowTrackingUri });
  }
}

/** ARM id of a model version in the workspace, the form online deployments take as `model`. */
export function modelVersionId(
  workspaceId: pulumi.Input<string>,
  model: { name: string; version: string },
): pulumi.Output<string> {
  return pulumi.interpolate`${workspaceId}/models/${model.name}/versions/${model.version}`;
}
