import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { backendSettings } from "../../../src/deploy/pulumi-backend";

describe("the Pulumi backend a user chose", () => {
  it("wins over the local file backend (class shards share azblob://), and leaves no local state folder", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "backend-"));
    try {
      const url = "azblob://class-state?storage_account=mlflowlabstate";
      const settings = backendSettings({ MLFLOW_LAB_STATE_DIR: dir, PULUMI_BACKEND_URL: url, PULUMI_CONFIG_PASSPHRASE: "p" });
      expect(settings.backendUrl).toBe(url);
      expect(settings.envVars.PULUMI_BACKEND_URL).toBe(url);
      expect(fs.existsSync(path.join(dir, "pulumi"))).toBe(false);
      expect(backendSettings({ MLFLOW_LAB_STATE_DIR: dir, PULUMI_BACKEND_URL: " ", PULUMI_CONFIG_PASSPHRASE: "p" }).backendUrl).toBe(`file://${path.join(dir, "pulumi")}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
