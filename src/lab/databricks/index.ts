import * as pulumi from "@pulumi/pulumi";
import type * as databricks from "@pulumi/azure-native/databricks";
import type * as dbx from "@pulumi/databricks";
import type { LabConfig } from "../../config/lab-config";
import type { LabNames } from "../naming";
import type { TagMap } from "../tags";
import { createLabAssets, type DatasetFetcher } from "./assets";
import { createLabCluster } from "./cluster";
import { createServingEndpoint, servingInvocationsUrl } from "./serving";
import { createDatabricksWorkspace } from "./workspace";

export interface DatabricksLabArgs {
  config: LabConfig;
  names: LabNames;
  resourceGroupName: pulumi.Input<string>;
  subscriptionId: pulumi.Input<string>;
  tags: pulumi.Input<TagMap>;
  fetchDataset: DatasetFetcher;
}

/** Everything the seed lab uses in Databricks: workspace, cluster, data, notebook, optional serving. */
export class DatabricksLab extends pulumi.ComponentResource {
  readonly workspace: databricks.Workspace;
  readonly cluster: dbx.Cluster;
  readonly workspaceUrl: pulumi.Output<string>;
  readonly serving?: dbx.ModelServing;
  readonly servingUrl?: pulumi.Output<string>;

  constructor(name: string, args: DatabricksLabArgs, opts?: pulumi.ComponentResourceOptions) {
    super("azure-mlflow-lab:databricks:Lab", name, {}, opts);
    const { workspace, provider } = createDatabricksWorkspace(
      {
        names: args.names,
        resourceGroupName: args.resourceGroupName,
        location: args.config.region,
        subscriptionId: args.subscriptionId,
        tags: args.tags,
      },
      this,
    );
    this.workspace = workspace;
    this.workspaceUrl = workspace.workspaceUrl;
    this.cluster = createLabCluster({ config: args.config, names: args.names, tags: args.tags, provider }, this);
    createLabAssets({ config: args.config, provider, fetchDataset: args.fetchDataset }, this);
    if (args.config.databricksServing.enabled) {
      this.serving = createServingEndpoint(args.config.databricksServing, args.tags, provider, this);
      this.servingUrl = servingInvocationsUrl(workspace.workspaceUrl, args.config.databricksServing.name);
    }
    this.registerOutputs({ workspaceUrl: this.workspaceUrl, clusterId: this.cluster.id });
  }
}
