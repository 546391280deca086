import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseWorkspaceId } from "../../../src/models/push/azureml-assets";
import { azureMlObjectHash } from "../../../src/models/push/content-hash";
import { blobServiceUrl, modelUriFor, pathOfModelUri } from "../../../src/models/push/push-model";
import { configSetCommand, setEndpointModel } from "../../../src/models/push/stack-config";

describe("the azure-ai-ml folder hash", () => {
  it("matches the Python algorithm (names then bytes, entries sorted case-insensitively, empty folders count by name)", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "hash-"));
    const dir = path.join(root, "m");
    fs.mkdirSync(path.join(dir, "Sub"), { recursive: true });
    fs.mkdirSync(path.join(dir, "empty"));
    fs.writeFileSync(path.join(dir, "MLmodel"), "flavors: {}\n");
    fs.writeFileSync(path.join(dir, "b.txt"), "abc");
    fs.writeFileSync(path.join(dir, "A.txt"), "XYZ");
    fs.writeFileSync(path.join(dir, "Sub", "z.bin"), Buffer.from([0, 1]));
    // Pinned from azure-ai-ml 1.35.2's own get_object_hash over the same folder (SHA-256 since 1.28.0);
    // the MD5 of the 1.27 walk was d1d3e5c55f57a8d2a597424b17fad317. The second value is the same run
    // after b.txt changed, so a content change is seen too.
    expect(azureMlObjectHash(dir)).toBe("e89a9fa6f13c746dbe3498ea6032ccab316339ef7ce68ec1a61eeaafed8c7337");
    fs.writeFileSync(path.join(dir, "b.txt"), "abd");
    expect(azureMlObjectHash(dir)).toBe("5b7449a7f842dd8681c7946d0409d29f5ea940b25eaa44260d5125e5a1a6914f");
    fs.rmSync(root, { recursive: true, force: true });
  });
});

describe("model URIs and datastore URLs", () => {
  const ws = { subscriptionId: "s1", resourceGroup: "msl-abc", workspace: "mlw-abc" };

  it("builds the long azureml:// form the service stores, and compares by datastore path", () => {
    const uri = modelUriFor(ws, "workspaceblobstore", "LocalUpload/0123/model");
    expect(uri).toBe("azureml://subscriptions/s1/resourcegroups/msl-abc/workspaces/mlw-abc/datastores/workspaceblobstore/paths/LocalUpload/0123/model");
    expect(pathOfModelUri(uri)).toBe(pathOfModelUri("azureml://datastores/WorkspaceBlobStore/paths/LocalUpload/0123/model/"));
  });

  it("uses account-host URLs for Azure and path-style URLs for emulators", () => {
    const ds = (endpoint: string, protocol = "https") => ({ name: "d", id: "i", properties: { datastoreType: "AzureBlob", accountName: "st1", endpoint, protocol } });
    expect(blobServiceUrl(ds("core.windows.net"))).toBe("https://st1.blob.core.windows.net");
    expect(blobServiceUrl(ds("127.0.0.1:10000", "http"))).toBe("http://127.0.0.1:10000/st1");
  });

  it("parses workspace ARM ids", () => {
    expect(parseWorkspaceId("/subscriptions/s1/resourceGroups/msl-abc/providers/Microsoft.MachineLearningServices/workspaces/mlw-abc")).toEqual(ws);
    expect(parseWorkspaceId("/subscriptions/s1/resourceGroups/msl-abc")).toBeUndefined();
  });
});

describe("--deploy edits of the stack config", () => {
  const stack = "config:\n  azure-mlflow-lab:region: westeurope\n  azure-mlflow-lab:endpoints:\n    # served by the course\n    - name: churn-aci\n      kind: aci\n      model: churn:1\n    - name: churn-online\n      kind: managed\n      model: churn:1\n";

  it("changes only the named endpoint's model and keeps comments", () => {
    const out = setEndpointModel(stack, "churn-online", "churn:3");
    expect(out).toMatchObject({ index: 1, previous: "churn:1" });
    expect(out.text).toBe(stack.replace(/model: churn:1\n$/, "model: churn:3\n"));
  });

  it("lists the endpoints when the name is wrong, and says when there are none", () => {
    expect(() => setEndpointModel(stack, "nope", "churn:3", "Pulumi.course.yaml")).toThrow('Pulumi.course.yaml has no endpoint "nope" (endpoints: churn-aci, churn-online)');
    expect(() => setEndpointModel("config: {}\n", "x", "m:1", "f")).toThrow("f has no azure-mlflow-lab:endpoints list");
  });

  it("prints the pulumi command when there is no stack file", () => {
    expect(configSetCommand(1, "churn:3", "course")).toBe("pulumi config set --path 'azure-mlflow-lab:endpoints[1].model' 'churn:3' --stack course");
  });
});

describe("which workspace push-model targets", () => {
  it("takes the workspace the lab stack exported (amlWorkspaceId) from an outputs file", async () => {
    const { resolveWorkspace } = await import("../../../src/models/push/workspace-target");
    const { stackOutputsReader } = await import("../../../src/cli/commands/push-model");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "outputs-"));
    const id = "/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/resourceGroups/msl-abc1234/providers/Microsoft.MachineLearningServices/workspaces/mlw-msl-abc1234";
    const withMl = path.join(dir, "course.json");
    fs.writeFileSync(withMl, JSON.stringify({ amlWorkspaceName: "mlw-msl-abc1234", amlWorkspaceId: id }));
    expect(await resolveWorkspace({ outputs: withMl } as never, stackOutputsReader({}), {})).toEqual({
      subscriptionId: "0b1f6471-1bf0-4dda-aec3-111122223333",
      resourceGroup: "msl-abc1234",
      workspace: "mlw-msl-abc1234",
    });
    const labOnly = path.join(dir, "lab.json");
    fs.writeFileSync(labOnly, JSON.stringify({ labId: "msl-abc1234" }));
    await expect(resolveWorkspace({ outputs: labOnly } as never, stackOutputsReader({}), {})).rejects.toThrow(
      `--outputs ${labOnly} names no Azure ML workspace (output amlWorkspaceId); is azureMl enabled in the stack?`,
    );
  });
});
