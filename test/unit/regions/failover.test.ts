import { describe, expect, it } from "vitest";
import { BLOCK_TTL, blockEntryFor, classifyFailure, type ArmErrorLike } from "../../../src/regions/failover";

/** Golden cases: the messages are ARM's (https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-resource-quota, error-sku-not-available) and the ones learners report (MicrosoftLearning/mslearn-databricks#17, MicrosoftLearning/dp-203-azure-data-engineer#132). */
const context = { region: "eastus", nodeType: "Standard_DS3_v2", family: "standardDSv2Family" };

const QUOTA_NEW =
  "Operation could not be completed as it results in exceeding approved standardDASv5Family Cores quota. Additional details - Deployment Model: Resource Manager, Location: eastus, Current Limit: 100, Current Usage: 96, Additional Required: 64, (Minimum) New Limit Required: 160. Submit a request for Quota increase at https://aka.ms/ProdportalCRP/";
const QUOTA_OLD = "Operation results in exceeding quota limits of Core. Maximum allowed: 4, Current in use: 4, Additional requested: 2.";
const SKU =
  "The requested VM size for resource '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm' is currently not available in location 'eastus' zones '1' for subscription 's'. Please try another size or deploy to a different location or zones.";
const SKU_CAPACITY =
  "The requested VM size 'Following SKUs have failed for Capacity Restrictions: Standard_D16s_v5' is currently not available in location 'westus2'. Please try another size or deploy to a different location or zones.";
const THROTTLED = "Number of 'read' requests for subscription '{sub}' actor '{oid}' exceeded. Please try again after '10' seconds";

function decide(...errors: ArmErrorLike[]) {
  return classifyFailure(errors, context);
}

describe("failover scoping", () => {
  it("a family quota error blocks that family in the region", () => {
    expect(decide({ code: "OperationNotAllowed", message: QUOTA_NEW })).toMatchObject({
      action: "failover",
      scope: { region: "eastus", family: "standardDASv5Family" },
      ttlMs: BLOCK_TTL.quota,
    });
  });

  it("the older 'quota limits of Core' message blocks every size in the region (the regional total)", () => {
    expect(decide({ code: "OperationNotAllowed", message: QUOTA_OLD })).toMatchObject({ action: "failover", scope: { region: "eastus", family: "cores" } });
  });

  it("QuotaExceeded nested in DeploymentFailed details is found", () => {
    const nested: ArmErrorLike = {
      code: "DeploymentFailed",
      message: "At least one resource deployment operation failed.",
      details: [{ code: "QuotaExceeded", message: "Provisioning of resource(s) for container service failed. Message: Operation could not be completed as it results in exceeding approved standardDSv2Family Cores quota." }],
    };
    expect(decide(nested)).toMatchObject({ action: "failover", scope: { region: "eastus", family: "standardDSv2Family" }, code: "QuotaExceeded" });
  });

  it("codes embedded in engine text (Code=\"…\" Message=\"…\") are found", () => {
    const engine = { code: "", message: `creating Workspace: Code="OperationNotAllowed" Message="${QUOTA_OLD}"` };
    expect(decide(engine)).toMatchObject({ action: "failover", scope: { family: "cores" } });
  });

  it("SkuNotAvailable and its capacity variant block the size in the region for a short time", () => {
    for (const message of [SKU, SKU_CAPACITY]) {
      expect(decide({ code: "SkuNotAvailable", message })).toMatchObject({
        action: "failover",
        scope: { region: "eastus", nodeType: "Standard_DS3_v2" },
        ttlMs: BLOCK_TTL.capacity,
      });
    }
    expect(decide({ code: "InvalidTemplateDeployment", message: SKU })).toMatchObject({ action: "failover", scope: { nodeType: "Standard_DS3_v2" } });
  });

  it("allocation failures block the size in the region", () => {
    for (const code of ["AllocationFailed", "ZonalAllocationFailed", "OverconstrainedAllocationRequest"]) {
      expect(decide({ code, message: "Allocation failed. We do not have sufficient capacity for the requested VM size in this region." })).toMatchObject({
        action: "failover",
        scope: { region: "eastus", nodeType: "Standard_DS3_v2" },
      });
    }
  });

  it("MissingSubscriptionRegistration registers the namespace and retries instead of failing over", () => {
    expect(decide({ code: "MissingSubscriptionRegistration", message: "The subscription is not registered to use namespace 'Microsoft.Databricks'. See https://aka.ms/rps-not-found for how to register subscriptions." })).toEqual({
      action: "register",
      namespace: "Microsoft.Databricks",
      code: "MissingSubscriptionRegistration",
      reason: "provider Microsoft.Databricks is not registered; registering and retrying",
    });
  });

  it("throttling retries and never fails over", () => {
    expect(decide({ code: "SubscriptionRequestsThrottled", message: THROTTLED })).toMatchObject({ action: "retry" });
    expect(decide({ status: 429, message: "Too many requests" })).toMatchObject({ action: "retry" });
  });

  it("subscription, authorization and policy errors stop at once with the fix in one line", () => {
    const policy = decide({ code: "RequestDisallowedByPolicy", message: "Resource 'msl-abc' was disallowed by policy. Policy identifiers: '[{\"policyAssignment\":{\"name\":\"sys.regionrestriction\"}}]'." });
    expect(policy).toMatchObject({ action: "stop" });
    expect(policy.reason).toMatch(/Azure Policy .*sys\.regionrestriction.*mlflow-lab regions/);
    expect(decide({ code: "AuthorizationFailed", message: "The client 'x' does not have authorization to perform action" })).toMatchObject({ action: "stop", reason: expect.stringMatching(/az login/) });
    expect(decide({ code: "ReadOnlyDisabledSubscription", message: "The subscription 's' is disabled and therefore marked as read only." })).toMatchObject({ action: "stop", reason: expect.stringMatching(/--subscription/) });
  });

  it("a stop anywhere in a multi-error failure wins over a failover", () => {
    expect(decide({ code: "QuotaExceeded", message: QUOTA_NEW }, { code: "AuthorizationFailed", message: "no" })).toMatchObject({ action: "stop" });
  });

  it("Databricks workspaces that end Failed for account or tenant limits stop (no region can fix them)", () => {
    for (const message of [
      "QUOTA_EXCEEDED: Cannot have more than 10000 users and service principals in one account",
      "Workspace Creator App ID could not be found",
      "privilege quota exceeded",
    ]) {
      expect(decide({ code: "InternalServerError", message })).toMatchObject({ action: "stop" });
    }
  });

  it("a workspace backend InternalServerError blocks the region briefly and fails over", () => {
    expect(decide({ code: "InternalServerError", message: "An internal server error occurred." })).toMatchObject({
      action: "failover",
      scope: { region: "eastus" },
      ttlMs: BLOCK_TTL.transient,
    });
  });

  it("'Model serving is not enabled for your shard' blocks serving in the region", () => {
    expect(decide({ code: "", message: "Model serving is not enabled for your shard. Please contact your organization admin or Databricks support." })).toMatchObject({
      action: "failover",
      scope: { region: "eastus", feature: "serving" },
      ttlMs: BLOCK_TTL.serving,
    });
  });

  it("a Databricks cluster's AZURE_QUOTA_EXCEEDED_EXCEPTION is a quota failover for the size's family", () => {
    const message = "Cluster terminated. Reason: AZURE_QUOTA_EXCEEDED_EXCEPTION (CLIENT_ERROR): Current Limit: 10, Current Usage: 8, New Limit Required: 12";
    expect(decide({ code: "", message })).toMatchObject({ action: "failover", scope: { region: "eastus", family: "standardDSv2Family" } });
  });

  it("an unrecognised error blocks the region briefly and is marked unrecognised", () => {
    const decision = decide({ code: "DeploymentFailed", message: "something odd" });
    expect(decision).toMatchObject({ action: "failover", scope: { region: "eastus" }, unrecognised: true, ttlMs: BLOCK_TTL.unrecognised });
  });

  it("a failover decision becomes a dated blocklist entry", () => {
    const decision = decide({ code: "SkuNotAvailable", message: SKU });
    if (decision.action !== "failover") throw new Error("expected failover");
    expect(blockEntryFor(decision, new Date("2026-11-23T12:00:00Z"))).toEqual({
      region: "eastus",
      nodeType: "Standard_DS3_v2",
      reason: "Standard_DS3_v2 in eastus is not available now",
      code: "SkuNotAvailable",
      createdAt: "2026-11-23T12:00:00.000Z",
      expiresAt: "2026-11-23T12:30:00.000Z",
    });
  });
});

