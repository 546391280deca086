import { describe, expect, it } from "vitest";
import { armErrorsFromDiagnostics, armErrorsFromEngineText } from "../../../src/deploy/engine-errors";
import { collectDiagnostics, toDeploymentError } from "../../../src/deploy/pulumi-deployer";
import { classifyFailure } from "../../../src/regions/failover";

const QUOTA = "Operation could not be completed as it results in exceeding approved standardDSv2Family Cores quota. Additional details - Deployment Model: Resource Manager, Location: eastus, Current Limit: 4, Current Usage: 4, Additional Required: 4, (Minimum) New Limit Required: 8.";

describe("ARM errors in engine output", () => {
  it("reads autorest-style Code=\"…\" Message=\"…\"", () => {
    const text = `azure-native:databricks:Workspace (workspace):\n    error: Code="QuotaExceeded" Message="${QUOTA.replace(/"/g, '\\"')}"`;
    expect(armErrorsFromEngineText(text)).toEqual([{ code: "QuotaExceeded", message: QUOTA }]);
  });

  it("reads the newer RESPONSE/ERROR CODE block with a pretty-printed JSON body, including nested details", () => {
    const body = JSON.stringify({ error: { code: "DeploymentFailed", message: "At least one resource deployment operation failed.", details: [{ code: "SkuNotAvailable", message: "The requested VM size is currently not available in location 'eastus'." }] } }, null, 2);
    const text = `creating/updating Workspace: PUT https://management.azure.com/...\n--------------------------------------------------------------------------------\nRESPONSE 409: 409 Conflict\nERROR CODE: DeploymentFailed\n--------------------------------------------------------------------------------\n${body}\n--------------------------------------------------------------------------------`;
    expect(armErrorsFromEngineText(text)).toEqual([
      { code: "DeploymentFailed", message: "At least one resource deployment operation failed.", details: [{ code: "SkuNotAvailable", message: "The requested VM size is currently not available in location 'eastus'." }] },
    ]);
  });

  it("falls back to the ERROR CODE line when the body is not JSON", () => {
    expect(armErrorsFromEngineText("RESPONSE 403: 403 Forbidden\nERROR CODE: AuthorizationFailed\nnot json")).toEqual([{ code: "AuthorizationFailed", message: "RESPONSE 403: 403 Forbidden\nERROR CODE: AuthorizationFailed\nnot json" }]);
  });

  it("keeps diagnostics it cannot parse as code-less errors", () => {
    expect(armErrorsFromDiagnostics(["something broke"])).toEqual([{ code: "", message: "something broke" }]);
  });

  it("only error diagnostics are collected from engine events", () => {
    const into: string[] = [];
    collectDiagnostics({ sequence: 1, timestamp: 0, diagnosticEvent: { message: "warn", color: "never", severity: "warning" } }, into);
    collectDiagnostics({ sequence: 2, timestamp: 0, diagnosticEvent: { message: `Code="SkuNotAvailable" Message="x"`, color: "never", severity: "error" } }, into);
    expect(into).toEqual([`Code="SkuNotAvailable" Message="x"`]);
  });

  it("a failed up becomes a DeploymentError whose ARM errors drive failover", () => {
    const error = toDeploymentError("up", new Error("stderr: update failed"), [`error: Code="QuotaExceeded" Message="${QUOTA}"`]);
    expect(error.message).toMatch(/^pulumi up failed: error: Code="QuotaExceeded"/);
    expect(classifyFailure(error.armErrors, { region: "eastus", nodeType: "Standard_DS3_v2" })).toMatchObject({ action: "failover", scope: { region: "eastus", family: "standardDSv2Family" } });
  });

  it("without diagnostics the command error's text is used", () => {
    const error = toDeploymentError("destroy", new Error("code: 255\n stderr: error: failed to decrypt"), []);
    expect(error.message).toBe("pulumi destroy failed: code: 255 stderr: error: failed to decrypt");
    expect(error.armErrors).toEqual([{ code: "", message: "code: 255\n stderr: error: failed to decrypt" }]);
  });
});
