import * as pulumi from "@pulumi/pulumi";
import type * as databricks from "@pulumi/azure-native/databricks";
import type * as dbx from "@pulumi/databricks";
import type { LabSettings } from "../lab-args";
import type { LabNames } from "../naming";
import type { TagMap } from "../tags";
import { createDbfsDataset, createLabNotebook, type DatasetFetcher } from "./assets";
import { createLabCluster } from "./cluster";
import { ClassLearners } from "./learners";
import { labDataLayout, type LabDataLayout } from "./lab-data";
import { createServingEndpoint, servingInvocationsUrl } from "./serving";
import { createUnityCatalogData } from "./unity-catalog";
import { createDatabricksWorkspace } from "./workspace";

/** The lab settings the Databricks part reads. */
export type DatabricksSettings = Pick<
  LabSettings,
  | "region"
  | "owner"
  | "ownerKind"
  | "compute"
  | "catalogMode"
  | "catalog"
  | "nodeType"
  | "sparkVersion"
  | "autoterminationMinutes"
  | "databricksServing"
  | "datasetUrl"
  | "datasetSha256"
  | "learners"
>;

export interface DatabricksLabArgs {
  settings: DatabricksSettings;
  names: Pick<LabNames, "databricksWorkspace" | "databricksManagedResourceGroup" | "clusterName">;
  /** Starts every child's Pulumi name (see childNamePrefix in ../naming.ts). */
  namePrefix: string;
  resourceGroupName: pulumi.Input<string>;
  subscriptionId: pulumi.Input<string>;
  tags: pulumi.Input<TagMap>;
  fetchDataset: DatasetFetcher;
}

/**
 * Everything the seed lab uses in Databricks: workspace, compute (a cluster, or none on serverless), the
 * data (Unity Catalog volume, or DBFS root in legacy mode), the notebook and optional serving.
 */
export class DatabricksLab extends pulumi.ComponentResource {
  readonly workspace: databricks.Workspace;
  /** undefined on serverless compute: the notebook runs on Databricks' serverless notebook compute. */
  readonly cluster?: dbx.Cluster;
  readonly workspaceUrl: pulumi.Output<string>;
  readonly layout: LabDataLayout;
  readonly serving?: dbx.ModelServing;
  readonly servingUrl?: pulumi.Output<string>;
  /** A class's learners: their users, clusters, folders and permissions (./learners.ts). */
  readonly learners?: ClassLearners;

  constructor(name: string, args: DatabricksLabArgs, opts?: pulumi.ComponentResourceOptions) {
    super("azure-mlflow-lab:databricks:Lab", name, {}, opts);
    const { settings: config, names, namePrefix } = args;
    const { workspace, provider } = createDatabricksWorkspace(
      {
        names,
        namePrefix,
        resourceGroupName: args.resourceGroupName,
        location: config.region,
        subscriptionId: args.subscriptionId,
        tags: args.tags,
        compute: config.compute,
        catalogMode: config.catalogMode,
      },
      this,
    );
    this.workspace = workspace;
    this.workspaceUrl = workspace.workspaceUrl;
    this.layout = labDataLayout(config, names);
    if (config.compute === "classic") {
      this.cluster = createLabCluster({ settings: config, clusterName: names.clusterName, namePrefix, tags: args.tags, provider }, this);
    }
    if (config.learners.length > 0) {
      this.learners = new ClassLearners(
        `${namePrefix}learners`,
        { settings: config, clusterName: names.clusterName, namePrefix, tags: args.tags, provider, ...(this.cluster ? { labCluster: this.cluster } : {}) },
        { parent: this },
      );
    }

    let notebookAfter: pulumi.Resource[] = [];
    if (this.layout.catalogMode === "unity") {
      const data = createUnityCatalogData(
        {
          settings: config,
          namePrefix,
          catalog: this.layout.catalog!,
          workspaceName: names.databricksWorkspace,
          workspaceUrl: workspace.workspaceUrl,
          provider,
          fetchDataset: args.fetchDataset,
          after: [workspace],
        },
        this,
      );
      // The notebook names the volume and the model's schema: it goes in once they exist.
      notebookAfter = [data.dataset];
    } else {
      createDbfsDataset(config, namePrefix, provider, args.fetchDataset, this);
    }
    createLabNotebook(config, namePrefix, this.layout, provider, this, notebookAfter);

    if (config.databricksServing.enabled) {
      this.serving = createServingEndpoint(config.databricksServing, namePrefix, this.layout.modelName, args.tags, provider, this);
      this.servingUrl = servingInvocationsUrl(workspace.workspaceUrl, config.databricksServing.name);
    }
    this.registerOutputs({ workspaceUrl: this.workspaceUrl, ...(this.cluster ? { clusterId: this.cluster.id } : {}) });
  }
}