describe("the lab's Unity Catalog check failing (the account, not the region)", () => {
  // What the engine reports when the program's check resource fails: the provider's error with its stack.
  const engineText = (message: string) => `Error: ${message}\n    at Object.create (/tmp/pulumi-dynamic/provider.js:12:15)\n    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)`;

  it("no metastore: stop at once, saying how to use catalogMode legacy, with no stack trace in the line", () => {
    const decision = decide({
      code: "",
      message: engineText("UnityCatalogNotEnabled: Databricks workspace databricks-abc1234 has no Unity Catalog metastore assigned (METASTORE_DOES_NOT_EXIST: No metastore assigned for the current workspace.)"),
    });
    expect(decision).toMatchObject({ action: "stop", code: "UnityCatalogNotEnabled" });
    expect(decision.reason).toContain("Unity Catalog is not enabled in this lab's Databricks workspace (Databricks workspace databricks-abc1234 has no Unity Catalog metastore assigned (METASTORE_DOES_NOT_EXIST: No metastore assigned for the current workspace.))");
    expect(decision.reason).toContain("set azure-mlflow-lab:catalogMode: legacy");
    expect(decision.reason).not.toMatch(/\n|Object\.create/);
  });

  it("a catalog that does not exist: stop with the check's own line (a config problem)", () => {
    const decision = decide({ code: "", message: engineText("LabCatalogNotFound: catalog 'main' does not exist in Databricks workspace databricks-abc1234 (catalogs there: samples); set config azure-mlflow-lab:catalog to one you may create schemas in") });
    expect(decision).toEqual({
      action: "stop",
      code: "LabCatalogNotFound",
      reason: "catalog 'main' does not exist in Databricks workspace databricks-abc1234 (catalogs there: samples); set config azure-mlflow-lab:catalog to one you may create schemas in",
    });
  });
});
