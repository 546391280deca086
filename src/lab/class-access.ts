import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import type { ClassLearner } from "../config/lab-config";
import { learnerHandle } from "./databricks/learners";
import { BuiltInRole, roleDefinitionId } from "./roles";

/**
 * A class's learners on their lab's resource group: Reader, for the learners whose Entra object id the
 * roster gives. Reader is the least a learner needs to find their lab in the portal (the workspace's
 * "Launch" button, the group's cost) and it changes nothing: every change a learner makes happens inside
 * Databricks, as a workspace user with their own cluster and folder (./databricks/learners.ts). Contributor
 * or Owner on the workspace would make them a workspace admin on first sign-in, able to see and run
 * everyone's clusters in a shared workspace ("Users with the Contributor or Owner role on the workspace
 * resource can sign in as administrators using the Azure portal", learn.microsoft.com/azure/databricks/
 * administration-guide/users-groups/users; kb.databricks.com "users with Reader role in Azure appearing in
 * Databricks workspace admin group": only Contributor, Owner or a custom role with the admin permissions
 * does that; read 2026-12-03). A learner without an object id still gets the Databricks access; only this role is skipped.
 */
export function grantLearnersReader(
  name: string,
  args: { learners: readonly ClassLearner[]; resourceGroupId: pulumi.Input<string>; subscriptionId: pulumi.Input<string> },
  opts: pulumi.CustomResourceOptions,
): authorization.RoleAssignment[] {
  return args.learners
    .filter((l) => l.objectId)
    .map(
      (l) =>
        new authorization.RoleAssignment(
          `${name}-${learnerHandle(l.learner)}`,
          {
            principalId: l.objectId!,
            principalType: "User",
            roleDefinitionId: pulumi.output(args.subscriptionId).apply((sub) => roleDefinitionId(sub, BuiltInRole.reader)),
            scope: args.resourceGroupId,
          },
          { ...opts, deleteBeforeReplace: true },
        ),
    );
}
