/**
 * The tags every lab resource carries. Teardown and cleanup decide on these tags, never on names, so
 * the keys live in one place and are shared by the Pulumi program, the deploy flow and the janitor.
 */
export const LabTag = {
  id: "lab-id",
  owner: "lab-owner",
  createdAt: "lab-created-at",
  expiresAt: "lab-expires-at",
  managedBy: "managed-by",
} as const;

export type LabTagKey = (typeof LabTag)[keyof typeof LabTag];

/**
 * The tag a class's labs carry besides the lab tags (`mlflow-lab class up`): `class status` and `class
 * down` find a class's labs by it, and class down deletes only labs whose tag names its class.
 */
export const CLASS_ID_TAG = "class-id";

/** The value of the `managed-by` tag on everything this toolkit creates. */
export const MANAGED_BY = "azure-mlflow-lab";

/**
 * Tags that make a resource group untouchable for cleanup whatever their value (matched without
 * regard to case, as ARM treats tag names).
 */
export const DO_NOT_DELETE_TAGS = ["do-not-delete", "donotdelete"] as const;

export interface LabTagValues {
  labId: string;
  owner: string;
  createdAt: string;
  expiresAt: string;
}

export function labTags(values: LabTagValues): Record<LabTagKey, string> {
  return {
    [LabTag.id]: values.labId,
    [LabTag.owner]: values.owner,
    [LabTag.createdAt]: values.createdAt,
    [LabTag.expiresAt]: values.expiresAt,
    [LabTag.managedBy]: MANAGED_BY,
  };
}
