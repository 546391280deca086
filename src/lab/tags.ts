import * as pulumi from "@pulumi/pulumi";
import { CLASS_ID_TAG, labTags } from "../config/lab-tags";
import type { LabLease } from "./lease";

export type TagMap = Record<string, string>;

/**
 * The lab tags for every taggable resource, with created/expires from the lease (deploy-time values), and
 * the class's id when the lab is one of a class's.
 */
export function labTagsOutput(labId: string, owner: string, lease: LabLease, classId?: string): pulumi.Output<TagMap> {
  return pulumi
    .all([lease.createdAt, lease.expiresAt])
    .apply(([createdAt, expiresAt]): TagMap => ({ ...labTags({ labId, owner, createdAt, expiresAt }), ...(classId ? { [CLASS_ID_TAG]: classId } : {}) }));
}

/** Databricks Model Serving takes tags as a list of {key, value}. */
export function asTagList(tags: pulumi.Input<TagMap>): pulumi.Output<Array<{ key: string; value: string }>> {
  return pulumi.output(tags).apply((map) => Object.entries(map).map(([key, value]) => ({ key, value })));
}
