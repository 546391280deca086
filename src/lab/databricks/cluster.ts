import * as pulumi from "@pulumi/pulumi";
import * as dbx from "@pulumi/databricks";
import type { LabSettings } from "../lab-args";
import type { TagMap } from "../tags";

/**
 * The settings that make a cluster "single node" in the Databricks API. They are declared in full (the
 * legacy style) instead of `isSingleNode: true`: with `isSingleNode` the service adds this spark_conf
 * and the ResourceClass tag itself and every later preview shows them as drift
 * (terraform-provider-databricks#4360). Declaring exactly what the service stores leaves nothing to
 * drift, and needs no `kind: CLASSIC_PREVIEW`.
 */
export const SINGLE_NODE_SPARK_CONF = {
  "spark.databricks.cluster.profile": "singleNode",
  "spark.master": "local[*]",
} as const;
export const SINGLE_NODE_TAG = { ResourceClass: "SingleNode" } as const;

export interface LabClusterArgs {
  settings: Pick<LabSettings, "sparkVersion" | "nodeType" | "autoterminationMinutes" | "owner">;
  clusterName: string;
  /** Starts the cluster's Pulumi name (see childNamePrefix in ../naming.ts). */
  namePrefix: string;
  tags: pulumi.Input<TagMap>;
  provider: dbx.Provider;
  /** Pulumi name (default `databricks-cluster`); a class's learners' clusters need their own. */
  resourceName?: string;
}

export function createLabCluster(args: LabClusterArgs, parent: pulumi.Resource): dbx.Cluster {
  const { settings: config } = args;
  return new dbx.Cluster(
    args.resourceName ?? `${args.namePrefix}databricks-cluster`,
    {
      clusterName: args.clusterName,
      // Pinned, not looked up: lookups against a workspace that does not exist yet return nothing during
      // preview (pulumi#10209), and the lab's logging code breaks above 16.4 LTS ML.
      sparkVersion: config.sparkVersion,
      // The size the region selector checked quota for.
      nodeTypeId: config.nodeType,
      numWorkers: 0,
      sparkConf: { ...SINGLE_NODE_SPARK_CONF },
      customTags: pulumi.output(args.tags).apply((tags) => ({ ...tags, ...SINGLE_NODE_TAG })),
      autoterminationMinutes: config.autoterminationMinutes,
      dataSecurityMode: "SINGLE_USER",
      singleUserName: config.owner,
      runtimeEngine: "STANDARD",
      azureAttributes: { availability: "ON_DEMAND_AZURE", firstOnDemand: 1 },
    },
    {
      parent,
      provider: args.provider,
      // A fresh workspace can report Succeeded before its worker environment exists
      // (UnknownWorkerEnvironmentException); the provider retries within this window.
      customTimeouts: { create: "30m", update: "30m" },
    },
  );
}
