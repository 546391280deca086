import * as pulumi from "@pulumi/pulumi";
import { labTags } from "../config/lab-tags";
import type { LabLease } from "./lease";

export type TagMap = Record<string, string>;

/** The lab tags for every taggable resource, with created/expires from the lease (deploy-time values). */
export function labTagsOutput(labId: string, owner: string, lease: LabLease): pulumi.Output<TagMap> {
  return pulumi
    .all([lease.createdAt, lease.expiresAt])
    .apply(([createdAt, expiresAt]): TagMap => ({ ...labTags({ labId, owner, createdAt, expiresAt }) }));
}

/** Databricks Model Serving takes tags as a list of {key, value}. */
export function asTagList(tags: pulumi.Input<TagMap>): pulumi.Output<Array<{ key: string; value: string }>> {
  return pulumi.output(tags).apply((map) => Object.entries(map).map(([key, value]) => ({ key, value })));
}
