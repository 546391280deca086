import { describe, expect, it } from "vitest";
import { readStackSettings } from "../../../src/config/stack-settings";
import { checkGuardrails } from "../../../src/plan/guardrails";
import { byType, one, runConfig } from "./lab-runs";

/**
 * A class's lab under the Pulumi mock runtime: the class-id tag on everything, and per learner a
 * workspace user, a single-user cluster of their own (the lab's own when they own it), a folder of their
 * own, permissions on those only, and Reader on the resource group when the roster gave an object id.
 */
const ANN = { learner: "ann@contoso.edu", objectId: "00000000-0000-4000-9000-000000000001" };
const BOB = { learner: "bob@contoso.edu" };

describe("a class's lab", () => {
  it("shared workspace: every learner gets a user, an own single-user cluster and folder, and permissions on those alone", async () => {
    const run = await runConfig({ owner: "teacher@contoso.edu", classId: "ml101", learners: [ANN, BOB] }, "class-shared");
    const users = byType(run, "databricks:index/user:User").map((r) => r.inputs.userName);
    expect(users.sort()).toEqual(["ann@contoso.edu", "bob@contoso.edu"]);

    const clusters = byType(run, "databricks:index/cluster:Cluster");
    // The workspace owner's cluster plus one per learner, each single-user for its learner.
    expect(clusters.map((c) => [c.inputs.singleUserName, c.inputs.dataSecurityMode]).sort()).toEqual([
      ["ann@contoso.edu", "SINGLE_USER"],
      ["bob@contoso.edu", "SINGLE_USER"],
      ["teacher@contoso.edu", "SINGLE_USER"],
    ]);

    const permissions = byType(run, "databricks:index/permissions:Permissions");
    const clusterAcls = permissions.filter((p) => p.inputs.clusterId !== undefined);
    const folderAcls = permissions.filter((p) => p.inputs.directoryPath !== undefined);
    expect(clusterAcls.map((p) => p.inputs.accessControls)).toEqual(
      expect.arrayContaining([[{ userName: "ann@contoso.edu", permissionLevel: "CAN_RESTART" }], [{ userName: "bob@contoso.edu", permissionLevel: "CAN_RESTART" }]]),
    );
    expect(clusterAcls).toHaveLength(2);
    expect(folderAcls.map((p) => [p.inputs.directoryPath, p.inputs.accessControls]).sort()).toEqual([
      ["/Users/ann@contoso.edu/mlflow-lab", [{ userName: "ann@contoso.edu", permissionLevel: "CAN_MANAGE" }]],
      ["/Users/bob@contoso.edu/mlflow-lab", [{ userName: "bob@contoso.edu", permissionLevel: "CAN_MANAGE" }]],
    ]);
    // Each learner's cluster permission names that learner's own cluster.
    for (const acl of clusterAcls) {
      const who = (acl.inputs.accessControls as Array<{ userName: string }>)[0]!.userName;
      expect(acl.options.dependsOn.some((d) => clusters.some((c) => c.name === d && c.inputs.singleUserName === who))).toBe(true);
    }

    // Reader on the group only for the learner with an object id.
    const readers = byType(run, "azure-native:authorization:RoleAssignment").filter((r) => String(r.inputs.roleDefinitionId).endsWith("acdd72a7-3385-48ef-bd42-f606fba81ae7"));
    expect(readers.map((r) => [r.inputs.principalId, r.inputs.principalType])).toEqual([[ANN.objectId, "User"]]);
  });

  it("one lab per learner: the learner owns the lab's cluster, so no second cluster is made", async () => {
    const run = await runConfig({ owner: ANN.learner, classId: "ml101", learners: [ANN] }, "class-one");
    expect(byType(run, "databricks:index/cluster:Cluster")).toHaveLength(1);
    expect(one(run, "databricks:index/cluster:Cluster").inputs.singleUserName).toBe(ANN.learner);
    expect(byType(run, "databricks:index/permissions:Permissions")).toHaveLength(2);
  });

  it("puts the class-id tag on every tagged resource, and the lab still passes its guardrails", async () => {
    const run = await runConfig({ owner: "teacher@contoso.edu", classId: "ml101", learners: [ANN] }, "class-tags");
    const group = one(run, "azure-native:resources:ResourceGroup");
    expect((group.inputs.tags as Record<string, string>)["class-id"]).toBe("ml101");
    expect((one(run, "azure-native:databricks:Workspace").inputs.tags as Record<string, string>)["class-id"]).toBe("ml101");
    expect(checkGuardrails(run.resources)).toEqual([]);
    // Everything that takes tags, with every kind of endpoint: Azure tags, cluster custom tags, serving tag lists.
    const full = await runConfig({ ...readStackSettings("full").config, owner: "teacher@contoso.edu", classId: "ml101", learners: [ANN, BOB] }, "class-full");
    const tagged = full.resources.filter((r) => r.custom && (r.inputs.tags !== undefined || r.inputs.customTags !== undefined));
    expect(tagged.length).toBeGreaterThanOrEqual(8);
    for (const r of tagged) {
      const tags = r.inputs.customTags ?? r.inputs.tags;
      const value = Array.isArray(tags) ? (tags as Array<{ key: string; value: string }>).find((t) => t.key === "class-id")?.value : (tags as Record<string, string>)["class-id"];
      expect(value, `${r.type} ${r.name}`).toBe("ml101");
    }
    const plain = await runConfig({}, "no-class");
    expect((one(plain, "azure-native:resources:ResourceGroup").inputs.tags as Record<string, string>)["class-id"]).toBeUndefined();
  });
});
