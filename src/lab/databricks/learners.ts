import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as dbx from "@pulumi/databricks";
import type { ClassLearner } from "../../config/lab-config";
import type { LabSettings } from "../lab-args";
import type { TagMap } from "../tags";
import { createLabCluster } from "./cluster";

/**
 * A class's learners in one workspace (`learners` in the stack config, set by `mlflow-lab class up`):
 * each becomes a workspace user (not an admin), gets a single-user cluster of their own and a folder of
 * their own, and permissions on those two and nothing else. A learner who owns the lab (one lab per
 * learner) uses the lab's own cluster; in a shared workspace every learner gets a new one.
 *
 * - Cluster: CAN_RESTART, the level that lets a user attach to and start a cluster without editing it
 *   (its size and its single user stay as the class planned them); the cluster is SINGLE_USER for that
 *   learner, so nobody else can run code on it.
 * - Folder: CAN_MANAGE on /Users/<learner>/mlflow-lab. databricks.Permissions replaces an object's whole
 *   access list, so nobody but the learner (and workspace admins) is on it.
 * (Permission levels per object type: docs.databricks.com/aws/en/security/auth/access-control, read
 * 2026-12-03; the Pulumi resources: pulumi registry databricks User, Directory, Permissions.)
 */
export const LEARNER_CLUSTER_PERMISSION = "CAN_RESTART";
export const LEARNER_FOLDER_PERMISSION = "CAN_MANAGE";

export interface ClassLearnersArgs {
  settings: Pick<LabSettings, "learners" | "owner" | "compute" | "sparkVersion" | "nodeType" | "autoterminationMinutes">;
  /** The lab cluster's name; a learner's cluster adds the learner's handle. */
  clusterName: string;
  /** Starts every child's Pulumi name (see childNamePrefix in ../naming.ts). */
  namePrefix: string;
  tags: pulumi.Input<TagMap>;
  provider: dbx.Provider;
  /** The lab's own cluster (classic compute), owned by `settings.owner`. */
  labCluster?: dbx.Cluster;
}

/** A short, stable handle for a learner in Pulumi names (names must not carry an email's characters). */
export function learnerHandle(learner: string): string {
  const local = learner.split("@")[0]!.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 20) || "learner";
  return `${local}-${createHash("sha256").update(learner.toLowerCase()).digest("hex").slice(0, 6)}`;
}

export function learnerFolder(learner: string): string {
  return `/Users/${learner}/mlflow-lab`;
}

export class ClassLearners extends pulumi.ComponentResource {
  readonly clusters: Record<string, dbx.Cluster> = {};

  constructor(name: string, args: ClassLearnersArgs, opts?: pulumi.ComponentResourceOptions) {
    super("azure-mlflow-lab:databricks:ClassLearners", name, {}, opts);
    const on = { parent: this, provider: args.provider };
    for (const entry of args.settings.learners) this.addLearner(entry, args, on);
    this.registerOutputs({ learners: args.settings.learners.map((l) => l.learner) });
  }

  private addLearner(entry: ClassLearner, args: ClassLearnersArgs, on: pulumi.CustomResourceOptions): void {
    const { settings: config, namePrefix: prefix } = args;
    const handle = learnerHandle(entry.learner);
    const user = new dbx.User(`${prefix}learner-${handle}`, { userName: entry.learner, workspaceAccess: true, allowClusterCreate: false }, on);

    let cluster: dbx.Cluster | undefined;
    if (config.compute === "classic") {
      const owns = args.labCluster && config.owner.toLowerCase() === entry.learner.toLowerCase();
      cluster = owns
        ? args.labCluster
        : createLabCluster(
            {
              settings: { ...config, owner: entry.learner },
              clusterName: `${args.clusterName}-${handle}`,
              namePrefix: prefix,
              tags: args.tags,
              provider: args.provider,
              resourceName: `${prefix}learner-cluster-${handle}`,
            },
            this,
          );
      this.clusters[entry.learner] = cluster!;
      new dbx.Permissions(
        `${prefix}learner-cluster-access-${handle}`,
        { clusterId: cluster!.id, accessControls: [{ userName: entry.learner, permissionLevel: LEARNER_CLUSTER_PERMISSION }] },
        { ...on, dependsOn: [user] },
      );
    }

    const folder = new dbx.Directory(`${prefix}learner-folder-${handle}`, { path: learnerFolder(entry.learner) }, { ...on, dependsOn: [user] });
    new dbx.Permissions(
      `${prefix}learner-folder-access-${handle}`,
      { directoryPath: folder.path, accessControls: [{ userName: entry.learner, permissionLevel: LEARNER_FOLDER_PERMISSION }] },
      { ...on, dependsOn: [user] },
    );
  }
}
